"""The decision field: an image whose pixels are swapped per frame, its boundary, the data.

``FieldPanel(trace)`` lays out a square panel in the trace's standardised
input space: the recorded field ``trace["field/output"]`` as an image (P of
class 1 through the orange-white-blue map), the p = 0.5 contour as a dark
line, and the training points in their class colours. ``panel.set_row(row)``
puts the field recorded for that row (the latest field row not after it)
into the same image mobject: nothing is re-created per frame.
"""

from __future__ import annotations

import contourpy
import numpy as np
from manim import (
    Axes,
    Circle,
    Group,
    ImageMobject,
    Polygon,
    Text,
    VGroup,
    VMobject,
)
from manim.constants import RESAMPLING_ALGORITHMS

from vizlab.render import style
from vizlab.render.mobjects.colors import field_rgba
from vizlab.render.mobjects.theme import INK, SMALL_SIZE
from vizlab.trace import Trace


def affine(axes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(origin, ex, ey)`` of ``axes`` now: data ``(x, y)`` sits at ``origin + x ex + y ey``."""
    o = np.asarray(axes.c2p(0, 0))
    return o, np.asarray(axes.c2p(1, 0)) - o, np.asarray(axes.c2p(0, 1)) - o


def to_scene(axes, xy: np.ndarray) -> np.ndarray:
    """Map data points ``xy`` (N, 2) through ``axes`` to scene points (N, 3)."""
    o, ex, ey = affine(axes)
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    return o + xy[:, :1] * ex + xy[:, 1:2] * ey


def grid_extent(trace: Trace) -> tuple[float, float, float, float]:
    """``(x0, x1, y0, y1)`` covered by the field's pixels (grid points are pixel centres)."""
    xs, ys = trace["grid/x"], trace["grid/y"]
    dx = (xs[-1] - xs[0]) / max(len(xs) - 1, 1)
    dy = (ys[-1] - ys[0]) / max(len(ys) - 1, 1)
    return xs[0] - dx / 2, xs[-1] + dx / 2, ys[0] - dy / 2, ys[-1] + dy / 2


def field_axes(trace: Trace, side: float = 5.0) -> Axes:
    """Invisible square axes spanning the trace's grid, ``side`` scene units wide.

    Parameters
    ----------
    trace : Trace
        A trace with ``grid/x`` (W,) and ``grid/y`` (H,), the pixel centres
        of its recorded fields in standardised input units; the axes cover
        the pixels' full extent (:func:`grid_extent`).
    side : float
        Width of the axes in manim scene units; the height follows the
        grid's aspect ratio (equal to ``side`` for a square grid).

    Returns
    -------
    Axes
        Manim axes with no visible lines or ticks, four tick steps per axis,
        to place field images and points with (``axes.c2p``).
    """
    x0, x1, y0, y1 = grid_extent(trace)
    hidden = {"include_ticks": False, "stroke_opacity": 0, "stroke_width": 0}
    return Axes(
        x_range=[x0, x1, (x1 - x0) / 4],
        y_range=[y0, y1, (y1 - y0) / 4],
        x_length=side,
        y_length=side * (y1 - y0) / (x1 - x0),
        tips=False,
        axis_config=hidden,
    )


class FieldImage(ImageMobject):
    """One grid field of a trace shown as an image, swapped per row.

    Parameters
    ----------
    trace : Trace
        Needs ``grid/x``, ``grid/y`` and the field ``key``.
    axes : Axes
        The image covers the grid's extent in these axes.
    key : str
        ``"field/output"`` (F, H, W), or ``"act/fc1"`` (F, units, H, W) with ``unit``.
    unit : int, optional
        Which unit of an ``act/*`` field.
    vmin, vmax : float, optional
        Colour range: 0..1 for ``field/output``; for activations symmetric
        about 0 by default, ``+-max|act|`` of that unit over the whole trace,
        so colours mean the same at every step.

    Attributes
    ----------
    field_index : int
        Index into the field arrays of the picture shown now.
    """

    def __init__(
        self,
        trace: Trace,
        axes,
        key: str = "field/output",
        *,
        unit: int | None = None,
        vmin: float | None = None,
        vmax: float | None = None,
        cmap=style.FIELD_CMAP,
    ):
        if key not in trace:
            raise ValueError(f"trace has no {key!r}: it was not recorded with grid fields")
        values = trace[key]
        if values.ndim == 4:
            if unit is None or not 0 <= unit < values.shape[1]:
                raise ValueError(f"{key} has {values.shape[1]} units; pick one with unit=")
            values = values[:, unit]
        elif values.ndim != 3:
            raise ValueError(f"{key} must be (F, H, W) or (F, units, H, W); got {values.shape}")
        if vmin is None or vmax is None:
            if key == "field/output":
                vmin, vmax = 0.0, 1.0
            else:
                m = float(np.nanmax(np.abs(values))) or 1.0
                vmin, vmax = -m, m
        self.trace, self.values, self.cmap = trace, values, cmap
        self.vmin, self.vmax = vmin, vmax
        self.field_index = 0
        super().__init__(self.rgba(0), scale_to_resolution=False)
        self.set_resampling_algorithm(RESAMPLING_ALGORITHMS["bilinear"])
        x0, x1, y0, y1 = grid_extent(trace)
        self.stretch_to_fit_width(axes.c2p(x1, 0)[0] - axes.c2p(x0, 0)[0])
        self.stretch_to_fit_height(axes.c2p(0, y1)[1] - axes.c2p(0, y0)[1])
        self.move_to(axes.c2p((x0 + x1) / 2, (y0 + y1) / 2))

    def rgba(self, index: int) -> np.ndarray:
        """RGBA pixels (H, W, 4) of field index ``index``."""
        return field_rgba(self.values[index], self.cmap, self.vmin, self.vmax)

    def set_row(self, row: int) -> FieldImage:
        """Show the field recorded for ``row`` (the latest field row not after it)."""
        index = self.trace.field_row(row)
        if index != self.field_index:
            self.pixel_array = self.rgba(index)
            self.field_index = index
        return self


class BoundaryLine(VMobject):
    """The ``level`` contour (p = 0.5 by default) of ``trace["field/output"]``."""

    def __init__(self, trace: Trace, axes, level: float = 0.5, *, color: str = INK, width=4):
        super().__init__(stroke_color=color, stroke_width=width, fill_opacity=0)
        self.trace, self.axes, self.level = trace, axes, level
        self.field_index = None
        self.lines: list[np.ndarray] = []
        self.set_row(0)

    def set_row(self, row: int) -> BoundaryLine:
        index = self.trace.field_row(row)
        if index == self.field_index:
            return self
        self.field_index = index
        z = np.asarray(self.trace["field/output"][index], dtype=np.float64)
        gen = contourpy.contour_generator(self.trace["grid/x"], self.trace["grid/y"], z)
        self.lines = [ln for ln in gen.lines(self.level) if len(ln) > 1]
        self.clear_points()
        for ln in self.lines:
            pts = to_scene(self.axes, ln)
            self.start_new_path(pts[0])
            self.add_points_as_corners(pts[1:])
        return self


def _disc_template(radius: float) -> np.ndarray:
    return Circle(radius=radius, num_components=9).points


class DataPoints(VGroup):
    """Labelled 2-D points as one path per class (fast: three mobjects for any N).

    Each point is a disc in its class colour on a slightly larger white disc
    (the outline that keeps it visible on a field of its own colour); all
    white discs form one path and each class's discs another, because Cairo
    fills one path of many discs far faster than it strokes them.

    Parameters
    ----------
    X : ndarray (N, 2)
        Positions in data coordinates of ``axes``.
    y : ndarray (N,)
        Class labels 0/1 (orange/blue).
    axes : Axes
    radius : float
        Disc radius in scene units.
    outline : float
        Width of the white ring in scene units (0: none).
    """

    def __init__(self, X, y, axes, *, radius: float = 0.07, outline: float = 0.02):
        super().__init__()
        self.axes, self.labels = axes, np.asarray(y).astype(int)
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != 2 or len(X) != len(self.labels):
            raise ValueError(
                f"points must be (N, 2) with N labels; got {X.shape} and {self.labels.shape}"
            )
        self._disc = _disc_template(radius)
        self._halo = _disc_template(radius + outline) if outline > 0 else None
        self.halo = VMobject(fill_color=style.PAPER, fill_opacity=1.0, stroke_width=0)
        self.classes = VGroup(
            *(
                VMobject(fill_color=style.class_color(c), fill_opacity=1.0, stroke_width=0)
                for c in (0, 1)
            )
        )
        self.add(self.halo, self.classes)
        self.positions = X
        self.set_positions(X)

    def set_positions(self, X: np.ndarray) -> DataPoints:
        """Move the points to ``X`` (N, 2) in the axes' data coordinates."""
        X = np.asarray(X, dtype=np.float64)
        self.positions = X
        centres = to_scene(self.axes, X)
        parts = [(self.halo, centres, self._halo)]
        parts += [
            (mob, centres[self.labels == c], self._disc) for c, mob in zip((0, 1), self.classes)
        ]
        for mob, c, disc in parts:
            if disc is None or len(c) == 0:
                mob.clear_points()
            else:
                mob.set_points((c[:, None, :] + disc[None]).reshape(-1, 3))
        return self


class FieldPanel(Group):
    """Decision field, boundary line and training points in one square panel.

    Parameters
    ----------
    trace : Trace
        A :func:`vizlab.train` trace recorded with fields.
    side : float
        Panel width in scene units.
    points : {"train", "val", None}
        Which points to draw.
    boundary : bool
        Draw the p = 0.5 line.
    label : str, optional
        Text under the panel.

    Attributes
    ----------
    axes, image, boundary, dots, border
        The parts; ``axes.c2p`` maps standardised inputs to the scene.
    """

    def __init__(
        self,
        trace: Trace,
        side: float = 5.0,
        *,
        points: str | None = "train",
        boundary: bool = True,
        label: str | None = None,
        radius: float = 0.065,
    ):
        super().__init__()
        if "field/output" not in trace:
            raise ValueError("FieldPanel needs a trace recorded with fields (config.frames > 0)")
        self.trace = trace
        self.axes = field_axes(trace, side)
        self.image = FieldImage(trace, self.axes)
        x0, x1, y0, y1 = grid_extent(trace)
        corners = [self.axes.c2p(*c) for c in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))]
        self.border = Polygon(*corners, stroke_color=INK, stroke_width=2, fill_opacity=0)
        # Static parts first, so a LectureScene keeps them in its cached background.
        self.label = None
        if label:
            self.label = Text(label, font_size=SMALL_SIZE + 2, color=INK)
            self.label.next_to(self.border, direction=np.array([0.0, -1.0, 0.0]), buff=0.15)
        self.add(self.axes, *([self.label] if self.label else []), self.image)
        self.boundary = BoundaryLine(trace, self.axes) if boundary else None
        if self.boundary is not None:
            self.add(self.boundary)
        self.dots = None
        if points is not None:
            if points not in ("train", "val"):
                raise ValueError(f"points must be 'train', 'val' or None; got {points!r}")
            X, y = trace[f"data/X_{points}"], trace[f"data/y_{points}"]
            self.dots = DataPoints(X, y, self.axes, radius=radius)
            self.add(self.dots)
        self.add(self.border)

    @property
    def updater_host(self):
        """The first part that changes per row: :meth:`Clock.drive` puts its updater there."""
        return self.image

    def set_row(self, row: int) -> FieldPanel:
        """Show the field (and boundary) recorded for ``row``."""
        self.image.set_row(row)
        if self.boundary is not None:
            self.boundary.set_row(row)
        return self
