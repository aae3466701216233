"""Lessons on decision boundaries: XOR, the half-moons, fitting and monitoring."""

from __future__ import annotations

import numpy as np

from vizlab.config import RunConfig
from vizlab.lessons.base import Claim, Lesson, TimelineSpec
from vizlab.lessons.measure import best_line_accuracy, final, pct
from vizlab.lessons.registry import register

QUICK_NET = {"grid": 24, "frames": 8}

# Lecture 003's network: 2 inputs, 2 sigmoid hidden units, 1 sigmoid output, on noisy XOR.
XOR_NET = RunConfig(
    dataset="xor", noise=0.1, hidden=(2,), activation="sigmoid", lr=3.0, steps=1000, frames=40
)


def _line_fails(traces):
    t = traces["linear"]
    trained = final(t, "scalar/acc_train")
    bound = best_line_accuracy(t["data/X_train"], t["data/y_train"])
    ok = trained <= bound + 1e-9 and bound <= 0.8
    return ok, (
        f"trained line {pct(trained)} (train); the best of all lines {pct(bound)} "
        "(three of four clusters at most)"
    )


def _net_solves(traces):
    acc = final(traces["mlp"], "scalar/acc_val")
    return acc >= 0.99, f"2-2-1 sigmoid net: {pct(acc)} validation accuracy"


def _no_activation_fails(traces):
    acc = final(traces["no_activation"], "scalar/acc_train")
    bound = best_line_accuracy(traces["linear"]["data/X_train"], traces["linear"]["data/y_train"])
    return acc <= bound + 1e-9, (
        f"2-2-1 net without activation: {pct(acc)} (train), no better than the best line {pct(bound)}"
    )


xor_boundary = register(
    Lesson(
        name="xor_boundary",
        title="XOR: no line separates it, two hidden units do",
        slides=(
            "003: The XOR problem (noisy XOR, no line separates it)",
            "003: A 2-2-1 sigmoid network in PyTorch",
            "003: Removing the activations (the model is linear again)",
            "000: Linear vs nonlinear classifier",
        ),
        runs={
            "linear": XOR_NET.replace(hidden=()),
            "mlp": XOR_NET,
            "no_activation": XOR_NET.replace(activation="linear"),
        },
        timeline=TimelineSpec(frames=90, spacing="log", hold_end=45),
        quick={**QUICK_NET, "steps": 400},
        claims=(
            Claim(
                "A straight line cannot solve XOR: the best line gets about 75 % (three of "
                "four clusters)",
                "003",
                _line_fails,
            ),
            Claim("A 2-2-1 network with sigmoid units solves XOR", "003", _net_solves),
            Claim(
                "Without activation functions the hidden layer adds nothing: XOR fails like a line",
                "003",
                _no_activation_fails,
            ),
        ),
        channels=(
            "gallery:03_boundaries/plot_xor_linear_vs_mlp",
            "scene:xor_boundary",
            "notebook:02_xor_and_moons",
            "widget:scrubber",
        ),
        summary="A trained line against the lecture's 2-2-1 sigmoid network on noisy XOR.",
    )
)


def _moons_97(traces):
    acc = final(traces["net"], "scalar/acc_val")
    return acc >= 0.97, f"validation accuracy {pct(acc)}"


moons_boundary = register(
    Lesson(
        name="moons_boundary",
        title="The half-moons: a boundary that bends",
        slides=("003: Half-moons homework", "000: Linear vs nonlinear classifier"),
        runs={
            "net": RunConfig(
                dataset="moons",
                hidden=(8,),
                activation="tanh",
                optimizer="adam",
                lr=0.05,
                steps=600,
            )
        },
        timeline=TimelineSpec(frames=90, spacing="log", hold_end=45),
        quick={**QUICK_NET, "steps": 300},
        claims=(Claim("A small MLP separates the half-moons (>= 97 %)", "003", _moons_97),),
        channels=(
            "gallery:03_boundaries/plot_moons_boundary",
            "scene:moons_boundary",
            "notebook:02_xor_and_moons",
            "notebook:06_playground",
            "widget:playground",
        ),
        summary="8 tanh units and Adam on the half-moons: the boundary bends into the gap.",
    )
)

FIT_BASE = RunConfig(
    dataset="moons",
    noise=0.3,
    n_points=200,
    val_fraction=0.5,
    optimizer="adam",
    lr=0.005,
    steps=3000,
    record_every=10,
)


def _trio(traces):
    under, good, over = (traces[k] for k in ("underfit", "good", "overfit"))
    u_tr = final(under, "scalar/loss_train")
    g_val = float(np.min(good["scalar/loss_val"]))
    o_tr, o_val = over["scalar/loss_train"], over["scalar/loss_val"]
    rise = float(o_val[-1] - o_val.min())
    ok = u_tr > 2 * final(good, "scalar/loss_train") and o_tr[-1] < o_tr[0] and rise > 0.05
    return ok, (
        f"line: train loss {u_tr:.2f}; 8 units: best val loss {g_val:.2f}; 256 units: train loss "
        f"{o_tr[-1]:.2f}, val loss up {rise:.2f} from its minimum {o_val.min():.2f}"
    )


fit_trio = register(
    Lesson(
        name="fit_trio",
        title="Underfitting, a good fit and overfitting",
        slides=("000: Under- and overfitting", "003: Overfitting/Regularization"),
        runs={
            "underfit": FIT_BASE.replace(hidden=()),
            "good": FIT_BASE.replace(hidden=(8,), activation="tanh"),
            "overfit": FIT_BASE.replace(hidden=(256,), activation="relu"),
        },
        timeline=TimelineSpec(frames=120, spacing="log", hold_end=45),
        quick={**QUICK_NET, "steps": 150, "record_every": 1},
        claims=(
            Claim(
                "A line underfits (high training loss); a very large net overfits (validation "
                "loss turns up while training loss falls)",
                "000",
                _trio,
                quick=False,
            ),
        ),
        channels=("gallery:03_boundaries/plot_fit_trio",),
        summary="One noisy data set, three capacities: a line, 8 tanh units, 256 ReLU units.",
    )
)


def _early_stop(traces):
    t = traces["net"]
    val = t["scalar/loss_val"]
    best = int(np.argmin(val))
    ok = 0 < best < len(val) - 1 and val[-1] > val[best] + 0.05
    return ok, (
        f"validation minimum {val[best]:.3f} at step {int(t.steps[best])} of {int(t.steps[-1])}; "
        f"at the end {val[-1]:.3f}"
    )


early_stopping = register(
    Lesson(
        name="early_stopping",
        title="Monitoring validation loss: early stopping",
        slides=(
            "000: Monitoring train vs validation; stop when overfit happens",
            "002: Early stopping",
        ),
        runs={"net": FIT_BASE.replace(hidden=(256,), activation="relu")},
        timeline=TimelineSpec(frames=120, spacing="log", hold_end=45),
        quick={**QUICK_NET, "steps": 150, "record_every": 1},
        claims=(
            Claim(
                "The validation loss has a minimum in the middle of training: that is where "
                "early stopping stops",
                "002",
                _early_stop,
                quick=False,
            ),
        ),
        channels=("gallery:03_boundaries/plot_early_stopping",),
        summary="The overfitting 256-unit net: the best validation step, and the boundary there.",
    )
)

LR_LADDER = tuple([m * 10.0**e for e in range(-5, 1) for m in (1, 2, 5)] + [10.0])
LADDER_NET = RunConfig(dataset="moons", hidden=(16, 16), activation="relu", steps=300, frames=2)


def _ladder(traces):
    acc = {lr: final(traces[f"lr={lr:g}"], "scalar/acc_val") for lr in LR_LADDER}
    small, right = acc[1e-5], max(acc[v] for v in (0.1, 0.2, 0.5))
    ok = right >= 0.95 and small < right - 0.1
    return ok, f"lr 1e-5: {pct(small)}; best of 0.1-0.5: {pct(right)}; lr 10: {pct(acc[10.0])}"


lr_slider = register(
    Lesson(
        name="lr_slider",
        title="Slide the learning rate",
        slides=("004: Learning rate too low / just right / too high",),
        runs={f"lr={lr:g}": LADDER_NET.replace(lr=lr) for lr in LR_LADDER},
        timeline=TimelineSpec(frames=60, spacing="log", hold_end=30),
        quick={**QUICK_NET, "steps": 150},
        batched=True,
        claims=(
            Claim(
                "Too small a learning rate learns nothing in the same steps that a good one "
                "separates the moons",
                "004",
                _ladder,
            ),
        ),
        channels=("gallery:03_boundaries/plot_lr_slider",),
        summary="19 learning rates from 1e-5 to 10, trained in one batched sweep.",
    )
)

QUIZ_RATES, QUIZ_WIDTHS = (0.1, 0.25, 0.75), (100, 1000)
QUIZ_NET = RunConfig(
    dataset="moons", activation="sigmoid", optimizer="sgd", steps=1000, record_every=5, frames=2
)


def _quiz(traces):
    acc = {k: final(t, "scalar/acc_val") for k, t in traces.items()}
    best = max(acc, key=acc.get)
    ok = best.startswith("lr=0.75")
    return ok, "; ".join(f"{k}: {pct(v)}" for k, v in acc.items())


quiz_grid = register(
    Lesson(
        name="quiz_grid",
        title="Quick quiz: what are the best hyperparameters?",
        slides=("003: Quick Quiz: What are the Best Hyperparameters?",),
        runs={
            f"lr={lr},width={w}": QUIZ_NET.replace(hidden=(w,), lr=lr)
            for w in QUIZ_WIDTHS
            for lr in QUIZ_RATES
        },
        timeline=TimelineSpec(frames=60, spacing="log", hold_end=30),
        quick={**QUICK_NET, "steps": 150, "record_every": 1},
        batched=True,
        claims=(
            Claim(
                "With plain gradient descent and sigmoid units the largest rate (0.75) wins",
                "003",
                _quiz,
                quick=False,
            ),
        ),
        channels=("gallery:03_boundaries/plot_quiz_grid",),
        summary="The seed-003 quiz: three learning rates times two widths, trained for real.",
    )
)
