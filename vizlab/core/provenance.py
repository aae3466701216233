"""Where a trace came from: the one device resolver and the one trace-header builder.

Every producer (``train``/``sweep``, ``descend``, ``minibatch_descent``,
``penalty_descent``, ``landscape``) asks :func:`resolve_device` for its device and
builds its header with :func:`trace_header`, so every trace says the same
things about its origin in the same words.
"""

from __future__ import annotations

import platform
from typing import Any

import numpy as np
import torch

from vizlab import __version__

DEVICE_NAMES = ("auto", "cpu", "cuda")


def resolve_device(name: str) -> torch.device:
    """The torch device for ``"auto"`` (CUDA when present), ``"cpu"`` or ``"cuda"``.

    Raises
    ------
    ValueError
        For an unknown name, or ``"cuda"`` on a machine where torch sees no CUDA device.
    """
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cpu":
        return torch.device("cpu")
    if name == "cuda":
        if not torch.cuda.is_available():
            raise ValueError("device 'cuda' was asked for but torch sees no CUDA device")
        return torch.device("cuda")
    raise ValueError(f"device must be one of {', '.join(DEVICE_NAMES)}; got {name!r}")


def versions() -> dict[str, str]:
    """Versions of what produced a trace (vizlab, torch, numpy, Python)."""
    return {
        "vizlab": __version__,
        "torch": torch.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }


def trace_header(
    kind: str,
    config: dict[str, Any],
    *,
    device: torch.device | str = "cpu",
    events: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A trace header: ``kind``, ``config``, ``versions``, ``device``, ``events`` and extras.

    Parameters
    ----------
    kind : str
        The producer (``"train"``, ``"descend"``, ``"linreg"``, ...).
    config : dict
        Everything that defines the run, JSON values only.
    device : torch.device or str
    events : list of dict, optional
        Divergence, early stopping, ... (``[]`` when none).
    **extra
        Producer-specific fields (``seed``, ``landscape``, ``regime``, ...).
    """
    return {
        "kind": kind,
        "config": config,
        **extra,
        "versions": versions(),
        "device": str(device),
        "events": list(events or []),
    }
