"""A real network's loss landscape: Adam's path running over the training loss on the plane it spread over.

Render: ``manim -qm scenes/landscape.py LossLandscapeScene``. The run is the
lesson ``loss_landscape``: Adam training the half-moons 2-16-16-1 network
(:func:`vizlab.train`, cached), and :func:`vizlab.landscape` of it, the
training loss on the plane of the path's two principal directions, evaluated
on a grid by the core. The ball sits at the loss of the projected weights, so
it rolls on the drawn surface; the readout shows the loss of the real
weights. The gallery page "The loss landscape of a real network" shows the
same run on the same timeline.
"""

from manim import *

from vizlab import lessons
from vizlab.render.landscape import descent_view
from vizlab.render.mobjects import (
    Clock,
    LectureThreeDScene,
    Readout,
    SurfaceDescent,
    caption,
    lecture_defaults,
    lesson_stamp,
    title,
)
from vizlab.render.scenes import quick


class LossLandscapeScene(LectureThreeDScene):
    """A real network's loss landscape: Adam's path over the training loss on a plane."""

    def construct(self):
        lecture_defaults(self)
        short = quick()
        lesson = lessons.get("loss_landscape", quick=short)
        plane = lessons.run_lesson("loss_landscape", quick=short)["pca"][0]
        timeline = lesson.timeline_for(plane)
        explained = plane.header["landscape"]["explained"]
        head = title(
            "A real network's loss landscape",
            f"half-moons 2-16-16-1, Adam: the plane its path spread over "
            f"({100 * sum(explained):.0f} % of the spread)",
        )
        counter = VGroup(
            Readout("step", plane.steps, width=3),
            Readout("loss", plane["path/loss"], fmt="{:.3f}", width=7),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        counter.to_corner(UR, buff=0.5).shift(DOWN * 1.1)
        off = float(plane["path/distance"].max())
        note = caption(
            f"the path projected onto the plane (the real weights lie up to {off:.2g} off it)",
            font_size=24,
        ).shift(UP * 0.3)
        stamp = lesson_stamp(self, lesson, "net", "pca", timeline=timeline)
        self.add_fixed_in_frame_mobjects(head, counter, note, stamp)
        self.set_camera_orientation(phi=60 * DEGREES, theta=-120 * DEGREES, zoom=0.85)
        surface = SurfaceDescent(
            descent_view(plane, height="plane"),
            resolution=12 if short else 30,
            x_length=7,
            y_length=7,
            z_length=2.6,
            ball_radius=0.18,
        )
        surface.shift(IN * 1.2)
        self.add(surface)
        # Axis names at the axes' ends, turned to face the camera: the plane's two
        # directions are the path's principal directions.
        self.add_fixed_orientation_mobjects(
            *surface.axis_names("direction 1", "direction 2", font_size=26, past=(0.2, 0.2))
        )
        clock = Clock(timeline, [len(plane)])
        clock.drive(surface)
        for r in counter:
            clock.drive(r)
        if not short:
            self.begin_ambient_camera_rotation(rate=0.04)
        self.play(clock.run())
        self.wait(0.2 if short else 2)
