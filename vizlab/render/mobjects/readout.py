"""Readout: a label and a live number ("step 120", "loss 0.314") that changes per frame.

Re-creating a Text every frame runs Pango and parses SVG each time. A
Readout typesets its label and the glyphs ``0-9 . - + % e`` once, in one
line so they share a baseline, and per frame only copies glyph outlines
into a fixed row of slots.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import RIGHT, Text, VGroup, VMobject

from vizlab.render.mobjects.theme import INK, LABEL_SIZE

ALPHABET = "0123456789.-+%e"


class Readout(VGroup):
    """A static label followed by a number formatted with ``fmt``.

    Parameters
    ----------
    label : str
        Text before the number ("step", "loss"); may be empty.
    values : array_like (T,), optional
        One value per recorded row; :meth:`set_row` ``(row)`` displays
        ``values[row]``. Without it, call :meth:`set_value`.
    fmt : str
        ``str.format`` pattern for the value, e.g. ``"{:d}"``, ``"{:.3f}"``,
        ``"{:.0%}"``. Its output may use only ``0-9 . - + % e``.
    width : int
        Most characters the number can take; widened to fit every value of
        ``values`` when they are given.
    font_size : float
    color : str

    Attributes
    ----------
    text : str
        The number as shown now.

    Notes
    -----
    The glyph outlines are kept relative to an invisible anchor segment in
    the group, so moving or scaling the readout moves the number with it.
    """

    def __init__(
        self,
        label: str = "",
        values: Sequence[float] | np.ndarray | None = None,
        *,
        fmt: str = "{:d}",
        width: int = 6,
        font_size: float = LABEL_SIZE,
        color: str = INK,
    ):
        super().__init__()
        if isinstance(width, bool) or not isinstance(width, int) or width < 1:
            raise ValueError(f"width must be a positive integer; got {width!r}")
        self.values = None if values is None else np.asarray(values)
        if self.values is not None and self.values.ndim != 1:
            raise ValueError(f"readout values must be 1-d (T,); got shape {self.values.shape}")
        self.fmt = fmt
        if self.values is not None:
            # Room for every value the readout will show, whatever the trace's length.
            finite = self.values[np.isfinite(self.values.astype(float))]
            width = max([width, *(len(self._format(v)) for v in finite)])
        self.n_slots = width
        line = Text(f"{label} {ALPHABET}" if label else ALPHABET, font_size=font_size, color=color)
        n_label = len("".join(label.split()))
        self.label = VGroup(*line.submobjects[:n_label])
        glyphs = line.submobjects[n_label:]
        digit_w = max(g.width for g in glyphs[:10])
        gap = 0.12 * digit_w
        x0 = self.label.get_right()[0] + 0.6 * digit_w if n_label else glyphs[0].get_left()[0]
        origin = np.array([x0, glyphs[0].get_bottom()[1], 0.0])
        # Each glyph: outline relative to the anchor start, and how far it advances.
        self._glyphs = {}
        for ch, g in zip(ALPHABET, glyphs):
            box = digit_w if ch.isdigit() else g.width
            centred = g.points - np.array([g.get_center()[0] - box / 2, 0.0, 0.0])
            self._glyphs[ch] = (centred - origin * [0, 1, 1], box + gap)
        self.anchor = VMobject(stroke_width=0, stroke_opacity=0, fill_opacity=0)
        self.anchor.set_points_as_corners([origin, origin + RIGHT])
        self.slots = VGroup(*(VMobject() for _ in range(width)))
        for slot in self.slots:
            slot.match_style(glyphs[0])
        self.add(self.label, self.anchor, self.slots)
        self.text = None
        if self.values is not None:
            self.set_row(0)
        else:
            self.set_text("")

    def set_text(self, text: str) -> Readout:
        """Show ``text`` (characters from ``0-9 . - + % e`` only) in the slots."""
        if len(text) > self.n_slots:
            raise ValueError(f"readout {text!r} is wider than its {self.n_slots} slots")
        bad = set(text) - set(ALPHABET)
        if bad:
            raise ValueError(f"readout {text!r} uses characters it has no glyph for: {sorted(bad)}")
        if text == self.text:
            return self
        start, end = self.anchor.get_start(), self.anchor.get_end()
        scale = float(np.linalg.norm(end - start))
        x = 0.0
        for i, slot in enumerate(self.slots):
            if i < len(text):
                outline, advance = self._glyphs[text[i]]
                slot.set_points(start + scale * (outline + np.array([x, 0.0, 0.0])))
                x += advance
            else:
                slot.clear_points()
        self.text = text
        return self

    def set_value(self, value: float) -> Readout:
        """Show ``fmt.format(value)``."""
        return self.set_text(self.fmt.format(value))

    @property
    def updater_host(self):
        """The first part that changes per row: :meth:`Clock.drive` puts its updater there."""
        return self.slots

    def set_row(self, row: int) -> Readout:
        """Show ``values[row]``."""
        if self.values is None:
            raise ValueError("this readout has no values; use set_value")
        return self.set_text(self._format(self.values[row]))

    def _format(self, v) -> str:
        return self.fmt.format(int(v) if self.fmt.endswith("d}") else float(v))
