"""The playground's training thread: a LiveRun stepped in chunks, a snapshot after each.

Commands (play, pause, step, restart) only set flags under a lock, so a
click never waits for training; the thread exists only while there is work.
While playing, each chunk ends with a cheap :class:`~vizlab.LiveSnapshot`
(what the live picture needs); when the work stops (paused, finished, the
asked-for steps taken, a new run started) a whole Trace comes with it.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from vizlab.config import RunConfig

#: What the trainer publishes: ``(LiveSnapshot, Trace or None)``.
Published = tuple


class BackgroundTrainer:
    """Steps a LiveRun in a background thread and publishes a snapshot after each chunk.

    Parameters
    ----------
    config : RunConfig
        The first run (set up at once, at step 0).
    publish : callable
        Receives ``(snapshot, trace)``: a :class:`~vizlab.LiveSnapshot` on a
        ``grid`` x ``grid`` field grid, and the run so far as a Trace (fields
        at its last row) when the work stops, else None.
    ready : callable
        True when a new picture is wanted (the last one is on screen); while
        it is False the thread trains on without making snapshots no one sees.
    on_finish : callable
        Called when a run reaches its end or diverges.
    on_error : callable
        Receives an exception raised while training; the thread then stops.
    chunk_seconds : float
        Training time between two snapshots.
    grid : int
        Points per side of the snapshot's field grid.

    Attributes
    ----------
    run : LiveRun
        The run being trained.
    playing : bool
    """

    def __init__(
        self,
        config: RunConfig,
        publish: Callable[[Published], None],
        ready: Callable[[], bool],
        on_finish: Callable[[], None],
        on_error: Callable[[BaseException], None],
        chunk_seconds: float,
        grid: int = 64,
    ):
        from vizlab import LiveRun

        self._LiveRun = LiveRun
        self.run = LiveRun(config)
        self._publish, self._ready = publish, ready
        self._on_finish, self._on_error = on_finish, on_error
        self._chunk, self.grid = chunk_seconds, grid
        self._cond = threading.Condition()
        self.playing = False
        self._wanted = 0
        self._restart: RunConfig | None = None
        self._active = False
        self._closed = False

    def _kick(self) -> None:
        # called with the lock held
        self._cond.notify_all()
        if not self._active and not self._closed:
            self._active = True
            threading.Thread(target=self._loop, daemon=True, name="vizlab-train").start()

    def play(self) -> None:
        with self._cond:
            self.playing = True
            self._kick()

    def pause(self) -> None:
        with self._cond:
            self.playing = False
            self._wanted = 0

    def step(self, n: int) -> None:
        with self._cond:
            self._wanted += n
            self._kick()

    def restart(self, config: RunConfig) -> None:
        with self._cond:
            self._restart = config
            self._wanted = 0
            self._kick()

    @property
    def restarting(self) -> bool:
        """A new run has been asked for and not started yet."""
        return self._restart is not None

    def close(self) -> None:
        with self._cond:
            self._closed, self.playing = True, False
            self._cond.notify_all()

    def wait(self, timeout: float | None) -> bool:
        end = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._active:
                left = None if end is None else end - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def published(self, with_trace: bool) -> Published:
        """``(snapshot, trace or None)`` of the current run (call from the training thread)."""
        trace = self.run.trace(frames=1) if with_trace else None
        return self.run.snapshot(self.grid), trace

    def _loop(self) -> None:
        traced = True  # the last published trace is the run as it stands
        try:
            while True:
                with self._cond:
                    restart, self._restart = self._restart, None
                    run = self.run
                    work = self.playing or self._wanted > 0
                    stop = self._closed or (restart is None and (run.finished or not work))
                    if stop and (traced or self._closed):
                        self._active = False
                        self._cond.notify_all()
                        return
                    budget = math.inf if self.playing else self._wanted
                if stop:
                    # Paused after a picture that came without its trace (the
                    # pause landed between the chunk's check and its picture):
                    # the trace of where the run stopped, then look again.
                    self._publish(self.published(with_trace=True))
                    traced = True
                    continue
                if restart is not None:
                    self.run = self._LiveRun(restart)
                    self._publish(self.published(with_trace=True))
                    traced = True
                    continue
                taken, end = 0, time.monotonic() + self._chunk
                while taken < budget and not run.finished and time.monotonic() < end:
                    taken += run.step(int(min(budget - taken, 5)))
                traced = traced and taken == 0
                with self._cond:
                    self._wanted = max(0, self._wanted - taken)
                    stale = self._restart is not None
                    if run.finished:
                        self.playing = False
                    last = not (self.playing or self._wanted)
                # A picture only when the last one is on screen (or this is the
                # last): a snapshot the drawing thread would drop costs time for nothing.
                if not stale and (last or self._ready()):
                    self._publish(self.published(with_trace=last))
                    traced = traced or last
                if run.finished:
                    self._on_finish()
        except Exception as exc:
            with self._cond:
                self._active, self.playing = False, False
                self._cond.notify_all()
            self._on_error(exc)
