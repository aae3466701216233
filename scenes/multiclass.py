"""Beyond two classes: softmax carves a three-arm spiral, and a sum of tanh pieces fits a sine.

Render: ``manim -qm scenes/multiclass.py MulticlassAndRegression``. Left, the
lesson ``multiclass_spiral``: each region of the plane in the colour of its
most probable class, lighter where the network is unsure. Right, the lesson
``sine_regression``: the fit ``f(x) = b + sum_j w_j h_j(x)`` (black) and every
hidden unit's contribution (thin lines), all from the recorded trace. Both
runs are real :func:`vizlab.train` runs (cached) played on one timeline: the
gallery pages of section 08_beyond show the same runs.
"""

from manim import *

from vizlab import lessons
from vizlab.render import style
from vizlab.render.mobjects import (
    Clock,
    LectureScene,
    Readout,
    axes_points,
    field_axes,
    lecture_axes,
    lecture_defaults,
    lesson_stamp,
    title,
)
from vizlab.render.mobjects.field import grid_extent, to_scene
from vizlab.render.multiclass import class_probs, field_rgb
from vizlab.render.regression import contributions
from vizlab.render.scenes import quick


class ClassRegions(ImageMobject):
    """k-class regions of a trace's fields, swapped per recorded row."""

    def __init__(self, trace, axes):
        self.trace, self.field_index = trace, 0
        super().__init__(self.rgba(0), scale_to_resolution=False)
        x0, x1, y0, y1 = grid_extent(trace)
        self.stretch_to_fit_width(axes.c2p(x1, 0)[0] - axes.c2p(x0, 0)[0])
        self.stretch_to_fit_height(axes.c2p(0, y1)[1] - axes.c2p(0, y0)[1])
        self.move_to(axes.c2p((x0 + x1) / 2, (y0 + y1) / 2))

    def rgba(self, index):
        # mixed with white as the matplotlib picture draws it see-through, so points show
        rgb = 1 - 0.6 * (1 - field_rgb(class_probs(self.trace, index))[::-1])
        alpha = np.ones(rgb.shape[:2] + (1,))
        return (255 * np.concatenate([rgb, alpha], -1)).astype(np.uint8)

    def set_row(self, row):
        index = self.trace.field_row(row)
        if index != self.field_index:
            self.pixel_array = self.rgba(index)
            self.field_index = index
        return self


def class_dots(trace, axes, radius=0.06):
    """Training points in their class colours (static)."""
    X, y = trace["data/X_train"], trace["data/y_train"]
    centres = to_scene(axes, X)
    return VGroup(
        *(
            Dot(c, radius=radius, color=style.class_color(k), stroke_color=WHITE, stroke_width=0.6)
            for c, k in zip(centres, y)
        )
    )


class SineFit(VGroup):
    """The 1-D fit and its hidden units' contributions at one recorded row."""

    def __init__(self, trace, axes):
        super().__init__()
        self.trace, self.axes, self.field_index = trace, axes, None
        xs = trace["grid/x"]
        self.xs = xs
        n_units = contributions(trace, 0)[0].shape[0]
        self.pieces = VGroup(
            *(
                VMobject(
                    stroke_color=style.SERIES[j % len(style.SERIES)],
                    stroke_width=2.5,
                    stroke_opacity=0.7,
                )
                for j in range(n_units)
            )
        )
        self.fit = VMobject(stroke_color=style.INK, stroke_width=6)
        self.add(self.pieces, self.fit)
        self.set_row(0)

    def _curve(self, mob, ys):
        lo, hi = self.axes.y_range[:2]
        ys = np.clip(ys, lo, hi)  # a large piece leaves the panel at its edge
        mob.set_points_as_corners(axes_points(self.axes, self.xs, ys))

    def set_row(self, row):
        index = self.trace.field_row(row)
        if index == self.field_index:
            return self
        self.field_index = index
        pieces, fit, _ = contributions(self.trace, index)
        for mob, p in zip(self.pieces, pieces):
            self._curve(mob, p)
        self._curve(self.fit, self.trace["field/output"][index][0])
        return self


class MulticlassAndRegression(LectureScene):
    """Softmax over three classes on a spiral; a one-hidden-layer fit of a sine."""

    def construct(self):
        lecture_defaults(self)
        short = quick()
        spiral_lesson = lessons.get("multiclass_spiral", quick=short)
        sine_lesson = lessons.get("sine_regression", quick=short)
        spiral = lessons.run_lesson("multiclass_spiral", quick=short)["spiral"]
        sine = lessons.run_lesson("sine_regression", quick=short)["tanh"]
        self.traces = (spiral, sine)
        head = title(
            "Beyond two classes: softmax and regression",
            "left: 3-class spiral, 2-32-32-3 ReLU net · right: sin 2x, 8 tanh units",
        )
        axes = field_axes(spiral, 5.2)
        regions = ClassRegions(spiral, axes)
        dots = class_dots(spiral, axes)
        left = Group(axes, regions, dots).to_edge(LEFT, buff=0.6).shift(DOWN * 0.35)
        x0, x1 = float(sine["grid/x"][0]), float(sine["grid/x"][-1])
        fit_axes = lecture_axes(
            [x0, x1, 1.0],
            [-2.0, 2.0, 1.0],
            x_length=5.6,
            y_length=3.0,
            x_label="x",
            y_label="f(x)",
            decimals=0,
        )
        fit_axes.next_to(left, RIGHT, buff=0.9).align_to(left, UP)
        data = VGroup(
            *(
                Dot(fit_axes.c2p(float(x), float(y)), radius=0.03, color=style.GUIDE)
                for x, y in zip(sine["data/X_train"][:, 0], sine["data/y_train"])
            )
        )
        fit = SineFit(sine, fit_axes)
        readouts = VGroup(
            Readout("step", spiral.steps, width=5),
            Readout("spiral accuracy (val)", spiral["scalar/acc_val"], fmt="{:.0%}", width=4),
            Readout("sine R² (val)", sine["scalar/r2_val"], fmt="{:.2f}", width=5),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        readouts.scale(0.8).next_to(fit_axes, DOWN, buff=0.35).align_to(fit_axes, LEFT)
        self.add(head, left, fit_axes, data, fit, readouts)
        timeline = spiral_lesson.timeline_for(spiral)
        first = lesson_stamp(self, spiral_lesson, timeline=timeline)
        second = lesson_stamp(self, sine_lesson, "tanh", timeline=timeline)
        second.next_to(first, UP, buff=0.05, aligned_edge=RIGHT)
        clock = Clock(timeline, [len(spiral), len(sine)])
        clock.drive(regions, lambda row: regions.set_row(clock.row_for(0)))
        clock.drive(fit, lambda row: fit.set_row(clock.row_for(1)))
        for r in readouts:
            clock.drive(r)
        self.play(clock.run())
        self.wait(0.2 if short else 1)
