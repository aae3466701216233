"""sweep(...) -> [Trace]: a grid of configs trained in one batched pass.

The M models are stacked along a leading axis (weights (M, out, in)) and
trained by the one engine (:class:`vizlab.core.engine.Engine`) that also
runs :func:`vizlab.train`: one forward, one backward and one update serve
them all. Each model keeps its own data, initial weights, minibatches and
dropout masks, drawn exactly as :func:`vizlab.train` draws them, and its own
optimizer and hyper-parameters, so every returned trace equals the trace of
training that config alone (to rounding).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

from tqdm.auto import tqdm

from vizlab import budget
from vizlab.config import ConfigError, RunConfig
from vizlab.core.engine import Engine
from vizlab.trace import Trace

# What may differ between the configs of one sweep: everything else fixes
# the shapes and the algorithm, which the batched pass shares.
VARIABLE_FIELDS = ("lr", "seed", "l1", "l2", "noise", "momentum", "optimizer")


def grid(base: RunConfig, **axes: Iterable) -> list[RunConfig]:
    """The product of value lists over ``VARIABLE_FIELDS``: ``grid(c, lr=[.1, 1], seed=[0, 1])``."""
    bad = sorted(set(axes) - set(VARIABLE_FIELDS))
    if bad:
        raise ConfigError(
            f"a sweep can vary only {', '.join(VARIABLE_FIELDS)}; not {', '.join(bad)}"
        )
    names = list(axes)
    values = [list(axes[n]) for n in names]
    return [base.replace(**dict(zip(names, combo))) for combo in itertools.product(*values)]


def _check_compatible(configs: Sequence[RunConfig]) -> None:
    if not configs:
        raise ConfigError("a sweep needs at least one config")
    first = configs[0].to_dict()
    for c in configs[1:]:
        d = c.to_dict()
        differ = sorted(k for k in d if d[k] != first[k] and k not in VARIABLE_FIELDS)
        if differ:
            raise ConfigError(
                f"configs of one sweep must share the architecture and schedule; "
                f"these differ: {', '.join(differ)}"
            )


def sweep(
    configs: Sequence[RunConfig] | RunConfig,
    *,
    progress: bool = False,
    fields: bool = True,
    max_bytes: int | None = None,
    **axes: Iterable,
) -> list[Trace]:
    """Train many configs at once; one trace per config, equal to :func:`vizlab.train`'s.

    Parameters
    ----------
    configs : RunConfig or sequence of RunConfig
        Either the configs themselves (they may differ only in
        ``VARIABLE_FIELDS``) or one base config combined with ``axes``.
    **axes : lists of values
        e.g. ``lr=[1e-3, 1e-2, 0.1, 1.0], seed=[0, 1]``: the grid's product,
        in row-major order (the last axis varies fastest).
    progress : bool
        Show a progress bar (one update per 1 % of the steps).
    fields : bool
        Also compute decision fields for each trace.
    max_bytes : int, optional
        Memory limit for all the runs together (default 2 GiB or
        ``$VIZLAB_MAX_BYTES``); see :func:`vizlab.budget.check_budget`.

    Returns
    -------
    list of Trace
        A model that diverges stops being recorded at its divergence step
        (its trace says so); the others train on.

    Examples
    --------
    >>> traces = vizlab.sweep(vizlab.RunConfig(dataset="xor"), lr=[0.01, 0.1, 1.0])
    """
    configs = grid(configs, **axes) if isinstance(configs, RunConfig) else list(configs)
    _check_compatible(configs)
    budget.check_budget(configs, max_bytes=max_bytes)  # each model sized from its config
    # Models that share an optimizer sit side by side, so each optimizer
    # updates one contiguous block; the traces come back in the caller's order.
    order = sorted(range(len(configs)), key=lambda m: configs[m].optimizer)
    engine = Engine([configs[m] for m in order])
    chunk = max(1, engine.n_steps // 100) if progress else engine.n_steps
    with tqdm(
        total=engine.n_steps, disable=not progress, desc="sweep", unit="step", leave=False
    ) as bar:
        while not engine.finished:
            bar.update(engine.advance(chunk))
    traces: list[Trace] = [None] * len(configs)  # type: ignore[list-item]
    for position, trace in zip(order, engine.traces(fields=fields)):
        trace.header["sweep"] = {"index": position, "size": len(configs)}
        traces[position] = trace
    return traces
