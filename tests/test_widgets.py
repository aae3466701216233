"""Notebook widgets without a browser: moving a control changes the config and the drawn data.

Oracles: the closed form of gradient descent on (x - 2)^2, the same run done
by ``vizlab.train`` / ``vizlab.descend``, a fresh figure of the same run
(pixels), and the code a widget shows, executed.
"""

from __future__ import annotations

import base64
import io
import threading
import time
from xml.etree import ElementTree

import numpy as np
import pytest
from PIL import Image

import vizlab
from vizlab.core.live import LiveRun
from vizlab.timeline import Timeline

pytest.importorskip("ipywidgets")

from vizlab.render import style  # noqa: E402
from vizlab.widgets import LearningRateExplorer, Playground, Scrubber  # noqa: E402
from vizlab.widgets._view import MPL_LOCK, LatestOnly, png_bytes  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


SMALL = vizlab.RunConfig(
    dataset="xor", n_points=80, hidden=(3,), activation="tanh", lr=0.5, steps=40, grid=12, frames=6
)


# ---------------------------------------------------------------- plumbing
def test_png_bytes_round_trip():
    rgba = np.random.default_rng(0).integers(0, 256, (7, 5, 4), dtype=np.uint8)
    img = Image.open(io.BytesIO(png_bytes(rgba)))
    assert img.mode == "RGBA" and img.size == (5, 7)
    assert np.array_equal(np.asarray(img), rgba)


def test_latest_only_drops_stale_values():
    seen, started, gate = [], threading.Event(), threading.Event()

    def slow(v):
        started.set()
        gate.wait(60)
        seen.append(v)

    box = LatestOnly(slow, on_error=lambda e: None)
    box.submit(0)
    assert started.wait(60), "the worker never started"
    for v in range(1, 50):  # a slider dragged fast while 0 is being drawn
        box.submit(v)
    gate.set()
    assert box.wait(60)
    # the first value was already in flight; of the other 49 only the last is drawn
    assert seen == [0, 49] and box.calls == 2


def test_latest_only_resubmits_the_newest_value_not_the_last_handled():
    seen, started, gate = [], threading.Event(), threading.Event()

    def slow(v):
        if v == "a":  # held while "b" arrives
            started.set()
            gate.wait(60)
        seen.append(v)

    box = LatestOnly(slow, on_error=lambda e: None)
    box.resubmit()  # nothing submitted yet: nothing to do
    assert box.wait(60) and box.calls == 0
    box.call("first")  # handled now, in this thread
    box.submit("a")
    assert started.wait(60), "the worker never started"
    box.submit("b")  # waits behind "a"
    box.resubmit()  # e.g. a view setting changed: "b" again, never "a" or "first"
    gate.set()
    assert box.wait(60)
    assert seen == ["first", "a", "b"] and box.calls == 3
    box.resubmit()
    assert box.wait(60) and seen == ["first", "a", "b", "b"]


def test_latest_only_reports_errors_and_goes_on():
    errors = []
    box = LatestOnly(lambda v: 1 / v, on_error=errors.append)
    box.submit(0)
    assert box.wait(60)
    box.submit(2)
    assert box.wait(60)
    assert len(errors) == 1 and isinstance(errors[0], ZeroDivisionError) and box.calls == 2


# ---------------------------------------------------------------- LiveRun
def test_live_run_stepped_in_pieces_equals_train():
    config = SMALL.replace(batch_size=16, dropout=(0.3,), optimizer="adam", lr=0.05)
    whole = vizlab.train(config)
    run = LiveRun(config)
    assert [run.step(k) for k in (0, 1, 12, 100)] == [0, 1, 12, 27] and run.finished
    live = run.trace()
    assert set(live.keys()) == set(whole.keys())
    for key in whole.keys():
        assert np.array_equal(live[key], whole[key], equal_nan=True), key


def test_live_run_part_way_is_a_prefix_whose_last_row_is_the_current_state():
    whole = vizlab.train(SMALL)
    run = LiveRun(SMALL)
    run.step(15)
    part = run.trace(frames=1)
    assert part.steps[-1] == 15 and len(part) == 16
    for key in part.keys("param") + ["scalar/loss_train", "scalar/acc_val"]:
        assert np.array_equal(part[key], whole[key][:16]), key
    for key in part.keys("grad"):  # no update taken from the current state yet
        assert np.array_equal(part[key][:15], whole[key][:15]) and np.isnan(part[key][15]).all()
    assert list(part.field_steps) == [0, 15]  # fields at the first and the latest row
    run.step(3)
    assert part.steps[-1] == 15  # a trace already returned never changes


def test_live_run_diverges_like_train():
    config = SMALL.replace(lr=1e4, hidden=(8,), activation="relu", steps=40)
    whole = vizlab.train(config)
    run = LiveRun(config)
    run.step(1000)
    assert run.finished and whole.diverged is not None
    assert run.trace().header["events"] == whole.header["events"]
    assert run.step(5) == 0
    with pytest.raises(ValueError, match="non-negative"):
        run.step(-1)


# ---------------------------------------------------------------- explorer
def test_explorer_slider_changes_run_regime_and_drawn_path():
    ex = LearningRateExplorer("quadratic", lr=0.01, steps=50)
    fig, first = ex.display.fig, ex.image.value
    assert ex.trace.header["regime"] == "too small" and "too small" in ex.regime.value
    ex.controls["lr"].value = 0.95
    assert ex.wait(30)
    assert ex.state()["lr"] == 0.95 and ex.trace.config["lr"] == 0.95
    assert ex.trace.header["regime"] == "oscillating" and "oscillating" in ex.regime.value
    assert ex.display.fig is fig  # the same persistent figure, moved
    # closed form: x_n - 2 = (x_0 - 2)(1 - 2r)^n, and the path line holds all 51 points
    n = np.arange(51)
    x = ex.display.artists["path"].get_xdata()
    assert np.allclose(x, 2 + (-2 - 2) * (1 - 2 * 0.95) ** n)
    assert "r = 0.95 · regime" in ex.regime.value
    assert ex.image.value != first and ex._status.value == ""
    # a fresh explorer drawing the same run from scratch gives the same picture
    fresh = LearningRateExplorer("quadratic", lr=0.95, steps=50)
    assert np.abs(pixels(ex.image.value) - pixels(fresh.image.value)).max() <= 8


def test_explorer_landscape_start_and_diverging_run():
    ex = LearningRateExplorer("quadratic", lr=0.1)
    assert ex.controls["start_y"].layout.display == "none"
    ex.set(landscape="bowl", lr=0.21)
    assert ex.wait(30)
    assert ex.controls["start_y"].layout.display is None
    assert ex.state()["start"] == [-3.5, 1.5] and ex.trace.header["regime"] == "diverging"
    ex.set(lr=0.19)
    assert ex.wait(30)
    assert ex.trace.header["regime"] == "oscillating"
    xy = ex.display.artists["paths"][0].get_xydata()
    assert np.array_equal(xy, ex.trace["point/xy"])
    fig = ex.display.fig
    ex.set(start=(2.0, -1.0))
    assert ex.wait(30)
    assert ex.display.fig is not fig  # the start is part of the map: a new figure
    assert np.array_equal(ex.trace["point/xy"][0], [2.0, -1.0])
    blown = LearningRateExplorer("quadratic", lr=5.0)  # |1 - 2r| = 9: stopped for divergence
    assert f"stopped at step {blown.trace.diverged['step']}" in blown.regime.value


def test_explorer_burst_of_slider_events_draws_at_most_twice():
    ex = LearningRateExplorer("quadratic", lr=0.01)
    before = ex._redraws.calls
    with MPL_LOCK:  # the first redraw blocks here while 30 more values arrive
        for lr in np.geomspace(0.02, 0.9, 30):
            ex.controls["lr"].value = float(lr)
    assert ex.wait(30)
    assert 1 <= ex._redraws.calls - before <= 2  # one in flight at most, then the last value
    assert ex.trace.config["lr"] == pytest.approx(0.9, rel=1e-3)


def assert_same_picture(path, oracle) -> None:
    """Two PNGs hold the same pixels, and the picture is not blank."""
    with Image.open(path) as a, Image.open(oracle) as b:
        pixels, expected = np.asarray(a.convert("RGB")), np.asarray(b.convert("RGB"))
    assert pixels.shape == expected.shape and pixels.shape[0] > 100 and pixels.shape[1] > 100
    np.testing.assert_array_equal(pixels, expected)
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 50  # a drawing, not a blank canvas


def test_explorer_code_reproduces_the_run(tmp_path, monkeypatch):
    ex = LearningRateExplorer("rosenbrock", optimizer="momentum", lr=0.002, steps=30)
    code = ex.code()
    assert "vizlab.descend('rosenbrock', optimizer='momentum', lr=0.002" in code
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(code, scope)
    assert np.array_equal(scope["trace"]["point/xy"], ex.trace["point/xy"])
    # The picture the code saves is the one drawn from the explorer's own trace.
    from vizlab.render.descent import draw_contour_paths

    draw_contour_paths(ex.trace).save(tmp_path / "oracle.png")
    assert_same_picture(tmp_path / "descent.png", tmp_path / "oracle.png")


def test_explorer_export_gif(tmp_path):
    ex = LearningRateExplorer("quadratic", lr=0.3, steps=10)
    path = ex.export(tmp_path / "run.gif", timeline=Timeline.build(len(ex.trace), 4, fps=4))
    with Image.open(path) as gif:
        assert gif.n_frames >= 2
    with pytest.raises(ValueError, match="mp4 or .gif"):
        ex.export(tmp_path / "run.png")


def test_explorer_bad_input():
    with pytest.raises(ValueError, match="unknown landscape"):
        LearningRateExplorer("nowhere")
    with pytest.raises(ValueError, match="lr must be"):
        LearningRateExplorer(lr=100.0)
    with pytest.raises(ValueError, match="2 coordinate"):
        LearningRateExplorer("bowl", start=1.0)
    ex = LearningRateExplorer()
    with pytest.raises(ValueError, match="unknown control"):
        ex.set(momentum=0.5)
    with pytest.raises(ValueError, match="lr must be between 0.0001 and 10"):
        ex.set(lr=50.0)  # a slider would clamp it silently
    with pytest.raises(ValueError, match="optimizer"):
        ex.set(optimizer="lbfgs")
    ex.close()


def test_widgets_say_what_to_install_without_ipywidgets(monkeypatch):
    import sys

    from vizlab.widgets._view import require_ipywidgets

    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    with pytest.raises(ImportError, match=r"pip install 'vizlab-nn\[widgets\]'"):
        require_ipywidgets()


# ---------------------------------------------------------------- scrubber
def test_scrubber_moves_the_gallery_figure(tmp_path):
    trace = vizlab.train(SMALL)
    path = trace.save(tmp_path / "run.npz")
    sc = Scrubber(path)
    assert type(sc.display).__name__ == "BoundaryDisplay" and sc.slider.max == len(trace) - 1
    sc.slider.value = 10
    assert sc.wait(30)
    assert sc.display.row == 10 and "step 10" in sc.label.value
    field = trace["field/output"][trace.field_row(10)]
    assert np.array_equal(sc.display.artists["image"].get_array(), field)
    assert f"vizlab.Trace.load({str(path)!r})" in sc.code()
    assert sc.config == SMALL
    video = sc.export(tmp_path / "run.mp4", timeline=Timeline.build(len(trace), 3, fps=3))
    assert video.stat().st_size > 0


def test_scrubber_descent_code_and_custom_renderer(tmp_path, monkeypatch):
    from vizlab.render.activations import draw_hidden_units

    trace = vizlab.descend("quadratic", lr=0.3, steps=20)
    sc = Scrubber(trace, step=5)
    assert sc.display.row == 5
    assert np.array_equal(sc.display.artists["path"].get_xdata(), trace["point/xy"][:6, 0])
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(sc.code(), scope)
    assert np.array_equal(scope["trace"]["point/xy"], trace["point/xy"])
    units = Scrubber(vizlab.train(SMALL), draw_hidden_units, points=False)
    assert "draw_hidden_units(trace, 40, points=False)" in units.code()
    with pytest.raises(ValueError, match="Trace or a path"):
        Scrubber(42)


def test_scrubber_regression_view_shows_the_fit_and_its_pieces(tmp_path, monkeypatch):
    from vizlab.render.regression import RegressionDisplay

    sine = vizlab.RunConfig(
        dataset="sine", task="regression", loss="mse", n_points=80, hidden=(4,),
        optimizer="adam", lr=0.03, steps=60, grid=30, frames=6,
    )  # fmt: skip
    trace = vizlab.train(sine)
    sc = Scrubber(trace, step=0)
    assert isinstance(sc.display, RegressionDisplay) and sc.display.one_d
    row = int(trace.field_steps[3])
    sc.slider.value = row
    assert sc.wait(30)
    fit = np.asarray(sc.display.artists["fit"].get_ydata())
    np.testing.assert_array_equal(fit, trace["field/output"][3][0])  # the field, not a 0.5 line
    # universal approximation: the fit is the output bias plus one piece per hidden unit
    pieces = np.array([line.get_ydata() for line in sc.display.artists["pieces"]])
    bias = float(sc.display.artists["bias"].get_ydata()[0])
    assert len(pieces) == 4
    np.testing.assert_allclose(bias + pieces.sum(0), fit, atol=1e-5)
    assert "draw_regression(trace, " in sc.code()
    monkeypatch.chdir(tmp_path)
    exec(sc.code(), {})
    assert (tmp_path / "picture.png").exists()
    # 2-D regression: the continuous value map; three classes: the k regions
    plane = vizlab.train(sine.replace(dataset="plane", features=("x1", "x2")))
    sc2 = Scrubber(plane)
    image = sc2.display.artists["image"].get_array()
    np.testing.assert_array_equal(image, plane["field/output"][-1])
    assert len(np.unique(image)) > 10 and image.min() < 0 < image.max()
    spiral = vizlab.train(
        SMALL.replace(dataset="spiral", n_classes=3, loss="cross_entropy", hidden=(6,))
    )
    assert Scrubber(spiral).draw.__name__ == "draw_boundary"
    with pytest.raises(ValueError, match="no default picture"):
        Scrubber([trace, trace])


# ---------------------------------------------------------------- playground
@pytest.fixture
def playground():
    pg = Playground(SMALL.replace(steps=200), chunk_seconds=0.05)
    yield pg
    assert "c62828" not in pg._status.value, pg._status.value  # no error was shown
    pg.close()


def test_playground_steps_in_the_background_and_draws_the_run(playground):
    pg = playground
    assert pg.trace.steps[-1] == 0
    first = pg.image.value
    pg.step(20)
    assert pg.wait(60)
    assert pg.trace.steps[-1] == 20 and "step 20 of 200" in pg._status.value
    whole = vizlab.train(pg.config)
    assert np.array_equal(pg.trace["param/fc1.weight"], whole["param/fc1.weight"][:21])
    assert pg.snapshot.step == 20 and pg.image.value != first
    # The picture's field is the network at step 20 on a 64 x 64 grid: the
    # field a trace of the same run computes on that grid, through the field map.
    oracle = LiveRun(pg.config.replace(grid=64))
    oracle.step(20)
    field = oracle.trace(frames=1)["field/output"][-1]
    np.testing.assert_array_equal(pg.snapshot.fields["field/output"], field)
    svg = ElementTree.fromstring(pg.image.value)
    href = next(e for e in svg.iter(SVG + "image")).get("href")
    shown = pixels(base64.b64decode(href.split(",", 1)[1]))
    lut = (255 * style.FIELD_CMAP(np.linspace(0, 1, 256))[:, :3]).round()
    expected = lut[np.clip(np.round(field * 255), 0, 255).astype(int)][::-1]
    assert np.abs(shown - expected).max() <= 1
    # The loss lines hold the measured rows: the trace's losses at those steps.
    np.testing.assert_array_equal(pg.snapshot.steps, np.arange(21))
    np.testing.assert_allclose(
        pg.snapshot.loss_val, pg.trace["scalar/loss_val"], rtol=1e-6, atol=1e-9
    )
    lines = [e for e in svg.iter(SVG + "polyline") if e.get("stroke-dasharray") == "6 3"]
    assert len(lines) == 1 and len(lines[0].get("points").split()) == 21  # validation, dashed


def test_playground_setting_changed_mid_run_restarts_that_config(playground):
    pg = playground
    pg.set(steps=5000)  # long enough to still be running when the setting changes
    pg.play()
    time.sleep(0.3)
    pg.set(lr=0.1, hidden="4, 2", regularization="L2", strength=0.01, dropout=0.2)
    c = pg.config
    assert (c.lr, c.hidden, c.l2, c.l1, c.dropout) == (0.1, (4, 2), 0.01, 0.0, (0.2,))
    deadline = time.monotonic() + 120
    while (pg.snapshot.config != c or pg.snapshot.step < 10) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pg.snapshot.config == c and pg.snapshot.step >= 10, "the new run never drew step 10"
    assert pg._trainer.playing  # still playing, now the new run
    pg.pause()
    assert pg.wait(60)
    assert pg.trace.config == c.to_dict() and 10 <= pg.trace.steps[-1] < 5000
    assert "l2=0.01" in pg.code() and f"run.step({pg.trace.steps[-1]})" in pg.code()
    pg.set(steps=200)
    pg.play()
    assert pg.wait(60) and pg.trace.steps[-1] == 200  # played to the end, then stopped
    assert pg._play.value is False and pg._play.description == "play"
    pg.reset()
    assert pg.wait(60) and pg.trace.steps[-1] == 0


def test_trainer_paused_between_a_chunk_and_its_picture_still_ends_with_the_trace():
    # The pause lands after the chunk decided it was not the last and before
    # its picture goes out (``ready`` is asked exactly there): the work still
    # ends with a trace of where the run stopped, never the restart's step 0.
    from vizlab.widgets.trainer import BackgroundTrainer

    got, errors = [], []
    trainer = None

    def ready():
        if trainer.run.done:  # once a chunk has taken steps
            trainer.pause()  # the race, made certain
        return True

    trainer = BackgroundTrainer(
        SMALL.replace(steps=5000), got.append, ready, lambda: None, errors.append, 0.02, grid=8
    )
    trainer.play()
    assert trainer.wait(60) and not errors
    snap, trace = got[-1]
    assert trace is not None and trace.steps[-1] == snap.step == trainer.run.done
    assert 0 < snap.step < 5000 and not trainer.playing
    # The same once more after a restart: never the restart's step-0 trace.
    trainer.restart(SMALL.replace(steps=5000, lr=0.1))
    trainer.play()
    assert trainer.wait(60) and not errors
    snap, trace = got[-1]
    assert trace is not None and trace.config["lr"] == 0.1
    assert trace.steps[-1] == snap.step > 0


def test_playground_view_change_never_drops_a_trace_waiting_to_be_drawn(playground):
    # A view checkbox ticked while the trainer's final (snapshot, trace) waits
    # behind a redraw in flight: the newest state is drawn, with the new view,
    # never the older picture (its trace would be lost, ``pg.trace`` stale).
    from vizlab.render.liveview import LiveView

    pg = playground
    draw, gate, started = pg._redraws._fn, threading.Event(), threading.Event()

    def held(published):
        started.set()
        assert gate.wait(60), "the test never let the held redraw go"
        draw(published)

    pg._redraws._fn = held
    pg.view["discretize"].value = True  # a redraw in flight, held
    assert started.wait(60), "the view change started no redraw"
    pg.step(20)
    assert pg._trainer.wait(60), "20 steps not taken within 60 s"
    pg.view["show_test"].value = False  # the race, made certain
    gate.set()
    assert pg.wait(60)
    assert pg.snapshot.step == 20 and pg.trace.steps[-1] == 20
    oracle = LiveView(pg.snapshot, show_test=False).svg(pg.snapshot, discretize=True)
    assert pg.image.value == oracle.encode()


def test_playground_bad_hidden_text_and_linear_model(playground):
    pg = playground
    before = pg.config
    pg.set(hidden="4, x")
    assert "whole numbers" in pg._status.value and pg.config == before
    pg.set(hidden="")
    assert pg.wait(60)
    assert pg.config.hidden == ()
    assert "linear model" in pg._units_note.value


def test_playground_code_reproduces_the_picture(playground, tmp_path, monkeypatch):
    pg = playground
    pg.step(12)
    assert pg.wait(60)
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(pg.code(), scope)
    trace = scope["run"].trace()
    assert np.array_equal(trace["param/fc2.weight"], pg.trace["param/fc2.weight"])
    # The picture the code saves is the boundary of the playground's own trace.
    from vizlab.render.boundary import draw_boundary

    draw_boundary(pg.trace).save(tmp_path / "oracle.png")
    assert_same_picture(tmp_path / "playground.png", tmp_path / "oracle.png")
