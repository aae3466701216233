"""Lessons on how the update is taken: minibatches, schedules, optimizers on a test surface."""

from __future__ import annotations

import numpy as np

from vizlab.config import DescendConfig, RunConfig
from vizlab.lessons.base import CallConfig, Claim, Lesson, TimelineSpec
from vizlab.lessons.measure import turning
from vizlab.lessons.registry import register

BATCH_SIZES = (1, 16, 0)


def _noisier(traces):
    sgd, mini, full = traces["paths"]
    turns = [turning(t["point/xy"]) for t in (sgd, mini, full)]
    ok = turns[0] > turns[1] > turns[2]
    return ok, (
        "mean turn between steps: batch 1 {:.2f} rad, batch 16 {:.2f} rad, "
        "full batch {:.2f} rad".format(*turns)
    )


batch_paths = register(
    Lesson(
        name="batch_paths",
        title="Stochastic, minibatch and full-batch gradient descent",
        slides=(
            "000: SGD and mini-batches",
            "001: Batch vs stochastic vs mini-batch",
            "004: Batch vs mini-batch vs stochastic gradient descent",
        ),
        runs={
            "paths": CallConfig(
                "minibatch_descent", {"batch_sizes": list(BATCH_SIZES), "lr": 0.05, "steps": 100}
            )
        },
        timeline=TimelineSpec(frames=101, spacing="uniform", hold_end=30, fps=12),
        quick={"steps": 40},
        claims=(
            Claim(
                "The smaller the batch, the noisier the path: stochastic steps turn most, "
                "full-batch steps glide",
                "001",
                _noisier,
            ),
        ),
        channels=("gallery:02_optimizers/plot_batch_paths",),
        summary="Fitting a line with batch sizes 1, 16 and all points from one start.",
    )
)


def _step_schedule(traces):
    t = traces["schedule"]
    c = t.config
    expected = c["lr"] * c["gamma"] ** (t.steps // c["step_size"])
    err = float(np.max(np.abs(t["scalar/lr"] - expected)))
    return err < 1e-6 * c["lr"], f"max |lr_k - lr0 gamma^floor(k/{c['step_size']})| = {err:.1e}"


lr_schedule = register(
    Lesson(
        name="lr_schedule",
        title="Learning-rate decay: a step schedule",
        slides=("000: Learning-rate schedules", "001: Learning-rate decay"),
        runs={
            "schedule": RunConfig(
                dataset="moons",
                hidden=(16,),
                batch_size=16,
                steps=450,
                schedule="step",
                step_size=150,
                gamma=0.2,
                lr=0.5,
                grid=10,
                frames=2,
            )
        },
        timeline=TimelineSpec(frames=120, spacing="uniform", hold_end=30),
        quick={"steps": 120, "step_size": 40},
        claims=(
            Claim(
                "A step schedule multiplies the learning rate by gamma every step_size steps",
                "000",
                _step_schedule,
            ),
        ),
        channels=("gallery:02_optimizers/plot_lr_schedule",),
        summary="Minibatch training whose learning rate drops by 5x twice; the loss settles.",
    )
)

RACE_LANDSCAPE = "beale"
#: The rule: each optimizer gets its own best learning rate from one sweep,
#: r in {1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1}, 300 steps from the race's
#: start on Beale's function, best = lowest final loss among runs that did not
#: diverge. The sweep's final losses (vizlab.descend, CPU):
#: sgd 0.03 -> 1.1e-4 (0.1 diverges); momentum 0.01 -> 3.9e-13 (0.03 diverges);
#: rmsprop 0.03 -> 1.1e-3 (0.1 -> 2.8e-2); adam 0.1 -> 1.2e-4 (0.03 -> 3.6e-2).
RACE_SWEEP = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
RACE_RATES = {"sgd": 3e-2, "momentum": 1e-2, "rmsprop": 3e-2, "adam": 1e-1}


def _adaptive_wins(traces):
    final = {k: float(traces[k]["scalar/loss"][-1]) for k in RACE_RATES}
    ok = min(final["adam"], final["rmsprop"]) < final["sgd"]
    return ok, ", ".join(f"{k} {v:.3g}" for k, v in final.items())


def _momentum_first(traces):
    final = {k: float(traces[k]["scalar/loss"][-1]) for k in RACE_RATES}
    ok = final["momentum"] == min(final.values())
    return ok, ", ".join(f"{k} {v:.3g}" for k, v in final.items())


optimizer_race = register(
    Lesson(
        name="optimizer_race",
        title="The optimizer race: SGD, momentum, RMSProp, Adam",
        slides=(
            "001: Momentum; Adam and Adagrad",
            "002: Adaptive learning rates (SGD, Adam, Adagrad, RMSProp)",
            "003: SGD vs momentum vs Adam",
        ),
        runs={
            opt: DescendConfig(RACE_LANDSCAPE, optimizer=opt, lr=lr, steps=300)
            for opt, lr in RACE_RATES.items()
        },
        timeline=TimelineSpec(frames=120, spacing="log", hold_end=45),
        quick={"steps": 60},
        claims=(
            Claim(
                "An adaptive optimizer (Adam or RMSProp) gets lower than plain SGD in the "
                "same number of steps",
                "002",
                _adaptive_wins,
                quick=False,
                known_difference=(
                    "at each optimizer's best rate of one sweep (300 steps on Beale), plain "
                    "SGD (r = 0.03) ends at 1.1e-4, as low as Adam (r = 0.1, 1.2e-4) and "
                    "lower than RMSProp (r = 0.03, 1.1e-3); the adaptive methods win only "
                    "at a shared large rate (r = 0.1: SGD diverges, Adam 1.2e-4)"
                ),
            ),
            Claim(
                "Momentum builds up speed along the valley: at its best rate it gets lowest",
                "001",
                _momentum_first,
                quick=False,
            ),
        ),
        channels=("gallery:02_optimizers/plot_optimizer_race", "scene:optimizer_race"),
        summary="Four optimizers from one start on Beale's function, step for step.",
    )
)
