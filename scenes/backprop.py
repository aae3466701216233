"""Backpropagation with the recorded numbers: one step of lecture 003's 2-2-1 XOR network.

Render: ``manim -qm scenes/backprop.py Backprop`` (or ``vizlab scenes render
backprop``). The run is the lesson ``backprop_xor`` (a real :func:`vizlab.train`
run, float64). The forward pass writes each unit's value left to right, the
backward pass colours each weight by its gradient right to left (orange
negative, blue positive), the chain rule for the weight x1 -> h1_1 is written
with this step's numbers beside the finite difference, and the update moves
the weight. Every number comes from :func:`vizlab.explain_step`; the gradients
are the ones torch recorded. A last segment is the lesson
``vanishing_gradients``: per-layer gradient norms at step 0 of six sigmoid,
tanh + Xavier and ReLU + He layers (log scale).
"""

import numpy as np
from manim import *

from vizlab import explain_step, lessons
from vizlab.render import style
from vizlab.render.backprop import fmt
from vizlab.render.mobjects import (
    BACKGROUND,
    INK,
    MUTED,
    LectureScene,
    caption,
    formula,
    lecture_defaults,
    lesson_stamp,
    superscripts,
    title,
)
from vizlab.render.scenes import quick

EXAMPLE, WEIGHT = 0, ("fc1.weight", (0, 0))
#: Vanishing-gradient bars: 10^LOG_BASE at the base, PER_DECADE scene units per power of ten.
LOG_BASE, PER_DECADE = -7, 0.4


def unit_column(x, n, radius=0.5):
    ys = (np.arange(n)[::-1] - (n - 1) / 2) * 2.0
    return VGroup(
        *(
            Circle(radius, color=INK, stroke_width=3).set_fill(style.SHADE, 1).move_to([x, y, 0])
            for y in ys
        )
    )


class Backprop(LectureScene):
    """Backpropagation through the 2-2-1 XOR net: forward values, backward gradients, chain rule, update."""

    def construct(self):
        lecture_defaults(self)
        short = quick()
        lesson = lessons.get("backprop_xor", quick=short)
        trace = lessons.run_lesson("backprop_xor", quick=short)["mlp"]
        timeline = lesson.timeline_for(trace)
        step = int(trace.steps[timeline.rows[0]])
        stamp = lesson_stamp(self, lesson, "mlp", timeline=timeline)
        e = explain_step(trace, step, EXAMPLE)
        pause = 0.3 if short else 1.2
        head = title(
            "Backpropagation, one real step", f"2-2-1 sigmoid net on XOR, step {step}, one example"
        )
        self.add(head)

        cols = [unit_column(x, n) for x, n in zip((-6.0, -3.4, -0.8), (2, 2, 1))]
        graph = VGroup(*cols).shift(DOWN * 0.4)
        names = [["x1", "x2"], ["h1", "h2"], ["ŷ"]]
        edges = []
        for layer in (1, 2):
            group = VGroup()
            for dst in cols[layer]:
                for src in cols[layer - 1]:
                    group.add(
                        Line(
                            src.get_center(),
                            dst.get_center(),
                            buff=0.5,
                            color=style.FAINT,
                            stroke_width=2,
                        )
                    )
            edges.append(group)
        labels = VGroup(
            *(
                Text(n, font_size=24, color=MUTED).next_to(c, UP, buff=0.1)
                for col, ns in zip(cols, names)
                for c, n in zip(col, ns)
            )
        )
        self.add(*edges, graph, labels)
        shown = [*edges, graph, labels]

        # forward: values left to right
        values = [e.node("x").value[0], e.node("h1").value[0], e.node("yhat").value[0]]
        for col, vals in zip(cols, values):
            texts = VGroup(
                *(Text(fmt(v), font_size=19, color=INK).move_to(c) for c, v in zip(col, vals))
            )
            self.play(FadeIn(texts), run_time=pause)
            shown.append(texts)
        loss = caption(f"forward: loss = {fmt(e.loss)}", font_size=26).next_to(
            graph, DOWN, buff=0.5
        )
        self.play(FadeIn(loss), run_time=pause)

        # backward: gradients right to left
        for layer in (2, 1):
            g = e.grads[f"fc{layer}.weight"]
            gmax = float(np.abs(g).max()) or 1.0
            anims, texts = [], VGroup()
            n_in = g.shape[1]
            for i, line in enumerate(edges[layer - 1]):
                j, k = divmod(i, n_in)
                v = g[j, k]
                anims.append(
                    line.animate.set_stroke(style.sign_color(v), width=2 + 8 * abs(v) / gmax)
                )
                # On the line, on a paper patch: the straight edges' numbers at their
                # middles, the two crossing edges' near their sources, so the four
                # numbers stay apart where the lines cross.
                label = Text(fmt(v), font_size=20, color=INK)
                label.move_to(line.point_from_proportion(0.5 if j == k or layer == 2 else 0.26))
                texts.add(BackgroundRectangle(label, color=BACKGROUND, fill_opacity=0.9), label)
            self.play(*anims, FadeIn(texts), run_time=pause)
            shown.append(texts)
        back = caption("backward: ∂J/∂w on every edge", font_size=26).move_to(loss)
        self.play(ReplacementTransform(loss, back), run_time=pause)

        # the chain rule for the weight x1 -> h1, with the recorded numbers
        c = e.chain(*WEIGHT)
        f = [fv.value[0] for fv in c.factors]
        symbolic = formula(
            r"\frac{\partial J}{\partial w} = \frac{\partial J}{\partial \hat y}"
            r"\,\frac{\partial \hat y}{\partial z_2}\,\frac{\partial z_2}{\partial h_1}"
            r"\,\frac{\partial h_1}{\partial z_1}\,\frac{\partial z_1}{\partial w}",
            "∂J/∂w = ∂J/∂ŷ · ∂ŷ/∂z2 · ∂z2/∂h1 · ∂h1/∂z1 · ∂z1/∂w",
            font_size=34,
        )
        numbers = formula(
            " \\cdot ".join(f"({fmt(v)})" for v in f) + f" = {fmt(c.total)}",
            " · ".join(f"({fmt(v)})" for v in f) + f" = {fmt(c.total)}",
            font_size=30,
        )
        fd = caption(
            f"finite difference of the loss: {fmt(e.numeric_grad(*WEIGHT))}",
            font_size=24,
            color=MUTED,
        )
        chain = VGroup(symbolic, numbers, fd).arrange(DOWN, buff=0.3, aligned_edge=LEFT)
        chain.scale_to_fit_width(min(chain.width, 6.9)).to_edge(RIGHT, buff=0.4).shift(UP * 0.4)
        self.play(Write(symbolic), run_time=pause)
        self.play(FadeIn(numbers), run_time=pause)
        self.play(FadeIn(fd), run_time=pause)

        # the update
        # The step itself uses the mean gradient over the whole batch, not this example's.
        w0 = e.params[WEIGHT[0]][WEIGHT[1]]
        g = explain_step(trace, step).grads[WEIGHT[0]][WEIGHT[1]]
        new = w0 - e.lr * g
        # Two lines at the caption size: one line shrunk to the column was unreadable.
        grad = f"({fmt(g)})" if g < 0 else fmt(g)
        update = VGroup(
            Text("update with the batch's mean gradient:", font_size=26, color=INK),
            Text(f"w = {fmt(w0)} − {fmt(e.lr)} · {grad} = {fmt(new)}", font_size=26, color=INK),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        update.scale_to_fit_width(min(update.width, 6.9))
        update.next_to(chain, DOWN, buff=0.5).align_to(chain, LEFT)
        self.play(FadeIn(update), run_time=pause)
        self.wait(0.2 if short else 2)
        shown += [back, chain, update]

        # vanishing gradients: per-layer norms at step 0, log scale
        depth = lessons.get("vanishing_gradients", quick=short)
        runs = lessons.run_lesson("vanishing_gradients", quick=short)
        # The step's graph, numbers and stamp all go: none of them is about the next picture.
        self.play(*(FadeOut(m) for m in [*shown, stamp]), run_time=pause)
        stamp = lesson_stamp(self, depth, timeline=depth.timeline_for(runs["sigmoid"]))
        if stamp.width > 13.6:  # three runs' stamps: keep them inside the frame
            stamp.scale_to_fit_width(13.6).to_corner(DR, buff=0.12)
        new_head = title("Vanishing gradients", "6 hidden layers of 8 on the half-moons, one seed")
        self.play(ReplacementTransform(head, new_head), run_time=pause)
        head = new_head
        sub = caption(
            "gradient norm of each layer at step 0, input side first (log scale)", font_size=26
        )
        sub.next_to(head, DOWN, buff=0.3)
        rows = VGroup()
        labels = {"sigmoid": "sigmoid", "tanh_xavier": "tanh + Xavier", "relu_he": "ReLU + He"}
        for run, t in runs.items():
            keys = sorted(
                (k for k in t.keys() if k.startswith("norm/grad.fc")),
                key=lambda k: int(k.rsplit("fc", 1)[1]),
            )
            norms = np.array([float(t[k][0]) for k in keys])
            heights = np.clip(np.log10(norms) - LOG_BASE, 0.05, None) * PER_DECADE
            bars = VGroup(
                *(
                    Rectangle(width=0.36, height=h, stroke_width=0).set_fill(
                        style.layer_color(i + 1), 1
                    )
                    for i, h in enumerate(heights)
                )
            ).arrange(RIGHT, buff=0.1, aligned_edge=DOWN)
            name = Text(labels[run], font_size=24, color=INK).next_to(bars, DOWN, buff=0.2)
            ratio = Text(
                f"first/last {norms[0] / norms[-1]:.0e}", font_size=22, color=MUTED
            ).next_to(name, DOWN, buff=0.1)
            rows.add(VGroup(bars, name, ratio))
        rows.arrange(RIGHT, buff=0.8, aligned_edge=DOWN).next_to(sub, DOWN, buff=0.6)
        rows.shift(RIGHT * 0.5)  # room for the value axis on the left
        base = min(r[0].get_bottom()[1] for r in rows)
        for r in rows:  # one base line for all bars: the axis below reads for every group
            r.shift(UP * (base - r[0].get_bottom()[1]))
        # The value axis: powers of ten, 10^LOG_BASE at the bars' base.
        top = max(r[0].get_top()[1] for r in rows)
        x = rows[0][0].get_left()[0] - 0.2
        axis = VGroup(Line([x, base, 0], [x, top + 0.1, 0], color=INK, stroke_width=2))
        for power in range(LOG_BASE + 1, 2):
            y = base + (power - LOG_BASE) * PER_DECADE
            if y > top + 0.1 or power % 2:
                continue
            axis.add(Line([x - 0.08, y, 0], [x, y, 0], color=INK, stroke_width=2))
            axis.add(
                Text(superscripts(f"10^{power}"), font_size=20).next_to(
                    [x - 0.08, y, 0], LEFT, buff=0.08
                )
            )
        axis.add(Text("gradient norm", font_size=22).next_to([x, top + 0.1, 0], UP, buff=0.12))
        self.play(FadeIn(sub), FadeIn(axis), run_time=pause)
        for r in rows:
            self.play(GrowFromEdge(r[0], DOWN), FadeIn(r[1]), FadeIn(r[2]), run_time=pause)
        self.wait(0.2 if short else 3)
