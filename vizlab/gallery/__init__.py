"""The static gallery site: helpers the examples use, and the build behind ``make gallery``.

Examples under ``gallery/examples/`` are ordinary scripts (sphinx-gallery
turns each into a page, a notebook and a download). They call

* :func:`quick` / :func:`pick` to choose smaller runs in quick mode
  (``python -m vizlab.gallery build --quick`` or ``VIZLAB_QUICK=1``): the
  same code, fewer steps and frames;
* :func:`video` to export an animation as MP4 + GIF and embed it (an HTML5
  ``<video>`` with download links);
* :mod:`vizlab.cache` to train each run once across rebuilds;
* :class:`vizlab.render.static_slider.StaticSlider` for sliders that need
  no kernel.

``python -m vizlab.gallery build`` builds the site (see
:mod:`vizlab.gallery.build`), ``python -m vizlab.gallery serve`` serves it on
127.0.0.1. Nothing here imports torch or sphinx.
"""

from __future__ import annotations

import os
from typing import TypeVar

from vizlab.config import RunConfig
from vizlab.gallery.media import Video, media_dir, video

QUICK_ENV = "VIZLAB_QUICK"

T = TypeVar("T")

__all__ = ["QUICK_ENV", "Video", "media_dir", "pick", "quick", "trim", "video"]


def quick() -> bool:
    """True in quick mode (``VIZLAB_QUICK`` set to anything but ``""``/``0``)."""
    return os.environ.get(QUICK_ENV, "").strip() not in ("", "0")


def pick(full: T, fast: T) -> T:
    """``full`` normally, ``fast`` in quick mode: ``steps = pick(2000, 200)``."""
    return fast if quick() else full


def trim(config: RunConfig, steps: int = 150, grid: int = 24, frames: int = 8) -> RunConfig:
    """``config`` itself normally; in quick mode at most ``steps`` steps, a coarse grid, few fields.

    The same code path with less work, so CI exercises exactly what the full
    build runs.
    """
    if not isinstance(config, RunConfig):
        raise ValueError(f"trim needs a RunConfig; got {type(config).__name__}")
    if not quick():
        return config
    return config.replace(
        steps=min(config.total_steps, steps),
        epochs=0,
        record_every=1,
        grid=min(config.grid, grid),
        frames=min(config.frames, frames),
    )
