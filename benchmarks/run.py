"""Run every benchmark and print its side-by-side ratios (``make bench``)."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

BENCHMARKS = [
    "bench_core",
    "bench_gpu",
    "bench_export",
    "bench_scenes",
    "bench_widgets",
    "bench_gallery",
]

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="smaller workloads")
    ap.add_argument("names", nargs="*", default=BENCHMARKS)
    args = ap.parse_args()
    for name in args.names:
        print(f"\n== {name} ==", flush=True)
        importlib.import_module(name).main(args.quick)
