"""Seeded toy datasets, standardised and split.

Classification: ``xor``, ``moons``, ``circles`` (two classes), ``spiral`` and
``gaussians`` (k classes: arms, blobs). Regression, as TensorFlow Playground
has them: ``plane`` and ``multi_gaussian`` in the plane, and the 1-D ``sine``.

Every generator takes an explicit ``numpy.random.Generator``; nothing touches
a global RNG. Inputs are standardised with the *training* set's mean and
standard deviation ("input should be scaled to have zero mean unit
variance", lecture 000), and the same shift and scale are applied to the
validation set. Regression targets are left in their own units.

``noise`` means the same difficulty on every dataset: the jitter's standard
deviation is ``noise * NOISE_SCALE[dataset]``, the scale being the distance
between neighbouring classes' clean shapes (for regression: the target's
amplitude, 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vizlab.config import REGRESSION_DATASETS, RunConfig
from vizlab.features import expand, is_identity

#: Spiral turns from the centre to the rim (as Playground's spiral).
SPIRAL_TURNS = 1.75


def noise_scale(dataset: str, n_classes: int = 2) -> float:
    """Jitter standard deviation at ``noise = 1``, in the dataset's raw units.

    The distance between neighbouring classes' clean shapes: XOR's corners
    are 1 apart, the moons' arcs about 1 (between their middles), the circles'
    radii 0.5, the spiral's k arms ``1 / (1.75 k)`` (one turn adds 1/1.75 to the
    radius), k Gaussian blobs on a circle of radius sqrt(2) are
    ``2 sqrt(2) sin(pi / k)`` apart. Regression targets have amplitude 1.
    """
    if dataset == "circles":
        return 0.5
    if dataset == "spiral":
        return 1.0 / (SPIRAL_TURNS * n_classes)
    if dataset == "gaussians":
        return 2.0 * np.sqrt(2.0) * np.sin(np.pi / n_classes)
    return 1.0


def _xor(n: int, noise: float, k: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    # Lecture 003's noisy XOR: corners (0,0) and (1,1) are class 0,
    # (0,1) and (1,0) are class 1, each point jittered by Gaussian noise.
    corners = rng.integers(0, 2, size=(n, 2))
    y = corners[:, 0] ^ corners[:, 1]
    X = corners + noise * rng.standard_normal((n, 2))
    return X, y


def _moons(n: int, noise: float, k: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    y = rng.integers(0, 2, size=n)
    t = rng.uniform(0.0, np.pi, size=n)
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)
    lower = np.stack([1.0 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    X = np.where(y[:, None] == 0, upper, lower) + noise * rng.standard_normal((n, 2))
    return X, y


def _circles(
    n: int, noise: float, k: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    # Class 1 on a circle of radius 0.5 inside class 0 on radius 1.
    y = rng.integers(0, 2, size=n)
    t = rng.uniform(0.0, 2 * np.pi, size=n)
    r = np.where(y == 1, 0.5, 1.0)
    X = r[:, None] * np.stack([np.cos(t), np.sin(t)], axis=1)
    return X + noise * rng.standard_normal((n, 2)), y


def _spiral(
    n: int, noise: float, k: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    # k interleaved arms, r growing with the angle; arm j is arm 0 turned by 2 pi j / k.
    y = rng.integers(0, k, size=n)
    t = rng.uniform(0.0, 1.0, size=n)
    angle = SPIRAL_TURNS * 2 * np.pi * t + 2 * np.pi * y / k
    X = t[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    return X + noise * rng.standard_normal((n, 2)), y


def _gaussians(
    n: int, noise: float, k: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    # k blobs on a circle of radius sqrt(2): for k = 2 at (-1,-1) (class 0) and (1,1).
    y = rng.integers(0, k, size=n)
    angle = 1.25 * np.pi + 2 * np.pi * y / k
    centre = np.sqrt(2.0) * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    return centre + noise * rng.standard_normal((n, 2)), y


def _plane(n: int, noise: float, k: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    # Playground's "plane": the target rises linearly across the square, from -1 to 1.
    X = rng.uniform(-1.0, 1.0, size=(n, 2))
    return X, (X[:, 0] + X[:, 1]) / 2 + noise * rng.standard_normal(n)


#: Playground's "multi gaussian": bumps of sign +-1 on a 3 x 2 lattice (x, y, sign).
BUMPS = np.array(
    [
        [-2 / 3, 0.4, 1],
        [0, 0.4, -1],
        [2 / 3, 0.4, 1],
        [-2 / 3, -0.4, -1],
        [0, -0.4, 1],
        [2 / 3, -0.4, -1],
    ]
)
BUMP_WIDTH = 0.25


def multi_gaussian_target(X: np.ndarray) -> np.ndarray:
    """The clean ``multi_gaussian`` target at points X (N, 2): the strongest bump wins."""
    d2 = ((X[:, None, :] - BUMPS[None, :, :2]) ** 2).sum(-1)
    values = BUMPS[None, :, 2] * np.exp(-d2 / (2 * BUMP_WIDTH**2))
    return values[np.arange(len(X)), np.abs(values).argmax(1)]


def _multi_gaussian(
    n: int, noise: float, k: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    X = rng.uniform(-1.0, 1.0, size=(n, 2))
    return X, multi_gaussian_target(X) + noise * rng.standard_normal(n)


def _sine(n: int, noise: float, k: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    # One input: two periods of sin(2x) on [-pi, pi].
    x = rng.uniform(-np.pi, np.pi, size=(n, 1))
    return x, np.sin(2 * x[:, 0]) + noise * rng.standard_normal(n)


GENERATORS = {
    "xor": _xor,
    "moons": _moons,
    "circles": _circles,
    "spiral": _spiral,
    "gaussians": _gaussians,
    "plane": _plane,
    "multi_gaussian": _multi_gaussian,
    "sine": _sine,
}


@dataclass(frozen=True)
class Dataset:
    """A standardised train/validation split.

    Attributes
    ----------
    X_train : ndarray (N_train, D) float64
        Standardised raw inputs, D = 2 (D = 1 for ``sine``); what pictures plot.
    y_train : ndarray (N_train,)
        int64 class labels 0..k-1, or float64 regression targets.
    X_val, y_val : the same for validation (may be empty)
    mean, std : ndarray (D,)
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

    def inputs(self, split: str, features: tuple[str, ...]) -> np.ndarray:
        """What the first layer sees: ``features`` of the ``"train"`` or ``"val"`` inputs, (N, F)."""
        X = self.X_train if split == "train" else self.X_val
        return X if is_identity(features, X.shape[1]) else expand(X, features)


def split_and_standardise(
    X: np.ndarray, y: np.ndarray, n_val: int, rng: np.random.Generator, name: str
) -> Dataset:
    """Shuffle, hold out ``n_val`` points, standardise with training statistics."""
    # Generated data are valid by construction and user data were checked by the caller.
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64 if name in REGRESSION_DATASETS else np.int64)
    order = rng.permutation(len(X))
    val, tr = order[:n_val], order[n_val:]
    with np.errstate(all="ignore"):  # overflow is checked below, in one clear message
        mean = X[tr].mean(axis=0)
        std = X[tr].std(axis=0)
        if name == "custom":
            # User data with a constant column carries no information in it;
            # say so rather than train on a column of zeros.
            for j in np.flatnonzero(np.ptp(X[tr], axis=0) == 0) if len(tr) else ():
                raise ValueError(
                    f"column {j} of X is constant (every training point has {X[tr[0], j]!r})"
                )
        std = np.where(std > 0, std, 1.0)  # a tiny generated sample may repeat a value
        X_train, X_val = (X[tr] - mean) / std, (X[val] - mean) / std
    if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(std))):
        raise ValueError(
            "X cannot be standardised: its mean or spread overflows (values up to "
            f"{np.abs(X).max():.3g}); rescale X first"
        )
    if not (np.all(np.isfinite(X_train)) and np.all(np.isfinite(X_val))):
        raise ValueError("X cannot be standardised: the scaled values overflow; rescale X first")
    return Dataset(
        X_train=X_train,
        y_train=y[tr],
        X_val=X_val,
        y_val=y[val],
        mean=mean,
        std=std,
        name=name,
    )


def check_arrays(
    X, y, *, n_classes: int = 2, regression: bool = False, n_inputs: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    """Validate data: X (N, n_inputs) finite floats, y (N,) labels 0..k-1 or finite targets."""
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] != n_inputs:
        what = "points in the plane" if n_inputs == 2 else "one input per point"
        raise ValueError(f"X must have shape (N, {n_inputs}) ({what}); got {X.shape}")
    if X.dtype.kind not in "biuf" or not np.all(np.isfinite(X)):
        raise ValueError("X must hold finite numbers")
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},) to match X; got {y.shape}")
    if regression:
        if y.dtype.kind not in "biuf" or not np.all(np.isfinite(y)):
            raise ValueError("y must hold finite numbers (regression targets)")
        return X.astype(np.float64), y.astype(np.float64)
    if y.dtype.kind not in "biuf" or not np.all(np.isin(y, np.arange(n_classes))):
        labels = "0 and 1" if n_classes == 2 else f"0 to {n_classes - 1}"
        raise ValueError(f"y must hold class labels {labels}")
    return X.astype(np.float64), y.astype(np.int64)


def make_dataset(config: RunConfig, rng: np.random.Generator | None = None) -> Dataset:
    """Generate ``config.dataset`` from ``config.seed`` (or the given generator)."""
    from vizlab.core.seeding import streams

    rng = rng if rng is not None else streams(config.seed).data
    scale = noise_scale(config.dataset, config.n_classes)
    X, y = GENERATORS[config.dataset](config.n_points, config.noise * scale, config.n_classes, rng)
    return split_and_standardise(X, y, config.n_val, rng, config.dataset)
