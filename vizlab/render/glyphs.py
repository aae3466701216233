"""Text glyphs rasterised once per export, not once per frame.

matplotlib 3.11's Agg renderer shapes every string (FreeType and libraqm)
and rasterises it glyph by glyph each time it is drawn. A video draws the
same titles, labels and digits on every frame: in the gallery's videos text
was about a sixth of all drawing. :func:`glyph_cache` gives one renderer,
for the length of an export, a cache of

* **layouts**: a string's glyphs and their offsets, by font, size, dpi and
  string;
* **bitmaps**: a glyph rasterised at one sub-pixel position (a 1/64 pixel
  grid, FreeType's), by font, size, dpi, glyph, rotation and that position.
  A glyph drawn whole pixels away is the same bitmap moved by whole pixels,
  so it is drawn from the cache at its new place.

Cached frames are the same pixels as uncached ones (the export tests draw
both). The renderer's methods it stands in for are private to matplotlib:
the cache is used only with the matplotlib versions whose drawing it
repeats (:data:`SUPPORTED`), and is a no-op with any other.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator

import matplotlib as mpl
import numpy as np

#: matplotlib (major, minor) versions whose Agg text drawing the cache repeats.
SUPPORTED = {(3, 11)}
#: Bitmaps kept at most (a few hundred bytes each); the cache empties when full.
MAX_GLYPHS = 50_000


def supported() -> bool:
    """Whether this matplotlib draws text the way :class:`_Cache` repeats it."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.ft2font import FT2Font

    version = tuple(int(p) for p in mpl.__version__.split(".")[:2])
    return (
        version in SUPPORTED
        and hasattr(RendererAgg, "_draw_text_glyphs_and_boxes")
        and all(hasattr(FT2Font, m) for m in ("_layout", "_render_glyph", "_set_transform"))
    )


@contextlib.contextmanager
def glyph_cache(renderer, enabled: bool = True) -> Iterator[None]:
    """Draw text on ``renderer`` (a ``RendererAgg``) from a cache while the block runs."""
    if not enabled or not supported():
        yield
        return
    cache = _Cache(renderer)
    renderer.draw_text = cache.draw_text
    renderer._draw_text_glyphs_and_boxes = cache.draw_glyphs
    try:
        yield
    finally:
        del renderer.draw_text, renderer._draw_text_glyphs_and_boxes


class _Cache:
    """matplotlib 3.11's ``RendererAgg.draw_text`` with its layouts and glyph bitmaps kept."""

    def __init__(self, renderer):
        from matplotlib.backends.backend_agg import RendererAgg

        self.renderer = renderer
        self.plain_text = RendererAgg.draw_text.__get__(renderer)
        self.plain_glyphs = RendererAgg._draw_text_glyphs_and_boxes.__get__(renderer)
        self.layouts: dict = {}
        self.bitmaps: dict = {}
        self.matrices: dict = {}

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        from matplotlib.backends.backend_agg import get_hinting_flag

        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        if ismath or features is not None or language is not None:
            return self.plain_text(gc, x, y, s, prop, angle, ismath, mtext)
        r = self.renderer
        font = r._prepare_font(prop)
        size = prop.get_size_in_points()
        flags = get_hinting_flag()
        key = (font, size, r.dpi, s, flags)
        items = self.layouts.get(key)
        if items is None:
            items = self.layouts[key] = [
                (item.ft_object, size, item.glyph_index, 0, 1, item.x, item.y)
                for item in font._layout(s, flags=flags, features=None, language=None)
            ]
        self.draw_glyphs(gc, x, y, angle, items, [])

    def draw_glyphs(self, gc, x, y, angle, glyphs, boxes):
        """``_draw_text_glyphs_and_boxes``: each glyph's bitmap from the cache or FreeType."""
        from matplotlib.backends.backend_agg import get_hinting_flag
        from matplotlib.ft2font import RenderMode

        r = self.renderer
        cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        load_flags, aa, dpi = get_hinting_flag(), bool(gc.get_antialiased()), r.dpi
        height, draw = r.height, r._renderer.draw_text_image
        if len(self.bitmaps) > MAX_GLYPHS:
            self.bitmaps.clear()
        for font, size, glyph_index, slant, extend, dx, dy in glyphs:
            matrix = self._matrix(cos, sin, slant, extend)
            # FreeType's pen position in 1/64 pixels (y up), as matplotlib computes it
            px = round(0x40 * (x + dx * cos - dy * sin))
            py = round(0x40 * (height - y + dx * sin + dy * cos))
            key = (font, size, dpi, glyph_index, matrix[0], px & 63, py & 63, load_flags, aa)
            hit = self.bitmaps.get(key)
            if hit is None:
                font.set_size(size, dpi)
                font._set_transform(matrix[1], [px, py])
                bitmap = font._render_glyph(
                    glyph_index, load_flags, RenderMode.NORMAL if aa else RenderMode.MONO
                )
                buffer = np.array(bitmap.buffer, copy=True)
                if not aa:
                    buffer *= 0xFF
                hit = self.bitmaps[key] = (buffer, bitmap.left - (px >> 6), bitmap.top - (py >> 6))
            buffer, left, top = hit
            top += py >> 6
            draw(buffer, left + (px >> 6), int(height) - top + buffer.shape[0], 0, gc)
        if boxes:
            self.plain_glyphs(gc, x, y, angle, (), boxes)

    def _matrix(self, cos: float, sin: float, slant: float, extend: float):
        key = (cos, sin, slant, extend)
        got = self.matrices.get(key)
        if got is None:
            m = (
                (0x10000 * np.array([[cos, -sin], [sin, cos]]) @ [[extend, extend * slant], [0, 1]])
                .round()
                .astype(int)
            )
            got = self.matrices[key] = (tuple(m.ravel().tolist()), m)
        return got
