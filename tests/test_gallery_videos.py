"""A lecture video is re-rendered when something it shows changed, and only then.

The key (:mod:`vizlab.gallery.videos`) is checked on a small fake package and
scene files in a temporary folder, with small hand-made traces; the cache and
the render queue (:mod:`vizlab.gallery.lectures`) with a stand-in for manim
that writes a three-frame video, so no real scene is rendered here.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from vizlab import Trace, lessons
from vizlab.gallery import deps, lectures, videos

FAKE = {
    "__init__.py": (
        'from vizlab.trace import Trace\n_LAZY = {"train": "vizlab.core.train", '
        '"Timeline": "vizlab.timeline"}\n'
    ),
    "trace.py": "X = 1\n",
    "cache.py": "from importlib import import_module\nM = 'vizlab.core.train'\n",
    "core/__init__.py": "",
    "core/train.py": "from vizlab.trace import Trace\n",
    "lessons/__init__.py": "from vizlab import cache\n",
    "render/__init__.py": "",
    "render/colors.py": "INK = '#222'\n",
    "render/field.py": "from vizlab.render.colors import INK\n",
    "render/dropout.py": "P = 0.5\n",
    "render/style.py": "PAPER = '#fff'\n",
    "render/mobjects/__init__.py": "",
    "render/mobjects/theme.py": "FONT = 'DejaVu Sans'\n",
    "gallery/__init__.py": "",
    "gallery/build.py": "import vizlab.render.dropout\n",
}
SCENES = {
    # plays runs: the core reaches it only through vizlab.lessons -> vizlab.cache
    "field_scene.py": "from vizlab import lessons\nfrom vizlab.render.field import INK\n",
    # calls a core function itself
    "core_scene.py": "import vizlab\nT = vizlab.train\n",
    # names a lazy name that is not the core's
    "timeline_scene.py": "from vizlab import Timeline, lessons\n",
}


@pytest.fixture
def fake(tmp_path) -> Path:
    for rel, text in FAKE.items():
        path = tmp_path / "vizlab" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for rel, text in SCENES.items():
        (tmp_path / "scenes").mkdir(exist_ok=True)
        (tmp_path / "scenes" / rel).write_text(text)
    deps.clear()
    yield tmp_path
    deps.clear()


def _trace(n: int = 30, shift: float = 0.0) -> Trace:
    loss = np.exp(-np.arange(n) / 5.0) + shift
    return Trace({"scalar/step": np.arange(n), "scalar/loss_train": loss.astype(np.float32)})


def _key(root: Path, scene: str = "field_scene.py", **changes) -> str:
    args = {
        "quality": "tiny",
        "quick": True,
        "runs": [(lessons.get("moons_boundary", quick=True), {"net": _trace()})],
    }
    args.update(changes)
    pkg = root / "vizlab"
    deps.clear()
    return videos.video_key(videos.video_parts(root / "scenes" / scene, package=pkg, **args))


def _edit(root: Path, rel: str, extra: str = "\nEDITED = 1\n") -> None:
    path = root / "vizlab" / rel
    path.write_text(path.read_text() + extra)


def test_scene_modules_leave_out_the_core_reached_only_through_runs(fake):
    pkg, scenes = fake / "vizlab", fake / "scenes"
    modules = videos.scene_modules(scenes / "field_scene.py", pkg)
    assert "vizlab.render.field" in modules and "vizlab.render.colors" in modules
    assert "vizlab.cache" in modules and "vizlab.lessons" in modules
    assert "vizlab.render.dropout" not in modules
    assert not [m for m in modules if m.startswith("vizlab.core")]
    # deps.py's own analysis does reach the core (through the lazy map and the cache)
    assert "vizlab.core.train" in deps.dependencies(scenes / "field_scene.py", pkg)
    assert "vizlab.core.train" in videos.scene_modules(scenes / "core_scene.py", pkg)
    assert "vizlab.core.train" not in videos.scene_modules(scenes / "timeline_scene.py", pkg)


@pytest.mark.parametrize(
    "source, expected",
    [
        ("from vizlab import train\n", True),
        ("import vizlab\nvizlab.train(1)\n", True),
        ("from vizlab.core import train\n", True),
        ("import vizlab.core.train\n", True),
        ("from vizlab import lessons, Timeline\n", False),
        ("import vizlab\nvizlab.Timeline\n", False),
        ("train = 1\n", False),
    ],
)
def test_calls_core(source, expected):
    assert videos.calls_core(source, frozenset({"train"})) is expected


def test_lazy_producers_read_from_the_package(fake):
    assert videos.lazy_producers(fake / "vizlab") == frozenset({"train"})


def test_key_changes_with_a_module_the_scene_uses(fake):
    before = _key(fake)
    _edit(fake, "render/field.py")
    after_direct = _key(fake)
    assert after_direct != before
    _edit(fake, "render/colors.py")  # imported by render/field.py only
    assert _key(fake) != after_direct


def test_key_ignores_modules_the_scene_does_not_use(fake):
    before = _key(fake)
    for rel in ("render/dropout.py", "gallery/build.py", "core/train.py"):
        _edit(fake, rel)
        assert _key(fake) == before, rel


def test_core_edit_rerenders_a_scene_that_calls_the_core(fake):
    before = _key(fake, "core_scene.py")
    _edit(fake, "core/train.py")
    assert _key(fake, "core_scene.py") != before


def test_key_changes_with_the_scene_file(fake):
    before = _key(fake)
    (fake / "scenes" / "field_scene.py").write_text(SCENES["field_scene.py"] + "# edited\n")
    assert _key(fake) != before


def test_key_changes_with_the_runs_and_their_timeline(fake):
    lesson = lessons.get("moons_boundary", quick=True)
    before = _key(fake)
    assert _key(fake, runs=[(lesson, {"net": _trace()})]) == before  # equal contents
    assert _key(fake, runs=[(lesson, {"net": _trace(shift=1e-6)})]) != before
    assert _key(fake, runs=[(lesson, {"net": _trace(n=31)})]) != before
    slower = dataclasses.replace(lesson, timeline=dataclasses.replace(lesson.timeline, frames=5))
    assert (
        slower.timeline_for(_trace()).rows.tolist() != lesson.timeline_for(_trace()).rows.tolist()
    )
    assert _key(fake, runs=[(slower, {"net": _trace()})]) != before
    # the same trace under another config digest (what the stamp shows) is another video
    other = lessons.get("xor_boundary", quick=True)
    renamed = dataclasses.replace(lesson, runs={"net": other.config("mlp")})
    assert _key(fake, runs=[(renamed, {"net": _trace()})]) != before


def test_key_changes_with_quality_theme_and_renderer_versions(fake, monkeypatch):
    before = _key(fake)
    assert _key(fake, quality="medium") != before
    assert _key(fake, quick=False) != before
    _edit(fake, "render/mobjects/theme.py")  # not imported by the scene: still its look
    themed = _key(fake)
    assert themed != before
    monkeypatch.setattr(videos, "renderer_versions", lambda: {"manim": "99.0"})
    assert _key(fake) != themed


def test_trace_digest_reads_contents():
    a, b = _trace(), _trace()
    assert videos.trace_digest(a) == videos.trace_digest(b)
    assert videos.trace_digest([a, b]) != videos.trace_digest(a)
    flipped = Trace(
        {k: v.astype(np.float64) if k == "scalar/loss_train" else v for k, v in a.arrays.items()}
    )
    assert videos.trace_digest(flipped) != videos.trace_digest(a)


def _fake_manim(calls: list[str], fail: bool = False):
    """A stand-in for render_scene: a three-frame 32x32 MP4, or an error halfway."""
    import av

    def render_scene(name, quality, out_dir, progress, quick, cache_dir):
        calls.append(name)
        path = Path(out_dir) / f"{name}.mp4"
        with av.open(str(path), "w") as out:
            stream = out.add_stream("mpeg4", rate=10)
            stream.width = stream.height = 32
            stream.pix_fmt = "yuv420p"
            for i in range(3):
                rgb = np.full((32, 32, 3), 80 * i, dtype=np.uint8)
                frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
                for packet in stream.encode(frame):
                    out.mux(packet)
                if fail and i == 1:
                    raise RuntimeError("manim fell over")
            for packet in stream.encode():
                out.mux(packet)
        return path

    return render_scene


def test_render_video_caches_whole_files_only(tmp_path, monkeypatch):
    import vizlab.render.scenes as scenes

    monkeypatch.setenv("VIZLAB_CACHE_DIR", str(tmp_path / "runs"))
    calls: list[str] = []
    monkeypatch.setattr(scenes, "render_scene", _fake_manim(calls, fail=True))
    with pytest.raises(RuntimeError, match="fell over"):
        lectures.render_video("demo", "video-abc", "tiny", True)
    assert lectures.cached_video("video-abc") is None
    assert list(lectures.video_dir().iterdir()) == []  # nothing half-written left behind

    monkeypatch.setattr(scenes, "render_scene", _fake_manim(calls))
    mp4 = lectures.render_video("demo", "video-abc", "tiny", True)
    assert mp4 == lectures.video_dir() / "video-abc.mp4" == lectures.cached_video("video-abc")
    assert mp4.with_suffix(".png").is_file()
    assert sorted(p.name for p in lectures.video_dir().iterdir()) == [
        "video-abc.mp4",
        "video-abc.png",
    ]
    assert lectures.render_video("demo", "video-abc", "tiny", True) == mp4
    assert calls == ["demo", "demo"]  # the failed try and the one render; the third was cached


def test_renders_start_nothing_when_every_video_is_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("VIZLAB_CACHE_DIR", str(tmp_path / "runs"))
    folder = lectures.video_dir()
    folder.mkdir(parents=True)
    keys = {"a": "video-1", "b": "video-2"}
    for key in keys.values():
        (folder / f"{key}.mp4").write_bytes(b"video")
    renders = lectures.Renders(["a", "b"], "tiny", True, workers=2, keys=keys)
    assert renders.missing == [] and renders._threads == []
    assert renders.wait() == {n: folder / f"{k}.mp4" for n, k in keys.items()}


def test_renders_queue_the_slowest_first(tmp_path, monkeypatch):
    monkeypatch.setenv("VIZLAB_CACHE_DIR", str(tmp_path / "runs"))
    lectures._save_times({"a/tiny/quick": 1.0, "b/tiny/quick": 9.0})
    monkeypatch.setattr(lectures.Renders, "_work", lambda self: None)  # no processes
    renders = lectures.Renders(
        ["a", "b", "c"],
        "tiny",
        True,
        workers=1,
        keys={"a": "video-1", "b": "video-2", "c": "video-3"},
    )
    # c never rendered: unknown time goes first; then the slower of the two
    assert renders._queue == ["c", "b", "a"]


def test_processes_rendering_at_once_get_their_own_manim_folder(tmp_path):
    with lectures.manim_slot(tmp_path) as first, lectures.manim_slot(tmp_path) as second:
        assert first != second
        assert first.parent == second.parent == tmp_path
    with lectures.manim_slot(tmp_path) as again:
        assert again == first  # released: its text and LaTeX caches are reused


def test_lecture_poster_is_the_held_end_state(tmp_path):
    """The poster is the frame one second before the end: the end state a lecture holds."""
    av = pytest.importorskip("av")
    fps, seconds = 10, 4
    mp4 = tmp_path / "lecture.mp4"
    with av.open(str(mp4), "w") as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width = stream.height = 32
        stream.pix_fmt = "yuv420p"
        for i in range(fps * seconds):
            # 3 s of a dark picture, then the end state (bright) held for 1 s
            value = 30 if i < fps * (seconds - 1) - 1 else 220
            rgb = np.full((32, 32, 3), value, dtype=np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    from PIL import Image

    poster = lectures.poster_of(mp4)
    assert poster == mp4.with_suffix(".png")
    assert abs(float(np.asarray(Image.open(poster).convert("L")).mean()) - 220) < 12
    # taken two seconds before the end instead, it would be the dark picture
    early = tmp_path / "early.mp4"
    early.write_bytes(mp4.read_bytes())
    shown = np.asarray(Image.open(lectures.poster_of(early, before_end=2.0)).convert("L"))
    assert abs(float(shown.mean()) - 30) < 12
