"""Lecture frames that show nothing new are written again, not drawn; anything drawn that changes is drawn.

The oracle is manim itself: every frame is drawn anyway (``check=True``) and
compared with the reused one, and a scene rendered with frame reuse writes
the same frames as the same scene rendered without it.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import import_or_skip

import_or_skip("manim")

from manim import (  # noqa: E402
    DEGREES,
    RIGHT,
    Dot,
    ImageMobject,
    Scene,
    Square,
    ThreeDScene,
    ValueTracker,
    tempconfig,
)

from vizlab.render.mobjects.frames import FrameMismatch, reuse_unchanged_frames  # noqa: E402

TINY = {"pixel_width": 96, "pixel_height": 54, "frame_rate": 10, "disable_caching": True}


def _frames(scene_cls, tmp_path, *, reuse: bool, check: bool = False):
    """Every frame ``scene_cls`` writes (as arrays), and the reuse counter."""
    written = []
    with tempconfig({**TINY, "media_dir": str(tmp_path)}):
        scene = scene_cls()
        counter = reuse_unchanged_frames(scene, check=check) if reuse else None
        writer = scene.renderer.file_writer
        write = writer.write_frame

        def record(frame, *args, **kwargs):
            written.append(np.array(frame))
            return write(frame, *args, **kwargs)

        writer.write_frame = record
        scene.render()
    return written, counter


class Holds(Scene):
    """A tracker moves (drawn nothing), then each drawn property changes in turn, with holds between."""

    def construct(self):
        dot, square = Dot(), Square().shift(RIGHT * 2)
        pixels = np.zeros((4, 4, 4), np.uint8)
        pixels[..., 3] = 255
        image = ImageMobject(pixels, scale_to_resolution=False).stretch_to_fit_width(1)
        image.shift(RIGHT * -2)
        self.add(dot, square, image)
        tracker = ValueTracker(0)
        step = {"n": 0}

        def change(mob):
            step["n"] += 1
            n = step["n"]
            if n == 4:
                dot.set_color("#ff0000")  # colour only: the points stay
            elif n == 8:
                square.set_stroke(width=12)  # width only
            elif n == 12:
                image.pixel_array[..., 0] = 255  # pixels only
            elif n == 16:
                square.set_fill("#00ff00", opacity=0.5)

        dot.add_updater(change)
        self.play(tracker.animate.set_value(1), run_time=2.0)


class Turning(ThreeDScene):
    """Nothing moves but the camera."""

    def construct(self):
        self.add(Square())
        self.set_camera_orientation(phi=60 * DEGREES, theta=-90 * DEGREES)
        self.begin_ambient_camera_rotation(rate=0.5)
        self.wait(1.0)


def test_reused_frames_equal_drawn_frames_and_every_change_is_drawn(tmp_path):
    plain, _ = _frames(Holds, tmp_path / "a", reuse=False)
    reused, counter = _frames(Holds, tmp_path / "b", reuse=True, check=True)
    assert len(plain) == len(reused) == 20
    for a, b in zip(plain, reused):
        np.testing.assert_array_equal(a, b)
    # The first frame and the four changes are drawn (manim may hand the first
    # frame of a phase over twice); the frames between them are reused.
    distinct = 1 + sum(not np.array_equal(a, b) for a, b in zip(plain, plain[1:]))
    assert distinct == 5
    assert counter.drawn + counter.reused == 20
    assert distinct <= counter.drawn <= distinct + 1


def test_a_turning_camera_draws_every_frame(tmp_path):
    frames, counter = _frames(Turning, tmp_path, reuse=True, check=True)
    assert counter.reused == 0 and counter.drawn == len(frames) == 10
    assert not np.array_equal(frames[0], frames[-1])


def test_a_change_the_comparison_misses_is_caught_when_checking(tmp_path, monkeypatch):
    from vizlab.render.mobjects import frames

    # Blind the comparison to colours: the colour change is then judged unchanged.
    blind = tuple(
        (kind, tuple(n for n in arrays if "rgbas" not in n), others)
        for kind, arrays, others in frames._READ
    )
    monkeypatch.setattr(frames, "_READ", blind)
    monkeypatch.setattr(frames, "_BY_TYPE", {})
    with pytest.raises(FrameMismatch, match="judged unchanged"):
        _frames(Holds, tmp_path, reuse=True, check=True)


def _same_frames_both_ways(name, tmp_path, monkeypatch, reference) -> dict:
    """Draw lecture ``name`` (tiny) as shipped, then after ``reference()`` patches in
    manim's way; assert every frame is the same; return each run's camera class name."""
    from manim.scene.scene_file_writer import SceneFileWriter

    from vizlab.render import scenes

    write = SceneFileWriter.write_frame
    frames, cameras = {}, {}
    for kind in ("fast", "manim"):
        got = frames[kind] = []

        def record(self, frame, *args, _got=got, **kwargs):
            _got.append(np.array(frame))
            return write(self, frame, *args, **kwargs)

        monkeypatch.setattr(SceneFileWriter, "write_frame", record)
        if kind == "manim":
            reference()
        done = scenes.render(name, "tiny", tmp_path / kind, progress=False)
        cameras[kind] = type(done.scene.camera).__name__
    assert len(frames["fast"]) == len(frames["manim"]) > 3
    for a, b in zip(frames["fast"], frames["manim"]):
        np.testing.assert_array_equal(a, b)
    return cameras


@pytest.mark.parametrize("name", ["landscape", "surface_descent"])
def test_fast_3d_camera_draws_the_frames_manims_camera_draws(name, tmp_path, monkeypatch):
    """The lecture's surface, path, ball, axes and labels: the same pixels, frame by frame.

    The reference is manim alone: its 3-D camera, and its axes working out
    their shading for every piece at every frame.
    """
    from manim import ThreeDCamera

    from vizlab.render.mobjects import camera, surface

    def reference():
        monkeypatch.setattr(camera, "FastThreeDCamera", ThreeDCamera)
        monkeypatch.setattr(surface, "remember_axis_shading", lambda axes: axes)

    cameras = _same_frames_both_ways(name, tmp_path, monkeypatch, reference)
    assert cameras == {"fast": "FastThreeDCamera", "manim": "ThreeDCamera"}


@pytest.mark.parametrize("name", ["backprop", "hidden_space", "multiclass"])
def test_fast_2d_camera_draws_the_frames_manims_drawing_draws(name, tmp_path, monkeypatch):
    """Text, dots, curves, arrows, fades and transforms: the same pixels, frame by frame.

    The reference draws every vector mobject manim's way (its list of what
    to draw, and its per-mobject paths, colours and strokes); only the
    axis-aligned images keep the fast blit, which manim's own image path
    cannot draw under Pillow 13.
    """
    from manim import Camera

    from vizlab.render.mobjects import camera

    class ManimVectors(camera.FastImageCamera):
        get_mobjects_to_display = Camera.get_mobjects_to_display
        display_multiple_non_background_colored_vmobjects = (
            Camera.display_multiple_non_background_colored_vmobjects
        )

    def reference():
        monkeypatch.setattr(camera, "FastImageCamera", ManimVectors)

    cameras = _same_frames_both_ways(name, tmp_path, monkeypatch, reference)
    assert cameras == {"fast": "FastImageCamera", "manim": "ManimVectors"}


def test_state_follows_drawing_order_membership_and_in_place_changes():
    from manim import VGroup

    from vizlab.render.mobjects.frames import mobject_state

    a, b = Dot(), Square()
    # A member met twice is drawn at its last place: these two draw b then a, a then b.
    group = VGroup(a, b)
    first, second = mobject_state([group, a]), mobject_state([group, b])
    assert first != second
    assert mobject_state([group, a]) == first
    before = mobject_state([a, b])
    a.points *= 2.0  # scaled in place: the same array object
    assert mobject_state([a, b]) != before
    a.points /= 2.0
    assert mobject_state([a, b]) == before
    b.points = b.points.astype(np.float32)  # the same numbers in another dtype
    assert mobject_state([a, b]) != before
    b.add(Dot())
    assert mobject_state([a, b]) != before  # a new member


def test_a_family_that_contains_itself_does_not_hang():
    from manim import VGroup

    from vizlab.render.mobjects.frames import mobject_state

    group = VGroup(Dot(), Square())
    group.submobjects.append(group)
    assert mobject_state([group]) == mobject_state([group])


def _random_families(rng, n_leaves=30):
    from manim import VGroup

    leaves = [Dot() if rng.random() < 0.5 else Square() for _ in range(n_leaves)]
    for leaf in leaves:
        leaf.z_index = int(rng.integers(0, 3))
    groups = []
    for _ in range(12):  # groups of leaves and earlier groups, sharing members
        pool = leaves + groups
        picks = rng.choice(len(pool), size=int(rng.integers(1, 6)), replace=False)
        groups.append(VGroup(*(pool[i] for i in picks)))
    pool = leaves + groups + [VGroup()]
    return [pool[i] for i in rng.choice(len(pool), size=25, replace=True)]


@pytest.mark.parametrize("use_z_index", [False, True])
def test_the_fast_list_of_what_to_draw_is_manims(use_z_index):
    from manim import Camera

    from vizlab.render.mobjects.camera import FastImageCamera

    rng = np.random.default_rng(3)
    with tempconfig(TINY):
        fast, slow = FastImageCamera(), Camera()
        fast.use_z_index = slow.use_z_index = use_z_index
        for _ in range(20):
            mobjects = _random_families(rng)
            got = fast.get_mobjects_to_display(mobjects)
            want = slow.get_mobjects_to_display(mobjects)
            assert [id(m) for m in got] == [id(m) for m in want]


def test_axes_points_are_c2p_of_each_point():
    from manim import Axes, ThreeDAxes

    from vizlab.render.mobjects import axes_points

    rng = np.random.default_rng(0)
    xs, ys, zs = rng.uniform(-2, 2, (3, 40))
    flat = Axes(x_range=[-3, 3, 1], y_range=[-2, 5, 1], x_length=5, y_length=3).shift(RIGHT)
    want = np.array([flat.c2p(x, y) for x, y in zip(xs, ys)])
    np.testing.assert_array_equal(axes_points(flat, xs, ys), want)
    deep = ThreeDAxes(x_range=[-3, 3, 1], y_range=[-3, 3, 1], z_range=[-2, 2, 1])
    want = np.array([deep.c2p(x, y, z) for x, y, z in zip(xs, ys, zs)])
    np.testing.assert_array_equal(axes_points(deep, xs, ys, zs), want)
    assert axes_points(flat, [], []).shape == (0, 3)
    assert axes_points(flat, [1.0], [2.0]).shape == (1, 3)
