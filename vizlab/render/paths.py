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
from matplotlib.colors import LinearSegmentedColormap

from vizlab.render import style
from vizlab.render.base import Display, figure
from vizlab.trace import Trace

#: Pale fill under the contour lines, so coloured paths stand out on it.
MAP_CMAP = LinearSegmentedColormap.from_list("vizlab_map", ["#ffffff", "#dbe4ee", "#a9bcd0"])
LINE_COLOR = "#7f93a8"
MIN_COLOR = "#ffd21f"
DIVERGED_COLOR = "#c62828"
OPTIMIZER_NAMES = {
    "sgd": "SGD",
    "momentum": "Momentum",
    "nesterov": "Nesterov",
    "adagrad": "Adagrad",
    "rmsprop": "RMSProp",
    "adam": "Adam",
}


def as_traces(traces: Trace | Sequence[Trace], need: Sequence[str] = ()) -> list[Trace]:
    """One trace or many as a non-empty list, each holding the keys in ``need``."""
    items = [traces] if isinstance(traces, Trace) else list(traces)
    if not items or not all(isinstance(t, Trace) for t in items):
        raise ValueError("expected a Trace or a non-empty list of Traces")
    for t in items:
        missing = [k for k in need if k not in t]
        if missing:
            raise ValueError(f"this picture needs {', '.join(missing)}; the trace has {t.keys()}")
    return items


def held(trace: Trace, row: int) -> int:
    """The row a trace shows at shared row ``row``: it holds at its last row when shorter."""
    return min(row, len(trace) - 1)


def label(trace: Trace) -> str:
    """A legend label from the header: ``"Adam (r = 0.1)"`` or ``"mini-batch of 16"``."""
    cfg = trace.config
    if trace.header.get("kind") == "linreg":
        B, n = trace.header["batch_size"], cfg["n_points"]
        if B == 1:
            return "SGD: batch of 1"
        return f"full batch of {n}" if B >= n else f"mini-batch of {B}"
    name = OPTIMIZER_NAMES.get(cfg.get("optimizer"), str(cfg.get("optimizer", "run")))
    return f"{name} (r = {cfg['lr']:g})" if "lr" in cfg else name


def status(trace: Trace, row: int) -> str:
    """``"diverged at step k"`` once a diverged trace has run out of rows, else ``""``."""
    ev = trace.diverged
    return f"diverged at step {ev['step']}" if ev and row >= len(trace) - 1 else ""


def layered(i: int, n: int) -> tuple[float, float]:
    """Line width and zorder offset of series ``i`` of ``n``: later ones wider and underneath.

    Runs that nearly coincide (a mini-batch and the full batch) then show
    as a thin line on a wider one instead of one hiding the other.
    """
    return 2.0 + 2.0 * i / max(n - 1, 1), 0.01 * (n - i)


def log_levels(Z: np.ndarray, n: int = 18) -> np.ndarray:
    """Contour levels spaced evenly in log(loss - min), from near the minimum up.

    The lowest level sits at the 0.5th percentile of the map, so the valley
    floor gets rings even when the corners are 10^5 times higher.
    """
    Z = np.asarray(Z, dtype=float)
    zmin = float(np.nanmin(Z))
    rel = Z - zmin
    top = float(np.nanpercentile(rel, 99.5))
    if top <= 0:
        return np.array([zmin, zmin + 1.0])
    low = max(float(np.nanpercentile(rel, 0.5)), top * 1e-6)
    return zmin + np.geomspace(low, top, n)


def box() -> dict:
    """A text box in the current theme's background colour (call inside ``style.theme``)."""
    fc = plt.rcParams["axes.facecolor"]
    return {"boxstyle": "round,pad=0.3", "fc": fc, "ec": "none", "alpha": 0.85}


def clip_to_box(xy: np.ndarray, xlim, ylim) -> np.ndarray:
    """Points outside the drawn box become NaN (3-D axes do not clip lines)."""
    xy = np.array(xy, dtype=float)
    out = (xy[:, 0] < xlim[0]) | (xy[:, 0] > xlim[1]) | (xy[:, 1] < ylim[0]) | (xy[:, 1] > ylim[1])
    xy[out] = np.nan
    return xy


def draw_map(ax: Axes, trace: Trace, *, levels: int = 18, start: bool = True, extent=None) -> None:
    """The static loss map of ``trace``: pale filled contours, rings, minima, start.

    The view is the landscape's grid (or ``extent`` = ((x0, x1), (y0, y1))),
    fixed, with equal scales on both axes, so a step crosses the rings at
    right angles as the gradient does and a diverging path leaves the view
    instead of stretching it.
    """
    gx, gy, Z = trace["grid/x"], trace["grid/y"], trace["grid/loss"]
    (x0, x1), (y0, y1) = extent or ((gx[0], gx[-1]), (gy[0], gy[-1]))
    if not (x0 < x1 and y0 < y1):
        raise ValueError(f"extent must be ((x0, x1), (y0, y1)) with x0 < x1, y0 < y1; got {extent}")
    # levels from the part of the map in view, so a zoom gets its own rings
    inside = np.ix_((gy >= y0) & (gy <= y1), (gx >= x0) & (gx <= x1))
    lv = log_levels(Z[inside] if Z[inside].size > 3 else Z, levels)
    ax.contourf(gx, gy, Z, levels=lv, cmap=MAP_CMAP, extend="both", zorder=0)
    ax.contour(gx, gy, Z, levels=lv, colors=LINE_COLOR, linewidths=0.8, zorder=1)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    if "data/minima" in trace and len(trace["data/minima"]):
        m = trace["data/minima"]
        ax.plot(m[:, 0], m[:, 1], "*", ms=22, color=MIN_COLOR, mec="black", mew=1.2, zorder=6)
    if start:
        s = trace["point/xy"][0]
        ax.plot(*s, "o", ms=11, mfc="white", mec="black", mew=1.8, zorder=6)
        ax.annotate(
            "start",
            s,
            xytext=(-10, 10),
            textcoords="offset points",
            ha="right",
            fontsize=14,
            zorder=7,
            bbox=box(),
        )
    land = trace.header.get("landscape", {})
    if trace.header.get("kind") == "linreg":
        ax.set_xlabel("slope w")
        ax.set_ylabel("intercept b")
    elif land.get("dim") == 2:
        ax.set_xlabel("x")
        ax.set_ylabel("y")


class PathLines:
    """One path line (the first row+1 points) and a head marker per trace, on a map."""

    def __init__(self, ax: Axes, traces: list[Trace], labels: Sequence[str]):
        self.traces = traces
        self.lines, self.heads = [], []
        for i, name in enumerate(labels):
            c = style.SERIES[i % len(style.SERIES)]
            lw, z = layered(i, len(labels))
            (line,) = ax.plot([], [], "-o", color=c, lw=lw, ms=3.5, label=name, zorder=4 + z)
            (head,) = ax.plot([], [], "o", color=c, ms=12, mec="black", mew=1.2, zorder=5)
            self.lines.append(line)
            self.heads.append(head)

    def update(self, row: int) -> list[Artist]:
        for t, line, head in zip(self.traces, self.lines, self.heads):
            r = held(t, row)
            xy = t["point/xy"][: r + 1]
            line.set_data(xy[:, 0], xy[:, 1])
            head.set_data(xy[-1:, 0], xy[-1:, 1])
        return [*self.lines, *self.heads]


class LossLines:
    """Loss against step for each trace on a log axis, each line holding row+1 values.

    The limits are fixed once from every run's finite losses, capped at ten
    times the highest starting loss, so one exploding run cannot squash the rest.
    """

    def __init__(self, ax: Axes, traces: list[Trace], labels: Sequence[str], key="scalar/loss"):
        self.traces, self.key = traces, key
        self.lines = []
        for i, name in enumerate(labels):
            c = style.SERIES[i % len(style.SERIES)]
            lw, z = layered(i, len(labels))
            (line,) = ax.plot([], [], color=c, lw=lw + 0.3, label=name, zorder=2 + z)
            self.lines.append(line)
        allv = np.concatenate([np.asarray(t[key], float) for t in traces])
        pos = allv[np.isfinite(allv) & (allv > 0)]
        cap = 10 * max(float(t[key][0]) for t in traces)
        top = min(float(pos.max()), cap) if pos.size else cap
        low = max(float(pos.min()) if pos.size else top * 1e-6, top * 1e-12)
        ax.set_yscale("log")
        ax.set_ylim(low / 2, top * 2)
        ax.set_xlim(0, max(int(t.steps[-1]) for t in traces) or 1)
        ax.set_xlabel("step")
        ax.set_ylabel("loss (log scale)")
        ax.grid(True, which="major", alpha=0.6)

    def update(self, row: int) -> list[Artist]:
        for t, line in zip(self.traces, self.lines):
            r = held(t, row)
            line.set_data(t.steps[: r + 1], t[self.key][: r + 1])
        return list(self.lines)


class StepText:
    """ "step k" in a corner, plus a line per trace that has diverged by now."""

    def __init__(self, ax: Axes, traces: list[Trace], labels: Sequence[str], where=(0.02, 0.03)):
        self.traces, self.labels, self.longest = traces, labels, max(traces, key=len)
        self.text = ax.text(*where, "", transform=ax.transAxes, fontsize=14, bbox=box(), zorder=8)
        self.diverged = ax.text(
            where[0],
            0.97,
            "",
            transform=ax.transAxes,
            va="top",
            color=DIVERGED_COLOR,
            fontsize=13,
            zorder=8,
        )

    def update(self, row: int) -> list[Artist]:
        self.text.set_text(f"step {int(self.longest.steps[row])}")
        notes = [
            f"{n}: {status(t, row)}" for t, n in zip(self.traces, self.labels) if status(t, row)
        ]
        self.diverged.set_text("\n".join(notes))
        return [self.text, self.diverged]


class PartsDisplay(Display):
    """A display made of parts that each move their own artists to a row.

    Attributes
    ----------
    traces : list of Trace
        The runs shown in lockstep; ``trace`` is the longest of them.
    parts : list
        Objects with ``update(row) -> list[Artist]``.
    """

    blit_safe = True

    def __init__(self, traces: list[Trace], fig, parts: list, artists: dict):
        super().__init__(max(traces, key=len), fig, artists)
        self.traces, self.parts = traces, parts

    def update(self, row: int) -> list[Artist]:
        row = self._row(row)
        self.row = row
        changed: list[Artist] = []
        for part in self.parts:
            changed.extend(part.update(row))
        return changed


class ContourPathsDisplay(PartsDisplay):
    """Paths on the contour map (see :func:`draw_contour_paths`)."""


class OptimizerRaceDisplay(PartsDisplay):
    """Optimizers racing on a map, with their loss curves (see :func:`draw_optimizer_race`)."""


class BatchPathsDisplay(PartsDisplay):
    """Batch sizes on the line-fit loss map (see :func:`draw_batch_paths`)."""


def _labels(traces: list[Trace], labels: Sequence[str] | None) -> list[str]:
    if labels is None:
        return [label(t) for t in traces]
    if len(labels) != len(traces):
        raise ValueError(f"got {len(labels)} labels for {len(traces)} traces")
    return [str(s) for s in labels]


def _same_map(traces: list[Trace]) -> None:
    ref = traces[0]
    for t in traces[1:]:
        if t["grid/loss"].shape != ref["grid/loss"].shape or not (
            np.array_equal(t["grid/x"], ref["grid/x"])
            and np.array_equal(t["grid/y"], ref["grid/y"])
        ):
            raise ValueError("all traces must share one landscape (the same grid/x, grid/y)")


_MAP_KEYS = ("grid/x", "grid/y", "grid/loss", "point/xy")


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


def animate_contour_paths(traces, *, timeline=None, **kwargs):
    """:func:`draw_contour_paths` at row 0, moved along ``timeline`` (longest trace)."""
    return draw_contour_paths(traces, 0, **kwargs).animate(timeline)


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
        fig.suptitle(title or "Same start, same steps: momentum and adaptive steps get there first")
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


def animate_optimizer_race(traces, *, timeline=None, **kwargs):
    """:func:`draw_optimizer_race` at row 0, moved along ``timeline``."""
    return draw_optimizer_race(traces, 0, **kwargs).animate(timeline)


class FitLines:
    """The data points and each run's current line ``y = w x + b``."""

    def __init__(self, ax: Axes, traces: list[Trace]):
        self.traces = traces
        x, y = traces[0]["data/x_points"], traces[0]["data/y_points"]
        ax.scatter(x, y, s=14, color="#9aa5b1", alpha=0.8, zorder=1)
        self.xs = np.array([x.min(), x.max()])
        self.lines = []
        for i in range(len(traces)):
            (line,) = ax.plot([], [], color=style.SERIES[i % len(style.SERIES)], lw=2.5, zorder=3)
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


def animate_batch_paths(traces, *, timeline=None, **kwargs):
    """:func:`draw_batch_paths` at row 0, moved along ``timeline``."""
    return draw_batch_paths(traces, 0, **kwargs).animate(timeline)


class SurfaceDisplay(Display):
    """The path on the 3-D loss surface (see :func:`draw_surface_3d`)."""

    blit_safe = False  # 3-D axes re-sort their artists on every draw

    def __init__(self, trace: Trace, fig, artists: dict, xyz: np.ndarray, floor: float):
        super().__init__(trace, fig, artists)
        # (T, 3) points drawn on the surface: x, y, loss (NaN outside the box)
        self._xyz, self._floor = xyz, floor

    def update(self, row: int) -> list[Artist]:
        self.row = r = self._row(row)
        xyz = self._xyz[: r + 1]
        self.artists["path"].set_data_3d(xyz[:, 0], xyz[:, 1], xyz[:, 2])
        self.artists["shadow"].set_data_3d(xyz[:, 0], xyz[:, 1], np.full(len(xyz), self._floor))
        self.artists["ball"].set_data_3d(xyz[-1:, 0], xyz[-1:, 1], xyz[-1:, 2])
        self.artists["step"].set_text(f"step {int(self.trace.steps[r])}")
        self.artists["status"].set_text(status(self.trace, r))
        return list(self.artists.values())


def draw_surface_3d(
    trace: Trace,
    step: int = -1,
    *,
    ax: Axes | None = None,
    theme: str = "light",
    title: str | None = None,
    resolution: int = 60,
    elev: float = 28.0,
    azim: float = -130.0,
) -> SurfaceDisplay:
    """Gradient descent in 3-D: the loss surface with the path and the ball on it.

    Parameters
    ----------
    trace : Trace
        A 2-D run (``grid/x`` (W,), ``grid/y`` (H,), ``grid/loss`` (H, W),
        ``point/xy`` (T, 2), ``scalar/loss`` (T,)).
    step : int
        Recorded row to show.
    ax : Axes3D, optional
        A 3-D axes (``projection="3d"``); a new figure by default.
    resolution : int
        Grid lines per axis of the drawn surface (the stored grid is thinned).
    elev, azim : float
        View angle in degrees.

    Returns
    -------
    SurfaceDisplay
        ``artists["path"]`` (x, y, loss) of the first row+1 points (NaN where
        the path left the drawn box), ``artists["ball"]``, ``artists["shadow"]``
        (the path on the floor, over the contour map).
    """
    (trace,) = as_traces(trace, ("grid/x", "grid/y", "grid/loss", "point/xy", "scalar/loss"))
    if ax is not None and getattr(ax, "name", "") != "3d":
        raise ValueError("draw_surface_3d needs a 3-D axes (projection='3d')")
    gx, gy, Z = trace["grid/x"], trace["grid/y"], trace["grid/loss"]
    sy, sx = max(1, len(gy) // resolution), max(1, len(gx) // resolution)
    X, Y = np.meshgrid(gx[::sx], gy[::sy])
    Zs = Z[::sy, ::sx]
    zmin, zmax = float(Z.min()), float(Z.max())
    floor = zmin - 0.25 * (zmax - zmin)
    xy = clip_to_box(trace["point/xy"], (gx[0], gx[-1]), (gy[0], gy[-1]))
    loss = np.where(np.isfinite(xy[:, 0]), trace["scalar/loss"], np.nan)
    with style.theme(theme):
        if ax is None:
            fig = plt.figure(figsize=(12.8, 7.2), layout="constrained")
            ax = fig.add_subplot(projection="3d", computed_zorder=False)
        fig = ax.figure
        ax.plot_surface(
            X,
            Y,
            Zs,
            cmap="viridis",
            alpha=0.75,
            linewidth=0,
            antialiased=True,
            rstride=1,
            cstride=1,
            zorder=1,
        )
        ax.contour(
            gx,
            gy,
            Z,
            levels=log_levels(Z, 14),
            zdir="z",
            offset=floor,
            cmap="viridis",
            linewidths=1,
            alpha=0.6,
            zorder=0,
        )
        (shadow,) = ax.plot([], [], [], "-", color=style.PATH_COLOR, lw=1.5, alpha=0.6, zorder=2)
        (path,) = ax.plot([], [], [], "-o", color=style.PATH_COLOR, lw=2.5, ms=4, zorder=5)
        (ball,) = ax.plot([], [], [], "o", color=style.PATH_COLOR, ms=14, mec="black", zorder=6)
        if "data/minima" in trace and len(trace["data/minima"]):
            # the stars sit on the floor map, under the surface
            m = trace["data/minima"]
            ax.plot(
                m[:, 0],
                m[:, 1],
                np.full(len(m), floor),
                "*",
                ms=18,
                color=MIN_COLOR,
                mec="black",
                zorder=0.5,
            )
        ax.set_xlim(gx[0], gx[-1])
        ax.set_ylim(gy[0], gy[-1])
        ax.set_zlim(floor, zmax)
        ax.view_init(elev=elev, azim=azim)
        ax.set_box_aspect(None, zoom=1.1)
        ax.set_xlabel("x", labelpad=10)
        ax.set_ylabel("y", labelpad=10)
        ax.set_zlabel("loss", labelpad=10)
        step_text = ax.text2D(0.02, 0.95, "", transform=ax.transAxes, fontsize=16)
        status_text = ax.text2D(
            0.02,
            0.89,
            "",
            transform=ax.transAxes,
            fontsize=15,
            color=DIVERGED_COLOR,
            fontweight="bold",
        )
        land = trace.header.get("landscape", {})
        default = "Gradient descent in 3-D: every step goes downhill"
        if land.get("title"):
            default += f"\n{land['title']}"
        ax.set_title(title or default)
    disp = SurfaceDisplay(
        trace,
        fig,
        {"path": path, "ball": ball, "shadow": shadow, "step": step_text, "status": status_text},
        np.column_stack([xy, loss]),
        floor,
    )
    disp.update(step)
    return disp


def animate_surface_3d(trace: Trace, *, timeline=None, **kwargs):
    """:func:`draw_surface_3d` at row 0, moved along ``timeline``."""
    return draw_surface_3d(trace, 0, **kwargs).animate(timeline)
