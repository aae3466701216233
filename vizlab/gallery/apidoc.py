"""The API reference's guard: every public name is on a page, and its docstring is numpydoc.

The reference pages (``gallery/api/*.rst``) list objects in ``autosummary``
blocks; sphinx's autodoc renders their docstrings with numpydoc. The build
(``gallery/conf.py``) runs :func:`check_pages` before sphinx reads a page and
fails when

* a public object is missing from the pages: the names in
  :func:`public_api`, which finds every ``draw_*`` / ``animate_*`` function
  of ``vizlab.render.*`` by itself, so a new renderer cannot go undocumented;
* a listed function or class has no docstring, no summary line, no
  ``Parameters`` section although it takes parameters, documents a
  parameter it does not take, or (a function that returns something) has no
  ``Returns`` section; numpydoc's own validator finds these
  (:data:`REQUIRED` holds the codes).

Resolving the names imports the modules (the training core imports torch,
the mobjects import manim), so this runs at build and test time only.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterable
from pathlib import Path

# numpydoc validation codes that fail the build.
REQUIRED = {
    "GL08": "no docstring",
    "SS01": "no summary line",
    "PR02": "documents a parameter it does not take",
    "RT01": "no Returns section",
}
# Listed objects whose docstring problems are reported by the build but do not
# fail it. Every docstring that predated the check has been completed, so this
# stays empty: tests/test_api_docs.py fails if a name is added.
KNOWN_GAPS: frozenset[str] = frozenset()
# The fixed part of the public API: sections of the reference and their objects.
CORE = [
    "vizlab.RunConfig",
    "vizlab.DescendConfig",
    "vizlab.train",
    "vizlab.sweep",
    "vizlab.LiveRun",
    "vizlab.LiveSnapshot",
    "vizlab.descend",
    "vizlab.Trace",
    "vizlab.Timeline",
]
LESSONS = ["vizlab.lessons.Lesson", "vizlab.lessons.Claim", "vizlab.lessons.run_lesson"]
LESSONS += ["vizlab.lessons.names", "vizlab.lessons.get"]
DISPLAY = ["vizlab.render.base.Display"]
EXTRA_RENDER = ["vizlab.render.static_slider.StaticSlider"]
# Not renderers of a trace: the scene runner and the manim package are listed by hand.
_NOT_SCANNED = {"vizlab.render.scenes", "vizlab.render.mobjects", "vizlab.render.export"}


def _resolve(name: str):
    module, _, attr = name.rpartition(".")
    try:
        return getattr(importlib.import_module(module), attr)
    except ImportError:
        # a class or function named through its parent, e.g. vizlab.lessons.Lesson
        parent, _, owner = module.rpartition(".")
        return getattr(getattr(importlib.import_module(parent), owner), attr)


def render_functions() -> list[str]:
    """Every ``draw_*`` / ``animate_*`` function defined in a ``vizlab.render`` module.

    Returns
    -------
    list of str
        Dotted names, e.g. ``vizlab.render.boundary.draw_boundary``, sorted.
    """
    import vizlab.render as render

    found = []
    for info in pkgutil.iter_modules(render.__path__, "vizlab.render."):
        if info.name in _NOT_SCANNED or info.name.rsplit(".", 1)[1].startswith("_"):
            continue
        module = importlib.import_module(info.name)
        for attr, obj in vars(module).items():
            if (
                attr.startswith(("draw_", "animate_"))
                and inspect.isfunction(obj)
                and obj.__module__ == info.name
            ):
                found.append(f"{info.name}.{attr}")
    return sorted(found)


def mobjects() -> list[str]:
    """The manim building blocks (classes and functions) of :mod:`vizlab.render.mobjects`.

    Returns
    -------
    list of str
        Dotted names, e.g. ``vizlab.render.mobjects.FieldPanel``; constants
        (colours) are left out.
    """
    import vizlab.render.mobjects as mob

    names = []
    for attr, module in sorted(mob._NAMES.items()):
        obj = getattr(importlib.import_module(f"vizlab.render.mobjects.{module}"), attr)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            names.append(f"vizlab.render.mobjects.{attr}")
    return names


def public_api() -> dict[str, list[str]]:
    """The objects the reference must document, by section.

    Returns
    -------
    dict of str to list of str
        Section title -> dotted names of the objects.
    """
    import vizlab.widgets as widgets

    return {
        "Runs and traces": CORE,
        "Lessons": LESSONS,
        "Figures and animations": DISPLAY + render_functions() + EXTRA_RENDER,
        "Notebook widgets": [f"vizlab.widgets.{n}" for n in widgets.__all__],
        "Lecture video building blocks": mobjects(),
    }


_DIRECTIVE = re.compile(r"^\.\. (currentmodule|module):: *(\S+)")


def listed_names(pages: Iterable[Path]) -> list[str]:
    """Dotted names listed in the ``autosummary`` blocks of reStructuredText pages.

    Parameters
    ----------
    pages : iterable of Path
        ``.rst`` files; a name in an autosummary block is taken relative to
        the page's last ``currentmodule`` (or ``module``) directive.

    Returns
    -------
    list of str
        Dotted names in page order.
    """
    names = []
    for page in pages:
        module, inside = "", False
        for line in Path(page).read_text(encoding="utf-8").splitlines():
            match = _DIRECTIVE.match(line)
            if match:
                module, inside = match.group(2), False
            elif line.startswith(".. autosummary::"):
                inside = True
            elif inside and line.strip() and not line.startswith(" "):
                inside = False
            elif inside and line.strip() and not line.strip().startswith(":"):
                entry = line.strip()
                names.append(entry if not module else f"{module}.{entry}")
    return names


def _returns_something(obj) -> bool:
    if not inspect.isfunction(obj):
        return False
    annotation = inspect.signature(obj).return_annotation
    return annotation not in (None, "None")


def check_docstrings(names: Iterable[str]) -> list[str]:
    """Problems with the docstrings of the named objects (empty when all are fine).

    Parameters
    ----------
    names : iterable of str
        Dotted names of public functions and classes.

    Returns
    -------
    list of str
        One line per problem, e.g. ``vizlab.render.boundary.animate_boundary:
        no Returns section (RT01)``.
    """
    from numpydoc.docscrape import get_doc_object
    from numpydoc.validate import Validator, validate

    problems = []
    for name in names:
        try:
            obj = _resolve(name)
        except (ImportError, AttributeError) as exc:
            problems.append(f"{name}: cannot be imported ({exc})")
            continue
        doc = Validator(get_doc_object(obj))
        codes = {code for code, _ in validate(get_doc_object(obj))["errors"]}
        if "RT01" in codes and not _returns_something(obj):
            codes.discard("RT01")
        params = [p for p in doc.signature_parameters if p not in ("self", "cls")]
        # A dataclass documents its fields (its parameters) as Attributes.
        documented = doc.doc_parameters or (inspect.isclass(obj) and doc.doc["Attributes"])
        if params and not documented and "GL08" not in codes:
            problems.append(f"{name}: takes {', '.join(params)} but has no Parameters section")
        for code in sorted(codes & REQUIRED.keys()):
            problems.append(f"{name}: {REQUIRED[code]} ({code})")
    return problems


def check_pages(api_dir: str | Path) -> tuple[list[str], list[str]]:
    """Everything wrong with the reference pages in ``api_dir``.

    Parameters
    ----------
    api_dir : path
        The folder of reference pages (``gallery/api``).

    Returns
    -------
    failures : list of str
        Public objects missing from the pages, then docstring problems of
        listed objects: the build fails unless this is empty.
    known : list of str
        Docstring problems of the objects in :data:`KNOWN_GAPS` (reported only).
    """
    listed = listed_names(sorted(Path(api_dir).glob("*.rst")))
    missing = [
        f"{name}: public, but on no page of {api_dir}"
        for names in public_api().values()
        for name in names
        if name not in listed
    ]
    failures, known = list(missing), []
    for name in dict.fromkeys(listed):
        problems = check_docstrings([name])
        (known if name in KNOWN_GAPS else failures).extend(problems)
    return failures, known


def pages_digest(api_dir: str | Path) -> str:
    """Digest of what :func:`check_pages` reads: the vizlab sources and the reference pages.

    Parameters
    ----------
    api_dir : path
        The folder of reference pages.

    Returns
    -------
    str
        16 hex digits; a build whose digest matches the last passing check
        skips the check (it takes seconds: numpydoc parses every object's
        source file).
    """
    import hashlib

    import numpydoc

    package = Path(__file__).resolve().parents[1]
    h = hashlib.sha256(f"numpydoc {numpydoc.__version__}".encode())
    files = sorted(package.rglob("*.py")) + sorted(Path(api_dir).glob("*.rst"))
    for path in files:
        if "__pycache__" not in path.parts:
            h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]
