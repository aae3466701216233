"""Activation functions and what hidden units do with them.

* :func:`draw_activations`: sigmoid, tanh, ReLU, leaky ReLU, ELU and their
  derivatives, with the flat regions where the gradient vanishes shaded
  (lectures 000, 002, 004).
* :func:`draw_hidden_units`: every hidden neuron's response over the input
  plane, Playground style, beside the network's output.
* :func:`draw_representation`: lecture 004's "representation learning":
  hidden layer 1 bends the input plane (a regular grid of lines) into a
  space where a line separates the classes.
* :func:`draw_saturation`: how many units sit in a flat region (saturated
  sigmoid/tanh, dead ReLU) as training goes on.

Nothing here imports torch.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.ticker import MaxNLocator
from mpl_toolkits.mplot3d.art3d import Line3DCollection, Poly3DCollection

from vizlab.render import style
from vizlab.render.base import Display, figure, subplots
from vizlab.trace import Trace

FLAT = 0.05  # |g'(z)| below this counts as a vanishing gradient
LEAKY_SLOPE = 0.01  # as vizlab.core.model's leaky_relu

FUNCTIONS = {
    # name: (title, g(z), g'(z)) on a numpy array z
    "sigmoid": (
        r"sigmoid  $\sigma(z) = 1/(1+e^{-z})$",
        lambda z: 1 / (1 + np.exp(-z)),
        lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2,
    ),
    "tanh": (r"tanh  $\tanh(z)$", np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "relu": (r"ReLU  $\max(0, z)$", lambda z: np.maximum(z, 0), lambda z: (z > 0) * 1.0),
    "leaky_relu": (
        r"leaky ReLU  $\max(0.01z, z)$",
        lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
        lambda z: np.where(z > 0, 1.0, LEAKY_SLOPE),
    ),
    "elu": (
        r"ELU  $z$ or $e^z - 1$",
        lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0))),
        lambda z: np.where(z > 0, 1.0, np.exp(np.minimum(z, 0))),
    ),
    "linear": (r"linear  $z$", lambda z: z * 1.0, lambda z: np.ones_like(z)),
}
# y range and a note on the flat region, per panel
PANEL = {
    "sigmoid": ((-0.15, 1.15), "saturated"),
    "tanh": ((-1.2, 1.2), "saturated"),
    "relu": ((-1.3, 2.6), "g' = 0: dead"),
    "leaky_relu": ((-1.3, 2.6), "g' = 0.01"),
    "elu": ((-1.3, 2.6), "g' -> 0 slowly"),
    "linear": ((-2.6, 2.6), ""),
}
FUNC_COLOR, DERIV_COLOR, FLAT_COLOR = style.SERIES[0], style.SERIES[1], "#9e9e9e"
PLANE_COLOR = (0.15, 0.15, 0.15, 0.4)
ROW_COLOR, COL_COLOR = "#7b5ea7", "#3a9e9e"  # images of the grid's rows / columns


class StaticDisplay(Display):
    """A picture of formulas, not of a run: ``update`` changes nothing."""

    def update(self, row: int) -> list[Artist]:
        return []


def draw_activations(
    *,
    ax: Axes | None = None,
    which: Sequence[str] = ("sigmoid", "tanh", "relu", "leaky_relu", "elu"),
    derivatives: bool = True,
    flat: float = FLAT,
    zmax: float = 5.0,
    theme: str = "light",
) -> StaticDisplay:
    """Activation functions g(z), their derivatives g'(z), and where g' vanishes.

    This picture is analytic: the curves are computed here with numpy from
    the formulas (the same ones :mod:`vizlab.core.model` trains with); no
    trace is involved. Regions with ``|g'(z)| < flat`` are shaded: an input
    there passes almost no gradient back (vanishing gradients; for ReLU at
    ``z < 0`` none at all: a "dead" unit).

    Parameters
    ----------
    ax : Axes, optional
        Draw every function into this one axes (no shading); default: one
        panel per function on a new figure, plus a panel comparing all the
        derivatives (the sigmoid's never exceeds 0.25).
    which : sequence of str
        Names from ``FUNCTIONS``.
    derivatives : bool
        Draw g'(z) (dashed) as well.
    flat : float
        Threshold on |g'| for the shading.
    zmax : float
        The z axis runs over ``[-zmax, zmax]``.

    Returns
    -------
    StaticDisplay
        ``artists["g"][name]``, ``artists["dg"][name]`` (Line2D with ``z`` as
        x data), ``artists["flat"][name]`` (the shading), ``axes``.
    """
    which = list(which)
    unknown = [w for w in which if w not in FUNCTIONS]
    if unknown or not which:
        raise ValueError(f"which must name some of {', '.join(FUNCTIONS)}; got {which!r}")
    z = np.linspace(-zmax, zmax, 801)
    with style.theme(theme):
        if ax is not None:
            fig, ax = figure(ax, theme=theme)
            axes = [ax] * len(which)
        else:
            n = len(which) + (1 if derivatives and len(which) > 1 else 0)
            ncols = n if n <= 3 else -(-n // 2)
            fig, grid = subplots(-(-n // ncols), ncols, theme=theme, squeeze=False)
            axes = list(grid.ravel())
            for extra in axes[n:]:
                extra.set_visible(False)
        art: dict = {"g": {}, "dg": {}, "flat": {}}
        single = axes[0] is axes[-1] and len(which) > 1
        for i, name in enumerate(which):
            title, g, dg = FUNCTIONS[name]
            a = axes[i]
            color = style.SERIES[i % len(style.SERIES)] if single else FUNC_COLOR
            (art["g"][name],) = a.plot(z, g(z), color=color, label=name if single else "g(z)")
            if derivatives:
                (art["dg"][name],) = a.plot(
                    z,
                    dg(z),
                    color=color if single else DERIV_COLOR,
                    ls="--",
                    label=None if single else "g'(z)",
                )
            if not single:
                (lo, hi), note = PANEL[name]
                a.set_title(title)
                a.set_ylim(lo, hi)
                is_flat = np.abs(dg(z)) < flat
                art["flat"][name] = a.fill_between(
                    z,
                    lo,
                    hi,
                    where=is_flat,
                    color=FLAT_COLOR,
                    alpha=0.25,
                    lw=0,
                    label=f"|g'| < {flat:g}",
                )
                if note and is_flat[0]:
                    a.text(-zmax + 0.2, lo + 0.25 * (hi - lo), note, fontsize=13, color="#444444")
                a.legend(loc="upper left", fontsize=11, framealpha=0.9)
            a.axhline(0, color="#888888", lw=0.8, zorder=0)
            a.axvline(0, color="#888888", lw=0.8, zorder=0)
            a.set_xlim(-zmax, zmax)
            a.set_xlabel("z")
        if single:
            axes[0].legend(fontsize=12)
        elif derivatives and len(which) > 1:
            a = axes[len(which)]
            for i, name in enumerate(which):
                a.plot(z, FUNCTIONS[name][2](z), color=style.SERIES[i % 8], label=name)
            a.axhline(0.25, color="#888888", ls=":", lw=1.5)
            a.text(zmax, 0.28, "sigmoid' ≤ 0.25", fontsize=12, color="#555555", ha="right")
            a.set_title("all derivatives g'(z)")
            a.set_xlim(-zmax, zmax)
            a.set_ylim(-0.05, 1.15)
            a.set_xlabel("z")
            a.legend(fontsize=10, loc="upper left")
        disp = StaticDisplay(None, fig, art)  # type: ignore[arg-type]
        disp.axes = axes
    return disp


def check_trace(trace: Trace, *keys: str) -> None:
    """One-line ValueError unless ``trace`` is a Trace holding every key in ``keys``."""
    if not isinstance(trace, Trace):
        raise ValueError(f"expected a vizlab Trace; got {type(trace).__name__}")
    missing = [k for k in keys if k not in trace]
    if missing:
        raise ValueError(
            f"the trace has no {', '.join(missing)}: train with frames > 0 "
            "(per-unit arrays exist only for hidden layers of at most 16 units)"
        )


def grid_extent(trace: Trace) -> tuple[float, float, float, float]:
    """imshow extent with pixel centres on ``grid/x`` (W,) and ``grid/y`` (H,)."""
    xs, ys = trace["grid/x"], trace["grid/y"]
    dx, dy = (xs[-1] - xs[0]) / max(len(xs) - 1, 1), (ys[-1] - ys[0]) / max(len(ys) - 1, 1)
    return (xs[0] - dx / 2, xs[-1] + dx / 2, ys[0] - dy / 2, ys[-1] + dy / 2)


def unit_layers(trace: Trace) -> list[int]:
    """Hidden layers ``i`` with per-unit maps ``act/fc{i}``, in order."""
    return sorted(int(k[len("act/fc") :]) for k in trace.keys("act"))


def slope_from_output(a: np.ndarray, activation: str) -> np.ndarray:
    """g'(z) written through the unit's output a = g(z), which is what a trace holds.

    sigmoid: a (1 - a); tanh: 1 - a^2; ReLU: 1 if a > 0 else 0; leaky ReLU:
    1 or 0.01; ELU: 1 or a + 1 (= e^z for z < 0); linear: 1.
    """
    if activation == "sigmoid":
        return a * (1 - a)
    if activation == "tanh":
        return 1 - a * a
    if activation == "relu":
        return (a > 0) * 1.0
    if activation == "leaky_relu":
        return np.where(a > 0, 1.0, LEAKY_SLOPE)
    if activation == "elu":
        return np.where(a > 0, 1.0, a + 1)
    return np.ones_like(a)


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
        edgecolors="white" if size < 10 else "#222222",
        linewidths=0.6,
        zorder=4,
    )


class HiddenUnitsDisplay(Display):
    """Per-neuron maps and the output field at one row.

    ``artists["units"][i]`` lists the AxesImages of layer ``i``'s units;
    ``artists["output"]`` the output field's AxesImage.
    """

    blit_safe = False

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
        field = tr["field/output"][fr]
        a["output"].set_data(field)
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
        around 0 up to the largest |output| of that layer at that row.
    """
    check_trace(trace, "field/output")
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
                    spine.set_color("#999999")
                units[i].append(ax.imshow(np.zeros((2, 2)), **im_kw))
                if points:
                    _scatter_points(ax, trace, 4, 0.35)
                ax.set_title(f"unit {u + 1}", fontsize=11, fontweight="normal", pad=2)
            sub.suptitle(f"layer {i}: {n} {activation}", fontsize=14)
        ax = right.subplots()
        out = ax.imshow(trace["field/output"][0], vmin=0, vmax=1, **im_kw)
        if points:
            _scatter_points(ax, trace, 30, 1.0)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title("output P(class 1)")
        right.colorbar(out, ax=ax, shrink=0.7, ticks=[0, 0.5, 1])
        title = fig.suptitle("", fontsize=18, fontweight="bold")
        disp = HiddenUnitsDisplay(trace, fig, {"units": units, "output": out, "title": title})
        disp.activation = activation
        disp.update(step)
    return disp


def output_plane(trace: Trace, row: int, layer: int) -> tuple[np.ndarray, float] | None:
    """``(w, b)`` of the output's decision ``w . h + b = 0`` in layer ``layer``'s space.

    Only when ``layer`` is the last hidden layer (``fc{layer+1}`` is the output);
    for a softmax pair the boundary is where the two logits are equal.
    """
    key = f"param/fc{layer + 1}.weight"
    if key not in trace or f"param/fc{layer + 2}.weight" in trace:
        return None
    w, b = trace[key][row], trace[f"param/fc{layer + 1}.bias"][row]
    if w.shape[0] == 2:
        return w[1] - w[0], float(b[1] - b[0])
    return w[0], float(b[0])


def _line_in_box(w: np.ndarray, b: float, lims: np.ndarray) -> np.ndarray:
    """Two points of the line w . h + b = 0 spanning the box ``lims`` (2, 2); NaN if none."""
    k = int(np.argmax(np.abs(w)))
    if w[k] == 0:
        return np.full((2, 2), np.nan)
    o = 1 - k
    pts = np.empty((2, 2))
    pts[:, o] = lims[o]
    pts[:, k] = -(b + w[o] * lims[o]) / w[k]
    return pts


def _plane_in_box(w: np.ndarray, b: float, lims: np.ndarray, n: int = 10) -> list:
    """Quads of the plane w . h + b = 0 that lie inside the box ``lims`` (3, 2)."""
    k = int(np.argmax(np.abs(w)))
    if w[k] == 0:
        return []
    o = [i for i in range(3) if i != k]
    U, V = np.meshgrid(np.linspace(*lims[o[0]], n + 1), np.linspace(*lims[o[1]], n + 1))
    K = -(b + w[o[0]] * U + w[o[1]] * V) / w[k]
    quads = []
    for i in range(n):
        for j in range(n):
            idx = [(i, j), (i, j + 1), (i + 1, j + 1), (i + 1, j)]
            ks = [K[p] for p in idx]
            if all(lims[k][0] <= v <= lims[k][1] for v in ks):
                quad = np.zeros((4, 3))
                quad[:, o[0]], quad[:, o[1]], quad[:, k] = (
                    [U[p] for p in idx],
                    [V[p] for p in idx],
                    ks,
                )
                quads.append(quad)
    return quads


class RepresentationDisplay(Display):
    """The input plane and its image under a hidden layer, at one row.

    ``artists["rows"]``/``["cols"]`` are the mapped grid lines (LineCollections)
    in hidden space, ``artists["points"]`` the mapped training points.
    """

    def update(self, row: int) -> list[Artist]:
        row = self._row(row)
        self.row = row
        a, tr = self.artists, self.trace
        fr = tr.field_row(row)
        act, emb = tr[f"act/fc{self.layer}"][fr], tr[f"embed/fc{self.layer}"][fr]
        # act[:, i, :] is grid row i (y = grid/y[i]) mapped through the layer: a curve.
        a["rows"].set_segments([act[:, i, :].T for i in self.line_rows])
        a["cols"].set_segments([act[:, :, j].T for j in self.line_cols])
        if self.dim == 2:
            a["points"].set_offsets(emb)
        else:
            a["points"]._offsets3d = (emb[:, 0], emb[:, 1], emb[:, 2])
        plane = output_plane(tr, int(tr.field_steps[fr]), self.layer)
        if "boundary" in a and plane is not None:
            if self.dim == 2:
                a["boundary"].set_data(*_line_in_box(*plane, self.lims).T)
                w, b = plane
                a["sides"].set_data(
                    (w[0] * self.hx[None, :] + w[1] * self.hy[:, None] + b > 0) * 1.0
                )
            else:
                a["boundary"].set_verts(_plane_in_box(*plane, self.lims))
                a["boundary"].set_facecolor(PLANE_COLOR)
        a["title"].set_text(f"hidden space h = {self.formula}: step {tr.steps[row]}")
        return [v for v in a.values() if isinstance(v, Artist)]


def draw_representation(
    trace: Trace,
    step: int = -1,
    *,
    layer: int = 1,
    n_lines: int = 13,
    theme: str = "light",
) -> RepresentationDisplay:
    """Lecture 004's representation learning: a hidden layer straightens the data out.

    Left, the input plane with a regular grid of lines and the training
    points; right, the same lines and points as the hidden layer sees them:
    each point ``x`` goes to ``h = g(W x + b)``. As training goes on the
    layer bends and stretches the plane until a line (2 units) or a plane
    (3 units) separates the classes; that line is the output layer's
    ``w . h + b = 0``, drawn when ``layer`` is the last hidden layer.

    Parameters
    ----------
    trace : Trace
        A :func:`vizlab.train` trace whose hidden layer ``layer`` has 2 or 3
        units: ``act/fc{layer}`` (F, units, H, W) is the image of the field
        grid (grid row ``i`` maps to ``act[:, :, i, :]``), ``embed/fc{layer}``
        (F, N, units) the image of the training points.
    step : int
        Recorded row; the maps are those at ``trace.field_row(step)``, and the
        output line uses the parameters of that same field row.
    n_lines : int
        Grid lines drawn in each direction (a subset of the field grid's rows
        and columns, so each drawn vertex is a grid cell).

    Returns
    -------
    RepresentationDisplay
        ``line_rows``/``line_cols``: the grid indices drawn.
    """
    check_trace(trace, f"act/fc{layer}", f"embed/fc{layer}")
    act_all = trace[f"act/fc{layer}"]
    dim = act_all.shape[1]
    if dim not in (2, 3):
        raise ValueError(f"hidden layer {layer} has {dim} units; the picture needs 2 or 3")
    if not isinstance(n_lines, int) or n_lines < 2:
        raise ValueError(f"n_lines must be an integer >= 2; got {n_lines!r}")
    xs, ys = trace["grid/x"], trace["grid/y"]
    line_rows = np.unique(np.linspace(0, len(ys) - 1, n_lines).round().astype(int))
    line_cols = np.unique(np.linspace(0, len(xs) - 1, n_lines).round().astype(int))
    emb_all = trace[f"embed/fc{layer}"]
    lo = np.minimum(act_all.min((0, 2, 3)), emb_all.min((0, 1)))
    hi = np.maximum(act_all.max((0, 2, 3)), emb_all.max((0, 1)))
    pad = 0.05 * np.maximum(hi - lo, 1e-6)
    lims = np.stack([lo - pad, hi + pad], 1)
    activation = trace.config.get("activation", "")
    Xt, yt = trace["data/X_train"], trace["data/y_train"]
    colors = [style.class_color(c) for c in yt]
    line_kw = dict(linewidths=1.3, alpha=0.8)

    with style.theme(theme):
        fig, _ = figure(theme=theme)
        fig.clear()
        ax_in = fig.add_subplot(1, 2, 1)
        ax_h = fig.add_subplot(1, 2, 2, projection="3d" if dim == 3 else None)
        ax_in.add_collection(
            LineCollection(
                [np.c_[xs, np.full_like(xs, ys[i])] for i in line_rows], colors=ROW_COLOR, **line_kw
            )
        )
        ax_in.add_collection(
            LineCollection(
                [np.c_[np.full_like(ys, xs[j]), ys] for j in line_cols], colors=COL_COLOR, **line_kw
            )
        )
        ax_in.scatter(
            Xt[:, 0], Xt[:, 1], c=colors, s=30, edgecolors="white", linewidths=0.6, zorder=4
        )
        ax_in.set_xlim(xs[0], xs[-1])
        ax_in.set_ylim(ys[0], ys[-1])
        ax_in.set_aspect("equal")
        ax_in.set_title("input space x")
        ax_in.set_xlabel("$x_1$")
        ax_in.set_ylabel("$x_2$")
        a: dict = {}
        Coll = Line3DCollection if dim == 3 else LineCollection
        a["rows"] = Coll([], colors=ROW_COLOR, **line_kw)
        a["cols"] = Coll([], colors=COL_COLOR, **line_kw)
        for key in ("rows", "cols"):
            ax_h.add_collection(a[key])
        if dim == 2:
            a["points"] = ax_h.scatter(
                *emb_all[0].T, c=colors, s=30, edgecolors="white", linewidths=0.6, zorder=4
            )
            (a["boundary"],) = ax_h.plot(
                [], [], color="#222222", lw=3, zorder=5, label="output layer: w·h + b = 0"
            )
            # The two sides of the output's line, lightly: orange predicts class 0.
            a["sides"] = ax_h.imshow(
                np.zeros((2, 2)),
                extent=(*lims[0], *lims[1]),
                origin="lower",
                cmap=style.FIELD_CMAP,
                vmin=-1.0,
                vmax=2.0,
                alpha=0.45,
                aspect="auto",
                zorder=0,
                interpolation="nearest",
            )
        else:
            a["points"] = ax_h.scatter(*emb_all[0].T, c=colors, s=20, depthshade=False)
            a["boundary"] = Poly3DCollection(
                [], facecolor=PLANE_COLOR, edgecolor="none", label="output layer: w·h + b = 0"
            )
            ax_h.add_collection3d(a["boundary"])
            ax_h.set_zlim(*lims[2])
            ax_h.set_zlabel("$h_3$", labelpad=-2)
            for axis in (ax_h.xaxis, ax_h.yaxis, ax_h.zaxis):
                axis.set_major_locator(MaxNLocator(3))
            ax_h.tick_params(labelsize=10, pad=0)
            ax_h.view_init(elev=20, azim=-60)
        if output_plane(trace, 0, layer) is None:
            for key in ("boundary", "sides"):
                if key in a:
                    a.pop(key).set_visible(False)
        else:
            ax_h.legend(loc="lower left", fontsize=12, framealpha=0.9)
        ax_h.set_xlim(*lims[0])
        ax_h.set_ylim(*lims[1])
        ax_h.set_xlabel("$h_1$")
        ax_h.set_ylabel("$h_2$")
        a["title"] = ax_h.set_title("")
        fig.suptitle(f"A hidden layer of {dim} {activation} units maps the data to a new space")
        disp = RepresentationDisplay(trace, fig, a)
        disp.layer, disp.dim, disp.lims = layer, dim, lims
        disp.formula = f"{activation}(W x + b)" if layer == 1 else f"layer {layer}"
        disp.hx, disp.hy = np.linspace(*lims[0], 200), np.linspace(*lims[1], 200)
        disp.line_rows, disp.line_cols = line_rows, line_cols
        disp.update(step)
    return disp


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
        colors = np.where(flat_bin, FLAT_COLOR, style.SERIES[0])
        bars = ax_h.bar(
            centres,
            np.zeros(bins),
            width=edges[1] - edges[0],
            color=colors,
            edgecolor="white",
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
        for k, i in enumerate(curves):
            color = style.SERIES[k % len(style.SERIES)]
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
