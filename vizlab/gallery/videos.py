"""What a lecture video depends on, and the key it is cached under.

A video is re-rendered only when something it shows could have changed. Its
key is a digest of exactly these parts (:func:`video_parts`):

``scene``
    The bytes of the scene file.
``modules``
    The vizlab modules the scene imports, directly or through other modules,
    found without running it by :mod:`vizlab.gallery.deps` (the same analysis
    that decides which gallery examples re-run), names and bytes.
``runs``
    For every lesson the scene plays (its ``run_lesson("<name>")`` calls,
    read by :func:`vizlab.gallery.lectures.scene_lessons`): each run's config
    digest and a digest of the trace's contents (header and every array).
``timelines``
    The lesson's timeline spec and the frame -> row map it gives every run.
``quality``, ``quick``
    The frame size and rate, and whether the short version plays.
``versions``
    The installed manim and the libraries it draws and encodes with
    (:data:`RENDERER_DISTRIBUTIONS`), and the digest of the lecture theme
    (:data:`THEME`: fonts, sizes, the colour grammar).

The training core (``vizlab.core``) reaches a scene only through its runs:
renderers never import it, and the two bridges to it (the lazy names of
``vizlab/__init__.py`` and :mod:`vizlab.cache`) serve the lesson's runs,
whose contents are in the key. So an edit of the core that changes no run
bit for bit re-renders no video, and one that changes a run re-renders the
videos that play it. If a module the scene uses calls a core function of its
own (``vizlab.landscape(...)``, ``from vizlab import train``, an import of
``vizlab.core``), the core modules count as modules of the scene.
"""

from __future__ import annotations

import ast
import hashlib
import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from vizlab.gallery import deps

#: The package whose modules a scene uses through its runs only.
PRODUCERS = "vizlab.core"
#: Modules that reach the core only to produce lesson runs (see the module docstring).
BRIDGES = frozenset({"vizlab", "vizlab.cache", "vizlab.lessons.run"})
#: Installed distributions whose version changes how a video looks or is encoded.
RENDERER_DISTRIBUTIONS = ("manim", "manimpango", "pycairo", "av")
#: Where a lecture's poster is taken: this many seconds before its last frame.
#: Every lecture ends on its end state held still (the last run's result, the
#: separation step, the final bars), so this frame is the one that says what
#: the video shows; a fixed share of the way through can land on a fade.
POSTER_BEFORE_END_S = 1.0

#: The lecture theme (relative to the package folder): its digest is a part of every key.
THEME = ("render/mobjects/theme.py", "render/style.py")


def _is_producer(module: str) -> bool:
    return module == PRODUCERS or module.startswith(PRODUCERS + ".")


@lru_cache(maxsize=4)
def lazy_producers(package: Path) -> frozenset[str]:
    """Public names of ``vizlab`` that load a core module lazily (its ``_LAZY`` map).

    Read from ``<package>/__init__.py`` with :mod:`ast`, nothing imported.
    """
    init = package / "__init__.py"
    if not init.is_file():
        return frozenset()
    for node in ast.parse(init.read_text(encoding="utf-8")).body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if "_LAZY" in [getattr(t, "id", "") for t in targets] and isinstance(
            getattr(node, "value", None), ast.Dict
        ):
            return frozenset(
                k.value
                for k, v in zip(node.value.keys, node.value.values)
                if isinstance(k, ast.Constant)
                and isinstance(v, ast.Constant)
                and _is_producer(str(v.value).partition(":")[0])
            )
    return frozenset()


@lru_cache(maxsize=1024)
def calls_core(source: str, lazy: frozenset[str]) -> bool:
    """True when ``source`` imports ``vizlab.core`` or uses a lazy core name of ``vizlab``.

    ``from vizlab import train``, ``vizlab.landscape(...)``, ``import
    vizlab.core.sweep`` and ``from vizlab.core import data`` all count.
    """
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            if _is_producer(node.module):
                return True
            if node.module == "vizlab" and any(a.name in lazy for a in node.names):
                return True
        elif isinstance(node, ast.Import):
            if any(_is_producer(a.name) for a in node.names):
                return True
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "vizlab"
            and node.attr in lazy
        ):
            return True
    return False


def scene_modules(scene: Path, package: Path | None = None) -> list[str]:
    """The vizlab modules whose code a scene's video depends on, sorted.

    :func:`vizlab.gallery.deps.dependencies` of the scene file, less the core
    modules when nothing but the run bridges (:data:`BRIDGES`) reaches them.

    Parameters
    ----------
    scene : Path
        A scene file (``scenes/<name>.py``).
    package : Path, optional
        The vizlab package folder; default the one running.

    Returns
    -------
    list of str
        Dotted module names.
    """
    package = package or deps.PACKAGE
    files, _ = deps._graph(package)
    names = deps.dependencies(scene, package)
    lazy = lazy_producers(package)
    sources = [scene.read_text(encoding="utf-8")]
    sources += [
        files[n].read_text(encoding="utf-8")
        for n in names
        if n not in BRIDGES and not _is_producer(n)
    ]
    if any(calls_core(s, lazy) for s in sources):
        return names
    return [n for n in names if not _is_producer(n)]


def module_digest(scene: Path, package: Path | None = None) -> str:
    """sha256 (16 hex digits) over the names and bytes of :func:`scene_modules`."""
    package = package or deps.PACKAGE
    return deps.modules_digest(scene_modules(scene, package), package)


def _traces(run: Any) -> list[Any]:
    return list(run) if isinstance(run, list | tuple) else [run]


def trace_digest(trace: Any) -> str:
    """sha256 (16 hex digits) of a trace's contents: its header and every array.

    Array names, dtypes, shapes and bytes count; a list of traces (a producer
    that returns several) is digested in order.
    """
    h = hashlib.sha256()
    for t in _traces(trace):
        h.update(json.dumps(t.header, sort_keys=True).encode() + b"\0")
        for key in sorted(t.arrays):
            a = np.ascontiguousarray(t.arrays[key])
            h.update(f"{key}\0{a.dtype.str}\0{a.shape}\0".encode())
            h.update(memoryview(a).cast("B"))
    return h.hexdigest()[:16]


def run_digests(lesson: Any, traces: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """``{run: {"config": digest, "trace": digest}}`` of one lesson's runs.

    Parameters
    ----------
    lesson : Lesson
        The lesson (its quick variant in a quick build), for the config digests.
    traces : mapping of str to Trace or list of Trace
        What :func:`vizlab.lessons.run_lesson` returned for it.
    """
    return {
        run: {"config": lesson.config(run).digest(), "trace": trace_digest(trace)}
        for run, trace in traces.items()
    }


def timeline_digest(lesson: Any, traces: Mapping[str, Any]) -> str:
    """sha256 (16 hex digits) of the lesson's timeline spec and its timeline over every run."""
    h = hashlib.sha256(repr(lesson.timeline).encode())
    for run, trace in traces.items():
        for t in _traces(trace):
            timeline = lesson.timeline_for(t)
            h.update(f"{run}\0{timeline.fps}\0".encode())
            h.update(np.ascontiguousarray(timeline.rows, dtype=np.int64).tobytes())
    return h.hexdigest()[:16]


def renderer_versions() -> dict[str, str]:
    """Installed versions of :data:`RENDERER_DISTRIBUTIONS` (``"absent"`` when missing)."""
    found = {}
    for dist in RENDERER_DISTRIBUTIONS:
        try:
            found[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            found[dist] = "absent"
    return found


def theme_digest(package: Path | None = None) -> str:
    """sha256 (16 hex digits) of the lecture theme's files (:data:`THEME`)."""
    package = package or deps.PACKAGE
    h = hashlib.sha256()
    for rel in THEME:
        path = package / rel
        h.update(rel.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"") + b"\0")
    return h.hexdigest()[:16]


def video_parts(
    scene: Path,
    quality: str,
    quick: bool,
    runs: Sequence[tuple[Any, Mapping[str, Any]]],
    *,
    package: Path | None = None,
) -> dict[str, Any]:
    """Everything a scene's video depends on, as plain values (see the module docstring).

    Parameters
    ----------
    scene : Path
        The scene file.
    quality : str
        A key of :data:`vizlab.render.scenes.QUALITIES`.
    quick : bool
        The short version.
    runs : sequence of (Lesson, mapping of str to Trace)
        Every lesson the scene plays with its runs, in the scene's order.
    package : Path, optional
        The vizlab package folder; default the one running.

    Returns
    -------
    dict
        JSON-serialisable; :func:`video_key` digests it.
    """
    return {
        "scene": hashlib.sha256(Path(scene).read_bytes()).hexdigest()[:16],
        "modules": module_digest(Path(scene), package),
        "runs": [{"lesson": lesson.name, "runs": run_digests(lesson, t)} for lesson, t in runs],
        "timelines": [timeline_digest(lesson, t) for lesson, t in runs],
        "quality": quality,
        "quick": bool(quick),
        "versions": {**renderer_versions(), "theme": theme_digest(package)},
        "poster_before_end_s": POSTER_BEFORE_END_S,
    }


def video_key(parts: Mapping[str, Any]) -> str:
    """``"video-<20 hex digits>"``: the cache key of a video with these parts."""
    text = json.dumps(parts, sort_keys=True)
    return "video-" + hashlib.sha256(text.encode()).hexdigest()[:20]


def scene_key(name: str, quality: str, quick: bool) -> str:
    """The cache key of a scene's video now: its lessons' runs are trained or read from the cache.

    Parameters
    ----------
    name : str
        A scene name (see :func:`vizlab.render.scenes.list_scenes`).
    quality : str
    quick : bool
    """
    from vizlab import lessons
    from vizlab.gallery.lectures import scene_lessons
    from vizlab.render.scenes import find_scene

    path = find_scene(name).path
    runs = [
        (lessons.get(lesson, quick=quick), lessons.run_lesson(lesson, quick=quick))
        for lesson, _ in scene_lessons(path)
    ]
    return video_key(video_parts(path, quality, quick, runs))
