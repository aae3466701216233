"""Learning-rate schedules: the rate and the loss over steps.

Nothing here imports torch.
"""

from __future__ import annotations

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes

from vizlab.render import style
from vizlab.render.base import Display, animator, figure, subplots
from vizlab.render.paths import (
    as_traces,
    box,
)
from vizlab.trace import Trace


class LRScheduleDisplay(Display):
    """Learning rate and loss over steps (see :func:`draw_lr_schedule`)."""

    blit_safe = True

    def __init__(self, trace: Trace, fig, artists: dict, loss_keys: dict[str, str]):
        super().__init__(trace, fig, artists)
        self._loss_keys = loss_keys  # artist name -> trace key of the loss it draws

    def update(self, row: int) -> list[Artist]:
        self.row = r = self._row(row)
        a, t = self.artists, self.trace
        s = t.steps[: r + 1]
        a["lr"].set_data(s, t["scalar/lr"][: r + 1])
        for name, key in self._loss_keys.items():
            a[name].set_data(s, t[key][: r + 1])
        for cursor in a["cursor"]:
            cursor.set_xdata([t.steps[r], t.steps[r]])
        a["step"].set_text(f"step {int(t.steps[r])}:  r = {t['scalar/lr'][r]:.3g}")
        return [a["lr"], *a["cursor"], a["step"], *(a[n] for n in self._loss_keys)]


_SCHEDULE_TITLES = {
    "constant": "A constant learning rate",
    "step": "Step decay: the learning rate drops every few steps",
    "exponential": "Exponential decay: big steps early, fine steps late",
    "cosine": "Cosine annealing: big steps early, fine steps late",
}


def draw_lr_schedule(
    trace: Trace,
    step: int = -1,
    *,
    ax: Axes | None = None,
    theme: str = "light",
    title: str | None = None,
) -> LRScheduleDisplay:
    """The learning rate over steps above the loss over the same steps.

    Two panels on one step axis (not two y axes on one panel), so neither
    curve needs a colour to say which scale it is read on. Given ``ax``, the
    loss goes on a second y axis of that one panel.

    Parameters
    ----------
    trace : Trace
        Any trace with ``scalar/lr`` and a loss: ``scalar/loss`` (a descent)
        or ``scalar/loss_train`` (and ``scalar/loss_val`` if present) of a
        ``train`` run.
    step : int
        Recorded row to show; both curves hold the first row+1 values and
        the whole planned schedule is drawn faintly behind.

    Returns
    -------
    LRScheduleDisplay
        ``artists["lr"]``, ``artists["loss"]`` (and ``artists["loss_val"]``),
        ``artists["cursor"]`` (one line per panel), ``artists["step"]``.
    """
    (trace,) = as_traces(trace, ("scalar/lr",))
    if "scalar/loss" in trace:
        keys = {"loss": "scalar/loss"}
    elif "scalar/loss_train" in trace:
        keys = {"loss": "scalar/loss_train"}
        if "scalar/loss_val" in trace:
            keys["loss_val"] = "scalar/loss_val"
    else:
        raise ValueError("draw_lr_schedule needs scalar/loss or scalar/loss_train in the trace")
    steps, lr = trace.steps, trace["scalar/lr"]
    with style.theme(theme):
        stacked = ax is None
        if stacked:
            fig, (ax, ax2) = subplots(
                2, 1, theme=theme, sharex=True, gridspec_kw={"height_ratios": [1, 1.4]}
            )
        else:
            fig, ax = figure(ax, theme=theme)
            ax2 = ax.twinx()
            ax2.spines["right"].set_visible(True)
        c_lr = style.series_color(0)
        ax.plot(steps, lr, color=c_lr, lw=6, alpha=0.2)
        (lr_line,) = ax.plot([], [], color=c_lr, lw=3, label="learning rate r")
        ax.set_xlim(steps[0], max(int(steps[-1]), 1))
        ax.set_ylim(0, 1.3 * float(np.nanmax(lr)))
        ax2.set_xlabel("step")
        ax.set_ylabel("learning rate r")
        lines = {}
        names = {
            "loss": "training loss" if len(keys) > 1 else "loss",
            "loss_val": "validation loss",
        }
        for name in keys:
            split = style.split_style("val" if name == "loss_val" else "train")
            (lines[name],) = ax2.plot([], [], **split, lw=2.5, label=names[name])
        vals = np.concatenate([np.asarray(trace[k], float) for k in keys.values()])
        vals = vals[np.isfinite(vals) & (vals > 0)]
        if vals.size and vals.max() / vals.min() > 30:
            ax2.set_yscale("log")
            ax2.set_ylim(vals.min() / 2, vals.max() * 8)
        elif vals.size:
            ax2.set_ylim(0, vals.max() * 1.3)
        ax2.set_ylabel("loss")
        cursor = [a.axvline(steps[0], color=style.GUIDE, lw=1.2, ls=":") for a in (ax, ax2)]
        step_text = ax.text(
            0.5, 0.96, "", transform=ax.transAxes, ha="center", va="top", fontsize=15, bbox=box()
        )
        if stacked:
            ax.legend(handles=[lr_line], loc="upper right", framealpha=0.9)
            ax2.legend(loc="upper right", framealpha=0.9)
        else:
            ax.legend(handles=[lr_line, *lines.values()], loc="upper right", framealpha=0.9)
        schedule = trace.config.get("schedule", "constant")
        ax.set_title(title or _SCHEDULE_TITLES.get(schedule, "Learning rate over training"))
    disp = LRScheduleDisplay(
        trace, fig, {"lr": lr_line, **lines, "cursor": cursor, "step": step_text}, keys
    )
    disp.update(step)
    return disp


animate_lr_schedule = animator(draw_lr_schedule)
