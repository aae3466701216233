"""Write traces as TensorBoard event files, one TensorBoard run per trace.

Lecture 003 watches training in TensorBoard. A trace already holds
everything TensorBoard shows, so a finished run (or a whole sweep) is
written out after the fact:

* every per-step scalar (``scalar/loss_train``, ``scalar/acc_val``, ...) as
  a scalar curve ``scalar/<name>`` against the optimizer step;
* the weights and gradients (``param/*``, ``grad/*``) as histograms
  ``weights/<name>`` and ``gradients/<name>`` at up to ``histograms``
  recorded rows spread over the run (always the first and the last);
* the decision field (``field/output``, values in [0, 1]) as an image
  ``field/output`` at each step where it was evaluated, coloured from the
  first class (blue, 0) to the second (red, 1) with the grid's top row at
  the top of the picture;
* the run's config as text.

``torch.utils.tensorboard`` (which needs the ``tensorboard`` package) is
imported only when something is written. A run is written into a hidden
temporary folder beside its destination and renamed into place when
complete, so an interrupted export leaves no half-written run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from vizlab.trace import Trace

INSTALL_HINT = (
    "writing TensorBoard files needs the tensorboard package: "
    "pip install 'vizlab-nn[tensorboard]' (or pip install tensorboard)"
)
#: Config keys named first in a run's name, in this order.
_NAME_KEYS = ("dataset", "hidden", "activation", "optimizer", "lr", "l1", "l2", "dropout", "seed")


def _writer_class():
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError as exc:
        raise ImportError(INSTALL_HINT) from exc
    return SummaryWriter


def _value_text(value) -> str:
    if isinstance(value, (list, tuple)):
        return "-".join(str(v) for v in value) or "none"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def run_names(traces: Sequence[Trace], fallback: Sequence[str] | None = None) -> list[str]:
    """Folder names that tell the runs of a sweep apart: the config values that differ.

    Parameters
    ----------
    traces : sequence of Trace
    fallback : sequence of str, optional
        Names to use when the configs do not tell the runs apart (e.g. file
        stems); default ``run_000``, ``run_001``, ...

    Returns
    -------
    list of str
        One unique, file-system-safe name per trace, e.g. ``lr=0.1,seed=0``;
        a single trace is named by its main settings (``moons,16-16,sgd,lr=0.1``).
    """
    configs = [t.config for t in traces]
    fallback = (
        list(fallback) if fallback is not None else [f"run_{i:03d}" for i in range(len(traces))]
    )
    keys = sorted({k for c in configs for k in c})
    if len(traces) > 1:
        differ = [
            k for k in keys if len({json.dumps(c.get(k), sort_keys=True) for c in configs}) > 1
        ]
        order = [k for k in _NAME_KEYS if k in differ] + [k for k in differ if k not in _NAME_KEYS]
        names = [",".join(f"{k}={_value_text(c.get(k))}" for k in order) for c in configs]
    else:
        c = configs[0] if configs else {}
        parts = [_value_text(c[k]) for k in _NAME_KEYS[:4] if k in c]
        parts += [f"{k}={_value_text(c[k])}" for k in _NAME_KEYS[4:] if k in c and c[k]]
        names = [",".join(parts)]
    out: list[str] = []
    for i, name in enumerate(names):
        name = re.sub(r"[^A-Za-z0-9=,.+_-]", "_", name)[:120] or fallback[i]
        if name in out:
            name = f"{name},{fallback[i]}"
        out.append(name)
    return out


def _histogram_rows(n: int, histograms: int) -> np.ndarray:
    if n == 0 or histograms <= 0:
        return np.zeros(0, dtype=np.int64)
    return np.unique(np.linspace(0, n - 1, min(n, histograms)).round().astype(np.int64))


def field_image(field: np.ndarray) -> np.ndarray:
    """Colour one decision field as an RGB picture.

    Parameters
    ----------
    field : ndarray (H, W)
        Predicted probability of class 1 on the grid, row 0 at the bottom
        (the smallest y) as the trace stores it; values outside [0, 1] are
        clipped, non-finite values (a diverged run) are drawn grey.

    Returns
    -------
    ndarray (H, W, 3) uint8
        Blue (0) through white (0.5) to red (1), flipped so that larger y
        is higher in the picture.
    """
    field = np.asarray(field, dtype=np.float64)
    if field.ndim != 2:
        raise ValueError(f"a decision field is (H, W); got shape {field.shape}")
    p = np.clip(np.nan_to_num(field, nan=0.5, posinf=1.0, neginf=0.0), 0.0, 1.0)[::-1]
    blue, white, red = (
        np.array([33, 102, 172.0]),
        np.array([247, 247, 247.0]),
        np.array([178, 24, 43.0]),
    )
    lo = np.clip(2 * p, 0, 1)[..., None]
    hi = np.clip(2 * p - 1, 0, 1)[..., None]
    rgb = np.where(p[..., None] < 0.5, blue + (white - blue) * lo, white + (red - white) * hi)
    rgb[~np.isfinite(field[::-1])] = 128.0
    return rgb.round().astype(np.uint8)


def _write_run(writer, trace: Trace, histograms: int) -> None:
    steps = trace.steps
    for key in trace.keys("scalar"):
        if key == "scalar/step":
            continue
        values = trace[key].astype(np.float64)
        for step, value in zip(steps, values):
            writer.add_scalar(key, float(value), int(step))
    rows = _histogram_rows(len(trace), histograms)
    for kind, tag in (("param", "weights"), ("grad", "gradients")):
        for name in trace.names(kind):
            arr = trace[f"{kind}/{name}"]
            for row in rows:
                values = np.asarray(arr[row], dtype=np.float64).ravel()
                values = values[np.isfinite(values)]
                if values.size:  # a diverged row has nothing finite to bin
                    writer.add_histogram(f"{tag}/{name}", values, int(steps[row]))
    if "field/output" in trace:
        fields = trace["field/output"]
        for i, row in enumerate(trace.field_steps):
            if fields[i].ndim == 2:
                image = field_image(fields[i])
                writer.add_image("field/output", image, int(steps[row]), dataformats="HWC")
    if trace.config:
        writer.add_text("config", "```\n" + json.dumps(trace.config, indent=2) + "\n```", 0)
    if trace.diverged:
        writer.add_text("diverged", json.dumps(trace.diverged), int(trace.diverged.get("step", 0)))


def write_runs(
    traces: Trace | Sequence[Trace],
    logdir: str | os.PathLike,
    *,
    names: Sequence[str] | None = None,
    histograms: int = 50,
) -> list[Path]:
    """Write traces into ``logdir``, one TensorBoard run (sub-folder) per trace.

    Parameters
    ----------
    traces : Trace or sequence of Trace
        A single run or a sweep (each config becomes its own run).
    logdir : path
        The folder to open with ``tensorboard --logdir``; created if needed.
        A run folder of the same name is replaced.
    names : sequence of str, optional
        Run folder names; default :func:`run_names`.
    histograms : int
        At most this many recorded rows per weight/gradient histogram
        (spread evenly, first and last included); 0 for none.

    Returns
    -------
    list of Path
        The run folders, in the order of ``traces``.

    Raises
    ------
    ImportError
        tensorboard is not installed (the message says what to install).
    ValueError
        No traces, names of the wrong length, or a name that is not a plain
        folder name.
    OSError
        ``logdir`` cannot be created or written.
    """
    traces = [traces] if isinstance(traces, Trace) else list(traces)
    if not traces:
        raise ValueError("write_runs needs at least one trace")
    if not all(isinstance(t, Trace) for t in traces):
        raise ValueError("write_runs takes Trace objects")
    names = run_names(traces) if names is None else list(names)
    if len(names) != len(traces) or len(set(names)) != len(names):
        raise ValueError(f"need {len(traces)} distinct run names; got {names}")
    for name in names:
        if not name or name in (".", "..") or "/" in name or os.sep in name:
            raise ValueError(f"run name {name!r} is not a plain folder name")
    writer_class = _writer_class()
    logdir = Path(logdir)
    logdir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".vizlab-tensorboard-", dir=logdir))
    try:
        for trace, name in zip(traces, names):
            writer = writer_class(log_dir=str(tmp / name))
            try:
                _write_run(writer, trace, histograms)
            finally:
                writer.close()
        done = []
        for name in names:
            dest = logdir / name
            if dest.exists():
                shutil.rmtree(dest)
            os.replace(tmp / name, dest)
            done.append(dest)
        return done
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
