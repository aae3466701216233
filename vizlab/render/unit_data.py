"""Reading per-unit arrays from a trace: checks, grid extent, layers, slopes.

Shared by the hidden-unit, representation and saturation pictures. Nothing
here imports torch.
"""

from __future__ import annotations

import numpy as np

from vizlab.render import style
from vizlab.trace import Trace

FLAT = 0.05  # |g'(z)| below this counts as a vanishing gradient
LEAKY_SLOPE = 0.01  # as vizlab.core.model's leaky_relu
# g(z) in ink, its slope g'(z) in the first categorical colour, flat regions grey.
FUNC_COLOR, DERIV_COLOR, FLAT_COLOR = style.INK, style.series_color(0), style.FLAT_COLOR


def check_trace(trace: Trace, *keys: str) -> None:
    """One-line ValueError unless ``trace`` is a Trace holding every key in ``keys``."""
    if not isinstance(trace, Trace):
        raise ValueError(f"expected a vizlab Trace; got {type(trace).__name__}")
    trace.require(
        *keys,
        hint="train with frames > 0 (per-unit arrays exist only for hidden layers of at "
        "most 16 units)",
    )


def grid_extent(trace: Trace) -> tuple[float, float, float, float]:
    """imshow extent with pixel centres on ``grid/x`` (W,) and ``grid/y`` (H,)."""
    xs, ys = trace["grid/x"], trace["grid/y"]
    dx, dy = (xs[-1] - xs[0]) / max(len(xs) - 1, 1), (ys[-1] - ys[0]) / max(len(ys) - 1, 1)
    return (xs[0] - dx / 2, xs[-1] + dx / 2, ys[0] - dy / 2, ys[-1] + dy / 2)


def unit_layers(trace: Trace) -> list[int]:
    """Hidden layers ``i`` with per-unit maps ``act/fc{i}``, in order."""
    return sorted(int(k[len("act/fc") :]) for k in trace.keys("act"))


def slope_from_output(a: np.ndarray, activation: str) -> np.ndarray:
    """g'(z) written through the unit's output a = g(z), which is what a trace holds.

    sigmoid: a (1 - a); tanh: 1 - a^2; ReLU: 1 if a > 0 else 0; leaky ReLU:
    1 or 0.01; ELU: 1 or a + 1 (= e^z for z < 0); linear: 1.
    """
    if activation == "sigmoid":
        return a * (1 - a)
    if activation == "tanh":
        return 1 - a * a
    if activation == "relu":
        return (a > 0) * 1.0
    if activation == "leaky_relu":
        return np.where(a > 0, 1.0, LEAKY_SLOPE)
    if activation == "elu":
        return np.where(a > 0, 1.0, a + 1)
    return np.ones_like(a)
