"""Training-core benchmarks, printed as ratios measured side by side in one process.

1. sweep: 64 two-moons MLPs (2-16-16-1, 300 points, 500 full-batch steps) in one
   batched pass vs the same configs trained one by one (target: >= 12x), and vs an
   idiomatic torch.nn loop that records nothing.
2. recording: a fully traced run vs the same run untraced (target: <= 1.5x).

Run with ``make bench`` (which pins glibc's allocator thresholds) or
``python benchmarks/bench_core.py [--quick]``.
"""

from __future__ import annotations

import argparse
import ctypes
import time

import torch

import vizlab
from vizlab.core.record import one_thread
from vizlab.core.sweep import grid


def pin_allocator() -> None:
    """glibc's default thresholds make some fresh processes 3-5x slower here."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 67108864)  # M_MMAP_THRESHOLD
        libc.mallopt(-1, 134217728)  # M_TRIM_THRESHOLD
    except OSError:
        pass


def idiomatic_loop(config: vizlab.RunConfig) -> None:
    """What a tutorial writes: nn.Sequential, torch.optim, no recording."""
    data = vizlab.make_dataset(config)
    X = torch.as_tensor(data.X_train, dtype=torch.float32)
    y = torch.as_tensor(data.y_train, dtype=torch.float32)
    g = torch.Generator().manual_seed(config.seed)
    layers, width = [], 2
    for h in config.hidden:
        layers += [torch.nn.Linear(width, h), torch.nn.Tanh()]
        width = h
    net = torch.nn.Sequential(*layers, torch.nn.Linear(width, 1))
    for p in net.parameters():
        with torch.no_grad():
            p.uniform_(-0.5, 0.5, generator=g)
    opt = torch.optim.SGD(net.parameters(), lr=config.lr)
    for _ in range(config.steps):
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(net(X).squeeze(-1), y)
        loss.backward()
        opt.step()


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def bench_sweep(quick: bool) -> dict:
    n_models, steps = (16, 200) if quick else (64, 500)
    base = vizlab.RunConfig(dataset="moons", n_points=300, hidden=(16, 16), steps=steps, frames=0)
    configs = grid(
        base,
        lr=[10 ** (-3 + 3 * i / (n_models // 4 - 1)) for i in range(n_models // 4)],
        seed=[0, 1, 2, 3],
    )
    vizlab.sweep(configs[:2])  # warm up kernels
    t_sweep = timed(lambda: vizlab.sweep(configs))
    t_loop = timed(lambda: [vizlab.train(c) for c in configs])
    with one_thread():  # as train() and sweep() run: fair on a busy 2-core machine
        t_plain = timed(lambda: [idiomatic_loop(c) for c in configs])
    print(f"sweep of {n_models} MLPs 2-16-16-1, 300 points, {steps} full-batch steps (recorded):")
    print(
        f"  one batched pass          {t_sweep:7.2f} s  ({t_sweep / n_models / steps * 1e6:6.1f} us per model-step)"
    )
    print(
        f"  vizlab.train one by one   {t_loop:7.2f} s  -> sweep is {t_loop / t_sweep:5.1f}x faster (target >= 12x)"
    )
    print(
        f"  idiomatic nn loop, untraced {t_plain:5.2f} s  -> sweep is {t_plain / t_sweep:5.1f}x faster"
    )
    return {"sweep_s": t_sweep, "loop_s": t_loop, "plain_s": t_plain, "speedup": t_loop / t_sweep}


def bench_recording(quick: bool) -> dict:
    c = vizlab.RunConfig(
        dataset="moons", hidden=(16, 16), steps=200 if quick else 500, frames=60, grid=100
    )
    vizlab.train(c.replace(steps=10))
    untraced = min(timed(lambda: vizlab.train(c, record_on=False)) for _ in range(2))
    traced = min(timed(lambda: vizlab.train(c)) for _ in range(2))
    print(f"recording every step (+ fields on a 100x100 grid for 60 frames), {c.steps} steps:")
    print(
        f"  untraced {untraced:6.2f} s, traced {traced:6.2f} s -> {traced / untraced:4.2f}x (target <= 1.5x)"
    )
    return {"untraced_s": untraced, "traced_s": traced, "ratio": traced / untraced}


def main(quick: bool = False) -> dict:
    pin_allocator()
    return {"sweep": bench_sweep(quick), "recording": bench_recording(quick)}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    main(ap.parse_args().quick)
