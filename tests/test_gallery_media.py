"""A page's video: the MP4, its poster and its GIF show the same frames.

The poster and the GIF are kept while the MP4's frames are drawn (nothing
is decoded back); the oracle is the MP4 itself, decoded with PyAV.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image, ImageSequence

import vizlab
from vizlab.gallery import media
from vizlab.render.boundary import draw_boundary


@pytest.fixture(scope="module")
def trace():
    config = vizlab.RunConfig(
        dataset="xor", hidden=(3,), optimizer="adam", lr=0.1, steps=60, grid=24, frames=12
    )
    return vizlab.train(config)


def test_poster_and_gif_are_the_videos_frames(trace, tmp_path, monkeypatch):
    monkeypatch.setenv(media.MEDIA_ENV, str(tmp_path))
    # Moving rows with holds between them, and a held end.
    rows = np.array([0, 0, 2, 4, 4, 4, 6, 8, 9, 11, 11, 11])
    timeline = vizlab.Timeline(rows, 5)
    display = draw_boundary(trace, 0)
    video = media.video(display, "xor", timeline=timeline, dpi=25, gif_width=160)
    mp4 = media.decode(video.mp4)
    assert len(mp4) == len(rows)
    frames = [np.asarray(f.convert("RGB")).astype(int) for f in mp4]

    # The poster is the last frame (the end state), as drawn.
    poster = np.asarray(Image.open(video.poster).convert("RGB")).astype(int)
    assert poster.shape == frames[-1].shape
    assert np.abs(poster - frames[-1]).mean() < 2.0  # x264's rounding only
    assert np.abs(poster - frames[0]).mean() > 2 * np.abs(poster - frames[-1]).mean()

    # The GIF: one frame per new row, each lasting until the row changes.
    with Image.open(video.gif) as gif:
        shown = [np.asarray(f.convert("RGB")).astype(int) for f in ImageSequence.Iterator(gif)]
        delays = []
        for k in range(gif.n_frames):
            gif.seek(k)
            delays.append(gif.info["duration"])
    starts = [0] + [i for i in range(1, len(rows)) if rows[i] != rows[i - 1]]
    assert len(shown) <= len(starts)
    assert sum(delays) == pytest.approx(1000 * len(rows) / timeline.fps, abs=10 * len(delays))
    small = [
        np.asarray(mp4[i].convert("RGB").resize(shown[0].shape[1::-1])).astype(int) for i in starts
    ]
    for g in shown:
        # each GIF frame is the nearest of the video's distinct pictures, not another one
        diffs = [np.abs(g - s).mean() for s in small]
        assert min(diffs) < 4.0
    plt.close("all")


def test_a_video_without_gif_still_has_its_poster(trace, tmp_path, monkeypatch):
    monkeypatch.setenv(media.MEDIA_ENV, str(tmp_path))
    timeline = vizlab.Timeline(np.array([0, 5, 11]), 5)
    video = media.video(draw_boundary(trace, 0), "nogif", timeline=timeline, dpi=25, gif=False)
    assert video.gif is None and video.poster.is_file()
    assert not (tmp_path / "nogif.gif").exists()
    plt.close("all")
