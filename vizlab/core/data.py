"""Seeded two-class datasets in the plane, standardised and split.

Every generator takes an explicit ``numpy.random.Generator``; nothing touches
a global RNG. Inputs are standardised with the *training* set's mean and
standard deviation ("input should be scaled to have zero mean unit
variance", lecture 000), and the same shift and scale are applied to the
validation set.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vizlab.config import RunConfig


def _xor(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    # Lecture 003's noisy XOR: corners (0,0) and (1,1) are class 0,
    # (0,1) and (1,0) are class 1, each point jittered by Gaussian noise.
    corners = rng.integers(0, 2, size=(n, 2))
    y = corners[:, 0] ^ corners[:, 1]
    X = corners + noise * rng.standard_normal((n, 2))
    return X, y


def _moons(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    y = rng.integers(0, 2, size=n)
    t = rng.uniform(0.0, np.pi, size=n)
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)
    lower = np.stack([1.0 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    X = np.where(y[:, None] == 0, upper, lower) + noise * rng.standard_normal((n, 2))
    return X, y


def _circles(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    # Class 1 on a circle of radius 0.5 inside class 0 on radius 1.
    y = rng.integers(0, 2, size=n)
    t = rng.uniform(0.0, 2 * np.pi, size=n)
    r = np.where(y == 1, 0.5, 1.0)
    X = r[:, None] * np.stack([np.cos(t), np.sin(t)], axis=1)
    return X + noise * rng.standard_normal((n, 2)), y


def _spiral(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    # Two interleaved arms, r growing with the angle; arm 1 is arm 0 turned by pi.
    y = rng.integers(0, 2, size=n)
    t = rng.uniform(0.0, 1.0, size=n)
    angle = 1.75 * 2 * np.pi * t + np.pi * y
    X = t[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    return X + noise * rng.standard_normal((n, 2)), y


def _gaussians(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    # Two blobs at (-1,-1) and (1,1); ``noise`` is their standard deviation.
    y = rng.integers(0, 2, size=n)
    centre = np.where(y[:, None] == 1, 1.0, -1.0) * np.ones((1, 2))
    return centre + noise * rng.standard_normal((n, 2)), y


GENERATORS = {
    "xor": _xor,
    "moons": _moons,
    "circles": _circles,
    "spiral": _spiral,
    "gaussians": _gaussians,
}


@dataclass(frozen=True)
class Dataset:
    """A standardised train/validation split.

    Attributes
    ----------
    X_train : ndarray (N_train, 2) float64
    y_train : ndarray (N_train,) int64, labels 0/1
    X_val, y_val : the same for validation (may be empty)
    mean, std : ndarray (2,)
        Training-set statistics used to standardise: ``X = (raw - mean) / std``.
    name : str
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    name: str

    def arrays(self) -> dict[str, np.ndarray]:
        """Static trace arrays (``data/*``)."""
        return {
            "data/X_train": self.X_train,
            "data/y_train": self.y_train,
            "data/X_val": self.X_val,
            "data/y_val": self.y_val,
            "data/mean": self.mean,
            "data/std": self.std,
        }


def split_and_standardise(
    X: np.ndarray, y: np.ndarray, n_val: int, rng: np.random.Generator, name: str
) -> Dataset:
    """Shuffle, hold out ``n_val`` points, standardise with training statistics."""
    X, y = check_arrays(X, y)
    order = rng.permutation(len(X))
    val, tr = order[:n_val], order[n_val:]
    mean = X[tr].mean(axis=0)
    std = X[tr].std(axis=0)
    std = np.where(std > 0, std, 1.0)  # a constant feature stays as it is
    return Dataset(
        X_train=(X[tr] - mean) / std,
        y_train=y[tr],
        X_val=(X[val] - mean) / std,
        y_val=y[val],
        mean=mean,
        std=std,
        name=name,
    )


def check_arrays(X, y) -> tuple[np.ndarray, np.ndarray]:
    """Validate user data: X (N, 2) finite floats, y (N,) labels 0/1."""
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (N, 2) (points in the plane); got {X.shape}")
    if X.dtype.kind not in "biuf" or not np.all(np.isfinite(X)):
        raise ValueError("X must hold finite numbers")
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},) to match X; got {y.shape}")
    if y.dtype.kind not in "biuf" or not np.all(np.isin(y, (0, 1))):
        raise ValueError("y must hold class labels 0 and 1")
    return X.astype(np.float64), y.astype(np.int64)


def make_dataset(config: RunConfig, rng: np.random.Generator | None = None) -> Dataset:
    """Generate ``config.dataset`` from ``config.seed`` (or the given generator)."""
    from vizlab.core.seeding import streams

    rng = rng if rng is not None else streams(config.seed).data
    X, y = GENERATORS[config.dataset](config.n_points, config.noise, rng)
    return split_and_standardise(X, y, config.n_val, rng, config.dataset)
