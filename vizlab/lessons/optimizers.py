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
RACE_RATES = {"sgd": 1e-3, "momentum": 1e-3, "rmsprop": 1e-2, "adam": 5e-2}


def _adaptive_wins(traces):
    final = {k: float(traces[k]["scalar/loss"][-1]) for k in RACE_RATES}
    ok = min(final["adam"], final["rmsprop"]) < final["sgd"]
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
            ),
        ),
        channels=("gallery:02_optimizers/plot_optimizer_race", "scene:optimizer_race"),
        summary="Four optimizers from one start on Beale's function, step for step.",
    )
)
