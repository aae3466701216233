"""The training engine: a stack of M >= 1 models, set up once, stepped by one loop.

:func:`vizlab.train` and :class:`~vizlab.core.live.LiveRun` run it with one
model, :func:`vizlab.sweep` with a whole grid. The models are stacked along a
leading axis (weights (M, out, in)) and every step reads like the lecture:

1. **forward** each model on its own minibatch, with its own dropout masks;
2. **loss** (mean data loss plus the L1/L2 penalty), one value per model;
3. **backward**: written out by hand (:mod:`vizlab.core.backprop`) where it
   covers the network, else autograd on the sum of the per-model losses (so
   each model's gradient is its own);
4. **record** the row (parameters, gradients, batch, masks, and the optimizer
   state after the update) into buffers preallocated on the training device;
5. **update** with the batched restatement of each model's torch optimizer
   (:mod:`vizlab.core.batched_optim`).

Every model draws its data, initial weights, minibatches and masks from its
own seed exactly as a single run does, so model m of a sweep equals
``train(configs[m])`` to rounding. Nothing in a step waits for the host on a
GPU (divergence and early stopping are tracked on the device; the loop looks
at them every ``SYNC_EVERY`` steps there, every step on a CPU, where looking
is free).

Validation-driven behaviour (``patience``/``restore_best`` early stopping with
Keras' ``EarlyStopping`` semantics, ``schedule="plateau"`` with torch's
``ReduceLROnPlateau``) evaluates the validation loss at every recorded row.
"""

from __future__ import annotations

import contextlib
import json
import math
import time
import warnings
from collections.abc import Sequence

import numpy as np
import torch

from vizlab.config import RunConfig
from vizlab.core import backprop, draws, model, record, threads
from vizlab.core.batched_optim import OPTIMIZERS, BatchedOptimizer, Plateau, lr_factor
from vizlab.core.data import Dataset, make_dataset
from vizlab.core.provenance import resolve_device
from vizlab.core.seeding import streams
from vizlab.trace import Trace

#: Models at which a stack starts using more than one CPU thread.
THREADS_FROM = 16
#: On a GPU, how often (in steps) the loop asks whether every model has stopped.
SYNC_EVERY = 64
#: Steps per timed chunk when the loop measures how many threads pay.
CHUNK = 16


def recorded_steps(config: RunConfig) -> np.ndarray:
    """Optimizer steps that get a row: every ``record_every``-th, and always the final state."""
    n = config.total_steps
    return np.union1d(np.arange(0, n, config.record_every), [n]).astype(np.int64)


def threads_for(n_models: int) -> int:
    """CPU threads a stack of ``n_models`` may split its kernels among: one below 16 models.

    These networks are tiny: splitting one small run's kernels costs more in
    hand-offs than it saves, while a stack of many models gives every kernel
    plenty of work. Whether the threads are used is then measured as the run
    goes (:class:`vizlab.core.threads.KernelThreads`).
    """
    if n_models < THREADS_FROM:
        return 1
    return max(1, min(threads.allowed(), n_models // 8))


#: Config fields that change how a model trains, not what it starts from
#: (the sweep's VARIABLE_FIELDS but the seed and the data's noise).
TRAINING_ONLY = ("lr", "momentum", "optimizer", "l1", "l2")


def starting_point_groups(configs: Sequence[RunConfig]) -> list[int]:
    """For each config, the index of the first config with the same data and initial weights.

    Those are drawn from the seed and shaped by every field but
    :data:`TRAINING_ONLY`; configs equal in all those fields start alike.
    """
    first: dict[str, int] = {}
    out = []
    for m, c in enumerate(configs):
        d = c.to_dict()
        key = json.dumps({k: v for k, v in d.items() if k not in TRAINING_ONLY}, sort_keys=True)
        out.append(first.setdefault(key, m))
    return out


def _once_each(group: list[int], make) -> list:
    """``make(m)`` for each group's first config, shared by the rest of its group."""
    made = {g: make(g) for g in dict.fromkeys(group)}
    return [made[g] for g in group]


class Engine:
    """M stacked runs, one per config, advanced together.

    Parameters
    ----------
    configs : sequence of RunConfig
        They share the architecture, data size, schedule and dtype; they may
        differ in seed, lr, momentum, penalties, noise and optimizer.
    datasets : list of Dataset, optional
        One per config (e.g. user data); default: generated from each config.
    custom_data : bool
        The datasets are the user's (recorded in the header).
    record_on : bool
        False records only the final state.

    Attributes
    ----------
    done : int
        Optimizer steps taken so far (the same for every model).
    n_steps : int
        Steps of the whole run.
    """

    def __init__(
        self,
        configs: Sequence[RunConfig],
        *,
        datasets: Sequence[Dataset] | None = None,
        custom_data: bool = False,
        record_on: bool = True,
    ):
        self.configs = list(configs)
        c0, M = self.configs[0], len(self.configs)
        self.M, self.custom_data = M, custom_data
        self.device = dev = resolve_device(c0.device)
        self.dtype = dt = record.torch_dtype(c0.dtype)
        self.n_steps, B = c0.total_steps, c0.effective_batch
        # torch threads inside the kernels: tried and timed for big stacks on a CPU
        self.kernel_threads = threads.KernelThreads(threads_for(M) if dev.type == "cpu" else 1)
        rngs = [streams(c.seed) for c in self.configs]
        # configs that differ only in how they train share their data and initial
        # weights (a grid of 16 rates x 4 seeds makes 4 datasets, not 64)
        group = starting_point_groups(self.configs)
        if datasets is None:
            datasets = _once_each(group, lambda m: make_dataset(self.configs[m], rngs[m].data))
        self.data = list(datasets)

        def stack(arrays, **kw) -> torch.Tensor:
            return torch.stack([torch.as_tensor(a, **kw) for a in arrays]).to(dev)

        d = self.data
        # the first layer sees the config's input features (vizlab.features)
        fs = c0.features
        self.Xtr = stack([x.inputs("train", fs) for x in d], dtype=dt)
        self.Xva = stack([x.inputs("val", fs) for x in d], dtype=dt)
        self.ytr, self.yva = stack([x.y_train for x in d]), stack([x.y_val for x in d])
        # setup: initial weights, drawn before the first step
        sizes = model.layer_sizes(c0.hidden, c0.n_outputs, self.Xtr.shape[-1])
        inits = _once_each(
            group,
            lambda m: model.init_params(sizes, rngs[m].init, dt, scheme=self.configs[m].init),
        )
        self.flat = model.FlatParams(
            {k: stack([p[k] for p in inits]) for k in inits[0]}, stacked=True
        )
        self.params = self.flat.params
        self.full_batch = B == c0.n_train
        self.drop_p = c0.dropout_per_layer
        # minibatches and masks: drawn a window of steps at a time as the run advances
        self.draws = draws.Draws(
            c0.n_train,
            B,
            self.n_steps,
            c0.hidden,
            self.drop_p,
            [r.batches for r in rngs],
            [r.dropout for r in rngs],
            dev,
        )

        def per_model(name: str, skip_zero: bool = False):
            values = [getattr(c, name) for c in self.configs]
            if skip_zero and not any(values):
                return 0.0  # no penalty: no work, and no 0 * inf
            return torch.tensor(values, dtype=dt, device=dev)

        self.lr0, self.mom = per_model("lr"), per_model("momentum")
        self.l1, self.l2 = per_model("l1", True), per_model("l2", True)
        self.kinds = [c.optimizer for c in self.configs]
        self.opt = BatchedOptimizer(self.flat.data, self.flat.grad, self.kinds, self.mom)
        self.plateau = (
            Plateau(self.lr0, c0.gamma, c0.lr_patience) if c0.schedule == "plateau" else None
        )
        self.patience, self.restore = c0.patience, c0.restore_best
        self.watch = bool(self.patience) or self.plateau is not None
        # forward and backward: by hand where it covers the network, else autograd
        task = getattr(c0, "task", "classification")
        self.loss_kind = model.loss_kind(c0.loss, task)
        self.by_hand = backprop.covers(c0.activation, self.loss_kind)
        # the training labels as the loss reads them: numbers (converted once,
        # not every step), or class indices for cross-entropy
        numbers = self.loss_kind != "cross_entropy"
        self.targets = self.ytr.to(dt) if numbers else self.ytr
        self.grads = dict(zip(self.params, self.flat.unflatten(self.flat.grad).values()))
        rows = recorded_steps(c0) if record_on else np.array([self.n_steps])
        self.rec = record.Recorder(rows, self.flat, B, c0.hidden, dev, self.opt.buffer_names)
        # A full batch without dropout *is* the training-set evaluation, unless
        # restored weights will need measuring again.
        in_loop = self.full_batch and not any(self.drop_p) and not self.restore
        data = (self.Xtr, self.ytr, self.Xva, self.yva)
        self.rec.set_task(
            data, self.loss_kind, c0.activation, self.l1, self.l2, train_in_loop=in_loop
        )
        self.models = torch.arange(M, device=dev)[:, None]
        self._lr_at: tuple[float, torch.Tensor] | None = None  # (schedule factor, lr0 * it)
        never = self.n_steps + 1
        # Per model, on the device: first diverged step and why; early stopping.
        self.diverged_at = torch.full((M,), never, dtype=torch.long, device=dev)
        self.why = torch.zeros((M,), dtype=torch.long, device=dev)
        self.stopped_at = torch.full((M,), never, dtype=torch.long, device=dev)
        self.best_val = torch.full((M,), torch.inf, dtype=dt, device=dev)
        self.best_row = torch.zeros((M,), dtype=torch.long, device=dev)
        self.wait = torch.zeros((M,), dtype=torch.long, device=dev)
        self.done = 0
        self._final_watched = False
        self._settle()

    # ------------------------------------------------------------ state
    def alive(self) -> torch.Tensor:
        """(M,) bool: the models still training (not diverged, not early-stopped)."""
        never = self.n_steps + 1
        return (self.diverged_at == never) & (self.stopped_at == never)

    @property
    def finished(self) -> bool:
        """True once every step has run or every model has stopped."""
        return self.done >= self.n_steps or not bool(self.alive().any())

    def lr(self, step: int) -> torch.Tensor:
        """(M,) learning rates of optimizer step ``step``."""
        if self.plateau is not None:
            return self.plateau.lr
        factor = lr_factor(self.configs[0], step)
        if self._lr_at is None or self._lr_at[0] != factor:  # built once per factor, not per step
            self._lr_at = (factor, self.lr0 * factor)
        return self._lr_at[1]

    # ------------------------------------------------------------ the loop
    def advance(self, n: int) -> int:
        """Take up to ``n`` steps; return how many were taken."""
        taken, kt = 0, self.kernel_threads
        while taken < n and self.done < self.n_steps:
            k = kt.pick()
            want = min(n - taken, kt.steps(k, CHUNK)) if kt.timed else n - taken
            start = time.perf_counter()
            with threads.using_threads(k):
                got = self._steps(want)
            kt.report(k, time.perf_counter() - start, got)
            taken += got
            if got < want:
                break
        with threads.using_threads(1):
            self._settle()
        return taken

    def _steps(self, n: int) -> int:
        """Take up to ``n`` steps on the current threads; return how many were taken."""
        taken = 0
        while taken < n and self.done < self.n_steps:
            if not self._step(self.done):
                break
            self.done += 1
            taken += 1
        return taken

    def _step(self, s: int) -> bool:
        """Optimizer step ``s`` for every model; False if all have stopped before it."""
        rec, row = self.rec, self.rec.row_of(s)
        look = self.device.type == "cpu" or s % SYNC_EVERY == 0
        if row is not None and self.watch:
            self._watch(s, row)
            if not bool(self.alive().any()):
                rec.keep_final(row, self.lr(s))
                return False
        lr = self.lr(s)
        # forward, loss, backward
        idx, masks = self.draws.at(s)
        X = self.Xtr if idx is None else self.Xtr[self.models, idx]
        y = self.targets if idx is None else self.targets[self.models, idx]
        loss_data, loss, logits = self._loss_and_grad(X, y, masks)
        if not (look and self._healthy(loss)):
            code = record.divergence_code(loss, self.flat)
            first = (code > 0) & (self.diverged_at > self.n_steps)
            self.diverged_at = torch.where(first, s, self.diverged_at)
            self.why = torch.where(first, code, self.why)
            if look and bool(code.any()) and not bool(self.alive().any()):
                return False  # the step from a bad state is not taken
        # record
        if row is not None:
            rec.keep_step(row, loss_data, lr, idx, masks, logits)
        # update
        self.opt.step(lr)
        if row is not None and rec.opt:
            rec.keep_opt(row, self.opt.blocks, self.opt.state)
        return True

    def _healthy(self, loss: torch.Tensor) -> bool:
        """True when no model can have a divergence code this step (a host sync).

        A few reductions instead of the per-model codes, brought to the host in
        one copy: a sum is finite when every loss and gradient is (it can also
        overflow, and then the exact codes are computed), and the smallest and
        largest weights are NaN if any weight is.
        """
        low, high = torch.aminmax(self.flat.data)
        total, low, high = torch.stack((loss.sum() + self.flat.grad.sum(), low, high)).tolist()
        return math.isfinite(total) and -record.EXPLODED <= low and high <= record.EXPLODED

    def _loss_and_grad(self, X, y, masks):
        c = self.configs[0]
        if self.by_hand:
            return backprop.loss_and_grad(
                self.params,
                self.grads,
                X,
                y,
                c.activation,
                self.loss_kind,
                masks,
                self.drop_p,
                self.l1,
                self.l2,
            )
        logits, _ = model.forward(self.params, X, c.activation, masks, self.drop_p)
        loss_data = model.data_loss(logits, y, self.loss_kind)
        loss = loss_data + model.penalty(self.params, self.l1, self.l2)
        self.flat.grad.zero_()
        with warnings.catch_warnings():
            # Per-model slices of the flat buffer are strided views; autograd still
            # accumulates into them in place, it only notes the layout.
            warnings.filterwarnings("ignore", message="grad and param do not obey")
            loss.sum().backward()
        return loss_data.detach(), loss.detach(), logits.detach()

    @torch.no_grad()
    def _watch(self, s: int, row: int) -> None:
        """Validation loss of the current weights: early stopping and the plateau schedule."""
        c = self.configs[0]
        logits, _ = model.forward(self.params, self.Xva, c.activation, measuring=True)
        val = model.data_loss(logits, self.yva, self.loss_kind)
        alive = self.alive()
        if self.plateau is not None:
            self.plateau.step(val, alive)
        if self.patience:
            # Keras EarlyStopping (min_delta 0): stop once `patience` evaluations
            # in a row have not improved on the best.
            better = alive & (val < self.best_val)
            self.best_val = torch.where(better, val, self.best_val)
            self.best_row = torch.where(better, row, self.best_row)
            self.wait = torch.where(better, 0, self.wait + 1)
            hit = alive & (self.wait >= self.patience)
            self.stopped_at = torch.where(hit, s, self.stopped_at)

    def _settle(self) -> None:
        """Record the current state as the last row (if recorded); stepping on overwrites it."""
        row = self.rec.row_of(self.done)
        if row is None or not bool(self.alive().any()):
            return
        if self.done == self.n_steps and self.watch and not self._final_watched:
            self._final_watched = True  # the last evaluation can still stop a run
            with threads.using_threads(1):
                self._watch(self.done, row)
        self.rec.keep_final(row, self.lr(self.done))

    # ------------------------------------------------------------ traces
    def _ends(self) -> list[tuple[int, list[dict]]]:
        """For every model: (first optimizer step not in its trace, its events).

        The per-model device state comes to the host in one copy per tensor.
        """
        div, stop, why, best = (
            t.tolist() for t in (self.diverged_at, self.stopped_at, self.why, self.best_row)
        )
        return [self._end(m, div[m], stop[m], why[m], best[m]) for m in range(self.M)]

    def _end(self, m: int, div: int, stop: int, why: int, best_row: int) -> tuple[int, list[dict]]:
        if div <= self.n_steps and div <= stop:
            return div, [record.divergence_event(div, why)]
        if stop <= self.n_steps:
            best = int(self.rec.steps[best_row])
            event = {"type": "early_stop", "step": stop, "best_step": best}
            event["restored"] = bool(self.restore)
            return stop + 1, [event]
        return self.done + 1, []

    @torch.no_grad()
    def traces(self, frames: int | None = None, fields: bool = True) -> list[Trace]:
        """What has run so far, one Trace per model (copies: stepping on changes none).

        Parameters
        ----------
        frames : int, optional
            Decision-field snapshots per trace (default ``config.frames``).
        fields : bool
            Compute decision fields at all.
        """
        ends = self._ends()
        for m, (_, events) in enumerate(ends):
            if events and events[0]["type"] == "early_stop":
                row = self.rec.row_of(events[0]["step"])
                best = int(self.best_row[m]) if self.restore else None
                self.rec.close_row(row, m, restore_from=best)
        with threads.using_threads(1), contextlib.ExitStack() as stack:
            self.rec.evaluate()
            out = []
            stack.enter_context(self.rec.on_host())
            for m, (c, data, (end, events)) in enumerate(zip(self.configs, self.data, ends)):
                buffers = OPTIMIZERS[c.optimizer].buffers
                arrays = self.rec.arrays(stop=end, model_index=m, opt_buffers=buffers)
                if frames is not None and frames != c.frames:
                    c = c.replace(frames=frames)
                arrays.update(
                    record.static_and_fields(
                        arrays, data, c, self.dtype, self.device, fields=fields
                    )
                )
                head = record.header(self.configs[m], data, self.device, events, self.custom_data)
                out.append(Trace(arrays, head))
        return out
