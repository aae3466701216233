"""A lecture video's text is laid out for its own frame size, whatever rendered before it.

manim caches each Text's SVG by the text and its style, not by the frame's pixel
width, and Pango wraps a line at that width: a title first laid out by a tiny
(160 x 90) test render came back wrapped onto two lines in every 720p lecture
video rendered after it with the same cache. One media cache per quality keeps
the two apart.
"""

from __future__ import annotations

import pytest
from conftest import import_or_skip

import_or_skip("manim")

import manim  # noqa: E402

from vizlab.render.mobjects import LectureScene, lecture_defaults, title  # noqa: E402
from vizlab.render.scenes import manim_config  # noqa: E402

pytestmark = pytest.mark.video

HEADS: dict[str, float] = {}


class LongTitle(LectureScene):
    """One long title, its height recorded (one line of 40-point text is about 0.55 units)."""

    def construct(self):
        lecture_defaults(self)
        head = title("Why XOR needs a hidden layer")
        HEADS[manim.config.pixel_width] = float(head.height)
        self.add(head)


def test_each_quality_has_its_own_media_cache(tmp_path):
    dirs = {
        q: manim_config("x", q, tmp_path, cache_dir=tmp_path / "c")["media_dir"]
        for q in ("tiny", "medium")
    }
    assert dirs["tiny"] != dirs["medium"]


def test_a_tiny_render_does_not_wrap_the_next_medium_render(tmp_path):
    cache = tmp_path / "cache"
    for quality in ("tiny", "medium"):
        cfg = manim_config(
            f"t_{quality}", quality, tmp_path, last_frame_only=True, progress=False, cache_dir=cache
        )
        with manim.tempconfig(cfg):
            LongTitle().render()
    assert (tmp_path / "t_medium.png").is_file()
    # The 720p title is one line, as tall as the same text rendered on its own.
    with manim.tempconfig({"pixel_width": 1280, "pixel_height": 720}):
        alone = float(title("Why XOR needs a hidden layer").height)
    assert HEADS[1280] == pytest.approx(alone, rel=0.02)
    assert HEADS[1280] < 0.8
