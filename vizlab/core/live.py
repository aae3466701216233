"""LiveRun: one training run advanced a few steps at a time, looked at in between.

:func:`vizlab.train` runs a config to its end in one call. The playground
needs the same run in pieces: train a little, show the picture, train on. A
LiveRun is the training engine (:class:`~vizlab.core.engine.Engine`) with one
model, the very object ``train`` runs to the end, so stepped to its end its
trace equals ``train(config)``'s, and stepped part of the way it holds the
first rows of that trace.
"""

from __future__ import annotations

import numpy as np

from vizlab import budget
from vizlab.config import RunConfig
from vizlab.core.batched_optim import OPTIMIZERS, torch_optimizer
from vizlab.core.data import check_arrays, split_and_standardise
from vizlab.core.engine import Engine, recorded_steps
from vizlab.core.seeding import streams
from vizlab.core.snapshot import Curves, FieldPass, LiveSnapshot, take
from vizlab.trace import Trace

__all__ = ["LiveRun", "recorded_steps", "OPTIMIZER_FACTORIES", "make_optimizer"]

# The engine's names, where earlier code looked for them.
OPTIMIZER_FACTORIES = {k: spec.torch_factory for k, spec in OPTIMIZERS.items()}
make_optimizer = torch_optimizer


class LiveRun:
    """The run ``config`` describes, advanced by :meth:`step`, read by :meth:`trace`.

    Parameters
    ----------
    config : RunConfig
        The whole run: ``config.total_steps`` is where it ends.
    X, y : ndarray (N, 2) and (N,), optional
        Your own data instead of ``config.dataset``, as in :func:`vizlab.train`.
    record_on : bool
        False records only the final state (to measure what recording costs).
    max_bytes : int, optional
        Memory limit (default 2 GiB or ``$VIZLAB_MAX_BYTES``); a run whose
        :func:`vizlab.budget.estimate` exceeds it is a ConfigError.

    Attributes
    ----------
    config : RunConfig
    done : int
        Optimizer steps taken so far.
    events : list of dict
        A ``{"type": "diverged", ...}`` or ``{"type": "early_stop", ...}``
        event once the run has stopped before its end.

    Examples
    --------
    >>> run = LiveRun(RunConfig(dataset="xor", steps=300))
    >>> run.step(100)
    100
    >>> run.trace().steps[-1]
    100
    """

    def __init__(
        self,
        config: RunConfig | None = None,
        *,
        X: np.ndarray | None = None,
        y: np.ndarray | None = None,
        record_on: bool = True,
        max_bytes: int | None = None,
    ):
        config = config or RunConfig()
        budget.check_budget(config, X_shape=np.shape(X), max_bytes=max_bytes)
        if (X is None) != (y is None):
            raise ValueError("give both X and y, or neither")
        data = None
        if X is not None:
            X, y = check_arrays(X, y)
            if len(X) != config.n_points:
                config = config.replace(n_points=len(X))
            data = [split_and_standardise(X, y, config.n_val, streams(config.seed).data, "custom")]
        self.config, self.custom_data = config, X is not None
        self._engine = Engine(
            [config], datasets=data, custom_data=self.custom_data, record_on=record_on
        )
        self.data = self._engine.data[0]
        self.device = self._engine.device
        self.params = {k: v[0] for k, v in self._engine.params.items()}
        self._curves: Curves | None = None
        self._fields: FieldPass | None = None

    @property
    def total(self) -> int:
        """Optimizer steps of the whole run (``config.total_steps``)."""
        return self.config.total_steps

    @property
    def done(self) -> int:
        """Optimizer steps taken so far."""
        return self._engine.done

    @property
    def events(self) -> list[dict]:
        """A ``diverged`` or ``early_stop`` event once the run has stopped early."""
        return self._engine._ends()[0][1]

    @property
    def finished(self) -> bool:
        """True once every step has run, or the run has diverged or stopped early."""
        return self._engine.finished

    def step(self, n: int = 1) -> int:
        """Take up to ``n`` optimizer steps; return how many were taken.

        Fewer are taken when the run reaches its end, diverges (a diverged
        step is not taken: the state it started from was already bad) or
        stops early.
        """
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"n must be a non-negative integer; got {n!r}")
        return self._engine.advance(int(n))

    def trace(self, frames: int | None = None) -> Trace:
        """What has run so far, as a Trace.

        Parameters
        ----------
        frames : int, optional
            How many decision-field snapshots to compute, log-spaced over the
            rows so far plus the last row (as ``train`` picks them); default
            ``config.frames``. ``frames=1`` gives the first and the latest
            row only, which is all a live picture needs and costs little.

        Returns
        -------
        Trace
            The rows of the recorded steps up to ``done`` (the last row is the
            current state when ``done`` is a recorded step), with the keys of
            a :func:`vizlab.train` trace. Arrays are copies: stepping on
            never changes a trace already returned.
        """
        return self._engine.traces(frames=frames)[0]

    def snapshot(self, grid: int = 64, points: int = 250) -> LiveSnapshot:
        """The current state, cheaply: what a live picture needs, not a whole Trace.

        Parameters
        ----------
        grid : int
            Points per side of the square grid the fields are computed on
            (the trace's extent, at this resolution).
        points : int
            About how many recorded rows the loss curves measure (evenly
            spaced over the whole run; the latest row is always measured).

        Returns
        -------
        LiveSnapshot
            The current parameters, the fields on the grid, and the train and
            validation losses and scores at the measured rows so far (each row
            measured once across snapshots, so a snapshot costs about the same
            at step 10 as at step 10,000). The numbers equal the trace's.
            The grid and ``points`` of the first snapshot hold for the run.
        """
        for name, v in (("grid", grid), ("points", points)):
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 2:
                raise ValueError(f"{name} must be an integer of at least 2; got {v!r}")
        if self._curves is None:
            self._curves = Curves(self._engine.rec, int(points))
            self._fields = FieldPass(self._engine, self.data, int(grid))
        return take(self._engine, self.data, self._curves, self._fields, self.events)
