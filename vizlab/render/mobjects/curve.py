"""LossCurve: loss (or any per-row scalar) against the step, growing as the clock runs.

Each series is a polyline whose points are replaced per frame with the
first ``row + 1`` recorded values, and a dot marks its head. The axes are
fixed for the whole phase (sized to the finite values of the whole run), so
the curve grows into a frame that does not jump.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, UR, Dot, Line, Text, VGroup, VMobject

from vizlab.render import style
from vizlab.render.mobjects.descent import nice_step
from vizlab.render.mobjects.field import to_scene
from vizlab.render.mobjects.theme import INK, SMALL_SIZE, lecture_axes
from vizlab.trace import Trace


class LossCurve(VGroup):
    """Curves of per-row values against the optimizer step.

    Parameters
    ----------
    series : sequence of (label, steps, values, color)
        ``steps`` (T,) optimizer steps and ``values`` (T,) one value per row.
        Non-finite values (a diverged run) are left out.
    x_length, y_length : float
    y_max : float, optional
        Top of the value axis; the largest finite value by default.
    x_label, y_label : str
    legend : bool
        Label each series (top right, in its colour).

    Attributes
    ----------
    axes, lines, heads, legend
    row : int
        Row shown now (each series held at its own last row).
    """

    def __init__(
        self,
        series: Sequence[tuple[str, np.ndarray, np.ndarray, str]],
        *,
        x_length: float = 5.0,
        y_length: float = 3.0,
        y_max: float | None = None,
        x_label: str = "step",
        y_label: str = "loss",
        legend: bool = True,
        decimals: int | None = None,
    ):
        super().__init__()
        if not series:
            raise ValueError("LossCurve needs at least one series")
        self.series = []
        for label, steps, values, color in series:
            steps, values = np.asarray(steps, float), np.asarray(values, float)
            if steps.shape != values.shape or steps.ndim != 1:
                raise ValueError(f"series {label!r}: steps and values must be equal 1-d arrays")
            self.series.append((label, steps, values, color))
        finite = np.concatenate([v[np.isfinite(v)] for _, _, v, _ in self.series])
        top = float(finite.max()) if finite.size else 1.0
        y_max = top * 1.05 if y_max is None else float(y_max)
        y_max = y_max if y_max > 0 else 1.0
        x_max = max(float(s[-1]) for _, s, _, _ in self.series) or 1.0
        y_step = nice_step(y_max, 4)
        self.axes = lecture_axes(
            [0, x_max, nice_step(x_max, 4)],
            [0, y_max, y_step],
            x_length=x_length,
            y_length=y_length,
            x_label=x_label,
            y_label=y_label,
            decimals=decimals,
        )
        self.y_max = y_max
        self.lines = VGroup(
            *(VMobject(stroke_color=c, stroke_width=4) for _, _, _, c in self.series)
        )
        self.heads = VGroup(*(Dot(radius=0.06, color=c) for _, _, _, c in self.series))
        self.add(self.axes)
        self.legend = VGroup()
        if legend and any(label for label, *_ in self.series):
            for label, _, _, color in self.series:
                swatch = Line(LEFT * 0.2, RIGHT * 0.2, stroke_color=color, stroke_width=6)
                text = Text(label, font_size=SMALL_SIZE, color=INK)
                self.legend.add(VGroup(swatch, text.next_to(swatch, RIGHT, buff=0.1)))
            self.legend.arrange(DOWN, aligned_edge=LEFT, buff=0.08)
            self.legend.next_to(self.axes.c2p(x_max, y_max), DOWN + LEFT, buff=0.1)
            self.legend.align_to(self.axes.c2p(x_max, y_max), UR)
            self.add(self.legend)
        self.add(self.lines, self.heads)
        self.row = -1
        self.set_row(0)

    @classmethod
    def from_trace(
        cls,
        trace: Trace,
        keys: Sequence[str] = ("scalar/loss_train", "scalar/loss_val"),
        labels: Sequence[str] | None = None,
        colors: Sequence[str] | None = None,
        **kwargs,
    ) -> LossCurve:
        """Curves of ``keys`` of one trace (train ink, validation grey by default, as the grammar says)."""
        labels = labels or [k.split("/", 1)[1].replace("loss_", "").replace("_", " ") for k in keys]
        default = [style.TRAIN_COLOR, style.VAL_COLOR, *style.SERIES[2:]]
        colors = colors or default[: len(keys)]
        series = [(lab, trace.steps, trace[k], c) for lab, k, c in zip(labels, keys, colors)]
        return cls(series, **kwargs)

    @property
    def updater_host(self):
        """The first part that changes per row: :meth:`Clock.drive` puts its updater there."""
        return self.lines

    def set_row(self, row: int) -> LossCurve:
        """Draw each series up to ``row`` (its own last row if shorter)."""
        if row == self.row:
            return self
        self.row = row
        for (_, steps, values, _), line, head in zip(self.series, self.lines, self.heads):
            k = min(row, len(steps) - 1) + 1
            ok = np.isfinite(values[:k])
            xy = np.c_[steps[:k][ok], np.minimum(values[:k][ok], self.y_max)]
            if len(xy) == 0:
                line.clear_points()
                head.set_opacity(0)
                continue
            pts = to_scene(self.axes, xy)
            if len(pts) > 1:
                line.set_points_as_corners(pts)
            else:
                line.clear_points()
            head.move_to(pts[-1]).set_opacity(1)
        return self
