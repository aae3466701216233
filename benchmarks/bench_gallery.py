"""Benchmark: the gallery build from nothing, after one render module changed, and unchanged.

Run ``python benchmarks/bench_gallery.py`` (``--quick`` for the quick build CI
uses, ``--no-scenes`` to leave out the lecture videos). Every build runs as a
fresh process, exactly as ``make gallery`` runs it, into a temporary work
folder, site and run cache:

1. **full build from nothing**: trains every run, renders every lecture
   video, executes every example (``WORKERS`` at a time) and writes the API
   reference;
2. **one render module changed**: as after an edit of ``--module`` (default
   ``vizlab/render/dropout.py``): the recorded dependency digest of every
   example that uses that module is invalidated, so exactly those examples
   run again (the build decides the same way for a real edit; the sources
   are not touched, other people may be working in them). Prints how many
   examples that is;
3. **rebuild, nothing changed**: everything is cached and only re-checked.

Targets on the project's 2-core machine: the full build in at most 180 s, the
no-change rebuild in at most 30 s. Wall times depend on the machine's other
load, which is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TARGETS = {"build": 180.0, "rebuild": 30.0}


def _build(quick: bool, scenes: bool, folder: Path) -> float:
    cmd = [sys.executable, "-m", "vizlab.gallery", "build", "--quiet"]
    cmd += ["--out", str(folder / "html"), "--work", str(folder / "work")]
    cmd += ["--quick"] if quick else []
    cmd += [] if scenes else ["--no-scenes"]
    env = {**os.environ, "VIZLAB_CACHE_DIR": str(folder / "runs")}
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-30:])
        raise RuntimeError(f"gallery build failed:\n{tail}")
    return seconds


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


def main(quick: bool = False, scenes: bool = True, module: str = "vizlab.render.dropout") -> dict:
    """Time the three builds; print and return them (seconds)."""
    from vizlab.gallery.build import WORKERS

    mode = "quick" if quick else "full"
    with tempfile.TemporaryDirectory(prefix="vizlab-bench-gallery-") as tmp:
        folder = Path(tmp)
        cold = _build(quick, scenes, folder)
        n_examples = len(json.loads((folder / "work" / "example-digests.json").read_text()))
        rerun = _invalidate(folder / "work", module)
        edited = _build(quick, scenes, folder)
        warm = _build(quick, scenes, folder)
    print(
        f"gallery {mode} build{'' if scenes else ' (no lecture videos)'} on {os.cpu_count()} "
        f"cores, {WORKERS} example workers (load average {os.getloadavg()[0]:.1f})"
    )
    rows = [
        ("full build from nothing", cold, TARGETS["build"]),
        (f"{module} changed ({rerun}/{n_examples} ex.)", edited, None),
        ("rebuild, nothing changed", warm, TARGETS["rebuild"]),
    ]
    for label, seconds, target in rows:
        verdict = "" if target is None else f"(target {target:.0f} s: "
        verdict += "" if target is None else ("ok)" if seconds <= target else "OVER TARGET)")
        print(f"  {label:44s} {seconds:7.1f} s   {verdict}")
    return {
        "build_s": cold,
        "module_change_s": edited,
        "rebuild_s": warm,
        "examples_rerun": rerun,
        "examples": n_examples,
        "quick": quick,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the quick build CI uses")
    parser.add_argument("--no-scenes", action="store_true", help="leave out the lecture videos")
    parser.add_argument("--module", default="vizlab.render.dropout", help="the module 'edited'")
    args = parser.parse_args()
    main(args.quick, not args.no_scenes, args.module)
