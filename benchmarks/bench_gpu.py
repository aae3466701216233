"""GPU benchmark: sweeps of 1,024 and 16,384 half-moons MLPs on CUDA.

The same engine as on the CPU (``device="cuda"``): every model's rows are
recorded into buffers preallocated on the device, nothing comes back to the
host during the loop, and the rows are copied back in chunks at the end.
Prints the time per sweep and per model-step, training alone and the whole
call (training plus the copy back and the traces). Without a CUDA device it
says so in one line and exits 0.

Run ``python benchmarks/bench_gpu.py [--quick]`` (part of ``make bench``).
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

import vizlab
from vizlab.core.engine import Engine
from vizlab.core.sweep import grid


def configs_for(n_models: int, steps: int, record_every: int) -> list[vizlab.RunConfig]:
    base = vizlab.RunConfig(
        dataset="moons",
        n_points=300,
        hidden=(16, 16),
        steps=steps,
        frames=0,
        record_every=record_every,
        device="cuda",
    )
    seeds = 16
    lrs = n_models // seeds
    return grid(
        base, lr=[10 ** (-3 + 3 * i / (lrs - 1)) for i in range(lrs)], seed=list(range(seeds))
    )


def timed_cuda(fn) -> float:
    torch.cuda.synchronize()
    t = time.perf_counter()
    fn()
    torch.cuda.synchronize()
    return time.perf_counter() - t


def main(quick: bool = False) -> dict:
    if not torch.cuda.is_available():
        print("bench_gpu: no CUDA device here (torch.cuda.is_available() is False); nothing timed")
        return {}
    steps = 100 if quick else 500
    out = {}
    print(f"GPU: {torch.cuda.get_device_name(0)}; {steps} full-batch steps, a row every 10 steps")
    for n_models in (1024, 16384):
        configs = configs_for(n_models, steps, record_every=10)
        Engine(configs[:16]).advance(5)  # warm up kernels

        def train_only(configs=configs):
            Engine(configs).advance(steps)

        def whole(configs=configs):
            vizlab.sweep(configs, fields=False, max_bytes=32 << 30)

        t_train = statistics.median(timed_cuda(train_only) for _ in range(3))
        t_whole = statistics.median(timed_cuda(whole) for _ in range(3))
        per = 1e9 / n_models / steps
        print(
            f"  M = {n_models:6d}: training {t_train:6.2f} s ({t_train * per:7.1f} ns/model-step),"
            f" whole sweep call {t_whole:6.2f} s ({t_whole * per:7.1f} ns/model-step)"
        )
        out[n_models] = {"train_s": t_train, "sweep_s": t_whole}
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    main(ap.parse_args().quick)
