"""The "Lecture videos" page: every manim scene in ``scenes/``, rendered at build time.

Rendering is slow (seconds to minutes per scene at 720p), so each video is
cached under a key of exactly what it depends on (:mod:`vizlab.gallery.videos`:
the scene file, the vizlab modules it uses, its lessons' runs and timelines,
the quality and the renderer's versions), in ``videos/`` of the run cache
(:func:`vizlab.cache.cache_dir`): a rebuild with nothing relevant changed
copies the cached video and renders nothing. Missing videos are rendered by
:class:`Renders` in background processes, one per core (manim keeps global
state; a process keeps it apart from the sphinx build running alongside),
each taking the next scene from one queue, the slowest first.
"""

from __future__ import annotations

import ast
import contextlib
import html
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from vizlab import cache
from vizlab.gallery.media import atomic_write
from vizlab.gallery.videos import POSTER_BEFORE_END_S

#: Build mode -> manim quality (see vizlab.render.scenes.QUALITIES).
QUALITY = {"full": "medium", "quick": "tiny"}
PAGE = "lectures.rst"
URL = "_static/videos/lectures/"
_REPORT = "VIZLAB-SCENE"
RENDER_WORKERS_ENV = "VIZLAB_RENDER_WORKERS"
#: Lecture videos rendered at once: one process per core; ``$VIZLAB_RENDER_WORKERS`` overrides it.
RENDER_WORKERS = max(
    1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
)
# Beside the videos: how long each scene took to render last time (to start the slowest first).
_TIMES = "render-seconds.json"


def video_dir() -> Path:
    """Where cached lecture videos live: ``videos/`` in :func:`vizlab.cache.cache_dir`."""
    return cache.cache_dir() / "videos"


def cached_video(key: str) -> Path | None:
    """The cached MP4 of a video key (see :func:`vizlab.gallery.videos.video_key`), or None."""
    path = video_dir() / f"{key}.mp4"
    return path if path.is_file() and path.stat().st_size > 0 else None


def poster_of(mp4: Path, before_end: float = POSTER_BEFORE_END_S) -> Path:
    """A PNG of the frame ``before_end`` seconds before the end of ``mp4``, beside it (made once).

    Without a poster a video element is a blank box until the browser has
    fetched its first frame; this frame, the end state, says what the video
    shows.

    Parameters
    ----------
    mp4 : Path
        The video.
    before_end : float
        Seconds before the last frame (clamped to the video's start).

    Returns
    -------
    Path
        ``mp4`` with the suffix ``.png``.
    """
    import av

    poster = mp4.with_suffix(".png")
    if poster.is_file():
        return poster
    with av.open(str(mp4)) as container:
        stream = container.streams.video[0]
        back = int(before_end / stream.time_base) if stream.time_base else 0
        target = max(0, int(stream.duration or 0) - back)
        if target:
            container.seek(target, stream=stream)  # lands on the keyframe before it
        for frame in container.decode(stream):
            if frame.pts is None or frame.pts >= target:
                break
        image = frame.to_image()
    return atomic_write(poster, lambda f: image.save(f, "PNG"))


def render_video(
    name: str, key: str, quality: str, quick: bool, manim_dir: Path | None = None
) -> Path:
    """Render one scene into the video cache under ``key`` (unless it is there); return the MP4.

    The video and its poster (:func:`poster_of`) are made in a temporary
    folder beside the cache entries and renamed into place, the poster
    first: a video in the cache is whole and has its poster.

    Parameters
    ----------
    name : str
        A scene name.
    key : str
        Its key, :func:`vizlab.gallery.videos.scene_key`.
    quality : str
    quick : bool
    manim_dir : Path, optional
        manim's media folder (its text and LaTeX caches); default
        ``manim/`` beside the run cache. Processes rendering at once need
        one each (see :func:`manim_slot`): manim writes and deletes fixed
        file names there.
    """
    from vizlab.render.scenes import render_scene

    found = cached_video(key)
    if found is None:
        folder = video_dir()
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=f".{key}.", dir=folder) as tmp:
            mp4 = render_scene(
                name,
                quality=quality,
                out_dir=tmp,
                progress=False,
                quick=quick,
                cache_dir=manim_dir or cache.cache_dir().parent / "manim",
            )
            if not mp4.is_file() or mp4.stat().st_size == 0:
                raise RuntimeError(f"rendering {name} wrote no video")
            os.replace(poster_of(mp4), folder / f"{key}.png")
            os.replace(mp4, folder / f"{key}.mp4")
        found = folder / f"{key}.mp4"
    poster_of(found)
    return found


@contextlib.contextmanager
def manim_slot(base: Path | None = None) -> Iterator[Path]:
    """A manim media folder no other process uses while this one holds it.

    ``<base>/slot-<i>`` for the first ``i`` whose lock file is free (an
    exclusive ``flock``, released when the process ends however it ends), so
    the text and LaTeX caches in it are reused by later builds, and two
    processes rendering at once never share one: manim writes and then
    deletes files of fixed names there, and two of them race.
    """
    import fcntl

    base = base or cache.cache_dir().parent / "manim"
    base.mkdir(parents=True, exist_ok=True)
    for i in range(1024):
        fh = open(base / f"slot-{i}.lock", "w")  # noqa: SIM115 (held until the slot is released)
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            continue
        try:
            yield base / f"slot-{i}"
        finally:
            fh.close()
        return
    raise RuntimeError(f"no free manim media folder in {base}")


def _load_times() -> dict[str, float]:
    try:
        times = json.loads((video_dir() / _TIMES).read_text())
        return {k: float(v) for k, v in times.items()} if isinstance(times, dict) else {}
    except (OSError, ValueError, TypeError):
        return {}


def _save_times(new: dict[str, float]) -> None:
    if not new:
        return
    folder = video_dir()
    folder.mkdir(parents=True, exist_ok=True)
    times = json.dumps({**_load_times(), **new}, indent=1, sort_keys=True)
    atomic_write(folder / _TIMES, lambda f: f.write(times.encode()))


class Renders:
    """Lecture videos rendering in background processes while the rest of the site builds.

    Every video is looked up by its key (:func:`vizlab.gallery.videos.scene_key`,
    which reads the scenes' lesson runs from the run cache: train them first).
    The missing ones go into one queue, the slowest last time first, and
    ``workers`` processes (``python -m vizlab.gallery render-scenes --queue``)
    each take the next scene as soon as they finish one.

    Parameters
    ----------
    names : list of str
        Scenes to show.
    quality : str
    quick : bool
        Render the scenes' short versions.
    workers : int
        Processes rendering the missing scenes (default one per core,
        :data:`RENDER_WORKERS`).
    keys : dict of str to str, optional
        Scene -> video key, when already known.
    """

    def __init__(
        self,
        names: list[str],
        quality: str,
        quick: bool,
        workers: int | None = None,
        keys: dict[str, str] | None = None,
    ):
        from vizlab.gallery import videos

        if workers is None:
            workers = int(os.environ.get(RENDER_WORKERS_ENV, "") or RENDER_WORKERS)
        self.workers = max(1, workers)
        self.names, self.quality, self.quick = names, quality, quick
        self.keys = dict(keys) if keys is not None else {}
        for n in names:
            if n not in self.keys:
                self.keys[n] = videos.scene_key(n, quality, quick)
        self.paths: dict[str, Path | None] = {n: cached_video(self.keys[n]) for n in names}
        self.missing = [n for n, p in self.paths.items() if p is None]
        self.seconds: dict[str, float] = {}
        last = _load_times()
        self._queue = sorted(self.missing, key=lambda n: -last.get(self._timing(n), float("inf")))
        self._lock = threading.Lock()
        self._stopped = False
        self._procs: list[subprocess.Popen] = []
        self._errors: list[str] = []
        self._threads = []
        for _ in range(min(self.workers, len(self.missing))):
            t = threading.Thread(target=self._work, daemon=True)
            t.start()
            self._threads.append(t)

    def _timing(self, name: str) -> str:
        return f"{name}/{self.quality}/{'quick' if self.quick else 'full'}"

    def _next(self) -> str | None:
        with self._lock:
            if self._errors or self._stopped or not self._queue:
                return None
            return self._queue.pop(0)

    def _work(self) -> None:
        cmd = [sys.executable, "-m", "vizlab.gallery", "render-scenes", "--queue"]
        cmd += ["--quality", self.quality] + (["--quick"] if self.quick else [])
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        with self._lock:
            self._procs.append(proc)
        log: list[str] = []
        try:
            while (name := self._next()) is not None:
                report = None
                try:
                    proc.stdin.write(f"{name} {self.keys[name]}\n")
                    proc.stdin.flush()
                except OSError:
                    pass  # the process is gone; its output says why
                for line in proc.stdout:
                    tag, _, rest = line.rstrip("\n").partition(" ")
                    if tag == _REPORT:
                        report = json.loads(rest)
                        break
                    log.append(line.rstrip("\n"))
                if report is None or report.get("name") != name:
                    proc.wait()
                    tail = "\n".join(log[-15:])
                    with self._lock:
                        self._errors.append(f"rendering {name} failed:\n{tail}")
                    return
                self.paths[name] = Path(report["path"])
                self.seconds[self._timing(name)] = float(report["seconds"])
        finally:
            if proc.stdin:
                proc.stdin.close()
            proc.wait()

    def wait(self) -> dict[str, Path]:
        """Block until done; the MP4 of every scene. Raises RuntimeError if one failed."""
        for t in self._threads:
            t.join()
        _save_times(self.seconds)
        if self._errors:
            raise RuntimeError("\n".join(self._errors))
        lost = [n for n, p in self.paths.items() if p is None or not p.is_file()]
        if lost:
            raise RuntimeError(f"scene video(s) missing after rendering: {', '.join(lost)}")
        return dict(self.paths)  # type: ignore[arg-type]

    def stop(self) -> None:
        """Terminate renders still running (an interrupted build)."""
        with self._lock:
            self._stopped = True
            procs = list(self._procs)
        for p in procs:
            if p.poll() is None:
                p.terminate()


_WORDS = {"xor": "XOR", "sgd": "SGD", "lr": "LR", "l1": "L1", "l2": "L2", "3d": "3-D"}


def title_of(name: str) -> str:
    """``"moons_boundary"`` -> ``"Moons boundary"``, ``"xor_boundary"`` -> ``"XOR boundary"``."""
    words = [_WORDS.get(w, w) for w in name.replace("-", "_").split("_") if w]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def scene_lessons(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    """``[(lesson, shown runs), ...]`` of a scene file, read with :mod:`ast` (no manim import).

    The lessons are the names of its ``run_lesson("<name>", ...)`` calls, in
    source order. The runs shown come from the module constant ``SHOWN``: a
    tuple of run names (for a scene of one lesson) or a dict lesson -> tuple;
    a lesson without an entry shows every run (an empty tuple here).
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    shown: dict | tuple = ()
    for node in tree.body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", "") for t in node.targets] == [
            "SHOWN"
        ]:
            shown = ast.literal_eval(node.value)
    calls = sorted(
        (node.lineno, node.args[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "attr", getattr(node.func, "id", "")) == "run_lesson"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    )
    names = list(dict.fromkeys(name for _, name in calls))
    if isinstance(shown, dict):
        return [(n, tuple(shown.get(n, ()))) for n in names]
    return [(n, tuple(shown) if len(names) == 1 else ()) for n in names]


def stamp_of(name: str, quick: bool) -> str:
    """The lesson stamps a scene's video shows (``""`` for a scene of no lesson)."""
    from vizlab import lessons
    from vizlab.render.scenes import find_scene

    declared = scene_lessons(find_scene(name).path)
    return "  ".join(lessons.get(n, quick=quick).stamp(*shown) for n, shown in declared)


def relative_command(name: str, quality: str) -> str:
    """:func:`~vizlab.render.scenes.manim_command` with the scene's path relative to the repository.

    ``manim -qm scenes/xor_boundary.py XorBoundary``: what a reader types in a
    clone of the repository, not a path of the machine that built the site.
    """
    from vizlab.render.scenes import find_scene, manim_command

    path = find_scene(name).path
    return manim_command(name, quality).replace(str(path), f"scenes/{path.name}")


def page(scenes: list[tuple[str, str]], quality: str, quick: bool) -> str:
    """The reStructuredText of the lecture page (descriptions are HTML-escaped)."""
    from vizlab.render.scenes import QUALITIES

    w, h, fps, _ = QUALITIES[quality]
    lines = [
        ":orphan:",  # no warning in a gallery whose index does not list this page
        "",
        "Lecture videos",
        "==============",
        "",
        "Each video is a `manim <https://www.manim.community>`_ scene from the repository's",
        "``scenes/`` folder. Every curve, boundary and path in it comes from a real training",
        f"run computed when the site was built. Rendered at {w} x {h} pixels, {fps} frames per",
        "second" + (" (quick build: short versions at a tiny size)." if quick else "."),
        "Under each video, its lesson and runs (``vizlab lessons list``): the gallery page of",
        "the same lesson shows the same runs, with the same stamp.",
        "",
        "Render them yourself from a clone of the repository, with the extra",
        '``pip install "vizlab-nn[video]"``.',
        "",
    ]
    if not scenes:
        lines += ["This build rendered no lecture videos (``--no-scenes``).", ""]
    for name, description in scenes:
        t = title_of(name)
        command = relative_command(name, quality)
        stamp = stamp_of(name, quick)
        src = html.escape(URL + name + ".mp4")
        poster = html.escape(URL + name + ".png")
        lines += [t, "-" * len(t), "", ".. raw:: html", ""]
        lines += [
            f"   <p>{html.escape(description)}</p>",
            f'   <video class="vizlab-lecture" controls preload="metadata" width="{w}" '
            f'height="{h}" poster="{poster}" style="max-width:100%;height:auto">'
            f'<source src="{src}" type="video/mp4"></video>',
            *([f'   <p class="vizlab-stamp">{html.escape(stamp)}</p>'] if stamp else []),
            f'   <p>Download: <a href="{src}" download>MP4</a>. Render it yourself: '
            f"<code>{html.escape(command)}</code></p>",
            "",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    """``python -m vizlab.gallery render-scenes --quality Q [--quick] (NAME... | --queue)``.

    With ``--queue``, reads ``NAME KEY`` lines from stdin (what :class:`Renders`
    sends) and renders each in turn; else renders the named scenes under
    their current keys. After each video, one line ``VIZLAB-SCENE {json}``
    reports its name, path and rendering seconds.
    """
    import argparse

    from vizlab.gallery import videos
    from vizlab.gallery.build import pin_malloc

    p = argparse.ArgumentParser(prog="python -m vizlab.gallery render-scenes")
    p.add_argument("--quality", default="medium")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--queue", action="store_true", help="read NAME KEY lines from stdin")
    p.add_argument("names", nargs="*")
    args = p.parse_args(argv)
    pin_malloc()
    if args.queue:
        jobs = (line.split() for line in sys.stdin if line.strip())
    else:
        jobs = ((n, videos.scene_key(n, args.quality, args.quick)) for n in args.names)
    with manim_slot() as manim_dir:
        for name, key in jobs:
            t0 = time.perf_counter()
            path = render_video(name, key, args.quality, args.quick, manim_dir)
            seconds = round(time.perf_counter() - t0, 2)
            report = {"name": name, "path": str(path), "seconds": seconds}
            print(_REPORT, json.dumps(report), flush=True)
    return 0
