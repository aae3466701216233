"""explain_step: a recorded step rebuilt in numpy, checked against independent oracles.

Oracles: torch autograd of the same step rebuilt here in float64 from the
trace's arrays (parameters, minibatch, masks, penalty), the recorded
``grad/*`` (to 1e-10 relative), central finite differences, the batch as the
mean of its examples, the next recorded parameters under plain SGD, and
lecture 002's hand-worked unit.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import vizlab
from vizlab.explain import explain_step

ACT = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": lambda z: F.leaky_relu(z, 0.01),
    "elu": F.elu,
    "linear": lambda z: z,
}

CASES = {
    "bce_sigmoid_full": dict(dataset="xor", hidden=(2,), activation="sigmoid", lr=3.0),
    "bce_relu_minibatch_dropout_l1_l2": dict(
        hidden=(5, 3), activation="relu", batch_size=16, dropout=(0.3,), l1=3e-3, l2=1e-2
    ),
    "ce_elu_two_dropouts": dict(
        hidden=(4, 3), activation="elu", loss="cross_entropy", dropout=(0.2, 0.5)
    ),
    "mse_leaky_minibatch": dict(hidden=(4,), activation="leaky_relu", loss="mse", batch_size=8),
    "tanh_deep_xavier": dict(hidden=(3, 3, 3), activation="tanh", init="xavier", l2=1e-3),
    "linear_model": dict(hidden=(), batch_size=10),
    "features_circles": dict(
        dataset="circles", hidden=(3,), features=("x1^2", "x2^2", "x1x2", "sin_x1", "x2")
    ),
    "features_linear_model": dict(dataset="circles", hidden=(), features=("x1^2", "sin_x2")),
    "regression_sine": dict(
        dataset="sine", task="regression", loss="mse", hidden=(4, 3), batch_size=16, l2=1e-3
    ),
    "regression_plane_features_dropout": dict(
        dataset="plane",
        task="regression",
        loss="mse",
        hidden=(4,),
        dropout=(0.25,),
        features=("x1", "x2", "x1x2"),
        activation="relu",
        l1=1e-3,
    ),
    "regression_sine_linear_model": dict(
        dataset="sine", task="regression", loss="mse", hidden=(), features=("x1", "sin_x1")
    ),
    "ce_spiral_3_classes": dict(
        dataset="spiral", n_classes=3, loss="cross_entropy", hidden=(5, 4), batch_size=24
    ),
}

#: The input features, written again in torch (independent of vizlab.features).
FEAT = {
    "x1": lambda x: x[:, 0],
    "x2": lambda x: x[:, 1],
    "x1^2": lambda x: x[:, 0] ** 2,
    "x2^2": lambda x: x[:, 1] ** 2,
    "x1x2": lambda x: x[:, 0] * x[:, 1],
    "sin_x1": lambda x: torch.sin(x[:, 0]),
    "sin_x2": lambda x: torch.sin(x[:, 1]),
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request):
    config = vizlab.RunConfig(
        n_points=120, steps=6, frames=0, dtype="float64", **CASES[request.param]
    )
    return vizlab.train(config)


def torch_step(trace, row: int, example: int | None = None):
    """The step rebuilt with torch autograd: loss and gradient per parameter (float64)."""
    cfg = trace.config
    names = [k.split("/", 1)[1] for k in trace.keys("param")]
    params = {k: torch.tensor(trace[f"param/{k}"][row], requires_grad=True) for k in names}
    idx = trace["batch/indices"][row]
    pick = np.arange(len(idx)) if example is None else np.array([example])
    x = torch.tensor(trace["data/X_train"][idx[pick]], dtype=torch.float64)
    h = torch.stack([FEAT[f](x) for f in cfg["features"]], 1)
    y = torch.tensor(trace["data/y_train"][idx[pick]])
    hidden = cfg["hidden"]
    drop = (
        cfg["dropout"] * len(hidden)
        if len(cfg["dropout"]) == 1
        else (cfg["dropout"] or [0.0] * len(hidden))
    )
    L = len(hidden) + 1
    for i in range(1, L + 1):
        z = h @ params[f"fc{i}.weight"].T + params[f"fc{i}.bias"]
        if i == L:
            break
        h = ACT[cfg["activation"]](z)
        if drop[i - 1] > 0:
            m = torch.tensor(trace[f"mask/drop{i}"][row][pick], dtype=torch.float64)
            h = h * m / (1 - drop[i - 1])
    if cfg["task"] == "regression":  # identity output, float targets
        assert y.dtype == torch.float64
        data = F.mse_loss(z[:, 0], y)
    elif cfg["loss"] == "cross_entropy":
        data = F.cross_entropy(z, y)
    elif cfg["loss"] == "bce":
        data = F.binary_cross_entropy_with_logits(z[:, 0], y.double())
    else:
        data = ((torch.sigmoid(z[:, 0]) - y.double()) ** 2).mean()
    pen = sum(
        cfg["l1"] * p.abs().sum() + cfg["l2"] * (p * p).sum()
        for k, p in params.items()
        if k.endswith("weight")
    )
    loss = data + pen
    loss.backward()
    return float(loss.detach()), {k: p.grad.numpy() for k, p in params.items()}


def rel(a, b):
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-300))


def test_batch_gradients_equal_recorded_and_torch(case):
    for row in range(len(case) - 1):
        step = int(case.steps[row])
        e = explain_step(case, step)
        loss, grads = torch_step(case, row)
        assert e.loss == pytest.approx(loss, rel=1e-12)
        assert e.loss == pytest.approx(
            case["scalar/loss_batch"][row] + case["scalar/penalty"][row], rel=1e-12
        )
        assert set(e.grads) == {k.split("/", 1)[1] for k in case.keys("grad")}
        for k, g in e.grads.items():
            assert rel(g, case[f"grad/{k}"][row]) < 1e-10, (step, k)
            assert rel(g, grads[k]) < 1e-10, (step, k)


def test_each_example_matches_torch_and_the_batch_is_their_mean(case):
    row = 2
    e = explain_step(case, int(case.steps[row]))
    per = []
    for i in range(len(e.indices)):
        ex = explain_step(case, int(case.steps[row]), i)
        loss, grads = torch_step(case, row, i)
        assert ex.loss == pytest.approx(loss, rel=1e-12)
        for k in ex.grads:
            assert rel(ex.grads[k], grads[k]) < 1e-10
        per.append(ex.grads)
    for k, g in e.grads.items():
        assert rel(np.mean([p[k] for p in per], 0), g) < 1e-10


def test_finite_differences_agree(case):
    e = explain_step(case, int(case.steps[1]))
    num = e.numeric_grads(1e-6)
    for k, g in e.grads.items():
        # central differences in float64: error ~ eps^2 + 1e-16 / eps
        assert np.abs(num[k] - g).max() <= 1e-6 * max(np.abs(g).max(), 1e-3), k
    k = e.params["fc1.weight"].shape[1] - 1  # the last input (x2, or x1 for 1-D data)
    assert e.numeric_grad("fc1.weight", (0, k)) == pytest.approx(num["fc1.weight"][0, k], abs=1e-15)


def test_sgd_update_gives_the_next_recorded_parameters(case):
    for row in range(len(case) - 1):
        e = explain_step(case, int(case.steps[row]))
        new = e.sgd_update()
        for k, p in new.items():
            np.testing.assert_allclose(p, case[f"param/{k}"][row + 1], rtol=1e-13, atol=1e-15)


def test_chain_factors_multiply_to_the_gradient(case):
    e = explain_step(case, int(case.steps[0]))
    L = e.n_layers
    for layer in range(1, L + 1):
        w = e.params[f"fc{layer}.weight"]
        for index in [(0, 0), (w.shape[0] - 1, w.shape[1] - 1)]:
            c = e.chain(f"fc{layer}.weight", index)
            assert c.total == pytest.approx(
                e.grads[f"fc{layer}.weight"][index], rel=1e-10, abs=1e-15
            )
            prod = np.mean(np.prod([f.value for f in c.factors], axis=0))
            assert c.product == pytest.approx(prod, rel=1e-12, abs=1e-18)
        c = e.chain(f"fc{layer}.bias", 0)
        assert c.total == pytest.approx(e.grads[f"fc{layer}.bias"][0], rel=1e-10, abs=1e-15)


def test_graph_nodes_hold_forward_values_in_order():
    t = vizlab.train(
        vizlab.RunConfig(
            dataset="xor", hidden=(2,), activation="sigmoid", steps=3, frames=0, dtype="float64"
        )
    )
    e = explain_step(t, 1, example=3)
    assert [n.name for n in e.nodes] == ["x", "z1", "h1", "z2", "yhat", "loss", "J"]
    x = t["data/X_train"][t["batch/indices"][1][3]]
    W1, b1 = t["param/fc1.weight"][1], t["param/fc1.bias"][1]
    np.testing.assert_allclose(e.node("z1").value[0], W1 @ x + b1, rtol=1e-14)
    np.testing.assert_allclose(e.node("h1").value[0], 1 / (1 + np.exp(-(W1 @ x + b1))), rtol=1e-14)
    for n in e.nodes:
        assert np.shape(n.grad) == np.shape(n.value)


def test_lecture_002_unit_by_hand():
    t = vizlab.unit_descent()
    e = explain_step(t, 0)
    assert e.node("z1").value[0, 0] == -6.0
    g = 1 / (1 + np.exp(6.0))
    assert e.node("yhat").value[0, 0] == pytest.approx(g, rel=1e-14)
    assert round(g, 5) == 0.00247
    c = e.chain("fc1.weight", (0, 0))  # dJ/dw1 = dJ/dyhat * dyhat/dz * dz/dw1
    assert [f.value[0] for f in c.factors] == pytest.approx(
        [-(1 - g) / (g * (1 - g)), g * (1 - g), -1.0]
    )
    assert c.total == pytest.approx(1 - g, rel=1e-12)


def test_bad_input_is_a_one_line_error():
    t = vizlab.train(vizlab.RunConfig(hidden=(2,), steps=5, batch_size=8, frames=0, record_every=2))
    with pytest.raises(
        ValueError, match=r"^step 3 has no recorded gradient; steps with gradients: 0, 2, 4$"
    ):
        explain_step(t, 3)
    with pytest.raises(ValueError, match="step 5 has no recorded gradient"):  # the final state
        explain_step(t, 5)
    with pytest.raises(
        ValueError, match=r"^example 8 is outside the batch of step 2: 0\.\.7$"
    ) as err:
        explain_step(t, 2, example=8)
    assert "\n" not in str(err.value)
    bare = vizlab.Trace({"scalar/step": np.arange(3)}, {"schema": t.header["schema"], "events": []})
    with pytest.raises(ValueError, match="no gradients"):
        explain_step(bare, 0)


def test_explain_is_torch_free():
    code = "import sys, vizlab; vizlab.explain_step; import vizlab.explain; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("init", ["normal", "xavier", "he", "zeros"])
def test_init_schemes_draw_their_laws(init):
    c = vizlab.RunConfig(hidden=(400, 300), init=init, steps=1, frames=0, dtype="float64")
    t = vizlab.train(c)
    w1, w2 = t["param/fc1.weight"][0], t["param/fc2.weight"][0]
    assert not t["param/fc1.bias"][0].any()
    expect = {
        "normal": (1.0, 1.0),
        "xavier": ((2 / 402) ** 0.5, (2 / 700) ** 0.5),
        "he": (1.0, (2 / 400) ** 0.5),
        "zeros": (0.0, 0.0),
    }[init]
    assert w1.std() == pytest.approx(expect[0], rel=0.1, abs=1e-12)
    assert w2.std() == pytest.approx(expect[1], rel=0.03, abs=1e-12)


def test_default_init_is_unchanged_and_named():
    c = vizlab.RunConfig(hidden=(3,), steps=2, frames=0)
    assert c.init == "uniform"
    a = vizlab.train(c)
    b = vizlab.train(c.replace(init="uniform"))
    for k in a.keys("param"):
        assert np.array_equal(a[k], b[k])
    w = a["param/fc1.weight"][0]
    assert np.abs(w).max() <= 1 / 2**0.5  # U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = 2
    with pytest.raises(vizlab.ConfigError, match="init must be one of"):
        vizlab.RunConfig(init="glorot")


def test_regression_features_and_classes_in_the_graph():
    reg = vizlab.train(
        vizlab.RunConfig(
            dataset="plane",
            task="regression",
            loss="mse",
            hidden=(2,),
            steps=2,
            frames=0,
            features=("x1x2", "x2"),
            dtype="float64",
        )
    )
    e = explain_step(reg, 0, example=1)
    assert [(n.name, n.op) for n in e.nodes][-4:] == [
        ("z2", "linear fc2"),
        ("yhat", "identity"),
        ("loss", "squared_error"),
        ("J", "mean + penalty"),
    ]
    x = reg["data/X_train"][reg["batch/indices"][0][1]]
    np.testing.assert_array_equal(e.node("x").value[0], [x[0] * x[1], x[1]])
    t = reg["data/y_train"][reg["batch/indices"][0][1]]
    assert t != round(t)  # a float target, not a label
    yhat = e.node("yhat").value[0, 0]
    assert yhat == e.node("z2").value[0, 0]
    assert e.loss == pytest.approx((yhat - t) ** 2, rel=1e-14)
    c = e.chain("fc2.weight", (0, 1))
    assert [f.symbol for f in c.factors] == ["∂loss/∂ŷ = 2(ŷ - y)", "∂ŷ/∂z2 = 1", "∂z2_1/∂w = h1_2"]
    assert c.factors[0].value[0] == pytest.approx(2 * (yhat - t), rel=1e-14)
    assert e.chain("fc1.weight", (1, 0)).factors[-1].symbol == "∂z1_2/∂w = x1x2"

    spiral = vizlab.train(
        vizlab.RunConfig(
            dataset="spiral",
            n_classes=3,
            loss="cross_entropy",
            hidden=(4,),
            steps=2,
            frames=0,
            dtype="float64",
        )
    )
    e = explain_step(spiral, 1)
    p = e.node("p").value
    assert p.shape == (len(e.indices), 3) and set(spiral["data/y_train"][e.indices]) == {0, 1, 2}
    np.testing.assert_allclose(p.sum(1), 1.0, rtol=1e-14)
    assert e.grads["fc2.weight"].shape == (3, 4)
