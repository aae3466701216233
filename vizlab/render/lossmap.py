"""The parts every descent-path picture is built from.

The loss map (drawn once), one path line and head per trace, one
loss-versus-step line per trace, the step text, and the display that moves
them all to a recorded row. Several traces move in lockstep on one timeline
over the longest; a shorter one (a run that diverged) holds at its last row
and says so. Nothing here imports torch.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes

from vizlab.render import style
from vizlab.render.base import Display
from vizlab.trace import Trace

#: Pale fill under the contour lines, so coloured paths stand out on it.
MAP_CMAP = style.LOSS_CMAP
LINE_COLOR = style.LOSS_LINE_COLOR
MIN_COLOR = style.MIN_COLOR
DIVERGED_COLOR = style.DIVERGED_COLOR
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
        t.require(*need, hint=f"this picture needs them; the trace has {t.keys()}")
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

    The view is the landscape's grid (or ``extent``), fixed, with equal
    scales on both axes, so a step crosses the rings at right angles as the
    gradient does and a diverging path leaves the view instead of
    stretching it.

    Parameters
    ----------
    ax : Axes
        The matplotlib axes drawn on (its limits, aspect and, for a
        regression or 2-D landscape, axis labels are set).
    trace : Trace
        A descent trace with ``grid/x`` (nx,), ``grid/y`` (ny,),
        ``grid/loss`` (ny, nx) and ``point/xy`` (T, 2), optionally
        ``data/minima`` (k, 2) drawn as stars; coordinates are in the
        landscape's own parameter units.
    levels : int
        Number of contour levels, spaced evenly in log(loss - min) over the
        part of the map in view (:func:`log_levels`).
    start : bool
        Mark and label the path's first point, ``point/xy[0]``.
    extent : ((float, float), (float, float)), optional
        ``((x0, x1), (y0, y1))`` with ``x0 < x1`` and ``y0 < y1`` (a
        ValueError otherwise), in the grid's units; default the whole grid.
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
        ax.plot(m[:, 0], m[:, 1], "*", ms=22, color=MIN_COLOR, mec=style.INK, mew=1.2, zorder=6)
    if start:
        s = trace["point/xy"][0]
        ax.plot(*s, "o", ms=11, mfc=style.PAPER, mec=style.INK, mew=1.8, zorder=6)
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


def run_colors(traces: Sequence[Trace]) -> list[str]:
    """One colour per trace: the optimizer's own colour (:func:`vizlab.render.style.run_color`)
    when the traces differ by optimizer, so Adam is the same colour on every page;
    otherwise the categorical palette in order."""
    opts = [t.config.get("optimizer") for t in traces]
    if all(opts) and len(set(opts)) == len(opts):
        return [style.run_color(o) for o in opts]
    return [style.series_color(i) for i in range(len(traces))]


class PathLines:
    """One path line (the first row+1 points) and a head marker per trace, on a map.

    Heads get smaller and higher in z-order run by run, so runs that end on
    the same point show as concentric rings instead of hiding each other.
    """

    def __init__(self, ax: Axes, traces: list[Trace], labels: Sequence[str]):
        self.traces = traces
        self.lines, self.heads = [], []
        for i, (name, c) in enumerate(zip(labels, run_colors(traces))):
            lw, z = layered(i, len(labels))
            (line,) = ax.plot([], [], "-o", color=c, lw=lw, ms=3.5, label=name, zorder=4 + z)
            ms = max(6.0, 16.0 - 3.0 * i)
            (head,) = ax.plot([], [], "o", color=c, ms=ms, mec=style.INK, mew=1.2, zorder=6 + i)
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
        for i, (name, c) in enumerate(zip(labels, run_colors(traces))):
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
