"""A ball rolling down a 1-D loss curve, as a :func:`vizlab.descend` trace recorded it.

``CurveDescent(trace)`` draws the landscape's curve (``curve/x``,
``curve/y``), the ball at ``point/xy[row]`` on it, the path of every point
visited so far (straight jumps between them, so an overstep shows as a
zig-zag across the minimum), and an arrow for the step about to be taken,
``-lr * grad`` from the recorded gradient of the row shown. The arrow is one
mobject reshaped in place for every row (manim lists a moving mobject's
family once per animation, so a swapped-in child would leave the old arrow
drawn); it fades out as the step shrinks below what can be drawn. A point
that has jumped off the
chart is pinned to the chart's edge and fades, so a diverging run stays
readable.
"""

from __future__ import annotations

import math

import numpy as np
from manim import ORIGIN, RIGHT, Arrow, Dot, VGroup, VMobject

from vizlab.render import style
from vizlab.render.mobjects.field import to_scene
from vizlab.render.mobjects.theme import INK, lecture_axes
from vizlab.trace import Trace

#: Steps drawn shorter than this (scene units) show no arrow; from ARROW_FULL on, a solid one.
ARROW_MIN = 0.12
ARROW_FULL = 0.3


def nice_step(span: float, ticks: int = 5) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving about ``ticks`` ticks."""
    if not span > 0 or not math.isfinite(span):
        raise ValueError(f"span must be a positive finite number; got {span!r}")
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power


class CurveDescent(VGroup):
    """Gradient descent on a 1-D landscape: curve, ball, path and next-step arrow.

    Parameters
    ----------
    trace : Trace
        A 1-D :func:`vizlab.descend` trace (``point/xy`` (T, 1), ``scalar/loss``,
        ``grad/xy``, ``scalar/lr``, ``curve/x``, ``curve/y``).
    x_length, y_length : float
        Size of the axes in scene units.
    y_max : float, optional
        Top of the loss axis (the curve's maximum on its domain by default).
    color : str
        Colour of the ball and its path.
    numbers : bool
        Tick labels on the axes.
    arrow : bool
        Show the step ``-lr * dy/dx`` about to be taken.

    Attributes
    ----------
    axes, curve, path, ball, arrow
        The parts. ``ball`` is centred on ``axes.c2p(x_k, f(x_k))``.
    row : int
        Row shown now. ``off_chart`` is True when that point is outside the axes.
    arrow_opacity : float
        Opacity of the step arrow at this row, 0 (hidden: no arrow, an
        off-chart point or a step under ``ARROW_MIN`` scene units) to 1.
    """

    def __init__(
        self,
        trace: Trace,
        *,
        x_length: float = 7.0,
        y_length: float = 4.5,
        y_max: float | None = None,
        color: str = style.PATH_COLOR,
        numbers: bool = True,
        arrow: bool = True,
        ball_radius: float = 0.13,
        x_label: str | None = "x",
        y_label: str | None = "loss",
    ):
        super().__init__()
        if "curve/x" not in trace or trace["point/xy"].shape[1:] != (1,):
            raise ValueError("CurveDescent needs a 1-D descend trace (curve/x, point/xy (T, 1))")
        self.trace = trace
        xs, ys = trace["curve/x"], trace["curve/y"]
        y_max = float(ys.max()) if y_max is None else float(y_max)
        self.x_range = (float(xs[0]), float(xs[-1]))
        self.y_range = (0.0, y_max)
        self.axes = lecture_axes(
            [xs[0], xs[-1], nice_step(xs[-1] - xs[0], 10)],
            [0, y_max, nice_step(y_max)],
            x_length=x_length,
            y_length=y_length,
            numbers=numbers,
            x_label=x_label,
            y_label=y_label,
        )
        keep = ys <= y_max * 1.02
        self.curve = VMobject(stroke_color=INK, stroke_width=4)
        self.curve.set_points_smoothly(to_scene(self.axes, np.c_[xs[keep], ys[keep]]))
        self.path = VMobject(stroke_color=color, stroke_width=3, stroke_opacity=0.8)
        self.ball = Dot(radius=ball_radius, color=color, stroke_color=INK, stroke_width=2)
        self.ball.set_fill(color, opacity=1.0)
        self.arrow = None
        self.arrow_opacity = 0.0
        if arrow:
            self.arrow = Arrow(ORIGIN, RIGHT, buff=0, color=color, stroke_width=5)
            self.arrow.set_opacity(0.0)
        self.add(self.axes, self.curve, self.path)
        if self.arrow is not None:
            self.add(self.arrow)
        self.add(self.ball)
        self.path_color = color
        self.row = -1
        self.off_chart = False
        self.set_row(0)

    def first_off_chart(self) -> int | None:
        """First recorded row whose point lies outside the axes (None if every row fits)."""
        x, f = self.trace["point/xy"][:, 0], self.trace["scalar/loss"]
        (x0, x1), (_, y1) = self.x_range, self.y_range
        out = np.flatnonzero((x < x0) | (x > x1) | (f > y1) | ~np.isfinite(f))
        return int(out[0]) if out.size else None

    def _clip(self, xy: np.ndarray) -> np.ndarray:
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        return np.c_[np.clip(xy[:, 0], x0, x1), np.clip(xy[:, 1], y0, y1)]

    @property
    def updater_host(self):
        """The first part that changes per row: :meth:`Clock.drive` puts its updater there."""
        return self.path

    def set_row(self, row: int) -> CurveDescent:
        """Show the run at recorded row ``row`` (held at the last row past the end)."""
        n = len(self.trace)
        row = min(row % n if row < 0 else row, n - 1)
        if row == self.row:
            return self
        self.row = row
        x = self.trace["point/xy"][: row + 1, 0]
        f = self.trace["scalar/loss"][: row + 1]
        data = np.c_[x, f]
        shown = self._clip(data)
        self.off_chart = not np.allclose(shown[-1], data[-1])
        pts = to_scene(self.axes, shown)
        if len(pts) > 1:
            self.path.set_points_as_corners(pts)
        else:
            self.path.clear_points()
        self.ball.move_to(pts[-1])
        self.ball.set_fill(opacity=0.35 if self.off_chart else 1.0)
        if self.arrow is not None:
            self._show_arrow(row, data[-1])
        return self

    def _show_arrow(self, row: int, here: np.ndarray) -> None:
        """Reshape the one arrow to this row's step (fully transparent when not drawable)."""
        grad = self.trace["grad/xy"][row, 0]
        lr = self.trace["scalar/lr"][row]
        step = -lr * grad
        (x0, x1), _ = self.x_range, self.y_range
        self.arrow_opacity = 0.0
        if self.off_chart or not np.isfinite(step):
            self.arrow.set_opacity(0.0)
            return
        end_x = float(np.clip(here[0] + step, x0, x1))
        start, end = to_scene(self.axes, np.array([here, [end_x, here[1]]]))
        length = float(np.linalg.norm(end - start))
        # Full strength from ARROW_FULL scene units, fading to nothing at ARROW_MIN.
        opacity = float(np.clip((length - ARROW_MIN) / (ARROW_FULL - ARROW_MIN), 0.0, 1.0))
        if opacity == 0.0:
            self.arrow.set_opacity(0.0)
            return
        tip = min(0.22, 0.45 * length)
        new = Arrow(start, end, buff=0, color=self.path_color, stroke_width=5, tip_length=tip)
        new.set_opacity(opacity)
        self.arrow.become(new)
        self.arrow_opacity = opacity
