"""Formulas set with LaTeX when it is installed, as readable plain text when not.

``formula(r"x_{n+1} = x_n - r\\,\\frac{dy}{dx}", "x(n+1) = x(n) - r * dy/dx")``
gives a MathTex where ``latex`` and ``dvisvgm`` are on PATH and a Text of
the plain string elsewhere (or when ``VIZLAB_NO_LATEX=1``), so a scene
renders on any machine and still says the same thing.
"""

from __future__ import annotations

from manim import MathTex, Text

from vizlab.render.mobjects.colors import latex_available
from vizlab.render.mobjects.theme import INK, LABEL_SIZE


def formula(
    tex: str,
    plain: str,
    *,
    font_size: float = LABEL_SIZE + 16,
    color: str = INK,
    latex: bool | None = None,
):
    """A formula mobject: MathTex of ``tex``, or Text of ``plain`` without LaTeX.

    Parameters
    ----------
    tex : str
        LaTeX math (no surrounding ``$``).
    plain : str
        The same formula in plain text (Unicode allowed: "σ(z) = 1 / (1 + e^−z)").
    font_size : float
        Size of the MathTex; the text fallback is set a little smaller so both
        take about the same room.
    color : str
    latex : bool, optional
        Force one branch (True needs LaTeX installed); by default
        :func:`~vizlab.render.mobjects.latex_available` decides.

    Returns
    -------
    MathTex or Text
        With attribute ``is_tex`` telling which branch was taken.
    """
    if not isinstance(tex, str) or not isinstance(plain, str) or not plain.strip():
        raise ValueError("formula needs a LaTeX string and a non-empty plain-text string")
    use_tex = latex_available() if latex is None else bool(latex)
    if use_tex:
        if not latex_available() and latex:
            raise ValueError("latex=True but latex/dvisvgm are not installed (or VIZLAB_NO_LATEX)")
        mob = MathTex(tex, font_size=font_size, color=color)
    else:
        mob = Text(plain, font_size=font_size * 0.7, color=color)
    mob.is_tex = use_tex
    return mob
