"""CPU threads in the core: how many a piece of work may use, and running its parts on them.

These networks are tiny, so for one run torch's own threads inside a kernel
cost more in hand-offs than they save (on a busy machine spinning worker
threads made such training 10-80x slower in our measurements). The core
therefore runs torch on one thread by default and uses more in two ways:

* where there is independent work (rows of the field pass, recorded rows to
  evaluate), :func:`run_parts` runs parts of it side by side in Python
  threads; torch lets go of the GIL inside its kernels;
* a long loop of big kernels (a stack of many models training) lets torch
  split each kernel among its threads, but only while that is measured to be
  faster (:class:`KernelThreads`): for 64 models on two cores it is 1.5x
  faster on a quiet machine and 2-40x slower beside a busy process.

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
_POOLS: dict[int, ThreadPoolExecutor] = {}
# Per Python thread: .depth, the using_threads blocks open in it; .outer,
# torch's setting before the first of them; .worker, it is a pool's worker.
# (torch keeps its thread count per thread once a thread has used it.)
_HERE = threading.local()


@contextlib.contextmanager
def using_threads(n: int) -> Iterator[None]:
    """Run torch on ``n`` CPU threads in this thread, then restore its setting (also a decorator)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive integer; got {n!r}")
    depth = getattr(_HERE, "depth", 0)
    before = torch.get_num_threads()
    if depth == 0:
        _HERE.outer = before
    _HERE.depth = depth + 1
    try:
        if n != before:
            torch.set_num_threads(n)
        yield
    finally:
        _HERE.depth = depth
        if n != before:
            torch.set_num_threads(before)


def one_thread() -> contextlib.AbstractContextManager:
    """:func:`using_threads` (1): for tiny tensors, hand-offs cost more than they save."""
    return using_threads(1)


def allowed() -> int:
    """CPU threads the caller allows the core: torch's setting outside the core, at most the cores."""
    setting = _HERE.outer if getattr(_HERE, "depth", 0) else torch.get_num_threads()
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
    taken, and runs its kernels on one torch thread (so a part's results do
    not depend on how many threads there were). ``fn`` must touch only its
    own part's outputs.
    """
    threads = max(1, min(threads, len(parts)))
    if threads == 1 or getattr(_HERE, "worker", False):
        # one thread, or already inside a part: a part waiting on parts queued
        # behind itself in the same pool would wait forever
        with using_threads(1):
            return [fn(p) for p in parts]
    results: list[Any] = [None] * len(parts)
    order = iter(range(len(parts)))
    take = threading.Lock()
    failed = False

    def work(worker: bool) -> None:
        nonlocal failed
        if worker and not getattr(_HERE, "worker", False):
            # A worker thread takes torch's thread count lazily, on its first
            # kernel: set it once, so every part runs its kernels on one thread.
            torch.set_num_threads(1)
            _HERE.worker = True
        while True:
            with take:
                i = None if failed else next(order, None)
            if i is None:
                return
            try:
                results[i] = fn(parts[i])
            except BaseException:
                with take:
                    failed = True  # the other threads take no new part
                raise

    futures = [_pool(threads - 1).submit(work, True) for _ in range(threads - 1)]
    try:
        with using_threads(1):
            work(False)
    finally:
        for f in futures:
            f.exception()  # wait for every worker, even when this thread failed
    for f in futures:
        f.result()  # a worker's error, raised here
    return results


def for_rows(n_rows: int, device: torch.device, n_threads: int | None = None) -> int:
    """Threads to cut ``n_rows`` independent rows among, at least one and at most ``n_rows``.

    ``n_threads`` if given, else :func:`allowed` on the CPU and one on a GPU
    (its kernels fill it already).
    """
    if n_threads is None:
        n_threads = allowed() if device.type == "cpu" else 1
    return max(1, min(n_threads, n_rows))


def rows_per_part(n_rows: int, fitting: int, n_threads: int) -> int:
    """Rows per part: at most ``fitting``, at least one, parts of nearly equal size.

    The parts' count is a multiple of ``n_threads`` where there are rows
    enough, so every thread gets as many parts of about the same size: 47 rows
    that fit 16 at a time on two threads are 4 parts of 12, not 16 + 16 + 15
    (the third part would run alone while the other thread waits).
    """
    parts = -(-n_rows // max(1, min(fitting, n_rows)))
    parts = -(-parts // n_threads) * n_threads
    return max(1, -(-n_rows // parts))


class KernelThreads:
    """Torch threads for a loop of big kernels: one, or ``most``, whichever is measured faster now.

    The loop runs in chunks of steps; each chunk asks :meth:`pick` for a
    thread count and :meth:`report` s what a step cost. Both counts are tried
    first (after a warm-up chunk that is not counted), then the faster one is
    kept and the other tried again after ``retry`` chunks, so a machine that
    gets busy (or quiet) during a run is noticed; each try that confirms the
    choice doubles the wait for the next (a try runs a quarter of a chunk
    at the slower speed: :meth:`steps`), a try that overturns it sets the wait back to ``retry``. The
    loop's results must not depend on the choice (torch's CPU kernels split their outputs among
    threads, not a sum's terms: the engine's tests compare bit for bit).

    Parameters
    ----------
    most : int
        Threads to try besides one (1: always one, nothing timed).
    retry : int
        Chunks before the first try of the slower count (and after a try that changes the choice).
    """

    def __init__(self, most: int, retry: int = 16):
        self.options = (1, most) if most > 1 else (1,)
        self.retry = retry
        self.cost: dict[int, float] = {}  # seconds per step, latest measurement
        self.chunks = 0
        # chunks until the slower count is tried again: doubled each time a
        # try confirms the choice, back to ``retry`` when the choice changes
        self.every = self.next_try = retry

    def _best(self) -> int | None:
        if len(self.cost) < len(self.options):
            return None
        return min(self.options, key=lambda n: self.cost[n])

    @property
    def timed(self) -> bool:
        """More than one option: chunks are worth timing."""
        return len(self.options) > 1

    def pick(self) -> int:
        """The thread count for the next chunk."""
        self.chunks += 1
        if not self.timed:
            return self.options[0]
        untried = [n for n in self.options if n not in self.cost]
        if untried:
            return untried[-1]
        best = self._best()
        if self.chunks >= self.next_try:
            return next(n for n in self.options if n != best)
        return best

    def steps(self, n: int, chunk: int) -> int:
        """Steps to run on ``n`` threads: a whole ``chunk``, or a quarter of one to try ``n``.

        A count is tried (before any is known to be faster, or as the retry
        of the slower one) on a short chunk: a try on the slower count costs
        its slowness for fewer steps.
        """
        best = self._best()
        known = n == best or (best is None and self.chunks <= 2)  # warm-up, then the first
        return chunk if known else max(1, chunk // 4)

    def report(self, n: int, seconds: float, steps: int) -> None:
        """A chunk on ``n`` threads took ``seconds`` for ``steps`` steps (the first is a warm-up)."""
        if self.timed and steps > 0 and self.chunks > 1:
            before = self._best()
            self.cost[n] = seconds / steps
            if before is not None and n != before:  # a try of the slower count
                self.every = self.every * 2 if self._best() == before else self.retry
                self.next_try = self.chunks + self.every
