"""Gradient descent on y = (x - a)^2: small steps slide in, a big step oversteps and comes back.

Render: ``manim -qm scenes/gradient_descent.py GradientDescent`` or
``vizlab scenes render gradient_descent --quality medium``. Both runs are real
:func:`vizlab.descend` runs computed at render time (torch's SGD).
"""

from manim import *

import vizlab
from vizlab.render.mobjects import (
    MUTED,
    Clock,
    CurveDescent,
    LectureScene,
    Readout,
    caption,
    formula,
    lecture_defaults,
    title,
)
from vizlab.render.scenes import quick

RATES = (0.1, 0.9)


def runs(short: bool):
    steps = 6 if short else 20
    return [vizlab.descend("quadratic", optimizer="sgd", lr=lr, steps=steps) for lr in RATES]


class GradientDescent(LectureScene):
    """Gradient descent on (x - a)^2: a small learning rate slides in, a big one oversteps."""

    def construct(self):
        lecture_defaults(self)
        short = quick()
        traces = runs(short)
        land = traces[0].header["landscape"]
        head = title("Gradient descent", land["title"])
        rule = formula(r"x_{n+1} = x_n - r\,\frac{dy}{dx}", "x(n+1) = x(n) − r · dy/dx")
        rule.to_corner(UR, buff=0.6).shift(DOWN * 1.2)
        self.add(head)
        self.play(Write(rule), run_time=0.3 if short else 1.0)
        fps = 10 if short else 3
        for i, (lr, trace) in enumerate(zip(RATES, traces)):
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
            note = caption(text, font_size=28)
            timeline = vizlab.Timeline.build(len(trace), len(trace), spacing="uniform", fps=fps)
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
            if i < len(RATES) - 1:
                self.play(
                    FadeOut(view),
                    FadeOut(readouts),
                    FadeOut(regime),
                    FadeOut(note),
                    run_time=0.3 if short else 0.8,
                )
