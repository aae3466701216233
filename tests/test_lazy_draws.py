"""Minibatches and dropout masks drawn a window of steps at a time (vizlab.core.draws).

Oracles: the up-front draw the engine used before (every step's minibatch
and masks drawn before the first step, restated below), the same run with a
window of one step and with a window of the whole run (bit for bit), a sweep
and a LiveRun advanced in odd pieces against ``vizlab.train``, and the peak
resident memory of a long run measured in a fresh process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence

import numpy as np
import pytest
import torch
from test_sweep import assert_same_trace

import vizlab
from vizlab import RunConfig, budget
from vizlab.core.draws import Draws
from vizlab.core.live import LiveRun
from vizlab.core.seeding import streams


# ---- the oracle: everything drawn before the first step, as the engine did
def upfront_batches(n_train: int, batch: int, steps: int, generator) -> torch.Tensor:
    """Every step's minibatch indices (steps, batch): one permutation per epoch."""
    if batch >= n_train:
        return torch.arange(n_train).expand(steps, n_train)
    per_epoch = n_train // batch
    epochs = -(-steps // per_epoch)
    perms = [
        torch.randperm(n_train, generator=generator)[: per_epoch * batch] for _ in range(epochs)
    ]
    return torch.cat(perms).view(-1, batch)[:steps]


def upfront_masks(steps, batch, widths, drop_p, generator) -> list[torch.Tensor | None]:
    """Every step's kept-unit masks per hidden layer (steps, batch, width), layer after layer."""
    return [
        torch.rand((steps, batch, w), generator=generator) >= p if p > 0 else None
        for w, p in zip(widths, drop_p)
    ]


def lazy(n_train, batch, steps, widths, drop_p, seeds: Sequence[int], window=None):
    """Read every step from a Draws of one model per seed; stacked (M, steps, ...)."""
    rngs = [streams(s) for s in seeds]
    d = Draws(
        n_train,
        batch,
        steps,
        widths,
        drop_p,
        [r.batches for r in rngs],
        [r.dropout for r in rngs],
        torch.device("cpu"),
        window=window,
    )
    got = [d.at(s) for s in range(steps)]
    idx = None if got[0][0] is None else torch.stack([g[0] for g in got], 1)
    masks = [
        None if got[0][1][i] is None else torch.stack([g[1][i] for g in got], 1)
        for i in range(len(widths))
    ]
    return idx, masks, d


CASES = {
    # n_train, batch, steps, widths, drop_p
    "full batch, no dropout": (240, 240, 13, (8,), (0.0,)),
    "full batch, 2 layers": (60, 60, 11, (5, 3), (0.5, 0.25)),
    "minibatch, no dropout": (240, 32, 53, (8,), (0.0,)),  # 7 per epoch, 53 = 7 * 7 + 4
    "minibatch, 1 layer": (100, 30, 37, (6,), (0.3,)),  # remainder 10 dropped each epoch
    "minibatch, 2 layers": (240, 32, 41, (6, 9), (0.5, 0.2)),
    "minibatch, 3 layers, middle kept": (50, 7, 23, (4, 5, 3), (0.1, 0.0, 0.7)),
    "batch of one": (9, 1, 20, (2, 2), (0.5, 0.5)),
}


@pytest.mark.parametrize("window", [1, 3, 8, None])
@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_window_draws_equal_the_upfront_draw(case, window, monkeypatch):
    monkeypatch.setattr(budget, "DRAW_SCRATCH", 17)  # masks cut from pieces that split steps
    n_train, batch, steps, widths, drop_p = CASES[case]
    seeds = [0, 1, 12345]
    idx, masks, _ = lazy(n_train, batch, steps, widths, drop_p, seeds, window)
    for m, seed in enumerate(seeds):
        r = streams(seed)
        want_idx = upfront_batches(n_train, batch, steps, r.batches)
        want_masks = upfront_masks(steps, batch, widths, drop_p, r.dropout)
        if batch >= n_train:
            assert idx is None
        else:
            assert idx.dtype == want_idx.dtype == torch.long
            assert torch.equal(idx[m], want_idx), (case, seed)
        for got, want in zip(masks, want_masks):
            assert (got is None) == (want is None)
            if want is not None:
                assert got.dtype == torch.bool and torch.equal(got[m], want), (case, seed)
    # a different seed draws different batches or masks (the comparison can fail)
    if idx is not None:
        assert not torch.equal(idx[0], idx[1])
    drawn = [m for m in masks if m is not None]
    if drawn:
        assert not torch.equal(drawn[0][0], drawn[0][1])


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_pieces_of_torch_rand_are_the_whole_draw(dtype):
    """The CPU generator's uniform numbers come one after another: pieces equal the whole."""
    g = torch.Generator().manual_seed(7)
    whole = torch.rand((29, 5, 7), generator=g, dtype=dtype)
    g = torch.Generator().manual_seed(7)
    pieces = [torch.rand((k, 5, 7), generator=g, dtype=dtype) for k in (1, 2, 3, 5, 7, 11)]
    assert torch.equal(torch.cat(pieces), whole)
    g = torch.Generator().manual_seed(7)
    flat = torch.empty(whole.numel(), dtype=dtype)
    for a in range(0, len(flat), 13):  # 13 does not divide a step's 35 numbers
        flat[a : a + 13].uniform_(generator=g)
    assert torch.equal(flat, whole.flatten())


def test_masks_in_the_default_dtype_as_torch_rand(monkeypatch):
    """torch.rand draws in the default dtype: float64 spends two words per number."""
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        monkeypatch.setattr(budget, "DRAW_SCRATCH", 10)
        _, masks, d = lazy(40, 8, 12, (3, 4), (0.5, 0.5), [3], window=5)
        want = upfront_masks(12, 8, (3, 4), (0.5, 0.5), streams(3).dropout)
    finally:
        torch.set_default_dtype(before)
    assert d.dtype == torch.float64
    assert torch.equal(masks[0][0], want[0]) and torch.equal(masks[1][0], want[1])
    float32 = upfront_masks(12, 8, (3, 4), (0.5, 0.5), streams(3).dropout)
    assert not torch.equal(float32[1], want[1])


def test_window_is_held_once_and_read_in_order():
    _, _, d = lazy(240, 32, 40, (6, 9), (0.5, 0.2), [0, 1], window=16)
    assert (d.start, d.stop) == (32, 40)  # the last, shorter window
    assert d.held_bytes == 2 * 8 * 32 * (8 + 6 + 9)
    idx, masks = d.at(39)  # the current window may be read again
    assert idx.shape == (2, 32) and [m.shape for m in masks] == [(2, 32, 6), (2, 32, 9)]
    with pytest.raises(RuntimeError, match="in order"):
        d.at(3)


def test_window_fits_the_bound():
    assert budget.draw_window_steps(10**6, 32, 1, True, [64, 64]) == budget.DRAW_WINDOW_BYTES // (
        32 * (8 + 128)
    )
    assert budget.draw_window_steps(50, 32, 1, True, []) == 50  # never more than the run
    assert budget.draw_window_steps(10**6, 160000, 4, False, [64]) == 1  # at least one step
    assert budget.draw_window_steps(10**6, 240, 400, False, []) == 0  # full batch: nothing drawn


# ---- the engine: window by window equals the whole run drawn at once
RUN = RunConfig(
    hidden=(6, 5), dropout=(0.3, 0.5), batch_size=32, steps=61, frames=3, grid=8, dtype="float64"
)


def traces_under(monkeypatch, window_bytes: int, make):
    monkeypatch.setattr(budget, "DRAW_WINDOW_BYTES", window_bytes)
    return make()


def test_runs_by_window_equal_the_whole_draw(monkeypatch):
    per_step = 32 * (8 + 6 + 5)
    whole = traces_under(monkeypatch, 1 << 40, lambda: vizlab.train(RUN))
    small = traces_under(monkeypatch, 5 * per_step, lambda: vizlab.train(RUN))  # 5 steps
    assert whole.keys() == small.keys() and "mask/drop2" in whole.keys()
    for k in whole.keys():
        assert np.array_equal(whole[k], small[k], equal_nan=whole[k].dtype.kind == "f"), k

    def live():
        run, sizes = LiveRun(RUN), iter([1, 4, 9, 2, 13, 6, 100])
        assert run._engine.draws.window == 3
        while not run.finished:
            run.step(next(sizes))
        return run.trace()

    pieces = traces_under(monkeypatch, 3 * per_step, live)
    for k in whole.keys():
        assert np.array_equal(whole[k], pieces[k], equal_nan=whole[k].dtype.kind == "f"), k
    # a sweep of 3 models: windows of 2 steps for all of them together
    seeds = [RUN.replace(seed=s) for s in (0, 4, 9)]
    swept = traces_under(monkeypatch, 3 * 2 * per_step, lambda: vizlab.sweep(seeds))
    monkeypatch.setattr(budget, "DRAW_WINDOW_BYTES", 1 << 40)
    for c, tr in zip(seeds, swept):
        one = vizlab.train(c)
        assert np.array_equal(tr["batch/indices"], one["batch/indices"])
        assert np.array_equal(tr["mask/drop1"], one["mask/drop1"])
        assert np.array_equal(tr["mask/drop2"], one["mask/drop2"])
        assert_same_trace(tr, one)
    assert not np.array_equal(swept[0]["mask/drop1"], swept[1]["mask/drop1"])


# ---- memory: proportional to the recorded rows, not to the steps
LONG = RunConfig(
    hidden=(4, 64),
    dropout=(0.5, 0.5),
    batch_size=32,
    steps=10**6,
    record_every=10**5,
    frames=0,
)


def upfront_bytes(c: RunConfig) -> int:
    """What the up-front draw held: every step's indices and masks, and one float draw."""
    widths = [w for w, p in zip(c.hidden, c.dropout_per_layer) if p > 0]
    B, n = c.effective_batch, c.total_steps
    return n * B * 8 + n * B * sum(widths) + 4 * n * B * max(widths)


def test_a_million_steps_pass_the_budget_by_their_window():
    est = budget.check_budget(LONG)  # refused before: ~11 GB of draws
    parts = {p.name: p for p in est.parts}
    assert "minibatch draws" not in parts and "dropout draws" not in parts
    window = budget.draw_window_steps(10**6, 32, 1, True, [4, 64])
    assert parts["draw window"].bytes == 2 * window * 32 * (8 + 68) + 8 * 240 + 8 * (1 << 18)
    assert f"{window} steps" in parts["draw window"].drivers
    assert est.bytes < 64 << 20 < upfront_bytes(LONG) // 100
    # four models draw windows a quarter as long
    four = {p.name: p.bytes for p in budget.estimate(LONG, n_models=4).parts}
    assert four["draw window"] == 2 * (window // 4) * 4 * 32 * 76 + 4 * 8 * 240 + 8 * (1 << 18)


_LONG_RUN = """
import json, resource, sys
from vizlab import RunConfig, budget
from vizlab.core.live import LiveRun
config = RunConfig(**json.loads(sys.argv[1]))
budget.DRAW_WINDOW_BYTES = int(sys.argv[3])
LiveRun(config.replace(steps=50)).step(50)  # warm up torch's allocations
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
run = LiveRun(config)
run.step(int(sys.argv[2]))
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
d = run._engine.draws
print(json.dumps({"grew_kib": after - before, "done": run.done, "held": d.held_bytes,
                  "window": d.window, "start": d.start, "rows": len(run._engine.rec.steps)}))
"""


def test_a_million_step_run_grows_by_its_window_not_its_steps():
    """1,000 steps of a 10^6-step run with minibatches and dropout, in a fresh process.

    Windows of 256 KiB (107 steps), so the 1,000 steps draw ten of them.
    """
    env = {**os.environ, "MALLOC_MMAP_THRESHOLD_": str(1 << 20)}
    fields = {k: LONG.to_dict()[k] for k in ("hidden", "dropout", "batch_size", "record_every")}
    cfg = json.dumps({**fields, "steps": LONG.steps, "frames": 0})
    out = subprocess.run(
        [sys.executable, "-c", _LONG_RUN, cfg, "1000", str(1 << 18)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    got = json.loads(out.stdout)
    window = (1 << 18) // (32 * (8 + 4 + 64))
    assert got["done"] == 1000 and got["rows"] == 11
    assert got["window"] == window == 107 and got["start"] == 9 * window
    assert got["held"] == window * 32 * (8 + 4 + 64) <= 1 << 18
    # the up-front draw held 10 GiB; the run grew by a few MB (its window, rows, scratch)
    assert got["grew_kib"] * 1024 < 64 << 20 < upfront_bytes(LONG) // 100
