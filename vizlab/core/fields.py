"""The decision-field pass: the recorded networks applied to the grid, in bounded chunks.

A field row needs every layer's activations at every grid point: for a wide
layer (1000 units on a 60 x 60 grid) that is 29 MB per row and 1.7 GB for 60
rows. So the pass works in chunks whose working memory stays under
:data:`vizlab.budget.FIELD_PASS_BYTES`: as many whole field rows as fit, or
one row's points a part at a time; the budget counts that chunk, not the
whole pass. On the CPU the bound does not change a single bit of the result.
"""

from __future__ import annotations

import numpy as np
import torch

from vizlab import budget
from vizlab.budget import FIELD_ALIGN, MAX_UNITS_WITH_MAPS
from vizlab.core import model, threads
from vizlab.features import expand

__all__ = ["FIELD_ALIGN", "compute_fields", "field_maps", "grid_points", "host", "output_maps"]


@torch.no_grad()
def compute_fields(
    params: dict[str, np.ndarray],
    rows: np.ndarray,
    xs: np.ndarray,
    ys: np.ndarray,
    X_train: np.ndarray,
    activation: str,
    dtype: torch.dtype,
    device: torch.device,
    features: tuple[str, ...] = ("x1", "x2"),
    loss_kind: str = "bce",
    max_bytes: int | None = None,
    n_threads: int | None = None,
) -> dict[str, np.ndarray]:
    """Decision and per-neuron fields at ``rows``, by forward passes over bounded chunks.

    Returns ``field/output`` (F, H, W): P(class 1) for two classes, the
    predicted value for regression (``loss_kind="squared_error"``);
    ``field/class{c}`` (F, H, W) P(class c) for each of K > 2 classes (instead
    of ``field/output``); ``act/fc{i}`` (F, units, H, W) and ``embed/fc{i}``
    (F, N_train, units) for hidden layers of at most ``MAX_UNITS_WITH_MAPS``
    units; float32 (these are pictures). Grid points and ``X_train`` (raw
    standardised inputs) are expanded to ``features`` first.

    In chunks whose working memory
    (:func:`vizlab.budget.field_pass_point_bytes` per row and point) stays under
    ``max_bytes`` bytes (default :data:`vizlab.budget.FIELD_PASS_BYTES`, 128 MiB):
    as many whole rows as fit in one batched pass, else one row at a time, its
    points in parts (at least ``FIELD_ALIGN`` points each). On the CPU the results
    do not depend on the bound: points are padded and chunked in multiples of
    ``FIELD_ALIGN``, so every chunk's matmuls take the same BLAS kernel as a
    whole row, and the activations round alike wherever a value lies
    (:func:`vizlab.core.activations.sigmoid`).

    The rows are cut among ``n_threads`` threads (default
    :func:`vizlab.core.threads.allowed`), each keeping its chunks to its share
    of the bound; the results do not depend on the thread count either.
    """
    H, W = len(ys), len(xs)
    points = grid_points(xs, ys, X_train.shape[1], features)
    # transposed (features, points): the pass runs units as rows
    grid = torch.as_tensor(_aligned(points).T.copy(), dtype=dtype, device=device)
    data = torch.as_tensor(_aligned(expand(X_train, features)).T.copy(), dtype=dtype, device=device)
    n_layers = len(params) // 2
    widths = [grid.shape[0], *(params[f"fc{i}.weight"].shape[-2] for i in range(1, n_layers + 1))]
    per_point = budget.field_pass_point_bytes(widths, torch.finfo(dtype).bits // 8)
    F, C, N, K = len(rows), len(points), len(X_train), widths[-1]
    # Rows are cut among threads; each thread's chunks keep to its share of the bound.
    n_threads = threads.for_rows(F, device, n_threads)
    bound = (budget.FIELD_PASS_BYTES if max_bytes is None else max_bytes) // n_threads
    step = budget.field_pass_points(per_point, max(C, N), bound)
    # Where a whole row is one chunk, several rows share a chunk within the same bound.
    fitting = bound // (per_point * step) if step >= max(C, N) else 1
    per_chunk = threads.rows_per_part(F, fitting, n_threads)
    many = loss_kind != "squared_error" and K > 2
    names = [f"field/class{c}" for c in range(K)] if many else ["field/output"]
    narrow = [(i, w) for i, w in enumerate(widths[1:-1], 1) if w <= MAX_UNITS_WITH_MAPS]
    out = {name: np.empty((F, C), np.float32) for name in names}
    for i, w in narrow:
        out[f"act/fc{i}"] = np.empty((F, w, C), np.float32)
        out[f"embed/fc{i}"] = np.empty((F, N, w), np.float32)

    def chunk(a: int) -> None:
        rows_here = rows[a : a + per_chunk]
        params_here = {k: v[rows_here] for k, v in params.items()}
        # the chunk's rows go through a block of points at a time whose working
        # memory stays in cache from one kernel of a layer to the next
        cached = budget.field_pass_points(
            per_point * len(rows_here), max(C, N), budget.FIELD_BLOCK_BYTES
        )
        block = min(step, cached)
        _field_rows(params_here, a, grid, data, C, N, block, out, activation, loss_kind)

    # each kernel on one thread (run_parts' rule): a thread's range could end mid-vector
    threads.run_parts(chunk, range(0, F, per_chunk), n_threads)
    for k, v in out.items():
        if not k.startswith("embed/"):
            out[k] = v.reshape(*v.shape[:-1], H, W)
    return out


def grid_points(
    xs: np.ndarray, ys: np.ndarray, n_inputs: int, features: tuple[str, ...]
) -> np.ndarray:
    """The grid's points (H * W, n_features), row by row, expanded to ``features``.

    ``xs`` (W,) and ``ys`` (H,) are the axes in standardised input units; 1-D
    data (``n_inputs`` 1) keep only the x coordinate.
    """
    gx, gy = np.meshgrid(xs, ys)
    return expand(np.stack([gx.ravel(), gy.ravel()], 1)[:, :n_inputs], features)


def field_maps(
    params: dict[str, torch.Tensor], pointsT: torch.Tensor, activation: str, loss_kind: str
) -> tuple[dict[str, torch.Tensor], list[torch.Tensor]]:
    """Decision maps (r, n) and hidden units (r, width, n) of stacked networks on points (features, n).

    The pass every field takes (a trace's rows, a live snapshot): units as rows
    (:func:`vizlab.core.model.forward_units`), the maps of :func:`output_maps`.
    """
    logits, hidden = model.forward_units(params, pointsT, activation)
    return output_maps(logits.transpose(-1, -2), loss_kind), hidden


def output_maps(logits: torch.Tensor, loss_kind: str) -> dict[str, torch.Tensor]:
    """The decision maps of output ``logits`` (..., K), each (...).

    ``field/output``: the predicted value for regression
    (``loss_kind="squared_error"``), else P(class 1) for two classes;
    ``field/class{c}``: P(class c) for each of K > 2 classes instead.
    """
    if loss_kind == "squared_error":
        return {"field/output": logits[..., 0]}
    if logits.shape[-1] > 2:
        probs = model.probabilities(logits)
        return {f"field/class{c}": probs[..., c] for c in range(logits.shape[-1])}
    return {"field/output": model.prob_class1(logits)}


def _aligned(points: np.ndarray) -> np.ndarray:
    """``points`` (n, d) padded with zero rows to a multiple of ``FIELD_ALIGN`` rows."""
    pad = -len(points) % FIELD_ALIGN
    return np.concatenate([points, np.zeros((pad, points.shape[1]), points.dtype)])


def _field_rows(
    params: dict[str, np.ndarray],
    a: int,
    grid: torch.Tensor,
    data: torch.Tensor,
    C: int,
    N: int,
    step: int,
    out: dict[str, np.ndarray],
    activation: str,
    loss_kind: str,
) -> None:
    """Field rows ``a, a + 1, ...`` of :func:`compute_fields` (``params`` of those rows, (r, ...)).

    ``grid`` and ``data`` are the padded points, transposed (features, points);
    their first ``C`` and ``N`` points are real. Points go through the network
    ``step`` (a multiple of ``FIELD_ALIGN``) at a time, units as rows
    (:func:`vizlab.core.model.forward_units`): a unit's map is a row to copy.
    """
    dev, dt = grid.device, grid.dtype
    stacked = {k: torch.as_tensor(v, dtype=dt, device=dev) for k, v in params.items()}
    b = a + len(next(iter(stacked.values())))
    narrow = [int(k[len("act/fc") :]) for k in out if k.startswith("act/")]
    for s in range(0, C, step):
        e = min(s + step, C)
        maps, hidden = field_maps(stacked, grid[:, s : s + step], activation, loss_kind)
        for name, m in maps.items():
            out[name][a:b, s:e] = host(m[..., : e - s])
        for i in narrow:
            out[f"act/fc{i}"][a:b, :, s:e] = host(hidden[i - 1][..., : e - s])
        del hidden, maps
    for s in range(0, N if narrow else 0, step):
        e = min(s + step, N)
        _, hidden = model.forward_units(stacked, data[:, s : s + step], activation)
        for i in narrow:  # (points, units) rows: a small transpose
            out[f"embed/fc{i}"][a:b, s:e] = host(hidden[i - 1][..., : e - s]).swapaxes(-1, -2)
        del hidden


def host(t: torch.Tensor) -> np.ndarray:
    """``t`` as float32 numpy (a view where it already is one on the CPU)."""
    return t.float().cpu().numpy()
