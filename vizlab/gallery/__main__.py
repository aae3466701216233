"""``python -m vizlab.gallery build [--quick]`` | ``serve [--port N]``."""

from __future__ import annotations

import os
import sys

USAGE = "usage: python -m vizlab.gallery {build,serve} [options]  (--help after a command)"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE)
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    # These networks are tiny: one torch thread each is fastest, and a must on a busy machine.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("MPLBACKEND", "Agg")
    if command == "build":
        from vizlab.gallery.build import main as run
    elif command == "serve":
        from vizlab.gallery.serve import main as run
    elif command == "render-scenes":  # used by the build's background renders
        from vizlab.gallery.lectures import main as run
    else:
        print(f"unknown command {command!r}; {USAGE}", file=sys.stderr)
        return 2
    return run(rest)


if __name__ == "__main__":
    sys.exit(main())
