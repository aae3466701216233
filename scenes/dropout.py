"""Dropout on a network diagram: every step switches off a fresh random set of hidden units.

Render: ``manim -qm scenes/dropout.py DropoutNetwork``. A real 2-6-6-1 ReLU
network trained with dropout p = 0.5 and mini-batches of 16: the lesson
``dropout_network`` (:func:`vizlab.train`, cached), played on the lesson's
timeline; the gallery page "Dropout: units switched off at every step" shows
the same run at the same steps. The greyed units at each
step are exactly the dropout mask the training run drew and used
(``mask/drop1``, ``mask/drop2``) for the example shown; nothing is drawn at
random by the renderer.
"""

from manim import *

from vizlab import lessons
from vizlab.render.mobjects import (
    MUTED,
    Clock,
    LectureScene,
    LossCurve,
    NetworkDiagram,
    Readout,
    caption,
    lecture_defaults,
    lesson_stamp,
    title,
)
from vizlab.render.scenes import quick


class DropoutNetwork(LectureScene):
    """Dropout p = 0.5: each training step greys out the units its recorded mask dropped."""

    def construct(self):
        lecture_defaults(self)
        short = quick()
        lesson = lessons.get("dropout_network", quick=short)
        trace = lessons.run_lesson("dropout_network", quick=short)["net"]
        p = trace.config["dropout"][0]
        head = title(
            "Dropout", f"each training step drops every hidden unit with probability p = {p}"
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
        ).shift(UP * 0.15)  # clear of the stamp
        self.add(head, net, side, note)
        # One recorded step per frame, slowly enough to see each mask.
        timeline = lesson.timeline_for(trace)
        lesson_stamp(self, lesson, timeline=timeline)
        clock = Clock(timeline, [len(trace)])
        for mob in (net, curve, *readouts):
            clock.drive(mob)
        self.play(clock.run())
        self.wait(0.2 if short else 1.5)
