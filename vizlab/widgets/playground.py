"""The playground: TensorFlow Playground's idea inside Jupyter, with a real torch model.

Pick the problem type (classification, with two or more classes, or
regression), a dataset, the input features (``x1, x2, x1^2, x2^2, x1x2,
sin x1, sin x2``), the share of training data, the hidden layers (typed, or
grown and shrunk with + and - buttons), the activation, the optimizer and its
learning rate, the batch size, an L1 or L2 penalty, dropout; press play. A
background thread trains the network a few steps at a time
(:class:`vizlab.LiveRun`), so the notebook stays free; after each
chunk a :class:`~vizlab.LiveSnapshot` (the current weights, the fields on a
64 x 64 grid, the losses so far) is drawn by :mod:`vizlab.render.liveview`
as SVG, without a matplotlib figure: the decision field (or, for 1-D
regression, the fit and each unit's share of it), the points and the train
and validation loss, and the network graph of :mod:`vizlab.render.netgraph`
(each neuron a thumbnail of its own map, links coloured and sized by
weight, values on hover). That keeps ten pictures a second while training.
The code box draws the same run with the gallery's renderers
(:func:`~vizlab.render.boundary.draw_boundary`,
:func:`~vizlab.render.regression.draw_regression`). "Show test data" and
"discretize output" change only the view.

A setting changed mid-run starts the run again from step 0 with the new
setting (and keeps playing): the picture then always belongs to one
:class:`~vizlab.RunConfig`, which the widget shows as code.
"""

from __future__ import annotations

import math
import time
from typing import Any

from vizlab.budget import MAX_UNITS_WITH_MAPS
from vizlab.config import ConfigError, RunConfig
from vizlab.render.base import Display
from vizlab.render.boundary import draw_boundary
from vizlab.render.liveview import LiveView, live_graph_svg
from vizlab.render.regression import draw_regression
from vizlab.trace import Trace
from vizlab.widgets._view import (
    LatestOnly,
    WidgetBase,
    code_html,
    require_ipywidgets,
    set_control,
    status_html,
)
from vizlab.widgets.settings import (
    DEFAULT_CONFIG,
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
        Kept for earlier calls; the live picture is SVG and has no dpi.
    chunk_seconds : float
        Training time between two pictures (1/15 s: at most fifteen pictures a second
        at most, the steps per picture set by the training speed).
    steps_per_click : int
        Optimizer steps the "step" button takes.
    grid : int
        Points per side of the live field grid (the neuron thumbnails take every other one).

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
    snapshot : LiveSnapshot
        The state the picture shows (its ``step``, weights, fields, losses).
    trace : Trace
        The run so far as a Trace, made whenever training stops (paused,
        finished, steps taken); while playing it lags the picture.
    image : ipywidgets.Image
        The field (or 1-D fit) with the data, and the loss curves (SVG).
    graph : ipywidgets.HTML
        The network graph (SVG): neuron thumbnails, weight-coloured links.
    """

    def __init__(
        self,
        config: RunConfig | None = None,
        *,
        dpi: float = 60,
        chunk_seconds: float = 1 / 15,
        steps_per_click: int = 10,
        grid: int = 64,
    ):
        w = require_ipywidgets()
        config = config or DEFAULT_CONFIG
        if not isinstance(config, RunConfig):
            raise ValueError(f"config must be a vizlab.RunConfig; got {type(config).__name__}")
        self.dpi, self.steps_per_click = dpi, steps_per_click
        self._base = config
        self._view: LiveView | None = None  # touched only by the drawing thread
        self.trace: Trace | None = None
        self.snapshot = None
        self._quiet = False
        c = self.controls = make_controls(config)
        self.config = self._config_from_controls()
        self._play = w.ToggleButton(value=False, description="play", icon="play", tooltip="train")
        self._step_button = w.Button(description=f"+{steps_per_click} steps", icon="step-forward")
        self._reset_button = w.Button(description="reset", icon="undo", tooltip="back to step 0")
        self._status = w.HTML()
        self.image = w.Image(format="svg+xml", layout={"max_width": "100%", "height": "auto"})
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
                        self._units_note,
                        self.image,
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
            grid,
        )
        self._redraws.call(self._trainer.published(with_trace=True))
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
        # The newest published state, not ``self.snapshot`` (the last one drawn:
        # submitting it would drop a newer one, with its trace, still waiting).
        self._redraws.resubmit()

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
        """Stop the training thread and close the widget."""
        self._trainer.close()
        self.widget.close()

    # ------------------------------------------------------------ drawing
    def _redraw(self, published: tuple) -> None:
        """Draw ``(snapshot, trace or None)``: the field with the curves, and the graph."""
        snap, trace = published
        show_test = self.view["show_test"].value
        view = self._view
        if view is None or view.config != snap.config or view.show_test != show_test:
            view = self._view = LiveView(snap, show_test=show_test)
            self._units_note.value = self._note(snap.config)
        discretize = self.view["discretize"].value
        picture = view.svg(snap, discretize=discretize).encode()
        graph = live_graph_svg(snap, discretize=discretize)
        self.snapshot = snap
        if trace is not None:
            self.trace = trace
        self.image.value = picture
        self.graph.value = graph
        self._status.value = self._status_text(snap)
        self._code.value = code_html(self.code())

    @staticmethod
    def _note(config: RunConfig) -> str:
        """Why some neurons show no map (or nothing)."""
        if not config.hidden:
            return status_html("no per-neuron maps: a linear model has none")
        if max(config.hidden) > MAX_UNITS_WITH_MAPS:
            return status_html(
                f"no per-neuron maps for layers over {MAX_UNITS_WITH_MAPS} units (grey in the graph)"
            )
        return ""

    def _status_text(self, snap) -> str:
        c = snap.config
        epoch = snap.step * c.effective_batch / c.n_train
        parts = [f"epoch {epoch:.1f}", f"step {snap.step} of {c.total_steps}"]
        train = float(snap.loss_train[-1]) if len(snap.loss_train) else math.nan
        if math.isfinite(train):
            parts.append(f"train loss {train:.3f}")
        val = float(snap.loss_val[-1]) if len(snap.loss_val) else math.nan
        if math.isfinite(val):
            parts.append(f"validation loss {val:.3f}")
        if snap.diverged is not None:
            return status_html(" · ".join(parts) + f" · {snap.diverged['reason']}", "error")
        if self._trainer.playing:
            parts.append("training")
        return status_html(" · ".join(parts), "info")

    # ------------------------------------------------------------ code, export
    def code(self) -> str:
        """Python that reruns this run to where the playground is and draws it."""
        done = self.snapshot.step if self.snapshot is not None else 0
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
        run.step(self.snapshot.step if self.snapshot is not None else 0)
        if self.config.task == "regression":
            return draw_regression(run.trace(), 0)
        return draw_boundary(run.trace(), 0)
