"""Representation learning: two hidden units move the XOR points until one line separates them.

Render: ``manim -qm scenes/hidden_space.py HiddenSpaceScene``. A real 2-2-1 tanh
network trained on noisy XOR with Adam: the lesson ``representation``
(:func:`vizlab.train`, cached), played on the lesson's timeline; the gallery
page "A hidden layer makes the data separable" shows the same run. The right panel plots
each training point at its recorded hidden activations (``embed/fc1``), the
output unit's line from the recorded weights, and the input grid carried
through the hidden layer (``act/fc1``).

The lecture stops where the run still teaches: at the first frame of the
lesson's timeline that reaches the step where the output's line first
separates the classes as well as it ever will
(:func:`~vizlab.render.representation.separation_row`, the step the gallery
page names). Left, that line pulled back into the input plane. Training goes
on into saturation (tanh outputs pushed onto h = +-1, the grid folded onto
the square's edges); a last line of text says so with the measured share
instead of playing it.
"""

from manim import *

from vizlab import lessons
from vizlab.render.mobjects import (
    INK,
    MUTED,
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
from vizlab.render.representation import output_plane, separation_row
from vizlab.render.scenes import quick
from vizlab.render.unit_data import FLAT, slope_from_output


def shown_numbers(trace, row):
    """What the hidden panel draws at ``row``, in numbers.

    The points are the latest recorded field not after ``row`` and the line
    the output weights at ``row`` (as :class:`HiddenSpace` draws them).

    Returns
    -------
    side : float
        Share of training points on their class's side of the line.
    flat : float
        Share of (point, unit) outputs where tanh's slope is below ``FLAT``.
    """
    fr = trace.field_row(row)
    emb = trace["embed/fc1"][fr].astype(float)
    w, b = output_plane(trace, row, 1)
    y = trace["data/y_train"].astype(int)
    side = float(((emb @ w + b > 0).astype(int) == y).mean())
    flat = float((slope_from_output(emb, "tanh") < FLAT).mean())
    return side, flat


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
        h.scale_to_fit_width(min(h.width, 2.1)).next_to(arrow, UP, buff=0.15)
        counter = Readout("step", trace.steps, width=3, font_size=24)
        acc = Readout("accuracy", trace["scalar/acc_train"], fmt="{:.0%}", width=4, font_size=24)
        acc.set_text("100%")  # lay out at the widest text
        stats = VGroup(counter, acc).arrange(RIGHT, buff=0.5)
        stats.next_to(right, UP, buff=0.12).align_to(right, RIGHT)
        self.add(head, left, right, arrow, h, counter, acc)
        clock = Clock(timeline, [len(trace)])
        for mob in (left, right, counter, acc):
            clock.drive(mob)
        # Where the lecture stops: the first frame reaching the separation step.
        sep_row, _ = separation_row(trace)
        stop = min(int(np.searchsorted(timeline.rows, sep_row)), len(timeline) - 1)
        stop_row = int(timeline.rows[stop])
        side, flat = shown_numbers(trace, stop_row)
        _, flat_end = shown_numbers(trace, len(trace) - 1)
        note = caption("training moves the points in hidden space", font_size=26)
        self.play(FadeIn(note), run_time=0.2 if short else 0.6)
        self.play(clock.run(to_frame=stop))
        Clock.release(left, right, counter, acc)
        # The warp at that step: the same points and grid, from the input plane
        # back to the hidden plane, where the line separates them.
        warp = ValueTracker(1.0)
        right.add_updater(lambda m: m.set_warp(warp.get_value()))
        back = caption("the same points and grid lines in the input plane ...", font_size=26)
        self.play(FadeOut(note), run_time=0.2 if short else 0.5)
        self.play(
            warp.animate.set_value(0.0),
            FadeIn(back),
            run_time=0.4 if short else 2,
            rate_func=smooth,
        )
        self.wait(0.1 if short else 0.8)
        through = caption("... carried through the hidden layer: the plane bends", font_size=26)
        self.play(FadeOut(back), FadeIn(through), run_time=0.2 if short else 0.5)
        self.play(warp.animate.set_value(1.0), run_time=0.8 if short else 4, rate_func=smooth)
        right.clear_updaters()
        step = int(trace.steps[stop_row])
        after = caption(
            f"step {step}: one line separates the classes, {side:.0%} of points on their side",
            font_size=26,
        )
        later = Text(
            f"training goes on to step {int(trace.steps[-1])} and saturates: {flat_end:.0%} of "
            f"unit outputs flat (tanh slope < {FLAT:g}), {flat:.0%} here",
            font_size=22,
            color=MUTED,
        )
        later.scale_to_fit_width(min(later.width, 12.4))
        # Both lines above the lesson stamp in the bottom-right corner.
        VGroup(after, later).arrange(DOWN, buff=0.14).to_edge(DOWN, buff=0.5)
        self.play(FadeOut(through), FadeIn(after), run_time=0.2 if short else 0.6)
        self.play(FadeIn(later), run_time=0.2 if short else 0.6)
        # A hold to read both lines; the lecture page's poster is taken from it.
        self.wait(0.2 if short else 4)
