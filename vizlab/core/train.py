"""train(config) -> Trace: one real training run, recorded step by step."""

from __future__ import annotations

import numpy as np
import torch
from tqdm.auto import tqdm

from vizlab.config import RunConfig
from vizlab.core import model, record
from vizlab.core.data import check_arrays, make_dataset, split_and_standardise
from vizlab.core.seeding import streams
from vizlab.trace import Trace

OPTIMIZER_FACTORIES = {
    "sgd": lambda ps, c: torch.optim.SGD(ps, lr=c.lr),
    "momentum": lambda ps, c: torch.optim.SGD(ps, lr=c.lr, momentum=c.momentum),
    "nesterov": lambda ps, c: torch.optim.SGD(ps, lr=c.lr, momentum=c.momentum, nesterov=True),
    "adagrad": lambda ps, c: torch.optim.Adagrad(ps, lr=c.lr),
    "rmsprop": lambda ps, c: torch.optim.RMSprop(ps, lr=c.lr),
    "adam": lambda ps, c: torch.optim.Adam(ps, lr=c.lr),
}


def make_optimizer(params: list[torch.Tensor], config: RunConfig) -> torch.optim.Optimizer:
    """torch's own optimizer for ``config.optimizer``."""
    return OPTIMIZER_FACTORIES[config.optimizer](params, config)


def make_scheduler(opt: torch.optim.Optimizer, config: RunConfig):
    """torch's own learning-rate scheduler (None for a constant rate)."""
    sched = torch.optim.lr_scheduler
    if config.schedule == "step":
        return sched.StepLR(opt, step_size=config.step_size, gamma=config.gamma)
    if config.schedule == "exponential":
        return sched.ExponentialLR(opt, gamma=config.gamma)
    if config.schedule == "cosine":
        return sched.CosineAnnealingLR(opt, T_max=config.total_steps)
    return None


def recorded_steps(config: RunConfig) -> np.ndarray:
    """Optimizer steps that get a row: every ``record_every``-th, and always the final state."""
    n = config.total_steps
    return np.union1d(np.arange(0, n, config.record_every), [n]).astype(np.int64)


@record.one_thread()
def train(
    config: RunConfig | None = None,
    *,
    X: np.ndarray | None = None,
    y: np.ndarray | None = None,
    record_on: bool = True,
    progress: bool = False,
) -> Trace:
    """Train the model ``config`` describes and record every step.

    Parameters
    ----------
    config : RunConfig
    X, y : ndarray (N, 2) and (N,), optional
        Your own data instead of ``config.dataset`` (labels 0/1); it is
        split and standardised the same way.
    record_on : bool
        False trains without recording (the trace then holds only the final
        state); used to measure what recording costs.
    progress : bool
        Show a progress bar.

    Returns
    -------
    Trace
        Rows for the recorded steps (see :func:`recorded_steps`): ``scalar/*``
        (losses, accuracies, lr), ``param/*`` and ``grad/*`` for every
        tensor, ``norm/grad.fc{i}`` per layer, ``batch/indices`` (T, B),
        ``mask/drop{i}`` (T, B, width); the dataset as ``data/*``; decision
        fields on a grid for ``config.frames`` rows. A diverging run stops
        at the first non-finite or exploded step and says so in its events.
    """
    config = config or RunConfig()
    if (X is None) != (y is None):
        raise ValueError("give both X and y, or neither")
    rng = streams(config.seed)
    if X is not None:
        X, y = check_arrays(X, y)
        if len(X) != config.n_points:
            config = config.replace(n_points=len(X))
        data = split_and_standardise(X, y, config.n_val, rng.data, "custom")
    else:
        data = make_dataset(config, rng.data)

    device = record.resolve_device(config.device)
    dtype = record.torch_dtype(config.dtype)
    Xtr = torch.as_tensor(data.X_train, dtype=dtype, device=device)
    ytr = torch.as_tensor(data.y_train, device=device)
    Xva = torch.as_tensor(data.X_val, dtype=dtype, device=device)
    yva = torch.as_tensor(data.y_val, device=device)

    sizes = model.layer_sizes(config.hidden, config.n_outputs)
    init = model.init_params(sizes, rng.init, dtype)
    flat = model.FlatParams({k: v.to(device) for k, v in init.items()})
    params = flat.params
    opt = make_optimizer(list(params.values()), config)
    sched = make_scheduler(opt, config)

    n_steps, B = config.total_steps, config.effective_batch
    batches = record.batch_schedule(config.n_train, B, n_steps, rng.batches)
    drop_p = config.dropout_per_layer
    masks = record.dropout_masks(n_steps, B, config.hidden, drop_p, rng.dropout)
    batches_dev = batches.to(device)
    masks_dev = [m.to(device) if m is not None else None for m in masks]

    rows = recorded_steps(config) if record_on else np.array([n_steps])
    full = B == config.n_train and not any(drop_p)  # the step's pass is the evaluation
    rec = record.Recorder(rows, flat, B, config.hidden, device)
    rec.set_task(
        (Xtr, ytr, Xva, yva),
        config.loss,
        config.activation,
        config.l1,
        config.l2,
        train_in_loop=full,
    )
    events: list[dict] = []
    bar = tqdm(total=n_steps, disable=not progress, desc="train", unit="step", leave=False)
    for s in range(n_steps + 1):
        row = rec.row_of(s)
        if s == n_steps:
            rec.keep_final(row, opt.param_groups[0]["lr"])
            break
        # forward
        idx = batches_dev[s]
        step_masks = [m[s] if m is not None else None for m in masks_dev]
        logits, _ = model.forward(params, Xtr[idx], config.activation, step_masks, drop_p)
        # loss: data term on the minibatch plus the weight penalty
        loss_data = model.data_loss(logits, ytr[idx], config.loss)
        loss = loss_data + model.penalty(params, config.l1, config.l2)
        # backward
        flat.grad.zero_()  # the gradients live in one flat buffer
        loss.backward()
        code = int(record.divergence_code(loss, flat))
        if code:
            events.append(record.divergence_event(s, code))
            break
        # record
        if row is not None:
            rec.keep_step(
                row, loss_data, opt.param_groups[0]["lr"], idx, step_masks, logits.detach()
            )
        # step
        opt.step()
        if sched is not None:
            sched.step()
        bar.update()
    bar.close()
    rec.evaluate()

    arrays = rec.arrays(stop=events[0]["step"] if events else None)
    arrays.update(record.static_and_fields(arrays, data, config, dtype, device, fields=record_on))
    return Trace(arrays, record.header(config, data, device, events, custom_data=X is not None))
