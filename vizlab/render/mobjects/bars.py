"""Bars for weights: one bar per weight (the worked example), or a histogram of many.

``WeightBars(values)`` draws one bar per column of ``values`` (T, d),
growing up or down from zero, with its value printed by a
:class:`~vizlab.render.mobjects.readout.Readout`; dashed marks can show a
closed-form target. ``WeightHistogram(values)`` counts the d weights of a
row into fixed bins (L1 piles them at zero, L2 keeps them spread).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DOWN, UP, DashedLine, Polygon, Text, VGroup

from vizlab.render import style
from vizlab.render.mobjects.descent import nice_step
from vizlab.render.mobjects.readout import Readout
from vizlab.render.mobjects.theme import INK, SMALL_SIZE, lecture_axes


def _box(axes, x0: float, x1: float, y0: float, y1: float) -> np.ndarray:
    return np.array([axes.c2p(x0, y0), axes.c2p(x1, y0), axes.c2p(x1, y1), axes.c2p(x0, y1)])


class WeightBars(VGroup):
    """One bar per weight, as recorded per row.

    Parameters
    ----------
    values : ndarray (T, d)
        Weight ``j`` at row ``k`` is ``values[k, j]``.
    labels : sequence of str, optional
        Names under the bars ("w1", "w2", ...).
    y_range : (float, float), optional
        Value axis; covers all values and 0 by default.
    color : str
    targets : ndarray (d,), optional
        Dashed marks at these values (e.g. a closed-form optimum).
    x_length, y_length : float

    Attributes
    ----------
    axes, bars, numbers, marks
        Each value is written beyond its bar's end, or beyond the bar's
        target mark when that mark lies just past the end (not over it).
    targets : ndarray (d,) or None
    row : int
    """

    def __init__(
        self,
        values: np.ndarray,
        labels: Sequence[str] | None = None,
        *,
        y_range: tuple[float, float] | None = None,
        color: str = style.series_color(0),
        targets: np.ndarray | None = None,
        x_length: float = 4.0,
        y_length: float = 3.5,
        decimals: int = 2,
    ):
        super().__init__()
        values = np.asarray(values, dtype=np.float64)
        if values.ndim != 2 or values.shape[1] < 1:
            raise ValueError(f"WeightBars needs values of shape (T, d); got {values.shape}")
        self.values = values
        d = values.shape[1]
        labels = list(labels) if labels is not None else [f"w{j + 1}" for j in range(d)]
        if len(labels) != d:
            raise ValueError(f"{d} weights but {len(labels)} labels")
        finite = values[np.isfinite(values)]
        if y_range is None:
            lo = min(0.0, float(finite.min()) if finite.size else 0.0)
            hi = max(0.0, float(finite.max()) if finite.size else 1.0)
            if targets is not None:
                lo, hi = min(lo, float(np.min(targets))), max(hi, float(np.max(targets)))
            pad = 0.1 * (hi - lo or 1.0)
            y_range = (lo - pad if lo < 0 else 0.0, hi + pad)
        self.y_range = tuple(float(v) for v in y_range)
        step = nice_step(self.y_range[1] - self.y_range[0], 4)
        self.axes = lecture_axes(
            [0, d, 1],
            [self.y_range[0], self.y_range[1], step],
            x_length=x_length,
            y_length=y_length,
            numbers=False,
        )
        self.axes.y_axis.add_numbers(font_size=SMALL_SIZE)
        self.bars = VGroup(
            *(
                Polygon(*_box(self.axes, j + 0.2, j + 0.8, 0, 0), stroke_width=0).set_fill(
                    color, opacity=0.9
                )
                for j in range(d)
            )
        )
        self.names = VGroup(
            *(
                Text(lab, font_size=SMALL_SIZE + 2, color=INK).next_to(
                    self.axes.c2p(j + 0.5, self.y_range[0]), DOWN, buff=0.15
                )
                for j, lab in enumerate(labels)
            )
        )
        self.numbers = VGroup(
            *(
                Readout("", fmt=f"{{:.{decimals}f}}", width=7, font_size=SMALL_SIZE)
                for _ in range(d)
            )
        )
        self.marks = VGroup()
        self.targets = None
        if targets is not None:
            targets = np.asarray(targets, dtype=np.float64).reshape(-1)
            if targets.shape != (d,):
                raise ValueError(f"targets must have {d} values; got {targets.shape}")
            self.targets = targets
            for j, t in enumerate(targets):
                self.marks.add(
                    DashedLine(
                        self.axes.c2p(j + 0.1, t),
                        self.axes.c2p(j + 0.9, t),
                        color=INK,
                        stroke_width=3,
                    )
                )
        self.add(self.axes, self.names, self.bars, self.marks, self.numbers)
        self.row = -1
        self.set_row(0)

    @property
    def updater_host(self):
        """The first part that changes per row: :meth:`Clock.drive` puts its updater there."""
        return self.bars

    def set_row(self, row: int) -> WeightBars:
        """Bars at the weights of row ``row``."""
        row = min(row % len(self.values) if row < 0 else row, len(self.values) - 1)
        if row == self.row:
            return self
        self.row = row
        lo, hi = self.y_range
        for j, (bar, num) in enumerate(zip(self.bars, self.numbers)):
            v = float(np.clip(self.values[row, j], lo, hi))
            bar.set_points_as_corners(
                [*_box(self.axes, j + 0.2, j + 0.8, 0.0, v), self.axes.c2p(j + 0.2, 0.0)]
            )
            num.set_value(self.values[row, j])
            where = UP if v >= 0 else DOWN
            # The value sits beyond the bar's end, or beyond its target mark when
            # the mark is on that side and near enough to be written over.
            end = v
            if self.targets is not None:
                t = float(np.clip(self.targets[j], lo, hi))
                near = abs(self.axes.c2p(0, t)[1] - self.axes.c2p(0, v)[1]) < 0.45
                if near and (t >= v if v >= 0 else t <= v):
                    end = t
            num.move_to(self.axes.c2p(j + 0.5, end) + where * 0.25)
        return self


class WeightHistogram(VGroup):
    """Histogram of a row's weights in fixed bins.

    Parameters
    ----------
    values : ndarray (T, n)
        The n weights at each row (e.g. ``param/fc1.weight`` reshaped).
    bins : int or ndarray
        Number of bins over the run's range, or the bin edges.
    color : str
    """

    def __init__(
        self,
        values: np.ndarray,
        bins: int | np.ndarray = 21,
        *,
        color: str = style.series_color(0),
        x_length: float = 4.5,
        y_length: float = 3.0,
        x_label: str = "weight",
        y_max: int | None = None,
    ):
        super().__init__()
        values = np.asarray(values, dtype=np.float64)
        if values.ndim != 2:
            raise ValueError(f"WeightHistogram needs values of shape (T, n); got {values.shape}")
        self.values = values
        if np.ndim(bins) == 0:
            m = float(np.nanmax(np.abs(values))) or 1.0
            bins = np.linspace(-m, m, int(bins) + 1)
        self.edges = np.asarray(bins, dtype=np.float64)
        counts = np.stack([np.histogram(v, self.edges)[0] for v in values])
        self.counts = counts
        top = int(y_max or max(1, counts.max()))
        lo, hi = float(self.edges[0]), float(self.edges[-1])
        self.axes = lecture_axes(
            [lo, hi, nice_step(hi - lo, 4)],
            [0, top, nice_step(top, 4)],
            x_length=x_length,
            y_length=y_length,
            x_label=x_label,
            y_label="count",
        )
        self.bars = VGroup(
            *(
                Polygon(
                    *_box(self.axes, a, b, 0, 0), stroke_color=style.PAPER, stroke_width=1
                ).set_fill(color, opacity=0.9)
                for a, b in zip(self.edges[:-1], self.edges[1:])
            )
        )
        self.top = top
        self.add(self.axes, self.bars)
        self.row = -1
        self.set_row(0)

    @property
    def updater_host(self):
        """The first part that changes per row: :meth:`Clock.drive` puts its updater there."""
        return self.bars

    def set_row(self, row: int) -> WeightHistogram:
        row = min(row % len(self.values) if row < 0 else row, len(self.values) - 1)
        if row == self.row:
            return self
        self.row = row
        for bar, a, b, c in zip(self.bars, self.edges[:-1], self.edges[1:], self.counts[row]):
            h = min(float(c), self.top)
            bar.set_points_as_corners([*_box(self.axes, a, b, 0.0, h), self.axes.c2p(a, 0.0)])
        return self
