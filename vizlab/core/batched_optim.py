"""torch's optimizers and schedules, restated for a stack of models with their own settings.

``torch.optim`` takes one scalar learning rate per parameter group, but the
engine trains M models stacked along a leading axis, each with its own rate
(and momentum, and even its own optimizer). The updates below follow torch's
documented single-tensor algorithms line by line (torch's default
hyper-parameters), on the flat (m, P) parameter and gradient buffers of a
block of models that share an optimizer, with ``lr`` and ``momentum`` (m, 1)
tensors broadcast over the parameters. Their state buffers carry torch's own
names (``momentum_buffer``, ``sum``, ``square_avg``, ``exp_avg``,
``exp_avg_sq``), which is how the trace records them (``opt/<param>.<buffer>``).
The tests replay recorded gradients through ``torch.optim`` itself and check
both the parameters and the state.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch

from vizlab.config import RunConfig

ADAGRAD_EPS = 1e-10
RMSPROP_ALPHA, RMSPROP_EPS = 0.99, 1e-8
ADAM_BETAS, ADAM_EPS = (0.9, 0.999), 1e-8
# torch.optim.lr_scheduler.ReduceLROnPlateau's defaults (mode "min", relative threshold).
PLATEAU_THRESHOLD, PLATEAU_EPS = 1e-4, 1e-8

State = dict[str, torch.Tensor]


def _sgd(p, g, st: State, lr, mu, t: int) -> None:
    p.addcmul_(lr, g, value=-1)  # p -= lr * g, without a temporary


def _momentum(p, g, st: State, lr, mu, t: int, nesterov: bool = False) -> None:
    # buf_1 = g; buf_t = mu * buf_{t-1} + g (no dampening)
    if "momentum_buffer" not in st:
        st["momentum_buffer"] = g.clone()
    else:
        st["momentum_buffer"].mul_(mu).add_(g)
    buf = st["momentum_buffer"]
    p.sub_(lr * (g + mu * buf if nesterov else buf))


def _nesterov(p, g, st: State, lr, mu, t: int) -> None:
    _momentum(p, g, st, lr, mu, t, nesterov=True)


def _adagrad(p, g, st: State, lr, mu, t: int) -> None:
    s = st.setdefault("sum", torch.zeros_like(p))
    s.addcmul_(g, g)
    p.sub_(lr * g / (s.sqrt() + ADAGRAD_EPS))


def _rmsprop(p, g, st: State, lr, mu, t: int) -> None:
    sq = st.setdefault("square_avg", torch.zeros_like(p))
    sq.mul_(RMSPROP_ALPHA).addcmul_(g, g, value=1 - RMSPROP_ALPHA)
    p.sub_(lr * g / (sq.sqrt() + RMSPROP_EPS))


def _adam(p, g, st: State, lr, mu, t: int) -> None:
    b1, b2 = ADAM_BETAS
    m = st.setdefault("exp_avg", torch.zeros_like(p))
    v = st.setdefault("exp_avg_sq", torch.zeros_like(p))
    m.lerp_(g, 1 - b1)
    v.mul_(b2).addcmul_(g, g, value=1 - b2)
    # Bias-corrected: p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
    denom = v.sqrt() / math.sqrt(1 - b2**t) + ADAM_EPS
    p.sub_(lr / (1 - b1**t) * m / denom)


@dataclass(frozen=True)
class OptimizerSpec:
    """One optimizer: its label, torch's own factory, its batched restatement and state names."""

    label: str
    torch_factory: Callable[[list[torch.Tensor], RunConfig], torch.optim.Optimizer]
    update: Callable[..., None]
    buffers: tuple[str, ...]


#: config name -> optimizer. The tests hold every restatement to its torch factory.
OPTIMIZERS: dict[str, OptimizerSpec] = {
    "sgd": OptimizerSpec("SGD", lambda ps, c: torch.optim.SGD(ps, lr=c.lr), _sgd, ()),
    "momentum": OptimizerSpec(
        "SGD + momentum",
        lambda ps, c: torch.optim.SGD(ps, lr=c.lr, momentum=c.momentum),
        _momentum,
        ("momentum_buffer",),
    ),
    "nesterov": OptimizerSpec(
        "Nesterov momentum",
        lambda ps, c: torch.optim.SGD(ps, lr=c.lr, momentum=c.momentum, nesterov=True),
        _nesterov,
        ("momentum_buffer",),
    ),
    "adagrad": OptimizerSpec(
        "Adagrad", lambda ps, c: torch.optim.Adagrad(ps, lr=c.lr), _adagrad, ("sum",)
    ),
    "rmsprop": OptimizerSpec(
        "RMSProp", lambda ps, c: torch.optim.RMSprop(ps, lr=c.lr), _rmsprop, ("square_avg",)
    ),
    "adam": OptimizerSpec(
        "Adam", lambda ps, c: torch.optim.Adam(ps, lr=c.lr), _adam, ("exp_avg", "exp_avg_sq")
    ),
}


def torch_optimizer(params: list[torch.Tensor], config: RunConfig) -> torch.optim.Optimizer:
    """torch's own optimizer for ``config.optimizer`` (the oracle of the restatements)."""
    return OPTIMIZERS[config.optimizer].torch_factory(params, config)


def lr_factor(config: RunConfig, step: int) -> float:
    """Schedule multiplier at optimizer step ``step`` (closed forms of torch's schedulers).

    ``plateau`` depends on the validation loss and is handled by :class:`Plateau`.
    """
    if config.schedule == "step":
        return config.gamma ** (step // config.step_size)
    if config.schedule == "exponential":
        return config.gamma**step
    if config.schedule == "cosine":
        # CosineAnnealingLR with eta_min = 0 over the whole run.
        return (1 + math.cos(math.pi * step / config.total_steps)) / 2
    return 1.0


class Plateau:
    """torch's ``ReduceLROnPlateau`` (mode "min"), one per model, on the device.

    Parameters
    ----------
    lr : Tensor (M,)
        Initial learning rates; :attr:`lr` holds the current ones.
    factor : float
        Multiplier applied after more than ``patience`` evaluations without a
        relative improvement of ``PLATEAU_THRESHOLD``.
    """

    def __init__(self, lr: torch.Tensor, factor: float, patience: int):
        self.lr = lr.clone()
        self.factor, self.patience = factor, patience
        self.best = torch.full_like(lr, math.inf)
        self.bad = torch.zeros_like(lr, dtype=torch.long)

    def step(self, metric: torch.Tensor, active: torch.Tensor) -> None:
        """One evaluation ``metric`` (M,); models with ``active`` False are left alone."""
        better = metric < self.best * (1 - PLATEAU_THRESHOLD)
        self.best = torch.where(active & better, metric, self.best)
        self.bad = torch.where(better, 0, self.bad + 1)
        reduce = active & (self.bad > self.patience)
        new = self.lr * self.factor
        self.lr = torch.where(reduce & (self.lr - new > PLATEAU_EPS), new, self.lr)
        self.bad = torch.where(reduce, 0, self.bad)


class BatchedOptimizer:
    """Updates for M stacked models held in one flat (M, P) buffer.

    Parameters
    ----------
    data, grad : Tensor (M, P)
        The flat parameter and gradient buffers (:class:`vizlab.core.model.FlatParams`).
    kinds : list of str, length M
        Each model's optimizer name. Runs of equal names form blocks updated
        together on contiguous views (sort the models by optimizer for one
        block per optimizer).
    momentum : Tensor (M,)
        Used by ``momentum`` and ``nesterov``.
    """

    def __init__(
        self, data: torch.Tensor, grad: torch.Tensor, kinds: list[str], momentum: torch.Tensor
    ):
        self.data, self.grad, self.momentum = data, grad, momentum[:, None]
        self.blocks: list[tuple[str, int, int]] = []
        for m, kind in enumerate(kinds):
            if self.blocks and self.blocks[-1][0] == kind:
                self.blocks[-1] = (kind, self.blocks[-1][1], m + 1)
            else:
                self.blocks.append((kind, m, m + 1))
        self.state: list[State] = [{} for _ in self.blocks]
        self.t = 0

    @property
    def buffer_names(self) -> list[str]:
        """Every state buffer name any block keeps, in registry order."""
        names = {b for kind, _, _ in self.blocks for b in OPTIMIZERS[kind].buffers}
        return [b for spec in OPTIMIZERS.values() for b in spec.buffers if b in names]

    @torch.no_grad()
    def step(self, lr: torch.Tensor) -> None:
        """Apply one update; ``lr`` is a (M,) tensor of this step's learning rates."""
        self.t += 1
        lr = lr[:, None]
        for (kind, a, b), st in zip(self.blocks, self.state):
            OPTIMIZERS[kind].update(
                self.data[a:b], self.grad[a:b], st, lr[a:b], self.momentum[a:b], self.t
            )
