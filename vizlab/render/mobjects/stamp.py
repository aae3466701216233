"""The lesson stamp of a lecture video: which lesson and which runs it plays.

A gallery page prints ``lesson.stamp(...)`` under its video; a scene puts the
same text, small, in the bottom-right corner with :func:`lesson_stamp`, so a
teacher can match a video with a page. The scene also keeps what it showed
(``scene.vizlab_shown``: the lesson, each run's digest and the timeline's
digest) for tests that compare channels.
"""

from __future__ import annotations

from manim import DR, Text

from vizlab.render.mobjects.theme import MUTED
from vizlab.timeline import Timeline

STAMP_SIZE = 16


def lesson_stamp(scene, lesson, *runs: str, timeline: Timeline | None = None) -> Text:
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

    Returns
    -------
    Text
        The stamp (already added to the scene).
    """
    runs = runs or tuple(lesson.runs)
    text = Text(lesson.stamp(*runs), font_size=STAMP_SIZE, color=MUTED)
    text.to_corner(DR, buff=0.12)
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
