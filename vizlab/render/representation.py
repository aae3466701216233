"""Lecture 004's "representation learning": hidden layer 1 bends the input plane.

:func:`draw_representation` shows a regular grid of lines in the input plane
and its image in the hidden space, where the output layer's line (or plane)
separates the classes. Nothing here imports torch.
"""

from __future__ import annotations

import numpy as np
from matplotlib.artist import Artist
from matplotlib.collections import LineCollection
from matplotlib.ticker import MaxNLocator
from mpl_toolkits.mplot3d.art3d import Line3DCollection, Poly3DCollection

from vizlab.render import style
from vizlab.render.base import Display, figure
from vizlab.render.boundary import boundary_lines
from vizlab.render.unit_data import FLAT, check_trace, slope_from_output
from vizlab.trace import Trace

PLANE_COLOR = style.PLANE_RGBA
# Images of the grid's rows / columns: two categorical colours, never the class pair.
ROW_COLOR, COL_COLOR = style.series_color(3), style.series_color(2)


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


def separation_row(trace: Trace, layer: int = 1) -> tuple[int, float]:
    """The first recorded row at which the output's line separates the classes in hidden space.

    At each row with fields, the training points' images ``embed/fc{layer}``
    (F, N, units) are classified by the side of the output layer's
    ``w . h + b = 0`` they fall on; the row returned is the first whose
    accuracy equals the best accuracy any row reaches. Later rows often push
    the points further into the flat ends of tanh/sigmoid (every point on
    ``h = +-1``): this is the moment the picture still teaches, with the grid
    still bent and not yet folded flat.

    Returns
    -------
    row : int
        Recorded row (index into ``trace.steps``).
    accuracy : float
        Share of training points on their class's side at that row.
    """
    check_trace(trace, f"embed/fc{layer}", "data/y_train")
    y = np.asarray(trace["data/y_train"]).astype(int)
    accs = []
    for fr, step_row in enumerate(trace.field_steps):
        plane = output_plane(trace, int(step_row), layer)
        if plane is None:
            raise ValueError(f"hidden layer {layer} is not the last hidden layer: no output line")
        w, b = plane
        pred = (trace[f"embed/fc{layer}"][fr] @ w + b > 0).astype(int)
        accs.append(float((pred == y).mean()))
    accs = np.asarray(accs)
    fr = int(np.argmax(accs >= accs.max() - 1e-12))
    return int(trace.field_steps[fr]), float(accs[fr])


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

    @property
    def blit_safe(self) -> bool:
        """A 2-D hidden space changes only its listed artists; 3-D axes re-sort on every draw."""
        return self.dim == 2

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
        if "input_boundary" in a:
            field = tr["field/output"][fr]
            a["input_boundary"].set_segments(boundary_lines(tr["grid/x"], tr["grid/y"], field))
        a["title"].set_text(f"hidden space h = {self.formula}: step {tr.steps[row]}")
        a["note"].set_text(self._note(emb, plane))
        return [v for v in a.values() if isinstance(v, Artist)]

    def _note(self, emb: np.ndarray, plane) -> str:
        """What this frame shows, in numbers: separation and saturation at this row."""
        flat = slope_from_output(emb.astype(np.float64), self.activation) < FLAT
        parts = []
        if plane is not None:
            w, b = plane
            y = np.asarray(self.trace["data/y_train"]).astype(int)
            acc = float(((emb @ w + b > 0).astype(int) == y).mean())
            parts.append(f"{acc:.0%} of training points on their class's side")
        if self.activation in ("tanh", "sigmoid", "relu"):
            word = "dead" if self.activation == "relu" else "saturated"
            parts.append(f"{flat.mean():.0%} of unit outputs {word} (slope < {FLAT:g})")
        return " · ".join(parts)


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
            Xt[:, 0], Xt[:, 1], c=colors, s=30, edgecolors=style.PAPER, linewidths=0.6, zorder=4
        )
        ax_in.set_xlim(xs[0], xs[-1])
        ax_in.set_ylim(ys[0], ys[-1])
        ax_in.set_aspect("equal")
        ax_in.set_title("input space x")
        if "field/output" in trace and output_plane(trace, 0, layer) is not None:
            # The output's boundary pulled back into the input plane: where p = 0.5.
            a_in = LineCollection([], colors=style.BOUNDARY_COLOR, linewidths=3, zorder=5)
            ax_in.add_collection(a_in, autolim=False)
        else:
            a_in = None
        ax_in.set_xlabel("$x_1$")
        ax_in.set_ylabel("$x_2$")
        a: dict = {}
        if a_in is not None:
            a["input_boundary"] = a_in
        Coll = Line3DCollection if dim == 3 else LineCollection
        a["rows"] = Coll([], colors=ROW_COLOR, **line_kw)
        a["cols"] = Coll([], colors=COL_COLOR, **line_kw)
        for key in ("rows", "cols"):
            ax_h.add_collection(a[key])
        if dim == 2:
            a["points"] = ax_h.scatter(
                *emb_all[0].T, c=colors, s=30, edgecolors=style.PAPER, linewidths=0.6, zorder=4
            )
            (a["boundary"],) = ax_h.plot(
                [],
                [],
                color=style.BOUNDARY_COLOR,
                lw=3,
                zorder=5,
                label="output layer: w·h + b = 0",
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
        # Under both panels, with room kept by the layout: this frame's numbers.
        a["note"] = fig.supxlabel(" ", fontsize=14)
        fig.suptitle(f"A hidden layer of {dim} {activation} units maps the data to a new space")
        disp = RepresentationDisplay(trace, fig, a)
        disp.layer, disp.dim, disp.lims = layer, dim, lims
        disp.activation = activation
        disp.formula = f"{activation}(W x + b)" if layer == 1 else f"layer {layer}"
        disp.hx, disp.hy = np.linspace(*lims[0], 200), np.linspace(*lims[1], 200)
        disp.line_rows, disp.line_cols = line_rows, line_cols
        disp.update(step)
    return disp
