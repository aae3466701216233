"""A camera that blits axis-aligned images straight into the frame.

manim's Cairo camera draws every ImageMobject with a full perspective
transform, pastes it into a frame-sized RGBA image and alpha-composites the
whole frame: about 60 ms a frame at 720p for one decision field. An image
that is neither rotated nor sheared needs none of that: resize it to its box
and blend that box only. :class:`FastImageCamera` does so and hands any
other image to manim.

It also sidesteps manim 0.22's crash under Pillow 13 (``Image.fromarray``
with a ``mode`` that no longer matches the array) for axis-aligned images;
rotated images still take manim's path, which needs ``pillow<13`` (the
``video`` extra pins it).
"""

from __future__ import annotations

from collections import deque
from itertools import starmap

import numpy as np
from manim import Camera, Scene, ThreeDCamera, ThreeDScene
from manim.camera.camera import CAP_STYLE_MAP, LINE_JOIN_MAP
from PIL import Image

# Corner order of an ImageMobject's points: UL, UR, DL, DR.
_TOL = 0.01


#: Family members beyond which a walk takes the families to contain themselves.
_MAX_WALK = 1_000_000


class _FastCairo(Camera):
    """manim's Cairo drawing of plain vector mobjects, without its per-mobject layers.

    Two parts of a frame that manim spends mostly in Python bookkeeping:

    * **what to draw**: see :meth:`get_mobjects_to_display`;
    * **plain paths**: manim handles each VMobject on its own (find its
      subpaths, set colours and line styles through several layers of
      calls). The mobjects that need nothing special (one fill and one
      stroke colour, no background stroke, finite points; in 3-D also no
      shading and no fixed orientation: a surface's faces, text glyphs,
      dots, lines) have their subpaths found together, with manim's own
      rule, and are drawn with the same cairo calls in the same order;
      every other mobject goes through manim's path. The frames are the
      same (the scene tests compare them with manim's drawing).
    """

    def get_mobjects_to_display(self, mobjects, include_submobjects=True, excluded_mobjects=None):
        """manim's list of what to draw, found without its family helpers.

        :meth:`Camera.get_mobjects_to_display` asks every mobject it is given
        for its family, and a scene hands it every family member (about a
        thousand in a lecture): manim's helpers then take a sizeable part of
        each frame. The list here is the same: the given mobjects' families
        depth first, each member once at its last occurrence, those with
        points, sorted by ``z_index`` when the camera uses it.
        """
        if not include_submobjects or excluded_mobjects:
            return super().get_mobjects_to_display(mobjects, include_submobjects, excluded_mobjects)
        walk: list = []
        append = walk.append
        for top in mobjects:
            stack = [top]
            while stack:
                m = stack.pop()
                append(m)
                stack.extend(reversed(m.submobjects))
                if len(walk) > _MAX_WALK:  # a family containing itself: manim's way
                    return super().get_mobjects_to_display(mobjects, include_submobjects)
        seen: set[int] = set()
        out = []
        for m in reversed(walk):
            if id(m) not in seen:
                seen.add(id(m))
                if m.get_num_points() > 0:
                    out.append(m)
        out.reverse()
        if self.use_z_index:
            out.sort(key=lambda m: m.z_index)
        return out

    def display_multiple_non_background_colored_vmobjects(self, vmobjects, pixel_array) -> None:
        vmobjects = list(vmobjects)
        ctx = self.get_cairo_context(pixel_array)
        plain = [vm for vm in vmobjects if self._plain(vm)]
        paths = self._paths(plain)
        for vm in vmobjects:
            path = paths.get(id(vm))
            if path is None:
                self.display_vectorized(vm, ctx)
            else:
                self._draw(ctx, vm, *path)

    def _plain(self, vm) -> bool:
        pts = vm.points
        return (
            len(pts) >= 2 * vm.n_points_per_cubic_curve
            and len(pts) % vm.n_points_per_cubic_curve == 0
            and len(vm.get_fill_rgbas()) == 1
            and len(vm.get_stroke_rgbas()) == 1
            and vm.get_stroke_width(background=True) == 0
        )

    def _paths(self, plain: list) -> dict:
        """id -> (points on screen, [(start, end, closed), ...]) for the plain mobjects.

        manim's rules, on all mobjects with the same number of points at once:
        points are projected unless the mobject is fixed in the frame; a
        subpath ends where a curve's end anchor is not close (``np.isclose``
        with the mobject's tolerance, in x and y) to the next one's start; a
        subpath is closed when its first and last points are close, and one
        shorter than a curve is not drawn.
        """
        out: dict = {}
        groups: dict[tuple, list] = {}
        for vm in plain:
            key = (len(vm.points), vm.n_points_per_cubic_curve, self._fixed(vm))
            groups.setdefault(key, []).append(vm)
        for (n, nppcc, fixed), group in groups.items():
            points = np.concatenate([vm.points for vm in group])
            finite = np.isfinite(points).reshape(len(group), n, 3).all(axis=(1, 2))
            shown = self._screen(points, fixed)
            shown = shown.reshape(len(group), n, 3)
            atol = np.array([vm.tolerance_for_point_equality for vm in group])[:, None, None]
            xy = shown[..., :2]
            ends, starts = xy[:, nppcc - 1 : n - 1 : nppcc], xy[:, nppcc:n:nppcc]
            split = ~(np.abs(ends - starts) <= atol + 1.0e-5 * np.abs(starts)).all(axis=2)
            boundaries = np.arange(nppcc, n, nppcc)
            for k in np.flatnonzero(finite):
                vm, p = group[k], shown[k]
                cuts = [0, *boundaries[split[k]].tolist(), n]
                subpaths = [
                    (a, b, vm.consider_points_equals_2d(p[a], p[b - 1]))
                    for a, b in zip(cuts, cuts[1:])
                    if b - a >= nppcc
                ]
                out[id(vm)] = (p, subpaths)
        return out

    def _draw(self, ctx, vm, p: np.ndarray, subpaths: list) -> None:
        # The calls manim's set_cairo_context_path, apply_fill and apply_stroke make;
        # a subpath's curves go to cairo from C (starmap), not one Python call each.
        nppcc = vm.n_points_per_cubic_curve
        curve_to = ctx.curve_to
        ctx.new_path()
        for start, end, closed in subpaths:
            ctx.new_sub_path()
            ctx.move_to(p[start, 0], p[start, 1])
            controls = p[start:end].reshape(-1, nppcc, 3)[:, 1:4, :2]
            deque(starmap(curve_to, controls.reshape(-1, 6).tolist()), maxlen=0)
            if closed:
                ctx.close_path()
        fill = vm.get_fill_rgbas()[0]
        ctx.set_source_rgba(fill[2], fill[1], fill[0], fill[3])
        ctx.fill_preserve()
        width = vm.get_stroke_width()
        if width == 0:
            return
        stroke = vm.get_stroke_rgbas()[0]
        ctx.set_source_rgba(stroke[2], stroke[1], stroke[0], stroke[3])
        ctx.set_line_width(width * self.cairo_line_width_multiple)
        ctx.set_line_join(LINE_JOIN_MAP[vm.joint_type])
        ctx.set_line_cap(CAP_STYLE_MAP[vm.cap_style])
        ctx.stroke_preserve()

    def _fixed(self, vm) -> bool:
        """Drawn in frame coordinates, not projected (3-D cameras' fixed-in-frame mobjects)."""
        return False

    def _screen(self, points: np.ndarray, fixed: bool) -> np.ndarray:
        """Points as the cairo context takes them: scene units (its matrix maps the frame)."""
        return points


class FastImageCamera(_FastCairo):
    """Cairo camera with a fast path for images parallel to the screen."""

    def display_image_mobject(self, image_mobject, pixel_array: np.ndarray) -> None:
        corners = self.points_to_subpixel_coords(image_mobject, image_mobject.points)
        ul, ur, dl, dr = corners
        aligned = (
            abs(ul[1] - ur[1]) < _TOL
            and abs(ul[0] - dl[0]) < _TOL
            and ur[0] > ul[0]
            and dl[1] > ul[1]
        )
        if not aligned or not np.allclose(dr, [ur[0], dl[1]], atol=_TOL):
            return super().display_image_mobject(image_mobject, pixel_array)
        x0, y0 = int(round(ul[0])), int(round(ul[1]))
        x1, y1 = int(round(dr[0])), int(round(dr[1]))
        if x1 <= x0 or y1 <= y0:
            return None
        H, W = pixel_array.shape[:2]
        cx0, cy0, cx1, cy1 = max(x0, 0), max(y0, 0), min(x1, W), min(y1, H)
        if cx1 <= cx0 or cy1 <= cy0:
            return None
        src = np.ascontiguousarray(image_mobject.get_pixel_array(), dtype=np.uint8)
        # No ``mode=``: Pillow infers RGBA from a (h, w, 4) uint8 array in every version.
        img = Image.fromarray(src).resize(
            (x1 - x0, y1 - y0), resample=image_mobject.resampling_algorithm
        )
        patch = np.asarray(img)[cy0 - y0 : cy1 - y0, cx0 - x0 : cx1 - x0]
        region = pixel_array[cy0:cy1, cx0:cx1]
        alpha = patch[..., 3]
        if alpha.min() == 255:
            region[...] = patch
            return None
        a = alpha[..., None].astype(np.float32) / 255.0
        dst_a = region[..., 3:4].astype(np.float32) / 255.0
        out_a = a + dst_a * (1.0 - a)
        rgb = patch[..., :3] * a + region[..., :3] * dst_a * (1.0 - a)
        rgb = np.divide(rgb, out_a, out=np.zeros_like(rgb), where=out_a > 0)
        region[..., :3] = np.clip(np.rint(rgb), 0, 255).astype(np.uint8)
        region[..., 3] = np.clip(np.rint(out_a[..., 0] * 255), 0, 255).astype(np.uint8)
        return None


class LectureScene(Scene):
    """A Scene for trace-driven lectures: fast images and a finer static/moving split.

    Two changes to manim's Scene, both about speed:

    * it draws with :class:`FastImageCamera`;
    * it redraws per frame only from the first mobject that itself moves
      (has an updater, is animated or is in the foreground). manim's own rule
      also counts a group as moving when any descendant moves, so one live
      number inside a panel made the whole panel (axes, tick labels, legend)
      and everything after it redraw every frame. Here the static parts that
      come before the first moving part stay in the cached background.
      A mobject's updater must therefore change only itself and mobjects
      after it in the scene's drawing order, which is what
      :meth:`Clock.drive` arranges through ``updater_host``.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("camera_class", FastImageCamera)
        super().__init__(*args, **kwargs)

    def get_moving_mobjects(self, *animations):
        animated = set()
        stack = list(animations)
        while stack:
            anim = stack.pop()
            animated.update(anim.mobject.get_family())
            stack.extend(getattr(anim, "animations", ()))
        foreground = set(self.foreground_mobjects)
        mobjects = self.get_mobject_family_members()
        for i, mob in enumerate(mobjects):
            if mob in animated or mob.updaters or mob in foreground:
                return mobjects[i:]
        return []


class FastThreeDCamera(ThreeDCamera, _FastCairo):
    """3-D camera that draws plain polygons (a surface's faces) in one pass.

    manim's camera handles each VMobject on its own: project its points, find
    its subpaths, set colours and line styles through several layers of
    calls. A loss surface has about a thousand faces, and that bookkeeping,
    not cairo's drawing, was most of a frame. Here the plain mobjects (see
    :class:`_FastCairo`; in 3-D also unshaded and not turned to face the
    camera: the faces, and the glyphs of the text fixed in the frame) are
    projected together and drawn with manim's cairo calls in manim's order;
    every other mobject goes through manim's path. The frames are the same
    (the scene tests compare them with manim's camera).
    """

    def _plain(self, vm) -> bool:
        return (
            super()._plain(vm)
            and not (self.should_apply_shading and vm.shade_in_3d)
            and vm not in self.fixed_orientation_mobjects
        )

    def _fixed(self, vm) -> bool:
        return vm in self.fixed_in_frame_mobjects

    def _screen(self, points: np.ndarray, fixed: bool) -> np.ndarray:
        return points if fixed else self.project_points(points)


class LectureThreeDScene(ThreeDScene):
    """A ThreeDScene that draws with :class:`FastThreeDCamera`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("camera_class", FastThreeDCamera)
        super().__init__(*args, **kwargs)
