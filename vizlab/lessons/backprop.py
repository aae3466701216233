"""Lessons on backpropagation: the chain rule with real numbers, depth and initialisation.

Every claim here is checked on recorded runs with :func:`vizlab.explain_step`,
which rebuilds a step in numpy; the core recorded its gradients with torch.
"""

from __future__ import annotations

import numpy as np

from vizlab.config import RunConfig
from vizlab.explain import explain_step
from vizlab.lessons.base import CallConfig, Claim, Lesson, TimelineSpec
from vizlab.lessons.boundaries import XOR_NET
from vizlab.lessons.measure import final, pct
from vizlab.lessons.registry import register

QUICK_NET = {"grid": 24, "frames": 8}

#: Lecture 002's unit g(1 + 3 x1 - 2 x2) at x = (-1, 2), label 1, plain gradient descent.
UNIT = CallConfig(
    "unit_descent",
    {"weight": [3.0, -2.0], "bias": 1.0, "x": [-1.0, 2.0], "target": 1, "lr": 1.0, "steps": 20},
)


def _relative(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-300))


def _recorded_match(trace, steps) -> tuple[float, float, float]:
    """Worst relative error against grad/*, against finite differences, and batch vs mean."""
    rec = fd = mean = 0.0
    for s in steps:
        e = explain_step(trace, int(s))
        row = e.row
        rec = max(rec, *(_relative(g, trace[f"grad/{k}"][row]) for k, g in e.grads.items()))
        num = e.numeric_grads(1e-6)
        fd = max(fd, *(_relative(num[k], g) for k, g in e.grads.items()))
        per = [explain_step(trace, int(s), i).grads for i in range(len(e.indices))]
        mean = max(
            mean, *(_relative(np.mean([p[k] for p in per], 0), g) for k, g in e.grads.items())
        )
    return rec, fd, mean


def _unit_numbers(traces):
    e = explain_step(traces["unit"], 0)
    z, g = float(e.node("z1").value[0, 0]), float(e.node("yhat").value[0, 0])
    ok = abs(z + 6) < 1e-12 and round(g, 5) == 0.00247
    return ok, f"z = {z:g}, g(z) = {g:.5f}"


def _unit_grads(traces):
    t = traces["unit"]
    rec, fd, _ = _recorded_match(t, t.steps[:-1])
    return rec < 1e-10 and fd < 1e-6, (
        f"every step: relative error {rec:.1e} against the recorded gradient, {fd:.1e} against "
        "finite differences"
    )


backprop_unit = register(
    Lesson(
        name="backprop_unit",
        title="One unit by hand: g(1 + 3x1 - 2x2) at x = (-1, 2)",
        slides=(
            "002: The Perceptron: Example (z = -6, g(-6) = 0.002)",
            "002: Computing Gradients: Backpropagation (chain rule)",
        ),
        runs={"unit": UNIT},
        timeline=TimelineSpec(frames=21, spacing="uniform", hold_end=15, fps=5),
        quick={"steps": 5},
        claims=(
            Claim("Lecture 002's unit: z = -6 and g(z) = 0.00247", "002", _unit_numbers),
            Claim(
                "The chain rule by hand gives the gradient autograd recorded",
                "002",
                _unit_grads,
            ),
        ),
        channels=("gallery:06_backprop/plot_backprop", "notebook:07_backprop"),
        summary="The slide's single sigmoid unit, its forward numbers and its chain rule, stepped.",
    )
)


def _xor_grads(traces):
    parts = []
    ok = True
    for run in ("mlp", "regularised"):
        t = traces[run]
        steps = t.steps[:-1][[0, len(t.steps) // 2 - 1, -1]]
        rec, fd, mean = _recorded_match(t, steps)
        ok &= rec < 1e-10 and fd < 1e-6 and mean < 1e-10
        parts.append(
            f"{run}: recorded {rec:.1e}, finite differences {fd:.1e}, batch mean {mean:.1e}"
        )
    return ok, "; ".join(parts)


def _sgd_update(traces):
    t = traces["mlp"]
    worst = 0.0
    for s in t.steps[:-1][:: max(1, len(t.steps) // 10)]:
        e = explain_step(t, int(s))
        new = e.sgd_update()
        worst = max(worst, *(_relative(new[k], t[f"param/{k}"][e.row + 1]) for k in new))
    return worst < 1e-12, f"p - lr g against the next recorded parameters: {worst:.1e} relative"


backprop_xor = register(
    Lesson(
        name="backprop_xor",
        title="Backpropagation through lecture 003's 2-2-1 XOR network",
        slides=(
            "003: A 2-2-1 sigmoid network in PyTorch",
            "004: Backpropagation (forward pass, backward pass, update)",
            "001: Backpropagation by the chain rule",
        ),
        runs={
            "mlp": XOR_NET.replace(dtype="float64"),
            "regularised": RunConfig(
                dataset="moons",
                hidden=(6, 4),
                activation="tanh",
                dropout=(0.3,),
                l2=1e-3,
                l1=1e-4,
                batch_size=16,
                steps=60,
                frames=2,
                grid=16,
                dtype="float64",
            ),
        },
        timeline=TimelineSpec(frames=90, spacing="log", hold_end=45),
        quick={"mlp": {**QUICK_NET, "steps": 200}, "regularised": {"steps": 20}},
        claims=(
            Claim(
                "The backward pass by hand (numpy) gives the recorded gradients (float64, "
                "minibatch, dropout, L1/L2: 1e-10), finite differences agree to 1e-6, and the "
                "batch's gradient is the mean of its examples'",
                "004",
                _xor_grads,
            ),
            Claim(
                "Plain gradient descent: the next weights are p - lr * gradient", "004", _sgd_update
            ),
        ),
        channels=(
            "gallery:06_backprop/plot_backprop",
            "scene:backprop",
            "notebook:07_backprop",
        ),
        summary="Every number of a backward pass of the XOR net, recomputed from the trace.",
    )
)

DEEP = RunConfig(
    dataset="moons", hidden=(8,) * 6, lr=0.1, steps=1000, record_every=5, frames=20, grid=40
)
DEPTH_RUNS = {
    "sigmoid": DEEP.replace(activation="sigmoid"),
    "tanh_xavier": DEEP.replace(activation="tanh", init="xavier"),
    "relu_he": DEEP.replace(activation="relu", init="he"),
}


def _first_over_last(trace, row: int = 0) -> float:
    layers = sorted(k for k in trace.keys() if k.startswith("norm/grad.fc"))
    layers.sort(key=lambda k: int(k.rsplit("fc", 1)[1]))
    return float(trace[layers[0]][row] / trace[layers[-1]][row])


def _vanishing(traces):
    r = {k: _first_over_last(t) for k, t in traces.items()}
    ok = r["sigmoid"] < 0.01 and r["relu_he"] > 0.1
    return ok, "first / last layer gradient norm at step 0: " + ", ".join(
        f"{k} {v:.1e}" for k, v in r.items()
    )


def _sigmoid_stalls(traces):
    acc = {k: final(t, "scalar/acc_val") for k, t in traces.items()}
    ok = acc["sigmoid"] < 0.8 and acc["relu_he"] >= 0.9 and acc["tanh_xavier"] >= 0.9
    return ok, "validation accuracy: " + ", ".join(f"{k} {pct(v)}" for k, v in acc.items())


vanishing_gradients = register(
    Lesson(
        name="vanishing_gradients",
        title="Vanishing gradients: six sigmoid layers against tanh + Xavier and ReLU + He",
        slides=(
            "002: Activation functions (sigmoid suffers from the vanishing gradient problem)",
            "003: Optimization: Initialization (Xavier/Glorot)",
        ),
        runs=DEPTH_RUNS,
        timeline=TimelineSpec(frames=90, spacing="log", hold_end=45),
        quick={**QUICK_NET, "steps": 100, "record_every": 1},
        claims=(
            Claim(
                "At step 0 the first of six sigmoid layers gets under 1 % of the last layer's "
                "gradient norm; with ReLU and He initialisation over 10 %",
                "002",
                _vanishing,
            ),
            Claim(
                "Six sigmoid layers barely learn in 1000 steps of gradient descent; tanh + Xavier "
                "and ReLU + He separate the moons",
                "002",
                _sigmoid_stalls,
                quick=False,
            ),
        ),
        channels=(
            "gallery:06_backprop/plot_vanishing_gradients",
            "scene:backprop",
            "notebook:07_backprop",
        ),
        summary="Per-layer gradient norms of one deep net, three activation/initialisation pairs.",
    )
)

ZERO_NET = XOR_NET.replace(hidden=(4,), dtype="float64", frames=20, grid=40)


def _row_spread(trace, row: int = -1) -> float:
    w = trace["param/fc1.weight"][row]
    return float(np.abs(w - w[:1]).max())


def _symmetry(traces):
    zero, rand = _row_spread(traces["zeros"]), _row_spread(traces["random"])
    moved = float(np.abs(traces["zeros"]["param/fc1.weight"][-1]).max())
    ok = zero <= 1e-12 and moved > 1e-3 and rand > 0.1
    return ok, (
        f"after training, rows of fc1.weight differ by {zero:.1e} from zero init (weights moved "
        f"to |w| = {moved:.2f}) and by {rand:.2f} from random init"
    )


def _zero_fails(traces):
    acc = {k: final(t, "scalar/acc_val") for k, t in traces.items()}
    ok = acc["zeros"] < 0.8 <= acc["random"]
    return ok, f"validation accuracy: zeros {pct(acc['zeros'])}, random {pct(acc['random'])}"


zero_init = register(
    Lesson(
        name="zero_init",
        title="Zero initialisation: the symmetry never breaks",
        slides=("003: Optimization: Initialization (the weights are randomly initialized)",),
        runs={"zeros": ZERO_NET.replace(init="zeros"), "random": ZERO_NET},
        timeline=TimelineSpec(frames=90, spacing="log", hold_end=45),
        quick={**QUICK_NET, "steps": 200},
        claims=(
            Claim(
                "With zero initial weights every hidden unit stays identical: the rows of the "
                "first weight matrix are equal to 1e-12 after training",
                "003",
                _symmetry,
            ),
            Claim(
                "Four identical units are one unit: zero init cannot solve XOR, random init does",
                "003",
                _zero_fails,
                quick=False,
            ),
        ),
        channels=("gallery:06_backprop/plot_zero_init", "notebook:07_backprop"),
        summary="XOR with four sigmoid units from all-zero and from random initial weights.",
    )
)
