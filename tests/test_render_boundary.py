"""Decision boundaries and training curves, checked at the data level on real small runs.

Oracles: the trace's own arrays (the image holds the recorded field, the
lines hold the first k+1 recorded values), numpy's argmin for the
early-stopping step, a hand-worked patience example, bilinear interpolation
of the field at the boundary's vertices (it must read 0.5), frame counts from
a writer that writes nothing, and pixel equality between a moved display and
a fresh one.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.animation import AbstractMovieWriter
from matplotlib.colors import to_rgba

import vizlab
from vizlab import RunConfig, Timeline, Trace
from vizlab.render.boundary import (
    animate_boundary,
    animate_boundary_grid,
    draw_boundary,
    draw_boundary_grid,
    draw_linear_vs_mlp,
)
from vizlab.render.curves import animate_curves, draw_curves, early_stopping_row
from vizlab.render.style import class_color, rc

XOR = RunConfig(
    dataset="xor", hidden=(4,), activation="tanh", steps=150, grid=25, frames=12, lr=0.5
)


@pytest.fixture(scope="module")
def trace() -> Trace:
    return vizlab.train(XOR)


@pytest.fixture(scope="module")
def linear() -> Trace:
    return vizlab.train(XOR.replace(hidden=(), steps=60, frames=6))


@pytest.fixture(scope="module")
def diverged() -> Trace:
    # Momentum at lr 100 blows the weights past 1e8 within a few steps.
    cfg = RunConfig(
        dataset="moons",
        hidden=(8,),
        activation="relu",
        optimizer="momentum",
        lr=100.0,
        steps=50,
        grid=20,
        frames=8,
    )
    tr = vizlab.train(cfg)
    assert tr.diverged is not None
    return tr


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def synthetic(val: list[float]) -> Trace:
    """A curves-only trace whose validation loss is ``val`` (recorded every 10 steps)."""
    val = np.asarray(val, dtype=float)
    n = len(val)
    return Trace(
        {
            "scalar/step": np.arange(n) * 10,
            "scalar/loss_train": np.linspace(1.0, 0.1, n),
            "scalar/loss_val": val,
            "scalar/acc_train": np.linspace(0.5, 1.0, n),
            "scalar/acc_val": np.linspace(0.5, 0.9, n),
        },
        {"config": {"loss": "bce"}},
    )


def bilinear(xs, ys, field, pts):
    """Field value at points (K, 2) by bilinear interpolation on the grid."""
    i = np.clip(np.searchsorted(xs, pts[:, 0]) - 1, 0, len(xs) - 2)
    j = np.clip(np.searchsorted(ys, pts[:, 1]) - 1, 0, len(ys) - 2)
    tx = (pts[:, 0] - xs[i]) / (xs[i + 1] - xs[i])
    ty = (pts[:, 1] - ys[j]) / (ys[j + 1] - ys[j])
    f = field.astype(float)
    return (
        (1 - tx) * (1 - ty) * f[j, i]
        + tx * (1 - ty) * f[j, i + 1]
        + (1 - tx) * ty * f[j + 1, i]
        + tx * ty * f[j + 1, i + 1]
    )


def pixels(fig) -> np.ndarray:
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


class CountingWriter(AbstractMovieWriter):
    """Writes nothing; remembers which row the display showed at each grabbed frame."""

    def __init__(self, display):
        super().__init__(fps=30)
        self.display, self.rows = display, []

    def setup(self, fig, outfile, dpi=None):
        self.fig, self.outfile, self.dpi = fig, outfile, dpi or 72

    def grab_frame(self, **savefig_kwargs):
        self.rows.append(self.display.row)

    def finish(self):
        pass


# ------------------------------------------------------------- the boundary


@pytest.mark.parametrize("k", [0, 4, 37, 150, -1])
def test_image_holds_the_recorded_field_of_the_row(trace, k):
    fs = trace["grid/steps"]
    row = k % len(trace)
    latest = int(np.flatnonzero(fs <= row)[-1])  # the latest field at or before the row
    disp = draw_boundary(trace, k)
    np.testing.assert_array_equal(disp.artists["image"].get_array(), trace["field/output"][latest])
    disp.update(0)
    disp.update(k)
    np.testing.assert_array_equal(disp.artists["image"].get_array(), trace["field/output"][latest])
    x0, x1, y0, y1 = disp.artists["image"].get_extent()
    dx = trace["grid/x"][1] - trace["grid/x"][0]
    assert x0 == pytest.approx(trace["grid/x"][0] - dx / 2)
    assert y1 == pytest.approx(trace["grid/y"][-1] + dx / 2)


@pytest.mark.parametrize("k", [0, 9, 95])
def test_curve_lines_hold_the_first_k_plus_1_values(trace, k):
    disp = draw_boundary(trace, -1)
    disp.update(k)
    x, y = disp.curves.artists["train"].get_data()
    np.testing.assert_array_equal(x, trace.steps[: k + 1])
    np.testing.assert_array_equal(y, trace["scalar/loss_train"][: k + 1])
    x, y = disp.curves.artists["val"].get_data()
    np.testing.assert_array_equal(y, trace["scalar/loss_val"][: k + 1])
    acc = draw_curves(trace, k, metric="accuracy")
    np.testing.assert_array_equal(
        acc.artists["val"].get_data()[1], trace["scalar/acc_val"][: k + 1]
    )
    assert f"step {trace.steps[k]}" in disp.artists["text"].get_text()


def test_boundary_line_lies_where_the_field_crosses_one_half(trace):
    disp = draw_boundary(trace, -1)
    segs = disp.artists["boundary"].get_segments()
    field = trace["field/output"][-1]
    assert field.min() < 0.5 < field.max() and segs
    pts = np.concatenate(segs)
    values = bilinear(trace["grid/x"], trace["grid/y"], field, pts)
    np.testing.assert_allclose(values, 0.5, atol=1e-5)
    # Moving to another row replaces the line by that row's crossing.
    disp.update(5)
    pts = np.concatenate(disp.artists["boundary"].get_segments() or [np.zeros((0, 2))])
    f5 = trace["field/output"][trace.field_row(5)]
    np.testing.assert_allclose(bilinear(trace["grid/x"], trace["grid/y"], f5, pts), 0.5, atol=1e-5)


def test_points_and_default_title_come_from_the_trace(trace):
    disp = draw_boundary(trace)
    for split in ("train", "val"):
        sc = disp.points[split]
        np.testing.assert_array_equal(sc.get_offsets(), trace[f"data/X_{split}"])
        want = np.array([to_rgba(class_color(c)) for c in trace[f"data/y_{split}"]])
        np.testing.assert_array_equal(sc.get_facecolors(), want)
    assert disp.ax.get_title() == "noisy XOR: 2-4-1 tanh net"
    no_val = draw_boundary(trace, show_val=False, curves=False)
    assert no_val.curves is None and set(no_val.points) == {"train"}


def test_draws_on_given_axes_and_in_the_dark_theme(trace):
    fig, (left, right) = plt.subplots(1, 2)
    disp = draw_boundary(trace, 7, ax=left, curves=right, theme="dark")
    assert disp.fig is fig and disp.ax is left and disp.curves.ax is right
    assert disp.curves.row == disp.row == 7
    alone = draw_boundary(trace, ax=plt.subplots()[1])
    assert alone.curves is None
    dark = draw_boundary(trace, theme="dark")
    assert to_rgba(dark.fig.get_facecolor()) == to_rgba(rc("dark")["figure.facecolor"])
    assert to_rgba(dark.ax.get_facecolor()) == to_rgba("white")  # the field reads the same


def test_a_run_without_validation_points_draws_without_them():
    tr = vizlab.train(XOR.replace(val_fraction=0.0, steps=20, frames=4))
    disp = draw_boundary(tr)
    assert set(disp.points) == {"train"}
    assert "val" not in disp.curves.artists and "es_line" not in disp.curves.artists
    assert (
        disp.artists["text"].get_text()
        == f"step 20\naccuracy train {tr['scalar/acc_train'][-1]:.0%}"
    )
    with pytest.raises(ValueError, match="no finite validation loss"):
        early_stopping_row(tr)


def test_update_after_another_row_equals_a_fresh_draw(trace):
    moved = draw_boundary(trace, 3)
    moved.update(120)
    moved.update(60)
    fresh = draw_boundary(trace, 60)
    np.testing.assert_array_equal(pixels(moved.fig), pixels(fresh.fig))


# ------------------------------------------------------------ early stopping


def test_early_stopping_row_hand_worked():
    val = [1.0, 0.8, 0.9, 0.7, 0.75, 0.72, 0.74, 0.6]
    tr = synthetic(val)
    assert early_stopping_row(tr) == 7 == int(np.argmin(val))
    # patience 1: row 2 does not beat row 1 -> stop, keep row 1.
    assert early_stopping_row(tr, patience=1) == 1
    # patience 2: rows 4 and 5 do not beat row 3 -> stop, keep row 3.
    assert early_stopping_row(tr, patience=2) == 3
    assert early_stopping_row(np.asarray(val), patience=3) == 3
    # patience 4: row 7 improves before patience runs out.
    assert early_stopping_row(tr, patience=4) == 7
    assert early_stopping_row([0.5, 0.5, 0.5], patience=None) == 0  # first of ties


@pytest.mark.parametrize("bad", [0, -1, 1.5, True])
def test_early_stopping_rejects_bad_patience(bad):
    with pytest.raises(ValueError, match="patience"):
        early_stopping_row(synthetic([1.0, 0.5]), patience=bad)


def test_early_stopping_needs_validation_losses():
    with pytest.raises(ValueError, match="validation loss"):
        early_stopping_row(np.array([np.nan, np.nan]))
    with pytest.raises(ValueError, match="loss_val"):
        early_stopping_row(Trace({"scalar/step": np.arange(3), "scalar/loss": np.ones(3)}))


def test_early_stopping_marker_sits_at_the_argmin_seen_so_far():
    val = [1.0, 0.6, 0.4, 0.45, 0.5, 0.3, 0.35, 0.5, 0.7, 0.9]
    tr = synthetic(val)
    disp = draw_curves(tr)
    best = int(np.argmin(val))
    assert disp.artists["es_line"].get_xdata()[0] == tr.steps[best] == 50
    assert "lowest val loss: step 50 (val loss 0.30)" in disp.artists["es_text"].get_text()
    np.testing.assert_array_equal(disp.artists["es_dot"].get_data()[1], [val[best]])
    for k in range(1, len(val)):
        disp.update(k)
        b = int(np.argmin(val[: k + 1]))
        # Marked only once the validation loss has risen 5 % past its lowest point.
        risen = b < k and val[k] > 1.05 * val[b]
        assert disp.artists["es_line"].get_visible() == risen
        if risen:
            assert disp.artists["es_line"].get_xdata()[0] == tr.steps[b]
    pat = draw_curves(tr, patience=2)
    assert pat.artists["es_line"].get_xdata()[0] == 20
    assert "patience ran out at step 40" in pat.artists["es_text"].get_text()


def test_no_early_stopping_marker_on_a_plateau():
    """A stuck run's validation loss wobbles at ln 2: no step to stop at is marked."""
    val = [0.6935, 0.6931, 0.6933, 0.6932, 0.6934, 0.6931, 0.6936]
    disp = draw_curves(synthetic(val), 0)
    for k in range(len(val)):
        disp.update(k)
        assert not disp.artists["es_line"].get_visible()


def test_early_stopping_marker_on_a_real_run(trace):
    disp = draw_curves(trace, metric="accuracy")
    best = int(np.argmin(np.asarray(trace["scalar/loss_val"])))
    val = np.asarray(trace["scalar/loss_val"])
    risen = best < len(trace) - 1 and val[-1] > 1.05 * val[best]
    assert disp.artists["es_line"].get_visible() == risen
    if risen:
        assert disp.artists["es_line"].get_xdata()[0] == trace.steps[best]


def test_diverged_run_is_marked_and_held_in_a_grid(trace, diverged):
    step = diverged.diverged["step"]
    curves = draw_curves(diverged)
    assert curves.ax.get_yscale() == "log"
    assert curves.artists["diverged"].get_text() == f"diverged at step {step}"
    grid = draw_boundary_grid([trace, diverged], -1, curves=True)
    assert grid.rows_at(-1) == [len(trace) - 1, len(diverged) - 1]
    assert grid.panels[1].artists["diverged"].get_visible()
    grid.update(2)
    assert grid.rows_at(2) == [2, 2]
    assert not grid.panels[1].artists["diverged"].get_visible()


# -------------------------------------------------------------- small multiples


def test_grid_of_six_has_six_panels_with_the_given_titles(trace, linear):
    titles = ["α = 0.1, 100 neurons", "cost $5 and 50%", "a_b^c", r"back\slash", "", "{x}"]
    traces = [trace, linear, trace, linear, trace, linear]
    disp = draw_boundary_grid(traces, titles=titles)
    assert len(disp.axes) == len(disp.panels) == 6
    assert [ax.get_title() for ax in disp.axes] == titles
    pixels(disp.fig)  # the titles render as plain text ("$" is no maths)
    disp.update(100)  # the linear run has 61 rows: it holds at its last one
    assert disp.rows_at(100) == [100, 60, 100, 60, 100, 60]
    for panel, r in zip(disp.panels, disp.rows_at(100)):
        tr = panel.trace
        assert panel.row == r
        np.testing.assert_array_equal(
            panel.artists["image"].get_array(), tr["field/output"][tr.field_row(r)]
        )
    assert disp.fig._suptitle.get_text() == "step 100"


def test_grid_update_equals_a_fresh_draw(trace, linear):
    moved = draw_boundary_grid([trace, linear], 0, curves=True)
    moved.update(140)
    moved.update(30)
    fresh = draw_boundary_grid([trace, linear], 30, curves=True)
    np.testing.assert_array_equal(pixels(moved.fig), pixels(fresh.fig))


def _numbers(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"\d+(?:\.\d+)?", text)]


def test_linear_vs_mlp_titles_say_the_numbers_of_the_frame_they_sit_on(trace, linear):
    disp = draw_linear_vs_mlp(linear, trace, 0)
    t0, t1 = (ax.get_title() for ax in disp.axes)
    assert t0.startswith("a line cannot separate noisy XOR")
    assert t1.startswith("2-4-1 tanh net: acc ")
    for row in (0, len(trace) // 3, len(trace) - 1):
        disp.update(row)
        for ax, t, r in zip(disp.axes, (linear, trace), disp.rows_at(row)):
            acc, step = float(t["scalar/acc_train"][r]), int(t.steps[r])
            # The title's accuracy and step are those of the row the panel shows...
            assert ax.get_title().endswith(f"acc {acc:.0%} at step {step}")
            # ...and agree with the live text under the panel at the same frame.
            assert f"train {acc:.0%}" in disp.panels[disp.axes.index(ax)].artists["text"].get_text()
    # At step 0 the title must not claim the final accuracy (unless equal by chance).
    disp.update(0)
    final, first = float(trace["scalar/acc_train"][-1]), float(trace["scalar/acc_train"][0])
    if f"{final:.0%}" != f"{first:.0%}":
        assert f"{final:.0%}" not in disp.axes[1].get_title()


def test_dropout_comparison_titles_say_the_losses_of_the_frame(trace, linear):
    from vizlab.render.dropout import draw_dropout_comparison

    disp = draw_dropout_comparison([linear, trace], 0)
    for row in (0, len(trace) // 2, len(trace) - 1):
        disp.update(row)
        for ax, t, r in zip(disp.axes, (linear, trace), disp.rows_at(row)):
            lt, lv = float(t["scalar/loss_train"][r]), float(t["scalar/loss_val"][r])
            nums = _numbers(ax.get_title())
            assert nums[:2] == [round(lt, 2), round(lv, 2)], (ax.get_title(), lt, lv)


def test_bad_input_gives_one_line_errors(trace):
    with pytest.raises(ValueError, match="decision field"):
        draw_boundary(synthetic([1.0, 0.5]))
    with pytest.raises(ValueError, match="metric"):
        draw_curves(trace, metric="recall")
    with pytest.raises(ValueError, match="titles"):
        draw_boundary_grid([trace, trace], titles=["one"])
    with pytest.raises(ValueError, match="at least one"):
        draw_boundary_grid([])
    _, ax = plt.subplots()
    with pytest.raises(ValueError, match="curves"):
        draw_boundary(trace, ax=ax, curves=True)
    with pytest.raises(IndexError):
        draw_boundary(trace, len(trace))


# -------------------------------------------------------------------- animation


@pytest.mark.parametrize("kind", ["boundary", "grid", "curves"])
def test_animations_give_one_frame_per_timeline_entry(trace, linear, kind):
    tl = Timeline.build(len(trace), 7, hold_start=1, hold_end=2)
    if kind == "boundary":
        anim = animate_boundary(trace, timeline=tl)
    elif kind == "grid":
        anim = animate_boundary_grid([trace, linear], timeline=tl)
    else:
        anim = animate_curves(trace, timeline=tl)
    writer = CountingWriter(anim.vizlab_display)
    anim.save(os.devnull, writer=writer)
    assert len(writer.rows) == len(tl) == 10
    assert writer.rows == tl.rows.tolist()


def test_default_boundary_timeline_shows_only_rows_with_fields(trace):
    tl = draw_boundary(trace).timeline()
    assert set(tl.unique_rows().tolist()) <= set(trace["grid/steps"].tolist())


# --------------------------------------------------------------------- contract


def test_renderers_do_not_import_torch(trace, tmp_path):
    path = trace.save(tmp_path / "xor.npz")
    code = textwrap.dedent(
        f"""
        import sys
        import matplotlib
        matplotlib.use("Agg")
        from vizlab import Trace
        from vizlab.render.boundary import draw_boundary, draw_boundary_grid
        from vizlab.render.curves import draw_curves
        tr = Trace.load({str(path)!r})
        draw_boundary(tr, 5).fig.canvas.draw()
        draw_boundary_grid([tr, tr]).fig.canvas.draw()
        draw_curves(tr).fig.canvas.draw()
        assert "torch" not in sys.modules, "a renderer imported torch"
        """
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
