"""What each loss sends back: dL/dz of one prediction, measured with autograd.

Lecture 000 names two objectives, cross-entropy for classification and the
sum of squared errors for regression. Put a sigmoid in front of squared
error and a confidently wrong prediction learns almost nothing: with
``s = sigmoid(z)``, ``d/dz (s - t)^2 = 2 (s - t) s (1 - s)``, and ``s (1 - s)``
vanishes where the sigmoid saturates, while cross-entropy's
``d/dz = s - t`` stays near 1 exactly where the prediction is most wrong.
:func:`loss_gradients` measures both through :func:`vizlab.core.model.data_loss`
(the losses training uses), so the curve is what a training step sees.
"""

from __future__ import annotations

import numpy as np
import torch

from vizlab.core import model
from vizlab.core.provenance import trace_header
from vizlab.trace import Trace

#: The two losses compared: cross-entropy of a sigmoid output, squared error of it.
COMPARED = ("bce", "mse")


def loss_gradients(z_min: float = -8.0, z_max: float = 8.0, n: int = 161, label: int = 1) -> Trace:
    """Loss and its gradient with respect to the logit, for one example of class ``label``.

    Parameters
    ----------
    z_min, z_max : float
        Range of the output logit ``z`` (before the sigmoid).
    n : int
        Points on that range (>= 2).
    label : {0, 1}
        The example's true class: ``z`` far on the other side is a confidently
        wrong prediction.

    Returns
    -------
    Trace
        ``curve/z`` (n,), ``curve/p`` (n,) = sigmoid(z), and for each loss in
        ``COMPARED``: ``curve/loss_<loss>`` (n,) and ``curve/grad_<loss>`` (n,)
        = dL/dz (float64, by autograd). One row (``scalar/step`` = [0]).
    """
    if not (isinstance(n, int) and n >= 2):
        raise ValueError(f"n must be an integer >= 2; got {n!r}")
    if label not in (0, 1):
        raise ValueError(f"label must be 0 or 1; got {label!r}")
    if not (np.isfinite(z_min) and np.isfinite(z_max) and z_min < z_max):
        raise ValueError(f"need finite z_min < z_max; got {z_min!r}, {z_max!r}")
    z = torch.linspace(z_min, z_max, n, dtype=torch.float64)
    arrays = {
        "scalar/step": np.zeros(1, np.int64),
        "curve/z": z.numpy().copy(),
        "curve/p": torch.sigmoid(z).numpy(),
    }
    # Every z is its own one-example "model" (M = n, B = 1, one output), so
    # the gradient of the summed losses is each example's own dL/dz.
    y = torch.full((n, 1), label)
    for loss in COMPARED:
        logits = z.clone().view(n, 1, 1).requires_grad_()
        values = model.data_loss(logits, y, loss)
        values.sum().backward()
        arrays[f"curve/loss_{loss}"] = values.detach().numpy()
        arrays[f"curve/grad_{loss}"] = logits.grad.view(n).numpy()
    config = {"z_min": z_min, "z_max": z_max, "n": n, "label": label}
    return Trace(arrays, trace_header("loss_gradients", config))
