"""The live picture of a training run, many times a second: SVG made with numpy, no figure.

:func:`vizlab.render.boundary.draw_boundary` makes a matplotlib figure of a
trace row, right for a page or a video. A live view (the playground while it
trains) needs ten pictures a second from a :class:`vizlab.LiveSnapshot` (the
current parameters, the fields on a small grid, the losses so far), so this
module draws the same panels as SVG text:

- the field: the grid's colours through a lookup table (the
  orange-white-blue map of :data:`~vizlab.render.style.FIELD_CMAP`, or the
  k-class regions of :func:`~vizlab.render.multiclass.field_rgb`), encoded
  as a small PNG that the browser scales up smoothly, the decision boundary
  as polylines (contourpy, as ``draw_boundary``), the data as SVG marks;
  for 1-D regression the fit, each hidden unit's contribution and the data;
- the train and validation losses as polylines on fixed axes;
- the network graph of :mod:`vizlab.render.netgraph`, its thumbnails from
  the snapshot's maps.

What stays the same while a run trains (the data marks, the title, the
axes) is built once per run by :class:`LiveView`. Nothing here imports torch.
"""

from __future__ import annotations

import html

import numpy as np
from matplotlib.colors import to_hex
from matplotlib.ticker import MaxNLocator

from vizlab.features import expand
from vizlab.render import style
from vizlab.render.boundary import architecture, boundary_lines
from vizlab.render.curves import LOSS_NAMES
from vizlab.render.multiclass import field_rgb, region_margins
from vizlab.render.netgraph import network_svg, png_uri

__all__ = ["LiveView", "live_graph_svg", "snapshot_pictures"]

#: Layout of the picture, in pixels.
WIDTH, HEIGHT = 780, 436
FIELD = (56, 40, 330)  # left, top, side of the field panel
CURVES = (480, 40, 280, 330)  # left, top, width, height of the loss axes
CURVE_POINTS = 250  # at most this many points per loss line
FONT = 'font-family="DejaVu Sans, sans-serif"'
_LUT = (255 * style.FIELD_CMAP(np.linspace(0, 1, 256))[:, :3]).round().astype(np.uint8)


def _text(x: float, y: float, s: str, size: int = 12, anchor: str = "start", **kw) -> str:
    fill = kw.pop("fill", style.INK)
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in kw.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" {FONT} '
        f'fill="{fill}"{extra}>{html.escape(s)}</text>'
    )


def _polyline(px: np.ndarray, py: np.ndarray, **attrs) -> str:
    """One ``<polyline>`` through the finite points (pixel coordinates)."""
    ok = np.isfinite(px) & np.isfinite(py)
    if ok.sum() < 2:
        return ""
    xy = np.column_stack([px[ok], py[ok]]).ravel().tolist()  # Python floats format fast
    pts = ("%.1f,%.1f " * (len(xy) // 2)) % tuple(xy)
    extra = " ".join(f'{k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return f'<polyline fill="none" points="{pts.strip()}" {extra}/>'


def _lut(values: np.ndarray, lim: float) -> np.ndarray:
    """Values on the orange-white-blue map, ``-lim`` orange to ``+lim`` blue, (..., 3) uint8."""
    v = np.asarray(values, np.float32) * np.float32(127.5 / lim) + np.float32(128.0)
    return _colours(v)


def _colours(v: np.ndarray) -> np.ndarray:
    """Rows of the colour table at ``floor(v)`` (v already offset by one half: rounding), uint8."""
    idx = np.clip(v, 0, 255, out=v).astype(np.uint8)  # truncation of v >= 0 is floor
    return np.take(_LUT, idx, axis=0)


def _probs(snap) -> np.ndarray:
    """P(class c) on the grid, (K, H, W)."""
    f = snap.fields
    if "field/output" in f:
        p1 = f["field/output"].astype(np.float64)
        return np.stack([1 - p1, p1])
    return np.stack([f[f"field/class{c}"] for c in range(snap.config.n_classes)]).astype(float)


_INPUTS: dict[tuple, list[np.ndarray]] = {}


def _pics(maps: np.ndarray) -> list[np.ndarray]:
    """(n, h, w) maps, each symmetric about 0 on its own largest |value|, in one pass."""
    m = np.nan_to_num(np.asarray(maps, np.float32), nan=0.0, posinf=0.0, neginf=0.0)
    lim = np.abs(m).max(axis=(1, 2), keepdims=True)
    return list(_lut(m / np.where(lim > 0, lim, 1.0), 1.0)[:, ::-1])


def snapshot_pictures(snap, discretize: bool = False, every: int = 2) -> list[list[np.ndarray]]:
    """Node thumbnails (h, w, 3) uint8 per layer of a snapshot: inputs, hidden units, output.

    Hidden maps are the snapshot's ``act/fc{i}`` at every ``every``-th grid
    point, each on the orange-white-blue map symmetric about 0 (as
    :func:`vizlab.render.netgraph.node_pictures`); a layer without maps is grey.
    """
    xs, ys = snap.grid_x[::every], snap.grid_y[::every]
    n_in = snap.data["data/X_train"].shape[1]
    # the input features' maps never change during a run: made once per grid
    key = (tuple(snap.config.features), n_in, xs.tobytes(), ys.tobytes())
    if key not in _INPUTS:
        gx, gy = np.meshgrid(xs, ys)
        pts = expand(np.stack([gx, gy], -1)[..., :n_in], snap.config.features)
        if len(_INPUTS) >= 16:
            _INPUTS.clear()
        _INPUTS[key] = _pics(np.moveaxis(pts, -1, 0))
    layers = [list(_INPUTS[key])]
    H, W = len(ys), len(xs)
    for i, width in enumerate(snap.config.hidden, start=1):
        maps = snap.fields.get(f"act/fc{i}")
        if maps is None:
            layers.append([np.full((H, W, 3), 200, np.uint8) for _ in range(width)])
        else:
            layers.append(_pics(maps[:, ::every, ::every]))
    if snap.config.task == "regression":
        layers.append(_pics(snap.fields["field/output"][None, ::every, ::every]))
    else:
        probs = _probs(snap)[:, ::every, ::every]
        if discretize:
            probs = (probs == probs.max(0, keepdims=True)).astype(float)
        layers.append([(255 * field_rgb(probs)[::-1]).round().astype(np.uint8)])
    return layers


def live_graph_svg(snap, *, discretize: bool = False, uid: str = "vizlab-nodes") -> str:
    """The network graph of a snapshot (as :func:`vizlab.render.netgraph.graph_svg` of a trace row).

    The thumbnails travel as one PNG under the element id ``uid`` (unique in the page).
    """
    pics = snapshot_pictures(snap, discretize)
    n = len(pics) - 1
    weights = [snap.params[f"fc{i}.weight"] for i in range(1, n + 1)]
    biases = [snap.params[f"fc{i}.bias"] for i in range(1, n + 1)]
    features = list(snap.config.features)
    return network_svg(pics, weights, biases, features, f'data-step="{snap.step}"', sprite=uid)


class LiveView:
    """The field panel and the loss curves of one run, drawn again for every snapshot.

    Parameters
    ----------
    snap : LiveSnapshot
        Any snapshot of the run: the data, grid and config are taken from it.
    show_test : bool
        Draw the validation points (triangles).

    Attributes
    ----------
    config : RunConfig
        The run the view was built for.
    show_test : bool
        As given.

    Notes
    -----
    Build a new view when the run (its config) changes; :meth:`svg` then
    costs a lookup table, one small PNG, a few contour lines and two polylines.
    """

    def __init__(self, snap, *, show_test: bool = True):
        c = self.config = snap.config
        self.show_test = show_test
        self.regression, self.one_d = c.task == "regression", len(snap.grid_y) == 1
        xs, ys = snap.grid_x, snap.grid_y
        dx = (xs[-1] - xs[0]) / (len(xs) - 1)
        self.xlim = (xs[0] - dx / 2, xs[-1] + dx / 2)
        ys_all = np.concatenate([snap.data["data/y_train"], snap.data["data/y_val"]])
        self.ymax = (float(np.abs(ys_all).max()) or 1.0) if self.regression else 1.0
        if self.one_d:
            self.ylim = (-1.5 * self.ymax, 1.5 * self.ymax)
        else:
            dy = (ys[-1] - ys[0]) / (len(ys) - 1)
            self.ylim = (ys[0] - dy / 2, ys[-1] + dy / 2)
        self.loss_name = LOSS_NAMES.get(c.loss, "loss")
        first = np.array([snap.loss_train[:1], snap.loss_val[:1]], dtype=float)
        first = first[np.isfinite(first)]
        self.top = 1.15 * float(first.max()) if first.size and first.max() > 0 else 1.0
        self._static = self._frame(snap, show_test)

    # ------------------------------------------------------------ geometry
    def _fx(self, x):
        left, _, side = FIELD
        return left + (np.asarray(x) - self.xlim[0]) / (self.xlim[1] - self.xlim[0]) * side

    def _fy(self, y):
        _, top, side = FIELD
        return top + (self.ylim[1] - np.asarray(y)) / (self.ylim[1] - self.ylim[0]) * side

    # ------------------------------------------------------------ built once
    def _frame(self, snap, show_test: bool) -> str:
        c, (left, top, side) = self.config, FIELD
        name = f"{c.dataset}, {c.n_classes} classes" if c.n_classes > 2 else c.dataset
        net = architecture(c.to_dict())
        parts = [
            _text(left + side / 2, top - 12, f"{name}: {net}", 14, "middle", font_weight="bold")
        ]
        parts.append(self._marks(snap, show_test))
        parts.append(
            f'<rect x="{left}" y="{top}" width="{side}" height="{side}" fill="none" '
            f'stroke="{style.INK}" stroke-width="1"/>'
        )
        if self.one_d:
            parts += self._ticks_1d()
        parts += self._legend_marks(left, top + side + (52 if self.one_d else 38), show_test)
        parts += self._curve_axes()
        return "".join(parts)

    def _marks(self, snap, show_test: bool) -> str:
        out = []
        edge = style.PAPER if self.one_d else style.INK  # ink triangles on a plot: a paper edge
        splits = ("train", "val") if show_test else ("train",)
        for split in splits:
            X, y = snap.data[f"data/X_{split}"], snap.data[f"data/y_{split}"]
            if not len(X):
                continue
            if self.one_d:
                px, py = self._fx(X[:, 0]), self._fy(y)
                fill = [style.MUTED if split == "train" else style.INK] * len(X)
            else:
                px, py = self._fx(X[:, 0]), self._fy(X[:, 1])
                if self.regression:
                    fill = [to_hex(c / 255) for c in _lut(y, self.ymax)]
                else:
                    fill = [style.class_color(int(k)) for k in y]
            for x0, y0, f in zip(px, py, fill):
                if split == "train":
                    out.append(f'<circle cx="{x0:.1f}" cy="{y0:.1f}" r="3.6" fill="{f}"/>')
                else:
                    out.append(
                        f'<path d="M{x0:.1f} {y0 - 5:.1f}l4.5 7.8h-9z" fill="{f}" '
                        f'stroke="{edge}" stroke-width="0.8"/>'
                    )
        # train circles edged in paper; triangles carry their own ink edge
        return f'<g stroke="{style.PAPER}" stroke-width="0.8">' + "".join(out) + "</g>"

    def _legend_marks(self, left: float, y: float, show_test: bool) -> list[str]:
        x = left + FIELD[2] - 150
        out = [
            f'<circle cx="{x:.1f}" cy="{y - 4:.1f}" r="3.6" fill="{style.MUTED}"/>',
            _text(x + 8, y, "train", 11),
        ]
        if show_test:
            out += [
                f'<path d="M{x + 50:.1f} {y - 9:.1f}l4.5 7.8h-9z" fill="{style.MUTED}" '
                f'stroke="{style.INK}" stroke-width="0.8"/>',
                _text(x + 58, y, "validation", 11),
            ]
        return out

    def _ticks_1d(self) -> list[str]:
        left, top, side = FIELD
        out = [
            _text(left + side - 2, top + side - 6, "input x1 (standardised)", 11, "end"),
            _text(left + 4, top + 14, "output", 11),
        ]
        for v in MaxNLocator(5).tick_values(*self.xlim):
            if self.xlim[0] <= v <= self.xlim[1]:
                x = float(self._fx(v))
                out.append(_text(x, top + side + 14, f"{v:g}", 10, "middle"))
        for v in MaxNLocator(5).tick_values(*self.ylim):
            if self.ylim[0] <= v <= self.ylim[1]:
                out.append(_text(left - 4, float(self._fy(v)) + 4, f"{v:g}", 10, "end"))
        y0 = float(self._fy(0))
        out.append(
            f'<line x1="{left}" x2="{left + side}" y1="{y0:.1f}" y2="{y0:.1f}" '
            f'stroke="{style.FAINT}" stroke-width="0.8"/>'
        )
        return out

    def _curve_axes(self) -> list[str]:
        left, top, w, h = CURVES
        total = max(int(self.config.total_steps), 1)
        self.xmax = total * 1.02
        out = [
            f'<path d="M{left} {top}V{top + h}H{left + w}" fill="none" stroke="{style.INK}"/>',
            _text(left + w / 2, top + h + 34, "step", 12, "middle"),
            _text(
                left - 42,
                top + h / 2,
                self.loss_name,
                12,
                "middle",
                transform=f"rotate(-90 {left - 42} {top + h / 2})",
            ),
        ]
        for v in MaxNLocator(5, integer=True).tick_values(0, total):
            if 0 <= v <= self.xmax:
                x = left + v / self.xmax * w
                out.append(f'<path d="M{x:.1f} {top + h}v4" stroke="{style.INK}"/>')
                out.append(_text(x, top + h + 17, f"{int(v)}", 10, "middle"))
        # legend: train solid, validation dashed (one colour each, as every loss plot)
        y = top - 16
        for i, (label, split) in enumerate((("train", "train"), ("validation", "val"))):
            x = left + 10 + 110 * i
            out.append(self._line_style(f'<path d="M{x} {y}h26" fill="none"', split) + "/>")
            out.append(_text(x + 32, y + 4, label, 11))
        return out

    @staticmethod
    def _line_style(start: str, split: str) -> str:
        ls = style.split_style(split)
        dash = ' stroke-dasharray="6 3"' if ls["linestyle"] not in ("-", "solid") else ""
        return f'{start} stroke="{ls["color"]}" stroke-width="2"{dash}'

    # ------------------------------------------------------------ per snapshot
    def svg(self, snap, *, discretize: bool = False) -> str:
        """The picture of ``snap`` as an SVG document (str), ``WIDTH`` x ``HEIGHT`` pixels."""
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" data-step="{snap.step}">',
            f'<rect width="{WIDTH}" height="{HEIGHT}" fill="{style.PAPER}"/>',
        ]
        parts += self._fit(snap) if self.one_d else self._field(snap, discretize)
        parts.append(self._static)
        parts += self._words(snap)
        parts += self._curves(snap)
        parts.append("</svg>")
        return "".join(parts)

    def field_rgb(self, snap, discretize: bool = False, probs=None) -> np.ndarray:
        """The field panel's pixels (H, W, 3) uint8, rows top down (2-D data).

        ``probs`` (K, H, W), when the caller has the class probabilities
        already, saves computing them again.
        """
        if self.regression:
            v = snap.fields["field/output"]
            if discretize:
                v = np.sign(v) * self.ymax
            return _lut(np.nan_to_num(v), self.ymax)[::-1]
        probs = _probs(snap) if probs is None else probs
        if probs.shape[0] == 2:  # P(class 1) on the orange-white-blue map, as draw_boundary
            p1 = np.nan_to_num(probs[1])
            p1 = (p1 >= 0.5).astype(float) if discretize else p1
            return _colours(np.asarray(p1, np.float32) * np.float32(255) + np.float32(0.5))[::-1]
        if discretize:
            probs = (probs == probs.max(0, keepdims=True)).astype(float)
        return (255 * field_rgb(np.nan_to_num(probs))[::-1]).round().astype(np.uint8)

    def _field(self, snap, discretize: bool) -> list[str]:
        left, top, side = FIELD
        probs = None if self.regression else _probs(snap)
        out = [
            f'<image x="{left}" y="{top}" width="{side}" height="{side}" '
            f'preserveAspectRatio="none" href="{png_uri(self.field_rgb(snap, discretize, probs))}"/>'
        ]
        if self.regression:
            return out
        xs, ys = snap.grid_x, snap.grid_y
        if not np.isfinite(probs).all():
            return out
        if probs.shape[0] == 2:
            lines = boundary_lines(xs, ys, probs[1], 0.5)
        else:
            # every border lies between two classes, one of them not the last: the
            # zero lines of the first K - 1 margins draw each border (once or twice)
            margins = region_margins(probs)[:-1]
            lines = [seg for m in margins for seg in boundary_lines(xs, ys, m, 0.0)]
        for seg in lines:
            out.append(
                _polyline(
                    self._fx(seg[:, 0]),
                    self._fy(seg[:, 1]),
                    stroke=style.BOUNDARY_COLOR,
                    stroke_width=2.2,
                    stroke_linejoin="round",
                )
            )
        return out

    def _fit(self, snap) -> list[str]:
        """1-D regression: each hidden unit's contribution, the output bias, the fit."""
        xs, out = snap.grid_x, []
        px = self._fx(xs)
        fit = snap.fields["field/output"][0]
        n = len(snap.config.hidden)
        maps = snap.fields.get(f"act/fc{n}") if n else None
        if maps is not None:
            w_out, b = snap.params[f"fc{n + 1}.weight"][0], float(snap.params[f"fc{n + 1}.bias"][0])
            for j, h in enumerate(maps[:, 0]):
                out.append(
                    _polyline(
                        px,
                        self._fy(w_out[j] * h),
                        stroke=style.series_color(j),
                        stroke_width=1.2,
                        stroke_opacity=0.8,
                    )
                )
            y0 = float(self._fy(b))
            out.append(
                f'<path d="M{px[0]:.1f} {y0:.1f}H{px[-1]:.1f}" stroke="{style.GUIDE}" '
                f'stroke-width="1.2" stroke-dasharray="4 3"/>'
            )
        out.append(_polyline(px, self._fy(fit), stroke=style.INK, stroke_width=2.6))
        return out

    def _words(self, snap) -> list[str]:
        left, top, side = FIELD
        score = "R²" if self.regression else "accuracy"

        def fmt(v: float) -> str:
            if not np.isfinite(v):
                return "-"
            return f"{v:.2f}" if self.regression else f"{100 * v:.0f}%"

        tr, va = snap.score_train[-1:], snap.score_val[-1:]
        line = f"{score} train {fmt(float(tr[0]) if tr.size else np.nan)}"
        if va.size and np.isfinite(va[0]):
            line += f" · val {fmt(float(va[0]))}"
        y = top + side + (36 if self.one_d else 22)
        out = [_text(left - 50, y, f"step {snap.step}", 13), _text(left - 50, y + 17, line, 13)]
        if snap.diverged is not None:
            out.append(
                _text(
                    left + side / 2,
                    top + side / 2,
                    f"diverged at step {snap.diverged['step']}",
                    16,
                    "middle",
                    fill=style.DIVERGED_COLOR,
                    font_weight="bold",
                )
            )
        return out

    def _curves(self, snap) -> list[str]:
        left, top, w, h = CURVES
        both = np.concatenate([snap.loss_train, snap.loss_val])
        finite = both[np.isfinite(both)]
        if finite.size and finite.max() > self.top:
            self.top = 1.3 * float(finite.max())  # a loss above the axes: room above it
        out = []
        for v in MaxNLocator(5).tick_values(0, self.top):
            if 0 <= v <= self.top:
                y = top + h - v / self.top * h
                out.append(f'<path d="M{left - 4} {y:.1f}h4" stroke="{style.INK}"/>')
                out.append(_text(left - 7, y + 4, f"{v:g}", 10, "end"))
        x = np.asarray(snap.steps, float)
        keep = np.unique(np.linspace(0, len(x) - 1, min(len(x), CURVE_POINTS)).round().astype(int))
        px = left + x[keep] / self.xmax * w
        for split, ys in (("train", snap.loss_train), ("val", snap.loss_val)):
            py = top + h - np.asarray(ys, float)[keep] / self.top * h
            line = _polyline(px, np.clip(py, top, top + h))
            if line:
                out.append(self._line_style(line[: -len("/>")], split) + "/>")
        if len(x):
            for ys in (snap.loss_train, snap.loss_val):
                v = float(ys[-1])
                if np.isfinite(v):
                    cy = min(max(top + h - v / self.top * h, top), top + h)
                    out.append(
                        f'<circle cx="{left + x[-1] / self.xmax * w:.1f}" cy="{cy:.1f}" r="5" '
                        f'fill="none" stroke="{style.PATH_COLOR}" stroke-width="2"/>'
                    )
        if snap.diverged is not None:
            xd = left + snap.diverged["step"] / self.xmax * w
            out.append(
                f'<path d="M{xd:.1f} {top}V{top + h}" stroke="{style.DIVERGED_COLOR}" '
                f'stroke-width="2" stroke-dasharray="2 3"/>'
            )
        return out
