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
import struct
import zlib

import numpy as np
from matplotlib.colors import to_rgb

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


def png_rgb(rgb: np.ndarray, level: int = 1) -> bytes:
    """A PNG file of ``rgb`` (H, W, 3) uint8, rows top down.

    Written directly with zlib at a low level and no row filters: several
    times faster than Pillow for these small pictures, which are drawn many
    times a second while a network trains.
    """
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    h, w = rgb.shape[:2]
    rows = np.zeros((h, 1 + 3 * w), np.uint8)  # filter byte 0 ("None") on every row
    rows[:, 1:] = rgb.reshape(h, 3 * w)

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)  # 8-bit RGB
    idat = zlib.compress(rows.tobytes(), level)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def png_uri(rgb: np.ndarray) -> str:
    """A data URI holding ``rgb`` (H, W, 3) uint8 as PNG, rows top down."""
    return "data:image/png;base64," + base64.b64encode(png_rgb(rgb)).decode()


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
    n_layers = len(pics) - 1
    weights = [np.asarray(trace[f"param/fc{i}.weight"][row]) for i in range(1, n_layers + 1)]
    biases = [np.asarray(trace[f"param/fc{i}.bias"][row]) for i in range(1, n_layers + 1)]
    features = list(trace.config.get("features", ("x1", "x2")))
    return network_svg(pics, weights, biases, features, f'data-row="{row}"')


def network_svg(
    pics: list[list[np.ndarray]],
    weights: list[np.ndarray],
    biases: list[np.ndarray],
    features: list[str],
    attrs: str = "",
    sprite: str | None = None,
) -> str:
    """The graph as SVG from its parts (what :func:`graph_svg` draws for one row).

    Parameters
    ----------
    pics : list of list of ndarray (h, w, 3) uint8
        Node thumbnails per layer, inputs first, the output last (one picture).
    weights, biases : list of ndarray
        ``fc{i}.weight`` (out, in) and ``fc{i}.bias`` (out,), i = 1 .. layers.
    features : list of str
        Input feature names (the first layer's labels).
    attrs : str
        Extra attributes of the ``<svg>`` element.
    sprite : str, optional
        An element id: the thumbnails (all one size) then go into one PNG,
        stacked top to bottom, defined once under that id and shown in every
        node through a ``<use>`` in a nested ``<svg>`` whose viewBox picks
        its tile. One PNG instead of one per node: a live graph redraws
        many times a second. The id must be unique in the page.
    """
    sizes = [len(layer) for layer in pics]
    pos = _positions(sizes)
    n_layers = len(sizes) - 1
    big = max((float(np.abs(w).max()) for w in weights if w.size), default=1.0) or 1.0
    width = 80 + (len(sizes) - 1) * COLUMN + NODE
    height = 40 + max(sizes) * ROW
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" class="vizlab-netgraph" {attrs}>'
    ]
    half = NODE / 2
    tiles = [pic for layer in pics for pic in layer]
    if sprite is not None:
        th, tw = tiles[0].shape[:2]
        sheet = png_uri(np.concatenate(tiles, axis=0))
        parts.append(
            f'<defs><image id="{sprite}" width="{tw}" height="{th * len(tiles)}" '
            f'preserveAspectRatio="none" href="{sheet}"/></defs>'
        )
    for i, w in enumerate(weights):
        # the k outputs of a softmax net are drawn as one picture: their links averaged
        w_draw = w if sizes[i + 1] == w.shape[0] else w.mean(0, keepdims=True)
        for o in range(w_draw.shape[0]):
            x1, y1 = pos[i + 1][o]
            row = w_draw[o].tolist()
            for j in range(w_draw.shape[1]):
                x0, y0 = pos[i][j]
                v = row[j]
                color = _POS if v >= 0 else _NEG
                lw = 0.5 + MAX_WIDTH * min(abs(v) / big, 1.0)
                if w_draw is w:
                    label = f"fc{i + 1}[{o}, {j}] = {v:+.3f}"
                else:
                    label = f"fc{i + 1}[:, {j}], mean over {w.shape[0]} classes = {v:+.3f}"
                parts.append(  # the label is digits and brackets: nothing to escape
                    f'<line class="link" data-w="{v:.6g}" x1="{x0 + NODE:.1f}" y1="{y0 + half:.1f}" '
                    f'x2="{x1:.1f}" y2="{y1 + half:.1f}" stroke="{color}" '
                    f'stroke-width="{lw:.2f}" stroke-opacity="0.75">'
                    f"<title>{label}</title></line>"
                )
    k = 0
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
            if sprite is None:
                image = (
                    f'<image x="{x:.1f}" y="{y:.1f}" width="{NODE}" height="{NODE}" '
                    f'preserveAspectRatio="none" href="{png_uri(pic)}"/>'
                )
            else:
                image = (
                    f'<svg x="{x:.1f}" y="{y:.1f}" width="{NODE}" height="{NODE}" '
                    f'viewBox="0 {k * th} {tw} {th}" preserveAspectRatio="none">'
                    f'<use href="#{sprite}"/></svg>'
                )
            k += 1
            parts.append(
                f'<g class="node" data-layer="{li}" data-unit="{j}">'
                f"<title>{html.escape(label)}</title>{image}"
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
