"""How far each optimizer moves each weight: the effective step, per weight, over time.

SGD moves weight i by ``lr * g_i``; momentum by ``lr * v_i``; Adam by
``lr * m_hat_i / (sqrt(v_hat_i) + eps)``. "Adaptive" means this step differs
from weight to weight, which a histogram over the weights shows at once.

:func:`effective_steps` computes the steps from the optimizer state the
engine records (``opt/<param>.<buffer>``: torch's state after each update)
when the trace has it; otherwise it replays the state in numpy from the
recorded gradients, which needs every step recorded. Either way the result
is the update the run took: ``theta_k - theta_{k+1}`` (the tests hold it to
that). Nothing here imports torch.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.artist import Artist

from vizlab.config import OPTIMIZER_BUFFERS
from vizlab.render import style
from vizlab.render.base import Display
from vizlab.render.landscape import footer
from vizlab.render.lossmap import as_traces, label
from vizlab.trace import Trace

# torch's default hyper-parameters, as the engine uses them (checked against
# vizlab.core.batched_optim in the tests).
ADAGRAD_EPS = 1e-10
RMSPROP_ALPHA, RMSPROP_EPS = 0.99, 1e-8
ADAM_BETAS, ADAM_EPS = (0.9, 0.999), 1e-8
SOURCES = (
    "recorded optimizer state",
    "replayed from the recorded gradients",
    "the recorded gradients (SGD keeps no state)",
)


def _flat(trace: Trace, kind: str, suffix: str = "") -> np.ndarray:
    names = trace.names("param")
    T = len(trace)
    return np.concatenate(
        [np.asarray(trace[f"{kind}/{n}{suffix}"], np.float64).reshape(T, -1) for n in names], 1
    )


def _replay(kind: str, grads: np.ndarray, mu: float) -> dict[str, np.ndarray]:
    """torch's state after each update, rebuilt from every gradient (rows = steps)."""
    state = {b: np.zeros_like(grads) for b in OPTIMIZER_BUFFERS[kind]}
    run = {b: np.zeros(grads.shape[1]) for b in OPTIMIZER_BUFFERS[kind]}
    for k, g in enumerate(grads):
        if kind in ("momentum", "nesterov"):
            run["momentum_buffer"] = g.copy() if k == 0 else mu * run["momentum_buffer"] + g
        elif kind == "adagrad":
            run["sum"] = run["sum"] + g * g
        elif kind == "rmsprop":
            run["square_avg"] = RMSPROP_ALPHA * run["square_avg"] + (1 - RMSPROP_ALPHA) * g * g
        elif kind == "adam":
            b1, b2 = ADAM_BETAS
            run["exp_avg"] = b1 * run["exp_avg"] + (1 - b1) * g
            run["exp_avg_sq"] = b2 * run["exp_avg_sq"] + (1 - b2) * g * g
        for b in state:
            state[b][k] = run[b]
    return state


def effective_steps(trace: Trace) -> tuple[np.ndarray, np.ndarray, str]:
    """The update each weight received at every recorded step that took one.

    Parameters
    ----------
    trace : Trace
        A training run (``param/*``, ``grad/*``, ``scalar/lr``; ``opt/*``
        when the engine recorded the optimizer state).

    Returns
    -------
    steps : ndarray (K,)
        Optimizer steps of the rows that took an update (finite gradient).
    delta : ndarray (K, P)
        Per weight (all parameters flattened, in name order), the amount
        subtracted: ``theta_k - theta_{k+1}`` (lr * g for SGD, lr * buffer
        for momentum, lr * g / (sqrt(sum) + eps) for Adagrad,
        lr * g / (sqrt(square_avg) + eps) for RMSProp,
        lr * m_hat / (sqrt(v_hat) + eps) for Adam).
    source : str
        One of :data:`SOURCES`: the recorded optimizer state, a replay from
        the recorded gradients, or (SGD) the gradients themselves.
    """
    trace.require("scalar/lr", what="a training run", hint="make it with vizlab.train")
    cfg = trace.config
    kind, mu = cfg.get("optimizer", "sgd"), float(cfg.get("momentum", 0.0))
    if kind not in OPTIMIZER_BUFFERS:
        raise ValueError(f"unknown optimizer {kind!r} in the trace's config")
    g_all = _flat(trace, "grad")
    rows = np.flatnonzero(np.all(np.isfinite(g_all), axis=1))
    g, lr = g_all[rows], np.asarray(trace["scalar/lr"], np.float64)[rows][:, None]
    t = trace.steps[rows].astype(np.float64)[:, None] + 1  # updates taken so far, this one included
    names = OPTIMIZER_BUFFERS[kind]
    if not names:
        state, source = {}, SOURCES[2]
    elif all(f"opt/{n}.{b}" in trace for b in names for n in trace.names("param")):
        state = {b: _flat(trace, "opt", f".{b}")[rows] for b in names}
        source = SOURCES[0]
    else:
        if len(rows) and not np.array_equal(trace.steps[rows], np.arange(len(rows))):
            raise ValueError(
                "replaying the optimizer needs every step recorded (record_every=1) "
                "or the recorded optimizer state (opt/*)"
            )
        state = _replay(kind, g, mu)
        source = SOURCES[1]
    if kind == "sgd":
        delta = lr * g
    elif kind == "momentum":
        delta = lr * state["momentum_buffer"]
    elif kind == "nesterov":
        delta = lr * (g + mu * state["momentum_buffer"])
    elif kind == "adagrad":
        delta = lr * g / (np.sqrt(state["sum"]) + ADAGRAD_EPS)
    elif kind == "rmsprop":
        delta = lr * g / (np.sqrt(state["square_avg"]) + RMSPROP_EPS)
    else:
        b1, b2 = ADAM_BETAS
        denom = np.sqrt(state["exp_avg_sq"]) / np.sqrt(1 - b2**t) + ADAM_EPS
        delta = lr / (1 - b1**t) * state["exp_avg"] / denom
    return trace.steps[rows], delta, source


def step_histogram(delta: np.ndarray, edges: np.ndarray, floor: float) -> np.ndarray:
    """Share of weights per bin of log10 |step|, (bins, K); steps below ``floor`` go in the lowest bin."""
    mag = np.log10(np.maximum(np.abs(delta), floor))
    out = np.empty((len(edges) - 1, len(delta)))
    for k, row in enumerate(mag):
        out[:, k] = np.histogram(np.clip(row, edges[0], edges[-1]), edges)[0] / row.size
    return out


class StepHistogramsDisplay(Display):
    """Per-weight step histograms of several runs (see :func:`draw_step_histograms`)."""

    blit_safe = True

    def __init__(self, traces: list[Trace], fig, artists: dict):
        super().__init__(max(traces, key=len), fig, artists)
        self.traces = traces

    def update(self, row: int) -> list[Artist]:
        self.row = row = self._row(row)
        s = float(self.trace.steps[row])
        for line in self.artists["cursors"]:
            line.set_xdata([s, s])
        self.artists["step"].set_text(f"step {int(s)}")
        return [*self.artists["cursors"], self.artists["step"]]


def draw_step_histograms(
    traces: Trace | Sequence[Trace],
    step: int = -1,
    *,
    labels: Sequence[str] | None = None,
    bins: int = 48,
    theme: str = "light",
    title: str | None = None,
    stamp: str = "",
) -> StepHistogramsDisplay:
    """How big a step each weight takes, over training: one heat map per optimizer.

    Column k of a panel is the histogram, over all weights, of log10 of the
    step each weight took at step k (:func:`effective_steps`); the line is
    the median weight. All panels share the colour scale and the axes.

    Parameters
    ----------
    traces : Trace or list of Trace
        Training runs (an optimizer race).
    step : int
        Recorded row marked by the cursor.
    bins : int
        Bins of ``log10 |step|``.
    stamp : str
        Small text in the lower left corner.

    Returns
    -------
    StepHistogramsDisplay
        ``artists["images"]`` (one (bins, K) image per run, the share of
        weights per bin), ``artists["medians"]``, ``artists["cursors"]``.
    """
    items = as_traces(traces, ("scalar/lr",))
    names = [label(t) for t in items] if labels is None else [str(s) for s in labels]
    if len(names) != len(items):
        raise ValueError(f"got {len(names)} labels for {len(items)} traces")
    results = [effective_steps(t) for t in items]
    mags = np.concatenate([np.abs(d).ravel() for _, d, _ in results])
    mags = mags[np.isfinite(mags) & (mags > 0)]
    hi = np.log10(mags.max()) if mags.size else 0.0
    lo = max(np.log10(np.percentile(mags, 0.5)), hi - 8) if mags.size else hi - 8
    edges = np.linspace(np.floor(lo * 2) / 2, np.ceil(hi * 2) / 2, bins + 1)
    floor = 10 ** edges[0]
    ncols = 3 if len(items) > 4 else len(items)
    nrows = -(-len(items) // ncols)
    with style.theme(theme):
        fig, axes = plt.subplots(
            nrows, ncols, figsize=(12.8, 7.2), layout="constrained", sharex=True, sharey=True,
            squeeze=False,
        )  # fmt: skip
        images, medians, cursors = [], [], []
        colors = [style.run_color(t.config.get("optimizer", n)) for t, n in zip(items, names)]
        vmax = 0.3
        for i, (ax, (steps, delta, _), name) in enumerate(zip(axes.flat, results, names)):
            hist = step_histogram(delta, edges, floor)
            x0, x1 = (float(steps[0]), float(steps[-1]) + 1) if len(steps) else (0.0, 1.0)
            im = ax.imshow(
                hist, origin="lower", aspect="auto", cmap="viridis", vmin=0, vmax=vmax,
                extent=(x0, x1, edges[0], edges[-1]), interpolation="nearest",
            )  # fmt: skip
            med = np.log10(np.maximum(np.median(np.abs(delta), axis=1), floor))
            (m,) = ax.plot(steps + 0.5, med, color=style.PAPER, lw=2)
            cursors.append(ax.axvline(0, color=style.GUIDE, lw=2))
            ax.set_title(name, fontsize=14, color=colors[i])
            images.append(im)
            medians.append(m)
        for ax in axes.flat[len(items) :]:
            ax.set_visible(False)
        for ax in axes[:, 0]:
            ax.set_ylabel("log10 |step|")
        for ax in axes[-1, :]:
            ax.set_xlabel("step")
        bar = fig.colorbar(images[0], ax=axes, shrink=0.8, pad=0.01)
        bar.set_label("share of the weights")
        source = " and from ".join(sorted({s for _, _, s in results}))
        fig.suptitle(title or "How far each weight moves per step (white: the median weight)")
        step_text = fig.text(0.01, 0.99, "", va="top", fontsize=14)
        footer(fig, stamp, f"Steps computed from {source}")
    disp = StepHistogramsDisplay(
        items,
        fig,
        {"images": images, "medians": medians, "cursors": cursors, "step": step_text},
    )
    disp.update(step)
    return disp
