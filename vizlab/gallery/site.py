"""The site's files: mirror the sources, notice stale pages, check links, publish atomically.

Helpers of :mod:`vizlab.gallery.build`; none of them runs sphinx.
"""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Made by the build inside the work folder: never copied from or deleted by the mirror.
GENERATED = {
    "auto_examples",
    "_build",
    "__pycache__",
    "videos",
    "lectures.rst",
    "claims.rst",
    "sg_execution_times.rst",
    "generated",  # api/generated/: autosummary's pages
    "gen_modules",  # sphinx-gallery's backreferences
}
# In the work folder: the dependency digest of every example at the last good build.
EXAMPLE_DIGESTS = "example-digests.json"


def mirror(src: Path, dst: Path) -> int:
    """Make ``dst`` a copy of ``src`` (except generated files); return how many files changed.

    Unchanged files are not touched, so their modification times stay and
    sphinx does not re-read them.
    """
    changed = 0
    dst.mkdir(parents=True, exist_ok=True)
    for item in sorted(src.iterdir()):
        if item.name in GENERATED:
            continue
        target = dst / item.name
        if item.is_dir():
            changed += mirror(item, target)
        elif not target.is_file() or not filecmp.cmp(item, target, shallow=False):
            shutil.copy2(item, target)
            changed += 1
    for item in sorted(dst.iterdir()):
        if item.name in GENERATED or (src / item.name).exists():
            continue
        shutil.rmtree(item) if item.is_dir() else item.unlink()
        changed += 1
    return changed


def forget_removed_examples(work: Path) -> bool:
    """Wipe the generated pages when examples were added, renamed or removed; True if so.

    sphinx-gallery never deletes the page of a removed example, and an
    orphan page would fail the build. Every example then runs again (its
    training runs stay cached).
    """
    examples = work / "src" / "examples"
    names = "\n".join(sorted(str(p.relative_to(examples)) for p in examples.rglob("*.py")))
    stamp = work / "examples.list"
    if stamp.is_file() and stamp.read_text() == names:
        return False
    shutil.rmtree(work / "src" / "auto_examples", ignore_errors=True)
    stamp.write_text(names)
    return True


def stale_examples(work: Path, package: Path | None = None) -> list[str]:
    """Mark the examples whose vizlab code changed since they last ran as stale.

    Each example's digest covers only the vizlab modules it uses (see
    :mod:`vizlab.gallery.deps`); an example whose digest differs from the
    recorded one loses sphinx-gallery's md5 stamp, so it runs again, and the
    new digest is recorded at once. Examples that do not use the changed code
    keep their stamps. An interrupted build loses nothing: sphinx-gallery
    writes an example's stamp only after it ran, so a stale example without
    one runs in the next build whatever the record says.

    Parameters
    ----------
    work : Path
        The build's work folder (sources mirrored into ``work/src``).
    package : Path, optional
        The vizlab package folder; default the one running.

    Returns
    -------
    list of str
        Paths (relative to ``examples/``) of the examples that will run again.
    """
    from vizlab.gallery import deps

    deps.clear()
    examples = work / "src" / "examples"
    stamp = work / EXAMPLE_DIGESTS
    try:
        recorded = json.loads(stamp.read_text())
    except (OSError, ValueError):
        recorded = {}
    digests, stale = {}, []
    for example in sorted(examples.rglob("*.py")):
        rel = str(example.relative_to(examples))
        digests[rel] = deps.digest(example, package)
        if recorded.get(rel) != digests[rel]:
            md5 = work / "src" / "auto_examples" / f"{rel}.md5"
            if md5.is_file():
                md5.unlink()
            stale.append(rel)
    if digests != recorded:
        tmp = stamp.with_suffix(".tmp")
        tmp.write_text(json.dumps(digests, indent=1, sort_keys=True))
        os.replace(tmp, stamp)
    return stale


_LOCAL_REF = re.compile(r'(?:src|href|poster)="([^"#?:]+?)(?:[#?][^"]*)?"')


def broken_refs(site: Path) -> list[str]:
    """Local ``src``, ``href`` and ``poster`` targets in the site's pages that do not exist."""
    broken = []
    for page in sorted(site.rglob("*.html")):
        if "_static" in page.relative_to(site).parts:
            continue  # theme templates, not pages
        text = page.read_text(encoding="utf-8", errors="replace")
        for ref in sorted(set(_LOCAL_REF.findall(text))):
            if ref.startswith("//"):
                continue
            target = (page.parent / ref).resolve()
            if ref.endswith("/"):
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(site)} -> {ref}")
    return broken


def publish(new: Path, link: Path) -> None:
    """Point ``link`` at folder ``new`` (a sibling) atomically, then delete the old site."""
    if new.parent.resolve() != link.parent.resolve():
        raise ValueError(f"{new} must sit beside {link}")
    previous = link.resolve() if link.is_symlink() else None
    if link.exists() and not link.is_symlink():  # a real folder from elsewhere: move it aside
        previous = link.with_name(f".{link.name}-moved-{os.getpid()}")
        os.replace(link, previous)
    tmp = link.with_name(f".{link.name}.link-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(new.name)
    os.replace(tmp, link)  # the one atomic step: readers see the old site or the new one
    if previous is not None and previous.resolve() != new.resolve():
        shutil.rmtree(previous, ignore_errors=True)


def remove_abandoned(link: Path) -> None:
    """Delete site folders left by builds that were killed (their process is gone)."""
    current = link.resolve() if link.is_symlink() else None
    for folder in link.parent.glob(f".{link.name}-*-*"):
        pid = folder.name.rsplit("-", 1)[-1]
        if not pid.isdigit() or folder == current or not folder.is_dir():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:
            pass  # alive, someone else's
