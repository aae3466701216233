"""Shared test set-up: a headless matplotlib backend and small, fast runs."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
