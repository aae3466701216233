"""vizlab: show how neural networks learn.

The training core (:func:`train`, :func:`descend`, :func:`sweep`) runs real
experiments with torch and records a :class:`Trace`; renderers turn a trace
into pictures. ``import vizlab`` stays light: torch is imported only when a
training function is first used, so renderers never pull it in.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from vizlab.config import ConfigError, DescendConfig, RunConfig
from vizlab.explain import StepExplanation, explain_step
from vizlab.timeline import Timeline
from vizlab.trace import Trace, TraceError

__version__ = "0.1.0"

# name -> module that defines it; these import torch, so load them on first use.
_LAZY = {
    "train": "vizlab.core.train",
    "sweep": "vizlab.core.sweep",
    "descend": "vizlab.core.descend",
    "Landscape": "vizlab.core.landscapes",
    "LANDSCAPES": "vizlab.core.landscapes",
    "make_dataset": "vizlab.core.data",
    "minibatch_descent": "vizlab.core.linreg",
    "penalty_descent": "vizlab.core.worked",
    "unit_descent": "vizlab.core.unit",
    "LiveRun": "vizlab.core.live",
    "LiveSnapshot": "vizlab.core.snapshot",
    "sweep_grid": "vizlab.core.sweep:grid",
    "landscape": "vizlab.core.surface",
    "landscape_of": "vizlab.core.surface",
    "loss_gradients": "vizlab.core.losses",
}
"""Public names loaded on first use: ``"module"`` or ``"module:attribute"``.

``LiveRun`` steps one run on demand (the notebook playground);
``sweep_grid(base, lr=[...], seed=[...])`` is the product of value lists a
:func:`sweep` may vary (:func:`vizlab.core.sweep.grid`). The worked L1/L2
example's closed forms are torch-free in :mod:`vizlab.worked`. ``landscape(trace)``
is the training loss on a plane through a run's recorded weights, with the path
projected onto it (:mod:`vizlab.core.surface`); ``landscape_of(configs)`` the same
for runs given as config dicts (what a lesson names). ``loss_gradients()``
measures dL/dz of cross-entropy and of squared error through a sigmoid for one
prediction, right or confidently wrong (:mod:`vizlab.core.losses`).
"""

__all__ = [
    "ConfigError",
    "DescendConfig",
    "RunConfig",
    "StepExplanation",
    "Timeline",
    "Trace",
    "TraceError",
    "__version__",
    "explain_step",
    *_LAZY,
]

if TYPE_CHECKING:  # pragma: no cover
    from vizlab.core.data import make_dataset
    from vizlab.core.descend import descend
    from vizlab.core.landscapes import LANDSCAPES, Landscape
    from vizlab.core.linreg import minibatch_descent
    from vizlab.core.live import LiveRun
    from vizlab.core.losses import loss_gradients
    from vizlab.core.snapshot import LiveSnapshot
    from vizlab.core.sweep import grid as sweep_grid
    from vizlab.core.sweep import sweep
    from vizlab.core.train import train
    from vizlab.core.unit import unit_descent
    from vizlab.core.worked import penalty_descent


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, _, attr = _LAZY[name].partition(":")
        value = getattr(import_module(module), attr or name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'vizlab' has no attribute {name!r}")
