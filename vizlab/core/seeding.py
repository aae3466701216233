"""One seed, separate random streams: data, initial weights, minibatches, dropout.

Deriving the streams with ``numpy.random.SeedSequence`` keeps them
independent (changing the batch size does not change the initial weights)
and never touches a global RNG.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch


@dataclass
class Streams:
    """Per-purpose generators derived from one seed."""

    data: np.random.Generator
    init: torch.Generator
    batches: torch.Generator
    dropout: torch.Generator


def _torch_generator(seed: int) -> torch.Generator:
    g = torch.Generator(device="cpu")
    g.manual_seed(int(seed))
    return g


def streams(seed: int) -> Streams:
    """Fresh generators for ``seed``; the same seed always gives the same streams.

    Random numbers are always drawn on the CPU, so a run on the GPU uses the
    same initial weights, batches and masks as on the CPU.
    """
    data_seed, init_seed, batch_seed, drop_seed = np.random.SeedSequence(seed).generate_state(
        4, dtype=np.uint64
    )
    return Streams(
        data=np.random.default_rng(int(data_seed)),
        init=_torch_generator(init_seed),
        batches=_torch_generator(batch_seed),
        dropout=_torch_generator(drop_seed),
    )
