"""The lecture's L1 vs L2 worked example, solved on paper and by a real descent.

One training example ``x = [3, 2, 1]`` with target ``y = 10`` leaves a whole
plane of exact fits ``w . x = y``. A penalty picks one of them:

* L1, ``sum |w_i|``, puts all the weight on the largest ``|x_i|``:
  ``w = (10/3, 0, 0)`` (feature selection: most numbers are 0);
* L2, ``sum w_i**2``, picks the minimum-norm fit ``x y / |x|^2``:
  ``w = (2.14, 1.43, 0.71)`` (the numbers are spread out).

:func:`worked_table` gives the slide's table with both closed forms;
:func:`penalty_descent` finds the same answers by gradient descent in torch
and records every step as a :class:`~vizlab.trace.Trace`. torch is imported
only by :func:`penalty_descent`, so renderers may use :func:`worked_table`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from vizlab import __version__
from vizlab.trace import Trace

SLIDE_X = (3.0, 2.0, 1.0)
SLIDE_Y = 10.0
# The slide's candidate fits of 10 = 3 w1 + 2 w2 + w3. Rows 3 and 4 are printed
# rounded on the slide (3.33; 2.14, 1.42, 0.71) but their L1/L2 columns were
# computed from the exact values 10/3 and (30, 20, 10)/14, used here.
SLIDE_CANDIDATES = (
    (3.0, 0.25, 0.5),
    (5.0, -2.0, -1.0),
    (10 / 3, 0.0, 0.0),
    (30 / 14, 20 / 14, 10 / 14),
)
PENALTIES = ("l1", "l2")
METHODS = ("proximal", "subgradient")
GRID_SIZE = 121


@dataclass(frozen=True)
class Row:
    """One row of the worked table.

    Attributes
    ----------
    label : str
        What the row is ("slide row 1", "L1 minimiser", "L2 minimiser", ...).
    w : tuple of float
        The weights.
    l1 : float
        L1 penalty ``sum |w_i|``.
    l2 : float
        L2 penalty ``sum w_i**2`` (the slide's "L2 reg loss": squared, no root).
    fit : float
        The prediction ``w . x`` (``y`` for every exact fit).
    """

    label: str
    w: tuple[float, ...]
    l1: float
    l2: float
    fit: float


def _vector(name: str, value: Any) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a sequence of numbers; got {value!r}") from None
    if arr.ndim != 1 or arr.size < 1 or not np.isfinite(arr).all():
        raise ValueError(f"{name} must be a 1-d sequence of finite numbers; got {value!r}")
    return arr


def _scalar(name: str, value: Any, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number; got {value!r}")
    value = float(value)
    if not math.isfinite(value) or (positive and value <= 0):
        raise ValueError(f"{name} must be a {'positive ' if positive else ''}finite number")
    return value


def make_row(label: str, w: Sequence[float], x: Sequence[float]) -> Row:
    """A table row for weights ``w`` on input ``x``."""
    w_arr = np.asarray(w, dtype=np.float64)
    return Row(
        label,
        tuple(float(v) for v in w_arr),
        float(np.abs(w_arr).sum()),
        float((w_arr**2).sum()),
        float(w_arr @ np.asarray(x, dtype=np.float64)),
    )


def l1_minimiser(x: Sequence[float], y: float) -> np.ndarray:
    """Least ``sum |w_i|`` on the plane ``w . x = y``: all weight on the largest ``|x_i|``.

    Returns
    -------
    ndarray (d,)
        ``y / x_k`` at ``k = argmax |x_i|`` (the first one on ties), 0 elsewhere.
    """
    x = _vector("x", x)
    if not np.any(x):
        raise ValueError("x must not be all zeros: no w fits w . x = y")
    k = int(np.argmax(np.abs(x)))
    w = np.zeros_like(x)
    w[k] = y / x[k]
    return w


def l2_minimiser(x: Sequence[float], y: float) -> np.ndarray:
    """Least ``sum w_i**2`` on the plane ``w . x = y``: the minimum-norm fit ``x y / |x|^2``."""
    x = _vector("x", x)
    if not np.any(x):
        raise ValueError("x must not be all zeros: no w fits w . x = y")
    return x * y / (x @ x)


def penalised_optimum(penalty: str, x: Sequence[float], y: float, strength: float) -> np.ndarray:
    """Closed-form minimiser of ``(w . x - y)**2 + strength * penalty(w)``.

    L2: setting the gradient ``2 (w.x - y) x + 2 strength w`` to zero gives
    ``w = x y / (|x|^2 + strength)``. L1: at the optimum only ``k = argmax |x_i|``
    is non-zero (stationarity ``2 r x_k + strength sign(w_k) = 0`` with residual
    ``r = w.x - y``, and ``|2 r x_i| <= strength`` for the others), so
    ``w_k = sign(y x_k) max(0, |y| - strength / (2 |x_k|)) / |x_k|``.
    As ``strength -> 0`` these tend to :func:`l2_minimiser` and :func:`l1_minimiser`.
    """
    x = _vector("x", x)
    if penalty == "l2":
        return x * y / (x @ x + strength)
    k = int(np.argmax(np.abs(x)))
    w = np.zeros_like(x)
    w[k] = np.sign(y * x[k]) * max(0.0, abs(y) - strength / (2 * abs(x[k]))) / abs(x[k])
    return w


def worked_table(x: Sequence[float] = SLIDE_X, y: float = SLIDE_Y) -> list[Row]:
    """The slide's table: candidate fits of ``w . x = y`` with their L1 and L2 penalties.

    Parameters
    ----------
    x : sequence of float (d,)
        The one training input.
    y : float
        Its target.

    Returns
    -------
    list of Row
        For the slide's data (``x = [3, 2, 1]``, ``y = 10``) its four rows
        first (L1/L2: 3.75/9.31, 8/30, 3.33/11.11, 4.29/7.14); then, for any
        data, the closed-form ``"L1 minimiser"`` and ``"L2 minimiser"`` on the
        plane of exact fits. On the slide's data these equal slide rows 3
        and 4: the slide's last two candidates are exactly the two optima.
    """
    x_arr = _vector("x", x)
    y = _scalar("y", y)
    rows = []
    if x_arr.shape == (3,) and np.allclose(x_arr, SLIDE_X) and y == SLIDE_Y:
        rows = [make_row(f"slide row {k}", w, x_arr) for k, w in enumerate(SLIDE_CANDIDATES, 1)]
    rows.append(make_row("L1 minimiser", l1_minimiser(x_arr, y), x_arr))
    rows.append(make_row("L2 minimiser", l2_minimiser(x_arr, y), x_arr))
    return rows


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
    header = {
        "kind": "penalty_descent",
        "config": config,
        "versions": {"torch": torch.__version__, "numpy": np.__version__, "vizlab": __version__},
        "device": "cpu",
        "events": [],
    }
    return Trace(arrays, header)
