"""Training curves: train vs validation loss (or accuracy) against the optimizer step.

"You can keep doing back propagation forever! The training loss will always
go down. But it overfits. Need to monitor performance on a held out set"
(lecture 000); "stop training before we have a chance to overfit" (lecture
002). The curves grow with the step, and a dashed line marks the
early-stopping step: the row with the lowest validation loss seen so far.
Nothing here imports torch.
"""

from __future__ import annotations

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter
from matplotlib.transforms import blended_transform_factory

from vizlab.render import style
from vizlab.render.base import Display, animator, figure
from vizlab.trace import Trace

METRICS = {
    "loss": ("scalar/loss_train", "scalar/loss_val"),
    "accuracy": ("scalar/acc_train", "scalar/acc_val"),
}
LOSS_NAMES = {
    "bce": "cross-entropy loss",
    "cross_entropy": "cross-entropy loss",
    "mse": "squared-error loss",
}
DIVERGED_COLOR = style.DIVERGED_COLOR
#: The early-stopping marker appears once validation loss is 5 % above its lowest value.
RISE = 0.05


def _running_best(val: np.ndarray, patience: int | None) -> tuple[np.ndarray, int | None]:
    """Early-stopping row as training reaches each row, and the row where patience ran out.

    ``best[t]`` is the row of the lowest finite validation loss among rows
    ``0..t`` (first one on ties), frozen once ``patience`` rows in a row have
    not improved on it: that is the moment training would stop. -1 while no
    finite value has been seen.
    """
    best = np.full(len(val), -1, dtype=np.int64)
    b, b_val, stop = -1, np.inf, None
    for t, v in enumerate(val):
        if stop is None:
            if np.isfinite(v) and v < b_val:
                b, b_val = t, v
            elif patience is not None and b >= 0 and t - b >= patience:
                stop = t
        best[t] = b
    return best, stop


def _check_patience(patience) -> None:
    if patience is not None and (
        isinstance(patience, bool) or not isinstance(patience, (int, np.integer)) or patience < 1
    ):
        raise ValueError(f"patience must be a positive number of rows or None; got {patience!r}")


def early_stopping_row(trace: Trace | np.ndarray, patience: int | None = None) -> int:
    """The recorded row early stopping keeps.

    Parameters
    ----------
    trace : Trace or ndarray (T,)
        A training trace (its ``scalar/loss_val`` is used) or the validation
        losses themselves.
    patience : int, optional
        None: the row of the lowest validation loss over the whole run
        (``argmin``, the first one on ties). An integer: training stops as
        soon as ``patience`` consecutive rows fail to beat the best so far,
        and the row returned is that best one, i.e. the first row after which
        the validation loss did not improve for ``patience`` rows (Keras's
        ``EarlyStopping`` with ``restore_best_weights``). Patience counts
        recorded rows, which are optimizer steps when ``record_every`` is 1.

    Returns
    -------
    int
        Row index into the trace (``trace.steps[row]`` is its optimizer step).
    """
    _check_patience(patience)
    if isinstance(trace, Trace) and "scalar/loss_val" not in trace:
        raise ValueError("early stopping needs a train trace with 'scalar/loss_val'")
    val = trace["scalar/loss_val"] if isinstance(trace, Trace) else trace
    val = np.asarray(val, dtype=float)
    if val.ndim != 1 or val.size == 0:
        raise ValueError(f"validation losses must be a non-empty 1-d array; got shape {val.shape}")
    if not np.isfinite(val).any():
        raise ValueError("the trace has no finite validation loss (was val_fraction 0?)")
    best, _ = _running_best(val, patience)
    return int(best[-1])


class CurvesDisplay(Display):
    """Train and validation curves up to a row, with the early-stopping marker.

    Attributes
    ----------
    ax : Axes
    metric : {"loss", "accuracy"}
    train, val : ndarray (T,)
        The plotted metric per recorded row.
    loss_val : ndarray (T,)
        Validation loss, which early stopping watches whatever the metric.
    best : ndarray (T,) int
        Early-stopping row as seen at each row (-1 before any validation value).
    stop : int or None
        Row at which ``patience`` ran out (None: it never did, or no patience).
    """

    def __init__(
        self, trace, fig, ax, artists, *, metric, train, val, loss_val, best, stop, compact
    ):
        super().__init__(trace, fig, artists)
        self.ax, self.metric = ax, metric
        self.train, self.val, self.loss_val = train, val, loss_val
        self.best, self.stop, self.compact = best, stop, compact

    # Lines grow inside fixed axis limits: only listed artists change.
    blit_safe = True

    def update(self, row: int) -> list[Artist]:
        row = self._row(row)
        self.row = row
        a, x = self.artists, self.trace.steps
        a["train"].set_data(x[: row + 1], self.train[: row + 1])
        a["now"].set_data([x[row]] * 2, [self.train[row], self.val[row]])
        if "val" in a:
            a["val"].set_data(x[: row + 1], self.val[: row + 1])
        if "es_line" in a:
            b = int(self.best[row])
            # Marked only once validation loss has clearly risen past its lowest
            # point (by more than RISE of it): while it still falls, or only
            # wobbles on a plateau, "stop here" would mark noise.
            show = 0 <= b < row and self.loss_val[row] > (1 + RISE) * self.loss_val[b]
            # A run that stopped early and restored its best weights ends on them:
            # its last row equals the best one, and the mark says where it came from.
            show = show or (0 <= b < row == len(self.trace) - 1 and self._early_stopped())
            for key in ("es_line", "es_dot", "es_text"):
                a[key].set_visible(show)
            if show:
                a["es_line"].set_xdata([x[b], x[b]])
                a["es_dot"].set_data([x[b]], [self.val[b]])
                right = x[b] > 0.45 * self.ax.get_xlim()[1]  # a long label fits on either side
                a["es_text"].set_x(x[b])
                a["es_text"].set_horizontalalignment("right" if right else "left")
                a["es_text"].set_text(self._es_label(b, row))
        if "step" in a:
            a["step"].set_text(f"step {x[row]}")
        if "diverged" in a:
            a["diverged"].set_visible(row == len(self.trace) - 1)
        return [v for v in a.values() if isinstance(v, Artist)]

    def _early_stopped(self) -> bool:
        """True when the trace records an ``early_stop`` event."""
        return any(e.get("type") == "early_stop" for e in (self.trace.events or ()))

    def _es_label(self, b: int, row: int) -> str:
        step = int(self.trace.steps[b])
        detail = f"val loss {fmt_loss(self.loss_val[b])}"
        if self.metric == "accuracy":
            detail += f", acc {self.val[b]:.0%}"
        if self.compact:
            return f" lowest val loss: step {step} "
        tail = ""
        if self.stop is not None and row >= self.stop:
            tail = f"; patience ran out at step {int(self.trace.steps[self.stop])}"
        # "early stop" only where the run really stopped (or was told its patience);
        # otherwise the mark is just the best validation step, which is what it shows.
        stopped = self.stop is not None or self._early_stopped()
        head = "early stop" if stopped else "lowest val loss"
        return f" {head}: step {step} ({detail}{tail}) "


def fmt_loss(v: float) -> str:
    """A loss for a label: two decimals, or two significant digits outside [0.1, 1000) (0.0042)."""
    if not np.isfinite(v) or 0.1 <= abs(v) < 1000:
        return f"{v:.2f}"
    return f"{v:.2g}"


def draw_curves(
    trace: Trace,
    step: int = -1,
    *,
    ax: Axes | None = None,
    metric: str = "loss",
    theme: str = "light",
    early_stopping: bool = True,
    patience: int | None = None,
    logy: bool | None = None,
    legend: bool = True,
    show_step: bool = True,
    compact: bool = False,
) -> CurvesDisplay:
    """Train vs validation curves up to recorded row ``step``.

    Parameters
    ----------
    trace : Trace
        A :func:`vizlab.train` trace (``scalar/loss_train``, ``scalar/loss_val``,
        ``scalar/acc_train``, ``scalar/acc_val``, each (T,)).
    step : int
        Recorded row shown (negative counts from the end). The lines hold rows
        ``0..step``; the axes span the whole run so they never rescale.
    metric : {"loss", "accuracy"}
    early_stopping : bool
        Mark the early-stopping row (see :func:`early_stopping_row`) as seen
        at ``step``: a dashed line and "lowest val loss: step k (val loss 0.23)"
        ("early stop: ..." when the run stopped early or ``patience`` is given).
    patience : int, optional
        Passed to the early-stopping rule.
    logy : bool, optional
        Logarithmic y axis (loss only). Default: only for a run that diverged,
        whose last losses are many orders of magnitude above the rest.
    compact : bool
        Shorter labels, for small panels.

    Returns
    -------
    CurvesDisplay
    """
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)}; got {metric!r}")
    if logy and metric != "loss":
        raise ValueError("logy is only for metric='loss'")
    if logy is None:
        logy = metric == "loss" and trace.diverged is not None
    _check_patience(patience)
    for key in (*METRICS[metric], "scalar/loss_val"):
        if key not in trace:
            raise ValueError(f"draw_curves needs a train trace with {key!r}")
    with style.theme(theme):
        fig, ax = figure(ax, theme=theme)
        x = trace.steps
        train = np.asarray(trace[METRICS[metric][0]], dtype=float)
        val = np.asarray(trace[METRICS[metric][1]], dtype=float)
        loss_val = np.asarray(trace["scalar/loss_val"], dtype=float)
        if metric == "loss":
            val = loss_val
        has_val = bool(np.isfinite(val).any())
        artists: dict = {}
        artists["train"] = ax.plot([], [], **style.split_style("train"), label="train")[0]
        if has_val:
            artists["val"] = ax.plot([], [], **style.split_style("val"), label="validation")[0]
        artists["now"] = ax.plot(
            [], [], "o", color=style.PATH_COLOR, ms=8 if compact else 9, zorder=5
        )[0]
        artists["now"].set_markerfacecolor("none")
        artists["now"].set_markeredgewidth(2)
        best, stop = _running_best(loss_val, patience)
        if early_stopping and has_val:
            es_color = style.MUTED if theme == "light" else style.FAINT
            artists["es_line"] = ax.axvline(0, color=es_color, ls="--", lw=1.8, zorder=1)
            artists["es_dot"] = ax.plot(
                [],
                [],
                "*",
                color=style.VAL_COLOR,
                ms=16 if not compact else 12,
                zorder=6,
                markeredgecolor=style.PAPER,
            )[0]
            top = blended_transform_factory(ax.transData, ax.transAxes)
            # Loss curves fall, so the label goes at the top; accuracy curves rise.
            y, va = (0.97, "top") if metric == "loss" else (0.03, "bottom")
            artists["es_text"] = ax.text(
                0,
                y,
                "",
                transform=top,
                ha="left",
                va=va,
                color=es_color,
                fontsize=10 if compact else 13,
                # Readable where it crosses a curve (a spike of a diverging run).
                bbox={"fc": ax.get_facecolor(), "ec": "none", "alpha": 0.8, "pad": 1},
            )
        end = x[-1]
        if trace.diverged is not None:
            end = max(end, trace.diverged["step"])
            msg = f"diverged at step {trace.diverged['step']}"
            artists["diverged"] = ax.text(
                0.5,
                0.5,
                msg,
                transform=ax.transAxes,
                ha="center",
                va="center",
                color=DIVERGED_COLOR,
                fontsize=11 if compact else 16,
                fontweight="bold",
            )
            ax.axvline(trace.diverged["step"], color=DIVERGED_COLOR, ls=":", lw=2)
        ax.set_xlim(0, max(end, 1) * 1.02)
        _set_ylim(ax, metric, logy, train, val if has_val else train, 1.4 if compact else 1.15)
        ax.set_xlabel("step")
        label = LOSS_NAMES.get(trace.config.get("loss"), "loss") if metric == "loss" else "accuracy"
        ax.set_ylabel(label)
        if metric == "accuracy":
            ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        if show_step:
            artists["step"] = ax.text(
                1.0,
                1.01,
                "",
                transform=ax.transAxes,
                ha="right",
                va="bottom",
                fontsize=11 if compact else 14,
            )
        if legend:
            # Above the plot, so neither the curves nor the early-stop label run under it.
            ax.legend(
                loc="lower left",
                bbox_to_anchor=(0.0, 1.0),
                ncol=2,
                frameon=False,
                fontsize=9 if compact else None,
                borderaxespad=0.2,
            )
        disp = CurvesDisplay(
            trace,
            fig,
            ax,
            artists,
            metric=metric,
            train=train,
            val=val,
            loss_val=loss_val,
            best=best,
            stop=stop,
            compact=compact,
        )
        disp.update(step)
    return disp


def _set_ylim(ax: Axes, metric, logy, train: np.ndarray, val: np.ndarray, head: float) -> None:
    both = np.concatenate([train, val])
    both = both[np.isfinite(both)]
    if not both.size:
        return
    if metric == "accuracy":
        ax.set_ylim(max(0.0, min(float(both.min()), 0.5) - 0.05), 1.03)
        return
    if logy:
        pos = both[both > 0]
        ax.set_yscale("log")
        ax.set_ylim(float(pos.min()) / 1.5, float(both.max()) * head**2 * 1.2)
        return
    # Scale to the bulk of the run (the start, and 98% of the values): the few
    # spikes of an unstable run leave the top of the plot instead of
    # flattening every other value to the floor.
    start = np.array([train[0], val[0]])
    hi = max(
        float(np.quantile(both, 0.98)), float(np.nanmax(start)) if np.isfinite(start).any() else 0
    )
    ax.set_ylim(0, hi * head if hi > 0 else 1.0)


animate_curves = animator(draw_curves)
