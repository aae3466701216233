"""manim building blocks for lecture videos, each built from a :class:`~vizlab.trace.Trace`.

Every mobject here shows one recorded row at a time through ``set_row(row)``,
which swaps data in place (an image's pixels, a path's points, a glyph)
instead of re-creating objects: that is what keeps manim fast. A
:class:`Clock` holds the frame index of a :class:`~vizlab.timeline.Timeline`
in one ``ValueTracker``; ``clock.drive(mob)`` adds the updater that calls
``mob.set_row(clock.row)``, and ``scene.play(clock.run())`` plays a whole
training phase as one animation.

manim is an optional extra: importing this package does not import it, and
asking for any building block without manim installed raises ImportError
saying ``pip install "vizlab-nn[video]"``. Nothing here imports torch.

=====================  ====================================================
name                   what it is
=====================  ====================================================
``Clock``              one ValueTracker driving a phase (frame -> row)
``formula``            MathTex when LaTeX is installed, plain Text if not
``Readout``            a live number ("step 120", "loss 0.31") from glyphs
``FieldPanel``         decision field image + boundary + data points
``CurveDescent``       ball and path on a 1-D loss curve
``SurfaceDescent``     ball and path on a 3-D loss surface
``ContourRace``        several descent paths over a loss heat map
``NetworkDiagram``     units lit by activations, greyed by dropout masks
``WeightBars``         one bar per weight, growing from zero
``WeightHistogram``    a histogram of many weights per row
``LossCurve``          a loss curve that grows with the step
``HiddenSpace``        training points in a 2-unit hidden layer's space
``FastImageCamera``    axis-aligned image blitting (fast; Pillow 13 safe)
``LectureScene``       Scene with that camera and a finer static/moving split
``FastThreeDCamera``   3-D camera drawing plain faces in one pass (same frames)
``LectureThreeDScene`` ThreeDScene with that camera
``lesson_stamp``       "lesson <name> · run <digest>" in a video's corner
``axes_points``        data points to scene points, all in one ``c2p`` call
=====================  ====================================================
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

INSTALL_HINT = 'lecture videos need the video extra: pip install "vizlab-nn[video]"'

# public name -> submodule that defines it (each submodule imports manim).
_NAMES = {
    "Clock": "timing",
    "lecture_defaults": "theme",
    "title": "theme",
    "caption": "theme",
    "superscripts": "theme",
    "INK": "theme",
    "lecture_axes": "theme",
    "axes_points": "theme",
    "MUTED": "theme",
    "BACKGROUND": "theme",
    "formula": "tex",
    "Readout": "readout",
    "FieldImage": "field",
    "FieldPanel": "field",
    "BoundaryLine": "field",
    "DataPoints": "field",
    "field_axes": "field",
    "field_rgba": "colors",
    "CurveDescent": "descent",
    "SurfaceDescent": "surface",
    "ContourRace": "race",
    "NetworkDiagram": "network",
    "WeightBars": "bars",
    "WeightHistogram": "bars",
    "LossCurve": "curve",
    "HiddenSpace": "hidden",
    "FastImageCamera": "camera",
    "LectureScene": "camera",
    "FastThreeDCamera": "camera",
    "LectureThreeDScene": "camera",
    "lesson_stamp": "stamp",
}

__all__ = ["INSTALL_HINT", "latex_available", "require_manim", *_NAMES]


def require_manim():
    """Import and return manim, or raise ImportError naming the extra to install."""
    try:
        return import_module("manim")
    except ImportError as exc:
        raise ImportError(INSTALL_HINT) from exc


def latex_available() -> bool:
    """True when ``latex`` and ``dvisvgm`` are on PATH and not switched off.

    Set the environment variable ``VIZLAB_NO_LATEX=1`` to force the plain-text
    fallback (what a machine without TeX shows).
    """
    from vizlab.render.mobjects.colors import latex_available as _available

    return _available()


def __getattr__(name: str) -> Any:
    if name in _NAMES:
        module = _NAMES[name]
        if module != "colors":
            require_manim()
        value = getattr(import_module(f"vizlab.render.mobjects.{module}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'vizlab.render.mobjects' has no attribute {name!r}")
