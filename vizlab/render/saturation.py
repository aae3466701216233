"""How many units sit in a flat region (saturated sigmoid/tanh, dead ReLU) over training.

Nothing here imports torch.
"""

from __future__ import annotations

import numpy as np
from matplotlib.artist import Artist

from vizlab.render import style
from vizlab.render.base import Display, subplots
from vizlab.render.unit_data import (
    FLAT,
    FLAT_COLOR,
    check_trace,
    slope_from_output,
)
from vizlab.trace import Trace


def saturation_curves(
    trace: Trace, layer: int, flat: float = FLAT
) -> tuple[np.ndarray, np.ndarray]:
    """Share of flat (unit, point) pairs and of dead units at each field row.

    Parameters
    ----------
    trace : Trace
        With ``embed/fc{layer}`` (F, N, units), the layer's outputs on the
        training points.
    flat : float
        A unit is flat at a point when its slope ``g'(z) < flat`` there
        (see :func:`slope_from_output`).

    Returns
    -------
    saturated : ndarray (F,)
        Fraction of (point, unit) pairs that are flat.
    dead : ndarray (F,)
        Fraction of units flat at every training point: no gradient reaches
        their incoming weights from any example (a dead ReLU, a sigmoid
        pinned at 0 or 1).
    """
    slope = slope_from_output(
        trace[f"embed/fc{layer}"].astype(np.float64), trace.config.get("activation", "")
    )
    is_flat = slope < flat
    return is_flat.mean((1, 2)), is_flat.all(1).mean(1)


class SaturationDisplay(Display):
    """Histogram of one layer's outputs at a row, and the flat/dead shares over training."""

    blit_safe = True  # bar heights, lines and the title change; the axes stay put

    def update(self, row: int) -> list[Artist]:
        row = self._row(row)
        self.row = row
        a, tr = self.artists, self.trace
        fr = tr.field_row(row)
        values = tr[f"embed/fc{self.layer}"][fr].ravel()
        if self.zero_bin:  # a ReLU's exact zeros get the bin just left of 0
            values = np.where(values <= 0, self.edges[0] / 2, values)
        heights = np.histogram(np.clip(values, *self.edges[[0, -1]]), self.edges)[0] / values.size
        for bar, h in zip(a["bars"], heights):
            bar.set_height(h)
        x = tr.steps[tr.field_steps[: fr + 1]]
        for i, (sat, dead) in self.curves.items():
            a["sat"][i].set_data(x, sat[: fr + 1])
            a["dead"][i].set_data(x, dead[: fr + 1])
        a["title"].set_text(f"layer {self.layer} outputs: step {tr.steps[row]}")
        return [*a["bars"], *a["sat"].values(), *a["dead"].values(), a["title"]]


def draw_saturation(
    trace: Trace,
    step: int = -1,
    *,
    layer: int = 1,
    flat: float = FLAT,
    bins: int = 40,
    theme: str = "light",
) -> SaturationDisplay:
    """Vanishing gradients in a run: saturated sigmoid/tanh units, dead ReLUs.

    Left, the histogram of layer ``layer``'s outputs over all training points
    and units at the row, with the flat region (``g'(z) < flat``) in grey;
    right, over training, the share of flat (point, unit) pairs (solid) and
    of dead units, flat for every point (dashed), for each hidden layer.

    Parameters
    ----------
    trace : Trace
        A :func:`vizlab.train` trace with ``embed/fc{i}`` (F, N, units) (hidden
        layers of at most 16 units); everything drawn is computed from it.
    layer : int
        Layer of the histogram.
    flat : float
        Slope threshold (see :func:`saturation_curves`).

    Returns
    -------
    SaturationDisplay
        ``curves[i]`` the (saturated, dead) arrays of layer ``i``, plotted up
        to the current field row; ``artists["bars"]`` the histogram bars.
    """
    check_trace(trace, f"embed/fc{layer}")
    activation = trace.config.get("activation", "")
    layers = [int(k[len("embed/fc") :]) for k in trace.keys("embed")]
    curves = {i: saturation_curves(trace, i, flat) for i in sorted(layers)}
    emb = trace[f"embed/fc{layer}"]
    lo, hi = float(emb.min()), float(emb.max())
    if activation in ("sigmoid", "tanh"):
        lo, hi = (0.0, 1.0) if activation == "sigmoid" else (-1.0, 1.0)
    hi = hi if hi > lo else lo + 1
    zero_bin = activation == "relu"
    if zero_bin:  # bin 0 is [-d, 0) and holds the exact zeros (slope 0) only
        d = hi / (bins - 1)
        edges = np.arange(bins + 1) * d - d
    else:
        edges = np.linspace(lo, hi, bins + 1)
    centres = (edges[:-1] + edges[1:]) / 2
    flat_bin = slope_from_output(centres, activation) < flat
    if zero_bin:
        flat_bin = np.arange(bins) == 0
    with style.theme(theme):
        fig, (ax_h, ax_c) = subplots(1, 2, theme=theme, width_ratios=[1, 1.2])
        colors = np.where(flat_bin, FLAT_COLOR, style.series_color(0))
        bars = ax_h.bar(
            centres,
            np.zeros(bins),
            width=edges[1] - edges[0],
            color=colors,
            edgecolor=style.PAPER,
            linewidth=0.5,
        )
        shown = np.where(emb <= 0, edges[0] / 2, emb) if zero_bin else emb
        peak = max(
            np.histogram(np.clip(e.ravel(), edges[0], edges[-1]), edges)[0].max() / e.size
            for e in shown
        )
        ax_h.set_ylim(0, peak * 1.08)
        ax_h.set_xlim(edges[0], edges[-1])
        ax_h.set_xlabel(f"unit output {activation}(z)")
        ax_h.set_ylabel("share of (point, unit) pairs")
        ax_h.bar([0], [0], color=FLAT_COLOR, label=f"flat: g'(z) < {flat:g}")
        ax_h.legend(loc="upper center", fontsize=12)
        x_end = int(trace.steps[-1])
        art: dict = {"bars": list(bars), "sat": {}, "dead": {}}
        for i in curves:
            color = style.layer_color(i)
            (art["sat"][i],) = ax_c.plot([], [], color=color, label=f"layer {i}: flat pairs")
            (art["dead"][i],) = ax_c.plot(
                [], [], color=color, ls="--", label=f"layer {i}: dead units"
            )
        ax_c.set_xlim(0, x_end)
        ax_c.set_ylim(-0.02, 1.3)
        ax_c.set_yticks([0, 0.25, 0.5, 0.75, 1])
        ax_c.set_xlabel("step")
        ax_c.set_ylabel("fraction")
        ax_c.set_title("no gradient flows through flat units")
        ax_c.legend(loc="upper center", fontsize=12, ncol=2, framealpha=0.9)
        art["title"] = ax_h.set_title("")
        fig.suptitle(f"Saturation in a {activation} network")
        disp = SaturationDisplay(trace, fig, art)
        disp.layer, disp.curves, disp.edges, disp.zero_bin = layer, curves, edges, zero_bin
        disp.update(step)
    return disp
