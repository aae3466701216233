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
from enum import Enum
from numbers import Number
from operator import attrgetter, itemgetter

import numpy as np
from manim.mobject.mobject import Mobject
from manim.mobject.types.image_mobject import AbstractImageMobject
from manim.mobject.types.point_cloud_mobject import PMobject
from manim.mobject.types.vectorized_mobject import VMobject

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
    """(getter of the arrays, getter of the other values) manim's cameras read of ``cls``."""
    if cls not in _BY_TYPE:
        names = next((names for kind, *names in _READ if issubclass(cls, kind)), None)
        _BY_TYPE[cls] = names and (_getter(names[0]), _getter(names[1]))
    return _BY_TYPE[cls]


def _getter(names: tuple[str, ...]):
    """A function of a ``__dict__`` giving the tuple of ``names`` (None for a missing one)."""
    fast = itemgetter(*names)

    def get(d: dict) -> tuple:
        try:
            return fast(d)
        except KeyError:
            return tuple(d.get(n) for n in names)

    return get


def mobject_state(mobjects) -> tuple[bytes, list] | None:
    """What a camera draws of ``mobjects`` and their families, in drawing order.

    Two states are equal (``==``) exactly when the same family members are
    drawn in the same order with the same values: the bytes of the arrays
    manim reads (points, colours, an image's pixels) go into a digest, every
    other value (widths, joints, ``z_index``) and each member's identity and
    array shapes and dtypes into a list compared as it is. The families are
    walked depth first; a member met again is written as its identity only
    (its subtree is the one already written), so the list still fixes the
    drawing order. Built for every frame of a lecture, so it avoids what is
    slow in Python (manim's family helpers, ``repr``, a call per array): a
    few microseconds a member. None (never equal to a state) when an array
    has no bytes of its own to hash.
    """
    values: list = []
    buffers: list = []
    append, keep = values.append, buffers.extend
    seen: set[int] = set()
    stack = list(mobjects)[::-1]
    pop, extend = stack.pop, stack.extend
    while stack:
        m = pop()
        key = id(m)
        append(key)
        if key in seen:
            continue
        seen.add(key)
        sub = m.submobjects
        if sub:
            extend(sub[::-1])
        read = _BY_TYPE.get(type(m), _UNKNOWN)
        if read is _UNKNOWN:
            read = _read(type(m))
        if read is None:  # a tracker or a group: draws nothing itself
            continue
        d = m.__dict__
        arrays, others = read[0](d), read[1](d)
        try:
            append(tuple(map(_SHAPE_DTYPE, arrays)))
        except AttributeError:  # not all arrays (None, a list)
            arrays = tuple(_array(a) for a in arrays)
            append(tuple(map(_SHAPE_DTYPE, arrays)))
        keep(arrays)
        if not _PLAIN.issuperset(map(type, others)):
            others = tuple(_plain(v) for v in others)
        append(others)
    h = hashlib.blake2b(digest_size=16)
    try:
        h.update(b"".join(buffers))
    except (TypeError, ValueError, BufferError):  # some array is not contiguous
        try:
            h.update(b"".join(np.ascontiguousarray(a) for a in buffers))
        except (TypeError, ValueError, BufferError):  # an object array has no bytes to hash
            return None
    return h.digest(), values


_SHAPE_DTYPE = attrgetter("shape", "dtype")


def _array(value) -> np.ndarray:
    """A value read as an array: an array as it is, anything else as a 0-d array of its repr."""
    return value if isinstance(value, np.ndarray) else np.array(repr(value))


_UNKNOWN = object()
#: Values kept as they are: immutable, and compared by value.
_PLAIN = {int, float, str, bool, type(None), np.float64, np.float32, np.int64, np.bool_}


def _plain(value):
    """``value`` as an immutable stand-in, compared by value (an array by its bytes)."""
    if type(value) in _PLAIN:
        return value
    if isinstance(value, Enum):
        _PLAIN.add(type(value))
        return value
    if isinstance(value, np.ndarray):
        return ("array", value.shape, value.dtype.str, value.tobytes())
    return repr(value)


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
            same = same and mobjects is not None and mobjects == self.mobjects
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
