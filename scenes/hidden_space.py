"""Representation learning: two hidden units move the XOR points until one line separates them.

Render: ``manim -qm scenes/hidden_space.py HiddenSpaceScene``. A real 2-2-1 tanh
network trained on noisy XOR with Adam: the lesson ``representation``
(:func:`vizlab.train`, cached), played on the lesson's timeline; the gallery
page "A hidden layer makes the data separable" shows the same run. The right panel plots
each training point at its recorded hidden activations (``embed/fc1``), the
output unit's line from the recorded weights, and the input grid carried
through the hidden layer (``act/fc1``).
"""

from manim import *

from vizlab import lessons
from vizlab.render.mobjects import (
    INK,
    Clock,
    FieldPanel,
    HiddenSpace,
    LectureScene,
    Readout,
    caption,
    formula,
    lecture_defaults,
    lesson_stamp,
    title,
)
from vizlab.render.scenes import quick


class HiddenSpaceScene(LectureScene):
    """The hidden layer warps the input plane until XOR becomes linearly separable."""

    def construct(self):
        lecture_defaults(self)
        short = quick()
        lesson = lessons.get("representation", quick=short)
        trace = lessons.run_lesson("representation", quick=short)["net"]
        timeline = lesson.timeline_for(trace)
        lesson_stamp(self, lesson, timeline=timeline)
        head = title("A hidden layer changes the space", "a 2-2-1 tanh network on noisy XOR")
        left = FieldPanel(trace, side=4.4, label="input space (x1, x2)")
        right = HiddenSpace(trace, side=4.4, grid_lines=7 if short else 11)
        Group(left, right).arrange(RIGHT, buff=2.6).next_to(head, DOWN, buff=0.45)
        arrow = Arrow(left.get_right(), right.get_left(), buff=0.15, color=INK, stroke_width=4)
        arrow.shift(UP * 0.2)
        h = formula(r"h = \tanh(W_1 x + b_1)", "h = tanh(W1·x + b1)", font_size=30)
        h.scale_to_fit_width(min(h.width, 2.5)).next_to(arrow, UP, buff=0.15)
        counter = Readout("step", trace.steps, width=3, font_size=24)
        acc = Readout("accuracy", trace["scalar/acc_train"], fmt="{:.0%}", width=4, font_size=24)
        acc.set_text("100%")  # lay out at the widest text
        stats = VGroup(counter, acc).arrange(RIGHT, buff=0.5)
        stats.next_to(right, UP, buff=0.12).align_to(right, RIGHT)
        self.add(head, left, right, arrow, h, counter, acc)
        clock = Clock(timeline, [len(trace)])
        for mob in (left, right, counter, acc):
            clock.drive(mob)
        note = caption("training moves the points in hidden space", font_size=26)
        self.play(FadeIn(note), run_time=0.2 if short else 0.6)
        self.play(clock.run())
        for mob in (left, right, counter, acc):
            mob.clear_updaters()
        # The warp: the same points and grid, from the input plane to the hidden plane.
        warp = ValueTracker(0.0)
        right.set_warp(0.0)
        right.add_updater(lambda m: m.set_warp(warp.get_value()))
        after = caption("one line now separates the classes: linearly separable", font_size=26)
        self.play(FadeOut(note), run_time=0.2 if short else 0.5)
        self.wait(0.1 if short else 0.8)
        self.play(warp.animate.set_value(1.0), run_time=0.8 if short else 4, rate_func=smooth)
        right.clear_updaters()
        self.play(FadeIn(after), run_time=0.2 if short else 0.6)
        self.wait(0.2 if short else 2)
