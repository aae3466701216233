"""The API reference's guard, and the install instructions in every document.

* every public object is on a reference page and has a numpydoc docstring
  (the same check the site build runs, :func:`vizlab.gallery.apidoc.check_pages`);
* the checker itself catches what it claims to, on a module made for the test;
* no document, notebook or message tells a user to install the bare name
  ``vizlab`` (an unrelated project on PyPI): the distribution is ``vizlab-nn``.
"""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from pathlib import Path

import pytest

from vizlab.gallery import apidoc

ROOT = Path(__file__).resolve().parents[1]
API = ROOT / "gallery" / "api"


def test_every_public_object_is_on_a_page_with_a_numpydoc_docstring():
    failures, known = apidoc.check_pages(API)
    assert failures == [], "\n".join(failures)
    assert known == [], "\n".join(known)


def test_no_docstring_gap_is_excused():
    assert apidoc.KNOWN_GAPS == frozenset(), "complete the docstrings instead of excusing them"


def test_public_api_finds_every_renderer_by_itself():
    found = apidoc.render_functions()
    assert "vizlab.render.boundary.draw_boundary" in found
    assert "vizlab.render.boundary.animate_boundary" in found
    assert all(n.rsplit(".", 1)[1].startswith(("draw_", "animate_")) for n in found)
    api = apidoc.public_api()
    for name in ("vizlab.RunConfig", "vizlab.DescendConfig", "vizlab.train", "vizlab.Trace"):
        assert name in api["Runs and traces"]
    assert "vizlab.widgets.Playground" in api["Notebook widgets"]
    assert "vizlab.render.mobjects.FieldPanel" in api["Lecture video building blocks"]


GOOD_AND_BAD = '''
def good(trace, step=-1):
    """Draw one row.

    Parameters
    ----------
    trace : Trace
        The run.
    step : int
        Recorded row.

    Returns
    -------
    Display
        The picture.
    """


def silent(trace):
    return trace


def no_sections(trace) -> int:
    """Only a summary."""
    return 1


def no_returns(x) -> int:
    """Half a docstring.

    Parameters
    ----------
    x : float
        Input.
    """
    return 1


def wrong_name(x) -> None:
    """Documents y.

    Parameters
    ----------
    y : float
        Not a parameter.
    """


class Config:
    """A config documented as a dataclass.

    Attributes
    ----------
    lr : float
        Step size.
    """

    def __init__(self, lr=0.1):
        self.lr = lr
'''


def test_checker_finds_each_kind_of_problem(tmp_path, monkeypatch):
    (tmp_path / "docmod.py").write_text(GOOD_AND_BAD)
    monkeypatch.syspath_prepend(str(tmp_path))
    names = [f"docmod.{n}" for n in ("good", "silent", "no_sections", "no_returns", "wrong_name")]
    problems = apidoc.check_docstrings(names + ["docmod.Config", "docmod.missing"])
    assert sorted(problems) == sorted(
        [
            "docmod.silent: no docstring (GL08)",
            "docmod.no_sections: takes trace but has no Parameters section",
            "docmod.no_sections: no Returns section (RT01)",
            "docmod.no_returns: no Returns section (RT01)",
            "docmod.wrong_name: documents a parameter it does not take (PR02)",
            "docmod.missing: cannot be imported (module 'docmod' has no attribute 'missing')",
        ]
    )


def test_a_public_function_off_the_pages_fails(tmp_path):
    pages = tmp_path / "api"
    shutil.copytree(API, pages, ignore=shutil.ignore_patterns("generated"))
    render = pages / "render.rst"
    text = render.read_text()
    assert "   draw_boundary\n" in text
    render.write_text(text.replace("   draw_boundary\n", ""))
    failures, _ = apidoc.check_pages(pages)
    assert failures == [f"vizlab.render.boundary.draw_boundary: public, but on no page of {pages}"]


def test_listed_names_follow_currentmodule(tmp_path):
    page = tmp_path / "p.rst"
    page.write_text(
        textwrap.dedent(
            """\
            .. currentmodule:: vizlab

            .. autosummary::
               :toctree: generated

               train
               Trace

            Text between blocks.

            .. currentmodule:: vizlab.render.boundary

            .. autosummary::

               draw_boundary
            """
        )
    )
    assert apidoc.listed_names([page]) == [
        "vizlab.train",
        "vizlab.Trace",
        "vizlab.render.boundary.draw_boundary",
    ]


# ------------------------------------------------------- install instructions

# "install" then options, then the bare name (optionally quoted, with extras).
BARE_INSTALL = re.compile(r"\binstall\s+(?:-{1,2}[\w-]+\s+)*['\"]?vizlab(?![\w-])")


def _documents() -> list[tuple[str, str]]:
    """(where, text) of every file a user reads install instructions in."""
    found = [("README.md", (ROOT / "README.md").read_text())]
    for pattern in ("gallery/**/*.rst", "gallery/**/*.txt", "gallery/examples/**/*.py"):
        for path in sorted(ROOT.glob(pattern)):
            if "_build" not in path.parts and "generated" not in path.parts:
                found.append((str(path.relative_to(ROOT)), path.read_text()))
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        for i, cell in enumerate(cells):
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            found.append((f"{path.relative_to(ROOT)} cell {i}", source))
    for pattern in ("vizlab/**/*.py", "scenes/*.py"):
        for path in sorted(ROOT.glob(pattern)):
            found.append((str(path.relative_to(ROOT)), path.read_text()))
    return found


@pytest.mark.parametrize(
    "line, bad",
    [
        ("%pip install vizlab", True),
        ("pip install 'vizlab[widgets]'", True),
        ("install vizlab[video] for lecture videos", True),
        ("pip install -U vizlab", True),
        ("%pip install vizlab-nn", False),
        ('pip install "vizlab-nn[video]"', False),
        ("pip install -e .", False),
        ("import vizlab", False),
    ],
)
def test_bare_name_pattern(line, bad):
    assert bool(BARE_INSTALL.search(line)) is bad


def test_no_document_installs_the_bare_name():
    offenders = [
        f"{where}: {m.group(0)!r}"
        for where, text in _documents()
        for m in BARE_INSTALL.finditer(text)
    ]
    assert offenders == [], "install vizlab-nn, not vizlab:\n" + "\n".join(offenders)


def test_notebooks_tell_colab_users_the_right_name():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        first = json.loads(path.read_text())["cells"][0]
        assert "%pip install vizlab-nn" in "".join(first["source"]), path.name
