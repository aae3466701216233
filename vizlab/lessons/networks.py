"""Lessons on optimizing a real network: the race, its loss landscape, local minima, early stopping."""

from __future__ import annotations

import numpy as np

from vizlab.config import DescendConfig, RunConfig
from vizlab.lessons.base import CallConfig, Claim, Lesson, TimelineSpec
from vizlab.lessons.measure import final, pct
from vizlab.lessons.registry import register

# ---------------------------------------------------------------- the race
RACERS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")
#: The half-moons 2-16-16-1 net; full batch, so the landscape is the loss every step descends.
#: float64 so the recorded optimizer state can be held to its replay at 1e-10.
RACE_NET = RunConfig(
    dataset="moons",
    hidden=(16, 16),
    activation="tanh",
    lr=0.01,
    steps=300,
    frames=0,
    grid=10,
    dtype="float64",
)
QUICK_STEPS = 100  # the claim compares losses at step 100


def _plane(configs, **kw) -> CallConfig:
    return CallConfig("landscape_of", {"configs": [c.to_dict() for c in configs], **kw})


def _race_runs(net: RunConfig, resolution: int) -> dict:
    runs = {o: net.replace(optimizer=o) for o in RACERS}
    runs["plane"] = _plane(list(runs.values()), through="start", resolution=resolution)
    return runs


def _quick_race() -> dict:
    q = _race_runs(RACE_NET.replace(steps=QUICK_STEPS), 21)
    out = {o: {"steps": QUICK_STEPS} for o in RACERS}
    out["plane"] = dict(q["plane"].kwargs)
    return out


def _row_of(trace, step: int) -> int:
    hit = np.flatnonzero(trace.steps == step)
    return int(hit[0]) if hit.size else len(trace) - 1


def _adaptive_first(traces):
    at = {o: float(traces[o]["scalar/loss_train"][_row_of(traces[o], 100)]) for o in RACERS}
    ok = max(at["adam"], at["rmsprop"]) < at["sgd"]
    return ok, "training loss at step 100: " + ", ".join(f"{o} {v:.3f}" for o, v in at.items())


def _replay_momentum(g: np.ndarray, mu: float) -> np.ndarray:
    buf = np.empty_like(g)
    for k in range(len(g)):
        buf[k] = g[k] if k == 0 else mu * buf[k - 1] + g[k]
    return buf


def _replay_adam(g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    m, v = np.zeros_like(g), np.zeros_like(g)
    for k in range(len(g)):
        m[k] = (0.9 * m[k - 1] if k else 0) + 0.1 * g[k]
        v[k] = (0.999 * v[k - 1] if k else 0) + 0.001 * g[k] ** 2
    return m, v


def _state_err(trace, buffer: str, replayed: np.ndarray, name: str) -> float:
    rec = np.asarray(trace[f"opt/{name}.{buffer}"], np.float64)[: len(replayed)]
    return float(np.max(np.abs(rec - replayed)) / max(np.max(np.abs(replayed)), 1e-300))


def _state_replays(traces):
    errs = {}
    for name in traces["momentum"].names("param"):
        g = np.asarray(traces["momentum"][f"grad/{name}"], np.float64)[:-1]
        mu = traces["momentum"].config["momentum"]
        e = _state_err(traces["momentum"], "momentum_buffer", _replay_momentum(g, mu), name)
        errs["momentum_buffer"] = max(errs.get("momentum_buffer", 0.0), e)
        g = np.asarray(traces["adam"][f"grad/{name}"], np.float64)[:-1]
        m, v = _replay_adam(g)
        errs["exp_avg"] = max(
            errs.get("exp_avg", 0.0), _state_err(traces["adam"], "exp_avg", m, name)
        )
        errs["exp_avg_sq"] = max(
            errs.get("exp_avg_sq", 0.0), _state_err(traces["adam"], "exp_avg_sq", v, name)
        )
    ok = max(errs.values()) < 1e-10
    return ok, "largest relative difference: " + ", ".join(f"{k} {v:.1e}" for k, v in errs.items())


def _centre(plane) -> float:
    z = plane["surface/loss"]
    return float(z[z.shape[0] // 2, z.shape[1] // 2])


def _race_plane_origin(traces):
    plane = traces["plane"][0]
    want = float(traces["sgd"]["scalar/loss_train"][0])
    err = abs(_centre(plane) - want) / want
    return err < 1e-6, f"surface at (0, 0) {_centre(plane):.6f}, recorded initial loss {want:.6f}"


optimizer_race_net = register(
    Lesson(
        name="optimizer_race_net",
        title="Six optimizers race on a real network",
        slides=(
            "001: Momentum; Adam and Adagrad",
            "002: Adaptive learning rates (SGD, Adam, Adagrad, RMSProp)",
            "003: SGD vs momentum vs Adam",
            "004: Momentum, Adam, AdaGrad",
        ),
        runs=_race_runs(RACE_NET, 41),
        timeline=TimelineSpec(frames=120, spacing="log", hold_end=45),
        quick=_quick_race(),
        claims=(
            Claim(
                "On the half-moons net at lr 0.01, Adam and RMSProp reach a lower training "
                "loss than SGD in the first 100 steps",
                "002",
                _adaptive_first,
            ),
            Claim(
                "The recorded momentum buffer equals mu * v + g replayed from the recorded "
                "gradients, and Adam's exp_avg / exp_avg_sq likewise (1e-10, float64)",
                "001",
                _state_replays,
            ),
            Claim(
                "The shared plane passes through the common initial weights: the surface at "
                "(0, 0) equals the recorded initial loss (1e-6 relative)",
                "002",
                _race_plane_origin,
            ),
        ),
        channels=(
            "gallery:07_networks/plot_race_real_net",
            "notebook:08_optimizers_landscape",
        ),
        batched=True,
        summary="SGD, momentum, Nesterov, Adagrad, RMSProp and Adam from the same initial "
        "weights on the half-moons 2-16-16-1 net: loss, per-weight steps, paths on one plane.",
    )
)

# ---------------------------------------------------------------- the landscape
# float64 like the race: in float32 the recorded final loss (0.0059) itself carries
# a rounding error of a few 1e-6, more than the 1e-6 the claim below holds the plane to.
LANDSCAPE_NET = RACE_NET.replace(optimizer="adam")


def _landscape_runs(net: RunConfig, resolution: int) -> dict:
    return {
        "net": net,
        "pca": _plane([net], through="end", resolution=resolution),
        "random": _plane([net], directions="random", through="end", resolution=resolution),
        # span 1.25: the start (at alpha = 1, a grid point) sits inside the map, not on its edge
        "start": _plane([net], directions="start", span=1.25, through="end", resolution=resolution),
    }


def _origin_is_recorded(traces):
    want = float(traces["net"]["scalar/loss_train"][-1])
    errs = [abs(_centre(traces[k][0]) - want) / want for k in ("pca", "random", "start")]
    return max(errs) < 1e-6, (
        f"recorded final loss {want:.6f}; planes at (0, 0) differ by at most {max(errs):.1e} relative"
    )


def _start_reproduced(traces):
    plane = traces["start"][0]
    z, i = plane["surface/loss"], len(plane["grid/beta"]) // 2
    j = int(np.argmin(np.abs(plane["grid/alpha"] - 1.0)))
    if plane["grid/alpha"][j] != 1.0:
        return False, f"the grid has no point at alpha = 1 (nearest {plane['grid/alpha'][j]})"
    want = float(traces["net"]["scalar/loss_train"][0])
    got = float(z[i, j])
    return abs(got - want) / want < 1e-6, (
        f"surface at the start's coordinates (1, 0): {got:.6f}; recorded initial loss "
        f"{want:.6f} ({abs(got - want) / want:.1e} relative)"
    )


loss_landscape = register(
    Lesson(
        name="loss_landscape",
        title="The loss landscape of a real network",
        slides=(
            '002: "Visualizing the loss landscape of neural nets" (Li et al.)',
            "003: Optimization: Loss Surface (no longer convex)",
        ),
        runs=_landscape_runs(LANDSCAPE_NET, 41),
        timeline=TimelineSpec(frames=90, spacing="log", hold_end=45),
        quick={
            "net": {"steps": QUICK_STEPS},
            **{
                k: dict(v.kwargs)
                for k, v in _landscape_runs(LANDSCAPE_NET.replace(steps=QUICK_STEPS), 21).items()
                if k != "net"
            },
        },
        claims=(
            Claim(
                "The landscape at (0, 0) is the recorded training loss of the weights it "
                "passes through (1e-6 relative)",
                "002",
                _origin_is_recorded,
            ),
            Claim(
                "Spanned by (start - end, an orthogonal vector), the surface at the start's "
                "coordinates is the recorded initial loss",
                "002",
                _start_reproduced,
            ),
        ),
        channels=(
            "gallery:07_networks/plot_loss_landscape",
            "notebook:08_optimizers_landscape",
            "scene:landscape",
        ),
        summary="Adam on the half-moons net: its training loss on the plane of its path (PCA), "
        "on random filter-normalised directions, and on the line from start to end.",
    )
)

# ---------------------------------------------------------------- local minima
WAVY_RATES = {"small": 0.1, "large": 0.4}


def _wavy_points() -> tuple[float, float, float]:
    # f'(x) = x^3 - 2x + 1/2: global minimum, the hump between, local minimum
    lo, hump, hi = np.sort(np.roots([1.0, 0.0, -2.0, 0.5]).real)
    return float(lo), float(hump), float(hi)


def _settles_or_escapes(traces):
    lo, hump, hi = _wavy_points()
    xs = {k: float(traces[k]["point/xy"][-1, 0]) for k in WAVY_RATES}
    ok = abs(xs["small"] - hi) < 1e-3 and xs["large"] < hump
    return ok, (
        f"r = {WAVY_RATES['small']} ends at x = {xs['small']:.3f} (local minimum {hi:.3f}); "
        f"r = {WAVY_RATES['large']} ends at x = {xs['large']:.3f}, past the hump at {hump:.3f} "
        f"(global minimum {lo:.3f})"
    )


local_minima_1d = register(
    Lesson(
        name="local_minima_1d",
        title="Stuck in a local minimum, or not: the learning rate decides",
        slides=(
            "002: Small learning rate converges slowly and gets stuck in false local minima",
            "002: Stable learning rates converge smoothly and avoid local minima",
            "000: Too small the model get stuck in local minimas",
        ),
        runs={k: DescendConfig("wavy", lr=lr, steps=60) for k, lr in WAVY_RATES.items()},
        timeline=TimelineSpec(frames=61, spacing="uniform", hold_end=30, fps=12),
        quick={"steps": 40},
        claims=(
            Claim(
                "A small learning rate settles in the local minimum next to the start; a "
                "larger one jumps over the hump towards the global minimum",
                "002",
                _settles_or_escapes,
            ),
        ),
        channels=("gallery:07_networks/plot_local_minima",),
        summary="The wavy curve from x = 2: r = 0.1 stops in the local minimum, r = 0.4 "
        "overshoots the hump into the deeper valley (r = 0.38 does not: it is a narrow escape).",
    )
)

XOR_SEEDS = tuple(range(10))
XOR_NET = RunConfig(
    dataset="xor", noise=0.1, hidden=(2,), activation="sigmoid", lr=3.0, steps=1000,
    frames=20, grid=40,
)  # fmt: skip


def _seeds_differ(traces):
    losses = {s: final(traces[f"seed{s}"], "scalar/loss_train") for s in XOR_SEEDS}
    accs = {s: final(traces[f"seed{s}"], "scalar/acc_train") for s in XOR_SEEDS}
    solved = [s for s in XOR_SEEDS if accs[s] >= 0.99]
    stalled = [s for s in XOR_SEEDS if accs[s] < 0.9]
    ok = bool(solved) and bool(stalled)
    return ok, (
        f"{len(solved)} of {len(XOR_SEEDS)} seeds solve XOR (final loss "
        f"{min(losses.values()):.3f}..); stalled: "
        + (", ".join(f"seed {s} loss {losses[s]:.3f} ({pct(accs[s])})" for s in stalled) or "none")
    )


local_minima_net = register(
    Lesson(
        name="local_minima_net",
        title="The same XOR net from ten starts: some stall",
        slides=(
            "003: A 2-2-1 sigmoid network in PyTorch",
            "003: Optimization: Loss Surface (local minima, saddle points)",
            "001: With SGD, it is quite easy to get stuck in a local minimum",
        ),
        runs={f"seed{s}": XOR_NET.replace(seed=s) for s in XOR_SEEDS},
        timeline=TimelineSpec(frames=90, spacing="log", hold_end=45),
        quick={"steps": 400, "grid": 24, "frames": 8},
        claims=(
            Claim(
                "Different initial weights end at different losses: some seeds solve XOR, "
                "some stall",
                "003",
                _seeds_differ,
            ),
        ),
        channels=("gallery:07_networks/plot_local_minima",),
        batched=True,
        summary="Lecture 003's 2-2-1 sigmoid net on noisy XOR with ten seeds, shown all together.",
    )
)

# ---------------------------------------------------------------- early stopping
OVERFIT = RunConfig(
    dataset="moons",
    noise=0.3,
    n_points=200,
    val_fraction=0.5,
    optimizer="adam",
    lr=0.005,
    steps=3000,
    record_every=10,
    hidden=(256,),
    activation="relu",
    grid=40,
    frames=30,
)
PATIENCE = 20


def _restored(traces):
    t = traces["stopped"]
    ev = [e for e in t.events if e.get("type") == "early_stop"]
    if not ev:
        return False, "the run did not stop early"
    best = _row_of(t, ev[0]["best_step"])
    same = all(np.array_equal(t[f"param/{n}"][-1], t[f"param/{n}"][best]) for n in t.names("param"))
    val = np.asarray(t["scalar/loss_val"], np.float64)
    ok = same and val[-1] == np.nanmin(val)
    return ok, (
        f"stopped at step {ev[0]['step']} (best step {ev[0]['best_step']}); final weights "
        f"{'equal' if same else 'differ from'} the best step's; final validation loss "
        f"{val[-1]:.4f}, lowest recorded {np.nanmin(val):.4f}"
    )


def _stops_before_end(traces):
    t, full = traces["stopped"], traces["full"]
    last, end = int(t.steps[-1]), int(full.steps[-1])
    v_stop, v_full = final(t, "scalar/loss_val"), final(full, "scalar/loss_val")
    ok = last < end and v_stop < v_full
    return ok, (
        f"stopped after {last} of {end} steps; validation loss {v_stop:.3f} kept, against "
        f"{v_full:.3f} at the end of the full run"
    )


early_stopping_patience = register(
    Lesson(
        name="early_stopping_patience",
        title="Early stopping that stops: patience and restoring the best weights",
        slides=(
            "002: Regularization 2: Early Stopping",
            "000: Monitoring train vs validation",
        ),
        runs={
            "stopped": OVERFIT.replace(patience=PATIENCE, restore_best=True),
            "full": OVERFIT,
        },
        timeline=TimelineSpec(frames=90, spacing="uniform", hold_end=45),
        quick={"steps": 600, "grid": 24, "frames": 8},
        claims=(
            Claim(
                "With patience and restore_best the final weights are the best step's and the "
                "final validation loss is the lowest recorded",
                "002",
                _restored,
            ),
            Claim(
                "Stopping early keeps a lower validation loss than training to the end",
                "002",
                _stops_before_end,
            ),
        ),
        channels=(
            "gallery:07_networks/plot_early_stopping_patience",
            "notebook:08_optimizers_landscape",
        ),
        summary=f"The overfitting 256-unit net stops {PATIENCE} evaluations after its best "
        "validation loss and goes back to those weights.",
    )
)
