"""The lecture's L1 vs L2 worked example in closed form (numpy only, no torch).

One training example ``x = [3, 2, 1]`` with target ``y = 10`` leaves a whole
plane of exact fits ``w . x = y``. A penalty picks one of them:

* L1, ``sum |w_i|``, puts all the weight on the largest ``|x_i|``:
  ``w = (10/3, 0, 0)`` (feature selection: most numbers are 0);
* L2, ``sum w_i**2``, picks the minimum-norm fit ``x y / |x|^2``:
  ``w = (2.14, 1.43, 0.71)`` (the numbers are spread out).

:func:`worked_table` gives the slide's table with both closed forms;
:func:`penalised_optimum` the minimiser of loss plus penalty. Renderers use
these directly; :func:`vizlab.penalty_descent` finds the same answers by
gradient descent in torch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

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
