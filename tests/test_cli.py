"""The command line: real jobs end to end, bad input in one line with exit status 2."""

import subprocess
import sys

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
