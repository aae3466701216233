"""The lesson stamp of a lecture video: which lesson and which runs it plays.

A gallery page prints ``lesson.stamp(...)`` under its video; a scene puts the
same text, small, in the bottom-right corner with :func:`lesson_stamp`, so a
teacher can match a video with a page. A stamp of several runs wraps between
runs (right-aligned lines) and shrinks a little so it stays inside the frame,
or inside ``max_width`` when the scene has less room. The scene also keeps what it showed
(``scene.vizlab_shown``: the lesson, each run's digest and the timeline's
digest) for tests that compare channels.
"""

from __future__ import annotations

from manim import DOWN, DR, RIGHT, Text, VGroup, config

from vizlab.render.mobjects.theme import MUTED
from vizlab.timeline import Timeline

STAMP_SIZE = 16
STAMP_BUFF = 0.12
#: A stamp is shrunk to no less than this fraction of its size before it wraps.
MIN_SCALE = 0.75


def lesson_stamp(
    scene,
    lesson,
    *runs: str,
    timeline: Timeline | None = None,
    max_width: float | None = None,
) -> VGroup:
    """Add ``lesson.stamp(*runs)`` to ``scene``'s bottom-right corner and record it.

    Parameters
    ----------
    scene : manim Scene
        The scene the stamp is added to; its ``vizlab_shown`` list records
        what it plays.
    lesson : vizlab.lessons.Lesson
        The lesson whose runs the scene plays (its quick variant in quick mode).
    *runs : str
        The runs shown (all of the lesson's when none are given).
    timeline : Timeline, optional
        The frame -> row map the scene plays them on (``lesson.timeline_for``).
    max_width : float, optional
        Widest the stamp may be, in scene units (the frame's width less the
        margins by default). The runs are split evenly over the fewest lines
        that fit once shrunk to no less than ``MIN_SCALE``; the stamp is then
        shrunk to fit.

    Returns
    -------
    VGroup
        The stamp's lines, right-aligned (already added to the scene).
    """
    runs = runs or tuple(lesson.runs)
    limit = config.frame_width - 2 * STAMP_BUFF
    limit = limit if max_width is None else min(float(max_width), limit)
    if not limit > 0:
        raise ValueError(f"max_width must be positive; got {max_width!r}")
    # The fewest lines (runs split evenly between them) that fit when shrunk to
    # no less than MIN_SCALE of the stamp's size; one run a line otherwise.
    for count in range(1, len(runs) + 1):
        per = -(-len(runs) // count)
        lines = [runs[i : i + per] for i in range(0, len(runs), per)]
        text = VGroup(
            *(Text(lesson.stamp(*line), font_size=STAMP_SIZE, color=MUTED) for line in lines)
        ).arrange(DOWN, aligned_edge=RIGHT, buff=0.06)
        if text.width * MIN_SCALE <= limit:
            break
    if text.width > limit:
        text.scale_to_fit_width(limit)
    text.to_corner(DR, buff=STAMP_BUFF)
    scene.add(text)
    shown = scene.__dict__.setdefault("vizlab_shown", [])
    shown.append(
        {
            "lesson": lesson.name,
            "runs": {r: lesson.digest(r) for r in runs},
            "timeline": timeline.digest() if timeline is not None else None,
        }
    )
    return text
