"""The "Lecture videos" page: every manim scene in ``scenes/``, rendered at build time.

Rendering is slow (tens of seconds per scene at 720p), so each video is cached
by scene name, quality, the vizlab version and a digest of the code that
draws it (the scene file, :mod:`vizlab.render.mobjects`, the trace-producing
core): a rebuild with nothing changed renders nothing. Missing videos are
rendered in background processes (manim keeps global state; a process per
batch keeps it apart from the sphinx build running alongside).
"""

from __future__ import annotations

import ast
import html
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from vizlab import cache

#: Build mode -> manim quality (see vizlab.render.scenes.QUALITIES).
QUALITY = {"full": "medium", "quick": "tiny"}
PAGE = "lectures.rst"
URL = "_static/videos/lectures/"
_REPORT = "VIZLAB-SCENE"


def _render_code(scene_path: Path) -> str:
    render = Path(__file__).resolve().parents[1] / "render"
    return cache.digest_files(
        [scene_path, render / "mobjects", render / "scenes.py", render / "style.py"]
    )


def _parts(name: str, quality: str, quick: bool) -> dict:
    from vizlab.render.scenes import find_scene

    scene = find_scene(name)
    return {"scene": name, "quality": quality, "quick": quick, "code": _render_code(scene.path)}


def cached_path(name: str, quality: str, quick: bool) -> Path | None:
    """The cached MP4 of a scene, or None when it must be rendered."""
    path = cache.cache_dir() / (cache.key("file", _parts(name, quality, quick)) + ".mp4")
    return path if path.is_file() and path.stat().st_size > 0 else None


def poster_of(mp4: Path, at: float = 0.75) -> Path:
    """A PNG of the frame ``at`` (0..1) of the way through ``mp4``, beside it (made once).

    Without a poster a video element is a blank box until the browser has
    fetched its first frame; this frame says what the video shows.
    """
    import av

    poster = mp4.with_suffix(".png")
    if poster.is_file():
        return poster
    with av.open(str(mp4)) as container:
        stream = container.streams.video[0]
        target = int((stream.duration or 0) * at)
        if target:
            container.seek(target, stream=stream)  # lands on the keyframe before it
        for frame in container.decode(stream):
            if frame.pts is None or frame.pts >= target:
                break
        image = frame.to_image()
    tmp = poster.with_name(f".{poster.stem}.{os.getpid()}.png")
    image.save(tmp, "PNG")
    tmp.replace(poster)
    return poster


def render_cached(name: str, quality: str, quick: bool) -> Path:
    """Render one scene (unless cached) and return its cached MP4 (with its poster beside it)."""
    from vizlab.render.scenes import render_scene

    def make(target: Path) -> None:
        with tempfile.TemporaryDirectory(prefix="vizlab-scene-") as tmp:
            mp4 = render_scene(
                name,
                quality=quality,
                out_dir=tmp,
                progress=False,
                quick=quick,
                cache_dir=cache.cache_dir().parent / "manim",
            )
            shutil.move(str(mp4), target)

    mp4 = cache.cached_file(_parts(name, quality, quick), ".mp4", make)
    poster_of(mp4)
    return mp4


class Renders:
    """Scenes rendering in background processes while the rest of the site builds.

    Parameters
    ----------
    names : list of str
        Scenes to show.
    quality : str
    quick : bool
        Render the scenes' short versions.
    workers : int
        Processes rendering the missing scenes.
    """

    def __init__(self, names: list[str], quality: str, quick: bool, workers: int = 1):
        self.names, self.quality, self.quick = names, quality, quick
        self.paths = {n: cached_path(n, quality, quick) for n in names}
        self.missing = [n for n, p in self.paths.items() if p is None]
        self._procs: list[subprocess.Popen] = []
        self._errors: list[str] = []
        self._threads = []
        for i in range(min(workers, len(self.missing))):
            batch = self.missing[i::workers]
            t = threading.Thread(target=self._run, args=(batch,), daemon=True)
            t.start()
            self._threads.append(t)

    def _run(self, batch: list[str]) -> None:
        cmd = [sys.executable, "-m", "vizlab.gallery", "render-scenes", "--quality", self.quality]
        cmd += ["--quick"] if self.quick else []
        proc = subprocess.Popen(
            cmd + batch, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self._procs.append(proc)
        out, _ = proc.communicate()
        if proc.returncode != 0:
            tail = "\n".join(out.strip().splitlines()[-15:])
            self._errors.append(f"rendering {', '.join(batch)} failed:\n{tail}")
            return
        # The child reports where it put each video: the code may have changed
        # meanwhile (its key is then not the one computed here at the start).
        for line in out.splitlines():
            tag, _, rest = line.partition(" ")
            if tag == _REPORT:
                name, _, path = rest.partition(" ")
                self.paths[name] = Path(path)

    def wait(self) -> dict[str, Path]:
        """Block until done; the MP4 of every scene. Raises RuntimeError if one failed."""
        for t in self._threads:
            t.join()
        if self._errors:
            raise RuntimeError("\n".join(self._errors))
        lost = [n for n, p in self.paths.items() if p is None or not p.is_file()]
        if lost:
            raise RuntimeError(f"scene video(s) missing after rendering: {', '.join(lost)}")
        return dict(self.paths)  # type: ignore[arg-type]

    def stop(self) -> None:
        """Terminate renders still running (an interrupted build)."""
        for p in self._procs:
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
    """``python -m vizlab.gallery render-scenes --quality Q [--quick] NAME...``."""
    import argparse

    p = argparse.ArgumentParser(prog="python -m vizlab.gallery render-scenes")
    p.add_argument("--quality", default="medium")
    p.add_argument("--quick", action="store_true")
    p.add_argument("names", nargs="+")
    args = p.parse_args(argv)
    for name in args.names:
        path = render_cached(name, args.quality, args.quick)
        print(_REPORT, name, path, flush=True)
    return 0
