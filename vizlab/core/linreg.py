"""SGD, mini-batch and full-batch gradient descent on a real two-parameter model.

The model is the line ``y = w x + b`` fitted by mean squared error, so the
loss surface over ``(w, b)`` is a bowl we can draw exactly and its minimum is
the least-squares solution in closed form. Every run uses the same data and
the same start and differs only in how many points each gradient sees:

* batch 1 (stochastic gradient descent): one point per step, a noisy path;
* a mini-batch of ``B`` points: the gradient averaged over ``B`` points;
* the full batch (``0``): the exact gradient, a smooth path.

Each epoch is a fresh permutation of the points cut into ``ceil(N / B)``
batches (the last one shorter when ``B`` does not divide ``N``), so every
point is used exactly once per epoch, as with torch's ``DataLoader``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from vizlab.core.provenance import trace_header
from vizlab.core.seeding import streams
from vizlab.trace import Trace

#: The line the data is drawn around: ``y = TRUE_W x + TRUE_B + noise``.
TRUE_W, TRUE_B = 1.5, -0.5
#: ``x`` is uniform on this interval; its mean of 1 couples ``w`` and ``b``,
#: which tilts the loss bowl the way real, uncentred features do.
X_RANGE = (-1.0, 3.0)
_GRID = 120
#: A parameter beyond this size means the run diverged (lr far too large).
_LIMIT = 1e6
_BAD = f"a parameter left [-{_LIMIT:g}, {_LIMIT:g}] or the loss stopped being finite"


def make_line_data(
    n_points: int = 200, noise: float = 0.5, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Noisy points around the line ``y = 1.5 x - 0.5``.

    Returns
    -------
    x, y : ndarray (N,), ndarray (N,) float64
        Drawn from the data stream of ``seed`` (never a global RNG).
    """
    rng = streams(seed).data
    x = rng.uniform(*X_RANGE, size=n_points)
    y = TRUE_W * x + TRUE_B + noise * rng.standard_normal(n_points)
    return x, y


def least_squares(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The (w, b) minimising ``mean((w x + b - y)^2)``: ``w = cov(x, y) / var(x)``, ``b = ȳ - w x̄``.

    Returns
    -------
    ndarray (2,)
    """
    xc, yc = x - x.mean(), y - y.mean()
    w = float(xc @ yc / (xc @ xc))
    return np.array([w, y.mean() - w * x.mean()])


def mse_grid(x: np.ndarray, y: np.ndarray, ws: np.ndarray, bs: np.ndarray) -> np.ndarray:
    """Full-data MSE on a grid: ``out[i, j] = mean((ws[j] x + bs[i] - y)^2)``, shape (H, W).

    Expanded into moments so it costs O(H W), not O(H W N):
    ``w² E[x²] + 2 w b E[x] + b² - 2 w E[xy] - 2 b E[y] + E[y²]``.
    """
    W, B = np.meshgrid(ws, bs)
    mx, mxx, my, myy, mxy = x.mean(), (x * x).mean(), y.mean(), (y * y).mean(), (x * y).mean()
    return W**2 * mxx + 2 * W * B * mx + B**2 - 2 * W * mxy - 2 * B * my + myy


def batch_schedule(n: int, batch: int, steps: int, generator: torch.Generator) -> np.ndarray:
    """Indices of each step's batch, shape (steps, batch), padded with -1.

    A fresh permutation per epoch cut into ``ceil(n / batch)`` batches; the
    last batch of an epoch holds the ``n mod batch`` points left over and is
    padded with -1. ``batch == n`` is the full batch, in order.
    """
    if batch >= n:
        return np.tile(np.arange(n), (steps, 1))
    per_epoch = math.ceil(n / batch)
    rows = []
    while len(rows) < steps:
        perm = torch.randperm(n, generator=generator).numpy()
        padded = np.full(per_epoch * batch, -1, dtype=np.int64)
        padded[:n] = perm
        rows.extend(padded.reshape(per_epoch, batch))
    return np.asarray(rows[:steps], dtype=np.int64)


def _grid_domain(start: np.ndarray, best: np.ndarray) -> list[list[float]]:
    # The box holding start and minimum with a margin of half their distance
    # on every side, so the whole descent (and SGD's jitter) stays in view.
    lo, hi = np.minimum(start, best), np.maximum(start, best)
    pad = 0.5 * np.maximum(hi - lo, 0.5)
    return [[float(lo[i] - pad[i]), float(hi[i] + pad[i])] for i in range(2)]


def _one_run(
    x: np.ndarray,
    y: np.ndarray,
    batch: int,
    lr: float,
    steps: int,
    start: tuple[float, float],
    seed: int,
) -> dict[str, np.ndarray]:
    X = torch.as_tensor(x)
    Y = torch.as_tensor(y)
    batches = batch_schedule(len(x), batch, steps, streams(seed).batches)
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr)
    T = steps + 1
    out = {
        "point/xy": np.zeros((T, 2)),
        "scalar/loss": np.zeros(T),
        "scalar/loss_batch": np.full(T, np.nan),
        "grad/xy": np.full((T, 2), np.nan),
        "batch/indices": np.full((T, batch), -1, dtype=np.int64),
        "scalar/lr": np.full(T, lr),
    }
    for k in range(T):
        # record the state before update k: position and full-data loss
        with torch.no_grad():
            full = float(((p[0] * X + p[1] - Y) ** 2).mean())
        if not (math.isfinite(full) and float(p.detach().abs().max()) < _LIMIT):
            # a result, not a crash: keep rows 0..k-1 and say where it broke
            return {key: val[:k] for key, val in out.items()}
        out["point/xy"][k] = p.detach().numpy()
        out["scalar/loss"][k] = full
        if k == steps:
            break
        # forward on the batch, loss, backward
        idx = batches[k]
        used = torch.as_tensor(idx[idx >= 0])
        loss = ((p[0] * X[used] + p[1] - Y[used]) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        out["scalar/loss_batch"][k] = float(loss.detach())
        out["grad/xy"][k] = p.grad.numpy()
        out["batch/indices"][k] = idx
        # step
        opt.step()
    return out


def minibatch_descent(
    batch_sizes: Sequence[int] = (1, 16, 0),
    *,
    lr: float = 0.05,
    steps: int | None = None,
    epochs: int | None = None,
    n_points: int = 200,
    noise: float = 0.5,
    seed: int = 0,
    start: tuple[float, float] = (-2.0, 3.0),
) -> list[Trace]:
    """Fit ``y = w x + b`` by SGD with several batch sizes from one start.

    Parameters
    ----------
    batch_sizes : sequence of int
        Points per gradient; ``0`` (or ``>= n_points``) is the full batch.
    lr : float
        Learning rate of torch's plain ``SGD``, > 0.
    steps, epochs : int, optional
        How long each run is; give at most one. ``steps`` (the default, 100)
        gives every run the same number of *updates*: the picture of the
        lecture, where small batches wander and the full batch glides, with
        every path equally long on screen. ``epochs`` gives every run the
        same number of *gradient evaluations of points* (``epochs *
        ceil(N / B)`` updates), the fair comparison of cost.
    n_points : int
        Size of the data set, >= 2.
    noise : float
        Standard deviation of the noise around the true line, >= 0.
    seed : int
        One seed for the data and the batch order (separate streams; the
        data are the same for every batch size).
    start : (float, float)
        Initial ``(w, b)``, the same for every run.

    Returns
    -------
    list of Trace
        One per batch size, in order. Per-step arrays:

        * ``point/xy`` : (T, 2) the parameters ``(w, b)`` before update k
        * ``scalar/loss`` : (T,) full-data MSE at ``point/xy``
        * ``scalar/loss_batch`` : (T,) MSE on the batch of update k (NaN in the last row)
        * ``grad/xy`` : (T, 2) the batch gradient (NaN in the last row)
        * ``batch/indices`` : (T, B) indices into the data, -1 for padding and the last row
        * ``scalar/step``, ``scalar/lr``, ``scalar/epoch`` (epochs completed before update k)

        Static: ``grid/x`` (W,) = w values, ``grid/y`` (H,) = b values,
        ``grid/loss`` (H, W), ``data/minima`` (1, 2) the least-squares fit,
        ``data/x_points``, ``data/y_points`` (N,). Header: ``kind="linreg"``,
        ``config``, ``batch_size`` (the effective B), ``seed``,
        ``landscape`` (name, title, formula, domain, dim=2), ``events``.
    """
    if steps is not None and epochs is not None:
        raise ValueError("give steps or epochs, not both")
    for name, val in (("n_points", n_points), ("steps", steps), ("epochs", epochs)):
        if val is not None and (isinstance(val, bool) or not isinstance(val, (int, np.integer))):
            raise ValueError(f"{name} must be an integer; got {val!r}")
    if n_points < 2:
        raise ValueError(f"n_points must be at least 2; got {n_points}")
    if not (isinstance(lr, (int, float)) and math.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a positive finite number; got {lr!r}")
    if not (isinstance(noise, (int, float)) and math.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a finite number >= 0; got {noise!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer; got {seed!r}")
    if not batch_sizes or any(
        isinstance(b, bool) or not isinstance(b, (int, np.integer)) or b < 0 for b in batch_sizes
    ):
        raise ValueError(
            f"batch_sizes must be non-negative integers (0 = full); got {batch_sizes!r}"
        )
    if (steps is not None and steps < 1) or (epochs is not None and epochs < 1):
        raise ValueError("steps and epochs must be at least 1")
    start_pt = np.asarray(start, dtype=np.float64)
    if start_pt.shape != (2,) or not np.isfinite(start_pt).all():
        raise ValueError(f"start must be two finite numbers (w, b); got {start!r}")

    x, y = make_line_data(n_points, noise, seed)
    best = least_squares(x, y)
    domain = _grid_domain(start_pt, best)
    ws = np.linspace(*domain[0], _GRID)
    bs = np.linspace(*domain[1], _GRID)
    static = {
        "grid/x": ws,
        "grid/y": bs,
        "grid/loss": mse_grid(x, y, ws, bs),
        "data/minima": best[None, :],
        "data/x_points": x,
        "data/y_points": y,
    }
    landscape = {
        "name": "linreg",
        "title": "Fitting a line: mean squared error over (w, b)",
        "formula": "L(w, b) = mean((w x_i + b - y_i)^2)",
        "formula_tex": r"L(w, b) = \frac{1}{N}\sum_i (w x_i + b - y_i)^2",
        "domain": domain,
        "dim": 2,
    }
    traces = []
    for requested in batch_sizes:
        B = n_points if requested == 0 or requested >= n_points else int(requested)
        per_epoch = math.ceil(n_points / B)
        n_steps = (steps or 100) if epochs is None else epochs * per_epoch
        run = _one_run(x, y, B, float(lr), n_steps, (float(start_pt[0]), float(start_pt[1])), seed)
        T = len(run["scalar/loss"])
        step = np.arange(T, dtype=np.int64)
        events = [] if T == n_steps + 1 else [{"type": "diverged", "step": T, "reason": _BAD}]
        config: dict[str, Any] = {
            "batch_size": int(requested),
            "lr": float(lr),
            "steps": steps,
            "epochs": epochs,
            "n_points": int(n_points),
            "noise": float(noise),
            "seed": int(seed),
            "start": start_pt.tolist(),
            "optimizer": "sgd",
        }
        header = trace_header(
            "linreg",
            config,
            events=events,
            batch_size=B,
            seed=int(seed),
            landscape=landscape,
        )
        arrays = {**run, "scalar/step": step, "scalar/epoch": step / per_epoch, **static}
        traces.append(Trace(arrays, header))
    return traces
