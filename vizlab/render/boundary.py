"""Decision boundaries: what the network predicts everywhere in the plane, step by step.

The picture of lectures 000 and 003: the recorded field P(class 1) on a grid
as an image (orange = class 0, white = undecided, blue = class 1), the line
where it crosses 0.5, the training points (filled circles) and validation
points (triangles), and beside it the train and validation loss growing with
the step. Small multiples put several runs on one shared timeline: a linear
model next to an MLP on XOR, underfit / good fit / overfit, the
learning-rate x width quiz. Nothing here imports torch.
"""

from __future__ import annotations

import contourpy
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D

from vizlab.render import multiclass, style
from vizlab.render.base import Display, animator, figure
from vizlab.render.curves import DIVERGED_COLOR, CurvesDisplay, draw_curves, fmt_loss
from vizlab.timeline import Timeline
from vizlab.trace import Trace

DATASET_NAMES = {
    "xor": "noisy XOR",
    "moons": "half-moons",
    "circles": "circles",
    "spiral": "spiral",
    "gaussians": "two blobs",
    "custom": "your data",
}
ACTIVATION_NAMES = {"relu": "ReLU", "leaky_relu": "leaky-ReLU", "elu": "ELU"}
BOUNDARY_COLOR = style.BOUNDARY_COLOR
# The field is drawn see-through so saturated class-coloured points stand out on it.
FIELD_ALPHA = 0.6


def _legend_handles() -> list:
    grey = style.MUTED
    return [
        Line2D([], [], ls="", marker="o", ms=8, mfc=grey, mec=style.PAPER, label="train"),
        Line2D([], [], ls="", marker="^", ms=9, mfc=grey, mec=style.INK, label="validation"),
    ]


def architecture(config: dict) -> str:
    """Plain words for the model: "2-2-1 sigmoid net", "linear model", "2-8-1 net, no activation"."""
    hidden = list(config.get("hidden", []))
    if not hidden:
        return "linear model"
    n_in = len(config.get("features", ("x1", "x2")))
    k = config.get("n_classes", 2)
    sizes = [n_in, *hidden, k if config.get("loss") == "cross_entropy" else 1]
    act = config.get("activation", "")
    act = ACTIVATION_NAMES.get(act, act)
    net = "-".join(map(str, sizes))
    return f"{net} net, no activation" if act == "linear" else f"{net} {act} net"


def describe(trace: Trace) -> str:
    """Default title: dataset and model, from the trace header."""
    name = trace.header.get("dataset", trace.config.get("dataset", ""))
    k = trace.config.get("n_classes", 2)
    data = DATASET_NAMES.get(name, name) if k == 2 else f"{name}, {k} classes"
    return f"{data}: {architecture(trace.config)}"


def boundary_lines(xs: np.ndarray, ys: np.ndarray, field: np.ndarray, level: float = 0.5) -> list:
    """Polylines where ``field`` (H, W) on the grid ``xs`` (W,), ``ys`` (H,) crosses ``level``.

    Computed with contourpy, the engine behind ``plt.contour``, so a display
    can swap the segments of one LineCollection instead of rebuilding a contour set.
    """
    gen = contourpy.contour_generator(
        xs, ys, np.asarray(field, dtype=np.float64), line_type="Separate"
    )
    return [seg for seg in gen.lines(level) if len(seg) > 1]


def _check_trace(trace: Trace) -> None:
    if not isinstance(trace, Trace):
        raise ValueError(f"expected a vizlab Trace; got {type(trace).__name__}")
    if trace.config.get("task") == "regression":
        raise ValueError(
            "a regression trace has no classes: use vizlab.render.regression.draw_regression"
        )
    has = "field/output" in trace or "field/class0" in trace
    if not has or trace.field_row(0) is None:
        raise ValueError("the trace has no decision field 'field/output' (train with frames > 0)")


def field_picture(trace: Trace, field_row: int) -> tuple[np.ndarray, list]:
    """The image and boundary polylines at one field row.

    Two classes: P(class 1) (H, W) for the orange-white-blue map and its 0.5
    line. k classes: an RGB image (H, W, 3), each region in its class colour,
    lighter where unsure (:func:`vizlab.render.multiclass.field_rgb`), and the
    lines where the most probable class changes.
    """
    xs, ys = trace["grid/x"], trace["grid/y"]
    if "field/output" in trace:
        field = trace["field/output"][field_row]
        return field, boundary_lines(xs, ys, field)
    probs = multiclass.class_probs(trace, field_row)
    margins = multiclass.region_margins(probs)
    lines = [seg for m in margins for seg in boundary_lines(xs, ys, m, 0.0)]
    return multiclass.field_rgb(probs), lines


class BoundaryDisplay(Display):
    """The decision field, its p = 0.5 line and the data at one row.

    Attributes
    ----------
    ax : Axes
        The boundary panel.
    points : dict
        The static scatters: ``"train"`` and (if shown) ``"val"``.
    curves : CurvesDisplay or None
        The loss panel, moved along with the boundary.
    """

    def __init__(self, trace, fig, ax, artists, points, curves: CurvesDisplay | None, text_mode):
        super().__init__(trace, fig, artists)
        self.ax, self.points, self.curves, self.text_mode = ax, points, curves, text_mode
        self.title_fn = None  # set when the title is computed per row
        self.xs, self.ys = trace["grid/x"], trace["grid/y"]

    # Only the listed artists change (axis limits stay put), so export may blit.
    blit_safe = True

    def animated_artists(self) -> list[Artist]:
        curves = self.curves.animated_artists() if self.curves is not None else []
        return super().animated_artists() + curves

    def update(self, row: int) -> list[Artist]:
        row = self._row(row)
        self.row = row
        a, tr = self.artists, self.trace
        picture, lines = field_picture(tr, tr.field_row(row))
        a["image"].set_data(picture)
        a["boundary"].set_segments(lines)
        a["text"].set_text(self._text(row))
        if "title" in a:  # a title with numbers says them for the row it shows
            a["title"].set_text(self.title_fn(tr, row))
        if "diverged" in a:
            a["diverged"].set_visible(row == len(tr) - 1)
        changed = [a["image"], a["boundary"], a["text"], *([a["title"]] if "title" in a else [])]
        if self.curves is not None:
            changed += self.curves.update(row)
        return changed

    def _text(self, row: int) -> str:
        s = self.trace.at(row)
        acc = f"train {float(s['scalar/acc_train']):.0%}"
        val_acc, val_loss = float(s["scalar/acc_val"]), float(s["scalar/loss_val"])
        if np.isfinite(val_acc):  # NaN when the run held out no validation points
            acc += f" · val {val_acc:.0%}"
        if self.text_mode == "step":
            return f"step {s.step}\naccuracy {acc}"
        loss = f"val loss {fmt_loss(val_loss)}" if np.isfinite(val_loss) else ""
        return f"accuracy {acc}\n{loss}".rstrip()

    def timeline(self, n_frames: int | None = None, **kwargs) -> Timeline:
        """Log-spaced timeline whose rows are exactly the rows the trace holds fields for."""
        kwargs.setdefault("hold_end", 15)
        n = n_frames or int(self.trace.config.get("frames") or 90)
        return Timeline.for_trace(self.trace, n, **kwargs)


def _boundary_panel(trace, ax, *, show_val, title, small) -> tuple[dict, dict]:
    xs, ys = trace["grid/x"], trace["grid/y"]
    dx, dy = (xs[-1] - xs[0]) / max(len(xs) - 1, 1), (ys[-1] - ys[0]) / max(len(ys) - 1, 1)
    # Extent edges half a cell outside the grid points, so pixel centres sit on them.
    extent = (xs[0] - dx / 2, xs[-1] + dx / 2, ys[0] - dy / 2, ys[-1] + dy / 2)
    a: dict = {}
    image_style = dict(origin="lower", cmap=style.FIELD_CMAP, vmin=0, vmax=1, aspect="equal")
    a["image"] = ax.imshow(
        field_picture(trace, 0)[0],
        extent=extent,
        interpolation="bilinear",
        alpha=FIELD_ALPHA,
        zorder=0,
        **image_style,
    )
    a["boundary"] = LineCollection([], colors=BOUNDARY_COLOR, lw=2 if small else 3, zorder=3)
    ax.add_collection(a["boundary"], autolim=False)
    size = 30 if small else 64
    points = {}
    for split, marker, edge, scale in (
        ("train", "o", style.PAPER, 1.0),
        ("val", "^", style.INK, 1.4),
    ):
        X, y = trace[f"data/X_{split}"], trace[f"data/y_{split}"]
        if split == "val" and not (show_val and len(X)):
            continue
        points[split] = ax.scatter(
            X[:, 0],
            X[:, 1],
            c=[style.class_color(c) for c in y],
            s=size * scale,
            marker=marker,
            edgecolors=edge,
            linewidths=0.8 if split == "train" else 1,
            zorder=4,
        )
    ax.set_xlim(extent[:2])
    ax.set_ylim(extent[2:])
    ax.set_xticks([])
    ax.set_yticks([])
    # White under the see-through field, so it reads the same in the dark theme.
    ax.set_facecolor(style.PAPER)
    for spine in ax.spines.values():
        spine.set_visible(True)
    if title is None:
        title = describe(trace)
    if callable(title):  # computed per row by the display (see BoundaryDisplay.update)
        a["title"] = ax.set_title(title(trace, 0), parse_math=False, fontsize=13 if small else None)
    elif title:
        ax.set_title(title, parse_math=False, fontsize=13 if small else None)
    # Step and scores sit under the panel, so they never hide a point.
    a["text"] = ax.text(
        0.0, -0.02, "", transform=ax.transAxes, ha="left", va="top", fontsize=11 if small else 14
    )
    if "val" in points and not small:
        ax.legend(
            handles=_legend_handles(),
            loc="upper right",
            bbox_to_anchor=(1.0, -0.01),
            ncol=2,
            frameon=False,
            fontsize=12,
            handletextpad=0.2,
            columnspacing=0.8,
        )
    if trace.diverged is not None:
        a["diverged"] = ax.text(
            0.5,
            0.5,
            f"diverged at step {trace.diverged['step']}",
            transform=ax.transAxes,
            ha="center",
            va="center",
            color=DIVERGED_COLOR,
            fontsize=14 if small else 20,
            fontweight="bold",
            bbox=dict(boxstyle="round", fc=style.PAPER, ec=DIVERGED_COLOR),
            zorder=7,
        )
    return a, points


def draw_boundary(
    trace: Trace,
    step: int = -1,
    *,
    ax: Axes | None = None,
    show_val: bool = True,
    curves: bool | Axes | None = None,
    theme: str = "light",
    title: str | None = None,
    metric: str = "loss",
    patience: int | None = None,
) -> BoundaryDisplay:
    """The decision boundary of a training run at recorded row ``step``.

    Parameters
    ----------
    trace : Trace
        A :func:`vizlab.train` trace: ``field/output`` (F, H, W) on ``grid/x``
        (W,), ``grid/y`` (H,); ``data/X_train`` (N, 2), ``data/y_train`` (N,)
        and the validation split.
    step : int
        Recorded row (negative counts from the end). The field shown is the
        latest one recorded at or before it (``trace.field_row(step)``).
    ax : Axes, optional
        Draw the boundary here instead of a new figure.
    show_val : bool
        Also show the validation points (triangles, black edge).
    curves : bool or Axes, optional
        The train/validation loss panel (:func:`~vizlab.render.curves.draw_curves`).
        Default: on a new figure, off when ``ax`` is given; pass an Axes to
        place it yourself.
    title : str, optional
        Default from the header ("noisy XOR: 2-2-1 sigmoid net"); "" for none.
        Plain text: ``$`` is not maths.
    metric, patience :
        Passed to the curves panel.

    Returns
    -------
    BoundaryDisplay
        ``artists["image"]`` (AxesImage), ``artists["boundary"]`` (the p = 0.5
        LineCollection), ``artists["text"]``; ``curves`` the loss panel.
    """
    _check_trace(trace)
    if curves is True and ax is not None:
        raise ValueError("curves=True needs a new figure; pass curves=<Axes> to place the panel")
    with style.theme(theme):
        curves_ax = curves if isinstance(curves, Axes) else None
        if ax is None and curves is not False and curves_ax is None:
            fig, _ = figure(theme=theme)
            fig.clear()
            gs = fig.add_gridspec(1, 2, width_ratios=[1.0, 1.0])
            ax, curves_ax = fig.add_subplot(gs[0]), fig.add_subplot(gs[1])
        else:
            fig, ax = figure(ax, theme=theme)
        artists, points = _boundary_panel(trace, ax, show_val=show_val, title=title, small=False)
        panel = None
        if curves_ax is not None:
            panel = draw_curves(
                trace,
                step,
                ax=curves_ax,
                theme=theme,
                metric=metric,
                patience=patience,
                show_step=False,
            )
        disp = BoundaryDisplay(trace, fig, ax, artists, points, panel, "step")
        disp.title_fn = title if callable(title) else None
        disp.update(step)
    return disp


animate_boundary = animator(draw_boundary)


# The grid pictures live in vizlab.render.boundary_grid (which imports this
# module); their names stay importable from here, looked up on first use.
_GRID = frozenset(
    {"BoundaryGridDisplay", "draw_boundary_grid", "draw_linear_vs_mlp", "animate_boundary_grid"}
)


def __getattr__(name: str):
    if name in _GRID:
        from vizlab.render import boundary_grid

        return getattr(boundary_grid, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
