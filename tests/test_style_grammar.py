"""The colour grammar: renderers draw with the roles in vizlab.render.style, never literal colours.

Orange and blue mean class and sign only; train and validation are one colour
solid vs dashed; runs, optimizers and layers take a categorical palette by
name. A literal colour in a renderer (a hex string, a named colour such as
``"tab:orange"`` or ``"white"``, an RGB tuple) bypasses that grammar, so the
source of every renderer is scanned for them; only ``style.py`` and the manim
theme may spell colours out.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from matplotlib.colors import CSS4_COLORS, to_rgb

from vizlab.render import style

ROOT = Path(__file__).resolve().parents[1] / "vizlab" / "render"
ALLOWED = {ROOT / "style.py", ROOT / "mobjects" / "theme.py"}
RENDERERS = sorted(p for p in ROOT.rglob("*.py") if p not in ALLOWED)

HEX = re.compile(r"(?<![&\w])#(?:[0-9a-fA-F]{8}|[0-9a-fA-F]{6}|[0-9a-fA-F]{3})(?![0-9a-zA-Z])")
PREFIXED = re.compile(r"^(?:tab|xkcd):[a-z ]+$|^C[0-9]$")
NAMED = set(CSS4_COLORS) | {"k", "w", "r", "g", "b", "c", "m", "y"}
COLOR_KWARGS = {
    "color", "c", "colors", "fc", "ec", "facecolor", "facecolors", "edgecolor", "edgecolors",
    "mfc", "mec", "markerfacecolor", "markeredgecolor", "background_color", "fill_color",
    "stroke_color", "bgcolor", "labelcolor",
}  # fmt: skip
COLOR_SETTERS = {
    "set_color", "set_facecolor", "set_edgecolor", "set_markerfacecolor",
    "set_markeredgecolor", "set_fill", "set_stroke", "set_background_color",
}  # fmt: skip


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _is_rgb_tuple(node: ast.AST) -> bool:
    if not isinstance(node, ast.Tuple) or len(node.elts) not in (3, 4):
        return False
    vals = [e.value for e in node.elts if isinstance(e, ast.Constant)]
    return (
        len(vals) == len(node.elts)
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals)
        and all(0 <= v <= 1 for v in vals)
        and any(isinstance(v, float) for v in vals)
    )


def _colour_value(node: ast.AST) -> str | None:
    """What is literal about a value used as a colour, or None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        v = node.value.strip().lower()
        if v in NAMED:  # hex and "tab:" strings are found anywhere: see literal_colours
            return repr(node.value)
    if _is_rgb_tuple(node):
        return ast.unparse(node)
    if isinstance(node, ast.IfExp):
        return _colour_value(node.body) or _colour_value(node.orelse)
    return None


def literal_colours(path: Path) -> list[str]:
    """``file:line: what`` for every literal colour in one source file."""
    name = path.relative_to(ROOT.parent.parent) if path.is_relative_to(ROOT) else path.name
    tree = ast.parse(path.read_text(), filename=str(path))
    docs = _docstrings(tree)
    found = []

    def hit(node, what):
        found.append(f"{name}:{node.lineno}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            if HEX.search(node.value) or PREFIXED.match(node.value):
                hit(node, repr(node.value))
        # A hex string is reported above; the checks below find names and tuples.
        elif isinstance(node, ast.keyword) and node.arg in COLOR_KWARGS:
            if (what := _colour_value(node.value)) is not None:
                hit(node.value, f"{node.arg}={what}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in COLOR_SETTERS and node.args:
                if (what := _colour_value(node.args[0])) is not None:
                    hit(node, f"{node.func.attr}({what})")
        elif isinstance(node, ast.Assign):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            names += [
                e.id
                for t in node.targets
                if isinstance(t, ast.Tuple)
                for e in t.elts
                if isinstance(e, ast.Name)
            ]
            if any(re.search(r"COLOU?R|FILL|RGBA", n) for n in names):
                values = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
                if _is_rgb_tuple(node.value):
                    values = [node.value]
                for v in values:
                    if (what := _colour_value(v)) is not None:
                        hit(v, f"{', '.join(names)} = {what}")
    return list(dict.fromkeys(found))


def test_the_scanner_finds_every_kind_of_literal_colour(tmp_path):
    src = tmp_path / "bad.py"
    src.write_text(
        "LINE_COLOR = '#7f93a8'\n"
        "ax.plot(x, color='tab:orange')\n"
        "ax.scatter(x, y, edgecolors='white')\n"
        "ax.axhline(0, color=(0.2, 0.2, 0.2))\n"
        "line.set_color('k')\n"
        "PLANE_COLOR = (0.15, 0.15, 0.15, 0.4)\n"
        "css = 'border:1px solid #ccc'\n"
        "ok = ax.plot(x, color=style.INK, ls='none', label='white noise')\n"
        "box = ax.inset_axes((0.02, 0.35, 0.3, 0.62))\n"
        "entity = '&#215;'\n"
    )
    found = literal_colours(src)
    lines = sorted({int(f.split(":")[1]) for f in found})
    assert lines == [1, 2, 3, 4, 5, 6, 7], found
    assert len(found) == 7, found  # one report per literal


@pytest.mark.parametrize("path", RENDERERS, ids=lambda p: str(p.relative_to(ROOT)))
def test_renderers_use_the_grammar_not_literal_colours(path):
    found = literal_colours(path)
    assert not found, "literal colours outside vizlab/render/style.py:\n" + "\n".join(found)


def _distance(a: str, b: str) -> float:
    return sum((x - y) ** 2 for x, y in zip(to_rgb(a), to_rgb(b))) ** 0.5


def test_orange_and_blue_mean_class_and_sign_only():
    assert style.class_color(0) == style.ORANGE and style.class_color(1) == style.BLUE
    assert style.sign_color(-0.3) == style.NEGATIVE == style.ORANGE
    assert style.sign_color(0.3) == style.POSITIVE == style.BLUE
    others = [*style.CATEGORICAL, style.TRAIN_COLOR, style.VAL_COLOR, style.PATH_COLOR]
    for c in others:
        for cls in style.CLASS_COLORS:
            assert _distance(c, cls) > 0.25, (c, cls)


def test_train_and_validation_are_one_grammar_solid_vs_dashed():
    train, val = style.split_style("train"), style.split_style("val")
    assert train["linestyle"] == "-" and val["linestyle"] == "--"
    assert style.CLASS_COLORS[0] not in (train["color"], val["color"])
    assert style.CLASS_COLORS[1] not in (train["color"], val["color"])
    run = style.run_color("adam")
    assert style.split_style("train", run)["color"] == style.split_style("val", run)["color"]
    with pytest.raises(ValueError, match="split"):
        style.split_style("test")


def test_run_colours_are_stable_by_name_and_distinct_for_the_optimizers():
    names = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]
    colours = [style.run_color(n) for n in names]
    assert len(set(colours)) == len(names)
    assert style.run_color("Adam") == style.run_color("adam") == style.run_color(" adam ")
    # A name outside the table gets the same palette colour in every session
    # (a checksum, not Python's salted hash).
    import zlib

    n = len(style.CATEGORICAL)
    assert style.run_color("r = 0.3") == style.CATEGORICAL[zlib.crc32(b"r = 0.3") % n]
    assert all(c in style.CATEGORICAL for c in colours)
    assert style.layer_color(1) == style.series_color(0) != style.layer_color(2)


def test_the_categorical_palette_stays_apart_under_deuteranopia():
    """Simulated deuteranopia (Machado et al. 2009, severity 1): neighbours stay distinguishable."""
    import numpy as np

    m = np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    )

    def sim(c):
        lin = np.array(to_rgb(c)) ** 2.2
        return np.clip(m @ lin, 0, 1) ** (1 / 2.2)

    six = [sim(c) for c in style.CATEGORICAL[:6]]
    for i in range(6):
        for j in range(i + 1, 6):
            assert np.linalg.norm(six[i] - six[j]) > 0.08, (
                style.CATEGORICAL[i],
                style.CATEGORICAL[j],
            )
