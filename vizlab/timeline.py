"""Timeline: the one map from animation frames to recorded training steps.

A training step is not an animation frame. Every back end (matplotlib,
manim, widgets, the gallery) asks a Timeline which recorded row to show at
frame ``i``, so a lecture video and a gallery GIF of one run show the same
moments. Nothing here imports torch.
"""

from __future__ import annotations

import hashlib
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
        """
        if n_rows < 1:
            raise ValueError("cannot build a timeline over an empty trace")
        if n_frames < 1:
            raise ValueError(f"n_frames must be at least 1; got {n_frames}")
        if spacing == "uniform":
            n_frames = min(n_frames, n_rows)
        moving = _positions(n_rows, n_frames, spacing)
        rows = np.concatenate(
            [np.zeros(hold_start, np.int64), moving, np.full(hold_end, n_rows - 1, np.int64)]
        )
        return cls(rows, fps)

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
