"""``vizlab lessons list`` and ``vizlab lessons check [--quick] [NAME...]``.

``list`` prints every lesson: name, title, the slides it serves and the
channels that show it. ``check`` trains (or loads from the cache) the named
lessons, runs every claim and prints the ledger (lesson, claim, seed,
status, detail); it exits 1 when a claim fails. A claim the lesson marks as a
known difference from its slide is "not reproduced", never "fails".
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from vizlab.lessons.base import Lesson
from vizlab.lessons.check import check, format_table
from vizlab.lessons.registry import all_lessons, names


def add_parser(sub, parser_class: type[argparse.ArgumentParser]) -> None:
    """Add ``lessons list`` and ``lessons check`` to the ``vizlab`` subcommands ``sub``."""
    le = sub.add_parser("lessons", help="the lessons: what each slide shows, and its claims")
    les = le.add_subparsers(dest="lessons_command", required=True, parser_class=parser_class)
    les.add_parser("list", help="name, title, slides and channels of every lesson")
    ch = les.add_parser("check", help="run the claims of lessons; exit 1 when one fails")
    ch.add_argument("names", nargs="*", metavar="NAME", help="lessons to check (default: all)")
    ch.add_argument("--quick", action="store_true", help="the quick variants (CI)")


def format_list(lessons: list[Lesson]) -> str:
    """Every lesson as a block: name and title, then its slides and channels, indented."""
    blocks = []
    for lesson in lessons:
        lines = [f"{lesson.name}: {lesson.title}"]
        lines += [f"    slide    {s}" for s in lesson.slides]
        lines += [f"    channel  {c}" for c in lesson.channels] or ["    channel  (none)"]
        lines.append(f"    runs     {', '.join(lesson.runs)}")
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


def run(args, out: TextIO | None = None) -> int:
    """Run one ``vizlab lessons`` command; the exit status (0, or 1 when a claim fails)."""
    out = out or sys.stdout
    if args.lessons_command == "list":
        print(format_list(all_lessons()), file=out)
        return 0
    known = names()
    unknown = [n for n in args.names if n not in known]
    if unknown:
        raise ValueError(f"no lesson {', '.join(unknown)}; lessons: {', '.join(known)}")
    results = check(args.names, quick=args.quick)
    print(format_table(results), file=out)
    return 1 if any(r.failed for r in results) else 0
