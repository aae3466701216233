"""What every vizlab widget shares: a persistent figure shown as PNG, and last-value-wins updates.

A widget keeps one matplotlib figure (what a ``draw_*`` call returned) for
as long as its layout stays the same, moves it with ``Display.update`` and
repaints only the moving artists over a cached background (blitting, the
same machinery as the video export). The pixels go to an
``ipywidgets.Image`` as PNG: no extra front-end extension is needed, so the
widgets work in JupyterLab, the classic Notebook, Colab and Voila alike.

Redraws run in a worker thread fed through :class:`LatestOnly`: a slider
dragged fast overwrites one pending value, so at most one redraw is in
flight and one more follows with the newest value; stale values are dropped.
"""

from __future__ import annotations

import html
import struct
import threading
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

from vizlab.render.base import Display

#: Every widget draws under this lock: matplotlib figures and rcParams are
#: not safe to touch from two threads at once.
MPL_LOCK = threading.RLock()

_EMPTY = object()


def require_ipywidgets():
    """The ipywidgets module, or an ImportError that says what to install."""
    try:
        import ipywidgets
    except ImportError:
        raise ImportError(
            "vizlab's notebook widgets need ipywidgets: pip install 'vizlab-nn[widgets]'"
        ) from None
    return ipywidgets


def png_bytes(rgba: np.ndarray, level: int = 1) -> bytes:
    """An RGBA PNG file of the pixels ``rgba`` (H, W, 4) uint8.

    Written directly with zlib at a low compression level and no row
    filters: for the flat colours of a figure this is about as small as
    Pillow's default and several times faster, which matters at slider
    speed. Keeping the alpha channel avoids a strided RGB copy.
    """
    h, w = rgba.shape[:2]
    rows = np.empty((h, 1 + 4 * w), np.uint8)
    rows[:, 0] = 0  # filter type "None" for every row
    rows[:, 1:] = np.asarray(rgba).reshape(h, 4 * w)

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, level))
        + chunk(b"IEND", b"")
    )


class LatestOnly:
    """Call ``fn(value)`` in a worker thread for the newest value submitted.

    ``submit`` only stores the value in a one-slot mailbox and returns, so
    the notebook's event loop never waits on a redraw. While ``fn`` runs,
    newer submissions overwrite each other; when it returns, the worker
    takes whatever is in the slot. A burst of ``n`` values therefore costs
    at most two calls: the one in flight and one with the last value.

    Parameters
    ----------
    fn : callable
        Does the work for one value (in the worker thread).
    on_error : callable, optional
        Called with the exception when ``fn`` raises; the worker goes on.

    Attributes
    ----------
    calls : int
        How many times ``fn`` has run.
    """

    def __init__(self, fn: Callable[[Any], None], on_error: Callable[[BaseException], None]):
        self._fn, self._on_error = fn, on_error
        self._cond = threading.Condition()
        self._pending: Any = _EMPTY
        self._newest: Any = _EMPTY  # the last value submitted, pending or handled
        self._running = False
        self.calls = 0

    def call(self, value: Any) -> None:
        """Handle ``value`` now, in this thread (before any :meth:`submit`: a first picture)."""
        with self._cond:
            self._newest = value
        try:
            self._fn(value)
        finally:
            self.calls += 1

    def submit(self, value: Any) -> None:
        """Make ``value`` the next one to handle (dropping any older pending one)."""
        with self._cond:
            self._pending = self._newest = value
            if not self._running:
                self._running = True
                threading.Thread(target=self._work, daemon=True, name="vizlab-redraw").start()

    def resubmit(self) -> None:
        """Handle the newest value again (a setting of how it is shown changed).

        The newest, not the last one handled: one still pending is never
        replaced by an older value.
        """
        with self._cond:
            if self._newest is not _EMPTY:
                self.submit(self._newest)

    def _work(self) -> None:
        while True:
            with self._cond:
                if self._pending is _EMPTY:
                    self._running = False
                    self._cond.notify_all()
                    return
                value, self._pending = self._pending, _EMPTY
            try:
                self._fn(value)
            except Exception as exc:  # shown in the widget, never lost in a thread
                self._on_error(exc)
            finally:
                self.calls += 1

    def wait(self, timeout: float | None = 30.0) -> bool:
        """Block until nothing is pending or running; False on timeout."""
        end = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._running:
                left = None if end is None else end - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._cond.wait(left)
        return True

    @property
    def busy(self) -> bool:
        return self._running


class FigureView:
    """A Display's figure kept alive and turned into PNG bytes on demand.

    Parameters
    ----------
    display : Display
        What a ``draw_*`` call returned. Its figure is taken out of pyplot (so
        the notebook does not show it a second time) and given an Agg canvas.
    dpi : float
        Pixels per inch of the PNG (72 makes a 12.8 x 7.2 in figure 921 x 518).
    blit : bool, optional
        Repaint only ``display.animated_artists()`` over a cached background;
        default ``display.blit_safe``. Without blitting every render is a
        full draw, with the layout computed by the first one kept.
    """

    def __init__(self, display: Display, *, dpi: float = 72, blit: bool | None = None):
        from vizlab.render.export import Blitter

        self.display = display
        fig = display.fig
        plt.close(fig)
        self.canvas = FigureCanvasAgg(fig)
        fig.set_dpi(dpi)
        self.blit = display.blit_safe if blit is None else blit
        self._blitter = Blitter(display, self.canvas).__enter__() if self.blit else None

    def paint(self) -> np.ndarray:
        """Draw the figure as it is now; its pixels (H, W, 4), valid until the next paint."""
        if self._blitter is not None:
            self._blitter.draw()
        else:
            self.canvas.draw()
            # Lay the figure out once: later frames keep the axes where they
            # are (no jitter as tick labels change, and a faster draw).
            self.display.fig.set_layout_engine("none")
        return np.asarray(self.canvas.buffer_rgba())

    def render(self) -> bytes:
        """The figure as it is now, as PNG bytes."""
        return png_bytes(self.paint())

    def close(self) -> None:
        if self._blitter is not None:
            self._blitter.__exit__(None, None, None)
            self._blitter = None
        plt.close(self.display.fig)


def set_control(name: str, control, value: Any) -> None:
    """Set one control as a student would; ValueError for a value it cannot take.

    Sliders would silently clamp an out-of-range number; this says so instead.
    """
    from traitlets import TraitError

    lo, hi = getattr(control, "min", None), getattr(control, "max", None)
    if hasattr(control, "base"):  # FloatLogSlider: min and max are exponents
        lo, hi = control.base**lo, control.base**hi
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if lo is not None and number and not lo <= value <= hi:
        raise ValueError(f"{name} must be between {lo:g} and {hi:g}; got {value!r}")
    try:
        control.value = value
    except TraitError as exc:
        raise ValueError(f"{name}: {exc}") from None


def status_html(text: str, kind: str = "info") -> str:
    """A one-line message for a widget's status area (HTML-escaped)."""
    color = {"info": "#555555", "ok": "#1b7f3b", "error": "#c62828"}[kind]
    return f'<span style="color:{color}">{html.escape(text)}</span>'


def code_html(code: str) -> str:
    """Copy-pasteable code in a ``<pre>`` block (HTML-escaped)."""
    return (
        '<pre style="font-size:12px;line-height:1.35;margin:0;white-space:pre-wrap;'
        f'user-select:all">{html.escape(code)}</pre>'
    )


def checked_path(path: str | Path) -> Path:
    """A video path ending in .mp4 or .gif (ValueError otherwise)."""
    path = Path(path)
    if path.suffix.lower() not in (".mp4", ".gif"):
        raise ValueError(f"export a run as .mp4 or .gif; got {path.name!r}")
    return path


class WidgetBase:
    """Shared plumbing: the ipywidgets tree, code, export and waiting.

    Subclasses set ``self.widget`` (the container shown in the notebook),
    ``self._redraws`` (a LatestOnly), and implement :meth:`code` and
    :meth:`_make_display` (a fresh Display of the current run for export).
    """

    widget: Any
    _redraws: LatestOnly

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def code(self) -> str:
        """Python that reproduces the current picture in a script."""
        raise NotImplementedError

    def _make_display(self) -> Display:
        raise NotImplementedError

    def wait(self, timeout: float | None = 30.0) -> bool:
        """Block until pending redraws are done (tests and scripts); False on timeout."""
        return self._redraws.wait(timeout)

    def close(self) -> None:
        """Free the figure and close the widget."""
        self.wait(10)
        with MPL_LOCK:
            view = getattr(self, "_view", None)
            if view is not None:
                view.close()
        self.widget.close()

    def export(self, path: str | Path, *, timeline=None, **kwargs) -> Path:
        """Write the current run as an MP4 or GIF, drawn by the gallery's renderer.

        The video is made from a fresh figure at full size (not the widget's
        small live one) by :func:`vizlab.render.export.save`; ``timeline``
        and ``kwargs`` (``fps``, ``dpi``) are passed on.
        """
        path = checked_path(path)
        with MPL_LOCK:
            display = self._make_display()
            try:
                return display.save(path, timeline=timeline, **kwargs)
            finally:
                plt.close(display.fig)

    def _export_clicked(self, _button=None) -> None:
        """The Export button: write the file in a thread, report in the status line."""
        try:
            path = checked_path(self._export_name.value.strip())
        except ValueError as exc:
            self._status.value = status_html(str(exc), "error")
            return
        self._status.value = status_html(f"exporting {path.name} ...")

        def run():
            try:
                done = self.export(path)
                self._status.value = status_html(f"saved {done}", "ok")
            except Exception as exc:
                self._status.value = status_html(f"export failed: {exc}", "error")

        threading.Thread(target=run, daemon=True, name="vizlab-export").start()

    def _export_row(self, default: str):
        w = require_ipywidgets()
        self._export_name = w.Text(value=default, description="file", layout={"width": "260px"})
        button = w.Button(description="Export video", tooltip="write the run as MP4 or GIF")
        button.on_click(self._export_clicked)
        return w.HBox([self._export_name, button])

    def _code_box(self):
        w = require_ipywidgets()
        self._code = w.HTML(code_html(""))
        box = w.Accordion(children=[self._code], titles=("Code for this picture",))
        box.selected_index = None
        return box

    def _show_error(self, exc: BaseException) -> None:
        self._status.value = status_html(f"{type(exc).__name__}: {exc}", "error")
