"""Gradient descent on analytic landscapes, checked against closed forms.

Oracles: the exact iterate of plain GD on (x - a)^2, hand-written numpy
versions of torch's documented update rules, closed-form gradients, and the
save/load round trip of the trace.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch

from vizlab import Trace
from vizlab.config import OPTIMIZERS
from vizlab.core.descend import _OPTIMIZERS, DIVERGENCE_FACTOR, descend
from vizlab.core.landscapes import LANDSCAPES, QUADRATIC_A, Landscape, get_landscape
from vizlab.regimes import REGIMES, classify_regime

A = QUADRATIC_A
X0 = -2.0


def closed_form(x0: float, r: float, n: np.ndarray) -> np.ndarray:
    """Plain GD on (x - a)^2: x_{n+1} = x_n - 2r(x_n - a), so x_n = a + (x0 - a)(1 - 2r)^n."""
    return A + (x0 - A) * (1 - 2 * r) ** n


def rosenbrock_grad(p: np.ndarray) -> np.ndarray:
    # d/dx = -2(1 - x) - 400 x (y - x^2),  d/dy = 200 (y - x^2)
    x, y = p[..., 0], p[..., 1]
    return np.stack([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)], axis=-1)


def himmelblau_grad(p: np.ndarray) -> np.ndarray:
    # with u = x^2 + y - 11, v = x + y^2 - 7:  d/dx = 4xu + 2v,  d/dy = 2u + 4yv
    x, y = p[..., 0], p[..., 1]
    u, v = x**2 + y - 11, x + y**2 - 7
    return np.stack([4 * x * u + 2 * v, 2 * u + 4 * y * v], axis=-1)


# ---------------------------------------------------------------- quadratic


@pytest.mark.parametrize("r", [0.01, 0.1, 0.45])
def test_sgd_on_parabola_matches_closed_form(r):
    trace = descend("quadratic", "sgd", lr=r, start=[X0], steps=60)
    n = np.arange(61)
    np.testing.assert_allclose(trace["point/xy"][:, 0], closed_form(X0, r, n), rtol=0, atol=1e-12)
    np.testing.assert_allclose(
        trace["scalar/loss"], (closed_form(X0, r, n) - A) ** 2, rtol=0, atol=1e-12
    )
    np.testing.assert_allclose(
        trace["grad/xy"][:, 0], 2 * (closed_form(X0, r, n) - A), rtol=0, atol=1e-12
    )
    np.testing.assert_array_equal(trace["scalar/step"], n)
    np.testing.assert_array_equal(trace["scalar/lr"], np.full(61, r))
    assert trace.diverged is None


def test_lr_one_bounces_between_two_points_exactly():
    trace = descend("quadratic", "sgd", lr=1.0, start=[X0], steps=20)
    x = trace["point/xy"][:, 0]
    # 1 - 2r = -1: x_n - a = (x0 - a)(-1)^n.
    np.testing.assert_array_equal(x[0::2], X0)
    np.testing.assert_array_equal(x[1::2], 2 * A - X0)
    assert trace.header["regime"] == "oscillating"
    assert trace.diverged is None


def test_lr_above_one_diverges_cleanly():
    r = 1.2
    trace = descend("quadratic", "sgd", lr=r, start=[X0], steps=100)
    event = trace.diverged
    assert event is not None and event["type"] == "diverged"
    # |x_n - a| = 4 * 1.4^n first exceeds the box 1e6 * (7 - (-3)) around the centre 2.
    n = np.arange(200)
    first_out = int(np.argmax(np.abs(closed_form(X0, r, n) - 2.0) > DIVERGENCE_FACTOR * 10.0))
    assert event["step"] == first_out
    assert len(trace) == first_out
    assert "left" in event["reason"]
    np.testing.assert_allclose(
        trace["point/xy"][:, 0], closed_form(X0, r, n[:first_out]), rtol=1e-12
    )
    for key in ("point/xy", "scalar/loss", "grad/xy"):
        assert np.isfinite(trace[key]).all()
    assert trace.header["regime"] == "diverging"
    # More steps change nothing: the run stopped where it broke.
    longer = descend("quadratic", "sgd", lr=r, start=[X0], steps=5000)
    assert longer.diverged == event
    np.testing.assert_array_equal(longer["point/xy"], trace["point/xy"])


def test_non_finite_loss_stops_the_run():
    # A loss that is NaN outside |x| < 3: GD with lr 1.2 on x^2 has x_n = (-1.4)^n,
    # which first leaves |x| < 3 at n = 4 (3.8416), long before any bound.
    def f(x):
        t = x[..., 0]
        return torch.where(t.abs() < 3, t**2, torch.full_like(t, float("nan")))

    land = Landscape("cliff", 1, f, ((-3.0, 3.0),), ((0.0,),), (1.0,), "cliff", "x^2", "x^2")
    trace = descend(land, "sgd", lr=1.2, steps=10)
    assert trace.diverged["step"] == 4
    assert "not finite" in trace.diverged["reason"]
    np.testing.assert_allclose(trace["point/xy"][:, 0], (-1.4) ** np.arange(4), rtol=1e-12)


@pytest.mark.parametrize(
    ("r", "steps", "regime"),
    [
        (0.001, 30, "too small"),
        (0.3, 50, "just right"),
        (0.9, 50, "oscillating"),
        (1.5, 50, "diverging"),
    ],
)
def test_regimes_of_the_parabola(r, steps, regime):
    trace = descend("quadratic", "sgd", lr=r, start=[X0], steps=steps)
    assert trace.header["regime"] == regime
    # The closed form d_n = (x0 - a) q^n, q = 1 - 2r, holds on every recorded row
    # and has the shape that names the regime.
    d = trace["point/xy"][:, 0] - A
    q = 1 - 2 * r
    np.testing.assert_allclose(d, (X0 - A) * q ** np.arange(len(d)), rtol=1e-9, atol=1e-12)
    shape = {
        "too small": 0.9 * abs(d[0]) < abs(d[-1]) < abs(d[0]),  # barely moved
        "just right": bool(np.all(d * d[0] >= 0)) and abs(d[-1]) < 1e-6 * abs(d[0]),
        "oscillating": bool(np.all(d[1:] * d[:-1] < 0)) and abs(d[-1]) < abs(d[0]),
        "diverging": bool(np.all(np.diff(abs(d)) > 0)) and trace.diverged is not None,
    }
    assert [name for name, holds in shape.items() if holds] == [regime]


def test_classify_regime_on_plain_arrays():
    n = np.arange(11)
    creep = closed_form(X0, 0.001, n)[:, None]
    assert classify_regime(creep, (creep[:, 0] - A) ** 2, [[A]], False) == "too small"
    # Growing |x - a| without a divergence flag still reads as diverging.
    grow = closed_form(X0, 1.05, n)[:, None]
    assert classify_regime(grow, (grow[:, 0] - A) ** 2, [[A]], False) == "diverging"
    assert classify_regime(creep, creep[:, 0], [[A]], True) == "diverging"
    # Saddle: nothing to approach; steps that do not die out mean running away.
    away = np.stack([np.zeros(11), 0.1 * 1.2**n], axis=1)
    assert classify_regime(away, -(away[:, 1] ** 2), np.zeros((0, 2)), False) == "diverging"
    with pytest.raises(ValueError, match="one loss per point"):
        classify_regime(creep, np.zeros(3), [[A]], False)
    assert set(REGIMES) == {"too small", "just right", "oscillating", "diverging"}


def test_regimes_module_does_not_import_torch():
    code = "import sys, vizlab.regimes; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


# ------------------------------------------------------ optimizers vs. numpy

START = np.array([-1.2, 1.0])
N = 25


def numpy_path(update, lr: float) -> np.ndarray:
    """Apply ``update(state, g, t) -> delta`` to Rosenbrock from START for N steps."""
    x, state, path = START.copy(), {}, [START.copy()]
    for t in range(1, N + 1):
        x = x + update(state, rosenbrock_grad(x), t, lr)
        path.append(x.copy())
    return np.array(path)


def sgd_momentum(state, g, t, lr, mu=0.9, nesterov=False):
    # torch.optim.SGD: b_1 = g_1, b_t = mu b_{t-1} + g_t; nesterov uses g_t + mu b_t.
    b = g if t == 1 else mu * state["b"] + g
    state["b"] = b
    return -lr * (g + mu * b if nesterov else b)


def adam(state, g, t, lr, b1=0.9, b2=0.999, eps=1e-8):
    # m_t = b1 m + (1-b1) g; v_t = b2 v + (1-b2) g^2; step lr * m_hat / (sqrt(v_hat) + eps)
    m = b1 * state.get("m", 0.0) + (1 - b1) * g
    v = b2 * state.get("v", 0.0) + (1 - b2) * g**2
    state.update(m=m, v=v)
    return -lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)


def rmsprop(state, g, t, lr, alpha=0.99, eps=1e-8):
    # v_t = alpha v + (1 - alpha) g^2; step lr * g / (sqrt(v) + eps)
    v = alpha * state.get("v", 0.0) + (1 - alpha) * g**2
    state["v"] = v
    return -lr * g / (np.sqrt(v) + eps)


def adagrad(state, g, t, lr, eps=1e-10):
    # s_t = s + g^2; step lr * g / (sqrt(s) + eps)
    s = state.get("s", 0.0) + g**2
    state["s"] = s
    return -lr * g / (np.sqrt(s) + eps)


@pytest.mark.parametrize(
    ("name", "lr", "update"),
    [
        ("sgd", 1e-3, lambda s, g, t, lr: -lr * g),
        ("momentum", 1e-3, sgd_momentum),
        ("nesterov", 1e-3, lambda s, g, t, lr: sgd_momentum(s, g, t, lr, nesterov=True)),
        ("adam", 0.05, adam),
        ("rmsprop", 0.01, rmsprop),
        ("adagrad", 0.1, adagrad),
    ],
)
def test_optimizer_matches_documented_update(name, lr, update):
    trace = descend("rosenbrock", name, lr=lr, start=START, steps=N, momentum=0.9)
    assert trace.diverged is None
    np.testing.assert_allclose(trace["point/xy"], numpy_path(update, lr), rtol=1e-10, atol=1e-12)


def test_optimizer_names_match_the_config():
    assert tuple(_OPTIMIZERS) == OPTIMIZERS


# ------------------------------------------------------------ 2-D landscapes


@pytest.mark.parametrize(
    ("name", "grad", "opt", "lr"),
    [("rosenbrock", rosenbrock_grad, "adam", 0.05), ("himmelblau", himmelblau_grad, "sgd", 0.01)],
)
def test_recorded_gradient_is_the_analytic_gradient(name, grad, opt, lr):
    trace = descend(name, opt, lr=lr, steps=40)
    pts = trace["point/xy"]
    np.testing.assert_allclose(trace["grad/xy"], grad(pts), rtol=1e-12, atol=1e-9)
    f = LANDSCAPES[name].f
    np.testing.assert_allclose(trace["scalar/loss"], f(torch.tensor(pts)).numpy(), rtol=1e-15)


@pytest.mark.parametrize("name", sorted(LANDSCAPES))
def test_minima_are_strict_local_minima(name):
    land = LANDSCAPES[name]
    for m in land.minima:
        x = torch.tensor(m, dtype=torch.float64, requires_grad=True)
        (g,) = torch.autograd.grad(land.f(x), x)
        assert g.abs().max() < 1e-8, f"{name} minimum {m} has gradient {g.tolist()}"
        # Smaller than every point on rings of a few radii around it.
        angles = np.linspace(0, 2 * np.pi, 16, endpoint=False)
        dirs = (
            np.stack([np.cos(angles), np.sin(angles)], 1)
            if land.dim == 2
            else np.array([[-1.0], [1.0]])
        )
        for radius in (1e-4, 1e-3, 1e-2):
            ring = torch.from_numpy(np.asarray(m) + radius * dirs)
            assert (land.f(ring) > land.f(x.detach())).all()
        lo, hi = np.array(land.domain).T
        assert np.all((lo <= np.asarray(m)) & (np.asarray(m) <= hi))


def test_himmelblau_has_four_distinct_zero_minima():
    land = LANDSCAPES["himmelblau"]
    mins = land.minima_array
    assert mins.shape == (4, 2)
    assert np.abs(land.f(torch.from_numpy(mins)).numpy()).max() < 1e-20
    gaps = np.linalg.norm(mins[:, None] - mins[None], axis=-1)
    assert gaps[~np.eye(4, dtype=bool)].min() > 1.0


def test_wavy_lists_every_local_minimum_global_first():
    land = LANDSCAPES["wavy"]
    xs, ys = land.surface(4001)
    local = np.flatnonzero((ys[1:-1] < ys[:-2]) & (ys[1:-1] < ys[2:])) + 1
    np.testing.assert_allclose(
        np.sort(xs[local]), np.sort(land.minima_array[:, 0]), atol=2 * (xs[1] - xs[0])
    )
    vals = land.f(torch.from_numpy(land.minima_array)).numpy()
    assert len(vals) == 2 and vals[0] < vals[1]


def test_saddle_has_no_minimum_and_runs_away():
    trace = descend("saddle", "sgd", lr=0.1, steps=200)
    assert trace["data/minima"].shape == (0, 2)
    assert trace.header["regime"] == "diverging"
    assert trace.diverged is not None
    assert np.isfinite(trace["point/xy"]).all()


@pytest.mark.parametrize("name", sorted(LANDSCAPES))
def test_landscape_is_batched_and_surface_is_laid_out_ij(name):
    land = LANDSCAPES[name]
    rng = np.random.default_rng(0)
    lo, hi = np.array(land.domain).T
    pts = rng.uniform(lo, hi, size=(3, 5, land.dim))
    batched = land.f(torch.from_numpy(pts)).numpy()
    assert batched.shape == (3, 5)
    one = [float(land.f(torch.from_numpy(p))) for p in pts.reshape(-1, land.dim)]
    np.testing.assert_allclose(batched.reshape(-1), one, rtol=1e-15)
    surf = land.surface(7)
    if land.dim == 1:
        xs, ys = surf
        assert xs.shape == ys.shape == (7,)
        assert xs[0] == lo[0] and xs[-1] == hi[0]
    else:
        xs, ys, z = surf
        assert z.shape == (7, 7)
        i, j = 2, 5
        np.testing.assert_allclose(z[i, j], float(land.f(torch.tensor([xs[j], ys[i]]))))


# ----------------------------------------------------------- trace contract


def test_trace_keys_shapes_and_header():
    t1 = descend("quadratic", steps=10)
    assert {"curve/x", "curve/y", "data/minima", "point/xy", "grad/xy"} <= set(t1.arrays)
    assert t1["point/xy"].shape == (11, 1) and t1["curve/y"].shape == (400,)
    t2 = descend("bowl", "momentum", lr=0.05, steps=10)
    assert t2["point/xy"].shape == t2["grad/xy"].shape == (11, 2)
    assert t2["scalar/loss"].shape == t2["scalar/lr"].shape == (11,)
    h, w = t2["grid/loss"].shape
    assert t2["grid/x"].shape == (w,) and t2["grid/y"].shape == (h,)
    assert t2["data/minima"].shape == (1, 2)
    head = t2.header
    assert head["kind"] == "descend"
    assert head["config"] == {
        "landscape": "bowl",
        "optimizer": "momentum",
        "lr": 0.05,
        "start": [-3.5, 1.5],
        "steps": 10,
        "momentum": 0.9,
        "seed": 0,
        "dtype": "float64",
    }
    assert head["landscape"]["dim"] == 2 and head["landscape"]["domain"] == [[-4, 4], [-3, 3]]
    assert set(head["versions"]) == {"torch", "numpy", "vizlab", "python"}
    assert head["device"] == "cpu" and head["regime"] in REGIMES and head["events"] == []


def test_float32_and_determinism():
    t32 = descend("himmelblau", "adam", lr=0.1, steps=30, dtype="float32")
    assert t32["point/xy"].dtype == np.float32
    again = descend("himmelblau", "adam", lr=0.1, steps=30, dtype="float32")
    for key in t32.arrays:
        np.testing.assert_array_equal(t32[key], again[key])


def test_trace_round_trips_through_a_file(tmp_path):
    trace = descend("quadratic", "sgd", lr=1.5, steps=40)
    assert trace.diverged is not None
    loaded = Trace.load(trace.save(tmp_path / "descent.npz"))
    assert loaded.header == trace.header
    assert set(loaded.arrays) == set(trace.arrays)
    for key in trace.arrays:
        np.testing.assert_array_equal(loaded[key], trace[key])
        assert loaded[key].dtype == trace[key].dtype


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"landscape": "mountain"}, "unknown landscape 'mountain'; choose one of quadratic"),
        ({"optimizer": "lbfgs"}, "unknown optimizer 'lbfgs'; choose one of sgd"),
        ({"lr": 0.0}, "lr must be a positive"),
        ({"lr": -0.1}, "lr must be a positive"),
        ({"lr": float("nan")}, "lr must be a positive"),
        ({"start": [1.0, 2.0]}, "start must have 1 coordinate"),
        ({"landscape": "bowl", "start": [1.0]}, "start must have 2 coordinate"),
        ({"start": [float("inf")]}, "not finite"),
        ({"steps": 0}, "steps must be an integer"),
        ({"steps": 2.5}, "steps must be an integer"),
        ({"momentum": 1.0}, "momentum must be in"),
        ({"optimizer": "nesterov", "momentum": 0.0}, "nesterov needs momentum"),
        ({"dtype": "float16"}, "dtype must be one of"),
        ({"device": "tpu"}, "device must be one of"),
    ],
)
def test_bad_input_raises_one_line_value_error(kwargs, match):
    args = {"landscape": "quadratic", **kwargs}
    with pytest.raises(ValueError, match=match) as info:
        descend(**args)
    assert "\n" not in str(info.value)


def test_get_landscape():
    assert get_landscape("rosenbrock") is LANDSCAPES["rosenbrock"]
    with pytest.raises(ValueError, match="choose one of .*himmelblau"):
        get_landscape("Rosenbrock")
    assert {"quadratic", "wavy", "bowl", "rosenbrock", "beale", "himmelblau", "saddle"} <= set(
        LANDSCAPES
    )
