"""The four learning-rate regimes on y = (x - 2)^2, side by side, from four real runs.

Render: ``manim -qm scenes/learning_rates.py LearningRates``. Each panel is a
:func:`vizlab.descend` run with torch's SGD; the regime under each panel is
the one the core read off the recorded path.
"""

from manim import *

import vizlab
from vizlab.render.mobjects import (
    Clock,
    CurveDescent,
    LectureScene,
    Readout,
    lecture_defaults,
    title,
)
from vizlab.render.scenes import quick

RATES = (0.02, 0.3, 0.9, 1.05)
DIVERGED = "#c62828"


class LearningRates(LectureScene):
    """Learning rate too small, just right, oscillating and diverging, as four real runs."""

    def construct(self):
        lecture_defaults(self)
        short = quick()
        steps = 5 if short else 30
        traces = [vizlab.descend("quadratic", lr=lr, steps=steps) for lr in RATES]
        head = title("How big a step?", "the same start, four learning rates r")
        self.add(head)
        panels = VGroup()
        for lr, trace in zip(RATES, traces):
            view = CurveDescent(
                trace,
                x_length=5.2,
                y_length=1.75,
                arrow=False,
                numbers=False,
                ball_radius=0.1,
                x_label=None,
                y_label=None,
            )
            name = Text(f"r = {lr}: {trace.header['regime']}", font_size=26)
            name.next_to(view.axes, UP, buff=0.2)
            note = Text("off the chart", font_size=22, color=DIVERGED)
            note.next_to(view.axes, DOWN, buff=0.15).set_opacity(0)
            panels.add(VGroup(view, name, note))
        panels.arrange_in_grid(rows=2, cols=2, buff=(1.2, 0.45)).next_to(head, DOWN, buff=0.4)
        counter = Readout("step", traces[0].steps, width=3).to_corner(UR, buff=0.4)
        n = max(len(t) for t in traces)
        timeline = vizlab.Timeline.build(
            n, n, spacing="uniform", fps=10 if short else 3, hold_end=3
        )
        clock = Clock(timeline, [len(t) for t in traces])
        for i, (view, _, note) in enumerate(panels):
            off = view.first_off_chart()
            if off is not None:
                k = int(traces[i].steps[off])
                new = Text(f"off the chart at step {k}: diverging", font_size=22, color=DIVERGED)
                note.become(new.move_to(note)).set_opacity(0)

            def follow(row, v=view, i=i, note=note, off=off):
                v.set_row(clock.row_for(i))
                if off is not None:
                    note.set_opacity(1.0 if clock.row_for(i) >= off else 0.0)

            clock.drive(view, follow)
        clock.drive(counter, lambda row: counter.set_value(int(traces[0].steps[min(row, n - 1)])))
        notes = VGroup()
        self.add(panels, notes, counter)
        self.play(clock.run())
        self.wait(0.2 if short else 2)
