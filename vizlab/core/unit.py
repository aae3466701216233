"""Lecture 002's single unit, ``yhat = g(1 + 3 x1 - 2 x2)``, trained on one example.

The slide works the forward pass by hand at ``x = (-1, 2)``: ``z = -6`` and
``g(-6) = 0.00247``. :func:`unit_descent` starts from exactly those weights
and takes plain gradient-descent steps on the binary cross-entropy of that
one example (autograd in float64), recording every step as a
:class:`~vizlab.Trace` with the keys of a :func:`vizlab.train` trace, so
:func:`vizlab.explain_step` and the backprop pictures read it like any run.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F

from vizlab import __version__
from vizlab.trace import Trace


def unit_descent(
    weight: Sequence[float] = (3.0, -2.0),
    bias: float = 1.0,
    x: Sequence[float] = (-1.0, 2.0),
    target: int = 1,
    lr: float = 1.0,
    steps: int = 20,
) -> Trace:
    """Gradient descent on one sigmoid unit and one example, every step recorded.

    Parameters
    ----------
    weight : pair of float
        Initial ``(w1, w2)``; lecture 002's ``(3, -2)``.
    bias : float
        Initial ``w0``; lecture 002's 1.
    x : pair of float
        The one input, lecture 002's ``(-1, 2)`` (not standardised).
    target : {0, 1}
        Its label; the loss is the binary cross-entropy of ``yhat = sigmoid(z)``.
    lr : float
        Learning rate, > 0.
    steps : int
        Updates to take; the trace has ``steps + 1`` rows (the last has no gradient).

    Returns
    -------
    Trace
        ``param/fc1.weight`` (T, 1, 2), ``param/fc1.bias`` (T, 1), ``grad/*``,
        ``norm/grad.fc1``, ``batch/indices`` (T, 1), ``scalar/loss_batch``,
        ``scalar/lr``, ``data/X_train`` (1, 2), ``data/y_train`` (1,).
    """
    w_in = np.asarray(weight, dtype=np.float64)
    x_in = np.asarray(x, dtype=np.float64)
    if w_in.shape != (2,) or x_in.shape != (2,):
        raise ValueError(f"weight and x must be pairs; got {w_in.shape} and {x_in.shape}")
    if target not in (0, 1):
        raise ValueError(f"target must be 0 or 1; got {target!r}")
    if not lr > 0:
        raise ValueError(f"lr must be > 0; got {lr!r}")
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= 100_000:
        raise ValueError(f"steps must be an integer in 1..100000; got {steps!r}")
    w = torch.tensor(w_in.reshape(1, 2), requires_grad=True)
    b = torch.tensor([float(bias)], dtype=torch.float64, requires_grad=True)
    X = torch.tensor(x_in.reshape(1, 2))
    t = torch.tensor([float(target)], dtype=torch.float64)
    T = steps + 1
    ws, bs = np.zeros((T, 1, 2)), np.zeros((T, 1))
    gw, gb = np.full((T, 1, 2), np.nan), np.full((T, 1), np.nan)
    losses = np.zeros(T)
    for s in range(T):
        z = (X @ w.T + b)[:, 0]
        loss = F.binary_cross_entropy_with_logits(z, t)  # forward
        ws[s], bs[s], losses[s] = w.detach().numpy(), b.detach().numpy(), loss.item()
        if s == steps:
            break
        w.grad = b.grad = None
        loss.backward()  # backward
        gw[s], gb[s] = w.grad.numpy(), b.grad.numpy()
        with torch.no_grad():  # update
            w -= lr * w.grad
            b -= lr * b.grad
    batch = np.zeros((T, 1), dtype=np.int64)
    batch[-1] = -1
    arrays = {
        "scalar/step": np.arange(T),
        "scalar/loss_batch": losses,
        "scalar/loss_train": losses.copy(),
        "scalar/penalty": np.zeros(T),
        "scalar/lr": np.full(T, float(lr)),
        "param/fc1.weight": ws,
        "param/fc1.bias": bs,
        "grad/fc1.weight": gw,
        "grad/fc1.bias": gb,
        "norm/grad.fc1": np.sqrt((gw**2).sum((1, 2)) + (gb**2).sum(1)),
        "batch/indices": batch,
        "data/X_train": x_in.reshape(1, 2),
        "data/y_train": np.array([int(target)]),
    }
    config = {
        "hidden": [],
        "activation": "sigmoid",
        "loss": "bce",
        "optimizer": "sgd",
        "lr": float(lr),
        "l1": 0.0,
        "l2": 0.0,
        "dropout": [],
        "steps": steps,
        "dtype": "float64",
    }
    header = {
        "kind": "unit",
        "config": config,
        "layers": ["fc1"],
        "versions": {"vizlab": __version__, "torch": torch.__version__},
        "events": [],
    }
    return Trace(arrays, header)
