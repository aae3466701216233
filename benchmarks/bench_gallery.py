"""Benchmark: the gallery build from nothing, then a rebuild with nothing changed.

Run ``python benchmarks/bench_gallery.py`` (add ``--quick`` for the quick
build CI uses). Both builds run as fresh processes, exactly as
``make gallery`` runs them, into a temporary work folder, site and run cache,
so the first one trains every run, renders every lecture video and executes
every example; the second must find everything cached and only re-check it.

Targets on the project's 2-core machine: the full build in at most 5 minutes,
the no-change rebuild in at most 30 seconds.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"build": 300.0, "rebuild": 30.0}


def _build(quick: bool, folder: Path) -> float:
    cmd = [sys.executable, "-m", "vizlab.gallery", "build", "--quiet"]
    cmd += ["--out", str(folder / "html"), "--work", str(folder / "work")]
    cmd += ["--quick"] if quick else []
    env = {**os.environ, "VIZLAB_CACHE_DIR": str(folder / "runs")}
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-30:])
        raise RuntimeError(f"gallery build failed:\n{tail}")
    return seconds


def main(quick: bool = False) -> dict:
    """Time a cold build and a no-change rebuild; print and return both (seconds)."""
    mode = "quick" if quick else "full"
    with tempfile.TemporaryDirectory(prefix="vizlab-bench-gallery-") as tmp:
        folder = Path(tmp)
        cold = _build(quick, folder)
        warm = _build(quick, folder)
    cores = os.cpu_count()
    print(f"gallery {mode} build on {cores} cores (load average {os.getloadavg()[0]:.1f})")
    for name, seconds in (("build", cold), ("rebuild", warm)):
        label = "full build from nothing" if name == "build" else "rebuild, nothing changed"
        verdict = "ok" if seconds <= TARGETS[name] else "OVER TARGET"
        print(f"  {label:26s} {seconds:7.1f} s   (target {TARGETS[name]:.0f} s: {verdict})")
    return {"build_s": cold, "rebuild_s": warm, "quick": quick}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the quick build CI uses")
    main(parser.parse_args().quick)
