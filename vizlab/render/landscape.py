"""A real network's loss landscape: contours, a 3-D surface, and the paths training took.

The pictures take traces from :func:`vizlab.landscape` (``surface/loss`` on
the grid ``grid/alpha`` x ``grid/beta``, the projected path ``path/xy``).
Several landscape traces made together (an optimizer race from one set of
initial weights) share one plane and are drawn on one map. The parts come
from the analytic-landscape pictures (:mod:`vizlab.render.lossmap`): a
landscape trace is shown to them under their key names by
:func:`descent_view`, which renames arrays and computes nothing.

How far each optimizer moves each weight per step is in
:mod:`vizlab.render.steps`. Nothing here imports torch.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

from vizlab.render import style
from vizlab.render.base import animator
from vizlab.render.lossmap import (
    LossLines,
    PartsDisplay,
    PathLines,
    StepText,
    as_traces,
    draw_map,
    label,
)
from vizlab.render.surface import SurfaceDisplay, draw_surface_3d
from vizlab.trace import Trace

LANDSCAPE_KEYS = ("grid/alpha", "grid/beta", "surface/loss", "path/xy", "path/loss")


def descent_view(trace: Trace, height: str = "recorded") -> Trace:
    """A landscape trace under the keys of a 2-D descent trace (same arrays, renamed).

    ``grid/x`` = ``grid/alpha``, ``grid/y`` = ``grid/beta``, ``grid/loss`` =
    ``surface/loss``, ``point/xy`` = ``path/xy``; ``scalar/loss`` is the
    recorded training loss of the real weights (``height="recorded"``) or
    the loss at the projected point on the plane (``height="plane"``, where
    the path lies on the drawn surface).
    """
    trace.require(*LANDSCAPE_KEYS, what="a landscape picture", hint="make it with vizlab.landscape")
    if height not in ("recorded", "plane"):
        raise ValueError(f"height must be 'recorded' or 'plane'; got {height!r}")
    arrays = {
        "scalar/step": trace.steps,
        "scalar/loss": trace["path/loss" if height == "recorded" else "path/loss_plane"],
        "point/xy": trace["path/xy"],
        "grid/x": trace["grid/alpha"],
        "grid/y": trace["grid/beta"],
        "grid/loss": trace["surface/loss"],
    }
    header = {k: v for k, v in trace.header.items() if k != "schema"}
    header["landscape"] = {**trace.header.get("landscape", {}), "dim": 2}
    return Trace(arrays, header)


def axis_labels(trace: Trace) -> tuple[str, str]:
    """What the two plane coordinates mean, from the landscape header."""
    land = trace.header.get("landscape", {})
    kind = land.get("directions")
    if kind == "pca":
        ex = land.get("explained", [np.nan, np.nan])
        return (
            f"PCA direction 1 ({100 * ex[0]:.0f} % of the path's spread)",
            f"PCA direction 2 ({100 * ex[1]:.0f} %)",
        )
    if kind == "random":
        return "random direction 1 (filter-normalised)", "random direction 2"
    if kind == "start":
        return "towards the initial weights (at 1)", "a random direction at right angles"
    return "direction 1", "direction 2"


def off_plane_note(traces: Sequence[Trace]) -> str:
    """How far the real weights are from the plane, in the units the map is drawn in."""
    worst = max(float(np.nanmax(t["path/distance"])) for t in traces)
    ref = traces[0]
    if ref.header.get("landscape", {}).get("directions") == "pca":
        half = float(ref["grid/alpha"][-1])
        return (
            f"The paths are projections: the real weights lie up to {worst:.3g} off the plane "
            f"(the map reaches {half:.3g} from its centre)"
        )
    unit = float(np.linalg.norm(ref["grid/directions"][0]))
    return (
        "The paths are projections: the real weights lie up to "
        f"{worst / unit:.3g} direction-1 lengths off the plane"
    )


def footer(fig, stamp: str = "", note: str = "") -> list:
    """Reserve a strip under the axes for a note and the lesson stamp, left-aligned.

    The note comes first; stamps of several runs (``lesson.stamp(a, b, ...)``)
    follow, three to a line, in small grey type.
    """
    parts = [p for p in stamp.split("  ") if p]
    lines = ["  ".join(parts[i : i + 3]) for i in range(0, len(parts), 3)]
    if not lines and not note:
        return []
    height = 0.022 * len(lines) + (0.032 if note else 0.0) + 0.008
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        engine.set(rect=(0, height, 1, 1 - height))
    out = []
    if lines:
        out.append(fig.text(0.005, 0.004, "\n".join(lines), fontsize=9, color=style.MUTED))
    if note:
        y = 0.022 * len(lines) + 0.006
        out.append(fig.text(0.005, y, note, fontsize=11, color=style.INK))
    return out


class LandscapeDisplay(PartsDisplay):
    """Paths on a network's loss landscape and their loss curves (see :func:`draw_landscape`)."""


def draw_landscape(
    traces: Trace | Sequence[Trace],
    step: int = -1,
    *,
    labels: Sequence[str] | None = None,
    theme: str = "light",
    title: str | None = None,
    levels: int = 18,
    stamp: str = "",
) -> LandscapeDisplay:
    """Contours of the training loss on a plane, with the path of each run over it.

    Parameters
    ----------
    traces : Trace or list of Trace
        Landscape traces from one :func:`vizlab.landscape` call (a list of
        them shares one plane, e.g. six optimizers from the same start).
    step : int
        Recorded row shown (of the longest run).
    labels : list of str, optional
        Legend names; default the optimizer and learning rate.
    levels : int
        Contour levels (spaced in log(loss - min)).
    stamp : str
        Small text in the lower left corner (the lesson's stamp).

    Returns
    -------
    LandscapeDisplay
        ``artists["paths"]`` (each holding its first row+1 projected
        points), ``artists["heads"]``, ``artists["loss"]`` (recorded
        training loss against step, row+1 values), ``artists["step"]``.
    """
    items = as_traces(traces, LANDSCAPE_KEYS)
    ref = items[0]
    for t in items[1:]:
        if not np.array_equal(t["grid/directions"], ref["grid/directions"]) or not np.array_equal(
            t["grid/alpha"], ref["grid/alpha"]
        ):
            raise ValueError("landscape traces drawn together must share one plane")
    views = [descent_view(t) for t in items]
    names = [label(t) for t in items] if labels is None else [str(s) for s in labels]
    if len(names) != len(items):
        raise ValueError(f"got {len(names)} labels for {len(items)} traces")
    with style.theme(theme):
        fig, (ax_map, ax_loss) = plt.subplots(
            1, 2, figsize=(12.8, 7.2), layout="constrained", width_ratios=(1.25, 1)
        )
        draw_map(ax_map, views[0], levels=levels)
        paths = PathLines(ax_map, views, names)
        text = StepText(ax_map, views, names)
        losses = LossLines(ax_loss, views, names)
        xl, yl = axis_labels(ref)
        ax_map.set_xlabel(xl, fontsize=12)
        ax_map.set_ylabel(yl, fontsize=12)
        through = ref.header.get("landscape", {}).get("through_step", "?")
        ax_map.set_title(f"Training loss on a plane through step {through}", fontsize=14)
        ax_loss.set_title("Training loss of the real weights", fontsize=14)
        # Losses fall from the top left: the lower left stays empty for the legend.
        ax_loss.legend(loc="lower left", framealpha=0.9, fontsize=11)
        default = "A real network's loss landscape" + (
            f": {len(items)} optimizers, one start" if len(items) > 1 else ""
        )
        fig.suptitle(title or default)
        footer(fig, stamp, off_plane_note(items))
    artists = {
        "paths": paths.lines,
        "heads": paths.heads,
        "loss": losses.lines,
        "step": text.text,
        "status": text.diverged,
    }
    disp = LandscapeDisplay(views, fig, [paths, losses, text], artists)
    disp.update(step)
    return disp


animate_landscape = animator(draw_landscape, many=True)


def draw_landscape_3d(
    trace: Trace,
    step: int = -1,
    *,
    theme: str = "light",
    title: str | None = None,
    resolution: int = 60,
    elev: float = 30.0,
    azim: float = -125.0,
    stamp: str = "",
) -> SurfaceDisplay:
    """The landscape as a 3-D surface with the path running over it.

    The path is drawn at the loss of its projected points
    (``path/loss_plane``), so it lies on the surface that is drawn; its
    shadow runs over the contour map on the floor.

    Parameters
    ----------
    trace : Trace
        One landscape trace from :func:`vizlab.landscape`.
    step : int
        Recorded row shown.
    resolution, elev, azim
        As in :func:`vizlab.render.surface.draw_surface_3d`.

    Returns
    -------
    SurfaceDisplay
        ``artists["path"]`` holds the first row+1 points (alpha, beta,
        loss on the plane).
    """
    (trace,) = as_traces(trace, (*LANDSCAPE_KEYS, "path/loss_plane"))
    view = descent_view(trace, height="plane")
    through = trace.header.get("landscape", {}).get("through_step", "?")
    default = f"{label(trace)}: the loss surface around step {through}, and the path on it"
    disp = draw_surface_3d(
        view, step, theme=theme, title=title or default, resolution=resolution, elev=elev, azim=azim
    )
    ax = disp.fig.axes[0]
    xl, yl = axis_labels(trace)
    with style.theme(theme):
        ax.set_xlabel(xl.split(" (")[0], labelpad=10)
        ax.set_ylabel(yl.split(" (")[0], labelpad=10)
        ax.set_zlabel("training loss", labelpad=10)
        footer(disp.fig, stamp, off_plane_note([trace]))
    return disp


animate_landscape_3d = animator(draw_landscape_3d)


class SeedLossesDisplay(PartsDisplay):
    """Loss curves of one network from several starts (see :func:`draw_loss_by_seed`)."""


def draw_loss_by_seed(
    traces: Sequence[Trace],
    step: int = -1,
    *,
    solved: float = 0.99,
    theme: str = "light",
    title: str | None = None,
    stamp: str = "",
) -> SeedLossesDisplay:
    """The training loss of one network trained from several initial weights, side by side.

    Each run is labelled with its seed, its final loss and accuracy; a run
    whose final training accuracy is below ``solved`` is drawn dashed: it
    stalled (a local minimum, or a plateau it has not left).

    Parameters
    ----------
    traces : list of Trace
        Training runs of one config that differ in ``seed``.
    step : int
        Recorded row shown (of the longest run).

    Returns
    -------
    SeedLossesDisplay
        ``artists["loss"]``: one line per run holding its first row+1 losses.
    """
    items = as_traces(traces, ("scalar/loss_train", "scalar/acc_train"))
    names = []
    for t in items:
        acc, loss = float(t["scalar/acc_train"][-1]), float(t["scalar/loss_train"][-1])
        names.append(f"seed {t.config.get('seed')}: loss {loss:.3f}, {acc:.0%}")
    views = [
        Trace({"scalar/step": t.steps, "scalar/loss": t["scalar/loss_train"]}, {"config": t.config})
        for t in items
    ]
    with style.theme(theme):
        fig, ax = plt.subplots(figsize=(12.8, 7.2), layout="constrained")
        losses = LossLines(ax, views, names)
        for line, t, i in zip(losses.lines, items, range(len(items))):
            line.set_color(style.series_color(i))
            if float(t["scalar/acc_train"][-1]) < solved:
                line.set_linestyle("--")
        text = StepText(ax, views, names, where=(0.02, 0.03))
        ax.set_ylabel("training loss (log scale)")
        ax.legend(loc="lower left", bbox_to_anchor=(0, 0.08), fontsize=10, ncols=2, framealpha=0.9)
        stalled = sum(float(t["scalar/acc_train"][-1]) < solved for t in items)
        fig.suptitle(
            title
            or f"One network, {len(items)} starts: {stalled} stall (dashed), "
            f"{len(items) - stalled} solve it"
        )
        footer(fig, stamp)
    disp = SeedLossesDisplay(views, fig, [losses, text], {"loss": losses.lines, "step": text.text})
    disp.update(step)
    return disp
