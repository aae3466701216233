"""Hostile input: every bad config, dataset, trace file and command line ends in one clear error.

Each case builds its bad input in an empty folder, then runs one action and
checks: the expected error class (or CLI exit status 2) with a message
fragment, one line and no traceback, nothing written, numpy allocations
under a few hundred MB, and no hang (an alarm stops a case after 60 s).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import tracemalloc
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import vizlab
from vizlab import RunConfig, Trace, TraceError
from vizlab.cli import main
from vizlab.config import ConfigError
from vizlab.core.live import LiveRun

MAX_TRACED_BYTES = 300 << 20  # numpy allocations of one case
HANG_SECONDS = 60

CLI = "cli"  # the error "class" of a command: exit status 2 and one line on stderr


# ----------------------------------------------------------------- builders
def npy_bytes(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.asarray(arr), allow_pickle=True)
    return buf.getvalue()


def header_bytes(header: Any) -> np.ndarray:
    return np.frombuffer(json.dumps(header).encode(), np.uint8)


def good_arrays(T: int = 3) -> dict[str, np.ndarray]:
    return {
        "scalar/step": np.arange(T),
        "scalar/loss": np.linspace(1, 0, T),
        "param/fc1.weight": np.zeros((T, 2, 2)),
        "grid/x": np.linspace(-1, 1, 4),
        "grid/y": np.linspace(-1, 1, 3),
        "grid/steps": np.array([0, T - 1]),
        "field/output": np.zeros((2, 3, 4), np.float32),
    }


def write_npz(path: Path, members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> Path:
    """A zip of raw members: a dict's names get ``.npy``, a list's are taken as they are."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are one of the cases
        with zipfile.ZipFile(path, "w", method) as zf:
            if isinstance(members, dict):
                members = [(name + ".npy", data) for name, data in members.items()]
            for name, data in members:
                zf.writestr(name, data)
    return path


def trace_file(
    path: Path, header: Any = None, arrays: dict | None = None, raw_header: bytes | None = None
) -> Path:
    """A trace file with the given header and arrays (defaults: a valid one)."""
    header = {"schema": 1, "events": []} if header is None else header
    arrays = good_arrays() if arrays is None else arrays
    members = {
        "__header__": npy_bytes(raw_header if raw_header is not None else header_bytes(header))
    }
    members.update({k: npy_bytes(v) for k, v in arrays.items()})
    return write_npz(path, members)


def with_header(**changes) -> Callable[[Path], Path]:
    return lambda tmp: trace_file(tmp / "t.npz", {"schema": 1, "events": [], **changes})


def with_arrays(**changes) -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        arrays = good_arrays()
        arrays.update({k.replace("__", "/"): v for k, v in changes.items()})
        return trace_file(tmp / "t.npz", arrays=arrays)

    return build


def crafted_member(shape: tuple, descr: str = "<f8", payload: bytes = b"\0" * 1024):
    """A member whose .npy header declares ``shape`` but holds only ``payload``."""

    def build(tmp: Path) -> Path:
        buf = io.BytesIO()
        np.lib.format.write_array_header_1_0(
            buf, {"descr": descr, "fortran_order": False, "shape": shape}
        )
        members = {
            "__header__": npy_bytes(header_bytes({"schema": 1, "events": []})),
            "scalar/step": npy_bytes(np.arange(3)),
            "param/w": buf.getvalue() + payload,
        }
        return write_npz(tmp / "t.npz", members)

    return build


def honest_zeros(tmp: Path) -> Path:
    """A real 64 MB array of zeros: it deflates to about 64 KB."""
    arrays = {"scalar/step": np.arange(2), "param/w": np.zeros((2, 4 << 20))}
    return trace_file(tmp / "t.npz", arrays=arrays)


def nested(depth: int) -> Callable[[Path], Path]:
    text = ('{"schema": 1, "events": [], "x": ' + "[" * depth + "]" * depth + "}").encode()
    return lambda tmp: trace_file(tmp / "t.npz", raw_header=np.frombuffer(text, np.uint8))


def raw_header(data: bytes) -> Callable[[Path], Path]:
    return lambda tmp: trace_file(tmp / "t.npz", raw_header=np.frombuffer(data, np.uint8))


def write(name: str, data: bytes | str) -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        path = tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return path

    return build


def pickled(tmp: Path) -> Path:
    obj = np.empty(1, dtype=object)
    obj[0] = {"evil": True}
    members = {
        "__header__": npy_bytes(header_bytes({"schema": 1})),
        "scalar/step": npy_bytes(np.arange(1)),
    }
    members["scalar/evil"] = npy_bytes(obj)
    return write_npz(tmp / "t.npz", members)


def truncated(tmp: Path) -> Path:
    data = trace_file(tmp / "whole.npz").read_bytes()
    (tmp / "whole.npz").unlink()
    return write("t.npz", data[: len(data) // 2])(tmp)


def zero_rows_with_fields(tmp: Path) -> Path:
    """No recorded rows, yet a field said to be at row 0."""
    arrays = good_arrays()
    arrays.update(
        {
            "scalar/step": np.zeros(0, np.int64),
            "scalar/loss": np.zeros(0),
            "param/fc1.weight": np.zeros((0, 2, 2)),
            "grid/steps": np.array([0]),
            "field/output": np.zeros((1, 3, 4)),
        }
    )
    return trace_file(tmp / "t.npz", arrays=arrays)


# ------------------------------------------------------------------ actions
def load(build):
    return lambda tmp: (lambda path: lambda: Trace.load(path))(build(tmp))


def load_limited(build, max_bytes):
    return lambda tmp: (lambda path: lambda: Trace.load(path, max_bytes=max_bytes))(build(tmp))


def config(**kw):
    return lambda tmp: lambda: RunConfig(**kw)


def call(fn, *args, **kw):
    return lambda tmp: lambda: fn(*args, **kw)


def custom(X, y, **kw):
    return lambda tmp: lambda: vizlab.train(RunConfig(steps=5, frames=0, **kw), X=X, y=y)


def cli(*argv, build=None):
    """``vizlab ARGV``; ``{}`` in an argument is replaced by the built input's path."""

    def prepare(tmp: Path):
        path = build(tmp) if build else None
        args = [a.replace("{}", str(path)) if path is not None else a for a in argv]
        return lambda: main(args)

    return prepare


def mkdir(name: str, files: tuple[str, ...] = ()) -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        (tmp / name).mkdir()
        for f in files:
            (tmp / name / f).write_text("keep me")
        return tmp / name

    return build


rng = np.random.default_rng(0)
X_OK = rng.standard_normal((40, 2))
Y_OK = (X_OK[:, 0] > 0).astype(int)


@dataclass
class Case:
    name: str
    prepare: Callable[[Path], Callable[[], Any]]
    error: type | str
    fragment: str
    env: dict | None = None


CASES = [
    # ---- config fields
    Case("dataset", config(dataset="mnist"), ConfigError, "dataset must be one of"),
    Case("n_points small", config(n_points=5), ConfigError, "n_points must be between"),
    Case("n_points bool", config(n_points=True), ConfigError, "n_points must be an integer"),
    Case("noise nan", config(noise=float("nan")), ConfigError, "noise must be in"),
    Case("lr zero", config(lr=0), ConfigError, "lr must be in"),
    Case("lr text", config(lr="0.1"), ConfigError, "lr must be a number"),
    Case("width zero", config(hidden=(0,)), ConfigError, "hidden layer width"),
    Case("too many layers", config(hidden=(8,) * 9), ConfigError, "at most 8 layers"),
    Case("hidden text", config(hidden="8"), ConfigError, "hidden must be a list"),
    Case(
        "hidden 2-d array", config(hidden=np.array([[8, 8]])), ConfigError, "hidden must be a list"
    ),
    Case("hidden float width", config(hidden=np.array([8.5])), ConfigError, "must be an integer"),
    Case("dropout count", config(dropout=(0.5, 0.5)), ConfigError, "one value or one per"),
    Case("dropout one", config(dropout=(1.0,)), ConfigError, "dropout probability"),
    Case("dropout linear", config(hidden=(), dropout=(0.5,)), ConfigError, "at least one hidden"),
    Case("batch too big", config(batch_size=1000), ConfigError, "exceeds the 240"),
    Case("epochs too many", config(epochs=10**5, batch_size=1), ConfigError, "more than the 1e6"),
    Case("seed negative", config(seed=-1), ConfigError, "seed must be between"),
    Case("seed numpy float", config(seed=np.float64(1.5)), ConfigError, "seed must be an integer"),
    Case("seed numpy bool", config(seed=np.bool_(True)), ConfigError, "seed must be an integer"),
    Case("device", config(device="tpu"), ConfigError, "device must be one of"),
    Case("grid one", config(grid=1), ConfigError, "grid must be between"),
    Case("unknown field", call(RunConfig.from_dict, {"lrr": 1}), ConfigError, "unknown config"),
    Case("json list", call(RunConfig.from_json, "[1, 2]"), ConfigError, "must be a mapping"),
    Case("json broken", call(RunConfig.from_json, "{"), ConfigError, "not valid JSON"),
    # ---- what fields multiply to: refused before anything is allocated
    Case(
        "fields 16 GB",
        call(vizlab.train, RunConfig(grid=1000, frames=10000)),
        ConfigError,
        "grid=1000",
    ),
    Case(
        "masks 10 GB",
        call(vizlab.train, RunConfig(n_points=200000, hidden=(64,), dropout=(0.5,))),
        ConfigError,
        "mask/* 9.6 GiB",
    ),
    Case("steps 1e6", call(vizlab.train, RunConfig(steps=10**6)), ConfigError, "batch/indices"),
    Case(
        "live run",
        call(LiveRun, RunConfig(grid=1000, frames=10000)),
        ConfigError,
        "over the 2.0 GiB limit",
    ),
    Case(
        "sweep of 400",
        call(vizlab.sweep, RunConfig(grid=200), seed=range(400)),
        ConfigError,
        "400 runs would need",
    ),
    Case("max_bytes", call(vizlab.train, RunConfig(), max_bytes=1000), ConfigError, "1000 B limit"),
    Case(
        "env limit text",
        call(vizlab.train, RunConfig()),
        ConfigError,
        "VIZLAB_MAX_BYTES must be a whole number",
        env={"VIZLAB_MAX_BYTES": "lots"},
    ),
    # ---- custom data
    Case("X three columns", custom(np.zeros((40, 3)), Y_OK), ValueError, "shape (N, 2)"),
    Case("X nan", custom(np.where(X_OK > 1, np.nan, X_OK), Y_OK), ValueError, "finite"),
    Case("X text", custom(X_OK.astype(str), Y_OK), ValueError, "finite numbers"),
    Case("y labels", custom(X_OK, Y_OK + 1), ValueError, "labels 0 and 1"),
    Case("y length", custom(X_OK, Y_OK[:-1]), ValueError, "to match X"),
    Case("X 1e200", custom(X_OK * 1e200, Y_OK), ValueError, "cannot be standardised"),
    Case(
        "X constant column",
        custom(np.c_[X_OK[:, 0], np.full(40, 3.0)], Y_OK),
        ValueError,
        "column 1 of X is constant",
    ),
    Case("X without y", custom(X_OK, None), ValueError, "give both X and y"),
    Case("X three points", custom(X_OK[:3], Y_OK[:3]), ConfigError, "n_points must be between"),
    # ---- trace files
    Case("missing file", load(lambda tmp: tmp / "none.npz"), TraceError, "no trace file"),
    Case("a folder", load(mkdir("d.npz")), TraceError, "no trace file"),
    Case("empty file", load(write("t.npz", b"")), TraceError, "not a readable trace"),
    Case("text file", load(write("t.npz", "hello")), TraceError, "not a readable trace"),
    Case("truncated", load(truncated), TraceError, "not a readable trace"),
    Case(
        "foreign npz",
        load(lambda tmp: write_npz(tmp / "t.npz", {"a": npy_bytes(np.zeros(3))})),
        TraceError,
        "no header",
    ),
    Case(
        "foreign zip",
        load(lambda tmp: write_npz(tmp / "t.npz", [("readme.txt", b"hi")])),
        TraceError,
        "not a vizlab trace",
    ),
    Case(
        "duplicate member",
        load(
            lambda tmp: write_npz(
                tmp / "t.npz",
                [("__header__.npy", npy_bytes(header_bytes({"schema": 1})))] * 2,
            )
        ),
        TraceError,
        "not a vizlab trace",
    ),
    Case("pickled object", load(pickled), TraceError, "object arrays"),
    Case(
        "header float",
        load(lambda tmp: trace_file(tmp / "t.npz", raw_header=np.zeros(4))),
        TraceError,
        "malformed header",
    ),
    Case("header not json", load(raw_header(b"{nope")), TraceError, "malformed header"),
    Case("header not utf-8", load(raw_header(b"\xff\xfe")), TraceError, "malformed header"),
    Case("header a list", load(raw_header(b"[1, 2]")), TraceError, "must be a JSON object"),
    Case("header too big", load(raw_header(b" " * (2 << 20))), TraceError, "malformed header"),
    Case("schema 99", load(with_header(schema=99)), TraceError, "schema version 99"),
    Case("schema true", load(with_header(schema=True)), TraceError, "schema version True"),
    Case("schema text", load(with_header(schema="1")), TraceError, "schema version '1'"),
    Case("events 5", load(with_header(events=5)), TraceError, "'events' must be a list"),
    Case("event 5", load(with_header(events=[5])), TraceError, "event 0 must be an object"),
    Case(
        "diverged no step",
        load(with_header(events=[{"type": "diverged", "reason": "x"}])),
        TraceError,
        "integer 'step'",
    ),
    Case("config text", load(with_header(config="lr=1")), TraceError, "'config' must be dict"),
    Case("seed text", load(with_header(seed="0")), TraceError, "'seed' must be int or null"),
    Case("nested 100000", load(nested(100_000)), TraceError, "nests deeper"),
    Case("nested 40", load(nested(40)), TraceError, "nests deeper than 32"),
    Case("shape bomb", load(crafted_member((10**10,))), TraceError, "declares shape"),
    Case(
        "rank-10 bomb",
        load(crafted_member((10**4,) * 10)),
        TraceError,
        "declares shape",
    ),
    Case(
        "zeros over the limit",
        load_limited(honest_zeros, 16 << 20),
        TraceError,
        "would need more than 16.0 MiB",
    ),
    Case("complex dtype", load(crafted_member((2,), "<c16", b"\0" * 32)), TraceError, "dtype"),
    Case("text dtype", load(crafted_member((2,), "<U3", b"\0" * 24)), TraceError, "dtype"),
    Case(
        "record dtype",
        load(crafted_member((2,), [("a", "<f8")], b"\0" * 16)),
        TraceError,
        "dtype",
    ),
    Case(
        "bad npy magic",
        load(lambda tmp: write_npz(tmp / "t.npz", {"__header__": b"NOTNUMPY" * 8})),
        TraceError,
        "not a readable trace",
    ),
    Case(
        "npy version 9",
        load(
            lambda tmp: write_npz(tmp / "t.npz", {"__header__": b"\x93NUMPY\x09\x00" + b" " * 64})
        ),
        TraceError,
        "version",
    ),
    Case("step 0-d", load(with_arrays(scalar__step=np.array(3))), TraceError, "1-d integer"),
    Case("step float", load(with_arrays(scalar__step=np.arange(3.0))), TraceError, "1-d integer"),
    Case(
        "step down", load(with_arrays(scalar__step=np.array([0, 2, 1]))), TraceError, "increasing"
    ),
    Case(
        "step negative", load(with_arrays(scalar__step=np.array([-2, 0, 1]))), TraceError, "from 0"
    ),
    Case("field rank 2", load(with_arrays(field__output=np.zeros((2, 12)))), TraceError, "3 axes"),
    Case(
        "field off grid", load(with_arrays(field__output=np.zeros((2, 4, 3)))), TraceError, "grid's"
    ),
    Case("mask rank 2", load(with_arrays(mask__drop1=np.ones((3, 4), bool))), TraceError, "3 axes"),
    Case("unknown kind", load(with_arrays(weird__x=np.zeros(3))), TraceError, "kind/name"),
    Case(
        "grid steps range",
        load(with_arrays(grid__steps=np.array([0, 7]))),
        TraceError,
        "grid/steps",
    ),
    Case("0 rows, 1 field", load(zero_rows_with_fields), TraceError, "grid/steps"),
    # ---- every command
    Case("train suffix", cli("train", "--out", "x.txt"), CLI, "must end in .npz"),
    Case(
        "train under a file",
        cli("train", "--out", "{}/x.npz", build=write("f", "x")),
        CLI,
        "is a file",
    ),
    Case(
        "train onto a folder",
        cli("train", "--out", "{}", build=mkdir("d.npz")),
        CLI,
        "is a directory",
    ),
    Case(
        "train 16 GB",
        cli("train", "--grid", "1000", "--frames", "10000", "--out", "g.npz"),
        CLI,
        "over the 2.0 GiB limit",
    ),
    Case("train numbers", cli("train", "--steps", "abc", "--out", "x.npz"), CLI, "invalid"),
    Case(
        "config missing", cli("train", "--config", "no.json", "--out", "x.npz"), CLI, "cannot read"
    ),
    Case(
        "config folder",
        cli("train", "--config", "{}", "--out", "x.npz", build=mkdir("c")),
        CLI,
        "cannot read",
    ),
    Case(
        "config broken",
        cli("train", "--config", "{}", "--out", "x.npz", build=write("c.json", "{")),
        CLI,
        "not valid JSON",
    ),
    Case(
        "config list",
        cli("train", "--config", "{}", "--out", "x.npz", build=write("c.json", "[1]")),
        CLI,
        "JSON object",
    ),
    Case(
        "config deep",
        cli("train", "--config", "{}", "--out", "x.npz", build=write("c.json", "[" * 100000)),
        CLI,
        "not valid JSON",
    ),
    Case(
        "config binary",
        cli("train", "--config", "{}", "--out", "x.npz", build=write("c.json", b"\xff\x00")),
        CLI,
        "not valid JSON",
    ),
    Case(
        "config field",
        cli("train", "--config", "{}", "--out", "x.npz", build=write("c.json", '{"lrr": 1}')),
        CLI,
        "unknown config",
    ),
    Case(
        "sweep onto a file",
        cli("sweep", "--out-dir", "{}", build=write("f", "x")),
        CLI,
        "is a file",
    ),
    Case(
        "sweep non-empty",
        cli("sweep", "--out-dir", "{}", build=mkdir("d", ("notes.txt",))),
        CLI,
        "not empty",
    ),
    Case(
        "sweep too big",
        cli("sweep", "--grid", "200", "--seeds", ",".join(map(str, range(400))), "--out-dir", "s"),
        CLI,
        "400 runs would need",
    ),
    Case("sweep lr", cli("sweep", "--lrs", "0.1,-1", "--out-dir", "s"), CLI, "lr must be in"),
    Case("sweep axis", cli("sweep", "--lrs", "0.1,x", "--out-dir", "s"), CLI, "numbers"),
    Case("info bomb", cli("info", "{}", build=crafted_member((10**10,))), CLI, "declares shape"),
    Case("info events", cli("info", "{}", build=with_header(events=5)), CLI, "must be a list"),
    Case("info nested", cli("info", "{}", build=nested(100_000)), CLI, "nests deeper"),
    Case(
        "render field rank",
        cli("render", "{}", "--out", "x.png", build=with_arrays(field__output=np.zeros((2, 12)))),
        CLI,
        "3 axes",
    ),
    Case(
        "render under a file",
        cli("render", "t.npz", "--out", "{}/x.png", build=write("f", "x")),
        CLI,
        "is a file",
    ),
    Case(
        "render frames", cli("render", "t.npz", "--frames", "0", "--out", "x.gif"), CLI, "positive"
    ),
    Case("render suffix", cli("render", "t.npz", "--out", "x.doc"), CLI, "must end in"),
    Case(
        "render 1e8 frames",
        cli("render", "t.npz", "--frames", "100000000", "--out", "x.gif"),
        CLI,
        "up to 10000",
    ),
    Case(
        "render fps", cli("render", "t.npz", "--fps", "1000000", "--out", "x.gif"), CLI, "up to 120"
    ),
    Case(
        "descend steps",
        cli("descend", "quadratic", "--steps", "-5", "--out", "d.npz"),
        CLI,
        "steps",
    ),
    Case(
        "descend lr", cli("descend", "quadratic", "--lr", "nan", "--out", "d.npz"), CLI, "lr must"
    ),
    Case(
        "descend start", cli("descend", "bowl", "--start", "1", "--out", "d.npz"), CLI, "start must"
    ),
    Case("scenes name", cli("scenes", "render", "nothing"), CLI, "unknown scene"),
    Case(
        "scenes onto a file",
        cli("scenes", "render", "gradient_descent", "--out-dir", "{}", build=write("f", "x")),
        CLI,
        "is a file",
    ),
    Case(
        "tensorboard onto a file",
        cli("tensorboard", "t.npz", "--logdir", "{}", build=write("f", "x")),
        CLI,
        "--logdir",
    ),
    Case(
        "tensorboard bad trace",
        cli("tensorboard", "{}", "--logdir", "tb", build=nested(100_000)),
        CLI,
        "nests deeper",
    ),
]


def test_the_table_is_large_and_its_names_unique():
    assert len(CASES) >= 60
    assert len({c.name for c in CASES}) == len(CASES)


def _files(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_size for p in root.rglob("*")}


@contextlib.contextmanager
def _hang_guard(seconds: int):
    def alarm(signum, frame):
        raise TimeoutError(f"no answer within {seconds} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input_is_one_clear_error(case, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("VIZLAB_MAX_BYTES", raising=False)
    for key, value in (case.env or {}).items():
        monkeypatch.setenv(key, value)
    action = case.prepare(tmp_path)
    before = _files(tmp_path)
    capsys.readouterr()
    tracemalloc.start()
    try:
        with _hang_guard(HANG_SECONDS):
            if case.error == CLI:
                status = action()
            else:
                with pytest.raises(case.error) as info:
                    action()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    if case.error == CLI:
        err = capsys.readouterr().err
        lines = err.strip().splitlines()
        assert status == 2, err
        assert len(lines) == 1 and lines[0].startswith("vizlab: error: "), err
        message = lines[0]
    else:
        message = str(info.value)
        assert len(message.splitlines()) == 1, message
    assert case.fragment in message
    assert "Traceback" not in message
    assert _files(tmp_path) == before  # nothing written, nothing half-written
    assert peak < MAX_TRACED_BYTES, f"{peak / 2**20:.0f} MiB"


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["train", "--grid", "1000", "--frames", "10000", "--out", "g.npz"], "limit"),
        (["info", "t.npz"], "nests deeper"),
        (["sweep", "--out-dir", "t.npz"], "is a file"),
        (["render", "t.npz", "--out", "t.npz/x.png"], "is a file"),
    ],
)
def test_a_real_process_prints_one_line_and_no_traceback(tmp_path, args, fragment):
    nested(100_000)(tmp_path)
    res = subprocess.run(
        [sys.executable, "-m", "vizlab", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert res.returncode == 2, res.stderr
    assert res.stderr.count("\n") == 1 and fragment in res.stderr
    assert "Traceback" not in res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.npz"]


# ------------------------------------------------- what is allowed gives a correct result
def test_numpy_values_make_the_same_config():
    plain = RunConfig(seed=3, lr=float(np.float32(0.1)), hidden=(8, 8), dropout=(0.5,), steps=20)
    from_numpy = RunConfig(
        seed=np.int64(3),
        lr=np.float32(0.1),
        hidden=np.array([8, 8]),
        dropout=(np.float64(0.5),),
        steps=np.int32(20),
    )
    assert from_numpy == plain
    assert from_numpy.to_json() == plain.to_json() and from_numpy.digest() == plain.digest()
    assert type(from_numpy.seed) is int and type(from_numpy.lr) is float
    assert from_numpy.hidden == (8, 8) and all(type(w) is int for w in from_numpy.hidden)
    assert RunConfig.from_json(from_numpy.to_json()) == plain
    from vizlab.config import DescendConfig

    d = DescendConfig("quadratic", lr=np.float32(0.25), steps=np.int64(30), start=np.array([1.0]))
    assert d == DescendConfig("quadratic", lr=0.25, steps=30, start=[1.0])
    assert d.digest() == DescendConfig("quadratic", lr=0.25, steps=30, start=[1.0]).digest()


def test_budget_parts_are_the_real_buffers():
    """The estimate's trace parts are twice (buffer + copy) what a real run records."""
    from vizlab.budget import estimate

    c = RunConfig(
        hidden=(4, 20), dropout=(0.5,), optimizer="adam", batch_size=16, steps=30, grid=10, frames=5
    )
    tr = vizlab.train(c)
    parts = {p.name: p.bytes for p in estimate(c).parts}
    kinds = ("param", "grad", "mask", "opt")
    nbytes = {kind: sum(tr[k].nbytes for k in tr.keys(kind)) for kind in kinds}
    assert parts["param+grad"] == 2 * (nbytes["param"] + nbytes["grad"])
    assert parts["batch/indices"] == 2 * tr["batch/indices"].nbytes
    assert parts["mask/*"] == 2 * nbytes["mask"]
    assert parts["opt/*"] == 2 * nbytes["opt"] > 0  # Adam's two moments
    pictures = sum(tr[k].nbytes for kind in ("field", "act", "embed") for k in tr.keys(kind))
    assert parts["field/act/embed"] >= 2 * pictures  # field rows may collapse, never grow
    assert estimate(c).rows == len(tr)
    # A full batch is one flag a row in the recorder: only the trace holds its indices.
    full = c.replace(batch_size=0, dropout=0.0)
    assert {p.name: p.bytes for p in estimate(full).parts}["batch/indices"] == (
        vizlab.train(full)["batch/indices"].nbytes
    )


def test_the_limit_can_be_raised(monkeypatch):
    from vizlab.budget import check_budget

    big = RunConfig(grid=1000, frames=100)
    with pytest.raises(ConfigError, match="over the 2.0 GiB limit"):
        check_budget(big)
    est = check_budget(big, max_bytes=100 << 30)
    assert 2 << 30 < est.bytes < 100 << 30
    monkeypatch.setenv("VIZLAB_MAX_BYTES", str(100 << 30))
    assert check_budget(big).bytes == est.bytes


def test_no_mask_buffers_without_dropout():
    """A recorder for 100,000 rows of 240-point batches holds no masks until one arrives."""
    import torch

    from vizlab.core import model, record

    params = model.init_params([2, 8, 8, 1], torch.Generator().manual_seed(0), torch.float32)
    rec = record.Recorder(
        np.arange(100_000), model.FlatParams(params), 240, (8, 8), torch.device("cpu")
    )
    assert rec.mask == {}  # was 2 x 100,000 x 240 x 8 bools = 366 MiB


def test_ci_turns_a_missing_part_into_a_failure(tmp_path):
    test = tmp_path / "test_needs_x.py"
    test.write_text(
        "from conftest import require_or_skip\n\n"
        "def test_x():\n"
        "    require_or_skip('the X renderer', False)\n"
    )
    conftest = Path(__file__).with_name("conftest.py")
    (tmp_path / "conftest.py").write_text(conftest.read_text())
    outcomes = {}
    for ci in ("0", "1"):
        res = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env={**os.environ, "VIZLAB_CI": ci},
            timeout=120,
        )
        outcomes[ci] = (res.returncode, res.stdout.strip().splitlines()[-1])
    assert outcomes["0"][0] == 0 and "1 skipped" in outcomes["0"][1]
    assert outcomes["1"][0] == 1 and "1 failed" in outcomes["1"][1]
