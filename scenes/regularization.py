"""L1 vs L2 on the lecture's worked example: x = [3, 2, 1], y = 10.

Render: ``manim -qm scenes/regularization.py L1VsL2``. The table is the slide's
(:func:`vizlab.worked.worked_table`, penalties recomputed); the bars are the
two runs of the lesson ``worked_table``, real gradient descents in torch
(:func:`vizlab.penalty_descent`) on ``(w . x - y)^2 + lambda * penalty(w)``, played
on the lesson's timeline: L1 ends with w2 = w3 = 0 exactly, L2 spreads the
weight over all three. The gallery page "L1 vs L2: the worked example" shows
the same two runs.
"""

import numpy as np
from manim import *

from vizlab import lessons
from vizlab.render import style
from vizlab.render.mobjects import (
    INK,
    MUTED,
    Clock,
    LectureScene,
    Readout,
    WeightBars,
    formula,
    lecture_defaults,
    lesson_stamp,
    title,
)
from vizlab.render.scenes import quick
from vizlab.worked import worked_table

# L1 and L2 keep their run colours from the grammar (orange/blue mean class and sign only).
COLORS = {"l1": style.run_color("l1"), "l2": style.run_color("l2")}


def slide_table(rows) -> VGroup:
    """The slide's candidates as a grid of Text, with the L1 and L2 winners marked."""
    header = ["w1", "w2", "w3", "L1 penalty", "L2 penalty"]
    cells = [[f"{v:.2f}" for v in r.w] + [f"{r.l1:.2f}", f"{r.l2:.2f}"] for r in rows]
    table = Table(
        cells,
        col_labels=[Text(h, font_size=28, color=INK, weight=BOLD) for h in header],
        element_to_mobject=lambda s: Text(s, font_size=28, color=INK),
        include_outer_lines=False,
        line_config={"stroke_color": MUTED, "stroke_width": 1.5},
        h_buff=0.6,
        v_buff=0.3,
    )
    best_l1 = int(np.argmin([r.l1 for r in rows]))
    best_l2 = int(np.argmin([r.l2 for r in rows]))
    for best, col, color in ((best_l1, 4, COLORS["l1"]), (best_l2, 5, COLORS["l2"])):
        table.add(cell_box(table, best + 2, col, color))
    return table


def cell_box(table, row: int, col: int, color: str) -> Rectangle:
    """A frame around one cell (1-based, the header is row 1): the column's width, the row's height.

    Built from the column's and row's entries (``Table.get_cell`` is off the
    cell for a table without outer lines).
    """
    column, line = table.get_columns()[col - 1], table.get_rows()[row - 1]
    box = Rectangle(
        width=column.width + 0.3, height=line.height + 0.16, color=color, stroke_width=4
    )
    return box.move_to([column.get_x(), line.get_y(), 0])


class L1VsL2(LectureScene):
    """L1 vs L2 on the worked example x = [3, 2, 1], y = 10: sparse weights vs spread weights."""

    def construct(self):
        lecture_defaults(self)
        short = quick()
        lesson = lessons.get("worked_table", quick=short)
        traces = lessons.run_lesson("worked_table", quick=short)
        strength = traces["l1"].config["strength"]
        timeline = lesson.timeline_for(traces["l1"])
        lesson_stamp(self, lesson, timeline=timeline)
        head = title("L1 vs L2 regularization", "one example x = [3, 2, 1] with target y = 10")
        fit = formula(r"10 = 3 w_1 + 2 w_2 + w_3", "10 = 3·w1 + 2·w2 + w3", font_size=36)
        fit.next_to(head, DOWN, buff=0.3)
        self.add(head)
        self.play(FadeIn(fit), run_time=0.2 if short else 0.8)
        # Part 1: the slide's table of exact fits and their penalties.
        rows = [r for r in worked_table() if r.label.startswith("slide")]
        table = slide_table(rows).scale(0.9).next_to(fit, DOWN, buff=0.3)
        pens = VGroup(
            formula(r"L_1:\ \sum_i |w_i|", "L1: Σ |w_i|", font_size=32, color=COLORS["l1"]),
            formula(r"L_2:\ \sum_i w_i^2", "L2: Σ w_i²", font_size=32, color=COLORS["l2"]),
        ).arrange(RIGHT, buff=1.5)
        pens.next_to(table, DOWN, buff=0.35)
        verdict = Text(
            "every row fits exactly; L1 prefers the sparse one, L2 the spread one",
            font_size=24,
            color=INK,
        ).next_to(pens, DOWN, buff=0.3)
        self.play(FadeIn(table), FadeIn(pens), FadeIn(verdict), run_time=0.3 if short else 1.0)
        self.wait(0.2 if short else 4)
        self.play(FadeOut(table), FadeOut(pens), FadeOut(verdict), run_time=0.2 if short else 0.8)
        # Part 2: gradient descent with each penalty finds its winner.
        panels = VGroup()
        for p, trace in traces.items():
            bars = WeightBars(
                trace["point/xy"],
                ["w1", "w2", "w3"],
                y_range=(-0.5, 4.0),
                color=COLORS[p],
                targets=trace["data/optimum"],
                x_length=3.6,
                y_length=2.8,
            )
            name = Text("weight", font_size=24, color=INK)
            name.next_to(bars.axes.y_axis, UP, buff=0.15).align_to(bars.axes.y_axis, LEFT)
            bars.add(name)
            obj = formula(
                r"(w\cdot x - y)^2 + \lambda" + (r"\sum_i |w_i|" if p == "l1" else r"\sum_i w_i^2"),
                "(w·x − y)² + λ·" + ("Σ|w_i|" if p == "l1" else "Σ w_i²"),
                font_size=30,
                color=COLORS[p],
            )
            obj.next_to(bars, UP, buff=0.25)
            panels.add(VGroup(obj, bars))
        panels.arrange(RIGHT, buff=2.0).next_to(fit, DOWN, buff=0.3)
        counter = (
            Readout("step", traces["l1"].steps, width=4).to_corner(UR, buff=0.4).shift(DOWN * 0.8)
        )
        # The penalty's weight, written as the symbol the formulas use.
        lam = (
            formula(rf"\lambda = {strength:g}", f"λ = {strength:g}", font_size=34)
            .to_corner(UL, buff=0.4)
            .shift(DOWN * 0.8)
        )
        self.play(FadeIn(panels), FadeIn(counter), FadeIn(lam), run_time=0.2 if short else 0.8)
        n = len(traces["l1"])
        clock = Clock(timeline, [n, n])
        for _, bars in panels:
            clock.drive(bars)
        clock.drive(counter)
        self.play(clock.run())
        w1, w2 = traces["l1"]["point/xy"][-1], traces["l2"]["point/xy"][-1]
        zero = [f"w{j + 1}" for j in range(3) if w1[j] == 0.0]
        spread = "no zeros: spread, w ∝ x" if np.all(w2 != 0.0) else "some weights 0"
        notes = VGroup(
            Text(
                " = ".join(zero) + " = 0: feature selection" if zero else "no exact zeros",
                font_size=24,
            ),
            Text(spread, font_size=24),
        )
        for note, (_, bars) in zip(notes, panels):
            note.next_to(bars, DOWN, buff=0.25)
        self.play(FadeIn(notes), run_time=0.2 if short else 0.6)
        self.wait(0.2 if short else 3)
