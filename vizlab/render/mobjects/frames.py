"""Held frames cost no drawing: a lecture frame that shows what the last one showed is reused.

A lecture plays a :class:`~vizlab.timeline.Timeline` at the video's frame
rate, and the timeline holds rows on purpose: it moves at most 15 rows a
second while the video has 30 frames, it plays key events slowly and it
holds the end. manim draws every one of those frames anew. :func:`reuse_unchanged_frames`
wraps a scene's Cairo renderer so that a frame is drawn only when something
it shows changed since the last drawn frame:

* the camera (every number it holds: centre, size, and for a 3-D camera its
  angles, zoom, light and which mobjects are fixed in the frame),
* the background manim drew the still mobjects into (a new one each phase),
* any mobject it draws, compared by :func:`mobject_state`: what manim's
  Cairo cameras read to draw each family member (points, fill and stroke
  colours, widths, sheen, 3-D shading, line joints and caps, an image's
  pixels, ``z_index``) and the order it is drawn in.

Otherwise the previous frame is written again. With ``check=True`` the frame
is drawn anyway and must equal the reused one (what the tests do for every
lecture), so a state this comparison missed cannot go unnoticed.
"""

from __future__ import annotations

import hashlib
from numbers import Number

import numpy as np
from manim.mobject.mobject import Mobject
from manim.mobject.types.image_mobject import AbstractImageMobject
from manim.mobject.types.point_cloud_mobject import PMobject
from manim.mobject.types.vectorized_mobject import VMobject
from manim.utils.family import extract_mobject_family_members

#: What a Cairo camera draws; any other mobject (a tracker, a group) draws nothing itself.
_DRAWN = (VMobject, PMobject, AbstractImageMobject)

#: What manim's Cairo cameras read to draw a mobject of each kind, arrays and
#: other values (its place in the drawing order is the family order, and
#: ``z_index`` sorts it).
_READ = (
    (
        VMobject,
        ("points", "fill_rgbas", "stroke_rgbas", "background_stroke_rgbas", "sheen_direction"),
        (
            "stroke_width", "background_stroke_width", "sheen_factor", "shade_in_3d",
            "joint_type", "cap_style", "z_index",
        ),
    ),
    (AbstractImageMobject, ("points", "pixel_array"), ("resampling_algorithm", "z_index")),
    (PMobject, ("points", "rgbas"), ("stroke_width", "z_index")),
)  # fmt: skip
_BY_TYPE: dict[type, tuple | None] = {}
#: Camera attributes that are the picture itself, a cache of cairo contexts for
#: it, or the camera's own methods (``display_funcs`` is rebuilt, with a fresh
#: lambda, at every capture).
_NOT_DRAWN_FROM = frozenset(
    {"pixel_array", "background", "canvas", "pixel_array_to_cairo_context", "display_funcs"}
)


class FrameMismatch(AssertionError):
    """With ``check=True``: a frame judged unchanged was drawn differently."""


def _read(cls: type) -> tuple | None:
    if cls not in _BY_TYPE:
        _BY_TYPE[cls] = next((names for kind, *names in _READ if issubclass(cls, kind)), None)
    return _BY_TYPE[cls]


def mobject_state(mobjects) -> bytes:
    """Digest of what a camera draws of ``mobjects`` and their families, in drawing order."""
    h = hashlib.blake2b(digest_size=16)
    values = []
    for m in extract_mobject_family_members(list(mobjects)):
        read = _read(type(m))
        if read is None:  # a tracker or a group: draws nothing itself
            continue
        arrays, others = read
        d = vars(m)
        shapes = []
        for name in arrays:
            a = d.get(name)
            if isinstance(a, np.ndarray):
                shapes.append((a.dtype.str, a.shape))
                h.update(a if a.flags.c_contiguous else a.tobytes())
            else:
                shapes.append(a)
        values.append((id(m), shapes, [d.get(name) for name in others]))
    h.update(repr(values).encode())
    return h.digest()


def camera_state(camera) -> bytes:
    """Digest of the camera's numbers (frame, angles, zoom, light) and its fixed mobjects."""
    h = hashlib.blake2b(digest_size=16)
    for name, value in sorted(vars(camera).items()):
        if name in _NOT_DRAWN_FROM:
            continue
        h.update(name.encode())
        if isinstance(value, Mobject):  # a 3-D camera's trackers and light source
            h.update(value.points.tobytes())
        elif isinstance(value, (set, frozenset)):
            h.update(repr(sorted(id(v) for v in value)).encode())
        elif isinstance(value, dict):
            h.update(repr(sorted((id(k), repr(v)) for k, v in value.items())).encode())
        elif isinstance(value, (np.ndarray, bool, Number, str, tuple, list)) or value is None:
            h.update(repr(value).encode() if not isinstance(value, np.ndarray) else value.tobytes())
        else:  # a function or a helper object: the same one draws the same way
            h.update(f"<{type(value).__name__}#{id(value)}>".encode())
    return h.digest()


class _Reuse:
    def __init__(self, renderer, check: bool):
        self.renderer, self.check = renderer, check
        self.frame = self.static = self.camera = self.mobjects = None
        self.drawn = self.reused = 0

    def render(self, scene, time, moving_mobjects=None) -> None:
        r = self.renderer
        camera = camera_state(r.camera)
        same = (
            self.frame is not None
            and not r.skip_animations
            and r.static_image is self.static
            and camera == self.camera
        )
        # A turning camera changes every frame: then the mobjects are not compared.
        mobjects = None
        if same or self.frame is None:
            drawn = moving_mobjects or [*scene.mobjects, *scene.foreground_mobjects]
            mobjects = mobject_state(drawn)
            same = same and mobjects == self.mobjects
        if same and not self.check:
            self.reused += 1
            r.add_frame(self.frame)
            return
        r.update_frame(scene, moving_mobjects)
        frame = r.get_frame()
        if same:
            if not np.array_equal(frame, self.frame):
                raise FrameMismatch(
                    f"frame at t = {time:.3f} s was judged unchanged but draws differently"
                )
            self.reused += 1
        else:
            self.drawn += 1
        self.frame, self.static, self.camera, self.mobjects = (
            frame,
            r.static_image,
            camera,
            mobjects,
        )
        r.add_frame(frame)


def reuse_unchanged_frames(scene, *, check: bool = False):
    """Make ``scene``'s renderer write the last frame again when nothing drawn has changed.

    Call before ``scene.render()``. Returns the counter object (``drawn``,
    ``reused``), or None when the scene does not render with Cairo (the
    OpenGL renderer is left as it is).
    """
    from manim.renderer.cairo_renderer import CairoRenderer

    renderer = scene.renderer
    if not isinstance(renderer, CairoRenderer):
        return None
    reuse = _Reuse(renderer, check)
    renderer.render = reuse.render
    return reuse
