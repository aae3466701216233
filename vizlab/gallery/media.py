"""Animations on a web page: export a Display as MP4 + GIF and embed it as HTML5 video.

:func:`video` writes ``<name>.mp4`` with :func:`vizlab.render.export.save`
into :func:`media_dir`, makes ``<name>.gif`` and the poster from the frames
as they are drawn (each frame is drawn once, and nothing is decoded back),
and returns a :class:`Video` whose ``_repr_html_`` is a
``<video controls>`` element with download links. The gallery build points
``media_dir`` at the site's static folder; run as a plain script or
notebook, files go to ``./media/``.
"""

from __future__ import annotations

import contextlib
import html
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from vizlab.render import export
from vizlab.render.base import Display
from vizlab.timeline import Timeline, key_rows

MEDIA_ENV = "VIZLAB_GALLERY_MEDIA"
MEDIA_URL_ENV = "VIZLAB_GALLERY_MEDIA_URL"
#: Moving frames of a video (full build) and in quick mode (the same code, fewer frames).
FRAMES = 60
QUICK_FRAMES = 10
#: The highest frame rate of a default video.
FPS = 15
#: A default video lasts about SECONDS (12-20 s), holds its end HOLD_S seconds and
#: plays the frames around key events (:func:`vizlab.timeline.key_rows`)
#: SLOW_FACTOR times slower: length from held frames, never from more drawing.
SECONDS = 14.0
HOLD_S = 3.0
SLOW_FACTOR = 3
#: Pixels per inch: the 12.8 x 7.2 in lecture figures become 1280 x 720 videos.
DPI = 100
GIF_WIDTH = 960
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,80}$")


def media_dir() -> tuple[Path, str]:
    """Folder videos are written to and the URL prefix a page uses to reach it."""
    folder = Path(os.environ.get(MEDIA_ENV) or "media")
    url = os.environ.get(MEDIA_URL_ENV)
    if url is None:
        url = "media/"
    return folder, url


@dataclass(frozen=True)
class Video:
    """An exported animation that shows itself as HTML5 video in a page or notebook.

    Attributes
    ----------
    mp4, gif, poster : Path or None
        The written files (``poster``: the first frame, shown before playing).
    url : str
        URL prefix of the files as seen from the page.
    width, height : int
        Pixel size of the MP4.
    caption : str
        Text under the video (escaped when shown); a lesson's stamp goes here.
    timeline : str
        :meth:`vizlab.Timeline.digest` of the frames shown, written into the
        page as ``data-timeline`` so tests can match a page with a video.
    """

    mp4: Path
    gif: Path | None
    url: str
    width: int
    height: int
    caption: str = ""
    poster: Path | None = None
    timeline: str = ""

    def _repr_html_(self) -> str:
        src = html.escape(self.url + self.mp4.name)
        links = [f'<a href="{src}" download>MP4</a>']
        if self.gif is not None:
            links.append(f'<a href="{html.escape(self.url + self.gif.name)}" download>GIF</a>')
        text = f"{html.escape(self.caption)} " if self.caption else ""
        poster = f' poster="{html.escape(self.url + self.poster.name)}"' if self.poster else ""
        data = f' data-timeline="{html.escape(self.timeline)}"' if self.timeline else ""
        return (
            f'<figure class="vizlab-video"{data} style="margin:1em 0">'
            f'<video controls loop muted playsinline preload="metadata"{poster} '
            f'width="{self.width}" height="{self.height}" '
            'style="max-width:100%;height:auto;display:block">'
            f'<source src="{src}" type="video/mp4">'
            f'Your browser cannot play MP4 video: <a href="{src}">download it</a>.</video>'
            f'<figcaption style="font-size:0.9em">{text}Download: {" · ".join(links)}'
            "</figcaption></figure>"
        )


def video(
    display: Display,
    name: str,
    *,
    timeline: Timeline | None = None,
    frames: int | None = None,
    dpi: float = DPI,
    gif: bool = True,
    gif_width: int = GIF_WIDTH,
    caption: str = "",
) -> Video:
    """Export ``display`` as ``<name>.mp4`` (+ ``<name>.gif``), close its figure, return a Video.

    Parameters
    ----------
    display : Display
        What a ``draw_*`` call returned (its figure is closed afterwards, so
        the gallery does not also show it as a still).
    name : str
        File stem: lower-case letters, digits, ``-`` and ``_``.
    timeline : Timeline, optional
        Frames to show: a lesson's ``lesson.timeline_for(trace)``, so the
        page shows the moments its lecture video shows; default
        :meth:`vizlab.Timeline.paced` over ``frames`` moving frames: about
        :data:`SECONDS` long, slowed at the trace's key events, the end held
        :data:`HOLD_S` seconds. A display may bound that default with a
        ``video_pacing`` dict of :meth:`~vizlab.Timeline.paced` arguments
        (``n_frames`` caps ``frames``), as the dropout network does so that
        each mask stays on screen half a second.
    frames : int, optional
        Moving frames of the default timeline (default :data:`FRAMES`); in
        quick mode at most :data:`QUICK_FRAMES`.
    dpi : float
        Pixels per inch of the MP4 (the lecture figures are 12.8 x 7.2 in:
        100 dpi gives 1280 x 720 pixels).
    gif : bool
        Also write a GIF (for slides that cannot play video), ``gif_width``
        pixels wide, made from the MP4's frames.
    caption : str
        Text under the video: the lesson's stamp, ``lesson.stamp(...)``.
    """
    from vizlab.gallery import quick

    if not isinstance(display, Display):
        raise ValueError(f"video needs a vizlab Display; got {type(display).__name__}")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"video name must be lower-case letters, digits, - or _; got {name!r}")
    if timeline is None:
        frames = frames or FRAMES
        if quick():
            frames = min(frames, QUICK_FRAMES)
        pacing = {
            "max_fps": FPS,
            "slow_factor": SLOW_FACTOR,
            **getattr(display, "video_pacing", {}),
        }
        frames = min(frames, pacing.pop("n_frames", frames))
        traces = getattr(display, "traces", None) or [display.trace]
        events = sorted({r for t in traces for r in key_rows(t) if r < len(display.trace)})
        timeline = Timeline.paced(
            len(display.trace), frames, seconds=SECONDS, hold_s=HOLD_S, slow_at=events, **pacing
        )
    folder, url = media_dir()
    # The poster is the end state (what the run came to), never an empty first
    # frame, unless the display names its key moment (``poster_row``).
    shown = _poster_frame(timeline, getattr(display, "poster_row", None), len(timeline))
    kept = _Keep(timeline.rows, shown, gif_width if gif else None)
    try:
        _freeze_layout(display, int(timeline.rows[0]), dpi)
        mp4 = export.save(
            display, folder / f"{name}.mp4", timeline=timeline, dpi=dpi, on_frame=kept
        )
        w, h = display.fig.get_size_inches() * dpi
    finally:
        plt.close(display.fig)
    poster = atomic_write(folder / f"{name}-poster.png", lambda f: kept.poster.save(f, "PNG"))
    gif_path = (
        write_gif(kept.small, mp4.with_suffix(".gif"), gif_width, timeline.fps, timeline.rows)
        if gif
        else None
    )
    size = int(w) // 2 * 2, int(h) // 2 * 2
    return Video(mp4, gif_path, url, *size, caption, poster, timeline.digest())


class _Keep:
    """Keeps, while a video is drawn, its poster frame and a GIF-sized copy of each new picture.

    A frame whose row repeats the frame before it is the same picture (the
    export does not redraw it): it is kept as None, which :func:`write_gif`
    merges into the frame before.
    """

    def __init__(self, rows, poster: int, gif_width: int | None):
        self.rows, self.poster_index, self.gif_width = rows, poster, gif_width
        self.poster = None
        self.small: list = []

    def __call__(self, i: int, rgba: np.ndarray) -> None:
        from PIL import Image

        repeat = i > 0 and self.rows[i] == self.rows[i - 1]
        if i == self.poster_index or (self.gif_width and not repeat):
            # PIL drops the alpha channel in C; numpy's strided rgba[..., :3] copy was slower
            picture = Image.fromarray(rgba).convert("RGB")
            if i == self.poster_index:
                self.poster = picture
            if self.gif_width and not repeat:
                self.small.append(_gif_size(picture, self.gif_width))
                return
        if self.gif_width:
            self.small.append(None)


def _gif_size(img, width: int):
    from PIL import Image

    if img.width == width:
        return img
    height = max(2, round(img.height * width / img.width))
    # Hamming's window: for these mild reductions (720p to 960 wide) it looks as
    # LANCZOS does in half the time (LANCZOS was 14% of the site examples' CPU).
    return img.resize((width, height), Image.Resampling.HAMMING)


def _poster_frame(timeline: Timeline, row: int | None, n_frames: int) -> int:
    """Index of the last frame showing ``row`` or an earlier row (the last frame if None)."""
    if row is None:
        return n_frames - 1
    before = np.flatnonzero(timeline.rows[:n_frames] <= row)
    return int(before[-1]) if before.size else n_frames - 1


def _freeze_layout(display: Display, row: int, dpi: float) -> None:
    """Lay the figure out once, at the first frame, instead of once per frame.

    Displays that cannot blit redraw the whole figure per frame, and
    constrained layout was half of that time; the moving parts of a picture
    do not change its layout.
    """
    if getattr(display, "blit_safe", False):
        return
    fig = display.fig
    if fig.get_layout_engine() is None:
        return
    display.update(row)
    old = fig.dpi
    fig.dpi = dpi
    fig.canvas.draw()
    fig.dpi = old
    with contextlib.suppress(RuntimeError):
        fig.set_layout_engine("none")


def decode(mp4: Path) -> list:
    """Every frame of an MP4 as a PIL image (needs PyAV, which vizlab's export uses)."""
    import av

    with av.open(str(mp4)) as container:
        frames = [frame.to_image() for frame in container.decode(video=0)]
    if not frames:
        raise ValueError(f"{mp4.name} has no frames")
    return frames


def write_gif(frames: list, gif: Path, width: int, fps: int, rows=None) -> Path:
    """A looping GIF, ``width`` pixels wide, of PIL ``frames`` played at ``fps``.

    Consecutive identical frames (a held ending) become one longer frame.
    ``rows``, the timeline's recorded row per frame, marks repeated frames
    without comparing pixels (a repeated row is the same picture; such a
    frame may be None). Written to a temporary name and renamed, like every
    export.
    """
    from PIL import Image

    images, durations, last = [], [], None
    for i, img in enumerate(frames):
        if rows is not None and i > 0 and i < len(rows) and rows[i] == rows[i - 1]:
            durations[-1] += 1
            continue
        small = _gif_size(img, width)
        data = np.asarray(small).astype(np.int16)
        if last is not None and np.abs(data - last).max() <= 8:  # same picture, up to codec noise
            durations[-1] += 1
            continue
        images.append(
            small.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
        )
        durations.append(1)
        last = data
    ms = [max(20, round(1000 * d / fps / 10) * 10) for d in durations]

    def save(f):
        images[0].save(f, "GIF", save_all=True, append_images=images[1:], duration=ms, loop=0)

    return atomic_write(gif, save)


def atomic_write(path: Path, write) -> Path:
    """Write ``path`` all or nothing: ``write(f)`` fills a temporary file beside it, renamed into place."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        with open(tmp, "wb") as f:
            write(f)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path
