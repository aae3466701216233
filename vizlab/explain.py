"""One recorded training step, rebuilt in numpy as a computation graph with its gradients.

:func:`explain_step` takes the parameters, the minibatch indices and the
dropout masks that a :class:`~vizlab.Trace` recorded for one optimizer step,
runs the forward pass again in float64 and then the backward pass by hand,
one layer at a time (lecture 004's equations):

* ``dJ/dz = dJ/dh * g'(z)`` through an activation ``h = g(z)``;
* ``dJ/dW = dJ/dz^T h_in``, ``dJ/db = sum dJ/dz`` and ``dJ/dh_in = dJ/dz W`` through
  ``z = h_in W^T + b``;
* ``dJ/dh = dJ/dd * mask / (1 - p)`` through inverted dropout ``d = h * mask / (1 - p)``;
* ``+ l1 sign(W) + 2 l2 W`` from the penalty (the L1 subgradient at 0 is 0).

The input ``x`` is what the first layer saw: the config's ``features`` of the
standardised inputs (:func:`vizlab.features.expand`, as in training). The output
is a sigmoid ``yhat`` (``bce``, ``mse``), a softmax ``p`` over K classes, or for
``task="regression"`` the raw output (``yhat``, op ``identity``) with the loss
``(yhat - t)^2`` against a float target ``t``.

Like micrograd's ``Value``, every :class:`Node` keeps its forward value and
its gradient side by side. Nothing here imports torch: renderers use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from vizlab.features import expand

__all__ = ["Chain", "Factor", "Node", "StepExplanation", "explain_step"]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # Written for both signs so large |z| never overflows exp.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _elu(z: np.ndarray) -> np.ndarray:
    return np.where(z > 0, z, np.expm1(np.minimum(z, 0.0)))


#: activation name -> (g(z), g'(z)); the derivative at a kink is the one autograd takes.
ACTIVATIONS = {
    "sigmoid": (_sigmoid, lambda z: _sigmoid(z) * (1 - _sigmoid(z))),
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    # relu'(0) = 0, leaky_relu'(0) = 0.01, elu'(0) = exp(0) = 1, as torch takes them
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float)),
    "leaky_relu": (lambda z: np.where(z > 0, z, 0.01 * z), lambda z: np.where(z > 0, 1.0, 0.01)),
    "elu": (_elu, lambda z: np.where(z > 0, 1.0, np.exp(np.minimum(z, 0.0)))),
    "linear": (lambda z: z, np.ones_like),
}


@dataclass(frozen=True)
class Node:
    """One value of the graph with its gradient (micrograd's ``Value``).

    Attributes
    ----------
    name : str
        ``x``, ``z1``, ``h1``, ``d1`` (after dropout), ..., ``z{L}`` (logits),
        ``yhat`` (the sigmoid output, or for regression the raw output) or
        ``p`` (softmax probabilities), ``loss`` (per example), ``J``.
    op : str
        How it was made: ``input``, ``linear fc{i}``, the activation's name,
        ``dropout``, ``sigmoid``, ``identity`` (regression output), ``softmax``,
        ``bce``, ``cross_entropy``, ``mse``, ``squared_error``, ``mean + penalty``.
    value : ndarray (n, width), (n,) or ()
        Forward value for the ``n`` examples explained.
    grad : ndarray, same shape as ``value``
        dJ/d(value), where J is the explained loss.
    inputs : tuple of str
        Names of the nodes it was computed from.
    """

    name: str
    op: str
    value: np.ndarray
    grad: np.ndarray
    inputs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Factor:
    """One factor of the chain rule: its symbol and its value per example, shape (n,)."""

    symbol: str
    value: np.ndarray


@dataclass(frozen=True)
class Chain:
    """The chain rule for one weight: ``dJ/dw = mean_examples(prod factors) + penalty``.

    Attributes
    ----------
    param, index : str, tuple of int
        The weight, e.g. ``("fc1.weight", (0, 1))``.
    factors : list of Factor
        From the loss back to the weight; each holds one value per example.
        Symbols number units from 1, as the lectures do (``h1_2``); inputs are
        named by their feature (``x1``, ``x1^2``, ``sin_x2``).
    product : float
        Mean over the explained examples of the product of the factors (the data term).
    penalty : float
        The penalty's derivative, ``l1 sign(w) + 2 l2 w`` (0 for a bias).
    total : float
        ``product + penalty``, equal to ``grads[param][index]``.
    """

    param: str
    index: tuple[int, ...]
    factors: list[Factor]
    product: float
    penalty: float
    total: float


@dataclass
class _Setup:
    activation: str
    loss: str  # bce, mse (of the sigmoid), cross_entropy or squared_error (regression)
    features: tuple[str, ...]
    l1: float
    l2: float
    drop_p: tuple[float, ...]
    X: np.ndarray  # (n, len(features)): the expanded inputs
    y: np.ndarray  # (n,) int labels, or float targets for squared_error
    masks: list[np.ndarray | None]


@dataclass
class StepExplanation:
    """A recorded step, rebuilt: the graph in forward order, the loss and every gradient.

    Attributes
    ----------
    step, row : int
        The optimizer step and its row in the trace.
    example : int or None
        Position in the step's minibatch, or None for the whole batch.
    indices : ndarray (n,) int
        Training-set indices of the examples explained.
    params : dict of str to ndarray
        The parameters the step started from (float64), keyed like the trace.
    nodes : list of Node
        In the order the forward pass visits them.
    grads : dict of str to ndarray
        dJ/dparam, where J is the mean loss over the explained examples plus
        the penalty; for the whole batch this equals the trace's ``grad/*``.
    loss : float
        J.
    lr : float
        The learning rate the step was taken with.
    """

    step: int
    row: int
    example: int | None
    indices: np.ndarray
    params: dict[str, np.ndarray]
    nodes: list[Node]
    grads: dict[str, np.ndarray]
    loss: float
    lr: float
    _setup: _Setup = field(repr=False)

    def node(self, name: str) -> Node:
        """The node called ``name``."""
        for n in self.nodes:
            if n.name == name:
                return n
        raise KeyError(f"no node {name!r}; nodes: {', '.join(n.name for n in self.nodes)}")

    @property
    def n_layers(self) -> int:
        return len(self.params) // 2

    def numeric_grads(self, eps: float = 1e-6) -> dict[str, np.ndarray]:
        """Central finite differences ``(J(p + eps) - J(p - eps)) / (2 eps)`` for every entry.

        The same examples, masks and penalty as the explanation; float64.
        """
        out = {}
        for name, p in self.params.items():
            g = np.zeros_like(p)
            for idx in np.ndindex(p.shape):
                g[idx] = self.numeric_grad(name, idx, eps)
            out[name] = g
        return out

    def numeric_grad(self, param: str, index: tuple[int, ...] | int, eps: float = 1e-6) -> float:
        """Central finite difference of J for one entry of one parameter (float64)."""
        if param not in self.params:
            raise KeyError(f"no parameter {param!r}; parameters: {', '.join(self.params)}")
        index = (int(index),) if np.isscalar(index) else tuple(int(i) for i in index)
        values = []
        for sign in (1.0, -1.0):
            shifted = {k: v.copy() for k, v in self.params.items()}
            shifted[param][index] += sign * eps
            values.append(_forward_backward(shifted, self._setup, backward=False)[1])
        return (values[0] - values[1]) / (2 * eps)

    def sgd_update(self, lr: float | None = None) -> dict[str, np.ndarray]:
        """``p - lr * g`` for every parameter (``lr`` defaults to the recorded one).

        For plain SGD on the whole batch this is the next recorded step's parameters.
        """
        lr = self.lr if lr is None else float(lr)
        return {k: p - lr * self.grads[k] for k, p in self.params.items()}

    def chain(self, param: str, index: tuple[int, ...] | int) -> Chain:
        """The chain rule for one weight or bias, with the numbers of this step.

        Parameters
        ----------
        param : str
            ``fc{i}.weight`` or ``fc{i}.bias``.
        index : tuple of int
            ``(j, k)`` for a weight (to unit j from unit k), ``(j,)`` or ``j`` for a bias.

        Returns
        -------
        Chain
            Factors from the loss back to the parameter. While every layer above
            has a single unit the path is unique and written out in full
            (lecture 002: dJ/dw1 = dJ/dyhat * dyhat/dz1 * dz1/dw1); otherwise
            the first factor is dJ/dh, the sum over every path above.
        """
        if param not in self.params:
            raise KeyError(f"no parameter {param!r}; parameters: {', '.join(self.params)}")
        index = (int(index),) if np.isscalar(index) else tuple(int(i) for i in index)
        shape = self.params[param].shape
        if len(index) != len(shape) or any(not 0 <= i < s for i, s in zip(index, shape)):
            raise IndexError(f"index {index} is outside {param} of shape {shape}")
        layer = int(param.split(".")[0][2:])
        j = index[0]
        n = len(self.indices)
        factors = self._upstream(layer, j, n)
        if param.endswith(".weight"):
            h_in = self.node("x" if layer == 1 else self._h_out(layer - 1)).value[:, index[1]]
            factors.append(
                Factor(f"∂z{layer}_{j + 1}/∂w = {self._h_sym(layer - 1, index[1])}", h_in)
            )
        else:
            factors.append(Factor(f"∂z{layer}_{j + 1}/∂b = 1", np.ones(n)))
        product = float(np.mean(np.prod([f.value for f in factors], axis=0)))
        pen = 0.0
        if param.endswith(".weight"):
            w = self.params[param][index]
            pen = float(self._setup.l1 * np.sign(w) + 2 * self._setup.l2 * w)
        return Chain(param, index, factors, product, pen, product + pen)

    # -------------------------------------------------------------- helpers
    def _h_out(self, layer: int) -> str:
        """Name of the node a hidden layer hands on (after dropout, if any)."""
        return f"d{layer}" if self._setup.drop_p[layer - 1] > 0 else f"h{layer}"

    def _h_sym(self, layer: int, k: int) -> str:
        return self._setup.features[k] if layer == 0 else f"{self._h_out(layer)}_{k + 1}"

    def _upstream(self, layer: int, j: int, n: int) -> list[Factor]:
        """Factors of dJ/dz_{layer, j} per example (without the 1/n of the batch mean)."""
        L, s = self.n_layers, self._setup
        if layer == L:
            if s.loss == "cross_entropy":
                p = self.node("p").value[:, j]
                return [Factor(f"∂loss/∂z{L}_{j + 1} = p_{j + 1} - [y={j}]", p - (s.y == j))]
            yhat = self.node("yhat").value[:, 0]
            t = s.y.astype(float)
            if s.loss == "squared_error":  # identity output: yhat = z
                ones = Factor(f"∂ŷ/∂z{L} = 1", np.ones(n))
                return [Factor("∂loss/∂ŷ = 2(ŷ - y)", 2 * (yhat - t)), ones]
            if s.loss == "bce":
                dl = (yhat - t) / (yhat * (1 - yhat))
                sym = "∂loss/∂ŷ = (ŷ - y) / (ŷ(1 - ŷ))"
            else:
                dl = 2 * (yhat - t)
                sym = "∂loss/∂ŷ = 2(ŷ - y)"
            return [Factor(sym, dl), Factor(f"∂ŷ/∂z{L} = ŷ(1 - ŷ)", yhat * (1 - yhat))]
        out: list[Factor] = []
        widths_above = [self.params[f"fc{i}.weight"].shape[0] for i in range(layer + 1, L + 1)]
        name = self._h_out(layer)
        if all(w == 1 for w in widths_above):  # a single path: write every link
            out += self._upstream(layer + 1, 0, n)
            w = self.params[f"fc{layer + 1}.weight"][0, j]
            out.append(Factor(f"∂z{layer + 1}/∂{name}_{j + 1} = w", np.full(n, w)))
        else:  # many paths: their sum, backpropagated from above
            grad = self.node(name).grad[:, j] * n
            out.append(Factor(f"∂loss/∂{name}_{j + 1} (sum over paths)", grad))
        p = s.drop_p[layer - 1]
        if p > 0:
            keep = s.masks[layer - 1][:, j] / (1 - p)
            out.append(Factor(f"∂d{layer}_{j + 1}/∂h{layer}_{j + 1} = mask/(1-p)", keep))
        z = self.node(f"z{layer}").value[:, j]
        out.append(
            Factor(f"∂h{layer}_{j + 1}/∂z{layer}_{j + 1} = g'(z)", ACTIVATIONS[s.activation][1](z))
        )
        return out


def _forward_backward(
    params: Mapping[str, np.ndarray], s: _Setup, backward: bool = True
) -> tuple[list[Node], float, dict[str, np.ndarray]]:
    """Forward pass (and, if asked, backward pass) of the mean loss over ``s.X`` plus the penalty."""
    g, _ = ACTIVATIONS[s.activation]
    L = len(params) // 2
    n = len(s.X)
    values: list[tuple[str, str, np.ndarray, tuple[str, ...]]] = [("x", "input", s.X, ())]
    h, h_name = s.X, "x"
    for i in range(1, L + 1):
        z = h @ params[f"fc{i}.weight"].T + params[f"fc{i}.bias"]
        values.append((f"z{i}", f"linear fc{i}", z, (h_name,)))
        if i == L:
            break
        h = g(z)
        values.append((f"h{i}", s.activation, h, (f"z{i}",)))
        h_name = f"h{i}"
        if s.drop_p[i - 1] > 0:
            h = h * s.masks[i - 1] / (1.0 - s.drop_p[i - 1])
            values.append((f"d{i}", "dropout", h, (f"h{i}",)))
            h_name = f"d{i}"
    t = s.y.astype(float)
    if s.loss == "cross_entropy":
        zmax = z.max(-1, keepdims=True)
        lse = (zmax + np.log(np.exp(z - zmax).sum(-1, keepdims=True)))[:, 0]
        p = np.exp(z - lse[:, None])
        loss = lse - z[np.arange(n), s.y]
        values.append(("p", "softmax", p, (f"z{L}",)))
        values.append(("loss", "cross_entropy", loss, ("p",)))
    elif s.loss == "squared_error":  # regression: the raw output, no squashing
        values.append(("yhat", "identity", z, (f"z{L}",)))
        loss = (z[:, 0] - t) ** 2
        values.append(("loss", "squared_error", loss, ("yhat",)))
    else:
        zz = z[:, 0]
        yhat = _sigmoid(z)
        values.append(("yhat", "sigmoid", yhat, (f"z{L}",)))
        if s.loss == "bce":  # log(1 + e^z) - t z, written stably as torch does
            loss = np.maximum(zz, 0) - t * zz + np.log1p(np.exp(-np.abs(zz)))
        else:
            loss = (yhat[:, 0] - t) ** 2
        values.append(("loss", s.loss, loss, ("yhat",)))
    penalty = 0.0
    for name, w in params.items():
        if name.endswith(".weight"):
            penalty += s.l1 * np.abs(w).sum() + s.l2 * (w * w).sum()
    J = float(loss.mean() + penalty)
    values.append(("J", "mean + penalty", np.asarray(J), ("loss",)))
    if not backward:
        return [], J, {}

    grads: dict[str, np.ndarray] = {"J": np.asarray(1.0), "loss": np.full(n, 1.0 / n)}
    if s.loss == "cross_entropy":
        p = values[-3][2]
        grads["p"] = np.zeros_like(p)
        grads["p"][np.arange(n), s.y] = -1.0 / (n * p[np.arange(n), s.y])
        delta = p.copy()
        delta[np.arange(n), s.y] -= 1.0
        delta /= n  # dJ/dz = (softmax - onehot) / n
    elif s.loss == "squared_error":
        grads["yhat"] = (2 * (values[-3][2][:, 0] - t) / n)[:, None]
        delta = grads["yhat"]  # identity output: dyhat/dz = 1
    else:
        yhat = values[-3][2][:, 0]
        if s.loss == "bce":
            with np.errstate(divide="ignore", invalid="ignore"):
                grads["yhat"] = ((yhat - t) / (yhat * (1 - yhat)) / n)[:, None]
            delta = ((yhat - t) / n)[:, None]  # sigma(z) - t: the stable form of the same product
        else:
            grads["yhat"] = (2 * (yhat - t) / n)[:, None]
            delta = grads["yhat"] * (yhat * (1 - yhat))[:, None]
    vals = {name: v for name, _, v, _ in values}
    pgrads: dict[str, np.ndarray] = {}
    _, dg = ACTIVATIONS[s.activation]
    for i in range(L, 0, -1):
        grads[f"z{i}"] = delta
        h_in = vals["x"] if i == 1 else vals[f"d{i - 1}" if s.drop_p[i - 2] > 0 else f"h{i - 1}"]
        w = params[f"fc{i}.weight"]
        gw = delta.T @ h_in + s.l1 * np.sign(w) + 2 * s.l2 * w
        pgrads[f"fc{i}.weight"], pgrads[f"fc{i}.bias"] = gw, delta.sum(0)
        dh = delta @ w
        if i == 1:
            grads["x"] = dh
            break
        if s.drop_p[i - 2] > 0:
            grads[f"d{i - 1}"] = dh
            dh = dh * s.masks[i - 2] / (1.0 - s.drop_p[i - 2])
        grads[f"h{i - 1}"] = dh
        delta = dh * dg(vals[f"z{i - 1}"])
    nodes = [Node(nm, op, v, np.asarray(grads[nm]), ins) for nm, op, v, ins in values]
    return nodes, J, {k: pgrads[k] for k in params}


def _summary(values: np.ndarray) -> str:
    values = [int(v) for v in values]
    if len(values) <= 8:
        return ", ".join(map(str, values))
    return f"{values[0]}, {values[1]}, ..., {values[-1]} ({len(values)} steps)"


def explain_step(trace: Any, step: int, example: int | None = None) -> StepExplanation:
    """Rebuild one recorded optimizer step as a graph with forward values and gradients.

    Parameters
    ----------
    trace : Trace
        A :func:`vizlab.train` trace (it must hold ``grad/*``, ``batch/indices``
        and, for layers with dropout, ``mask/drop{i}``).
    step : int
        An optimizer step that was recorded with its gradient (``trace.steps``,
        not the final state).
    example : int, optional
        Position in the step's minibatch, ``0 <= example < batch size``; None
        explains the whole batch.

    Returns
    -------
    StepExplanation
        For the whole batch ``.grads`` equals ``trace["grad/*"]`` at ``step``;
        for one example it is the gradient of that example's loss plus the
        penalty, and the mean over the batch of those is the batch's.

    Raises
    ------
    ValueError
        One line saying which steps (or examples) exist, when ``step`` was not
        recorded, ``example`` is outside the batch, or the trace has no gradients.
    """
    grad_keys = [k for k in trace.keys() if k.startswith("grad/")]
    if not grad_keys or "batch/indices" not in trace:
        raise ValueError("this trace holds no gradients (grad/*) and minibatches to explain")
    steps = np.asarray(trace["scalar/step"])
    has_grad = np.isfinite(np.asarray(trace[grad_keys[0]]).reshape(len(steps), -1)).all(-1)
    has_grad &= (np.asarray(trace["batch/indices"]) >= 0).all(-1)
    valid = steps[has_grad]
    if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or int(step) not in valid:
        raise ValueError(
            f"step {step!r} has no recorded gradient; steps with gradients: "
            f"{_summary(valid) if valid.size else 'none'}"
        )
    row = int(np.flatnonzero(steps == int(step))[0])
    cfg = trace.config
    hidden = tuple(cfg.get("hidden", ()))
    dropout = tuple(cfg.get("dropout", ()))
    drop_p = dropout * len(hidden) if len(dropout) == 1 else (dropout or (0.0,) * len(hidden))
    indices = np.asarray(trace["batch/indices"][row], dtype=np.int64)
    B = len(indices)
    pick = np.arange(B)
    if example is not None:
        if isinstance(example, bool) or not isinstance(example, (int, np.integer)):
            raise ValueError(f"example must be an integer in 0..{B - 1}; got {example!r}")
        if not 0 <= int(example) < B:
            raise ValueError(f"example {example} is outside the batch of step {step}: 0..{B - 1}")
        pick = np.array([int(example)])
    masks: list[np.ndarray | None] = []
    for i, p in enumerate(drop_p, start=1):
        if p > 0:
            key = f"mask/drop{i}"
            if key not in trace:
                raise ValueError(f"layer {i} drops units (p = {p}) but the trace has no {key}")
            masks.append(np.asarray(trace[key][row], dtype=float)[pick])
        else:
            masks.append(None)
    X_raw = np.asarray(trace["data/X_train"], dtype=np.float64)
    features = tuple(cfg.get("features") or ("x1", "x2")[: X_raw.shape[1]])
    regression = cfg.get("task", "classification") == "regression"
    y_all = np.asarray(trace["data/y_train"])
    setup = _Setup(
        activation=cfg.get("activation", "sigmoid"),
        loss="squared_error" if regression else cfg.get("loss", "bce"),
        features=features,
        l1=float(cfg.get("l1", 0.0)),
        l2=float(cfg.get("l2", 0.0)),
        drop_p=tuple(float(p) for p in drop_p),
        X=expand(X_raw[indices[pick]], features),
        y=(y_all.astype(np.float64) if regression else y_all.astype(np.int64))[indices[pick]],
        masks=masks,
    )
    names = [k.split("/", 1)[1] for k in trace.keys() if k.startswith("param/")]
    params = {k: np.asarray(trace[f"param/{k}"][row], dtype=np.float64) for k in names}
    nodes, J, grads = _forward_backward(params, setup)
    lr = float(trace["scalar/lr"][row]) if "scalar/lr" in trace else float(cfg.get("lr", np.nan))
    return StepExplanation(
        step=int(step),
        row=row,
        example=None if example is None else int(example),
        indices=indices[pick],
        params=params,
        nodes=nodes,
        grads=grads,
        loss=J,
        lr=lr,
        _setup=setup,
    )
