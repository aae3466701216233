"""One look for every picture: the colour and line grammar, lecture-hall fonts, themes.

The grammar gives every colour one meaning, on every page and in every video:

* **Class and sign: orange and blue only.** Class 0 is orange and class 1 is
  blue, as in TensorFlow Playground; a negative weight or activation is
  orange and a positive one blue. No other role uses these two hues.
* **Train vs validation: one colour, solid vs dashed.** :func:`split_style`
  gives the train curve solid ink and the validation curve a dashed grey; on
  a plot of several runs each run keeps its own colour and the split is the
  line style.
* **Runs, optimizers, layers: a categorical palette** (Paul Tol's "muted",
  safe for the common colour-vision deficiencies and free of the class
  orange and blue). :func:`run_color` maps a name to its colour stably, so
  Adam is the same colour on every page and in every video.
* **Fields: one diverging map**, :data:`FIELD_CMAP` (orange - white - blue),
  for P(class 1) and for signed unit activations; a loss landscape is the
  pale sequential :data:`LOSS_CMAP` under contour lines.
* **Marks**: the moving ball / path of a single run (:data:`PATH_COLOR`), the
  minimum (:data:`MIN_COLOR`), divergence (:data:`DIVERGED_COLOR`), ink and
  muted greys for text, guides and flat regions; a yardstick run drawn beside
  the runs it is compared with (the λ = 0 baseline) is grey and dashed
  (:data:`REFERENCE_COLOR`, :data:`REFERENCE_LINESTYLE`).

Renderers draw with these names only; ``tests/test_style_grammar.py`` fails
on a literal colour anywhere else under ``vizlab/render``.
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Iterator

import matplotlib as mpl
from matplotlib.colors import LinearSegmentedColormap, to_hex

# -- class and sign --------------------------------------------------------
ORANGE = "#e8890c"
BLUE = "#1f6fb4"
CLASS_COLORS = (ORANGE, BLUE)
NEGATIVE, POSITIVE = ORANGE, BLUE

# -- ink, paper and greys (text, axes, guides, shading) ----------------------
INK = "#222222"
PAPER = "#ffffff"
MUTED = "#777777"  # secondary text, legend stand-ins
GUIDE = "#888888"  # zero lines, reference lines, cursors
FAINT = "#bbbbbb"  # background contours, context points
SHADE = "#e8e8e8"  # neutral fill (table heads, input units)
FLAT_COLOR = "#9e9e9e"  # a flat region: the gradient vanishes there

# -- train vs validation ----------------------------------------------------
TRAIN_COLOR = INK
VAL_COLOR = "#6f6f6f"
TRAIN_LINESTYLE, VAL_LINESTYLE = "-", "--"

# -- a yardstick run beside the runs it is compared with (λ = 0): grey, dashed --
REFERENCE_COLOR, REFERENCE_LINESTYLE = GUIDE, "--"

# -- runs, optimizers, layers: Paul Tol's muted palette ------------------------
CATEGORICAL = (
    "#117733",  # green
    "#882255",  # wine
    "#44aa99",  # teal
    "#aa4499",  # purple
    "#999933",  # olive
    "#332288",  # indigo
    "#cc6677",  # rose
    "#8c510a",  # brown
)
#: Kept for code that indexes a series palette: the categorical palette.
SERIES = CATEGORICAL
#: Names that always get the same colour (optimizers first: the race, the
#: paths and the schedules show them on many pages).
RUN_COLORS = {
    "sgd": CATEGORICAL[0],
    "momentum": CATEGORICAL[1],
    "nesterov": CATEGORICAL[4],
    "adagrad": CATEGORICAL[3],
    "rmsprop": CATEGORICAL[2],
    "adam": CATEGORICAL[5],
    "l1": CATEGORICAL[1],
    "l2": CATEGORICAL[2],
}

# -- marks --------------------------------------------------------------------
PATH_COLOR = "#d62728"  # the ball and path of a single run
MIN_COLOR = "#ffd21f"  # the minimum (a star)
DIVERGED_COLOR = "#c62828"
BEST_FILL = "#c8e6c9"  # the best row of a table
DROPPED_FILL = "#d0d0d0"  # a unit dropout switched off
BOUNDARY_COLOR = INK  # the p = 0.5 line, the output layer's plane
PLANE_RGBA = (0.15, 0.15, 0.15, 0.4)

# -- fields -------------------------------------------------------------------
FIELD_CMAP = LinearSegmentedColormap.from_list(
    "vizlab_field", ["#f59322", "#fbd7a8", "#ffffff", "#b9d7ee", "#0877bd"]
)
# Per-neuron maps: activation values, the same diverging map (sign = colour).
UNIT_CMAP = FIELD_CMAP
#: Pale fill under the contour lines of a loss landscape, so coloured paths stand out.
LOSS_CMAP = LinearSegmentedColormap.from_list("vizlab_loss", ["#ffffff", "#dbe4ee", "#a9bcd0"])
LOSS_LINE_COLOR = "#7f93a8"
#: A loss surface in 3-D: a sequential map whose light end is the high loss.
SURFACE_CMAP = "viridis"
#: The same map as five colours, low to high (for manim's surfaces).
SURFACE_COLORS = tuple(to_hex(mpl.colormaps[SURFACE_CMAP](i / 4)) for i in range(5))

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


#: Colours of k > 2 classes: orange and blue first (classes 0 and 1 keep their
#: colours), then colour-blind-safe hues far from both.
CLASS_PALETTE = (
    ORANGE,
    BLUE,
    "#009e73",
    "#cc79a7",
    "#6a3d9a",
    "#8c6d31",
    "#56b4e9",
    "#b2182b",
    "#555555",
    "#c5b000",
)


def class_color(label: int) -> str:
    """Colour of class ``label`` (0 orange, 1 blue, then :data:`CLASS_PALETTE`)."""
    return CLASS_PALETTE[int(label)]


def sign_color(value: float) -> str:
    """Blue for a positive value (weight, activation), orange for a negative one."""
    return POSITIVE if value > 0 else NEGATIVE


def run_color(name: str) -> str:
    """The colour of a run, optimizer or series called ``name``, the same everywhere.

    Known names (optimizers, ``"l1"``/``"l2"``) have fixed colours; any other
    name gets a colour of :data:`CATEGORICAL` from a checksum of its text, so
    it is stable across pages, videos and Python sessions (``hash`` is not).
    """
    key = str(name).strip().lower()
    if key in RUN_COLORS:
        return RUN_COLORS[key]
    return CATEGORICAL[zlib.crc32(key.encode()) % len(CATEGORICAL)]


def series_color(i: int) -> str:
    """The ``i``-th colour of the categorical palette (the i-th of several runs)."""
    return CATEGORICAL[int(i) % len(CATEGORICAL)]


def layer_color(layer: int) -> str:
    """Hidden layer ``layer`` (1-based), the same in every picture of layers."""
    return series_color(int(layer) - 1)


def split_style(split: str, color: str | None = None) -> dict:
    """Line keywords for a train or validation curve: one colour, solid vs dashed.

    Parameters
    ----------
    split : {"train", "val"}
    color : str, optional
        The run's colour when several runs share an axes; default ink for
        train and grey for validation.

    Returns
    -------
    dict
        ``color`` and ``linestyle`` for ``Axes.plot``.
    """
    if split not in ("train", "val"):
        raise ValueError(f"split must be 'train' or 'val'; got {split!r}")
    if split == "train":
        return {"color": color or TRAIN_COLOR, "linestyle": TRAIN_LINESTYLE}
    return {"color": color or VAL_COLOR, "linestyle": VAL_LINESTYLE}
