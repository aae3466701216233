"""Half-moons: a small network's decision boundary curls between the two moons as it trains.

Render: ``manim -qm scenes/moons_boundary.py MoonsBoundary``. The run is the
lesson ``moons_boundary`` (a real :func:`vizlab.train` run, cached), played on
the lesson's timeline: the gallery page "A boundary grows: the half-moons"
shows the same run at the same moments. A saved trace given as
``VIZLAB_TRACE=run.npz`` (``vizlab scenes render moons_boundary --trace run.npz``)
replaces it; any 2-class train trace recorded with fields works.
"""

from manim import *

from vizlab import lessons
from vizlab.render.mobjects import (
    Clock,
    FieldPanel,
    LectureScene,
    LossCurve,
    Readout,
    lecture_defaults,
    lesson_stamp,
    title,
)
from vizlab.render.scenes import quick, saved_trace


class MoonsBoundary(LectureScene):
    """Half-moons: the decision boundary of a 2-8-1 network curls between the moons."""

    def construct(self):
        lecture_defaults(self)
        short = quick()
        lesson = lessons.get("moons_boundary", quick=short)
        saved = saved_trace()
        trace = saved or lessons.run_lesson("moons_boundary", quick=short)["net"]
        self.trace = trace
        cfg = trace.config
        hidden = "-".join(str(w) for w in [2, *cfg.get("hidden", []), 1])
        subtitle = f"{cfg.get('dataset', 'data')}, a {hidden} {cfg.get('activation', '')} network, {cfg.get('optimizer', '')} r = {cfg.get('lr')}"
        head = title("Learning a curved boundary", subtitle)
        panel = FieldPanel(trace, side=5.6).to_edge(LEFT, buff=0.8).shift(DOWN * 0.45)
        curve = LossCurve.from_trace(
            trace, labels=("train", "validation"), x_length=4.6, y_length=2.6
        )
        readouts = VGroup(
            Readout("step", trace.steps, width=5),
            Readout("train accuracy", trace["scalar/acc_train"], fmt="{:.0%}", width=4),
            Readout("validation accuracy", trace["scalar/acc_val"], fmt="{:.0%}", width=4),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.22)
        right = VGroup(readouts, curve).arrange(DOWN, aligned_edge=LEFT, buff=0.7)
        right.next_to(panel, RIGHT, buff=0.9).align_to(panel, UP)
        self.add(head, panel, right)
        timeline = lesson.timeline_for(trace)
        if saved is None:  # a saved trace is not the lesson's run: no stamp
            lesson_stamp(self, lesson, timeline=timeline)
        clock = Clock(timeline, [len(trace)])
        for mob in (panel, curve, *readouts):
            clock.drive(mob)
        self.play(clock.run())
        self.wait(0.2 if short else 1)
