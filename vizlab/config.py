"""RunConfig: what to train, as a frozen, validated value that round-trips to JSON.

A widget edits a RunConfig, the gallery builds one, the command line parses
one; all of them call the same :func:`vizlab.train`. Nothing here imports
torch.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from typing import Any

DATASETS = ("xor", "moons", "circles", "spiral", "gaussians", "plane", "multi_gaussian", "sine")
#: Datasets whose targets are numbers (``task="regression"``); the rest are classes.
REGRESSION_DATASETS = ("plane", "multi_gaussian", "sine")
#: Classification datasets that can have more than two classes (``n_classes``).
MULTICLASS_DATASETS = ("gaussians", "spiral")
#: Datasets with one input (``x1``) instead of two.
ONE_D_DATASETS = ("sine",)
TASKS = ("classification", "regression")
ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "linear")
INITS = ("uniform", "normal", "xavier", "he", "zeros")
LOSSES = ("bce", "cross_entropy", "mse")
OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")
#: The state buffers each optimizer keeps, one per parameter, by torch's names
#: (vizlab.core.batched_optim's registry; the tests check they agree). Kept here,
#: torch-free, for the memory budget and the effective-step renderer.
OPTIMIZER_BUFFERS = {
    "sgd": (),
    "momentum": ("momentum_buffer",),
    "nesterov": ("momentum_buffer",),
    "adagrad": ("sum",),
    "rmsprop": ("square_avg",),
    "adam": ("exp_avg", "exp_avg_sq"),
}
SCHEDULES = ("constant", "step", "exponential", "cosine", "plateau")
DEVICES = ("auto", "cpu", "cuda")
DTYPES = ("float32", "float64")


class ConfigError(ValueError):
    """A configuration value is out of range or of the wrong type."""


def _plain(value: Any) -> Any:
    """numpy scalars and 1-D arrays as plain Python values; anything else as it is.

    ``np.int64(3) -> 3``, ``np.array([8, 8]) -> [8, 8]``, and a list or tuple
    has each item converted, so a config built from numpy values stores (and
    hashes, and writes to JSON) exactly what the same config of plain numbers
    does. Arrays of any other rank are left for validation to refuse.
    """
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    if type(value).__module__ == "numpy" and getattr(value, "ndim", None) in (0, 1):
        return value.tolist()  # numpy's own conversion to Python scalars and lists
    return value


def _choice(name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ConfigError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")


def _number(name: str, value: Any, lo: float, hi: float, *, lo_open: bool = False) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{name} must be a number; got {value!r}")
    if value != value or (value <= lo if lo_open else value < lo) or value > hi:
        left = "(" if lo_open else "["
        raise ConfigError(f"{name} must be in {left}{lo}, {hi}]; got {value!r}")


def _integer(name: str, value: Any, lo: int, hi: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{name} must be an integer; got {value!r}")
    if not lo <= value <= hi:
        raise ConfigError(f"{name} must be between {lo} and {hi}; got {value!r}")


class _ConfigValue:
    """Round trip shared by the config values: replace, dict, JSON, digest, code."""

    _digest_prefix = ""
    _always_in_code: tuple[str, ...] = ()

    def replace(self, **changes: Any):
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Field -> value, with tuples as lists (JSON's shape)."""
        return {
            f.name: list(v) if isinstance(v, tuple) else v
            for f in dataclasses.fields(self)
            for v in [getattr(self, f.name)]
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]):
        if not isinstance(d, dict):
            raise ConfigError(f"a config must be a mapping; got {type(d).__name__}")
        unknown = sorted(set(d) - {f.name for f in dataclasses.fields(cls)})
        if unknown:
            raise ConfigError(f"unknown config field(s): {', '.join(unknown)}")
        return cls(**d)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_json(cls, text: str):
        try:
            d = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"config is not valid JSON: {exc}") from None
        return cls.from_dict(d)

    def digest(self) -> str:
        """Short stable hash of the config (for caches and lesson stamps)."""
        return hashlib.sha256((self._digest_prefix + self.to_json()).encode()).hexdigest()[:16]

    def to_code(self) -> str:
        """Python that rebuilds this config: what a widget's "copy config" shows."""
        default = type(self)()
        parts = [
            f"{f.name}={getattr(self, f.name)!r}"
            for f in dataclasses.fields(self)
            if f.name in self._always_in_code or getattr(self, f.name) != getattr(default, f.name)
        ]
        return f"vizlab.{type(self).__name__}(" + ", ".join(parts) + ")"


@dataclass(frozen=True)
class RunConfig(_ConfigValue):
    """Everything that defines one training run; the same config gives the same trace.

    Attributes
    ----------
    dataset : str
        Toy problem generated from ``seed``: classes ``xor``, ``moons``,
        ``circles``, ``spiral``, ``gaussians`` in the plane; regression
        targets ``plane``, ``multi_gaussian`` (in the plane) and ``sine``
        (one input).
    task : {"classification", "regression"}
        ``regression`` fits numbers with squared error (``loss="mse"`` on the
        raw output) and records ``scalar/r2_train`` and ``scalar/r2_val``
        instead of accuracies.
    n_classes : int
        Classes (2 to 10); more than two needs ``gaussians`` (k blobs) or
        ``spiral`` (k arms) and ``loss="cross_entropy"`` (k softmax outputs).
    features : tuple of str
        What the first layer sees, from ``x1, x2, x1^2, x2^2, x1x2, sin_x1,
        sin_x2`` (see :mod:`vizlab.features`). The 1-D ``sine`` dataset has
        only ``x1``: its default is ``("x1",)``.
    n_points : int
        Points before the train/validation split.
    noise : float
        How noisy the data are, on one scale for every dataset: the jitter's
        standard deviation in units of the distance between neighbouring
        classes (for regression, of the target's amplitude). See
        :data:`vizlab.core.data.NOISE_SCALE`.
    val_fraction : float
        Share of points held out for validation.
    seed : int
        Seeds data, initial weights, minibatches and dropout masks (separate
        streams derived from it); global RNGs are never touched.
    hidden : tuple of int
        Width of each hidden layer; ``()`` is a linear model.
    activation : str
        Nonlinearity after each hidden layer.
    init : {"uniform", "normal", "xavier", "he", "zeros"}
        Initial weights: ``uniform`` (torch.nn.Linear's law, W and b uniform in
        +-1/sqrt(fan_in)), ``normal`` (W ~ N(0, 1)), ``xavier`` (Glorot,
        N(0, 2/(fan_in+fan_out))), ``he`` (N(0, 2/fan_in)), ``zeros``; biases
        are 0 except for ``uniform``.
    dropout : tuple of float
        Drop probability per hidden layer (one value, or one per layer; ``()`` = none).
    loss : {"bce", "cross_entropy", "mse"}
        ``bce``: one sigmoid output; ``cross_entropy``: ``n_classes`` softmax
        outputs; ``mse``: squared error of the sigmoid output against the 0/1
        label (classification) or of the raw output against the target
        (regression).
    optimizer, lr, momentum : str, float, float
        torch optimizer and its learning rate; ``momentum`` is used by
        ``momentum`` and ``nesterov`` (and as RMSProp's smoothing ``alpha`` is not).
    schedule : {"constant", "step", "exponential", "cosine", "plateau"}
        Learning-rate schedule; ``gamma`` and ``step_size`` parametrise it.
        ``plateau`` is torch's ReduceLROnPlateau on the validation loss: the
        rate is multiplied by ``gamma`` after more than ``lr_patience``
        recorded evaluations without improvement.
    lr_patience : int
        The plateau schedule's patience, in recorded evaluations.
    patience, restore_best : int, bool
        Early stopping (Keras ``EarlyStopping``): the run ends ``patience``
        recorded evaluations after the best validation loss (0 = off); with
        ``restore_best`` a run that stops early ends on the best step's
        weights (its final row holds them, as Keras restores them on stopping).
    batch_size : int
        0 = full batch, 1 = stochastic, otherwise minibatches (last partial
        batch of an epoch dropped so every step sees ``batch_size`` points).
    steps : int
        Optimizer steps; if ``epochs`` > 0 it wins: steps = epochs * batches per epoch.
    l1, l2 : float
        Penalties ``l1 * sum|W|`` and ``l2 * sum W**2`` over weight matrices (not biases).
    record_every : int
        Record every n-th step (the final state is always recorded).
    grid : int
        Resolution of the decision-field grid (grid x grid).
    frames : int
        How many field snapshots to compute (log-spaced over the run plus the end).
    device : {"auto", "cpu", "cuda"}
        ``auto`` picks CUDA when present.
    dtype : {"float32", "float64"}
        float32 (the default) is what deep learning uses and is several times
        faster on a CPU; float64 makes runs comparable to closed forms to 1e-12.
    """

    dataset: str = "moons"
    n_points: int = 300
    noise: float = 0.15
    val_fraction: float = 0.2
    seed: int = 0
    hidden: tuple[int, ...] = (8,)
    activation: str = "tanh"
    init: str = "uniform"
    dropout: tuple[float, ...] = ()
    loss: str = "bce"
    optimizer: str = "sgd"
    lr: float = 0.1
    momentum: float = 0.9
    schedule: str = "constant"
    gamma: float = 0.5
    step_size: int = 100
    batch_size: int = 0
    steps: int = 500
    epochs: int = 0
    l1: float = 0.0
    l2: float = 0.0
    record_every: int = 1
    grid: int = 60
    frames: int = 60
    device: str = "auto"
    dtype: str = "float32"
    lr_patience: int = 10
    patience: int = 0
    restore_best: bool = False
    task: str = "classification"
    n_classes: int = 2
    features: tuple[str, ...] = ("x1", "x2")

    def __post_init__(self) -> None:
        # Accept numpy values and lists (from JSON) for the tuple fields, then validate everything.
        for f in dataclasses.fields(self):
            object.__setattr__(self, f.name, _plain(getattr(self, f.name)))
        for name in ("hidden", "dropout"):
            value = getattr(self, name)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                value = (value,)
            if not isinstance(value, (list, tuple)):
                raise ConfigError(f"{name} must be a list of numbers; got {value!r}")
            object.__setattr__(self, name, tuple(value))
        self._check_problem()
        _integer("n_points", self.n_points, 8, 200_000)
        _number("noise", self.noise, 0.0, 10.0)
        _number("val_fraction", self.val_fraction, 0.0, 0.9)
        _integer("seed", self.seed, 0, 2**32 - 1)
        if len(self.hidden) > 8:
            raise ConfigError(f"hidden allows at most 8 layers; got {len(self.hidden)}")
        for w in self.hidden:
            _integer("hidden layer width", w, 1, 4096)
        _choice("activation", self.activation, ACTIVATIONS)
        _choice("init", self.init, INITS)
        if self.dropout and len(self.dropout) not in (1, len(self.hidden)):
            raise ConfigError(
                f"dropout needs one value or one per hidden layer ({len(self.hidden)}); "
                f"got {len(self.dropout)}"
            )
        if self.dropout and not self.hidden:
            raise ConfigError("dropout needs at least one hidden layer")
        for p in self.dropout:
            _number("dropout probability", p, 0.0, 0.99)
        _choice("loss", self.loss, LOSSES)
        _choice("optimizer", self.optimizer, OPTIMIZERS)
        _number("lr", self.lr, 0.0, 1e4, lo_open=True)
        _number("momentum", self.momentum, 0.0, 0.999)
        _choice("schedule", self.schedule, SCHEDULES)
        _number("gamma", self.gamma, 0.0, 1.0, lo_open=True)
        _integer("step_size", self.step_size, 1, 10**7)
        _integer("batch_size", self.batch_size, 0, 10**6)
        _integer("steps", self.steps, 1, 10**6)
        _integer("epochs", self.epochs, 0, 10**5)
        _number("l1", self.l1, 0.0, 1e3)
        _number("l2", self.l2, 0.0, 1e3)
        _integer("record_every", self.record_every, 1, 10**6)
        _integer("grid", self.grid, 2, 1000)
        _integer("frames", self.frames, 0, 10_000)
        _choice("device", self.device, DEVICES)
        _choice("dtype", self.dtype, DTYPES)
        _integer("lr_patience", self.lr_patience, 0, 10**6)
        _integer("patience", self.patience, 0, 10**6)
        if not isinstance(self.restore_best, bool):
            raise ConfigError(f"restore_best must be true or false; got {self.restore_best!r}")
        if (self.patience or self.schedule == "plateau") and self.n_val == 0:
            what = "patience" if self.patience else 'schedule="plateau"'
            raise ConfigError(f"{what} watches the validation loss: set val_fraction > 0")
        n_train = self.n_train
        if n_train < 2:
            raise ConfigError(f"only {n_train} training points after the validation split")
        if self.batch_size > n_train:
            raise ConfigError(f"batch_size {self.batch_size} exceeds the {n_train} training points")
        if self.total_steps > 10**6:
            raise ConfigError(f"{self.total_steps} optimizer steps is more than the 1e6 allowed")

    def _check_problem(self) -> None:
        """Dataset, task, classes, loss and features: each alone and together."""
        from vizlab.features import FEATURES, uses_x2

        features = self.features
        if isinstance(features, str):
            features = (features,)
        if not isinstance(features, (list, tuple)) or not all(isinstance(f, str) for f in features):
            raise ConfigError(f"features must be a list of names; got {self.features!r}")
        features = tuple(features)
        _choice("dataset", self.dataset, DATASETS)
        _choice("task", self.task, TASKS)
        _integer("n_classes", self.n_classes, 2, 10)
        if self.dataset in ONE_D_DATASETS and features == ("x1", "x2"):
            features = ("x1",)  # the default, for data with one input
        object.__setattr__(self, "features", features)
        if not features:
            raise ConfigError("features needs at least one input feature")
        for f in features:
            _choice("feature", f, FEATURES)
        if len(set(features)) != len(features):
            raise ConfigError(f"features lists a feature twice: {', '.join(features)}")
        if self.dataset in ONE_D_DATASETS and any(uses_x2(f) for f in features):
            bad = ", ".join(f for f in features if uses_x2(f))
            raise ConfigError(f"dataset {self.dataset!r} has one input (x1): no {bad}")
        regression = self.dataset in REGRESSION_DATASETS
        if self.task == "regression" and not regression:
            raise ConfigError(
                f"task='regression' needs a regression dataset ({', '.join(REGRESSION_DATASETS)}); "
                f"got {self.dataset!r}"
            )
        if self.task == "classification" and regression:
            raise ConfigError(
                f"dataset {self.dataset!r} has numeric targets: set task='regression'"
            )
        if self.task == "regression":
            if self.loss != "mse":
                raise ConfigError(
                    f"loss {self.loss!r} is a classification loss; task='regression' needs loss='mse'"
                )
            if self.n_classes != 2:
                raise ConfigError("n_classes applies to classification, not task='regression'")
        if self.n_classes > 2:
            if self.dataset not in MULTICLASS_DATASETS:
                raise ConfigError(
                    f"dataset {self.dataset!r} has two classes; n_classes={self.n_classes} needs "
                    f"{' or '.join(MULTICLASS_DATASETS)}"
                )
            if self.loss != "cross_entropy":
                raise ConfigError(
                    f"loss {self.loss!r} has one output for two classes; n_classes={self.n_classes} "
                    "needs loss='cross_entropy' (softmax)"
                )

    # ------------------------------------------------------------ derived
    @property
    def n_inputs(self) -> int:
        """Raw inputs of the dataset: 1 for ``sine``, else 2."""
        return 1 if self.dataset in ONE_D_DATASETS else 2

    @property
    def n_val(self) -> int:
        return int(round(self.n_points * self.val_fraction))

    @property
    def n_train(self) -> int:
        return self.n_points - self.n_val

    @property
    def effective_batch(self) -> int:
        """Points per step: batch_size, or every training point for full batch."""
        return self.batch_size or self.n_train

    @property
    def batches_per_epoch(self) -> int:
        return self.n_train // self.effective_batch

    @property
    def total_steps(self) -> int:
        return self.epochs * self.batches_per_epoch if self.epochs else self.steps

    @property
    def dropout_per_layer(self) -> tuple[float, ...]:
        """Drop probability for every hidden layer (0.0 where none)."""
        if not self.dropout:
            return (0.0,) * len(self.hidden)
        if len(self.dropout) == 1:
            return self.dropout * len(self.hidden)
        return self.dropout

    @property
    def n_outputs(self) -> int:
        """Output units: ``n_classes`` softmax logits for cross-entropy, else one."""
        return self.n_classes if self.loss == "cross_entropy" else 1


LANDSCAPE_NAMES = ("quadratic", "wavy", "bowl", "rosenbrock", "beale", "himmelblau", "saddle")
"""The built-in analytic landscapes of :func:`vizlab.descend` (checked against the core in tests)."""


@dataclass(frozen=True)
class DescendConfig(_ConfigValue):
    """One run of :func:`vizlab.descend` as a frozen, validated value (like :class:`RunConfig`).

    Attributes
    ----------
    landscape : str
        A built-in landscape name (see :data:`LANDSCAPE_NAMES`).
    optimizer : {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"}
    lr : float
        Learning rate, > 0.
    start : tuple of float or None
        Start point (one number per dimension); ``None`` is the landscape's default.
    steps : int
        Updates to take; the trace has ``steps + 1`` rows unless the run diverges.
    momentum : float
        In ``[0, 1)``; used by ``momentum`` and ``nesterov``.
    dtype : {"float32", "float64"}
    device : {"auto", "cpu", "cuda"}

    Examples
    --------
    >>> DescendConfig("quadratic", lr=0.3, steps=30).to_code()
    "vizlab.DescendConfig(landscape='quadratic', lr=0.3, steps=30)"
    """

    landscape: str = "quadratic"
    optimizer: str = "sgd"
    lr: float = 0.1
    start: tuple[float, ...] | None = None
    steps: int = 50
    momentum: float = 0.9
    dtype: str = "float64"
    device: str = "cpu"

    _digest_prefix = "descend:"
    _always_in_code = ("landscape",)

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):  # numpy values stored as plain Python ones
            object.__setattr__(self, f.name, _plain(getattr(self, f.name)))
        start = self.start
        if start is not None:
            if isinstance(start, (int, float)) and not isinstance(start, bool):
                start = (start,)
            if not isinstance(start, (list, tuple)) or not 1 <= len(start) <= 2:
                raise ConfigError(f"start must be one or two numbers; got {self.start!r}")
            for v in start:
                _number("start coordinate", v, -1e6, 1e6)
            object.__setattr__(self, "start", tuple(float(v) for v in start))
        _choice("landscape", self.landscape, LANDSCAPE_NAMES)
        _choice("optimizer", self.optimizer, OPTIMIZERS)
        _number("lr", self.lr, 0.0, 1e4, lo_open=True)
        _integer("steps", self.steps, 1, 10**6)
        _number("momentum", self.momentum, 0.0, 0.999)
        _choice("dtype", self.dtype, DTYPES)
        _choice("device", self.device, DEVICES)

    def descend_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of :func:`vizlab.descend` (start as a list or None)."""
        d = self.to_dict()
        return {"landscape": d.pop("landscape"), **d}
