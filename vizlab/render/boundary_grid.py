"""Small multiples of decision boundaries: several runs side by side on one timeline.

:func:`draw_boundary_grid` puts one boundary panel (and, optionally, a small
loss panel) per run; :func:`draw_linear_vs_mlp` is lecture 003's "a line
cannot, a hidden layer can". Nothing here imports torch.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.artist import Artist

from vizlab.render import style
from vizlab.render.base import Display, animator, figure
from vizlab.render.boundary import (
    DATASET_NAMES,
    BoundaryDisplay,
    _boundary_panel,
    _check_trace,
    architecture,
    describe,
)
from vizlab.render.curves import draw_curves
from vizlab.trace import Trace


class BoundaryGridDisplay(Display):
    """Several runs side by side on one timeline (the longest trace's rows).

    At row ``r`` of the longest trace every panel shows its latest row whose
    optimizer step is not after ``steps[r]``; a shorter (diverged) run holds
    at its last row.
    """

    def __init__(self, traces, fig, panels, axes, artists):
        longest = max(traces, key=lambda t: int(t.steps[-1]))
        super().__init__(longest, fig, artists)
        self.traces, self.panels, self.axes = list(traces), panels, axes
        self.suptitle: str | None = None

    # Each panel changes only its own listed artists (a BoundaryDisplay's, and its
    # loss panel's), the counter rides in the figure title: export may blit.
    blit_safe = True

    def animated_artists(self) -> list[Artist]:
        own = super().animated_artists()
        return own + [a for p in self.panels for a in p.animated_artists()]

    def rows_at(self, row: int) -> list[int]:
        """Row of each trace shown at row ``row`` of the shared timeline."""
        s = self.trace.steps[self._row(row)]
        return [max(int(np.searchsorted(t.steps, s, side="right")) - 1, 0) for t in self.traces]

    def update(self, row: int) -> list[Artist]:
        row = self._row(row)
        self.row = row
        changed: list[Artist] = []
        for panel, r in zip(self.panels, self.rows_at(row)):
            changed += panel.update(r)
        counter = f"step {self.trace.steps[row]}"
        self.artists["step"].set_text(f"{self.suptitle}  ({counter})" if self.suptitle else counter)
        return changed + [self.artists["step"]]

    timeline = BoundaryDisplay.timeline


def _share_ylim(axes: list) -> None:
    """One loss scale for the small curves panels when their ranges are alike (within 3x).

    Then heights compare across panels; a run whose losses are far larger
    (spikes of a too-large step) keeps its own scale rather than flatten the rest.
    """
    lims = np.array([ax.get_ylim() for ax in axes])
    if lims[:, 1].max() <= 3 * lims[:, 1].min():
        for ax in axes:
            ax.set_ylim(lims[:, 0].min(), lims[:, 1].max())


def _default_ncols(n: int) -> int:
    return n if n <= 4 else int(np.ceil(n / 2)) if n <= 8 else int(np.ceil(np.sqrt(n)))


def draw_boundary_grid(
    traces: Sequence[Trace],
    step: int = -1,
    *,
    titles: Sequence[str] | None = None,
    ncols: int | None = None,
    curves: bool = False,
    show_val: bool = True,
    suptitle: str | None = None,
    theme: str = "light",
    figsize: tuple[float, float] = (12.8, 7.2),
) -> BoundaryGridDisplay:
    """Small multiples: one decision-boundary panel per trace, one shared timeline.

    Parameters
    ----------
    traces : sequence of Trace
        Runs to compare (each with ``field/output``).
    step : int
        Row of the longest run (negative counts from the end).
    titles : sequence of str or callable, optional
        One plain-text title per panel; default from each header. A
        callable ``title(trace, row) -> str`` is called at every row shown,
        so a number in a title is the number of the frame it sits on.
    ncols : int, optional
        Panels per row (default: one row up to 4 panels, then two rows).
    curves : bool
        A small train/validation loss panel under each boundary.
    suptitle : str, optional
        Figure title (plain text).

    Returns
    -------
    BoundaryGridDisplay
        ``axes`` the boundary panels in order, ``panels`` their BoundaryDisplays.
    """
    traces = list(traces)
    if not traces:
        raise ValueError("draw_boundary_grid needs at least one trace")
    for t in traces:
        _check_trace(t)
    if titles is not None and len(titles) != len(traces):
        raise ValueError(f"got {len(titles)} titles for {len(traces)} traces")
    n = len(traces)
    ncols = ncols or _default_ncols(n)
    if not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols must be a positive integer; got {ncols!r}")
    nrows = -(-n // ncols)
    with style.theme(theme):
        fig, _ = figure(figsize=figsize, theme=theme)
        fig.clear()
        ratios = [3.2, 1.3] * nrows if curves else [1] * nrows
        gs = fig.add_gridspec(len(ratios), ncols, height_ratios=ratios)
        panels, axes = [], []
        for i, trace in enumerate(traces):
            r, c = divmod(i, ncols)
            ax = fig.add_subplot(gs[r * (2 if curves else 1), c])
            title = titles[i] if titles is not None else describe(trace)
            artists, points = _boundary_panel(trace, ax, show_val=show_val, title=title, small=True)
            cd = None
            if curves:
                cax = fig.add_subplot(gs[r * 2 + 1, c])
                cd = draw_curves(
                    trace, -1, ax=cax, theme=theme, show_step=False, compact=True, legend=i == 0
                )
                cax.set_xlabel("step", fontsize=11, labelpad=1)
                cax.set_ylabel("loss", fontsize=11)
                cax.tick_params(labelsize=9)
            panel = BoundaryDisplay(trace, fig, ax, artists, points, cd, "metrics")
            panel.title_fn = title if callable(title) else None
            panels.append(panel)
            axes.append(ax)
        if curves:
            _share_ylim([p.curves.ax for p in panels])
        # The shared step counter rides in the figure title, which the layout makes room for.
        step_text = fig.suptitle("", parse_math=False)
        disp = BoundaryGridDisplay(traces, fig, panels, axes, {"step": step_text})
        disp.suptitle = suptitle
        disp.update(disp._row(step))
    return disp


def draw_linear_vs_mlp(
    linear_trace: Trace, mlp_trace: Trace, step: int = -1, **kwargs
) -> BoundaryGridDisplay:
    """Lecture 003's point: no line separates XOR, a 2-2-1 sigmoid net does.

    Each title states the run's training accuracy at the step the panel
    shows (a line gets at most three of XOR's four clusters right, 75%).

    Parameters
    ----------
    linear_trace : Trace
        A :func:`vizlab.train` run with fields (``field/output``) and
        ``scalar/acc_train``: a model without hidden layers (or with linear
        activations), drawn in the left panel.
    mlp_trace : Trace
        The same kind of run for a network with a nonlinear hidden layer,
        drawn in the right panel.
    step : int
        Row of the longer run (negative counts from the end).
    **kwargs
        Passed to :func:`draw_boundary_grid` (``theme``, ``suptitle``,
        ``ncols``, ...); ``curves`` defaults to True here, and ``titles`` is
        set by this function.

    Returns
    -------
    BoundaryGridDisplay
        Two boundary panels (linear first), each titled with its head line
        and the training accuracy (in %) at the step shown.
    """
    titles = []
    for t in (linear_trace, mlp_trace):
        name = DATASET_NAMES.get(t.header.get("dataset", ""), "the data")
        cfg = t.config
        if not cfg.get("hidden"):
            head = f"a line cannot separate {name}"
        elif cfg.get("activation") == "linear":
            head = "no activations = still a line"
        else:
            head = architecture(cfg)
        titles.append(_acc_title(head))
    kwargs.setdefault("curves", True)
    return draw_boundary_grid([linear_trace, mlp_trace], step, titles=titles, **kwargs)


def _acc_title(head: str):
    """A title function: ``head`` and the training accuracy at the row shown."""

    def title(trace: Trace, row: int) -> str:
        return f"{head}: acc {float(trace['scalar/acc_train'][row]):.0%} at step {trace.steps[row]}"

    return title


animate_boundary_grid = animator(draw_boundary_grid, many=True)
