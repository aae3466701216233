"""Landscape and step pictures, checked at the data level against the traces they draw.

Oracles: the recorded arrays (a path line holds the first k+1 projected
points, the 3-D path the loss on the plane), the update the run actually
took (the effective step of every weight is theta_k - theta_{k+1}), and the
optimizer state replayed from gradients equal to the recorded state.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import vizlab
from vizlab.core import batched_optim
from vizlab.render import steps as steps_mod
from vizlab.render.landscape import (
    descent_view,
    draw_landscape,
    draw_landscape_3d,
    draw_loss_by_seed,
)
from vizlab.render.steps import draw_step_histograms, effective_steps, step_histogram
from vizlab.trace import Trace

OPTS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")
NET = vizlab.RunConfig(
    dataset="moons", n_points=80, hidden=(3,), activation="tanh", lr=0.05, steps=25,
    frames=0, grid=8, dtype="float64",
)  # fmt: skip


@pytest.fixture(scope="module")
def race():
    return vizlab.sweep([NET.replace(optimizer=o) for o in OPTS])


@pytest.fixture(scope="module")
def planes(race):
    return vizlab.landscape(list(race[:3]), resolution=9, through="start")


def flat(trace, kind="param"):
    T = len(trace)
    return np.concatenate([trace[f"{kind}/{n}"].reshape(T, -1) for n in trace.names("param")], 1)


def test_effective_step_is_the_update_taken(race):
    for t in race:
        steps, delta, source = effective_steps(t)
        sgd = t.config["optimizer"] == "sgd"
        assert source == steps_mod.SOURCES[2 if sgd else 0], t.config["optimizer"]
        theta = flat(t)
        taken = theta[:-1] - theta[1:]
        assert np.array_equal(steps, t.steps[:-1])
        scale = np.abs(taken).max()
        assert np.abs(delta - taken).max() < 1e-10 * scale, t.config["optimizer"]


def _without_opt(t: Trace) -> Trace:
    return Trace({k: v for k, v in t.arrays.items() if not k.startswith("opt/")}, t.header)


def test_replayed_steps_equal_the_recorded_state(race):
    for t in race:
        _, recorded, _ = effective_steps(t)
        _, replayed, source = effective_steps(_without_opt(t))
        sgd = t.config["optimizer"] == "sgd"
        assert source == steps_mod.SOURCES[2 if sgd else 1]
        assert np.allclose(replayed, recorded, rtol=1e-10, atol=1e-14), t.config["optimizer"]


def test_replay_needs_every_step():
    t = vizlab.train(NET.replace(optimizer="adam", record_every=2, steps=6))
    with pytest.raises(ValueError, match="record_every=1"):
        effective_steps(_without_opt(t))
    effective_steps(t)  # with the recorded state it works


def test_step_constants_are_the_engines():
    assert steps_mod.ADAGRAD_EPS == batched_optim.ADAGRAD_EPS
    assert (steps_mod.RMSPROP_ALPHA, steps_mod.RMSPROP_EPS) == (
        batched_optim.RMSPROP_ALPHA,
        batched_optim.RMSPROP_EPS,
    )
    assert steps_mod.ADAM_BETAS == batched_optim.ADAM_BETAS
    assert steps_mod.ADAM_EPS == batched_optim.ADAM_EPS
    for name, spec in batched_optim.OPTIMIZERS.items():
        assert steps_mod.OPTIMIZER_BUFFERS[name] == spec.buffers


def test_step_histograms_hold_the_shares(race):
    disp = draw_step_histograms(race, 10)
    for img, t in zip(disp.artists["images"], race):
        _, delta, _ = effective_steps(t)
        data = np.asarray(img.get_array())
        assert data.shape[1] == len(delta)
        assert np.allclose(data.sum(0), 1.0)
        lo, hi = img.get_extent()[2:]
        edges = np.linspace(lo, hi, data.shape[0] + 1)
        assert np.array_equal(data, step_histogram(delta, edges, 10**lo))
    s = float(race[0].steps[10])
    assert all(c.get_xdata()[0] == s for c in disp.artists["cursors"])


def test_descent_view_renames_only(planes):
    L = planes[0]
    v = descent_view(L)
    assert v["grid/loss"] is L["surface/loss"] or np.array_equal(v["grid/loss"], L["surface/loss"])
    assert np.array_equal(v["point/xy"], L["path/xy"])
    assert np.array_equal(v["scalar/loss"], L["path/loss"])
    assert np.array_equal(descent_view(L, "plane")["scalar/loss"], L["path/loss_plane"])


def test_landscape_map_holds_the_paths(planes):
    disp = draw_landscape(planes, 7)
    for line, L in zip(disp.artists["paths"], planes):
        x, y = line.get_data()
        assert np.array_equal(np.column_stack([x, y]), L["path/xy"][:8])
    for line, L in zip(disp.artists["loss"], planes):
        assert np.array_equal(line.get_data()[1], L["path/loss"][:8])
    disp.update(-1)
    x, _ = disp.artists["paths"][2].get_data()
    assert len(x) == len(planes[2])


def test_planes_drawn_together_must_match(race, planes):
    other = vizlab.landscape(race[3], resolution=9)
    with pytest.raises(ValueError, match="one plane"):
        draw_landscape([planes[0], other])


def test_surface_3d_path_lies_on_the_plane(planes):
    L = planes[2]
    disp = draw_landscape_3d(L, 5)
    x, y, z = disp.artists["path"].get_data_3d()
    a, b = L["grid/alpha"], L["grid/beta"]
    inside = (
        (L["path/xy"][:6, 0] >= a[0]) & (L["path/xy"][:6, 0] <= a[-1])
        & (L["path/xy"][:6, 1] >= b[0]) & (L["path/xy"][:6, 1] <= b[-1])
    )  # fmt: skip
    assert np.array_equal(np.asarray(z)[inside], L["path/loss_plane"][:6][inside])


def test_renderers_do_not_import_torch():
    code = (
        "import sys, vizlab.render.landscape, vizlab.render.steps; "
        "assert 'torch' not in sys.modules, 'torch imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_loss_by_seed_holds_each_runs_losses():
    runs = vizlab.sweep(NET.replace(optimizer="sgd", steps=12), seed=[0, 1, 2])
    disp = draw_loss_by_seed(runs, 5, solved=1.01)  # nothing reaches 101 %: every line dashed
    for line, t in zip(disp.artists["loss"], runs):
        x, y = line.get_data()
        assert np.array_equal(x, t.steps[:6]) and np.array_equal(y, t["scalar/loss_train"][:6])
        assert line.get_linestyle() == "--"
    disp = draw_loss_by_seed(runs, solved=0.0)
    assert all(line.get_linestyle() == "-" for line in disp.artists["loss"])
    assert "3 solve it" in disp.fig._suptitle.get_text()
