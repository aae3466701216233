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
    z = np.linspace(-4, 4, 81)
    pts = [axes.c2p(a, b) for a, b in zip(z, np.clip(fn(z), -1, 2))]
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
            axes = field_axes(trace, side=1.45)
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
        rows.arrange(DOWN, buff=0.3).next_to(head, DOWN, buff=0.45)
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
        counter = Readout("step", traces[0].steps, width=3).to_corner(UR, buff=0.35)
        note = Text(
            "each unit: a soft step along one line; the output combines them",
            font_size=22,
            color=INK,
        ).to_corner(DL, buff=0.35)
        self.add(rows, labels, counter, note)
        n = len(traces[0])
        timeline = lesson.timeline_for(traces[0])
        lesson_stamp(self, lesson, timeline=timeline)
        clock = Clock(timeline, [len(t) for t in traces])
        for img in images:
            clock.drive(img)
        clock.drive(counter, lambda row: counter.set_value(int(traces[0].steps[min(row, n - 1)])))
        self.play(clock.run())
        self.wait(0.2 if short else 2)
