"""The scrubber: a step slider over any saved trace, drawn by the gallery's own renderer.

Load a run (or pass one), pick a ``draw_*`` function or let the trace's kind
pick it, and drag through the recorded rows. The figure is built once; each
slider position is ``display.update(row)`` plus a repaint of what moved, the
same path the video export takes, so the picture at a row is the frame the
gallery's video shows there.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from vizlab.config import RunConfig
from vizlab.render.base import Display
from vizlab.trace import Trace
from vizlab.widgets._view import (
    MPL_LOCK,
    FigureView,
    LatestOnly,
    WidgetBase,
    code_html,
    require_ipywidgets,
)


def default_draw(traces: list[Trace]) -> Callable[..., Display]:
    """The gallery's picture for these traces, chosen by their kind.

    A descent on a curve: :func:`draw_descent_1d` (one) or
    :func:`draw_lr_regimes` (several); on a map: :func:`draw_contour_paths`.
    A training run with decision fields: :func:`draw_boundary` (one, two or
    more classes) or :func:`draw_boundary_grid` (several, two classes); a
    regression run with fields: :func:`draw_regression` (the continuous
    value map, or for 1-D data the fit with each hidden unit's part);
    without fields: :func:`draw_curves`.
    """
    from vizlab.render import boundary, curves, descent, regression

    first = traces[0]
    kind = first.header.get("kind")
    if kind == "descend":
        if first.header.get("landscape", {}).get("dim") == 1:
            return descent.draw_descent_1d if len(traces) == 1 else descent.draw_lr_regimes
        return descent.draw_contour_paths
    if kind == "train":
        fields = first.field_steps.size and ("field/output" in first or "field/class0" in first)
        if fields and first.config.get("task") == "regression":
            if len(traces) == 1:
                return regression.draw_regression
        elif fields and len(traces) == 1:
            return boundary.draw_boundary
        elif fields and "field/output" in first:
            return boundary.draw_boundary_grid
        if len(traces) == 1:
            return curves.draw_curves
    raise ValueError(
        f"no default picture for {len(traces)} trace(s) of kind {kind!r}: pass draw=<a draw_* function>"
    )


def _source_code(trace: Trace, path: str | None) -> str:
    """A line of Python that gets ``trace`` back: load its file or rerun its config."""
    if path is not None:
        return f"vizlab.Trace.load({path!r})"
    kind, cfg = trace.header.get("kind"), trace.config
    if kind == "train" and trace.header.get("dataset") != "custom":
        return f"vizlab.train({RunConfig.from_dict(cfg).to_code()})"
    if kind == "descend":
        return (
            f"vizlab.descend({cfg['landscape']!r}, optimizer={cfg['optimizer']!r}, "
            f"lr={cfg['lr']!r}, start={cfg['start']!r}, steps={cfg['steps']!r}, "
            f"momentum={cfg['momentum']!r})"
        )
    return 'vizlab.Trace.load("run.npz")  # save it first: trace.save("run.npz")'


class Scrubber(WidgetBase):
    """A step slider (and a play button) over one saved run or several in lockstep.

    Parameters
    ----------
    traces : Trace, path, or list of them
        Runs to show; paths are read with :meth:`Trace.load`.
    draw : callable, optional
        A renderer ``draw(trace_or_traces, step, **draw_kwargs) -> Display``
        such as :func:`~vizlab.render.activations.draw_hidden_units`; chosen
        from the trace's kind by default (:func:`default_draw`).
    step : int
        Recorded row shown first (negative counts from the end).
    dpi : float
        Pixels per inch of the picture.
    fps : int
        Rows per second when the play button runs.
    **draw_kwargs
        Passed to ``draw`` (``theme``, ``title``, ``curves``, ...).

    Attributes
    ----------
    slider : ipywidgets.IntSlider
        The recorded row (of the longest trace).
    image : ipywidgets.Image
    display : Display
        The persistent figure.
    config : RunConfig or dict or None
        What produced the (first) run: a RunConfig for a training run, the
        descend arguments for a descent.
    """

    def __init__(
        self,
        traces: Trace | str | os.PathLike | Sequence[Trace | str | os.PathLike],
        draw: Callable[..., Display] | None = None,
        *,
        step: int = -1,
        dpi: float = 72,
        fps: int = 10,
        **draw_kwargs,
    ):
        w = require_ipywidgets()
        many = isinstance(traces, (list, tuple))
        items = list(traces) if many else [traces]
        if not items:
            raise ValueError("give at least one trace")
        self._paths: list[str | None] = []
        loaded = []
        for item in items:
            if isinstance(item, Trace):
                loaded.append(item)
                self._paths.append(None)
            elif isinstance(item, (str, os.PathLike)):
                loaded.append(Trace.load(item))
                self._paths.append(str(Path(item)))
            else:
                raise ValueError(f"expected a Trace or a path to one; got {type(item).__name__}")
        self.traces = loaded
        self._many = many
        self.draw = draw or default_draw(loaded)
        self._draw_kwargs = draw_kwargs
        with MPL_LOCK:
            display = self._make_display(step)
            if not isinstance(display, Display):
                raise ValueError(f"draw must return a vizlab Display; got {type(display).__name__}")
            self._view = FigureView(display, dpi=dpi)
        n = len(display.trace)
        self.slider = w.IntSlider(
            value=display.row, min=0, max=n - 1, description="row", continuous_update=True
        )
        self.slider.add_class("vizlab-step")
        self._play = w.Play(value=display.row, min=0, max=n - 1, interval=max(1, 1000 // fps))
        w.jslink((self._play, "value"), (self.slider, "value"))
        self.label = w.HTML()
        self.image = w.Image(format="png", layout={"max_width": "100%", "height": "auto"})
        self._status = w.HTML()
        self.widget = w.VBox(
            [
                w.HBox([self._play, self.slider, self.label]),
                self.image,
                self._code_box(),
                w.HBox([self._export_row("run.gif"), self._status]),
            ]
        )
        self._redraws = LatestOnly(self._show, self._show_error)
        self._show(display.row)
        self.slider.observe(lambda ch: self._redraws.submit(int(ch["new"])), names="value")

    @property
    def display(self) -> Display:
        return self._view.display

    @property
    def config(self) -> RunConfig | dict | None:
        first = self.traces[0]
        if first.header.get("kind") == "train":
            return RunConfig.from_dict(first.config)
        return dict(first.config) or None

    def _show(self, row: int) -> None:
        with MPL_LOCK:
            self.display.update(row)
            png = self._view.render()
        t = self.display.trace
        self.image.value = png
        self.label.value = f"step {int(t.steps[row])} &nbsp;(row {row + 1} of {len(t)})"
        self._code.value = code_html(self.code())

    def _make_display(self, step: int | None = None) -> Display:
        data = self.traces if self._many else self.traces[0]
        return self.draw(data, 0 if step is None else step, **self._draw_kwargs)

    def code(self) -> str:
        """Python that loads or reruns the run(s) and draws this row."""
        name = getattr(self.draw, "__name__", "draw")
        module = getattr(self.draw, "__module__", "")
        lines = ["import vizlab"]
        if module.startswith("vizlab.") and name.startswith("draw_"):
            lines.append(f"from {module} import {name}")
        else:
            lines.append(f"# {name}: the draw function you passed to the Scrubber")
        lines.append("")
        sources = [_source_code(t, p) for t, p in zip(self.traces, self._paths)]
        if self._many:
            lines.append("traces = [")
            lines += [f"    {s}," for s in sources]
            lines.append("]")
            arg = "traces"
        else:
            lines.append(f"trace = {sources[0]}")
            arg = "trace"
        extra = "".join(f", {k}={v!r}" for k, v in self._draw_kwargs.items())
        lines.append(f'{name}({arg}, {self.display.row}{extra}).save("picture.png")')
        return "\n".join(lines) + "\n"
