"""The "Slide claims" page: every lesson's claims, checked when the site is built.

The same ledger as ``vizlab lessons check`` (lesson, claim, seed, holds /
fails / not reproduced / skipped, detail), run on the quick variants in a
quick build and on the full runs in a full build, each row linking to the
page that shows the lesson. A full build fails when a claim fails; a claim a
lesson states as a known difference from its slide is listed as "not
reproduced" with the measured numbers.
"""

from __future__ import annotations

import html
from pathlib import Path

from vizlab import lessons
from vizlab.lessons.base import ClaimResult, Lesson

PAGE = "claims.rst"
COLORS = {"holds": "#1b7f3b", "fails": "#c62828", "not reproduced": "#b35c00", "skipped": "#777"}


def check(quick: bool, workers: int = 1) -> list[ClaimResult]:
    """Every claim of every lesson (the quick variants when ``quick``), ``workers`` lessons at once."""
    return lessons.check(quick=quick, workers=workers)


def page_of(lesson: Lesson, examples: Path | None = None) -> str | None:
    """Site-relative URL of the page that shows ``lesson``: its first gallery page, else the videos.

    With ``examples`` (the gallery's example folder) only pages whose script is
    there are linked, so a site built from other sources has no broken links.
    """
    for where in lesson.shown_in("gallery"):
        if examples is None or (examples / f"{where}.py").is_file():
            return f"auto_examples/{where}.html"
    if lesson.shown_in("scene"):
        return "lectures.html"
    return None


def page(results: list[ClaimResult], quick: bool, examples: Path | None = None) -> str:
    """The reStructuredText of the page (a raw HTML table; every text is escaped).

    ``examples``: the example folder the site is built from (see :func:`page_of`).
    """
    counts = {s: sum(r.status == s for r in results) for s in COLORS}
    mode = (
        "the quick variants of the runs (a quick build; some claims are checked on full runs only)"
        if quick
        else "the full runs this site shows"
    )
    lines = [
        ":orphan:",
        "",
        "Slide claims",
        "============",
        "",
        "Each lesson states what its slides claim, as a check over its real runs.",
        f"This table is the check run when the site was built, on {mode}; run it",
        "yourself with ``vizlab lessons check`` (``--quick`` for the short runs).",
        "A claim that our runs do not reproduce stays in the table as *not reproduced*,",
        "with the measured numbers and the reason.",
        "",
        ", ".join(f"{n} {s}" for s, n in counts.items()) + ".",
        "",
        ".. raw:: html",
        "",
        '   <table class="vizlab-claims" style="border-collapse:collapse;font-size:0.9em">',
        "   <thead><tr><th>lesson</th><th>claim</th><th>seed</th><th>status</th>"
        "<th>detail</th></tr></thead><tbody>",
    ]
    for r in results:
        lesson = lessons.get(r.lesson)
        url = page_of(lesson, examples)
        name = html.escape(r.lesson)
        cell = f'<a href="{html.escape(url)}">{name}</a>' if url else name
        color = COLORS.get(r.status, "#000")
        lines.append(
            f'   <tr class="vizlab-claim" data-status="{html.escape(r.status)}">'
            f"<td>{cell}</td><td>{html.escape(r.claim.text)}</td>"
            f"<td>{html.escape(r.claim.seed)}</td>"
            f'<td style="color:{color};font-weight:bold">{html.escape(r.status)}</td>'
            f"<td>{html.escape(r.detail)}</td></tr>"
        )
    lines += ["   </tbody></table>", ""]
    return "\n".join(lines) + "\n"


def failures(results: list[ClaimResult]) -> str:
    """The failing rows as a plain table, or ``""`` when none fails."""
    failed = [r for r in results if r.failed]
    return lessons.format_table(failed) if failed else ""
