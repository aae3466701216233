"""The Trace: the only contract between training and pictures.

A trace is a set of named numpy arrays plus a JSON header.

* **Per-step arrays** have keys ``kind/name`` and share a leading axis: the
  recorded-step axis of length ``T``. Row ``k`` describes the state *before*
  update ``trace.steps[k]`` and the update taken from it (its gradient, its
  minibatch, its dropout masks). The last row of a finished run is the final
  state: no update is taken from it, so its batch row is all ``-1`` and its
  masks are all kept (1).
* **Field arrays** (kinds ``field``, ``act``, ``embed``) are evaluated on a
  grid only at the steps that will be rendered; their leading axis runs over
  ``trace.field_steps`` (stored as ``grid/steps``), which are row indices
  into the recorded-step axis.
* **Optimizer state** (kind ``opt``, per step): ``opt/<param>.<buffer>`` has
  the shape of ``param/<param>`` and holds the optimizer's state *after* the
  update taken from the row, under torch's buffer names: ``momentum_buffer``
  (``momentum``, ``nesterov``), ``sum`` (``adagrad``), ``square_avg``
  (``rmsprop``), ``exp_avg`` and ``exp_avg_sq`` (``adam``); plain ``sgd``
  records none. A row from which no update is taken (the final state) is NaN.
* **Landscape path** (kind ``path``, per step, :func:`vizlab.landscape`):
  ``path/xy`` (T, 2) the weights projected onto the plane, ``path/loss`` (T,)
  the recorded training loss, ``path/loss_plane`` (T,) the loss at the
  projected point (NaN where the weights are not finite), ``path/distance`` (T,)
  how far the weights are from the plane.
* **Static arrays** (kinds ``data``, ``grid``, ``curve``, ``surface``) have no
  step axis: the dataset, the grid extent, the loss surface of an analytic
  landscape, and a network's: ``surface/loss`` (R, R), row i, column j the
  training loss at ``grid/origin + alpha_j d1 + beta_i d2`` (``grid/alpha``,
  ``grid/beta`` (R,), ``grid/origin`` (P,), ``grid/directions`` (2, P): d1, d2).

The header's ``events`` say why a run's rows end before its last step:

* ``{"type": "diverged", "step": s, "reason": ...}``: at step ``s`` the loss or a
  gradient was not finite, or a weight was beyond 1e8; rows end before ``s``.
* ``{"type": "early_stop", "step": s, "best_step": b, "restored": bool}``:
  the validation loss, evaluated at every recorded row, had not beaten its
  best (step ``b``) for ``patience`` evaluations in a row. Step ``s``'s row is
  the last, a final state (gradient NaN, batch ``-1``, masks kept, ``opt``
  NaN); ``restored`` (config ``restore_best``): its parameters are step ``b``'s.

The constructor checks the contract: key kinds, dtypes, the rank of each
kind (``KIND_RANKS``), pictures matching the grid, and the header field by
field (:func:`check_header`). :meth:`Trace.load` never trusts a file: it
reads each member's shape and dtype before inflating it, against a memory
limit (see :mod:`vizlab.tracefile`).

Nothing in this module imports torch: every renderer can depend on it.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

SCHEMA_VERSION = 1

STEP_KINDS = frozenset({"scalar", "param", "grad", "norm", "point", "batch", "mask", "opt", "path"})
FIELD_KINDS = frozenset({"field", "act", "embed"})
STATIC_KINDS = frozenset({"data", "grid", "curve", "surface"})
ALL_KINDS = STEP_KINDS | FIELD_KINDS | STATIC_KINDS

_HEADER_KEY = "__header__"
_ALLOWED_DTYPE_KINDS = "biuf"  # bool, signed int, unsigned int, float
_MAX_HEADER_BYTES = 1 << 20
_MAX_DEPTH = 32  # nesting of lists and objects in the JSON header

# Rank of every array of a kind (leading step or field axis included); None = any.
KIND_RANKS = {
    "scalar": 1,
    "norm": 1,
    "batch": 2,
    "mask": 3,
    "point": 2,
    "field": 3,
    "act": 4,
    "embed": 3,
    "curve": 1,
}
GRID_RANKS = {"grid/x": 1, "grid/y": 1, "grid/steps": 1, "grid/loss": 2}
# Header entries vizlab writes, and the JSON type each must have when present.
HEADER_TYPES: dict[str, tuple[type, ...]] = {
    "kind": (str,),
    "config": (dict,),
    "seed": (int, type(None)),
    "dataset": (str,),
    "layers": (list,),
    "versions": (dict,),
    "device": (str,),
    "sweep": (dict,),
    "landscape": (dict,),
    "regime": (str, type(None)),
}


class TraceError(ValueError):
    """A trace (in memory or on disk) breaks the contract."""


def _split_key(key: str) -> tuple[str, str]:
    kind, sep, name = key.partition("/")
    if not sep or not name or kind not in ALL_KINDS:
        raise TraceError(
            f"bad trace key {key!r}: keys read 'kind/name' with kind in {sorted(ALL_KINDS)}"
        )
    return kind, name


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _depth(value: Any) -> int:
    """Nesting depth of lists and dicts (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, (list, dict)):
            deepest = max(deepest, d + 1)
            if deepest > _MAX_DEPTH:
                return deepest
            stack.extend((x, d + 1) for x in (v.values() if isinstance(v, dict) else v))
    return deepest


def check_header(header: Any) -> None:
    """Raise :class:`TraceError` unless ``header`` is a well-formed trace header.

    Checked field by field: ``schema`` an integer equal to ``SCHEMA_VERSION``
    (not ``true``), ``events`` a list of objects each with a string
    ``type`` (a ``diverged`` event also an integer ``step`` and a string
    ``reason``), and the entries of ``HEADER_TYPES`` of their JSON type.
    Lists and objects nest at most 32 deep.
    """
    if not isinstance(header, dict):
        raise TraceError(f"trace header must be a JSON object; got {_type_name(header)}")
    if _depth(header) > _MAX_DEPTH:
        raise TraceError(f"trace header nests deeper than {_MAX_DEPTH} levels")
    schema = header.get("schema")
    if isinstance(schema, bool) or not isinstance(schema, int) or schema != SCHEMA_VERSION:
        raise TraceError(
            f"trace schema version {schema!r} is not supported "
            f"(this vizlab reads version {SCHEMA_VERSION})"
        )
    for key, types in HEADER_TYPES.items():
        value = header.get(key)
        if key in header and (isinstance(value, bool) or not isinstance(value, types)):
            want = " or ".join("null" if t is type(None) else t.__name__ for t in types)
            raise TraceError(f"trace header {key!r} must be {want}; got {_type_name(value)}")
    events = header.get("events")
    if not isinstance(events, list):
        raise TraceError(f"trace header 'events' must be a list; got {_type_name(events)}")
    for i, ev in enumerate(events):
        if not isinstance(ev, dict) or not isinstance(ev.get("type"), str):
            raise TraceError(f"trace event {i} must be an object with a string 'type'")
        if ev["type"] == "diverged":
            step = ev.get("step")
            if isinstance(step, bool) or not isinstance(step, int):
                raise TraceError(f"trace event {i} (diverged) needs an integer 'step'")
            if not isinstance(ev.get("reason"), str):
                raise TraceError(f"trace event {i} (diverged) needs a string 'reason'")


@dataclass(frozen=True)
class StepView(Mapping):
    """One recorded step of a trace, as a light read-only mapping.

    ``view["scalar/loss_train"]`` is a 0-d array, ``view["param/fc1.weight"]`` the
    weight matrix at that step. Field arrays are given at the latest field
    step not after this one (``view.field_row``), static arrays as they are.
    """

    trace: Trace
    row: int

    @property
    def step(self) -> int:
        """Optimizer step number of this row."""
        return int(self.trace.steps[self.row])

    @property
    def field_row(self) -> int | None:
        """Row of the field arrays shown at this step (None if the trace has no fields)."""
        return self.trace.field_row(self.row)

    def __getitem__(self, key: str) -> np.ndarray:
        kind, _ = _split_key(key)
        arr = self.trace.arrays[key]
        if kind in STEP_KINDS:
            return arr[self.row]
        if kind in FIELD_KINDS:
            fr = self.field_row
            if fr is None:
                raise KeyError(key)
            return arr[fr]
        return arr

    def __iter__(self) -> Iterator[str]:
        return iter(self.trace.arrays)

    def __len__(self) -> int:
        return len(self.trace.arrays)


class Trace:
    """Per-step record of one run.

    Parameters
    ----------
    arrays : mapping of str to ndarray
        ``kind/name`` keys. Must include ``scalar/step`` (T,) int, the optimizer
        step of each recorded row. If any field kind is present, ``grid/steps``
        (F,) int gives the recorded rows at which fields were evaluated.
    header : dict
        JSON-serialisable metadata: ``config``, ``seed``, ``versions``,
        ``device``, ``events`` (e.g. divergence) and anything else.

    Notes
    -----
    The constructor validates shapes and dtypes, so a Trace in hand is always
    well formed. Arrays are stored read-only; slicing a trace never copies.
    """

    def __init__(self, arrays: Mapping[str, np.ndarray], header: Mapping[str, Any] | None = None):
        if header is not None and not isinstance(header, Mapping):
            raise TraceError(f"trace header must be a mapping; got {_type_name(header)}")
        header = dict(header or {})
        header.setdefault("schema", SCHEMA_VERSION)
        header.setdefault("events", [])
        if _depth(header) > _MAX_DEPTH:
            raise TraceError(f"trace header nests deeper than {_MAX_DEPTH} levels")
        try:
            json.dumps(header)
        except (TypeError, ValueError) as exc:
            raise TraceError(f"trace header is not JSON-serialisable: {exc}") from None
        check_header(header)
        clean = {}
        for key, value in arrays.items():
            _split_key(key)
            arr = np.asarray(value)
            if arr.dtype.kind not in _ALLOWED_DTYPE_KINDS:
                raise TraceError(
                    f"array {key!r} has dtype {arr.dtype}: only bool, int and float arrays are allowed"
                )
            arr = arr.view()
            arr.flags.writeable = False
            clean[key] = arr
        self.arrays: dict[str, np.ndarray] = clean
        self.header: dict[str, Any] = header
        self._validate()

    # ------------------------------------------------------------------ checks
    def _validate(self) -> None:
        if "scalar/step" not in self.arrays:
            raise TraceError("trace has no 'scalar/step' array (the recorded-step axis)")
        steps = self.arrays["scalar/step"]
        if steps.ndim != 1 or steps.dtype.kind not in "iu":
            raise TraceError("'scalar/step' must be a 1-d integer array")
        if steps.size > 1 and np.any(np.diff(steps) <= 0):
            raise TraceError("'scalar/step' must be strictly increasing")
        if steps.size and steps[0] < 0:
            raise TraceError("'scalar/step' must count from 0 up")
        n = steps.shape[0]
        has_fields = False
        for key, arr in self.arrays.items():
            kind, _ = _split_key(key)
            rank = GRID_RANKS.get(key, KIND_RANKS.get(kind))
            if rank is not None and arr.ndim != rank:
                raise TraceError(f"array {key!r} must have {rank} axes; got shape {arr.shape}")
            if kind in STEP_KINDS:
                if arr.ndim == 0 or arr.shape[0] != n:
                    raise TraceError(
                        f"array {key!r} has shape {arr.shape}: its leading axis must be the "
                        f"{n} recorded steps"
                    )
                if kind == "scalar" and arr.ndim != 1:
                    raise TraceError(f"scalar array {key!r} must be 1-d, got shape {arr.shape}")
            elif kind in FIELD_KINDS:
                has_fields = True
        if has_fields:
            fs = self.arrays.get("grid/steps")
            if fs is None or fs.ndim != 1 or fs.dtype.kind not in "iu":
                raise TraceError("a trace with fields needs a 1-d integer 'grid/steps' array")
            if fs.size and (fs.min() < 0 or fs.max() >= n or np.any(np.diff(fs) <= 0)):
                raise TraceError("'grid/steps' must be increasing row indices into the step axis")
            for key, arr in self.arrays.items():
                if _split_key(key)[0] in FIELD_KINDS and (arr.ndim == 0 or arr.shape[0] != fs.size):
                    raise TraceError(
                        f"field array {key!r} has shape {arr.shape}: its leading axis must be "
                        f"the {fs.size} field steps"
                    )
        self._check_grid()

    def _check_grid(self) -> None:
        """Pictures on the grid are (..., H, W) with H = len(grid/y), W = len(grid/x)."""
        if "grid/x" not in self.arrays or "grid/y" not in self.arrays:
            return
        hw = (self.arrays["grid/y"].size, self.arrays["grid/x"].size)
        for key, arr in self.arrays.items():
            kind = key.split("/")[0]
            if (kind in ("field", "act") or key == "grid/loss") and arr.shape[-2:] != hw:
                raise TraceError(
                    f"array {key!r} has shape {arr.shape}: its last two axes must be the "
                    f"grid's {hw[0]} x {hw[1]} points"
                )

    # ------------------------------------------------------------- accessors
    def __getitem__(self, key: str) -> np.ndarray:
        try:
            return self.arrays[key]
        except KeyError:
            raise KeyError(f"trace has no array {key!r}; it has {sorted(self.arrays)}") from None

    def __contains__(self, key: object) -> bool:
        return key in self.arrays

    def __len__(self) -> int:
        """Number of recorded steps T."""
        return int(self.arrays["scalar/step"].shape[0])

    def __repr__(self) -> str:
        kinds = sorted({k.split("/")[0] for k in self.arrays})
        div = " diverged" if self.diverged else ""
        return f"<Trace T={len(self)} kinds={kinds}{div}>"

    def keys(self, kind: str | None = None) -> list[str]:
        """Array keys, optionally only those of one kind (``"param"``)."""
        return sorted(k for k in self.arrays if kind is None or k.split("/")[0] == kind)

    def require(self, *keys: str, what: str = "the trace", hint: str = "") -> Trace:
        """Return self if it holds every key in ``keys``; else one-line TraceError naming the missing.

        The one check a renderer makes before drawing:
        ``trace.require("point/xy", "scalar/loss", what="a descent path")``.
        ``hint`` is appended to the message (how to record the missing arrays).
        """
        missing = [k for k in keys if k not in self.arrays]
        if missing:
            tail = f": {hint}" if hint else ""
            raise TraceError(f"{what} has no {', '.join(missing)}{tail}")
        return self

    def names(self, kind: str) -> list[str]:
        """Names of one kind without the prefix: ``names("param")`` -> ``["fc1.bias", ...]``."""
        return [k.split("/", 1)[1] for k in self.keys(kind)]

    @property
    def steps(self) -> np.ndarray:
        """steps : ndarray (T,) optimizer step of each recorded row."""
        return self.arrays["scalar/step"]

    @property
    def field_steps(self) -> np.ndarray:
        """field_steps : ndarray (F,) recorded rows at which grid fields exist (may be empty)."""
        return self.arrays.get("grid/steps", np.zeros(0, dtype=np.int64))

    @property
    def config(self) -> dict[str, Any]:
        """The header's ``config`` (an empty dict if it has none)."""
        return self.header.get("config", {})

    @property
    def events(self) -> list[dict[str, Any]]:
        """Header events, e.g. ``{"type": "diverged", "step": 12, "reason": ...}``."""
        return self.header["events"]

    @property
    def diverged(self) -> dict[str, Any] | None:
        """The divergence event (``{"type": "diverged", "step": ..., "reason": ...}``) or None."""
        for ev in self.events:
            if ev.get("type") == "diverged":
                return ev
        return None

    def field_row(self, row: int) -> int | None:
        """Index into the field arrays shown at recorded row ``row`` (latest not after it)."""
        fs = self.field_steps
        if fs.size == 0:
            return None
        row = self._row(row)
        i = int(np.searchsorted(fs, row, side="right")) - 1
        return max(i, 0)

    def _row(self, row: int) -> int:
        n = len(self)
        if not -n <= row < n:
            raise IndexError(f"step row {row} is out of range for a trace of {n} recorded steps")
        return row % n

    def at(self, row: int) -> StepView:
        """A light read-only view of recorded row ``row`` (negative counts from the end)."""
        return StepView(self, self._row(row))

    def stack(self, kind: str) -> dict[str, np.ndarray]:
        """All arrays of one kind, keyed by name (e.g. every ``param/*``)."""
        return {k.split("/", 1)[1]: v for k, v in self.arrays.items() if k.startswith(kind + "/")}

    def to_tensorboard(
        self, logdir: str | os.PathLike, *, name: str | None = None, histograms: int = 50
    ) -> Path:
        """Write this run as one TensorBoard run folder inside ``logdir``.

        Scalars, weight and gradient histograms and decision-field images; see
        :func:`vizlab.tensorboard.write_runs` (which writes a sweep, one run
        per config). Needs the ``tensorboard`` package.

        Parameters
        ----------
        logdir : path
            The folder to open with ``tensorboard --logdir``.
        name : str, optional
            Run folder name; default the run's main settings
            (``moons,16-16,tanh,sgd,lr=0.1``).
        histograms : int
            At most this many recorded rows per histogram.

        Returns
        -------
        Path
            The run folder.
        """
        from vizlab.tensorboard import write_runs

        names = None if name is None else [name]
        return write_runs([self], logdir, names=names, histograms=histograms)[0]

    # ---------------------------------------------------------------- file io
    def save(self, path: str | os.PathLike) -> Path:
        """Write the trace to one ``.npz`` file atomically (temp file + rename).

        A crash mid-write leaves any earlier file at ``path`` untouched. The
        suffix is checked without regard to case (``RUN.NPZ`` is fine).
        """
        path = Path(path)
        if path.suffix.lower() != ".npz":
            raise TraceError(f"trace files end in .npz, got {path.name!r}")
        path.parent.mkdir(parents=True, exist_ok=True)
        header = np.frombuffer(json.dumps(self.header).encode("utf-8"), dtype=np.uint8)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez_compressed(fh, **{_HEADER_KEY: header}, **self.arrays)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path

    @classmethod
    def load(cls, path: str | os.PathLike, *, max_bytes: int | None = None) -> Trace:
        """Read a trace written by :meth:`save`, never trusting the file.

        Each member's ``.npy`` header is read from the archive and its shape
        and dtype checked before anything is decompressed: object arrays
        are refused (nothing is ever unpickled), a member declaring far more
        bytes than deflate could have packed into its compressed size is
        refused, and so is a file whose arrays add up to more than
        ``max_bytes`` (default: :func:`vizlab.budget.limit_bytes`, 2 GiB or
        ``$VIZLAB_MAX_BYTES``). Then the JSON header is checked field by
        field and the arrays against the contract.

        Raises
        ------
        TraceError
            One line saying what is wrong with a missing, truncated, foreign,
            oversized or malformed file.
        """
        from vizlab.budget import limit_bytes
        from vizlab.tracefile import read_members

        path = Path(path)
        if not path.is_file():
            raise TraceError(f"no trace file at {str(path)!r}")
        limit = limit_bytes(max_bytes)
        try:
            header, arrays = read_members(path, limit)
        except TraceError:
            raise
        except MemoryError:
            raise TraceError(f"{path.name} is too large to load into memory") from None
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            raise TraceError(
                f"{path.name} is not a readable trace (truncated or not .npz): {exc}"
            ) from None
        except Exception as exc:  # anything a crafted archive provokes is the file's fault
            raise TraceError(f"{path.name} is not a readable trace: {exc}") from None
        try:
            return cls(arrays, header)
        except TraceError as exc:
            raise TraceError(f"{path.name}: {exc}") from None
