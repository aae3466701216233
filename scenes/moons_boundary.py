"""Half-moons: a small network's decision boundary curls between the two moons as it trains.

Render: ``manim -qm scenes/moons_boundary.py MoonsBoundary``. The run is a real
:func:`vizlab.train` run computed at render time, or a saved trace given as
``VIZLAB_TRACE=run.npz`` (``vizlab scenes render moons_boundary --trace run.npz``);
any 2-class train trace recorded with fields works.
"""

from manim import *

import vizlab
from vizlab import RunConfig
from vizlab.render.mobjects import (
    Clock,
    FieldPanel,
    LectureScene,
    LossCurve,
    Readout,
    lecture_defaults,
    title,
)
from vizlab.render.scenes import quick, saved_trace


def config(short: bool) -> RunConfig:
    cfg = RunConfig(
        dataset="moons", hidden=(8,), activation="tanh", optimizer="adam", lr=0.03, seed=0
    )
    if short:
        return cfg.replace(steps=30, grid=16, frames=6)
    return cfg.replace(steps=400, grid=60, frames=90)


class MoonsBoundary(LectureScene):
    """Half-moons: the decision boundary of a 2-8-1 network curls between the moons."""

    def construct(self):
        lecture_defaults(self)
        short = quick()
        trace = saved_trace() or vizlab.train(config(short))
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
        frames = int(cfg.get("frames") or 60)
        timeline = vizlab.Timeline.for_trace(
            trace, frames, spacing="log", fps=10 if short else 15, hold_end=2 if short else 30
        )
        clock = Clock(timeline, [len(trace)])
        for mob in (panel, curve, *readouts):
            clock.drive(mob)
        self.play(clock.run())
        self.wait(0.2 if short else 1)
