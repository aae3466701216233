"""The Trace contract: round trips, validation, and refusing bad files."""

import io
import json
import pickle
import zipfile

import numpy as np
import pytest

from vizlab import Trace, TraceError


def small_trace(T=5):
    return Trace(
        {
            "scalar/step": np.arange(T),
            "scalar/loss_train": np.linspace(1, 0, T),
            "param/fc1.weight": np.arange(T * 6, dtype=float).reshape(T, 3, 2),
            "mask/drop1": np.ones((T, 4, 3), bool),
            "grid/x": np.linspace(-1, 1, 4),
            "grid/y": np.linspace(-1, 1, 3),
            "grid/steps": np.array([0, 2, T - 1]),
            "field/output": np.random.default_rng(0).random((3, 3, 4)).astype(np.float32),
        },
        {"config": {"lr": 0.1}, "events": [{"type": "diverged", "step": T, "reason": "x"}]},
    )


def test_round_trip(tmp_path):
    tr = small_trace()
    path = tr.save(tmp_path / "run.npz")
    back = Trace.load(path)
    assert back.header == tr.header
    assert set(back.keys()) == set(tr.keys())
    for k in tr.keys():
        np.testing.assert_array_equal(back[k], tr[k])
        assert back[k].dtype == tr[k].dtype
    assert back.diverged["step"] == 5


def test_views_and_field_rows():
    tr = small_trace()
    assert len(tr) == 5
    v = tr.at(3)
    assert v.step == 3 and v.field_row == 1
    np.testing.assert_array_equal(v["param/fc1.weight"], tr["param/fc1.weight"][3])
    np.testing.assert_array_equal(v["field/output"], tr["field/output"][1])
    np.testing.assert_array_equal(tr.at(-1)["scalar/loss_train"], 0.0)
    assert [tr.field_row(r) for r in range(5)] == [0, 0, 1, 1, 2]
    with pytest.raises(IndexError):
        tr.at(5)
    with pytest.raises(ValueError):
        tr["param/fc1.weight"][0, 0, 0] = 1.0  # arrays are read-only


@pytest.mark.parametrize(
    "arrays, message",
    [
        ({"scalar/loss": np.zeros(3)}, "scalar/step"),
        ({"scalar/step": np.arange(3), "scalar/loss": np.zeros(4)}, "leading axis"),
        ({"scalar/step": np.array([0, 2, 1])}, "increasing"),
        ({"scalar/step": np.arange(3), "loss": np.zeros(3)}, "kind/name"),
        ({"scalar/step": np.arange(3), "weird/x": np.zeros(3)}, "kind/name"),
        ({"scalar/step": np.arange(3), "scalar/x": np.array(["a", "b", "c"])}, "dtype"),
        ({"scalar/step": np.arange(3), "field/output": np.zeros((1, 2, 2))}, "grid/steps"),
        (
            {
                "scalar/step": np.arange(3),
                "grid/steps": np.array([0, 2]),
                "field/output": np.zeros((3, 2, 2)),
            },
            "field steps",
        ),
    ],
)
def test_bad_arrays_are_refused(arrays, message):
    with pytest.raises(TraceError, match=message):
        Trace(arrays)


def test_bad_files_are_refused(tmp_path):
    good = small_trace().save(tmp_path / "good.npz")
    data = good.read_bytes()

    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(TraceError, match="truncated|not a readable"):
        Trace.load(truncated)

    text = tmp_path / "text.npz"
    text.write_text("hello")
    with pytest.raises(TraceError):
        Trace.load(text)

    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, a=np.zeros(3))
    with pytest.raises(TraceError, match="not a vizlab trace"):
        Trace.load(foreign)

    with pytest.raises(TraceError, match="no trace file"):
        Trace.load(tmp_path / "missing.npz")

    future = tmp_path / "future.npz"
    header = np.frombuffer(json.dumps({"schema": 99}).encode(), np.uint8)
    np.savez(future, __header__=header, **{"scalar/step": np.arange(2)})
    with pytest.raises(TraceError, match="schema version 99"):
        Trace.load(future)

    bad_json = tmp_path / "badjson.npz"
    np.savez(
        bad_json, __header__=np.frombuffer(b"{nope", np.uint8), **{"scalar/step": np.arange(2)}
    )
    with pytest.raises(TraceError):
        Trace.load(bad_json)


class Boom:
    """Unpickling this would record that code ran."""

    ran = False

    def __reduce__(self):
        return (Boom._mark, ())

    @staticmethod
    def _mark():
        Boom.ran = True
        return "pwned"


def test_pickled_object_arrays_are_never_loaded(tmp_path, monkeypatch):
    hostile = tmp_path / "hostile.npz"
    header = np.frombuffer(json.dumps({"schema": 1}).encode(), np.uint8)
    obj = np.empty(1, dtype=object)
    obj[0] = Boom()
    np.savez(hostile, __header__=header, **{"scalar/step": np.arange(1), "scalar/evil": obj})
    with zipfile.ZipFile(hostile) as z:  # the file really holds a pickle
        assert any(b"_mark" in z.read(n) for n in z.namelist())
    with pytest.raises(TraceError, match="object arrays"):
        Trace.load(hostile)
    assert not Boom.ran
    # The pickle is refused from the member's .npy header: no unpickler ever runs.
    calls = []
    for name in ("load", "loads"):
        real = getattr(pickle, name)
        monkeypatch.setattr(
            pickle, name, lambda *a, _real=real, **k: calls.append(a) or _real(*a, **k)
        )
    with pytest.raises(TraceError, match="object arrays"):
        Trace.load(hostile)
    assert calls == [] and not Boom.ran


def test_save_is_atomic(tmp_path, monkeypatch):
    path = small_trace().save(tmp_path / "run.npz")
    before = path.read_bytes()

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez_compressed", fail)
    with pytest.raises(OSError):
        small_trace(T=7).save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["run.npz"]


def test_save_refuses_other_suffix(tmp_path):
    with pytest.raises(TraceError, match=".npz"):
        small_trace().save(tmp_path / "run.pkl")
    # the suffix is checked without regard to case
    back = Trace.load(small_trace().save(tmp_path / "RUN.NPZ"))
    np.testing.assert_array_equal(back["field/output"], small_trace()["field/output"])


def _write(path, header, arrays):
    np.savez(path, __header__=np.frombuffer(json.dumps(header).encode(), np.uint8), **arrays)
    return path


@pytest.mark.parametrize(
    "header, message",
    [
        ({"schema": True}, "schema version True"),
        ({"schema": 1.0}, "schema version 1.0"),
        ({"schema": 1, "events": 5}, "'events' must be a list"),
        ({"schema": 1, "events": [{"type": "diverged", "step": "3", "reason": "x"}]}, "'step'"),
        ({"schema": 1, "events": [{"type": "diverged", "step": 3}]}, "'reason'"),
        ({"schema": 1, "config": [1]}, "'config' must be dict"),
        ({"schema": 1, "seed": 1.5}, "'seed' must be int or null"),
        ({"schema": 1, "versions": "1.0"}, "'versions' must be dict"),
    ],
)
def test_header_is_checked_field_by_field(tmp_path, header, message):
    arrays = {"scalar/step": np.arange(2)}
    with pytest.raises(TraceError, match=message):
        Trace.load(_write(tmp_path / "t.npz", header, arrays))
    with pytest.raises(TraceError, match=message):  # the same rules in memory
        Trace(arrays, header)


def test_zero_row_trace_round_trips(tmp_path):
    tr = Trace({"scalar/step": np.zeros(0, np.int64), "param/w": np.zeros((0, 3, 2))})
    back = Trace.load(tr.save(tmp_path / "empty.npz"))
    assert len(back) == 0 and back["param/w"].shape == (0, 3, 2)
    assert repr(back) == "<Trace T=0 kinds=['param', 'scalar']>"
    with pytest.raises(IndexError):
        back.at(0)


@pytest.mark.parametrize(
    "key, arr, message",
    [
        ("field/output", np.zeros((3, 12)), "3 axes"),
        ("act/fc1", np.zeros((3, 3, 4)), "4 axes"),
        ("mask/drop1", np.ones((5, 4), bool), "3 axes"),
        ("batch/indices", np.zeros(5, np.int64), "2 axes"),
        ("grid/x", np.zeros((4, 1)), "1 axes"),
        ("field/output", np.zeros((3, 4, 3)), "grid's 3 x 4"),
    ],
)
def test_arrays_of_the_wrong_rank_are_refused_at_load(tmp_path, key, arr, message):
    tr = small_trace()
    arrays = {**tr.arrays, key: arr}
    with pytest.raises(TraceError, match=message):
        Trace.load(_write(tmp_path / "t.npz", tr.header, arrays))


def test_huge_declared_shapes_are_refused_before_inflating(tmp_path):
    """A member claiming 80 GB, and a real 64 MB of zeros over a 16 MB limit."""
    path = tmp_path / "bomb.npz"
    head = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        head, {"descr": "<f8", "fortran_order": False, "shape": (10**10,)}
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("__header__.npy", _npy(np.frombuffer(b'{"schema": 1}', np.uint8)))
        zf.writestr("scalar/step.npy", _npy(np.arange(2)))
        zf.writestr("param/w.npy", head.getvalue() + bytes(4096))
    with pytest.raises(TraceError, match=r"declares shape \(10000000000,\)"):
        Trace.load(path)

    zeros = Trace({"scalar/step": np.arange(2), "param/w": np.zeros((2, 4 << 20))})
    path = zeros.save(tmp_path / "zeros.npz")
    assert path.stat().st_size < 1 << 20  # deflate packs it a thousandfold
    with pytest.raises(TraceError, match="more than 16.0 MiB"):
        Trace.load(path, max_bytes=16 << 20)
    assert Trace.load(path)["param/w"].shape == (2, 4 << 20)  # under the default limit


def _npy(arr):
    buf = io.BytesIO()
    np.lib.format.write_array(buf, arr)
    return buf.getvalue()
