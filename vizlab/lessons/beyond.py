"""Beyond two classes and two inputs: softmax over k classes, losses compared,
hand-made input features against a hidden layer, and regression."""

from __future__ import annotations

import numpy as np

from vizlab.config import RunConfig
from vizlab.lessons.base import CallConfig, Claim, Lesson, TimelineSpec
from vizlab.lessons.measure import best_line_accuracy, final, pct
from vizlab.lessons.registry import register

# ---------------------------------------------------------------- softmax over k classes

# The classic three-arm spiral at low noise, two hidden layers of 32 ReLU units, softmax.
SPIRAL3 = RunConfig(
    dataset="spiral",
    n_classes=3,
    loss="cross_entropy",
    noise=0.1,
    n_points=600,
    hidden=(32, 32),
    activation="relu",
    optimizer="adam",
    lr=0.01,
    steps=1500,
    record_every=5,
    grid=80,
    frames=40,
)


def _spiral_solved(traces):
    acc = final(traces["spiral"], "scalar/acc_val")
    return acc >= 0.90, f"3-class spiral, 2 x 32 ReLU, softmax: {pct(acc)} validation accuracy"


multiclass_spiral = register(
    Lesson(
        name="multiclass_spiral",
        title="Softmax over three classes: a three-arm spiral",
        slides=(
            "000: Output layer - Softmax layer (P(y = j | x) = exp h_j / sum exp h)",
            "000: Cross entropy loss (only the correct class's term)",
            "001: For classification, we use softmax",
        ),
        runs={"spiral": SPIRAL3},
        timeline=TimelineSpec(frames=90, spacing="log", hold_end=45),
        quick={"steps": 300, "grid": 24, "frames": 8, "n_points": 300},
        claims=(
            Claim(
                "A network with a softmax output separates three classes: two hidden layers "
                "of 32 ReLU units reach at least 90 % on the three-arm spiral (low noise)",
                "000",
                _spiral_solved,
                quick=False,
            ),
        ),
        channels=(
            "gallery:08_beyond/plot_multiclass_spiral",
            "scene:multiclass",
            "notebook:09_beyond",
        ),
        summary="Three logits, a softmax and cross-entropy: each region of the plane is "
        "coloured by its most probable class, lighter where the network is unsure.",
    )
)

# ---------------------------------------------------------------- losses compared

LOSS_NET = RunConfig(
    dataset="moons", hidden=(8,), activation="tanh", optimizer="sgd", lr=0.5, steps=600, frames=20
)
#: p(true class) at or below this is a confidently wrong prediction.
SATURATED = 0.01


def _cross_entropy_sends_more(traces):
    g = traces["gradients"]
    p_true = g["curve/p"] if g.header["config"]["label"] == 1 else 1 - g["curve/p"]
    wrong = p_true <= SATURATED
    ratio = np.abs(g["curve/grad_bce"][wrong]) / np.abs(g["curve/grad_mse"][wrong])
    worst = float(ratio.min())
    return worst >= 10, (
        f"where p(true class) <= {SATURATED:g}: |dL/dz| cross-entropy / squared error "
        f">= {worst:.0f}x (cross-entropy {np.abs(g['curve/grad_bce'][wrong]).min():.3f}, "
        f"squared error at most {np.abs(g['curve/grad_mse'][wrong]).max():.4f})"
    )


def _both_learn(traces):
    ce, se = (
        final(traces["cross_entropy"], "scalar/acc_val"),
        final(traces["squared_error"], "scalar/acc_val"),
    )
    return min(
        ce, se
    ) >= 0.8, f"validation accuracy: cross-entropy {pct(ce)}, squared error {pct(se)}"


losses_compared = register(
    Lesson(
        name="losses_compared",
        title="Cross-entropy against squared error: what a wrong prediction sends back",
        slides=(
            "000: Objective function - cross entropy, sum of squared errors",
            "002: Binary cross entropy loss; mean squared error loss",
        ),
        runs={
            "gradients": CallConfig("loss_gradients", {"z_min": -8.0, "z_max": 8.0, "n": 161}),
            "cross_entropy": LOSS_NET,
            "squared_error": LOSS_NET.replace(loss="mse"),
        },
        timeline=TimelineSpec(frames=60, spacing="log", hold_end=30),
        quick={
            "cross_entropy": {"steps": 150, "frames": 4},
            "squared_error": {"steps": 150, "frames": 4},
        },
        claims=(
            Claim(
                "Through a saturated sigmoid, squared error sends back a tiny gradient for a "
                "confidently wrong prediction; cross-entropy sends back at least 10x more",
                "000",
                _cross_entropy_sends_more,
            ),
            Claim(
                "Both losses train the same network on the moons (>= 80 % validation)",
                "000",
                _both_learn,
                quick=False,
            ),
        ),
        channels=("gallery:08_beyond/plot_losses_compared", "notebook:09_beyond"),
        summary="dL/dz of cross-entropy and of squared error through a sigmoid, measured by "
        "autograd, beside the loss curves of one network trained with each.",
    )
)

# ---------------------------------------------------------------- features vs hidden layers

CIRCLES = RunConfig(
    dataset="circles",
    n_points=1000,
    hidden=(),
    optimizer="adam",
    lr=0.1,
    steps=400,
    grid=60,
    frames=30,
)


def _squares_separate(traces):
    acc = final(traces["squares"], "scalar/acc_val")
    return acc >= 0.95, f"no hidden layer on (x1^2, x2^2): {pct(acc)} validation accuracy"


def _raw_cannot(traces):
    t = traces["raw"]
    acc = final(t, "scalar/acc_val")
    bound = best_line_accuracy(t["data/X_train"], t["data/y_train"])
    return acc <= 0.70, (
        f"no hidden layer on (x1, x2): {pct(acc)} validation accuracy "
        f"(the best of all lines: {pct(bound)} on the training set)"
    )


def _hidden_learns(traces):
    acc = final(traces["hidden"], "scalar/acc_val")
    return (
        acc >= 0.95,
        f"one hidden layer of 4 tanh units on (x1, x2): {pct(acc)} validation accuracy",
    )


features_vs_hidden = register(
    Lesson(
        name="features_vs_hidden",
        title="Hand-made features or a hidden layer: two ways to separate circles",
        slides=(
            "004: Representation learning: a hidden layer maps data into a linearly separable space",
            "002: Hand engineered features vs features learned from data",
        ),
        runs={
            "raw": CIRCLES,
            "squares": CIRCLES.replace(features=("x1^2", "x2^2")),
            "hidden": CIRCLES.replace(hidden=(4,), activation="tanh", lr=0.05, steps=600),
        },
        timeline=TimelineSpec(frames=60, spacing="log", hold_end=30),
        quick={"steps": 200, "grid": 24, "frames": 6},
        claims=(
            Claim(
                "A model with no hidden layer separates the circles from the features x1^2, x2^2 "
                "(>= 95 %)",
                "004",
                _squares_separate,
            ),
            Claim(
                "The same model on x1, x2 cannot (<= 70 %): no line separates circles",
                "004",
                _raw_cannot,
            ),
            Claim(
                "A hidden layer learns the features itself (>= 95 % on x1, x2)",
                "004",
                _hidden_learns,
                quick=False,
            ),
        ),
        channels=("gallery:08_beyond/plot_features_vs_hidden", "notebook:09_beyond"),
        summary="A linear model on raw inputs, the same on squared inputs, and a small hidden "
        "layer that finds such features by itself.",
    )
)

# ---------------------------------------------------------------- regression

SINE = RunConfig(
    dataset="sine",
    task="regression",
    loss="mse",
    hidden=(8,),
    activation="tanh",
    optimizer="adam",
    lr=0.02,
    steps=1500,
    record_every=5,
    grid=200,
    frames=40,
)


def _sine_fit(traces):
    r2 = final(traces["tanh"], "scalar/r2_val")
    r2_relu = final(traces["relu"], "scalar/r2_val")
    return r2 >= 0.9, (
        f"8 tanh units: R^2 = {r2:.3f} on validation (8 ReLU units: R^2 = {r2_relu:.3f})"
    )


sine_regression = register(
    Lesson(
        name="sine_regression",
        title="Regression: a sum of tanh (or ReLU) pieces fits a sine",
        slides=(
            "000: Sum of squared errors - used for any real valued outputs such as regression",
            "001: Geometric interpretation - learn a simple function (regression)",
        ),
        runs={"tanh": SINE, "relu": SINE.replace(activation="relu")},
        timeline=TimelineSpec(frames=90, spacing="log", hold_end=45),
        quick={"steps": 300, "grid": 60, "frames": 6},
        claims=(
            Claim(
                "One hidden layer of 8 units fits two periods of a sine (R^2 >= 0.9 on validation)",
                "000",
                _sine_fit,
                quick=False,
            ),
        ),
        channels=(
            "gallery:08_beyond/plot_sine_regression",
            "scene:multiclass",
            "notebook:09_beyond",
        ),
        summary="The fit of a one-hidden-layer network to sin(2x), drawn with each hidden "
        "unit's contribution w_j h_j(x): the output is their sum plus a bias.",
    )
)
