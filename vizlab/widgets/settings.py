"""The playground's settings: defaults, the ladders its controls offer, controls <-> RunConfig."""

from __future__ import annotations

import math

from vizlab.config import (
    ACTIVATIONS,
    DATASETS,
    MULTICLASS_DATASETS,
    OPTIMIZERS,
    REGRESSION_DATASETS,
    RunConfig,
)
from vizlab.features import FEATURES
from vizlab.widgets._view import require_ipywidgets

#: The playground's starting point: TensorFlow Playground's defaults (4-2
#: tanh net, lr 0.03, batches of 10) on noisy XOR, with Adam so a first run
#: gets somewhere within a few hundred steps.
DEFAULT_CONFIG = RunConfig(
    dataset="xor",
    noise=0.15,
    hidden=(4, 2),
    activation="tanh",
    optimizer="adam",
    lr=0.03,
    batch_size=10,
    steps=1000,
    grid=40,
    frames=60,
)
#: TensorFlow Playground's ladder of learning rates.
LEARNING_RATES = (1e-5, 1e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
BATCH_SIZES = (("full", 0), ("1", 1), ("4", 4), ("10", 10), ("16", 16), ("32", 32), ("64", 64))
STRENGTHS = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0)
HORIZONS = (200, 500, 1000, 2000, 5000)


def parse_hidden(text: str) -> tuple[int, ...]:
    """``"4, 2"`` -> ``(4, 2)``; empty -> ``()`` (a linear model)."""
    parts = [p for p in text.replace(",", " ").split() if p]
    try:
        widths = tuple(int(p) for p in parts)
    except ValueError:
        raise ValueError(f"hidden layers must be whole numbers like '4, 2'; got {text!r}") from None
    if any(not 1 <= n <= 64 for n in widths) or len(widths) > 6:
        raise ValueError(f"use up to 6 hidden layers of 1 to 64 units; got {text!r}")
    return widths


def datasets_for(task: str) -> tuple[str, ...]:
    """The datasets a problem type offers (Playground's "problem type" switch)."""
    regression = task == "regression"
    return tuple(d for d in DATASETS if (d in REGRESSION_DATASETS) == regression)


def make_controls(config: RunConfig) -> dict:
    """One ipywidgets control per setting, showing ``config``."""
    w = require_ipywidgets()
    desc = {"description_width": "100px"}
    box = {"width": "320px"}

    def kw(description):
        return {"description": description, "style": desc, "layout": box}

    reg = "L1" if config.l1 else ("L2" if config.l2 else "none")
    strength = config.l1 or config.l2 or 0.01
    batches = [(label, b) for label, b in BATCH_SIZES if b <= config.n_train]
    c = {
        "task": w.ToggleButtons(
            options=["classification", "regression"], value=config.task, **kw("problem type")
        ),
        "dataset": w.Dropdown(
            options=datasets_for(config.task), value=config.dataset, **kw("dataset")
        ),
        "n_classes": w.BoundedIntText(
            value=config.n_classes, min=2, max=6, **kw("classes (spiral, blobs)")
        ),
        "features": w.SelectMultiple(
            options=FEATURES, value=config.features, rows=len(FEATURES), **kw("input features")
        ),
        "ratio": w.IntSlider(
            value=round(100 * (1 - config.val_fraction)),
            min=10,
            max=90,
            step=10,
            **kw("training data %"),
        ),
        "noise": w.FloatSlider(value=config.noise, min=0, max=1, step=0.05, **kw("noise")),
        "hidden": w.Text(
            value=", ".join(map(str, config.hidden)),
            continuous_update=False,
            **kw("hidden layers"),
        ),
        "activation": w.Dropdown(options=ACTIVATIONS, value=config.activation, **kw("activation")),
        "optimizer": w.Dropdown(options=OPTIMIZERS, value=config.optimizer, **kw("optimizer")),
        "lr": w.SelectionSlider(
            options=[(f"{v:g}", v) for v in sorted({*LEARNING_RATES, config.lr})],
            value=config.lr,
            **kw("learning rate r"),
        ),
        "batch_size": w.Dropdown(options=batches, value=config.batch_size, **kw("batch size")),
        "regularization": w.ToggleButtons(options=["none", "L1", "L2"], value=reg, **kw("penalty")),
        "strength": w.SelectionSlider(
            options=[(f"{s:g}", s) for s in STRENGTHS],
            value=min(STRENGTHS, key=lambda s: abs(math.log(s / strength))),
            **kw("strength λ"),
        ),
        "dropout": w.FloatSlider(
            value=config.dropout[0] if config.dropout else 0.0,
            min=0,
            max=0.9,
            step=0.05,
            **kw("dropout p"),
        ),
        "steps": w.Dropdown(
            options=sorted({*HORIZONS, config.total_steps}),
            value=config.total_steps,
            **kw("steps"),
        ),
        "seed": w.BoundedIntText(value=config.seed, min=0, max=2**31 - 1, **kw("seed")),
    }
    c["regularization"].style.button_width = "60px"
    c["task"].style.button_width = "105px"
    return c


def config_from_controls(base: RunConfig, controls: dict) -> RunConfig:
    """``base`` with the controls' values; ValueError (or ConfigError) on a bad one."""
    c = controls
    hidden = parse_hidden(c["hidden"].value)
    p, reg, lam = c["dropout"].value, c["regularization"].value, float(c["strength"].value)
    task, dataset = c["task"].value, c["dataset"].value
    k = int(c["n_classes"].value) if dataset in MULTICLASS_DATASETS else 2
    if task == "regression":
        loss = "mse"
    elif k > 2:
        loss = "cross_entropy"
    else:
        loss = base.loss if base.loss != "mse" or base.task == "classification" else "bce"
    features = tuple(c["features"].value)
    if dataset == "sine":  # one input: keep what it can give
        features = tuple(f for f in features if "x2" not in f) or ("x1",)
    return base.replace(
        task=task,
        dataset=dataset,
        n_classes=k,
        loss=loss,
        features=features,
        val_fraction=round(1 - int(c["ratio"].value) / 100, 4),
        noise=round(float(c["noise"].value), 4),
        hidden=hidden,
        activation=c["activation"].value,
        optimizer=c["optimizer"].value,
        lr=float(c["lr"].value),
        batch_size=int(c["batch_size"].value),
        l1=lam if reg == "L1" else 0.0,
        l2=lam if reg == "L2" else 0.0,
        dropout=(round(float(p), 4),) if p > 0 and hidden else (),
        steps=int(c["steps"].value),
        epochs=0,
        seed=int(c["seed"].value),
    )
