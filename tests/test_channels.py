"""One lesson, one run, the same moments in every channel.

* Every lesson's ``channels`` list exactly the files that use it, both ways:
  gallery examples, scenes and notebooks are parsed with :mod:`ast` for
  ``run_lesson("<name>", ...)`` / ``lessons.get("<name>", ...)`` and widget
  presets (``presets.scrubber("<name>", ...)``).
* A lesson shown both as a lecture video and on a gallery page: both files
  take their runs from the lesson and their frame -> step map from
  ``lesson.timeline_for``, never from a config or a timeline of their own;
  and, in the built quick site and the rendered quick scene, the page's stamps
  and video timeline are the scene's (same run digests, same timeline digest).
* No page of the built site contains a path of the machine that built it;
  the lecture page's commands are relative to the repository.
"""

from __future__ import annotations

import ast
import json
import re
import tempfile
from pathlib import Path

import pytest

from vizlab import cache, lessons
from vizlab.gallery import lectures
from vizlab.widgets.presets import PRESETS

pytest_plugins = ["gallery_fixture"]

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "gallery" / "examples"
STAMP = re.compile(r"lesson ([a-z0-9_]+) · run ([0-9a-f]{8})")
# What a channel file may not do: train, or build a timeline, on its own.
OWN_RUNS = {"train", "descend", "sweep", "minibatch_descent", "penalty_descent"}
OWN_TIMELINES = {"build", "for_trace", "paced"}


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            owner = getattr(f.value, "id", "") if isinstance(f, ast.Attribute) else ""
            yield name, owner, node


def lessons_used(source: str) -> dict[str, set[str]]:
    """``{lesson name: {"run"|"get"|preset}}`` for every lesson call in ``source``."""
    found: dict[str, set[str]] = {}
    for name, owner, node in _calls(ast.parse(source)):
        first = node.args[0] if node.args else None
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            continue
        if name == "run_lesson" or (name == "get" and owner == "lessons"):
            found.setdefault(first.value, set()).add(name)
        elif name in PRESETS and owner == "presets":
            found.setdefault(first.value, set()).add(name)
    return found


def _notebook_source(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    lines = [ln for src in code for ln in src.splitlines() if not ln.lstrip().startswith("%")]
    return "\n".join(lines)


def channel_files() -> dict[str, tuple[Path, str]]:
    """``{"gallery:<section>/<stem>" | "scene:<stem>" | "notebook:<stem>": (path, source)}``."""
    files = {}
    for p in sorted(EXAMPLES.glob("*/*.py")):
        files[f"gallery:{p.parent.name}/{p.stem}"] = (p, p.read_text(encoding="utf-8"))
    for p in sorted((ROOT / "scenes").glob("*.py")):
        files[f"scene:{p.stem}"] = (p, p.read_text(encoding="utf-8"))
    for p in sorted((ROOT / "notebooks").glob("*.ipynb")):
        files[f"notebook:{p.stem}"] = (p, _notebook_source(p))
    return files


def used_channels() -> dict[str, set[str]]:
    """Lesson name -> the channels whose files use it (presets add ``widget:<preset>``)."""
    used: dict[str, set[str]] = {}
    for channel, (_, source) in channel_files().items():
        for lesson, how in lessons_used(source).items():
            used.setdefault(lesson, set()).add(channel)
            used[lesson].update(f"widget:{h}" for h in how if h in PRESETS)
    return used


# ------------------------------------------------------------------ the parser itself
def test_the_parser_finds_lesson_calls_and_nothing_else():
    source = (
        "from vizlab import lessons\n"
        "from vizlab.widgets import presets\n"
        'traces = lessons.run_lesson("xor_boundary", quick=True)\n'
        'lesson = lessons.get("moons_boundary", quick=True)\n'
        'presets.scrubber("hidden_units", "net")\n'
        'config.get("lr")\n'
        "lessons.run_lesson(name)\n"
    )
    assert lessons_used(source) == {
        "xor_boundary": {"run_lesson"},
        "moons_boundary": {"get"},
        "hidden_units": {"scrubber"},
    }


# ------------------------------------------------------------------ declared == used
def test_every_channel_file_names_only_known_lessons():
    known = set(lessons.names())
    for channel, (_, source) in channel_files().items():
        unknown = set(lessons_used(source)) - known
        assert not unknown, f"{channel} uses unknown lesson(s) {sorted(unknown)}"


@pytest.mark.parametrize("name", lessons.names())
def test_declared_channels_are_the_files_that_use_the_lesson(name):
    declared = set(lessons.get(name).channels)
    used = used_channels().get(name, set())
    assert declared - used == set(), f"{name} declares channels that do not use it"
    assert used - declared == set(), f"{name} is used by channels it does not declare"


def test_every_example_scene_and_notebook_of_the_first_wave_uses_a_lesson():
    files = channel_files()
    first_wave = [
        c
        for c in files
        if re.match(r"gallery:0[1-5]_", c)
        or re.match(r"notebook:0[1-6]_", c)
        or c
        in {
            f"scene:{s}"
            for s in (
                "activations",
                "dropout",
                "gradient_descent",
                "hidden_space",
                "learning_rates",
                "moons_boundary",
                "optimizer_race",
                "regularization",
                "surface_descent",
                "xor_boundary",
            )
        }
    ]
    assert len(first_wave) == 24 + 6 + 10
    without = [c for c in first_wave if not lessons_used(files[c][1])]
    assert without == []


# ------------------------------------------------------------------ scene == page
def _shared_lessons() -> list[tuple[str, str, str]]:
    """(lesson, scene stem, gallery channel) for lessons with a video and a page."""
    out = []
    for lesson in lessons.all_lessons():
        scenes, pages = lesson.shown_in("scene"), lesson.shown_in("gallery")
        for scene in scenes:
            out.append((lesson.name, scene, pages[0] if pages else ""))
    return [t for t in out if t[2]]


SHARED = _shared_lessons()


def test_some_lessons_are_shown_as_video_and_page():
    names = {name for name, _, _ in SHARED}
    assert {"xor_boundary", "moons_boundary", "descent_1d", "optimizer_race"} <= names


@pytest.mark.parametrize("name, scene, page", SHARED, ids=[s[0] for s in SHARED])
def test_scene_and_page_take_runs_and_timeline_from_the_lesson(name, scene, page):
    files = channel_files()
    for channel in (f"scene:{scene}", f"gallery:{page}"):
        assert channel in files, f"{name} declares {channel}, but there is no such file"
        path, source = files[channel]
        tree = ast.parse(source)
        calls = list(_calls(tree))
        assert any(n == "run_lesson" for n, _, _ in calls), f"{channel}: no run_lesson"
        own = [n for n, o, _ in calls if n in OWN_RUNS and o == "vizlab"]
        own += [n for n, _, _ in calls if n.startswith("cached_")]
        assert not own, f"{channel} trains runs of its own: {own}"
        timelines = [n for n, o, _ in calls if n in OWN_TIMELINES and o == "Timeline"]
        timelines += [n for n, _, _ in calls if n == "Timeline"]
        timelines += [n for n, _, node in calls if n == "timeline" and not node.args]
        assert not timelines, f"{channel} builds its own timeline: {timelines}"
        animates = any(n in ("video", "lesson_stamp", "Clock") for n, _, _ in calls)
        if animates:
            assert any(n == "timeline_for" for n, _, _ in calls), f"{channel}: no timeline_for"
        assert any(n in ("stamp", "lesson_stamp") for n, _, _ in calls), f"{channel}: no stamp"


def _page_html(site: Path, page: str) -> str:
    return (site / "auto_examples" / f"{page}.html").read_text(encoding="utf-8")


@pytest.mark.video
@pytest.mark.parametrize("name, scene, page", SHARED, ids=[s[0] for s in SHARED])
def test_video_and_page_show_the_same_runs_at_the_same_moments(name, scene, page, gallery_site):
    pytest.importorskip("manim")
    from vizlab.render.scenes import render

    html = _page_html(gallery_site, page)
    page_runs = {d for lesson, d in STAMP.findall(html) if lesson == name}
    page_timelines = set(re.findall(r'data-timeline="([0-9a-f]{8})"', html))
    quick = lessons.get(name, quick=True)
    assert page_runs and page_runs <= {quick.digest(r) for r in quick.runs}

    with tempfile.TemporaryDirectory() as tmp:
        done = render(scene, "tiny", tmp, last_frame_only=True, progress=False, quick=True)
    shown = [s for s in getattr(done.scene, "vizlab_shown", []) if s["lesson"] == name]
    assert shown, f"scene {scene} shows no stamp of {name}"
    for s in shown:
        assert set(s["runs"].values()) <= page_runs, (s["runs"], page_runs)
        assert s["runs"] == {r: quick.digest(r) for r in s["runs"]}
        if page_timelines:  # a page with a video plays the scene's frame -> step map
            assert s["timeline"] in page_timelines, (s["timeline"], page_timelines)
    # the lecture page states the stamp the video shows
    lecture_page = (gallery_site / "lectures.html").read_text(encoding="utf-8")
    for s in shown:
        assert quick.stamp(*s["runs"]) in lecture_page


# ------------------------------------------------------------------ no machine paths
def test_lecture_page_commands_are_relative_to_the_repository():
    from vizlab.render.scenes import list_scenes

    text = lectures.page(list_scenes(), "medium", quick=False)
    assert "manim -qm scenes/xor_boundary.py XorBoundary" in text
    assert "lesson xor_boundary · run " in text
    assert str(ROOT) not in text and str(Path.home()) + "/" not in text
    quick_text = lectures.page(list_scenes(), "tiny", quick=True)
    assert "VIZLAB_SCENE_QUICK=1 manim -ql -r 160,90 --fps 10 scenes/moons_boundary.py" in (
        quick_text
    )


def machine_paths() -> list[str]:
    """Paths of this machine a published page must never contain."""
    paths = {str(ROOT), str(ROOT.resolve()), str(cache.cache_dir().resolve())}
    paths.add(str(Path(tempfile.gettempdir()).resolve()) + "/")
    home = Path.home()
    if str(home) not in ("/", ""):
        paths.add(str(home) + "/")
    return sorted(paths)


def test_built_site_contains_no_path_of_the_build_machine(gallery_site):
    suffixes = {".html", ".txt", ".js", ".ipynb", ".py", ".rst", ".json", ".xml", ".css"}
    files = [p for p in gallery_site.rglob("*") if p.is_file() and p.suffix in suffixes]
    assert len(files) > 30
    needles = machine_paths()
    found = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [f"{path.relative_to(gallery_site)}: {n}" for n in needles if n in text]
    assert found == []


# ------------------------------------------------------------------ widget presets
def test_widget_presets_open_on_the_lessons_run(tmp_path, monkeypatch):
    pytest.importorskip("ipywidgets")
    import numpy as np

    from vizlab.widgets import presets

    monkeypatch.setenv("VIZLAB_CACHE_DIR", str(tmp_path))
    ex = presets.explorer("lr_regimes", "too small")
    config = lessons.get("lr_regimes").config("too small")
    state = ex.state()
    assert (state["landscape"], state["optimizer"], state["lr"], state["steps"]) == (
        config.landscape,
        config.optimizer,
        config.lr,
        config.steps,
    )
    run = lessons.run_lesson("lr_regimes")["too small"]
    np.testing.assert_allclose(ex.trace["point/xy"], run["point/xy"])
    with pytest.raises(ValueError, match="needs a RunConfig"):
        presets.playground("lr_regimes", "too small")
    with pytest.raises(KeyError, match="has no run 'nope'"):
        presets.explorer("lr_regimes", "nope")
