"""Layering: renderers and lesson consumers never import the training core or torch.

Every Python file under ``vizlab/render``, ``vizlab/widgets``,
``vizlab/gallery``, ``gallery/examples`` and ``scenes`` (and every code
cell of ``notebooks/``) is parsed with :mod:`ast`; its imports, wherever they
sit (module level or inside a function), may not name ``vizlab.core`` or
``torch``. What a consumer needs from the core is public on purpose in
:mod:`vizlab` (``vizlab.LiveRun``, ``vizlab.sweep_grid``, ...) or torch-free
(:mod:`vizlab.worked`, :mod:`vizlab.lessons`).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONSUMERS = ("vizlab/render", "vizlab/widgets", "vizlab/gallery", "gallery/examples", "scenes")
FORBIDDEN = ("vizlab.core", "torch")


def imported_modules(source: str) -> set[str]:
    """Every module an ``import`` or ``from ... import`` in ``source`` names.

    ``from vizlab import core`` counts as ``vizlab.core``.
    """
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def forbidden(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == f or m.startswith(f + ".") for f in FORBIDDEN))


def _files() -> list[Path]:
    files = [p for folder in CONSUMERS for p in sorted((ROOT / folder).rglob("*.py"))]
    assert len(files) > 40, "the consumer folders moved?"
    return files


def _notebook_source(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    lines = []
    for cell in cells:
        if cell["cell_type"] == "code":
            src = "".join(cell["source"])
            lines += [ln for ln in src.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    return "\n".join(lines)


def test_the_import_reader_sees_every_form_of_import():
    source = (
        "import vizlab.core.train\n"
        "from vizlab.core.worked import worked_table\n"
        "from vizlab import core\n"
        "def f():\n"
        "    import torch.nn as nn\n"
        "from . import sibling\n"
        "import vizlab.render.base\n"
    )
    assert forbidden(imported_modules(source)) == [
        "torch.nn",
        "vizlab.core",
        "vizlab.core.train",
        "vizlab.core.worked",
        "vizlab.core.worked.worked_table",
    ]
    assert forbidden(imported_modules("from vizlab.corex import a\nimport torchvision")) == []


@pytest.mark.parametrize("path", _files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_consumer_file_does_not_import_the_core(path):
    bad = forbidden(imported_modules(path.read_text(encoding="utf-8")))
    assert not bad, f"{path.relative_to(ROOT)} imports {', '.join(bad)}"


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_notebook_does_not_import_the_core(path):
    bad = forbidden(imported_modules(_notebook_source(path)))
    assert not bad, f"{path.name} imports {', '.join(bad)}"


def test_the_public_replacements_exist_and_stay_torch_free():
    code = (
        "import sys, vizlab, vizlab.worked, vizlab.lessons\n"
        "from vizlab.render.base import Display\n"
        "assert 'torch' not in sys.modules, 'torch imported'\n"
        "assert callable(Display.set_trace)\n"
        "rows = vizlab.worked.worked_table()\n"
        "assert [r.label for r in rows][-2:] == ['L1 minimiser', 'L2 minimiser']\n"
        "assert 'torch' not in sys.modules\n"
        "print(vizlab.LiveRun.__name__, vizlab.sweep_grid.__name__)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["LiveRun", "grid"]


def test_sweep_grid_is_the_product_of_value_lists():
    import vizlab

    base = vizlab.RunConfig(dataset="xor", steps=10)
    configs = vizlab.sweep_grid(base, lr=[0.1, 1.0], seed=[0, 1, 2])
    assert [(c.lr, c.seed) for c in configs] == [(lr, s) for lr in (0.1, 1.0) for s in (0, 1, 2)]
    assert all(c.replace(lr=0.1, seed=0) == base.replace(lr=0.1, seed=0) for c in configs)


def test_worked_closed_forms_are_the_cores():
    from vizlab import worked
    from vizlab.core import worked as core_worked

    assert core_worked.worked_table is worked.worked_table
    assert core_worked.penalised_optimum is worked.penalised_optimum


def test_display_set_trace_draws_the_new_run_as_a_fresh_display_would():
    import numpy as np

    import vizlab
    from vizlab.render.descent import draw_contour_paths, draw_descent_1d

    for draw, land, (r1, r2) in (
        (draw_descent_1d, "quadratic", (0.3, 0.95)),
        (lambda t, row: draw_contour_paths([t], row), "bowl", (0.05, 0.15)),
    ):
        a = vizlab.descend(land, lr=r1, steps=10)
        b = vizlab.descend(land, lr=r2, steps=10)
        moved = draw(a, 0)
        assert moved.set_trace(b) is moved and moved.trace is b
        moved.update(3)
        fresh = draw(b, 3)
        compared = 0
        for key, artist in moved.artists.items():
            other = fresh.artists[key]
            if hasattr(artist, "get_xydata"):
                np.testing.assert_allclose(artist.get_xydata(), other.get_xydata())
                compared += 1
            elif hasattr(artist, "get_text"):
                assert artist.get_text() == other.get_text()
                compared += 1
        assert compared >= 2
    with pytest.raises(ValueError, match="needs a vizlab Trace"):
        moved.set_trace("run.npz")
