"""Gradient descent in 3-D: a ball rolls down an ill-conditioned bowl, zig-zagging across the valley.

Render: ``manim -qm scenes/surface_descent.py SurfaceDescentScene``. The run is
the lesson ``surface_descent``, a real :func:`vizlab.descend` run (torch's SGD)
on the ``bowl`` landscape, played on the lesson's timeline (the gallery page
"Gradient descent in 3-D" shows the same run); the surface drawn is the loss
grid the core recorded with it.
"""

from manim import *

from vizlab import lessons
from vizlab.render import style
from vizlab.render.mobjects import (
    INK,
    Clock,
    LectureThreeDScene,
    Readout,
    SurfaceDescent,
    caption,
    formula,
    lecture_defaults,
    lesson_stamp,
    title,
)
from vizlab.render.scenes import quick


class SurfaceDescentScene(LectureThreeDScene):
    """Gradient descent in 3-D: a ball descends the loss surface of two weights."""

    def construct(self):
        lecture_defaults(self)
        short = quick()
        lesson = lessons.get("surface_descent", quick=short)
        trace = lessons.run_lesson("surface_descent", quick=short)["path"]
        timeline = lesson.timeline_for(trace)
        land = trace.header["landscape"]
        head = title("Gradient descent in 3-D", land["title"])
        rule = formula(
            r"(x, y)_{n+1} = (x, y)_n - r\,\nabla f",
            "(x, y)(n+1) = (x, y)(n) − r · ∇f",
            font_size=36,
        )
        rule.to_corner(UL, buff=0.5).shift(DOWN * 1.1)
        counter = VGroup(
            Readout("step", trace.steps, width=3),
            Readout("loss", trace["scalar/loss"], fmt="{:.3f}", width=7),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        counter.to_corner(UR, buff=0.5).shift(DOWN * 1.1)
        note = caption(
            f"r = {trace.config['lr']}: steep across the valley, so the ball zig-zags", font_size=26
        ).shift(UP * 0.2)  # clear of the stamp
        stamp = lesson_stamp(self, lesson, timeline=timeline)
        self.add_fixed_in_frame_mobjects(head, rule, counter, note, stamp)
        # zoom 0.8: the x axis's end (and its name) stays above the caption as the camera turns
        self.set_camera_orientation(phi=58 * DEGREES, theta=-50 * DEGREES, zoom=0.8)
        scene = SurfaceDescent(
            trace,
            resolution=12 if short else 28,
            x_length=7,
            y_length=5.2,
            z_length=2.4,
            ball_radius=0.2,
        )
        scene.shift(IN * 1.2)
        # The minimum: a star lying on the surface where the loss is lowest, drawn
        # over the surface and under the path and the ball (larger than the ball,
        # so it still shows when the ball reaches it).
        axes = scene.axes
        stars = VGroup(
            *(
                Star(n=5, outer_radius=0.42, color=style.MIN_COLOR, fill_opacity=1)
                .set_stroke(INK, width=2)
                .move_to(axes.c2p(mx, my, scene.height(mx, my) + 0.01 * scene.z_max))
                for mx, my in trace["data/minima"]
            )
        )
        scene.submobjects.insert(scene.submobjects.index(scene.shadow), stars)
        self.add(scene)
        # Axis names at the axes' ends, turned to face the camera.
        self.add_fixed_orientation_mobjects(*scene.axis_names())
        clock = Clock(timeline, [len(trace)])
        clock.drive(scene)
        for r in counter:
            clock.drive(r)
        if not short:
            self.begin_ambient_camera_rotation(rate=0.04)
        self.play(clock.run())
        self.wait(0.2 if short else 2)
