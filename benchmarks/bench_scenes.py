"""Benchmark: ms per frame of a 720p manim decision-boundary scene, after start-up.

Run ``python benchmarks/bench_scenes.py`` (``--quick`` for a smoke run). One
real training run (moons, 2-8-1) is recorded first; then the same scene (field
image swapped per frame, boundary line, training points, loss curve, step
readout) is rendered at 1280x720, 30 fps, four ways:

* scene: manim's stock ``Scene``, or vizlab's ``LectureScene``: its
  ``FastImageCamera`` blits the axis-aligned field image into its box instead
  of a full-frame perspective transform and alpha composite, and it keeps the
  static parts of a group (axes, tick labels) in the cached background;
* driving: one ``ValueTracker`` animated by a single ``play()`` for the whole
  phase (the vizlab way), or one ``play()`` per shown step.

The machine's other load shows in wall time; the drawing thread's CPU time
(x264 encodes in a second thread) is printed beside it as a steadier figure.
Only the ``play()`` calls are timed (imports, training, LaTeX and scene set-up
are start-up); ms/frame divides by the frames written to the MP4, encoding
included (x264 ``veryfast``, as :func:`vizlab.render.scenes.render_scene` uses).

Then two real lectures (:func:`lectures`) are rendered the way manim alone
would (every frame drawn, manim's 3-D camera and axes) and the way vizlab
does (a frame that shows nothing new is written again; plain 3-D faces and
glyphs drawn in one pass; axis shading worked out once), alternately, and
the ratio printed.
"""

from __future__ import annotations

import argparse
import ctypes
import tempfile
import time
from pathlib import Path

import vizlab
from vizlab.render.scenes import manim_config

FPS = 30


def pin_malloc() -> bool:
    """Fix glibc's mmap and trim thresholds (64 MiB, 128 MiB), as ``make bench`` does."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(-3, 67108864)) and bool(libc.mallopt(-1, 134217728))
    except (OSError, AttributeError):
        return False


def make_scene(trace, timeline, lecture: bool, per_step: bool, timings: dict):
    from manim import LEFT, RIGHT, Scene, VGroup

    from vizlab.render.mobjects import (
        Clock,
        FieldPanel,
        LectureScene,
        LossCurve,
        Readout,
        lecture_defaults,
        title,
    )

    class BoundaryBench(LectureScene if lecture else Scene):
        def construct(self):
            lecture_defaults(self)
            head = title("Learning a curved boundary", "benchmark scene")
            panel = FieldPanel(trace, side=5.6).to_edge(LEFT, buff=0.8)
            curve = LossCurve.from_trace(trace, x_length=4.6, y_length=2.6)
            step = Readout("step", trace.steps, width=5)
            right = VGroup(curve, step).arrange(direction=[0, 1, 0], buff=0.6)
            right.next_to(panel, RIGHT, buff=0.9)
            # manim redraws every frame each mobject from the first moving one on:
            # static parts first.
            self.add(head, right, panel)
            clock = Clock(timeline, [len(trace)])
            for mob in (panel, curve, step):
                clock.drive(mob)
            t0, c0 = time.perf_counter(), time.thread_time()
            if per_step:
                for i in range(1, len(timeline)):
                    anim = clock.tracker.animate(run_time=1 / FPS).set_value(float(i))
                    self.play(anim)
            else:
                self.play(clock.run())
            timings["play_s"] = time.perf_counter() - t0
            timings["cpu_s"] = time.thread_time() - c0

    return BoundaryBench


def render(trace, timeline, lecture: bool, per_step: bool, out: Path) -> tuple[float, float, int]:
    """Wall seconds in play(), CPU seconds of the rendering thread, frames written."""
    import av
    from manim import tempconfig

    name = f"bench_{int(lecture)}{int(per_step)}"
    timings: dict = {}
    settings = manim_config(name, "medium", out, progress=False)
    settings["verbosity"] = "ERROR"
    with tempconfig(settings):
        scene = make_scene(trace, timeline, lecture, per_step, timings)()
        scene.render()
        path = scene.renderer.file_writer.movie_file_path
    with av.open(str(path)) as container:
        frames = sum(1 for _ in container.decode(video=0))
    return timings["play_s"], timings["cpu_s"], frames


def main(quick: bool = False) -> dict:
    """Print ms/frame for the four variants and the ratios; return them."""
    pin_malloc()
    frames = 30 if quick else 120
    config = vizlab.RunConfig(
        dataset="moons",
        hidden=(8,),
        activation="tanh",
        optimizer="adam",
        lr=0.03,
        steps=200 if quick else 400,
        grid=60,
        frames=frames,
    )
    trace = vizlab.train(config)
    timeline = vizlab.Timeline.for_trace(trace, frames, spacing="log", fps=FPS)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        # Warm-up: fonts, LaTeX-free text cache, encoder start.
        render(trace, vizlab.Timeline.build(len(trace), 5, fps=FPS), True, False, out / "warm")
        for fast in (True, False):
            for per_step in (False, True):
                seconds, cpu, n = render(trace, timeline, fast, per_step, out)
                key = (
                    "LectureScene" if fast else "stock Scene",
                    "per-step play" if per_step else "one tracker",
                )
                results[key] = 1000 * seconds / max(n, 1)
                cpu_ms = 1000 * cpu / max(n, 1)
                print(
                    f"{key[0]:>12s}, {key[1]:<14s}: {results[key]:6.1f} ms/frame wall, "
                    f"{cpu_ms:5.1f} ms/frame drawing-thread CPU ({n} frames, 1280x720)",
                    flush=True,
                )
    for cam in ("LectureScene", "stock Scene"):
        ratio = results[(cam, "per-step play")] / results[(cam, "one tracker")]
        print(f"{cam}: one play() per step is {ratio:.2f}x slower than one tracker")
    speed = results[("stock Scene", "one tracker")] / results[("LectureScene", "one tracker")]
    print(f"LectureScene vs stock Scene (one tracker): {speed:.2f}x faster")
    target = results[("LectureScene", "one tracker")]
    print(f"target <= 30 ms/frame: {'met' if target <= 30 else 'NOT met'} ({target:.1f} ms)")
    results.update(lectures(quick))
    return results


def _render_lecture(name: str, quality: str, quick: bool, fast: bool, out: Path) -> tuple:
    """Seconds to render lecture ``name``, and its frames drawn and reused."""
    from manim import ThreeDCamera

    from vizlab.render import scenes
    from vizlab.render.mobjects import camera, frames, surface

    saved = camera.FastThreeDCamera, frames.reuse_unchanged_frames, surface.remember_axis_shading
    if not fast:  # manim's own way: every frame drawn, manim's 3-D camera and axes
        camera.FastThreeDCamera = ThreeDCamera
        frames.reuse_unchanged_frames = lambda scene, check=False: None
        surface.remember_axis_shading = lambda axes: axes
    try:
        t0 = time.perf_counter()
        done = scenes.render(name, quality, out, progress=False, quick=quick)
        seconds = time.perf_counter() - t0
    finally:
        camera.FastThreeDCamera, frames.reuse_unchanged_frames = saved[:2]
        surface.remember_axis_shading = saved[2]
    counter = done.scene.frames
    n = round(done.seconds * done.scene.camera.frame_rate)
    return seconds, (counter.drawn, counter.reused) if counter else (n, 0)


def lectures(quick: bool = False, repeats: int = 2) -> dict:
    """Two real lectures, drawn every frame by manim's cameras vs held frames reused and the 3-D fast path.

    ``moons_boundary`` (2-D: a timeline of 15 rows a second played at 30
    frames a second, slowed at key events, its end held) and ``landscape``
    (3-D: a surface of 900 faces under a turning camera, so no frame repeats),
    at 854x480 (``low``), rendered alternately ``repeats`` times each, in this
    process (the runs come from the run cache).
    """
    quality = "tiny" if quick else "low"
    out_ratios = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("moons_boundary", "landscape"):
            times = {True: [], False: []}
            counts = {}
            _render_lecture(name, "tiny", True, True, Path(tmp) / "warm")  # runs, fonts
            for _ in range(repeats):
                for fast in (False, True):
                    seconds, counts[fast] = _render_lecture(
                        name, quality, quick, fast, Path(tmp) / str(fast)
                    )
                    times[fast].append(seconds)
            slow, fast = min(times[False]), min(times[True])
            out_ratios[("lecture", name)] = slow / fast
            print(
                f"lecture {name} ({quality}): every frame by manim {slow:.1f} s "
                f"({counts[False][0]} frames), vizlab {fast:.1f} s ({counts[True][0]} drawn, "
                f"{counts[True][1]} reused): {slow / fast:.2f}x",
                flush=True,
            )
    return out_ratios


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer frames (smoke run)")
    main(ap.parse_args().quick)
