"""The depth meter: how much gradient reaches each layer, over training.

Left, the gradient norm of every layer at the shown step as bars, input side
first, on a log scale: in a deep sigmoid net the bars fall by orders of
magnitude towards the input (vanishing gradients); with ReLU and He
initialisation they stay level. Right, the same norms over the whole run
(one line per layer, categorical colours) with a cursor at the shown step.
The numbers are the trace's ``norm/grad.fc{i}``, recorded by the core.
"""

from __future__ import annotations

import numpy as np
from matplotlib.artist import Artist
from matplotlib.lines import Line2D

from vizlab.render import style
from vizlab.render.base import Display, subplots
from vizlab.render.landscape import footer
from vizlab.trace import Trace


def layer_keys(trace: Trace) -> list[str]:
    """``norm/grad.fc{i}`` keys in layer order (input side first)."""
    keys = [k for k in trace.keys() if k.startswith("norm/grad.fc")]
    if not keys:
        raise ValueError("this trace holds no per-layer gradient norms (norm/grad.fc*)")
    return sorted(keys, key=lambda k: int(k.rsplit("fc", 1)[1]))


def _color(i: int) -> str:
    """Layer (or unit) i, 0-based, in the categorical palette."""
    return style.layer_color(i + 1)


class DepthDisplay(Display):
    """Bars of per-layer gradient norms at one row, and their lines over training.

    Attributes
    ----------
    keys : list of str
        The ``norm/grad.fc{i}`` keys drawn, input side first.
    """

    blit_safe = True

    def __init__(self, trace, fig, artists, keys):
        super().__init__(trace, fig, artists)
        self.keys = keys

    def norms(self, row: int) -> np.ndarray:
        """Per-layer gradient norms at recorded row ``row`` (the last row has none: NaN)."""
        return np.array([float(self.trace[k][row]) for k in self.keys])

    def update(self, row: int) -> list[Artist]:
        row = self._row(row)
        if not np.isfinite(self.norms(row)).any() and row > 0:
            row -= 1  # the final state takes no step; show the last one taken
        self.row = row
        a = self.artists
        v = self.norms(row)
        for bar, h in zip(a["bars"], v):
            bar.set_height(h if np.isfinite(h) else 0.0)
        step = int(self.trace.steps[row])
        a["cursor"].set_xdata([max(step, 1)] * 2)
        ratio = v[0] / v[-1] if v[-1] > 0 else np.nan
        a["title"].set_text(f"step {step}: first / last layer = {ratio:.1e}")
        return [*a["bars"], a["cursor"], a["title"]]


def draw_gradient_depth(
    trace: Trace,
    step: int = 0,
    *,
    title: str | None = None,
    ylim: tuple[float, float] | None = None,
    theme: str = "light",
    stamp: str = "",
) -> DepthDisplay:
    """The depth meter of a run: per-layer gradient norms, log scale.

    Parameters
    ----------
    trace : Trace
        A :func:`vizlab.train` trace with ``norm/grad.fc{i}`` (T,) per layer.
    step : int
        Recorded row shown by the bars and the cursor (negative counts from the end).
    title : str, optional
        Figure title; default names the activation and initialisation.
    ylim : (float, float), optional
        Shared range of the norm axes, to compare runs side by side; default
        a margin around this run's norms.
    theme : {"light", "dark"}
    stamp : str
        Small text in the lower left corner (a lesson's ``lesson.stamp(run)``).

    Returns
    -------
    DepthDisplay
        ``artists["bars"]`` (one Rectangle per layer, height = the norm at the
        row), ``artists["lines"]`` (one Line2D per layer holding
        ``trace["norm/grad.fc{i}"]`` against ``trace.steps``).
    """
    if not isinstance(trace, Trace):
        raise ValueError(f"expected a vizlab Trace; got {type(trace).__name__}")
    keys = layer_keys(trace)
    fig, (bax, lax) = subplots(1, 2, theme=theme, gridspec_kw={"width_ratios": [1, 1.5]})
    names = [k.split(".", 1)[1] for k in keys]
    norms = np.stack([np.asarray(trace[k], dtype=float) for k in keys])
    finite = norms[np.isfinite(norms) & (norms > 0)]
    lo, hi = (finite.min(), finite.max()) if finite.size else (1e-8, 1.0)
    lo, hi = (lo / 3, hi * 3) if ylim is None else ylim
    bars = bax.bar(
        range(len(keys)), np.ones(len(keys)), color=[_color(i) for i in range(len(keys))]
    )
    bax.set_yscale("log")
    bax.set_ylim(lo, hi)
    bax.set_xticks(range(len(keys)), names)
    bax.set_xlabel("layer (input → output)")
    bax.set_ylabel("gradient norm ‖∂J/∂W‖ (log)")
    steps = np.maximum(np.asarray(trace.steps, dtype=float), 1)
    lines = []
    for i, (name, v) in enumerate(zip(names, norms)):
        (line,) = lax.plot(steps, v, color=_color(i), label=name, lw=2)
        lines.append(line)
    lax.set_xscale("log")
    lax.set_yscale("log")
    lax.set_ylim(lo, hi)
    lax.set_xlabel("step (log; step 0 drawn at 1)")
    lax.set_ylabel("gradient norm (log)")
    lax.legend(ncol=2, fontsize=11, loc="upper right", framealpha=0.9)
    cursor = lax.axvline(1, color=style.GUIDE, lw=1.5, ls="--")
    cfg = trace.config
    if title is None:
        hidden = cfg.get("hidden", [])
        title = (
            f"{len(hidden)} hidden layers of {hidden[0] if hidden else 0}, "
            f"{cfg.get('activation', '?')}, init {cfg.get('init', 'uniform')}"
        )
    fig.suptitle(title, fontsize=16, weight="bold")
    sub = bax.set_title("", fontsize=14)
    footer(fig, stamp)  # a strip under the axes, so the stamp never covers an axis label
    disp = DepthDisplay(
        trace, fig, {"bars": list(bars), "lines": lines, "cursor": cursor, "title": sub}, keys
    )
    disp.update(step)
    return disp


class SymmetryDisplay(Display):
    """Incoming weights of each hidden unit over training, one panel per run, with a cursor.

    Attributes
    ----------
    traces : list of Trace
    spreads : list of ndarray (T,)
        Per run, the largest difference between two rows of the weight matrix
        at each row (0 while every unit is identical).
    """

    blit_safe = True

    def __init__(self, traces, fig, artists, spreads):
        super().__init__(traces[0], fig, artists)
        self.traces, self.spreads = list(traces), spreads

    def update(self, row: int) -> list[Artist]:
        row = self._row(row)
        self.row = row
        out = []
        for t, cur, note, spread in zip(
            self.traces, self.artists["cursors"], self.artists["notes"], self.spreads
        ):
            r = min(row, len(t) - 1)
            cur.set_xdata([max(int(t.steps[r]), 1)] * 2)
            note.set_text(f"step {int(t.steps[r])}: rows differ by {spread[r]:.1e}")
            out += [cur, note]
        return out


def row_spread(trace: Trace, layer: int = 1) -> np.ndarray:
    """Per recorded row, ``max |W[j] - W[0]|`` over the units j of ``fc{layer}.weight``, shape (T,)."""
    w = np.asarray(trace[f"param/fc{layer}.weight"], dtype=float)
    return np.abs(w - w[:, :1]).reshape(len(w), -1).max(-1)


def draw_init_symmetry(
    traces: dict[str, Trace],
    step: int = -1,
    *,
    layer: int = 1,
    theme: str = "light",
    stamp: str = "",
) -> SymmetryDisplay:
    """Do the units of a layer stay identical? Their incoming weights over training, run by run.

    Parameters
    ----------
    traces : dict of str to Trace
        Panel title -> a :func:`vizlab.train` trace with ``param/fc{layer}.weight``
        (T, units, inputs); e.g. zero and random initialisation of one net.
    step : int
        Recorded row marked by the cursor (negative counts from the end).
    layer : int
        Whose incoming weights.
    theme : {"light", "dark"}
    stamp : str
        Small text in the lower left corner (a lesson's ``lesson.stamp()``).

    Returns
    -------
    SymmetryDisplay
        ``artists["lines"][p][j][k]`` holds ``W[:, j, k]`` of panel p against
        the steps; unit j has colour j, input k line style k. Identical units
        draw on top of each other.
    """
    if not traces:
        raise ValueError("draw_init_symmetry needs at least one trace")
    key = f"param/fc{layer}.weight"
    for name, t in traces.items():
        if not isinstance(t, Trace) or key not in t:
            raise ValueError(f"run {name!r} is not a trace with {key}")
    fig, axes = subplots(1, len(traces), theme=theme, sharey=True, squeeze=False)
    styles = ("-", "--", ":", "-.")
    lines, cursors, notes, spreads = [], [], [], []
    for ax, (name, t) in zip(axes[0], traces.items()):
        w = np.asarray(t[key], dtype=float)
        steps = np.maximum(np.asarray(t.steps, dtype=float), 1)
        panel = []
        for j in range(w.shape[1]):
            panel.append(
                [
                    ax.plot(
                        steps,
                        w[:, j, k],
                        color=_color(j),
                        ls=styles[k % len(styles)],
                        lw=2.5,
                        label=f"unit {j + 1}" if k == 0 else None,
                    )[0]
                    for k in range(w.shape[2])
                ]
            )
        lines.append(panel)
        ax.set_xscale("log")
        ax.set_title(name)
        ax.set_xlabel("step (log)")
        cursors.append(ax.axvline(1, color=style.GUIDE, lw=1.5, ls="--"))
        notes.append(ax.text(0.02, 0.02, "", transform=ax.transAxes, fontsize=13))
        spreads.append(row_spread(t, layer))
    axes[0][0].set_ylabel(f"weights into the units of layer {layer}")
    # Colour names the unit, line style the input the weight comes from.
    handles, names = axes[0][-1].get_legend_handles_labels()
    inputs = int(np.asarray(next(iter(traces.values()))[key]).shape[2])
    handles += [
        Line2D([], [], color=style.MUTED, ls=styles[k % len(styles)], lw=2.5) for k in range(inputs)
    ]
    names += [f"from input x{k + 1}" for k in range(inputs)]
    axes[0][-1].legend(handles, names, fontsize=11, loc="upper left")
    footer(fig, stamp)  # a strip under the axes, so the stamp never covers an axis label
    disp = SymmetryDisplay(
        list(traces.values()), fig, {"lines": lines, "cursors": cursors, "notes": notes}, spreads
    )
    disp.update(step)
    return disp


__all__ = [
    "DepthDisplay",
    "SymmetryDisplay",
    "draw_gradient_depth",
    "draw_init_symmetry",
    "layer_keys",
    "row_spread",
]
