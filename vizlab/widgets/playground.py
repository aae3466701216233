"""The playground: TensorFlow Playground's idea inside Jupyter, with a real torch model.

Pick the problem type (classification, with two or more classes, or
regression), a dataset, the input features (``x1, x2, x1^2, x2^2, x1x2,
sin x1, sin x2``), the share of training data, the hidden layers (typed, or
grown and shrunk with + and - buttons), the activation, the optimizer and its
learning rate, the batch size, an L1 or L2 penalty, dropout; press play. A
background thread trains the network a few steps at a time
(:class:`vizlab.LiveRun`), so the notebook stays free; after each
chunk the run so far becomes a :class:`~vizlab.Trace` and the gallery's
renderers draw it: :func:`~vizlab.render.boundary.draw_boundary` (the
decision field, the points, train and validation loss) and
:func:`~vizlab.render.activations.draw_hidden_units` (one map per neuron),
:func:`~vizlab.render.regression.draw_regression` for regression, and the
network graph of :mod:`vizlab.render.netgraph` (a thumbnail in every neuron,
links coloured and sized by weight, values on hover). "Show test data" and
"discretize output" change only the view.

A setting changed mid-run starts the run again from step 0 with the new
setting (and keeps playing): the picture then always belongs to one
:class:`~vizlab.RunConfig`, which the widget shows as code.
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from vizlab.config import ConfigError, RunConfig
from vizlab.render.activations import draw_hidden_units, unit_layers
from vizlab.render.base import Display
from vizlab.render.boundary import draw_boundary
from vizlab.render.multiclass import class_probs, field_rgb
from vizlab.render.netgraph import graph_svg
from vizlab.render.regression import draw_regression
from vizlab.trace import Trace
from vizlab.widgets._live_parts import _FieldParts, _LossLines
from vizlab.widgets._view import (
    MPL_LOCK,
    FigureView,
    LatestOnly,
    WidgetBase,
    code_html,
    require_ipywidgets,
    set_control,
    status_html,
)
from vizlab.widgets.settings import (
    DEFAULT_CONFIG,
    LAYOUT_FIELDS,
    config_from_controls,
    datasets_for,
    make_controls,
)
from vizlab.widgets.trainer import BackgroundTrainer


class Playground(WidgetBase):
    """Train a small network live and watch its decision field, neurons and losses.

    Parameters
    ----------
    config : RunConfig, optional
        Where to start (``DEFAULT_CONFIG`` by default); fields without a
        control (``n_points``, ``val_fraction``, ``loss``, ``grid``, ...) keep
        its values.
    dpi : float
        Pixels per inch of the two pictures (60: 768 x 432 each).
    chunk_seconds : float
        Training time between two pictures.
    steps_per_click : int
        Optimizer steps the "step" button takes.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        ``task``, ``dataset``, ``n_classes``, ``features``, ``ratio``,
        ``noise``, ``hidden``, ``activation``, ``optimizer``, ``lr``,
        ``batch_size``, ``regularization``, ``strength``, ``dropout``,
        ``steps``, ``seed``.
    view : dict of str to ipywidgets.Checkbox
        ``show_test`` (validation points) and ``discretize`` (hard regions).
    config : RunConfig
        The run being trained.
    trace : Trace
        The run so far, as last drawn.
    image, units : ipywidgets.Image
        Decision field with losses; per-neuron maps.
    graph : ipywidgets.HTML
        The network graph (SVG): neuron thumbnails, weight-coloured links.
    """

    def __init__(
        self,
        config: RunConfig | None = None,
        *,
        dpi: float = 60,
        chunk_seconds: float = 0.15,
        steps_per_click: int = 10,
    ):
        w = require_ipywidgets()
        config = config or DEFAULT_CONFIG
        if not isinstance(config, RunConfig):
            raise ValueError(f"config must be a vizlab.RunConfig; got {type(config).__name__}")
        self.dpi, self.steps_per_click = dpi, steps_per_click
        self._base = config
        self._views: dict[str, FigureView | None] = {"field": None, "units": None}
        self._layout_key: tuple | None = None
        self.trace: Trace | None = None
        self._quiet = False
        c = self.controls = make_controls(config)
        self.config = self._config_from_controls()
        self._play = w.ToggleButton(value=False, description="play", icon="play", tooltip="train")
        self._step_button = w.Button(description=f"+{steps_per_click} steps", icon="step-forward")
        self._reset_button = w.Button(description="reset", icon="undo", tooltip="back to step 0")
        self._status = w.HTML()
        self.image = w.Image(format="png", layout={"max_width": "100%", "height": "auto"})
        self.units = w.Image(format="png", layout={"max_width": "100%", "height": "auto"})
        self._units_note = w.HTML()
        self.view = {
            "show_test": w.Checkbox(value=True, description="show test data", indent=False),
            "discretize": w.Checkbox(value=False, description="discretize output", indent=False),
        }
        self.graph = w.HTML(layout={"overflow": "auto"})
        self._layer_row = w.HBox()
        self._sync_layer_buttons()
        self.widget = w.HBox(
            [
                w.VBox(list(c.values()), layout={"min_width": "330px"}),
                w.VBox(
                    [
                        w.HBox([self._play, self._step_button, self._reset_button]),
                        w.HBox(list(self.view.values())),
                        self._status,
                        self._layer_row,
                        self.graph,
                        self.image,
                        self.units,
                        self._units_note,
                        self._code_box(),
                        self._export_row("playground.mp4"),
                    ]
                ),
            ]
        )
        # Names a page (and the browser test) can find the parts by.
        for part, name in (
            (self.image, "vizlab-picture"),
            (self.graph, "vizlab-graph"),
            (self._status, "vizlab-status"),
            (self._play, "vizlab-play"),
            (self._code, "vizlab-code"),
            (c["features"], "vizlab-features"),
        ):
            part.add_class(name)
        self._redraws = LatestOnly(self._redraw, self._show_error)
        self._trainer = BackgroundTrainer(
            self.config,
            self._redraws.submit,
            lambda: not self._redraws.busy,
            self._finished,
            self._show_error,
            chunk_seconds,
        )
        self._redraw(self._trainer.run.trace(frames=1))
        for control in c.values():
            control.observe(self._changed, names="value")
        for box in self.view.values():
            box.observe(self._view_changed, names="value")
        self._play.observe(self._play_toggled, names="value")
        self._step_button.on_click(lambda _b: self.step())
        self._reset_button.on_click(lambda _b: self.reset())

    # ------------------------------------------------------------ controls
    def _config_from_controls(self) -> RunConfig:
        return config_from_controls(self._base, self.controls)

    def _changed(self, _change=None) -> None:
        if self._quiet:
            return
        self._offer_datasets()
        try:
            config = self._config_from_controls()
        except (ValueError, ConfigError) as exc:
            self._status.value = status_html(str(exc), "error")
            return
        if config != self.config:
            self.config = config
            self._sync_layer_buttons()
            self._trainer.restart(config)

    def _offer_datasets(self) -> None:
        """The dataset list follows the problem type (keeping the choice when it can)."""
        task, data = self.controls["task"].value, self.controls["dataset"]
        allowed = datasets_for(task)
        if tuple(data.options) != allowed:
            self._quiet = True
            try:
                keep = data.value if data.value in allowed else allowed[0]
                data.options = allowed
                data.value = keep
            finally:
                self._quiet = False

    # ------------------------------------------------------------ layers
    def _sync_layer_buttons(self) -> None:
        """One -/+ pair per hidden layer, and - layer / + layer (Playground's controls)."""
        w = require_ipywidgets()
        hidden = list(self.config.hidden)

        def button(text, tip, fn):
            b = w.Button(description=text, tooltip=tip, layout={"width": "auto"})
            b.on_click(lambda _b: fn())
            return b

        row = [
            button("+ layer", "add a hidden layer", lambda: self._edit_layers(len(hidden), 4)),
            button("- layer", "remove the last hidden layer", lambda: self._edit_layers(-1, 0)),
        ]
        for i, n in enumerate(hidden):
            row.append(w.HTML(f"&nbsp;layer {i + 1}: {n}"))
            row.append(
                button(
                    "-", f"one neuron less in layer {i + 1}", lambda i=i: self.add_neurons(i, -1)
                )
            )
            row.append(
                button("+", f"one neuron more in layer {i + 1}", lambda i=i: self.add_neurons(i, 1))
            )
        self._layer_row.children = row

    def _edit_layers(self, where: int, width: int) -> None:
        hidden = list(self.config.hidden)
        if width:
            hidden.insert(where, width)
        elif hidden:
            hidden.pop(where)
        self.set(hidden=", ".join(map(str, hidden)))

    def add_layer(self, width: int = 4) -> None:
        """Add a hidden layer of ``width`` units after the last (the run restarts)."""
        self._edit_layers(len(self.config.hidden), width)

    def remove_layer(self) -> None:
        """Remove the last hidden layer (the run restarts)."""
        self._edit_layers(-1, 0)

    def add_neurons(self, layer: int, n: int = 1) -> None:
        """Grow (n > 0) or shrink hidden layer ``layer`` (0-based) by ``n`` units, at least 1."""
        hidden = list(self.config.hidden)
        if not 0 <= layer < len(hidden):
            raise ValueError(f"layer must be 0 to {len(hidden) - 1}; got {layer!r}")
        hidden[layer] = max(1, hidden[layer] + int(n))
        self.set(hidden=", ".join(map(str, hidden)))

    def _view_changed(self, _change=None) -> None:
        if self.trace is not None:
            self._layout_key = None  # points shown or hidden: build the figures again
            self._redraws.submit(self.trace)

    def set(self, **changes: Any) -> None:
        """Move controls by name (``pg.set(lr=0.1, hidden="8, 8")``); the run restarts."""
        unknown = sorted(set(changes) - set(self.controls))
        if unknown:
            raise ValueError(
                f"unknown control(s) {', '.join(unknown)}; have {', '.join(self.controls)}"
            )
        self._quiet = True
        try:
            for name, value in changes.items():
                set_control(name, self.controls[name], value)
        finally:
            self._quiet = False
        self._changed()

    def _play_toggled(self, change) -> None:
        playing = bool(change["new"])
        self._play.description, self._play.icon = (
            ("pause", "pause") if playing else ("play", "play")
        )
        if self._quiet:
            return
        if playing:
            if self._trainer.run.finished and not self._trainer.restarting:
                self._trainer.restart(self.config)  # play again from the start
            self._trainer.play()
        else:
            self._trainer.pause()

    def _finished(self) -> None:
        self._play.value = False  # the trainer has stopped already; this only relabels

    # ------------------------------------------------------------ actions
    def play(self) -> None:
        """Train in the background until paused or finished."""
        self._play.value = True

    def pause(self) -> None:
        self._play.value = False

    def step(self, n: int | None = None) -> None:
        """Take ``n`` more steps (``steps_per_click`` by default) in the background."""
        self._trainer.step(self.steps_per_click if n is None else int(n))

    def reset(self) -> None:
        """Start the same run again from step 0 (still playing if it was)."""
        self._trainer.restart(self.config)

    def wait(self, timeout: float | None = 60.0) -> bool:
        """Block until training is paused or finished and its picture drawn; False on timeout."""
        end = None if timeout is None else time.monotonic() + timeout
        ok = self._trainer.wait(timeout)
        left = None if end is None else max(0.0, end - time.monotonic())
        return self._redraws.wait(left) and ok

    def close(self) -> None:
        """Stop the training thread and free the figures."""
        self._trainer.close()
        with MPL_LOCK:
            for view in self._views.values():
                if view is not None:
                    view.close()
        self.widget.close()

    # ------------------------------------------------------------ drawing
    def _redraw(self, trace: Trace) -> None:
        key = (tuple(str(trace.config.get(f)) for f in LAYOUT_FIELDS), trace.diverged is not None)
        with MPL_LOCK:
            if key != self._layout_key:
                self._rebuild(trace)
                self._layout_key = key
            else:
                self._move(trace)
            field = self._views["field"].render()
            units = self._views["units"].render() if self._views["units"] else None
            graph = graph_svg(trace, discretize=self.view["discretize"].value)
        self.trace = trace
        self.image.value = field
        self.graph.value = graph
        if units is not None:
            self.units.value = units
        self.units.layout.display = None if units is not None else "none"
        self._status.value = self._status_text(trace)
        self._code.value = code_html(self.code())

    def _rebuild(self, trace: Trace) -> None:
        for name, view in self._views.items():
            if view is not None:
                view.close()
            self._views[name] = None
        regression = trace.config.get("task") == "regression"
        field = draw_regression(trace) if regression else draw_boundary(trace)
        field._playground = self
        if "val" in field.points:
            field.points["val"].set_visible(self.view["show_test"].value)
        curves, field.curves = field.curves, None  # the loss lines are moved here
        loss = _LossLines(curves, trace)
        if not loss.show(trace):  # rebuilt because a loss outgrew the axes: room above it
            both = np.concatenate([trace["scalar/loss_train"], trace["scalar/loss_val"]])
            finite = both[np.isfinite(both)]
            loss.top = 1.3 * float(finite.max()) if finite.size else 1.0
            loss.ax.set_ylim(0, loss.top)
        self._show_field(field, trace)
        self._views["field"] = FigureView(_FieldParts(field, loss), dpi=self.dpi)
        two_class_maps = trace.config.get("task") != "regression"
        if unit_layers(trace) and two_class_maps:
            # Only the maps' data, their colour limits and the title change, so
            # blitting is exact here (checked against full draws in the tests).
            self._views["units"] = FigureView(draw_hidden_units(trace), dpi=self.dpi, blit=True)
            self._units_note.value = ""
        else:
            if not trace.config.get("hidden"):
                why = "a linear model has none"
            elif not two_class_maps:
                why = "the network graph above shows each neuron's map"
            else:
                why = "layers over 16 units are not drawn"
            self._units_note.value = status_html(f"no per-neuron maps: {why}")

    def _move(self, trace: Trace) -> None:
        """Show ``trace`` in the figures already built: same points, same layers."""
        parts = self._views["field"].display
        field = parts.field
        field.trace = trace
        if not parts.loss.show(trace):
            self._rebuild(trace)  # a loss above the axes: new limits, new figure
            return
        self._show_field(field, trace)
        if self._views["units"] is not None:
            units = self._views["units"].display
            units.trace = trace
            units.update(-1)

    @staticmethod
    def _show_field(field: Display, trace: Trace) -> None:
        """The field panel at the trace's last row (hard regions if asked for)."""
        field.update(-1)
        if "image" in field.artists:
            Playground._discretize(field, trace)

    def _discretize_on(self) -> bool:
        return bool(self.view["discretize"].value)

    @staticmethod
    def _discretize(field: Display, trace: Trace) -> None:
        """Hard regions in place of the graded field, when the view asks for them."""
        pg = getattr(field, "_playground", None)
        if pg is None or not pg._discretize_on():
            return
        fr = trace.field_row(-1)
        if trace.config.get("task") == "regression":
            field.artists["image"].set_data(np.sign(trace["field/output"][fr]))
            return
        probs = class_probs(trace, fr)
        if "field/output" in trace:
            field.artists["image"].set_data((probs[1] >= 0.5).astype(float))
        else:
            hard = (probs == probs.max(0, keepdims=True)).astype(float)
            field.artists["image"].set_data(field_rgb(hard))

    def _status_text(self, trace: Trace) -> str:
        last = trace.at(-1)
        epoch = last.step * self.config.effective_batch / self.config.n_train
        parts = [f"epoch {epoch:.1f}", f"step {last.step} of {self.config.total_steps}"]
        parts.append(f"train loss {float(last['scalar/loss_train']):.3f}")
        val = float(last["scalar/loss_val"])
        if math.isfinite(val):
            parts.append(f"validation loss {val:.3f}")
        if trace.diverged is not None:
            return status_html(" · ".join(parts) + f" · {trace.diverged['reason']}", "error")
        if self._trainer.playing:
            parts.append("training")
        return status_html(" · ".join(parts), "info")

    # ------------------------------------------------------------ code, export
    def code(self) -> str:
        """Python that reruns this run to where the playground is and draws it."""
        done = int(self.trace.steps[-1]) if self.trace is not None else 0
        regression = self.config.task == "regression"
        mod, draw = (
            ("regression", "draw_regression") if regression else ("boundary", "draw_boundary")
        )
        return (
            "import vizlab\n"
            "from vizlab import LiveRun\n"
            f"from vizlab.render.{mod} import {draw}\n\n"
            f"config = {self.config.to_code()}\n"
            "run = LiveRun(config)\n"
            f"run.step({done})  # where the playground is now\n"
            f'{draw}(run.trace()).save("playground.png")\n'
            "# the whole run at once: trace = vizlab.train(config)\n"
        )

    def _make_display(self) -> Display:
        from vizlab import LiveRun

        # Rerun to the same step in this thread (runs are deterministic), so
        # export never reads the training thread's tensors mid-step.
        run = LiveRun(self.config)
        run.step(int(self.trace.steps[-1]))
        if self.config.task == "regression":
            return draw_regression(run.trace(), 0)
        return draw_boundary(run.trace(), 0)
