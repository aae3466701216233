"""Gradient descent on an analytic landscape, recorded step by step.

One leaf tensor ``x`` of shape ``(dim,)`` and one of torch's own optimizers:
the loop reads like the lecture (forward, loss, backward, record, step), and
the trace it returns holds every position, loss and gradient, plus the
landscape sampled once for the pictures.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

from vizlab.config import OPTIMIZERS
from vizlab.core.landscapes import Landscape, get_landscape
from vizlab.core.provenance import resolve_device, trace_header
from vizlab.core.threads import one_thread
from vizlab.regimes import classify_regime
from vizlab.trace import Trace

#: A run diverges when a coordinate strays this many domain widths from the
#: domain's centre: far past any picture, long before float64 overflows.
DIVERGENCE_FACTOR = 1e6

_DTYPES = {"float32": torch.float32, "float64": torch.float64}

# name -> factory(params, lr, momentum). Hyper-parameters other than lr and
# momentum are torch's defaults, so the documented update rules apply as written.
_OPTIMIZERS: dict[str, Callable[[list[torch.Tensor], float, float], torch.optim.Optimizer]] = {
    "sgd": lambda p, lr, mu: torch.optim.SGD(p, lr=lr),
    "momentum": lambda p, lr, mu: torch.optim.SGD(p, lr=lr, momentum=mu),
    "nesterov": lambda p, lr, mu: torch.optim.SGD(p, lr=lr, momentum=mu, nesterov=True),
    "adagrad": lambda p, lr, mu: torch.optim.Adagrad(p, lr=lr),
    "rmsprop": lambda p, lr, mu: torch.optim.RMSprop(p, lr=lr),
    "adam": lambda p, lr, mu: torch.optim.Adam(p, lr=lr),
}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def _check_start(land: Landscape, start: Any, limit: np.ndarray) -> tuple[float, ...]:
    if start is None:
        return land.start
    if _is_number(start):
        start = [start]
    try:
        point = np.asarray(start, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"start must be {land.dim} number(s); got {start!r}") from None
    if point.shape != (land.dim,):
        raise ValueError(
            f"start must have {land.dim} coordinate(s) for landscape {land.name!r}; "
            f"got shape {point.shape}"
        )
    centre = np.array([(lo + hi) / 2 for lo, hi in land.domain])
    if not np.isfinite(point).all() or np.any(np.abs(point - centre) > limit):
        raise ValueError(f"start {point.tolist()} is not finite or lies far outside the domain")
    return tuple(float(v) for v in point)


@one_thread()
def descend(
    landscape: str | Landscape,
    optimizer: str = "sgd",
    lr: float = 0.1,
    start: Sequence[float] | float | None = None,
    steps: int = 50,
    *,
    momentum: float = 0.9,
    seed: int = 0,
    dtype: str = "float64",
    device: str = "cpu",
) -> Trace:
    """Run a torch optimizer on an analytic loss and record every step.

    Parameters
    ----------
    landscape : str or Landscape
        A name from :data:`vizlab.LANDSCAPES` or a Landscape.
    optimizer : {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"}
        torch's ``SGD`` (plain, with ``momentum``, or Nesterov), ``Adagrad``,
        ``RMSprop`` or ``Adam``, all with torch's default hyper-parameters
        except ``lr`` and ``momentum``.
    lr : float
        Learning rate, > 0.
    start : sequence of float, optional
        Start point (``dim`` numbers; a bare number for 1-D); the landscape's
        default when omitted.
    steps : int
        Optimizer updates to take (>= 1); the trace has ``steps + 1`` rows
        unless the run diverges.
    momentum : float
        In ``[0, 1)``; used by ``momentum`` and ``nesterov`` only.
    seed : int
        Recorded for the config; descent on an analytic loss draws nothing at
        random, so no generator is made and no global RNG is touched.
    dtype : {"float32", "float64"}
        Precision of the point and the optimizer state.
    device : {"cpu", "cuda", "auto"}

    Returns
    -------
    Trace
        Per-step arrays (row ``k`` is the state before update ``k``; the
        last row is the final point, from which no update is taken):

        * ``scalar/step`` : ndarray (T,) int64, 0 .. T-1
        * ``point/xy`` : ndarray (T, dim), the position x_k
        * ``scalar/loss`` : ndarray (T,), f(x_k)
        * ``grad/xy`` : ndarray (T, dim), grad f(x_k)
        * ``scalar/lr`` : ndarray (T,), the optimizer's learning rate

        Static arrays: ``curve/x``, ``curve/y`` (400,) for a 1-D landscape;
        ``grid/x`` (W,), ``grid/y`` (H,), ``grid/loss`` (H, W) with
        ``grid/loss[i, j] = f(grid/x[j], grid/y[i])`` for 2-D; and
        ``data/minima`` (k, dim). The header holds ``kind="descend"``, the
        ``config``, the ``landscape`` (name, title, formulas, domain, dim),
        ``seed``, ``versions``, ``device``, ``regime`` (see
        :func:`vizlab.regimes.classify_regime`) and ``events``.

    Raises
    ------
    ValueError
        For an unknown landscape, optimizer, dtype or device, a non-positive
        lr, a start of the wrong dimension, or ``steps < 1``.

    Notes
    -----
    Divergence is a result, not a crash. When the point strays more than
    ``DIVERGENCE_FACTOR`` domain widths from the domain's centre, or the loss
    or gradient stops being finite, the run stops: the trace keeps every row
    before it and the header gains ``{"type": "diverged", "step": k,
    "reason": ...}``, where ``k`` is the step whose state was bad (so the
    trace has ``k`` rows).
    """
    land = landscape if isinstance(landscape, Landscape) else get_landscape(landscape)
    if optimizer not in _OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}; choose one of {', '.join(OPTIMIZERS)}")
    if not _is_number(lr) or not math.isfinite(lr) or lr <= 0:
        raise ValueError(f"lr must be a positive finite number; got {lr!r}")
    if (
        isinstance(steps, bool)
        or not isinstance(steps, (int, np.integer))
        or not 1 <= steps <= 10**6
    ):
        raise ValueError(f"steps must be an integer between 1 and 1e6; got {steps!r}")
    if not _is_number(momentum) or not 0 <= momentum < 1:
        raise ValueError(f"momentum must be in [0, 1); got {momentum!r}")
    if optimizer == "nesterov" and momentum == 0:
        raise ValueError("nesterov needs momentum > 0")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer; got {seed!r}")
    if dtype not in _DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(_DTYPES)}; got {dtype!r}")
    dev = resolve_device(device)
    lr, steps, momentum, seed = float(lr), int(steps), float(momentum), int(seed)

    # Divergence box: |x_i - centre_i| <= DIVERGENCE_FACTOR * (hi_i - lo_i).
    limit_np = DIVERGENCE_FACTOR * np.array([hi - lo for lo, hi in land.domain])
    start = _check_start(land, start, limit_np)
    tdtype = _DTYPES[dtype]
    centre = torch.tensor([(lo + hi) / 2 for lo, hi in land.domain], dtype=tdtype, device=dev)
    limit = torch.tensor(limit_np, dtype=tdtype, device=dev)

    x = torch.tensor(start, dtype=tdtype, device=dev, requires_grad=True)
    opt = _OPTIMIZERS[optimizer]([x], lr, momentum)
    points, losses, grads, lrs = [], [], [], []
    events: list[dict[str, Any]] = []
    for k in range(steps + 1):
        opt.zero_grad()
        loss = land.f(x)
        loss.backward()
        bad = None
        if not (torch.isfinite(loss) and torch.isfinite(x.grad).all()):
            bad = "the loss or its gradient is not finite"
        elif not bool(((x.detach() - centre).abs() <= limit).all()):
            bad = f"the point left the box of {DIVERGENCE_FACTOR:g} domain widths around the domain"
        if bad is not None:
            if k == 0:
                raise ValueError(f"start {list(start)}: {bad}")
            events.append({"type": "diverged", "step": k, "reason": bad})
            break
        points.append(x.detach().clone())
        losses.append(loss.detach().clone())
        grads.append(x.grad.detach().clone())
        lrs.append(opt.param_groups[0]["lr"])
        if k < steps:
            opt.step()

    xy = torch.stack(points).cpu().numpy()
    loss_arr = torch.stack(losses).cpu().numpy()
    minima = land.minima_array
    arrays: dict[str, np.ndarray] = {
        "scalar/step": np.arange(len(points), dtype=np.int64),
        "point/xy": xy,
        "scalar/loss": loss_arr,
        "grad/xy": torch.stack(grads).cpu().numpy(),
        "scalar/lr": np.asarray(lrs, dtype=np.float64),
        "data/minima": minima,
    }
    if land.dim == 1:
        arrays["curve/x"], arrays["curve/y"] = land.surface()
    else:
        arrays["grid/x"], arrays["grid/y"], arrays["grid/loss"] = land.surface()

    header = trace_header(
        "descend",
        {
            "landscape": land.name,
            "optimizer": optimizer,
            "lr": lr,
            "start": list(start),
            "steps": steps,
            "momentum": momentum,
            "seed": seed,
            "dtype": dtype,
        },
        device=dev,
        events=events,
        landscape={
            "name": land.name,
            "title": land.title,
            "formula": land.formula,
            "formula_tex": land.formula_tex,
            "note": land.note,
            "domain": [list(d) for d in land.domain],
            "dim": land.dim,
        },
        seed=seed,
        regime=classify_regime(xy, loss_arr, minima, diverged=bool(events)),
    )
    return Trace(arrays, header)
