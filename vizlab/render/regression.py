"""Regression pictures: the fitted function as a colour map, and a 1-D fit as a sum of pieces.

A 2-D regression field (``field/output``, the predicted value on the grid)
is drawn on the diverging orange-white-blue map (negative, zero, positive),
with each point coloured by its target on the same scale, as Playground
draws it. A 1-D fit (the ``sine`` dataset, grid of one row) is drawn as the
curve ``f(x) = b + sum_j w_j h_j(x)`` over the data together with each hidden
unit's contribution ``w_j h_j(x)``: universal approximation as a sum of tanh
or ReLU pieces (lectures 000, 004). Everything comes from the trace:
``act/fc1`` holds ``h_j`` on the grid, ``param/fc2.*`` the output weights.
Nothing here imports torch.
"""

from __future__ import annotations

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes

from vizlab.render import style
from vizlab.render.base import Display, figure
from vizlab.render.curves import draw_curves
from vizlab.trace import Trace

FIT_COLOR = style.INK
PIECE_ALPHA = 0.55


def _check(trace: Trace) -> None:
    if not isinstance(trace, Trace):
        raise ValueError(f"expected a vizlab Trace; got {type(trace).__name__}")
    if trace.config.get("task") != "regression":
        raise ValueError("draw_regression needs a regression trace (task='regression')")
    if "field/output" not in trace or trace.field_row(0) is None:
        raise ValueError("the trace has no field 'field/output' (train with frames > 0)")


def contributions(trace: Trace, field_row: int) -> tuple[np.ndarray, np.ndarray, float] | None:
    """Each last-hidden-layer unit's share of the output on the grid at one field row.

    Returns ``(pieces (units, W), fit (W,), bias)`` with ``fit = bias +
    pieces.sum(0)`` for a 1-D trace, or None when the trace has no maps of
    the last hidden layer (a linear model, or a layer too wide to record).
    """
    layers = len(trace.header.get("layers", []))
    key = f"act/fc{layers - 1}"
    if layers < 2 or key not in trace:
        return None
    row = int(trace.field_steps[field_row])
    w = np.asarray(trace[f"param/fc{layers}.weight"][row, 0], np.float64)  # (units,)
    b = float(trace[f"param/fc{layers}.bias"][row, 0])
    h = np.asarray(trace[key][field_row][:, 0, :], np.float64)  # (units, W)
    pieces = w[:, None] * h
    return pieces, b + pieces.sum(0), b


class RegressionDisplay(Display):
    """A regression run at one row: the 2-D value map or the 1-D fit with its pieces."""

    blit_safe = True

    def __init__(self, trace, fig, ax, artists, curves):
        super().__init__(trace, fig, artists)
        self.ax, self.curves = ax, curves
        self.points: dict = {}  # the static scatters: "train" and "val"
        self.one_d = trace["grid/y"].size == 1

    def animated_artists(self) -> list[Artist]:
        extra = self.curves.animated_artists() if self.curves is not None else []
        return super().animated_artists() + extra

    def update(self, row: int) -> list[Artist]:
        row = self._row(row)
        self.row = row
        tr, a = self.trace, self.artists
        fr = tr.field_row(row)
        changed = []
        if self.one_d:
            a["fit"].set_ydata(tr["field/output"][fr][0])
            parts = contributions(tr, fr)
            if parts is not None:
                for line, piece in zip(a["pieces"], parts[0]):
                    line.set_ydata(piece)
                a["bias"].set_ydata([parts[2], parts[2]])
                changed += [*a["pieces"], a["bias"]]
            changed.append(a["fit"])
        else:
            a["image"].set_data(tr["field/output"][fr])
            changed.append(a["image"])
        s = tr.at(row)
        r2 = f"R² train {float(s['scalar/r2_train']):.2f}"
        if np.isfinite(float(s["scalar/r2_val"])):
            r2 += f" · val {float(s['scalar/r2_val']):.2f}"
        a["text"].set_text(f"step {s.step}\n{r2}")
        changed.append(a["text"])
        if self.curves is not None:
            changed += self.curves.update(row)
        return changed


def _panel_2d(trace: Trace, ax: Axes) -> tuple[dict, dict]:
    xs, ys = trace["grid/x"], trace["grid/y"]
    dx, dy = (xs[-1] - xs[0]) / (len(xs) - 1), (ys[-1] - ys[0]) / (len(ys) - 1)
    extent = (xs[0] - dx / 2, xs[-1] + dx / 2, ys[0] - dy / 2, ys[-1] + dy / 2)
    y_all = np.concatenate([trace["data/y_train"], trace["data/y_val"]])
    lim = float(np.abs(y_all).max()) or 1.0
    scale = dict(cmap=style.FIELD_CMAP, vmin=-lim, vmax=lim)
    a = {
        "image": ax.imshow(
            trace["field/output"][0],
            extent=extent,
            origin="lower",
            interpolation="bilinear",
            **scale,
        )
    }
    points = {}
    for split, marker, edge in (("train", "o", style.PAPER), ("val", "^", style.INK)):
        X = trace[f"data/X_{split}"]
        if len(X):
            points[split] = ax.scatter(
                X[:, 0],
                X[:, 1],
                c=trace[f"data/y_{split}"],
                marker=marker,
                s=36,
                edgecolors=edge,
                linewidths=0.8,
                zorder=3,
                **scale,
            )
    ax.set_xlim(extent[:2])
    ax.set_ylim(extent[2:])
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_aspect("equal")
    cb = ax.figure.colorbar(a["image"], ax=ax, fraction=0.046, pad=0.02)
    cb.set_label("predicted value (points: target)")
    return a, points


def _panel_1d(trace: Trace, ax: Axes, pieces: bool) -> tuple[dict, dict]:
    xs = trace["grid/x"]
    points = {}
    for split, marker, color in (("train", "o", style.MUTED), ("val", "^", style.INK)):
        X = trace[f"data/X_{split}"]
        if len(X):
            points[split] = ax.scatter(
                X[:, 0],
                trace[f"data/y_{split}"],
                marker=marker,
                s=18,
                color=color,
                alpha=0.6,
                zorder=2,
                label=f"{split} data",
            )
    a: dict = {}
    parts = contributions(trace, 0) if pieces else None
    if parts is not None:
        colors = style.SERIES
        a["pieces"] = [
            ax.plot(
                xs,
                p,
                lw=1.6,
                alpha=PIECE_ALPHA,
                color=colors[j % len(colors)],
                zorder=1,
                label="unit contributions $w_j h_j(x)$" if j == 0 else None,
            )[0]
            for j, p in enumerate(parts[0])
        ]
        a["bias"] = ax.plot(
            xs[[0, -1]], [parts[2]] * 2, ls="--", lw=1.2, color=style.GUIDE, label="output bias $b$"
        )[0]
    a["fit"] = ax.plot(
        xs,
        trace["field/output"][0][0],
        lw=3.2,
        color=FIT_COLOR,
        zorder=4,
        label="fit $f(x) = b + \\sum_j w_j h_j(x)$",
    )[0]
    y_all = np.concatenate([trace["data/y_train"], trace["data/y_val"]])
    lim = 1.5 * float(np.abs(y_all).max())
    ax.set_ylim(-lim, lim)
    ax.set_xlim(xs[0], xs[-1])
    ax.axhline(0, color=style.FAINT, lw=0.8, zorder=0)
    ax.set_xlabel("input $x_1$ (standardised)")
    ax.set_ylabel("output")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), fontsize=11, frameon=False, ncol=2)
    return a, points


def draw_regression(
    trace: Trace,
    step: int = -1,
    *,
    ax: Axes | None = None,
    curves: bool | Axes | None = None,
    pieces: bool = True,
    theme: str = "light",
    title: str | None = None,
) -> RegressionDisplay:
    """A regression run at recorded row ``step``.

    Parameters
    ----------
    trace : Trace
        A ``task="regression"`` trace: ``field/output`` (F, H, W) predicted
        values on ``grid/x`` (W,), ``grid/y`` (H,); H = 1 for 1-D data.
    step : int
        Recorded row (negative counts from the end); the field shown is the
        latest at or before it.
    ax : Axes, optional
        Draw here instead of a new figure.
    curves : bool or Axes, optional
        Train/validation squared-error curves beside it (default: on a new figure).
    pieces : bool
        1-D only: draw each hidden unit's contribution ``w_j h_j(x)``.
    title : str, optional
        Default: dataset and network.

    Returns
    -------
    RegressionDisplay
        ``artists["fit"]`` and ``artists["pieces"]`` (1-D) or ``artists["image"]`` (2-D),
        ``artists["text"]``.
    """
    _check(trace)
    with style.theme(theme):
        curves_ax = curves if isinstance(curves, Axes) else None
        if ax is None and curves is not False and curves_ax is None:
            fig, _ = figure(theme=theme)
            fig.clear()
            gs = fig.add_gridspec(1, 2, width_ratios=[1.25, 1.0])
            ax, curves_ax = fig.add_subplot(gs[0]), fig.add_subplot(gs[1])
        else:
            fig, ax = figure(ax, theme=theme)
        one_d = trace["grid/y"].size == 1
        a, points = _panel_1d(trace, ax, pieces) if one_d else _panel_2d(trace, ax)
        if title is None:
            hidden = trace.config.get("hidden", [])
            net = (
                "linear model"
                if not hidden
                else f"{'-'.join(map(str, hidden))} {trace.config.get('activation')} units"
            )
            title = f"{trace.config.get('dataset')}: {net}"
        if title:
            ax.set_title(title, parse_math=False)
        where = (0.01, 0.99, "top") if one_d else (0.0, -0.03, "top")
        a["text"] = ax.text(
            where[0],
            where[1],
            "",
            transform=ax.transAxes,
            ha="left",
            va=where[2],
            fontsize=13,
            zorder=6,
            bbox=dict(boxstyle="round", fc=style.PAPER, ec="none", alpha=0.8) if one_d else None,
        )
        panel = None
        if curves_ax is not None:
            panel = draw_curves(trace, step, ax=curves_ax, theme=theme, show_step=False)
        disp = RegressionDisplay(trace, fig, ax, a, panel)
        disp.points = points
        disp.update(step)
    return disp
