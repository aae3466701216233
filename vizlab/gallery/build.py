"""Build the gallery site: examples, lecture videos and landing page, swapped in whole.

``python -m vizlab.gallery build [--quick]`` does, in order:

1. mirror ``gallery/`` into a work folder (``gallery/_build/work-full`` or
   ``work-quick``), so generated files never land in the sources and a quick
   build never reuses a full build's outputs;
2. if any vizlab source changed since the last build, mark every example
   stale (sphinx-gallery itself only notices edits to the example file);
3. start rendering the lecture videos that are not cached, in background
   processes;
4. run sphinx (sphinx-gallery executes the examples; a failing example
   fails the build) into a new folder seeded with the previous site, so
   only what changed is rewritten;
5. copy the lecture videos in, check that every local link and picture
   resolves, and only then point ``gallery/_build/html`` (a symbolic link)
   at the new folder with one atomic rename. An interrupted or failed build
   leaves the previous site as it was.

Runs are cached by :mod:`vizlab.cache`, so a rebuild with nothing changed
trains and renders nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import filecmp
import os
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from vizlab import cache
from vizlab.gallery import QUICK_ENV, lectures
from vizlab.gallery.media import MEDIA_ENV, MEDIA_URL_ENV

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "gallery"
BUILD = SOURCE / "_build"
SITE = BUILD / "html"
# Made by the build inside the work folder: never copied from or deleted by the mirror.
GENERATED = {
    "auto_examples",
    "_build",
    "__pycache__",
    "videos",
    "lectures.rst",
    "sg_execution_times.rst",
}
MEDIA = Path("_static") / "videos"
EXAMPLE_MEDIA_URL = "../../_static/videos/"  # from auto_examples/<topic>/<page>.html


class BuildError(RuntimeError):
    """The site could not be built; the previous site is untouched."""


@dataclass(frozen=True)
class BuildResult:
    """What :func:`build` made: the site folder (a link), its index page and the time taken."""

    site: Path
    index: Path
    seconds: float
    quick: bool
    scenes_rendered: int


def pin_malloc() -> None:
    """Fix glibc's malloc thresholds: its defaults make some fresh processes 3-5x slower here."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 67108864)  # M_MMAP_THRESHOLD
        libc.mallopt(-1, 134217728)  # M_TRIM_THRESHOLD


@contextlib.contextmanager
def _environ(values: dict[str, str]) -> Iterator[None]:
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


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


def _code_digest() -> str:
    return cache.digest_files([ROOT / "vizlab"])


def mark_stale_if_code_changed(work: Path) -> bool:
    """Delete sphinx-gallery's md5 stamps when vizlab's code changed; True if it did."""
    stamp = work / "vizlab-code.digest"
    digest = _code_digest()
    if stamp.is_file() and stamp.read_text() == digest:
        return False
    for md5 in (work / "src" / "auto_examples").rglob("*.py.md5"):
        md5.unlink()
    return True


def _write_if_changed(path: Path, text: str) -> None:
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


_LOCAL_REF = re.compile(r'(?:src|href)="([^"#?:]+?)(?:[#?][^"]*)?"')


def broken_refs(site: Path) -> list[str]:
    """Local ``src``/``href`` targets in the site's pages that do not exist."""
    broken = []
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8", errors="replace")
        for ref in set(_LOCAL_REF.findall(text)):
            if ref.startswith("//"):
                continue
            target = (page.parent / ref).resolve()
            if ref.endswith("/"):
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(site)} -> {ref}")
    return broken


def publish(new: Path, link: Path) -> None:
    """Point ``link`` at folder ``new`` atomically, then delete older site folders."""
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.exists() and not link.is_symlink():  # a real folder from elsewhere: move it aside
        os.replace(link, link.with_name(f".{link.name}-moved-{os.getpid()}"))
    tmp = link.with_name(f".{link.name}.link-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(new.name)
    os.replace(tmp, link)  # the one atomic step: readers see the old site or the new one
    for old in link.parent.glob(f".{link.name}-*"):
        if old.is_dir() and old.resolve() != new.resolve():
            shutil.rmtree(old, ignore_errors=True)


def _sphinx(src: Path, out: Path, doctrees: Path, quiet: bool) -> int:
    from sphinx.cmd.build import build_main

    args = ["-b", "html", "-d", str(doctrees), "-W", "--keep-going", str(src), str(out)]
    return build_main(args + (["-q"] if quiet else []))


def build(
    *,
    quick: bool = False,
    out: str | os.PathLike | None = None,
    work: str | os.PathLike | None = None,
    source: str | os.PathLike | None = None,
    scenes: bool = True,
    quiet: bool = False,
    log: Callable[[str], None] = print,
) -> BuildResult:
    """Build the whole site; see the module docstring for the steps.

    Parameters
    ----------
    quick : bool
        Fewer steps, frames and tiny lecture videos (CI); the same code.
    out : path, optional
        The site link; default ``gallery/_build/html``.
    work : path, optional
        Work folder; default ``gallery/_build/work-full`` (or ``work-quick``).
    source : path, optional
        The gallery sources (``conf.py``, ``index.rst``, ``examples/``);
        default the repository's ``gallery/``.
    scenes : bool
        Render the lecture videos (the page lists them either way).
    quiet : bool
        Only warnings and errors from sphinx.

    Raises
    ------
    BuildError
        An example, a scene or sphinx failed, or a page links to a missing file.
    """
    t0 = time.perf_counter()
    source = Path(source) if source is not None else SOURCE
    if not (source / "conf.py").is_file():
        raise BuildError(f"no gallery sources at {source} (build from a source checkout)")
    pin_malloc()
    mode = "quick" if quick else "full"
    link = Path(out) if out is not None else SITE
    work = Path(work) if work is not None else BUILD / f"work-{mode}"
    src = work / "src"
    env = {
        QUICK_ENV: "1" if quick else "0",
        MEDIA_ENV: str((src / MEDIA).resolve()),
        MEDIA_URL_ENV: EXAMPLE_MEDIA_URL,
        "MPLBACKEND": "Agg",
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1"),
        cache.CACHE_ENV: str(cache.cache_dir().resolve()),
    }
    with _environ(env):
        mirror(source, src)
        (src / MEDIA).mkdir(parents=True, exist_ok=True)
        if mark_stale_if_code_changed(work):
            log("vizlab's code changed since the last build: every example runs again")

        from vizlab.render.scenes import list_scenes

        quality = lectures.QUALITY[mode]
        listed = list_scenes() if scenes else []
        _write_if_changed(src / lectures.PAGE, lectures.page(listed, quality, quick))
        renders = lectures.Renders([n for n, _ in listed], quality, quick, workers=1)
        if renders.missing:
            log(f"rendering {len(renders.missing)} lecture video(s) in the background ({quality})")

        site = link.with_name(f".{link.name}-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}")
        try:
            if link.exists():
                shutil.copytree(link.resolve(), site, symlinks=True)
            rc = _sphinx(src, site, work / "doctrees", quiet)
            if rc != 0:
                raise BuildError(f"sphinx failed (exit status {rc}); the previous site is untouched")
            try:
                videos = renders.wait()
            except RuntimeError as exc:
                raise BuildError(str(exc)) from None
            target = site / lectures.URL
            target.mkdir(parents=True, exist_ok=True)
            for name, path in videos.items():
                if not (target / f"{name}.mp4").is_file() or not filecmp.cmp(
                    path, target / f"{name}.mp4", shallow=False
                ):
                    shutil.copyfile(path, target / f"{name}.mp4")
            broken = broken_refs(site)
            if broken:
                raise BuildError("broken links in the site:\n  " + "\n  ".join(broken[:20]))
            publish(site, link)
        except BaseException:
            renders.stop()
            shutil.rmtree(site, ignore_errors=True)
            raise
        (work / "vizlab-code.digest").write_text(_code_digest())
    seconds = time.perf_counter() - t0
    return BuildResult(link, link / "index.html", seconds, quick, len(renders.missing))


def main(argv: list[str]) -> int:
    """``python -m vizlab.gallery build [--quick] [--out DIR] [--work DIR]``."""
    import argparse

    p = argparse.ArgumentParser(prog="python -m vizlab.gallery build")
    p.add_argument("--quick", action="store_true", help="fewer steps and frames (CI)")
    p.add_argument("--out", type=Path, help="site folder (default gallery/_build/html)")
    p.add_argument("--work", type=Path, help="work folder (default gallery/_build/work-MODE)")
    p.add_argument("--source", type=Path, help="gallery sources (default gallery/)")
    p.add_argument("--no-scenes", action="store_true", help="skip rendering lecture videos")
    p.add_argument("--quiet", action="store_true", help="only warnings and errors")
    args = p.parse_args(argv)
    quick = args.quick or os.environ.get(QUICK_ENV, "").strip() not in ("", "0")
    try:
        result = build(
            quick=quick,
            out=args.out,
            work=args.work,
            source=args.source,
            scenes=not args.no_scenes,
            quiet=args.quiet,
        )
    except BuildError as exc:
        print(f"gallery build failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("gallery build interrupted; the previous site is untouched", file=sys.stderr)
        return 130
    index = result.index.absolute()
    print(f"Built the {'quick ' if quick else ''}gallery in {result.seconds:.1f} s.")
    print(f"Open {index.as_uri()}")
    print("or serve it with `make serve` (python -m vizlab.gallery serve): http://127.0.0.1:8000/")
    return 0
