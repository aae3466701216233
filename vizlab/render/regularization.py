"""L1 vs L2 regularization, from the lecture's worked example and from real runs.

* :func:`draw_worked_table`: lecture 000's table (x = [3, 2, 1], y = 10) with
  the closed-form minimisers and, if given, the weights gradient descent found.
* :func:`draw_penalty_geometry`: two weights: the L1 diamond and the L2 circle
  against the data-loss contours; L1's optimum sits on an axis, L2's does not.
* :func:`draw_weight_paths`: paired runs of one network with ``l1 = λ`` and
  ``l2 = λ`` (and the same run with no penalty as a grey dashed yardstick):
  first-layer weight paths, their histogram, how many are (nearly) zero and
  the layer's weight norm.
* :func:`draw_lambda_sweep`: lecture 003's λ in {0.01, 0.05, 0.2} slide.

Nothing here imports torch.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.patches import Circle, Polygon

from vizlab.render import style
from vizlab.render.base import Display, figure, subplots
from vizlab.render.dropout import draw_comparison
from vizlab.trace import Trace
from vizlab.worked import SLIDE_X, SLIDE_Y, Row, make_row, worked_table

L1_COLOR, L2_COLOR = style.run_color("l1"), style.run_color("l2")
BEST_FILL, HEAD_FILL = style.BEST_FILL, style.SHADE
ZERO_TOL = 1e-3


def _check(trace, *keys: str, what: str) -> None:
    if not isinstance(trace, Trace):
        raise ValueError(f"{what} must be a vizlab Trace; got {type(trace).__name__}")
    trace.require(*keys, what=what)


def _rows_at(traces: Sequence[Trace], row: int) -> list[int]:
    """Each trace's latest row whose step is not after the longest trace's row ``row``."""
    longest = max(traces, key=lambda t: int(t.steps[-1]))
    s = longest.steps[longest._row(row)]
    return [max(int(np.searchsorted(t.steps, s, side="right")) - 1, 0) for t in traces]


# --------------------------------------------------------------- worked table
def draw_worked_table(
    *,
    x: Sequence[float] = SLIDE_X,
    y: float = SLIDE_Y,
    learned: Sequence[Trace] = (),
    ax: Axes | None = None,
    theme: str = "light",
) -> Display:
    """The slide's L1/L2 table, the closed-form minimisers, and learned weights.

    Parameters
    ----------
    x, y : the one training example (the slide's by default).
    learned : sequence of Trace
        :func:`vizlab.penalty_descent` runs on the same ``x, y``;
        each adds a row with its final weights.

    Returns
    -------
    Display
        ``artists["table"]`` (matplotlib Table), ``rows`` (the :class:`Row`
        values shown). In the L1 and L2 columns the smallest value (to 2
        decimals) is highlighted: L1 picks (3.33, 0, 0), L2 (2.14, 1.43, 0.71).
    """
    rows: list[Row] = worked_table(x, y)
    for t in learned:
        _check(t, "point/xy", what="a learned run")
        cfg = t.config
        if not np.allclose(cfg.get("x", []), x) or cfg.get("y") != y:
            raise ValueError("a learned run was made on other data than x, y")
        label = f"descent, {cfg['penalty'].upper()} (λ = {cfg['strength']:g})"
        rows.append(make_row(label, t["point/xy"][-1], x))
    d = len(rows[0].w)
    with style.theme(theme):
        fig, ax = figure(ax, theme=theme)
        ax.set_axis_off()
        head = ["", *[f"w{i + 1}" for i in range(d)], "L1 = Σ|w|", "L2 = Σw²", "w·x"]
        cells = [
            [r.label, *[f"{v:.2f}" for v in r.w], f"{r.l1:.2f}", f"{r.l2:.2f}", f"{r.fit:.2f}"]
            for r in rows
        ]
        table = ax.table(cellText=cells, colLabels=head, loc="center", cellLoc="center")
        table.auto_set_font_size(False)
        table.set_fontsize(18)
        table.scale(1, 2.3)
        table.auto_set_column_width(list(range(len(head))))
        for j in range(len(head)):
            table[0, j].set_facecolor(HEAD_FILL)
            table[0, j].set_text_props(fontweight="bold")
        exact = [r for r in rows if not r.label.startswith("descent")]
        for col, key in ((d + 1, "l1"), (d + 2, "l2")):
            best = min(round(getattr(r, key), 2) for r in exact)
            for i, r in enumerate(rows, start=1):
                v = round(getattr(r, key), 2)
                # A descent run under this penalty lands on the smallest value up to
                # its last steps' rounding: both descent rows are marked alike.
                own = r.label.startswith(f"descent, {key.upper()}")
                if v == best or (own and abs(v - best) <= 0.02 * abs(best) + 0.01):
                    table[i, col].set_facecolor(BEST_FILL)
                    table[i, col].set_text_props(fontweight="bold")
        xs = ", ".join(f"{v:g}" for v in x)
        ax.set_title(f"Fit {y:g} = w · x with x = [{xs}]: which w?", pad=12, fontsize=22)
        ax.text(
            0.5,
            0.02,
            "L1 does feature selection (makes most numbers 0); L2 spreads the numbers",
            transform=ax.transAxes,
            ha="center",
            fontsize=18,
        )
        disp = _Static(None, fig, {"table": table})  # type: ignore[arg-type]
        disp.rows = rows
    return disp


class _Static(Display):
    def update(self, row: int) -> list[Artist]:
        return []


# ----------------------------------------------------------- penalty geometry
class GeometryDisplay(Display):
    """Both penalty runs on the plane of two weights; paths grow with the row."""

    blit_safe = True

    def update(self, row: int) -> list[Artist]:
        changed = []
        for t, r, path, dot in zip(
            self.traces, _rows_at(self.traces, row), self.artists["paths"], self.artists["dots"]
        ):
            xy = t["point/xy"]
            path.set_data(xy[: r + 1, 0], xy[: r + 1, 1])
            dot.set_data(xy[r : r + 1, 0], xy[r : r + 1, 1])
            changed += [path, dot]
        self.row = self.trace._row(row)
        self.artists["step"].set_text(f"step {self.trace.steps[self.row]}")
        return changed + [self.artists["step"]]


def draw_penalty_geometry(
    trace_l1: Trace, trace_l2: Trace, step: int = -1, *, theme: str = "light"
) -> GeometryDisplay:
    """Why L1 gives zeros: the diamond meets the line of exact fits at a corner.

    Each panel shows the data loss ``(w . x - y)^2`` (contours, from
    ``grid/loss``), whose zero set is the line of exact fits; the smallest
    level set of the penalty that touches that line, through the exact fit
    of least penalty (``data/exact``): a diamond ``|w1| + |w2| = c`` or a
    circle ``w1² + w2² = c``; the run's closed-form optimum
    (``data/optimum``, a star); and the descent path (``point/xy``) up to
    the row.

    Parameters
    ----------
    trace_l1, trace_l2 : Trace
        :func:`vizlab.penalty_descent` runs with two weights and
        the same data, penalties "l1" and "l2" (a ValueError otherwise),
        each with ``grid/x`` (nx,), ``grid/y`` (ny,), ``grid/loss``
        (ny, nx), ``point/xy`` (T, 2), ``data/optimum`` (2,) and
        ``data/exact`` (2,); the contours and the line come from
        ``trace_l1``.
    step : int
        Row of the run with more steps (negative counts from the end); the
        other run shows its latest row not after that step.
    theme : {"light", "dark"}
        Colour theme.

    Returns
    -------
    GeometryDisplay
        ``artists["paths"]`` (one line per run, L1 first, holding its first
        row+1 points in weight units ``(w1, w2)``), ``artists["dots"]`` (the
        current point of each) and ``artists["step"]`` (the step counter);
        ``traces`` holds ``[trace_l1, trace_l2]``.
    """
    for t, name in ((trace_l1, "l1"), (trace_l2, "l2")):
        _check(t, "grid/loss", "point/xy", "data/optimum", what=f"trace_{name}")
        if t.config.get("penalty") != name:
            raise ValueError(f"trace_{name} is a run with penalty {t.config.get('penalty')!r}")
    gx, gy, loss = trace_l1["grid/x"], trace_l1["grid/y"], trace_l1["grid/loss"]
    x, y = trace_l1["data/x"], float(trace_l1["data/y"][0])
    top = np.sqrt(loss.max())
    levels = (np.arange(3, top, 3.0 if top < 45 else top / 15)) ** 2
    with style.theme(theme):
        fig, axes = subplots(1, 2, theme=theme)
        paths, dots = [], []
        for ax, t, name, color in zip(
            axes, (trace_l1, trace_l2), ("L1", "L2"), (L1_COLOR, L2_COLOR)
        ):
            ax.contour(gx, gy, loss, levels=levels, colors=style.FAINT, linewidths=1)
            ax.plot([], [], color=style.FAINT, lw=1, label="data loss (w·x − y)², contours")
            ends = np.array(
                [[gx[0], (y - x[0] * gx[0]) / x[1]], [gx[-1], (y - x[0] * gx[-1]) / x[1]]]
            )
            ax.plot(
                *ends.T,
                color=style.INK,
                lw=2.5,
                label=f"exact fits {x[0]:g}w₁ + {x[1]:g}w₂ = {y:g}",
            )
            opt, exact = t["data/optimum"], t["data/exact"]
            if name == "L1":
                c = np.abs(exact).sum()
                ball = Polygon([[c, 0], [0, c], [-c, 0], [0, -c]], closed=True)
                shape = f"diamond |w₁| + |w₂| = {c:.2f}"
            else:
                c = float(np.hypot(*exact))
                ball = Circle((0, 0), c)
                shape = f"circle w₁² + w₂² = {c * c:.2f}"
            ball.set(facecolor=color, alpha=0.18, edgecolor=color, linewidth=2.5, label=shape)
            ax.add_patch(ball)
            (p,) = ax.plot([], [], color=color, lw=2.5, label="gradient descent")
            (d,) = ax.plot([], [], "o", color=color, ms=10, mec=style.PAPER, mew=1.5, zorder=5)
            ax.plot(
                *opt,
                "*",
                color=style.INK,
                ms=18,
                zorder=6,
                label=f"optimum ({opt[0]:.2f}, {opt[1]:.2f})",
            )
            paths.append(p)
            dots.append(d)
            ax.axhline(0, color=style.GUIDE, lw=0.8)
            ax.axvline(0, color=style.GUIDE, lw=0.8)
            ax.set_xlim(gx[0], gx[-1])
            ax.set_ylim(gy[0], gy[-1])
            ax.set_aspect("equal")
            ax.set_xlabel("$w_1$")
            ax.set_ylabel("$w_2$")
            pen = "Σ|w|" if name == "L1" else "Σw²"
            ax.set_title(f"{name}: loss + {t.config['strength']:g} {pen}")
            ax.legend(loc="upper right", fontsize=11, framealpha=0.92)
        fig.suptitle("L1 lands on an axis (w₂ = 0), L2 does not")
        step_text = fig.text(0.995, 0.995, "", ha="right", va="top", fontsize=14)
        disp = GeometryDisplay(
            max((trace_l1, trace_l2), key=lambda t: int(t.steps[-1])),
            fig,
            {"paths": paths, "dots": dots, "step": step_text},
        )
        disp.traces = [trace_l1, trace_l2]
        disp.update(step)
    return disp


# ---------------------------------------------------------------- weight paths
def zero_counts(trace: Trace, tol: float = ZERO_TOL, layer: int = 1) -> np.ndarray:
    """Number of weights of ``fc{layer}`` with ``|w| < tol`` at each recorded row, shape (T,)."""
    return (np.abs(trace[f"param/fc{layer}.weight"]) < tol).sum((1, 2))


def layer_norm(trace: Trace, layer: int = 1) -> np.ndarray:
    """Frobenius norm of ``fc{layer}``'s weight matrix at each recorded row, shape (T,)."""
    W = trace[f"param/fc{layer}.weight"]
    return np.sqrt(np.square(W.reshape(len(W), -1)).sum(1))


class WeightPathsDisplay(Display):
    """Paths, histograms, zero counts and norms of the L1/L2 (and λ = 0) runs at one row."""

    blit_safe = True  # every axis limit is set once, from the whole runs

    def update(self, row: int) -> list[Artist]:
        a, changed = self.artists, []
        for k, (t, r) in enumerate(zip(self.traces, _rows_at(self.traces, row))):
            W = self.weights[k]
            s = t.steps[: r + 1]
            a["paths"][k].set_segments([np.c_[s, W[: r + 1, j]] for j in range(W.shape[1])])
            heights = np.histogram(np.clip(W[r], *self.edges[[0, -1]]), self.edges)[0]
            a["hist"][k].set_data(values=heights)
            a["zeros"][k].set_data(s, self.counts[k][: r + 1])
            a["norms"][k].set_data(s, self.norms[k][: r + 1])
            a["note"][k].set_text(
                f"{self.counts[k][r]} of {W.shape[1]} with |w| < {self.tol:g}\n"
                f"norm {self.norms[k][r]:.2f}"
            )
            changed += [a["paths"][k], a["hist"][k], a["zeros"][k], a["norms"][k], a["note"][k]]
        self.row = self.trace._row(row)
        a["step"].set_text(f"step {self.trace.steps[self.row]}")
        return changed + [a["step"]]


def _penalty_free(trace: Trace) -> bool:
    cfg = trace.config
    return not cfg.get("l1", 0) and not cfg.get("l2", 0)


def draw_weight_paths(
    l1_trace: Trace,
    l2_trace: Trace,
    step: int = -1,
    *,
    baseline: Trace | None = None,
    tol: float = ZERO_TOL,
    layer: int = 1,
    bins: int = 41,
    theme: str = "light",
) -> WeightPathsDisplay:
    """L1 drives weights to zero, L2 shrinks them all: paired runs, same seed.

    Parameters
    ----------
    l1_trace, l2_trace : Trace
        :func:`vizlab.train` runs identical but for ``l1 = λ`` vs ``l2 = λ``.
    step : int
        Row of the longest run (negative counts from the end); the others
        show their latest row not after that step.
    baseline : Trace, optional
        The same run with no penalty (``l1 = l2 = 0``; a ValueError
        otherwise): a third row and a line in each summary panel, in the
        grammar's reference style (grey, dashed), the yardstick for "L2
        only shrinks".
    tol : float
        A weight counts as zero when ``|w| < tol``. (Training uses the L1
        subgradient, so an L1 weight at 0 jitters by about ``lr λ`` rather
        than sitting exactly at 0.)
    layer : int
        Whose weights, ``param/fc{layer}.weight`` (T, out, in).

    Returns
    -------
    WeightPathsDisplay
        ``counts[k]`` (T,) the zero counts plotted (see :func:`zero_counts`),
        ``norms[k]`` (T,) the layer's weight norm (see :func:`layer_norm`);
        ``artists["paths"][k]`` one LineCollection with a line per weight,
        ``artists["hist"][k]`` the histogram (a filled StepPatch over ``bins``
        equal bins; weights outside them counted in the end bins),
        ``artists["zeros"][k]`` and ``artists["norms"][k]`` the summary
        lines; ``k`` runs over L1, L2 and the baseline if given.
    """
    traces = [l1_trace, l2_trace]
    names = ["L1", "L2"]
    key = f"param/fc{layer}.weight"
    for t, name in zip(traces, ("l1_trace", "l2_trace")):
        _check(t, key, what=name)
    if baseline is not None:
        _check(baseline, key, what="baseline")
        if not _penalty_free(baseline):
            raise ValueError("the baseline must be a run with no penalty (l1 = l2 = 0)")
        traces.append(baseline)
        names.append("no penalty")
    colors = [L1_COLOR, L2_COLOR, style.REFERENCE_COLOR]
    dashes = ["-", "-", style.REFERENCE_LINESTYLE]
    weights = [t[key].reshape(len(t), -1) for t in traces]
    counts = [zero_counts(t, tol, layer) for t in traces]
    norms = [layer_norm(t, layer) for t in traces]
    m = max(float(np.abs(W).max()) for W in weights) or 1.0
    edges = np.linspace(-m, m, bins + 1)
    end = max(int(t.steps[-1]) for t in traces)
    n_rows = len(traces)
    hist_top = max(np.histogram(W[[0, -1]], edges)[0].max() for W in weights) * 1.15
    with style.theme(theme):
        fig, _ = figure(theme=theme)
        fig.clear()
        gs = fig.add_gridspec(n_rows, 3, width_ratios=[1.3, 1, 1.1])
        side = gs[:, 2].subgridspec(2, 1)
        ax_z, ax_n = fig.add_subplot(side[0]), fig.add_subplot(side[1])
        art: dict = {"paths": [], "hist": [], "zeros": [], "norms": [], "note": []}
        for k, (t, name, color, ls) in enumerate(zip(traces, names, colors, dashes)):
            lam = t.config.get(name.lower(), 0)
            label = f"{name}, λ = {lam:g}" if k < 2 else "no penalty, λ = 0"
            ax_p, ax_h = fig.add_subplot(gs[k, 0]), fig.add_subplot(gs[k, 1])
            coll = LineCollection([], colors=color, linewidths=1, alpha=0.7, linestyles=ls)
            ax_p.add_collection(coll)
            ax_p.set_xlim(0, end)
            ax_p.set_ylim(-m * 1.05, m * 1.05)
            ax_p.axhline(0, color=style.GUIDE, lw=0.8)
            ax_p.set_ylabel("weight")
            ax_p.set_title(f"{label}: layer {layer} weights")
            # one filled step patch per histogram: drawn as one path, not one per bin
            hist = ax_h.stairs(
                np.zeros(bins),
                edges,
                fill=True,
                color=color,
                **({"hatch": "//", "edgecolor": style.PAPER} if k == 2 else {}),
            )
            ax_h.set_ylim(0, hist_top)
            ax_h.set_xlim(edges[0], edges[-1])
            ax_h.set_ylabel("count")
            ax_h.set_title(f"{name}: histogram")
            note = ax_h.text(
                0.98, 0.95, "", transform=ax_h.transAxes, ha="right", va="top", fontsize=12
            )
            (z,) = ax_z.plot([], [], color=color, lw=2, linestyle=ls, label=label)
            (nl,) = ax_n.plot([], [], color=color, lw=2, linestyle=ls, label=label)
            art["paths"].append(coll)
            art["hist"].append(hist)
            art["zeros"].append(z)
            art["norms"].append(nl)
            art["note"].append(note)
            if k == n_rows - 1:
                ax_p.set_xlabel("step")
                ax_h.set_xlabel("weight")
        n = weights[0].shape[1]
        for ax in (ax_z, ax_n):
            ax.set_xlim(0, end)
        ax_z.set_ylim(0, n * 1.02)
        ax_z.set_ylabel("count")
        ax_z.set_title(f"weights with |w| < {tol:g}")
        ax_z.legend(loc="upper left", fontsize=11)
        ax_n.set_ylim(0, max(float(v.max()) for v in norms) * 1.08)
        ax_n.set_xlabel("step")
        ax_n.set_ylabel("norm")
        ax_n.set_title(f"layer {layer} weight norm ‖W‖")
        if baseline is None:
            fig.suptitle("L1 drives weights to zero, L2 only shrinks them")
        else:
            fig.suptitle(
                "L1 drives weights to zero; L2 only shrinks them (grey dashed: no penalty)"
            )
        art["step"] = fig.text(0.995, 0.995, "", ha="right", va="top", fontsize=14)
        disp = WeightPathsDisplay(max(traces, key=lambda t: int(t.steps[-1])), fig, art)
        disp.traces, disp.weights, disp.counts, disp.norms = traces, weights, counts, norms
        disp.edges, disp.tol = edges, tol
        disp.update(step)
    return disp


# --------------------------------------------------------------- lambda sweep
def draw_lambda_sweep(
    traces: Sequence[Trace], step: int = -1, *, theme: str = "light", suptitle: str | None = None
):
    """Lecture 003's weight-regularization slide: one net, λ = 0.01, 0.05, 0.2.

    Parameters
    ----------
    traces : sequence of Trace
        :func:`vizlab.train` runs differing in ``l2`` (or ``l1``), with fields.

    Returns
    -------
    BoundaryGridDisplay
        Boundaries over train/validation losses, each titled like the slide:
        "Loss – Train: 0.12, Val: 0.29, λ = 0.01" (final values of the run).
    """
    traces = list(traces)
    if not traces or not all(isinstance(t, Trace) for t in traces):
        raise ValueError("draw_lambda_sweep needs a list of vizlab Traces")
    labels = []
    for t in traces:
        l1, l2 = t.config.get("l1", 0), t.config.get("l2", 0)
        labels.append(f"λ = {l2:g}" if l2 or not l1 else f"λ = {l1:g} (L1)")
    if suptitle is None:
        suptitle = "Weight regularization: loss + λ Σ W²"
    return draw_comparison(traces, step, labels=labels, suptitle=suptitle, theme=theme)
