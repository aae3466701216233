"""Shared test set-up: a headless matplotlib backend and small, fast runs."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import importlib  # noqa: E402

import matplotlib  # noqa: E402
import pytest  # noqa: E402

matplotlib.use("Agg")

# CI (``.ci/run``) sets VIZLAB_CI=1: there every optional part must be present.
IN_CI = os.environ.get("VIZLAB_CI") == "1"


def require_or_skip(what: str, available: bool) -> None:
    """Skip when ``what`` (Chromium, LaTeX, manim...) is missing; in CI, fail instead.

    Works at module level too: a module that cannot run is skipped whole, or
    in CI reported as a collection error.
    """
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is missing, and CI (VIZLAB_CI=1) needs it", pytrace=False)
    pytest.skip(f"{what} is not installed", allow_module_level=True)


def import_or_skip(module: str, what: str | None = None):
    """``pytest.importorskip`` that fails in CI instead of skipping."""
    try:
        return importlib.import_module(module)
    except ImportError:
        require_or_skip(what or module, False)
