"""Compute once: training runs and rendered files cached on disk by what defines them.

A gallery rebuild, a notebook re-run or a lecture re-render should never train
the same network twice. Every entry is keyed by a digest of

* what was asked for (the :class:`~vizlab.RunConfig`, or the arguments of
  :func:`vizlab.descend` and friends),
* the vizlab version, and
* the source of the code that produces traces (``vizlab/core``, the config
  and the trace format), so editing the training code invalidates old runs.

Traces are stored with :meth:`Trace.save` (``.npz``, written to a temporary
name and renamed), so an interrupted build never leaves a half-written entry;
two processes filling the same entry at once both write a complete file and
the last rename wins. The folder is ``$VIZLAB_CACHE_DIR`` if set, else
``.cache/runs`` in the source checkout (ignored by git), else
``~/.cache/vizlab/runs``. Deleting it is always safe.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from importlib import import_module
from pathlib import Path
from typing import Any

from vizlab import __version__
from vizlab.config import RunConfig
from vizlab.trace import Trace, TraceError

CACHE_ENV = "VIZLAB_CACHE_DIR"
_PACKAGE = Path(__file__).resolve().parent
# The code whose output a cached trace is: change any of it and old entries miss.
_PRODUCERS = ("config.py", "trace.py", "regimes.py", "core")

#: hits and misses since import, by kind ("train", "sweep", "descend", "call", "file").
stats: Counter = Counter()


def cache_dir() -> Path:
    """Where cached runs live (see the module docstring); created on first write."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    checkout = _PACKAGE.parent
    if (checkout / "pyproject.toml").is_file():
        return checkout / ".cache" / "runs"
    return Path.home() / ".cache" / "vizlab" / "runs"


def digest_files(paths: Iterable[Path]) -> str:
    """sha256 over the names and bytes of files (folders: every ``*.py`` inside)."""
    h = hashlib.sha256()
    for path in sorted(paths):
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for f in files:
            h.update(str(f.relative_to(path.parent)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


@lru_cache(maxsize=1)
def source_digest() -> str:
    """Digest of the trace-producing source (``vizlab/core``, config, trace)."""
    return digest_files(_PACKAGE / p for p in _PRODUCERS)


def key(kind: str, payload: Any) -> str:
    """Cache key of one entry: kind + payload + vizlab version + producer source.

    ``payload`` must be JSON-serialisable; key order does not matter.
    """
    try:
        text = json.dumps(
            {"kind": kind, "version": __version__, "source": source_digest(), "payload": payload},
            sort_keys=True,
        )
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"cannot cache {kind}: its arguments are not plain values ({exc})"
        ) from None
    return f"{kind}-{hashlib.sha256(text.encode()).hexdigest()[:20]}"


def _load(path: Path) -> Trace | None:
    try:
        return Trace.load(path)
    except TraceError:
        return None  # missing or unreadable: recompute and overwrite


def _folder(cache: str | os.PathLike | None) -> Path:
    return Path(cache) if cache is not None else cache_dir()


def _as_config(config: RunConfig | dict) -> RunConfig:
    if isinstance(config, RunConfig):
        return config
    if isinstance(config, dict):
        return RunConfig.from_dict(config)
    raise ValueError(f"a run needs a RunConfig; got {type(config).__name__}")


def cached_train(config: RunConfig | dict, *, cache: str | os.PathLike | None = None) -> Trace:
    """:func:`vizlab.train` (config), or the trace a previous identical call saved.

    Parameters
    ----------
    config : RunConfig or dict
    cache : path, optional
        Cache folder; default :func:`cache_dir`.

    Returns
    -------
    Trace
        Equal, array for array, to what ``vizlab.train(config)`` returns.
    """
    config = _as_config(config)
    path = _folder(cache) / (key("train", config.to_dict()) + ".npz")
    trace = _load(path)
    if trace is not None:
        stats["train hit"] += 1
        return trace
    stats["train miss"] += 1
    trace = import_module("vizlab.core.train").train(config)
    trace.save(path)
    return trace


def cached_sweep(
    configs: Sequence[RunConfig | dict], *, cache: str | os.PathLike | None = None
) -> list[Trace]:
    """:func:`vizlab.sweep` (configs) in one batched pass, training only the configs not cached.

    Each config is cached on its own, so growing a ladder of learning rates
    trains only the new rungs. Entries are separate from :func:`cached_train`'s:
    a batched run equals a single run only to rounding.

    Returns
    -------
    list of Trace
        One per config, in order.
    """
    configs = [_as_config(c) for c in configs]
    if not configs:
        raise ValueError("cached_sweep needs at least one config")
    folder = _folder(cache)
    paths = [folder / (key("sweep", c.to_dict()) + ".npz") for c in configs]
    traces: list[Trace | None] = [_load(p) for p in paths]
    missing = [i for i, t in enumerate(traces) if t is None]
    stats["sweep hit"] += len(configs) - len(missing)
    if missing:
        stats["sweep miss"] += len(missing)
        fresh = import_module("vizlab.core.sweep").sweep([configs[i] for i in missing])
        for i, trace in zip(missing, fresh):
            trace.save(paths[i])
            traces[i] = trace
    return traces  # type: ignore[return-value]


def cached_descend(
    landscape: str,
    optimizer: str = "sgd",
    lr: float = 0.1,
    start: Sequence[float] | float | None = None,
    steps: int = 50,
    *,
    cache: str | os.PathLike | None = None,
    **kwargs: Any,
) -> Trace:
    """:func:`vizlab.descend` with the same arguments, cached.

    ``landscape`` must be a registered name (a custom ``Landscape`` object
    has no stable key: call :func:`vizlab.descend` directly).
    """
    if not isinstance(landscape, str):
        raise ValueError("cached_descend takes a landscape name; call vizlab.descend for others")
    if start is not None and not isinstance(start, (int, float)):
        start = [float(v) for v in start]
    args = {"optimizer": optimizer, "lr": lr, "start": start, "steps": steps, **kwargs}
    path = _folder(cache) / (key("descend", {"landscape": landscape, **args}) + ".npz")
    trace = _load(path)
    if trace is not None:
        stats["descend hit"] += 1
        return trace
    stats["descend miss"] += 1
    trace = import_module("vizlab.core.descend").descend(landscape, **args)
    trace.save(path)
    return trace


def cached_call(
    func: Callable[..., Trace | Sequence[Trace]],
    *args: Any,
    cache: str | os.PathLike | None = None,
    **kwargs: Any,
) -> Trace | list[Trace]:
    """Any trace-producing function of plain arguments, cached by its name and arguments.

    For the small producers beside the main three, e.g.
    ``cached_call(vizlab.core.linreg.minibatch_descent, (1, 16, 0), lr=0.05)``
    or ``cached_call(vizlab.core.worked.penalty_descent, "l1")``. ``func``
    must be a module-level function of ``vizlab`` (its source is part of the key).

    Returns
    -------
    Trace or list of Trace
        Whatever ``func`` returns.
    """
    name = f"{getattr(func, '__module__', '')}.{getattr(func, '__qualname__', '')}"
    if not name.startswith("vizlab."):
        raise ValueError(f"cached_call caches vizlab functions only; got {name!r}")
    entry = _folder(cache) / key("call", {"func": name, "args": list(args), "kwargs": kwargs})
    single, many = entry.with_suffix(".npz"), entry
    trace = _load(single)
    if trace is not None:
        stats["call hit"] += 1
        return trace
    if many.is_dir():
        n = len(list(many.glob("*.npz")))
        loaded = [_load(many / f"{i}.npz") for i in range(n)]
        if n and all(t is not None for t in loaded):
            stats["call hit"] += 1
            return loaded  # type: ignore[return-value]
    stats["call miss"] += 1
    result = func(*args, **kwargs)
    if isinstance(result, Trace):
        result.save(single)
        return result
    result = list(result)
    if not all(isinstance(t, Trace) for t in result):
        raise ValueError(f"{name} returned something other than traces; it cannot be cached")
    many.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{many.name}.", dir=many.parent))
    for i, t in enumerate(result):
        t.save(tmp / f"{i}.npz")
    _replace_dir(tmp, many)
    return result


def cached_file(
    parts: dict[str, Any],
    suffix: str,
    make: Callable[[Path], Any],
    *,
    cache: str | os.PathLike | None = None,
) -> Path:
    """A rendered file (a video, a picture) cached by what defines it.

    Parameters
    ----------
    parts : dict
        Plain values that define the file (a scene name, quality, a digest of
        the scene's source); the vizlab version and producer source are added.
    suffix : str
        File suffix, e.g. ``".mp4"``.
    make : callable
        ``make(path)`` writes the file at ``path`` (a temporary name in the
        cache folder); it is moved into place only if ``make`` returns
        normally and wrote something.

    Returns
    -------
    Path
        The cached file.
    """
    folder = _folder(cache)
    path = folder / (key("file", parts) + suffix)
    if path.is_file() and path.stat().st_size > 0:
        stats["file hit"] += 1
        return path
    stats["file miss"] += 1
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=suffix, dir=folder)
    os.close(fd)
    try:
        make(Path(tmp))
        if os.path.getsize(tmp) == 0:
            raise ValueError(f"making {path.name} wrote nothing")
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def _replace_dir(src: Path, dst: Path) -> None:
    """Move folder ``src`` to ``dst``, replacing an older ``dst`` (renames only).

    Another process may publish the same entry at the same moment: it may move
    ``dst`` away first, or put its own copy there between our two renames.
    Both copies are complete, so then its copy stays and ``src`` is dropped.
    """
    old = Path(tempfile.mkdtemp(prefix=f".{dst.name}.old.", dir=dst.parent))
    try:
        with contextlib.suppress(FileNotFoundError):  # none yet, or moved away by another
            os.replace(dst, old / dst.name)
        try:
            os.replace(src, dst)
        except OSError as exc:
            if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
    finally:
        shutil.rmtree(old, ignore_errors=True)
        shutil.rmtree(src, ignore_errors=True)
