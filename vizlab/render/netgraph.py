"""The network as TensorFlow Playground draws it: a thumbnail in every neuron, links by weight.

Every node is a small picture of what it computes over the input plane: an
input feature (``x1``, ``x1^2``, ``sin_x2``, ... from :mod:`vizlab.features`),
a hidden unit's activation map (``act/fc{i}`` of the trace) or the output
(``field/output``, or the k-class regions). Every link is coloured by its
weight's sign (blue positive, orange negative) and drawn thicker the larger
``|w|`` is; hovering over a link shows its value (an SVG ``<title>``), as
does hovering over a node (its name and bias). The graph is SVG text, drawn
without matplotlib, so a widget can redraw it for every picture. Nothing
here imports torch.
"""

from __future__ import annotations

import base64
import html
import io

import numpy as np
from matplotlib.colors import to_rgb
from PIL import Image

from vizlab.features import FEATURE_LABELS, expand
from vizlab.render import style
from vizlab.render.multiclass import class_probs, field_rgb
from vizlab.trace import Trace

NODE = 34  # thumbnail side, pixels
COLUMN = 120  # horizontal distance between layers
ROW = 46  # vertical distance between nodes
MAX_WIDTH = 8.0  # link width for the largest |w|
_LUT = (255 * style.FIELD_CMAP(np.linspace(0, 1, 256))[:, :3]).astype(np.uint8)
_POS, _NEG = style.BLUE, style.ORANGE


def _png_uri(rgb: np.ndarray) -> str:
    """A data URI holding ``rgb`` (H, W, 3) uint8 as PNG, rows top down."""
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def _map_rgb(values: np.ndarray, lim: float | None = None) -> np.ndarray:
    """Values (H, W) on the orange-white-blue map, symmetric about 0 (uint8, rows top down)."""
    v = np.asarray(values, dtype=np.float64)
    lim = lim or float(np.nanmax(np.abs(v))) or 1.0
    idx = np.clip(((v / lim + 1) / 2 * 255).round(), 0, 255).astype(np.intp)
    return _LUT[idx][::-1]


def _grid_points(trace: Trace) -> np.ndarray:
    gx, gy = np.meshgrid(trace["grid/x"], trace["grid/y"])
    n_in = trace["data/X_train"].shape[1]
    return np.stack([gx, gy], -1)[..., :n_in]


def node_pictures(trace: Trace, row: int = -1, discretize: bool = False) -> list[list[np.ndarray]]:
    """Thumbnails (H, W, 3) uint8 per layer: features, hidden layers (if mapped), output.

    A hidden layer without recorded maps (wider than the recorder draws) gets
    grey squares.
    """
    fr = trace.field_row(row)
    features = tuple(trace.config.get("features", ("x1", "x2")))
    pts = expand(_grid_points(trace), features)
    layers = [[_map_rgb(pts[..., j]) for j in range(pts.shape[-1])]]
    hidden = trace.config.get("hidden", [])
    H, W = pts.shape[:2]
    for i, width in enumerate(hidden, start=1):
        key = f"act/fc{i}"
        if key in trace:
            maps = trace[key][fr]
            layers.append([_map_rgb(m) for m in maps])
        else:
            layers.append([np.full((H, W, 3), 200, np.uint8) for _ in range(width)])
    if trace.config.get("task") == "regression":
        out = trace["field/output"][fr]
        layers.append([_map_rgb(out)])
    else:
        probs = class_probs(trace, fr)
        if discretize:
            probs = (probs == probs.max(0, keepdims=True)).astype(float)
        layers.append([(255 * field_rgb(probs)[::-1]).astype(np.uint8)])
    return layers


def _positions(sizes: list[int]) -> list[list[tuple[float, float]]]:
    tallest = max(sizes)
    out = []
    for i, n in enumerate(sizes):
        top = 30 + (tallest - n) * ROW / 2
        out.append([(60 + i * COLUMN, top + j * ROW) for j in range(n)])
    return out


def graph_svg(trace: Trace, row: int = -1, *, discretize: bool = False) -> str:
    """The network at recorded row ``row`` as an SVG document (a string).

    Parameters
    ----------
    trace : Trace
        A :func:`vizlab.train` trace with fields (``grid/*``, ``field/*``,
        ``act/fc*``) and weights ``param/fc{i}.weight`` (T, out, in).
    row : int
        Recorded row; node pictures come from the latest field row at or before it.
    discretize : bool
        Show the output node as hard class regions.

    Returns
    -------
    str
        ``<svg>`` with one ``<image>`` per node and one ``<line>`` per weight;
        each line has ``class="link"``, ``data-w`` (its value) and a ``<title>``
        ("fc2[0, 3] = -0.412") that browsers show on hover.
    """
    row = trace.at(row).row
    pics = node_pictures(trace, row, discretize)
    sizes = [len(layer) for layer in pics]
    pos = _positions(sizes)
    n_layers = len(sizes) - 1
    weights = [np.asarray(trace[f"param/fc{i}.weight"][row]) for i in range(1, n_layers + 1)]
    biases = [np.asarray(trace[f"param/fc{i}.bias"][row]) for i in range(1, n_layers + 1)]
    big = max((float(np.abs(w).max()) for w in weights if w.size), default=1.0) or 1.0
    width = 80 + (len(sizes) - 1) * COLUMN + NODE
    height = 40 + max(sizes) * ROW
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" class="vizlab-netgraph" data-row="{row}">'
    ]
    half = NODE / 2
    for i, w in enumerate(weights):
        # the k outputs of a softmax net are drawn as one picture: their links averaged
        w_draw = w if sizes[i + 1] == w.shape[0] else w.mean(0, keepdims=True)
        for o in range(w_draw.shape[0]):
            x1, y1 = pos[i + 1][o]
            for j in range(w_draw.shape[1]):
                x0, y0 = pos[i][j]
                v = float(w_draw[o, j])
                color = _POS if v >= 0 else _NEG
                lw = 0.5 + MAX_WIDTH * min(abs(v) / big, 1.0)
                if w_draw is w:
                    label = f"fc{i + 1}[{o}, {j}] = {v:+.3f}"
                else:
                    label = f"fc{i + 1}[:, {j}], mean over {w.shape[0]} classes = {v:+.3f}"
                parts.append(
                    f'<line class="link" data-w="{v:.6g}" x1="{x0 + NODE:.1f}" y1="{y0 + half:.1f}" '
                    f'x2="{x1:.1f}" y2="{y1 + half:.1f}" stroke="{color}" '
                    f'stroke-width="{lw:.2f}" stroke-opacity="0.75">'
                    f"<title>{html.escape(label)}</title></line>"
                )
    features = list(trace.config.get("features", ("x1", "x2")))
    for li, layer in enumerate(pics):
        for j, pic in enumerate(layer):
            x, y = pos[li][j]
            if li == 0:
                name = features[j]
                label = FEATURE_LABELS.get(name, name).replace("$", "")
            elif li == n_layers:
                label = "output"
            else:
                label = f"fc{li} unit {j}, bias {float(biases[li - 1][j]):+.3f}"
            parts.append(
                f'<g class="node" data-layer="{li}" data-unit="{j}">'
                f"<title>{html.escape(label)}</title>"
                f'<image x="{x:.1f}" y="{y:.1f}" width="{NODE}" height="{NODE}" '
                f'preserveAspectRatio="none" href="{_png_uri(pic)}"/>'
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{NODE}" height="{NODE}" fill="none" '
                f'stroke="{style.INK}" stroke-width="1"/></g>'
            )
            if li == 0:
                parts.append(
                    f'<text x="{x - 2:.1f}" y="{y + half + 4:.1f}" font-size="11" '
                    f'text-anchor="end" font-family="sans-serif">{html.escape(features[j])}</text>'
                )
    parts.append("</svg>")
    return "".join(parts)


def link_color(value: float) -> tuple[float, float, float]:
    """RGB of a link of weight ``value``: blue for positive, orange for negative."""
    return to_rgb(_POS if value >= 0 else _NEG)
