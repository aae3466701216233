"""Gradient descent pictures: the ball on the curve, four learning rates, schedules, 3-D.

"Move along the negative direction of the gradient; the bigger the gradient
the bigger step you move. What happens when you overstep?" (lecture 000).
:func:`draw_descent_1d` puts the ball on ``y = (x - a)^2`` with its tangent,
the step ``-r dy/dx`` and the update rule filled in with this step's
numbers; :func:`draw_lr_regimes` shows the four learning-rate regimes side
by side; :func:`draw_surface_3d` is "gradient descent in 3-D";
:func:`draw_lr_schedule` plots the learning rate and the loss over steps.
The pictures on a contour map live in :mod:`vizlab.render.paths` and are
re-exported here. Nothing here imports torch.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch

from vizlab.lessons.descent import REGIME_RATES
from vizlab.render import style
from vizlab.render.base import Display, animator
from vizlab.render.paths import (
    DIVERGED_COLOR,
    BatchPathsDisplay,
    ContourPathsDisplay,
    OptimizerRaceDisplay,
    PartsDisplay,
    SurfaceDisplay,
    animate_batch_paths,
    animate_contour_paths,
    animate_optimizer_race,
    animate_surface_3d,
    as_traces,
    box,
    draw_batch_paths,
    draw_contour_paths,
    draw_optimizer_race,
    draw_surface_3d,
    held,
    status,
)
from vizlab.render.schedule import LRScheduleDisplay, animate_lr_schedule, draw_lr_schedule
from vizlab.trace import Trace

__all__ = [
    "RACE_EXTENT",
    "RACE_LANDSCAPE",
    "RACE_LRS",
    "REGIME_LRS",
    "REGIME_TITLES",
    "BatchPathsDisplay",
    "ContourPathsDisplay",
    "Descent1DDisplay",
    "LRRegimesDisplay",
    "LRScheduleDisplay",
    "OptimizerRaceDisplay",
    "SurfaceDisplay",
    "animate_batch_paths",
    "animate_contour_paths",
    "animate_descent_1d",
    "animate_lr_regimes",
    "animate_lr_schedule",
    "animate_optimizer_race",
    "animate_surface_3d",
    "draw_batch_paths",
    "draw_contour_paths",
    "draw_descent_1d",
    "draw_lr_regimes",
    "draw_lr_schedule",
    "draw_optimizer_race",
    "draw_surface_3d",
]

#: Learning rates of plain gradient descent on the lecture's parabola
#: ``(x - 2)^2`` (50 steps from x = -2) that land in each regime; the factor
#: ``1 - 2r`` per step is 0.98, 0.4, -0.9 and -1.1: the learning-rate lesson's runs.
REGIME_LRS = dict(REGIME_RATES)

#: The optimizer race where the differences show best (see the gallery):
#: Beale's function from (1, 1.4), 300 steps, zoomed on the valley.
RACE_LANDSCAPE = "beale"
#: The lesson optimizer_race's rates: each optimizer's best of one sweep (see
#: vizlab.lessons.optimizers.RACE_SWEEP).
RACE_LRS = {"sgd": 3e-2, "momentum": 1e-2, "rmsprop": 3e-2, "adam": 1e-1}
RACE_EXTENT = ((-0.5, 4.0), (-1.5, 2.0))

#: A title per regime that states what the picture shows.
REGIME_TITLES = {
    "too small": "Too small a learning rate creeps toward the minimum",
    "just right": "A good learning rate slides straight into the minimum",
    "oscillating": "Too large a learning rate overshoots and bounces",
    "diverging": "Far too large a learning rate overshoots further every step",
}

BALL_COLOR = style.PATH_COLOR
TANGENT_COLOR = style.INK


def _num(v: float) -> str:
    """A number for a slide: 2 decimals, a real minus sign, 3 significant digits when huge."""
    s = f"{v:.2f}" if abs(v) < 1e4 else f"{v:.3g}"
    return s.replace("-", "\u2212")


def _paren(v: float) -> str:
    return f"({_num(v)})" if v < 0 else _num(v)


class CurvePanel:
    """The 1-D picture: curve, path so far, ball, tangent, step arrow, and the numbers.

    With ``side`` (an axes with its axis off) the update rule and this
    step's numbers go there in large type; without it a one-line summary
    sits in the corner of ``ax`` (the compact panels of the regimes figure).
    Off-chart positions (a diverging run) are drawn at the edge of the view
    as a triangle pointing the way the ball went.
    """

    def __init__(self, ax: Axes, trace: Trace, *, side: Axes | None = None):
        self.t, self.ax, self.compact = trace, ax, side is None
        cx, cy = trace["curve/x"], trace["curve/y"]
        ax.plot(cx, cy, color=plt.rcParams["axes.edgecolor"], lw=2.5, zorder=1)
        pad = 0.08 * np.ptp(cy)
        self.xlim, self.ylim = (cx[0], cx[-1]), (cy.min() - pad, cy.max() + pad)
        ax.set_xlim(*self.xlim)
        ax.set_ylim(*self.ylim)
        for m in trace["data/minima"][:, 0] if "data/minima" in trace else ():
            ax.axvline(m, color=style.GUIDE, ls=":", lw=1.5, zorder=0)
        self.width = cx[-1] - cx[0]
        ms = 3.5 if self.compact else 6
        (self.path,) = ax.plot([], [], "-o", color=BALL_COLOR, lw=1, ms=ms, alpha=0.55, zorder=3)
        (self.tangent,) = ax.plot([], [], "--", color=TANGENT_COLOR, lw=2.2, zorder=2)
        (self.drop,) = ax.plot([], [], ":", color=BALL_COLOR, lw=1.5, zorder=2)
        self.arrow = FancyArrowPatch(
            (0, 0), (0, 0), arrowstyle="-|>", mutation_scale=22, color=BALL_COLOR, lw=2.5, zorder=4
        )
        ax.add_patch(self.arrow)
        (self.ball,) = ax.plot(
            [],
            [],
            "o",
            ms=13 if self.compact else 18,
            color=BALL_COLOR,
            mec=style.INK,
            mew=1.5,
            zorder=5,
            clip_on=False,
        )
        if self.compact:
            # the bottom corners: empty under a bowl-shaped curve
            kw = {"transform": ax.transAxes, "va": "bottom", "fontsize": 13, "zorder": 6}
            self.numbers = ax.text(0.03, 0.04, "", bbox=box(), **kw)
            self.step = ax.text(0.97, 0.04, "", ha="right", **kw)
            self.status = ax.text(
                0.97, 0.16, "", ha="right", color=DIVERGED_COLOR, fontweight="bold", **kw
            )
            return
        ax.set_xlabel("x")
        ax.set_ylabel("y = loss")
        side.set_axis_off()
        self.step = side.text(0.0, 1.0, "", va="top", fontsize=22, fontweight="bold")
        side.text(0.0, 0.86, r"$x_{n+1} = x_n - r\,\frac{dy}{dx}$", va="top", fontsize=24)
        self.numbers = side.text(
            0.0, 0.68, "", va="top", fontsize=16, linespacing=1.6, family="DejaVu Sans Mono"
        )
        self.status = side.text(
            0.0, 0.36, "", va="top", color=DIVERGED_COLOR, fontsize=17, fontweight="bold"
        )
        keys = [
            Line2D([], [], color=TANGENT_COLOR, ls="--", lw=2.2, label="slope dy/dx"),
            Line2D([], [], color=BALL_COLOR, lw=2.5, marker=">", label="step \u2212r\u00b7dy/dx"),
        ]
        side.legend(
            handles=keys,
            loc="lower left",
            frameon=False,
            fontsize=15,
            borderaxespad=0,
            handlelength=2.5,
        )

    def _clamp(self, x: float, y: float) -> tuple[float, float, str]:
        (x0, x1), (y0, y1) = self.xlim, self.ylim
        marker = "o"
        if not np.isfinite(y) or y > y1:
            marker, y = "^", y1 - 0.03 * (y1 - y0)
        if not np.isfinite(x) or x < x0 or x > x1:
            marker = "<" if x < x0 else ">"
            x = min(max(x, x0 + 0.025 * self.width), x1 - 0.025 * self.width)
        return x, y, marker

    def update(self, row: int) -> list[Artist]:
        t = self.t
        r = held(t, row)
        xs, ys = t["point/xy"][: r + 1, 0], t["scalar/loss"][: r + 1]
        x, y = float(xs[-1]), float(ys[-1])
        self.path.set_data(xs, ys)
        bx, by, marker = self._clamp(x, y)
        self.ball.set_data([bx], [by])
        self.ball.set_marker(marker)
        g = float(t["grad/xy"][r, 0])
        lr = float(t["scalar/lr"][r])
        has_next = r + 1 < len(t)
        on_chart = marker == "o"
        if np.isfinite(g) and on_chart:
            half = 0.12 * self.width
            self.tangent.set_data([x - half, x + half], [y - g * half, y + g * half])
        else:
            self.tangent.set_data([], [])
        if has_next and on_chart:
            xn = float(t["point/xy"][r + 1, 0])
            yn = float(t["scalar/loss"][r + 1])
            xe = min(max(xn, self.xlim[0]), self.xlim[1])
            self.arrow.set_positions((x, y), (xe, y))
            self.arrow.set_visible(True)
            on = xe == xn and yn <= self.ylim[1]
            self.drop.set_data([xe, xe] if on else [], [y, yn] if on else [])
        else:
            self.arrow.set_visible(False)
            self.drop.set_data([], [])
        self.numbers.set_text(self._numbers(x, g, lr, r, has_next))
        self.step.set_text(f"step {int(t.steps[r])}")
        note = status(t, row)
        if not note and not on_chart:
            note = "off the chart"
        self.status.set_text(note)
        return [
            self.path,
            self.ball,
            self.tangent,
            self.arrow,
            self.drop,
            self.numbers,
            self.step,
            self.status,
        ]

    def _numbers(self, x: float, g: float, lr: float, r: int, has_next: bool) -> str:
        blown = self.t.diverged is not None and not has_next
        if self.compact:
            if not has_next:
                return f"x = {_num(x)}" + ("  then \u221e" if blown else "  (final)")
            return f"x = {_num(x)} \u2192 {_num(self.t['point/xy'][r + 1, 0])}"
        lines = [f"r = {lr:g}   dy/dx = {_num(g)}", ""]
        if not has_next:
            lines += [f"x = {_num(x)}", "then it blows up" if blown else "(the final point)"]
        elif self.t.config.get("optimizer", "sgd") == "sgd":
            lines += [
                f"x = {_num(x)} \u2212 {lr:g} \u00d7 {_paren(g)}",
                f"  = {_num(self.t['point/xy'][r + 1, 0])}",
            ]
        else:
            opt = self.t.config.get("optimizer")
            lines += [
                f"x = {_num(x)} \u2192 {_num(self.t['point/xy'][r + 1, 0])}",
                f"({opt} also uses past gradients)",
            ]
        return "\n".join(lines)


class Descent1DDisplay(Display):
    """The ball on a 1-D loss curve (see :func:`draw_descent_1d`)."""

    blit_safe = True

    def __init__(self, trace: Trace, fig, panel: CurvePanel):
        artists = {
            "path": panel.path,
            "ball": panel.ball,
            "tangent": panel.tangent,
            "arrow": panel.arrow,
            "drop": panel.drop,
            "numbers": panel.numbers,
            "step": panel.step,
            "status": panel.status,
        }
        super().__init__(trace, fig, artists)
        self.panel = panel

    def update(self, row: int) -> list[Artist]:
        self.row = self._row(row)
        return self.panel.update(self.row)


_CURVE_KEYS = ("curve/x", "curve/y", "point/xy", "scalar/loss", "grad/xy", "scalar/lr")


def draw_descent_1d(
    trace: Trace,
    step: int = -1,
    *,
    ax: Axes | None = None,
    theme: str = "light",
    title: str | None = None,
) -> Descent1DDisplay:
    """Gradient descent on a 1-D curve, as on the lecture slide.

    Parameters
    ----------
    trace : Trace
        A 1-D run of :func:`vizlab.descend` (``curve/x``, ``curve/y`` (n,),
        ``point/xy`` (T, 1), ``scalar/loss``, ``grad/xy`` (T, 1), ``scalar/lr``).
    step : int
        Recorded row to show (negative counts from the end).
    ax : Axes, optional
    theme : {"light", "dark"}
    title : str, optional
        Default: a sentence for the run's regime (``REGIME_TITLES``).

    Returns
    -------
    Descent1DDisplay
        ``artists["ball"]`` sits at ``(point/xy[k], loss[k])``; ``artists["path"]``
        holds the first k+1 points; the tangent, the step arrow from ``x_k``
        to ``x_{k+1}`` and the rule with this step's numbers.
    """
    (trace,) = as_traces(trace, _CURVE_KEYS)
    if trace["point/xy"].ndim != 2 or trace["point/xy"].shape[1] != 1:
        raise ValueError("draw_descent_1d needs a 1-D run (point/xy of shape (T, 1))")
    with style.theme(theme):
        if ax is None:
            fig, (ax, side) = plt.subplots(
                1, 2, figsize=(12.8, 7.2), layout="constrained", width_ratios=(2.1, 1)
            )
        else:
            fig = ax.figure
            side = ax.inset_axes((0.02, 0.35, 0.3, 0.62))
        panel = CurvePanel(ax, trace, side=side)
        regime = trace.header.get("regime")
        lr = trace.config.get("lr")
        default = REGIME_TITLES.get(regime, "Gradient descent")
        ax.set_title(title or (f"{default} (r = {lr:g})" if lr is not None else default))
    disp = Descent1DDisplay(trace, fig, panel)
    disp.update(step)
    return disp


animate_descent_1d = animator(draw_descent_1d)


class LRRegimesDisplay(PartsDisplay):
    """Four learning rates side by side (see :func:`draw_lr_regimes`)."""


def draw_lr_regimes(
    traces: Sequence[Trace],
    step: int = -1,
    *,
    theme: str = "light",
    title: str | None = None,
    layout: tuple[int, int] = (2, 2),
) -> LRRegimesDisplay:
    """The learning-rate regimes side by side, in lockstep, on one 1-D curve each.

    Parameters
    ----------
    traces : list of Trace
        1-D runs (e.g. ``vizlab.descend("quadratic", lr=r)`` for each ``r`` in
        :data:`REGIME_LRS`); each panel is titled ``"r = 0.01: too small"``
        from the trace's lr and ``header["regime"]``.
    step : int
        Row of the longest trace; shorter (diverged) runs hold at their last
        row and say ``"diverged at step k"``.
    layout : (rows, cols)
        Panel grid; must have room for every trace.

    Returns
    -------
    LRRegimesDisplay
        ``artists["balls"]``, ``artists["paths"]`` (one per panel) and the rest
        of each panel's artists under ``artists["panels"]``.
    """
    items = as_traces(traces, _CURVE_KEYS)
    nr, nc = layout
    if nr * nc < len(items):
        raise ValueError(f"layout {layout} has {nr * nc} panels for {len(items)} traces")
    with style.theme(theme):
        fig, axes = plt.subplots(nr, nc, figsize=(12.8, 7.2), layout="constrained", squeeze=False)
        panels = []
        for ax, t in zip(axes.flat, items):
            panels.append(CurvePanel(ax, t))
            lr, regime = t.config.get("lr"), t.header.get("regime", "")
            ax.set_title(f"r = {lr:g}: {regime}" if lr is not None else regime)
        for ax in axes.flat[len(items) :]:
            ax.set_visible(False)
        for ax in axes[-1, :]:
            ax.set_xlabel("x")
        for ax in axes[:, 0]:
            ax.set_ylabel("loss y")
        fig.suptitle(title or "The learning rate decides: creep, slide, bounce or blow up")
    artists = {
        "balls": [p.ball for p in panels],
        "paths": [p.path for p in panels],
        "panels": [[p.tangent, p.arrow, p.drop, p.numbers, p.step, p.status] for p in panels],
    }
    disp = LRRegimesDisplay(items, fig, panels, artists)
    disp.update(step)
    return disp


animate_lr_regimes = animator(draw_lr_regimes, many=True)
