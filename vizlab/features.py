"""Input features: what the first layer sees, computed from the (standardised) inputs.

TensorFlow Playground lets a student feed a network hand-made features of the
two coordinates instead of, or beside, the coordinates themselves: with
``x1^2`` and ``x2^2`` a model with no hidden layer separates two circles,
which on ``x1, x2`` alone it cannot (lecture 004: hand-made features against
learned ones). This module is the one definition of those features. It is
plain numpy, so the training core, the decision fields and every renderer
(which must not import torch) expand inputs the same way.

The features act on the standardised inputs (zero mean, unit variance on the
training set), so ``sin_x1`` sees about one period across the data.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: Every feature a network can be given, in the order Playground lists them.
FEATURES: tuple[str, ...] = ("x1", "x2", "x1^2", "x2^2", "x1x2", "sin_x1", "sin_x2")

#: How each feature is computed from ``x1``, ``x2`` (numpy arrays of one shape).
FEATURE_FORMULAS = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2,
    "x1x2": lambda x1, x2: x1 * x2,
    "sin_x1": lambda x1, x2: np.sin(x1),
    "sin_x2": lambda x1, x2: np.sin(x2),
}

#: The label a picture puts on each feature.
FEATURE_LABELS = {
    "x1": "$x_1$",
    "x2": "$x_2$",
    "x1^2": "$x_1^2$",
    "x2^2": "$x_2^2$",
    "x1x2": "$x_1 x_2$",
    "sin_x1": r"$\sin x_1$",
    "sin_x2": r"$\sin x_2$",
}


def uses_x2(feature: str) -> bool:
    """True if ``feature`` needs the second input (so a 1-D dataset cannot give it)."""
    return "x2" in feature


def expand(X: np.ndarray, features: Sequence[str]) -> np.ndarray:
    """The network's inputs: one column per feature.

    Parameters
    ----------
    X : ndarray (..., D)
        Standardised inputs, ``D`` = 1 or 2 (``x1`` and, for 2-D data, ``x2``).
    features : sequence of str
        Names from :data:`FEATURES`, in the order the columns should have.

    Returns
    -------
    ndarray (..., len(features)), the dtype of ``X`` (float64 for integer input)

    Examples
    --------
    >>> expand(np.array([[2.0, 3.0]]), ("x1", "x1^2", "x1x2"))
    array([[2., 4., 6.]])
    """
    X = np.asarray(X)
    if X.dtype.kind not in "f":
        X = X.astype(np.float64)
    if X.ndim < 1 or X.shape[-1] not in (1, 2):
        raise ValueError(f"inputs must have 1 or 2 columns; got shape {X.shape}")
    unknown = [f for f in features if f not in FEATURE_FORMULAS]
    if unknown:
        raise ValueError(
            f"unknown feature(s) {', '.join(unknown)}; choose from {', '.join(FEATURES)}"
        )
    if not features:
        raise ValueError("at least one feature is needed")
    x1 = X[..., 0]
    if X.shape[-1] == 1:
        if any(uses_x2(f) for f in features):
            raise ValueError("1-D inputs have no x2: use only x1, x1^2, sin_x1")
        x2 = x1
    else:
        x2 = X[..., 1]
    return np.stack([FEATURE_FORMULAS[f](x1, x2) for f in features], axis=-1).astype(X.dtype)


def is_identity(features: Sequence[str], n_inputs: int) -> bool:
    """True when the features are the raw inputs in order (nothing to compute)."""
    return tuple(features) == ("x1", "x2")[:n_inputs]
