"""Export a Display: one picture (PNG, SVG, PDF) or one frame per timeline entry (MP4, GIF).

A video frame is made the way a lecture slide is redrawn by hand: the parts
that never change (axes, ticks, the data points, labels) are painted once, and
only what moves is painted again. For each frame :func:`save` calls
``display.update(row)``, then

1. restores the cached background (everything but the moving artists),
2. draws the moving artists (``display.animated_artists()``) and, above them
   in z-order, a cached transparent layer of the still artists that belong
   on top (the scatter of data points over a decision field, tick marks),
3. hands the canvas pixels to an encoder running in a second thread.

This *blitting* is only valid when ``update`` changes nothing but the listed
artists: no axis limits, no tick labels, no titles outside them. A display
says so by setting ``blit_safe = True``; any other display gets a full
``canvas.draw()`` per frame, which is slower but always right.

MP4 is encoded in-process with PyAV (libx264, yuv420p, BT.709 tags); without
PyAV, raw frames are piped to imageio-ffmpeg's bundled ``ffmpeg``. GIF always
works through Pillow. Every file is written to a temporary name in the target
folder and moved into place at the end, so an interrupted export never leaves
a half-written file and never destroys an earlier good one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

# Blitting and the encoders live in their own modules; their names stay importable here.
from vizlab.render.blit import Blitter
from vizlab.render.encoders import X264_OPTIONS, _Gif, _Pipe, _Pipeline, _PyAV
from vizlab.render.glyphs import glyph_cache
from vizlab.timeline import Timeline

if TYPE_CHECKING:  # pragma: no cover
    from vizlab.render.base import Display

__all__ = [
    "STILL",
    "SUPPORTED",
    "VIDEO",
    "X264_OPTIONS",
    "Blitter",
    "configure_matplotlib_ffmpeg",
    "iter_frames",
    "save",
    "writer_info",
]

STILL = (".png", ".svg", ".pdf")
VIDEO = (".mp4", ".gif")
SUPPORTED = STILL + VIDEO


def save(
    display: Display,
    path: str | os.PathLike,
    *,
    timeline: Timeline | None = None,
    fps: int | None = None,
    dpi: float | None = None,
    progress: bool = False,
    on_frame: Callable[[int, np.ndarray], None] | None = None,
) -> Path:
    """Write ``display`` to ``path``; the suffix picks the format.

    Parameters
    ----------
    display : Display
        What a ``draw_*`` call returned.
    path : str or PathLike
        ``.png``, ``.svg``, ``.pdf``: the figure at the row it shows now.
        ``.mp4``, ``.gif``: one frame per entry of ``timeline``.
    timeline : Timeline, optional
        Frames of a video; default ``display.timeline()``.
    fps : int, optional
        Frames per second of a video; default ``timeline.fps``. GIF delays are
        whole hundredths of a second, so a GIF allows at most 50 fps.
    dpi : float, optional
        Pixels per inch; default the figure's. A video frame is the figure's
        size in inches times ``dpi`` pixels (12.8 x 7.2 in at 100 dpi is
        1280 x 720); MP4 drops a last odd row or column, as yuv420p needs even sizes.
    progress : bool
        Show a progress bar over the frames.
    on_frame : callable, optional
        For a video, ``on_frame(i, rgba)`` is called with each frame's index
        and its RGBA pixels (H, W, 4), valid during the call only: a way to
        keep frames (a poster, a smaller copy) without decoding the file.

    Returns
    -------
    Path
        ``path``, written completely or not at all.

    Notes
    -----
    Consecutive identical GIF frames (timeline holds) are merged into one
    longer frame, so a GIF plays for ``len(timeline) / fps`` seconds but may
    store fewer frames; an MP4 stores every frame.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise ValueError(
            f"cannot export {path.name!r}: supported suffixes are {', '.join(SUPPORTED)}"
        )
    if dpi is not None and not dpi > 0:
        raise ValueError(f"dpi must be positive; got {dpi!r}")
    configure_matplotlib_ffmpeg()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig = display.fig
    if suffix in STILL:
        with _atomic(path) as tmp:
            fig.savefig(tmp, format=suffix[1:], dpi=dpi or fig.dpi)
        return path

    tl = timeline if timeline is not None else display.timeline()
    tl.check(len(display.trace))
    fps = tl.fps if fps is None else fps
    if not isinstance(fps, (int, np.integer)) or isinstance(fps, bool) or fps < 1:
        raise ValueError(f"fps must be a positive integer; got {fps!r}")
    if suffix == ".gif" and fps > 50:
        raise ValueError(f"a GIF plays at most 50 fps (delays are 1/100 s); got fps={fps}")
    writer = _Gif(fps) if suffix == ".gif" else _mp4_writer(fps)
    shown = display.row
    with _atomic(path) as tmp, _dpi(fig, dpi), _Pipeline(writer, tmp) as pipe:
        with contextlib.closing(iter_frames(display, tl)) as frames:
            for i, rgba in enumerate(_progress(frames, len(tl), path.name, progress)):
                pipe.put(rgba)
                if on_frame is not None:
                    on_frame(i, rgba)
    display.update(shown)
    return path


def iter_frames(
    display: Display,
    timeline: Timeline | None = None,
    *,
    blit: bool | None = None,
    glyphs: bool = True,
) -> Iterator[np.ndarray]:
    """Yield the pixels of each frame of ``timeline`` (default ``display.timeline()``).

    Parameters
    ----------
    blit : bool, optional
        Draw only the moving artists over a cached background. Default
        ``getattr(display, "blit_safe", False)``: displays opt in.
    glyphs : bool
        Rasterise each text glyph once and draw it again from a cache
        (:mod:`vizlab.render.glyphs`; the same pixels). False draws every
        glyph with FreeType, as matplotlib does.

    Yields
    ------
    ndarray (H, W, 4) uint8
        RGBA view of the canvas, valid until the next frame is drawn.
    """
    tl = timeline if timeline is not None else display.timeline()
    tl.check(len(display.trace))
    rows = [int(r) for r in tl.rows]
    blit = bool(getattr(display, "blit_safe", False)) if blit is None else blit
    with _agg_canvas(display.fig) as canvas, glyph_cache(canvas.get_renderer(), glyphs):
        if blit:
            display.update(rows[0])  # the first frame's layout for the background
        with Blitter(display, canvas) if blit else contextlib.nullcontext() as blitter:
            last = None
            for row in rows:
                # A row repeated (timeline holds, early rows of a log timeline)
                # is the same picture: the canvas already shows it.
                if row != last:
                    display.update(row)
                    if blit:
                        blitter.draw()
                    else:
                        canvas.draw()
                    last = row
                yield np.asarray(canvas.buffer_rgba())


def _import_av():
    try:
        import av
    except ImportError:
        return None
    return av


def _ffmpeg_exe() -> str | None:
    """imageio-ffmpeg's bundled binary (built with libx264), else an ffmpeg on PATH."""
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        return shutil.which("ffmpeg")


def _mp4_writer(fps: int):
    av = _import_av()
    if av is not None:
        return _PyAV(av, fps)
    exe = _ffmpeg_exe()
    if exe is not None:
        return _Pipe(exe, fps)
    raise ImportError(
        "MP4 export needs PyAV (pip install av) or imageio-ffmpeg (pip install imageio-ffmpeg); "
        "GIF export needs neither"
    )


@contextlib.contextmanager
def _atomic(path: Path) -> Iterator[str]:
    """A temporary path beside ``path``, moved onto it only if the block succeeds."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def _dpi(fig, dpi: float | None) -> Iterator[None]:
    old = fig.dpi
    if dpi is not None:
        fig.set_dpi(dpi)
    try:
        yield
    finally:
        fig.set_dpi(old)


@contextlib.contextmanager
def _agg_canvas(fig) -> Iterator[FigureCanvasAgg]:
    """The figure's canvas if it renders with Agg, else a temporary Agg canvas."""
    old = fig.canvas
    if isinstance(old, FigureCanvasAgg):
        yield old
        return
    try:
        yield FigureCanvasAgg(fig)
    finally:
        fig.set_canvas(old)


def _progress(frames, total: int, name: str, show: bool):
    if not show:
        return frames
    from tqdm.auto import tqdm

    return tqdm(frames, total=total, desc=name, unit="frame")


def writer_info() -> dict:
    """Which encoders this machine has.

    Returns
    -------
    dict
        ``mp4``: ``"pyav"``, ``"ffmpeg"`` (pipe to a binary) or None;
        ``gif``: ``"pillow"``; ``pyav``: PyAV version or None; ``ffmpeg``:
        path of the ffmpeg binary used by the pipe and by matplotlib, or None.
    """
    av = _import_av()
    exe = _ffmpeg_exe()
    return {
        "mp4": "pyav" if av is not None else ("ffmpeg" if exe else None),
        "gif": "pillow",
        "pyav": getattr(av, "__version__", None),
        "ffmpeg": exe,
    }


def configure_matplotlib_ffmpeg() -> str | None:
    """Point matplotlib's ffmpeg writer at imageio-ffmpeg's binary when none is on PATH.

    Afterwards ``FuncAnimation.save("x.mp4")`` works without a system ffmpeg.
    Returns the ffmpeg matplotlib will run, or None if there is none.
    """
    current = mpl.rcParams["animation.ffmpeg_path"]
    found = shutil.which(current)
    if found:
        return found
    exe = _ffmpeg_exe()
    if exe:
        mpl.rcParams["animation.ffmpeg_path"] = exe
    return exe
