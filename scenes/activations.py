"""Activation functions and what hidden units do with them: sigmoid, tanh and ReLU side by side.

Render: ``manim -qm scenes/activations.py ActivationFunctions``. Three real
2-4-1 networks, one per activation, trained on the circles data set: the
lesson ``activations`` (:func:`vizlab.train` runs, cached), played on the
lesson's timeline. Each row shows the function, the four hidden units'
recorded activation maps over the input plane (``act/fc1``) and the output
(``field/output``), all evolving with one clock.
"""

import numpy as np
from manim import *

from vizlab import lessons
from vizlab.render.mobjects import (
    INK,
    MUTED,
    Clock,
    FieldImage,
    LectureScene,
    Readout,
    axes_points,
    field_axes,
    formula,
    lecture_axes,
    lecture_defaults,
    lesson_stamp,
    title,
)
from vizlab.render.scenes import quick

ACTIVATIONS = (
    (
        "sigmoid",
        r"\sigma(z) = \frac{1}{1 + e^{-z}}",
        "σ(z) = 1 / (1 + e^−z)",
        lambda z: 1 / (1 + np.exp(-z)),
    ),
    (
        "tanh",
        r"\tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}",
        "tanh(z) = (e^z − e^−z) / (e^z + e^−z)",
        np.tanh,
    ),
    ("relu", r"\mathrm{ReLU}(z) = \max(0, z)", "ReLU(z) = max(0, z)", lambda z: np.maximum(0, z)),
)
UNITS = 4


def function_plot(fn, color) -> VGroup:
    """The activation function itself on z in [-4, 4] (the definition, not data)."""
    axes = lecture_axes([-4, 4, 2], [-1, 2, 1], x_length=2.0, y_length=1.0, numbers=False)
    z = np.linspace(-4, 4, 161)
    # Only where the function stays on the chart: clipping ReLU at the top would
    # draw it flat, as if it saturated like the sigmoid.
    y = fn(z)
    keep = (y >= -1) & (y <= 2)
    pts = axes_points(axes, z[keep], y[keep])
    curve = VMobject(stroke_color=color, stroke_width=4).set_points_as_corners(pts)
    return VGroup(axes, curve)


class ActivationFunctions(LectureScene):
    """Sigmoid, tanh and ReLU: the function, four hidden units' maps and the output, as they train."""

    def construct(self):
        lecture_defaults(self)
        short = quick()
        lesson = lessons.get("activations", quick=short)
        runs = lessons.run_lesson("activations", quick=short)
        traces = [runs[name] for name, *_ in ACTIVATIONS]
        head = title(
            "Activation functions and hidden units", "circles data, a 2-4-1 network per activation"
        )
        self.add(head)
        rows = Group()
        images = []
        for (_, tex, plain, fn), trace in zip(ACTIVATIONS, traces):
            eq = formula(tex, plain, font_size=28)
            eq.scale_to_fit_width(min(eq.width, 3.3))
            plot = function_plot(fn, INK)
            left = VGroup(eq, plot).arrange(DOWN, buff=0.12, aligned_edge=LEFT)
            axes = field_axes(trace, side=1.3)
            units = [FieldImage(trace, axes.copy(), "act/fc1", unit=u) for u in range(UNITS)]
            output = FieldImage(trace, axes.copy())
            frames = Group(*units, output)
            boxes = VGroup()
            for img in frames:
                boxes.add(SurroundingRectangle(img, buff=0, color=INK, stroke_width=1.5))
            tiles = Group(*(Group(i, b) for i, b in zip(frames, boxes))).arrange(RIGHT, buff=0.18)
            tiles[-1].shift(RIGHT * 0.35)
            images.extend(frames)
            rows.add(Group(left, tiles))
        rows.arrange(DOWN, buff=0.25).next_to(head, DOWN, buff=0.45)
        # Fixed columns: formulas from the left margin, tiles in the same place in every row.
        for left, tiles in rows:
            left.to_edge(LEFT, buff=0.6)
            tiles.set_y(left.get_y())
            tiles.to_edge(RIGHT, buff=0.5)
        tiles0 = rows[0][1]
        labels = VGroup(
            *(
                Text(f"unit {u + 1}", font_size=20, color=MUTED).next_to(tiles0[u], UP, buff=0.08)
                for u in range(UNITS)
            ),
            Text("output", font_size=20, color=MUTED).next_to(tiles0[-1], UP, buff=0.08),
        )
        # The step beside the subtitle: the corner is the long title's.
        counter = Readout("step", traces[0].steps, width=3).to_edge(RIGHT, buff=0.35)
        counter.set_y(head[-1].get_y())
        note = Text(
            "each unit: a step (sigmoid, tanh) or a ramp (ReLU)\n"
            "along one line; the output combines them",
            font_size=22,
            color=INK,
            line_spacing=0.8,
        ).to_corner(DL, buff=0.3)
        timeline = lesson.timeline_for(traces[0])
        # The three runs' stamps stacked in the bottom-right corner, right of the note.
        room = config.frame_width / 2 - note.get_right()[0] - 0.5
        stamp = lesson_stamp(self, lesson, timeline=timeline, max_width=room)
        # The rows fill the room between the unit labels and the note / stamp.
        top = head.get_bottom()[1] - 0.45
        bottom = max(note.get_top()[1], stamp.get_top()[1]) + 0.2
        group = Group(rows, labels)
        if group.height > top - bottom:
            group.scale_to_fit_height(top - bottom)
        group.move_to(UP * (top + bottom) / 2 + RIGHT * group.get_x())
        self.add(rows, labels, counter, note)
        n = len(traces[0])
        clock = Clock(timeline, [len(t) for t in traces])
        for img in images:
            clock.drive(img)
        clock.drive(counter, lambda row: counter.set_value(int(traces[0].steps[min(row, n - 1)])))
        self.play(clock.run())
        self.wait(0.2 if short else 2)
