"""Every video the gallery exports: blitted frames equal full redraws, cached glyphs FreeType's.

A display that says ``blit_safe`` has its video drawn by painting only its
moving artists over a cached background (:mod:`vizlab.render.blit`), several
times faster than a full redraw. That is only right if ``update`` changes
nothing else. The oracle here is the same frames drawn the slow way: each
gallery example runs (quick mode, its real lesson runs) with
:func:`vizlab.gallery.video` replaced by a recorder, and each display it
would export is drawn at five rows both ways, with the layout fixed at the
first row as the export fixes it.

The displays that cannot blit are listed with the reason; any other display
in a gallery video must blit, so a slow full redraw does not creep back into
the site build unnoticed.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest

import vizlab
import vizlab.gallery
from vizlab.render import export

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(
    p for p in (ROOT / "gallery" / "examples").glob("*/plot_*.py") if "video(" in p.read_text()
)
#: Display types whose videos are redrawn in full, and why.
FULL_REDRAW = {
    "SurfaceDisplay": "3-D axes re-sort their artists by depth on every draw",
}
DPI = 50


def _recorded_videos(path: Path, monkeypatch, tmp_path) -> list:
    seen = []

    def record(display, name, *, timeline=None, **kwargs):
        seen.append((name, display))

    monkeypatch.setattr(vizlab.gallery, "video", record)
    monkeypatch.setenv(vizlab.gallery.QUICK_ENV, "1")
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(path), run_name="__main__")
    return seen


def _frames(display, timeline, blit: bool, glyphs: bool = True) -> list[np.ndarray]:
    frames = export.iter_frames(display, timeline, blit=blit, glyphs=glyphs)
    return [f[..., :3].astype(int) for f in frames]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_gallery_videos_blit_exactly(path, monkeypatch, tmp_path):
    videos = _recorded_videos(path, monkeypatch, tmp_path)
    assert videos, f"{path.name} mentions video( but exported none"
    try:
        for name, display in videos:
            kind = type(display).__name__
            n = len(display.trace)
            rows = np.unique(np.linspace(0, n - 1, 5).round().astype(int))
            timeline = vizlab.Timeline(rows, 10)
            # As the export: the layout is worked out once, at the first frame.
            display.fig.set_dpi(DPI)
            display.update(int(rows[0]))
            display.fig.canvas.draw()
            if display.fig.get_layout_engine() is not None:
                display.fig.set_layout_engine("none")
            full = _frames(display, timeline, blit=False)
            # the glyph cache's text is matplotlib's, pixel for pixel
            for row, f, g in zip(rows, full, _frames(display, timeline, False, glyphs=False)):
                assert np.array_equal(f, g), f"{name} row {row}: cached glyphs differ"
            if not display.blit_safe:
                assert kind in FULL_REDRAW, f"{name}: {kind} redraws every frame in full"
                continue
            blitted = _frames(display, timeline, blit=True)
            assert len(blitted) == len(full) == len(rows)
            for row, b, f in zip(rows, blitted, full):
                diff = np.abs(b - f)
                # anti-aliasing rounding only, never an artist missing or misplaced
                assert diff.mean() < 0.05 and diff.max() <= 8, (
                    f"{name} ({kind}) row {row}: blitted frame differs from a full redraw "
                    f"(mean {diff.mean():.3f}, max {diff.max()})"
                )
            assert any(not np.array_equal(blitted[0], b) for b in blitted[1:]), (
                f"{name}: the frames do not move"
            )
    finally:
        plt.close("all")
