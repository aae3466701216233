"""Lessons on hidden units: activation functions, what units compute, representations."""

from __future__ import annotations

import numpy as np

from vizlab.config import RunConfig
from vizlab.lessons.base import Claim, Lesson, TimelineSpec
from vizlab.lessons.measure import (
    best_line_accuracy,
    final,
    hidden_activations,
    linear_probe_accuracy,
    pct,
)
from vizlab.lessons.registry import register

QUICK_NET = {"grid": 24, "frames": 8}
ACTIVATION_NAMES = ("sigmoid", "tanh", "relu")
CIRCLES_NET = RunConfig(
    dataset="circles", hidden=(4,), optimizer="adam", lr=0.05, steps=300, grid=40, frames=60
)


def _relu_fastest(traces):
    loss = {a: final(traces[a], "scalar/loss_train") for a in ACTIVATION_NAMES}
    acc = {a: final(traces[a], "scalar/acc_val") for a in ACTIVATION_NAMES}
    ok = all(acc[a] >= 0.9 for a in ("tanh", "relu"))
    detail = "; ".join(f"{a}: loss {loss[a]:.3f}, val {pct(acc[a])}" for a in ACTIVATION_NAMES)
    return ok, detail


activations = register(
    Lesson(
        name="activations",
        title="Activation functions and hidden units",
        slides=(
            "000: Sigmoid, tanh, ReLU",
            "002: Activation functions and their derivatives",
            "004: Sigmoid / tanh / ReLU / leaky ReLU / ELU; why nonlinear activations",
        ),
        runs={a: CIRCLES_NET.replace(activation=a) for a in ACTIVATION_NAMES},
        timeline=TimelineSpec(frames=90, spacing="log", hold_end=45),
        quick={**QUICK_NET, "steps": 200},
        claims=(
            Claim(
                "Four nonlinear hidden units separate the circles (tanh and ReLU, >= 90 %)",
                "004",
                _relu_fastest,
            ),
        ),
        channels=("scene:activations", "gallery:04_units/plot_activations"),
        summary="The circles data with a 2-4-1 net per activation: each unit's map as it trains.",
    )
)


def _units_bend(traces):
    acc = final(traces["net"], "scalar/acc_val")
    return acc >= 0.95, f"8 tanh units: validation accuracy {pct(acc)}"


hidden_units = register(
    Lesson(
        name="hidden_units",
        title="What each hidden unit computes",
        slides=(
            "004: Forward computation; hidden units",
            "003: XOR decomposed into OR and NAND units",
        ),
        runs={
            "net": RunConfig(
                dataset="moons",
                hidden=(8,),
                activation="tanh",
                optimizer="adam",
                lr=0.03,
                steps=500,
                frames=30,
            )
        },
        timeline=TimelineSpec(frames=60, spacing="log", hold_end=30),
        quick={**QUICK_NET, "steps": 300},
        claims=(
            Claim(
                "Eight tanh units, each a soft line, add up to a boundary that bends (>= 95 %)",
                "004",
                _units_bend,
            ),
        ),
        channels=(
            "gallery:04_units/plot_hidden_units",
            "notebook:03_activations_hidden_units",
            "widget:scrubber",
        ),
        summary="Each of 8 tanh units is a soft line in the plane; the output adds them up.",
    )
)

REPRESENTATION_NET = RunConfig(
    dataset="xor",
    hidden=(2,),
    activation="tanh",
    optimizer="adam",
    lr=0.01,
    steps=800,
    noise=0.15,
    record_every=4,
    frames=30,
)


def _separable(traces):
    t = traces["net"]
    (h,) = hidden_activations(t, -1)
    probe = linear_probe_accuracy(h, t["data/y_train"])
    line = best_line_accuracy(t["data/X_train"], t["data/y_train"])
    return probe >= 0.99 and line <= 0.8, (
        f"best line in the input plane {pct(line)}; a linear probe on the two hidden units {pct(probe)}"
    )


representation = register(
    Lesson(
        name="representation",
        title="A hidden layer makes the data separable",
        slides=("004: Representation learning: a hidden layer maps data into a separable space",),
        runs={"net": REPRESENTATION_NET},
        timeline=TimelineSpec(frames=90, spacing="log", hold_end=45),
        quick={**QUICK_NET, "steps": 800, "frames": 8},
        claims=(
            Claim(
                "XOR is not linearly separable in the input plane, but it is in the hidden "
                "layer's plane (a linear probe >= 99 %)",
                "004",
                _separable,
            ),
        ),
        channels=(
            "gallery:04_units/plot_representation",
            "scene:hidden_space",
            "notebook:03_activations_hidden_units",
        ),
        summary="Two tanh units fold the XOR plane until one line separates the classes.",
    )
)

SATURATION_BASE = RunConfig(dataset="moons", optimizer="adam", steps=300, frames=30)


def _flat_share(trace, row: int) -> float:
    """Share of (point, unit) pairs of the first hidden layer where the slope is below 0.05."""
    (h, *_) = hidden_activations(trace, row)
    act = trace.config["activation"]
    if act == "sigmoid":
        slope = h * (1 - h)
    elif act == "tanh":
        slope = 1 - h**2
    else:
        slope = (h > 0).astype(float)
    return float(np.mean(slope < 0.05))


def _sigmoid_saturates(traces):
    t = traces["sigmoid"]
    start, end = _flat_share(t, 0), _flat_share(t, -1)
    return end > start and end >= 0.2, (
        f"sigmoid layer 1: slope < 0.05 for {pct(start)} of (point, unit) pairs at step 0, "
        f"{pct(end)} at the end"
    )


def _relu_dies(traces):
    t = traces["relu"]
    (h, *_) = hidden_activations(t, -1)
    dead = int(np.sum(np.all(h <= 0, axis=0)))
    return dead >= 1, f"ReLU layer 1: {dead} of {h.shape[1]} units output 0 for every point"


saturation = register(
    Lesson(
        name="saturation",
        title="Vanishing gradients: saturated and dead units",
        slides=("002: Vanishing gradients", "004: Sigmoid / tanh / ReLU"),
        runs={
            "sigmoid": SATURATION_BASE.replace(hidden=(8, 8), activation="sigmoid", lr=0.5),
            "relu": SATURATION_BASE.replace(hidden=(16, 16), activation="relu", lr=0.3),
        },
        timeline=TimelineSpec(frames=90, spacing="log", hold_end=45),
        quick={**QUICK_NET, "steps": 150},
        claims=(
            Claim(
                "Sigmoid units saturate: for many inputs their slope is nearly 0",
                "002",
                _sigmoid_saturates,
            ),
            Claim(
                "Too large a step can kill ReLU units: 0 for every input, so no gradient",
                "004",
                _relu_dies,
                quick=False,
            ),
        ),
        channels=("gallery:04_units/plot_saturation",),
        summary="A large learning rate drives sigmoid units flat and kills ReLU units.",
    )
)
