"""Lecture scenes and their manim building blocks, checked against the traces they show.

Oracles: the recorded arrays themselves (the ball sits at ``axes.c2p`` of the
trace's point at that row; the greyed units are the recorded mask's zeros;
the image holds the recorded field), manim's stock camera (the fast camera
must draw the same picture), pixels at tiny sizes where the picture is the
point, and video metadata read back with PyAV (size, fps, and a duration
equal to the time the scene played).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import import_or_skip, require_or_skip

import_or_skip("manim")
av = import_or_skip("av", "PyAV")

import manim  # noqa: E402
from manim import RIGHT, Camera, ImageMobject, tempconfig  # noqa: E402

import vizlab  # noqa: E402
from vizlab.render import style  # noqa: E402
from vizlab.render.mobjects import (  # noqa: E402
    Clock,
    ContourRace,
    CurveDescent,
    FastImageCamera,
    FieldPanel,
    HiddenSpace,
    LossCurve,
    NetworkDiagram,
    Readout,
    SurfaceDescent,
    WeightBars,
    field_rgba,
    formula,
    latex_available,
)
from vizlab.render.mobjects.network import DROPPED_FILL  # noqa: E402
from vizlab.render.scenes import (  # noqa: E402
    QUALITIES,
    find_scene,
    list_scenes,
    manim_command,
    render,
    render_scene,
)

pytestmark = pytest.mark.video

ISSUE_SEGMENTS = {
    "gradient_descent",
    "learning_rates",
    "surface_descent",
    "optimizer_race",
    "xor_boundary",
    "moons_boundary",
    "activations",
    "hidden_space",
    "dropout",
    "regularization",
}
TINY = {"pixel_width": 160, "pixel_height": 90, "background_color": "#ffffff"}
SMALL = {"pixel_width": 320, "pixel_height": 180, "background_color": "#ffffff"}


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    """One manim LaTeX/text cache per test process (each xdist worker has its own)."""
    return tmp_path_factory.mktemp("manim-cache")


@pytest.fixture(scope="module")
def run():
    """A small real training run with dropout and fields (2-4-4-1, moons)."""
    cfg = vizlab.RunConfig(
        dataset="moons", hidden=(4, 4), dropout=(0.5,), steps=15, grid=12, frames=6, lr=0.1, seed=3
    )
    return vizlab.train(cfg)


def rgb(hex_color: str) -> np.ndarray:
    return np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)])


def snapshot(mobjects, settings=SMALL, camera_class=FastImageCamera):
    """Pixels (H, W, 4) of ``mobjects`` drawn by one camera, and the camera."""
    with tempconfig(settings):
        cam = camera_class()
        cam.capture_mobjects(list(mobjects))
        return cam.pixel_array.copy(), cam


def video_meta(path: Path) -> tuple[int, int, float, int, float]:
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        frames = sum(1 for _ in c.decode(video=0))
        return s.width, s.height, float(s.average_rate), frames, c.duration / 1e6


# ---------------------------------------------------------------- registry


def test_registry_lists_every_lecture_segment():
    scenes = dict(list_scenes())
    assert ISSUE_SEGMENTS <= set(scenes)
    assert all(desc for desc in scenes.values())
    assert find_scene("MoonsBoundary").name == "moons_boundary"
    with pytest.raises(ValueError, match="unknown scene 'nope'"):
        find_scene("nope")
    with pytest.raises(ValueError, match="quality must be one of"):
        render_scene("moons_boundary", quality="ultra")
    cmd = manim_command("moons_boundary", "medium")
    assert cmd.startswith("manim -qm ") and cmd.endswith("moons_boundary.py MoonsBoundary")


def test_render_layer_imports_neither_manim_nor_torch():
    code = (
        "import sys, vizlab.render, vizlab.render.mobjects, vizlab.render.scenes as s\n"
        "s.list_scenes(); vizlab.render.mobjects.latex_available()\n"
        "print(sorted(m for m in ('manim', 'torch') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_missing_manim_says_what_to_install(tmp_path):
    code = (
        "import sys; sys.modules['manim'] = None\n"
        "import vizlab.render.mobjects as m, vizlab.render.scenes as s\n"
        "for f in (lambda: m.FieldPanel, lambda: s.render_scene('moons_boundary', out_dir=sys.argv[1])):\n"
        "    try:\n"
        "        f()\n"
        "    except ImportError as e:\n"
        "        print(e)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True
    )
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 2 and all("vizlab-nn[video]" in line for line in lines)


# ---------------------------------------------------------------- every scene renders


@pytest.mark.parametrize("name", sorted(ISSUE_SEGMENTS))
def test_scene_renders_at_tiny_size(name, tmp_path, cache_dir):
    # Every frame is drawn, and a frame written again (nothing on it changed)
    # must equal its drawing (FrameMismatch otherwise).
    done = render(name, "tiny", tmp_path, progress=False, cache_dir=cache_dir, check_frames=True)
    assert done.scene.frames.drawn > 0
    assert done.path == tmp_path / f"{name}.mp4"
    width, height, fps, frames, duration = video_meta(done.path)
    assert (width, height, fps) == (160, 90, 10.0)
    # The video lasts exactly as long as the scene played (to one frame).
    assert frames >= 5
    assert frames / fps == pytest.approx(done.seconds, abs=0.1)
    assert duration == pytest.approx(done.seconds, abs=0.1)
    # No stale caption: the lines of text left on screen at the end never overlap
    # (a phase's caption not faded out sits where the next phase writes its own).
    texts = [m for m in done.scene.mobjects if isinstance(m, manim.Text)]
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            gap_x = max(a.get_left()[0], b.get_left()[0]) - min(a.get_right()[0], b.get_right()[0])
            gap_y = max(a.get_bottom()[1], b.get_bottom()[1]) - min(a.get_top()[1], b.get_top()[1])
            assert gap_x > 0 or gap_y > 0, (a.original_text, b.original_text)


def test_hidden_space_stops_where_the_classes_first_separate(tmp_path, cache_dir):
    from vizlab import lessons

    done = render("hidden_space", "tiny", tmp_path, progress=False, cache_dir=cache_dir)
    lesson = lessons.get("representation", quick=True)
    trace = lessons.run_lesson("representation", quick=True)["net"]
    timeline = lesson.timeline_for(trace)
    (space,) = [m for m in done.scene.mobjects if isinstance(m, HiddenSpace)]
    y = trace["data/y_train"].astype(int)

    def on_side(row):  # the panel's points and the output line at that row, classified
        emb = trace["embed/fc1"][trace.field_row(row)]
        w, b = trace["param/fc2.weight"][row, 0], trace["param/fc2.bias"][row, 0]
        return float(((emb @ w + b > 0).astype(int) == y).mean())

    # It ends on a frame of the lesson's timeline, before the run's (saturated) end,
    # where the line separates as well as at the end and better than one frame before.
    assert space.row in set(timeline.rows.tolist()) and space.row < len(trace) - 1
    assert space.warp == 1.0
    frame = int(np.searchsorted(timeline.rows, space.row))
    assert on_side(space.row) >= on_side(len(trace) - 1)
    assert on_side(int(timeline.rows[frame - 1])) < on_side(space.row)
    # Its phase captions are gone; the separation and the saturation lines stay.
    words = [m.original_text for m in done.scene.mobjects if isinstance(m, manim.Text)]
    assert not [w for w in words if w.startswith(("training moves", "the same points", "..."))]
    assert any(w.startswith(f"step {trace.steps[space.row]}: one line separates") for w in words)
    assert any(w.startswith(f"training goes on to step {trace.steps[-1]}") for w in words)


def test_saved_trace_drives_the_scene_and_sets_its_length(tmp_path, cache_dir):
    cfg = vizlab.RunConfig(dataset="circles", hidden=(3,), steps=9, grid=8, frames=5, seed=7)
    trace = vizlab.train(cfg)
    path = trace.save(tmp_path / "run.npz")
    done = render(
        "moons_boundary", "tiny", tmp_path, progress=False, trace=path, cache_dir=cache_dir
    )
    assert done.scene.trace.config == cfg.to_dict()
    np.testing.assert_array_equal(done.scene.trace["field/output"], trace["field/output"])
    # One clock phase over the saved trace on the lesson's (quick) timeline, then 0.2 s.
    from vizlab import lessons

    timeline = lessons.get("moons_boundary", quick=True).timeline_for(trace)
    *_, duration = video_meta(done.path)
    assert duration == pytest.approx(timeline.duration + 0.2, abs=0.1)


def test_last_frame_only_writes_a_png(tmp_path, cache_dir):
    from PIL import Image

    path = render_scene(
        "optimizer_race",
        "tiny",
        tmp_path,
        last_frame_only=True,
        progress=False,
        cache_dir=cache_dir,
    )
    assert path.suffix == ".png"
    with Image.open(path) as img:
        assert img.size == (160, 90)


# ---------------------------------------------------------------- Pillow / cameras


@pytest.mark.filterwarnings("ignore:'mode' parameter:DeprecationWarning")
def test_stock_camera_draws_an_image_mobject():
    """manim 0.22 crashes here under Pillow 13 (Image.fromarray(..., mode="RGBA")): pin pillow<13."""
    field = np.linspace(0, 1, 64).reshape(8, 8)
    img = ImageMobject(field_rgba(field), scale_to_resolution=False).stretch_to_fit_width(4)
    img.stretch_to_fit_height(4)
    pixels, cam = snapshot([img], SMALL, Camera)
    x, y = cam.points_to_pixel_coords(img, [img.get_corner(np.array([1, 1, 0]))])[0]
    # Top-right of the image is field[::-1][0, -1] = the largest value: blue end of the map.
    assert np.abs(pixels[y + 3, x - 3, :3].astype(int) - rgb("#0877bd")).max() < 30


@pytest.mark.filterwarnings("ignore:'mode' parameter:DeprecationWarning")
def test_fast_camera_draws_what_the_stock_camera_draws(run):
    panel = FieldPanel(run, side=4.0)
    panel.set_row(len(run) - 1)
    fast, _ = snapshot([panel], SMALL, FastImageCamera)
    stock, _ = snapshot([panel], SMALL, Camera)
    diff = np.abs(fast.astype(int) - stock.astype(int))[..., :3]
    assert diff.mean() < 2.0
    assert np.percentile(diff, 99) < 40


def test_field_image_holds_the_recorded_field(run):
    panel = FieldPanel(run, side=4.0)
    for row in range(len(run)):
        panel.set_row(row)
        k = run.field_row(row)
        assert run.field_steps[k] <= row
        np.testing.assert_array_equal(panel.image.pixel_array, field_rgba(run["field/output"][k]))
        assert panel.image.pixel_array.shape == (12, 12, 4)


# ---------------------------------------------------------------- frame checks


def test_ball_sits_where_the_trace_says():
    trace = vizlab.descend("quadratic", lr=0.9, steps=8)
    view = CurveDescent(trace, x_length=6, y_length=3, numbers=False)
    timeline = vizlab.Timeline.build(len(trace), len(trace), spacing="uniform", fps=10)
    clock = Clock(timeline, [len(trace)])
    clock.drive(view)
    for frame in range(len(timeline)):
        clock.seek(frame)
        view.update()  # what the scene does each frame
        k = timeline.rows[frame]
        x, f = trace["point/xy"][k, 0], trace["scalar/loss"][k]
        np.testing.assert_allclose(view.ball.get_center(), view.axes.c2p(x, f), atol=1e-9)
        # the path holds the first k + 1 points (k segments)
        assert len(view.path.get_anchors()) == (2 * k if k else 0)
    # Pixel check at low resolution: the ball's red is at the trace's point at step 3, not at step 0.
    view.set_row(3)
    view.path.set_stroke(opacity=0)  # the path also passes through the start: look at the ball only
    pixels, cam = snapshot([view], SMALL)
    px, py = cam.points_to_pixel_coords(
        view, [view.axes.c2p(trace["point/xy"][3, 0], trace["scalar/loss"][3])]
    )[0]
    qx, qy = cam.points_to_pixel_coords(
        view, [view.axes.c2p(trace["point/xy"][0, 0], trace["scalar/loss"][0])]
    )[0]
    red = rgb(style.PATH_COLOR)
    assert np.abs(pixels[py, px, :3].astype(int) - red).max() < 30
    assert np.abs(pixels[qy, qx, :3].astype(int) - red).max() > 60


def test_step_arrow_is_the_shown_rows_step_and_keeps_its_mobject():
    # manim flattens a moving mobject's family once per animation: a part swapped in
    # later is not drawn and a part swapped out stays drawn (the step-0 arrow stayed).
    trace = vizlab.descend("quadratic", lr=0.3, steps=20)
    view = CurveDescent(trace, numbers=False)
    family = [id(m) for m in view.get_family()]
    x, f = trace["point/xy"][:, 0], trace["scalar/loss"]
    step = -trace["scalar/lr"] * trace["grad/xy"][:, 0]
    drawn = 0
    for row in range(len(trace)):
        view.set_row(row)
        assert [id(m) for m in view.get_family()] == family
        length = abs(view.axes.c2p(x[row] + step[row], 0)[0] - view.axes.c2p(x[row], 0)[0])
        if length < 0.12:
            assert view.arrow_opacity == 0.0
            assert view.arrow.get_stroke_opacity() == 0.0
            continue
        drawn += 1
        assert view.arrow_opacity > 0
        np.testing.assert_allclose(view.arrow.get_start(), view.axes.c2p(x[row], f[row]), atol=1e-6)
        np.testing.assert_allclose(
            view.arrow.get_end(), view.axes.c2p(x[row] + step[row], f[row]), atol=1e-6
        )
    assert 0 < drawn < len(trace)  # some steps drawn, the tiny late ones hidden


def test_lesson_stamp_wraps_inside_the_room_it_is_given():
    from vizlab import lessons
    from vizlab.render.mobjects import lesson_stamp

    class Holder:  # what lesson_stamp uses of a scene: add() and an attribute dict
        def add(self, *mobs):
            self.added = mobs

    lesson = lessons.get("optimizer_race", quick=True)
    half_w, half_h = manim.config.frame_width / 2, manim.config.frame_height / 2
    for room in (None, 6.5):
        scene = Holder()
        stamp = lesson_stamp(scene, lesson, max_width=room)
        assert scene.added == (stamp,)
        assert stamp.get_left()[0] >= (-half_w if room is None else half_w - 0.12 - room) - 1e-6
        assert stamp.get_right()[0] <= half_w and stamp.get_bottom()[1] >= -half_h
        # the lines, read in order, are the page's stamp
        words = " ".join(line.text for line in stamp).replace(" ", "")
        assert words == lesson.stamp().replace(" ", "")
    assert len(stamp) == 2  # four runs in 6.5 units: two lines of two


def test_diverging_ball_is_pinned_to_the_edge():
    trace = vizlab.descend("quadratic", lr=1.05, steps=30)
    view = CurveDescent(trace, numbers=False)
    k = view.first_off_chart()
    assert k is not None and not view.off_chart
    view.set_row(k)
    assert view.off_chart
    x0, x1 = view.x_range
    inside = [view.axes.c2p(x0, 0)[0], view.axes.c2p(x1, 0)[0]]
    assert inside[0] - 1e-9 <= view.ball.get_center()[0] <= inside[1] + 1e-9


def test_greyed_units_are_the_recorded_dropout_mask(run):
    net = NetworkDiagram(run, sample=2, width=5, height=3)
    mask = run["mask/drop1"]
    seen = 0
    for row in range(len(run)):
        net.set_row(row)
        for layer in (1, 2):
            expected = np.flatnonzero(~run[f"mask/drop{layer}"][row, 2])
            np.testing.assert_array_equal(net.dropped_units(layer), expected)
        seen += int((~mask[row, 2]).sum())
    assert seen > 0  # the check saw dropped units
    # Final row: no update, every unit kept.
    assert net.dropped_units(1).size == 0
    # Pixels: each unit's centre is grey exactly when the mask dropped it.
    row = int(np.argmax((~mask[:, 2]).sum(-1)))
    net.set_row(row)
    pixels, cam = snapshot([net], SMALL)
    grey = rgb(DROPPED_FILL)
    for u, unit in enumerate(net.layers[1]):
        x, y = cam.points_to_pixel_coords(unit, [unit.get_center()])[0]
        is_grey = np.abs(pixels[y, x, :3].astype(int) - grey).max() < 8
        assert is_grey == (not mask[row, 2, u])


def test_surface_ball_and_race_balls_follow_their_traces():
    trace = vizlab.descend("bowl", lr=0.15, steps=6)
    surf = SurfaceDescent(trace, resolution=6)
    for row in (0, 3, 6):
        surf.set_row(row)
        x, y = trace["point/xy"][row]
        expected = np.asarray(surf.axes.c2p(x, y, trace["scalar/loss"][row])) + [
            0,
            0,
            surf.ball_radius,
        ]
        np.testing.assert_allclose(surf.ball.get_center(), expected, atol=1e-9)
    short = vizlab.descend("bowl", optimizer="adam", lr=0.3, steps=3)
    race = ContourRace([trace, short], side=4, numbers=False)
    race.set_row(5)
    for ball, t, r in zip(race.balls, (trace, short), (5, 3)):  # the short one holds its last row
        np.testing.assert_allclose(ball.get_center(), race.axes.c2p(*t["point/xy"][r]), atol=1e-9)


def test_surface_axis_names_sit_past_the_recorded_grid_where_the_axes_are():
    trace = vizlab.descend("bowl", lr=0.15, steps=3)
    surf = SurfaceDescent(trace, resolution=6)
    surf.shift([0.5, -0.3, -1.2])  # names are placed where the axes are now
    xn, yn, zn = surf.axis_names("across", "along", font_size=20, past=(0.1, 0.3))
    assert [t.text for t in (xn, yn, zn)] == ["across", "along", "loss"]
    (x0, x1), (y0, y1) = trace["grid/x"][[0, -1]], trace["grid/y"][[0, -1]]
    back = [surf.axes.p2c(t.get_center()) for t in (xn, yn, zn)]
    np.testing.assert_allclose(back[0], [x1 + 0.1 * (x1 - x0), 0, 0], atol=1e-6)
    np.testing.assert_allclose(back[1], [0, y1 + 0.3 * (y1 - y0), 0], atol=1e-6)
    np.testing.assert_allclose(back[2], [0, 0, 1.12 * surf.z_max], atol=1e-6)


def test_hidden_space_points_and_line_come_from_the_trace():
    cfg = vizlab.RunConfig(
        dataset="xor", hidden=(2,), activation="tanh", steps=20, grid=10, frames=5
    )
    trace = vizlab.train(cfg)
    hs = HiddenSpace(trace, side=4, grid_lines=3)
    row = len(trace) - 1
    hs.set_row(row)
    emb = trace["embed/fc1"][trace.field_row(row)]
    np.testing.assert_allclose(hs.dots.positions, emb)
    w, b = trace["param/fc2.weight"][row, 0], trace["param/fc2.bias"][row, 0]
    ends = hs.line.get_start(), hs.line.get_end()
    o, ex, ey = (
        hs.axes.c2p(0, 0),
        hs.axes.c2p(1, 0) - hs.axes.c2p(0, 0),
        hs.axes.c2p(0, 1) - hs.axes.c2p(0, 0),
    )
    for p in ends:  # back to hidden coordinates: on the output unit's line w.h + b = 0
        h = np.linalg.solve(np.c_[ex[:2], ey[:2]], (p - o)[:2])
        assert abs(w @ h + b) < 1e-6 * (1 + np.abs(w).sum())
    hs.set_warp(0.0)
    np.testing.assert_allclose(hs.dots.positions, hs._input_in_box(trace["data/X_train"]))


def test_bars_curve_and_readout_show_the_row():
    from vizlab.core.worked import penalty_descent

    trace = penalty_descent("l1", steps=50)
    bars = WeightBars(trace["point/xy"], targets=trace["data/optimum"])
    bars.set_row(50)
    for j, bar in enumerate(bars.bars):
        top = bar.get_top()[1] if trace["point/xy"][50, j] >= 0 else bar.get_bottom()[1]
        assert top == pytest.approx(bars.axes.c2p(0, trace["point/xy"][50, j])[1], abs=1e-9)
        assert bars.numbers[j].text == f"{trace['point/xy'][50, j]:.2f}"
    curve = LossCurve([("l1", trace.steps, trace["scalar/loss"], "#000000")], legend=False)
    curve.set_row(20)
    np.testing.assert_allclose(
        curve.heads[0].get_center(),
        curve.axes.c2p(trace.steps[20], trace["scalar/loss"][20]),
        atol=1e-9,
    )
    r = Readout("loss", trace["scalar/loss"], fmt="{:.3f}", width=8)
    r.set_row(7)
    assert r.text == f"{trace['scalar/loss'][7]:.3f}"
    assert sum(1 for s in r.slots if s.has_points()) == len(r.text.replace(" ", ""))
    before = r.slots[0].get_center().copy()
    r.shift(RIGHT)
    r.set_row(8)
    assert r.slots[0].get_center()[0] == pytest.approx(before[0] + 1, abs=0.05)
    with pytest.raises(ValueError, match="no glyph"):
        r.set_text("1/2")
    with pytest.raises(ValueError, match="wider than"):
        r.set_text("123456789")


def test_clock_maps_frames_to_rows_and_plays_the_timeline():
    timeline = vizlab.Timeline.build(40, 12, spacing="log", fps=6, hold_end=3)
    clock = Clock(timeline, [40, 10])
    for frame in range(len(timeline)):
        clock.seek(frame)
        assert clock.row == timeline.rows[frame]
        assert clock.row_for(1) == min(timeline.rows[frame], 9)
    clock.seek(0)
    anim = clock.run().build()
    assert anim.run_time == pytest.approx(timeline.duration)
    with pytest.raises(ValueError, match="has no set_row"):
        clock.drive(manim.Dot())
    with pytest.raises(ValueError, match="Timeline"):
        Clock([0, 1, 2])


# ---------------------------------------------------------------- formulas


def test_formula_falls_back_to_plain_text(monkeypatch):
    monkeypatch.setenv("VIZLAB_NO_LATEX", "1")
    assert not latex_available()
    mob = formula(r"\sigma(z) = \frac{1}{1 + e^{-z}}", "σ(z) = 1 / (1 + e^−z)")
    assert not mob.is_tex and isinstance(mob, manim.Text)
    assert mob.original_text == "σ(z) = 1 / (1 + e^−z)"
    with pytest.raises(ValueError, match="not installed"):
        formula("x", "x", latex=True)


def test_formula_uses_latex_when_installed(tmp_path):
    require_or_skip("LaTeX / dvisvgm", latex_available())
    with tempconfig({"media_dir": str(tmp_path)}):
        mob = formula(r"x_{n+1} = x_n - r\,\frac{dy}{dx}", "x(n+1) = x(n) - r dy/dx")
    assert mob.is_tex and isinstance(mob, manim.MathTex)
    assert mob.width > 1.0


def test_plain_text_scene_renders_without_latex(tmp_path, cache_dir, monkeypatch):
    monkeypatch.setenv("VIZLAB_NO_LATEX", "1")
    done = render(
        "gradient_descent",
        "tiny",
        tmp_path,
        last_frame_only=True,
        progress=False,
        cache_dir=cache_dir,
    )
    from PIL import Image

    with Image.open(done.path) as img:  # the last frame, at the tiny quality's size
        assert img.size == QUALITIES["tiny"][:2]
        colours = np.unique(np.asarray(img.convert("RGB")).reshape(-1, 3), axis=0)
    assert len(colours) > 10  # something is drawn
    family = done.scene.get_mobject_family_members()
    assert any(isinstance(m, manim.Text) and "·" in m.original_text for m in family)  # update rule
    assert not any(isinstance(m, manim.MathTex) for m in family)


def test_backprop_scene_renders_at_tiny_size(tmp_path, cache_dir):
    """The backprop lecture segment (lessons backprop_xor and vanishing_gradients)."""
    done = render("backprop", "tiny", tmp_path, progress=False, cache_dir=cache_dir)
    assert done.path == tmp_path / "backprop.mp4"
    width, height, fps, frames, duration = video_meta(done.path)
    assert (width, height, fps) == (160, 90, 10.0)
    assert frames >= 5
    assert frames / fps == pytest.approx(done.seconds, abs=0.1)
    assert "backprop" in dict(list_scenes())


def test_powers_in_slide_text_are_superscripts():
    from vizlab.render.mobjects import superscripts, title

    assert superscripts("Parabola y = (x - a)^2, a = 2") == "Parabola y = (x - a)², a = 2"
    assert superscripts("10^{-3} and x^-1") == "10⁻³ and x⁻¹"
    assert superscripts("e^{ab}") == "e^{ab}"  # no superscript form: left as written
    head = title("Gradient descent", "y = (x - a)^2")
    assert [m.original_text for m in head] == ["Gradient descent", "y = (x - a)²"]


def test_bar_value_is_not_written_over_its_target_mark():
    values = np.array([[3.0, 1.0], [3.2, 1.0]])  # bar 0 just under its mark, bar 1 far under
    bars = WeightBars(values, targets=np.array([3.3, 2.5]), y_range=(0.0, 4.0))
    bars.set_row(1)
    for num, bar in zip(bars.numbers, bars.bars):
        assert num.get_bottom()[1] > bar.get_top()[1]
    # lifted over the mark, with a gap (written at the bar's end, it sat on the mark)
    assert bars.numbers[0].get_bottom()[1] > bars.marks[0].get_top()[1] + 0.1
    # far from its mark, the value stays on its bar (under the mark)
    assert bars.numbers[1].get_top()[1] < bars.marks[1].get_bottom()[1]
