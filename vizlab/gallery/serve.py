"""Serve the built site on 127.0.0.1 (``python -m vizlab.gallery serve [--port N]``).

A static file server that also answers HTTP range requests, so a browser can
seek in the lecture videos. It binds to the loopback address only.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class Handler(SimpleHTTPRequestHandler):
    """Static files with single-range ``Range: bytes=a-b`` support (videos seek)."""

    def send_head(self):  # noqa: D102 - stdlib hook
        header = self.headers.get("Range")
        path = Path(self.translate_path(self.path))
        match = _RANGE.match(header.strip()) if header else None
        if match is None or not path.is_file():
            return super().send_head()
        size = path.stat().st_size
        first, last = match.groups()
        if first == "":  # "bytes=-N": the last N bytes
            start, end = max(size - int(last or 0), 0), size - 1
        else:
            start, end = int(first), min(int(last) if last else size - 1, size - 1)
        if start >= size or start > end:
            self.send_error(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            return None
        f = open(path, "rb")  # noqa: SIM115 - closed by copyfile's caller
        f.seek(start)
        self.send_response(HTTPStatus.PARTIAL_CONTENT)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        self._remaining = end - start + 1
        return f

    def copyfile(self, source, outputfile):  # noqa: D102 - stdlib hook
        remaining = getattr(self, "_remaining", None)
        if remaining is None:
            return super().copyfile(source, outputfile)
        self._remaining = None
        while remaining > 0:
            chunk = source.read(min(remaining, 1 << 16))
            if not chunk:
                break
            outputfile.write(chunk)
            remaining -= len(chunk)

    def end_headers(self):  # noqa: D102 - stdlib hook
        if not self.headers.get("Range"):
            self.send_header("Accept-Ranges", "bytes")
        super().end_headers()

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        if os.environ.get("VIZLAB_SERVE_LOG"):
            super().log_message(format, *args)


def make_server(directory: str | os.PathLike, port: int = 8000) -> ThreadingHTTPServer:
    """An HTTP server for ``directory`` on 127.0.0.1:``port`` (0 picks a free port)."""
    directory = Path(directory)
    if not (directory / "index.html").is_file():
        raise ValueError(f"no site at {directory} (build it first: python -m vizlab.gallery build)")
    handler = functools.partial(Handler, directory=str(directory.resolve()))
    return ThreadingHTTPServer(("127.0.0.1", port), handler)


def main(argv: list[str]) -> int:
    """``python -m vizlab.gallery serve [--port N] [--dir SITE]``."""
    import argparse

    from vizlab.gallery.build import SITE

    p = argparse.ArgumentParser(prog="python -m vizlab.gallery serve")
    p.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000)")
    p.add_argument(
        "--dir", type=Path, default=SITE, help="site folder (default gallery/_build/html)"
    )
    args = p.parse_args(argv)
    if not 0 <= args.port <= 65535:
        print(f"--port must be between 0 and 65535; got {args.port}", file=sys.stderr)
        return 2
    try:
        server = make_server(args.dir, args.port)
    except (ValueError, OSError) as exc:
        print(f"cannot serve: {exc}", file=sys.stderr)
        return 1
    host, port = server.server_address[:2]
    print(f"Serving {args.dir} at http://{host}:{port}/ (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
