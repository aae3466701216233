"""Build the gallery site: examples, lecture videos and landing page, swapped in whole.

``python -m vizlab.gallery build [--quick]`` does, in order:

1. mirror ``gallery/`` into a work folder (``gallery/_build/work-full`` or
   ``work-quick``), so generated files never land in the sources and a quick
   build never reuses a full build's outputs;
2. mark stale the examples whose vizlab code changed since the last build:
   each example's digest covers only the modules it imports, directly or
   through other modules (:mod:`vizlab.gallery.deps`), so a change to one
   render module re-runs only the examples that use it (sphinx-gallery
   itself only notices edits to the example file);
3. check the slide claims (training every lesson's runs into the run
   cache, :data:`WORKERS` lessons at once in fresh processes), then start
   rendering the lecture videos whose key changed
   (:mod:`vizlab.gallery.videos`: the scene, the vizlab code it uses, its
   runs, timelines, quality and renderer versions) in background
   processes, one per core, while sphinx runs;
4. run sphinx into a new folder seeded with the previous site, so only what
   changed is rewritten: the API reference is checked first (every public
   object on a page, with a numpydoc docstring), then sphinx-gallery
   executes the stale examples, :data:`WORKERS` at a time (a failing
   example fails the build), and autodoc writes the reference pages
   (sphinx reading and writing pages with ``-j WORKERS``);
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
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from vizlab import cache
from vizlab.gallery import QUICK_ENV, claims, lectures
from vizlab.gallery.media import MEDIA_ENV, MEDIA_URL_ENV
from vizlab.gallery.site import (
    ROOT,
    broken_refs,
    forget_removed_examples,
    mirror,
    publish,
    remove_abandoned,
    stale_examples,
)

SOURCE = ROOT / "gallery"
BUILD = SOURCE / "_build"
SITE = BUILD / "html"
MEDIA = Path("_static") / "videos"
EXAMPLE_MEDIA_URL = "../../_static/videos/"  # from auto_examples/<topic>/<page>.html
WORKERS_ENV = "VIZLAB_GALLERY_WORKERS"
#: Examples executed at once (sphinx-gallery's ``parallel``, in joblib processes):
#: one per core, at most four; ``$VIZLAB_GALLERY_WORKERS`` overrides it.
WORKERS = max(1, min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1, 4))


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


#: glibc's malloc thresholds as environment variables (read when a process starts).
MALLOC_PINS = {"MALLOC_MMAP_THRESHOLD_": "67108864", "MALLOC_TRIM_THRESHOLD_": "134217728"}


def pin_malloc() -> None:
    """Fix glibc's malloc thresholds: its defaults make some fresh processes 3-5x slower here."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, int(MALLOC_PINS["MALLOC_MMAP_THRESHOLD_"]))  # M_MMAP_THRESHOLD
        libc.mallopt(-1, int(MALLOC_PINS["MALLOC_TRIM_THRESHOLD_"]))  # M_TRIM_THRESHOLD


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


def _write_if_changed(path: Path, text: str) -> None:
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def _sphinx(src: Path, out: Path, doctrees: Path, quiet: bool, workers: int = 1) -> int:
    from sphinx.cmd.build import build_main

    args = ["-b", "html", "-d", str(doctrees), "-W", "--keep-going", str(src), str(out)]
    # pages read and written by ``workers`` processes (the examples run before, in their own)
    args += ["-j", str(workers)] if workers > 1 else []
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
        # every process the build starts (claims, examples, videos) pins them too
        **{k: os.environ.get(k, v) for k, v in MALLOC_PINS.items()},
        cache.CACHE_ENV: str(cache.cache_dir().resolve()),
        WORKERS_ENV: os.environ.get(WORKERS_ENV, str(WORKERS)),
    }
    with _environ(env):
        mirror(source, src)
        (src / MEDIA).mkdir(parents=True, exist_ok=True)
        forget_removed_examples(work)
        stale = stale_examples(work)
        if stale:
            log(f"{len(stale)} example(s) to run (new, edited, or their vizlab code changed)")

        from vizlab.render.scenes import list_scenes

        quality = lectures.QUALITY[mode]
        listed = list_scenes() if scenes else []
        _write_if_changed(src / lectures.PAGE, lectures.page(listed, quality, quick))
        # The slide-claims ledger (the full check in a full build); it also trains
        # every lesson's runs into the cache the examples then read.
        workers = int(env[WORKERS_ENV])
        results = claims.check(quick, workers=workers)
        _write_if_changed(src / claims.PAGE, claims.page(results, quick, src / "examples"))
        if claims.failures(results):
            raise BuildError("slide claims fail:\n" + claims.failures(results))
        link.parent.mkdir(parents=True, exist_ok=True)
        remove_abandoned(link)
        site = link.with_name(f".{link.name}-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}")
        renders = lectures.Renders([n for n, _ in listed], quality, quick)
        if renders.missing:
            log(
                f"rendering {len(renders.missing)} lecture video(s) in the background "
                f"({quality}, {min(renders.workers, len(renders.missing))} at a time)"
            )
        try:
            if link.exists():
                shutil.copytree(link.resolve(), site, symlinks=True)
            rc = _sphinx(src, site, work / "doctrees", quiet, workers)
            if rc != 0:
                raise BuildError(
                    f"sphinx failed (exit status {rc}); the previous site is untouched"
                )
            try:
                videos = renders.wait()
            except RuntimeError as exc:
                raise BuildError(str(exc)) from None
            target = site / lectures.URL
            target.mkdir(parents=True, exist_ok=True)
            for name, mp4 in videos.items():
                for made, suffix in ((mp4, ".mp4"), (lectures.poster_of(mp4), ".png")):
                    dest = target / f"{name}{suffix}"
                    if not dest.is_file() or not filecmp.cmp(made, dest, shallow=False):
                        shutil.copyfile(made, dest)
            broken = broken_refs(site)
            if broken:
                raise BuildError("broken links in the site:\n  " + "\n  ".join(broken[:20]))
            publish(site, link)
        except BaseException:
            renders.stop()
            shutil.rmtree(site, ignore_errors=True)
            raise
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
