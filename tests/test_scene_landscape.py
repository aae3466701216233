"""The loss-landscape scene renders at tiny size and plays the lesson's run.

Oracles: video metadata read back with PyAV (size, fps, a duration equal to
the time the scene played), the lesson stamp the scene records, and the ball
at the end sitting over the last projected point of the recorded path.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("manim")
av = pytest.importorskip("av")

from vizlab import lessons  # noqa: E402
from vizlab.render.scenes import render  # noqa: E402

pytestmark = pytest.mark.video


def test_landscape_scene_renders_the_lesson_run(tmp_path):
    done = render("landscape", "tiny", tmp_path, progress=False, quick=True)
    with av.open(str(done.path)) as c:
        s = c.streams.video[0]
        frames = sum(1 for _ in c.decode(video=0))
        assert (s.width, s.height, float(s.average_rate)) == (160, 90, 10.0)
    assert frames / 10 == pytest.approx(done.seconds, abs=0.1)
    lesson = lessons.get("loss_landscape", quick=True)
    plane = lessons.run_lesson("loss_landscape", quick=True)["pca"][0]
    (shown,) = done.scene.vizlab_shown
    assert shown["lesson"] == "loss_landscape"
    assert shown["runs"] == {"net": lesson.digest("net"), "pca": lesson.digest("pca")}
    assert shown["timeline"] == lesson.timeline_for(plane).digest()
    surface = next(m for m in done.scene.mobjects if hasattr(m, "ball") and hasattr(m, "axes"))
    assert surface.row == len(plane) - 1
    x, y = plane["path/xy"][-1]
    centre = surface.ball.get_center()
    want = surface.axes.c2p(x, y, 0)
    assert np.allclose(centre[:2], np.asarray(want)[:2], atol=1e-6)
