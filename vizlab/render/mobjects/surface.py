"""SurfaceDescent: a ball descending a 3-D loss surface, with its shadow on the floor.

The surface is the trace's recorded ``grid/loss`` (sampled by the core when
it ran :func:`vizlab.descend`), read by bilinear interpolation, never a
formula re-typed here. The ball sits at ``(x_k, y_k, f(x_k, y_k))`` from
``point/xy`` and ``scalar/loss``; the path on the surface and its shadow on
the floor (z = 0) grow with the row. For a :class:`manim.ThreeDScene`.
"""

from __future__ import annotations

import numpy as np
from manim import Dot3D, Surface, Text, ThreeDAxes, VGroup, VMobject

from vizlab.render import style
from vizlab.render.mobjects.theme import INK, axes_points
from vizlab.trace import Trace

# Low to high loss in the grammar's surface map (orange and blue mean class and sign only).
SURFACE_COLORS = list(style.SURFACE_COLORS)


def remember_axis_shading(axes: ThreeDAxes) -> ThreeDAxes:
    """Work out each axis's shading ends once while it stays where it is, not once per piece per frame.

    manim's ThreeDAxes split every axis into pieces (for depth sorting) and give
    each piece a shading gradient whose ends are the whole axis's edge centres,
    recomputed from the whole axis every time a piece is drawn: with three
    axes of 20 pieces, that was a sixth of a lecture frame under a turning
    camera. Here the ends are kept with the axis's points they came from and
    recomputed only when those points change; the values are manim's own.
    """
    for axis in axes:
        memo: dict = {}
        for piece in axis.family_members_with_points():
            original = vars(piece).get("get_gradient_start_and_end_points")
            if original is None:
                continue

            def ends(original=original, axis=axis, memo=memo):
                key = _points_bytes(axis)
                if memo.get("key") != key:
                    memo["key"], memo["ends"] = key, tuple(np.array(e) for e in original())
                return tuple(e.copy() for e in memo["ends"])

            piece.get_gradient_start_and_end_points = ends
    return axes


def _points_bytes(mob) -> bytes:
    """The points of ``mob`` and its whole family, as bytes (depth first)."""
    out, stack = [], [mob]
    while stack:
        m = stack.pop()
        out.append(np.ascontiguousarray(m.points))
        stack.extend(m.submobjects)
    return b"".join(out)


def bilinear(xs: np.ndarray, ys: np.ndarray, z: np.ndarray, x: float, y: float) -> float:
    """``z`` (H, W) on the grid ``xs`` (W,), ``ys`` (H,) interpolated at ``(x, y)`` (clamped)."""
    fx = np.interp(x, xs, np.arange(len(xs)))
    fy = np.interp(y, ys, np.arange(len(ys)))
    j0, i0 = int(min(fx, len(xs) - 2)), int(min(fy, len(ys) - 2))
    tx, ty = fx - j0, fy - i0
    top = z[i0, j0] * (1 - tx) + z[i0, j0 + 1] * tx
    bottom = z[i0 + 1, j0] * (1 - tx) + z[i0 + 1, j0 + 1] * tx
    return float(top * (1 - ty) + bottom * ty)


class SurfaceDescent(VGroup):
    """A 2-D descend trace on its loss surface.

    Parameters
    ----------
    trace : Trace
        A 2-D :func:`vizlab.descend` trace (``grid/x``, ``grid/y``, ``grid/loss``).
    resolution : int
        Surface patches per side.
    x_length, y_length, z_length : float
        Axes sizes in scene units.
    z_max : float, optional
        Loss at the top of the z axis (the surface is cut there); its maximum by default.
    color : str
        Ball and path colour.

    Attributes
    ----------
    axes, surface, path, shadow, ball
    row : int
    """

    def __init__(
        self,
        trace: Trace,
        *,
        resolution: int = 24,
        x_length: float = 7.0,
        y_length: float = 5.0,
        z_length: float = 3.0,
        z_max: float | None = None,
        color: str = style.PATH_COLOR,
        ball_radius: float = 0.12,
    ):
        super().__init__()
        if "grid/loss" not in trace or trace["point/xy"].shape[1:] != (2,):
            raise ValueError(
                "SurfaceDescent needs a 2-D descend trace (grid/loss, point/xy (T, 2))"
            )
        self.trace = trace
        xs, ys, z = trace["grid/x"], trace["grid/y"], trace["grid/loss"]
        self.z_max = float(z.max()) if z_max is None else float(z_max)
        self._grid = (xs, ys, np.minimum(z, self.z_max))
        self.axes = ThreeDAxes(
            x_range=[xs[0], xs[-1], (xs[-1] - xs[0]) / 4],
            y_range=[ys[0], ys[-1], (ys[-1] - ys[0]) / 4],
            z_range=[0, self.z_max, self.z_max / 4],
            x_length=x_length,
            y_length=y_length,
            z_length=z_length,
            tips=False,
            axis_config={"color": INK, "stroke_width": 2, "include_ticks": False},
        )
        remember_axis_shading(self.axes)
        self.surface = Surface(
            lambda u, v: self.axes.c2p(u, v, self.height(u, v)),
            u_range=[xs[0], xs[-1]],
            v_range=[ys[0], ys[-1]],
            resolution=(resolution, resolution),
            fill_opacity=0.75,
            stroke_color=INK,
            stroke_width=0.6,
            stroke_opacity=0.45,
            checkerboard_colors=False,
        )
        step = self.z_max / (len(SURFACE_COLORS) - 1)
        self.surface.set_fill_by_value(
            axes=self.axes,
            colorscale=[(c, i * step) for i, c in enumerate(SURFACE_COLORS)],
            axis=2,
        )
        # manim's 3-D lighting washes the walls facing the light out to white; the
        # mesh lines give the shape instead.
        self.surface.set_shade_in_3d(False)
        self.path = VMobject(stroke_color=color, stroke_width=5)
        self.shadow = VMobject(stroke_color=INK, stroke_width=3, stroke_opacity=0.6)
        self.ball_radius = ball_radius
        self.ball = Dot3D(radius=ball_radius, color=color, resolution=(8, 8))
        # Unshaded mobjects are drawn after the depth-sorted ones: on top of the surface.
        self.ball.set_shade_in_3d(False).set_stroke(width=0)
        self.add(self.axes, self.surface, self.shadow, self.path, self.ball)
        self.row = -1
        self.set_row(0)

    def axis_names(
        self,
        x: str = "x",
        y: str = "y",
        z: str = "loss",
        *,
        font_size: float = 30,
        past: tuple[float, float] = (0.07, 0.15),
    ) -> VGroup:
        """The axes' names at their ends, where the axes are now (call it after moving the surface).

        Parameters
        ----------
        x, y, z : str
            The names of the two plane axes and the loss axis.
        font_size : float
            Text size.
        past : (float, float)
            How far past the grid's far edge the x and y names sit, as shares
            of the grid's extent along x and along y. The loss name sits at
            1.12 ``z_max``.

        Returns
        -------
        VGroup
            Three texts (x, y, z) in scene coordinates; add them with
            ``ThreeDScene.add_fixed_orientation_mobjects`` so they face the camera.
        """
        xs, ys, _ = self._grid
        (x0, x1), (y0, y1) = (xs[0], xs[-1]), (ys[0], ys[-1])
        c2p = self.axes.c2p
        return VGroup(
            Text(x, font_size=font_size).move_to(c2p(x1 + past[0] * (x1 - x0), 0, 0)),
            Text(y, font_size=font_size).move_to(c2p(0, y1 + past[1] * (y1 - y0), 0)),
            Text(z, font_size=font_size).move_to(c2p(0, 0, self.z_max * 1.12)),
        )

    def height(self, x: float, y: float) -> float:
        """Recorded loss surface at ``(x, y)``, cut at ``z_max``."""
        return bilinear(*self._grid, x, y)

    def point(self, row: int) -> np.ndarray:
        """Ball centre at ``row``: ``axes.c2p(x_k, y_k, min(f_k, z_max))`` raised by its radius.

        Raised along the scene's z axis so the ball rests on the surface
        instead of sinking half into it.
        """
        x, y = self.trace["point/xy"][row]
        f = min(float(self.trace["scalar/loss"][row]), self.z_max)
        return np.asarray(self.axes.c2p(x, y, f)) + np.array([0.0, 0.0, self.ball_radius])

    @property
    def updater_host(self):
        """The first part that changes per row: :meth:`Clock.drive` puts its updater there."""
        return self.shadow

    def set_row(self, row: int) -> SurfaceDescent:
        n = len(self.trace)
        row = min(row % n if row < 0 else row, n - 1)
        if row == self.row:
            return self
        self.row = row
        xy = self.trace["point/xy"][: row + 1]
        f = np.minimum(self.trace["scalar/loss"][: row + 1], self.z_max)
        # Lift the path a little so the surface does not hide it.
        lift = 0.01 * self.z_max
        on = axes_points(self.axes, xy[:, 0], xy[:, 1], f + lift)
        floor = axes_points(self.axes, xy[:, 0], xy[:, 1], np.zeros(len(xy)))
        if len(on) > 1:
            self.path.set_points_as_corners(on)
            self.shadow.set_points_as_corners(floor)
        else:
            self.path.clear_points()
            self.shadow.clear_points()
        self.ball.move_to(self.point(row))
        return self
