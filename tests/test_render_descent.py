"""Gradient-descent pictures and the line-fit core, checked at the data level.

Oracles: the trace itself (the ball artist holds ``point/xy[k]``, the path
line the first k+1 points), a fresh draw at row j against a display moved
there, a writer that counts frames, numpy's ``lstsq`` and the closed-form
gradient of the mean squared error.
"""

from __future__ import annotations

import subprocess
import sys

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.animation import AbstractMovieWriter

import vizlab
from vizlab import Timeline
from vizlab.core.linreg import batch_schedule, least_squares, make_line_data, minibatch_descent
from vizlab.render import descent as D


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def regimes():
    return [vizlab.descend("quadratic", "sgd", lr=r, steps=30) for r in D.REGIME_LRS.values()]


@pytest.fixture(scope="module")
def blown():
    """A run that really diverges (the core stops it): lr 1.5 multiplies x - 2 by -2 per step."""
    t = vizlab.descend("quadratic", "sgd", lr=1.5, steps=60)
    assert t.diverged is not None and len(t) < 61
    return t


@pytest.fixture(scope="module")
def race():
    opts = [("sgd", 1e-3), ("momentum", 1e-3), ("rmsprop", 1e-2), ("adam", 5e-2)]
    return [vizlab.descend("beale", o, lr=lr, steps=25) for o, lr in opts]


@pytest.fixture(scope="module")
def batches():
    return minibatch_descent((1, 8, 0), lr=0.1, steps=60, n_points=40, seed=3)


class CountingWriter(AbstractMovieWriter):
    """A movie writer that writes nothing and counts the frames it is given."""

    def __init__(self):
        super().__init__(fps=30)
        self.frames = 0

    def setup(self, fig, outfile, dpi=None):
        self.fig, self.outfile, self.dpi = fig, outfile, dpi

    def grab_frame(self, **savefig_kwargs):
        self.frames += 1

    def finish(self):
        pass


def count_frames(anim, tmp_path) -> int:
    writer = CountingWriter()
    anim.save(tmp_path / "nothing.mp4", writer=writer)
    return writer.frames


def line_xy(line) -> np.ndarray:
    x, y = line.get_data()
    return np.column_stack([np.asarray(x, float), np.asarray(y, float)])


def state(disp) -> list:
    """Every changing artist's data, for comparing two displays."""
    out = []
    for a in disp.animated_artists():
        if hasattr(a, "get_data_3d"):
            out.append(np.asarray(a.get_data_3d(), float))
        elif hasattr(a, "get_data"):
            out.append(line_xy(a))
            out.append(a.get_marker())
        elif hasattr(a, "get_text"):
            out.append(a.get_text())
        elif hasattr(a, "get_path"):
            out.append((a.get_visible(), a.get_path().vertices.round(9).tolist()))
    return out


def assert_same_state(a, b):
    for x, y in zip(state(a), state(b), strict=True):
        if isinstance(x, np.ndarray):
            np.testing.assert_array_equal(x, y)
        else:
            assert x == y


# ------------------------------------------------------------------ 1-D ball


@pytest.mark.parametrize("k", [0, 4, 17, 30])
def test_ball_and_path_hold_row_k(regimes, k):
    t = regimes[2]  # oscillating: the ball stays on the chart
    disp = D.draw_descent_1d(t, k)
    ball = line_xy(disp.artists["ball"])
    np.testing.assert_array_equal(ball, [[t["point/xy"][k, 0], t["scalar/loss"][k]]])
    path = line_xy(disp.artists["path"])
    np.testing.assert_array_equal(
        path, np.column_stack([t["point/xy"][: k + 1, 0], t["scalar/loss"][: k + 1]])
    )
    assert disp.artists["step"].get_text() == f"step {k}"


def test_rule_shows_this_steps_numbers(regimes):
    t, k = regimes[1], 2
    disp = D.draw_descent_1d(t, k)
    x, g, r = t["point/xy"][k, 0], t["grad/xy"][k, 0], t["scalar/lr"][k]
    text = disp.artists["numbers"].get_text().replace("\u2212", "-")
    # plain SGD: the next point the trace holds is x - r * dy/dx
    assert t["point/xy"][k + 1, 0] == pytest.approx(x - r * g, abs=1e-12)
    assert (
        f"{x:.2f}" in text and f"({g:.2f})" in text and f"= {t['point/xy'][k + 1, 0]:.2f}" in text
    )
    start, end = disp.artists["arrow"]._posA_posB
    assert start == pytest.approx((x, t["scalar/loss"][k]))
    assert end[0] == pytest.approx(t["point/xy"][k + 1, 0])


def test_update_then_update_equals_fresh_draw(regimes):
    t = regimes[2]
    moved = D.draw_descent_1d(t, 3)
    moved.update(25)
    moved.update(9)
    assert moved.row == 9
    assert_same_state(moved, D.draw_descent_1d(t, 9))


def test_off_chart_ball_stays_in_view_and_says_so(regimes):
    t = regimes[3]  # diverging, lr 1.05: leaves the domain after a few steps
    disp = D.draw_descent_1d(t, -1)
    (bx, by) = line_xy(disp.artists["ball"])[0]
    ax = disp.artists["ball"].axes
    assert ax.get_xlim()[0] <= bx <= ax.get_xlim()[1] and ax.get_ylim()[0] <= by <= ax.get_ylim()[1]
    assert disp.artists["ball"].get_marker() != "o"
    assert disp.artists["status"].get_text() == "off the chart"
    assert ax.get_xlim() == pytest.approx((t["curve/x"][0], t["curve/x"][-1]))


def test_descent_1d_rejects_2d_runs(race):
    with pytest.raises(ValueError, match="curve/x"):
        D.draw_descent_1d(race[0])


# -------------------------------------------------------------- four regimes


def test_regime_lrs_classify_as_named(regimes):
    assert [t.header["regime"] for t in regimes] == list(D.REGIME_LRS)


def test_regime_panels_titled_from_headers(regimes, blown):
    traces = [*regimes[:3], blown]
    disp = D.draw_lr_regimes(traces)
    titles = [ax.get_title() for ax in disp.fig.axes if ax.get_visible()]
    for title, t in zip(titles, traces, strict=True):
        assert t.header["regime"] in title and f"r = {t.config['lr']:g}" in title
    assert disp.fig.axes[0].get_title() == "r = 0.01: too small"


def test_regimes_lockstep_and_diverged_run_holds(regimes, blown):
    traces = [regimes[0], blown]
    disp = D.draw_lr_regimes(traces, 28, layout=(1, 2))
    np.testing.assert_array_equal(
        line_xy(disp.artists["paths"][0])[:, 0], regimes[0]["point/xy"][:29, 0]
    )
    held = line_xy(disp.artists["paths"][1])
    assert len(held) == len(blown) < 29
    status = disp.artists["panels"][1][-1].get_text()
    assert status == f"diverged at step {blown.diverged['step']}"
    disp.update(0)
    assert disp.artists["panels"][1][-1].get_text() == ""
    assert len(line_xy(disp.artists["paths"][1])) == 1


def test_regimes_layout_too_small():
    t = vizlab.descend("quadratic", lr=0.1, steps=3)
    with pytest.raises(ValueError, match="panels"):
        D.draw_lr_regimes([t, t, t], layout=(1, 2))


# ------------------------------------------------------------- contour paths


@pytest.mark.parametrize("k", [0, 7, 25])
def test_contour_paths_hold_first_rows(race, k):
    disp = D.draw_contour_paths(race, k)
    for t, line, head in zip(race, disp.artists["paths"], disp.artists["heads"], strict=True):
        np.testing.assert_array_equal(line_xy(line), t["point/xy"][: k + 1])
        np.testing.assert_array_equal(line_xy(head), t["point/xy"][k : k + 1])
    labels = [t.get_text() for t in disp.fig.axes[0].get_legend().get_texts()]
    assert labels == [
        "SGD (r = 0.001)",
        "Momentum (r = 0.001)",
        "RMSProp (r = 0.01)",
        "Adam (r = 0.05)",
    ]


def test_contour_view_is_the_domain_even_when_a_run_explodes():
    runs = [vizlab.descend("bowl", "sgd", lr=lr, steps=40) for lr in (0.05, 0.25)]
    assert np.abs(runs[1]["point/xy"]).max() > 100
    ax = D.draw_contour_paths(runs).fig.axes[0]
    assert ax.get_xlim() == (-4.0, 4.0) and ax.get_ylim() == (-3.0, 3.0)


def test_contour_paths_reject_mixed_landscapes(race):
    other = vizlab.descend("bowl", steps=3)
    with pytest.raises(ValueError, match="one landscape"):
        D.draw_contour_paths([race[0], other])
    with pytest.raises(ValueError, match="labels"):
        D.draw_contour_paths(race, labels=["a"])


# -------------------------------------------------------------------- race


def test_race_loss_lines_hold_k_plus_one_values(race):
    disp = D.draw_optimizer_race(race, 11)
    for t, line in zip(race, disp.artists["loss"], strict=True):
        x, y = line.get_data()
        np.testing.assert_array_equal(x, t.steps[:12])
        np.testing.assert_array_equal(y, t["scalar/loss"][:12])
    moved = D.draw_optimizer_race(race, 2)
    moved.update(20)
    moved.update(11)
    assert_same_state(moved, disp)


@pytest.mark.parametrize(
    "name, make",
    [
        ("descent_1d", lambda f: D.animate_descent_1d(f["regimes"][2], timeline=f["tl"])),
        ("lr_regimes", lambda f: D.animate_lr_regimes(f["regimes"], timeline=f["tl"])),
        ("contour", lambda f: D.animate_contour_paths(f["race"], timeline=f["tl"])),
        ("race", lambda f: D.animate_optimizer_race(f["race"], timeline=f["tl"])),
        ("batch", lambda f: D.animate_batch_paths(f["batches"], timeline=f["tl"])),
        ("surface", lambda f: D.animate_surface_3d(f["race"][0], timeline=f["tl"])),
        ("schedule", lambda f: D.animate_lr_schedule(f["regimes"][1], timeline=f["tl"])),
    ],
)
def test_animations_have_one_frame_per_timeline_entry(name, make, regimes, race, batches, tmp_path):
    tl = Timeline.build(26, 4, spacing="log", hold_end=2)
    anim = make({"regimes": regimes, "race": race, "batches": batches, "tl": tl})
    assert count_frames(anim, tmp_path) == len(tl) == 6
    # the last frame shows the timeline's last row
    assert anim.vizlab_display.row == tl.rows[-1]


# ------------------------------------------------------------ batch paths


def test_batch_paths_hold_rows_and_fit_lines(batches):
    k = 13
    disp = D.draw_batch_paths(batches, k)
    for t, path, loss, fit in zip(
        batches, disp.artists["paths"], disp.artists["loss"], disp.artists["fits"], strict=True
    ):
        np.testing.assert_array_equal(line_xy(path), t["point/xy"][: k + 1])
        np.testing.assert_array_equal(loss.get_data()[1], t["scalar/loss"][: k + 1])
        w, b = t["point/xy"][k]
        xs, ys = fit.get_data()
        np.testing.assert_allclose(ys, w * np.asarray(xs) + b, rtol=0, atol=1e-12)
    labels = [x.get_text() for x in disp.fig.axes[0].get_legend().get_texts()]
    assert labels == ["SGD: batch of 1", "mini-batch of 8", "full batch of 40"]


# ------------------------------------------------------- surface, schedule


def test_surface_path_holds_points_and_losses(race):
    t, k = race[3], 9
    disp = D.draw_surface_3d(t, k)
    x, y, z = disp.artists["path"].get_data_3d()
    np.testing.assert_array_equal(np.column_stack([x, y]), t["point/xy"][: k + 1])
    np.testing.assert_array_equal(z, t["scalar/loss"][: k + 1])
    assert type(disp).blit_safe is False
    with pytest.raises(ValueError, match="3-D axes"):
        D.draw_surface_3d(t, ax=plt.figure().add_subplot())


def test_lr_schedule_on_a_training_run():
    cfg = vizlab.RunConfig(
        dataset="moons",
        n_points=60,
        hidden=(4,),
        steps=40,
        schedule="step",
        step_size=10,
        gamma=0.5,
        lr=0.4,
        grid=8,
        frames=2,
    )
    t = vizlab.train(cfg)
    k = 25
    disp = D.draw_lr_schedule(t, k)
    np.testing.assert_array_equal(disp.artists["lr"].get_data()[1], t["scalar/lr"][: k + 1])
    np.testing.assert_array_equal(
        disp.artists["loss"].get_data()[1], t["scalar/loss_train"][: k + 1]
    )
    np.testing.assert_array_equal(
        disp.artists["loss_val"].get_data()[1], t["scalar/loss_val"][: k + 1]
    )
    assert t["scalar/lr"][k] == pytest.approx(0.4 * 0.5**2)
    assert "Step decay" in disp.fig.axes[0].get_title()


# ---------------------------------------------------------------- linreg core


def test_minima_is_numpys_least_squares(batches):
    x, y = batches[0]["data/x_points"], batches[0]["data/y_points"]
    A = np.column_stack([x, np.ones_like(x)])
    np.testing.assert_allclose(
        batches[0]["data/minima"][0], np.linalg.lstsq(A, y, rcond=None)[0], atol=1e-12
    )
    np.testing.assert_allclose(
        least_squares(x, y), np.linalg.lstsq(A, y, rcond=None)[0], atol=1e-12
    )


def test_full_batch_path_is_closed_form_gradient_descent(batches):
    full = batches[2]
    x, y = full["data/x_points"], full["data/y_points"]
    A = np.column_stack([x, np.ones_like(x)])
    lr, p = full.config["lr"], np.array(full.config["start"])
    expect = [p]
    for _ in range(len(full) - 1):
        grad = 2 / len(x) * A.T @ (A @ p - y)  # d/dp mean((A p - y)^2)
        p = p - lr * grad
        expect.append(p)
    np.testing.assert_allclose(full["point/xy"], np.array(expect), rtol=0, atol=1e-10)
    np.testing.assert_allclose(
        full["scalar/loss"], ((full["point/xy"] @ A.T - y) ** 2).mean(axis=1), atol=1e-10
    )
    np.testing.assert_allclose(
        full["grad/xy"][:-1], [2 / len(x) * A.T @ (A @ q - y) for q in expect[:-1]], atol=1e-10
    )


def test_grid_loss_is_the_mse(batches):
    t = batches[0]
    x, y = t["data/x_points"], t["data/y_points"]
    i, j = 17, 83
    w, b = t["grid/x"][j], t["grid/y"][i]
    assert t["grid/loss"][i, j] == pytest.approx(((w * x + b - y) ** 2).mean(), abs=1e-10)


def test_batches_cover_every_point_once_per_epoch():
    n, B = 23, 5  # 5 batches per epoch, the last of 3 points padded with -1
    (t,) = minibatch_descent((B,), epochs=3, n_points=n, seed=1)
    idx = t["batch/indices"]
    assert len(t) == 3 * 5 + 1 and idx.shape == (16, B)
    assert (idx[-1] == -1).all()
    for e in range(3):
        used = idx[5 * e : 5 * (e + 1)].ravel()
        assert sorted(used[used >= 0].tolist()) == list(range(n))
    np.testing.assert_allclose(t["scalar/epoch"], np.arange(16) / 5)
    with pytest.raises(ValueError, match="steps or epochs"):
        minibatch_descent(steps=3, epochs=3)


def test_batch_gradient_is_the_gradient_on_its_batch(batches):
    t = batches[1]
    x, y = t["data/x_points"], t["data/y_points"]
    k = 4
    idx = t["batch/indices"][k]
    w, b = t["point/xy"][k]
    r = w * x[idx] + b - y[idx]
    np.testing.assert_allclose(t["grad/xy"][k], [2 * (r * x[idx]).mean(), 2 * r.mean()], atol=1e-12)
    assert t["scalar/loss_batch"][k] == pytest.approx((r**2).mean(), abs=1e-12)


def test_small_batches_are_noisier(batches):
    # once the descent has slowed down, what is left of the wiggle is batch noise
    noise = [np.std(np.diff(t["scalar/loss"][30:])) for t in batches]
    assert noise[0] > noise[1] > noise[2]


def test_same_data_and_start_for_every_batch_size(batches):
    for t in batches[1:]:
        np.testing.assert_array_equal(t["data/x_points"], batches[0]["data/x_points"])
        np.testing.assert_array_equal(t["point/xy"][0], batches[0]["point/xy"][0])
    again = minibatch_descent((1, 8, 0), lr=0.1, steps=60, n_points=40, seed=3)
    np.testing.assert_array_equal(again[0]["batch/indices"], batches[0]["batch/indices"])
    x, _ = make_line_data(40, seed=3)
    np.testing.assert_array_equal(x, batches[0]["data/x_points"])


def test_batch_schedule_full_batch_is_in_order():
    import torch

    idx = batch_schedule(6, 6, 3, torch.Generator().manual_seed(0))
    np.testing.assert_array_equal(idx, np.tile(np.arange(6), (3, 1)))


def test_renderers_do_not_import_torch():
    code = (
        "import vizlab.render.descent, vizlab.render.paths, sys; "
        "assert 'torch' not in sys.modules, 'torch was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
