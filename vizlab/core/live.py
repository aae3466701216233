"""LiveRun: one training run advanced a few steps at a time, looked at in between.

:func:`vizlab.train` runs a config to its end in one call. The playground
needs the same run in pieces: train a little, show the picture, train on. A
LiveRun sets the run up exactly as ``train`` does (the same seed streams, the
minibatches and dropout masks drawn before the first step, torch's own
optimizer and schedule, the same :class:`~vizlab.core.record.Recorder`), so
stepped to its end its trace equals ``train(config)``'s, and stepped part of
the way it holds the first rows of that trace.
"""

from __future__ import annotations

import numpy as np
import torch

from vizlab import budget
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


class LiveRun:
    """The run ``config`` describes, advanced by :meth:`step`, read by :meth:`trace`.

    Parameters
    ----------
    config : RunConfig
        The whole run: ``config.total_steps`` is where it ends.
    X, y : ndarray (N, 2) and (N,), optional
        Your own data instead of ``config.dataset``, as in :func:`vizlab.train`.
    record_on : bool
        False records only the final state (to measure what recording costs).
    max_bytes : int, optional
        Memory limit (default 2 GiB or ``$VIZLAB_MAX_BYTES``); a run whose
        :func:`vizlab.budget.estimate` exceeds it is a ConfigError.

    Attributes
    ----------
    config : RunConfig
    done : int
        Optimizer steps taken so far.
    events : list of dict
        A ``{"type": "diverged", ...}`` event once the run has diverged.

    Examples
    --------
    >>> run = LiveRun(RunConfig(dataset="xor", steps=300))
    >>> run.step(100)
    100
    >>> run.trace().steps[-1]
    100
    """

    def __init__(
        self,
        config: RunConfig | None = None,
        *,
        X: np.ndarray | None = None,
        y: np.ndarray | None = None,
        record_on: bool = True,
        max_bytes: int | None = None,
    ):
        config = config or RunConfig()
        budget.check_budget(config, X_shape=np.shape(X), max_bytes=max_bytes)
        if (X is None) != (y is None):
            raise ValueError("give both X and y, or neither")
        rng = streams(config.seed)
        if X is not None:
            X, y = check_arrays(X, y)
            if len(X) != config.n_points:
                config = config.replace(n_points=len(X))
            self.data = split_and_standardise(X, y, config.n_val, rng.data, "custom")
        else:
            self.data = make_dataset(config, rng.data)
        self.config, self.custom_data = config, X is not None
        self.device = record.resolve_device(config.device)
        self.dtype = record.torch_dtype(config.dtype)
        d, dev = self.data, self.device
        self._Xtr = torch.as_tensor(d.X_train, dtype=self.dtype, device=dev)
        self._ytr = torch.as_tensor(d.y_train, device=dev)
        self._Xva = torch.as_tensor(d.X_val, dtype=self.dtype, device=dev)
        self._yva = torch.as_tensor(d.y_val, device=dev)
        sizes = model.layer_sizes(config.hidden, config.n_outputs)
        init = model.init_params(sizes, rng.init, self.dtype)
        self._flat = model.FlatParams({k: v.to(self.device) for k, v in init.items()})
        self.params = self._flat.params
        self._opt = make_optimizer(list(self.params.values()), config)
        self._sched = make_scheduler(self._opt, config)
        n, B = config.total_steps, config.effective_batch
        self._batches = record.batch_schedule(config.n_train, B, n, rng.batches).to(self.device)
        self._drop_p = config.dropout_per_layer
        masks = record.dropout_masks(n, B, config.hidden, self._drop_p, rng.dropout)
        self._masks = [m.to(self.device) if m is not None else None for m in masks]
        rows = recorded_steps(config) if record_on else np.array([n])
        self._rec = record.Recorder(rows, self._flat, B, config.hidden, self.device)
        full = B == config.n_train and not any(self._drop_p)  # the step's pass is the evaluation
        self._rec.set_task(
            (self._Xtr, self._ytr, self._Xva, self._yva),
            config.loss,
            config.activation,
            config.l1,
            config.l2,
            train_in_loop=full,
        )
        self.done = 0
        self.events: list[dict] = []
        self._settle()

    @property
    def total(self) -> int:
        """Optimizer steps of the whole run (``config.total_steps``)."""
        return self.config.total_steps

    @property
    def finished(self) -> bool:
        """True once every step has run, or the run has diverged."""
        return bool(self.events) or self.done >= self.total

    @record.one_thread()
    def step(self, n: int = 1) -> int:
        """Take up to ``n`` optimizer steps; return how many were taken.

        Fewer are taken when the run reaches its end or diverges (a diverged
        step is not taken: the state it started from was already bad).
        """
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"n must be a non-negative integer; got {n!r}")
        c, rec, params = self.config, self._rec, self.params
        taken = 0
        while taken < n and not self.finished:
            s = self.done
            row = rec.row_of(s)
            # forward
            idx = self._batches[s]
            step_masks = [m[s] if m is not None else None for m in self._masks]
            logits, _ = model.forward(
                params, self._Xtr[idx], c.activation, step_masks, self._drop_p
            )
            # loss: data term on the minibatch plus the weight penalty
            loss_data = model.data_loss(logits, self._ytr[idx], c.loss)
            loss = loss_data + model.penalty(params, c.l1, c.l2)
            # backward
            self._flat.grad.zero_()  # the gradients live in one flat buffer
            loss.backward()
            code = int(record.divergence_code(loss, self._flat))
            if code:
                self.events.append(record.divergence_event(s, code))
                break
            # record
            if row is not None:
                lr = self._opt.param_groups[0]["lr"]
                rec.keep_step(row, loss_data, lr, idx, step_masks, logits.detach())
            # step
            self._opt.step()
            if self._sched is not None:
                self._sched.step()
            self.done += 1
            taken += 1
        self._settle()
        return taken

    def _settle(self) -> None:
        """Record the current state as the last row (if it is a recorded step).

        Like a finished run's final row: parameters, no gradient yet (NaN),
        batch -1, masks all kept. Stepping on overwrites the row.
        """
        if self.events:
            return
        row = self._rec.row_of(self.done)
        if row is not None:
            self._rec.keep_final(row, self._opt.param_groups[0]["lr"])

    @record.one_thread()
    def trace(self, frames: int | None = None) -> Trace:
        """What has run so far, as a Trace.

        Parameters
        ----------
        frames : int, optional
            How many decision-field snapshots to compute, log-spaced over the
            rows so far plus the last row (as ``train`` picks them); default
            ``config.frames``. ``frames=1`` gives the first and the latest
            row only, which is all a live picture needs and costs little.

        Returns
        -------
        Trace
            The rows of the recorded steps up to ``done`` (the last row is the
            current state when ``done`` is a recorded step), with the keys of
            a :func:`vizlab.train` trace. Arrays are copies: stepping on
            never changes a trace already returned.
        """
        stop = self.events[0]["step"] if self.events else self.done + 1
        # Losses and accuracies of the recorded states, in batched passes, as
        # train computes them after its loop (rows not reached yet stay NaN).
        self._rec.evaluate()
        arrays = {k: np.array(v, copy=True) for k, v in self._rec.arrays(stop=stop).items()}
        c = self.config
        if frames is not None and frames != c.frames:
            c = c.replace(frames=frames)
        arrays.update(record.static_and_fields(arrays, self.data, c, self.dtype, self.device))
        head = record.header(self.config, self.data, self.device, self.events, self.custom_data)
        return Trace(arrays, head)
