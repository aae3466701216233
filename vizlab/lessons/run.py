"""Run a lesson: train (or load from the cache) every run it names."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from vizlab import cache
from vizlab.config import DescendConfig, RunConfig
from vizlab.lessons.base import CallConfig, Lesson
from vizlab.lessons.registry import get


def _producer(name: str):
    import vizlab

    func = getattr(vizlab, name, None)
    if not callable(func):
        raise ValueError(f"vizlab has no public producer {name!r}")
    return func


def run_lesson(lesson: str | Lesson, quick: bool = False) -> dict[str, Any]:
    """Every run of a lesson, trained once and then read from :mod:`vizlab.cache`.

    Parameters
    ----------
    lesson : str or Lesson
        A registered name (see :func:`vizlab.lessons.names`) or a Lesson.
    quick : bool
        Use the lesson's quick variant (smaller runs, for tests and CI).

    Returns
    -------
    dict of str to Trace
        Run name -> trace, in the lesson's order. A :class:`CallConfig` whose
        producer returns several traces maps to a list of traces.
    """
    if isinstance(lesson, str):
        lesson = get(lesson)
    if not isinstance(lesson, Lesson):
        raise TypeError(f"run_lesson takes a lesson name or a Lesson; got {type(lesson).__name__}")
    if quick:
        lesson = lesson.quick_variant()
    traces: dict[str, Any] = {}
    if lesson.batched:
        for group in _sweep_groups(lesson.runs).values():
            traces.update(zip(group, cache.cached_sweep([lesson.runs[k] for k in group])))
    for run, config in lesson.runs.items():
        if run in traces:
            continue
        traces[run] = _run_one(config)
    return {run: traces[run] for run in lesson.runs}


# Fields a batched sweep may vary between its models; runs differing in anything
# else go to separate sweeps.
SWEEP_VARIABLE = ("lr", "seed", "l1", "l2", "noise", "momentum", "optimizer")


def _sweep_groups(runs: Mapping[str, Any]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for run, config in runs.items():
        if isinstance(config, RunConfig):
            d = {k: v for k, v in config.to_dict().items() if k not in SWEEP_VARIABLE}
            groups.setdefault(json.dumps(d, sort_keys=True), []).append(run)
    return groups


def _run_one(config: RunConfig | DescendConfig | CallConfig) -> Any:
    if isinstance(config, RunConfig):
        return cache.cached_train(config)
    if isinstance(config, DescendConfig):
        kw = config.descend_kwargs()
        return cache.cached_descend(kw.pop("landscape"), **kw)
    kwargs: Mapping[str, Any] = config.kwargs
    return cache.cached_call(_producer(config.func), **kwargs)
