"""The engine: hand-written backprop vs autograd, optimizer state vs torch.optim, early stopping."""

import numpy as np
import pytest
import torch
from test_sweep import assert_same_trace

import vizlab
from vizlab import ConfigError, RunConfig
from vizlab.core import activations, backprop, model
from vizlab.core.batched_optim import OPTIMIZERS, torch_optimizer
from vizlab.core.engine import Engine, threads_for
from vizlab.core.live import LiveRun
from vizlab.core.sweep import grid
from vizlab.core.threads import using_threads

F64 = dict(dtype="float64", frames=0, grid=6)


@pytest.mark.parametrize("activation", sorted(backprop.ACTIVATION_GRADS))
@pytest.mark.parametrize("loss", sorted(backprop.LOSS_GRADS))
@pytest.mark.filterwarnings("ignore:grad and param do not obey")
def test_hand_written_backward_equals_autograd(activation, loss):
    g = torch.Generator().manual_seed(1)
    M, B, sizes = 3, 11, [2, 5, 4, 3 if loss == "cross_entropy" else 1]
    inits = [model.init_params(sizes, g, torch.float64) for _ in range(M)]
    flat = model.FlatParams({k: torch.stack([p[k] for p in inits]) for k in inits[0]}, stacked=True)
    X = torch.randn((M, B, 2), generator=g, dtype=torch.float64)
    y = torch.randint(0, sizes[-1] + (sizes[-1] == 1), (M, B), generator=g)
    if loss == "squared_error":  # regression targets
        y = torch.randn((M, B), generator=g, dtype=torch.float64)
    masks = [torch.rand((M, B, 5), generator=g) > 0.3, None]
    drop_p = (0.3, 0.0)
    l1 = torch.tensor([0.0, 0.01, 0.02], dtype=torch.float64)
    l2 = torch.tensor([0.03, 0.0, 0.01], dtype=torch.float64)
    # autograd on the sum of the per-model losses
    logits, _ = model.forward(flat.params, X, activation, masks, drop_p)
    ref = model.data_loss(logits, y, loss) + model.penalty(flat.params, l1, l2)
    ref.sum().backward()
    expected = flat.grad.clone()
    flat.grad.fill_(np.nan)  # the hand-written pass must overwrite every entry
    grads = dict(zip(flat.params, flat.unflatten(flat.grad).values()))
    _, total, _ = backprop.loss_and_grad(
        flat.params, grads, X, y, activation, loss, masks, drop_p, l1, l2
    )
    torch.testing.assert_close(total, ref.detach(), rtol=1e-13, atol=1e-14)
    torch.testing.assert_close(flat.grad, expected, rtol=1e-11, atol=1e-13)


def test_autograd_fallback_gives_the_same_run():
    c = RunConfig(
        dataset="circles",
        hidden=(6, 4),
        activation="elu",
        dropout=(0.2,),
        batch_size=20,
        l1=0.002,
        optimizer="adam",
        lr=0.01,
        steps=25,
        **F64,
    )
    by_hand = Engine([c])
    assert by_hand.by_hand
    fallback = Engine([c])
    fallback.by_hand = False
    for e in (by_hand, fallback):
        e.advance(c.total_steps)
    assert_same_trace(by_hand.traces()[0], fallback.traces()[0], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_recorded_updates_and_state_equal_torch_optim_replayed(optimizer):
    """Replay the recorded gradients through torch.optim itself: same weights, same state."""
    c = RunConfig(
        dataset="moons",
        hidden=(5,),
        optimizer=optimizer,
        momentum=0.8,
        steps=20,
        batch_size=30,
        schedule="step",
        step_size=7,
        gamma=0.5,
        lr=0.05 if optimizer in ("sgd", "momentum", "nesterov") else 0.01,
        **F64,
    )
    tr = vizlab.train(c)
    names = [k.split("/", 1)[1] for k in tr.keys("param")]
    params = [torch.tensor(tr[f"param/{n}"][0], requires_grad=True) for n in names]
    opt = torch_optimizer(params, c)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=7, gamma=0.5)
    buffers = OPTIMIZERS[optimizer].buffers
    assert sorted(k for k in tr.keys() if k.startswith("opt/")) == sorted(
        f"opt/{n}.{b}" for n in names for b in buffers
    )
    for k in range(c.steps):
        assert tr["scalar/lr"][k] == pytest.approx(opt.param_groups[0]["lr"], rel=1e-14)
        for p, n in zip(params, names):
            p.grad = torch.tensor(tr[f"grad/{n}"][k])
        opt.step()
        sched.step()
        for p, n in zip(params, names):
            np.testing.assert_allclose(
                tr[f"param/{n}"][k + 1], p.detach().numpy(), rtol=1e-10, atol=1e-12
            )
            for b in buffers:
                np.testing.assert_allclose(
                    tr[f"opt/{n}.{b}"][k], opt.state[p][b].numpy(), rtol=1e-10, atol=1e-12
                )
    assert all(np.isnan(tr[k][-1]).all() for k in tr.keys() if k.startswith("opt/"))


def test_momentum_buffer_and_adam_averages_equal_their_recurrences():
    # v_t = mu v_{t-1} + g_t;  m_t = b1 m + (1 - b1) g;  s_t = b2 s + (1 - b2) g^2
    mu = 0.7
    tr = vizlab.train(RunConfig(hidden=(4,), optimizer="momentum", momentum=mu, steps=15, **F64))
    g, v = tr["grad/fc1.weight"], np.zeros_like(tr["grad/fc1.weight"][0])
    for k in range(15):
        v = mu * v + g[k]
        np.testing.assert_allclose(
            tr["opt/fc1.weight.momentum_buffer"][k], v, rtol=1e-10, atol=1e-12
        )
    tr = vizlab.train(RunConfig(hidden=(4,), optimizer="adam", lr=0.01, steps=15, **F64))
    g = tr["grad/fc2.weight"]
    m, s = np.zeros_like(g[0]), np.zeros_like(g[0])
    for k in range(15):
        m, s = 0.9 * m + 0.1 * g[k], 0.999 * s + 0.001 * g[k] ** 2
        np.testing.assert_allclose(tr["opt/fc2.weight.exp_avg"][k], m, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(tr["opt/fc2.weight.exp_avg_sq"][k], s, rtol=1e-10, atol=1e-14)


def test_sweep_across_optimizers_equals_train_of_each_config():
    base = RunConfig(dataset="xor", hidden=(6,), steps=30, batch_size=40, dropout=(0.1,), **F64)
    configs = [
        base.replace(optimizer=o, lr=lr, momentum=mu, seed=s)
        for o, lr, mu in [
            ("sgd", 0.3, 0.9),
            ("adam", 0.02, 0.9),
            ("momentum", 0.1, 0.5),
            ("rmsprop", 0.01, 0.9),
            ("nesterov", 0.1, 0.8),
            ("adagrad", 0.1, 0.9),
        ]
        for s in (0, 1, 2)
    ]
    assert threads_for(len(configs)) == min(
        2, torch.get_num_threads(), __import__("os").cpu_count()
    )
    swept = vizlab.sweep(configs)
    assert [t.config["optimizer"] for t in swept] == [c.optimizer for c in configs]
    for c, tr in zip(configs, swept):
        assert_same_trace(tr, vizlab.train(c))


@pytest.mark.parametrize(
    "kw",
    [
        dict(dataset="moons", hidden=(16, 16)),
        dict(dataset="xor", hidden=(16,), batch_size=64, dropout=(0.2,), optimizer="adam"),
        dict(
            dataset="spiral",
            n_classes=3,
            loss="cross_entropy",
            hidden=(16,),
            activation="relu",
            l1=1e-3,
            l2=1e-3,
        ),
        dict(dataset="moons", hidden=(16,), optimizer="momentum", dtype="float64"),
        dict(
            task="regression",
            loss="mse",
            dataset="sine",
            hidden=(16,),
            activation="sigmoid",
            batch_size=200,
        ),
    ],
)
def test_kernel_threads_change_not_a_bit_of_a_run(kw):
    # torch's threads split every kernel's outputs, never a sum's terms: a
    # stack trained on one thread and on two records the same bits, so the
    # engine may switch between them as it measures.
    # 64 models of 480 points: kernels big enough for torch to split them
    base = RunConfig(n_points=600, steps=30, frames=2, grid=12, **kw)
    configs = grid(base, lr=[0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8], seed=range(8))

    def run(n):
        engine = Engine(configs)
        engine.kernel_threads.options = (n,)  # always n threads, untimed
        engine.advance(engine.n_steps)
        return engine.traces()

    for one, two in zip(run(1), run(2)):
        assert one.keys() == two.keys()
        for k in one.keys():
            np.testing.assert_array_equal(one[k], two[k], err_msg=k)


def test_a_large_stack_times_both_thread_counts_as_it_runs():
    configs = grid(RunConfig(dataset="moons", hidden=(8,), steps=80, frames=0), seed=range(16))
    engine = Engine(configs)
    if threads_for(16) == 1:
        pytest.skip("one CPU thread allowed here")
    engine.advance(engine.n_steps)
    assert set(engine.kernel_threads.cost) == {1, threads_for(16)}
    assert engine.done == 80


def overfitting(**kw) -> RunConfig:
    kw = {
        **dict(
            dataset="moons",
            n_points=60,
            noise=0.35,
            hidden=(32, 32),
            optimizer="adam",
            lr=0.03,
            steps=300,
            record_every=5,
            val_fraction=0.3,
        ),
        **F64,
        **kw,
    }
    return RunConfig(**kw)


def keras_stop_row(val: np.ndarray, patience: int) -> tuple[int, int]:
    """(row where Keras' EarlyStopping ends the run, best row) from the validation losses."""
    best, best_row, wait = np.inf, 0, 0
    for r, v in enumerate(val):
        if v < best:
            best, best_row, wait = v, r, 0
        else:
            wait += 1
            if wait >= patience:
                return r, best_row
    raise AssertionError("the run did not stop")


def test_early_stopping_stops_and_restores_the_best_weights():
    full = vizlab.train(overfitting())
    stop_row, best_row = keras_stop_row(full["scalar/loss_val"], 6)
    tr = vizlab.train(overfitting(patience=6))
    assert len(tr) == stop_row + 1 < len(full)
    (ev,) = tr.events
    assert ev == {
        "type": "early_stop",
        "step": int(full.steps[stop_row]),
        "best_step": int(full.steps[best_row]),
        "restored": False,
    }
    for k in tr.keys("param"):  # the same run up to its end
        np.testing.assert_allclose(tr[k], full[k][: stop_row + 1], rtol=1e-12)
    assert np.isnan(tr["grad/fc1.weight"][-1]).all() and (tr["batch/indices"][-1] == -1).all()
    best = vizlab.train(overfitting(patience=6, restore_best=True))
    assert len(best) == stop_row + 1 and best.events[0]["restored"]
    for k in best.keys("param"):
        np.testing.assert_array_equal(best[k][-1], full[k][best_row])
    assert best["scalar/loss_val"][-1] == pytest.approx(best["scalar/loss_val"].min(), rel=1e-12)
    assert best["scalar/loss_val"][-1] == pytest.approx(
        full["scalar/loss_val"][best_row], rel=1e-12
    )


def test_early_stopping_in_a_sweep_and_in_pieces_equals_train():
    configs = grid(
        overfitting(patience=4, restore_best=True, steps=200), lr=[0.003, 0.03], seed=[0, 5]
    )
    for c, tr in zip(configs, vizlab.sweep(configs)):
        assert_same_trace(tr, vizlab.train(c))
    run = LiveRun(configs[1])
    while not run.finished:
        run.step(7)
    assert_same_trace(run.trace(), vizlab.train(configs[1]))


def test_plateau_schedule_is_torchs_reduce_lr_on_plateau():
    c = overfitting(schedule="plateau", gamma=0.5, lr_patience=3, steps=200)
    tr = vizlab.train(c)
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=c.lr)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=3)
    for k in range(len(tr)):
        sched.step(float(tr["scalar/loss_val"][k]))
        assert tr["scalar/lr"][k] == pytest.approx(opt.param_groups[0]["lr"], rel=1e-14)
    assert tr["scalar/lr"][-1] < c.lr  # it did reduce
    swept = vizlab.sweep(grid(c, lr=[0.01, 0.03]))
    assert_same_trace(swept[1], tr)


def test_watching_validation_needs_validation_data():
    for bad in (dict(patience=3), dict(schedule="plateau")):
        with pytest.raises(ConfigError, match="validation loss") as exc:
            RunConfig(val_fraction=0.0, **bad)
        assert "\n" not in str(exc.value)


DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@pytest.mark.parametrize("device", DEVICES)
def test_engine_on_every_device_equals_train_on_the_cpu(device):
    base = RunConfig(
        dataset="moons",
        hidden=(8, 4),
        dropout=(0.2,),
        batch_size=32,
        steps=40,
        l2=0.001,
        record_every=3,
        patience=3,
        **F64,
    )
    configs = [
        base.replace(optimizer=o, lr=lr, device=device)
        for o, lr in [("adam", 0.01), ("momentum", 0.1), ("rmsprop", 0.01)]
    ]
    for c, tr in zip(configs, vizlab.sweep(configs)):
        assert tr.header["device"].startswith(device)
        ref = vizlab.train(c.replace(device="cpu"))
        tr.header["device"] = ref.header["device"]
        assert_same_trace(tr, ref)


def test_a_long_run_keeps_few_rows_by_reference():
    # Each recorded step keeps its batch loss and learning rate by reference;
    # long-lived small tensors among a step's scratch would fragment the heap
    # as the run goes, so they are written into the row buffers every
    # KEPT_ROWS rows.
    from vizlab.core import record

    c = RunConfig(dataset="xor", hidden=(2,), steps=3 * record.KEPT_ROWS + 5, frames=0)
    run = LiveRun(c)
    run.step(c.steps)
    assert 0 < len(run._engine.rec._kept) < record.KEPT_ROWS
    trace = run.trace()
    np.testing.assert_array_equal(trace["scalar/loss_batch"][:-1], trace["scalar/loss_train"][:-1])
    assert np.isnan(trace["scalar/loss_batch"][-1]) and np.isfinite(trace["scalar/lr"]).all()


@pytest.mark.parametrize(
    "kw", [dict(), dict(dataset="spiral", n_classes=3, loss="cross_entropy"), dict(batch_size=16)]
)
def test_rows_written_at_once_equal_rows_written_each_step(kw, monkeypatch):
    # What a step keeps by reference (losses, learning rates, logits for the
    # accuracy) is written for many rows at once: written after every step
    # instead, the trace is the same bit for bit.
    from vizlab.core import record

    c = RunConfig(hidden=(6,), steps=60, frames=2, grid=8, **kw)
    batched = vizlab.train(c)
    monkeypatch.setattr(record, "KEPT_ROWS", 1)
    each = vizlab.train(c)
    assert batched.keys() == each.keys()
    for k in batched.keys():
        np.testing.assert_array_equal(batched[k], each[k], err_msg=k)


def test_a_full_batch_is_a_flag_a_row():
    # A full batch records no indices per step (B of them for each of M
    # models at every row); the trace still lists every point, in order, for
    # each row an update was taken from, and -1 where none was (the final
    # row, an early stop's row), for every model of a sweep.
    c = RunConfig(dataset="xor", hidden=(4,), steps=300, lr=0.5, frames=0)
    engine = Engine(grid(c.replace(patience=3), lr=[0.5, 2.0, 20.0]))
    engine.advance(c.steps)
    assert engine.rec.batch is None
    every = np.arange(c.n_train)
    for m, tr in enumerate(engine.traces()):
        idx = tr["batch/indices"]
        assert idx.shape == (len(tr), c.n_train) and idx.dtype == np.int64
        assert (idx[:-1] == every).all() and (idx[-1] == -1).all(), m
    assert any(tr.events for tr in engine.traces())  # an early stop's row among them
    mini = vizlab.train(c.replace(batch_size=4, steps=20))
    assert not (mini["batch/indices"][:-1] == np.arange(4)).all()  # minibatches still recorded


def test_configs_that_differ_only_in_training_share_data_and_initial_weights(monkeypatch):
    from vizlab.core import engine as engine_module
    from vizlab.core.engine import starting_point_groups

    base = RunConfig(dataset="moons", hidden=(4,), steps=5, frames=0)
    configs = grid(base, lr=[0.01, 0.1], seed=[0, 1], noise=[0.1, 0.2], optimizer=["sgd", "adam"])
    groups = starting_point_groups(configs)
    for m, c in enumerate(configs):
        first = configs[groups[m]]
        assert groups[m] <= m and (first.seed, first.noise) == (c.seed, c.noise)
    assert len(set(groups)) == 4  # seeds x noises
    made = []
    real = engine_module.make_dataset
    monkeypatch.setattr(engine_module, "make_dataset", lambda *a: made.append(1) or real(*a))
    traces = vizlab.sweep(configs)
    assert len(made) == 4
    for c, tr in zip(configs[::5], traces[::5]):  # each still equals its own run
        assert_same_trace(tr, vizlab.train(c))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_sigmoid_and_elu_equal_torchs_and_differentiate_at_saturation(dtype):
    # to an ulp of 1 (far in the tails exp(z) - 1 rounds to -1 and 1 + exp(-z) overflows)
    tol = {"rtol": 4 * torch.finfo(dtype).eps, "atol": torch.finfo(dtype).eps}
    z = torch.linspace(-900, 900, 3601, dtype=dtype)
    for mine, theirs in (
        (activations.sigmoid, torch.sigmoid),
        (activations.elu, torch.nn.functional.elu),
    ):
        np.testing.assert_allclose(mine(z), theirs(z), **tol)
        a, b = z.clone().requires_grad_(), z.clone().requires_grad_()
        (ga,) = torch.autograd.grad(mine(a).sum(), a)
        (gb,) = torch.autograd.grad(theirs(b).sum(), b)
        assert torch.isfinite(ga).all()  # no 0 * inf where a unit saturates
        np.testing.assert_allclose(ga, gb, **tol)
    assert torch.equal(activations.sigmoid_(z.clone()), activations.sigmoid(z))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("n", [80_001, 80_000])  # padded to SLAB_ALIGN, and not
def test_tanh_by_sigmoid_equals_torchs_tanh_and_saturates(dtype, n):
    # the core's tanh where torch's is slow (activations.TANH_BY_SIGMOID): within an
    # ulp and a half of 1, exactly -1 and 1 in the tails, NaN stays NaN
    eps = torch.finfo(dtype).eps
    z = torch.linspace(-40, 40, n, dtype=dtype)
    z[:4] = torch.tensor([-1e30, 1e30, 0.0, torch.inf])
    mine = activations.tanh_by_sigmoid_(z.clone())
    np.testing.assert_allclose(mine, torch.tanh(z), rtol=0, atol=1.5 * eps)
    assert mine[0] == mine[4] == -1 and mine[1] == mine[3] == mine[-1] == 1 and mine[2] == 0
    assert torch.isnan(activations.tanh_by_sigmoid_(torch.tensor([torch.nan], dtype=dtype))).all()
    strided = z.clone()[::2]  # not contiguous: computed alike, written in place
    assert torch.equal(activations.tanh_by_sigmoid_(strided), mine[::2])


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("slab", [(240, 16), (240, 5), (37, 9), (1000, 13), (4, 2)])
def test_tanh_by_sigmoid_rounds_a_model_alike_alone_and_in_a_stack(dtype, slab):
    # torch.sigmoid's loop rounds its remainder differently from its vectorised
    # body; the formula keeps every element in the body, whatever the stack
    # size and with the kernel split between two threads (stacks of 256 are
    # far beyond a kernel's grain, so both threads take part)
    g = torch.Generator().manual_seed(sum(slab))
    for m_models in (1, 3, 20, 256):
        z = torch.randn(m_models, *slab, generator=g, dtype=dtype) * 3
        with using_threads(2):
            stack = activations.tanh_by_sigmoid_(z.clone())
        with using_threads(1):
            for m in range(0, m_models, 7):
                assert torch.equal(stack[m], activations.tanh_by_sigmoid_(z[m].clone()))
    # nor does an element depend on its company: alone, one value is padded
    values = z.flatten()[:: max(1, z.numel() // 300)]
    alone = torch.cat(
        [activations.tanh_by_sigmoid_(v.reshape(1, 1).clone()).flatten() for v in values]
    )
    assert torch.equal(
        alone, activations.tanh_by_sigmoid_(z.clone()).flatten()[:: max(1, z.numel() // 300)]
    )


@pytest.mark.parametrize("slab", [(240, 16), (240, 5), (1000, 13), (37, 29)])
@pytest.mark.parametrize("name", ["tanh", "sigmoid"])
def test_a_training_steps_activation_rounds_a_model_alike_alone_and_in_a_stack(
    name, slab, monkeypatch
):
    # by the slab's size: the sigmoid kernel (the tanh formula) on an aligned
    # slab of SIGMOID_FROM or more, on the aligned part of a larger unaligned
    # one (the small-slab way on the rest), the small-slab way (torch's tanh,
    # activations.sigmoid_) on small ones; alike for one model and for a stack of
    # 256 whose kernels two threads share
    monkeypatch.setattr(activations, "TANH_BY_SIGMOID", True)
    act = activations.IN_PLACE[name]
    kernel, small = {
        "tanh": (activations.tanh_by_sigmoid_, torch.tanh),
        "sigmoid": (activations.sigmoid_aligned_, lambda t: activations.sigmoid_(t.clone())),
    }[name]
    g = torch.Generator().manual_seed(sum(slab))
    z = torch.randn(256, *slab, generator=g) * 3
    with using_threads(2):
        stack = act(z.clone())
    n = slab[0] * slab[1]
    cut = n - n % activations.SLAB_ALIGN
    for m in range(0, 256, 9):
        alone = act(z[m].clone()).flatten()
        assert torch.equal(stack[m].flatten(), alone)
        flat = z[m].flatten()
        if cut == n and n >= activations.SIGMOID_FROM:
            assert torch.equal(alone, kernel(flat.clone()))
        elif n >= activations.SIGMOID_UNALIGNED_FROM:
            assert torch.equal(alone[:cut], kernel(flat[:cut].clone()))
            assert torch.equal(alone[cut:], small(flat[cut:]))
        else:
            assert torch.equal(alone, small(flat))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_sigmoid_aligned_is_torchs_sigmoid_in_its_vectorised_body(dtype):
    # every element as torch.sigmoid computes a long aligned stretch, whatever
    # the tensor's size; near the exp formula (activations.sigmoid_), saturating alike
    g = torch.Generator().manual_seed(1)
    z = torch.randn(50_000, generator=g, dtype=dtype) * 6
    z[:4] = torch.tensor([-1e30, 1e30, 0.0, -torch.inf])
    body = torch.sigmoid(z[:49_984])  # 49,984 = 781 x 64: no remainder
    for n in (49_984, 333, 7):
        assert torch.equal(activations.sigmoid_aligned_(z[:n].clone()), body[:n])
    np.testing.assert_allclose(
        activations.sigmoid_aligned_(z.clone()),
        activations.sigmoid(z),
        rtol=4 * torch.finfo(dtype).eps,
    )
    assert activations.sigmoid_aligned_(z[:4].clone()).tolist() == [0.0, 1.0, 0.5, 0.0]


@pytest.mark.parametrize("by_sigmoid", [False, True])
def test_training_takes_the_machines_tanh_by_the_slabs_size_measuring_always(
    by_sigmoid, monkeypatch
):
    # activations.TANH_BY_SIGMOID: a training step takes the formula for a model's
    # slab of SIGMOID_FROM elements or more, torch's tanh below; the passes that
    # train nothing (the field pass, the evaluation) take it for every slab
    monkeypatch.setattr(activations, "TANH_BY_SIGMOID", by_sigmoid)
    g = torch.Generator().manual_seed(0)
    params = {
        "fc1.weight": torch.randn(3, 8, 2, generator=g),
        "fc1.bias": torch.randn(3, 8, generator=g),
        "fc2.weight": torch.randn(3, 1, 8, generator=g),
        "fc2.bias": torch.randn(3, 1, generator=g),
    }
    w, b = params["fc1.weight"], params["fc1.bias"]
    for n_points in (50, activations.SIGMOID_FROM // 8):
        X = torch.randn(3, n_points, 2, generator=g)
        with torch.no_grad():  # (with a graph to build, torch's tanh)
            _, (h,) = model.forward(params, X, "tanh")
        z = torch.baddbmm(b.unsqueeze(-2), X, w.transpose(-1, -2))
        big = by_sigmoid and n_points * 8 >= activations.SIGMOID_FROM  # (8 units: aligned)
        assert torch.equal(h, activations.tanh_by_sigmoid_(z.clone()) if big else torch.tanh(z))
        with torch.no_grad():  # evaluating recorded states: the formula for every slab
            _, (hm,) = model.forward(params, X, "tanh", measuring=True)
        assert torch.equal(
            hm, activations.tanh_by_sigmoid_(z.clone()) if by_sigmoid else torch.tanh(z)
        )
        _, (hT,) = model.forward_units(params, X.transpose(-1, -2), "tanh")
        zT = torch.baddbmm(b.unsqueeze(-1), w, X.transpose(-1, -2))  # units as rows
        assert torch.equal(
            hT, activations.tanh_by_sigmoid_(zT.clone()) if by_sigmoid else torch.tanh(zT)
        )
        # the sigmoid, whatever the machine: torch's kernel for large slabs in training,
        # for every slab in a pass that trains nothing
        with torch.no_grad():
            _, (s,) = model.forward(params, X, "sigmoid")
            _, (sm,) = model.forward(params, X, "sigmoid", measuring=True)
        large = n_points * 8 >= activations.SIGMOID_FROM
        assert torch.equal(
            s, activations.sigmoid_aligned_(z.clone()) if large else activations.sigmoid(z)
        )
        assert torch.equal(sm, activations.sigmoid_aligned_(z.clone()))
        _, (sT,) = model.forward_units(params, X.transpose(-1, -2), "sigmoid")
        assert torch.equal(sT, activations.sigmoid_aligned_(zT.clone()))
