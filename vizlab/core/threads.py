"""CPU threads in the core: how many a piece of work may use, and running its parts on them.

These networks are tiny, so torch's own threads inside one kernel cost more
in hand-offs than they save (on a busy machine spinning worker threads made
training 10-80x slower in our measurements). The core therefore runs torch on
one thread and, where there is enough independent work (blocks of stacked
models, rows of the field pass, recorded rows to evaluate), runs parts of it
side by side in Python threads; torch lets go of the GIL inside its kernels.

How many threads the caller allows is torch's setting when the core is
entered (``torch.set_num_threads``), capped by the machine's cores; the
core's own :func:`using_threads` blocks do not lower it.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import torch

_LOCK = threading.Lock()
_DEPTH = 0  # using_threads blocks open, in any thread
_OUTER = 0  # torch's setting when the outermost one opened
_POOLS: dict[int, ThreadPoolExecutor] = {}
_HERE = threading.local()  # .worker: this thread is one of the pools' workers


@contextlib.contextmanager
def using_threads(n: int) -> Iterator[None]:
    """Run torch on ``n`` CPU threads, then restore the caller's setting (also a decorator)."""
    global _DEPTH, _OUTER
    with _LOCK:
        before = torch.get_num_threads()
        if _DEPTH == 0:
            _OUTER = before
        _DEPTH += 1
    torch.set_num_threads(n)
    try:
        yield
    finally:
        with _LOCK:
            _DEPTH -= 1
        torch.set_num_threads(before)


def one_thread() -> contextlib.AbstractContextManager:
    """:func:`using_threads` (1): for tiny tensors, hand-offs cost more than they save."""
    return using_threads(1)


def allowed() -> int:
    """CPU threads the caller allows the core: torch's setting outside the core, at most the cores."""
    with _LOCK:
        setting = _OUTER if _DEPTH else torch.get_num_threads()
    return max(1, min(os.cpu_count() or 1, setting))


def _pool(n: int) -> ThreadPoolExecutor:
    """A shared pool of ``n`` worker threads (created once per size)."""
    with _LOCK:
        if n not in _POOLS:
            _POOLS[n] = ThreadPoolExecutor(n, thread_name_prefix="vizlab-core")
        return _POOLS[n]


def run_parts(fn: Callable[[Any], Any], parts: Sequence[Any], threads: int) -> list[Any]:
    """``[fn(p) for p in parts]``, on up to ``threads`` threads, in order.

    The calling thread works too; each thread takes the next part not yet
    taken, and runs its kernels on one torch thread. ``fn`` must touch only
    its own part's outputs.
    """
    threads = max(1, min(threads, len(parts)))
    if threads == 1 or getattr(_HERE, "worker", False):
        # one thread, or already inside a part: a part waiting on parts queued
        # behind itself in the same pool would wait forever
        return [fn(p) for p in parts]
    results: list[Any] = [None] * len(parts)
    order = iter(range(len(parts)))
    take = threading.Lock()

    def work(worker: bool) -> None:
        if worker:
            # A worker thread takes torch's thread count lazily, on its first
            # kernel: set it, so every part runs its kernels on one thread.
            torch.set_num_threads(1)
            _HERE.worker = True
        while True:
            with take:
                i = next(order, None)
            if i is None:
                return
            results[i] = fn(parts[i])

    futures = [_pool(threads - 1).submit(work, True) for _ in range(threads - 1)]
    try:
        work(False)
    finally:
        for f in futures:
            f.exception()  # wait for every worker, even when this thread failed
    for f in futures:
        f.result()  # a worker's error, raised here
    return results


def split(n: int, parts: int) -> list[tuple[int, int]]:
    """``[(a, b), ...]``: ``range(n)`` cut into ``parts`` contiguous pieces of near-equal size."""
    parts = max(1, min(parts, n))
    edges = [round(i * n / parts) for i in range(parts + 1)]
    return list(zip(edges[:-1], edges[1:]))
