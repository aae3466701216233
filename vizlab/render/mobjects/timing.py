"""Clock: one ValueTracker that drives a whole training phase.

A training step is not an animation frame. The clock's tracker holds a
frame index of a :class:`~vizlab.timeline.Timeline`; ``clock.row`` is the
recorded row that frame shows. ``scene.play(clock.run())`` moves the
tracker from the first frame to the last in ``timeline.duration`` seconds,
and every mobject registered with :meth:`Clock.drive` follows through its
``set_row(row)``. One ``play()`` per phase, not one per step, is what keeps the
render fast.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from manim import ValueTracker, linear

from vizlab.timeline import Timeline


class Clock:
    """Frame index of a timeline held in a manim ``ValueTracker``.

    Parameters
    ----------
    timeline : Timeline
        Which recorded row each frame shows, and the frame rate that sets
        the phase's duration.
    lengths : sequence of int, optional
        Row counts of the traces this clock drives. A trace shorter than the
        timeline (one that diverged) holds at its last row:
        ``clock.row_for(i)`` is ``min(row, lengths[i] - 1)``.

    Attributes
    ----------
    tracker : ValueTracker
        Holds the (fractional) frame index, from 0 to ``len(timeline) - 1``.
    """

    def __init__(self, timeline: Timeline, lengths: Sequence[int] = ()):
        if not isinstance(timeline, Timeline):
            raise ValueError(f"a Clock needs a vizlab Timeline; got {type(timeline).__name__}")
        self.timeline = timeline
        self.lengths = tuple(int(n) for n in lengths)
        if self.lengths:
            timeline.check(max(self.lengths))
        self.tracker = ValueTracker(0.0)

    @property
    def frame(self) -> int:
        """Timeline frame shown now (the tracker rounded and clipped)."""
        f = int(round(self.tracker.get_value()))
        return int(np.clip(f, 0, len(self.timeline) - 1))

    @property
    def row(self) -> int:
        """Recorded row shown now: ``timeline.rows[frame]``."""
        return int(self.timeline.rows[self.frame])

    def row_for(self, i: int) -> int:
        """Row of trace ``i`` shown now (held at its last row once it has ended)."""
        return min(self.row, self.lengths[i] - 1)

    def seek(self, frame: int) -> Clock:
        """Jump to a timeline frame (negative counts from the end) without animating."""
        n = len(self.timeline)
        if not -n <= frame < n:
            raise ValueError(f"frame {frame} is out of range for a timeline of {n} frames")
        self.tracker.set_value(float(frame % n))
        return self

    def drive(self, mob, set_row: Callable[[int], object] | None = None):
        """Make ``mob`` follow the clock: an updater calls ``set_row(clock.row)``.

        ``set_row`` defaults to ``mob.set_row``. The call happens now too, so
        the mobject is right before the first frame. Returns ``mob``.
        """
        if set_row is None:
            # A class attribute: manim's Mobject.__getattr__ invents set_* methods.
            if not callable(getattr(type(mob), "set_row", None)):
                raise ValueError(f"{type(mob).__name__} has no set_row(row); pass set_row=")
            set_row = mob.set_row
        set_row(self.row)
        # manim redraws, every frame, each mobject from the first one with an
        # updater onwards; hosting the updater on the first part that changes
        # (``mob.updater_host``) leaves the static parts before it (axes,
        # labels) in the cached background.
        host = getattr(mob, "updater_host", None) or mob
        host.add_updater(lambda m: set_row(self.row))
        return mob

    @staticmethod
    def release(*mobs) -> None:
        """Stop ``mobs`` following any clock (remove the updaters :meth:`drive` added)."""
        for mob in mobs:
            host = getattr(mob, "updater_host", None) or mob
            host.clear_updaters()
            mob.clear_updaters()

    def run(self, run_time: float | None = None, to_frame: int = -1):
        """The animation that plays the timeline up to ``to_frame`` (the end by default).

        ``run_time`` defaults to the covered frames at the timeline's fps.
        """
        n = len(self.timeline)
        if not -n <= to_frame < n:
            raise ValueError(f"to_frame {to_frame} is out of range for a timeline of {n} frames")
        target = to_frame % n
        if run_time is None:
            run_time = max(target - self.tracker.get_value() + 1, 1) / self.timeline.fps
        return self.tracker.animate(run_time=run_time, rate_func=linear).set_value(float(target))
