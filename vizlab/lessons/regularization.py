"""Lessons on regularization: L1 vs L2, the penalty strength, dropout."""

from __future__ import annotations

import numpy as np

from vizlab.config import RunConfig
from vizlab.lessons.base import CallConfig, Claim, Lesson, TimelineSpec
from vizlab.lessons.measure import final, pct
from vizlab.lessons.registry import register
from vizlab.presets import OVERFIT_MOONS

QUICK_NET = {"grid": 24, "frames": 8}

# Lecture 000's worked example: one point x = [3, 2, 1], y = 10, and four exact fits.
SLIDE_X, SLIDE_Y = (3.0, 2.0, 1.0), 10.0
SLIDE_CANDIDATES = (
    (3.0, 0.25, 0.5),
    (5.0, -2.0, -1.0),
    (10 / 3, 0.0, 0.0),
    (30 / 14, 20 / 14, 10 / 14),
)
SLIDE_PENALTIES = ((3.75, 9.31), (8.0, 30.0), (3.33, 11.11), (4.29, 7.14))


def _table(traces):
    got = [(float(np.sum(np.abs(w))), float(np.sum(np.square(w)))) for w in SLIDE_CANDIDATES]
    ok = all(
        abs(a - sa) < 0.006 and abs(b - sb) < 0.006
        for (a, b), (sa, sb) in zip(got, SLIDE_PENALTIES)
    )
    ok = ok and all(abs(np.dot(w, SLIDE_X) - SLIDE_Y) < 1e-12 for w in SLIDE_CANDIDATES)
    return ok, "; ".join(f"{a:.2f}/{b:.2f}" for a, b in got)


def _optima(traces):
    l1 = np.asarray(traces["l1"]["point/xy"][-1])
    l2 = np.asarray(traces["l2"]["point/xy"][-1])
    want1, want2 = np.array([10 / 3, 0, 0]), np.array([30, 20, 10]) / 14
    ok = np.max(np.abs(l1 - want1)) < 0.05 and np.max(np.abs(l2 - want2)) < 0.05
    ok = ok and abs(l1[1]) < 1e-9 and abs(l1[2]) < 1e-9
    fmt = lambda w: "(" + ", ".join(f"{v:.2f}" for v in w) + ")"  # noqa: E731
    return bool(ok), f"descent with L1 ends at {fmt(l1)}, with L2 at {fmt(l2)}"


worked_table = register(
    Lesson(
        name="worked_table",
        title="L1 vs L2: the worked example",
        slides=("000: L1 vs L2 regularization, worked table (x = [3, 2, 1], y = 10)",),
        runs={
            "l1": CallConfig("penalty_descent", {"penalty": "l1"}),
            "l2": CallConfig("penalty_descent", {"penalty": "l2"}),
        },
        timeline=TimelineSpec(frames=90, spacing="log", hold_end=45),
        claims=(
            Claim(
                "The slide's table: L1/L2 penalties 3.75/9.31, 8/30, 3.33/11.11, 4.29/7.14",
                "000",
                _table,
            ),
            Claim(
                "L1 puts all weight on one input, (3.33, 0, 0); L2 spreads it, (2.14, 1.43, 0.71)",
                "000",
                _optima,
            ),
        ),
        channels=(
            "gallery:05_regularization/plot_worked_table",
            "scene:regularization",
            "notebook:05_l1_vs_l2",
        ),
        summary="Among exact fits of one point, L1 picks a sparse one and L2 a spread one.",
    )
)


def _on_axis(traces):
    l1 = np.asarray(traces["l1"]["point/xy"][-1])
    l2 = np.asarray(traces["l2"]["point/xy"][-1])
    ok = np.min(np.abs(l1)) < 1e-9 and np.min(np.abs(l2)) > 0.05
    return bool(ok), f"L1 ends at ({l1[0]:.3f}, {l1[1]:.3f}); L2 at ({l2[0]:.3f}, {l2[1]:.3f})"


GEOMETRY = {"strength": 0.3, "lr": 0.03, "steps": 2000, "x": [3.0, 2.0]}

penalty_geometry = register(
    Lesson(
        name="penalty_geometry",
        title="Why L1 gives zeros: the diamond and the circle",
        slides=("000: L1 vs L2 regularization",),
        runs={
            "l1": CallConfig("penalty_descent", {"penalty": "l1", **GEOMETRY}),
            "l2": CallConfig("penalty_descent", {"penalty": "l2", **GEOMETRY}),
        },
        timeline=TimelineSpec(frames=90, spacing="log", hold_end=45),
        claims=(
            Claim(
                "The L1 path ends on an axis (a weight exactly 0); the L2 path does not",
                "000",
                _on_axis,
            ),
        ),
        channels=(
            "gallery:05_regularization/plot_penalty_geometry",
            "notebook:05_l1_vs_l2",
        ),
        summary="Two weights, the loss contours, and the L1 diamond vs the L2 circle.",
    )
)

WEIGHT_PATHS_NET = RunConfig(
    dataset="moons", hidden=(16,), activation="tanh", lr=0.1, steps=1500, frames=0, grid=10
)


def _weights(trace) -> np.ndarray:
    """Every weight (not bias) of the net at the last recorded row, flattened."""
    return np.concatenate(
        [np.ravel(trace[k][-1]) for k in trace.keys("param") if k.endswith("weight")]
    )


def _sparser(traces):
    def small(t):
        w = _weights(t)
        return int(np.sum(np.abs(w) < 1e-2)), w.size

    (z1, n), (z2, _) = small(traces["l1"]), small(traces["l2"])
    return z1 > z2, f"|w| < 0.01: {z1} of {n} weights with L1, {z2} with L2"


def _against_baseline(traces):
    """L2 shrinks the weights without zeroing them; L1 zeroes them; λ = 0 is the yardstick.

    "Zero" is ``|w| < 0.001``: the L1 subgradient leaves a weight at 0
    jittering by about ``lr λ``, so an exact-zero count says nothing (it is
    reported too).
    """
    w = {name: _weights(traces[name]) for name in ("none", "l1", "l2")}
    norm = {k: float(np.linalg.norm(v)) for k, v in w.items()}
    near = {k: int(np.sum(np.abs(v) < 1e-3)) for k, v in w.items()}
    exact = {k: int(np.sum(v == 0)) for k, v in w.items()}
    ok = norm["l2"] < norm["none"] and near["l2"] <= near["none"]
    ok = ok and near["none"] == 0 < near["l1"]
    n = w["none"].size
    return ok, (
        f"weight norm: λ = 0 {norm['none']:.2f}, L2 {norm['l2']:.2f}, L1 {norm['l1']:.2f}; "
        f"|w| < 0.001: λ = 0 {near['none']}, L2 {near['l2']}, L1 {near['l1']} of {n}; "
        f"exactly 0: λ = 0 {exact['none']}, L2 {exact['l2']}, L1 {exact['l1']}"
    )


weight_paths = register(
    Lesson(
        name="weight_paths",
        title="L1 vs L2 on a real network: weight paths",
        slides=("000: L1 vs L2 regularization",),
        runs={
            "l1": WEIGHT_PATHS_NET.replace(l1=0.01),
            "l2": WEIGHT_PATHS_NET.replace(l2=0.01),
            # The yardstick: the same seed, data, net and steps with no penalty.
            "none": WEIGHT_PATHS_NET,
        },
        # Uniform: the pictures plot against a linear step axis, and the zeros
        # and the shrinking build up over the whole run, not in its first steps.
        timeline=TimelineSpec(frames=90, spacing="uniform", hold_end=45),
        quick={"steps": 300},
        claims=(
            Claim(
                "L1 drives more weights to (nearly) zero than L2 of the same strength",
                "000",
                _sparser,
            ),
            Claim(
                "Against λ = 0: L2 only shrinks (a smaller weight norm, no more weights near 0); "
                "L1 puts weights at 0 (|w| < 0.001) where λ = 0 puts none",
                "000",
                _against_baseline,
            ),
        ),
        channels=(
            "gallery:05_regularization/plot_weight_paths",
            "notebook:05_l1_vs_l2",
        ),
        summary="Every weight of a 2-16-1 net over training: with L1, with L2, and with no penalty.",
    )
)

LAMBDAS = (0.01, 0.05, 0.2)
SLIDE_LAMBDA_LOSSES = {0.01: (0.12, 0.29), 0.05: (0.18, 0.26), 0.2: (0.70, 0.77)}
OVERFIT_BASE = OVERFIT_MOONS.replace(frames=4)


def _lambda_order(traces):
    tr = {lam: final(traces[f"lambda={lam:g}"], "scalar/loss_train") for lam in LAMBDAS}
    ok = tr[0.01] < tr[0.05] < tr[0.2]
    return ok, ", ".join(f"λ = {lam:g}: train {tr[lam]:.2f}" for lam in LAMBDAS) + (
        " (slide: 0.12, 0.18, 0.70)"
    )


def _lambda_overfits(traces):
    t = traces["lambda=0.01"]
    tr, val = final(t, "scalar/loss_train"), final(t, "scalar/loss_val")
    return val - tr > 0.1, f"λ = 0.01: train {tr:.2f}, validation {val:.2f} (slide: 0.12, 0.29)"


lambda_sweep = register(
    Lesson(
        name="lambda_sweep",
        title="Weight regularization: λ = 0.01, 0.05, 0.2",
        slides=("003: Regularization: weight regularization (λ in {0.01, 0.05, 0.2})",),
        runs={f"lambda={lam:g}": OVERFIT_BASE.replace(l2=lam) for lam in LAMBDAS},
        timeline=TimelineSpec(frames=60, spacing="log", hold_end=30),
        quick={**QUICK_NET, "steps": 150, "record_every": 1, "frames": 4},
        batched=True,
        claims=(
            Claim(
                "The larger λ, the higher the training loss (the slide: 0.12, 0.18, 0.70)",
                "003",
                _lambda_order,
            ),
            Claim(
                "λ = 0.01 leaves room to overfit: validation loss well above training loss",
                "003",
                _lambda_overfits,
                quick=False,
                known_difference="our penalty sums W^2 over the weights without the slide's 1/2n "
                "data scaling, so 0.01 is already strong here; overfitting shows near 0.001",
            ),
        ),
        channels=(
            "gallery:05_regularization/plot_lambda_sweep",
            "notebook:05_l1_vs_l2",
        ),
        summary="The slide's three penalty strengths on the overfitting testbed.",
    )
)

L2_LADDER = (0.0, 1e-4, 3e-4, 0.001, 0.003, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5)


def _l2_gap(traces):
    gap = {
        lam: final(traces[f"lambda={lam:g}"], "scalar/loss_val")
        - final(traces[f"lambda={lam:g}"], "scalar/loss_train")
        for lam in L2_LADDER
    }
    ok = gap[0.0] > gap[0.01] and gap[0.0] > 0.1
    return (
        ok,
        f"val - train loss: λ = 0 {gap[0.0]:.2f}, λ = 0.003 {gap[0.003]:.2f}, λ = 0.01 {gap[0.01]:.2f}",
    )


l2_slider = register(
    Lesson(
        name="l2_slider",
        title="Slide the L2 strength",
        slides=("003: Regularization: weight regularization", "000: L1 vs L2 regularization"),
        runs={f"lambda={lam:g}": OVERFIT_BASE.replace(l2=lam) for lam in L2_LADDER},
        timeline=TimelineSpec(frames=60, spacing="log", hold_end=30),
        quick={**QUICK_NET, "steps": 150, "record_every": 1, "frames": 4},
        batched=True,
        claims=(
            Claim(
                "A penalty closes the gap between training and validation loss",
                "003",
                _l2_gap,
                quick=False,
            ),
        ),
        channels=("gallery:05_regularization/plot_l2_slider",),
        summary="Eleven L2 strengths on the overfitting testbed, trained in one batched sweep.",
    )
)

DROPOUT_PS = (0.0, 0.5, 0.9)


def _dropout_underfits(traces):
    loss = {
        p: (
            final(traces[f"p={p:g}"], "scalar/loss_train"),
            final(traces[f"p={p:g}"], "scalar/loss_val"),
        )
        for p in DROPOUT_PS
    }
    ok = loss[0.9][0] > loss[0.5][0] > loss[0.0][0]
    detail = "; ".join(f"p = {p:g}: train {a:.2f}, val {b:.2f}" for p, (a, b) in loss.items())
    return ok, detail + " (slide: p = 0.5 0.23/0.25, p = 0.9 0.70/0.75)"


def _dropout_helps(traces):
    val0 = final(traces["p=0"], "scalar/loss_val")
    val5 = final(traces["p=0.5"], "scalar/loss_val")
    return val5 < val0, f"validation loss: p = 0 {val0:.2f}, p = 0.5 {val5:.2f}"


dropout_comparison = register(
    Lesson(
        name="dropout_comparison",
        title="Dropout p = 0, 0.5, 0.9",
        slides=("003: Overfitting/Regularization: dropout (p = 0.5, 0.9)", "002: Dropout"),
        runs={
            f"p={p:g}": OVERFIT_MOONS.replace(frames=30, dropout=(p,) if p else ())
            for p in DROPOUT_PS
        },
        timeline=TimelineSpec(frames=90, spacing="log", hold_end=45),
        quick={**QUICK_NET, "steps": 150, "record_every": 1},
        claims=(
            Claim(
                "Heavy dropout (p = 0.9) underfits: the training loss stays high",
                "003",
                _dropout_underfits,
                quick=False,
            ),
            Claim(
                "Dropout p = 0.5 lowers the validation loss of the overfitting net",
                "003",
                _dropout_helps,
                quick=False,
            ),
        ),
        channels=(
            "gallery:05_regularization/plot_dropout_comparison",
            "notebook:04_dropout",
        ),
        summary="The overfitting testbed without dropout, with p = 0.5 and with p = 0.9.",
    )
)

DROPOUT_NET = RunConfig(
    dataset="moons",
    hidden=(6, 6),
    activation="relu",
    dropout=(0.5,),
    batch_size=16,
    optimizer="adam",
    lr=0.01,
    steps=300,
    frames=10,
    grid=30,
)


def _mask_rate(traces):
    t = traces["net"]
    masks = [np.asarray(t[k][:-1], dtype=float) for k in t.keys("mask")]
    kept = float(np.mean(np.concatenate([m.ravel() for m in masks])))
    p = t.config["dropout"][0]
    return abs(kept - (1 - p)) < 0.03, f"units kept {pct(kept)} of the time at p = {p}"


dropout_network = register(
    Lesson(
        name="dropout_network",
        title="Dropout: a different thinned network every step",
        slides=(
            "000: Dropout (rate diagram)",
            "002: Dropout (p = 0.5)",
            "003: Dropout (a) and (b)",
        ),
        runs={"net": DROPOUT_NET},
        timeline=TimelineSpec(frames=22, spacing="uniform", hold_end=6, fps=2, slow_factor=1),
        quick={**QUICK_NET, "steps": 40},
        claims=(Claim("Each unit is dropped with probability p at every step", "002", _mask_rate),),
        channels=(
            "gallery:05_regularization/plot_dropout_network",
            "scene:dropout",
            "notebook:04_dropout",
        ),
        summary="The recorded dropout masks of a 2-6-6-1 ReLU net, step by step.",
    )
)
