"""One quick gallery build per test session, shared by the gallery test files.

Loaded with ``pytest_plugins = ["gallery_fixture"]`` from
``test_gallery.py`` and ``test_browser_gallery.py``. The build runs in a
subprocess (sphinx-gallery executes the examples in its own process state)
into ``.cache/gallery-test/``, under a file lock, so two pytest-xdist workers
build it once: the first one builds, the second waits and reuses it. The
work folder persists between sessions, so a later session re-runs only the
examples whose source (or vizlab's code) changed; in CI it is a full quick
build.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / ".cache" / "gallery-test"
SITE = BASE / "html"
BUILD_TIMEOUT = 1200


def _session_id() -> str:
    # Shared by the xdist workers of one run; a plain run gets its own.
    return os.environ.get("PYTEST_XDIST_TESTRUNUID") or f"solo-{os.getppid()}-{os.getpid()}"


def build_quick_site() -> Path:
    """Build (or reuse this session's build of) the quick gallery; return the site folder."""
    BASE.mkdir(parents=True, exist_ok=True)
    stamp = BASE / "built-for"
    with open(BASE / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (
            stamp.is_file()
            and stamp.read_text() == _session_id()
            and (SITE / "index.html").is_file()
        ):
            return SITE
        stamp.unlink(missing_ok=True)
        cmd = [sys.executable, "-m", "vizlab.gallery", "build", "--quick", "--quiet"]
        cmd += ["--out", str(SITE), "--work", str(BASE / "work")]
        env = {**os.environ, "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
        proc = subprocess.run(
            cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=BUILD_TIMEOUT
        )
        if proc.returncode != 0:
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-40:])
            pytest.fail(f"quick gallery build failed:\n{tail}", pytrace=False)
        stamp.write_text(_session_id())
    return SITE


@pytest.fixture(scope="session")
def gallery_site() -> Path:
    """The built quick site (``index.html`` at its top)."""
    return build_quick_site()
