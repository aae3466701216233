"""The slide-claims ledger: run every claim of some lessons and report each honestly.

A claim that holds is "holds"; one that does not is "fails" (the check exits
1), unless the lesson states a known difference from the slide, in which case
it is "not reproduced" with the measured numbers. Claims marked
``quick=False`` are "skipped" on quick runs.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor

from vizlab.lessons.base import ClaimResult, Lesson
from vizlab.lessons.registry import all_lessons, get
from vizlab.lessons.run import run_lesson


def check_lesson(lesson: str | Lesson, quick: bool = False) -> list[ClaimResult]:
    """Run one lesson and every claim on it; one :class:`ClaimResult` per claim."""
    if isinstance(lesson, str):
        lesson = get(lesson)
    return _results(lesson, _outcomes(lesson, quick))


def _results(lesson: Lesson, outcomes: list[tuple[str, str]]) -> list[ClaimResult]:
    return [
        ClaimResult(lesson.name, claim, status, detail)
        for claim, (status, detail) in zip(lesson.claims, outcomes, strict=True)
    ]


def _outcomes(lesson: Lesson, quick: bool) -> list[tuple[str, str]]:
    """``(status, detail)`` of each of the lesson's claims, in order (what a worker sends back)."""
    if not lesson.claims:
        return []
    traces = run_lesson(lesson, quick=quick)
    outcomes = []
    for claim in lesson.claims:
        if quick and not claim.quick:
            outcomes.append(("skipped", "checked on full runs only"))
            continue
        try:
            ok, detail = claim.check(traces)
        except Exception as exc:  # a broken check is a failing claim, reported, not a crash
            ok, detail = False, f"check raised {type(exc).__name__}: {exc}"
        if ok:
            status = "holds"
        elif claim.known_difference:
            status = "not reproduced"
            detail = f"{detail} ({claim.known_difference})"
        else:
            status = "fails"
        outcomes.append((status, str(detail)))
    return outcomes


def _outcomes_in_worker(name: str, texts: tuple[str, ...], quick: bool):
    """:func:`_outcomes` of a catalogue lesson in a worker; None when the worker's lesson differs.

    A lesson registered at run time is unknown to a fresh process, and one
    changed at run time has other claims there: the caller checks those itself.
    """
    try:
        lesson = get(name)
    except KeyError:
        return None
    if tuple(c.text for c in lesson.claims) != texts:
        return None
    return _outcomes(lesson, quick)


def check(names: Iterable[str] = (), quick: bool = False, workers: int = 1) -> list[ClaimResult]:
    """Check the named lessons (all when none are named); results in catalogue order.

    With ``workers`` > 1 the lessons are run in that many fresh processes at
    once (each lesson whole in one of them, its runs saved to the run cache
    as usual); the results are the same as one by one. A lesson the fresh
    processes do not know the same way (registered or changed at run time) is
    checked in this process. Fresh processes import the caller's main module:
    a script that calls this with ``workers`` > 1 needs an
    ``if __name__ == "__main__":`` guard.
    """
    lessons = [get(n) for n in names] if names else all_lessons()
    todo = [lesson for lesson in lessons if lesson.claims]
    workers = max(1, min(workers, len(todo)))
    found: list = [None] * len(todo)
    if workers > 1:
        # Fresh processes, not forks: a fork of a process that has run torch's
        # thread pools can hang.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            found = list(
                pool.map(
                    _outcomes_in_worker,
                    [x.name for x in todo],
                    [tuple(c.text for c in x.claims) for x in todo],
                    [quick] * len(todo),
                )
            )
    outcomes = [f if f is not None else _outcomes(x, quick) for x, f in zip(todo, found)]
    return [result for x, done in zip(todo, outcomes) for result in _results(x, done)]


def format_table(results: list[ClaimResult], width: int = 60) -> str:
    """A plain-text table: lesson, claim, seed, status, detail."""
    rows = [("lesson", "claim", "seed", "status", "detail")]
    for r in results:
        text = r.claim.text if len(r.claim.text) <= width else r.claim.text[: width - 1] + "…"
        rows.append((r.lesson, text, r.claim.seed, r.status, r.detail))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = []
    for row in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row[:4], widths)) + "  " + row[4])
    counts = {
        s: sum(r.status == s for r in results)
        for s in ("holds", "fails", "not reproduced", "skipped")
    }
    lines.append(", ".join(f"{n} {s}" for s, n in counts.items()))
    return "\n".join(lines)
