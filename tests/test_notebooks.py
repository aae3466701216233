"""Every notebook in notebooks/ is stored clean, stays thin, and runs top to bottom.

Executed headless with nbclient on the python3 kernel of this interpreter;
widgets then just build and draw once, which is what a first open shows.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
TOPICS = ["gradient_descent", "xor_and_moons", "activations", "dropout", "l1_vs_l2", "playground"]


def test_one_notebook_per_lecture_topic():
    names = [p.stem for p in NOTEBOOKS]
    for topic in TOPICS:
        assert any(topic in n for n in names), f"no notebook for {topic}: {names}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_clean_and_thin(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and re.search(r"lecture 00\d", first.source), (
        "the first cell names the lecture slides it follows"
    )
    assert "%pip install vizlab" in first.source  # the Colab hint, as text only
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert cell.outputs == [] and cell.execution_count is None, "stored without outputs"
        assert not re.search(r"^\s*(def|class) ", cell.source, re.M), "no library logic here"
        assert "%pip" not in cell.source and "!pip" not in cell.source


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, tmp_path, monkeypatch):
    # conftest picks Agg for this process; the kernel should use Jupyter's inline
    # backend, as a student's would, so figures show as they do in class.
    monkeypatch.delenv("MPLBACKEND", raising=False)
    # The lessons' quick variants (vizlab.gallery.quick()), as in the quick gallery.
    monkeypatch.setenv("VIZLAB_QUICK", "1")
    nb = nbformat.read(path, as_version=4)
    # jupyter_client starts the "python3" kernel with sys.executable, so the
    # notebook imports the vizlab under test.
    client = nbclient.NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    kinds = {
        mime
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        for mime in out.get("data", {})
    }
    errors = [
        out for cell in nb.cells for out in cell.get("outputs", []) if out.output_type == "error"
    ]
    assert not errors
    assert kinds & {"image/png", "application/vnd.jupyter.widget-view+json"}, kinds
    for cell in nb.cells:  # every figure a cell draws is shown under it
        if cell.cell_type == "code" and re.search(r"^draw_\w+\(", cell.source, re.M):
            shown = [o for o in cell.outputs if "image/png" in o.get("data", {})]
            assert shown, f"no picture under: {cell.source[:60]!r}"
    print(f"{path.stem}: {seconds:.1f} s")
