"""The lecture's L1 vs L2 worked example, solved on paper and by a real descent.

One training example ``x = [3, 2, 1]`` with target ``y = 10`` leaves a whole
plane of exact fits ``w . x = y``. A penalty picks one of them:

* L1, ``sum |w_i|``, puts all the weight on the largest ``|x_i|``:
  ``w = (10/3, 0, 0)`` (feature selection: most numbers are 0);
* L2, ``sum w_i**2``, picks the minimum-norm fit ``x y / |x|^2``:
  ``w = (2.14, 1.43, 0.71)`` (the numbers are spread out).

:func:`penalty_descent` finds by gradient descent in torch the answers that
the torch-free :mod:`vizlab.worked` gives in closed form (the slide's table,
:func:`~vizlab.worked.worked_table`), and records every step as a
:class:`~vizlab.trace.Trace`. Renderers import :mod:`vizlab.worked`, never this.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from vizlab.trace import Trace

# The closed forms live in the torch-free vizlab.worked (renderers use them);
# they are re-exported here for code that imported them from this module.
from vizlab.worked import (  # noqa: F401
    PENALTIES,
    SLIDE_CANDIDATES,
    SLIDE_X,
    SLIDE_Y,
    Row,
    _scalar,
    _vector,
    l1_minimiser,
    l2_minimiser,
    make_row,
    penalised_optimum,
    worked_table,
)

METHODS = ("proximal", "subgradient")
GRID_SIZE = 121


def _loss_grid(x: np.ndarray, y: float, ends: np.ndarray) -> dict[str, np.ndarray]:
    """Data loss ``(w . x - y)**2`` on a square grid covering the picture (2 weights only)."""
    lo, hi = float(ends.min()), float(ends.max())
    pad = 0.25 * (hi - lo) + 0.5
    gx = np.linspace(lo - pad, hi + pad, GRID_SIZE)
    gy = np.linspace(lo - pad, hi + pad, GRID_SIZE)
    W1, W2 = np.meshgrid(gx, gy)
    return {"grid/x": gx, "grid/y": gy, "grid/loss": (W1 * x[0] + W2 * x[1] - y) ** 2}


def penalty_descent(
    penalty: str = "l1",
    *,
    strength: float = 0.1,
    lr: float = 0.05,
    steps: int = 2000,
    x: Sequence[float] = SLIDE_X,
    y: float = SLIDE_Y,
    start: Sequence[float] | None = None,
    method: str = "proximal",
) -> Trace:
    """Minimise ``(w . x - y)**2 + strength * penalty(w)`` by gradient descent in torch.

    Parameters
    ----------
    penalty : {"l1", "l2"}
        ``l1``: ``sum |w_i|``; ``l2``: ``sum w_i**2``.
    strength : float
        The penalty weight (the slide's ``C``), > 0.
    lr : float
        Step size, > 0. Plain descent on the data term is stable for
        ``lr < 1 / |x|^2`` (1/14 on the slide's data).
    steps : int
        Updates to take; the trace has ``steps + 1`` rows.
    x, y : sequence of float (d,), float
        The one training example (the slide's by default).
    start : sequence of float (d,), optional
        Initial weights; zeros by default.
    method : {"proximal", "subgradient"}
        How the L1 term is handled (L2 is always a plain gradient step).
        ``proximal`` (ISTA): a gradient step on the data term, then
        soft-thresholding ``w <- sign(w) max(|w| - lr strength, 0)``, the exact
        minimiser of the L1 term near that point; it sets weights to exactly 0.
        ``subgradient``: autograd's gradient of ``|w|`` (sign(w), taken as 0 at
        0), as :func:`vizlab.train` does; a weight headed for 0 then only hovers
        around it, flipping sign with amplitude about ``lr strength``.

    Returns
    -------
    Trace
        Row ``k`` is the state before update ``k``; the last row the final weights.

        * ``point/xy`` : ndarray (T, d), the weights w
        * ``scalar/loss`` : (T,), data loss plus penalty
        * ``scalar/penalty`` : (T,), ``strength * penalty(w)``
        * ``scalar/l1`` : (T,), ``sum |w_i|``; ``scalar/l2`` : (T,), ``sum w_i**2``
        * ``scalar/fit`` : (T,), ``w . x``
        * ``grad/xy`` : (T, d), gradient of the data loss (NaN on the last row)
        * ``data/x`` (d,), ``data/y`` (1,); ``data/optimum`` (d,), the closed
          form of :func:`penalised_optimum`; ``data/exact`` (d,), the
          penalty's minimiser among exact fits (:func:`l1_minimiser` or
          :func:`l2_minimiser`)
        * with two weights, ``grid/x`` (W,), ``grid/y`` (H,), ``grid/loss``
          (H, W) = data loss at ``(grid/x[j], grid/y[i])``, for contour plots.

    Raises
    ------
    ValueError
        For an unknown penalty or method, non-positive strength, lr or steps,
        or a start of the wrong length.
    """
    import torch

    if penalty not in PENALTIES:
        raise ValueError(f"penalty must be one of {', '.join(PENALTIES)}; got {penalty!r}")
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    strength = _scalar("strength", strength, positive=True)
    lr = _scalar("lr", lr, positive=True)
    if (
        isinstance(steps, bool)
        or not isinstance(steps, (int, np.integer))
        or not 1 <= steps <= 10**6
    ):
        raise ValueError(f"steps must be an integer between 1 and 1e6; got {steps!r}")
    x_np = _vector("x", x)
    y = _scalar("y", y)
    start_np = np.zeros_like(x_np) if start is None else _vector("start", start)
    if start_np.shape != x_np.shape:
        raise ValueError(f"start must have {x_np.size} numbers like x; got {start_np.size}")

    xt = torch.as_tensor(x_np)
    w = torch.tensor(start_np, requires_grad=True)
    proximal = penalty == "l1" and method == "proximal"
    ws, grads = [], []
    for k in range(steps + 1):
        # forward: the data loss, plus the penalty when autograd takes it
        data_loss = (w @ xt - y) ** 2
        if proximal:
            objective = data_loss
        else:
            objective = data_loss + strength * (w.abs().sum() if penalty == "l1" else w @ w)
        # backward
        w.grad = None
        objective.backward()
        # record
        ws.append(w.detach().clone())
        if k == steps:
            grads.append(torch.full_like(xt, math.nan))
            break
        with torch.no_grad():
            grads.append(2 * (w @ xt - y) * xt)
            # step
            w -= lr * w.grad
            if proximal:
                w.copy_(torch.sign(w) * torch.clamp(w.abs() - lr * strength, min=0.0))

    W = torch.stack(ws)
    l1, l2, fit = W.abs().sum(1), (W * W).sum(1), W @ xt
    pen = strength * (l1 if penalty == "l1" else l2)
    xy = W.numpy()
    arrays = {
        "scalar/step": np.arange(steps + 1, dtype=np.int64),
        "point/xy": xy,
        "grad/xy": torch.stack(grads).numpy(),
        "scalar/loss": ((fit - y) ** 2 + pen).numpy(),
        "scalar/penalty": pen.numpy(),
        "scalar/l1": l1.numpy(),
        "scalar/l2": l2.numpy(),
        "scalar/fit": fit.numpy(),
        "data/x": x_np,
        "data/y": np.array([y]),
        "data/optimum": penalised_optimum(penalty, x_np, y, strength),
        "data/exact": (l1_minimiser if penalty == "l1" else l2_minimiser)(x_np, y),
    }
    if x_np.size == 2:
        # The same extent for both penalties, so L1 and L2 pictures line up.
        ends = np.concatenate([l1_minimiser(x_np, y), l2_minimiser(x_np, y), start_np, [0.0]])
        arrays.update(_loss_grid(x_np, y, ends))
    config = {
        "penalty": penalty,
        "strength": strength,
        "lr": lr,
        "steps": int(steps),
        "x": x_np.tolist(),
        "y": y,
        "start": start_np.tolist(),
        "method": method,
    }
    from vizlab.core.provenance import trace_header

    header = trace_header("penalty_descent", config)
    return Trace(arrays, header)
