"""Dropout: which units a real run switched off, and what it did to the fit.

* :func:`draw_dropout_network`: the network as a diagram at one recorded
  step, for one example of that step's minibatch: units the run dropped
  (``mask/drop{i}`` is 0) are greyed out and crossed, and their connections
  hidden. The masks are the ones the optimizer used, read from the trace.
* :func:`draw_dropout_comparison`: decision boundaries and train/validation
  losses for several drop rates side by side, titled like lecture 003's
  slide ("Loss – Train: 0.23, Val: 0.25, p = 0.5").

Nothing here imports torch.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba

from vizlab.render import style
from vizlab.render.base import Display, figure
from vizlab.render.boundary import draw_boundary_grid
from vizlab.trace import Trace

UNIT_FILL, DROPPED_FILL, CROSS_COLOR = style.PAPER, style.DROPPED_FILL, style.DIVERGED_COLOR
INPUT_FILL = style.SHADE


def drop_rates(config: dict) -> tuple[float, ...]:
    """Drop probability per hidden layer from a trace's config (0 where none)."""
    hidden, p = list(config.get("hidden", [])), list(config.get("dropout", []))
    if not p:
        return (0.0,) * len(hidden)
    return tuple(float(v) for v in (p * len(hidden) if len(p) == 1 else p))


def _rate_text(rates: Sequence[float]) -> str:
    used = sorted({r for r in rates if r > 0})
    if len(used) == 1:
        return f"p = {used[0]:g}"
    return "p = (" + ", ".join(f"{r:g}" for r in rates) + ")"


class DropoutNetworkDisplay(Display):
    """The network diagram with one example's dropped units at a row.

    Attributes
    ----------
    positions : list of ndarray (n_l, 2)
        Diagram coordinates of the shown units, input layer first.
    shown : list of int
        Units drawn per layer (wide layers show their first ``max_units``).
    video_pacing : dict
        Bounds for a default video (see :func:`vizlab.gallery.video`): each
        mask stays on screen half a second (2 frames per second), so at most
        22 masks fit a 14 s video.
    """

    video_pacing = {"max_fps": 2, "slow_factor": 1, "n_frames": 22}
    blit_safe = True  # colours, crosses and texts change; the diagram stays put

    @property
    def poster_row(self) -> int:
        """The last training step (the final row is evaluation: no unit dropped)."""
        return max(len(self.trace) - 2, 0)

    def dropped(self, row: int) -> dict[int, np.ndarray]:
        """Hidden layer i -> indices of the shown units dropped at ``row`` for the sample."""
        out = {}
        for i in range(1, len(self.shown) - 1):
            key = f"mask/drop{i}"
            kept = self.trace[key][row, self.sample] if key in self.trace else None
            n = self.shown[i]
            out[i] = np.flatnonzero(~kept[:n]) if kept is not None else np.zeros(0, int)
        return out

    def update(self, row: int) -> list[Artist]:
        row = self._row(row)
        self.row = row
        a, tr = self.artists, self.trace
        dropped = self.dropped(row)
        off = [np.zeros(n, bool) for n in self.shown]
        for i, idx in dropped.items():
            off[i][idx] = True
        fills = [INPUT_FILL] * self.shown[0]
        for i in range(1, len(self.shown)):
            fills += [DROPPED_FILL if o else UNIT_FILL for o in off[i]]
        a["units"].set_facecolor(fills)
        crosses = [self.positions[i][idx] for i, idx in dropped.items()]
        a["crosses"].set_offsets(np.concatenate(crosses) if crosses else np.zeros((0, 2)))
        for lay, coll in enumerate(a["edges"], start=1):
            w = tr[f"param/fc{lay}.weight"][row][: self.shown[lay], : self.shown[lay - 1]]
            scale = float(np.abs(w).max()) or 1.0
            rgba = np.array([to_rgba(style.sign_color(v)) for v in w.T.ravel()])
            # Segment (i, j) joins unit i of layer lay-1 to unit j of layer lay.
            cut = off[lay - 1][:, None] | off[lay][None, :]
            rgba[:, 3] = np.where(cut.ravel(), 0.0, 0.85)
            coll.set_color(rgba)
            coll.set_linewidth(0.5 + 4.5 * np.abs(w.T.ravel()) / scale)
        batch = tr["batch/indices"][row] if "batch/indices" in tr else None
        if batch is None or batch[self.sample] < 0:
            text = f"Dropout {self.rate}: final weights, every unit kept (evaluation)"
        else:
            text = f"Dropout {self.rate}: step {tr.steps[row]}, example {int(batch[self.sample])}"
        a["title"].set_text(text)
        n_off = sum(len(v) for v in dropped.values())
        a["count"].set_text(f"{n_off} of {sum(self.shown[1:-1])} hidden units dropped")
        return [a["units"], a["crosses"], *a["edges"], a["title"], a["count"]]


def draw_dropout_network(
    trace: Trace,
    step: int = -1,
    *,
    sample: int = 0,
    max_units: int = 12,
    ax: Axes | None = None,
    theme: str = "light",
) -> DropoutNetworkDisplay:
    """The network at recorded row ``step`` with the units dropout switched off.

    Parameters
    ----------
    trace : Trace
        A :func:`vizlab.train` trace with ``dropout`` > 0: ``mask/drop{i}``
        (T, B, width) bool, 1 = kept; ``param/fc{i}.weight`` (T, out, in).
    step : int
        Recorded row (negative counts from the end). The last row is the
        final state, from which no update is taken: every unit is kept.
    sample : int
        Which example of the row's minibatch (0 .. B-1); each example gets
        its own mask. The title names its training-set index.
    max_units : int
        Wider layers show their first ``max_units`` units.

    Returns
    -------
    DropoutNetworkDisplay
        ``artists["units"]`` (one scatter, layers in order), ``artists["crosses"]``
        (a cross on each dropped unit), ``artists["edges"]`` (a LineCollection
        per weight matrix: colour = sign, width = ``|w|``, transparent where
        either end is dropped). :meth:`~DropoutNetworkDisplay.dropped` gives
        the dropped units, exactly the zeros of ``mask/drop{i}[row, sample]``.
    """
    if not isinstance(trace, Trace):
        raise ValueError(f"expected a vizlab Trace; got {type(trace).__name__}")
    if not trace.keys("mask"):
        raise ValueError("the run has no dropout masks: train with dropout=(0.5,)")
    B = trace["batch/indices"].shape[1]
    if isinstance(sample, bool) or not isinstance(sample, (int, np.integer)) or not 0 <= sample < B:
        raise ValueError(
            f"sample must be an example of the minibatch, 0 .. {B - 1}; got {sample!r}"
        )
    n_layers = len(trace.keys("param")) // 2
    widths = [trace[f"param/fc{i}.weight"].shape[2] for i in range(1, n_layers + 1)]
    widths.append(trace[f"param/fc{n_layers}.weight"].shape[1])
    shown = [min(w, max_units) for w in widths]
    positions = [
        np.c_[np.full(n, float(i)), (n - 1) / 2 - np.arange(n)] for i, n in enumerate(shown)
    ]
    with style.theme(theme):
        fig, ax = figure(ax, theme=theme)
        edges = []
        for lay in range(1, len(shown)):
            src, dst = positions[lay - 1], positions[lay]
            segs = [[s, d] for s in src for d in dst]
            coll = LineCollection(segs, zorder=1)
            ax.add_collection(coll)
            edges.append(coll)
        allpos = np.concatenate(positions)
        units = ax.scatter(
            allpos[:, 0],
            allpos[:, 1],
            s=700,
            c=UNIT_FILL,
            edgecolors=mpl.rcParams["axes.edgecolor"],
            linewidths=1.8,
            zorder=3,
        )
        crosses = ax.scatter([], [], s=500, marker="x", c=CROSS_COLOR, linewidths=3, zorder=4)
        names = ["input", *[f"hidden {i}" for i in range(1, len(shown) - 1)], "output"]
        top = max(shown) / 2 + 0.3
        rates = drop_rates(trace.config)
        for i, (name, w) in enumerate(zip(names, widths)):
            extra = f"\n(first {shown[i]} of {w})" if w > shown[i] else ""
            rate = f"\np = {rates[i - 1]:g}" if 0 < i < len(shown) - 1 and rates[i - 1] else ""
            ax.text(i, top, name + rate + extra, ha="center", va="bottom", fontsize=14)
        for k, lab in enumerate(("$x_1$", "$x_2$")[: shown[0]]):
            ax.text(-0.18, positions[0][k, 1], lab, ha="right", va="center", fontsize=16)
        ax.set_xlim(-0.6, len(shown) - 0.4)
        ax.set_ylim(-max(shown) / 2 - 0.6, top + 1.1)
        ax.set_axis_off()
        title = ax.set_title("")
        count = ax.text(0.5, 0.0, "", transform=ax.transAxes, ha="center", va="top", fontsize=14)
        ax.scatter([], [], s=200, marker="x", c=CROSS_COLOR, linewidths=3, label="dropped (mask 0)")
        ax.plot([], [], color=style.POSITIVE, lw=3, label="weight > 0")
        ax.plot([], [], color=style.NEGATIVE, lw=3, label="weight < 0")
        ax.legend(loc="lower right", fontsize=12, framealpha=0.9)
        art = {"units": units, "crosses": crosses, "edges": edges, "title": title, "count": count}
        disp = DropoutNetworkDisplay(trace, fig, art)
        disp.positions, disp.shown, disp.sample = positions, shown, int(sample)
        disp.rate = _rate_text(rates)
        disp.update(step)
    return disp


def loss_title(trace: Trace, label: str, wrap: bool = False, row: int = -1) -> str:
    """The slide's title: "Loss – Train: 0.23, Val: 0.25, p = 0.5" at recorded ``row``.

    ``wrap`` puts the label on a second line (for narrow panels).
    """
    lt, lv = float(trace["scalar/loss_train"][row]), float(trace["scalar/loss_val"][row])
    return f"Loss – Train: {lt:.2f}, Val: {lv:.2f}{chr(10) if wrap else ', '}{label}"


def _live_loss_title(label: str, wrap: bool):
    """A title function for a boundary panel: the losses at the row it shows."""
    return lambda trace, row: loss_title(trace, label, wrap, row)


def draw_comparison(
    traces: Sequence[Trace],
    step: int = -1,
    *,
    labels: Sequence[str],
    suptitle: str | None = None,
    theme: str = "light",
):
    """Boundaries over train/validation losses, one column per run, titled with the shown losses.

    A thin wrapper of :func:`vizlab.render.boundary.draw_boundary_grid`
    (``curves=True``): one shared timeline over the longest run.

    Parameters
    ----------
    traces : sequence of Trace
        :func:`vizlab.train` runs with fields, one column each (a single row
        of panels).
    step : int
        Row of the longest run (negative counts from the end).
    labels : sequence of str
        One per trace (a ValueError otherwise); each ends its panel's title,
        e.g. "p = 0.5", "λ = 0.05".
    suptitle : str, optional
        Figure title (plain text).
    theme : {"light", "dark"}
        Colour theme.

    Returns
    -------
    BoundaryGridDisplay
        See :func:`vizlab.render.boundary.draw_boundary_grid`; each panel's
        title holds that run's train and validation loss at the step shown
        (on a second line when there are more than three runs).
    """
    traces = list(traces)
    if len(labels) != len(traces):
        raise ValueError(f"got {len(labels)} labels for {len(traces)} traces")
    titles = [_live_loss_title(lab, len(traces) > 3) for lab in labels]
    return draw_boundary_grid(
        traces, step, titles=titles, curves=True, suptitle=suptitle, theme=theme, ncols=len(traces)
    )


def draw_dropout_comparison(
    traces: Sequence[Trace], step: int = -1, *, theme: str = "light", suptitle: str | None = None
):
    """Lecture 003's dropout slide from real runs: the same net with different drop rates.

    Parameters
    ----------
    traces : sequence of Trace
        :func:`vizlab.train` runs that differ in ``dropout`` (e.g. p = 0,
        0.5, 0.9), with fields. Losses are measured without dropout (as at
        evaluation), on the whole training and validation sets.

    Returns
    -------
    BoundaryGridDisplay
        See :func:`vizlab.render.boundary.draw_boundary_grid`; each panel's
        title holds that run's train and validation loss at the step shown.
    """
    traces = list(traces)
    if not traces or not all(isinstance(t, Trace) for t in traces):
        raise ValueError("draw_dropout_comparison needs a list of vizlab Traces")
    labels = [
        _rate_text(drop_rates(t.config)) if any(drop_rates(t.config)) else "p = 0" for t in traces
    ]
    if suptitle is None:
        suptitle = "Dropout: the same network, different drop rates"
    return draw_comparison(traces, step, labels=labels, suptitle=suptitle, theme=theme)
