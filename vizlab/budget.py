"""How much memory a run will need, known before anything is allocated.

Every field of a :class:`~vizlab.config.RunConfig` is bounded on its own, but
fields multiply: ``grid=1000`` with ``frames=10000`` asks for 16 GB of
decision fields, ``n_points=200000`` with dropout for 20 GB of masks. So a
run first adds up what it will hold, part by part, and refuses to start when
the sum is over a limit, with a one-line :class:`~vizlab.config.ConfigError`
that names the size and the fields that drive it.

The limit is 2 GiB unless ``VIZLAB_MAX_BYTES`` (an integer number of bytes)
or a ``max_bytes=`` argument says otherwise. Nothing here imports torch; the
same limit bounds what :meth:`vizlab.Trace.load` will read from a file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from vizlab.config import ConfigError, RunConfig

DEFAULT_MAX_BYTES = 2 << 30
ENV_VAR = "VIZLAB_MAX_BYTES"
# Per-neuron maps are recorded for hidden layers at most this wide
# (vizlab.core.record.MAX_UNITS_WITH_MAPS; repeated here so this module stays torch-free).
MAX_UNITS_WITH_MAPS = 16
_OPTIMIZER_SLOTS = {"sgd": 0, "momentum": 1, "nesterov": 1, "adagrad": 1, "rmsprop": 1, "adam": 2}


def limit_bytes(value: int | None = None) -> int:
    """The memory limit in bytes: ``value`` if given, else ``$VIZLAB_MAX_BYTES``, else 2 GiB."""
    source = "max_bytes"
    if value is None:
        text = os.environ.get(ENV_VAR, "").strip()
        if not text:
            return DEFAULT_MAX_BYTES
        source = ENV_VAR
        try:
            value = int(text)
        except ValueError:
            raise ConfigError(f"{ENV_VAR} must be a whole number of bytes; got {text!r}") from None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(f"{source} must be a positive whole number of bytes; got {value!r}")
    return value


def human(n: float) -> str:
    """``1536 -> '1.5 KiB'``: a byte count as people read it."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Part:
    """One buffer of a run: its size in bytes and the config fields that size it."""

    name: str
    bytes: int
    drivers: str


@dataclass(frozen=True)
class Estimate:
    """What a run will hold in memory at its peak, part by part.

    Attributes
    ----------
    bytes : int
        Sum of all parts (bytes).
    rows : int
        Recorded rows T of each trace.
    field_rows : int
        Rows F at which decision fields are computed.
    n_models : int
        Models trained together (a sweep's grid size).
    parts : tuple of Part
        Largest first; ``drivers`` names the fields, e.g. ``"steps=1000000 / record_every=1"``.
    """

    bytes: int
    rows: int
    field_rows: int
    n_models: int
    parts: tuple[Part, ...] = field(default=())

    def describe(self, top: int = 3) -> str:
        """The largest parts in one line: ``"batch/indices 1.8 GiB (steps=...), ..."``."""
        return "; ".join(f"{p.name} {human(p.bytes)} ({p.drivers})" for p in self.parts[:top])


def recorded_rows(config: RunConfig) -> int:
    """Rows of a finished run: every ``record_every``-th step plus the final state."""
    n, every = config.total_steps, config.record_every
    return -(-n // every) + 1


def estimate(
    config: RunConfig, *, n_models: int = 1, X_shape: tuple[int, ...] | None = None
) -> Estimate:
    """Bytes a run of ``config`` (or a sweep of ``n_models`` such runs) will hold at its peak.

    Counts the recorded trace (parameters, gradients, scalars, minibatch
    indices, dropout masks, decision and per-neuron fields, the dataset), the
    copy made when the trace is handed out, and the working buffers drawn
    before training (every step's minibatch and dropout masks) or built to
    compute the fields (a batched forward pass over the grid).

    Parameters
    ----------
    config : RunConfig
    n_models : int
        Models trained side by side (``len(configs)`` of a sweep).
    X_shape : tuple of int, optional
        Shape of custom data ``X`` (N, 2); its N replaces ``config.n_points``.

    Returns
    -------
    Estimate
    """
    n_points = int(X_shape[0]) if X_shape else config.n_points
    if X_shape and n_points != config.n_points:
        n_val = int(round(n_points * config.val_fraction))
        n_train = n_points - n_val
        batch = max(config.batch_size or n_train, 1)
        steps = config.epochs * max(n_train // batch, 1) if config.epochs else config.steps
        rows = -(-steps // config.record_every) + 1
    else:
        n_train, batch, steps, rows = (
            config.n_train,
            config.effective_batch,
            config.total_steps,
            recorded_rows(config),
        )
    item = 8 if config.dtype == "float64" else 4
    sizes = [len(config.features), *config.hidden, config.n_outputs]
    # One probability (or value) map, or one per class for more than two classes.
    maps = config.n_outputs if config.n_outputs > 2 else 1
    n_params = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
    F = min(config.frames + 1, rows) if config.frames > 0 else 0
    cells = config.grid * config.grid
    M = n_models
    T = f"steps={steps} / record_every={config.record_every}"
    parts = [
        # The recorder's buffers and the numpy copies handed to the Trace: two of each.
        Part("param+grad", 2 * 2 * rows * n_params * item * M, f"{T} rows x {n_params} weights"),
        Part("scalars", 2 * 9 * rows * item * M, T),
        Part("batch/indices", 2 * rows * batch * 8 * M, f"{T} rows x batch {batch}"),
        Part("data", 3 * n_points * 8 * M, f"n_points={n_points}"),
    ]
    slots = _OPTIMIZER_SLOTS.get(config.optimizer, 2)
    if slots:  # the optimizer's state after each recorded update (opt/*)
        parts.append(
            Part(
                "opt/*",
                2 * slots * rows * n_params * item * M,
                f"{T}, optimizer={config.optimizer}",
            )
        )
    drop = config.dropout_per_layer
    dropped = [w for w, p in zip(config.hidden, drop) if p > 0]
    if dropped:
        # Recorded masks (twice), and every step's masks drawn before training.
        parts.append(
            Part("mask/*", 2 * rows * batch * sum(dropped) * M, f"{T} rows x batch {batch} x units")
        )
        parts.append(
            Part(
                "dropout draws",
                steps * batch * sum(dropped) * M + 4 * steps * batch * max(dropped),
                f"steps={steps} x batch {batch} x units {list(dropped)}",
            )
        )
    if batch < n_train:
        parts.append(
            Part("minibatch draws", steps * batch * 8 * M, f"steps={steps} x batch {batch}")
        )
    if F:
        narrow = [w for w in config.hidden if w <= MAX_UNITS_WITH_MAPS]
        pictures = F * cells * (maps + sum(narrow)) + F * n_train * sum(narrow)
        drivers = f"frames={config.frames}, grid={config.grid}"
        parts.append(
            Part(
                "field/act/embed", 2 * 4 * pictures * M, drivers + f", hidden={list(config.hidden)}"
            )
        )
        widest = max(sizes[1:])
        parts.append(
            Part(
                "field pass",
                3 * F * cells * widest * item * M,
                drivers + f", widest layer {widest}",
            )
        )
    parts.append(
        Part("optimizer", (slots + 2) * n_params * item * M, f"optimizer={config.optimizer}")
    )
    parts.sort(key=lambda p: -p.bytes)
    return Estimate(sum(p.bytes for p in parts), rows, F, M, tuple(parts))


def check_budget(
    config: RunConfig,
    *,
    n_models: int = 1,
    X_shape: tuple[int, ...] | None = None,
    max_bytes: int | None = None,
) -> Estimate:
    """Refuse a run whose :func:`estimate` is over the limit, before anything is allocated.

    Raises
    ------
    ConfigError
        One line: the estimated size, the limit, the largest parts with the
        fields that drive them, and how to raise the limit.
    """
    limit = limit_bytes(max_bytes)
    est = estimate(config, n_models=n_models, X_shape=X_shape)
    if est.bytes > limit:
        what = f"{n_models} runs" if n_models > 1 else "this run"
        raise ConfigError(
            f"{what} would need about {human(est.bytes)}, over the {human(limit)} limit: "
            f"{est.describe()}; shrink those fields, or raise the limit with "
            f"{ENV_VAR} or max_bytes="
        )
    return est
