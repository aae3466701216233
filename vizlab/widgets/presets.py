"""Widget presets: each notebook widget opened on a lesson's run.

A preset is the ordinary widget (the same controls, the same ``draw_*``
functions) started at the run a lesson names, so a notebook, the gallery page
and the lecture video of one lesson begin from the same experiment::

    from vizlab.widgets import presets
    presets.explorer("lr_regimes", "too small")     # a LearningRateExplorer
    presets.playground("moons_boundary", "net")      # a Playground
    presets.scrubber("xor_boundary", "mlp")          # a Scrubber over that trace

Each lesson lists the presets that show it among its channels
(``"widget:explorer"``, ``"widget:playground"``, ``"widget:scrubber"``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vizlab import DescendConfig, RunConfig, lessons

PRESETS = ("explorer", "playground", "scrubber")
"""Preset names, as they appear in a lesson's ``widget:`` channels."""


def _config(lesson: str, run: str, kind: type):
    config = lessons.get(lesson).config(run)
    if not isinstance(config, kind):
        raise ValueError(
            f"lesson {lesson!r}, run {run!r} is a {type(config).__name__}; "
            f"this preset needs a {kind.__name__}"
        )
    return config


def explorer(lesson: str, run: str, **kwargs: Any):
    """A :class:`~vizlab.widgets.LearningRateExplorer` set to a lesson's descent run.

    Parameters
    ----------
    lesson, run : str
        A lesson name and one of its :class:`~vizlab.DescendConfig` runs.
    kwargs
        Passed on (``lr_range``, ``dpi``).
    """
    from vizlab.widgets.explorer import LearningRateExplorer

    c: DescendConfig = _config(lesson, run, DescendConfig)
    start = list(c.start) if c.start is not None else None
    return LearningRateExplorer(
        c.landscape, c.optimizer, c.lr, start, min(max(c.steps, 10), 500), **kwargs
    )


def playground(lesson: str, run: str, **kwargs: Any):
    """A :class:`~vizlab.widgets.Playground` starting from a lesson's training run."""
    from vizlab.widgets.playground import Playground

    return Playground(_config(lesson, run, RunConfig), **kwargs)


def scrubber(
    lesson: str, run: str, draw: Callable | None = None, *, quick: bool = False, **kwargs: Any
):
    """A :class:`~vizlab.widgets.Scrubber` over a lesson's run (trained once, then cached).

    ``quick`` uses the lesson's quick variant (what CI runs).
    """
    from vizlab.widgets.scrubber import Scrubber

    trace = lessons.run_lesson(lesson, quick=quick)[run]
    return Scrubber(trace, draw, **kwargs)
