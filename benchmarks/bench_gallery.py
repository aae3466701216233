"""Benchmark: the gallery build from nothing, after one render module changed, and unchanged.

Run ``python benchmarks/bench_gallery.py`` (``--quick`` for the quick build CI
uses, ``--no-scenes`` to leave out the lecture videos, ``--warm-runs`` to start
from the training runs already in the checkout's run cache). Every build runs
as a fresh process, exactly as ``make gallery`` runs it, into a temporary work
folder, site and run cache:

1. **full build from nothing**: trains every run (or, with ``--warm-runs``,
   reads them: the cache's runs are linked in, its videos are not), renders
   every lecture video (one process per core), executes every example
   (``WORKERS`` at a time) and writes the API reference;
2. **one render module changed**: as after an edit of ``--module`` (default
   ``vizlab/render/landscape.py``): the recorded dependency digest of every
   example that uses that module is invalidated, and the cached video of
   every scene that uses it is removed, so exactly those examples run and
   those videos render again (the build decides the same way for a real
   edit; the sources are not touched, other people may be working in them).
   Prints how many examples and videos that is;
3. **rebuild, nothing changed**: everything is cached and only re-checked.

Targets on the project's 2-core machine: the full build in at most 180 s, the
no-change rebuild in at most 30 s. Wall times depend on the machine's other
load: the 1-minute load average before and after each build is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TARGETS = {"build": 180.0, "rebuild": 30.0}


def _build(quick: bool, scenes: bool, folder: Path) -> tuple[float, str]:
    cmd = [sys.executable, "-m", "vizlab.gallery", "build", "--quiet"]
    cmd += ["--out", str(folder / "html"), "--work", str(folder / "work")]
    cmd += ["--quick"] if quick else []
    cmd += [] if scenes else ["--no-scenes"]
    env = {**os.environ, "VIZLAB_CACHE_DIR": str(folder / "runs")}
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-30:])
        raise RuntimeError(f"gallery build failed:\n{tail}")
    return seconds, f"load {load:.1f} -> {os.getloadavg()[0]:.1f}"


def _link_runs(folder: Path) -> int:
    """Hard-link the checkout's cached runs (not its videos) into ``folder``; return how many.

    Entries are only ever replaced by a rename, never written in place, so
    a link cannot change the original.
    """
    from vizlab import cache

    source = cache.cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    n = 0
    for entry in source.iterdir() if source.is_dir() else []:
        if entry.name.startswith(".") or not entry.name.endswith(".npz") and not entry.is_dir():
            continue
        if entry.name == "videos":
            continue
        if entry.is_dir():
            shutil.copytree(entry, folder / entry.name, copy_function=os.link)
        else:
            os.link(entry, folder / entry.name)
        n += 1
    return n


def _invalidate_videos(folder: Path, module: str, quick: bool) -> int:
    """Remove the cached videos of the scenes that use ``module``; return how many."""
    from vizlab.gallery import lectures, videos
    from vizlab.render.scenes import find_scene, list_scenes

    quality = lectures.QUALITY["quick" if quick else "full"]
    old = os.environ.get("VIZLAB_CACHE_DIR")
    os.environ["VIZLAB_CACHE_DIR"] = str(folder / "runs")
    try:
        hit = [n for n, _ in list_scenes() if module in videos.scene_modules(find_scene(n).path)]
        for name in hit:
            mp4 = lectures.cached_video(videos.scene_key(name, quality, quick))
            if mp4 is not None:
                mp4.unlink()
    finally:
        if old is None:
            os.environ.pop("VIZLAB_CACHE_DIR")
        else:
            os.environ["VIZLAB_CACHE_DIR"] = old
    return len(hit)


def _invalidate(work: Path, module: str) -> int:
    """Forget the recorded digests of the examples that use ``module``; return how many."""
    from vizlab.gallery import deps
    from vizlab.gallery.site import EXAMPLE_DIGESTS

    stamp = work / EXAMPLE_DIGESTS
    recorded = json.loads(stamp.read_text())
    examples = work / "src" / "examples"
    hit = [rel for rel in recorded if module in deps.dependencies(examples / rel)]
    for rel in hit:
        recorded[rel] = "edited"
    stamp.write_text(json.dumps(recorded))
    return len(hit)


def main(
    quick: bool = False,
    scenes: bool = True,
    module: str = "vizlab.render.landscape",
    warm_runs: bool = False,
) -> dict:
    """Time the three builds; print and return them (seconds)."""
    from vizlab.gallery.build import WORKERS
    from vizlab.gallery.lectures import RENDER_WORKERS
    from vizlab.render.scenes import list_scenes

    mode = "quick" if quick else "full"
    with tempfile.TemporaryDirectory(prefix="vizlab-bench-gallery-") as tmp:
        folder = Path(tmp)
        linked = _link_runs(folder / "runs") if warm_runs else 0
        cold, cold_load = _build(quick, scenes, folder)
        n_examples = len(json.loads((folder / "work" / "example-digests.json").read_text()))
        rerun = _invalidate(folder / "work", module)
        rerender = _invalidate_videos(folder, module, quick) if scenes else 0
        edited, edited_load = _build(quick, scenes, folder)
        warm, warm_load = _build(quick, scenes, folder)
    n_scenes = len(list_scenes()) if scenes else 0
    print(
        f"gallery {mode} build{'' if scenes else ' (no lecture videos)'} on {os.cpu_count()} "
        f"cores, {WORKERS} example workers, {RENDER_WORKERS} video workers; run cache "
        + (f"warm ({linked} cached runs linked in)" if warm_runs else "cold (empty)")
        + ", video cache cold"
    )
    rows = [
        ("full build from nothing", cold, TARGETS["build"], cold_load),
        (
            f"{module} changed ({rerun}/{n_examples} ex., {rerender}/{n_scenes} videos)",
            edited,
            None,
            edited_load,
        ),
        ("rebuild, nothing changed", warm, TARGETS["rebuild"], warm_load),
    ]
    for label, seconds, target, load in rows:
        verdict = "" if target is None else f"(target {target:.0f} s: "
        verdict += "" if target is None else ("ok)" if seconds <= target else "OVER TARGET)")
        print(f"  {label:64s} {seconds:7.1f} s   {load:18s} {verdict}")
    return {
        "build_s": cold,
        "module_change_s": edited,
        "rebuild_s": warm,
        "examples_rerun": rerun,
        "examples": n_examples,
        "videos_rerendered": rerender,
        "videos": n_scenes,
        "warm_runs": warm_runs,
        "quick": quick,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the quick build CI uses")
    parser.add_argument("--no-scenes", action="store_true", help="leave out the lecture videos")
    parser.add_argument("--module", default="vizlab.render.landscape", help="the module 'edited'")
    parser.add_argument(
        "--warm-runs", action="store_true", help="start from the checkout's cached training runs"
    )
    args = parser.parse_args()
    main(args.quick, not args.no_scenes, args.module, args.warm_runs)
