"""The command line: real jobs end to end, bad input in one line with exit status 2."""

import subprocess
import sys

import numpy as np
import pytest

from vizlab import Trace
from vizlab.cli import main


def run(*args):
    return subprocess.run([sys.executable, "-m", "vizlab", *args], capture_output=True, text=True)


def test_train_info_render_round_trip(tmp_path, capsys):
    out = tmp_path / "xor.npz"
    assert (
        main(
            [
                "train",
                "--dataset",
                "xor",
                "--hidden",
                "3",
                "--steps",
                "30",
                "--grid",
                "12",
                "--frames",
                "5",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    tr = Trace.load(out)
    assert tr.config["hidden"] == [3] and len(tr) == 31
    assert main(["info", str(out)]) == 0
    assert "field/output" in capsys.readouterr().out
    png = tmp_path / "xor.png"
    assert main(["render", str(out), "--what", "boundary", "--out", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_config_file_and_flags_combine(tmp_path):
    cfg = tmp_path / "c.json"
    cfg.write_text('{"dataset": "circles", "steps": 12, "hidden": [2], "frames": 0}')
    out = tmp_path / "c.npz"
    assert main(["train", "--config", str(cfg), "--lr", "0.5", "--out", str(out)]) == 0
    c = Trace.load(out).config
    assert (c["dataset"], c["steps"], c["lr"]) == ("circles", 12, 0.5)


def test_descend_and_sweep(tmp_path):
    d = tmp_path / "d.npz"
    assert main(["descend", "quadratic", "--lr", "1.2", "--steps", "100", "--out", str(d)]) == 0
    assert Trace.load(d).diverged is not None
    assert (
        main(
            [
                "sweep",
                "--steps",
                "5",
                "--hidden",
                "2",
                "--frames",
                "0",
                "--lrs",
                "0.1,1",
                "--seeds",
                "0,1",
                "--out-dir",
                str(tmp_path / "sw"),
            ]
        )
        == 0
    )
    assert sorted(p.name for p in (tmp_path / "sw").iterdir()) == [
        f"run_00{i}.npz" for i in range(4)
    ]
    # run_00k holds the k-th config of the grid (lr outer, seed inner), fully trained
    for k, (lr, seed) in enumerate([(0.1, 0), (0.1, 1), (1.0, 0), (1.0, 1)]):
        tr = Trace.load(tmp_path / "sw" / f"run_00{k}.npz")
        assert (tr.config["lr"], tr.config["seed"], tr.config["hidden"]) == (lr, seed, [2])
        assert tr.header["sweep"] == {"index": k, "size": 4}
        assert len(tr) == 6 and tr.steps[-1] == 5


@pytest.mark.parametrize(
    "args, message",
    [
        (["train", "--lr", "-1", "--out", "x.npz"], "lr must be in"),
        (["train", "--out", "x.txt"], "must end in .npz"),
        (["train", "--hidden", "a,b", "--out", "x.npz"], "hidden"),
        (["info", "missing.npz"], "no trace file"),
        (["frobnicate"], "invalid choice"),
        (["descend", "nowhere", "--out", "d.npz"], "nowhere"),
        (["render", "missing.npz", "--out", "x.png"], "no trace file"),
        (["render", "missing.npz", "--out", "x.doc"], "must end in"),
        (["sweep", "--lrs", "1,x", "--out-dir", "d"], "numbers"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, message):
    res = subprocess.run(
        [sys.executable, "-m", "vizlab", *args], capture_output=True, text=True, cwd=tmp_path
    )
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("vizlab: error:") and message in lines[0]
    assert not any(tmp_path.iterdir())  # nothing half-written


def test_sweep_writes_all_or_nothing(tmp_path, monkeypatch, capsys):
    """A failure while writing the third run leaves no folder and no temporary files."""
    real_save, calls = Trace.save, []

    def flaky_save(self, path):
        calls.append(path)
        if len(calls) == 3:
            raise OSError(28, "No space left on device", str(path))
        return real_save(self, path)

    monkeypatch.setattr(Trace, "save", flaky_save)
    argv = ["sweep", "--steps", "3", "--hidden", "2", "--frames", "0", "--lrs", "0.1,0.2,0.3"]
    status = main([*argv, "--out-dir", str(tmp_path / "sw")])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 1 and len(err) == 1 and "No space left on device" in err[0]
    assert len(calls) == 3 and list(tmp_path.iterdir()) == []  # nothing half-written
    # An existing empty folder is filled in the same single rename.
    monkeypatch.setattr(Trace, "save", real_save)
    (tmp_path / "empty").mkdir()
    assert main([*argv, "--out-dir", str(tmp_path / "empty")]) == 0
    assert sorted(p.name for p in (tmp_path / "empty").iterdir()) == [
        "run_000.npz",
        "run_001.npz",
        "run_002.npz",
    ]
    assert [p.name for p in tmp_path.iterdir()] == ["empty"]


def test_output_paths_case_and_new_folders(tmp_path):
    """Suffixes in any case; missing parent folders are made when the file is written."""
    out = tmp_path / "new" / "deeper" / "RUN.NPZ"
    assert main(["descend", "bowl", "--steps", "5", "--out", str(out)]) == 0
    tr = Trace.load(out)
    assert len(tr) == 6 and tr.config["landscape"] == "bowl"
    png = tmp_path / "PIC.PNG"
    assert main(["render", str(out), "--what", "contour", "--out", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_zero_row_trace_loads_and_prints(tmp_path, capsys):
    empty = Trace({"scalar/step": np.zeros(0, np.int64), "scalar/loss": np.zeros(0)})
    path = empty.save(tmp_path / "empty.npz")
    back = Trace.load(path)
    assert len(back) == 0 and back.diverged is None and "T=0" in repr(back)
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert "0 rows" in out and "scalar/loss" in out


def test_environment_failures_exit_1_in_one_line(tmp_path, monkeypatch, capsys):
    import vizlab.core.descend

    def out_of_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(vizlab.core.descend, "descend", out_of_memory)
    assert main(["descend", "bowl", "--out", str(tmp_path / "d.npz")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["vizlab: error: out of memory (lower the sizes in the config)"]
    assert list(tmp_path.iterdir()) == []


def test_render_refuses_a_trace_without_fields(tmp_path):
    d = tmp_path / "d.npz"
    assert main(["descend", "bowl", "--out", str(d)]) == 0
    res = run("render", str(d), "--what", "boundary", "--out", str(tmp_path / "b.png"))
    assert res.returncode == 2 and "decision field" in res.stderr
    assert not (tmp_path / "b.png").exists()


def test_renderers_do_not_import_torch():
    code = (
        "import sys, vizlab, vizlab.render.boundary, vizlab.render.curves, vizlab.render.descent, "
        "vizlab.render.paths, vizlab.render.activations, vizlab.render.dropout, "
        "vizlab.render.regularization, vizlab.render.export, vizlab.timeline; "
        "assert 'torch' not in sys.modules, 'torch imported'"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
