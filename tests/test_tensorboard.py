"""Traces written as TensorBoard runs, read back with TensorBoard's own event reader."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import vizlab
from vizlab import tensorboard
from vizlab.trace import Trace

pytest.importorskip("torch.utils.tensorboard")
from PIL import Image  # noqa: E402
from tensorboard.backend.event_processing.event_accumulator import (  # noqa: E402
    EventAccumulator,
)

CONFIG = vizlab.RunConfig(dataset="xor", hidden=(4,), lr=0.5, steps=40, frames=4, grid=12)


@pytest.fixture(scope="module")
def trace() -> Trace:
    return vizlab.train(CONFIG)


@pytest.fixture(scope="module")
def sweep_traces() -> list[Trace]:
    return vizlab.sweep(CONFIG, lr=[0.05, 0.5, 5.0])


def _read(folder) -> EventAccumulator:
    acc = EventAccumulator(str(folder), size_guidance={"scalars": 0, "histograms": 0, "images": 0})
    acc.Reload()
    return acc


def test_scalars_histograms_and_fields_read_back(trace, tmp_path):
    (run,) = tensorboard.write_runs(trace, tmp_path, histograms=5)
    assert run.parent == tmp_path and run.is_dir()
    acc = _read(run)
    tags = acc.Tags()
    expected = [k for k in trace.keys("scalar") if k != "scalar/step"]
    assert sorted(tags["scalars"]) == sorted(expected)
    for key in expected:
        events = acc.Scalars(key)
        assert [e.step for e in events] == trace.steps.tolist()
        np.testing.assert_allclose([e.value for e in events], trace[key], rtol=1e-6)
    # Histograms: five rows spread over the run, first and last included; counts
    # and extremes equal the recorded weights of those rows. The last row's
    # gradient is NaN (no update is taken from the final state): no histogram.
    spread = np.unique(np.linspace(0, len(trace) - 1, 5).round().astype(int))
    assert spread.tolist() == [0, 10, 20, 30, 40]
    for kind, tag in (("param", "weights"), ("grad", "gradients")):
        for name in trace.names(kind):
            events = acc.Histograms(f"{tag}/{name}")
            arr = trace[f"{kind}/{name}"]
            rows = [r for r in spread if np.isfinite(arr[r]).all()]
            assert len(rows) == (5 if kind == "param" else 4)
            assert [e.step for e in events] == trace.steps[rows].tolist()
            for e, row in zip(events, rows):
                values = arr[row]
                assert e.histogram_value.num == values.size
                assert e.histogram_value.min == pytest.approx(float(values.min()), rel=1e-6)
                assert e.histogram_value.max == pytest.approx(float(values.max()), rel=1e-6)
                assert e.histogram_value.sum == pytest.approx(float(values.sum()), abs=1e-5)
    # Images: one per field step, the field coloured and flipped (top row = largest y).
    images = acc.Images("field/output")
    assert [e.step for e in images] == trace.steps[trace.field_steps].tolist()
    last = np.asarray(Image.open(io.BytesIO(images[-1].encoded_image_string)).convert("RGB"))
    field = trace["field/output"][-1]
    assert last.shape == field.shape + (3,)
    np.testing.assert_array_equal(last, tensorboard.field_image(field))
    # Redder where the network says class 1: red minus blue grows with p (flipped rows).
    redness = last[..., 0].astype(int) - last[..., 2].astype(int)
    order = np.argsort(field[::-1].ravel())
    assert redness.ravel()[order[-1]] > redness.ravel()[order[0]]
    (text,) = acc.Tensors("config/text_summary")
    shown = text.tensor_proto.string_val[0].decode().strip("`\n")
    assert json.loads(shown) == trace.config


def test_field_image_colours():
    img = tensorboard.field_image(np.array([[0.0, 0.5], [1.0, np.nan]]))
    # Row 1 of the field (larger y) becomes the top row of the picture.
    np.testing.assert_array_equal(img[0, 0], [178, 24, 43])  # p = 1: red
    np.testing.assert_array_equal(img[0, 1], [128, 128, 128])  # non-finite: grey
    np.testing.assert_array_equal(img[1, 0], [33, 102, 172])  # p = 0: blue
    np.testing.assert_array_equal(img[1, 1], [247, 247, 247])  # p = 0.5: white
    with pytest.raises(ValueError, match="shape"):
        tensorboard.field_image(np.zeros(3))


def test_sweep_is_one_run_per_config(sweep_traces, tmp_path):
    runs = tensorboard.write_runs(sweep_traces, tmp_path / "logs")
    assert [r.name for r in runs] == ["lr=0.05", "lr=0.5", "lr=5"]
    assert sorted(p.name for p in (tmp_path / "logs").iterdir()) == sorted(r.name for r in runs)
    for run, trace in zip(runs, sweep_traces):
        losses = [e.value for e in _read(run).Scalars("scalar/loss_train")]
        np.testing.assert_allclose(losses, trace["scalar/loss_train"], rtol=1e-6)
    # Writing again replaces each run instead of appending a second event file.
    tensorboard.write_runs(sweep_traces, tmp_path / "logs")
    assert all(len(list(r.iterdir())) == 1 for r in runs)


def test_to_tensorboard_method(trace, tmp_path):
    run = trace.to_tensorboard(tmp_path)
    assert run == tmp_path / tensorboard.run_names([trace])[0]
    assert run.name.startswith("xor,4,tanh,sgd,lr=0.5")
    assert len(_read(run).Scalars("scalar/loss_train")) == len(trace)


def test_bad_input(trace, tmp_path):
    with pytest.raises(ValueError, match="at least one"):
        tensorboard.write_runs([], tmp_path)
    with pytest.raises(ValueError, match="distinct"):
        tensorboard.write_runs([trace, trace], tmp_path, names=["a", "a"])
    with pytest.raises(ValueError, match="plain folder"):
        tensorboard.write_runs(trace, tmp_path, names=["../x"])
    assert list(tmp_path.iterdir()) == []  # nothing written


def _cli(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "vizlab", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )


def test_command_line(sweep_traces, tmp_path):
    files = [t.save(tmp_path / f"run_{i:03d}.npz") for i, t in enumerate(sweep_traces)]
    proc = _cli("tensorboard", *files, "--logdir", tmp_path / "tb", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (tmp_path / "tb").iterdir()) == ["lr=0.05", "lr=0.5", "lr=5"]
    acc = _read(tmp_path / "tb" / "lr=5")
    assert len(acc.Scalars("scalar/loss_train")) == len(sweep_traces[2])

    missing = _cli("tensorboard", tmp_path / "nope.npz", "--logdir", tmp_path / "x", cwd=tmp_path)
    assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1
    assert "nope.npz" in missing.stderr and not (tmp_path / "x").exists()


def test_command_line_logdir_that_is_a_file(trace, tmp_path):
    path = trace.save(tmp_path / "run.npz")
    blocker = tmp_path / "taken"
    blocker.write_text("not a folder")
    proc = _cli("tensorboard", path, "--logdir", blocker / "tb", cwd=tmp_path)
    assert proc.returncode != 0 and len(proc.stderr.strip().splitlines()) == 1
    assert "taken" in proc.stderr and blocker.read_text() == "not a folder"
