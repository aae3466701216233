"""The lessons layer itself: variants, stamps, digests, the registry, the claims ledger.

Oracles: the configs themselves (a stamp's digest is the config's own
digest), :func:`vizlab.descend` called directly (a lesson's run is the same
run), the closed form of descent on (x - a)^2 (a synthetic claim checks it),
and synthetic lessons whose claims are built to hold, fail, be skipped or be
known differences.
"""

from __future__ import annotations

import argparse
import io
import re

import numpy as np
import pytest

import vizlab
from vizlab import lessons
from vizlab.config import ConfigError, DescendConfig, RunConfig
from vizlab.lessons import registry
from vizlab.lessons.base import CallConfig, Claim, Lesson, TimelineSpec
from vizlab.lessons.check import check_lesson, format_table
from vizlab.lessons.cli import format_list
from vizlab.lessons.cli import run as run_cli

STAMP = re.compile(r"^lesson [a-z0-9_]+ · run [0-9a-f]{8}$")
# A timeline that plays its frames as given (no pacing to a target length).
UNPACED = {"seconds": None} if "seconds" in TimelineSpec.__dataclass_fields__ else {}


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A fresh run cache for one test."""
    monkeypatch.setenv("VIZLAB_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def add_lessons(monkeypatch):
    """Register test lessons for one test; the catalogue is loaded first, so the one
    restored afterwards is whole (topics loaded during the test land in the copy)."""

    def add(*extra: Lesson) -> None:
        lessons.names()
        monkeypatch.setattr(
            registry, "_LESSONS", {**registry._LESSONS, **{x.name: x for x in extra}}
        )

    return add


def _tiny(name="tiny_quadratic", claims=(), **kw) -> Lesson:
    runs = {
        "good": DescendConfig("quadratic", lr=0.3, steps=12),
        "over": DescendConfig("quadratic", lr=0.95, steps=12),
    }
    return Lesson(
        name=name,
        title="a test lesson",
        slides=("000: test",),
        runs=runs,
        timeline=TimelineSpec(frames=13, spacing="uniform", hold_end=4, fps=10, **UNPACED),
        claims=claims,
        **kw,
    )


# ------------------------------------------------------------------ catalogue
def test_catalogue_has_enough_lessons_with_unique_names_and_valid_parts():
    names = lessons.names()
    assert len(names) >= 20 and len(set(names)) == len(names)
    for lesson in lessons.all_lessons():
        assert lesson.title and lesson.slides and lesson.runs
        for slide in lesson.slides:
            assert re.match(r"^\d{3}: \S", slide), (lesson.name, slide)
        for claim in lesson.claims:
            assert re.fullmatch(r"\d{3}", claim.seed), (lesson.name, claim.text)


def test_registry_errors_are_one_line():
    with pytest.raises(KeyError, match="no lesson 'nope'; lessons: descent_1d") as err:
        lessons.get("nope")
    assert "\n" not in str(err.value)
    with pytest.raises(ValueError, match="already registered"):
        lessons.register(_tiny(name="xor_boundary"))
    with pytest.raises(TypeError, match="takes a Lesson"):
        lessons.register("xor_boundary")


@pytest.mark.parametrize(
    "change, message",
    [
        ({"name": "not a name"}, "identifier"),
        ({"runs": {}}, "no runs"),
        ({"runs": {"a": {"lr": 0.1}}}, "expected RunConfig, DescendConfig or CallConfig"),
        ({"channels": ("movie:x",)}, "bad channel"),
        ({"channels": ("scene:",)}, "bad channel"),
        ({"claims": ("a claim",)}, "Claim values"),
    ],
)
def test_bad_lessons_are_rejected(change, message):
    good = dict(name="ok", title="t", slides=(), runs={"a": DescendConfig()})
    with pytest.raises(ConfigError, match=message):
        Lesson(**{**good, **change})


def test_bad_timeline_and_call_configs_are_rejected():
    with pytest.raises(ConfigError, match="spacing"):
        TimelineSpec(spacing="cubic")
    with pytest.raises(ConfigError, match="non-negative integer"):
        TimelineSpec(hold_end=-1)
    with pytest.raises(ConfigError, match="JSON values"):
        CallConfig("penalty_descent", {"x": object()})
    with pytest.raises(ConfigError, match="function name"):
        CallConfig("not a name")


# ------------------------------------------------------------------ variants
def test_quick_variant_applies_overrides_and_keeps_the_rest():
    full = lessons.get("xor_boundary")
    quick = lessons.get("xor_boundary", quick=True)
    for run, config in full.runs.items():
        q = quick.runs[run]
        assert q.steps == min(400, config.total_steps) and q.grid == 24 and q.frames == 8
        assert q.replace(steps=config.steps, grid=config.grid, frames=config.frames) == config
    assert quick.timeline.frames <= 12 and quick.timeline.hold_end <= 3
    assert quick.claims == full.claims and quick.channels == full.channels
    # per-run overrides: only the named run changes
    lesson = _tiny(quick={"over": {"steps": 3}})
    q = lesson.quick_variant()
    assert q.runs["over"].steps == 3 and q.runs["good"] == lesson.runs["good"]


def test_quick_variant_caps_steps_and_ignores_fields_a_config_lacks():
    lesson = Lesson(
        name="mixed",
        title="t",
        slides=(),
        runs={
            "net": RunConfig(dataset="xor", steps=50),
            "path": DescendConfig("bowl", steps=80),
            "call": CallConfig("penalty_descent", {"penalty": "l1", "steps": 90}),
        },
        quick={"steps": 60, "grid": 10},
    )
    q = lesson.quick_variant()
    assert q.runs["net"].steps == 50 and q.runs["net"].grid == 10  # never more steps
    assert q.runs["path"].steps == 60
    assert dict(q.runs["call"].kwargs) == {"penalty": "l1", "steps": 60}


# ------------------------------------------------------------------ stamps and digests
def test_stamp_names_the_lesson_and_each_runs_config_digest():
    lesson = lessons.get("xor_boundary")
    stamp = lesson.stamp("linear", "mlp")
    parts = stamp.split("  ")
    assert len(parts) == 2 and all(STAMP.match(p) for p in parts)
    assert parts[1].endswith(lesson.runs["mlp"].digest()[:8])
    assert lesson.digest("mlp") == lesson.runs["mlp"].digest()[:8]
    assert len(lesson.stamp().split("  ")) == len(lesson.runs)
    # the quick variant is a different run, so its stamp differs
    assert lessons.get("xor_boundary", quick=True).stamp("mlp") != lesson.stamp("mlp")
    with pytest.raises(KeyError, match="has no run 'nope'; runs: linear, mlp"):
        lesson.stamp("nope")


def test_digests_differ_between_runs_and_are_stable():
    by_digest: dict[str, set[str]] = {}
    for lesson in lessons.all_lessons():
        for run, config in lesson.runs.items():
            assert lesson.digest(run) == config.digest()[:8]
            by_digest.setdefault(lesson.digest(run), set()).add(config.to_json())
    # two runs share a stamp only when they are the same config
    assert all(len(jsons) == 1 for jsons in by_digest.values())
    a = DescendConfig("quadratic", lr=0.3)
    assert a.digest() == DescendConfig.from_json(a.to_json()).digest()
    assert a.digest() != a.replace(lr=0.31).digest()


def test_descend_config_round_trips_through_dict_json_and_code():
    config = DescendConfig("beale", optimizer="adam", lr=0.05, start=(1.0, 1.5), steps=300)
    assert DescendConfig.from_dict(config.to_dict()) == config
    assert DescendConfig.from_json(config.to_json()) == config
    assert eval(config.to_code(), {"vizlab": vizlab}) == config  # noqa: S307
    assert DescendConfig(start=2).start == (2.0,)
    with pytest.raises(ConfigError, match="unknown config field"):
        DescendConfig.from_dict({"landscpe": "bowl"})
    with pytest.raises(ConfigError):
        DescendConfig("nowhere")


# ------------------------------------------------------------------ runs and timelines
def test_run_lesson_is_the_same_run_as_descend_and_is_cached(cache):
    lesson = _tiny()
    first = lessons.run_lesson(lesson)
    assert list(first) == ["good", "over"]
    direct = vizlab.descend("quadratic", lr=0.95, steps=12)
    np.testing.assert_array_equal(first["over"]["point/xy"], direct["point/xy"])
    assert any(cache.rglob("*.npz"))
    again = lessons.run_lesson(lesson)
    np.testing.assert_array_equal(again["good"]["scalar/loss"], first["good"]["scalar/loss"])


def test_timeline_for_plays_every_row_of_the_lesson_spec(cache):
    lesson = _tiny()
    trace = lessons.run_lesson(lesson)["good"]
    timeline = lesson.timeline_for(trace)
    assert timeline.rows.tolist() == list(range(13)) + [12] * 4
    assert timeline.fps == 10 and timeline.digest() == lesson.timeline_for(13).digest()
    assert timeline.digest() != lesson.quick_variant().timeline_for(trace).digest()


# ------------------------------------------------------------------ claims ledger
def _closed_form(traces):
    t = traces["good"]
    n = np.arange(len(t))
    err = float(np.max(np.abs(t["point/xy"][:, 0] - (2 + (-2 - 2) * (1 - 2 * 0.3) ** n))))
    return err < 1e-9, f"max error {err:.1e}"


def _overstep_converges(traces):
    x = traces["over"]["point/xy"][-1, 0]
    return abs(x - 2) < 1e-3, f"x after 12 steps at r = 0.95: {x:.3f}"


def _raises(traces):
    raise RuntimeError("broken check")


SYNTHETIC_CLAIMS = (
    Claim("the iterate follows the closed form", "000", _closed_form),
    Claim("r = 0.95 converges within 12 steps", "000", _overstep_converges),
    Claim(
        "r = 0.95 converges within 12 steps (known)",
        "000",
        _overstep_converges,
        known_difference="slide rounds the rate",
    ),
    Claim("only on full runs", "000", _closed_form, quick=False),
    Claim("a check that raises", "000", _raises),
)


def test_check_reports_holds_fails_not_reproduced_and_skipped(cache):
    lesson = _tiny(claims=SYNTHETIC_CLAIMS)
    quick = {r.claim.text: r for r in check_lesson(lesson, quick=True)}
    full = {r.claim.text: r for r in check_lesson(lesson, quick=False)}
    assert quick["the iterate follows the closed form"].status == "holds"
    failed = quick["r = 0.95 converges within 12 steps"]
    assert failed.status == "fails" and failed.failed
    # 0.9^12 of the distance 4 is left: the detail carries the measured number
    assert f"{2 - 4 * 0.9**12:.3f}" in failed.detail
    known = quick["r = 0.95 converges within 12 steps (known)"]
    assert known.status == "not reproduced" and not known.failed
    assert "slide rounds the rate" in known.detail and f"{2 - 4 * 0.9**12:.3f}" in known.detail
    assert quick["only on full runs"].status == "skipped"
    assert full["only on full runs"].status == "holds"
    raised = quick["a check that raises"]
    assert raised.status == "fails" and "RuntimeError: broken check" in raised.detail
    table = format_table(list(quick.values()))
    assert table.splitlines()[0].split() == ["lesson", "claim", "seed", "status", "detail"]
    assert table.splitlines()[-1] == "1 holds, 2 fails, 1 not reproduced, 1 skipped"


def test_check_in_worker_processes_equals_one_by_one(tmp_path, monkeypatch):
    # The same lessons checked here (own cache) and in two fresh processes
    # (another cache): the same claims, statuses and measured numbers, in
    # catalogue order; the workers' runs land in the cache they were given.
    names = ["descent_1d", "xor_boundary", "worked_table", "lr_regimes"]
    monkeypatch.setenv("VIZLAB_CACHE_DIR", str(tmp_path / "here"))
    here = lessons.check(names, quick=True)
    monkeypatch.setenv("VIZLAB_CACHE_DIR", str(tmp_path / "workers"))
    parallel = lessons.check(names, quick=True, workers=2)
    assert any((tmp_path / "workers").rglob("*.npz")), "the workers saved their runs"
    assert [(r.lesson, r.claim.text) for r in parallel] == [
        (n, c.text) for n in names for c in lessons.get(n).claims
    ]
    assert [(r.status, r.detail) for r in parallel] == [(r.status, r.detail) for r in here]
    assert {r.status for r in here} <= {"holds", "skipped"}


def test_check_in_workers_runs_a_lesson_registered_at_run_time_here(cache, add_lessons):
    # A fresh process does not know a lesson registered at run time: it is
    # checked in this process, with the same results as one by one.
    tiny = _tiny(name="tiny_registered", claims=SYNTHETIC_CLAIMS)
    add_lessons(tiny)
    names = ["descent_1d", "tiny_registered"]
    parallel = lessons.check(names, quick=True, workers=2)
    alone = check_lesson(lessons.get("descent_1d"), quick=True) + check_lesson(tiny, quick=True)
    assert [(r.lesson, r.claim.text, r.status, r.detail) for r in parallel] == [
        (r.lesson, r.claim.text, r.status, r.detail) for r in alone
    ]
    assert [r.status for r in parallel if r.lesson == tiny.name].count("fails") == 2


def test_cli_check_exits_1_on_a_failing_claim_and_0_otherwise(cache, add_lessons):
    failing = _tiny(name="tiny_failing", claims=SYNTHETIC_CLAIMS[:2])
    passing = _tiny(name="tiny_passing", claims=SYNTHETIC_CLAIMS[:1] + SYNTHETIC_CLAIMS[2:4])
    add_lessons(failing, passing)
    out = io.StringIO()
    args = argparse.Namespace(lessons_command="check", names=["tiny_failing"], quick=True)
    assert run_cli(args, out) == 1 and "fails" in out.getvalue()
    out = io.StringIO()
    args.names = ["tiny_passing"]
    assert run_cli(args, out) == 0
    assert "not reproduced" in out.getvalue() and "skipped" in out.getvalue()
    with pytest.raises(ValueError, match="no lesson nope"):
        run_cli(argparse.Namespace(lessons_command="check", names=["nope"], quick=True), out)


def test_cli_list_and_check_through_the_vizlab_command(capsys):
    from vizlab.cli import main

    assert main(["lessons", "list"]) == 0
    listed = capsys.readouterr().out
    for lesson in lessons.all_lessons():
        assert f"{lesson.name}: {lesson.title}" in listed
    assert "    channel  scene:xor_boundary" in listed
    assert main(["lessons", "check", "no_such_lesson"]) == 2
    assert "vizlab: error: no lesson no_such_lesson" in capsys.readouterr().err
    assert main(["lessons", "frobnicate"]) == 2


def test_format_list_shows_slides_channels_and_runs():
    text = format_list([lessons.get("xor_boundary")])
    assert text.splitlines()[0] == "xor_boundary: XOR: no line separates it, two hidden units do"
    assert "    slide    003: The XOR problem (noisy XOR, no line separates it)" in text
    assert "    runs     linear, mlp, no_activation" in text


def test_lesson_sweep_groups_vary_only_what_a_sweep_may_vary():
    from vizlab.core.sweep import VARIABLE_FIELDS
    from vizlab.lessons.run import SWEEP_VARIABLE

    assert set(SWEEP_VARIABLE) == set(VARIABLE_FIELDS)
