"""An example re-runs when vizlab code it uses changes, and only then."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vizlab.gallery import deps
from vizlab.gallery.site import EXAMPLE_DIGESTS, stale_examples

FAKE = {
    "__init__.py": 'from vizlab.trace import Trace\n_LAZY = {"train": "vizlab.core.train"}\n',
    "trace.py": "X = 1\n",
    "core/__init__.py": "",
    "core/train.py": "from vizlab.trace import Trace\n",
    "render/__init__.py": "",
    "render/base.py": "Y = 1\n",
    "render/a.py": "def draw_a():\n    from .base import Y\n    return Y\n",
    "render/b.py": "from vizlab.render import base\n",
    "gallery/__init__.py": "",
    "gallery/build.py": "import vizlab.render.a\n",
}
EXAMPLES = {
    "one/plot_a.py": "import vizlab\nfrom vizlab.render.a import draw_a\n",
    "two/plot_b.py": "from vizlab.render.b import base\n",
}


@pytest.fixture
def fake(tmp_path) -> Path:
    pkg = tmp_path / "vizlab"
    for rel, text in FAKE.items():
        (pkg / rel).parent.mkdir(parents=True, exist_ok=True)
        (pkg / rel).write_text(text)
    examples = tmp_path / "work" / "src" / "examples"
    for rel, text in EXAMPLES.items():
        (examples / rel).parent.mkdir(parents=True, exist_ok=True)
        (examples / rel).write_text(text)
    deps.clear()
    yield tmp_path
    deps.clear()


def test_dependencies_follow_imports_lazy_names_and_parents(fake):
    examples, pkg = fake / "work" / "src" / "examples", fake / "vizlab"
    # plot_a: vizlab (whose lazy map names core.train, which imports trace), render.a,
    # render.a's function-level relative import of render.base, and the parents.
    assert deps.dependencies(examples / "one/plot_a.py", pkg) == [
        "vizlab",
        "vizlab.core",
        "vizlab.core.train",
        "vizlab.render",
        "vizlab.render.a",
        "vizlab.render.base",
        "vizlab.trace",
    ]
    assert "vizlab.render.a" not in deps.dependencies(examples / "two/plot_b.py", pkg)
    assert "vizlab.render.b" in deps.dependencies(examples / "two/plot_b.py", pkg)


def _md5s(work: Path) -> dict[str, Path]:
    md5s = {}
    for rel in EXAMPLES:
        md5 = work / "src" / "auto_examples" / f"{rel}.md5"
        md5.parent.mkdir(parents=True, exist_ok=True)
        md5.write_text("built")
        md5s[rel] = md5
    return md5s


def test_only_examples_using_changed_code_go_stale(fake):
    work, pkg = fake / "work", fake / "vizlab"
    assert stale_examples(work, pkg) == sorted(EXAMPLES)  # nothing recorded: all run
    assert sorted(json.loads((work / EXAMPLE_DIGESTS).read_text())) == sorted(EXAMPLES)

    md5s = _md5s(work)
    assert stale_examples(work, pkg) == []  # nothing changed
    assert all(p.is_file() for p in md5s.values())

    (pkg / "render/a.py").write_text(FAKE["render/a.py"] + "# changed\n")
    assert stale_examples(work, pkg) == ["one/plot_a.py"]
    assert not md5s["one/plot_a.py"].exists() and md5s["two/plot_b.py"].is_file()
    # The next build finds the new digest recorded, and no stamp: sphinx-gallery runs it.
    assert stale_examples(work, pkg) == []

    md5s = _md5s(work)
    (pkg / "gallery/build.py").write_text("# build machinery only\n")
    assert stale_examples(work, pkg) == []

    (pkg / "render/base.py").write_text("Y = 2\n")  # used by both
    assert stale_examples(work, pkg) == sorted(EXAMPLES)
    assert not any(p.exists() for p in md5s.values())


def test_real_examples_depend_on_their_renderers():
    examples = Path(__file__).resolve().parents[1] / "gallery" / "examples"
    slider = deps.dependencies(examples / "03_boundaries" / "plot_lr_slider.py")
    assert "vizlab.render.boundary" in slider and "vizlab.render.static_slider" in slider
    assert "vizlab.render.dropout" not in slider
    assert not set(slider) & deps.NOT_OUTPUT
