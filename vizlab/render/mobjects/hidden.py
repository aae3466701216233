"""HiddenSpace: the training points as a 2-unit hidden layer sees them.

With two hidden units every training point has a position in the hidden
layer's plane, recorded as ``embed/fc1`` (F, N, 2). The output unit is a
line there: ``w . h + b = 0`` from ``param/fc2.weight`` and
``param/fc2.bias``, with its two sides shaded in the class colours. The
input grid's lines, carried through the hidden layer (``act/fc1``), show how
the layer bends the plane. ``set_warp(a)`` blends every position from the
input plane (``a = 0``, drawn in the same box) to the hidden plane
(``a = 1``): the warp that makes XOR linearly separable.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, PI, Group, Polygon, Text, VGroup, VMobject

from vizlab.render import style
from vizlab.render.mobjects.field import DataPoints, grid_extent, to_scene
from vizlab.render.mobjects.theme import FAINT, INK, SMALL_SIZE, lecture_axes
from vizlab.trace import Trace


def clip_half_plane(poly: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """The part of convex polygon ``poly`` (n, 2) where ``w . p + b >= 0`` (Sutherland-Hodgman)."""
    out = []
    n = len(poly)
    for i in range(n):
        p, q = poly[i], poly[(i + 1) % n]
        sp, sq = p @ w + b, q @ w + b
        if sp >= 0:
            out.append(p)
        if (sp >= 0) != (sq >= 0):
            t = sp / (sp - sq)
            out.append(p + t * (q - p))
    return np.array(out).reshape(-1, 2)


class HiddenSpace(Group):
    """Points, warped grid and output line in the plane of a 2-unit hidden layer.

    Parameters
    ----------
    trace : Trace
        A :func:`vizlab.train` trace of a network with one hidden layer of 2
        units (``embed/fc1`` (F, N, 2), ``act/fc1`` (F, 2, H, W)).
    side : float
        Width of the square panel in scene units.
    grid_lines : int
        Input-grid lines per direction to carry through the layer (0: none).
    warp : float
        Initial blend between input plane (0) and hidden plane (1).

    Attributes
    ----------
    axes, regions, line, grid, dots, labels
    row : int
    """

    def __init__(
        self,
        trace: Trace,
        *,
        side: float = 5.0,
        grid_lines: int = 9,
        warp: float = 1.0,
        radius: float = 0.065,
    ):
        super().__init__()
        if "embed/fc1" not in trace or trace["embed/fc1"].shape[-1] != 2:
            raise ValueError("HiddenSpace needs a trace with one 2-unit hidden layer (embed/fc1)")
        if "param/fc3.weight" in trace or trace["param/fc2.weight"].shape[1] != 1:
            raise ValueError("HiddenSpace draws one hidden layer and one output unit")
        self.trace = trace
        emb = trace["embed/fc1"]
        lo, hi = float(np.nanmin(emb)), float(np.nanmax(emb))
        pad = 0.08 * (hi - lo or 1.0)
        self.lo, self.hi = lo - pad, hi + pad
        step = (self.hi - self.lo) / 4
        self.axes = lecture_axes(
            [self.lo, self.hi, step],
            [self.lo, self.hi, step],
            x_length=side,
            y_length=side,
            numbers=False,
        )
        for ax in (self.axes.x_axis, self.axes.y_axis):
            ax.set_stroke(opacity=0)
        self.box = np.array(
            [[self.lo, self.lo], [self.hi, self.lo], [self.hi, self.hi], [self.lo, self.hi]]
        )
        self.border = Polygon(*to_scene(self.axes, self.box), stroke_color=INK, stroke_width=2)
        self.labels = VGroup(
            Text("hidden unit 1", font_size=SMALL_SIZE + 2, color=INK).next_to(
                self.border, DOWN, buff=0.15
            ),
            Text("hidden unit 2", font_size=SMALL_SIZE + 2, color=INK)
            .rotate(PI / 2)
            .next_to(self.border, LEFT, buff=0.15),
        )
        self.regions = VGroup(
            *(
                VMobject(stroke_width=0).set_fill(c, opacity=0.22)
                for c in (style.ORANGE, style.BLUE)
            )
        )
        self.line = VMobject(stroke_color=INK, stroke_width=4)
        self.n_grid = int(grid_lines)
        self.grid = VGroup(
            *(VMobject(stroke_color=FAINT, stroke_width=1.5) for _ in range(2 * self.n_grid))
        )
        X, y = trace["data/X_train"], trace["data/y_train"]
        self.X = X
        self.dots = DataPoints(X, y, self.axes, radius=radius)
        self.add(self.regions, self.grid, self.axes, self.border, self.labels, self.line, self.dots)
        # The input plane mapped into this box, for the warp.
        x0, x1, y0, y1 = grid_extent(trace)
        self._in_lo = np.array([x0, y0])
        self._in_span = np.array([x1 - x0, y1 - y0])
        self.warp = float(warp)
        self.row = -1
        self.set_row(0)

    def _input_in_box(self, xy: np.ndarray) -> np.ndarray:
        return self.lo + (xy - self._in_lo) / self._in_span * (self.hi - self.lo)

    def hidden_positions(self, row: int) -> np.ndarray:
        """Hidden-layer coordinates (N, 2) of the training points at ``row``."""
        return self.trace["embed/fc1"][self.trace.field_row(row)]

    def set_warp(self, alpha: float) -> HiddenSpace:
        """Blend positions between the input plane (0) and the hidden plane (1)."""
        self.warp = float(np.clip(alpha, 0.0, 1.0))
        self._draw()
        return self

    @property
    def updater_host(self):
        """The first part that changes per row: :meth:`Clock.drive` puts its updater there."""
        return self.regions

    def set_row(self, row: int) -> HiddenSpace:
        """Positions, warped grid and output line at recorded row ``row``."""
        row = row % len(self.trace)
        if row == self.row:
            return self
        self.row = row
        self._draw()
        return self

    def _draw(self) -> None:
        a, row = self.warp, self.row
        fr = self.trace.field_row(row)
        pos = (1 - a) * self._input_in_box(self.X) + a * self.hidden_positions(row)
        self.dots.set_positions(pos)
        xs, ys = self.trace["grid/x"], self.trace["grid/y"]
        act = self.trace["act/fc1"][fr] if "act/fc1" in self.trace else None
        if self.n_grid and act is not None:
            ii = np.linspace(0, len(ys) - 1, self.n_grid).round().astype(int)
            jj = np.linspace(0, len(xs) - 1, self.n_grid).round().astype(int)
            gx, gy = np.meshgrid(xs, ys)
            flat = self._input_in_box(np.stack([gx, gy], -1))
            hid = np.moveaxis(act, 0, -1)  # (H, W, 2)
            mix = (1 - a) * flat + a * hid
            curves = [mix[i, :, :] for i in ii] + [mix[:, j, :] for j in jj]
            for mob, c in zip(self.grid, curves):
                mob.set_points_as_corners(to_scene(self.axes, np.clip(c, self.lo, self.hi)))
        w = self.trace["param/fc2.weight"][row, 0]
        b = float(self.trace["param/fc2.bias"][row, 0])
        show_line = a > 0.999 and np.linalg.norm(w) > 0
        for mob, sign in zip(self.regions, (-1.0, 1.0)):
            poly = clip_half_plane(self.box, sign * w, sign * b) if show_line else np.zeros((0, 2))
            if len(poly) >= 3:
                pts = to_scene(self.axes, poly)
                mob.set_points_as_corners([*pts, pts[0]])
            else:
                mob.clear_points()
        seg = self._line_in_box(w, b) if show_line else None
        if seg is None:
            self.line.clear_points()
        else:
            self.line.set_points_as_corners(to_scene(self.axes, seg))

    def _line_in_box(self, w: np.ndarray, b: float) -> np.ndarray | None:
        """End points of ``w . h + b = 0`` inside the box, or None if it misses it."""
        pts = []
        for i in range(4):
            p, q = self.box[i], self.box[(i + 1) % 4]
            sp, sq = p @ w + b, q @ w + b
            if sp == 0:
                pts.append(p)
            elif sp * sq < 0:
                pts.append(p + sp / (sp - sq) * (q - p))
        if len(pts) < 2:
            return None
        return np.array(pts[:2])
