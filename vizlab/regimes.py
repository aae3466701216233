"""The four regimes of a learning rate: too small, just right, oscillating, diverging.

On ``f(x) = (x - a)^2`` plain gradient descent gives
``x_n - a = (x_0 - a)(1 - 2 lr)^n``, and the factor ``1 - 2 lr`` names the
regime: close to 1 it creeps (too small), in ``(0, 1)`` it slides in
(just right), in ``[-1, 0)`` it jumps across the minimum every step
(oscillating) and below -1 it jumps further out every step (diverging).
:func:`classify_regime` reads the same story off any recorded path, so the
core, a renderer or a widget can label a trace. Nothing here imports torch.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

REGIMES = ("too small", "just right", "oscillating", "diverging")

#: The run is "close" when it ends within this fraction of its start distance.
CLOSE_RTOL = 1e-2
#: Steps smaller than this fraction of the largest step (per coordinate) are
#: rounding noise, not motion, and take no part in the oscillation vote.
_SIGNIFICANT = 1e-6
#: Growth beyond this relative slack counts as moving away.
_GROWTH = 1e-6


def _alternates(steps: np.ndarray) -> bool:
    """True if, in some coordinate, most consecutive steps reverse direction.

    ``steps`` is (T-1, dim). Per coordinate, a pair of consecutive steps
    counts when both are significant; it reverses when their signs differ.
    Looking per coordinate catches the zig-zag across a narrow valley even
    while the path also slides along it.
    """
    for s in steps.T:
        big = np.abs(s).max()
        if big == 0.0:
            continue
        sig = np.abs(s) > _SIGNIFICANT * big
        pairs = sig[:-1] & sig[1:]
        if pairs.sum() < 2:
            continue
        flips = np.sign(s[:-1]) != np.sign(s[1:])
        if flips[pairs].mean() >= 0.5:
            return True
    return False


def classify_regime(points: ArrayLike, losses: ArrayLike, minima: ArrayLike, diverged: bool) -> str:
    """Name the regime of one descent path.

    Parameters
    ----------
    points : array_like (T, dim) or (T,)
        Recorded positions, row ``k`` before update ``k`` (``trace["point/xy"]``).
    losses : array_like (T,)
        Loss at each row (``trace["scalar/loss"]``).
    minima : array_like (k, dim)
        Known minima (``trace["data/minima"]``); may be empty.
    diverged : bool
        Whether the run was stopped for divergence (``trace.diverged is not None``).

    Returns
    -------
    str
        One of :data:`REGIMES`, decided in this order:

        * ``"diverging"``: stopped for divergence, a non-finite value, or it
          ends further from its minimum than it started.
        * ``"oscillating"``: bounded, but in some coordinate most consecutive
          steps reverse sign (it jumps across the minimum).
        * ``"just right"``: it ends within ``CLOSE_RTOL`` of its start distance
          from the minimum nearest its end.
        * ``"too small"``: bounded and steady, but still far from a minimum.

        With no known minimum (the saddle) there is nothing to approach: a
        run whose last step is still longer than ``CLOSE_RTOL`` of its
        longest is running away ("diverging"); one that settles has stopped
        on a stationary point ("just right", or "oscillating" if it zig-zags).
    """
    pts = np.asarray(points, dtype=np.float64)
    pts = pts.reshape(pts.shape[0], -1) if pts.ndim else pts.reshape(1, 1)
    loss = np.asarray(losses, dtype=np.float64).reshape(-1)
    if loss.shape[0] != pts.shape[0]:
        raise ValueError(
            f"points has {pts.shape[0]} rows but losses has {loss.shape[0]}: one loss per point"
        )
    if diverged or not (np.isfinite(pts).all() and np.isfinite(loss).all()):
        return "diverging"
    if pts.shape[0] < 2:
        return "too small"
    steps = np.diff(pts, axis=0)
    mins = np.asarray(minima, dtype=np.float64).reshape(-1, pts.shape[1])
    if mins.shape[0]:
        # Measure against the minimum the run ends nearest to.
        target = mins[np.argmin(np.linalg.norm(mins - pts[-1], axis=1))]
        dist = np.linalg.norm(pts - target, axis=1)
        if dist[-1] > (1 + _GROWTH) * dist[0] + 1e-12:
            return "diverging"
        close = bool(dist[-1] <= CLOSE_RTOL * dist[0])
    else:
        # Nothing to approach (a saddle): a run that settles has found a
        # stationary point; one whose steps do not die out is running away.
        lengths = np.linalg.norm(steps, axis=1)
        close = bool(lengths[-1] <= CLOSE_RTOL * lengths.max())
        if not close:
            return "diverging"
    if _alternates(steps):
        return "oscillating"
    return "just right" if close else "too small"
