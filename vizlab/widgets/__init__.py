"""Notebook widgets: the learning-rate explorer, the playground and the step scrubber.

Each widget edits a value (descend arguments or a :class:`~vizlab.RunConfig`),
runs the core, and draws with the same ``draw_*`` functions the gallery uses.
They need ipywidgets (``pip install 'vizlab-nn[widgets]'``), imported only when a
widget is first used, so ``import vizlab.widgets`` itself stays light.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_LAZY = {
    "BackpropStepper": "vizlab.widgets.backprop",
    "LearningRateExplorer": "vizlab.widgets.explorer",
    "Playground": "vizlab.widgets.playground",
    "Scrubber": "vizlab.widgets.scrubber",
}

__all__ = ["BackpropStepper", "LearningRateExplorer", "Playground", "Scrubber"]

if TYPE_CHECKING:  # pragma: no cover
    from vizlab.widgets.backprop import BackpropStepper
    from vizlab.widgets.explorer import LearningRateExplorer
    from vizlab.widgets.playground import Playground
    from vizlab.widgets.scrubber import Scrubber


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'vizlab.widgets' has no attribute {name!r}")
