"""Analytic loss landscapes: the functions gradient descent is taught on.

A :class:`Landscape` is a loss written as a torch function of a point, with
the box it is drawn on, its known minima, a start point and a formula to
print beside the picture. :func:`vizlab.descend` runs torch optimizers on it;
:meth:`Landscape.surface` samples it once, in one batched call, so renderers
draw the curve or the contours from stored arrays and never compute.

Every ``f`` takes points of shape ``(..., dim)`` and returns losses of shape
``(...)``: one point ``(dim,)`` gives a 0-d tensor, a grid ``(H, W, dim)``
gives ``(H, W)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch

#: Centre ``a`` of the lecture's parabola ``y = (x - a)^2``.
QUADRATIC_A = 2.0

_CURVE_POINTS = 400
_GRID_POINTS = 200


@dataclass(frozen=True)
class Landscape:
    """A loss surface with everything needed to descend on it and draw it.

    Attributes
    ----------
    name : str
        Key in :data:`LANDSCAPES`.
    dim : {1, 2}
        Number of coordinates of a point.
    f : callable
        ``f(x) -> loss``: Tensor ``(..., dim)`` to Tensor ``(...)``, written with
        torch ops so autograd gives the gradient.
    domain : tuple of (float, float)
        ``((xmin, xmax),)`` or ``((xmin, xmax), (ymin, ymax))``: the box drawn.
    minima : tuple of tuple of float
        Known local minima inside the domain (global first where they differ);
        empty when there is none.
    start : tuple of float
        Default start point, length ``dim``.
    title : str
        Short human title for a figure.
    formula, formula_tex : str
        The loss in plain text and in LaTeX (without ``$``).
    note : str
        One sentence a caption can add (what to look for).
    """

    name: str
    dim: int
    f: Callable[[torch.Tensor], torch.Tensor]
    domain: tuple[tuple[float, float], ...]
    minima: tuple[tuple[float, ...], ...]
    start: tuple[float, ...]
    title: str
    formula: str
    formula_tex: str
    note: str = ""

    def __post_init__(self) -> None:
        if self.dim not in (1, 2):
            raise ValueError(f"landscape {self.name!r}: dim must be 1 or 2; got {self.dim!r}")
        domain = tuple((float(lo), float(hi)) for lo, hi in self.domain)
        if len(domain) != self.dim or any(not lo < hi for lo, hi in domain):
            raise ValueError(
                f"landscape {self.name!r}: domain needs {self.dim} (lo, hi) pairs with lo < hi"
            )
        minima = tuple(tuple(float(v) for v in m) for m in self.minima)
        start = tuple(float(v) for v in self.start)
        if any(len(m) != self.dim for m in minima) or len(start) != self.dim:
            raise ValueError(
                f"landscape {self.name!r}: minima and start must have {self.dim} coordinates"
            )
        object.__setattr__(self, "domain", domain)
        object.__setattr__(self, "minima", minima)
        object.__setattr__(self, "start", start)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """The loss at ``x`` (``(..., dim)`` -> ``(...)``)."""
        return self.f(x)

    @property
    def minima_array(self) -> np.ndarray:
        """minima : ndarray (k, dim) float64, the known minima (``k`` may be 0)."""
        return np.asarray(self.minima, dtype=np.float64).reshape(-1, self.dim)

    def surface(
        self, resolution: int | None = None
    ) -> tuple[np.ndarray, np.ndarray] | tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sample the loss on the domain in one batched float64 call.

        Parameters
        ----------
        resolution : int, optional
            Samples per axis; 400 for a curve and 200 for a grid by default.

        Returns
        -------
        xs, ys : ndarray (n,), ndarray (n,)
            For ``dim == 1``: the curve ``ys[j] = f(xs[j])``.
        xs, ys, Z : ndarray (W,), ndarray (H,), ndarray (H, W)
            For ``dim == 2``: ``Z[i, j] = f(xs[j], ys[i])``, the layout of
            ``contour(xs, ys, Z)`` and ``imshow(Z, origin="lower")``.
        """
        if resolution is None:
            resolution = _CURVE_POINTS if self.dim == 1 else _GRID_POINTS
        if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 2:
            raise ValueError(f"resolution must be an integer >= 2; got {resolution!r}")
        axes = [np.linspace(lo, hi, resolution) for lo, hi in self.domain]
        with torch.no_grad():
            if self.dim == 1:
                pts = torch.from_numpy(axes[0])[:, None]
                return axes[0], self.f(pts).numpy()
            # meshgrid "ij" over (ys, xs): row i is y[i], column j is x[j].
            gy, gx = torch.meshgrid(
                torch.from_numpy(axes[1]), torch.from_numpy(axes[0]), indexing="ij"
            )
            z = self.f(torch.stack([gx, gy], dim=-1))
        return axes[0], axes[1], z.numpy()


def _polish_minima(
    f: Callable[[torch.Tensor], torch.Tensor], guesses: Sequence[Sequence[float]]
) -> tuple[tuple[float, ...], ...]:
    """Newton's method x <- x - H(x)^-1 grad f(x) from each guess, in float64.

    Starting near a minimum Newton converges quadratically, so a few steps
    take a published 6-digit value to machine precision; exact minima stay put
    (their gradient is exactly 0).
    """
    out = []
    for guess in guesses:
        x = torch.tensor(guess, dtype=torch.float64)
        for _ in range(30):
            grad = torch.autograd.functional.jacobian(f, x)
            hess = torch.autograd.functional.hessian(f, x)
            step = torch.linalg.solve(hess, grad)
            x = x - step
            if float(step.abs().max()) < 1e-15:
                break
        out.append(tuple(float(v) for v in x))
    return tuple(out)


def _quadratic(x: torch.Tensor) -> torch.Tensor:
    return (x[..., 0] - QUADRATIC_A) ** 2


def _wavy(x: torch.Tensor) -> torch.Tensor:
    t = x[..., 0]
    return 0.25 * t**4 - t**2 + 0.5 * t


def _wavy_minima() -> tuple[tuple[float, ...], ...]:
    # f'(x) = x^3 - 2x + 1/2: three real roots; the two with f''(x) = 3x^2 - 2 > 0
    # are minima. Polish the companion-matrix roots with Newton, global first.
    roots = np.roots([1.0, 0.0, -2.0, 0.5]).real
    mins = _polish_minima(_wavy, [[r] for r in roots if 3 * r**2 - 2 > 0])
    return tuple(sorted(mins, key=lambda m: float(_wavy(torch.tensor(m, dtype=torch.float64)))))


def _bowl(x: torch.Tensor) -> torch.Tensor:
    return 0.5 * (x[..., 0] ** 2 + 10.0 * x[..., 1] ** 2)


def _rosenbrock(x: torch.Tensor) -> torch.Tensor:
    u, v = x[..., 0], x[..., 1]
    return (1.0 - u) ** 2 + 100.0 * (v - u**2) ** 2


def _beale(x: torch.Tensor) -> torch.Tensor:
    u, v = x[..., 0], x[..., 1]
    return (1.5 - u + u * v) ** 2 + (2.25 - u + u * v**2) ** 2 + (2.625 - u + u * v**3) ** 2


def _himmelblau(x: torch.Tensor) -> torch.Tensor:
    u, v = x[..., 0], x[..., 1]
    return (u**2 + v - 11.0) ** 2 + (u + v**2 - 7.0) ** 2


def _saddle(x: torch.Tensor) -> torch.Tensor:
    return x[..., 0] ** 2 - x[..., 1] ** 2


def _build() -> dict[str, Landscape]:
    lands = [
        Landscape(
            name="quadratic",
            dim=1,
            f=_quadratic,
            domain=((-3.0, 7.0),),
            minima=_polish_minima(_quadratic, [[QUADRATIC_A]]),
            start=(-2.0,),
            title="Parabola y = (x - a)^2, a = 2",
            formula="f(x) = (x - 2)^2",
            formula_tex=r"f(x) = (x - 2)^2",
            note="Curvature f'' = 2: plain gradient descent creeps for small lr, "
            "zig-zags for 0.5 < lr < 1 and diverges for lr > 1.",
        ),
        Landscape(
            name="wavy",
            dim=1,
            f=_wavy,
            domain=((-2.5, 2.5),),
            minima=_wavy_minima(),
            start=(2.0,),
            title="A wavy curve with a local and a global minimum",
            formula="f(x) = x^4/4 - x^2 + x/2",
            formula_tex=r"f(x) = \tfrac{1}{4}x^4 - x^2 + \tfrac{1}{2}x",
            note="Started on the right, small steps settle in the local minimum; "
            "the global one is on the left.",
        ),
        Landscape(
            name="bowl",
            dim=2,
            f=_bowl,
            domain=((-4.0, 4.0), (-3.0, 3.0)),
            minima=_polish_minima(_bowl, [[0.0, 0.0]]),
            start=(-3.5, 1.5),
            title="Ill-conditioned bowl (curvatures 1 and 10)",
            formula="f(x, y) = (x^2 + 10 y^2) / 2",
            formula_tex=r"f(x, y) = \tfrac{1}{2}\left(x^2 + 10\,y^2\right)",
            note="Stable for lr < 2/10; above 1/10 it zig-zags across the valley "
            "while creeping along it.",
        ),
        Landscape(
            name="rosenbrock",
            dim=2,
            f=_rosenbrock,
            domain=((-2.0, 2.0), (-1.0, 3.0)),
            minima=_polish_minima(_rosenbrock, [[1.0, 1.0]]),
            start=(-1.2, 1.0),
            title="Rosenbrock's banana valley",
            formula="f(x, y) = (1 - x)^2 + 100 (y - x^2)^2",
            formula_tex=r"f(x, y) = (1 - x)^2 + 100\,(y - x^2)^2",
            note="Finding the curved valley is easy; following it to (1, 1) is slow.",
        ),
        Landscape(
            name="beale",
            dim=2,
            f=_beale,
            domain=((-4.5, 4.5), (-4.5, 4.5)),
            minima=_polish_minima(_beale, [[3.0, 0.5]]),
            start=(1.0, 1.4),
            title="Beale's function",
            formula="f(x, y) = (1.5 - x + x y)^2 + (2.25 - x + x y^2)^2 + (2.625 - x + x y^3)^2",
            formula_tex=r"f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
            note="Flat plateaus next to steep walls: a fixed lr is too small on one "
            "and too large on the other.",
        ),
        Landscape(
            name="himmelblau",
            dim=2,
            f=_himmelblau,
            domain=((-5.0, 5.0), (-5.0, 5.0)),
            # Published 6-digit locations, polished to machine precision.
            minima=_polish_minima(
                _himmelblau,
                [
                    [3.0, 2.0],
                    [-2.805118, 3.131312],
                    [-3.779310, -3.283186],
                    [3.584428, -1.848126],
                ],
            ),
            start=(0.0, 0.0),
            title="Himmelblau's function (four equal minima)",
            formula="f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2",
            formula_tex=r"f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2",
            note="Four minima with f = 0: where you start decides where you end.",
        ),
        Landscape(
            name="saddle",
            dim=2,
            f=_saddle,
            domain=((-2.0, 2.0), (-2.0, 2.0)),
            minima=(),
            start=(-1.5, 0.05),
            title="Saddle x^2 - y^2",
            formula="f(x, y) = x^2 - y^2",
            formula_tex=r"f(x, y) = x^2 - y^2",
            note="No minimum: descent slides into the saddle along x, then away "
            "along y while the loss falls without bound.",
        ),
    ]
    return {land.name: land for land in lands}


#: Every built-in landscape by name.
LANDSCAPES: dict[str, Landscape] = _build()


def get_landscape(name: str) -> Landscape:
    """The built-in landscape called ``name``.

    Raises
    ------
    ValueError
        If there is no such landscape; the message lists the names.
    """
    if not isinstance(name, str) or name not in LANDSCAPES:
        raise ValueError(f"unknown landscape {name!r}; choose one of {', '.join(LANDSCAPES)}")
    return LANDSCAPES[name]
