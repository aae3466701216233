"""Videos a lecturer can project: 12-20 s at 1280x720, slowed at key events, GIFs >= 960 px,
an informative poster (the end state, never frame 0), dropout masks >= 0.5 s each.

The timelines are checked on their own (cheap), and one lesson's page video is
exported end to end and read back from the files.
"""

from __future__ import annotations

import numpy as np
import pytest

from vizlab import Timeline, lessons
from vizlab.timeline import key_rows

# ------------------------------------------------------------------ timelines


def test_slow_at_repeats_only_the_frames_around_the_event():
    plain = Timeline.build(100, 20, spacing="uniform")
    slow = Timeline.build(100, 20, spacing="uniform", slow_at=[50], slow_factor=3, slow_window=1)
    # The same moments are shown, in the same order: no extra drawing.
    np.testing.assert_array_equal(np.unique(slow.rows), np.unique(plain.rows))
    rows, counts = np.unique(slow.rows, return_counts=True)
    first = int(np.searchsorted(plain.rows, 50))  # first frame reaching row 50
    around = set(plain.rows[first - 1 : first + 2].tolist())
    assert {int(r) for r, c in zip(rows, counts) if c == 3} == around
    assert all(c == 1 for r, c in zip(rows, counts) if int(r) not in around)
    with pytest.raises(ValueError, match="slow_factor"):
        Timeline.build(10, 5, slow_factor=0)


def test_paced_timelines_last_12_to_20_seconds_and_hold_the_end_3_seconds():
    for n_rows, frames, spacing in [(1001, 90, "log"), (51, 31, "uniform"), (300, 8, "log")]:
        tl = Timeline.paced(n_rows, frames, spacing=spacing, slow_at=[1, n_rows // 3])
        assert 12.0 <= tl.duration <= 20.0, (n_rows, frames, tl.duration)
        tail = int(np.argmax(tl.rows == n_rows - 1))
        assert (len(tl) - tail) / tl.fps >= 3.0
        # Length comes from the frame rate and repeats, never from more drawn rows.
        assert len(tl.unique_rows()) == len(
            Timeline.build(n_rows, frames, spacing=spacing).unique_rows()
        )


def test_key_rows_find_first_movement_crossing_divergence_and_early_stop():
    from vizlab import Trace

    x = np.array([-2.0, -2.0, -1.0, 0.5, 2.6, 1.8, 2.1, 2.0])  # minimum at 2: crossed at row 4
    loss = (x - 2) ** 2
    val = np.array([1.0, 1.0, 0.9, 0.5, 0.4, 0.45, 0.6, 0.8])
    tr = Trace(
        {
            "scalar/step": np.arange(8),
            "scalar/loss": loss,
            "grad/xy": 2 * (x - 2)[:, None],
            "scalar/loss_val": val,
        }
    )
    rows = key_rows(tr)
    assert 2 in rows  # the loss first moves at row 2
    assert 4 in rows  # the slope changes sign: the ball crossed the minimum
    assert int(np.argmin(val)) in rows  # the early-stopping step


def test_every_lesson_plays_12_to_20_seconds_and_dropout_masks_half_a_second_each():
    for name in lessons.names():
        spec = lessons.get(name).timeline
        if spec.seconds is None:
            continue
        tl = spec.timeline(400, slow_at=[3, 100])
        assert 12.0 <= tl.duration <= 20.0, (name, tl.duration)
    drop = lessons.get("dropout_network").timeline.timeline(301)
    _, counts = np.unique(drop.rows, return_counts=True)
    assert counts.min() / drop.fps >= 0.5  # each recorded mask stays >= 0.5 s


# ------------------------------------------------------------ one page video


@pytest.fixture(scope="module")
def page_video(tmp_path_factory):
    import os

    from vizlab.gallery import media
    from vizlab.render.descent import draw_descent_1d

    folder = tmp_path_factory.mktemp("media")
    old = os.environ.get(media.MEDIA_ENV)
    os.environ[media.MEDIA_ENV] = str(folder)
    try:
        lesson = lessons.get("descent_1d")
        trace = lessons.run_lesson("descent_1d", quick=True)["overstep"]
        timeline = lesson.timeline_for(trace)
        video = media.video(draw_descent_1d(trace, 0), "spec", timeline=timeline)
    finally:
        if old is None:
            os.environ.pop(media.MEDIA_ENV, None)
        else:
            os.environ[media.MEDIA_ENV] = old
    return video, timeline, trace


def test_page_video_is_1280x720_and_12_to_20_seconds(page_video):
    av = pytest.importorskip("av")
    video, timeline, trace = page_video
    with av.open(str(video.mp4)) as c:
        s = c.streams.video[0]
        n = sum(1 for _ in c.decode(video=0))
        assert (s.width, s.height) == (1280, 720) == (video.width, video.height)
        seconds = n / float(s.average_rate)
    assert n == len(timeline)
    assert 12.0 <= seconds <= 20.0
    # The crossing of the minimum is played slower than the frames around it.
    _, counts = np.unique(timeline.rows, return_counts=True)
    assert counts.max() > counts.min()


def test_page_gif_is_at_least_960_px_and_as_long_as_the_video(page_video):
    from PIL import Image

    video, timeline, _ = page_video
    with Image.open(video.gif) as g:
        assert g.size[0] >= 960
        total = 0
        for i in range(g.n_frames):
            g.seek(i)
            total += g.info["duration"]
    assert abs(total / 1000 - timeline.duration) < 0.05 * timeline.duration


def test_poster_is_the_end_state_not_frame_0(page_video):
    from PIL import Image

    from vizlab.gallery.media import decode

    video, _, _ = page_video
    frames = decode(video.mp4)
    poster = np.asarray(Image.open(video.poster).convert("RGB"), dtype=np.int16)
    first = np.asarray(frames[0].convert("RGB"), dtype=np.int16)
    last = np.asarray(frames[-1].convert("RGB"), dtype=np.int16)
    # The poster is the end frame as drawn; the MP4's copy differs by x264's rounding.
    assert np.abs(poster - last).mean() < 1.0
    assert np.abs(poster - first).mean() > 4 * np.abs(poster - last).mean()
