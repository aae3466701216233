"""Lessons on gradient descent itself: one dimension, learning rates, two dimensions."""

from __future__ import annotations

import numpy as np

from vizlab.config import DescendConfig
from vizlab.lessons.base import Claim, Lesson, TimelineSpec
from vizlab.lessons.registry import register

QUADRATIC_A, QUADRATIC_START = 2.0, -2.0

# One set of learning rates for every picture of the four regimes (on (x - 2)^2 the
# iterate error is multiplied by 1 - 2r per step: 0.98, 0.4, -0.9 and -1.1).
REGIME_RATES = {"too small": 0.01, "just right": 0.3, "oscillating": 0.95, "diverging": 1.05}


def _closed_form(traces):
    worst = 0.0
    for run in ("good", "overstep"):
        t = traces[run]
        r = t.config["lr"]
        n = np.arange(len(t))
        exact = QUADRATIC_A + (QUADRATIC_START - QUADRATIC_A) * (1 - 2 * r) ** n
        worst = max(worst, float(np.max(np.abs(t["point/xy"][:, 0] - exact))))
    return worst < 1e-9, f"max |x_n - (a + (x0 - a)(1 - 2r)^n)| = {worst:.1e} over both runs"


def _diverges(traces):
    t = traces["diverging"]
    d = t.diverged
    x = t["point/xy"][:, 0]
    growing = bool(np.all(np.diff(np.abs(x[np.isfinite(x)] - QUADRATIC_A)) > 0))
    detail = f"r = {t.config['lr']}: |x - a| grows every step ({growing}); stopped: {bool(d)}"
    return growing and abs(x[-1] - QUADRATIC_A) > 10 * abs(x[0] - QUADRATIC_A), detail


descent_1d = register(
    Lesson(
        name="descent_1d",
        title="Gradient descent on y = (x - a)^2",
        slides=(
            "000: Gradient descent (y = (x - a)^2, overstep)",
            "004: Learning rate too low / just right / too high",
        ),
        runs={
            "good": DescendConfig("quadratic", lr=0.3, steps=30),
            "overstep": DescendConfig("quadratic", lr=0.95, steps=30),
            "diverging": DescendConfig("quadratic", lr=1.05, steps=30),
        },
        timeline=TimelineSpec(frames=31, spacing="uniform", hold_start=10, hold_end=30, fps=10),
        claims=(
            Claim(
                "Each step multiplies the distance to the minimum by (1 - 2r): "
                "x_n = a + (x0 - a)(1 - 2r)^n",
                "000",
                _closed_form,
            ),
            Claim("With r > 1 every step oversteps further: the run diverges", "000", _diverges),
        ),
        channels=(
            "gallery:01_descent/plot_descent_1d",
            "scene:gradient_descent",
            "notebook:01_gradient_descent_learning_rates",
        ),
        summary="A ball rolls down (x - 2)^2; the update x <- x - r f'(x) written out with numbers.",
    )
)


def _regimes(traces):
    got = {run: traces[run].header.get("regime") for run in REGIME_RATES}
    ok = all(got[run] == run for run in REGIME_RATES)
    return ok, "; ".join(f"r = {REGIME_RATES[k]}: {v}" for k, v in got.items())


lr_regimes = register(
    Lesson(
        name="lr_regimes",
        title="Learning rate: too small, just right, oscillating, diverging",
        slides=(
            "000: Learning rate too big / too small",
            "002: Setting the learning rate (small, large, stable)",
            "004: Learning rate too low / just right / too high",
        ),
        runs={
            name: DescendConfig("quadratic", lr=lr, steps=50) for name, lr in REGIME_RATES.items()
        },
        timeline=TimelineSpec(frames=51, spacing="uniform", hold_end=30, fps=10),
        claims=(
            Claim(
                "Four learning rates give four behaviours: too small crawls, just right "
                "converges, too large oscillates, larger still diverges",
                "002",
                _regimes,
            ),
        ),
        channels=(
            "gallery:01_descent/plot_lr_regimes",
            "scene:learning_rates",
            "notebook:01_gradient_descent_learning_rates",
            "widget:explorer",
        ),
        summary="The same parabola and start with four learning rates, classified from the runs.",
    )
)

BOWL_RATES = (0.02, 0.1, 0.19, 0.21)


def _bowl_stability(traces):
    # The bowl 0.5 (x^2 + 10 y^2) has curvatures 1 and 10: descent is stable for r < 2/10.
    finals = {r: float(traces[f"r={r}"]["scalar/loss"][-1]) for r in BOWL_RATES}
    start = float(traces["r=0.02"]["scalar/loss"][0])
    ok = finals[0.19] < start and finals[0.21] > start
    detail = ", ".join(f"r = {r}: final loss {v:.3g}" for r, v in finals.items())
    return ok, f"start loss {start:.3g}; {detail}"


contour_paths = register(
    Lesson(
        name="contour_paths",
        title="Descent paths on an elongated bowl",
        slides=("000: Gradient descent in 3-D", "002: Loss optimization on a landscape"),
        runs={f"r={r}": DescendConfig("bowl", lr=r, steps=60) for r in BOWL_RATES},
        timeline=TimelineSpec(frames=61, spacing="uniform", hold_end=30, fps=12),
        claims=(
            Claim(
                "On a bowl with curvatures 1 and 10 descent is stable below r = 2/10 and "
                "diverges above it",
                "000",
                _bowl_stability,
            ),
        ),
        channels=(
            "gallery:01_descent/plot_contour_paths",
            "notebook:01_gradient_descent_learning_rates",
            "widget:explorer",
        ),
        summary="Four learning rates on 0.5 (x^2 + 10 y^2): crawl, zig-zag, edge of stability, blow-up.",
    )
)


def _reaches_bottom(traces):
    loss = traces["path"]["scalar/loss"]
    return bool(loss[-1] < 1e-3 * loss[0]), f"loss {loss[0]:.3g} -> {loss[-1]:.2e}"


surface_descent = register(
    Lesson(
        name="surface_descent",
        title="Gradient descent on a surface in 3-D",
        slides=("000: Gradient descent in 3-D", "002: Loss optimization on a landscape"),
        runs={"path": DescendConfig("bowl", lr=0.17, steps=40)},
        timeline=TimelineSpec(frames=41, spacing="uniform", hold_end=30, fps=10),
        claims=(
            Claim(
                "Following the negative gradient reaches the bottom of the bowl",
                "000",
                _reaches_bottom,
            ),
        ),
        channels=("gallery:01_descent/plot_surface_3d", "scene:surface_descent"),
        summary="The ball walks down the 3-D surface of the bowl, one gradient step at a time.",
    )
)
