"""Which vizlab modules an example depends on, and a digest of exactly those.

sphinx-gallery re-runs an example only when the example file changes. The
build also re-runs it when vizlab code it uses changes, and only then: a
change to one render module re-runs the examples that use that module, not
all of them. An example's dependencies are found without running it:

* the ``vizlab`` modules its ``import`` statements name, then
* every ``vizlab`` module those modules import, anywhere in their code
  (imports inside functions count: renderers import lazily), and every
  module named in a string such as ``"vizlab.core.train"`` (the lazy maps of
  ``vizlab/__init__.py`` and ``import_module`` calls), transitively.

A package's ``__init__`` is a dependency of its submodules (importing
``vizlab.render.boundary`` runs ``vizlab/render/__init__.py``). The build
machinery itself (:data:`NOT_OUTPUT`) changes no example's output and is left
out.
"""

from __future__ import annotations

import ast
import hashlib
from functools import lru_cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
# Build machinery of vizlab.gallery: editing it changes no example's output.
NOT_OUTPUT = frozenset(
    f"vizlab.gallery.{m}"
    for m in ("build", "site", "serve", "lectures", "videos", "deps", "apidoc", "__main__")
)


def module_files(package: Path = PACKAGE) -> dict[str, Path]:
    """Every module of the vizlab package: dotted name -> file."""
    files = {}
    for path in sorted(package.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        files[".".join(parts)] = path
    return files


def _package_of(name: str, path: Path) -> str:
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def referenced(source: str, name: str, path: Path, known: set[str]) -> set[str]:
    """vizlab modules that one module's source imports or names, directly.

    Parameters
    ----------
    source : str
        Python source of the module (or example).
    name : str
        Its dotted name (``""`` for an example outside the package).
    path : Path
        Its file (tells a package ``__init__`` from a module).
    known : set of str
        Dotted names of the modules that exist.

    Returns
    -------
    set of str
        Names from ``known``.
    """
    found: set[str] = set()

    def add(module: str) -> None:
        # "vizlab.render.boundary.draw_boundary" -> the longest prefix that is a module
        while module and module not in known:
            module = module.rpartition(".")[0]
        if module:
            found.add(module)

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = _package_of(name, path).split(".")
                package = package[: len(package) - node.level + 1]
                base = ".".join(package + ([base] if base else []))
            add(base)
            for alias in node.names:
                if f"{base}.{alias.name}" in known:
                    found.add(f"{base}.{alias.name}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value.startswith("vizlab.") and node.value in known:
                found.add(node.value)
    return found


@lru_cache(maxsize=4)
def _graph(package: Path) -> tuple[dict[str, Path], dict[str, frozenset[str]]]:
    files = module_files(package)
    known = set(files)
    edges = {}
    for name, path in files.items():
        edges[name] = frozenset(referenced(path.read_text(encoding="utf-8"), name, path, known))
    return files, edges


def dependencies(example: Path, package: Path | None = None) -> list[str]:
    """The vizlab modules an example uses, directly or through other modules, sorted.

    Parameters
    ----------
    example : Path
        An example script.
    package : Path, optional
        The vizlab package folder; default the one running.

    Returns
    -------
    list of str
        Dotted module names, parents' ``__init__`` included, build machinery
        (:data:`NOT_OUTPUT`) left out.
    """
    files, edges = _graph(package or PACKAGE)
    todo = list(referenced(example.read_text(encoding="utf-8"), "", example, set(files)))
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen or name in NOT_OUTPUT:
            continue
        seen.add(name)
        todo.extend(edges.get(name, ()))
        parent = name.rpartition(".")[0]
        if parent:
            todo.append(parent)
    return sorted(seen)


def digest(example: Path, package: Path | None = None) -> str:
    """sha256 (16 hex digits) over the names and bytes of the modules an example uses.

    Parameters
    ----------
    example : Path
        An example script.
    package : Path, optional
        The vizlab package folder; default the one running.

    Returns
    -------
    str
        Changes exactly when one of :func:`dependencies` changes.
    """
    package = package or PACKAGE
    return modules_digest(dependencies(example, package), package)


def modules_digest(names: list[str], package: Path | None = None) -> str:
    """sha256 (16 hex digits) over the names and bytes of the given vizlab modules, in order.

    Parameters
    ----------
    names : list of str
        Dotted module names of ``package`` (as :func:`dependencies` gives them).
    package : Path, optional
        The vizlab package folder; default the one running.
    """
    files, _ = _graph(package or PACKAGE)
    h = hashlib.sha256()
    for name in names:
        h.update(name.encode() + b"\0" + files[name].read_bytes() + b"\0")
    return h.hexdigest()[:16]


def clear() -> None:
    """Forget the parsed module graph (after the sources changed in this process)."""
    _graph.cache_clear()
