"""A slider over finished runs that works in a static web page: no Python kernel behind it.

TensorFlow Playground lets a student drag the learning rate and watch the
result change. On a static site there is no kernel to retrain, so we train the
whole ladder of values at build time (one batched :func:`vizlab.sweep`), draw
one picture per run with the ordinary renderers, and ship all pictures in the
page: the ``<input type="range">`` only chooses which one is shown. Nothing
is computed in the browser, so the slider is instant, and every picture is a
run that really happened.

The same object shows in Jupyter (``_repr_html_``) and in the gallery (which
embeds what ``_repr_html_`` returns), so an example and a notebook share it.
Pictures are PNG data URIs, so the HTML snippet is self-contained. All text
(title, caption, labels) is HTML-escaped; labels reach the script as JSON with
``<``, ``>`` and ``&`` escaped and are shown with ``textContent``.

Nothing here imports torch.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import matplotlib.pyplot as plt

from vizlab.render import style
from vizlab.render.base import Display
from vizlab.trace import Trace

_ids = itertools.count(1)

_SCRIPT = """(function () {
  var root = document.getElementById(%(id)s);
  var data = JSON.parse(root.querySelector("script[type='application/json']").textContent);
  var input = root.querySelector("input[type=range]");
  var img = root.querySelector("img");
  var out = root.querySelector("output");
  function show() {
    var i = parseInt(input.value, 10);
    img.src = data.images[i];
    img.alt = data.alts[i];
    out.textContent = data.labels[i];
    input.setAttribute("aria-valuetext", data.labels[i]);
  }
  input.addEventListener("input", show);
  input.addEventListener("change", show);
})();"""

_STYLE = (
    "font-family:system-ui,sans-serif;max-width:100%;margin:1em 0;"
    f"border:1px solid {style.FAINT};border-radius:6px;padding:0.6em;"
    f"background:{style.PAPER};color:{style.INK}"
)


def share_limits(figs: Sequence) -> None:
    """Give the k-th axes of every figure the union of their x and y limits.

    Only figures laid out alike (the same number of axes) and axes on the same
    scale are joined; a log axis keeps positive limits.
    """
    if len({len(f.axes) for f in figs}) != 1:
        return
    for group in zip(*(f.axes for f in figs)):
        for get, set_, scale in (
            ("get_xlim", "set_xlim", "get_xscale"),
            ("get_ylim", "set_ylim", "get_yscale"),
        ):
            if len({getattr(ax, scale)() for ax in group}) != 1:
                continue
            lims = [getattr(ax, get)() for ax in group]
            flipped = lims[0][0] > lims[0][1]
            lo = min(min(v) for v in lims)
            hi = max(max(v) for v in lims)
            for ax in group:
                getattr(ax, set_)((hi, lo) if flipped else (lo, hi))


def _png(fig, dpi: float) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def _json_for_script(value) -> str:
    """JSON that cannot end a ``<script>`` element early (``</script>`` in a label)."""
    text = json.dumps(value)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class StaticSlider:
    """One picture per value of a setting, switched by a range input in the browser.

    Parameters
    ----------
    images : sequence of bytes
        PNG files, one per slider position.
    labels : sequence of str
        What each position means, e.g. ``"learning rate = 0.03"``; shown under
        the slider and used as the picture's alt text.
    title : str, optional
        Heading above the picture.
    caption : str, optional
        One or two sentences under the slider saying what to look for.
    name : str
        What the slider sets (its accessible name), e.g. ``"learning rate"``.
    start : int
        Position shown first (negative counts from the end).

    Examples
    --------
    >>> slider = StaticSlider.from_traces(traces, draw_boundary, labels)  # doctest: +SKIP
    >>> slider  # in Jupyter: the picture and the slider  # doctest: +SKIP
    >>> slider.save_html("lr.html")  # doctest: +SKIP
    """

    def __init__(
        self,
        images: Sequence[bytes],
        labels: Sequence[str],
        *,
        title: str | None = None,
        caption: str | None = None,
        name: str = "value",
        start: int = 0,
    ):
        images, labels = list(images), [str(v) for v in labels]
        if not images:
            raise ValueError("a slider needs at least one picture")
        if len(images) != len(labels):
            raise ValueError(f"got {len(images)} pictures but {len(labels)} labels")
        for i, png in enumerate(images):
            if not isinstance(png, (bytes, bytearray)) or not png.startswith(b"\x89PNG"):
                raise ValueError(f"picture {i} is not a PNG file's bytes")
        if not -len(images) <= start < len(images):
            raise ValueError(f"start {start} is out of range for {len(images)} pictures")
        self.images = [bytes(p) for p in images]
        self.labels = labels
        self.title = title
        self.caption = caption
        self.name = str(name)
        self.start = start % len(images)

    @classmethod
    def from_traces(
        cls,
        traces: Sequence[Trace],
        draw: Callable[..., Display],
        labels: Sequence[str],
        *,
        step: int = -1,
        dpi: float = 72,
        share_axes: bool = True,
        **kwargs,
    ) -> StaticSlider:
        """Draw ``draw(trace, step)`` for each trace and keep the PNGs.

        Parameters
        ----------
        traces : sequence of Trace
            One finished run per slider position (e.g. from one sweep).
        draw : callable
            A renderer, ``draw(trace, step) -> Display``, e.g.
            :func:`~vizlab.render.boundary.draw_boundary`; wrap it in a
            lambda to pass options.
        labels : sequence of str
        step : int
            Recorded row to draw in every trace (``-1``: the end of each run).
        dpi : float
            Pixels per inch of the pictures (72 makes a 12.8 x 7.2 in figure
            922 x 518 pixels).
        share_axes : bool
            Give the same axes of every picture the same limits (the union
            over all positions), so moving the slider never rescales a loss
            axis and very different runs never look alike.
        kwargs
            ``title``, ``caption``, ``name``, ``start`` as in the constructor.
        """
        traces = list(traces)
        if len(traces) != len(labels):
            raise ValueError(f"got {len(traces)} traces but {len(labels)} labels")
        figs = []
        try:
            for trace in traces:
                display = draw(trace, step)
                if not isinstance(display, Display):
                    raise ValueError(
                        f"draw must return a vizlab Display; got {type(display).__name__}"
                    )
                figs.append(display.fig)
            if share_axes:
                share_limits(figs)
            images = [_png(fig, dpi) for fig in figs]
        finally:
            for fig in figs:
                plt.close(fig)
        return cls(images, labels, **kwargs)

    def __len__(self) -> int:
        return len(self.images)

    def data_uris(self) -> list[str]:
        """The pictures as ``data:image/png;base64,...`` URIs."""
        return ["data:image/png;base64," + base64.b64encode(p).decode("ascii") for p in self.images]

    def to_html(self) -> str:
        """A self-contained HTML snippet: picture, range input, label and a few lines of script."""
        uris = self.data_uris()
        alts = [f"{self.title or 'picture'}: {label}" for label in self.labels]
        data = {"images": uris, "labels": self.labels, "alts": alts}
        # Same content, same id (pages rebuild identically); the counter keeps two copies apart.
        digest = hashlib.sha256(json.dumps(data).encode()).hexdigest()[:10]
        uid = f"vizlab-slider-{digest}-{next(_ids)}"
        esc = html.escape
        i = self.start
        parts = [f'<div class="vizlab-slider" id="{uid}" style="{_STYLE}">']
        if self.title:
            parts.append(f'<div style="font-weight:600;font-size:1.1em">{esc(self.title)}</div>')
        parts.append(
            f'<img src="{uris[i]}" alt="{esc(alts[i])}" '
            'style="display:block;width:100%;height:auto;max-width:960px" />'
        )
        parts.append(
            '<div style="display:flex;align-items:center;gap:0.8em;margin-top:0.5em">'
            f'<label style="white-space:nowrap;font-weight:600" for="{uid}-input">'
            f"{esc(self.name)}</label>"
            f'<input id="{uid}-input" type="range" min="0" max="{len(self) - 1}" step="1" '
            f'value="{i}" aria-valuetext="{esc(self.labels[i])}" '
            'style="flex:1;min-width:8em;height:1.6em;cursor:pointer" /></div>'
            f'<output for="{uid}-input" style="display:block;margin-top:0.3em;font-size:1.1em;'
            f'font-weight:600">{esc(self.labels[i])}</output>'
        )
        if self.caption:
            parts.append(f'<div style="margin-top:0.4em">{esc(self.caption)}</div>')
        parts.append(f'<script type="application/json">{_json_for_script(data)}</script>')
        parts.append(f"<script>{_SCRIPT % {'id': json.dumps(uid)}}</script>")
        parts.append("</div>")
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        return self.to_html()

    def save_html(self, path: str | os.PathLike) -> Path:
        """Write a standalone page holding the slider."""
        path = Path(path)
        title = html.escape(self.title or "vizlab slider")
        page = (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{title}</title></head><body>\n{self.to_html()}\n</body></html>\n"
        )
        path.write_text(page, encoding="utf-8")
        return path
