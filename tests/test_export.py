"""Export of Displays: still pictures, MP4 and GIF, blitting, atomic writes.

Videos are checked by what a reader sees in them (frame count, rate, size,
and decoded pixels against a full redraw of the same row), never by bytes.
"""

from __future__ import annotations

import av
import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib import animation
from PIL import Image

import vizlab
from vizlab.render import export, style
from vizlab.render.base import Display, figure


@pytest.fixture(scope="module")
def trace():
    return vizlab.train(vizlab.RunConfig(steps=60, grid=20, frames=10, hidden=(4,)))


class FieldDisplay(Display):
    """The output field, the training points above it and a step counter (320 x 240 px)."""

    blit_safe = True

    def __init__(self, trace, figsize=(3.2, 2.4)):
        fig, ax = figure(figsize=figsize)
        gx, gy = trace["grid/x"], trace["grid/y"]
        image = ax.imshow(
            trace["field/output"][0],
            extent=(gx[0], gx[-1], gy[0], gy[-1]),
            origin="lower",
            cmap=style.FIELD_CMAP,
            vmin=0,
            vmax=1,
        )
        X, y = trace["data/X_train"], trace["data/y_train"]
        ax.scatter(X[:, 0], X[:, 1], c=[style.class_color(v) for v in y], s=12, edgecolor="w")
        counter = ax.text(0.03, 0.95, "", transform=ax.transAxes, va="top")
        super().__init__(trace, fig, {"image": image, "counter": counter})

    def update(self, row):
        row = self._row(row)
        t = self.trace
        self.artists["image"].set_data(t["field/output"][t.field_row(row)])
        self.artists["counter"].set_text(f"step {int(t.steps[row])}")
        self.row = row
        return self.animated_artists()


class ZoomingDisplay(FieldDisplay):
    """Changes the x limits every frame: not blit-safe, and says nothing about it."""

    blit_safe = False

    def update(self, row):
        out = super().update(row)
        self.fig.axes[0].set_xlim(-3 + row / 30, 3)
        return out


class ExplodingDisplay(FieldDisplay):
    """Fails on its fourth update, like a bug halfway through a long export."""

    calls = 0

    def update(self, row):
        self.calls += 1
        if self.calls == 4:
            raise RuntimeError("boom")
        return super().update(row)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def display(trace):
    return FieldDisplay(trace)


@pytest.fixture
def timeline(trace):
    # Eight distinct rows, so every frame differs from the one before.
    return vizlab.Timeline.build(len(trace), 8, spacing="uniform", fps=10)


def full_draw(display, row) -> np.ndarray:
    display.update(row)
    display.fig.canvas.draw()
    return np.asarray(display.fig.canvas.buffer_rgba())[..., :3].astype(int)


def mp4_meta(path):
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        n = sum(1 for _ in c.decode(s))
        return n, s.average_rate, s.codec_context.width, s.codec_context.height


def test_mp4_has_every_frame_at_the_asked_rate_and_size(display, timeline, tmp_path, capsys):
    out = export.save(display, tmp_path / "run.mp4", timeline=timeline, fps=12, progress=True)
    assert out == tmp_path / "run.mp4"
    assert "run.mp4: 100%|" in capsys.readouterr().err
    assert mp4_meta(out) == (len(timeline), 12, 320, 240)


def test_mp4_odd_pixel_size_drops_a_row_and_column(trace, timeline, tmp_path):
    d = FieldDisplay(trace, figsize=(3.21, 2.41))
    out = export.save(d, tmp_path / "odd.mp4", timeline=timeline)
    assert mp4_meta(out) == (len(timeline), 10, 320, 240)


def test_mp4_dpi_sets_the_frame_size_and_is_undone(display, timeline, tmp_path):
    out = export.save(display, tmp_path / "small.mp4", timeline=timeline, dpi=50)
    assert mp4_meta(out)[2:] == (160, 120)
    assert display.fig.dpi == 100


def test_mp4_through_the_ffmpeg_binary_without_pyav(display, timeline, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "_import_av", lambda: None)
    assert export.writer_info()["mp4"] == "ffmpeg"
    out = export.save(display, tmp_path / "pipe.mp4", timeline=timeline, fps=15)
    assert mp4_meta(out) == (len(timeline), 15, 320, 240)


def test_mp4_without_any_encoder_says_what_to_install(display, timeline, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "_import_av", lambda: None)
    monkeypatch.setattr(export, "_ffmpeg_exe", lambda: None)
    assert export.writer_info()["mp4"] is None
    with pytest.raises(ImportError, match="pip install av"):
        export.save(display, tmp_path / "none.mp4", timeline=timeline)
    assert list(tmp_path.iterdir()) == []


def test_gif_frames_delays_loop_and_size(display, timeline, tmp_path):
    out = export.save(display, tmp_path / "run.gif", timeline=timeline, fps=20)
    with Image.open(out) as im:
        assert (im.n_frames, im.size, im.info["loop"]) == (len(timeline), (320, 240), 0)
        delays = []
        for k in range(im.n_frames):
            im.seek(k)
            delays.append(im.info["duration"])
    assert delays == [50] * len(timeline)


def test_gif_merges_held_frames_but_keeps_the_length(display, trace, tmp_path):
    tl = vizlab.Timeline.build(len(trace), 5, spacing="uniform", hold_end=6, fps=30)
    out = export.save(display, tmp_path / "held.gif", timeline=tl)
    with Image.open(out) as im:
        assert im.n_frames == 5
        total = 0
        for k in range(im.n_frames):
            im.seek(k)
            total += im.info["duration"]
    # 11 frames at 30 fps = 36.7 hundredths of a second: rounded, not 11 x 3.
    assert total == 370


@pytest.mark.parametrize("k", [0, 3, 7])
def test_gif_frame_shows_the_same_picture_as_a_full_redraw(display, timeline, tmp_path, k):
    out = export.save(display, tmp_path / "run.gif", timeline=timeline)
    with Image.open(out) as im:
        im.seek(k)
        frame = np.asarray(im.convert("RGB")).astype(int)
    diffs = [np.abs(frame - full_draw(display, int(row))).mean() for row in timeline.rows]
    # Palette quantisation costs a little; any other row's picture costs more.
    assert diffs[k] < 1.0
    assert int(np.argmin(diffs)) == k


def test_blitted_frames_equal_full_redraws(display, timeline):
    blitted = [f[..., :3].astype(int) for f in export.iter_frames(display, timeline, blit=True)]
    full = [f[..., :3].astype(int) for f in export.iter_frames(display, timeline, blit=False)]
    assert len(blitted) == len(full) == len(timeline)
    for b, f in zip(blitted, full):
        assert np.abs(b - f).mean() < 0.05
        assert np.abs(b - f).max() <= 8  # anti-aliasing rounding, not misplaced artists
    # The points are drawn over the field: their white edges survive the blit.
    assert not np.array_equal(blitted[0], blitted[-1])


def test_displays_that_do_not_opt_in_are_redrawn_in_full(trace, timeline):
    d = ZoomingDisplay(trace)
    safe = [f[..., :3].astype(int) for f in export.iter_frames(d, timeline)]
    forced = [f[..., :3].astype(int) for f in export.iter_frames(d, timeline, blit=True)]
    # What FuncAnimation shows: a fresh display, a full draw per frame, in order
    # (constrained layout settles over successive draws, so the order matters).
    fresh = ZoomingDisplay(trace)
    reference = [full_draw(fresh, int(row)) for row in timeline.rows]
    for k in range(len(timeline)):
        np.testing.assert_array_equal(safe[k], reference[k])
    # Blitting it anyway would freeze the tick labels of the first frame.
    assert np.abs(forced[-1] - reference[-1]).max() > 100


def test_repeated_rows_are_drawn_once_and_shown_again(trace):
    d = ExplodingDisplay(trace)
    d.calls = -100  # count updates, never explode
    tl = vizlab.Timeline.build(len(trace), 3, spacing="uniform", hold_start=2, hold_end=4)
    frames = [f[..., :3].astype(int) for f in export.iter_frames(d, tl)]
    assert len(frames) == len(tl) == 9
    assert d.calls == -100 + 1 + 3  # one update for the background, one per distinct row
    last = full_draw(FieldDisplay(trace), len(trace) - 1)
    for f in frames[-5:]:
        assert np.abs(f - last).max() <= 8


def test_save_leaves_the_display_as_it_was(display, timeline, tmp_path):
    display.update(5)
    export.save(display, tmp_path / "run.mp4", timeline=timeline)
    assert display.row == 5
    assert not any(a.get_animated() for a in display.fig.axes[0].get_children())
    np.testing.assert_array_equal(
        display.artists["image"].get_array(),
        display.trace["field/output"][display.trace.field_row(5)],
    )


@pytest.mark.parametrize("suffix", [".mp4", ".gif"])
def test_failed_export_keeps_the_earlier_file(trace, timeline, tmp_path, suffix):
    target = tmp_path / f"run{suffix}"
    target.write_bytes(b"earlier good file")
    with pytest.raises(RuntimeError, match="boom"):
        export.save(ExplodingDisplay(trace), target, timeline=timeline)
    assert target.read_bytes() == b"earlier good file"
    assert list(tmp_path.iterdir()) == [target]


def test_failed_export_leaves_no_file(trace, timeline, tmp_path):
    with pytest.raises(RuntimeError, match="boom"):
        export.save(ExplodingDisplay(trace), tmp_path / "run.mp4", timeline=timeline)
    assert list(tmp_path.iterdir()) == []


def test_png_has_the_figure_size_and_dpi_scales_it(display, tmp_path):
    with Image.open(export.save(display, tmp_path / "a.png")) as im:
        assert im.size == (320, 240)
    with Image.open(export.save(display, tmp_path / "b.png", dpi=200)) as im:
        assert im.size == (640, 480)
    assert export.save(display, tmp_path / "c.svg").read_text()[:200].find("<svg") >= 0
    assert export.save(display, tmp_path / "d.pdf").read_bytes()[:5] == b"%PDF-"


def test_bad_input_is_refused_in_one_line(display, timeline, tmp_path):
    with pytest.raises(ValueError, match=r"\.png, \.svg, \.pdf, \.mp4, \.gif") as err:
        export.save(display, tmp_path / "run.avi")
    assert "\n" not in str(err.value)
    with pytest.raises(ValueError, match="fps"):
        export.save(display, tmp_path / "run.mp4", timeline=timeline, fps=0)
    with pytest.raises(ValueError, match="50 fps"):
        export.save(display, tmp_path / "run.gif", timeline=timeline, fps=60)
    with pytest.raises(ValueError, match="dpi"):
        export.save(display, tmp_path / "run.png", dpi=-1)
    assert list(tmp_path.iterdir()) == []


def test_matplotlib_animation_saves_mp4_after_configuring(display, timeline, tmp_path, monkeypatch):
    monkeypatch.setitem(mpl.rcParams, "animation.ffmpeg_path", "no-such-ffmpeg")
    assert not animation.writers.is_available("ffmpeg")
    exe = export.configure_matplotlib_ffmpeg()
    assert exe == export.writer_info()["ffmpeg"] == mpl.rcParams["animation.ffmpeg_path"]
    anim = display.animate(timeline)
    anim.save(tmp_path / "mpl.mp4", writer="ffmpeg", fps=timeline.fps)
    assert mp4_meta(tmp_path / "mpl.mp4") == (len(timeline), 10, 320, 240)
