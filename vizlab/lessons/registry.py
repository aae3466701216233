"""The catalogue of lessons: every topic module registers its lessons here.

Topic modules (``vizlab/lessons/<topic>.py``) define lessons with
:func:`register`; :func:`names` and :func:`get` import them on first use.
A new topic adds its module name to :data:`TOPICS`.
"""

from __future__ import annotations

from importlib import import_module

from vizlab.lessons.base import Lesson

TOPICS = (
    "descent",
    "optimizers",
    "boundaries",
    "units",
    "regularization",
    "backprop",
    "beyond",
    "networks",
)
"""Topic modules under :mod:`vizlab.lessons`, in teaching order."""

_LESSONS: dict[str, Lesson] = {}
_loaded = False


def register(lesson: Lesson) -> Lesson:
    """Add ``lesson`` to the catalogue (names are unique) and return it."""
    if not isinstance(lesson, Lesson):
        raise TypeError(f"register takes a Lesson; got {type(lesson).__name__}")
    old = _LESSONS.get(lesson.name)
    if old is not None and old is not lesson:
        raise ValueError(f"a lesson named {lesson.name!r} is already registered")
    _LESSONS[lesson.name] = lesson
    return lesson


def _load() -> None:
    global _loaded
    if not _loaded:
        for topic in TOPICS:
            import_module(f"vizlab.lessons.{topic}")
        _loaded = True


def names() -> list[str]:
    """Every lesson's name, in teaching order.

    Returns
    -------
    list of str
        The registered names, topic by topic in :data:`TOPICS` order (the
        topic modules are imported on first use).
    """
    _load()
    return list(_LESSONS)


def get(name: str, quick: bool = False) -> Lesson:
    """The lesson called ``name`` (a one-line KeyError listing the names otherwise).

    Parameters
    ----------
    name : str
        A name from :func:`names`.
    quick : bool
        Give the lesson's quick variant (smaller runs, short timeline), the
        one :func:`~vizlab.lessons.run_lesson` trains with ``quick=True``:
        stamps and timelines then describe the runs actually shown.

    Returns
    -------
    Lesson
        The registered lesson, or ``lesson.quick_variant()`` when ``quick``.
    """
    _load()
    try:
        lesson = _LESSONS[name]
    except KeyError:
        raise KeyError(f"no lesson {name!r}; lessons: {', '.join(_LESSONS)}") from None
    return lesson.quick_variant() if quick else lesson


def all_lessons() -> list[Lesson]:
    """Every lesson, in teaching order."""
    _load()
    return list(_LESSONS.values())
