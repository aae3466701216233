"""Blitting: paint the still parts of a figure once and only the moving artists per frame.

A :class:`Blitter` caches the background (everything but the moving
artists) and, per axes, transparent layers of the still artists that sit
above a moving one in z-order (the data points over a decision field).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg

if TYPE_CHECKING:  # pragma: no cover
    from vizlab.render.base import Display


class Blitter:
    """Cached background plus, per axes, the moving artists and still layers above them."""

    def __init__(self, display: Display, canvas: FigureCanvasAgg):
        self.canvas = canvas
        self.fig = display.fig
        self.moving = list(dict.fromkeys(display.animated_artists()))
        self.plan: list = []  # ("live", artist) or ("layer", [still artists])
        placed: set[int] = set()
        moving_ids = {id(a) for a in self.moving}
        for container in [*sorted(self.fig.axes, key=lambda ax: ax.zorder), self.fig]:
            order = _draw_order(container)
            first = next((i for i, a in enumerate(order) if id(a) in moving_ids), None)
            if first is None:
                continue
            for a in order[first:]:
                if id(a) in moving_ids:
                    self.plan.append(("live", a))
                    placed.add(id(a))
                elif self.plan and self.plan[-1][0] == "layer":
                    self.plan[-1][1].append(a)
                else:
                    self.plan.append(("layer", [a]))
        # Moving artists nested inside another artist: draw them last.
        self.plan += [("live", a) for a in self.moving if id(a) not in placed]
        self.flags = {a: a.get_animated() for kind, item in self.plan for a in _as_list(item)}

    def __enter__(self) -> Blitter:
        for a in self.flags:
            a.set_animated(True)  # animated artists are left out of canvas.draw()
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(self.fig.bbox)
        self.renderer = self.canvas.get_renderer()
        self.gc = self.renderer.new_gc()
        self.steps = []
        for kind, item in self.plan:
            if kind == "live":
                self.steps.append((kind, item))
            elif (layer := self._layer(item)) is not None:
                self.steps.append((kind, layer))
        return self

    def __exit__(self, *exc) -> None:
        for a, flag in self.flags.items():
            a.set_animated(flag)
        self.gc.restore()

    def _layer(self, artists: list):
        """Render still artists once onto a transparent canvas, cropped to what they cover."""
        r = self.renderer
        layer = RendererAgg(int(r.width), int(r.height), self.fig.dpi)
        for a in artists:
            a.draw(layer)
        rgba = np.asarray(layer.buffer_rgba())
        ys, xs = np.nonzero(rgba[..., 3].any(axis=1)), np.nonzero(rgba[..., 3].any(axis=0))
        if ys[0].size == 0:
            return None
        top, bottom, left, right = ys[0][0], ys[0][-1] + 1, xs[0][0], xs[0][-1] + 1
        # Agg's draw_image wants the bottom row first and the bottom-left corner (y up).
        return int(left), int(r.height) - int(bottom), rgba[top:bottom, left:right][::-1].copy()

    def draw(self) -> None:
        self.canvas.restore_region(self.background)
        for kind, item in self.steps:
            if kind == "live":
                item.draw(self.renderer)
            else:
                self.renderer.draw_image(self.gc, *item)


def _draw_order(container) -> list:
    """Children of an Axes, or the Figure-level artists, in the order a full draw paints them."""
    kids = [a for a in container.get_children() if a is not container.patch]
    if isinstance(container, Axes):
        hidden = []
        if not (container.axison and container.get_frame_on()):
            hidden += container.spines.values()
        if not container.axison:
            hidden += [container.xaxis, container.yaxis]
        kids = [a for a in kids if all(a is not h for h in hidden)]
    else:
        kids = [a for a in kids if not isinstance(a, Axes)]
    return sorted(kids, key=lambda a: a.get_zorder())


def _as_list(item) -> list:
    return item if isinstance(item, list) else [item]
