"""Benchmark: MP4 export of a 720p decision-boundary animation, matplotlib vs vizlab.

Run ``python benchmarks/bench_export.py`` (add ``--quick`` for a smoke run).
Both contenders render the same frames of the same real training run (moons,
one hidden layer of 8) in one process:

(a) ``FuncAnimation.save(..., writer="ffmpeg")``: matplotlib's stock path, a
    full figure draw per frame piped to imageio-ffmpeg's binary;
(a') the same with vizlab's x264 settings, to separate drawing from encoding;
(b) ``vizlab.render.export.save(display, "x.mp4")``: blitting plus in-process
    PyAV encoding in a second thread.

glibc's default malloc thresholds make some fresh processes several times
slower on this workload, so :func:`main` pins them with ``mallopt`` first
(the Makefile's ``bench`` target sets ``MALLOC_MMAP_THRESHOLD_`` and
``MALLOC_TRIM_THRESHOLD_`` to the same values).
"""

from __future__ import annotations

import argparse
import ctypes
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


def main(quick: bool = False, out: str | Path | None = None) -> dict:
    """Run the benchmark and print frames per second; returns the numbers.

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
    timeline = vizlab.Timeline.build(len(trace), 20 if quick else 120, spacing="log")
    n = len(timeline)
    ffmpeg = export.configure_matplotlib_ffmpeg()
    x264 = [v for k, val in export.X264_OPTIONS.items() for v in (f"-{k}", val)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(out or tmp)
        folder.mkdir(parents=True, exist_ok=True)

        def stock(name, extra_args=None):
            display = BoundaryDisplay(trace)
            display.fig.canvas.draw()  # warm font caches outside the clock
            anim = display.animate(timeline)
            return _time(
                lambda: anim.save(
                    folder / name, writer="ffmpeg", fps=timeline.fps, extra_args=extra_args
                )
            )

        cpu = {}

        def ours():
            display = BoundaryDisplay(trace)
            display.fig.canvas.draw()
            start = time.process_time()  # all threads of this process, PyAV's included
            wall = _time(lambda: export.save(display, folder / "vizlab.mp4", timeline=timeline))
            cpu["vizlab"] = time.process_time() - start
            return wall

        seconds = {
            "matplotlib": stock("matplotlib.mp4"),
            "matplotlib_same_x264": stock("matplotlib_same_x264.mp4", x264),
            "vizlab": ours(),
        }
    fps = {k: n / v for k, v in seconds.items()}
    result = {
        "frames": n,
        "size": "1280x720",
        "malloc_pinned": pinned,
        "ffmpeg": ffmpeg,
        "encoder": export.writer_info()["mp4"],
        "fps": fps,
        "speedup": fps["vizlab"] / fps["matplotlib"],
        "speedup_same_x264": fps["vizlab"] / fps["matplotlib_same_x264"],
        "vizlab_cpu_ms_per_frame": 1000 * cpu["vizlab"] / n,
    }
    print(f"MP4 export, {n} frames at 1280x720 (malloc pinned: {pinned})")
    labels = {
        "matplotlib": "(a)  FuncAnimation.save, writer='ffmpeg'",
        "matplotlib_same_x264": f"(a') same, x264 {' '.join(x264)}",
        "vizlab": f"(b)  vizlab save (blit + {result['encoder']})",
    }
    for key, label in labels.items():
        print(f"  {label:44s} {fps[key]:6.1f} fps  ({seconds[key]:.2f} s)")
    print(f"  vizlab CPU time: {result['vizlab_cpu_ms_per_frame']:.1f} ms per frame, all threads")
    print(
        f"  speed-up (b)/(a): {result['speedup']:.1f}x   (b)/(a'): {result['speedup_same_x264']:.1f}x"
    )
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    parser.add_argument("--out", help="folder to keep the videos in")
    args = parser.parse_args()
    main(quick=args.quick, out=args.out)
