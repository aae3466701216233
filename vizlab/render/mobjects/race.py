"""ContourRace: several descent paths on one 2-D loss landscape, seen from above.

The landscape's recorded surface (``grid/loss``) is shown once as a light
heat map of ``log(1 + loss)`` with contour lines; each trace adds a path of
the points visited so far and a ball at its head, in its series colour. The
traces must share the landscape (and so the grid). A trace that ends early
(diverged) holds at its last row.
"""

from __future__ import annotations

from collections.abc import Sequence

import contourpy
import numpy as np
from manim import Dot, Group, ImageMobject, Polygon, Star, VGroup, VMobject
from manim.constants import RESAMPLING_ALGORITHMS

from vizlab.render import style
from vizlab.render.mobjects.colors import field_rgba
from vizlab.render.mobjects.descent import nice_step
from vizlab.render.mobjects.field import to_scene
from vizlab.render.mobjects.theme import INK, lecture_axes
from vizlab.trace import Trace

# The grammar's loss landscape: the pale map and contour colour of the figures.
LANDSCAPE_CMAP = style.LOSS_CMAP
CONTOUR_COLOR = style.LOSS_LINE_COLOR


def landscape_image(trace: Trace, axes, levels: int = 12) -> tuple[ImageMobject, VMobject]:
    """Heat map of ``log(1 + grid/loss)`` fitted to ``axes``, and its contour lines."""
    xs, ys, z = trace["grid/x"], trace["grid/y"], np.log1p(np.maximum(trace["grid/loss"], 0))
    img = ImageMobject(field_rgba(z, LANDSCAPE_CMAP, float(z.min()), float(z.max())))
    img.set_resampling_algorithm(RESAMPLING_ALGORITHMS["bilinear"])
    lo, hi = axes.c2p(xs[0], ys[0]), axes.c2p(xs[-1], ys[-1])
    img.stretch_to_fit_width(hi[0] - lo[0]).stretch_to_fit_height(hi[1] - lo[1])
    img.move_to((lo + hi) / 2)
    lines = VMobject(stroke_color=CONTOUR_COLOR, stroke_width=1.5, fill_opacity=0)
    gen = contourpy.contour_generator(xs, ys, z)
    for level in np.linspace(z.min(), z.max(), levels + 2)[1:-1]:
        for ln in gen.lines(level):
            if len(ln) > 2:
                pts = to_scene(axes, ln[:: max(1, len(ln) // 200)])
                lines.start_new_path(pts[0])
                lines.add_points_as_corners(pts[1:])
    return img, lines


class ContourRace(Group):
    """Descent paths of several 2-D traces over their shared landscape.

    Parameters
    ----------
    traces : sequence of Trace
        2-D :func:`vizlab.descend` traces on the same landscape.
    colors : sequence of str, optional
        One per trace (the Okabe-Ito series by default).
    side : float
        Width of the map in scene units (height follows the domain's aspect).
    numbers : bool
        Tick labels on the axes.

    Attributes
    ----------
    axes, image, contours, paths, balls, minima
    rows : list of int
        Row shown now of each trace.
    """

    def __init__(
        self,
        traces: Sequence[Trace],
        colors: Sequence[str] | None = None,
        *,
        side: float = 6.0,
        numbers: bool = True,
        ball_radius: float = 0.11,
    ):
        super().__init__()
        if not traces:
            raise ValueError("ContourRace needs at least one trace")
        for t in traces:
            if "grid/loss" not in t or t["point/xy"].shape[1:] != (2,):
                raise ValueError(
                    "ContourRace needs 2-D descend traces (grid/loss, point/xy (T, 2))"
                )
        self.traces = list(traces)
        colors = list(colors or style.SERIES[: len(traces)])
        if len(colors) != len(traces):
            raise ValueError(f"{len(traces)} traces but {len(colors)} colours")
        xs, ys = traces[0]["grid/x"], traces[0]["grid/y"]
        self.box = (float(xs[0]), float(xs[-1]), float(ys[0]), float(ys[-1]))
        height = side * (ys[-1] - ys[0]) / (xs[-1] - xs[0])
        self.axes = lecture_axes(
            [xs[0], xs[-1], nice_step(xs[-1] - xs[0], 4)],
            [ys[0], ys[-1], nice_step(ys[-1] - ys[0], 4)],
            x_length=side,
            y_length=height,
            numbers=numbers,
        )
        self.image, self.contours = landscape_image(traces[0], self.axes)
        x0, x1, y0, y1 = self.box
        corners = [self.axes.c2p(*c) for c in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))]
        self.border = Polygon(*corners, stroke_color=INK, stroke_width=2, fill_opacity=0)
        self.minima = VGroup(
            *(
                Star(n=5, outer_radius=0.16, color=INK, fill_opacity=1).move_to(self.axes.c2p(*m))
                for m in traces[0]["data/minima"]
            )
        )
        self.paths = VGroup(*(VMobject(stroke_color=c, stroke_width=4) for c in colors))
        self.balls = VGroup(
            *(
                Dot(radius=ball_radius, color=c, stroke_color=INK, stroke_width=2).set_fill(
                    c, opacity=1
                )
                for c in colors
            )
        )
        self.add(self.image, self.contours, self.axes, self.border, self.minima)
        self.add(self.paths, self.balls)
        self.rows = [-1] * len(traces)
        self.set_row(0)

    def _clip(self, xy: np.ndarray) -> np.ndarray:
        x0, x1, y0, y1 = self.box
        return np.c_[np.clip(xy[:, 0], x0, x1), np.clip(xy[:, 1], y0, y1)]

    @property
    def updater_host(self):
        """The first part that changes per row: :meth:`Clock.drive` puts its updater there."""
        return self.paths

    def set_row(self, row: int) -> ContourRace:
        """Each path up to ``row`` (each trace held at its own last row)."""
        for i, (t, path, ball) in enumerate(zip(self.traces, self.paths, self.balls)):
            r = min(row, len(t) - 1)
            if r == self.rows[i]:
                continue
            self.rows[i] = r
            pts = to_scene(self.axes, self._clip(t["point/xy"][: r + 1]))
            if len(pts) > 1:
                path.set_points_as_corners(pts)
            else:
                path.clear_points()
            ball.move_to(pts[-1])
        return self
