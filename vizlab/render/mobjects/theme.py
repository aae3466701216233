"""The lecture look in manim: white slide, dark ink, lecture-hall font sizes.

manim's defaults are white text on black; vizlab's figures are dark on
white, so a video cut between slides and figures matches. Sizes are chosen
for a 1280x720 frame read from the back of a hall: titles 40, labels 28,
small print never under 22.
"""

from __future__ import annotations

import re

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    MathTex,
    Tex,
    Text,
    VGroup,
)

from vizlab.render import style

# The colour grammar of vizlab.render.style, so a video cut between slides and
# figures keeps every colour's meaning (class/sign orange-blue, runs by name).
INK = style.INK
MUTED = style.MUTED
FAINT = style.FAINT
BACKGROUND = style.PAPER
run_color = style.run_color
class_color = style.class_color
sign_color = style.sign_color
FONT = "DejaVu Sans"
TITLE_SIZE = 40
LABEL_SIZE = 28
SMALL_SIZE = 22


_SUPER = str.maketrans("0123456789+-−=()nixyz", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱˣʸᶻ")
_POWER = re.compile(r"\^(\{([^{}]+)\}|[-−]?[0-9]+|[nixyz])")


def superscripts(text: str) -> str:
    """``text`` with each power written ``^2``, ``^-1`` or ``^{...}`` raised to Unicode superscripts.

    Plain text on a slide has no superscript; "(x - a)^2" reads as a typo from
    the back of the hall, "(x - a)²" does not. Powers whose characters have
    no superscript form are left as written.

    Parameters
    ----------
    text : str
        Plain text, powers written with a caret.

    Returns
    -------
    str
        The same text with each power raised.

    Examples
    --------
    >>> superscripts("y = (x - a)^2, 10^{-3}")
    'y = (x - a)², 10⁻³'
    """

    def raise_(m: re.Match) -> str:
        body = m.group(2) if m.group(2) is not None else m.group(1)
        raised = body.translate(_SUPER)
        return m.group(0) if any(c == r for c, r in zip(body, raised) if c != " ") else raised

    return _POWER.sub(raise_, text)


def lecture_defaults(scene) -> None:
    """White background and dark text defaults for ``scene`` (call first in ``construct``).

    Parameters
    ----------
    scene : manim Scene
        Its camera's background becomes :data:`BACKGROUND`. The ink colour
        (and the DejaVu Sans font for ``Text``) become the defaults of
        manim's ``Text``, ``MathTex`` and ``Tex`` classes, so they apply to
        every scene rendered afterwards in this process.
    """
    scene.camera.background_color = BACKGROUND
    Text.set_default(color=INK, font=FONT)
    MathTex.set_default(color=INK)
    Tex.set_default(color=INK)


def title(text: str, subtitle: str | None = None) -> VGroup:
    """A slide title at the top edge, with an optional muted subtitle under it.

    Parameters
    ----------
    text : str
        The title, bold, font size :data:`TITLE_SIZE` (40).
    subtitle : str, optional
        A second line in the muted colour, font size 24. In both, powers
        written ``^2`` are set as superscripts (:func:`superscripts`).

    Returns
    -------
    VGroup
        The title (and subtitle), scaled down to at most 13 manim units wide
        when longer, placed 0.3 units under the top edge; not yet added to
        a scene.
    """
    head = Text(superscripts(text), font_size=TITLE_SIZE, weight="BOLD", color=INK)
    group = VGroup(head)
    if subtitle:
        sub = Text(superscripts(subtitle), font_size=SMALL_SIZE + 2, color=MUTED)
        sub.next_to(head, DOWN, buff=0.12)
        group.add(sub)
    if group.width > 13.0:  # keep inside a 16:9 frame (14.2 units wide)
        group.scale_to_fit_width(13.0)
    return group.to_edge(UP, buff=0.3)


def caption(text: str, font_size: int = LABEL_SIZE, color: str = INK) -> Text:
    """One line of explanation at the bottom edge.

    Parameters
    ----------
    text : str
        The line (plain text; no LaTeX); powers written ``^2`` are set as
        superscripts (:func:`superscripts`).
    font_size : int
        Font size (default :data:`LABEL_SIZE`, 28).
    color : str
        Text colour (default the ink colour).

    Returns
    -------
    Text
        The line, placed 0.3 manim units above the bottom edge; not yet
        added to a scene.
    """
    return Text(superscripts(text), font_size=font_size, color=color).to_edge(DOWN, buff=0.3)


def lecture_axes(
    x_range,
    y_range,
    *,
    x_length: float = 6.0,
    y_length: float = 4.0,
    x_label: str | None = None,
    y_label: str | None = None,
    numbers: bool = True,
    decimals: int | None = None,
    x_decimals: int | None = None,
    font_size: float = SMALL_SIZE,
) -> Axes:
    """Dark axes with Text tick labels (no LaTeX needed) and optional axis titles.

    Parameters
    ----------
    x_range, y_range : sequence of 3 float
        manim's ``[min, max, tick step]``, in data units.
    x_length, y_length : float
        Length of each axis on screen, in manim units (the frame is about
        14.2 x 8).
    x_label, y_label : str, optional
        Axis titles: the x title right of the x axis' end, the y title
        above the y axis.
    numbers : bool
        Write the tick values.
    decimals : int, optional
        Decimal places of the y tick labels; by default just enough to tell
        the ticks apart (up to 4).
    x_decimals : int, optional
        The same for the x tick labels.
    font_size : float
        Font size of the tick labels (default :data:`SMALL_SIZE`, 22); the
        axis titles are 2 points larger.

    Returns
    -------
    Axes
        The axes; the titles are also kept as ``axes.x_title`` /
        ``axes.y_title`` (None when not given), inside the group.
    """

    def numbers_cfg(places: int | None, step: float) -> dict:
        if places is None:  # enough places to tell the ticks apart
            places = 0
            while places < 4 and abs(step * 10**places - round(step * 10**places)) > 1e-9:
                places += 1
        return {"num_decimal_places": places, "color": INK}

    axes = Axes(
        x_range=list(x_range),
        y_range=list(y_range),
        x_length=x_length,
        y_length=y_length,
        tips=False,
        axis_config={
            "color": INK,
            "stroke_width": 2,
            "label_constructor": Text,
            "font_size": font_size,
            "include_numbers": numbers,
        },
        x_axis_config={"decimal_number_config": numbers_cfg(x_decimals, x_range[2])},
        y_axis_config={"decimal_number_config": numbers_cfg(decimals, y_range[2])},
    )
    axes.x_title = axes.y_title = None
    if x_label:
        axes.x_title = Text(x_label, font_size=font_size + 2, color=INK)
        axes.x_title.next_to(axes.x_axis, RIGHT, buff=0.2)
        axes.add(axes.x_title)
    if y_label:
        axes.y_title = Text(y_label, font_size=font_size + 2, color=INK)
        axes.y_title.next_to(axes.y_axis, UP, buff=0.15).align_to(axes.y_axis, LEFT)
        axes.add(axes.y_title)
    return axes


def axes_points(axes, *coords) -> np.ndarray:
    """Scene points (N, 3) of N data points, one array per coordinate, in one ``c2p`` call.

    The same numbers as ``[axes.c2p(x, y) for x, y in zip(xs, ys)]``
    (manim maps arrays coordinate-wise), without a Python call per point:
    a path redrawn every frame from hundreds of recorded steps stays cheap.

    Parameters
    ----------
    axes : manim Axes or ThreeDAxes
    *coords : array-like
        x, y (and z for 3-D axes) values, all of the same length N.

    Returns
    -------
    ndarray (N, 3)
    """
    cols = [np.asarray(c, dtype=np.float64).ravel() for c in coords]
    if not cols or len(cols[0]) == 0:
        return np.zeros((0, 3))
    return np.asarray(axes.c2p(*cols), dtype=np.float64).reshape(3, -1).T.copy()
