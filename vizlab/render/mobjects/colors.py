"""Colour maps as uint8 RGBA images, and whether LaTeX can set formulas (no manim needed)."""

from __future__ import annotations

import os
import shutil

import numpy as np
from matplotlib.colors import Colormap

from vizlab.render import style

_LUTS: dict[int, tuple[Colormap, np.ndarray]] = {}


def colormap_lut(cmap: Colormap) -> np.ndarray:
    """256 x 4 uint8 lookup table of ``cmap`` (cached per colormap object)."""
    hit = _LUTS.get(id(cmap))
    if hit is None or hit[0] is not cmap:
        hit = (cmap, np.asarray(cmap(np.linspace(0.0, 1.0, 256), bytes=True), dtype=np.uint8))
        _LUTS[id(cmap)] = hit
    return hit[1]


def field_rgba(
    values: np.ndarray,
    cmap: Colormap = style.FIELD_CMAP,
    vmin: float = 0.0,
    vmax: float = 1.0,
) -> np.ndarray:
    """Colour a grid field into an image, top row first.

    Parameters
    ----------
    values : ndarray (H, W)
        ``values[i, j]`` at ``(grid/x[j], grid/y[i])``, y increasing with ``i``
        (the layout of ``trace["field/output"][f]``).
    cmap : Colormap
        Defaults to the orange-white-blue decision map (0.5 is white).
    vmin, vmax : float
        Values mapped to the two ends of the map (clipped outside).

    Returns
    -------
    ndarray (H, W, 4) uint8
        RGBA pixels with row 0 at the top (largest y), ready for an image
        mobject. NaN maps to transparent.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 2:
        raise ValueError(f"a field must be 2-d (H, W); got shape {values.shape}")
    if not vmax > vmin:
        raise ValueError(f"vmax must exceed vmin; got vmin={vmin}, vmax={vmax}")
    scaled = (values[::-1] - vmin) / (vmax - vmin)
    bad = ~np.isfinite(scaled)
    idx = np.rint(np.clip(np.where(bad, 0.0, scaled), 0.0, 1.0) * 255).astype(np.intp)
    rgba = colormap_lut(cmap)[idx]
    rgba[bad] = 0
    return rgba


def latex_available() -> bool:
    """True when ``latex`` and ``dvisvgm`` are on PATH and ``VIZLAB_NO_LATEX`` is not set."""
    if os.environ.get("VIZLAB_NO_LATEX", "").strip() not in ("", "0"):
        return False
    return shutil.which("latex") is not None and shutil.which("dvisvgm") is not None
