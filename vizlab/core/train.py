"""train(config) -> Trace: one real training run, recorded step by step.

The loop itself (forward, loss, backward, record, step) lives in
:class:`vizlab.core.live.LiveRun`, which the playground also advances a few
steps at a time; ``train`` runs it to the end in one go.
"""

from __future__ import annotations

import numpy as np
from tqdm.auto import tqdm

from vizlab import budget
from vizlab.config import RunConfig
from vizlab.core.live import LiveRun
from vizlab.core.threads import one_thread
from vizlab.trace import Trace


@one_thread()
def train(
    config: RunConfig | None = None,
    *,
    X: np.ndarray | None = None,
    y: np.ndarray | None = None,
    record_on: bool = True,
    progress: bool = False,
    max_bytes: int | None = None,
) -> Trace:
    """Train the model ``config`` describes and record every step.

    Parameters
    ----------
    config : RunConfig
    X, y : ndarray (N, 2) and (N,), optional
        Your own data instead of ``config.dataset`` (labels 0/1); it is
        split and standardised the same way.
    record_on : bool
        False trains without recording (the trace then holds only the final
        state); used to measure what recording costs.
    progress : bool
        Show a progress bar.
    max_bytes : int, optional
        Memory limit for the run (default 2 GiB or ``$VIZLAB_MAX_BYTES``);
        see :func:`vizlab.budget.check_budget`.

    Returns
    -------
    Trace
        Rows for the recorded steps (see :func:`vizlab.core.engine.recorded_steps`): ``scalar/*``
        (losses, accuracies, lr), ``param/*`` and ``grad/*`` for every
        tensor, ``opt/<param>.<buffer>`` for the optimizer's state after the
        row's update (torch's names: ``momentum_buffer``, ``sum``,
        ``square_avg``, ``exp_avg``, ``exp_avg_sq``; NaN on the final row),
        ``norm/grad.fc{i}`` per layer, ``batch/indices`` (T, B),
        ``mask/drop{i}`` (T, B, width); the dataset as ``data/*``; decision
        fields on a grid for ``config.frames`` rows. A diverging run stops
        at the first non-finite or exploded step and says so in its events;
        a run with ``patience`` that stops early ends on the row of its last
        evaluation, with an ``{"type": "early_stop", "step", "best_step",
        "restored"}`` event.
    """
    budget.check_budget(config or RunConfig(), X_shape=np.shape(X), max_bytes=max_bytes)
    run = LiveRun(config, X=X, y=y, record_on=record_on, max_bytes=max_bytes)
    with tqdm(total=run.total, disable=not progress, desc="train", unit="step", leave=False) as bar:
        # One call runs the whole loop; with a progress bar, a hundred calls.
        chunk = max(1, run.total // 100) if progress else run.total
        while not run.finished:
            bar.update(run.step(chunk))
    return run.trace(frames=None if record_on else 0)
