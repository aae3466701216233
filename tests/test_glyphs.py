"""The export's glyph cache draws the pixels matplotlib draws.

The oracle is the same frames drawn with every glyph rasterised by FreeType
(``glyphs=False``). The display moves text by fractions of a pixel and by
whole pixels, turns it, changes its string, and mixes fonts, weights,
mathtext and text without anti-aliasing, with and without blitting.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

import vizlab
from vizlab.render import export, glyphs
from vizlab.render.base import Display, figure

pytestmark = pytest.mark.skipif(not glyphs.supported(), reason="matplotlib's text drawing differs")


@pytest.fixture(scope="module")
def trace():
    return vizlab.train(vizlab.RunConfig(steps=24, grid=10, frames=5, hidden=(3,)))


class TextDisplay(Display):
    """Text that moves, turns and changes; still text around it (ticks, labels, a title)."""

    def __init__(self, trace, blit_safe: bool):
        self.blit_safe = blit_safe
        fig, ax = figure(figsize=(4.1, 2.3))
        fig.set_dpi(110)
        ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="step", ylabel="loss $J(w_1, w_2)$")
        ax.set_title("Gradient descent, fixed title", fontweight="bold")
        texts = {
            "slide": ax.text(0.1, 0.8, "", fontsize=11),
            "turn": ax.text(0.5, 0.4, "", rotation=0, fontsize=10, family="monospace"),
            "math": ax.text(0.2, 0.2, "", fontsize=12),
            "plain": ax.text(0.6, 0.15, "", antialiased=False, fontsize=9),
        }
        super().__init__(trace, fig, texts)

    def update(self, row):
        row = self._row(row)
        a, step = self.artists, int(self.trace.steps[row])
        # 0.37 px steps: sub-pixel positions change, and repeat whole pixels apart
        a["slide"].set_position((0.1 + 0.0012 * row, 0.8))
        a["slide"].set_text(f"step {step}: loss {float(self.trace['scalar/loss_train'][row]):.3f}")
        a["turn"].set_rotation(15 * (row % 4))
        a["turn"].set_text(f"w = {row / 7:.4f}")
        a["math"].set_text(rf"$\partial J / \partial w = {row / 3:.2f}$")
        a["plain"].set_text(f"no anti-aliasing {row}")
        self.row = row
        return self.animated_artists()


@pytest.mark.parametrize("blit", [False, True])
def test_cached_glyphs_draw_the_same_pixels(trace, blit, monkeypatch):
    made = []

    class Counting(glyphs._Cache):
        def __init__(self, renderer):
            super().__init__(renderer)
            self.drawn = 0
            made.append(self)

        def draw_glyphs(self, gc, x, y, angle, glyphs, boxes):
            glyphs = list(glyphs)
            self.drawn += len(glyphs)
            return super().draw_glyphs(gc, x, y, angle, glyphs, boxes)

    monkeypatch.setattr(glyphs, "_Cache", Counting)
    timeline = vizlab.Timeline(np.arange(len(trace)), 10)
    try:
        d = TextDisplay(trace, blit)
        cached = [f.copy() for f in export.iter_frames(d, timeline, blit=blit)]
        plain = [f.copy() for f in export.iter_frames(d, timeline, blit=blit, glyphs=False)]
    finally:
        plt.close("all")
    assert len(cached) == len(plain) == len(trace) > 20
    for i, (a, b) in enumerate(zip(cached, plain)):
        np.testing.assert_array_equal(a, b, err_msg=f"frame {i}")
    assert any(not np.array_equal(cached[0], c) for c in cached[1:])
    # the cache was used and reused: far fewer bitmaps rasterised than glyphs drawn
    (cache,) = made
    assert cache.layouts and 0 < len(cache.bitmaps) < cache.drawn / 2
    # and it is gone after the export: the renderer draws as matplotlib again
    assert "draw_text" not in vars(cache.renderer)
    assert "_draw_text_glyphs_and_boxes" not in vars(cache.renderer)


def test_unknown_matplotlib_draws_without_the_cache(trace, monkeypatch):
    monkeypatch.setattr(glyphs, "SUPPORTED", set())
    assert not glyphs.supported()
    monkeypatch.setattr(glyphs, "_Cache", None)  # would fail if used
    d = TextDisplay(trace, False)
    try:
        frames = list(export.iter_frames(d, vizlab.Timeline(np.arange(3), 10)))
    finally:
        plt.close("all")
    assert len(frames) == 3
