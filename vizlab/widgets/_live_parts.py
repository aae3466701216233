"""The moving parts of the playground's field figure: what is repainted per picture."""

from __future__ import annotations

import numpy as np

from vizlab.render.base import Display
from vizlab.trace import Trace


class _FieldParts:
    """What moves in the decision-field figure, for blitting.

    The field panel's image, lines and text, and the loss curves, are
    repainted over a cached background: the loss axes keep the limits they
    were built with (the whole planned run across, the first losses up), so
    a picture changes no ticks. A loss above the top rebuilds the figure.
    """

    blit_safe = True

    def __init__(self, field: Display, loss: _LossLines):
        self.field, self.fig, self.trace, self.loss = field, field.fig, field.trace, loss

    def animated_artists(self) -> list:
        a = self.field.artists
        keys = ("image", "boundary", "text", "diverged", "fit", "pieces", "bias")
        moving = [a[k] for k in keys if k in a]
        flat = [m for x in moving for m in (x if isinstance(x, list) else [x])]
        return [*flat, *self.loss.lines]


class _LossLines:
    """The train and validation loss lines of a curves panel, moved without redrawing the axes."""

    def __init__(self, curves: Display, trace: Trace):
        a = curves.artists
        self.ax = curves.ax
        self.lines = [a[k] for k in ("train", "val", "now") if k in a]
        for key in ("es_line", "es_dot", "es_text"):
            if key in a:
                a[key].set_visible(False)  # the live view marks no early-stopping step
        self.ax.set_xlim(0, max(int(trace.config["steps"]), 1) * 1.02)
        top = np.nanmax([trace["scalar/loss_train"][:1], trace["scalar/loss_val"][:1]])
        self.top = 1.15 * float(top) if np.isfinite(top) and top > 0 else 1.0
        self.ax.set_ylim(0, self.top)
        self.a = a

    def show(self, trace: Trace) -> bool:
        """Put ``trace``'s losses in the lines; False when they leave the axes' top."""
        x, tr, va = trace.steps, trace["scalar/loss_train"], trace["scalar/loss_val"]
        self.a["train"].set_data(x, tr)
        if "val" in self.a:
            self.a["val"].set_data(x, va)
        self.a["now"].set_data([x[-1]] * 2, [tr[-1], va[-1]])
        high = np.nanmax(np.concatenate([tr, va]))
        return not (np.isfinite(high) and high > self.top)
