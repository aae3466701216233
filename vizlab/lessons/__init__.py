"""Lessons: the one definition of what a slide shows.

A :class:`Lesson` names its runs, the timeline every channel plays them on,
the slides it serves and the claims a real run must back. Scenes, gallery
pages, notebooks and widgets take their runs from here, so a video and a page
of one lesson show the same run::

    from vizlab import lessons
    lesson = lessons.get("xor_boundary")
    traces = lessons.run_lesson("xor_boundary")       # run name -> Trace, cached
    timeline = lesson.timeline_for(traces["mlp"])    # the frame -> step map
    print(lesson.stamp("mlp"))                         # lesson xor_boundary · run 1a2b3c4d

``vizlab lessons list`` and ``vizlab lessons check [--quick] [NAME...]`` run
the same from the command line. Nothing here imports torch.
"""

from vizlab.lessons.base import (
    CHANNELS,
    STATUSES,
    CallConfig,
    Claim,
    ClaimResult,
    Lesson,
    TimelineSpec,
)
from vizlab.lessons.check import check, check_lesson, format_table
from vizlab.lessons.registry import TOPICS, all_lessons, get, names, register
from vizlab.lessons.run import run_lesson

__all__ = [
    "CHANNELS",
    "STATUSES",
    "TOPICS",
    "CallConfig",
    "Claim",
    "ClaimResult",
    "Lesson",
    "TimelineSpec",
    "all_lessons",
    "check",
    "check_lesson",
    "format_table",
    "get",
    "names",
    "register",
    "run_lesson",
]
