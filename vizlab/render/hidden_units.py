"""Every hidden neuron's response over the input plane, Playground style.

:func:`draw_hidden_units` puts one map per hidden unit beside the network's
output field. Nothing here imports torch.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes

from vizlab.render import style
from vizlab.render.base import Display, figure
from vizlab.render.boundary import field_picture
from vizlab.render.unit_data import (
    check_trace,
    grid_extent,
    unit_layers,
)
from vizlab.trace import Trace


def _unit_clim(activation: str, act: np.ndarray) -> tuple[float, float]:
    if activation == "sigmoid":
        return 0.0, 1.0
    if activation == "tanh":
        return -1.0, 1.0
    m = float(np.abs(act).max()) or 1.0
    return -m, m


def _scatter_points(ax: Axes, trace: Trace, size: float, alpha: float) -> None:
    X, y = trace["data/X_train"], trace["data/y_train"]
    ax.scatter(
        X[:, 0],
        X[:, 1],
        c=[style.class_color(c) for c in y],
        s=size,
        alpha=alpha,
        # A dark rim keeps a point visible on a field of its own class colour.
        edgecolors=style.PAPER if size < 10 else style.INK,
        linewidths=0.6,
        zorder=4,
    )


class HiddenUnitsDisplay(Display):
    """Per-neuron maps and the output field at one row.

    ``artists["units"][i]`` lists the AxesImages of layer ``i``'s units;
    ``artists["output"]`` the output field's AxesImage.
    """

    # Unit maps change their data and colour limits only (no colour bar follows them).
    blit_safe = True

    def update(self, row: int) -> list[Artist]:
        row = self._row(row)
        self.row = row
        a, tr = self.artists, self.trace
        fr = tr.field_row(row)
        changed: list[Artist] = []
        for i, images in a["units"].items():
            act = tr[f"act/fc{i}"][fr]
            lo, hi = _unit_clim(self.activation, act)
            for u, im in enumerate(images):
                im.set_data(act[u])
                im.set_clim(lo, hi)
            changed += images
        a["output"].set_data(field_picture(tr, fr)[0])  # P(class 1), or k-class regions
        a["title"].set_text(f"What each hidden unit computes: step {tr.steps[row]}")
        return changed + [a["output"], a["title"]]


def draw_hidden_units(
    trace: Trace,
    step: int = -1,
    *,
    layers: Sequence[int] | None = None,
    points: bool = True,
    theme: str = "light",
) -> HiddenUnitsDisplay:
    """Every hidden unit's output over the input plane, beside the network's output.

    Parameters
    ----------
    trace : Trace
        A :func:`vizlab.train` trace with ``act/fc{i}`` (F, units, H, W),
        ``field/output`` (F, H, W) on ``grid/x`` (W,), ``grid/y`` (H,).
    step : int
        Recorded row; the maps shown are those at ``trace.field_row(step)``.
    layers : sequence of int, optional
        Hidden layers to show (1 = first); default all with maps.
    points : bool
        Overlay the training points (lightly on the unit maps).

    Returns
    -------
    HiddenUnitsDisplay
        Unit map ``u`` of layer ``i`` holds ``act/fc{i}[field_row][u]``; the
        colour scale is [-1, 1] for tanh, [0, 1] for sigmoid, else symmetric
        around 0 up to the largest ``|output|`` of that layer at that row.
    """
    check_trace(trace, "field/output" if "field/class0" not in trace else "field/class0")
    have = unit_layers(trace)
    layers = have if layers is None else [int(i) for i in layers]
    if not layers or any(i not in have for i in layers):
        raise ValueError(f"layers must be among the layers with unit maps {have}; got {layers}")
    activation = trace.config.get("activation", "")
    extent = grid_extent(trace)
    with style.theme(theme):
        fig, _ = figure(theme=theme)
        fig.clear()
        shape = {i: (min(n, 4), -(-n // 4)) for i in layers for n in [trace[f"act/fc{i}"].shape[1]]}
        ncols = [shape[i][1] for i in layers]
        # About 170 px per column of unit maps at 1280 x 720; the output takes the rest.
        width = min(170 * sum(ncols) + 40, 900)
        left, right = fig.subfigures(1, 2, width_ratios=[width, 1280 - width])
        cols = left.subfigures(1, len(layers), squeeze=False, width_ratios=ncols)[0]
        units: dict[int, list] = {}
        im_kw = dict(extent=extent, origin="lower", cmap=style.UNIT_CMAP, interpolation="bilinear")
        for sub, i in zip(cols, layers):
            n = trace[f"act/fc{i}"].shape[1]
            axes = sub.subplots(*shape[i], squeeze=False).T.ravel()
            units[i] = []
            for u, ax in enumerate(axes):
                ax.set_xticks([])
                ax.set_yticks([])
                if u >= n:
                    ax.set_visible(False)
                    continue
                for spine in ax.spines.values():
                    spine.set_visible(True)
                    spine.set_color(style.GUIDE)
                units[i].append(ax.imshow(np.zeros((2, 2)), **im_kw))
                if points:
                    _scatter_points(ax, trace, 4, 0.35)
                ax.set_title(f"unit {u + 1}", fontsize=11, fontweight="normal", pad=2)
            sub.suptitle(f"layer {i}: {n} {activation}", fontsize=14)
        ax = right.subplots()
        out = ax.imshow(field_picture(trace, 0)[0], vmin=0, vmax=1, **im_kw)
        if points:
            _scatter_points(ax, trace, 30, 1.0)
        ax.set_xticks([])
        ax.set_yticks([])
        if "field/output" in trace:
            ax.set_title("output P(class 1)")
            right.colorbar(out, ax=ax, shrink=0.7, ticks=[0, 0.5, 1])
        else:
            ax.set_title("output: most probable class")
        title = fig.suptitle("", fontsize=18, fontweight="bold")
        disp = HiddenUnitsDisplay(trace, fig, {"units": units, "output": out, "title": title})
        disp.activation = activation
        disp.update(step)
    return disp
