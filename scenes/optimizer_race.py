"""The optimizer race: SGD, momentum, RMSProp and Adam from one start on one landscape.

Render: ``manim -qm scenes/optimizer_race.py OptimizerRace``. Each path is a
run of the lesson ``optimizer_race`` (a real :func:`vizlab.descend` run with
torch's optimizer on Beale's function), played on the lesson's timeline: the
gallery page "SGD, momentum, RMSProp and Adam" shows the same four runs. The
map is the loss grid recorded with the runs.
"""

import numpy as np
from manim import *

from vizlab import lessons
from vizlab.render import style
from vizlab.render.mobjects import (
    INK,
    Clock,
    ContourRace,
    LectureScene,
    LossCurve,
    Readout,
    lecture_defaults,
    lesson_stamp,
    superscripts,
    title,
)
from vizlab.render.scenes import quick

NAMES = {"sgd": "SGD", "momentum": "momentum", "rmsprop": "RMSProp", "adam": "Adam"}


class OptimizerRace(LectureScene):
    """The optimizer race: SGD, momentum, RMSProp and Adam on Beale's function."""

    def construct(self):
        lecture_defaults(self)
        short = quick()
        lesson = lessons.get("optimizer_race", quick=short)
        runs = lessons.run_lesson("optimizer_race", quick=short)
        traces = list(runs.values())
        racers = [(t.config["optimizer"], t.config["lr"]) for t in traces]
        # Each optimizer in its own colour, the same on every page and video.
        colors = [style.run_color(opt) for opt, _ in racers]
        head = title(
            "The optimizer race",
            "Beale's function; each at its best rate of one sweep",
        )
        race = ContourRace(traces, colors, side=5.6).to_edge(LEFT, buff=0.9).shift(DOWN * 0.45)
        # The minimum drawn last, over the balls, filled and outlined: at the end
        # the balls sit on it and would hide it.
        race.remove(race.minima)
        race.minima.set_fill(style.MIN_COLOR, opacity=1).set_stroke(INK, width=2)
        race.add(race.minima)
        # The map's axes: the domain's ends at the corners, the names at the middles.
        x0, x1, y0, y1 = race.box
        frame = race.border
        ends = VGroup(
            Text("x", font_size=26).next_to(frame, DOWN, buff=0.12),
            Text(f"{x0:g}", font_size=22).next_to(frame, DOWN, buff=0.12).align_to(frame, LEFT),
            Text(f"{x1:g}", font_size=22).next_to(frame, DOWN, buff=0.12).align_to(frame, RIGHT),
            Text("y", font_size=26).next_to(frame, LEFT, buff=0.15),
            Text(f"{y0:g}", font_size=22).next_to(frame, LEFT, buff=0.12).align_to(frame, DOWN),
            Text(f"{y1:g}", font_size=22).next_to(frame, LEFT, buff=0.12).align_to(frame, UP),
        )
        legend = VGroup()
        for (opt, lr), trace, color in zip(racers, traces, colors):
            dot = Dot(radius=0.1, color=color)
            name = Text(f"{NAMES[opt]} (r = {lr})", font_size=24, color=INK)
            loss = Readout("loss", trace["scalar/loss"], fmt="{:.1e}", width=8, font_size=22)
            row = VGroup(dot, name).arrange(RIGHT, buff=0.15)
            legend.add(VGroup(row, loss))
        legend.arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        left = min(row.get_left()[0] for row, _ in legend)
        for row, loss in legend:
            row.shift(RIGHT * (left - row.get_left()[0]))
            loss.next_to(row, RIGHT, buff=0.3)
        right = max(loss.get_left()[0] for _, loss in legend)
        for _, loss in legend:
            loss.shift(RIGHT * (right - loss.get_left()[0]))
        legend.next_to(race, RIGHT, buff=0.5).align_to(race, UP)
        # The loss on a log scale, relative to each run's start (on a linear axis
        # every curve sits on 0 after a few steps): the height is log10(loss /
        # start) raised by the lowest whole power reached, so the axis starts at 0
        # and its ticks are written back as powers of ten.
        logs = [np.log10(t["scalar/loss"] / t["scalar/loss"][0]) for t in traces]
        lowest = min(float(np.nanmin(v[np.isfinite(v)])) for v in logs)
        # a whole power of ten (of five past ten decades), so the ticks read 10^0, 10^-5, ...
        low = float(np.floor(lowest) if lowest >= -10 else 5 * np.floor(lowest / 5))
        curve = LossCurve(
            [
                (NAMES[o], t.steps, v - low, c)
                for (o, _), t, v, c in zip(racers, traces, logs, colors)
            ],
            x_length=4.2,
            y_length=2.1,
            y_label="loss ÷ start (log scale)",
            legend=False,
        )
        for tick in list(curve.axes.y_axis.numbers):
            power = Text(superscripts(f"10^{round(tick.number + low)}"), font_size=22)
            curve.axes.y_axis.numbers.remove(tick)
            curve.axes.y_axis.numbers.add(power.move_to(tick, aligned_edge=RIGHT))
        curve.next_to(legend, DOWN, buff=0.6).align_to(legend, LEFT)
        counter = Readout("step", traces[0].steps, width=3).to_corner(UR, buff=0.4)
        self.add(head, race, ends, legend, curve, counter)
        n = max(len(t) for t in traces)
        timeline = lesson.timeline_for(max(traces, key=len))
        # Four runs' stamps: wrapped into the space right of the map, inside the frame.
        room = config.frame_width / 2 - race.get_right()[0] - 0.4
        lesson_stamp(self, lesson, timeline=timeline, max_width=room)
        clock = Clock(timeline, [len(t) for t in traces])
        clock.drive(race)
        clock.drive(curve)
        clock.drive(counter, lambda row: counter.set_value(int(traces[0].steps[min(row, n - 1)])))
        for i, item in enumerate(legend):
            readout = item[1]
            clock.drive(readout, lambda row, r=readout, i=i: r.set_row(clock.row_for(i)))
        self.play(clock.run())
        self.wait(0.2 if short else 2)
