"""Gradient descent on y = (x - a)^2: small steps slide in, a big step oversteps and comes back.

Render: ``manim -qm scenes/gradient_descent.py GradientDescent`` or
``vizlab scenes render gradient_descent --quality medium``. Both runs are the
lesson ``descent_1d`` (r = 0.3 and r = 0.95, real :func:`vizlab.descend` runs
with torch's SGD, cached), played on the lesson's timeline: the gallery page
"Gradient descent on a parabola" shows the same runs at the same moments.
"""

from manim import *

from vizlab import lessons
from vizlab.render.mobjects import (
    MUTED,
    Clock,
    CurveDescent,
    LectureScene,
    Readout,
    caption,
    formula,
    lecture_defaults,
    lesson_stamp,
    title,
)
from vizlab.render.scenes import quick

SHOWN = ("good", "overstep")


class GradientDescent(LectureScene):
    """Gradient descent on (x - a)^2: a small learning rate slides in, a big one oversteps."""

    def construct(self):
        lecture_defaults(self)
        short = quick()
        lesson = lessons.get("descent_1d", quick=short)
        runs = lessons.run_lesson("descent_1d", quick=short)
        traces = [runs[r] for r in SHOWN]
        timeline = lesson.timeline_for(traces[0])
        lesson_stamp(self, lesson, *SHOWN, timeline=timeline)
        land = traces[0].header["landscape"]
        head = title("Gradient descent", land["title"])
        rule = formula(r"x_{n+1} = x_n - r\,\frac{dy}{dx}", "x(n+1) = x(n) − r · dy/dx")
        rule.to_corner(UR, buff=0.6).shift(DOWN * 1.2)
        self.add(head)
        self.play(Write(rule), run_time=0.3 if short else 1.0)
        for i, trace in enumerate(traces):
            lr = trace.config["lr"]
            view = CurveDescent(trace, x_length=7.4, y_length=4.2).to_edge(LEFT, buff=0.6)
            view.move_to(view.get_center() * RIGHT + DOWN * 0.45)
            readouts = VGroup(
                Readout("r =", [lr] * len(trace), fmt="{:.2f}", width=5),
                Readout("step", trace.steps, width=3),
                Readout("x =", trace["point/xy"][:, 0], fmt="{:.3f}", width=7),
                Readout("y =", trace["scalar/loss"], fmt="{:.3f}", width=7),
            ).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
            readouts.next_to(rule, DOWN, buff=0.6).align_to(rule, LEFT)
            regime = Text(f"regime: {trace.header['regime']}", font_size=26, color=MUTED)
            regime.next_to(readouts, DOWN, buff=0.35).align_to(readouts, LEFT)
            if i == 0:
                text = f"r = {lr}: small steps slide into the minimum"
            else:
                text = f"r = {lr}: each step oversteps the minimum, then comes back"
            note = caption(text, font_size=28).shift(UP * 0.12)  # clear of the stamp
            clock = Clock(timeline, [len(trace)])
            clock.drive(view)
            for r in readouts:
                clock.drive(r)
            self.play(
                FadeIn(view),
                FadeIn(readouts),
                FadeIn(regime),
                FadeIn(note),
                run_time=0.3 if short else 1,
            )
            self.play(clock.run())
            self.wait(0.2 if short else 1.5)
            view.clear_updaters()
            for r in readouts:
                r.clear_updaters()
            if i < len(traces) - 1:
                self.play(
                    FadeOut(view),
                    FadeOut(readouts),
                    FadeOut(regime),
                    FadeOut(note),
                    run_time=0.3 if short else 0.8,
                )
