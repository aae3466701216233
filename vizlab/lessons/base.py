"""Lesson and Claim: what one slide shows, as a value.

A :class:`Lesson` names the runs a slide needs (each a :class:`~vizlab.RunConfig`,
a :class:`~vizlab.DescendConfig` or a :class:`CallConfig`), the timeline every
channel plays them on, the slides it serves and the claims a real run must
back. Scenes, gallery pages, notebooks and widget presets all take their runs
from a lesson, so a video and a page show the same run at the same moments.
Nothing here imports torch.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from vizlab.config import ConfigError, DescendConfig, RunConfig
from vizlab.timeline import SPACINGS, Timeline, key_rows

CHANNELS = ("scene", "gallery", "notebook", "widget")
"""Where a lesson can be shown; a channel entry reads ``"kind:where"``."""

STATUSES = ("holds", "fails", "not reproduced", "skipped")


@dataclass(frozen=True)
class CallConfig:
    """A run made by one of vizlab's smaller public producers, as a value.

    Attributes
    ----------
    func : str
        Name of a public trace-producing function of :mod:`vizlab`
        (e.g. ``"minibatch_descent"``, ``"penalty_descent"``).
    kwargs : mapping
        Its keyword arguments, JSON values only (tuples become lists).
    """

    func: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.func, str) or not self.func.isidentifier():
            raise ConfigError(f"func must be a function name; got {self.func!r}")
        if not isinstance(self.kwargs, Mapping):
            raise ConfigError(f"kwargs must be a mapping; got {type(self.kwargs).__name__}")
        try:
            plain = json.loads(json.dumps(dict(self.kwargs), sort_keys=True))
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"kwargs of {self.func} must be JSON values: {exc}") from None
        object.__setattr__(self, "kwargs", MappingProxyType(plain))

    def replace(self, **changes: Any) -> CallConfig:
        """A copy with some keyword arguments changed."""
        return CallConfig(self.func, {**self.kwargs, **changes})

    def to_dict(self) -> dict[str, Any]:
        return {"func": self.func, "kwargs": dict(self.kwargs)}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    def digest(self) -> str:
        """Short stable hash (for caches and lesson stamps)."""
        return hashlib.sha256(("call:" + self.to_json()).encode()).hexdigest()[:16]

    def to_code(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.kwargs.items())
        return f"vizlab.{self.func}({args})"


AnyConfig = RunConfig | DescendConfig | CallConfig
CheckResult = tuple[bool, str]


@dataclass(frozen=True)
class Claim:
    """One statement a slide makes, as an executable check over a lesson's traces.

    Attributes
    ----------
    text : str
        The slide's statement in words.
    seed : str
        The lecture it comes from: a seed file stem such as ``"003"``.
    check : callable
        ``check(traces) -> (ok, detail)`` where ``traces`` maps run name to
        :class:`~vizlab.Trace` and ``detail`` gives the measured numbers.
    quick : bool
        Also checked on the lesson's quick variant (False: only on full runs).
    known_difference : str
        Non-empty when a real run is known not to reproduce the slide: the
        claim is then reported as "not reproduced" (with the numbers) instead
        of failing, and this text says why.
    """

    text: str
    seed: str
    check: Callable[[Mapping[str, Any]], CheckResult]
    quick: bool = True
    known_difference: str = ""


@dataclass(frozen=True)
class ClaimResult:
    """The outcome of one claim: ``status`` is one of :data:`STATUSES`."""

    lesson: str
    claim: Claim
    status: str
    detail: str

    @property
    def failed(self) -> bool:
        return self.status == "fails"


@dataclass(frozen=True)
class TimelineSpec:
    """How a lesson's runs are played: the frame -> recorded-row map every channel uses.

    Attributes mirror :meth:`vizlab.Timeline.build`; :meth:`timeline` builds the
    timeline for a trace of a given length. With ``seconds`` set (the
    default) the timeline is :meth:`vizlab.Timeline.paced`: about that many
    seconds long, ``fps`` is the highest frame rate it may use, the end is
    held for ``max(3 s, hold_end / fps)``, and the frames around the trace's
    key events (:func:`vizlab.timeline.key_rows`) play ``slow_factor`` times
    slower. ``seconds=None`` plays ``frames`` at ``fps`` as given.
    """

    frames: int = 90
    spacing: str = "log"
    hold_start: int = 0
    hold_end: int = 15
    fps: int = 30
    seconds: float | None = 14.0
    slow_factor: int = 3

    def __post_init__(self) -> None:
        if self.spacing not in SPACINGS:
            raise ConfigError(f"spacing must be one of {', '.join(SPACINGS)}; got {self.spacing!r}")
        for name in ("frames", "hold_start", "hold_end", "fps"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ConfigError(f"{name} must be a non-negative integer; got {value!r}")
        if self.frames < 1 or self.fps < 1:
            raise ConfigError("a timeline needs at least one frame and fps >= 1")
        if self.seconds is not None and not 4.0 <= self.seconds <= 60.0:
            raise ConfigError(f"seconds must be None or in [4, 60]; got {self.seconds!r}")
        if isinstance(self.slow_factor, bool) or not isinstance(self.slow_factor, int):
            raise ConfigError(f"slow_factor must be an integer >= 1; got {self.slow_factor!r}")
        if self.slow_factor < 1:
            raise ConfigError(f"slow_factor must be an integer >= 1; got {self.slow_factor!r}")

    def short(self) -> TimelineSpec:
        """The quick variant's timeline: at most 12 moving frames, short holds, not paced.

        Quick mode (CI, the quick gallery, tiny scene renders) checks that
        every channel plays the same frame -> row map, not how long it lasts.
        """
        return dataclasses.replace(
            self,
            frames=min(self.frames, 12),
            hold_start=min(self.hold_start, 2),
            hold_end=min(self.hold_end, 3),
            seconds=None,
        )

    def timeline(self, n_rows: int, slow_at: Sequence[int] = ()) -> Timeline:
        """The timeline over a trace with ``n_rows`` recorded rows.

        ``slow_at``: recorded rows of key events, played slower when
        ``seconds`` is set (see :func:`vizlab.timeline.key_rows`).
        """
        if self.seconds is not None:
            return Timeline.paced(
                n_rows,
                self.frames,
                seconds=self.seconds,
                hold_s=max(3.0, self.hold_end / self.fps),
                max_fps=self.fps,
                spacing=self.spacing,
                hold_start=self.hold_start,
                slow_at=slow_at,
                slow_factor=self.slow_factor,
            )
        return Timeline.build(
            n_rows,
            self.frames,
            spacing=self.spacing,
            hold_start=self.hold_start,
            hold_end=self.hold_end,
            fps=self.fps,
        )


def _check_runs(name: str, runs: Mapping[str, Any]) -> None:
    if not runs:
        raise ConfigError(f"lesson {name!r} has no runs")
    for run, config in runs.items():
        if not isinstance(run, str) or not run:
            raise ConfigError(f"lesson {name!r}: run names must be non-empty strings")
        if not isinstance(config, (RunConfig, DescendConfig, CallConfig)):
            raise ConfigError(
                f"lesson {name!r}, run {run!r}: expected RunConfig, DescendConfig or "
                f"CallConfig; got {type(config).__name__}"
            )


@dataclass(frozen=True)
class Lesson:
    """What one slide (or a few) shows: runs, timeline, slide references and claims.

    Attributes
    ----------
    name : str
        Identifier (``xor_boundary``), used by ``vizlab lessons`` and in stamps.
    title : str
        Title a page or a video shows.
    slides : tuple of str
        ``"<seed file>: <slide or section>"`` for every slide it serves.
    runs : mapping of str to RunConfig, DescendConfig or CallConfig
        The runs, by name; order is the order pictures show them in.
    timeline : TimelineSpec
        The frame -> step map every channel uses.
    quick : mapping
        Overrides for the quick variant (tests): either field -> value,
        applied to every run that has the field, or run name -> {field: value}.
    claims : tuple of Claim
    channels : tuple of str
        ``"scene:<scene name>"``, ``"gallery:<section>/<example stem>"``,
        ``"notebook:<notebook stem>"``, ``"widget:<preset>"``; checked in tests
        against the files that use the lesson.
    batched : bool
        Train the RunConfig runs in one :func:`vizlab.sweep` (ladders, grids).
    summary : str
        One or two sentences for listings and pages.
    """

    name: str
    title: str
    slides: tuple[str, ...]
    runs: Mapping[str, AnyConfig]
    timeline: TimelineSpec = TimelineSpec()
    quick: Mapping[str, Any] = field(default_factory=dict)
    claims: tuple[Claim, ...] = ()
    channels: tuple[str, ...] = ()
    batched: bool = False
    summary: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise ConfigError(f"lesson name must be an identifier; got {self.name!r}")
        object.__setattr__(self, "slides", tuple(self.slides))
        object.__setattr__(self, "claims", tuple(self.claims))
        object.__setattr__(self, "channels", tuple(self.channels))
        _check_runs(self.name, self.runs)
        object.__setattr__(self, "runs", MappingProxyType(dict(self.runs)))
        object.__setattr__(self, "quick", MappingProxyType(dict(self.quick)))
        for ch in self.channels:
            kind, _, where = ch.partition(":")
            if kind not in CHANNELS or not where:
                raise ConfigError(f"lesson {self.name!r}: bad channel {ch!r} (kind:where)")
        for c in self.claims:
            if not isinstance(c, Claim):
                raise ConfigError(f"lesson {self.name!r}: claims must be Claim values")

    # ------------------------------------------------------------ variants
    def quick_variant(self) -> Lesson:
        """The same lesson with smaller runs (the ``quick`` overrides applied) and a short timeline.

        Every channel's quick mode (CI, the quick gallery, tiny scene renders)
        uses this variant, so they still agree with each other.
        """
        timeline = self.timeline.short()
        if not self.quick:
            return dataclasses.replace(self, timeline=timeline)
        per_run = all(k in self.runs and isinstance(v, Mapping) for k, v in self.quick.items())
        runs = {}
        for run, config in self.runs.items():
            changes = dict(self.quick.get(run, {})) if per_run else dict(self.quick)
            runs[run] = _override(config, changes)
        return dataclasses.replace(self, runs=runs, quick={}, timeline=timeline)

    def config(self, run: str) -> AnyConfig:
        """The config of ``run`` (a one-line error naming the runs that exist)."""
        try:
            return self.runs[run]
        except KeyError:
            raise KeyError(
                f"lesson {self.name!r} has no run {run!r}; runs: {', '.join(self.runs)}"
            ) from None

    def digest(self, run: str) -> str:
        """First 8 hex digits of the run's config digest: what stamps show."""
        return self.config(run).digest()[:8]

    def stamp(self, *runs: str) -> str:
        """``"lesson <name> · run <digest>"`` for each run (all runs if none given)."""
        runs = runs or tuple(self.runs)
        return "  ".join(f"lesson {self.name} · run {self.digest(r)}" for r in runs)

    def timeline_for(self, trace_or_rows: Any) -> Timeline:
        """The lesson's timeline over a trace (or a number of recorded rows)."""
        if isinstance(trace_or_rows, int):
            return self.timeline.timeline(trace_or_rows)
        return self.timeline.timeline(len(trace_or_rows), key_rows(trace_or_rows))

    def shown_in(self, kind: str) -> tuple[str, ...]:
        """Where this lesson is shown in one channel kind (``"scene"``, ...)."""
        return tuple(ch.split(":", 1)[1] for ch in self.channels if ch.startswith(kind + ":"))


def _override(config: AnyConfig, changes: Mapping[str, Any]) -> AnyConfig:
    if isinstance(config, CallConfig):
        keep = {k: v for k, v in changes.items() if k in config.kwargs}
        return config.replace(**keep) if keep else config
    names = {f.name for f in dataclasses.fields(config)}
    keep = {k: v for k, v in changes.items() if k in names}
    if isinstance(config, RunConfig) and "steps" in keep and config.epochs:
        keep.setdefault("epochs", 0)
    if isinstance(config, RunConfig) and "steps" in keep:
        keep["steps"] = min(keep["steps"], config.total_steps)
    return config.replace(**keep) if keep else config
