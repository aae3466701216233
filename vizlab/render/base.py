"""Display: what a ``draw_*`` call made, kept so it can move to another step cheaply.

Every topic's ``draw_<topic>(trace, step)`` builds its artists once and
returns a Display; ``Display.update(row)`` only swaps data in those artists
(``set_data``, ``set_array``, ``set_text``), which is what makes animations,
widgets and video export fast. ``animate_<topic>`` is ``draw_<topic>`` at the
first frame of a :class:`~vizlab.timeline.Timeline`, then ``update`` per frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.animation import FuncAnimation
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from vizlab.render import style
from vizlab.timeline import Timeline
from vizlab.trace import Trace


class Display:
    """Base class of every figure vizlab draws from a trace.

    Attributes
    ----------
    trace : Trace
        The data; a display never computes anything the trace does not hold.
    fig : Figure
    artists : dict of str to Artist
        Named artists that :meth:`update` changes.
    row : int
        Recorded row currently shown.
    blit_safe : bool
        True when :meth:`update` changes nothing but :meth:`animated_artists`
        (no axis limits, no layout): export may then redraw only those.
    """

    blit_safe: bool = False

    def __init__(self, trace: Trace, fig: Figure, artists: dict[str, Any] | None = None):
        self.trace = trace
        self.fig = fig
        self.artists: dict[str, Any] = artists or {}
        self.row = 0

    def update(self, row: int) -> list[Artist]:
        """Show recorded row ``row``; return the artists that changed."""
        raise NotImplementedError

    def set_trace(self, trace: Trace) -> Display:
        """Show another run of the same kind in these artists (no new figure).

        Every part of the display that held the old trace (``self.trace``,
        lists such as ``self.traces``, and the display's own helper objects
        like a panel or its parts) is pointed at ``trace``; the next
        :meth:`update` draws from it. The new run must have the shape the
        artists were built for (the same landscape, the same arrays), as a
        widget's next run does. Returns the display.
        """
        if not isinstance(trace, Trace):
            raise ValueError(f"set_trace needs a vizlab Trace; got {type(trace).__name__}")
        _swap_refs(self, self.trace, trace, set())
        return self

    def _row(self, step: int) -> int:
        return self.trace.at(step).row

    def animated_artists(self) -> list[Artist]:
        """Artists that change between frames (for blitting)."""
        return [a for a in _flatten(self.artists.values()) if isinstance(a, Artist)]

    def timeline(self, n_frames: int = 90, **kwargs) -> Timeline:
        """The default timeline for this display's trace (log-spaced, holds at the end)."""
        kwargs.setdefault("hold_end", 15)
        return Timeline.for_trace(self.trace, n_frames, **kwargs)

    def animate(self, timeline: Timeline | None = None, **kwargs) -> FuncAnimation:
        """A matplotlib animation: frame i shows ``timeline.rows[i]``."""
        tl = timeline or self.timeline()
        tl.check(len(self.trace))
        rows = tl.rows
        anim = FuncAnimation(
            self.fig,
            lambda i: self.update(int(rows[i])),
            frames=len(rows),
            interval=1000 / tl.fps,
            blit=False,
            **kwargs,
        )
        anim.vizlab_timeline = tl  # type: ignore[attr-defined]
        anim.vizlab_display = self  # type: ignore[attr-defined]
        return anim

    def save(self, path: str | Path, timeline: Timeline | None = None, **kwargs) -> Path:
        """Write a PNG/SVG of the current row, or an MP4/GIF over ``timeline``."""
        from vizlab.render.export import save

        return save(self, path, timeline=timeline, **kwargs)


def _swap_refs(obj: Any, old: Trace, new: Trace, seen: set[int]) -> None:
    """Replace ``old`` by ``new`` in ``obj``'s attributes and lists, and in its render helpers."""
    if id(obj) in seen:
        return
    seen.add(id(obj))
    for name, value in list(vars(obj).items()):
        if value is old:
            setattr(obj, name, new)
        elif isinstance(value, list) and any(v is old for v in value):
            setattr(obj, name, [new if v is old else v for v in value])
        elif isinstance(value, (list, tuple)):
            for v in value:
                if type(v).__module__.startswith("vizlab.render"):
                    _swap_refs(v, old, new, seen)
        elif type(value).__module__.startswith("vizlab.render") and hasattr(value, "__dict__"):
            _swap_refs(value, old, new, seen)


def _flatten(items) -> list:
    out = []
    for a in items:
        if isinstance(a, (list, tuple)):
            out.extend(_flatten(a))
        elif isinstance(a, dict):
            out.extend(_flatten(a.values()))
        else:
            out.append(a)
    return out


def figure(
    ax: Axes | None = None,
    *,
    figsize: tuple[float, float] = (12.8, 7.2),
    theme: str = "light",
) -> tuple[Figure, Axes]:
    """The axes to draw on: ``ax`` if given, else a new lecture-styled 16:9 figure."""
    if ax is not None:
        return ax.figure, ax
    with style.theme(theme):
        fig = plt.figure(figsize=figsize, layout="constrained")
        ax = fig.add_subplot()
    return fig, ax


def subplots(
    nrows: int,
    ncols: int,
    *,
    figsize: tuple[float, float] = (12.8, 7.2),
    theme: str = "light",
    **kwargs,
) -> tuple[Figure, Sequence]:
    """A new lecture-styled figure with a grid of axes (``plt.subplots`` arguments)."""
    with style.theme(theme):
        fig, axes = plt.subplots(nrows, ncols, figsize=figsize, layout="constrained", **kwargs)
    return fig, axes


_ANIMATE_DOC = """:func:`{draw}` at row 0, then one recorded row per frame of ``timeline``.

Parameters
----------
{param}
timeline : Timeline, optional
    Frame -> recorded row map{longest}; default the display's own
    (log-spaced, holding at the end).
**kwargs
    Passed to :func:`{draw}`.

Returns
-------
matplotlib.animation.FuncAnimation
    Frame ``i`` shows ``timeline.rows[i]``; save it with
    ``anim.vizlab_display.save("run.mp4", timeline=timeline)``.
"""


def animator(draw, *, many: bool = False):
    """The ``animate_<name>`` of a ``draw_<name>(trace(s), step, ...)``: draw row 0, then play.

    Parameters
    ----------
    draw : callable
        A renderer whose second argument is the recorded row to show and
        whose display has ``animate(timeline)``.
    many : bool
        ``draw`` takes a sequence of traces (played on the longest one's rows).

    Returns
    -------
    callable
        ``animate_<name>(trace_or_traces, *, timeline=None, **kwargs)`` returning
        a :class:`matplotlib.animation.FuncAnimation`, with its own docstring.
    """
    if many:

        def animate(traces, *, timeline=None, **kwargs):
            return draw(traces, 0, **kwargs).animate(timeline)

        param = "traces : sequence of Trace\n    The runs to play together."
    else:

        def animate(trace, *, timeline=None, **kwargs):
            return draw(trace, 0, **kwargs).animate(timeline)

        param = "trace : Trace\n    The run to play."
    name = draw.__name__
    animate.__name__ = animate.__qualname__ = "animate_" + name.removeprefix("draw_")
    animate.__module__ = draw.__module__
    longest = " (of the longest trace)" if many else ""
    animate.__doc__ = _ANIMATE_DOC.format(draw=name, param=param, longest=longest)
    return animate
