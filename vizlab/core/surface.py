"""The loss landscape of a real network: its training loss on a plane through recorded weights.

A network has hundreds of weights, so its loss surface cannot be drawn. What
can be drawn is a slice (Li et al., "Visualizing the loss landscape of neural
nets", 2018): pick the weights ``theta_o`` of one recorded step and two
directions ``d1``, ``d2`` in weight space, and evaluate

    L(alpha, beta) = training loss of theta_o + alpha * d1 + beta * d2

on an R x R grid. All R*R weight sets are stacked along a leading model
axis and evaluated in batched forward passes (:func:`vizlab.core.model.forward`
broadcasts over it), never one point at a time. The recorded path is
projected onto the plane, so the picture shows where training went.

Directions:

* ``"pca"``: the top two principal directions of the recorded path
  ``theta_k - theta_o`` (unit vectors; coordinates are distances in weight
  space). The path usually lies close to this plane.
* ``"random"``: two Gaussian directions, filter-normalised as Li et al. do:
  each row of a weight matrix (the weights into one unit) is scaled to the
  norm of that row of ``theta_o``; bias directions are 0 (their
  ``--xignore biasbn``). Coordinates are in units of the directions.
* two given vectors (flat (P,) arrays in :func:`flat_names` order, or
  mappings of parameter name to array): coordinates in their units.

Nothing is retrained: the surface is computed from the trace alone (its
recorded parameters, its ``data/*`` and its config).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import torch

from vizlab.config import ConfigError
from vizlab.core import model
from vizlab.features import expand, is_identity
from vizlab.trace import Trace, TraceError

MAX_RESOLUTION = 401
#: Margin around the path for ``"pca"``: the grid reaches 1.2x the farthest point.
PCA_MARGIN = 1.2
#: Activation elements per batched pass (models x points x widest layer).
CHUNK_ELEMENTS = 1 << 22

Directions = str | Sequence[Any]


def flat_names(trace: Trace) -> list[str]:
    """Parameter names in the order their values are concatenated into flat vectors."""
    return trace.names("param")


def flat_path(trace: Trace) -> np.ndarray:
    """The recorded parameters as flat vectors, (T, P) float64, in :func:`flat_names` order."""
    T = len(trace)
    return np.concatenate(
        [np.asarray(trace[f"param/{n}"], np.float64).reshape(T, -1) for n in flat_names(trace)],
        axis=1,
    )


def network_inputs(trace: Trace) -> torch.Tensor:
    """What the first layer saw: the training inputs expanded to the config's features, float64."""
    X = np.asarray(trace["data/X_train"], np.float64)
    features = tuple(trace.config.get("features", ("x1", "x2")))
    if not is_identity(features, X.shape[1]):
        X = expand(X, features)
    return torch.tensor(X, dtype=torch.float64)


def _check_trace(trace: Any) -> Trace:
    if not isinstance(trace, Trace):
        raise TypeError(
            f"landscape takes a Trace (or a list of Traces); got {type(trace).__name__}"
        )
    if not trace.keys("param"):
        raise TraceError(
            "landscape needs a trace with recorded parameters (param/*): a vizlab.train "
            "or vizlab.sweep run; this one has none"
        )
    for key in ("data/X_train", "data/y_train"):
        if key not in trace:
            raise TraceError(f"landscape needs the training data ({key}) in the trace")
    if "activation" not in trace.config or "loss" not in trace.config:
        raise TraceError("landscape needs the run's config (activation, loss) in the trace header")
    return trace


def _check_together(traces: list[Trace]) -> None:
    ref = traces[0]
    shapes = {n: ref[f"param/{n}"].shape[1:] for n in flat_names(ref)}
    for t in traces[1:]:
        if {n: t[f"param/{n}"].shape[1:] for n in flat_names(t)} != shapes:
            raise ValueError("traces on one plane must have the same network (parameter shapes)")
        if not (
            np.array_equal(t["data/X_train"], ref["data/X_train"])
            and np.array_equal(t["data/y_train"], ref["data/y_train"])
        ):
            raise ValueError(
                "traces on one plane must train on the same data (same dataset and seed)"
            )
        for k in ("activation", "loss"):
            if t.config.get(k) != ref.config.get(k):
                raise ValueError(f"traces on one plane must share the {k}")


def _through_row(trace: Trace, through: Any) -> int:
    n = len(trace)
    if through == "end":
        return n - 1
    if through == "start":
        return 0
    if through == "best":
        for key in ("scalar/loss_val", "scalar/loss_train"):
            v = np.asarray(trace[key], np.float64) if key in trace else np.zeros(0)
            if v.size and np.isfinite(v).any():
                return int(np.nanargmin(np.where(np.isfinite(v), v, np.nan)))
        raise TraceError("through='best' needs a recorded validation or training loss")
    if isinstance(through, (int, np.integer)) and not isinstance(through, bool):
        if not -n <= through < n:
            raise ValueError(f"through row {through} is out of range for {n} recorded rows")
        return int(through) % n
    raise ValueError(f"through must be 'end', 'start', 'best' or a row index; got {through!r}")


def _as_flat(vec: Any, trace: Trace, P: int) -> np.ndarray:
    if isinstance(vec, Mapping):
        names = flat_names(trace)
        missing = sorted(set(names) - set(vec))
        if missing:
            raise ValueError(f"a direction given by name lacks {', '.join(missing)}")
        parts = []
        for n in names:
            a = np.asarray(vec[n], np.float64)
            want = trace[f"param/{n}"].shape[1:]
            if a.shape != want:
                raise ValueError(f"direction for {n} has shape {a.shape}; the parameter has {want}")
            parts.append(a.ravel())
        out = np.concatenate(parts)
    else:
        out = np.asarray(vec, np.float64)
        if out.shape != (P,):
            raise ValueError(
                f"a direction must be a flat vector of {P} numbers; got shape {out.shape}"
            )
    if not np.all(np.isfinite(out)) or not np.any(out):
        raise ValueError("a direction must be finite and not all zero")
    return out


def random_directions(trace: Trace, origin: np.ndarray, seed: int) -> np.ndarray:
    """Two filter-normalised Gaussian directions (2, P) (Li et al. 2018).

    Each direction is drawn from ``numpy.random.default_rng(seed)``; within a
    weight matrix every row (the weights into one unit, a "filter") is scaled
    to the norm of the same row of ``origin``; bias entries are set to 0.
    """
    rng = np.random.default_rng(seed)
    names = flat_names(trace)
    dirs = np.zeros((2, origin.size))
    for i in range(2):
        offset = 0
        for n in names:
            shape = trace[f"param/{n}"].shape[1:]
            size = int(np.prod(shape))
            d = rng.standard_normal(size)
            if len(shape) >= 2:
                d = d.reshape(shape[0], -1)
                w = origin[offset : offset + size].reshape(shape[0], -1)
                d = d * (np.linalg.norm(w, axis=1) / (np.linalg.norm(d, axis=1) + 1e-10))[:, None]
                dirs[i, offset : offset + size] = d.ravel()
            offset += size
    return dirs


def start_directions(d1: np.ndarray, seed: int) -> np.ndarray:
    """(2, P): ``d1`` (start - origin) and a seeded Gaussian vector orthogonal to it, as long.

    The start then sits at (1, 0) and the origin at (0, 0): the straight line
    between them (Goodfellow et al. 2015) is the alpha axis.
    """
    norm = float(np.linalg.norm(d1))
    if not norm:
        raise ValueError("directions='start' needs a plane through a row other than the start")
    r = np.random.default_rng(seed).standard_normal(d1.size)
    r -= (r @ d1) / (d1 @ d1) * d1
    return np.stack([d1, r * norm / np.linalg.norm(r)])


def _pca(paths: list[np.ndarray], origin: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    D = np.concatenate([p - origin for p in paths])
    D = D[np.all(np.isfinite(D), axis=1)]
    centred = D - D.mean(0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    if len(s) < 2 or s[1] <= 1e-12 * max(s[0], 1e-300):
        raise ValueError(
            "directions='pca' needs a recorded path that moves in at least two directions "
            f"({len(D)} finite rows); record more steps or give directions"
        )
    dirs = vt[:2].copy()
    # A fixed sign: the path's first point has non-negative coordinates.
    first = paths[0][0] - origin
    for i in range(2):
        if dirs[i] @ first < 0:
            dirs[i] = -dirs[i]
    explained = (s[:2] ** 2) / np.sum(s**2)
    return dirs, explained


def project(
    points: np.ndarray, origin: np.ndarray, dirs: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares plane coordinates (T, 2) of ``points`` (T, P) and their distance to the plane (T,).

    ``points ~ origin + xy @ dirs``; exact for points that lie in the plane.
    """
    D = np.asarray(points, np.float64) - origin
    gram = dirs @ dirs.T
    xy = np.linalg.solve(gram, dirs @ D.T).T
    return xy, np.linalg.norm(D - xy @ dirs, axis=1)


@torch.no_grad()
def plane_loss(
    trace: Trace, origin: np.ndarray, dirs: np.ndarray, coords: np.ndarray
) -> np.ndarray:
    """Training loss at ``origin + coords @ dirs`` for coords (M, 2), in batched passes; (M,).

    float64, no dropout (evaluation), the data loss only (no L1/L2 penalty):
    what ``scalar/loss_train`` records.
    """
    names = flat_names(trace)
    shapes = [trace[f"param/{n}"].shape[1:] for n in names]
    sizes = [int(np.prod(s)) for s in shapes]
    X = network_inputs(trace)
    y_np = np.asarray(trace["data/y_train"])
    y = torch.tensor(y_np, dtype=torch.float64 if y_np.dtype.kind == "f" else torch.long)
    act = trace.config["activation"]
    loss_kind = model.loss_kind(trace.config["loss"], trace.config.get("task", "classification"))
    widest = max(max(s[0] for s in shapes), 1)
    chunk = max(1, CHUNK_ELEMENTS // max(1, len(X) * widest))
    o = torch.tensor(np.array(origin), dtype=torch.float64)
    d = torch.tensor(np.array(dirs), dtype=torch.float64)
    c_all = torch.as_tensor(np.asarray(coords, np.float64))
    out = torch.empty(len(c_all), dtype=torch.float64)
    for a in range(0, len(c_all), chunk):
        flat = o + c_all[a : a + chunk] @ d  # (m, P): m weight sets, one model each
        params, offset = {}, 0
        for n, shape, size in zip(names, shapes, sizes):
            params[n] = flat[:, offset : offset + size].reshape(-1, *shape)
            offset += size
        logits, _ = model.forward(params, X, act)
        out[a : a + chunk] = model.data_loss(logits, y, loss_kind)
    return out.numpy()


def _grid(half: float, resolution: int) -> np.ndarray:
    c = (resolution - 1) // 2
    return half * (np.arange(resolution) - c) / c  # exactly 0 in the middle


def _check_args(span: Any, resolution: Any) -> None:
    if (
        isinstance(span, bool)
        or not isinstance(span, (int, float))
        or not np.isfinite(span)
        or span <= 0
    ):
        raise ConfigError(f"span must be a positive number; got {span!r}")
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)):
        raise ConfigError(f"resolution must be an integer; got {resolution!r}")
    if not 3 <= resolution <= MAX_RESOLUTION:
        raise ConfigError(f"resolution must be between 3 and {MAX_RESOLUTION}; got {resolution}")
    if resolution % 2 == 0:
        raise ConfigError(
            f"resolution must be odd so the grid passes through the chosen weights; got {resolution}"
        )


def landscape(
    trace: Trace | Sequence[Trace],
    directions: Directions = "pca",
    span: float = 1.0,
    resolution: int = 41,
    through: str | int = "end",
    *,
    seed: int = 0,
    plane: Trace | None = None,
) -> Trace | list[Trace]:
    """The training loss on a plane through recorded weights, and the path projected onto it.

    Parameters
    ----------
    trace : Trace or list of Trace
        A :func:`vizlab.train` / :func:`vizlab.sweep` run (``param/*``,
        ``data/X_train``, ``data/y_train``). Several runs on the same data
        and network (an optimizer race from one initialisation) share one
        plane: its directions come from all their paths together and its
        origin from the first.
    directions : "pca", "random", "start" or (v1, v2)
        How the plane is spanned (see the module docstring); ``"start"``:
        the start minus the origin, and a seeded orthogonal vector as long.
    span : float
        Half-width of the grid: for ``"pca"`` in units of the path's reach
        (1.0 reaches 1.2 times the farthest recorded point, the same on
        both axes); otherwise in units of the directions.
    resolution : int
        Odd number of grid points per axis, 3 to 401.
    through : "end", "start", "best" or int
        The recorded row (of the first trace) the plane passes through, at
        (0, 0); ``"best"``: the lowest validation loss.
    seed : int
        Seeds the random directions (``numpy.random.default_rng``).
    plane : Trace, optional
        An earlier landscape trace: reuse its origin, directions and grid
        (``directions``, ``span``, ``resolution``, ``through`` are then
        ignored); the surface is evaluated on this trace's data.

    Returns
    -------
    Trace or list of Trace
        One per input trace (a list when a list was given), each with
        ``grid/alpha`` (R,) and ``grid/beta`` (R,) (both containing 0);
        ``surface/loss`` (R, R), row i, column j = loss at
        ``(alpha_j, beta_i)``; ``grid/origin`` (P,), ``grid/directions``
        (2, P); per recorded step ``path/xy`` (T, 2) the projected path,
        ``path/loss`` (T,) the recorded training loss, ``path/loss_plane``
        (T,) the loss at the projected point and ``path/distance`` (T,) how
        far the real weights are from the plane. The header's ``landscape``
        entry says how the plane was made (``explained``: share of the
        path's variance along each PCA direction).

    Raises
    ------
    TraceError, ConfigError, ValueError
        One line: no parameters, ``span <= 0``, a resolution over 401, ...
    """
    many = not isinstance(trace, Trace)
    traces = [_check_trace(t) for t in (list(trace) if many else [trace])]
    if not traces:
        raise ValueError("landscape needs at least one trace")
    _check_together(traces)
    ref = traces[0]
    paths = [flat_path(t) for t in traces]
    P = paths[0].shape[1]
    info: dict[str, Any]
    if plane is not None:
        plane = plane if isinstance(plane, Trace) else None
        if plane is None or "grid/directions" not in plane:
            raise TraceError(
                "plane must be a landscape trace (with grid/origin and grid/directions)"
            )
        origin, dirs = (
            np.asarray(plane["grid/origin"], np.float64),
            np.asarray(plane["grid/directions"], np.float64),
        )
        if origin.shape != (P,):
            raise ValueError(f"plane has {origin.size} parameters; these traces have {P}")
        alpha, beta = np.asarray(plane["grid/alpha"]), np.asarray(plane["grid/beta"])
        info = {**plane.header.get("landscape", {}), "reused_plane": True}
    else:
        _check_args(span, resolution)
        row = _through_row(ref, through)
        origin = paths[0][row]
        if not np.all(np.isfinite(origin)):
            raise TraceError(f"the weights at row {row} are not finite")
        info = {"through_row": row, "through_step": int(ref.steps[row]), "span": float(span)}
        if isinstance(directions, str) and directions == "pca":
            dirs, explained = _pca(paths, origin)
            xy = np.concatenate([project(p, origin, dirs)[0] for p in paths])
            reach = float(np.nanmax(np.abs(xy))) if np.isfinite(xy).any() else 0.0
            half = span * PCA_MARGIN * (reach if reach > 0 else 1.0)
            info.update(
                directions="pca", explained=[float(e) for e in explained], units="weight space"
            )
        elif isinstance(directions, str) and directions == "random":
            dirs = random_directions(ref, origin, seed)
            half = float(span)
            info.update(directions="random", seed=int(seed), units="filter-normalised directions")
        elif isinstance(directions, str) and directions == "start":
            dirs = start_directions(paths[0][0] - origin, seed)
            half = float(span)
            info.update(directions="start", seed=int(seed), units="start - origin")
        elif isinstance(directions, str):
            raise ValueError(
                f"directions must be 'pca', 'random', 'start' or two vectors; got {directions!r}"
            )
        else:
            vecs = list(directions)
            if len(vecs) != 2:
                raise ValueError(f"give exactly two direction vectors; got {len(vecs)}")
            dirs = np.stack([_as_flat(v, ref, P) for v in vecs])
            half = float(span)
            info.update(directions="given", units="given directions")
        if np.linalg.matrix_rank(dirs, tol=1e-12 * np.abs(dirs).max()) < 2:
            raise ValueError("the two directions are parallel: they span no plane")
        alpha = beta = _grid(half, int(resolution))
    info.update(
        title=f"training loss on a plane through step {info.get('through_step', '?')}",
        params=flat_names(ref),
    )
    A, B = np.meshgrid(alpha, beta)
    grid_coords = np.column_stack([A.ravel(), B.ravel()])
    out: list[Trace] = []
    surface = None
    for t, path in zip(traces, paths):
        xy, dist = project(path, origin, dirs)
        finite = np.all(np.isfinite(xy), axis=1)
        coords = (
            np.concatenate([grid_coords, np.where(finite[:, None], xy, 0.0)])
            if surface is None
            else np.where(finite[:, None], xy, 0.0)
        )
        losses = plane_loss(t, origin, dirs, coords)
        if surface is None:
            surface = losses[: len(grid_coords)].reshape(len(beta), len(alpha))
            losses = losses[len(grid_coords) :]
        arrays = {
            "scalar/step": t.steps.copy(),
            "path/xy": xy,
            "path/loss": np.asarray(t["scalar/loss_train"], np.float64)
            if "scalar/loss_train" in t
            else np.full(len(t), np.nan),
            "path/loss_plane": np.where(finite, losses, np.nan),
            "path/distance": dist,
            "grid/alpha": np.asarray(alpha, np.float64),
            "grid/beta": np.asarray(beta, np.float64),
            "grid/origin": origin,
            "grid/directions": dirs,
            "surface/loss": surface,
        }
        header = {
            "kind": "surface",
            "config": dict(t.config),
            "seed": t.header.get("seed"),
            "landscape": dict(info),
            "events": list(t.events),
        }
        out.append(Trace(arrays, header))
    return out if many else out[0]


def landscape_of(
    configs: Sequence[Mapping[str, Any]],
    directions: Directions = "pca",
    span: float = 1.0,
    resolution: int = 41,
    through: str | int = "end",
    *,
    seed: int = 0,
) -> list[Trace]:
    """The landscape traces of training runs given as configs, all on one plane.

    The runs are trained in one :func:`vizlab.sweep` (or read from the run
    cache, :func:`vizlab.cache.cached_sweep`, so a lesson that also lists
    them trains them once); then :func:`landscape` puts them on one plane.
    This is the form a lesson names (``CallConfig("landscape_of", ...)``):
    plain JSON arguments.

    Parameters
    ----------
    configs : list of dict
        :class:`~vizlab.RunConfig` dicts that differ only in what a sweep may
        vary (optimizer, lr, seed, ...).
    directions, span, resolution, through, seed
        As in :func:`landscape` (``directions`` by name).

    Returns
    -------
    list of Trace
        One landscape trace per config, in order.
    """
    from vizlab.cache import cached_sweep

    if isinstance(configs, Mapping) or not configs:
        raise ValueError("landscape_of takes a non-empty list of config dicts")
    runs = cached_sweep(list(configs))
    return landscape(runs, directions, span, resolution, through, seed=seed)
