"""Timeline: the one map from animation frames to recorded training steps.

A training step is not an animation frame. Every back end (matplotlib,
manim, widgets, the gallery) asks a Timeline which recorded row to show at
frame ``i``, so a lecture video and a gallery GIF of one run show the same
moments. Nothing here imports torch.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SPACINGS = ("uniform", "log")


def _positions(n_rows: int, n_frames: int, spacing: str) -> np.ndarray:
    if spacing == "uniform":
        pos = np.linspace(0, n_rows - 1, n_frames)
    elif spacing == "log":
        # Even steps in log(1 + row): early learning, where most happens, gets
        # most frames; rows repeat when there are fewer early rows than frames.
        pos = np.expm1(np.linspace(0.0, np.log1p(n_rows - 1), n_frames))
    else:
        raise ValueError(f"spacing must be one of {', '.join(SPACINGS)}; got {spacing!r}")
    return np.clip(np.rint(pos), 0, n_rows - 1).astype(np.int64)


@dataclass(frozen=True, eq=False)
class Timeline:
    """Which recorded row each frame shows, and how fast frames play.

    Attributes
    ----------
    rows : ndarray (n_frames,) int
        Recorded-row index (into ``trace.steps``) shown at each frame; non-decreasing.
    fps : int
        Frames per second for video back ends.
    """

    rows: np.ndarray
    fps: int = 30

    def __post_init__(self) -> None:
        rows = np.asarray(self.rows, dtype=np.int64)
        if rows.ndim != 1 or rows.size == 0:
            raise ValueError("a timeline needs at least one frame")
        if rows.min() < 0:
            raise ValueError("timeline rows must be non-negative")
        if not isinstance(self.fps, int) or self.fps < 1:
            raise ValueError(f"fps must be a positive integer; got {self.fps!r}")
        rows.flags.writeable = False
        object.__setattr__(self, "rows", rows)

    @classmethod
    def build(
        cls,
        n_rows: int,
        n_frames: int = 90,
        *,
        spacing: str = "log",
        hold_start: int = 0,
        hold_end: int = 0,
        fps: int = 30,
        repeat: int = 1,
        slow_at: Sequence[int] = (),
        slow_factor: int = 1,
        slow_window: int = 4,
    ) -> Timeline:
        """A timeline over ``n_rows`` recorded rows.

        Parameters
        ----------
        n_rows : int
            Length of the trace's step axis.
        n_frames : int
            Moving frames (before holds). Capped at ``n_rows`` for uniform spacing.
        spacing : {"uniform", "log"}
            ``log`` gives early steps more frames.
        hold_start, hold_end : int
            Extra frames repeating the first / last row, so a viewer can read them.
        repeat : int
            Every moving frame is shown this many times: a slower video with
            no extra drawing (an exporter draws a repeated row once).
        slow_at : sequence of int
            Recorded rows of key events (see :func:`key_rows`): the first
            movement, crossing the minimum, divergence, the early-stopping
            step. The ``slow_window`` moving frames either side of the first
            frame reaching each such row are shown ``slow_factor`` times longer.
        slow_factor, slow_window : int
            How much longer, and over how many frames either side.
        """
        if n_rows < 1:
            raise ValueError("cannot build a timeline over an empty trace")
        if n_frames < 1:
            raise ValueError(f"n_frames must be at least 1; got {n_frames}")
        if spacing == "uniform":
            n_frames = min(n_frames, n_rows)
        for name, value, least in (
            ("repeat", repeat, 1),
            ("slow_factor", slow_factor, 1),
            ("slow_window", slow_window, 0),
        ):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
                raise ValueError(f"{name} must be an integer >= {least}; got {value!r}")
        moving = _positions(n_rows, n_frames, spacing)
        counts = np.full(moving.size, int(repeat), np.int64)
        for row in slow_at:
            # The first frame that reaches the event's row (or the last frame).
            i = min(int(np.searchsorted(moving, int(row))), moving.size - 1)
            lo, hi = max(i - slow_window, 0), min(i + slow_window + 1, moving.size)
            counts[lo:hi] = int(repeat) * int(slow_factor)
        rows = np.concatenate(
            [
                np.zeros(hold_start, np.int64),
                np.repeat(moving, counts),
                np.full(hold_end, n_rows - 1, np.int64),
            ]
        )
        return cls(rows, fps)

    @classmethod
    def paced(
        cls,
        n_rows: int,
        n_frames: int = 90,
        *,
        seconds: float = 14.0,
        hold_s: float = 3.0,
        max_fps: int = 30,
        min_fps: int = 2,
        spacing: str = "log",
        hold_start: int = 0,
        slow_at: Sequence[int] = (),
        slow_factor: int = 3,
        slow_window: int = 4,
    ) -> Timeline:
        """A timeline of about ``seconds`` seconds, slowed at key events, with a held end.

        The drawn frames are the ``n_frames`` moving frames of :meth:`build`
        (and ``hold_start``); the length comes from the frame rate, from
        frames repeated around ``slow_at`` and from ``hold_s`` seconds on the
        last row, none of which costs a redraw. The rate is
        ``n_move / (seconds - hold_s)`` frames per second, clipped to
        ``[min_fps, max_fps]``; when even ``min_fps`` plays the moving frames
        too quickly, each is repeated.

        Parameters
        ----------
        seconds : float
            Target length in seconds (the result is within a frame or two of
            it unless ``max_fps`` caps the rate).
        hold_s : float
            Seconds the last row is held at the end.
        max_fps, min_fps : int
            Bounds of the frame rate.
        """
        if not seconds > hold_s >= 0:
            raise ValueError(f"seconds must exceed hold_s >= 0; got {seconds!r}, {hold_s!r}")
        if not 1 <= min_fps <= max_fps:
            raise ValueError(f"need 1 <= min_fps <= max_fps; got {min_fps}, {max_fps}")
        kw = dict(spacing=spacing, hold_start=hold_start, slow_at=slow_at,
                  slow_factor=slow_factor, slow_window=slow_window)  # fmt: skip
        n_move = len(cls.build(n_rows, n_frames, **kw))
        fps = int(np.clip(round(n_move / (seconds - hold_s)), min_fps, max_fps))
        repeat = max(1, round(fps * (seconds - hold_s) / n_move))
        hold_end = int(np.ceil(hold_s * fps))
        return cls.build(n_rows, n_frames, fps=fps, repeat=repeat, hold_end=hold_end, **kw)

    @classmethod
    def for_trace(cls, trace, n_frames: int = 90, **kwargs) -> Timeline:
        """A timeline over every recorded row of ``trace`` (see :meth:`build`)."""
        return cls.build(len(trace), n_frames, **kwargs)

    def __len__(self) -> int:
        return int(self.rows.size)

    def __iter__(self):
        return iter(self.rows.tolist())

    @property
    def duration(self) -> float:
        """Seconds of video at ``fps``."""
        return len(self) / self.fps

    def unique_rows(self) -> np.ndarray:
        """Distinct rows shown, in order: where grid fields must exist."""
        return np.unique(self.rows)

    def digest(self) -> str:
        """First 8 hex digits of a hash of the frame -> row map and the fps.

        Two channels showing the same moments of a run (a lecture video and
        a gallery page) have timelines with the same digest.
        """
        data = self.rows.astype("<i8").tobytes() + str(self.fps).encode()
        return hashlib.sha256(data).hexdigest()[:8]

    def check(self, n_rows: int) -> None:
        """Raise if this timeline asks for a row a trace of ``n_rows`` rows lacks."""
        if self.rows.max() >= n_rows:
            raise ValueError(
                f"timeline shows row {int(self.rows.max())} but the trace has {n_rows} rows"
            )


def key_rows(trace, *, moved: float = 0.02) -> list[int]:
    """Recorded rows of the moments a viewer should not miss, read from a trace.

    Parameters
    ----------
    trace : Trace
        Any vizlab trace; only its scalar loss, gradient and events are read.
    moved : float
        Share of the loss's range a run must have moved from row 0 to count
        as having started to move.

    Returns
    -------
    list of int
        Sorted distinct rows, each one of: the first movement (the loss has
        moved ``moved`` of its range), the first crossing of the minimum (the
        slope of a 1-D descent changes sign), the last row before a run
        diverged, and the early-stopping step (the lowest validation loss),
        when the trace has them.
    """
    keys = set(trace.keys())
    events: set[int] = set()
    loss_key = next(
        (k for k in ("scalar/loss_train", "scalar/loss", "scalar/loss_val") if k in keys), None
    )
    n = len(trace)
    if loss_key is not None:
        loss = np.asarray(trace[loss_key], dtype=np.float64)
        finite = loss[np.isfinite(loss)]
        if finite.size > 1:
            span = float(finite.max() - finite.min())
            off = np.abs(loss - loss[0]) > moved * span if span > 0 else np.zeros(n, bool)
            if off.any():
                events.add(int(np.argmax(off)))
    if "grad/xy" in keys:
        g = np.asarray(trace["grad/xy"], dtype=np.float64).reshape(n, -1)[:, 0]
        flips = np.nonzero(np.sign(g[1:]) * np.sign(g[0]) < 0)[0]
        if flips.size:
            events.add(int(flips[0]) + 1)
    ev = getattr(trace, "diverged", None)
    if ev:
        events.add(n - 1)
    if "scalar/loss_val" in keys:
        val = np.asarray(trace["scalar/loss_val"], dtype=np.float64)
        if np.isfinite(val).any():
            events.add(int(np.nanargmin(np.where(np.isfinite(val), val, np.nan))))
    return sorted(r for r in events if 0 <= r < n)
