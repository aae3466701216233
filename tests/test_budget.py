"""The resource budget against the buffers a run really holds, and the bounded field pass.

Oracles: the recorder's and the traces' real optimizer buffers (nbytes), the
same run's fields computed with a tiny chunk bound and a huge one (bit for
bit), the network applied to the grid in numpy, and the peak resident memory
of a field pass measured in a fresh process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

import vizlab
from vizlab import RunConfig, budget
from vizlab.budget import check_budget, estimate
from vizlab.config import ConfigError
from vizlab.core.engine import Engine

#: The run of the report: a 1000-unit layer, 60 field rows on a 60 x 60 grid.
WIDE = RunConfig(hidden=(1000,), frames=60, grid=60)


def picture_keys(trace) -> list[str]:
    return [k for kind in ("field", "act", "embed") for k in trace.keys(kind)]


def test_wide_layer_passes_the_budget_and_trains_with_fields():
    est = check_budget(WIDE)  # refused before: the field pass was counted whole
    part = {p.name: p.bytes for p in est.parts}["field pass"]
    assert part <= budget.FIELD_PASS_BYTES
    sizes = [2, 1000, 1]
    per_point = budget.field_pass_point_bytes(sizes, 4)
    assert est.field_rows * 60 * 60 * per_point > 1.5 * 2**30  # what one unchunked pass needs
    assert part == per_point * 4096  # one row of 3600 points, padded to a multiple of 512
    t = vizlab.train(WIDE)
    F = len(t.field_steps)
    assert 40 < F <= est.field_rows == 61 and t["field/output"].shape == (F, 60, 60)
    # the network applied to the grid in numpy, at the first, a middle and the last field row
    gx, gy = np.meshgrid(t["grid/x"], t["grid/y"])
    pts = np.stack([gx.ravel(), gy.ravel()], 1)
    for f in (0, F // 2, F - 1):
        row = t.field_steps[f]
        h = np.tanh(pts @ t["param/fc1.weight"][row].T.astype(float) + t["param/fc1.bias"][row])
        z = h @ t["param/fc2.weight"][row].T.astype(float) + t["param/fc2.bias"][row]
        p = 1 / (1 + np.exp(-z[:, 0]))
        np.testing.assert_allclose(t["field/output"][f], p.reshape(60, 60), atol=2e-6)


def test_field_pass_is_counted_once_not_per_model():
    one = {p.name: p.bytes for p in estimate(WIDE).parts}
    four = {p.name: p.bytes for p in estimate(WIDE, n_models=4).parts}
    assert four["field pass"] == one["field pass"]
    assert four["param+grad"] == 4 * one["param+grad"]


@pytest.mark.parametrize(
    "config",
    [
        RunConfig(hidden=(5, 3), frames=8, grid=40, steps=30),
        RunConfig(hidden=(1000,), frames=6, grid=30, steps=20),
        RunConfig(dataset="spiral", n_classes=3, loss="cross_entropy", hidden=(40, 6), frames=6),
        RunConfig(dataset="sine", task="regression", loss="mse", hidden=(8,), frames=5, grid=11),
        RunConfig(
            dataset="plane", task="regression", loss="mse", hidden=(64, 7), frames=9, grid=33
        ),
        RunConfig(hidden=(16,), activation="relu", features=("x1^2", "x1x2"), dtype="float64"),
    ],
    ids=["narrow", "wide", "3_classes", "sine", "plane", "features_float64"],
)
@pytest.mark.parametrize("tanh_by_sigmoid", [False, True])
def test_chunk_bound_changes_no_bit(config, tanh_by_sigmoid, monkeypatch):
    # the CPU's kernels: a GPU's matmul may choose another algorithm for another chunk;
    # with either of the core's tanh formulas (activations.TANH_BY_SIGMOID)
    config = config.replace(steps=min(config.steps, 40), device="cpu")
    from vizlab.core import activations, fields

    monkeypatch.setattr(activations, "TANH_BY_SIGMOID", tanh_by_sigmoid)

    forward, calls = fields.model.forward_units, []

    def counted(*args, **kwargs):
        calls.append(args[1].shape[-1])  # a field pass's points, (features, points)
        return forward(*args, **kwargs)

    monkeypatch.setattr(fields.model, "forward_units", counted)
    runs, passes = [], []
    # FIELD_ALIGN points at a time on two threads, each row in one piece on one thread,
    # and the rows cut among three threads, in cache-sized blocks of points
    cached = budget.FIELD_BLOCK_BYTES
    for bound, n_threads, block in ((1, 2, cached), (1 << 40, 1, 1 << 40), (1 << 40, 3, cached)):
        monkeypatch.setattr(budget, "FIELD_PASS_BYTES", bound)
        monkeypatch.setattr(budget, "FIELD_BLOCK_BYTES", block)
        monkeypatch.setattr(fields.threads, "allowed", lambda n=n_threads: n)
        calls.clear()
        runs.append(vizlab.train(config))
        passes.append(list(calls))
    tiny, huge, cut = runs
    assert set(passes[0]) == {budget.FIELD_ALIGN} and len(passes[0]) > len(passes[1])
    assert len(passes[2]) > len(passes[1])  # more chunks: one at least for every thread
    keys = picture_keys(huge)
    assert keys == picture_keys(tiny) == picture_keys(cut) and any(
        k.startswith("field/") for k in keys
    )
    for k in keys:
        assert tiny[k].dtype == huge[k].dtype == cut[k].dtype == np.float32
        assert np.array_equal(tiny[k], huge[k]) and np.array_equal(cut[k], huge[k]), k


_PEAK = """
import json, resource, sys
import numpy as np, torch
from vizlab.core.fields import compute_fields
rng = np.random.default_rng(0)
F, width = 61, 1000
params = {"fc1.weight": rng.normal(size=(F, width, 2)).astype(np.float32),
          "fc1.bias": rng.normal(size=(F, width)).astype(np.float32),
          "fc2.weight": rng.normal(size=(F, 1, width)).astype(np.float32),
          "fc2.bias": rng.normal(size=(F, 1)).astype(np.float32)}
xs = np.linspace(-3, 3, 60)
X = rng.normal(size=(240, 2))
compute_fields(params, np.arange(2), xs[:8], xs[:8], X, "tanh", torch.float32, torch.device("cpu"))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
out = compute_fields(params, np.arange(F), xs, xs, X, "tanh", torch.float32, torch.device("cpu"))
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"peak_kib": after - before, "shape": list(out["field/output"].shape)}))
"""


def test_field_pass_peak_memory_stays_bounded():
    """A wide run's field pass, measured: its peak is the budget's chunk, not one unchunked pass."""
    # A fixed mmap threshold hands every large block back when freed, so the
    # peak resident size follows what is alive (glibc's moving one keeps freed blocks).
    env = {**os.environ, "MALLOC_MMAP_THRESHOLD_": str(1 << 20)}
    out = subprocess.run(
        [sys.executable, "-c", _PEAK], capture_output=True, text=True, check=True, env=env
    )
    got = json.loads(out.stdout)
    assert got["shape"] == [61, 60, 60]
    part = budget.field_pass_point_bytes([2, 1000, 1], 4) * 3648  # 29 MB: one padded row
    chunk = budget.FIELD_PASS_BYTES // part * part  # the whole rows one chunk holds: 4, 117 MB
    unchunked = 61 * 3600 * 1000 * 4 * 2  # z and h of the hidden layer for every row: 1.6 GiB
    assert got["peak_kib"] * 1024 < 1.5 * chunk < unchunked / 8


def _opt_nbytes(configs: list[RunConfig]) -> int:
    """What the recorder allocates for optimizer state plus what each trace copies."""
    order = sorted(configs, key=lambda c: c.optimizer)  # as vizlab.sweep builds its engine
    recorder = sum(t.nbytes for t in Engine(order).rec.opt.values())
    traces = vizlab.sweep(configs)
    return recorder + sum(t[k].nbytes for t in traces for k in t.keys("opt"))


def test_sweep_sizes_each_model_from_its_own_config():
    base = RunConfig(hidden=(8,), steps=20, frames=0)
    mixed = [base, base.replace(optimizer="momentum"), base.replace(optimizer="adam")]
    est = estimate(mixed)
    assert est.n_models == 3
    assert {p.name: p.bytes for p in est.parts}["opt/*"] == _opt_nbytes(mixed)
    # configs[0] alone (plain SGD) would count no optimizer state at all
    first = estimate(base, n_models=3)
    assert "opt/*" not in {p.name for p in first.parts} and est.bytes > first.bytes
    assert estimate(mixed[::-1]).bytes == est.bytes  # the order does not matter
    same = [base.replace(optimizer="adam", seed=s) for s in range(3)]
    assert estimate(same).bytes == estimate(same[0], n_models=3).bytes
    assert {p.name: p.bytes for p in estimate(same).parts}["opt/*"] == _opt_nbytes(same)
    # a limit between the two: the sweep is refused, naming the optimizer state
    limit = (first.bytes + est.bytes) // 2
    with pytest.raises(ConfigError, match=r"^3 runs would need .*opt/\*") as err:
        vizlab.sweep(mixed, max_bytes=limit)
    assert "\n" not in str(err.value)
    check_budget(base, n_models=3, max_bytes=limit)  # what configs[0] alone would have let pass


def test_optimizer_buffers_restate_the_optimizers():
    from vizlab.core.batched_optim import OPTIMIZERS

    assert {k: v.buffers for k, v in OPTIMIZERS.items()} == budget.OPTIMIZER_BUFFERS


def test_evaluation_chunks_and_threads_change_no_bit(monkeypatch):
    # The recorded losses and scores are measured after training, rows cut
    # into chunks (by the bound) and the chunks among threads: neither moves a bit.
    from vizlab.core import record

    base = RunConfig(dataset="moons", hidden=(6,), steps=25, batch_size=16, frames=0)
    configs = [base.replace(seed=s, lr=lr, device="cpu") for s in (0, 1) for lr in (0.1, 0.5)]
    runs = []
    for bound, n_threads in ((1, 1), (1 << 40, 1), (1 << 40, 3), (1, 2)):
        monkeypatch.setattr(budget, "FIELD_PASS_BYTES", bound)
        monkeypatch.setattr(record.threads, "allowed", lambda n=n_threads: n)
        runs.append(vizlab.sweep(configs))
    keys = runs[0][0].keys("scalar")
    assert {"scalar/loss_train", "scalar/loss_val", "scalar/acc_val"} <= set(keys)
    for other in runs[1:]:
        for a, b in zip(runs[0], other):
            for k in keys:
                assert np.array_equal(a[k], b[k], equal_nan=True), k
