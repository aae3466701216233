"""Benchmark: how fast the notebook widgets answer a control.

Run ``python benchmarks/bench_widgets.py`` (``--quick`` for a smoke run).

Learning-rate explorer, Python side: from a new slider value to the PNG
bytes handed to the ``ipywidgets.Image`` (what the browser then shows), for
distinct learning rates (no cache hits), three ways of drawing the same
picture at the widget's size (72 dpi, 921 x 518 pixels):

(a) a naive re-plot: a new figure per value, ``savefig`` to PNG;
(b) one persistent figure, artists moved with ``set_data``, a full redraw;
(c) the widget's way: the persistent figure, blitting only what moved.

Each includes the ``vizlab.descend`` run (50 steps). The issue's targets
for (c): median <= 30 ms, p95 <= 60 ms. Also printed: the scrubber's
per-row update and the playground's training speed and redraw cost, for
its default run and for runs with input features, three classes and
regression. A picture is the whole view: decision field or fit, loss
curves, and the network graph with a map in every neuron. Playground
targets (two cores): at least 10 pictures/s while training, at least 500
steps/s. Then, side by side in one process, what one picture costs the
old way (a whole trace, matplotlib figures) and the snapshot way.
"""

from __future__ import annotations

import argparse
import io
import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import vizlab  # noqa: E402
from vizlab.widgets import LearningRateExplorer, Playground, Scrubber  # noqa: E402
from vizlab.widgets._view import FigureView  # noqa: E402


def stats(ms: list[float]) -> str:
    a = np.asarray(ms)
    return f"median {np.median(a):6.1f} ms   p95 {np.percentile(a, 95):6.1f} ms   (n={a.size})"


def explorer_way(landscape: str, lrs: np.ndarray, blit: bool) -> tuple[list[float], list[dict]]:
    ex = LearningRateExplorer(landscape, lr=float(lrs[0]))
    if not blit:
        display = ex.display
        ex._view.close()
        ex._view = FigureView(display, dpi=ex.dpi, blit=False)
        ex._view.render()  # lay it out once, as the widget does
    total, parts = [], []
    for lr in lrs[1:]:
        ex.set(lr=float(lr))
        ex.wait()
        t = ex.timings[-1]
        total.append(1e3 * t["total"])
        parts.append(t)
    return total, parts


def naive_way(landscape: str, lrs: np.ndarray) -> list[float]:
    from vizlab.render.descent import draw_contour_paths, draw_descent_1d

    draw = draw_descent_1d if landscape == "quadratic" else draw_contour_paths
    out = []
    for lr in lrs[1:]:
        t0 = time.perf_counter()
        trace = vizlab.descend(landscape, lr=float(f"{lr:.3g}"), steps=50)
        display = draw(trace)
        buf = io.BytesIO()
        display.fig.savefig(buf, format="png", dpi=72)
        plt.close(display.fig)
        out.append(1e3 * (time.perf_counter() - t0))
    return out


def bench_explorer(n: int) -> None:
    print("Learning-rate explorer: new slider value -> PNG bytes (Python side, incl. descend)")
    for landscape, lo, hi in (("quadratic", 0.005, 1.2), ("bowl", 0.005, 0.25)):
        lrs = np.geomspace(lo, hi, n + 1)
        naive = naive_way(landscape, lrs)
        full, _ = explorer_way(landscape, lrs, blit=False)
        blit, parts = explorer_way(landscape, lrs, blit=True)
        print(f"  {landscape}:")
        print(f"    (a) naive re-plot          {stats(naive)}")
        print(f"    (b) persistent, full draw  {stats(full)}")
        print(f"    (c) persistent, blitting   {stats(blit)}")
        for key in ("descend", "move", "paint", "encode"):
            print(f"        of which {key:8s}        {stats([1e3 * p[key] for p in parts])}")


def bench_scrubber(n: int) -> None:
    config = vizlab.RunConfig(dataset="moons", hidden=(8,), steps=300, frames=30, grid=40)
    trace = vizlab.train(config)
    for name, sc in (
        ("boundary", Scrubber(trace)),
        ("descent 1-D", Scrubber(vizlab.descend("quadratic", lr=0.3))),
    ):
        rows = np.linspace(0, sc.slider.max, n).astype(int)
        ms = []
        for row in rows:
            t0 = time.perf_counter()
            sc.slider.value = int(row)
            sc.wait()
            ms.append(1e3 * (time.perf_counter() - t0))
        print(f"Scrubber ({name}): row -> PNG        {stats(ms)}")


def bench_playground(seconds: float, config: vizlab.RunConfig | None = None) -> None:
    """Train ``seconds`` with the view drawn, as a student pressing play would."""
    from vizlab.widgets.settings import DEFAULT_CONFIG

    # long enough not to end inside the measured window (a quiet machine
    # trains ~1,000 steps/s while drawing); checked below
    config = (config or DEFAULT_CONFIG).replace(steps=50_000)
    pg = Playground(config)
    calls = []
    draw = pg._redraw

    def timed(published):
        t0 = time.perf_counter()
        draw(published)
        calls.append(1e3 * (time.perf_counter() - t0))

    pg._redraws._fn = timed
    # the same run stepped as the trainer steps it, with no picture, for as long
    run, taken = vizlab.LiveRun(config), 0
    t0 = end = time.perf_counter()
    while end - t0 < seconds / 2:
        taken += run.step(25)
        end = time.perf_counter()
    alone = taken / (end - t0)
    calls.clear()
    pg.play()
    t0 = time.perf_counter()
    time.sleep(seconds)
    pg.pause()
    elapsed = time.perf_counter() - t0
    pg.wait()
    steps, pictures = pg.snapshot.step, len(calls) - 1  # the last one is drawn after pausing
    if steps >= config.steps:
        raise SystemExit(f"the run ended inside the window: raise steps above {config.steps}")
    print(
        f"Playground ({pg.config.dataset}, {pg.config.hidden}): {alone:5.0f} steps/s alone, "
        f"{steps / elapsed:5.0f} steps/s while drawing ({steps / elapsed / alone:.0%} kept); "
        f"{pictures / elapsed:.1f} pictures/s ({steps / max(pictures, 1):.0f} steps per picture)"
    )
    print(f"  drawing thread per picture (field, curves, graph)  {stats(calls)}")
    target = "meets" if pictures / elapsed >= 10 and steps / elapsed >= 500 else "misses"
    print(f"  {target} the targets (>= 10 pictures/s, >= 500 steps/s)")
    pg.close()
    picture_parts(config)


def picture_parts(config: vizlab.RunConfig) -> None:
    """Per-picture costs side by side: the whole-trace path and the snapshot path."""
    from vizlab.render.activations import draw_hidden_units, unit_layers
    from vizlab.render.boundary import draw_boundary
    from vizlab.render.liveview import LiveView, live_graph_svg
    from vizlab.render.netgraph import graph_svg
    from vizlab.render.regression import draw_regression

    run = vizlab.LiveRun(config)
    run.step(300)
    trace, snap = run.trace(frames=1), run.snapshot()
    regression = config.task == "regression"
    display = draw_regression(trace) if regression else draw_boundary(trace)
    display.curves = None  # the loss lines stay put: a lower bound on the old cost
    field = FigureView(display, dpi=60)
    units = None
    if unit_layers(trace) and not regression:
        units = FigureView(draw_hidden_units(trace), dpi=60, blit=True)
    view = LiveView(snap)
    parts = {k: [] for k in ("trace", "figures", "graph (trace)", "snapshot", "svg", "graph")}
    for _ in range(8):
        run.step(40)
        for key, fn in (
            ("trace", lambda: run.trace(frames=1)),
            ("snapshot", run.snapshot),
        ):
            t0 = time.perf_counter()
            out = fn()
            parts[key].append(1e3 * (time.perf_counter() - t0))
            if key == "trace":
                trace = out
            else:
                snap = out
        t0 = time.perf_counter()
        field.display.trace = trace
        field.display.update(-1)
        field.render()
        if units is not None:
            units.display.trace = trace
            units.display.update(-1)
            units.render()
        parts["figures"].append(1e3 * (time.perf_counter() - t0))
        for key, fn in (
            ("graph (trace)", lambda t=trace: graph_svg(t)),
            ("svg", lambda s=snap: view.svg(s)),
            ("graph", lambda s=snap: live_graph_svg(s)),
        ):
            t0 = time.perf_counter()
            fn()
            parts[key].append(1e3 * (time.perf_counter() - t0))
    med = {k: float(np.median(v)) for k, v in parts.items()}
    before = med["trace"] + med["figures"] + med["graph (trace)"]
    after = med["snapshot"] + med["svg"] + med["graph"]
    print(
        f"  per picture, whole trace + matplotlib (blitted, loss lines not moved): "
        f"trace {med['trace']:.1f} + figures "
        f"{med['figures']:.1f} + graph {med['graph (trace)']:.1f} = {before:.1f} ms"
    )
    print(
        f"  per picture, snapshot + SVG:           snapshot {med['snapshot']:.1f} + view "
        f"{med['svg']:.1f} + graph {med['graph']:.1f} = {after:.1f} ms ({before / after:.0f}x less)"
    )
    field.close()
    if units is not None:
        units.close()


#: Playground runs beyond the default: features, three classes, regression.
PLAYGROUND_RUNS = (
    None,
    vizlab.RunConfig(
        dataset="circles",
        hidden=(4, 2),
        features=("x1", "x2", "x1^2", "x2^2"),
        optimizer="adam",
        lr=0.03,
        batch_size=10,
        steps=1000,
        grid=40,
        frames=60,
    ),
    vizlab.RunConfig(
        dataset="spiral",
        n_classes=3,
        loss="cross_entropy",
        hidden=(8, 8),
        activation="relu",
        optimizer="adam",
        lr=0.01,
        batch_size=10,
        steps=1000,
        grid=40,
        frames=60,
    ),
    vizlab.RunConfig(
        dataset="sine",
        task="regression",
        loss="mse",
        hidden=(8,),
        optimizer="adam",
        lr=0.02,
        batch_size=10,
        steps=1000,
        grid=80,
        frames=60,
    ),
)


def main(quick: bool = False) -> None:
    bench_explorer(10 if quick else 40)
    bench_scrubber(5 if quick else 20)
    for config in PLAYGROUND_RUNS:
        bench_playground(2.0 if quick else 6.0, config)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    main(ap.parse_args().quick)
