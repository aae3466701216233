"""Small numpy measurements that claims make of traces (no torch).

Each returns plain floats so a claim's detail can print them.
"""

from __future__ import annotations

import numpy as np

from vizlab.features import expand

ACTIVATIONS_NP = {
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "elu": lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0.0))),
    "linear": lambda z: z,
}


def final(trace, key: str) -> float:
    """The last recorded value of a scalar series."""
    return float(np.asarray(trace[key])[-1])


def pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def hidden_activations(trace, row: int = -1, split: str = "train") -> list[np.ndarray]:
    """Post-activation hidden layers (N, width) for the data split at recorded ``row``.

    A numpy forward pass with the recorded parameters (no dropout: evaluation),
    on the run's input features (:func:`vizlab.features.expand`).
    """
    X = np.asarray(trace[f"data/X_{split}"], dtype=np.float64)
    X = expand(X, tuple(trace.config.get("features", ("x1", "x2")[: X.shape[1]])))
    act = ACTIVATIONS_NP[trace.config["activation"]]
    n_layers = len([k for k in trace.keys("param") if k.endswith(".weight")])
    h, out = X, []
    for i in range(1, n_layers):
        w = np.asarray(trace[f"param/fc{i}.weight"][row], dtype=np.float64)
        b = np.asarray(trace[f"param/fc{i}.bias"][row], dtype=np.float64)
        h = act(h @ w.T + b)
        out.append(h)
    return out


def linear_probe_accuracy(features: np.ndarray, labels: np.ndarray) -> float:
    """Training accuracy of the best least-squares linear classifier on ``features``.

    Fits ``[features, 1] @ w`` to targets -1/+1 by least squares and
    thresholds at 0: a line (plane) in feature space, nothing else.
    """
    F = np.column_stack([features, np.ones(len(features))])
    t = np.where(np.asarray(labels) > 0, 1.0, -1.0)
    w, *_ = np.linalg.lstsq(F, t, rcond=None)
    return float(np.mean((F @ w > 0) == (t > 0)))


def best_line_accuracy(X: np.ndarray, y: np.ndarray, n_angles: int = 360) -> float:
    """The best accuracy any straight line reaches on (X, y), by exhaustive search.

    For every direction (``n_angles`` over a half turn) every threshold
    between sorted projections is tried, both orientations: an upper bound a
    trained linear model can only approach.
    """
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y).astype(int)
    best = 0.0
    for theta in np.linspace(0, np.pi, n_angles, endpoint=False):
        proj = X @ np.array([np.cos(theta), np.sin(theta)])
        order = np.argsort(proj)
        ys = y[order]
        # correct if everything left of the cut is 0 and right is 1 (or flipped)
        ones_right = np.concatenate([[ys.sum()], ys.sum() - np.cumsum(ys)])
        zeros_left = np.concatenate([[0], np.cumsum(1 - ys)])
        acc = (ones_right + zeros_left) / len(ys)
        best = max(best, float(acc.max()), float((1 - acc).max()))
    return best


def path_length(points: np.ndarray) -> float:
    """Total length of a path through ``points`` (T, d)."""
    p = np.asarray(points, dtype=np.float64)
    p = p[np.all(np.isfinite(p), axis=1)]
    return float(np.linalg.norm(np.diff(p, axis=0), axis=1).sum())


def turning(points: np.ndarray) -> float:
    """Mean angle (radians) between successive steps: 0 for a straight glide."""
    d = np.diff(np.asarray(points, dtype=np.float64), axis=0)
    d = d[np.all(np.isfinite(d), axis=1)]
    n = np.linalg.norm(d, axis=1)
    d, n = d[n > 0], n[n > 0]
    if len(d) < 2:
        return 0.0
    cos = np.sum(d[1:] * d[:-1], axis=1) / (n[1:] * n[:-1])
    return float(np.mean(np.arccos(np.clip(cos, -1.0, 1.0))))
