"""Training-core benchmarks, printed as ratios measured side by side in one process.

1. sweep: 64 half-moons MLPs (2-16-16-1, 300 points, 500 full-batch steps) in one
   batched pass vs the same configs trained one by one with ``vizlab.train``
   (target >= 12x), and vs an idiomatic, untraced ``nn.Sequential`` loop
   (target >= 8x);
2. scaling: the cost per model-step of a sweep of M = 1, 4, 16, 64, 256, 1024 models;
3. recording: a fully traced run (+ fields for 60 frames) vs the same run untraced
   (target <= 1.3x);
4. tanh: torch's CPU tanh vs the core's ``2 sigmoid(2z) - 1`` (which the core takes
   where ``vizlab.core.activations.TANH_BY_SIGMOID``), alone, in the field pass of the
   recording benchmark's trace, and in whole runs (a sweep of 64, one train).

Every comparison alternates its contenders, in an order that reverses every
repeat; a ratio is the median over at least three repeats of the ratio within
a repeat (the contenders ran back to back). Run with ``make bench`` (which
pins glibc's allocator thresholds) or
``python benchmarks/bench_core.py [--quick] [--all]``; ``--all`` times every
one of the 64 configs one by one (by default 16 of them, evenly spread, stand
for the grid and the per-model time is scaled to 64).
"""

from __future__ import annotations

import argparse
import ctypes
import statistics
import time

import numpy as np
import torch

import vizlab
from vizlab.core.engine import Engine, threads_for
from vizlab.core.sweep import grid
from vizlab.core.threads import using_threads


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


def alternate(contenders: dict, repeats: int) -> dict[str, list[float]]:
    """Seconds of each contender, run in turn ``repeats`` times (A B C C B A A B C ...).

    The order reverses every repeat: on this machine, the same code timed
    always first or always second in a pair differed by up to 5%.
    """
    times: dict[str, list[float]] = {k: [] for k in contenders}
    order = list(contenders.items())
    for r in range(repeats):
        for name, fn in order if r % 2 == 0 else order[::-1]:
            times[name].append(timed(fn))
    return times


def median(times: list[float]) -> float:
    return statistics.median(times)


def ratio(slow: list[float], fast: list[float], scale: float = 1.0) -> float:
    """Median over repeats of ``slow / fast`` within a repeat (run back to back).

    The machine's speed drifts (here by up to 2x within a minute); a ratio of
    two contenders timed side by side is not moved by a drift between repeats.
    """
    return statistics.median(scale * a / b for a, b in zip(slow, fast))


def moons_grid(n_models: int, steps: int, **kw) -> list[vizlab.RunConfig]:
    base = vizlab.RunConfig(
        dataset="moons", n_points=300, hidden=(16, 16), steps=steps, frames=0, **kw
    )
    seeds = min(4, n_models)
    lrs = n_models // seeds
    return grid(
        base,
        lr=[10 ** (-3 + 3 * i / max(lrs - 1, 1)) for i in range(lrs)],
        seed=list(range(seeds)),
    )


def bench_sweep(quick: bool, every: bool, repeats: int) -> dict:
    n_models, steps = (16, 100) if quick else (64, 500)
    configs = moons_grid(n_models, steps)
    # The one-by-one contenders run on a spread subset unless --all: per model
    # they cost the same, and 64 of them three times over would take many minutes.
    subset = configs if every or quick else configs[::4]
    scale = len(configs) / len(subset)
    vizlab.sweep(configs[:2])  # warm up kernels
    vizlab.train(configs[0].replace(steps=5))

    def plain():
        with using_threads(1):  # as one training run uses: fair on a busy machine
            for c in subset:
                idiomatic_loop(c)

    t = alternate(
        {
            "sweep": lambda: vizlab.sweep(configs),
            "train": lambda: [vizlab.train(c) for c in subset],
            "plain": plain,
        },
        repeats,
    )
    t_sweep, t_loop, t_plain = (
        median(t[k]) * f for k, f in (("sweep", 1), ("train", scale), ("plain", scale))
    )
    vs_train, vs_plain = ratio(t["train"], t["sweep"], scale), ratio(t["plain"], t["sweep"], scale)
    per = 1e6 / n_models / steps
    note = "" if scale == 1 else f" ({len(subset)} of the {n_models} timed, scaled)"
    print(f"sweep of {n_models} MLPs 2-16-16-1, 300 points, {steps} full-batch steps, recorded")
    print(
        f"  (medians of {repeats} alternating repeats; the sweep's kernels may use"
        f" {threads_for(n_models)} thread(s), as measured to pay)"
    )
    print(
        f"  one batched pass (vizlab.sweep)  {t_sweep:7.2f} s  {t_sweep * per:6.1f} us/model-step"
    )
    print(
        f"  vizlab.train one by one{note}  {t_loop:7.2f} s  {t_loop * per:6.1f} us/model-step"
        f"  -> sweep {vs_train:5.1f}x faster (target >= 12x)"
    )
    print(
        f"  idiomatic nn.Sequential loop, untraced{note}  {t_plain:7.2f} s  "
        f"{t_plain * per:6.1f} us/model-step  -> sweep {vs_plain:5.1f}x faster (target >= 8x)"
    )
    parts = sweep_parts(configs, repeats)
    print(
        "  where the sweep's time goes (medians): setup {setup:.2f} s, steps {steps:.2f} s,"
        " traces {traces:.2f} s".format(**parts)
    )
    return {
        "sweep_s": t_sweep,
        "train_s": t_loop,
        "plain_s": t_plain,
        "vs_train": vs_train,
        "vs_plain": vs_plain,
        "parts": parts,
    }


def sweep_parts(configs: list[vizlab.RunConfig], repeats: int) -> dict[str, float]:
    """Seconds of a sweep's setup, steps and trace assembly (evaluation included)."""
    times: dict[str, list[float]] = {"setup": [], "steps": [], "traces": []}
    for _ in range(repeats):
        t0 = time.perf_counter()
        engine = Engine(configs)
        t1 = time.perf_counter()
        engine.advance(engine.n_steps)
        t2 = time.perf_counter()
        engine.traces()
        t3 = time.perf_counter()
        for k, a, b in (("setup", t0, t1), ("steps", t1, t2), ("traces", t2, t3)):
            times[k].append(b - a)
    return {k: median(v) for k, v in times.items()}


def bench_scaling(quick: bool, repeats: int) -> dict:
    steps = 50 if quick else 200
    sizes = (1, 4, 16, 64) if quick else (1, 4, 16, 64, 256, 1024)
    grids = {m: moons_grid(m, steps) for m in sizes}
    t = alternate({m: (lambda c=c: vizlab.sweep(c)) for m, c in grids.items()}, repeats)
    t = {m: median(v) for m, v in t.items()}
    print(f"cost per model-step of a sweep ({steps} full-batch steps, recorded, whole call):")
    for m in sizes:
        print(
            f"  M = {m:5d}  {t[m]:7.2f} s  {t[m] / m / steps * 1e6:7.1f} us/model-step"
            f"  (up to {threads_for(m)} thread(s))"
        )
    return {m: t[m] / m / steps for m in sizes}


def bench_recording(quick: bool, repeats: int) -> dict:
    c = vizlab.RunConfig(
        dataset="moons", hidden=(16, 16), steps=200 if quick else 500, frames=60, grid=100
    )
    vizlab.train(c), vizlab.train(c, record_on=False)  # warm-up: both, full size
    # a pair takes half a second: more of them than the other comparisons
    times = alternate(
        {"untraced": lambda: vizlab.train(c, record_on=False), "traced": lambda: vizlab.train(c)},
        5 * repeats,
    )
    t = {k: median(v) for k, v in times.items()}
    over = ratio(times["traced"], times["untraced"])
    print(f"recording every step (+ fields on a 100x100 grid for 60 frames), {c.steps} steps:")
    print(
        f"  untraced {t['untraced']:6.2f} s, traced {t['traced']:6.2f} s -> {over:4.2f}x"
        f" (target <= 1.3x; median of {5 * repeats} pairs)"
    )
    return {"untraced_s": t["untraced"], "traced_s": t["traced"], "ratio": over}


def bench_tanh(quick: bool, repeats: int) -> dict:
    """torch's tanh vs the core's ``2 sigmoid(2z) - 1``: one kernel (each call on a fresh copy
    of its input, the copy included), the field pass of a 60-frame trace, and whole runs
    (a 64-model sweep and one ``vizlab.train``) with each."""
    from vizlab.core import activations, fields

    z = torch.randn(64, 240, 16, generator=torch.Generator().manual_seed(0))
    out = torch.empty_like(z)
    n = 20 if quick else 100

    def kernel(fn):
        def run():
            for _ in range(n):
                fn(out.copy_(z))

        return run

    c = vizlab.RunConfig(
        dataset="moons", hidden=(16, 16), steps=100 if quick else 500, frames=60, grid=100
    )
    tr = vizlab.train(c)
    params = {k[len("param/") :]: tr[k] for k in tr.keys() if k.startswith("param/")}
    rows = np.searchsorted(tr["scalar/step"], tr["grid/steps"])
    configs = moons_grid(16 if quick else 64, 100 if quick else 500)

    def with_formula(by_sigmoid: bool, fn):
        def run():
            activations.TANH_BY_SIGMOID = by_sigmoid
            fn()

        return run

    def field_pass():
        fields.compute_fields(
            params,
            rows,
            tr["grid/x"],
            tr["grid/y"],
            tr["data/X_train"],
            c.activation,
            torch.float32,
            torch.device("cpu"),
        )

    chosen = activations.TANH_BY_SIGMOID
    with using_threads(1):
        t = alternate(
            {"torch": kernel(torch.tanh_), "sigmoid": kernel(activations.tanh_by_sigmoid_)}, repeats
        )
    try:
        f = alternate(
            {"torch": with_formula(False, field_pass), "sigmoid": with_formula(True, field_pass)},
            5 * repeats,
        )
        runs = {
            f"{what} {how}": with_formula(how == "sigmoid", fn)
            for what, fn in (
                ("sweep", lambda: vizlab.sweep(configs)),
                ("train", lambda: vizlab.train(configs[0].replace(frames=0))),
            )
            for how in ("torch", "sigmoid")
        }
        r = alternate(runs, repeats)
    finally:
        activations.TANH_BY_SIGMOID = chosen
    us = {k: median(v) / n * 1e6 for k, v in t.items()}
    ms = {k: median(v) * 1e3 for k, v in f.items()}
    runs_s = {k: median(v) for k, v in r.items()}
    print(f"tanh (this machine's core takes: {'2 sigmoid(2z) - 1' if chosen else 'torch.tanh'}):")
    print(
        f"  64 x 240 x 16 float32, one thread: torch.tanh_ {us['torch']:6.0f} us, "
        f"2 sigmoid(2z) - 1 {us['sigmoid']:6.0f} us"
    )
    print(
        f"  field pass of {len(rows)} rows on {c.grid}x{c.grid} points: torch {ms['torch']:5.1f} ms,"
        f" formula {ms['sigmoid']:5.1f} ms -> {ratio(f['sigmoid'], f['torch']):4.2f}x"
    )
    for what in ("sweep", "train"):
        a, b = r[f"{what} torch"], r[f"{what} sigmoid"]
        label = f"sweep of {len(configs)}" if what == "sweep" else "train of one"
        print(
            f"  {label}: torch {median(a):6.3f} s, formula {median(b):6.3f} s"
            f" -> {ratio(b, a):4.2f}x"
        )
    return {"kernel_us": us, "field_pass_ms": ms, "runs_s": runs_s}


def main(quick: bool = False, every: bool = False, repeats: int = 3) -> dict:
    pin_allocator()
    return {
        # the headline ratio: two more repeats (the sweep runs on two threads, the
        # one-by-one runs on one, so a neighbour taking a core moves one side more)
        "sweep": bench_sweep(quick, every, repeats if quick else max(repeats, 5)),
        "scaling": bench_scaling(quick, repeats),
        "recording": bench_recording(quick, repeats),
        "tanh": bench_tanh(quick, repeats),
    }


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    ap.add_argument("--all", action="store_true", help="time all 64 configs one by one")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    main(args.quick, args.all, max(3, args.repeats))
