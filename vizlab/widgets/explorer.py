"""The learning-rate explorer: drag a log-scale slider, watch gradient descent change regime.

Lectures 000, 002 and 004 all show a learning rate that is too small, just
right and too large. Here the student picks it: every slider position runs
:func:`vizlab.descend` (50 steps cost milliseconds), and the picture is the
gallery's own :func:`~vizlab.render.descent.draw_descent_1d` (1-D curves) or
:func:`~vizlab.render.descent.draw_contour_paths` (2-D contour maps), kept
as one persistent figure whose artists are moved to the new run. The label
under the slider names the regime :func:`vizlab.regimes.classify_regime`
reads off the run.
"""

from __future__ import annotations

import html
import math
import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from vizlab.config import OPTIMIZERS
from vizlab.render.base import Display
from vizlab.render.descent import REGIME_TITLES, draw_contour_paths, draw_descent_1d
from vizlab.trace import Trace
from vizlab.widgets._view import (
    MPL_LOCK,
    FigureView,
    LatestOnly,
    WidgetBase,
    code_html,
    png_bytes,
    require_ipywidgets,
    set_control,
)

#: Colour of each regime's label (too small is calm, diverging alarming).
REGIME_COLORS = {
    "too small": "#1f6fb4",
    "just right": "#1b7f3b",
    "oscillating": "#e8890c",
    "diverging": "#c62828",
}
_CACHE_SIZE = 256


def _landscapes():
    import vizlab

    return vizlab.LANDSCAPES


class LearningRateExplorer(WidgetBase):
    """A log-scale learning-rate slider over gradient descent on a curve or a contour map.

    Parameters
    ----------
    landscape : str
        A name from :data:`vizlab.LANDSCAPES`: 1-D ``quadratic``, ``wavy`` or
        2-D ``bowl``, ``rosenbrock``, ``beale``, ``himmelblau``, ``saddle``.
    optimizer : str
        ``sgd``, ``momentum``, ``nesterov``, ``adagrad``, ``rmsprop`` or ``adam``.
    lr : float
        Starting learning rate, inside ``lr_range``.
    start : sequence of float, optional
        Start point; the landscape's default when omitted.
    steps : int
        Optimizer steps per run (10 to 500).
    lr_range : (float, float)
        Ends of the log-scale slider.
    dpi : float
        Pixels per inch of the picture (72: 921 x 518 pixels).

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        ``landscape``, ``optimizer``, ``lr``, ``start_x``, ``start_y``, ``steps``.
    image : ipywidgets.Image
        The picture (PNG).
    regime : ipywidgets.HTML
        "regime: just right" and what it means.
    trace : Trace
        The run shown now.
    display : Display
        The persistent figure's display.
    timings : list of dict
        Seconds spent per redraw: ``descend`` (the run), ``move`` (artists to
        the new run), ``paint`` (blitting), ``encode`` (PNG) and ``total``.

    Examples
    --------
    >>> ex = LearningRateExplorer("quadratic", lr=0.01)  # doctest: +SKIP
    >>> ex  # in Jupyter: the controls and the picture  # doctest: +SKIP
    >>> ex.set(lr=0.95); ex.wait(); ex.trace.header["regime"]  # doctest: +SKIP
    'oscillating'
    """

    def __init__(
        self,
        landscape: str = "quadratic",
        optimizer: str = "sgd",
        lr: float = 0.1,
        start: Sequence[float] | float | None = None,
        steps: int = 50,
        *,
        lr_range: tuple[float, float] = (1e-4, 10.0),
        dpi: float = 72,
    ):
        w = require_ipywidgets()
        lands = _landscapes()
        if landscape not in lands:
            raise ValueError(f"unknown landscape {landscape!r}; choose one of {', '.join(lands)}")
        if optimizer not in OPTIMIZERS:
            raise ValueError(
                f"unknown optimizer {optimizer!r}; choose one of {', '.join(OPTIMIZERS)}"
            )
        lo, hi = lr_range
        if not 0 < lo < hi:
            raise ValueError(f"lr_range must be (low, high) with 0 < low < high; got {lr_range!r}")
        if not isinstance(lr, (int, float)) or not lo <= lr <= hi:
            raise ValueError(f"lr must be a number in lr_range {lr_range}; got {lr!r}")
        if isinstance(steps, bool) or not isinstance(steps, int) or not 10 <= steps <= 500:
            raise ValueError(f"steps must be an integer from 10 to 500; got {steps!r}")
        self.dpi = dpi
        self._cache: OrderedDict[tuple, Trace] = OrderedDict()
        self._view: FigureView | None = None
        self._view_key: tuple | None = None
        self._quiet = False
        self.timings: list[dict] = []
        self.trace: Trace | None = None

        wide = {"width": "420px"}
        desc = {"description_width": "90px"}
        c = self.controls = {
            "landscape": w.Dropdown(options=list(lands), value=landscape, description="landscape"),
            "optimizer": w.Dropdown(
                options=list(OPTIMIZERS), value=optimizer, description="optimizer"
            ),
            "lr": w.FloatLogSlider(
                value=lr,
                base=10,
                min=math.log10(lo),
                max=math.log10(hi),
                step=0.01,
                readout_format=".3g",
                description="learning rate r",
                style=desc,
                layout={"width": "520px"},
            ),
            "start_x": w.FloatSlider(description="start x", step=0.05, style=desc, layout=wide),
            "start_y": w.FloatSlider(description="start y", step=0.05, style=desc, layout=wide),
            "steps": w.IntSlider(value=steps, min=10, max=500, step=10, description="steps"),
        }
        c["lr"].add_class("vizlab-lr")
        self._set_start_controls(landscape, start)
        self.image = w.Image(format="png", layout={"max_width": "100%", "height": "auto"})
        self.image.add_class("vizlab-picture")
        self.regime = w.HTML()
        self.regime.add_class("vizlab-regime")
        self._status = w.HTML()
        self.widget = w.VBox(
            [
                w.HBox([c["landscape"], c["optimizer"], c["steps"]]),
                c["lr"],
                w.HBox([c["start_x"], c["start_y"]]),
                self.regime,
                self.image,
                self._code_box(),
                w.HBox([self._export_row("descent.gif"), self._status]),
            ]
        )
        self._redraws = LatestOnly(self._redraw, self._show_error)
        self._redraw(self.state())  # the first picture, synchronously
        for name, control in c.items():
            control.observe(self._changed, names="value")
            if name == "landscape":
                control.observe(self._landscape_changed, names="value")

    # ------------------------------------------------------------ state
    def state(self) -> dict[str, Any]:
        """The run the controls describe: ``descend`` keyword arguments.

        The learning rate is rounded to 3 significant digits (slider positions are 2.3 % apart), so the code
        shown (:meth:`code`) reruns exactly this run.
        """
        c = self.controls
        land = _landscapes()[c["landscape"].value]
        start = [round(c["start_x"].value, 4)]
        if land.dim == 2:
            start.append(round(c["start_y"].value, 4))
        return {
            "landscape": land.name,
            "optimizer": c["optimizer"].value,
            "lr": float(f"{c['lr'].value:.3g}"),
            "start": start,
            "steps": int(c["steps"].value),
        }

    def set(self, **changes: Any) -> None:
        """Move controls by name, as a student would (``ex.set(lr=0.5)``).

        ``start`` sets both start coordinates. The redraw happens in the
        background; call :meth:`wait` to block until it is shown.
        """
        if "start" in changes:
            start = changes.pop("start")
            start = [start] if isinstance(start, (int, float)) else list(start)
            changes["start_x"] = start[0]
            if len(start) > 1:
                changes["start_y"] = start[1]
        unknown = sorted(set(changes) - set(self.controls))
        if unknown:
            raise ValueError(
                f"unknown control(s) {', '.join(unknown)}; have {', '.join(self.controls)}"
            )
        landscape = changes.pop("landscape", None)
        if landscape is not None:  # first: it resets the start sliders' ranges
            set_control("landscape", self.controls["landscape"], landscape)
        for name, value in changes.items():
            set_control(name, self.controls[name], value)

    def _set_start_controls(self, landscape: str, start=None) -> None:
        land = _landscapes()[landscape]
        point = (
            land.start
            if start is None
            else ([start] if isinstance(start, (int, float)) else list(start))
        )
        if len(point) != land.dim:
            raise ValueError(
                f"start must have {land.dim} coordinate(s) for {landscape!r}; got {start!r}"
            )
        for name, (lo, hi), value in zip(("start_x", "start_y"), land.domain, point):
            s = self.controls[name]
            with s.hold_trait_notifications():  # validate min <= value <= max at the end
                s.min, s.max, s.value = lo, hi, value
            s.layout.display = None
        if land.dim == 1:
            self.controls["start_y"].layout.display = "none"

    def _landscape_changed(self, change) -> None:
        self._quiet = True
        try:
            self._set_start_controls(change["new"])
        finally:
            self._quiet = False
        self._changed(None)

    def _changed(self, _change) -> None:
        if not self._quiet:
            self._redraws.submit(self.state())

    # ------------------------------------------------------------ drawing
    def _run(self, state: dict) -> Trace:
        import vizlab

        key = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in state.items())
        trace = self._cache.get(key)
        if trace is None:
            trace = vizlab.descend(**state)
            self._cache[key] = trace
            if len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return trace

    @staticmethod
    def _draw(trace: Trace, step: int = -1, **kwargs) -> Display:
        """The gallery's picture of ``trace``: a curve (1-D) or a contour map (2-D)."""
        if trace.header["landscape"]["dim"] == 1:
            return draw_descent_1d(trace, step, **kwargs)
        return draw_contour_paths(trace, step, **kwargs)

    def _redraw(self, state: dict) -> None:
        t0 = time.perf_counter()
        trace = self._run(state)
        t1 = time.perf_counter()
        dim = trace.header["landscape"]["dim"]
        # The 2-D map marks the start point once, in the background.
        key = (state["landscape"], tuple(state["start"]) if dim == 2 else None)
        with MPL_LOCK:
            if self._view is None or key != self._view_key:
                # The live figure's title names the landscape and stays put (the
                # label above it names the rate and the regime): only the path and
                # the numbers are repainted per value.
                display = self._draw(trace, title=trace.header["landscape"]["title"])
                ax = display.fig.axes[0]
                if ax.get_legend() is not None:  # it names one lr; the label does now
                    ax.get_legend().remove()
                if self._view is not None:
                    self._view.close()
                self._view, self._view_key = FigureView(display, dpi=self.dpi), key
            else:
                display = self._view.display
                display.set_trace(trace)
                display.update(-1)
            t2 = time.perf_counter()
            pixels = self._view.paint()
            t3 = time.perf_counter()
            png = png_bytes(pixels)
        t4 = time.perf_counter()
        self.trace = trace
        self.image.value = png
        self.regime.value = self._regime_html(trace)
        self._code.value = code_html(self.code())
        self._status.value = ""
        self.timings.append(
            {
                "descend": t1 - t0,
                "move": t2 - t1,
                "paint": t3 - t2,
                "encode": t4 - t3,
                "total": t4 - t0,
            }
        )

    @staticmethod
    def _regime_html(trace: Trace) -> str:
        """``r = 0.95 · regime: oscillating`` and the regime's sentence."""
        regime = trace.header.get("regime", "")
        color = REGIME_COLORS.get(regime, "#222222")
        note = REGIME_TITLES.get(regime, "")
        if trace.diverged is not None:
            note += f" (stopped at step {trace.diverged['step']})"
        return (
            f'<span style="font-size:1.3em">r = {trace.config["lr"]:g} · regime: '
            f'<b style="color:{color}">{html.escape(regime)}</b></span>'
            f'<span style="font-size:1.1em;color:#555"> &nbsp;{html.escape(note)}</span>'
        )

    @property
    def display(self) -> Display:
        return self._view.display

    # ------------------------------------------------------------ code, export
    def code(self) -> str:
        """Python that reruns this descent and draws this picture in a script."""
        s = self.state()
        dim = _landscapes()[s["landscape"]].dim
        draw = "draw_descent_1d" if dim == 1 else "draw_contour_paths"
        regime = self.trace.header.get("regime", "") if self.trace is not None else ""
        return (
            "import vizlab\n"
            f"from vizlab.render.descent import {draw}\n\n"
            f"trace = vizlab.descend({s['landscape']!r}, optimizer={s['optimizer']!r}, "
            f"lr={s['lr']!r}, start={s['start']!r}, steps={s['steps']!r})\n"
            f"print(trace.header['regime'])  # {regime}\n"
            f'{draw}(trace).save("descent.png")  # or .save("descent.gif") for the run\n'
        )

    def _make_display(self) -> Display:
        return self._draw(self.trace, 0)
