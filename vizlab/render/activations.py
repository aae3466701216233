"""Activation functions and what hidden units do with them.

* :func:`draw_activations`: sigmoid, tanh, ReLU, leaky ReLU, ELU and their
  derivatives, with the flat regions where the gradient vanishes shaded
  (lectures 000, 002, 004).
* :func:`draw_hidden_units`: every hidden neuron's response over the input
  plane, Playground style, beside the network's output.
* :func:`draw_representation`: lecture 004's "representation learning":
  hidden layer 1 bends the input plane (a regular grid of lines) into a
  space where a line separates the classes.
* :func:`draw_saturation`: how many units sit in a flat region (saturated
  sigmoid/tanh, dead ReLU) as training goes on.

Nothing here imports torch.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes

from vizlab.render import style
from vizlab.render.base import Display, figure, subplots

# The unit pictures live in their own modules; their names stay importable here.
from vizlab.render.hidden_units import HiddenUnitsDisplay, draw_hidden_units
from vizlab.render.representation import (
    RepresentationDisplay,
    draw_representation,
    output_plane,
    separation_row,
)
from vizlab.render.saturation import SaturationDisplay, draw_saturation, saturation_curves
from vizlab.render.unit_data import (
    DERIV_COLOR,
    FLAT,
    FLAT_COLOR,
    FUNC_COLOR,
    LEAKY_SLOPE,
    check_trace,
    grid_extent,
    slope_from_output,
    unit_layers,
)

__all__ = [
    "FLAT",
    "FUNCTIONS",
    "LEAKY_SLOPE",
    "HiddenUnitsDisplay",
    "RepresentationDisplay",
    "SaturationDisplay",
    "StaticDisplay",
    "check_trace",
    "draw_activations",
    "draw_hidden_units",
    "draw_representation",
    "draw_saturation",
    "grid_extent",
    "output_plane",
    "saturation_curves",
    "separation_row",
    "slope_from_output",
    "unit_layers",
]

FUNCTIONS = {
    # name: (title, g(z), g'(z)) on a numpy array z
    "sigmoid": (
        r"sigmoid  $\sigma(z) = 1/(1+e^{-z})$",
        lambda z: 1 / (1 + np.exp(-z)),
        lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2,
    ),
    "tanh": (r"tanh  $\tanh(z)$", np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "relu": (r"ReLU  $\max(0, z)$", lambda z: np.maximum(z, 0), lambda z: (z > 0) * 1.0),
    "leaky_relu": (
        r"leaky ReLU  $\max(0.01z, z)$",
        lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
        lambda z: np.where(z > 0, 1.0, LEAKY_SLOPE),
    ),
    "elu": (
        r"ELU  $z$ or $e^z - 1$",
        lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0))),
        lambda z: np.where(z > 0, 1.0, np.exp(np.minimum(z, 0))),
    ),
    "linear": (r"linear  $z$", lambda z: z * 1.0, lambda z: np.ones_like(z)),
}
# y range and a note on the flat region, per panel
PANEL = {
    "sigmoid": ((-0.15, 1.15), "saturated"),
    "tanh": ((-1.2, 1.2), "saturated"),
    "relu": ((-1.3, 2.6), "g' = 0: dead"),
    "leaky_relu": ((-1.3, 2.6), "g' = 0.01: small, never 0"),
    "elu": ((-1.3, 2.6), "g' -> 0 slowly"),
    "linear": ((-2.6, 2.6), ""),
}


#: Functions whose slope is small somewhere but never zero (not shaded as flat).
NEVER_FLAT = frozenset({"leaky_relu"})
DASHES = ("-", "--", "-.", ":", (0, (6, 2, 1, 2)), (0, (1, 1)))


class StaticDisplay(Display):
    """A picture of formulas, not of a run: ``update`` changes nothing."""

    def update(self, row: int) -> list[Artist]:
        return []


def draw_activations(
    *,
    ax: Axes | None = None,
    which: Sequence[str] = ("sigmoid", "tanh", "relu", "leaky_relu", "elu"),
    derivatives: bool = True,
    flat: float = FLAT,
    zmax: float = 5.0,
    theme: str = "light",
) -> StaticDisplay:
    """Activation functions g(z), their derivatives g'(z), and where g' vanishes.

    This picture is analytic: the curves are computed here with numpy from
    the formulas (the same ones :mod:`vizlab.core.model` trains with); no
    trace is involved. Regions with ``|g'(z)| < flat`` are shaded: an input
    there passes almost no gradient back (vanishing gradients; for ReLU at
    ``z < 0`` none at all: a "dead" unit).

    Parameters
    ----------
    ax : Axes, optional
        Draw every function into this one axes (no shading); default: one
        panel per function on a new figure, plus a panel comparing all the
        derivatives (the sigmoid's never exceeds 0.25).
    which : sequence of str
        Names from ``FUNCTIONS``.
    derivatives : bool
        Draw g'(z) (dashed) as well.
    flat : float
        Threshold on ``|g'|`` for the shading.
    zmax : float
        The z axis runs over ``[-zmax, zmax]``.

    Returns
    -------
    StaticDisplay
        ``artists["g"][name]``, ``artists["dg"][name]`` (Line2D with ``z`` as
        x data), ``artists["flat"][name]`` (the shading), ``axes``.
    """
    which = list(which)
    unknown = [w for w in which if w not in FUNCTIONS]
    if unknown or not which:
        raise ValueError(f"which must name some of {', '.join(FUNCTIONS)}; got {which!r}")
    z = np.linspace(-zmax, zmax, 801)
    with style.theme(theme):
        if ax is not None:
            fig, ax = figure(ax, theme=theme)
            axes = [ax] * len(which)
        else:
            n = len(which) + (1 if derivatives and len(which) > 1 else 0)
            ncols = n if n <= 3 else -(-n // 2)
            fig, grid = subplots(-(-n // ncols), ncols, theme=theme, squeeze=False)
            axes = list(grid.ravel())
            for extra in axes[n:]:
                extra.set_visible(False)
        art: dict = {"g": {}, "dg": {}, "flat": {}}
        single = axes[0] is axes[-1] and len(which) > 1
        for i, name in enumerate(which):
            title, g, dg = FUNCTIONS[name]
            a = axes[i]
            color = style.series_color(i) if single else FUNC_COLOR
            (art["g"][name],) = a.plot(z, g(z), color=color, label=name if single else "g(z)")
            if derivatives:
                (art["dg"][name],) = a.plot(
                    z,
                    dg(z),
                    color=color if single else DERIV_COLOR,
                    ls="--",
                    label=None if single else "g'(z)",
                )
            if not single:
                (lo, hi), note = PANEL[name]
                a.set_title(title)
                a.set_ylim(lo, hi)
                # Leaky ReLU's 0.01 is small but never 0: not shaded like a dead zone.
                is_flat = np.abs(dg(z)) < flat if name not in NEVER_FLAT else np.zeros_like(z, bool)
                art["flat"][name] = a.fill_between(
                    z,
                    lo,
                    hi,
                    where=is_flat,
                    color=FLAT_COLOR,
                    alpha=0.25,
                    lw=0,
                    label=None if name in NEVER_FLAT else f"|g'| < {flat:g}",
                )
                if note and (is_flat[0] or name in NEVER_FLAT):
                    a.text(-zmax + 0.2, lo + 0.25 * (hi - lo), note, fontsize=13, color=style.MUTED)
                a.legend(loc="upper left", fontsize=11, framealpha=0.9)
            a.axhline(0, color=style.GUIDE, lw=0.8, zorder=0)
            a.axvline(0, color=style.GUIDE, lw=0.8, zorder=0)
            a.set_xlim(-zmax, zmax)
            a.set_xlabel("z")
        if single:
            axes[0].legend(fontsize=12)
        elif derivatives and len(which) > 1:
            a = axes[len(which)]
            for i, name in enumerate(which):
                # Thick-under-thin and a dash per function: ReLU, leaky ReLU and ELU
                # share g' = 1 for z > 0 and would otherwise hide each other.
                a.plot(
                    z,
                    FUNCTIONS[name][2](z),
                    color=style.series_color(i),
                    lw=max(1.5, 6.0 - 1.1 * i),
                    ls=DASHES[i % len(DASHES)],
                    label=name.replace("_", " "),
                )
            a.axhline(0.25, color=style.GUIDE, ls=":", lw=1.5)
            a.text(zmax, 0.28, "sigmoid' ≤ 0.25", fontsize=12, color=style.MUTED, ha="right")
            a.set_title("all derivatives g'(z)")
            a.set_xlim(-zmax, zmax)
            a.set_ylim(-0.05, 1.15)
            a.set_xlabel("z")
            a.legend(fontsize=10, loc="upper left")
        disp = StaticDisplay(None, fig, art)  # type: ignore[arg-type]
        disp.axes = axes
    return disp
