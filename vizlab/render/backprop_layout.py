"""The graph layout of :mod:`vizlab.render.backprop`: units in columns, edges, number labels.

Also the number format and the two colour scales every backprop picture
shares (forward values: a light sequential scale; gradients: the diverging
sign map of :mod:`vizlab.render.style`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import ListedColormap

from vizlab.render import style
from vizlab.trace import Trace

#: Forward values: a light sequential scale (black numbers stay readable on every fill);
#: gradients keep the diverging sign map, so the two scales never look alike.
VALUE_CMAP = ListedColormap(colormaps["Purples"](np.linspace(0.05, 0.55, 256)), "vizlab_value")
GRAD_CMAP = style.FIELD_CMAP
# Every edge sits on a grey wire, so one with a vanishing gradient (white) still shows.
EDGE_BASE = style.FAINT


def fmt(v: float) -> str:
    """A number as the picture writes it: 3 significant digits (``-0.998``, ``0.00247``)."""
    v = float(v)
    if abs(v) < 1e-10:  # rounding noise (a standardised input's batch mean): nothing to read
        return "0"
    if 1e-4 <= abs(v) < 1e5:
        text = f"{v:#.3g}"
        return text[:-1] if text.endswith(".") else text
    return f"{v:.2e}"


def grad_rows(trace: Trace) -> np.ndarray:
    """Recorded rows whose gradients are all finite (the rows an update was taken from)."""
    key = next((k for k in trace.keys() if k.startswith("grad/")), None)
    if key is None:
        raise ValueError("this trace holds no gradients (grad/*) to draw")
    g = np.asarray(trace[key]).reshape(len(trace), -1)
    return np.flatnonzero(np.isfinite(g).all(-1))


def unit_names(sizes: Sequence[int], loss: str) -> list[list[str]]:
    """Unit names per layer as the lectures write them: x1, h1_2, ..., ŷ (p1, p2 for softmax)."""
    names = [[f"x{k + 1}" for k in range(sizes[0])]]
    for i, n in enumerate(sizes[1:-1], start=1):
        names.append([f"h{i}_{j + 1}" for j in range(n)])
    out = "p" if loss == "cross_entropy" else "ŷ"
    names.append([f"{out}{j + 1}" if sizes[-1] > 1 else out for j in range(sizes[-1])])
    return names


def graph_artists(
    ax: Axes, sizes: Sequence[int], names: list[list[str]]
) -> tuple[list, dict, bool]:
    """Draw the empty graph on ``ax``: units, edges and the (blank) labels the display fills.

    Parameters
    ----------
    ax : Axes
    sizes : sequence of int
        Units per layer, input layer first.
    names : list of list of str
        Unit names per layer (the input names are written now).

    Returns
    -------
    positions : list of ndarray (n_l, 2)
        Unit centres per layer.
    artists : dict
        ``units`` (scatter), ``edges`` (LineCollection per layer), ``edge_text``,
        ``value_text``, ``z_text``, ``grad_text``, ``highlight``.
    dense : bool
        True when layers are wider than 4 units (smaller circles, fewer labels).
    """
    L = len(sizes) - 1
    # Up to 4 units a layer every number is written; wider layers keep the
    # numbers of the units and of the chosen weight, on smaller circles.
    dense = max(sizes) > 4
    marker, font = (1300, 10) if dense else ((3800, 13) if max(sizes) <= 3 else (2200, 11))
    # Labels sit a fixed distance in points above and below a unit's circle.
    gap = np.sqrt(marker) / 2 + 3
    positions = []
    for layer, n in enumerate(sizes):
        # every layer spans the same height: a narrow layer's edges fan out evenly
        ys = (np.arange(n)[::-1] - (n - 1) / 2) * 1.6 * max(max(sizes) - 1, 1) / max(n - 1, 1)
        ys = ys if n > 1 else np.zeros(1)
        positions.append(np.stack([np.full(n, layer * 2.4), ys], 1))
    ymax = max(p[:, 1].max() for p in positions) + 1.1
    ax.set_xlim(-0.9, L * 2.4 + 0.9)
    ax.set_ylim(-ymax - 0.6, ymax + 0.2)
    edges, edge_text = [], []
    for layer in range(1, L + 1):
        src, dst = positions[layer - 1], positions[layer]
        segs = [(tuple(s), tuple(d)) for s in src for d in dst]
        ax.add_collection(LineCollection(segs, colors=EDGE_BASE, linewidths=3.0, zorder=1))
        coll = LineCollection(segs, zorder=2, capstyle="round")
        ax.add_collection(coll)
        edges.append(coll)
        texts = []
        for s, d in segs:
            # Labels nearer the narrower layer, where its edges fan out: they stay apart.
            n_src, n_dst = sizes[layer - 1], sizes[layer]
            frac = 0.3 if n_dst > n_src else (0.35 if n_dst < n_src else 0.4)
            pos = np.array(s) + frac * (np.array(d) - np.array(s))
            texts.append(
                ax.text(
                    *pos,
                    "",
                    ha="center",
                    va="center",
                    fontsize=font,
                    zorder=4,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
                )
            )
        edge_text.append(texts)
    (highlight,) = ax.plot(
        [], [], color=style.INK, lw=9, alpha=0.25, zorder=0, solid_capstyle="round"
    )
    allpos = np.concatenate(positions)
    units = ax.scatter(
        *allpos.T,
        s=marker,
        c=np.zeros(len(allpos)),
        cmap=VALUE_CMAP,
        edgecolors=style.MUTED,
        linewidths=1.5,
        zorder=3,
    )
    value_text = [
        ax.text(x, y, "", ha="center", va="center", fontsize=font, weight="bold", zorder=5)
        for x, y in allpos
    ]
    for (x, y), name in zip(positions[0], names[0]):
        ax.annotate(
            name,
            (x, y),
            xytext=(0, gap),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=14,
            zorder=5,
        )
    z_text = [
        [
            ax.annotate(
                "",
                (x, y),
                xytext=(0, gap),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=font,
                zorder=5,
            )
            for x, y in positions[layer]
        ]
        for layer in range(1, L + 1)
    ]
    grad_text = [
        [
            ax.annotate(
                "",
                (x, y),
                xytext=(0, -gap),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize=font - 1,
                zorder=5,
            )
            for x, y in positions[layer]
        ]
        for layer in range(1, L + 1)
    ]
    parts = {
        "units": units,
        "edges": edges,
        "edge_text": edge_text,
        "value_text": value_text,
        "z_text": z_text,
        "grad_text": grad_text,
        "highlight": highlight,
    }
    return positions, parts, dense
