"""Every step's minibatch indices and dropout masks, drawn a window of steps at a time.

A run may take 10^6 steps: drawing all their minibatches and masks before
the first step would hold memory in proportion to the steps, not to the rows
the trace records. :class:`Draws` holds one window of steps
(:func:`vizlab.budget.draw_window_steps`, under
:data:`vizlab.budget.DRAW_WINDOW_BYTES` for all models together) and draws
the next one when the run reaches it. The random streams are exactly those of
drawing everything up front:

- minibatches: each epoch is one ``torch.randperm(n_train)`` on the model's
  batch generator, cut into ``n_train // batch`` batches (the remainder is
  dropped, so every step sees the same number of points); an epoch is drawn
  when the run reaches it. A full batch uses every point in order and draws
  nothing.
- masks: ``torch.rand((steps, batch, width)) >= p`` for each layer that
  drops units, layer after layer, from the model's dropout generator (units
  are kept where the mask is True). Each such layer reads from its own copy
  of the generator, positioned where its block of the stream starts: the
  previous dropping layer's copy advanced past that layer's
  ``steps * batch * width`` numbers (drawn into a small scratch buffer and
  discarded, once, at setup).

The CPU generator hands out uniform numbers one after another, so a block
drawn in pieces is bit for bit the block drawn whole
(``tests/test_lazy_draws.py`` checks it against the up-front draw).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from vizlab import budget

__all__ = ["Draws"]


def _copy(generator: torch.Generator) -> torch.Generator:
    """A new CPU generator in the same state (drawing from it leaves ``generator`` alone)."""
    g = torch.Generator(device="cpu")
    g.set_state(generator.get_state())
    return g


def _uniform_pieces(n: int, dtype: torch.dtype, generator: torch.Generator):
    """Yield ``n`` uniform numbers in [0, 1) as 1-D pieces of a reused scratch buffer.

    Together they are ``torch.rand(n, generator=generator, dtype=dtype)``; each
    piece is only valid until the next one is drawn.
    """
    scratch = torch.empty(min(n, budget.DRAW_SCRATCH), dtype=dtype)
    for a in range(0, n, len(scratch)):
        piece = scratch[: min(len(scratch), n - a)]
        yield piece.uniform_(generator=generator)


class _Epochs:
    """One model's minibatches: one permutation of the training set per epoch."""

    def __init__(self, n_train: int, batch: int, generator: torch.Generator):
        self.n_train, self.batch, self.generator = n_train, batch, generator
        self.per_epoch = n_train // batch
        self.pending = torch.empty((0, batch), dtype=torch.long)  # rest of the current epoch

    def fill(self, out: torch.Tensor) -> None:
        """Write the next ``len(out)`` steps' indices into ``out`` (steps, batch)."""
        a = 0
        while a < len(out):
            if not len(self.pending):
                perm = torch.randperm(self.n_train, generator=self.generator)
                self.pending = perm[: self.per_epoch * self.batch].view(self.per_epoch, self.batch)
            take = min(len(out) - a, len(self.pending))
            out[a : a + take] = self.pending[:take]
            self.pending = self.pending[take:]
            a += take


class Draws:
    """Minibatch indices and dropout masks of M stacked models, read step by step.

    Parameters
    ----------
    n_train : int
        Training points per model.
    batch : int
        Points per step; ``batch >= n_train`` is full batch (nothing drawn).
    steps : int
        Optimizer steps of the whole run.
    widths : sequence of int
        Hidden layer widths.
    drop_p : sequence of float
        Dropout probability per hidden layer (0: no mask for that layer).
    batch_generators, dropout_generators : sequence of torch.Generator
        One CPU generator per model, for minibatches and for masks. They are
        consumed as the run advances.
    device : torch.device
        Where the windows are read (copied there a window at a time).
    window : int, optional
        Steps per window (default :func:`vizlab.budget.draw_window_steps`).

    Notes
    -----
    Steps are read in order (a step may be read again, an earlier window
    never). The uniform numbers are drawn in torch's default dtype at
    construction, as ``torch.rand`` would.
    """

    def __init__(
        self,
        n_train: int,
        batch: int,
        steps: int,
        widths: Sequence[int],
        drop_p: Sequence[float],
        batch_generators: Sequence[torch.Generator],
        dropout_generators: Sequence[torch.Generator],
        device: torch.device,
        *,
        window: int | None = None,
    ):
        self.M, self.batch, self.steps, self.device = len(batch_generators), batch, steps, device
        self.widths, self.drop_p = list(widths), [float(p) for p in drop_p]
        self.dtype = torch.get_default_dtype()  # what torch.rand draws
        minibatch = batch < n_train
        dropped = [w for w, p in zip(self.widths, self.drop_p) if p > 0]
        if window is None:
            window = budget.draw_window_steps(steps, batch, self.M, minibatch, dropped)
        self.window = int(window) if (minibatch or dropped) else 0
        self._epochs = [_Epochs(n_train, batch, g) for g in batch_generators] if minibatch else []
        # Per hidden layer: None (no dropout), or each model's generator at the
        # start of that layer's block of the up-front stream.
        self._streams: list[list[torch.Generator] | None] = []
        heads, before = list(dropout_generators), 0
        for w, p in zip(self.widths, self.drop_p):
            if p <= 0:
                self._streams.append(None)
                continue
            if before:  # the previous dropping layer's block comes first
                heads = [_copy(g) for g in heads]
                for g in heads:
                    for _ in _uniform_pieces(steps * batch * before, self.dtype, g):
                        pass
            self._streams.append(heads)
            before = w
        self.start = self.stop = 0  # the window holds steps [start, stop)
        self._idx: torch.Tensor | None = None
        self._masks: list[torch.Tensor | None] = [None] * len(self.widths)

    @property
    def held_bytes(self) -> int:
        """Bytes of the current window (indices and masks, on the device)."""
        held = [self._idx, *self._masks]
        return sum(t.numel() * t.element_size() for t in held if t is not None)

    def at(self, s: int) -> tuple[torch.Tensor | None, list[torch.Tensor | None]]:
        """Optimizer step ``s``: indices (M, batch) or None, masks (M, batch, width) or None.

        Views into the current window: valid until a later window is drawn.
        """
        if not self.window:
            return None, [None] * len(self.widths)
        if not self.start <= s < self.stop:
            self._draw(s)
        j = s - self.start
        idx = None if self._idx is None else self._idx[:, j]
        return idx, [None if m is None else m[:, j] for m in self._masks]

    def _draw(self, s: int) -> None:
        """Draw the window that starts at step ``s`` (the step after the current one)."""
        if s != self.stop or s >= self.steps:
            raise RuntimeError(f"draws are read in order: step {s} after steps up to {self.stop}")
        k = min(self.window, self.steps - s)
        self._idx, self._masks = None, [None] * len(self.widths)  # let the old window go first
        if self._epochs:
            idx = torch.empty((self.M, k, self.batch), dtype=torch.long)
            for m, epochs in enumerate(self._epochs):
                epochs.fill(idx[m])
            self._idx = idx.to(self.device)
        for i, (w, p, gens) in enumerate(zip(self.widths, self.drop_p, self._streams)):
            if gens is None:
                continue
            mask = torch.empty((self.M, k, self.batch, w), dtype=torch.bool)
            for m, g in enumerate(gens):
                flat, a = mask[m].view(-1), 0
                for u in _uniform_pieces(flat.numel(), self.dtype, g):
                    torch.ge(u, p, out=flat[a : a + len(u)])
                    a += len(u)
            self._masks[i] = mask.to(self.device)
        self.start, self.stop = s, s + k
