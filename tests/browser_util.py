"""What the browser tests share: Debian's Chromium, a local server process, an offline network.

* :data:`CHROMIUM` and :data:`CHROMIUM_ARGS`: the browser and the flags it
  needs on a headless machine without a sandbox;
* :func:`serve`: start a server command on a free 127.0.0.1 port, wait for
  the port to open, yield the port, and stop the whole process group after;
* :func:`voila_notebook`: a one-cell notebook served by Voila;
* :func:`offline_router`: a Playwright route handler that lets only
  127.0.0.1 through (Voila's Font Awesome CSS request, whose CSS Voila's
  widget bundle already holds, is answered with an empty sheet) and lists
  every other request it refused.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
FONT_AWESOME_CDN = "cdn.jsdelivr.net"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now, below the ephemeral range.

    The port is free only until the server binds it. Ports the system hands
    out meanwhile (``bind(0)``: a kernel's ZMQ sockets, in this or another
    test worker; outgoing connections) come from the ephemeral range, so a
    port picked at random below it cannot be taken by them in that gap.
    """
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    rng = random.SystemRandom()
    for _ in range(100 if low > 11024 else 0):
        port = rng.randrange(10000, low - 1)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(
    args: Callable[[int], list[str]], cwd: Path, env: dict, log: Path, *, start_s: float = 30
) -> Iterator[int]:
    """Run ``args(port)`` in ``cwd`` until the block ends; yield the port once it accepts.

    The server's output goes to ``log``; a server that exits or does not open
    its port within ``start_s`` seconds fails the test with that output.
    """
    port = free_port()
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            args(port), cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + start_s
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"{args(port)[2]} did not start:\n{log.read_text()}")
                    time.sleep(0.2)
            yield port
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def browser_env(**extra: str) -> dict:
    """This process's environment for a server, without a forced matplotlib backend."""
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env.update(extra)
    return env


@contextlib.contextmanager
def voila_notebook(folder: Path, name: str, source: str) -> Iterator[str]:
    """Serve a one-cell notebook ``name`` holding ``source`` with Voila; yield its URL."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(source)]
    nbformat.write(nb, folder / name)

    def args(port: int) -> list[str]:
        return [
            sys.executable, "-m", "voila", name, "--no-browser", f"--port={port}",
            "--Voila.port_retries=0",  # a taken port fails here, not served elsewhere
            "--Voila.ip=127.0.0.1", "--ServerApp.ip=127.0.0.1",
        ]  # fmt: skip

    with serve(args, folder, browser_env(), folder / "voila.log") as port:
        yield f"http://127.0.0.1:{port}/"


def offline_router(outside: list[str], *, font_awesome: bool = True) -> Callable:
    """A ``page.route`` handler: 127.0.0.1 passes, anything else is refused and listed."""

    def route(r) -> None:
        host = urlparse(r.request.url).hostname
        if host == "127.0.0.1":
            r.continue_()
        elif font_awesome and host == FONT_AWESOME_CDN and "fontawesome" in r.request.url:
            r.fulfill(status=200, content_type="text/css", body="/* bundled with voila */")
        else:
            outside.append(r.request.url)
            r.abort()

    return route
