"""Reading a trace archive without trusting it: the bounded half of :meth:`Trace.load`.

A ``.npz`` file is a zip of ``.npy`` members. Each member's header (shape
and dtype) is read before its data is inflated, so a file that declares a
huge array, or more data than deflate could have packed into its compressed
bytes, is refused while it has cost nothing. Nothing here unpickles.
"""

from __future__ import annotations

import json
import math
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from vizlab.budget import human
from vizlab.trace import (
    _ALLOWED_DTYPE_KINDS,
    _HEADER_KEY,
    _MAX_DEPTH,
    _MAX_HEADER_BYTES,
    TraceError,
    check_header,
)

MAX_MEMBERS = 10_000
# Deflate cannot shrink data by more than about 1032:1, so a member declaring
# more than this many times its compressed size is lying about its shape.
MAX_RATIO = 1100
RATIO_SLACK = 1 << 16
_HEADER_READERS = {
    (1, 0): np.lib.format.read_array_header_1_0,
    (2, 0): np.lib.format.read_array_header_2_0,
}


def read_members(path: Path, limit: int) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The checked JSON header and the arrays of the trace file at ``path``.

    Raises :class:`TraceError` for anything wrong that the file declares;
    errors the archive provokes while inflating (bad CRC, short data) are
    left to :meth:`Trace.load` to turn into one line.
    """
    with zipfile.ZipFile(path) as zf:
        members = plan_members(zf, path.name, limit)
        header = parse_header(read_member(zf, members.pop(_HEADER_KEY)), path.name)
        arrays = {key: read_member(zf, info) for key, info in members.items()}
    return header, arrays


def plan_members(zf: zipfile.ZipFile, name: str, limit: int) -> dict[str, zipfile.ZipInfo]:
    """Every member's key, checked from its ``.npy`` header before any data is inflated."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise TraceError(f"{name} has {len(infos)} members; a trace has at most {MAX_MEMBERS}")
    members: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        key = info.filename[:-4] if info.filename.endswith(".npy") else None
        if key is None or key in members:
            raise TraceError(f"{name} is not a vizlab trace (member {info.filename!r})")
        with zf.open(info) as fh:
            version = np.lib.format.read_magic(fh)
            if version not in _HEADER_READERS:
                raise TraceError(f"{name}: member {key!r} has .npy version {version}")
            shape, _, dtype = _HEADER_READERS[version](fh, max_header_size=10_000)
        if dtype.hasobject:
            raise TraceError(f"{name} holds object arrays, which vizlab never loads")
        if dtype.kind not in _ALLOWED_DTYPE_KINDS or dtype.fields is not None or dtype.subdtype:
            raise TraceError(f"{name}: array {key!r} has dtype {dtype}, not bool, int or float")
        nbytes = math.prod(shape) * dtype.itemsize
        if nbytes > MAX_RATIO * info.compress_size + RATIO_SLACK or nbytes > info.file_size:
            raise TraceError(
                f"{name}: array {key!r} declares shape {shape} ({human(nbytes)}) but the file "
                f"stores only {human(info.compress_size)} for it"
            )
        total += nbytes
        if total > limit:
            raise TraceError(
                f"{name} would need more than {human(limit)} to load (VIZLAB_MAX_BYTES or "
                f"max_bytes= raise the limit)"
            )
        members[key] = info
    if _HEADER_KEY not in members:
        raise TraceError(f"{name} is not a vizlab trace (no header)")
    return members


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> np.ndarray:
    with zf.open(info) as fh:
        return np.lib.format.read_array(fh, allow_pickle=False)


def parse_header(raw: np.ndarray, name: str) -> dict[str, Any]:
    if raw.dtype != np.uint8 or raw.ndim != 1 or raw.size > _MAX_HEADER_BYTES:
        raise TraceError(f"{name} has a malformed header")
    try:
        header = json.loads(raw.tobytes().decode("utf-8"))
    except RecursionError:
        raise TraceError(f"{name}: trace header nests deeper than {_MAX_DEPTH} levels") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise TraceError(f"{name} has a malformed header (not JSON: {exc})") from None
    try:
        check_header(header)
    except TraceError as exc:
        raise TraceError(f"{name}: {exc}") from None
    return header
