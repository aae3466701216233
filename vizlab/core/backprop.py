"""Backpropagation written out by hand for the stacked MLP, checked against autograd.

The lecture's chain rule, one layer at a time, for M models at once (weights
(M, out, in), inputs (M, B, in)): with ``delta`` the gradient of the mean loss
with respect to a layer's pre-activation ``z``,

* ``dL/dW = delta^T h_in`` and ``dL/db = sum_b delta`` (one ``bmm`` per layer),
* ``dL/dh_in = delta W``, times the dropout mask / (1 - p) where units were dropped,
* ``delta_prev = dL/dh_in * act'(z)``, with ``act'`` taken from the activation's
  output (``1 - h^2`` for tanh, ``h (1 - h)`` for the sigmoid, ...).

The forward pass and the loss value come from :mod:`vizlab.core.model`, so a
change there (new inputs, more classes) flows in; only the gradients are
written here. Without autograd's graph a step is a third of the kernels,
which is most of what makes a stacked sweep fast on a CPU.

Covered: the activations in ``ACTIVATION_GRADS`` and the losses in
``LOSS_GRADS`` (``bce``, ``cross_entropy`` with any number of classes,
``mse`` of the sigmoid output, regression's ``squared_error`` of the raw
output), with dropout and L1/L2 penalties, any input features. Anything else
(a new loss or activation) is reported by :func:`covers` and the engine falls
back to autograd.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from vizlab.core import activations, model

aten = torch.ops.aten

#: dL/dz from dL/dh and the activation's output h (autograd's own backward kernels).
ACTIVATION_GRADS = {
    "tanh": lambda dh, h: aten.tanh_backward(dh, h),
    "sigmoid": lambda dh, h: aten.sigmoid_backward(dh, h),
    # relu'(z) = 1 where h > 0 (0 at z = 0, as autograd takes it)
    "relu": lambda dh, h: aten.threshold_backward(dh, h, 0),
    # h > 0 exactly where z > 0; slope 0.01 elsewhere (also at z = 0, as autograd)
    "leaky_relu": lambda dh, h: torch.where(h > 0, dh, 0.01 * dh),
    # elu'(z) = exp(z) = h + 1 for z <= 0 (1 at z = 0)
    "elu": lambda dh, h: torch.where(h > 0, dh, dh * (h + 1)),
    "linear": lambda dh, h: dh,
}


def _bce_grad(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    # d/dz [softplus(z) - t z] = sigmoid(z) - t
    return activations.sigmoid(z).sub_(y.to(z.dtype).unsqueeze(-1))


def _cross_entropy_grad(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    # d/dz [logsumexp(z) - z_y] = softmax(z) - onehot(y)
    g = torch.softmax(z, -1)
    return g.scatter_add_(-1, y.expand(z.shape[:-1]).unsqueeze(-1), torch.full_like(g[..., :1], -1))


def _mse_grad(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    # d/dz (s - t)^2 = 2 (s - t) s (1 - s), s = sigmoid(z)
    s = activations.sigmoid(z)
    return aten.sigmoid_backward(2 * (s - y.to(z.dtype).unsqueeze(-1)), s)


def _squared_error_grad(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    # regression on the raw output: d/dz (z - t)^2 = 2 (z - t)
    return 2 * (z - y.to(z.dtype).unsqueeze(-1))


#: dL/dz of one example's loss, for logits z (..., B, K) and labels (targets) y (..., B).
LOSS_GRADS = {
    "bce": _bce_grad,
    "cross_entropy": _cross_entropy_grad,
    "mse": _mse_grad,
    "squared_error": _squared_error_grad,
}


def covers(activation: str, loss: str) -> bool:
    """True when the hand-written backward knows this network; else use autograd.

    ``loss`` is what :func:`vizlab.core.model.data_loss` computes for the
    config (:func:`vizlab.core.model.loss_kind`: regression's ``mse`` is
    ``squared_error``).
    """
    return activation in ACTIVATION_GRADS and loss in LOSS_GRADS


def loss_and_grad(
    params: dict[str, torch.Tensor],
    grads: dict[str, torch.Tensor],
    X: torch.Tensor,
    y: torch.Tensor,
    activation: str,
    loss: str,
    masks: Sequence[torch.Tensor | None],
    drop_p: Sequence[float],
    l1,
    l2,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """One forward and backward pass of M stacked models; gradients written into ``grads``.

    Parameters
    ----------
    params, grads : dict of Tensor
        ``fc{i}.weight`` (M, out, in) and ``fc{i}.bias`` (M, out); ``grads``
        holds views (e.g. into a flat buffer) that are overwritten.
    X : Tensor (M, B, in)
    y : Tensor (M, B) int labels
    masks : per hidden layer, Tensor (M, B, width) bool or None
    l1, l2 : float or Tensor (M,)
        Penalty weights (``l1 * sum|W| + l2 * sum W^2`` over weights).

    Returns
    -------
    loss_data : Tensor (M,)
        Mean data loss over the batch.
    loss : Tensor (M,)
        ``loss_data`` plus the penalty.
    logits : Tensor (M, B, K)
    """
    with torch.no_grad():
        logits, hidden = model.forward(params, X, activation, masks, drop_p)
        if loss != "cross_entropy":  # targets as numbers: converted once, not per use
            y = y.to(logits.dtype)
        loss_data = model.data_loss(logits, y, loss)
        delta = LOSS_GRADS[loss](logits, y).mul_(1.0 / logits.shape[-2])
        n = len(hidden) + 1
        for i in range(n, 0, -1):
            w = params[f"fc{i}.weight"]
            h_in = X if i == 1 else _dropped(hidden[i - 2], masks, drop_p, i - 2)
            grads[f"fc{i}.weight"].copy_(_weight_grad(delta, h_in))
            torch.sum(delta, -2, out=grads[f"fc{i}.bias"])
            if i > 1:
                # one output unit: dh is an outer product, no matmul needed
                dh = delta * w if w.shape[-2] == 1 else model.bmm(delta, w)
                if masks and masks[i - 2] is not None:
                    dh = dh * masks[i - 2] * (1.0 / (1.0 - drop_p[i - 2]))
                delta = ACTIVATION_GRADS[activation](dh, hidden[i - 2])
        penalty = add_penalty_grads(params, grads, l1, l2)
        loss_all = loss_data if isinstance(penalty, float) else loss_data + penalty
    return loss_data, loss_all, logits


def _weight_grad(delta: torch.Tensor, h_in: torch.Tensor) -> torch.Tensor:
    """``delta^T h_in`` (M, out, in), summed over the batch.

    Batched matmuls run several times faster with the narrow side as rows
    (e.g. ``in = 2`` inputs against 16 units), so a layer with fewer inputs
    than outputs computes ``(h_in^T delta)^T`` (the same sums, transposed).
    """
    if h_in.shape[-1] < delta.shape[-1]:
        return model.bmm(h_in.transpose(-1, -2), delta).transpose(-1, -2)
    return model.bmm(delta.transpose(-1, -2), h_in)


def _dropped(h, masks, drop_p, i):
    if masks and masks[i] is not None:
        return h * masks[i] / (1.0 - drop_p[i])
    return h


def add_penalty_grads(params, grads, l1, l2):
    """Add the penalty's gradient to the weight gradients; return its value (M,) or 0.

    The L1 subgradient at 0 is taken to be 0 (``sign(0) = 0``), as autograd does.
    """
    if isinstance(l1, float) and isinstance(l2, float) and not (l1 or l2):
        return 0.0
    for name, w in params.items():
        if name.endswith(".weight"):
            g = grads[name]
            if not isinstance(l1, float) or l1:
                g.add_(_per_model(l1, w) * torch.sign(w))
            if not isinstance(l2, float) or l2:
                g.add_(2 * _per_model(l2, w) * w)
    return model.penalty(params, l1, l2)


def _per_model(v, like: torch.Tensor):
    return v.view(-1, *([1] * (like.dim() - 1))) if isinstance(v, torch.Tensor) else v
