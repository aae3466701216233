"""What a run records, shared by :func:`train` and :func:`sweep`.

Minibatches and dropout masks come from their own streams
(:mod:`vizlab.core.draws`, a window of steps at a time), so the trace holds
exactly the batches and masks the optimizer used, and a batched sweep draws
the very same ones as a single run.
Decision fields are derived afterwards from the recorded parameters, in
batched passes over the rows that will be rendered, chunked to a fixed
working-memory bound.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

import numpy as np
import torch

from vizlab import budget
from vizlab.config import RunConfig
from vizlab.core import model, threads
from vizlab.core.data import Dataset
from vizlab.core.fields import compute_fields
from vizlab.core.provenance import trace_header
from vizlab.timeline import Timeline

# A parameter this large means the run has left any sensible region.
EXPLODED = 1e8
#: Recorded steps keep their batch losses, learning rates (and logits) by
#: reference for at most this many rows, and at most KEPT_BYTES of logits,
#: before they are written into the row buffers (Recorder._write_kept).
KEPT_ROWS = 256
KEPT_BYTES = 16 << 20


# Why a run stopped, by code (0 = still healthy).
DIVERGENCE_REASONS = {
    1: "the loss became non-finite",
    2: "a gradient became non-finite",
    3: f"a weight grew beyond {EXPLODED:g}",
}


def divergence_code(loss: torch.Tensor, flat: model.FlatParams) -> torch.Tensor:
    """0 while a step is still a sensible result, else a key of ``DIVERGENCE_REASONS``.

    One code per model for stacked parameters. Computed on the device without
    a host sync, so a sweep can check every step for free.
    """
    code = torch.where(flat.data.abs().amax(-1) <= EXPLODED, 0, 3)
    code = torch.where(torch.isfinite(flat.grad).all(-1), code, 2)
    return torch.where(torch.isfinite(loss), code, 1)


def divergence_event(step: int, code: int) -> dict:
    """The header event of a run that diverged at optimizer step ``step``."""
    return {
        "type": "diverged",
        "step": int(step),
        "reason": f"{DIVERGENCE_REASONS[int(code)]} at step {int(step)}",
    }


def grid_axes(data: Dataset, resolution: int) -> tuple[np.ndarray, np.ndarray]:
    """Square grid covering all points with a margin, in standardised units.

    1-D data (one input) get a line: ``ys`` is the single value 0, so fields
    are (..., 1, W).
    """
    pts = np.concatenate([data.X_train, data.X_val])
    lo, hi = pts.min(0), pts.max(0)
    centre, half = (lo + hi) / 2, (hi - lo).max() / 2 * 1.15 + 0.1
    xs = np.linspace(centre[0] - half, centre[0] + half, resolution)
    if pts.shape[1] == 1:
        return xs, np.zeros(1)
    ys = np.linspace(centre[1] - half, centre[1] + half, resolution)
    return xs, ys


def field_rows(n_rows: int, frames: int) -> np.ndarray:
    """Rows at which fields are evaluated: the default log timeline's rows, plus the last."""
    if frames <= 0 or n_rows == 0:
        return np.zeros(0, np.int64)
    rows = Timeline.build(n_rows, frames, spacing="log").unique_rows()
    return np.union1d(rows, [n_rows - 1]).astype(np.int64)


def header(
    config: RunConfig, data: Dataset, device: torch.device, events: list, custom_data: bool
) -> dict:
    return trace_header(
        "train",
        config.to_dict(),
        device=device,
        events=events,
        seed=config.seed,
        dataset="custom" if custom_data else data.name,
        layers=[f"fc{i}" for i in range(1, len(config.hidden) + 2)],
    )


def torch_dtype(name: str) -> torch.dtype:
    return {"float32": torch.float32, "float64": torch.float64}[name]


class Recorder:
    """Preallocated per-row storage on the training device.

    Writing a row is a handful of tensor copies with no host sync, which is
    what keeps full recording cheap. Works for one model or, with
    ``stacked=True``, for M models at once (every tensor has a model axis
    after the row axis).
    """

    def __init__(
        self,
        steps: np.ndarray,
        flat: model.FlatParams,
        batch: int,
        widths: Sequence[int],
        device: torch.device,
        opt_buffers: Sequence[str] = (),
    ):
        self.steps = np.asarray(steps, np.int64)
        self.row_index = {int(s): i for i, s in enumerate(self.steps)}
        self.flat = flat
        T, lead = len(self.steps), tuple(flat.data.shape[:-1])
        self.stacked = bool(lead)

        def empty(*shape, dt=flat.data.dtype):
            return torch.full((T, *lead, *shape), torch.nan, dtype=dt, device=device)

        self.param = empty(flat.data.shape[-1])
        self.grad = empty(flat.data.shape[-1])
        self.scalar = {
            name: empty()
            for name in (
                "loss_train",
                "loss_val",
                "acc_train",
                "acc_val",
                "loss_batch",
                "penalty",
                "lr",
            )
        }
        # Minibatch indices: the first minibatch allocates their buffer. A run
        # takes a minibatch every step or the full batch every step; a full
        # batch (every point, in order) is one flag a row, set for many rows at
        # once with what is kept by reference: no per-step write of B indices.
        self.batch: torch.Tensor | None = None
        self._batch_rows = (T, *lead, batch)
        self.full = torch.zeros((T, *lead), dtype=torch.bool, device=device)
        # row -> (batch loss, learning rate, logits or None) of a step, kept by
        # reference and written for many rows at once (_write_kept); a few
        # hundred at most: long-lived small tensors among a step's short-lived
        # ones would fragment the heap as the run goes
        self._kept: dict[int, tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]] = {}
        self._kept_rows = KEPT_ROWS
        # Mask buffers exist only for layers that drop units: the first mask
        # of a layer allocates its buffer, so a run without dropout holds none.
        self.mask: dict[str, torch.Tensor] = {}
        self._mask_rows = (T, *lead, batch)
        self.masked_layers: set[str] = set()
        # Optimizer state after the row's update, by torch's buffer name.
        self.opt = {name: empty(flat.data.shape[-1]) for name in opt_buffers}

    def row_of(self, step: int) -> int | None:
        return self.row_index.get(step)

    def set_task(
        self, data: tuple, loss_kind: str, activation: str, l1, l2, *, train_in_loop: bool
    ) -> None:
        """What :meth:`evaluate` measures: ``data = (Xtr, ytr, Xva, yva)`` and the loss.

        For stacked models X is (M, N, 2) and ``l1``, ``l2`` are (M,) tensors.
        ``train_in_loop``: a full batch without dropout *is* the training-set
        evaluation, so :meth:`keep_step` takes the training metrics from it.
        """
        self.train_in_loop = train_in_loop
        # Regression is scored by R^2 (scalar/r2_*), classification by accuracy.
        self.score_name = "r2" if loss_kind == "squared_error" else "acc"
        if self.score_name == "r2" and "acc_train" in self.scalar:
            for split in ("train", "val"):
                self.scalar[f"r2_{split}"] = self.scalar.pop(f"acc_{split}")
        self.data, self.loss_kind, self.activation, self.l1, self.l2 = (
            data,
            loss_kind,
            activation,
            l1,
            l2,
        )
        # the training labels as booleans, for the in-loop accuracy of one logit
        self._y_bool = data[1].bool() if self.score_name == "acc" else None
        # One logit against 0/1 labels, a full batch in the loop (the common
        # case): a step keeps a reference to its logits (no kernel: a small
        # run's step is mostly per-kernel overhead), their predictions are
        # taken for many rows at once, and every row's accuracy is counted
        # from those in :meth:`evaluate`.
        one_logit = self.flat.layout[-1][1] == (1,)
        self.pred = None
        if train_in_loop and self._y_bool is not None and one_logit:
            shape = (len(self.steps), *self.param.shape[1:-1], data[1].shape[-1])
            self.pred = torch.zeros(shape, dtype=torch.bool, device=self.param.device)
            row_bytes = self.pred[0].numel() * self.param.element_size()
            self._kept_rows = max(1, min(KEPT_ROWS, KEPT_BYTES // row_bytes))

    @torch.no_grad()
    def evaluate(self, max_bytes: int | None = None) -> None:
        """Loss, accuracy and penalty of every recorded state (no dropout).

        Computed after training from the recorded parameters, in batched
        passes: far cheaper than evaluating the whole training and validation
        sets inside the loop at every step. Each pass takes as many rows (of
        every model) as fit ``max_bytes`` of working memory (default
        :data:`vizlab.budget.FIELD_PASS_BYTES`, counted as the field pass
        counts it), and no more than stay in cache between kernels
        (:data:`vizlab.budget.FIELD_BLOCK_BYTES`); a sweep's rows run every
        (row, model) as one network of a stack: one fused kernel per layer.
        """
        Xtr, ytr, Xva, yva = self.data
        self._write_kept()
        splits = [("val", Xva, yva)]
        if not self.train_in_loop:
            splits.insert(0, ("train", Xtr, ytr))
        models = self.param.shape[1] if self.stacked else 1
        widths = [Xva.shape[-1]] + [s[0] for _, s, _, _ in self.flat.layout if len(s) == 1]
        points = sum(x.shape[-2] for _, x, _ in splits)
        item = self.param.element_size()
        per_row = models * points * budget.field_pass_point_bytes(widths, item)
        if self.pred is not None:  # counting the kept predictions: hits, then as numbers
            per_row += models * self.pred.shape[-1] * (1 + item)
        n_rows = len(self.steps)
        total = budget.FIELD_PASS_BYTES if max_bytes is None else max_bytes
        # The rows are cut among threads, each keeping to its share of the bound
        # (no more threads than the bound has whole rows for).
        fitting = total // max(per_row, 1)
        n_threads = threads.for_rows(min(n_rows, fitting), self.param.device)
        # within the bound, chunks small enough to stay in cache between kernels
        cached = max(1, budget.FIELD_BLOCK_BYTES // max(per_row, 1))
        chunk = threads.rows_per_part(n_rows, min(fitting // n_threads, cached), n_threads)

        def rows_from(a: int) -> None:
            rows = self.param[a : a + chunk]  # (r, M, P) or (r, P)
            r = len(rows)
            measured = self.measure(rows, [split for split, _, _ in splits])
            for split, _, _ in splits:
                self.scalar[f"loss_{split}"][a : a + r] = measured[f"loss_{split}"]
                self.scalar[f"{self.score_name}_{split}"][a : a + r] = measured[f"score_{split}"]
            self.scalar["penalty"][a : a + r] = model.penalty(
                self.flat.unflatten(rows), self.l1, self.l2
            )
            if self.pred is not None:  # the accuracy of these rows' kept predictions
                hits = torch.eq(self.pred[a : a + r], self._y_bool)
                acc = self.scalar["acc_train"][a : a + r]
                torch.sum(hits, -1, dtype=acc.dtype, out=acc)
                acc.div_(hits.shape[-1])  # the mean, as model.score takes it

        threads.run_parts(rows_from, range(0, n_rows, chunk), n_threads)

    @torch.no_grad()
    def measure(
        self, rows: torch.Tensor, splits: Sequence[str] = ("train", "val")
    ) -> dict[str, torch.Tensor]:
        """Data loss and score of the recorded states ``rows`` (no dropout, no penalty).

        ``rows`` are flat parameter rows, (r, M, P) (or (r, P) unstacked);
        returns ``loss_{split}`` and ``score_{split}``, each (r, M) (or (r,)),
        for each of ``splits`` (``"train"``, ``"val"``).
        """
        Xtr, ytr, Xva, yva = self.data
        sets = {"train": (Xtr, ytr), "val": (Xva, yva)}
        r = len(rows)
        models = self.param.shape[1] if self.stacked else 1
        params = self.flat.unflatten(rows)
        # (r, M, ...) -> r * M networks, each on its own model's points: one
        # fused kernel per layer (one model's rows too: r networks)
        fuse = self.stacked
        net = params
        if fuse:
            net = {k: v.reshape(r * models, *v.shape[2:]) for k, v in params.items()}
        out = {}
        for split in splits:
            X, y = sets[split]
            if fuse:
                X = X.expand(r, *X.shape).reshape(r * models, *X.shape[1:])
            logits, _ = model.forward(net, X, self.activation, measuring=True)
            logits = logits.view(*rows.shape[:-1], *logits.shape[-2:])
            out[f"loss_{split}"] = model.data_loss(logits, y, self.loss_kind)
            out[f"score_{split}"] = model.score(logits, y, self.loss_kind)
        return out

    @torch.no_grad()
    def keep_step(self, row, loss_batch, lr, idx, masks, logits) -> None:
        """The state of ``row`` and the update taken from it (``idx`` None: the full batch)."""
        if self.train_in_loop and self.pred is None:
            score = model.score(logits, self.data[1], self.loss_kind)
            self.scalar[f"{self.score_name}_train"][row] = score
        self.param[row] = self.flat.data
        self.grad[row] = self.flat.grad
        if idx is not None:
            if self.batch is None:  # -1 (no batch) until a step's minibatch is written
                self.batch = torch.full(self._batch_rows, -1, dtype=torch.long, device=idx.device)
            self.batch[row] = idx
        # fresh tensors each step (never changed in place): a reference is enough
        self._kept[row] = (loss_batch, lr, logits if self.pred is not None else None)
        if len(self._kept) >= self._kept_rows:
            self._write_kept()
        for i, m in enumerate(masks, start=1):
            if m is not None:
                key = f"drop{i}"
                if key not in self.mask:  # kept (1) until a step's mask is written
                    shape = (*self._mask_rows, m.shape[-1])
                    self.mask[key] = torch.ones(shape, dtype=torch.bool, device=m.device)
                self.mask[key][row] = m
                self.masked_layers.add(key)

    def _write_kept(self) -> None:
        """Write what the steps kept by reference (batch losses, learning rates, logits) for all rows."""
        if not self._kept:
            return
        rows = torch.tensor(list(self._kept), device=self.param.device)
        loss = torch.stack([v[0] for v in self._kept.values()])
        self.scalar["loss_batch"][rows] = loss
        if self.train_in_loop:  # a full batch without dropout is the training-set loss
            self.scalar["loss_train"][rows] = loss
        self.scalar["lr"][rows] = torch.stack([v[1] for v in self._kept.values()])
        if self.pred is not None:
            self.pred[rows] = torch.stack([v[2] for v in self._kept.values()]).squeeze(-1) > 0
        if self.batch is None:  # no minibatch: these rows took every point
            self.full[rows] = True
        self._kept.clear()

    @torch.no_grad()
    def keep_opt(self, row, blocks, states) -> None:
        """Optimizer state after the row's update; ``blocks`` (kind, a, b) own model ranges."""
        for (_, a, b), st in zip(blocks, states):
            for name, buf in st.items():
                self.opt[name][row, a:b] = buf

    @torch.no_grad()
    def close_row(self, row: int, m: int, restore_from: int | None = None) -> None:
        """Make ``row`` model ``m``'s final row: no update taken from it.

        ``restore_from``: put that row's parameters in it (early stopping's
        ``restore_best``), so the final state is the best one.
        """
        self._write_kept()
        self.grad[row, m] = torch.nan
        self.scalar["loss_batch"][row, m] = torch.nan
        self.full[row, m] = False
        if self.batch is not None:
            self.batch[row, m] = -1
        for k in self.mask:
            self.mask[k][row, m] = True
        for buf in self.opt.values():
            buf[row, m] = torch.nan
        if restore_from is not None:
            self.param[row, m] = self.param[restore_from, m]

    @torch.no_grad()
    def keep_final(self, row, lr) -> None:
        """The final state: no update is taken from it (gradient NaN, batch -1, masks kept)."""
        self._kept.pop(row, None)  # (a row is stepped after it is final, never before)
        self.param[row] = self.flat.data
        if self.train_in_loop:  # no training pass from here: measure it now
            logits, _ = model.forward(self.flat.params, self.data[0], self.activation)
            self.scalar["loss_train"][row] = model.data_loss(logits, self.data[1], self.loss_kind)
            if self.pred is not None:
                self.pred[row] = logits.squeeze(-1) > 0
            else:
                score = model.score(logits, self.data[1], self.loss_kind)
                self.scalar[f"{self.score_name}_train"][row] = score
        self.scalar["lr"][row] = lr

    @contextlib.contextmanager
    def on_host(self, chunk_bytes: int = 1 << 28) -> Iterator[None]:
        """Inside: :meth:`arrays` reads host copies of every buffer, copied in row chunks.

        On a GPU the recorded rows stay on the device while training (no
        host round trip per step); this brings them back once, a chunk of
        rows at a time, instead of one small copy per model and key.
        """
        self._write_kept()
        if self.param.device.type == "cpu":
            yield
            return
        buffers = [self.param, self.grad, self.full, *self.scalar.values()]
        buffers += [self.batch] if self.batch is not None else []
        buffers += [*self.mask.values(), *self.opt.values()]
        self._host = {}
        for t in buffers:
            out = torch.empty(t.shape, dtype=t.dtype, device="cpu")
            step = max(1, chunk_bytes // max(1, t[0].numel() * t.element_size()))
            for a in range(0, len(t), step):
                out[a : a + step].copy_(t[a : a + step])
            self._host[id(t)] = out
        try:
            yield
        finally:
            self._host = {}

    def arrays(
        self,
        stop: int | None = None,
        model_index: int | None = None,
        opt_buffers: Sequence[str] = (),
    ) -> dict[str, np.ndarray]:
        """numpy arrays for the trace, rows before optimizer step ``stop`` only.

        ``model_index`` picks one model of a stacked recorder; ``opt_buffers``
        the optimizer state it records (``opt/<param>.<buffer>``). Every array
        owns its memory (stepping on changes none), contiguous, copied once.
        """
        n = len(self.steps) if stop is None else int(np.searchsorted(self.steps, stop))
        self._write_kept()
        host = getattr(self, "_host", {})

        def take(t: torch.Tensor) -> np.ndarray:
            t = host.get(id(t), t)
            t = t[:n] if model_index is None else t[:n, model_index]
            return t.cpu().numpy()

        out = {"scalar/step": self.steps[:n].copy()}
        out.update({f"scalar/{k}": take(v) for k, v in self.scalar.items()})
        params, grads = self.flat.unflatten(take(self.param)), self.flat.unflatten(take(self.grad))
        out.update({f"param/{k}": v for k, v in params.items()})
        out.update({f"grad/{k}": v for k, v in grads.items()})
        # Per-layer gradient norms, derived once from the recorded gradients.
        sq: dict[str, np.ndarray] = {}
        for k, g in grads.items():
            layer, g = k.split(".")[0], g.reshape(len(g), -1)
            sq[layer] = sq.get(layer, 0) + np.einsum("ij,ij->i", g, g)  # no g * g temporary
        out.update({f"norm/grad.{k}": np.sqrt(v) for k, v in sq.items()})
        full = take(self.full)[..., None]  # rows that took every point, in order
        given = take(self.batch) if self.batch is not None else np.int64(-1)
        out["batch/indices"] = np.where(full, np.arange(self._batch_rows[-1]), given)
        out.update({f"mask/{k}": take(self.mask[k]) for k in sorted(self.masked_layers)})
        for b in opt_buffers:
            out.update(
                {f"opt/{k}.{b}": v for k, v in self.flat.unflatten(take(self.opt[b])).items()}
            )
        # views of the buffers are copied; arrays made here (np.where, sqrt) already own theirs
        return {
            k: v if v.flags.owndata and v.flags.c_contiguous else np.array(v, order="C")
            for k, v in out.items()
        }


def static_and_fields(
    arrays: dict[str, np.ndarray],
    data: Dataset,
    config: RunConfig,
    dtype: torch.dtype,
    device: torch.device,
    *,
    fields: bool = True,
) -> dict[str, np.ndarray]:
    """The dataset, the grid, and the fields at the rendered rows of ``arrays``."""
    out = dict(data.arrays())
    xs, ys = grid_axes(data, config.grid)
    out["grid/x"], out["grid/y"] = xs, ys
    rows = field_rows(len(arrays["scalar/step"]), config.frames if fields else 0)
    if rows.size:
        out["grid/steps"] = rows
        params = {k.split("/", 1)[1]: v for k, v in arrays.items() if k.startswith("param/")}
        out.update(
            compute_fields(
                params,
                rows,
                xs,
                ys,
                data.X_train,
                config.activation,
                dtype,
                device,
                features=config.features,
                loss_kind=model.loss_kind(config.loss, config.task),
            )
        )
    return out
