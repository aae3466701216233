"""The four learning-rate regimes on y = (x - 2)^2, side by side, from four real runs.

Render: ``manim -qm scenes/learning_rates.py LearningRates``. Each panel is a
run of the lesson ``lr_regimes`` (:func:`vizlab.descend` with torch's SGD),
played on the lesson's timeline; the regime under each panel is the one the
core read off the recorded path. The gallery page "Too small, just right, too
large" shows the same four runs.
"""

from manim import *

from vizlab import lessons
from vizlab.render import style
from vizlab.render.mobjects import (
    Clock,
    CurveDescent,
    LectureScene,
    Readout,
    lecture_defaults,
    lesson_stamp,
    title,
)
from vizlab.render.scenes import quick

DIVERGED = style.DIVERGED_COLOR


class LearningRates(LectureScene):
    """Learning rate too small, just right, oscillating and diverging, as four real runs."""

    def construct(self):
        lecture_defaults(self)
        short = quick()
        lesson = lessons.get("lr_regimes", quick=short)
        traces = list(lessons.run_lesson("lr_regimes", quick=short).values())
        rates = [t.config["lr"] for t in traces]
        head = title("How big a step?", "the same start, four learning rates r")
        self.add(head)
        panels = VGroup()
        for lr, trace in zip(rates, traces):
            view = CurveDescent(
                trace,
                x_length=5.0,
                y_length=1.3,
                arrow=False,
                numbers=True,
                ball_radius=0.1,
                x_label="x",
                y_label="loss",
            )
            # Every other loss tick is numbered: five numbers crowd a short axis.
            ticks = view.axes.y_axis.numbers
            ticks.remove(*[t for t in ticks if round(t.number / 5) % 2])
            name = Text(f"r = {lr}: {trace.header['regime']}", font_size=26)
            name.next_to(view, UP, buff=0.12)
            note = Text("off the chart", font_size=22, color=DIVERGED)
            note.next_to(view, DOWN, buff=0.1).set_opacity(0)
            panels.add(VGroup(view, name, note))
        panels.arrange_in_grid(rows=2, cols=2, buff=(1.0, 0.15))
        counter = Readout("step", traces[0].steps, width=3).to_corner(UR, buff=0.4)
        n = max(len(t) for t in traces)
        timeline = lesson.timeline_for(max(traces, key=len))
        stamp = lesson_stamp(self, lesson, timeline=timeline)
        # The panels fill the room between the title and the stamp (the off-chart
        # note under the last panel stays clear of the stamp).
        room = head.get_bottom()[1] - stamp.get_top()[1] - 0.3
        if panels.height > room:
            panels.scale_to_fit_height(room)
        panels.move_to(UP * (head.get_bottom()[1] + stamp.get_top()[1]) / 2)
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
