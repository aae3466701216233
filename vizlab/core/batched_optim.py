"""torch's optimizers and schedules, restated for a stack of models with one learning rate each.

``torch.optim`` takes one scalar learning rate per parameter group, but a
sweep trains M models stacked along a leading axis, each with its own rate.
These updates follow torch's documented single-tensor algorithms line by
line (default hyper-parameters), with ``lr`` a tensor broadcast over the
model axis; the tests check them against ``torch.optim`` itself.
"""

from __future__ import annotations

import math

import torch

from vizlab.config import RunConfig

ADAGRAD_EPS = 1e-10
RMSPROP_ALPHA, RMSPROP_EPS = 0.99, 1e-8
ADAM_BETAS, ADAM_EPS = (0.9, 0.999), 1e-8


def lr_factor(config: RunConfig, step: int) -> float:
    """Schedule multiplier at optimizer step ``step`` (closed forms of torch's schedulers)."""
    if config.schedule == "step":
        return config.gamma ** (step // config.step_size)
    if config.schedule == "exponential":
        return config.gamma**step
    if config.schedule == "cosine":
        # CosineAnnealingLR with eta_min = 0 over the whole run.
        return (1 + math.cos(math.pi * step / config.total_steps)) / 2
    return 1.0


class BatchedOptimizer:
    """One optimizer over stacked parameters (leading axis = model).

    Parameters
    ----------
    params : list of Tensor (M, ...)
    kind : optimizer name from :data:`vizlab.config.OPTIMIZERS`
    momentum : Tensor (M,)
        Used by ``momentum`` and ``nesterov``.
    """

    def __init__(self, params: list[torch.Tensor], kind: str, momentum: torch.Tensor):
        self.params = params
        self.kind = kind
        self.momentum = momentum
        self.state: list[dict[str, torch.Tensor]] = [{} for _ in params]
        self.t = 0

    @staticmethod
    def _per_model(v: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
        return v.view(-1, *([1] * (like.dim() - 1)))

    @torch.no_grad()
    def step(self, lr: torch.Tensor) -> None:
        """Apply one update; ``lr`` is a (M,) tensor of this step's learning rates."""
        self.t += 1
        for p, st in zip(self.params, self.state):
            g = p.grad
            r = self._per_model(lr, p)
            if self.kind == "sgd":
                p.sub_(r * g)
            elif self.kind in ("momentum", "nesterov"):
                mu = self._per_model(self.momentum, p)
                # buf_1 = g; buf_t = mu * buf_{t-1} + g (no dampening)
                buf = st["buf"] = g.clone() if "buf" not in st else st["buf"].mul_(mu).add_(g)
                direction = g + mu * buf if self.kind == "nesterov" else buf
                p.sub_(r * direction)
            elif self.kind == "adagrad":
                s = st.setdefault("sum", torch.zeros_like(p))
                s.addcmul_(g, g)
                p.sub_(r * g / (s.sqrt() + ADAGRAD_EPS))
            elif self.kind == "rmsprop":
                sq = st.setdefault("sq", torch.zeros_like(p))
                sq.mul_(RMSPROP_ALPHA).addcmul_(g, g, value=1 - RMSPROP_ALPHA)
                p.sub_(r * g / (sq.sqrt() + RMSPROP_EPS))
            elif self.kind == "adam":
                b1, b2 = ADAM_BETAS
                m = st.setdefault("m", torch.zeros_like(p))
                v = st.setdefault("v", torch.zeros_like(p))
                m.lerp_(g, 1 - b1)
                v.mul_(b2).addcmul_(g, g, value=1 - b2)
                # Bias-corrected: p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
                denom = v.sqrt() / math.sqrt(1 - b2**self.t) + ADAM_EPS
                p.sub_(r / (1 - b1**self.t) * m / denom)
            else:  # pragma: no cover - RunConfig validates the name
                raise ValueError(f"unknown optimizer {self.kind!r}")
