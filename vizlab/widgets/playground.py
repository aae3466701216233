"""The playground: TensorFlow Playground's idea inside Jupyter, with a real torch model.

Pick a dataset, the hidden layers, the activation, the optimizer and its
learning rate, the batch size, an L1 or L2 penalty, dropout; press play. A
background thread trains the network a few steps at a time
(:class:`vizlab.core.live.LiveRun`), so the notebook stays free; after each
chunk the run so far becomes a :class:`~vizlab.Trace` and the gallery's
renderers draw it: :func:`~vizlab.render.boundary.draw_boundary` (the
decision field, the points, train and validation loss) and
:func:`~vizlab.render.activations.draw_hidden_units` (one map per neuron).

A setting changed mid-run starts the run again from step 0 with the new
setting (and keeps playing): the picture then always belongs to one
:class:`~vizlab.RunConfig`, which the widget shows as code.
"""

from __future__ import annotations

import math
import threading
import time
from typing import Any

from vizlab.config import ACTIVATIONS, DATASETS, OPTIMIZERS, ConfigError, RunConfig
from vizlab.render import style
from vizlab.render.activations import draw_hidden_units, unit_layers
from vizlab.render.base import Display
from vizlab.render.boundary import draw_boundary
from vizlab.render.curves import draw_curves
from vizlab.trace import Trace
from vizlab.widgets._view import (
    MPL_LOCK,
    FigureView,
    LatestOnly,
    WidgetBase,
    code_html,
    require_ipywidgets,
    status_html,
)

#: The playground's starting point: TensorFlow Playground's defaults (4-2
#: tanh net, lr 0.03, batches of 10) on noisy XOR, with Adam so a first run
#: gets somewhere within a few hundred steps.
DEFAULT_CONFIG = RunConfig(
    dataset="xor",
    noise=0.15,
    hidden=(4, 2),
    activation="tanh",
    optimizer="adam",
    lr=0.03,
    batch_size=10,
    steps=1000,
    grid=40,
    frames=60,
)
BATCH_SIZES = (("full", 0), ("1", 1), ("4", 4), ("10", 10), ("16", 16), ("32", 32), ("64", 64))
STRENGTHS = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0)
HORIZONS = (200, 500, 1000, 2000, 5000)
# Settings that change the figure's layout (points, title, number of maps):
# when one of them changes the figures are built again.
_LAYOUT_FIELDS = ("dataset", "n_points", "noise", "val_fraction", "seed", "hidden", "activation", "loss", "grid")


def parse_hidden(text: str) -> tuple[int, ...]:
    """``"4, 2"`` -> ``(4, 2)``; empty -> ``()`` (a linear model)."""
    parts = [p for p in text.replace(",", " ").split() if p]
    try:
        widths = tuple(int(p) for p in parts)
    except ValueError:
        raise ValueError(f"hidden layers must be whole numbers like '4, 2'; got {text!r}") from None
    if any(not 1 <= n <= 64 for n in widths) or len(widths) > 6:
        raise ValueError(f"use up to 6 hidden layers of 1 to 64 units; got {text!r}")
    return widths


class _Trainer:
    """The background thread that steps a LiveRun and publishes its trace after each chunk.

    The thread exists only while there is work (playing, steps asked for, a
    restart); commands only set flags under a lock, so a click never waits.
    """

    def __init__(self, config: RunConfig, publish, ready, on_finish, on_error, chunk_seconds):
        from vizlab.core.live import LiveRun

        self._LiveRun = LiveRun
        self.run = LiveRun(config)
        self._publish, self._ready = publish, ready
        self._on_finish, self._on_error = on_finish, on_error
        self._chunk = chunk_seconds
        self._cond = threading.Condition()
        self.playing = False
        self._wanted = 0
        self._restart: RunConfig | None = None
        self._active = False
        self._closed = False

    def _kick(self) -> None:
        # called with the lock held
        self._cond.notify_all()
        if not self._active and not self._closed:
            self._active = True
            threading.Thread(target=self._loop, daemon=True, name="vizlab-train").start()

    def play(self) -> None:
        with self._cond:
            self.playing = True
            self._kick()

    def pause(self) -> None:
        with self._cond:
            self.playing = False
            self._wanted = 0

    def step(self, n: int) -> None:
        with self._cond:
            self._wanted += n
            self._kick()

    def restart(self, config: RunConfig) -> None:
        with self._cond:
            self._restart = config
            self._wanted = 0
            self._kick()

    def close(self) -> None:
        with self._cond:
            self._closed, self.playing = True, False
            self._cond.notify_all()

    def wait(self, timeout: float | None) -> bool:
        end = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._active:
                left = None if end is None else end - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def _loop(self) -> None:
        try:
            while True:
                with self._cond:
                    restart, self._restart = self._restart, None
                    run = self.run
                    work = self.playing or self._wanted > 0
                    if self._closed or (restart is None and (run.finished or not work)):
                        self._active = False
                        self._cond.notify_all()
                        return
                    budget = math.inf if self.playing else self._wanted
                if restart is not None:
                    self.run = self._LiveRun(restart)
                    self._publish(self.run.trace(frames=1))
                    continue
                taken, end = 0, time.monotonic() + self._chunk
                while taken < budget and not run.finished and time.monotonic() < end:
                    taken += run.step(int(min(budget - taken, 5)))
                with self._cond:
                    self._wanted = max(0, self._wanted - taken)
                    stale = self._restart is not None
                    if run.finished:
                        self.playing = False
                    last = not (self.playing or self._wanted)
                # A picture only when the last one is on screen (or this is the
                # last): a trace the drawing thread would drop costs time for nothing.
                if not stale and (last or self._ready()):
                    self._publish(run.trace(frames=1))
                if run.finished:
                    self._on_finish()
        except Exception as exc:
            with self._cond:
                self._active, self.playing = False, False
                self._cond.notify_all()
            self._on_error(exc)


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
        ``dataset``, ``noise``, ``hidden``, ``activation``, ``optimizer``,
        ``lr``, ``batch_size``, ``regularization``, ``strength``, ``dropout``,
        ``steps``, ``seed``.
    config : RunConfig
        The run being trained.
    trace : Trace
        The run so far, as last drawn.
    image, units : ipywidgets.Image
        Decision field with losses; per-neuron maps.
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
        desc = {"description_width": "100px"}
        box = {"width": "320px"}

        def kw(description):
            return {"description": description, "style": desc, "layout": box}

        reg = "L1" if config.l1 else ("L2" if config.l2 else "none")
        strength = config.l1 or config.l2 or 0.01
        batches = [(label, b) for label, b in BATCH_SIZES if b <= config.n_train]
        c = self.controls = {
            "dataset": w.Dropdown(options=DATASETS, value=config.dataset, **kw("dataset")),
            "noise": w.FloatSlider(value=config.noise, min=0, max=1, step=0.05, **kw("noise")),
            "hidden": w.Text(
                value=", ".join(map(str, config.hidden)), continuous_update=False, **kw("hidden layers")
            ),
            "activation": w.Dropdown(options=ACTIVATIONS, value=config.activation, **kw("activation")),
            "optimizer": w.Dropdown(options=OPTIMIZERS, value=config.optimizer, **kw("optimizer")),
            "lr": w.FloatLogSlider(
                value=config.lr, base=10, min=-4, max=1, step=0.05, readout_format=".3g", **kw("learning rate")
            ),
            "batch_size": w.Dropdown(options=batches, value=config.batch_size, **kw("batch size")),
            "regularization": w.ToggleButtons(options=["none", "L1", "L2"], value=reg, **kw("penalty")),
            "strength": w.SelectionSlider(
                options=[(f"{s:g}", s) for s in STRENGTHS],
                value=min(STRENGTHS, key=lambda s: abs(math.log(s / strength))),
                **kw("strength λ"),
            ),
            "dropout": w.FloatSlider(
                value=config.dropout[0] if config.dropout else 0.0, min=0, max=0.9, step=0.05, **kw("dropout p")
            ),
            "steps": w.Dropdown(
                options=sorted({*HORIZONS, config.total_steps}), value=config.total_steps, **kw("steps")
            ),
            "seed": w.BoundedIntText(value=config.seed, min=0, max=2**31 - 1, **kw("seed")),
        }
        c["regularization"].style.button_width = "60px"
        self.config = self._config_from_controls()
        self._play = w.ToggleButton(value=False, description="play", icon="play", tooltip="train")
        self._step_button = w.Button(description=f"+{steps_per_click} steps", icon="step-forward")
        self._reset_button = w.Button(description="reset", icon="undo", tooltip="back to step 0")
        self._status = w.HTML()
        self.image = w.Image(format="png", layout={"max_width": "100%", "height": "auto"})
        self.units = w.Image(format="png", layout={"max_width": "100%", "height": "auto"})
        self._units_note = w.HTML()
        self.widget = w.HBox(
            [
                w.VBox(list(c.values()), layout={"min_width": "330px"}),
                w.VBox(
                    [
                        w.HBox([self._play, self._step_button, self._reset_button]),
                        self._status,
                        self.image,
                        self.units,
                        self._units_note,
                        self._code_box(),
                        self._export_row("playground.mp4"),
                    ]
                ),
            ]
        )
        self._redraws = LatestOnly(self._redraw, self._show_error)
        self._trainer = _Trainer(
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
        self._play.observe(self._play_toggled, names="value")
        self._step_button.on_click(lambda _b: self.step())
        self._reset_button.on_click(lambda _b: self.reset())

    # ------------------------------------------------------------ controls
    def _config_from_controls(self) -> RunConfig:
        c = self.controls
        hidden = parse_hidden(c["hidden"].value)
        p, reg, lam = c["dropout"].value, c["regularization"].value, float(c["strength"].value)
        return self._base.replace(
            dataset=c["dataset"].value,
            noise=round(float(c["noise"].value), 4),
            hidden=hidden,
            activation=c["activation"].value,
            optimizer=c["optimizer"].value,
            lr=float(f"{c['lr'].value:.4g}"),
            batch_size=int(c["batch_size"].value),
            l1=lam if reg == "L1" else 0.0,
            l2=lam if reg == "L2" else 0.0,
            dropout=(round(float(p), 4),) if p > 0 and hidden else (),
            steps=int(c["steps"].value),
            epochs=0,
            seed=int(c["seed"].value),
        )

    def _changed(self, _change=None) -> None:
        if self._quiet:
            return
        try:
            config = self._config_from_controls()
        except (ValueError, ConfigError) as exc:
            self._status.value = status_html(str(exc), "error")
            return
        if config != self.config:
            self.config = config
            self._trainer.restart(config)

    def set(self, **changes: Any) -> None:
        """Move controls by name (``pg.set(lr=0.1, hidden="8, 8")``); the run restarts."""
        unknown = sorted(set(changes) - set(self.controls))
        if unknown:
            raise ValueError(f"unknown control(s) {', '.join(unknown)}; have {', '.join(self.controls)}")
        self._quiet = True
        try:
            for name, value in changes.items():
                self.controls[name].value = value
        finally:
            self._quiet = False
        self._changed()

    def _play_toggled(self, change) -> None:
        playing = bool(change["new"])
        self._play.description, self._play.icon = ("pause", "pause") if playing else ("play", "play")
        if self._quiet:
            return
        if playing:
            if self._trainer.run.finished and self._trainer._restart is None:
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
        key = (tuple(str(trace.config.get(f)) for f in _LAYOUT_FIELDS), trace.diverged is not None)
        with MPL_LOCK:
            if key != self._layout_key:
                self._rebuild(trace)
                self._layout_key = key
            else:
                self._move(trace)
            field = self._views["field"].render()
            units = self._views["units"].render() if self._views["units"] else None
        self.trace = trace
        self.image.value = field
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
        self._views["field"] = FigureView(draw_boundary(trace), dpi=self.dpi, blit=False)
        if unit_layers(trace):
            self._views["units"] = FigureView(draw_hidden_units(trace), dpi=self.dpi, blit=False)
            self._units_note.value = ""
        else:
            why = "a linear model has none" if not trace.config.get("hidden") else "layers over 16 units are not drawn"
            self._units_note.value = status_html(f"no per-neuron maps: {why}")

    def _move(self, trace: Trace) -> None:
        """Show ``trace`` in the figures already built: same points, same layers."""
        field = self._views["field"].display
        field.trace = trace
        ax = field.curves.ax
        with style.theme("light"):
            ax.clear()  # the loss axes grow with the run: draw them anew
            field.curves = draw_curves(trace, ax=ax, show_step=False)
        field.update(-1)
        if self._views["units"] is not None:
            units = self._views["units"].display
            units.trace = trace
            units.update(-1)

    def _status_text(self, trace: Trace) -> str:
        last = trace.at(-1)
        parts = [f"step {last.step} of {self.config.total_steps}"]
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
        return (
            "import vizlab\n"
            "from vizlab.core.live import LiveRun\n"
            "from vizlab.render.boundary import draw_boundary\n\n"
            f"config = {self.config.to_code()}\n"
            "run = LiveRun(config)\n"
            f"run.step({done})  # where the playground is now\n"
            'draw_boundary(run.trace()).save("playground.png")\n'
            "# the whole run at once: trace = vizlab.train(config)\n"
        )

    def _make_display(self) -> Display:
        from vizlab.core.live import LiveRun

        # Rerun to the same step in this thread (runs are deterministic), so
        # export never reads the training thread's tensors mid-step.
        run = LiveRun(self.config)
        run.step(int(self.trace.steps[-1]))
        return draw_boundary(run.trace(), 0)
