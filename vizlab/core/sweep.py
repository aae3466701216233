"""sweep(...) -> [Trace]: a grid of configs trained in one batched pass.

The M models are stacked along a leading axis (weights (M, out, in)); one
forward, one backward and one update serve them all, because matmul
broadcasts over that axis and the loss is the sum of independent per-model
losses (so each model's gradient is its own). Each model keeps its own data,
initial weights, minibatches and dropout masks, drawn exactly as
:func:`vizlab.train` draws them, so every returned trace equals the trace of
training that config alone (to rounding).
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Iterable, Sequence

import torch
from tqdm.auto import tqdm

from vizlab import budget
from vizlab.config import ConfigError, RunConfig
from vizlab.core import model, record
from vizlab.core.batched_optim import BatchedOptimizer, lr_factor
from vizlab.core.data import make_dataset
from vizlab.core.live import recorded_steps
from vizlab.core.seeding import streams
from vizlab.trace import Trace

# What may differ between the configs of one sweep: everything else fixes
# the shapes and the algorithm, which the batched pass shares.
VARIABLE_FIELDS = ("lr", "seed", "l1", "l2", "noise", "momentum")


def grid(base: RunConfig, **axes: Iterable) -> list[RunConfig]:
    """The product of value lists over ``VARIABLE_FIELDS``: ``grid(c, lr=[.1, 1], seed=[0, 1])``."""
    bad = sorted(set(axes) - set(VARIABLE_FIELDS))
    if bad:
        raise ConfigError(
            f"a sweep can vary only {', '.join(VARIABLE_FIELDS)}; not {', '.join(bad)}"
        )
    names = list(axes)
    values = [list(axes[n]) for n in names]
    return [base.replace(**dict(zip(names, combo))) for combo in itertools.product(*values)]


def _check_compatible(configs: Sequence[RunConfig]) -> None:
    if not configs:
        raise ConfigError("a sweep needs at least one config")
    first = configs[0].to_dict()
    for c in configs[1:]:
        d = c.to_dict()
        differ = sorted(k for k in d if d[k] != first[k] and k not in VARIABLE_FIELDS)
        if differ:
            raise ConfigError(
                f"configs of one sweep must share the architecture and schedule; "
                f"these differ: {', '.join(differ)}"
            )


@record.one_thread()
def sweep(
    configs: Sequence[RunConfig] | RunConfig,
    *,
    progress: bool = False,
    fields: bool = True,
    max_bytes: int | None = None,
    **axes: Iterable,
) -> list[Trace]:
    """Train many configs at once; one trace per config, equal to :func:`vizlab.train`'s.

    Parameters
    ----------
    configs : RunConfig or sequence of RunConfig
        Either the configs themselves (they may differ only in
        ``VARIABLE_FIELDS``) or one base config combined with ``axes``.
    axes : lists of values
        e.g. ``lr=[1e-3, 1e-2, 0.1, 1.0], seed=[0, 1]``: the grid's product,
        in row-major order (the last axis varies fastest).
    fields : bool
        Also compute decision fields for each trace.
    max_bytes : int, optional
        Memory limit for all the runs together (default 2 GiB or
        ``$VIZLAB_MAX_BYTES``); see :func:`vizlab.budget.check_budget`.

    Returns
    -------
    list of Trace
        A model that diverges stops being recorded at its divergence step
        (its trace says so); the others train on.

    Examples
    --------
    >>> traces = vizlab.sweep(vizlab.RunConfig(dataset="xor"), lr=[0.01, 0.1, 1.0])
    """
    configs = grid(configs, **axes) if isinstance(configs, RunConfig) else list(configs)
    _check_compatible(configs)
    budget.check_budget(configs[0], n_models=len(configs), max_bytes=max_bytes)
    c0, M = configs[0], len(configs)
    device = record.resolve_device(c0.device)
    dtype = record.torch_dtype(c0.dtype)
    n_steps, B = c0.total_steps, c0.effective_batch

    rngs = [streams(c.seed) for c in configs]
    datasets = [make_dataset(c, r.data) for c, r in zip(configs, rngs)]

    def stack(arrays, **kw) -> torch.Tensor:
        return torch.stack([torch.as_tensor(a, **kw) for a in arrays]).to(device)

    Xtr = stack([d.X_train for d in datasets], dtype=dtype)
    ytr = stack([d.y_train for d in datasets])
    Xva = stack([d.X_val for d in datasets], dtype=dtype)
    yva = stack([d.y_val for d in datasets])

    sizes = model.layer_sizes(c0.hidden, c0.n_outputs)
    inits = [model.init_params(sizes, r.init, dtype) for r in rngs]
    flat = model.FlatParams({k: stack([p[k] for p in inits]) for k in inits[0]}, stacked=True)
    params = flat.params
    batches = stack([record.batch_schedule(c0.n_train, B, n_steps, r.batches) for r in rngs])
    drop_p = c0.dropout_per_layer
    per_model_masks = [record.dropout_masks(n_steps, B, c0.hidden, drop_p, r.dropout) for r in rngs]
    masks = [
        None if per_model_masks[0][i] is None else stack([m[i] for m in per_model_masks])
        for i in range(len(c0.hidden))
    ]
    lr0 = torch.tensor([c.lr for c in configs], dtype=dtype, device=device)
    l1 = torch.tensor([c.l1 for c in configs], dtype=dtype, device=device)
    l2 = torch.tensor([c.l2 for c in configs], dtype=dtype, device=device)
    mom = torch.tensor([c.momentum for c in configs], dtype=dtype, device=device)
    opt = BatchedOptimizer(list(params.values()), c0.optimizer, mom)

    full = B == c0.n_train and not any(drop_p)  # the step's pass is the evaluation
    rec = record.Recorder(recorded_steps(c0), flat, B, c0.hidden, device)
    rec.set_task((Xtr, ytr, Xva, yva), c0.loss, c0.activation, l1, l2, train_in_loop=full)
    models = torch.arange(M, device=device)[:, None]
    # First step at which each model diverged (n_steps + 1 = never) and why, kept on the device.
    stop = torch.full((M,), n_steps + 1, dtype=torch.long, device=device)
    why = torch.zeros((M,), dtype=torch.long, device=device)
    for s in tqdm(range(n_steps + 1), disable=not progress, desc="sweep", unit="step", leave=False):
        row = rec.row_of(s)
        lr = lr0 * lr_factor(c0, s)
        if s == n_steps:
            rec.keep_final(row, lr)
            break
        # forward: each model on its own minibatch, with its own masks
        idx = batches[:, s]
        step_masks = [m[:, s] if m is not None else None for m in masks]
        logits, _ = model.forward(params, Xtr[models, idx], c0.activation, step_masks, drop_p)
        # loss: the sum of independent per-model losses, so each gradient is per model
        loss_data = model.data_loss(logits, ytr[models, idx], c0.loss)
        loss = loss_data + model.penalty(params, l1, l2)
        # backward
        flat.grad.zero_()
        with warnings.catch_warnings():
            # Per-model slices of the flat buffer are strided views; autograd still
            # accumulates into them in place, it only notes the layout.
            warnings.filterwarnings("ignore", message="grad and param do not obey")
            loss.sum().backward()
        code = record.divergence_code(loss, flat)
        first = (code > 0) & (stop > n_steps)
        stop = torch.where(first, s, stop)
        why = torch.where(first, code, why)
        # record, step
        if row is not None:
            rec.keep_step(row, loss_data, lr, idx, step_masks, logits.detach())
        opt.step(lr)

    rec.evaluate()
    traces = []
    for m, (c, data) in enumerate(zip(configs, datasets)):
        k = int(stop[m])
        diverged = k <= n_steps
        events = [record.divergence_event(k, int(why[m]))] if diverged else []
        arrays = rec.arrays(stop=k if diverged else None, model_index=m)
        arrays.update(record.static_and_fields(arrays, data, c, dtype, device, fields=fields))
        header = record.header(c, data, device, events, custom_data=False)
        header["sweep"] = {"index": m, "size": M}
        traces.append(Trace(arrays, header))
    return traces
