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

import numpy as np
from manim import Camera, Scene
from PIL import Image

# Corner order of an ImageMobject's points: UL, UR, DL, DR.
_TOL = 0.01


class FastImageCamera(Camera):
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
