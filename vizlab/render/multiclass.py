"""k classes in one picture: regions coloured by the most probable class.

With two classes the decision field is one number, P(class 1), drawn on the
orange-white-blue map. With k classes the trace holds one field per class
(``field/class{c}``, P(class c)); each pixel takes the colour of its most
probable class, mixed towards white as the network grows unsure: fully the
class colour at P = 1, white where all k classes are equally likely (1/k).
The boundaries are where the winning class changes. Nothing here imports torch.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import to_rgb

from vizlab.render import style
from vizlab.trace import Trace


def n_classes(trace: Trace) -> int:
    """Classes the trace's fields describe: 2 for ``field/output``, else the ``field/class*`` count."""
    return sum(1 for k in trace.keys() if k.startswith("field/class")) or 2


def class_probs(trace: Trace, field_row: int) -> np.ndarray:
    """P(class c) on the grid at one field row, (K, H, W), from either kind of field."""
    if "field/output" in trace:
        p1 = np.asarray(trace["field/output"][field_row], dtype=np.float64)
        return np.stack([1 - p1, p1])
    return np.stack(
        [
            np.asarray(trace[f"field/class{c}"][field_row], np.float64)
            for c in range(n_classes(trace))
        ]
    )


def field_rgb(probs: np.ndarray, colors=None) -> np.ndarray:
    """An RGB picture (H, W, 3) of class probabilities ``probs`` (K, H, W).

    Colour of the argmax class, lightness by confidence:
    ``rgb = white + c * (class_rgb - white)`` with ``c = (p_max - 1/K) / (1 - 1/K)``.
    """
    probs = np.asarray(probs, dtype=np.float64)
    K = probs.shape[0]
    colors = colors or [style.class_color(c) for c in range(K)]
    palette = np.array([to_rgb(c) for c in colors[:K]])
    win = probs.argmax(0)
    conf = np.clip((probs.max(0) - 1 / K) / (1 - 1 / K), 0, 1)[..., None]
    return 1 + conf * (palette[win] - 1)


def region_margins(probs: np.ndarray) -> np.ndarray:
    """``p_c - max_{j != c} p_j`` for every class, (K, H, W): zero on its region's border."""
    probs = np.asarray(probs, dtype=np.float64)
    out = np.empty_like(probs)
    for c in range(probs.shape[0]):
        out[c] = probs[c] - np.delete(probs, c, axis=0).max(0)
    return out
