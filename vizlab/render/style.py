"""One look for every picture: class colours, the decision-field map, lecture-hall fonts, themes.

Class 0 is orange and class 1 is blue, as in TensorFlow Playground; the pair
stays distinct for the common colour-vision deficiencies. Decision fields use
a diverging orange-white-blue map, so "undecided" (p = 0.5) is white.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import matplotlib as mpl
from matplotlib.colors import LinearSegmentedColormap

ORANGE = "#e8890c"
BLUE = "#1f6fb4"
CLASS_COLORS = (ORANGE, BLUE)
# Optimizers / series: Okabe-Ito, safe for colour-blind viewers.
SERIES = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#f0e442", "#000000")
TRAIN_COLOR = "#0072b2"
VAL_COLOR = "#d55e00"
PATH_COLOR = "#d62728"

FIELD_CMAP = LinearSegmentedColormap.from_list(
    "vizlab_field", ["#f59322", "#fbd7a8", "#ffffff", "#b9d7ee", "#0877bd"]
)
# Per-neuron maps: activation values, same diverging idea.
UNIT_CMAP = FIELD_CMAP

THEMES = {
    "light": {
        "figure.facecolor": "white",
        "axes.facecolor": "white",
        "axes.edgecolor": "#333333",
        "axes.labelcolor": "#222222",
        "text.color": "#222222",
        "xtick.color": "#333333",
        "ytick.color": "#333333",
        "grid.color": "#dddddd",
        "legend.facecolor": "white",
        "savefig.facecolor": "white",
    },
    "dark": {
        "figure.facecolor": "#16181d",
        "axes.facecolor": "#16181d",
        "axes.edgecolor": "#c8c8c8",
        "axes.labelcolor": "#eeeeee",
        "text.color": "#eeeeee",
        "xtick.color": "#cccccc",
        "ytick.color": "#cccccc",
        "grid.color": "#3a3d44",
        "legend.facecolor": "#23262d",
        "savefig.facecolor": "#16181d",
    },
}

# Big enough to read from the back of a lecture hall at 1280x720.
LECTURE = {
    "font.size": 14,
    "axes.titlesize": 16,
    "axes.titleweight": "bold",
    "axes.labelsize": 14,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": 12,
    "figure.titlesize": 18,
    "lines.linewidth": 2.5,
    "lines.markersize": 7,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "animation.embed_limit": 64,
}


def rc(theme: str = "light") -> dict:
    """matplotlib rcParams for the lecture style in ``theme`` ("light" or "dark")."""
    if theme not in THEMES:
        raise ValueError(f"theme must be one of {', '.join(THEMES)}; got {theme!r}")
    return {**LECTURE, **THEMES[theme]}


@contextlib.contextmanager
def theme(name: str = "light") -> Iterator[None]:
    """Draw inside ``with theme("dark"):`` to get the dark lecture style.

    Only the keys the theme sets are restored afterwards: restoring every
    rcParam (as ``rc_context`` does) would also undo a backend that Jupyter
    selected inside the block, and later figures would not show.
    """
    params = rc(name)
    before = {k: mpl.rcParams[k] for k in params}
    mpl.rcParams.update(params)
    try:
        yield
    finally:
        mpl.rcParams.update(before)


def class_color(label: int) -> str:
    return CLASS_COLORS[int(label)]
