"""How much memory a run will need, known before anything is allocated.

Every field of a :class:`~vizlab.config.RunConfig` is bounded on its own, but
fields multiply: ``grid=1000`` with ``frames=10000`` asks for 16 GB of
decision fields, ``n_points=200000`` with dropout for 10 GB of recorded
masks. So a
run first adds up what it will hold, part by part, and refuses to start when
the sum is over a limit, with a one-line :class:`~vizlab.config.ConfigError`
that names the size and the fields that drive it.

The limit is 2 GiB unless ``VIZLAB_MAX_BYTES`` (an integer number of bytes)
or a ``max_bytes=`` argument says otherwise. Nothing here imports torch; the
same limit bounds what :meth:`vizlab.Trace.load` will read from a file.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from vizlab.config import OPTIMIZER_BUFFERS, ConfigError, RunConfig

DEFAULT_MAX_BYTES = 2 << 30
ENV_VAR = "VIZLAB_MAX_BYTES"
#: Per-neuron maps are recorded for hidden layers at most this wide (the field
#: pass, the live snapshot and the Playground read it from here).
MAX_UNITS_WITH_MAPS = 16
#: Working memory of the decision-field pass: each chunk holds as many whole
#: recorded rows as fit in this bound (bytes); a row too big alone is split.
FIELD_PASS_BYTES = 128 << 20
#: The field pass takes points in multiples of this many (see vizlab.core.fields):
#: at least 400, so that every chunk's matmuls take the same kernel as a whole row
#: (torch multiplies matrices of under 400 multiply-adds with a loop of its own,
#: which rounds differently from the BLAS kernel).
FIELD_ALIGN = 512
#: Within its bound, a chunk of field rows goes through blocks of points of at
#: most this much working memory: the layer just computed is still in cache when
#: the activation, the next layer and the maps read it (61 rows x 100 x 100
#: points, 2-16-16-1, two threads: 54 ms in 16 MiB blocks, 65-68 ms in whole
#: rows, 61-67 ms in 4 MiB blocks). Blocks change no bit (points are aligned).
FIELD_BLOCK_BYTES = 16 << 20
#: Minibatch indices and dropout masks are drawn a window of steps at a time
#: (vizlab.core.draws); one window of all models stays under this many bytes
#: (at least one step).
DRAW_WINDOW_BYTES = 16 << 20
#: Uniform numbers drawn at a time into the scratch buffer the masks are cut from.
DRAW_SCRATCH = 1 << 18


def draw_window_steps(
    steps: int, batch: int, n_models: int, minibatch: bool, dropped: Sequence[int]
) -> int:
    """Steps per window of drawn minibatches and masks: the most that fit :data:`DRAW_WINDOW_BYTES`.

    A step of the window holds ``n_models`` minibatches of ``batch`` int64
    indices (if ``minibatch``) and a bool mask of ``batch x width`` for each
    width in ``dropped`` (the layers that drop units). 0 when nothing is drawn.
    """
    per_step = n_models * batch * (8 * bool(minibatch) + sum(dropped))
    if per_step == 0:
        return 0
    return max(1, min(steps, DRAW_WINDOW_BYTES // per_step))


def field_pass_point_bytes(widths: Sequence[int], item: int) -> int:
    """Working bytes the field pass spends per (field row, point).

    Each layer's pre-activation and activation in the compute dtype (``item``
    bytes each), one more output-sized tensor (the probabilities), and the
    float32 copies of the maps kept (outputs and narrow layers' units).

    Parameters
    ----------
    widths : sequence of int
        Layer widths from input to output, ``[n_features, *hidden, n_outputs]``.
    item : int
        Bytes per number of the compute dtype (4 or 8).
    """
    narrow = sum(w for w in widths[1:-1] if w <= MAX_UNITS_WITH_MAPS)
    return item * (2 * sum(widths[1:]) + widths[-1]) + 4 * (widths[-1] + narrow)


def field_pass_points(per_point: int, n_points: int, max_bytes: int | None = None) -> int:
    """Points of one field row per chunk of the field pass.

    When this is the whole row, the pass puts as many rows in a chunk as fit
    the same bound (:func:`vizlab.core.fields.compute_fields`).

    The most multiples of :data:`FIELD_ALIGN` whose working memory
    (``per_point`` bytes each) fits ``max_bytes`` (default
    :data:`FIELD_PASS_BYTES`), but at least ``FIELD_ALIGN`` and at most
    ``n_points`` rounded up to a multiple of it (the whole row in one chunk).
    """
    bound = FIELD_PASS_BYTES if max_bytes is None else max_bytes
    whole = -(-max(n_points, 1) // FIELD_ALIGN) * FIELD_ALIGN
    return min(whole, max(FIELD_ALIGN, bound // per_point // FIELD_ALIGN * FIELD_ALIGN))


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
    return _rows(config.total_steps, config.record_every)


def _rows(steps: int, every: int) -> int:
    return -(-steps // every) + 1


def estimate(
    config: RunConfig | Sequence[RunConfig],
    *,
    n_models: int = 1,
    X_shape: tuple[int, ...] | None = None,
) -> Estimate:
    """Bytes a run of ``config`` (or a sweep of ``n_models`` such runs) will hold at its peak.

    Counts the recorded trace (parameters, gradients, scalars, minibatch
    indices, dropout masks, decision and per-neuron fields, the dataset), the
    copy made when the trace is handed out, and the working buffers drawn
    while training (one window of steps' minibatches and dropout masks, see
    :func:`draw_window_steps`; never every step's) or built to
    compute the fields (a forward pass over the grid in chunks of at most
    :data:`FIELD_PASS_BYTES`, one model at a time).

    Parameters
    ----------
    config : RunConfig or sequence of RunConfig
        One run, or a sweep's configs: each model is sized from its own
        config (their optimizers may differ, and with them the state kept).
    n_models : int
        Models trained side by side with one ``config``; a sequence of
        configs gives its own length instead.
    X_shape : tuple of int, optional
        Shape of custom data ``X`` (N, 2); its N replaces ``config.n_points``.

    Returns
    -------
    Estimate
    """
    configs = [config] * n_models if isinstance(config, RunConfig) else list(config)
    if not configs:
        raise ConfigError("a sweep needs at least one config")
    config = configs[0]  # the sweep's configs share everything that sizes a run but the optimizer
    n_points = int(X_shape[0]) if X_shape else config.n_points
    if X_shape and n_points != config.n_points:
        n_val = int(round(n_points * config.val_fraction))
        n_train = n_points - n_val
        batch = max(config.batch_size or n_train, 1)
        steps = config.epochs * max(n_train // batch, 1) if config.epochs else config.steps
        rows = _rows(steps, config.record_every)
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
    M = len(configs)
    T = f"steps={steps} / record_every={config.record_every}"
    minibatch = batch < n_train
    parts = [
        # The recorder's buffers and the numpy copies handed to the Trace: two of each.
        Part("param+grad", 2 * 2 * rows * n_params * item * M, f"{T} rows x {n_params} weights"),
        Part("scalars", 2 * 9 * rows * item * M, T),
        # Minibatch indices are recorded and copied; a full batch only in the traces.
        Part("batch/indices", (1 + minibatch) * rows * batch * 8 * M, f"{T} rows x batch {batch}"),
        Part("data", 3 * n_points * 8 * M, f"n_points={n_points}"),
    ]
    kinds = sorted({c.optimizer for c in configs})
    slots = [len(OPTIMIZER_BUFFERS[c.optimizer]) for c in configs]
    # The recorder keeps every buffer any model has, for all M models; each trace copies its own.
    union = {b for c in configs for b in OPTIMIZER_BUFFERS[c.optimizer]}
    if union:  # the optimizer's state after each recorded update (opt/*)
        parts.append(
            Part(
                "opt/*",
                (len(union) * M + sum(slots)) * rows * n_params * item,
                f"{T}, optimizer={','.join(kinds)}",
            )
        )
    drop = config.dropout_per_layer
    dropped = [w for w, p in zip(config.hidden, drop) if p > 0]
    if dropped:  # the recorded masks, twice
        parts.append(
            Part("mask/*", 2 * rows * batch * sum(dropped) * M, f"{T} rows x batch {batch} x units")
        )
    window = draw_window_steps(steps, batch, M, minibatch, dropped)
    if window:
        # One window of steps' minibatches and masks (on the host and on the
        # device), each model's current epoch and the uniform scratch buffer.
        held = window * M * batch * (8 * minibatch + sum(dropped))
        held = 2 * held + 8 * n_train * M * minibatch + 8 * DRAW_SCRATCH * bool(dropped)
        what = [f"batch {batch}"] + [f"dropout units {dropped}"] * bool(dropped)
        parts.append(Part("draw window", held, f"{window} steps x {' x '.join(what)}"))
    if F:
        narrow = [w for w in config.hidden if w <= MAX_UNITS_WITH_MAPS]
        pictures = F * cells * (maps + sum(narrow)) + F * n_train * sum(narrow)
        drivers = f"frames={config.frames}, grid={config.grid}"
        parts.append(
            Part(
                "field/act/embed", 2 * 4 * pictures * M, drivers + f", hidden={list(config.hidden)}"
            )
        )
        # One model and one field row at a time, in chunks of points under the bound.
        per_point = field_pass_point_bytes(sizes, item)
        parts.append(
            Part(
                "field pass",
                per_point * field_pass_points(per_point, max(cells, n_train)),
                drivers + f", widest layer {max(sizes[1:])}",
            )
        )
    parts.append(
        Part(
            "optimizer",
            (sum(slots) + 2 * M) * n_params * item,
            f"optimizer={','.join(kinds)}",
        )
    )
    parts.sort(key=lambda p: -p.bytes)
    return Estimate(sum(p.bytes for p in parts), rows, F, M, tuple(parts))


def check_budget(
    config: RunConfig | Sequence[RunConfig],
    *,
    n_models: int = 1,
    X_shape: tuple[int, ...] | None = None,
    max_bytes: int | None = None,
) -> Estimate:
    """Refuse a run whose :func:`estimate` is over the limit, before anything is allocated.

    ``config`` is one run's config or a sweep's configs (each model sized from
    its own); ``n_models`` repeats a single config.

    Raises
    ------
    ConfigError
        One line: the estimated size, the limit, the largest parts with the
        fields that drive them, and how to raise the limit.
    """
    limit = limit_bytes(max_bytes)
    est = estimate(config, n_models=n_models, X_shape=X_shape)
    if est.bytes > limit:
        what = f"{est.n_models} runs" if est.n_models > 1 else "this run"
        raise ConfigError(
            f"{what} would need about {human(est.bytes)}, over the {human(limit)} limit: "
            f"{est.describe()}; shrink those fields, or raise the limit with "
            f"{ENV_VAR} or max_bytes="
        )
    return est
