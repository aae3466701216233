"""A small MLP written as plain functions over a dict of parameter tensors.

Layers are named as the trace names them: ``fc1``, ``act1``, ``drop1``,
``fc2``, ... The same functions run one model (``W`` of shape (out, in)) or a
stack of ``M`` models at once (``W`` of shape (M, out, in)): matmul
broadcasts over the leading axis. That is how :func:`vizlab.sweep` trains a
grid of configs in one pass and still matches :func:`vizlab.train`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F

from vizlab.core import activations
from vizlab.core.activations import sigmoid

#: The batched matrix products of every stacked layer (forward, field pass and
#: backward). A BLAS may compute a matrix differently inside a batch than alone
#: (MKL on some CPUs does, by its position in the batch): a test swaps in one
#: product per model to check that nothing else in a sweep rounds differently
#: from a single run.
bmm = torch.bmm
baddbmm = torch.baddbmm


def layer_sizes(hidden: Sequence[int], n_outputs: int, n_inputs: int = 2) -> list[int]:
    """Widths from input to output: ``[2, *hidden, n_outputs]``."""
    return [n_inputs, *hidden, n_outputs]


#: Initial-weight laws of :func:`init_params` (``RunConfig.init``).
INIT_SCHEMES = ("uniform", "normal", "xavier", "he", "zeros")


def init_params(
    sizes: Sequence[int],
    generator: torch.Generator,
    dtype: torch.dtype,
    *,
    scheme: str = "uniform",
) -> dict[str, torch.Tensor]:
    """Initial weights, drawn on the CPU from ``generator``.

    ``scheme`` (``RunConfig.init``) picks the law; ``n`` = fan_in, ``m`` = fan_out:

    * ``uniform`` (the default): as ``torch.nn.Linear``, W and b uniform in
      ``[-1/sqrt(n), 1/sqrt(n)]``;
    * ``normal``: W ~ N(0, 1) ("random normal"), b = 0;
    * ``xavier``: Glorot normal, W ~ N(0, 2 / (n + m)), b = 0;
    * ``he``: W ~ N(0, 2 / n) (for ReLU), b = 0;
    * ``zeros``: every weight and bias 0 (no unit can ever differ from its neighbours).
    """
    if scheme != "uniform":
        return _init_scheme(sizes, generator, dtype, scheme)
    params = {}
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        bound = 1.0 / math.sqrt(fan_in)
        w = torch.rand((fan_out, fan_in), generator=generator, dtype=torch.float64)
        b = torch.rand((fan_out,), generator=generator, dtype=torch.float64)
        params[f"fc{i}.weight"] = ((2 * w - 1) * bound).to(dtype)
        params[f"fc{i}.bias"] = ((2 * b - 1) * bound).to(dtype)
    return params


def _init_scheme(
    sizes: Sequence[int], generator: torch.Generator, dtype: torch.dtype, scheme: str
) -> dict[str, torch.Tensor]:
    """The non-default laws of :func:`init_params` (zero biases, Gaussian or zero weights)."""
    if scheme not in INIT_SCHEMES:
        raise ValueError(f"init must be one of {', '.join(INIT_SCHEMES)}; got {scheme!r}")
    params = {}
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        std = {
            "normal": 1.0,
            "xavier": math.sqrt(2.0 / (fan_in + fan_out)),
            "he": math.sqrt(2.0 / fan_in),
            "zeros": 0.0,
        }[scheme]
        if std:
            w = torch.randn((fan_out, fan_in), generator=generator, dtype=torch.float64) * std
        else:
            w = torch.zeros((fan_out, fan_in), dtype=torch.float64)
        params[f"fc{i}.weight"] = w.to(dtype)
        params[f"fc{i}.bias"] = torch.zeros((fan_out,), dtype=dtype)
    return params


def forward(
    params: dict[str, torch.Tensor],
    X: torch.Tensor,
    activation: str,
    masks: Sequence[torch.Tensor | None] | None = None,
    drop_p: Sequence[float] = (),
    *,
    measuring: bool = False,
) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """Logits and the hidden activations of every hidden layer.

    Parameters
    ----------
    params : dict
        ``fc{i}.weight`` (out, in) or (M, out, in); ``fc{i}.bias`` (out,) or (M, out).
    X : Tensor (B, 2) or (M, B, 2)
    masks : list of Tensor (B, width) or (M, B, width), optional
        Kept units (1) per hidden layer; a kept unit is scaled by 1/(1-p)
        ("inverted dropout") so evaluation needs no rescaling.
    measuring : bool
        A pass that trains nothing (the evaluation of recorded states, the
        validation loss that early stopping watches): no graph, and tanh and
        the sigmoid as the field pass takes them (:mod:`vizlab.core.activations`:
        the tanh formula where torch's tanh is slow, the sigmoid kernel, for every
        slab), not by the slab's size as a training step takes them.
    Returns
    -------
    logits : Tensor (..., B, n_outputs)
    hidden : list of Tensor (..., B, width), post-activation, before dropout
    """
    act = activations.activation(activation, measuring)
    n_layers = len(params) // 2
    h = X
    hidden = []
    for i in range(1, n_layers + 1):
        w, b = params[f"fc{i}.weight"], params[f"fc{i}.bias"]
        k = 1  # the product's scale: 2 where the activation takes 2z
        if w.shape[-1] == 1:
            # one input (1-D data): an outer product. A K = 1 matmul rounds a
            # model differently alone than inside a stack; a product and a sum do not
            z = (h * w.transpose(-1, -2)).add_(b.unsqueeze(-2))
        elif w.dim() == 3 and (h.dim() == 2 or (h.dim() == 3 and h.shape[0] in (1, w.shape[0]))):
            # stacked models (on shared or their own inputs): one fused kernel per layer
            h3 = h.expand(w.shape[0], *h.shape[-2:])
            if w.shape[-2] == 1:
                # one output: W h^T (the narrow side as rows) is the fast matmul,
                # and (M, 1, B) is (M, B, 1) in memory
                z = baddbmm(b.unsqueeze(-1), w, h3.transpose(-1, -2)).transpose(-1, -2)
            else:
                if i < n_layers:
                    k = activations.product_scale(act, h3.shape[-2] * w.shape[-2], X.device)
                z = baddbmm(b.unsqueeze(-2), h3, w.transpose(-1, -2), beta=k, alpha=k)
        else:
            z = h @ w.transpose(-1, -2) + b.unsqueeze(-2)
        if i == n_layers:
            return z, hidden
        h = activations.apply(act, z, k)
        hidden.append(h)
        if masks is not None and masks[i - 1] is not None:
            h = h * masks[i - 1] / (1.0 - drop_p[i - 1])
    raise ValueError("a model needs at least one layer")  # pragma: no cover


@torch.no_grad()
def forward_units(
    params: dict[str, torch.Tensor], XT: torch.Tensor, activation: str
) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """:func:`forward` of stacked models with units as rows: maps come out contiguous.

    ``params`` are stacked, ``fc{i}.weight`` (r, out, in); ``XT`` is the
    inputs' transpose, (in, n) shared by every model or (r, in, n). Returns
    the logits (r, n_outputs, n) and every hidden layer's activations
    (r, width, n): a unit's values over all points are one contiguous row, as
    a picture of that unit needs them (no transpose). No dropout, no graph.
    """
    act = activations.activation(activation, measuring=True)
    n_layers = len(params) // 2
    hT, hidden = XT, []
    for i in range(1, n_layers + 1):
        w, b = params[f"fc{i}.weight"], params[f"fc{i}.bias"]
        k = 1  # the product's scale: 2 where the activation takes 2z
        if w.shape[-1] == 1:  # one input: an outer product (see forward)
            z = (w * hT).add_(b.unsqueeze(-1))
        else:
            if i < n_layers:
                k = activations.product_scale(act, w.shape[-2] * hT.shape[-1], XT.device)
            hT = hT.expand(w.shape[0], *hT.shape[-2:])
            z = baddbmm(b.unsqueeze(-1), w, hT, beta=k, alpha=k)
        if i == n_layers:
            return z, hidden
        hT = activations.apply(act, z, k)
        hidden.append(hT)
    raise ValueError("a model needs at least one layer")  # pragma: no cover


def loss_kind(loss: str, task: str = "classification") -> str:
    """The loss :func:`data_loss` computes for a config's ``loss`` and ``task``.

    A regression task's ``"mse"`` is the squared error of the raw output
    (``"squared_error"``); a classification task's is that of the sigmoid
    output against the 0/1 label.
    """
    return "squared_error" if task == "regression" else loss


def data_loss(logits: torch.Tensor, y: torch.Tensor, loss: str) -> torch.Tensor:
    """Mean loss over the batch axis; shape ``logits.shape[:-2]`` (one per model).

    ``y`` holds labels 0..K-1 (or regression targets for ``"squared_error"``)
    broadcastable to the batch shape of ``logits``.
    """
    if loss == "squared_error":
        # Regression: (f(x) - t)^2 on the raw, unsquashed output.
        z = logits.squeeze(-1)
        return ((z - y.to(z.dtype).expand_as(z)) ** 2).mean(-1)
    if loss == "cross_entropy":
        # Softmax over K outputs: -log p_y = logsumexp(z) - z_y.
        index = y.expand(logits.shape[:-1]).unsqueeze(-1)
        z_y = logits.gather(-1, index).squeeze(-1)
        return (torch.logsumexp(logits, -1) - z_y).mean(-1)
    z = logits.squeeze(-1)
    t = y.to(z.dtype).expand_as(z)
    if loss == "bce":
        return F.binary_cross_entropy_with_logits(z, t, reduction="none").mean(-1)
    if loss == "mse":
        return ((sigmoid(z) - t) ** 2).mean(-1)
    raise ValueError(f"unknown loss {loss!r}")


def penalty(params: dict[str, torch.Tensor], l1, l2) -> torch.Tensor:
    """``l1 * sum|W| + l2 * sum W**2`` over weight matrices, one value per model.

    ``l1`` and ``l2`` are floats or tensors of shape (M,). Biases are not
    penalised. (Autograd takes the L1 subgradient at 0 to be 0.)
    """
    total = 0.0
    for name, w in params.items():
        if name.endswith(".weight"):
            dims = (-2, -1)
            if not isinstance(l1, float) or l1:
                total = total + l1 * w.abs().sum(dims)
            if not isinstance(l2, float) or l2:
                total = total + l2 * (w * w).sum(dims)
    return total


def predict(logits: torch.Tensor) -> torch.Tensor:
    """Predicted class from logits (..., B, 1 or K): the sign of one logit, else the argmax."""
    if logits.shape[-1] == 1:
        return (logits.squeeze(-1) > 0).long()
    return logits.argmax(-1)


def prob_class1(logits: torch.Tensor) -> torch.Tensor:
    """P(class 1) from logits (..., B, 1 or K)."""
    if logits.shape[-1] == 1:
        return sigmoid(logits.squeeze(-1))
    return torch.softmax(logits, -1)[..., 1]


def probabilities(logits: torch.Tensor) -> torch.Tensor:
    """P(class c) for every class, (..., B, K); one sigmoid logit gives K = 2."""
    if logits.shape[-1] == 1:
        p1 = sigmoid(logits)
        return torch.cat([1 - p1, p1], -1)
    return torch.softmax(logits, -1)


def score(logits: torch.Tensor, y: torch.Tensor, kind: str) -> torch.Tensor:
    """Accuracy, or R^2 for ``kind="squared_error"``, over the batch axis (one per model).

    ``R^2 = 1 - sum (t - f)^2 / sum (t - mean t)^2``: 1 is a perfect fit, 0
    is no better than predicting the mean, below 0 is worse.
    """
    if kind == "squared_error":
        f = logits.squeeze(-1)
        t = y.to(f.dtype).expand_as(f)
        sse = ((t - f) ** 2).sum(-1)
        sst = ((t - t.mean(-1, keepdim=True)) ** 2).sum(-1)
        return 1 - sse / sst
    return (predict(logits) == y).to(logits.dtype).mean(-1)


class FlatParams:
    """Every parameter as a view into one flat buffer, every gradient into another.

    The optimizer and autograd see ordinary leaf tensors (``params``), but
    recording a step is then one copy of ``data`` and one of ``grad`` instead
    of one per tensor, which is most of what keeps full recording cheap.

    Parameters
    ----------
    params : dict of Tensor
        Initial values, (shape) each or (M, shape) if ``stacked``.
    stacked : bool
        Tensors carry a leading model axis; the buffers are then (M, P).
    """

    def __init__(self, params: dict[str, torch.Tensor], *, stacked: bool = False):
        lead = 1 if stacked else 0
        models = tuple(next(iter(params.values())).shape[:lead])
        self.data = torch.cat([v.detach().reshape(*models, -1) for v in params.values()], -1)
        self.grad = torch.zeros_like(self.data)
        self.layout: list[tuple[str, tuple[int, ...], int, int]] = []
        self.params: dict[str, torch.Tensor] = {}
        offset = 0
        for name, v in params.items():
            shape = tuple(v.shape[lead:])
            n = math.prod(shape)
            p = self.data[..., offset : offset + n].view(*models, *shape).requires_grad_()
            p.grad = self.grad[..., offset : offset + n].view(*models, *shape)
            self.params[name] = p
            self.layout.append((name, shape, offset, n))
            offset += n

    def unflatten(self, flat) -> dict:
        """Split flat rows (..., P) back into named arrays (..., *shape)."""
        lead = flat.shape[:-1]
        return {
            name: flat[..., off : off + n].reshape(*lead, *shape)
            for name, shape, off, n in self.layout
        }
