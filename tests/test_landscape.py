"""vizlab.landscape: the training loss on a plane through recorded weights.

Oracles: the recorded training loss (the plane passes through recorded
weights at (0, 0)), the recorded initial loss (a plane spanned by start - end
reaches the start at (1, 0)), one model evaluated at a time by the core's
forward pass (the batched evaluation must equal that loop), and paths built
to lie in a known plane (their projection must be exact).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import vizlab
from vizlab.config import ConfigError
from vizlab.core import model
from vizlab.core.surface import flat_names, flat_path, project
from vizlab.trace import Trace, TraceError

NET = vizlab.RunConfig(
    dataset="moons",
    n_points=120,
    hidden=(4, 4),
    activation="tanh",
    lr=0.05,
    steps=40,
    frames=0,
    grid=8,
)


@pytest.fixture(scope="module")
def race():
    """SGD and Adam from the same initial weights, in one sweep."""
    return vizlab.sweep([NET.replace(optimizer="sgd", lr=0.5), NET.replace(optimizer="adam")])


@pytest.fixture(scope="module")
def run(race):
    return race[1]


def rel(a, b):
    return abs(float(a) - float(b)) / abs(float(b))


def middle(L):
    return len(L["grid/beta"]) // 2, len(L["grid/alpha"]) // 2


def test_origin_is_the_recorded_loss_and_grid_contains_zero(run):
    for through, row in (("end", -1), ("start", 0), (17, 17)):
        L = vizlab.landscape(run, through=through, resolution=11)
        i, j = middle(L)
        assert L["grid/alpha"][j] == 0.0 and L["grid/beta"][i] == 0.0
        assert rel(L["surface/loss"][i, j], run["scalar/loss_train"][row]) < 1e-6
        assert L["surface/loss"].shape == (11, 11)
        assert np.allclose(L["grid/origin"], flat_path(run)[row])


def test_start_direction_plane_reproduces_the_initial_loss(run):
    path = flat_path(run)
    d1 = path[0] - path[-1]
    other = np.random.default_rng(3).standard_normal(d1.size)
    d2 = other - (other @ d1) / (d1 @ d1) * d1  # any vector orthogonal to d1
    L = vizlab.landscape(run, directions=(d1, d2), span=1.0, resolution=21, through="end")
    i, _ = middle(L)
    assert L["grid/alpha"][-1] == 1.0
    assert np.allclose(L["path/xy"][0], [1.0, 0.0], atol=1e-9)
    assert rel(L["surface/loss"][i, -1], run["scalar/loss_train"][0]) < 1e-6
    assert rel(L["path/loss_plane"][0], run["scalar/loss_train"][0]) < 1e-6


def _one_model_loss(trace, theta):
    """The loss of one weight vector, unbatched: params (out, in), not (M, out, in)."""
    params, off = {}, 0
    for n in flat_names(trace):
        shape = trace[f"param/{n}"].shape[1:]
        size = int(np.prod(shape))
        params[n] = torch.tensor(theta[off : off + size].reshape(shape), dtype=torch.float64)
        off += size
    X = torch.tensor(np.array(trace["data/X_train"]), dtype=torch.float64)
    y = torch.tensor(np.array(trace["data/y_train"]))
    logits, _ = model.forward(params, X, trace.config["activation"])
    return float(model.data_loss(logits, y, trace.config["loss"]))


def test_batched_surface_equals_a_loop_over_points(run):
    L = vizlab.landscape(run, directions="random", seed=1, span=0.7, resolution=9)
    o, d = L["grid/origin"], L["grid/directions"]
    a, b = L["grid/alpha"], L["grid/beta"]
    for i, j in [(0, 0), (8, 8), (2, 7), (4, 4), (6, 1)]:
        want = _one_model_loss(run, o + a[j] * d[0] + b[i] * d[1])
        assert L["surface/loss"][i, j] == pytest.approx(want, rel=1e-12)


def _in_plane(run, coords):
    """``run`` with its parameters replaced by points on a known plane (T, P)."""
    path = flat_path(run)
    rng = np.random.default_rng(0)
    o, d = path[0], rng.standard_normal((2, path.shape[1]))
    flat = o + coords @ d
    arrays = dict(run.arrays)
    off = 0
    for n in flat_names(run):
        shape = run[f"param/{n}"].shape
        size = int(np.prod(shape[1:]))
        arrays[f"param/{n}"] = flat[:, off : off + size].reshape(shape)
        off += size
    return Trace(arrays, run.header), d


def test_path_in_the_plane_projects_exactly(run):
    T = len(run)
    t = np.linspace(0, 1, T)
    coords = np.column_stack([np.cos(3 * t), t**2])
    synthetic, d = _in_plane(run, coords)
    L = vizlab.landscape(synthetic, directions=(d[0], d[1]), through="end", resolution=5)
    assert np.allclose(L["path/xy"], coords - coords[-1], atol=1e-9)
    assert L["path/distance"].max() < 1e-9
    # PCA finds that plane too: the path lies in it, so nothing is left over
    P = vizlab.landscape(synthetic, resolution=5)
    assert P["path/distance"].max() < 1e-8 * np.abs(flat_path(synthetic)).max()
    assert np.allclose(P["grid/directions"] @ P["grid/directions"].T, np.eye(2), atol=1e-12)
    assert sum(P.header["landscape"]["explained"]) == pytest.approx(1.0)


def test_project_is_least_squares():
    rng = np.random.default_rng(1)
    o, d = rng.standard_normal(6), rng.standard_normal((2, 6))
    pts = rng.standard_normal((5, 6))
    xy, dist = project(pts, o, d)
    for p, c, r in zip(pts, xy, dist):
        c_ls, *_ = np.linalg.lstsq(d.T, p - o, rcond=None)
        assert np.allclose(c, c_ls)
        assert r == pytest.approx(np.linalg.norm(p - o - c_ls @ d))


def test_random_directions_are_filter_normalised_and_seeded(run):
    L = vizlab.landscape(run, directions="random", seed=5, resolution=3)
    again = vizlab.landscape(run, directions="random", seed=5, resolution=3)
    other = vizlab.landscape(run, directions="random", seed=6, resolution=3)
    assert np.array_equal(L["grid/directions"], again["grid/directions"])
    assert not np.allclose(L["grid/directions"], other["grid/directions"])
    o, d = L["grid/origin"], L["grid/directions"]
    off = 0
    for n in flat_names(run):
        shape = run[f"param/{n}"].shape[1:]
        size = int(np.prod(shape))
        for k in range(2):
            dk, ok = d[k, off : off + size], o[off : off + size]
            if len(shape) == 1:
                assert not dk.any()  # biases are not moved
            else:
                rows = np.linalg.norm(dk.reshape(shape), axis=1)
                assert np.allclose(rows, np.linalg.norm(ok.reshape(shape), axis=1), rtol=1e-9)
        off += size


def test_shared_plane_for_an_optimizer_race(race):
    sgd, adam = vizlab.landscape(race, resolution=9, through="start")
    assert np.array_equal(sgd["surface/loss"], adam["surface/loss"])
    assert np.array_equal(sgd["grid/directions"], adam["grid/directions"])
    # same initial weights: both paths start at the origin of the plane
    assert np.allclose(sgd["path/xy"][0], 0, atol=1e-9)
    assert np.allclose(adam["path/xy"][0], 0, atol=1e-9)
    assert not np.allclose(sgd["path/xy"][-1], adam["path/xy"][-1])
    # reusing the plane for one run gives the same surface and path
    again = vizlab.landscape(race[1], plane=sgd)
    assert np.allclose(again["surface/loss"], adam["surface/loss"], rtol=1e-12)
    assert np.allclose(again["path/xy"], adam["path/xy"])


def test_landscape_traces_round_trip(run, tmp_path):
    L = vizlab.landscape(run, resolution=5)
    back = Trace.load(L.save(tmp_path / "land.npz"))
    assert np.array_equal(back["surface/loss"], L["surface/loss"])
    assert back.header["landscape"]["directions"] == "pca"


def test_bad_input_is_a_one_line_error(run):
    descent = vizlab.descend("bowl", steps=3)
    cases = [
        (lambda: vizlab.landscape(descent), TraceError, "param"),
        (lambda: vizlab.landscape(run, span=0), ConfigError, "span"),
        (lambda: vizlab.landscape(run, span=-1.0), ConfigError, "span"),
        (lambda: vizlab.landscape(run, resolution=403), ConfigError, "401"),
        (lambda: vizlab.landscape(run, resolution=40), ConfigError, "odd"),
        (lambda: vizlab.landscape(run, through="middle"), ValueError, "through"),
        (lambda: vizlab.landscape(run, directions="sideways"), ValueError, "directions"),
        (lambda: vizlab.landscape(run, directions=(np.ones(3), np.ones(3))), ValueError, "flat"),
        (lambda: vizlab.landscape([]), ValueError, "at least one"),
    ]
    for call, exc, word in cases:
        with pytest.raises(exc) as info:
            call()
        msg = str(info.value)
        assert word in msg and "\n" not in msg, msg
    P = flat_path(run).shape[1]
    with pytest.raises(ValueError, match="parallel"):
        vizlab.landscape(run, directions=(np.ones(P), 2 * np.ones(P)))


def test_start_directions_put_the_start_at_one_zero(run):
    L = vizlab.landscape(run, directions="start", resolution=21, through="end", seed=2)
    i, _ = middle(L)
    d = L["grid/directions"]
    assert abs(d[0] @ d[1]) < 1e-9 * (d[0] @ d[0])
    assert np.linalg.norm(d[1]) == pytest.approx(np.linalg.norm(d[0]))
    assert np.allclose(L["path/xy"][0], [1.0, 0.0], atol=1e-9)
    assert rel(L["surface/loss"][i, -1], run["scalar/loss_train"][0]) < 1e-6


def test_through_best_is_the_lowest_validation_loss(run):
    L = vizlab.landscape(run, through="best", resolution=5)
    best = int(np.nanargmin(run["scalar/loss_val"]))
    assert L.header["landscape"]["through_row"] == best
    assert np.allclose(L["grid/origin"], flat_path(run)[best])


@pytest.mark.parametrize(
    "changes",
    [
        {"features": ("x1", "x2", "x1x2", "sin_x1")},
        {"dataset": "plane", "task": "regression", "loss": "mse"},
        {"dataset": "spiral", "n_classes": 3, "loss": "cross_entropy"},
    ],
    ids=["features", "regression", "three_classes"],
)
def test_origin_is_the_recorded_loss_for_other_tasks(changes):
    cfg = NET.replace(steps=10, dtype="float64", **changes)
    run = vizlab.train(cfg)
    L = vizlab.landscape(run, directions="random", resolution=5)
    i, j = middle(L)
    assert rel(L["surface/loss"][i, j], run["scalar/loss_train"][-1]) < 1e-12
