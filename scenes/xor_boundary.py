"""XOR: no line separates it; a hidden layer of two units bends the boundary until it does.

Render: ``manim -qm scenes/xor_boundary.py XorBoundary``. Both panels are runs
of the lesson ``xor_boundary`` (real :func:`vizlab.train` runs on noisy XOR,
cached): a model with no hidden layer (logistic regression: its boundary is a
line) and lecture 003's 2-2-1 sigmoid network, played on the lesson's
timeline. The gallery page "XOR: a line cannot, a hidden layer can" shows the
same two runs at the same moments.
"""

from manim import *

from vizlab import lessons
from vizlab.lessons.measure import best_line_accuracy
from vizlab.render.mobjects import (
    INK,
    Clock,
    FieldPanel,
    LectureScene,
    Readout,
    caption,
    lecture_defaults,
    lesson_stamp,
    title,
)
from vizlab.render.scenes import quick

SHOWN = ("linear", "mlp")


class XorBoundary(LectureScene):
    """XOR: a line cannot separate it, a hidden layer bends the boundary until it does."""

    def construct(self):
        lecture_defaults(self)
        short = quick()
        lesson = lessons.get("xor_boundary", quick=short)
        traces = lessons.run_lesson("xor_boundary", quick=short)
        runs = [traces[r] for r in SHOWN]
        timeline = lesson.timeline_for(traces["mlp"])
        lesson_stamp(self, lesson, *SHOWN, timeline=timeline)
        head = title("Why XOR needs a hidden layer", "noisy XOR, both models trained for real")
        self.add(head)
        names = ("no hidden layer: the boundary is a line", "2 hidden units (sigmoid)")
        panels, stats = [], []
        for trace, name in zip(runs, names):
            panel = FieldPanel(trace, side=4.0, label=name)
            # Each panel has its own step: one shared counter would restart at 0 for
            # the second run while the first panel still shows its last step.
            readouts = VGroup(
                Readout("step", trace.steps, width=4, font_size=26),
                Readout("accuracy", trace["scalar/acc_train"], fmt="{:.0%}", width=4, font_size=26),
                Readout("loss", trace["scalar/loss_train"], fmt="{:.3f}", width=5, font_size=26),
            )
            # The step on its own line: three readouts in a row are wider than the panel.
            VGroup(readouts[0], VGroup(*readouts[1:]).arrange(RIGHT, buff=0.6)).arrange(
                DOWN, buff=0.1
            )
            panels.append(panel)
            stats.append(readouts)
        row = Group(*(Group(p, s) for p, s in zip(panels, stats)))
        for p, s in zip(panels, stats):
            s.next_to(p, DOWN, buff=0.15)
        row.arrange(RIGHT, buff=1.2).next_to(head, DOWN, buff=0.3)
        for i, (trace, panel, readouts) in enumerate(zip(runs, panels, stats)):
            clock = Clock(timeline, [len(trace)])
            for mob in (panel, *readouts):
                clock.drive(mob)
            self.play(FadeIn(panel), FadeIn(readouts), run_time=0.3 if short else 0.8)
            self.play(clock.run())
            Clock.release(panel, *readouts)
            acc = float(trace["scalar/acc_train"][-1])
            if i == 0:
                # The trained line is not the best line. The best one gets three of the
                # four clusters (3 / 4 of clean XOR); on this noisy sample it is measured
                # by the lesson's exhaustive search, as the gallery page's claim is.
                # Written where the second panel will appear (empty until then).
                best = best_line_accuracy(trace["data/X_train"], trace["data/y_train"])
                note = Text(
                    f"this line: {acc:.0%} right\n\n"
                    f"the best possible line:\n{best:.0%} on this data\n"
                    f"(three of four clusters, {3 / 4:.0%},\nplus noise)\n\n"
                    "No line separates XOR",
                    font_size=26,
                    color=INK,
                    line_spacing=0.8,
                ).move_to(Group(panels[1], stats[1]))
            else:
                text = f"a hidden layer bends the boundary: {acc:.0%} right"
                note = caption(text, font_size=26, color=INK).shift(UP * 0.15)
            self.play(FadeIn(note), run_time=0.3 if short else 0.6)
            self.wait(0.2 if short else 2)
            if i == 0:
                self.play(FadeOut(note), run_time=0.2 if short else 0.5)
