"""Benchmark: MP4 export of a 720p decision-boundary animation, matplotlib vs vizlab.

Run ``python benchmarks/bench_export.py`` (add ``--quick`` for a smoke run).
Both contenders render the same real training run (moons, one hidden layer
of 8) in one process, twice: like for like (a timeline of distinct rows, so
both draw every frame) and with the default log timeline, whose repeated rows
vizlab draws once while ``FuncAnimation`` redraws them:

(a) ``FuncAnimation.save(..., writer="ffmpeg")``: matplotlib's stock path, a
    full figure draw per frame piped to imageio-ffmpeg's binary;
(a') the same with vizlab's x264 settings, to separate drawing from encoding;
(b) ``vizlab.render.export.save(display, "x.mp4")``: blitting plus in-process
    PyAV encoding in a second thread.

A third comparison isolates the glyph cache (:mod:`vizlab.render.glyphs`): the
same frames drawn in full, no encoding, with each glyph rasterised once vs by
FreeType every time (alternating, median of the per-repeat ratios).

glibc's default malloc thresholds make some fresh processes several times
slower on this workload, so :func:`main` pins them with ``mallopt`` first
(the Makefile's ``bench`` target sets ``MALLOC_MMAP_THRESHOLD_`` and
``MALLOC_TRIM_THRESHOLD_`` to the same values).
"""

from __future__ import annotations

import argparse
import ctypes
import statistics
import tempfile
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import vizlab  # noqa: E402
from vizlab.render import export, style  # noqa: E402
from vizlab.render.base import Display, subplots  # noqa: E402


def pin_malloc() -> bool:
    """Fix glibc's mmap and trim thresholds (64 MiB, 128 MiB); False if not glibc."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(-3, 67108864)) and bool(libc.mallopt(-1, 134217728))
    except (OSError, AttributeError):
        return False


class BoundaryDisplay(Display):
    """Decision field with the training points over it, and the loss curve so far."""

    blit_safe = True  # update() only touches the artists it lists

    def __init__(self, trace):
        fig, (ax, ax_loss) = subplots(1, 2, width_ratios=[1, 1.25])
        with style.theme("light"):
            gx, gy = trace["grid/x"], trace["grid/y"]
            image = ax.imshow(
                trace["field/output"][0],
                extent=(gx[0], gx[-1], gy[0], gy[-1]),
                origin="lower",
                cmap=style.FIELD_CMAP,
                vmin=0,
                vmax=1,
                interpolation="bilinear",
                alpha=0.8,
            )
            X, y = trace["data/X_train"], trace["data/y_train"]
            colors = [style.class_color(label) for label in y]
            ax.scatter(X[:, 0], X[:, 1], c=colors, s=36, edgecolor="white", linewidth=0.8)
            ax.set(title="Decision boundary", xticks=[], yticks=[])
            counter = ax.text(
                0.03,
                0.97,
                "",
                transform=ax.transAxes,
                va="top",
                fontsize=16,
                bbox={"boxstyle": "round", "fc": "white", "ec": "#999999", "alpha": 0.9},
            )
            steps = trace.steps
            loss = {k: trace[f"scalar/{k}"] for k in ("loss_train", "loss_val")}
            lines = {
                "loss_train": ax_loss.plot([], [], color=style.TRAIN_COLOR, label="train")[0],
                "loss_val": ax_loss.plot([], [], color=style.VAL_COLOR, label="validation")[0],
            }
            top = max(float(v.max()) for v in loss.values())
            ax_loss.set(xlim=(0, steps[-1]), ylim=(0, 1.05 * top), xlabel="step", ylabel="loss")
            ax_loss.set_title("Loss")
            ax_loss.legend(loc="upper right")
        super().__init__(trace, fig, {"image": image, "counter": counter, "lines": lines})
        self.loss = loss

    def update(self, row: int):
        row = self._row(row)
        t = self.trace
        a = self.artists
        a["image"].set_data(t["field/output"][t.field_row(row)])
        a["counter"].set_text(f"step {int(t.steps[row])}")
        for key, line in a["lines"].items():
            line.set_data(t.steps[: row + 1], self.loss[key][: row + 1])
        self.row = row
        return self.animated_artists()


def _time(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def glyph_ratio(trace, timeline, repeats: int = 3) -> tuple[float, float, float]:
    """Full redraws of ``timeline`` without and with the glyph cache: (ms, ms, ratio)."""
    display = BoundaryDisplay(trace)
    display.fig.canvas.draw()

    def draw(glyphs: bool) -> float:
        frames = export.iter_frames(display, timeline, blit=False, glyphs=glyphs)
        return _time(lambda: [None for _ in frames]) * 1000 / len(timeline)

    plain, cached = [], []
    for i in range(repeats):  # alternate, and reverse the order every repeat
        for glyphs in (True, False) if i % 2 else (False, True):
            (cached if glyphs else plain).append(draw(glyphs))
    ratios = [p / c for p, c in zip(plain, cached)]
    return statistics.median(plain), statistics.median(cached), statistics.median(ratios)


def main(quick: bool = False, out: str | Path | None = None) -> dict:
    """Run the benchmark and print frames per second; returns the numbers.

    Two comparisons, both in this process:

    * **like for like**: a timeline whose rows are all distinct, so both sides
      draw every frame (the same pictures, the same number of draws);
    * **with skipping**: the default log-spaced timeline, whose early frames
      repeat rows; ``FuncAnimation`` redraws a repeated row, vizlab reuses
      the canvas it already shows.

    Parameters
    ----------
    quick : bool
        A small run (fewer steps and frames) to check the script works.
    out : path, optional
        Folder to keep the videos in; default a temporary folder.
    """
    pinned = pin_malloc()
    config = vizlab.RunConfig(
        dataset="moons",
        hidden=(8,),
        steps=60 if quick else 300,
        grid=40 if quick else 100,
        frames=20 if quick else 120,
    )
    trace = vizlab.train(config)
    skipping = vizlab.Timeline.build(len(trace), 20 if quick else 120, spacing="log")
    distinct = vizlab.Timeline(skipping.unique_rows(), fps=skipping.fps)
    ffmpeg = export.configure_matplotlib_ffmpeg()
    x264 = [v for k, val in export.X264_OPTIONS.items() for v in (f"-{k}", val)]
    cpu = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(out or tmp)
        folder.mkdir(parents=True, exist_ok=True)

        def stock(name, timeline, extra_args=None):
            display = BoundaryDisplay(trace)
            display.fig.canvas.draw()  # warm font caches outside the clock
            anim = display.animate(timeline)
            return _time(
                lambda: anim.save(
                    folder / name, writer="ffmpeg", fps=timeline.fps, extra_args=extra_args
                )
            )

        def ours(name, timeline):
            display = BoundaryDisplay(trace)
            display.fig.canvas.draw()
            start = time.process_time()  # all threads of this process, PyAV's included
            wall = _time(lambda: export.save(display, folder / name, timeline=timeline))
            cpu[name] = time.process_time() - start
            return wall

        seconds = {
            "matplotlib": stock("matplotlib.mp4", skipping),
            "matplotlib_same_x264": stock("matplotlib_same_x264.mp4", skipping, x264),
            "vizlab": ours("vizlab.mp4", skipping),
            "matplotlib_distinct": stock("matplotlib_distinct.mp4", distinct),
            "vizlab_distinct": ours("vizlab_distinct.mp4", distinct),
        }
    plain_ms, cached_ms, glyph_speedup = glyph_ratio(trace, distinct, 3 if quick else 5)
    frames = {k: len(distinct if k.endswith("_distinct") else skipping) for k in seconds}
    fps = {k: frames[k] / v for k, v in seconds.items()}
    n = len(skipping)
    result = {
        "frames": n,
        "distinct_frames": len(distinct),
        "size": "1280x720",
        "malloc_pinned": pinned,
        "ffmpeg": ffmpeg,
        "encoder": export.writer_info()["mp4"],
        "fps": fps,
        "speedup": fps["vizlab"] / fps["matplotlib"],
        "speedup_same_x264": fps["vizlab"] / fps["matplotlib_same_x264"],
        "speedup_like_for_like": fps["vizlab_distinct"] / fps["matplotlib_distinct"],
        "vizlab_cpu_ms_per_frame": 1000 * cpu["vizlab.mp4"] / n,
        "full_redraw_ms": {"freetype_glyphs": plain_ms, "cached_glyphs": cached_ms},
        "glyph_cache_speedup": glyph_speedup,
    }
    print(f"MP4 export at 1280x720 (malloc pinned: {pinned})")
    print(f"like for like: {len(distinct)} frames, all rows distinct, every frame drawn by both")
    print(f"  {'(a)  FuncAnimation.save':44s} {fps['matplotlib_distinct']:6.1f} fps")
    print(f"  {'(b)  vizlab save':44s} {fps['vizlab_distinct']:6.1f} fps")
    print(f"  speed-up (b)/(a), like for like: {result['speedup_like_for_like']:.1f}x")
    print(
        f"with skipping: the log timeline's {n} frames show {len(distinct)} distinct rows;"
        " vizlab draws each once"
    )
    labels = {
        "matplotlib": "(a)  FuncAnimation.save, writer='ffmpeg'",
        "matplotlib_same_x264": f"(a') same, x264 {' '.join(x264)}",
        "vizlab": f"(b)  vizlab save (blit + {result['encoder']})",
    }
    for key, label in labels.items():
        print(f"  {label:44s} {fps[key]:6.1f} fps  ({seconds[key]:.2f} s)")
    print(f"  vizlab CPU time: {result['vizlab_cpu_ms_per_frame']:.1f} ms per frame, all threads")
    print(
        f"  speed-up with skipping (b)/(a): {result['speedup']:.1f}x"
        f"   (b)/(a'): {result['speedup_same_x264']:.1f}x"
    )
    print(
        f"text: {len(distinct)} full redraws, no encoding: glyphs rasterised every time"
        f" {plain_ms:.1f} ms a frame, from the cache {cached_ms:.1f} ms"
        f" ({glyph_speedup:.2f}x, median of alternating repeats)"
    )
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    parser.add_argument("--out", help="folder to keep the videos in")
    args = parser.parse_args()
    main(quick=args.quick, out=args.out)
