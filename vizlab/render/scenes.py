"""The lecture scenes in ``scenes/``: list them and render one, in-process.

Every file ``scenes/<name>.py`` holds one manim Scene class for one lecture
segment; the class docstring's first line describes it. ``list_scenes()``
reads them without importing manim; ``render_scene("moons_boundary",
quality="medium")`` renders one and returns the MP4 (or, with
``last_frame_only``, the PNG of its last frame). The same scene renders with
the plain manim command, e.g. ``manim -qm scenes/moons_boundary.py
MoonsBoundary`` (see :func:`manim_command`).

Scenes read two settings from the environment, which :func:`render_scene`
sets for the duration of a render:

``VIZLAB_SCENE_QUICK=1``
    Few steps and frames (what CI renders at the tiny size), see :func:`quick`.
``VIZLAB_TRACE=path.npz``
    Use this saved trace instead of computing one, see :func:`saved_trace`.

Nothing here imports manim or torch until a scene is rendered.
"""

from __future__ import annotations

import ast
import contextlib
import importlib.util
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from vizlab.trace import Trace

#: quality -> (pixel width, pixel height, frames per second, manim's quality flag)
QUALITIES = {
    "tiny": (160, 90, 10, "l"),
    "low": (854, 480, 15, "l"),
    "medium": (1280, 720, 30, "m"),
    "high": (1920, 1080, 60, "h"),
}
QUICK_ENV = "VIZLAB_SCENE_QUICK"
TRACE_ENV = "VIZLAB_TRACE"
SCENES_ENV = "VIZLAB_SCENES_DIR"
_SCENE_BASES = {
    "Scene",
    "ThreeDScene",
    "MovingCameraScene",
    "FieldScene",
    "LectureScene",
    "LectureThreeDScene",
}


def scenes_dir() -> Path:
    """The folder holding the scene files.

    ``$VIZLAB_SCENES_DIR`` if set; else the repository's ``scenes/`` when
    vizlab runs from a source checkout; else the copy an installed package
    carries in ``vizlab/scenes_data/`` (made by the package build).
    """
    env = os.environ.get(SCENES_ENV)
    if env:
        return Path(env)
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").is_file() and (checkout / "scenes").is_dir():
        return checkout / "scenes"
    return Path(__file__).resolve().parents[1] / "scenes_data"


def quick() -> bool:
    """True when a scene should run its short version (``VIZLAB_SCENE_QUICK`` set, not 0)."""
    return os.environ.get(QUICK_ENV, "").strip() not in ("", "0")


def saved_trace() -> Trace | None:
    """The trace named by ``$VIZLAB_TRACE`` (loaded), or None when unset."""
    path = os.environ.get(TRACE_ENV)
    return Trace.load(path) if path else None


@dataclass(frozen=True)
class SceneFile:
    """One scene: its registry name, class, file and one-line description."""

    name: str
    class_name: str
    path: Path
    description: str


def _scene_files(folder: Path | None = None) -> list[SceneFile]:
    folder = folder or scenes_dir()
    if not folder.is_dir():
        raise ValueError(f"no scenes folder at {str(folder)!r} (set {SCENES_ENV})")
    found = []
    for path in sorted(folder.glob("*.py")):
        if path.name.startswith("_"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in tree.body:
            if not isinstance(node, ast.ClassDef):
                continue
            bases = {getattr(b, "id", getattr(b, "attr", "")) for b in node.bases}
            if bases & _SCENE_BASES:
                doc = (ast.get_docstring(node) or "").strip().splitlines()
                found.append(SceneFile(path.stem, node.name, path, doc[0] if doc else ""))
                break
    return found


def list_scenes() -> list[tuple[str, str]]:
    """``(name, description)`` of every scene in ``scenes/``, sorted by name."""
    return [(s.name, s.description) for s in _scene_files()]


def find_scene(name: str) -> SceneFile:
    """The scene called ``name`` (file stem like ``"xor_boundary"`` or class like ``"XorBoundary"``)."""
    scenes = _scene_files()
    for s in scenes:
        if name in (s.name, s.class_name):
            return s
    known = ", ".join(s.name for s in scenes)
    raise ValueError(f"unknown scene {name!r}; choose one of: {known}")


def manim_command(name: str, quality: str = "low") -> str:
    """The equivalent plain manim command line for a scene."""
    if quality not in QUALITIES:
        raise ValueError(f"quality must be one of {', '.join(QUALITIES)}; got {quality!r}")
    s = find_scene(name)
    w, h, fps, flag = QUALITIES[quality]
    size = f" -r {w},{h} --fps {fps}" if quality == "tiny" else ""
    env = f"{QUICK_ENV}=1 " if quality == "tiny" else ""
    return f"{env}manim -q{flag}{size} {s.path} {s.class_name}"


def manim_config(
    output_name: str,
    quality: str,
    out_dir: str | os.PathLike,
    *,
    last_frame_only: bool = False,
    progress: bool = True,
    cache_dir: str | os.PathLike | None = None,
) -> dict:
    """manim config overrides (for ``manim.tempconfig``) that write ``<out_dir>/<output_name>.mp4``.

    Videos are encoded with x264's ``veryfast`` preset: several times cheaper
    per frame than manim's default (``medium``) at the same quality setting
    (crf 23), at the price of somewhat larger files.
    """
    if quality not in QUALITIES:
        raise ValueError(f"quality must be one of {', '.join(QUALITIES)}; got {quality!r}")
    width, height, fps, _ = QUALITIES[quality]
    out = Path(out_dir).resolve()
    # One media cache per quality: manim keys its text cache by the text and its
    # style, not by the frame's pixel size, and Pango wraps a line at the pixel
    # width, so a text first laid out for a tiny test render would come back
    # wrapped in every later 720p lecture video.
    media = (Path(cache_dir).resolve() if cache_dir is not None else out / "manim") / quality
    return {
        "pixel_width": width,
        "pixel_height": height,
        "frame_rate": fps,
        "media_dir": str(media),
        "video_dir": str(out),
        "images_dir": str(out),
        "partial_movie_dir": str(out / "partial" / output_name),
        "output_file": output_name,
        "save_last_frame": bool(last_frame_only),
        "write_to_movie": not last_frame_only,
        "disable_caching": True,
        "progress_bar": "display" if progress else "none",
        "verbosity": "WARNING",
        "preview": False,
        "video_encoder_options": {"preset": "veryfast"},
    }


@contextlib.contextmanager
def _environ(**values: str | None) -> Iterator[None]:
    old = {k: os.environ.get(k) for k in values}
    try:
        for k, v in values.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _load_class(scene: SceneFile):
    module_name = f"vizlab_scene_{scene.name}"
    spec = importlib.util.spec_from_file_location(module_name, scene.path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return getattr(module, scene.class_name)


@dataclass(frozen=True)
class Rendered:
    """What :func:`render` made: the file, and the manim Scene that made it (for checks)."""

    path: Path
    scene: object

    @property
    def seconds(self) -> float:
        """Total animation time the scene played (the video's expected duration)."""
        return float(self.scene.renderer.time)


def render_scene(
    name: str,
    quality: str = "low",
    out_dir: str | os.PathLike = "media",
    last_frame_only: bool = False,
    progress: bool = True,
    *,
    trace: str | os.PathLike | None = None,
    quick: bool | None = None,
    cache_dir: str | os.PathLike | None = None,
) -> Path:
    """Render one scene with manim, in this process; return the MP4 (or PNG) path.

    Parameters
    ----------
    name : str
        A name from :func:`list_scenes` (or the scene's class name).
    quality : {"tiny", "low", "medium", "high"}
        160x90 at 10 fps (CI), 854x480 at 15, 1280x720 at 30, 1920x1080 at 60.
    out_dir : path
        Where the MP4 / PNG goes, as ``<out_dir>/<name>.mp4`` (or ``.png``).
    last_frame_only : bool
        Write only the last frame as a PNG (fast; animations are skipped).
    progress : bool
        Show manim's progress bar (one per phase: a phase is one ``play()``).
    trace : path, optional
        A saved ``.npz`` trace for scenes that accept one (``VIZLAB_TRACE``).
    quick : bool, optional
        The short version of the scene; default: only for ``"tiny"``.
    cache_dir : path, optional
        manim's media folder for its LaTeX/text caches (``<out_dir>/manim`` by default).

    Returns
    -------
    Path
        The written MP4 or PNG.

    Raises
    ------
    ValueError
        For an unknown scene or quality, or a missing trace file.
    ImportError
        When manim is not installed (with the extra to install).
    """
    return render(
        name,
        quality,
        out_dir,
        last_frame_only,
        progress,
        trace=trace,
        quick=quick,
        cache_dir=cache_dir,
    ).path


def render(
    name: str,
    quality: str = "low",
    out_dir: str | os.PathLike = "media",
    last_frame_only: bool = False,
    progress: bool = True,
    *,
    trace: str | os.PathLike | None = None,
    quick: bool | None = None,
    cache_dir: str | os.PathLike | None = None,
    check_frames: bool = False,
) -> Rendered:
    """:func:`render_scene`, returning the path together with the rendered Scene.

    A frame that shows what the frame before it showed is written again, not
    drawn (:func:`vizlab.render.mobjects.frames.reuse_unchanged_frames`);
    ``check_frames=True`` draws it anyway and raises if it differs. The
    scene's ``frames`` attribute counts both (``drawn``, ``reused``).
    """
    if quality not in QUALITIES:
        raise ValueError(f"quality must be one of {', '.join(QUALITIES)}; got {quality!r}")
    scene = find_scene(name)
    if trace is not None and not Path(trace).is_file():
        raise ValueError(f"no trace file at {str(trace)!r}")
    try:
        from manim import tempconfig
    except ImportError as exc:
        from vizlab.render.mobjects import INSTALL_HINT

        raise ImportError(INSTALL_HINT) from exc

    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    settings = manim_config(
        scene.name,
        quality,
        out,
        last_frame_only=last_frame_only,
        progress=progress,
        cache_dir=cache_dir,
    )
    quick = quality == "tiny" if quick is None else bool(quick)
    with _environ(
        **{
            QUICK_ENV: "1" if quick else None,
            TRACE_ENV: str(Path(trace).resolve()) if trace is not None else None,
        }
    ):
        cls = _load_class(scene)
        with tempconfig(settings):
            instance = cls()
            from vizlab.render.mobjects.frames import reuse_unchanged_frames

            instance.frames = reuse_unchanged_frames(instance, check=check_frames)
            instance.render()
            writer = instance.renderer.file_writer
            path = writer.image_file_path if last_frame_only else writer.movie_file_path
    return Rendered(Path(path), instance)
