"""The backprop stepper: one recorded step's graph, with a step slider, an example and a weight picker.

Every position redraws :func:`~vizlab.render.backprop.draw_backprop`'s figure in
place: the values on the units, the gradients on the edges, the chain rule of
the chosen weight and its finite difference, all from
:func:`vizlab.explain_step` on the recorded step. The default run is the
lesson ``backprop_xor`` (lecture 003's 2-2-1 XOR network).
"""

from __future__ import annotations

from vizlab.render.backprop import draw_backprop
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

#: Examples offered by the picker (a full batch can hold thousands).
MAX_EXAMPLES = 64


def weight_options(trace: Trace, names: list[list[str]]) -> list[tuple[str, tuple]]:
    """(label, (param, index)) for every weight and bias, labelled as the picture names units."""
    out = []
    layer = 1
    while f"param/fc{layer}.weight" in trace:
        w = trace[f"param/fc{layer}.weight"]
        for j in range(w.shape[-2]):
            for k in range(w.shape[-1]):
                out.append(
                    (f"w {names[layer - 1][k]} → {names[layer][j]}", (f"fc{layer}.weight", (j, k)))
                )
        for j in range(w.shape[-2]):
            out.append((f"b of {names[layer][j]}", (f"fc{layer}.bias", (j,))))
        layer += 1
    return out


class BackpropStepper(WidgetBase):
    """Step through a run's backward passes: step slider, example picker, weight picker.

    Parameters
    ----------
    trace : Trace, optional
        A :func:`vizlab.train` trace with layers of at most 10 units; default
        the run ``run`` of the lesson ``lesson``.
    lesson, run : str
        The lesson run shown when no trace is given.
    quick : bool
        Use the lesson's quick variant.
    dpi : float
        Pixels per inch of the picture.

    Attributes
    ----------
    step : ipywidgets.IntSlider
        Recorded row (rows with an update; the final state has none).
    example : ipywidgets.Dropdown
        -1 for the whole batch, else a position in the step's minibatch.
    weight : ipywidgets.Dropdown
        ``(param, index)`` of the weight whose chain rule is written out.
    display : BackpropDisplay
    """

    def __init__(
        self,
        trace: Trace | None = None,
        *,
        lesson: str = "backprop_xor",
        run: str = "mlp",
        quick: bool = False,
        dpi: float = 72,
    ):
        w = require_ipywidgets()
        stamp = ""
        if trace is None:
            from vizlab import lessons

            trace = lessons.run_lesson(lesson, quick=quick)[run]
            stamp = lessons.get(lesson).stamp(run)
        if not isinstance(trace, Trace):
            raise ValueError(f"expected a vizlab Trace; got {type(trace).__name__}")
        self.trace, self._stamp = trace, stamp
        with MPL_LOCK:
            display = draw_backprop(trace, 0, example=0, stamp=stamp)
            self._view = FigureView(display, dpi=dpi)
        B = trace["batch/indices"].shape[-1]
        self.step = w.IntSlider(value=0, min=0, max=max(len(trace) - 2, 0), description="row")
        self.example = w.Dropdown(
            options=[("whole batch", -1)]
            + [(f"example {i}", i) for i in range(min(B, MAX_EXAMPLES))],
            value=0,
            description="example",
        )
        options = weight_options(trace, display.names)
        self.weight = w.Dropdown(options=options, value=options[0][1], description="weight")
        self.label = w.HTML()
        self.image = w.Image(format="png", layout={"max_width": "100%", "height": "auto"})
        self._status = w.HTML()
        self.widget = w.VBox(
            [
                w.HBox([self.step, self.label]),
                w.HBox([self.example, self.weight]),
                self.image,
                self._code_box(),
                self._status,
            ]
        )
        self._redraws = LatestOnly(self._show, self._show_error)
        self._show(None)
        for control in (self.step, self.example, self.weight):
            control.observe(lambda ch: self._redraws.submit(None), names="value")

    @property
    def display(self) -> Display:
        return self._view.display

    def _choice(self) -> tuple[int, int | None, tuple]:
        ex = int(self.example.value)
        return int(self.step.value), (None if ex < 0 else ex), self.weight.value

    def _show(self, _value) -> None:
        row, example, weight = self._choice()
        with MPL_LOCK:
            self.display.choose(example, weight)
            self.display.update(row)
            png = self._view.render()
        self.image.value = png
        e = self.display.explanation
        self.label.value = f"step {e.step} &nbsp;(row {row + 1} of {len(self.trace)})"
        self._code.value = code_html(self.code())

    def _make_display(self) -> Display:
        row, example, weight = self._choice()
        return draw_backprop(self.trace, row, example, weight, stamp=self._stamp)

    def code(self) -> str:
        """Python that explains and draws the step shown."""
        row, example, weight = self._choice()
        step = int(self.trace.steps[row])
        return (
            "import vizlab\n"
            "from vizlab import lessons\n"
            "from vizlab.render.backprop import draw_backprop\n\n"
            f"trace = ...  # the run shown (e.g. lessons.run_lesson('backprop_xor')['mlp'])\n"
            f"explained = vizlab.explain_step(trace, {step}, {example!r})\n"
            f"print(explained.chain({weight[0]!r}, {weight[1]!r}))\n"
            f"draw_backprop(trace, {row}, {example!r}, {weight!r}).save('backprop.png')\n"
        )
