"""Dropout on a network diagram: every step switches off a fresh random set of hidden units.

Render: ``manim -qm scenes/dropout.py DropoutNetwork``. A real 2-8-8-1 network
trained with dropout p = 0.33 (:func:`vizlab.train`). The greyed units at each
step are exactly the dropout mask the training run drew and used
(``mask/drop1``, ``mask/drop2``) for the example shown; nothing is drawn at
random by the renderer.
"""

from manim import *

import vizlab
from vizlab import RunConfig
from vizlab.render.mobjects import (
    MUTED,
    Clock,
    LectureScene,
    LossCurve,
    NetworkDiagram,
    Readout,
    caption,
    lecture_defaults,
    title,
)
from vizlab.render.scenes import quick

P = 0.33


def config(short: bool) -> RunConfig:
    cfg = RunConfig(
        dataset="moons", hidden=(8, 8), dropout=(P,), activation="relu", optimizer="adam", lr=0.02
    )
    if short:
        return cfg.replace(steps=12, grid=8, frames=8)
    return cfg.replace(steps=300, grid=20, frames=60)


class DropoutNetwork(LectureScene):
    """Dropout p = 0.33: each training step greys out the units its recorded mask dropped."""

    def construct(self):
        lecture_defaults(self)
        short = quick()
        trace = vizlab.train(config(short))
        head = title(
            "Dropout", f"each training step drops every hidden unit with probability p = {P}"
        )
        net = NetworkDiagram(trace, width=6.4, height=4.0, unit_radius=0.22)
        net.to_edge(LEFT, buff=0.8).shift(DOWN * 0.2)
        dropped = [(~trace[f"mask/drop{i}"][:, 0, :]).sum(-1) for i in (1, 2)]
        width = trace["param/fc1.weight"].shape[1]
        readouts = VGroup(
            Readout("step", trace.steps, width=3),
            Readout("dropped in hidden 1:", dropped[0], width=2),
            Readout("dropped in hidden 2:", dropped[1], width=2),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        of = Text(f"(of {width} units each)", font_size=22, color=MUTED)
        of.next_to(readouts, DOWN, aligned_edge=LEFT, buff=0.2)
        curve = LossCurve.from_trace(
            trace, labels=("train", "validation"), x_length=3.8, y_length=1.8
        )
        side = VGroup(readouts, of, curve).arrange(DOWN, aligned_edge=LEFT, buff=0.35)
        of.next_to(readouts, DOWN, aligned_edge=LEFT, buff=0.15)
        side.next_to(net, RIGHT, buff=0.9).align_to(net, UP).shift(UP * 0.3)
        side.to_edge(RIGHT, buff=0.4)  # the loss axis title ("step") stays in frame
        note = caption(
            "the same example, a new mask every step: no unit can be relied on", font_size=24
        )
        self.add(head, net, side, note)
        # Phase 1: the first steps one by one, slowly enough to see each mask.
        slow = min(len(trace) - 1, 4 if short else 16)
        first = vizlab.Timeline.build(slow, slow, spacing="uniform", fps=10 if short else 2)
        clock = Clock(first, [len(trace)])
        for mob in (net, curve, *readouts):
            clock.drive(mob)
        self.play(clock.run())
        for mob in (net, curve, *readouts):
            mob.clear_updaters()
        # Phase 2: the rest of training, fast, up to the last step taken (the final
        # row is the finished model: no update, so no mask, is taken from it).
        last = len(trace) - 2
        rest = vizlab.Timeline(
            vizlab.Timeline.build(last - slow + 1, 8 if short else 90, spacing="uniform").rows
            + slow,
            fps=10 if short else 30,
        )
        clock2 = Clock(rest, [len(trace)])
        for mob in (net, curve, *readouts):
            clock2.drive(mob)
        self.play(clock2.run())
        self.wait(0.2 if short else 1.5)
