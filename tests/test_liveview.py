"""The live picture: LiveRun.snapshot and the SVG view the playground draws from it.

Oracles: the trace of the same run (its losses, scores, parameters and
fields, computed by the training core's own evaluation and field pass), the
colour maps of vizlab.render.style, and the pixel-to-data transform of the
view read backwards.
"""

from __future__ import annotations

import base64
import io
import re
from xml.etree import ElementTree

import numpy as np
import pytest
from PIL import Image

import vizlab
from vizlab.render import style
from vizlab.render.liveview import FIELD, LiveView, live_graph_svg
from vizlab.render.multiclass import field_rgb

SVG = "{http://www.w3.org/2000/svg}"
BASE = dict(n_points=120, optimizer="adam", lr=0.03, batch_size=10, frames=4)
RUNS = {
    "two": vizlab.RunConfig(dataset="xor", hidden=(4, 2), steps=120, **BASE),
    "three": vizlab.RunConfig(
        dataset="spiral", n_classes=3, loss="cross_entropy", hidden=(6,), steps=120, **BASE
    ),
    "plane": vizlab.RunConfig(
        dataset="plane", task="regression", loss="mse", hidden=(3,), steps=120, **BASE
    ),
    "sine": vizlab.RunConfig(
        dataset="sine", task="regression", loss="mse", hidden=(5,), steps=120, **BASE
    ),
}


def _run(name: str, steps: int = 37):
    run = vizlab.LiveRun(RUNS[name].replace(grid=64))
    run.step(steps)
    return run


def _field_png(svg: str) -> np.ndarray:
    href = next(ElementTree.fromstring(svg).iter(SVG + "image")).get("href")
    png = base64.b64decode(href.split(",", 1)[1])
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


@pytest.mark.parametrize("name", sorted(RUNS))
def test_snapshot_holds_the_traces_numbers(name):
    run = _run(name)
    snap, trace = run.snapshot(), run.trace(frames=1)
    assert snap.step == 37 == trace.steps[-1]
    rows = np.searchsorted(trace.steps, snap.steps)
    np.testing.assert_array_equal(trace.steps[rows], snap.steps)
    score = "r2" if name in ("plane", "sine") else "acc"
    for mine, theirs in (
        ("loss_train", "loss_train"),
        ("loss_val", "loss_val"),
        ("score_train", f"{score}_train"),
        ("score_val", f"{score}_val"),
    ):
        np.testing.assert_allclose(
            getattr(snap, mine), trace[f"scalar/{theirs}"][rows], rtol=1e-6, atol=1e-9
        )
    for key, value in snap.fields.items():  # the same field pass, the same grid
        np.testing.assert_allclose(value, trace[key][-1], rtol=1e-6, atol=1e-7)
    assert set(snap.fields) == {k for k in trace.keys() if k.startswith(("field/", "act/"))}
    for key, value in snap.params.items():
        np.testing.assert_array_equal(value, trace[f"param/{key}"][-1])
    np.testing.assert_array_equal(snap.grid_x, trace["grid/x"])


def test_snapshot_measures_evenly_spaced_rows_once_and_the_latest():
    run = vizlab.LiveRun(RUNS["two"].replace(steps=2000, grid=16))
    run.step(333)
    first = run.snapshot(grid=16, points=100)
    assert np.all(np.diff(first.steps[:-1]) == 21)  # 2001 rows / 100 points: every 21st
    assert first.steps[-1] == 333
    run.step(100)
    second = run.snapshot()
    # rows measured before are kept as they were, the newer ones added
    n = len(first.steps) - 1
    np.testing.assert_array_equal(second.steps[:n], first.steps[:n])
    np.testing.assert_array_equal(second.loss_val[:n], first.loss_val[:n])
    trace = run.trace(frames=1)
    rows = np.searchsorted(trace.steps, second.steps)
    np.testing.assert_allclose(second.loss_val, trace["scalar/loss_val"][rows], rtol=1e-6)
    for bad in (1, 2.5, True):
        with pytest.raises(ValueError, match="grid must be an integer"):
            vizlab.LiveRun(RUNS["two"]).snapshot(grid=bad)


def test_two_class_field_is_p1_on_the_field_map():
    snap = _run("two").snapshot()
    view = LiveView(snap)
    shown = _field_png(view.svg(snap))
    lut = (255 * style.FIELD_CMAP(np.linspace(0, 1, 256))[:, :3]).round()
    p1 = snap.fields["field/output"]
    expected = lut[np.clip(np.round(p1 * 255), 0, 255).astype(int)][::-1]
    assert np.abs(shown - expected).max() <= 1
    # the boundary is drawn where P(class 1) = 0.5: read a point of it back to data
    svg = ElementTree.fromstring(view.svg(snap))
    line = next(e for e in svg.iter(SVG + "polyline") if e.get("stroke") == style.BOUNDARY_COLOR)
    px, py = map(float, line.get("points").split()[0].split(","))
    left, top, side = FIELD
    x = view.xlim[0] + (px - left) / side * (view.xlim[1] - view.xlim[0])
    y = view.ylim[1] - (py - top) / side * (view.ylim[1] - view.ylim[0])
    col = np.argmin(np.abs(snap.grid_x - x))
    row = np.argmin(np.abs(snap.grid_y - y))
    assert abs(p1[row, col] - 0.5) < 0.25


def test_three_class_field_is_the_regions_picture():
    snap = _run("three").snapshot()
    shown = _field_png(LiveView(snap).svg(snap))
    probs = np.stack([snap.fields[f"field/class{c}"] for c in range(3)]).astype(float)
    expected = np.round(255 * field_rgb(probs))[::-1]
    assert np.abs(shown - expected).max() <= 1
    hard = _field_png(LiveView(snap).svg(snap, discretize=True))
    assert len(np.unique(hard.reshape(-1, 3), axis=0)) <= 3  # one colour per class


def test_sine_fit_is_drawn_where_the_network_puts_it():
    snap = _run("sine").snapshot()
    view = LiveView(snap)
    svg = ElementTree.fromstring(view.svg(snap))
    fit = next(e for e in svg.iter(SVG + "polyline") if e.get("stroke-width") in ("2.6", "2.6px"))
    pts = np.array([p.split(",") for p in fit.get("points").split()], float)
    left, top, side = FIELD
    y = view.ylim[1] - (pts[:, 1] - top) / side * (view.ylim[1] - view.ylim[0])
    np.testing.assert_allclose(y, snap.fields["field/output"][0], atol=0.01 * view.ymax)
    # one contribution line per hidden unit, and the output bias
    pieces = [e for e in svg.iter(SVG + "polyline") if e.get("stroke-width") == "1.2"]
    assert len(pieces) == 5


def test_views_of_every_kind_and_a_diverged_run_are_valid_svg():
    for name in RUNS:
        snap = _run(name).snapshot()
        for show_test in (True, False):
            view = LiveView(snap, show_test=show_test)
            for discretize in (False, True):
                ElementTree.fromstring(view.svg(snap, discretize=discretize))
        ElementTree.fromstring(live_graph_svg(snap, discretize=True))
    config = RUNS["two"].replace(lr=1e4, optimizer="sgd", hidden=(8,), activation="relu")
    run = vizlab.LiveRun(config)
    run.step(100)
    snap = run.snapshot()
    assert snap.diverged is not None
    svg = LiveView(snap).svg(snap)
    ElementTree.fromstring(svg)
    assert f"diverged at step {snap.diverged['step']}" in svg


def test_live_graph_links_are_the_current_weights_and_one_sprite_holds_the_nodes():
    snap = _run("two").snapshot()
    svg = live_graph_svg(snap, uid="g1")
    links = re.findall(r'<line class="link" data-w="([^"]+)"[^>]*><title>fc(\d)\[(\d), (\d)\]', svg)
    assert len(links) == 2 * 4 + 4 * 2 + 2 * 1
    for value, layer, out, inp in links:
        w = snap.params[f"fc{layer}.weight"][int(out), int(inp)]
        assert float(value) == pytest.approx(float(w), rel=1e-5, abs=1e-12)
    nodes = 2 + 4 + 2 + 1
    assert svg.count('class="node"') == nodes == svg.count('<use href="#g1"/>')
    root = ElementTree.fromstring(svg)
    (sheet,) = [e for e in root.iter(SVG + "image")]
    png = base64.b64decode(sheet.get("href").split(",", 1)[1])
    assert Image.open(io.BytesIO(png)).size == (32, 32 * nodes)  # every other grid point
