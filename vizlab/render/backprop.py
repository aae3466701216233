"""Backpropagation with the real numbers: one recorded step drawn as a graph.

The picture of lectures 002 and 004: the network with each unit's forward
value written in it (fill = the value, a sequential scale) and each weight's
gradient written on its edge (colour = the gradient's sign and size, a
diverging scale: orange negative, blue positive). Beside it, the chain rule
for one chosen weight with the step's numbers, its product, and the central
finite difference of the same loss as an independent check. Every number
comes from :func:`vizlab.explain_step` on the recorded step; nothing here
imports torch.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.animation import FuncAnimation
from matplotlib.artist import Artist
from matplotlib.cm import ScalarMappable
from matplotlib.colors import CenteredNorm, Normalize

import vizlab
from vizlab.render import style
from vizlab.render.backprop_layout import (
    GRAD_CMAP,
    VALUE_CMAP,
    fmt,
    grad_rows,
    graph_artists,
    unit_names,
)
from vizlab.render.base import Display, subplots
from vizlab.trace import Trace

PHASES = ("forward", "backward", "update")


class BackpropDisplay(Display):
    """The graph of one recorded step with its values and gradients, and one weight's chain rule.

    Attributes
    ----------
    explanation : StepExplanation
        What is drawn now (see :func:`vizlab.explain_step`).
    chain : Chain
        The chain rule of the chosen weight at that step.
    numeric : float
        Central finite difference (eps = 1e-6) of the same loss for that weight.
    positions : list of ndarray (n_l, 2)
        Diagram coordinates of the units, input layer first.
    phase : str
        ``"all"``, or the stage an animation shows (``forward``/``backward``/``update``).
    """

    def __init__(self, trace, fig, artists, *, example, weight, positions, sizes, names):
        super().__init__(trace, fig, artists)
        self.example, self.weight = example, weight
        self.positions, self.sizes, self.names = positions, sizes, names
        self.phase, self.upto = "all", 0

    # The colour bars rescale with each step's values and gradients: their axes
    # are drawn whole with the moving artists; nothing else changes, so export may blit.
    blit_safe = True

    def animated_artists(self) -> list[Artist]:
        bars = [self.artists[k].colorbar.ax for k in ("value_bar", "grad_bar")]
        return super().animated_artists() + bars

    # ------------------------------------------------------------ numbers
    def explain_row(self, row: int):
        """The explanation shown at recorded row ``row``: its own, or the last step before it."""
        rows = grad_rows(self.trace)
        row = self._row(row)
        use = rows[rows <= row]
        use = int(use[-1]) if use.size else int(rows[0])
        return vizlab.explain_step(self.trace, int(self.trace.steps[use]), self.example)

    def node_values(self) -> list[np.ndarray]:
        """Per layer, the value written in each unit: inputs, hidden outputs, output probability.

        One example: its values; a batch: the mean over the batch.
        """
        e, L = self.explanation, len(self.sizes) - 1
        names = ["x", *[f"h{i}" for i in range(1, L)], "p" if self._ce else "yhat"]
        return [e.node(n).value.mean(0) for n in names]

    def node_grads(self) -> list[np.ndarray]:
        """Per layer after the input, dJ/dz of each unit (summed over the batch: = dJ/db)."""
        e = self.explanation
        return [e.node(f"z{i}").grad.sum(0) for i in range(1, len(self.sizes))]

    @property
    def _ce(self) -> bool:
        return self.explanation._setup.loss == "cross_entropy"

    # ------------------------------------------------------------ drawing
    def update(self, row: int) -> list[Artist]:
        self.row = self._row(row)
        e = self.explanation = self.explain_row(self.row)
        param, index = self.weight
        self.chain = e.chain(param, index)
        self.numeric = e.numeric_grad(param, index)
        a = self.artists
        values, dz = self.node_values(), self.node_grads()
        flat = np.concatenate(values)
        vnorm = Normalize(float(min(flat.min(), 0.0)), float(max(flat.max(), 1.0)))
        a["value_bar"].set_norm(vnorm)
        a["units"].set_norm(vnorm)
        a["units"].set_array(flat)
        grads = [e.grads[f"fc{i}.weight"] for i in range(1, len(self.sizes))]
        gmax = max(float(np.abs(np.concatenate([g.ravel() for g in grads])).max()), 1e-12)
        gnorm = CenteredNorm(0.0, gmax)
        a["grad_bar"].set_norm(gnorm)
        for i, g in enumerate(grads):
            flat_g = g.T.ravel()  # segment order: source k, then target j
            coll = a["edges"][i]
            coll.set_color(GRAD_CMAP(gnorm(flat_g)))
            coll.set_linewidth(1.5 + 5.0 * np.abs(flat_g) / gmax)
            for t, v in zip(a["edge_text"][i], flat_g):
                t.set_text(fmt(v))
        for t, v in zip(a["value_text"], flat):
            t.set_text(fmt(v))
        for layer, texts in enumerate(a["z_text"], start=1):
            z = e.node(f"z{layer}").value.mean(0)
            for t, v, name in zip(texts, z, self.names[layer]):
                t.set_text(f"{name}   z = {fmt(v)}")
        for layer, texts in enumerate(a["grad_text"]):
            for t, v in zip(texts, dz[layer]):
                t.set_text(f"∂J/∂z = {fmt(v)}")
        self._chain_text()
        a["title"].set_text(self._title())
        self._apply_phase()
        return self.animated_artists()

    def _title(self) -> str:
        e = self.explanation
        who = (
            f"example {self.example} (training point {int(e.indices[0])})"
            if self.example is not None
            else (
                f"the whole batch of {len(e.indices)}" if len(e.indices) > 1 else "its one example"
            )
        )
        # The second line carries the notes, so the first stays clear of the stamp.
        means = "unit values: batch means · " if self.example is None and len(e.indices) > 1 else ""
        head = f"Backpropagation at step {e.step}, {who}\n{means}loss J = {fmt(e.loss)}"
        if e.row != self.row:
            head += "   (the final state takes no step: its last update is shown)"
        return head

    def _chain_text(self) -> None:
        c, e, a = self.chain, self.explanation, self.artists
        param, index = self.weight
        n = len(e.indices)
        lines: list[tuple[str, str]] = []
        if n == 1:
            lines += [(f.symbol, fmt(f.value[0])) for f in c.factors]
            lines.append(("product", fmt(c.product)))
        else:  # the batch: J is a mean, so dJ/dw is the mean of every example's chain
            lines.append(("∂J/∂w = mean over examples of", ""))
            lines.append(("   " + " · ".join(f.symbol.split(" = ")[0] for f in c.factors), ""))
            lines.append(("   (pick an example to see its factors)", ""))
            per = np.prod([f.value for f in c.factors], axis=0)
            for i in range(min(n, 3)):
                lines.append((f"   example {i} (point {int(e.indices[i])}): product", fmt(per[i])))
            if n > 3:
                lines.append((f"... and {n - 3} more examples", ""))
            lines.append((f"mean of the {n} products", fmt(c.product)))
        if c.penalty:
            lines.append(("+ penalty  λ₁ sign(w) + 2 λ₂ w", fmt(c.penalty)))
        lines.append(("∂J/∂w by the chain rule", fmt(c.total)))
        lines.append(("finite difference (eps 1e-6)", fmt(self.numeric)))
        # The step's update uses the whole batch's gradient (the recorded one),
        # whichever example is explained.
        g_batch = float(self.trace[f"grad/{param}"][e.row][c.index])
        new = e.params[param][c.index] - e.lr * g_batch
        one_of_many = self.example is not None and len(self.trace["batch/indices"][e.row]) > 1
        sym = "w - r·∂J/∂w" + (" (batch)" if one_of_many else "")
        lines.append((f"{sym}, r = {fmt(e.lr)}", f"{fmt(e.params[param][c.index])} → {fmt(new)}"))
        layer = int(param.split(".")[0][2:])
        to = self.names[layer][c.index[0]]
        what = (
            f"the weight {self.names[layer - 1][c.index[1]]} → {to}"
            if len(c.index) == 2
            else (f"the bias of {to}")
        )
        a["chain_head"].set_text(f"Chain rule for {what}")
        for (sym_t, val_t), (sym, val) in zip(a["chain_rows"], lines + [("", "")] * 12):
            sym_t.set_text(sym)
            val_t.set_text(val)
        self._chain_lines = lines

    def _apply_phase(self) -> None:
        """Show only what the animation's current stage has computed."""
        a, L = self.artists, len(self.sizes) - 1
        ph, k = self.phase, self.upto
        fwd = (lambda layer: layer <= k) if ph == "forward" else (lambda layer: True)
        bwd = {
            "all": lambda layer: True,
            "forward": lambda layer: False,
            "backward": lambda layer: layer >= k,
            "update": lambda layer: True,
        }[ph]
        off = 0
        for layer, n in enumerate(self.sizes):
            for t in a["value_text"][off : off + n]:
                t.set_visible(fwd(layer))
            off += n
        for layer in range(1, L + 1):
            for t in a["grad_text"][layer - 1]:
                t.set_visible(bwd(layer))
            for t in a["edge_text"][layer - 1]:
                t.set_visible(bwd(layer))
            a["edges"][layer - 1].set_visible(bwd(layer))
        done = ph in ("all", "update") or (ph == "backward" and k <= 1)
        for i, (s, v) in enumerate(a["chain_rows"]):
            last = i == len(self._chain_lines) - 1
            show = done and (not last or ph in ("all", "update"))
            s.set_visible(show)
            v.set_visible(show)

    def choose(self, example: int | None = None, weight: tuple[str, Sequence[int]] | None = None):
        """Explain another example (None: the batch) and/or write another weight's chain rule.

        Takes effect at the next :meth:`update`; the chosen weight's edge is highlighted.
        """
        self.example = example
        if weight is not None:
            param, index = weight[0], tuple(int(i) for i in weight[1])
            layer = int(param.split(".")[0][2:])
            if param.endswith(".weight"):
                j, k = index
                pts = np.stack([self.positions[layer - 1][k], self.positions[layer][j]])
            else:
                pts = np.stack([self.positions[layer][index[0]]] * 2)
            self.artists["highlight"].set_data(pts[:, 0], pts[:, 1])
            self.weight = (param, index)
        return self

    def show_phase(self, phase: str, upto: int = 0) -> list[Artist]:
        """Show the ``forward`` sweep up to layer ``upto``, the ``backward`` sweep down to it, or the ``update``."""
        if phase not in (*PHASES, "all"):
            raise ValueError(f"phase must be one of {', '.join(PHASES)} or 'all'; got {phase!r}")
        self.phase, self.upto = phase, int(upto)
        self._apply_phase()
        self.artists["stage"].set_text(
            {
                "forward": "forward pass →",
                "backward": "← backward pass",
                "update": "update",
                "all": "",
            }[phase]
        )
        return self.animated_artists()


def draw_backprop(
    trace: Trace,
    step: int = 0,
    example: int | None = None,
    weight: tuple[str, Sequence[int]] | None = None,
    *,
    theme: str = "light",
    stamp: str = "",
) -> BackpropDisplay:
    """One recorded step as a graph: values on the units, gradients on the edges, one chain rule.

    Parameters
    ----------
    trace : Trace
        A :func:`vizlab.train` (or :func:`vizlab.unit_descent`) trace with
        ``param/*``, ``grad/*``, ``batch/indices`` and ``data/*``.
    step : int
        Recorded row (negative counts from the end). The final row has no
        update; the last step before it is shown.
    example : int, optional
        Position in the step's minibatch; None draws the whole batch (unit
        values are batch means, gradients are the step's recorded ones).
    weight : (str, tuple of int), optional
        The weight whose chain rule is written out, e.g. ``("fc1.weight", (0, 1))``
        (0-based; the picture numbers units from 1). Default: the first weight
        of the first layer, whose chain is the longest.
    theme : {"light", "dark"}
    stamp : str
        Small text in the lower left corner (a lesson's ``lesson.stamp(run)``).

    Returns
    -------
    BackpropDisplay
        ``artists["value_text"]`` (one Text per unit, input layer first),
        ``artists["edge_text"]`` (per layer, one Text per weight, source unit
        major), ``artists["grad_text"]`` (per layer, dJ/dz per unit),
        ``artists["chain_rows"]`` (symbol, number) Text pairs.
    """
    if not isinstance(trace, Trace):
        raise ValueError(f"expected a vizlab Trace; got {type(trace).__name__}")
    grad_rows(trace)
    names_p = sorted(
        (
            k.split("/", 1)[1]
            for k in trace.keys()
            if k.startswith("param/fc") and k.endswith(".weight")
        ),
        key=lambda k: int(k.split(".")[0][2:]),
    )
    ws = [trace[f"param/{k}"] for k in names_p]
    sizes = [ws[0].shape[-1], *[w.shape[-2] for w in ws]]
    if max(sizes) > 10:
        raise ValueError(
            f"draw_backprop writes every number: layers of at most 10 units; got {sizes}"
        )
    weight = weight or ("fc1.weight", (0, 0))
    loss = trace.config.get("loss", "bce")
    names = unit_names(sizes, loss)
    fig, grid = subplots(
        2, 2, theme=theme, gridspec_kw={"width_ratios": [1.3, 1], "height_ratios": [14, 1]}
    )
    (ax, cax), (vbar_ax, gbar_ax) = grid
    ax.set_axis_off()
    cax.set_axis_off()
    positions, parts, dense = graph_artists(ax, sizes, names)
    units, edges, edge_text = parts["units"], parts["edges"], parts["edge_text"]
    value_text, z_text, grad_text = parts["value_text"], parts["z_text"], parts["grad_text"]
    highlight = parts["highlight"]
    value_bar = ScalarMappable(Normalize(0, 1), VALUE_CMAP)
    units.set_cmap(VALUE_CMAP)
    grad_bar = ScalarMappable(CenteredNorm(0, 1), GRAD_CMAP)
    fig.colorbar(value_bar, cax=vbar_ax, orientation="horizontal").set_label(
        "forward value (in the units)", fontsize=13
    )
    fig.colorbar(grad_bar, cax=gbar_ax, orientation="horizontal").set_label(
        "gradient ∂J/∂w (on the edges)", fontsize=13
    )
    chain_head = cax.text(
        0.0, 0.97, "", fontsize=15, weight="bold", va="top", transform=cax.transAxes
    )
    chain_rows = []
    for i in range(12):
        y = 0.88 - i * 0.075
        chain_rows.append(
            (
                cax.text(0.0, y, "", fontsize=13, va="top", transform=cax.transAxes),
                cax.text(
                    1.0,
                    y,
                    "",
                    fontsize=14,
                    va="top",
                    ha="right",
                    weight="bold",
                    transform=cax.transAxes,
                ),
            )
        )
    title = fig.suptitle("", fontsize=16, weight="bold")
    stage = ax.text(0.5, 0.02, "", transform=ax.transAxes, ha="center", fontsize=16, weight="bold")
    if stamp:
        fig.text(0.005, 0.995, stamp, fontsize=9, color=style.MUTED, va="top")
    artists = {
        "units": units,
        "value_text": value_text,
        "edges": edges,
        "edge_text": edge_text,
        "grad_text": grad_text,
        "z_text": z_text,
        "chain_head": chain_head,
        "chain_rows": chain_rows,
        "title": title,
        "highlight": highlight,
        "stage": stage,
        "value_bar": value_bar,
        "grad_bar": grad_bar,
    }
    if dense:  # only the chosen weight's number on the edges; no z and dJ/dz labels
        for layer, texts in enumerate(edge_text, start=1):
            for i, t in enumerate(texts):
                k, j = divmod(i, sizes[layer])
                mine = weight[0] == f"fc{layer}.weight" and tuple(weight[1]) == (j, k)
                t.set_alpha(None if mine else 0.0)
        for t in [*sum(z_text, []), *sum(grad_text, [])]:
            t.set_alpha(0.0)
    disp = BackpropDisplay(
        trace,
        fig,
        artists,
        example=example,
        weight=(weight[0], tuple(weight[1])),
        positions=positions,
        sizes=sizes,
        names=names,
    )
    disp.choose(example, disp.weight)
    disp.update(step)
    return disp


def animate_backprop(
    trace: Trace,
    step: int = 0,
    example: int | None = None,
    weight: tuple[str, Sequence[int]] | None = None,
    *,
    hold: int = 12,
    fps: int = 8,
    **kwargs,
) -> FuncAnimation:
    """One step played out: forward sweep left to right, backward sweep right to left, the update.

    Parameters
    ----------
    trace, step, example, weight
        As :func:`draw_backprop`.
    hold : int
        Frames each stage stays on screen.
    fps : int
        Frames per second.
    **kwargs
        Passed to :func:`draw_backprop` (``theme``, ``stamp``).

    Returns
    -------
    FuncAnimation
        ``anim.vizlab_display`` is the BackpropDisplay; ``anim.vizlab_stages``
        the (phase, layer) shown by each frame.
    """
    disp = draw_backprop(trace, step, example, weight, **kwargs)
    L = len(disp.sizes) - 1
    stages = [("forward", k) for k in range(L + 1)]
    stages += [("backward", k) for k in range(L, 0, -1)]
    stages += [("update", 0)]
    frames = [s for s in stages for _ in range(hold)]
    anim = FuncAnimation(
        disp.fig,
        lambda i: disp.show_phase(*frames[i]),
        frames=len(frames),
        interval=1000 / fps,
        blit=False,
    )
    anim.vizlab_display = disp  # type: ignore[attr-defined]
    anim.vizlab_stages = frames  # type: ignore[attr-defined]
    return anim


__all__ = ["BackpropDisplay", "animate_backprop", "draw_backprop", "fmt"]
