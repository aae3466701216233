"""Descent paths on a loss map: contours, optimizers racing, batch sizes, the 3-D bowl.

Every picture here is built from parts that each own a few artists and move
them to a recorded row: the loss map (drawn once), one path line and head
per trace, one loss-versus-step line per trace. Several traces move in
lockstep on one timeline over the longest; a shorter one (a run that
diverged) holds at its last row and says so. Nothing here imports torch.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes

from vizlab.render import style
from vizlab.render.base import animator, figure

# The loss-map parts and the 3-D surface live in their own modules; their
# names stay importable here.
from vizlab.render.lossmap import (
    _MAP_KEYS,
    DIVERGED_COLOR,
    LINE_COLOR,
    MAP_CMAP,
    MIN_COLOR,
    OPTIMIZER_NAMES,
    LossLines,
    PartsDisplay,
    PathLines,
    StepText,
    _labels,
    _same_map,
    as_traces,
    box,
    clip_to_box,
    draw_map,
    held,
    label,
    layered,
    log_levels,
    status,
)
from vizlab.render.surface import SurfaceDisplay, animate_surface_3d, draw_surface_3d
from vizlab.trace import Trace

__all__ = [
    "DIVERGED_COLOR",
    "LINE_COLOR",
    "MAP_CMAP",
    "MIN_COLOR",
    "OPTIMIZER_NAMES",
    "BatchPathsDisplay",
    "ContourPathsDisplay",
    "FitLines",
    "LossLines",
    "OptimizerRaceDisplay",
    "PartsDisplay",
    "PathLines",
    "StepText",
    "SurfaceDisplay",
    "animate_batch_paths",
    "animate_contour_paths",
    "animate_optimizer_race",
    "animate_surface_3d",
    "as_traces",
    "box",
    "clip_to_box",
    "draw_batch_paths",
    "draw_contour_paths",
    "draw_map",
    "draw_optimizer_race",
    "draw_surface_3d",
    "held",
    "label",
    "layered",
    "log_levels",
    "status",
]


class ContourPathsDisplay(PartsDisplay):
    """Paths on the contour map (see :func:`draw_contour_paths`)."""


class OptimizerRaceDisplay(PartsDisplay):
    """Optimizers racing on a map, with their loss curves (see :func:`draw_optimizer_race`)."""


class BatchPathsDisplay(PartsDisplay):
    """Batch sizes on the line-fit loss map (see :func:`draw_batch_paths`)."""


def draw_contour_paths(
    traces: Trace | Sequence[Trace],
    step: int = -1,
    *,
    labels: Sequence[str] | None = None,
    ax: Axes | None = None,
    theme: str = "light",
    title: str | None = None,
    levels: int = 18,
    extent=None,
) -> ContourPathsDisplay:
    """Descent paths on the contour map of a 2-D loss.

    Parameters
    ----------
    traces : Trace or list of Trace
        2-D runs on one landscape (``grid/*``, ``point/xy`` (T, 2)).
    step : int
        Row of the longest trace to show (negative counts from the end).
    labels : list of str, optional
        Legend entries; optimizer and learning rate from each header by default.
    ax : Axes, optional
    theme : {"light", "dark"}
    title : str, optional
    levels : int
        Number of log-spaced contour levels.
    extent : ((x0, x1), (y0, y1)), optional
        Zoom the fixed view; the landscape's whole grid by default.

    Returns
    -------
    ContourPathsDisplay
        ``artists["paths"]`` (one Line2D per trace, holding the first row+1
        points), ``artists["heads"]``, ``artists["step"]``.
    """
    items = as_traces(traces, _MAP_KEYS)
    _same_map(items)
    names = _labels(items, labels)
    with style.theme(theme):
        fig, ax = figure(ax, theme=theme)
        draw_map(ax, items[0], levels=levels, extent=extent)
        paths = PathLines(ax, items, names)
        text = StepText(ax, items, names)
        ax.legend(loc="upper right", framealpha=0.9)
        land = items[0].header.get("landscape", {})
        default = (
            "Each step goes straight downhill, across the contour lines"
            if len(items) == 1
            else f"Same start, {len(items)} runs: {land.get('title', 'loss landscape')}"
        )
        ax.set_title(title or default)
    artists = {
        "paths": paths.lines,
        "heads": paths.heads,
        "step": text.text,
        "status": text.diverged,
    }
    disp = ContourPathsDisplay(items, fig, [paths, text], artists)
    disp.update(step)
    return disp


animate_contour_paths = animator(draw_contour_paths, many=True)


def draw_optimizer_race(
    traces: Sequence[Trace],
    step: int = -1,
    *,
    labels: Sequence[str] | None = None,
    theme: str = "light",
    title: str | None = None,
    levels: int = 18,
    extent=None,
) -> OptimizerRaceDisplay:
    """Several optimizers from one start, in lockstep: paths on the map, loss against step.

    Parameters
    ----------
    traces : list of Trace
        Runs of :func:`vizlab.descend` on one 2-D landscape (e.g. SGD,
        momentum, RMSProp, Adam).
    step : int
        Row of the longest trace.
    labels, theme, title, levels, extent
        As in :func:`draw_contour_paths`.

    Returns
    -------
    OptimizerRaceDisplay
        ``artists["paths"]``, ``artists["heads"]``, ``artists["loss"]`` (one
        line per trace holding row+1 loss values), ``artists["step"]``.
    """
    items = as_traces(traces, (*_MAP_KEYS, "scalar/loss"))
    _same_map(items)
    names = _labels(items, labels)
    with style.theme(theme):
        fig, (ax_map, ax_loss) = plt.subplots(
            1, 2, figsize=(12.8, 7.2), layout="constrained", width_ratios=(1.25, 1)
        )
        draw_map(ax_map, items[0], levels=levels, extent=extent)
        paths = PathLines(ax_map, items, names)
        text = StepText(ax_map, items, names)
        losses = LossLines(ax_loss, items, names)
        ax_loss.legend(loc="upper right", framealpha=0.9)
        land = items[0].header.get("landscape", {})
        ax_map.set_title(land.get("title", "Loss landscape"), fontsize=14)
        ax_loss.set_title("Loss on the same timeline", fontsize=14)
        fig.suptitle(title or "Same start, same number of steps, each optimizer at its own rate")
    artists = {
        "paths": paths.lines,
        "heads": paths.heads,
        "loss": losses.lines,
        "step": text.text,
        "status": text.diverged,
    }
    disp = OptimizerRaceDisplay(items, fig, [paths, losses, text], artists)
    disp.update(step)
    return disp


animate_optimizer_race = animator(draw_optimizer_race, many=True)


class FitLines:
    """The data points and each run's current line ``y = w x + b``."""

    def __init__(self, ax: Axes, traces: list[Trace]):
        self.traces = traces
        x, y = traces[0]["data/x_points"], traces[0]["data/y_points"]
        ax.scatter(x, y, s=14, color=style.FAINT, alpha=0.8, zorder=1)
        self.xs = np.array([x.min(), x.max()])
        self.lines = []
        for i in range(len(traces)):
            (line,) = ax.plot([], [], color=style.series_color(i), lw=2.5, zorder=3)
            self.lines.append(line)
        pad = 0.15 * np.ptp(y)
        ax.set_ylim(y.min() - pad, y.max() + pad)
        ax.set_xlabel("x")
        ax.set_ylabel("y")

    def update(self, row: int) -> list[Artist]:
        for t, line in zip(self.traces, self.lines):
            w, b = t["point/xy"][held(t, row)]
            line.set_data(self.xs, w * self.xs + b)
        return list(self.lines)


def draw_batch_paths(
    traces: Sequence[Trace],
    step: int = -1,
    *,
    labels: Sequence[str] | None = None,
    theme: str = "light",
    title: str | None = None,
    levels: int = 18,
    extent=None,
) -> BatchPathsDisplay:
    """SGD (batch 1), a mini-batch and the full batch fitting one line, in lockstep.

    Left: the paths of ``(w, b)`` on the mean-squared-error map, where the
    noise of small batches shows as a wandering path. Right: the full-data
    loss against step (log scale) and the data with each run's current line.

    Parameters
    ----------
    traces : list of Trace
        From :func:`vizlab.core.linreg.minibatch_descent` (same data and start).
    step : int
        Row of the longest trace.
    labels, theme, title, levels, extent
        As in :func:`draw_contour_paths`.

    Returns
    -------
    BatchPathsDisplay
        ``artists["paths"]``, ``artists["heads"]``, ``artists["loss"]``,
        ``artists["fits"]`` (one line per trace), ``artists["step"]``.
    """
    items = as_traces(traces, (*_MAP_KEYS, "scalar/loss", "data/x_points", "data/y_points"))
    _same_map(items)
    names = _labels(items, labels)
    with style.theme(theme):
        fig = plt.figure(figsize=(12.8, 7.2), layout="constrained")
        grid = fig.add_gridspec(2, 2, width_ratios=(1.25, 1))
        ax_map = fig.add_subplot(grid[:, 0])
        ax_loss = fig.add_subplot(grid[0, 1])
        ax_fit = fig.add_subplot(grid[1, 1])
        draw_map(ax_map, items[0], levels=levels, extent=extent)
        paths = PathLines(ax_map, items, names)
        text = StepText(ax_map, items, names)
        losses = LossLines(ax_loss, items, names)
        ax_loss.set_ylabel("full-data loss")
        fits = FitLines(ax_fit, items)
        ax_map.legend(loc="upper right", framealpha=0.9)
        ax_map.set_title("Paths of (w, b) on the loss map", fontsize=14)
        ax_loss.set_title("Loss on all the data", fontsize=14)
        ax_fit.set_title("The fitted line y = w x + b", fontsize=14)
        fig.suptitle(title or "Small batches take noisy steps; the full batch glides")
    artists = {
        "paths": paths.lines,
        "heads": paths.heads,
        "loss": losses.lines,
        "fits": fits.lines,
        "step": text.text,
        "status": text.diverged,
    }
    disp = BatchPathsDisplay(items, fig, [paths, losses, fits, text], artists)
    disp.update(step)
    return disp


animate_batch_paths = animator(draw_batch_paths, many=True)
