"""sweep(): one batched pass equals the per-config loop; batched optimizers equal torch's."""

import numpy as np
import pytest
import torch

import vizlab
from vizlab import ConfigError, RunConfig
from vizlab.core import activations, model
from vizlab.core.sweep import grid
from vizlab.core.threads import using_threads


def assert_same_trace(a, b, rtol=1e-9, atol=1e-9):
    assert len(a) == len(b)
    assert a.keys() == b.keys()
    for k in a.keys():
        if a[k].dtype.kind == "f":
            np.testing.assert_allclose(a[k], b[k], rtol=rtol, atol=atol, err_msg=k)
        else:
            np.testing.assert_array_equal(a[k], b[k], err_msg=k)
    assert a.events == b.events


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"])
def test_sweep_equals_loop_for_every_optimizer(optimizer):
    lrs = [0.003, 0.03] if optimizer in ("adam", "rmsprop", "adagrad") else [0.05, 0.3]
    base = RunConfig(
        dataset="moons",
        hidden=(6,),
        optimizer=optimizer,
        dtype="float64",
        steps=40,
        grid=10,
        frames=4,
    )
    configs = grid(base, lr=lrs, seed=[0, 3], l2=[0.0, 0.01])
    swept = vizlab.sweep(configs)
    assert len(swept) == 8
    for c, tr in zip(configs, swept):
        assert_same_trace(tr, vizlab.train(c))


def test_sweep_with_minibatches_dropout_l1_and_schedule():
    base = RunConfig(
        dataset="xor",
        dtype="float64",
        hidden=(5, 4),
        dropout=(0.3, 0.1),
        batch_size=24,
        epochs=4,
        schedule="cosine",
        optimizer="momentum",
        grid=8,
        frames=3,
    )
    configs = grid(base, lr=[0.02, 0.1], l1=[0.0, 0.005], seed=[1])
    for c, tr in zip(configs, vizlab.sweep(configs)):
        assert_same_trace(tr, vizlab.train(c))


def test_a_diverging_member_does_not_disturb_the_others():
    base = RunConfig(
        dataset="moons", hidden=(8, 8), activation="linear", steps=30, frames=0, dtype="float64"
    )
    configs = grid(base, lr=[0.1, 50.0])
    ok, bad = vizlab.sweep(configs)
    assert ok.diverged is None and bad.diverged is not None
    ref = vizlab.train(configs[1])
    assert bad.diverged == ref.diverged and len(bad) == len(ref)
    assert_same_trace(ok, vizlab.train(configs[0]))


def test_axes_form_and_incompatible_configs():
    traces = vizlab.sweep(RunConfig(steps=5, hidden=(2,), frames=0), lr=[0.1, 0.2, 0.3])
    assert [t.config["lr"] for t in traces] == [0.1, 0.2, 0.3]
    assert traces[1].header["sweep"] == {"index": 1, "size": 3}
    with pytest.raises(ConfigError, match="these differ: hidden"):
        vizlab.sweep([RunConfig(hidden=(2,)), RunConfig(hidden=(3,))])
    with pytest.raises(ConfigError, match="can vary only"):
        vizlab.sweep(RunConfig(), hidden=[(2,), (3,)])


def test_float32_sweep_matches_float32_train():
    base = RunConfig(dataset="circles", hidden=(8,), optimizer="adam", steps=60, frames=3, grid=8)
    configs = grid(base, lr=[0.01, 0.05])
    for c, tr in zip(configs, vizlab.sweep(configs)):
        assert tr["param/fc1.weight"].dtype == np.float32
        assert_same_trace(tr, vizlab.train(c), rtol=1e-4, atol=1e-5)


BIT_CASES = {
    **{
        a: RunConfig(dataset="moons", hidden=(5, 3), activation=a)
        for a in ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "linear")
    },
    # slabs of 240 x 16 (aligned) and 240 x 41 (not) take the sigmoid kernel in training
    **{
        f"{a}_wide": RunConfig(dataset="moons", hidden=(16, 41), activation=a)
        for a in ("sigmoid", "tanh")
    },
    "mse": RunConfig(dataset="circles", hidden=(6,), loss="mse"),
    "three_classes": RunConfig(dataset="spiral", n_classes=3, loss="cross_entropy", hidden=(7,)),
    "regression_1d": RunConfig(dataset="sine", task="regression", loss="mse", hidden=(6,)),
    "dropout_minibatch": RunConfig(
        dataset="moons", hidden=(9, 9), dropout=0.3, batch_size=37, optimizer="adam"
    ),
}


def _one_product_per_model(product):
    """``product`` over a batch, computed one matrix at a time on one thread.

    A BLAS may compute a matrix differently inside a batched call than alone
    (MKL on some CPUs does, by the matrix's position in the batch), which no
    code around it can change. With this in place of the core's batched
    products, a sweep member and its single run share every matrix kernel.
    """

    def per_model(*args, **scales):
        n = max(a.shape[0] for a in args if isinstance(a, torch.Tensor) and a.dim() == 3)
        with using_threads(1):
            parts = [
                product(*(a.expand(n, *a.shape[1:])[m : m + 1].clone() for a in args), **scales)
                for m in range(n)
            ]
        return torch.cat(parts)

    return per_model


@pytest.fixture
def products_per_model(monkeypatch):
    monkeypatch.setattr(model, "bmm", _one_product_per_model(torch.bmm))
    monkeypatch.setattr(model, "baddbmm", _one_product_per_model(torch.baddbmm))


def test_products_per_model_equal_the_batched_products():
    g = torch.Generator().manual_seed(0)
    h, w = torch.randn(5, 30, 4, generator=g), torch.randn(5, 3, 4, generator=g)
    b = torch.randn(5, 1, 3, generator=g)
    mine = _one_product_per_model(torch.baddbmm)(b, h, w.transpose(-1, -2))
    np.testing.assert_allclose(mine, torch.baddbmm(b, h, w.transpose(-1, -2)), rtol=1e-5, atol=1e-6)
    shared = _one_product_per_model(torch.bmm)(h[:1], w.transpose(-1, -2))  # inputs broadcast
    np.testing.assert_allclose(shared, h[0] @ w.transpose(-1, -2), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "case, tanh_by_sigmoid",
    [(c, None) for c in sorted(BIT_CASES)] + [("tanh_wide", not activations.TANH_BY_SIGMOID)],
)
def test_float32_sweep_member_is_bit_identical_to_its_train(
    case, tanh_by_sigmoid, products_per_model, monkeypatch
):
    """A model alone and inside a stack of 20 (kernels may use two threads) round alike.

    Elementwise kernels whose vectorised body and remainder round differently
    (torch.sigmoid, F.elu) or a K = 1 matmul would make them differ in the
    last bit. The batched matrix products are taken one model at a time
    (:func:`_one_product_per_model`): whether the BLAS computes a matrix alike
    inside a batch and alone is the BLAS's business, and on some CPUs it does
    not (test_float32_sweep_matches_float32_train bounds the difference).
    The wide tanh case also runs with the other of the core's two tanh formulas.
    """
    if tanh_by_sigmoid is not None:
        monkeypatch.setattr(activations, "TANH_BY_SIGMOID", tanh_by_sigmoid)
    base = BIT_CASES[case].replace(steps=12, frames=2, grid=9)
    configs = grid(base, lr=[0.01, 0.05, 0.2, 1.0], seed=[0, 1, 2, 3, 4])
    traces = vizlab.sweep(configs)
    for m in (0, 7, 19):
        a, b = traces[m], vizlab.train(configs[m])
        assert a.keys() == b.keys()
        for k in a.keys():
            np.testing.assert_array_equal(a[k], b[k], err_msg=f"{case}, model {m}: {k}")


def test_grid_over_optimizers_keeps_the_callers_order():
    base = RunConfig(dataset="moons", hidden=(3,), steps=8, frames=0, dtype="float64")
    traces = vizlab.sweep(base, optimizer=["sgd", "adam", "momentum"], lr=[0.01, 0.1])
    got = [(t.config["optimizer"], t.config["lr"]) for t in traces]
    assert got == [(o, lr) for o in ("sgd", "adam", "momentum") for lr in (0.01, 0.1)]
    assert [t.header["sweep"]["index"] for t in traces] == list(range(6))
    assert not [k for k in traces[0].keys() if k.startswith("opt/")]
    assert "opt/fc1.weight.exp_avg_sq" in traces[2].keys()
    assert "opt/fc2.bias.momentum_buffer" in traces[5].keys()
    for tr in traces:
        assert_same_trace(tr, vizlab.train(RunConfig.from_dict(tr.config)))
