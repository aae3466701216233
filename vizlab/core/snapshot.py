"""A live run's state now, cheaply: the latest parameters, fields on a small grid, the losses so far.

:meth:`vizlab.LiveRun.trace` builds a whole :class:`~vizlab.Trace` (every
recorded row copied, every row's losses measured again, fields computed):
right for a picture that will be kept, too slow for ten pictures a second.
:meth:`vizlab.LiveRun.snapshot` returns a :class:`LiveSnapshot` instead:

- the parameters of the current state (one row, not all of them);
- the decision field and each narrow hidden layer's maps at the current
  state, on a square grid of ``grid`` points a side over the same extent as
  the trace's grid (one forward pass over grid features expanded once);
- train and validation loss and score at up to ``points`` evenly spaced
  recorded rows so far and at the latest row, each row measured once: a
  snapshot measures only the rows recorded since the last one.

Everything in a snapshot is numpy, so a renderer can draw it without torch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from vizlab.budget import MAX_UNITS_WITH_MAPS
from vizlab.config import RunConfig
from vizlab.core import model
from vizlab.core.fields import field_maps, grid_points, host
from vizlab.core.record import grid_axes
from vizlab.core.threads import one_thread

__all__ = ["LiveSnapshot", "Curves"]


@dataclass(frozen=True)
class LiveSnapshot:
    """What a live picture needs at one moment of a :class:`~vizlab.LiveRun`.

    Attributes
    ----------
    config : RunConfig
        The run.
    step : int
        Optimizer steps taken so far; ``params`` and ``fields`` are the state after them.
    params : dict of str to ndarray
        ``fc{i}.weight`` (out, in) and ``fc{i}.bias`` (out,), the current state.
    grid_x, grid_y : ndarray (W,) and (H,)
        Grid axes in standardised input units (``grid_y`` is ``[0.]`` for 1-D data).
    fields : dict of str to ndarray
        On that grid, float32: ``field/output`` (H, W) (P(class 1), or the
        predicted value for regression) or ``field/class{c}`` (H, W) for k > 2
        classes, and ``act/fc{i}`` (units, H, W) for hidden layers of at most
        16 units.
    steps : ndarray (R,) int
        Recorded steps up to ``step`` at which the losses were measured:
        every k-th recorded row (k fixed by the run's length) and the latest.
    loss_train, loss_val : ndarray (R,)
        Data loss (no penalty) at those steps.
    score_train, score_val : ndarray (R,)
        Accuracy (classification) or R^2 (regression) at those steps.
    data : dict of str to ndarray
        ``data/X_train`` (N, d), ``data/y_train`` (N,), ``data/X_val``, ``data/y_val``
        (standardised inputs); shared by every snapshot of the run, never changed.
    events : list of dict
        A ``diverged`` or ``early_stop`` event once the run has stopped early.
    """

    config: RunConfig
    step: int
    params: dict[str, np.ndarray]
    grid_x: np.ndarray
    grid_y: np.ndarray
    fields: dict[str, np.ndarray]
    steps: np.ndarray
    loss_train: np.ndarray
    loss_val: np.ndarray
    score_train: np.ndarray
    score_val: np.ndarray
    data: dict[str, np.ndarray]
    events: list[dict] = field(default_factory=list)

    @property
    def score_name(self) -> str:
        """``"r2"`` for regression, ``"acc"`` for classification."""
        return "r2" if self.config.task == "regression" else "acc"

    @property
    def diverged(self) -> dict | None:
        """The ``diverged`` event, or None."""
        return next((e for e in self.events if e["type"] == "diverged"), None)


class Curves:
    """Loss and score at evenly spaced recorded rows, each measured once as the run goes on.

    A live loss curve is drawn with a few hundred points, so only every
    ``stride``-th recorded row is measured (``stride`` fixed by the run's
    length, so the curve does not depend on when pictures were taken), plus
    the latest row at every snapshot. A row's parameters never change once
    it is recorded, so each is measured once, by the recorder's own
    :meth:`~vizlab.core.record.Recorder.measure` (as the trace's evaluation is).
    """

    def __init__(self, rec, points: int):
        self.rec = rec
        n_rows = len(rec.steps)
        stride = max(1, -(-n_rows // max(points, 1)))
        self.rows = np.arange(0, n_rows, stride)
        self.done = 0  # of self.rows
        self.values = {k: np.full(len(self.rows), np.nan) for k in KEYS}

    def _measure(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        measured = self.rec.measure(self.rec.param[torch.as_tensor(rows)])
        return {k: v.reshape(len(rows)).double().cpu().numpy() for k, v in measured.items()}

    def up_to(self, n: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Row indices and values of the measured rows below ``n``, and of row ``n - 1``."""
        stop = int(np.searchsorted(self.rows, n))
        if stop > self.done:
            new = self._measure(self.rows[self.done : stop])
            for k, v in new.items():
                self.values[k][self.done : stop] = v
            self.done = stop
        rows, values = self.rows[:stop], {k: v[:stop] for k, v in self.values.items()}
        if n and (not len(rows) or rows[-1] != n - 1):
            last = self._measure(np.array([n - 1]))
            rows = np.append(rows, n - 1)
            values = {k: np.append(v, last[k]) for k, v in values.items()}
        return rows, {k: v.copy() for k, v in values.items()}


KEYS = ("loss_train", "loss_val", "score_train", "score_val")


class FieldPass:
    """The network at its current weights over a fixed grid: the fields of a snapshot.

    The grid's features are expanded and put on the device once; each call
    is the pass a trace row's fields take (:func:`vizlab.core.fields.field_maps`),
    whose numbers it matches.
    """

    def __init__(self, engine, data, grid: int):
        c = engine.configs[0]
        self.xs, self.ys = grid_axes(data, grid)
        pts = grid_points(self.xs, self.ys, data.X_train.shape[1], c.features)
        # transposed (features, points): units as rows, as the trace's field pass runs
        self.points = torch.as_tensor(pts.T.copy(), dtype=engine.dtype, device=engine.device)
        self.shape = (len(self.ys), len(self.xs))
        self.activation, self.kind = c.activation, model.loss_kind(c.loss, c.task)

    @torch.no_grad()
    def __call__(self, params: dict[str, torch.Tensor]) -> dict[str, np.ndarray]:
        maps, hidden = field_maps(params, self.points, self.activation, self.kind)
        H, W = self.shape
        out = {k: host(v[0]).reshape(H, W) for k, v in maps.items()}
        for i, h in enumerate(hidden, start=1):
            if h.shape[-2] <= MAX_UNITS_WITH_MAPS:
                out[f"act/fc{i}"] = host(h[0]).reshape(-1, H, W)
        return out


def take(engine, data, curves: Curves, fields: FieldPass, events: list[dict]) -> LiveSnapshot:
    """The snapshot of a one-model ``engine`` (see :meth:`vizlab.LiveRun.snapshot`)."""
    with one_thread():  # tiny tensors: threads cost more in hand-offs than they save
        n = int(np.searchsorted(engine.rec.steps, engine.done, side="right"))
        rows, values = curves.up_to(n)
        maps = fields(engine.params)
        params = {k: v[0].detach().cpu().numpy().copy() for k, v in engine.params.items()}
    return LiveSnapshot(
        config=engine.configs[0],
        step=int(engine.done),
        params=params,
        grid_x=fields.xs,
        grid_y=fields.ys,
        fields=maps,
        steps=engine.rec.steps[rows].copy(),
        **values,
        data={k: v for k, v in data.arrays().items() if k in DATA_KEYS},
        events=events,
    )


DATA_KEYS = ("data/X_train", "data/y_train", "data/X_val", "data/y_val")
