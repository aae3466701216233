"""The ``vizlab`` command line: train, descend, sweep, info, render, scenes, lessons.

Every error ends in one line on stderr, never a traceback: exit status 2 for
bad input (arguments, configs, trace files, output paths), 1 for a failure of
the environment (a full disk, no memory, a missing extra). Output paths are
checked before any training, and nothing is written unless the whole job
succeeded (files are written atomically, a sweep's folder in one rename).
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import os
import shutil
import sys
import tempfile
import typing
from importlib import import_module
from pathlib import Path

from vizlab.budget import check_budget
from vizlab.config import ConfigError, RunConfig
from vizlab.trace import Trace, TraceError

# `vizlab render --what NAME`: renderers that draw one trace.
RENDERERS = {
    "boundary": ("vizlab.render.boundary", "draw_boundary"),
    "curves": ("vizlab.render.curves", "draw_curves"),
    "hidden-units": ("vizlab.render.activations", "draw_hidden_units"),
    "representation": ("vizlab.render.activations", "draw_representation"),
    "saturation": ("vizlab.render.activations", "draw_saturation"),
    "dropout": ("vizlab.render.dropout", "draw_dropout_network"),
    "descent": ("vizlab.render.descent", "draw_descent_1d"),
    "contour": ("vizlab.render.paths", "draw_contour_paths"),
    "surface": ("vizlab.render.paths", "draw_surface_3d"),
    "schedule": ("vizlab.render.descent", "draw_lr_schedule"),
}
# Renderers that take a list of traces even for one.
MULTI = {"contour"}
FIGURE_SUFFIXES = (".png", ".svg", ".pdf", ".mp4", ".gif")


class UsageError(Exception):
    """A bad argument: reported in one line, exit status 2."""


MAX_CONFIG_BYTES = 1 << 20
# An animation of more frames than this (about 5 minutes at 30 fps) is a typo, not a lecture.
MAX_FRAMES = 10_000
MAX_FPS = 120


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> typing.NoReturn:
        raise UsageError(message)


def _split(text: str, cast):
    text = text.strip()
    if text in ("", "()", "none"):
        return ()
    return tuple(cast(v) for v in text.split(","))


def _boolean(text: str) -> bool:
    """``true``/``false`` (also 1/0, yes/no) for a boolean config field."""
    value = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}.get(
        text.strip().lower()
    )
    if value is None:
        raise ValueError(text)
    return value


_boolean.__name__ = "true/false"  # shown in argparse's message


@functools.cache
def _config_hints() -> dict:
    return typing.get_type_hints(RunConfig)


def _field_type(f: dataclasses.Field):
    hint = _config_hints()[f.name]
    if hint in (int, float, str):
        return hint
    if hint is bool:
        return _boolean
    inner = typing.get_args(hint)[0]  # tuple[int, ...] -> int

    def parse(text: str) -> tuple:
        return _split(text, inner)

    parse.__name__ = f"comma-separated {inner.__name__}"  # shown in argparse's message
    return parse


def _add_config_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", type=Path, help="JSON file with a RunConfig (flags override it)")
    for f in dataclasses.fields(RunConfig):
        p.add_argument(
            "--" + f.name.replace("_", "-"),
            dest=f.name,
            type=_field_type(f),
            default=None,
            help=f"(default {f.default!r})",
        )


def _config_from(args: argparse.Namespace) -> RunConfig:
    base: dict = {}
    if args.config is not None:
        try:
            if args.config.stat().st_size > MAX_CONFIG_BYTES:
                raise UsageError(f"config {args.config} is larger than a config can be (1 MiB)")
            base = json.loads(args.config.read_text(encoding="utf-8"))
        except OSError as exc:
            raise UsageError(f"cannot read config {args.config}: {exc.strerror}") from None
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
            raise UsageError(f"config {args.config} is not valid JSON: {exc}") from None
        if not isinstance(base, dict):
            raise UsageError(f"config {args.config} must hold a JSON object")
    for f in dataclasses.fields(RunConfig):
        value = getattr(args, f.name)
        if value is not None:
            base[f.name] = value
    return RunConfig.from_dict(base)


def _writable_parent(path: Path, flag: str) -> None:
    """The nearest existing folder above ``path`` must be a folder we may write in.

    Missing folders in between are created when the output is written.
    """
    parent = path.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise UsageError(f"{flag} {path}: {parent} is a file, not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"{flag} {path}: cannot write in {parent}")


def _out_path(path: Path, suffixes: tuple[str, ...]) -> Path:
    """Check an output file before any work: known suffix (any case), a folder to write in."""
    if path.suffix.lower() not in suffixes:
        raise UsageError(f"--out must end in {' or '.join(suffixes)}; got {path.name!r}")
    if path.is_dir():
        raise UsageError(f"--out {path} is a directory")
    _writable_parent(path, "--out")
    return path


def _out_dir(path: Path, *, empty: bool, flag: str = "--out-dir") -> Path:
    """Check an output folder before any work: not a file; with ``empty``, new or empty."""
    if path.exists() and not path.is_dir():
        raise UsageError(f"{flag} {path} is a file, not a folder")
    if empty and path.is_dir() and any(path.iterdir()):
        raise UsageError(f"{flag} {path} is not empty; give a new or empty folder")
    _writable_parent(path, flag)
    return path


def _positive(hi: int):
    """An argparse type: a whole number from 1 to ``hi``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if not 1 <= value <= hi:
            raise argparse.ArgumentTypeError(f"expected a positive number up to {hi}, got {value}")
        return value

    parse.__name__ = "whole number"
    return parse


def _floats(text: str) -> tuple[float, ...]:
    try:
        return _split(text, float)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected numbers separated by commas, got {text!r}"
        ) from None


def _ints(text: str) -> tuple[int, ...]:
    try:
        return _split(text, int)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected integers separated by commas, got {text!r}"
        ) from None


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="vizlab", description="Show how neural networks learn.")
    p.add_argument("--version", action="version", version=f"vizlab {_version()}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    t = sub.add_parser("train", help="train one config and save its trace")
    _add_config_flags(t)
    t.add_argument("--out", type=Path, required=True, help="trace file (.npz)")

    d = sub.add_parser("descend", help="gradient descent on an analytic landscape")
    d.add_argument("landscape", help="quadratic, wavy, bowl, rosenbrock, beale, himmelblau, saddle")
    d.add_argument("--optimizer", default="sgd")
    d.add_argument("--lr", type=float, default=0.1)
    d.add_argument("--start", type=_floats, default=None, help="e.g. -1.5,2")
    d.add_argument("--steps", type=int, default=50)
    d.add_argument("--momentum", type=float, default=0.9)
    d.add_argument("--out", type=Path, required=True)

    s = sub.add_parser("sweep", help="train a grid of configs in one batched pass")
    _add_config_flags(s)
    s.add_argument("--lrs", type=_floats, help="learning rates, e.g. 0.01,0.1,1")
    s.add_argument("--seeds", type=_ints)
    s.add_argument("--l1s", type=_floats)
    s.add_argument("--l2s", type=_floats)
    s.add_argument("--out-dir", type=Path, required=True, help="folder for run_000.npz ...")

    i = sub.add_parser("info", help="describe a trace file")
    i.add_argument("trace", type=Path)

    r = sub.add_parser("render", help="draw a trace to PNG/SVG/MP4/GIF")
    r.add_argument("trace", type=Path)
    r.add_argument("--what", choices=sorted(RENDERERS), default="boundary")
    r.add_argument("--out", type=Path, required=True)
    r.add_argument(
        "--frames", type=_positive(MAX_FRAMES), default=90, help="moving frames of an animation"
    )
    r.add_argument("--fps", type=_positive(MAX_FPS), default=30)
    r.add_argument("--theme", choices=("light", "dark"), default="light")

    sc = sub.add_parser("scenes", help="manim lecture videos")
    scs = sc.add_subparsers(dest="scenes_command", required=True, parser_class=_Parser)
    scs.add_parser("list", help="list the scenes")
    sr = scs.add_parser("render", help="render one scene to video")
    sr.add_argument("name")
    sr.add_argument("--quality", choices=("tiny", "low", "medium", "high"), default="low")
    sr.add_argument("--out-dir", type=Path, default=Path("media"))

    tb = sub.add_parser("tensorboard", help="write traces as TensorBoard runs (one per trace)")
    tb.add_argument("traces", type=Path, nargs="+", metavar="TRACE", help="trace files (.npz)")
    tb.add_argument("--logdir", type=Path, required=True, help="folder for tensorboard --logdir")
    tb.add_argument("--histograms", type=int, default=50, help="rows per weight histogram")

    from vizlab.lessons.cli import add_parser as add_lessons

    add_lessons(sub, _Parser)
    return p


def _version() -> str:
    from vizlab import __version__

    return __version__


def _progress(args) -> bool:
    return sys.stderr.isatty()


def cmd_train(args) -> int:
    out = _out_path(args.out, (".npz",))
    config = _config_from(args)
    check_budget(config)
    from vizlab.core.train import train

    trace = train(config, progress=_progress(args))
    trace.save(out)
    print(f"wrote {out}: {_summary(trace)}")
    return 0


def cmd_descend(args) -> int:
    out = _out_path(args.out, (".npz",))
    from vizlab.core.descend import descend

    trace = descend(
        args.landscape,
        optimizer=args.optimizer,
        lr=args.lr,
        start=args.start,
        steps=args.steps,
        momentum=args.momentum,
    )
    trace.save(out)
    print(f"wrote {out}: {len(trace)} rows, regime {trace.header.get('regime')}")
    return 0


def cmd_sweep(args) -> int:
    out_dir = _out_dir(args.out_dir, empty=True)
    from vizlab.core.sweep import grid, sweep

    axes = {
        k: v
        for k, v in (("lr", args.lrs), ("seed", args.seeds), ("l1", args.l1s), ("l2", args.l2s))
        if v
    }
    configs = grid(_config_from(args), **axes)
    check_budget(configs)
    traces = sweep(configs, progress=_progress(args))
    # All or nothing: write every run into a hidden folder beside the target,
    # then give it the target's name in one rename.
    out_dir.absolute().parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.absolute().parent))
    try:
        for k, tr in enumerate(traces):
            tr.save(tmp / f"run_{k:03d}.npz")
        os.replace(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for k, tr in enumerate(traces):
        print(f"wrote {out_dir / f'run_{k:03d}.npz'}: {_summary(tr)}")
    return 0


def _summary(trace: Trace) -> str:
    if len(trace) == 0:
        return "0 rows"
    parts = [f"{len(trace)} rows (steps {int(trace.steps[0])}..{int(trace.steps[-1])})"]
    for key in ("scalar/loss_train", "scalar/loss_val", "scalar/acc_val", "scalar/loss"):
        if key in trace:
            parts.append(f"{key.split('/')[1]} {float(trace[key][-1]):.4g}")
    if trace.diverged:
        parts.append(f"DIVERGED: {trace.diverged['reason']}")
    return ", ".join(parts)


def cmd_info(args) -> int:
    trace = Trace.load(args.trace)
    h = trace.header
    print(f"{args.trace}: vizlab trace, schema {h['schema']}, kind {h.get('kind', '?')}")
    print(f"  {_summary(trace)}")
    print(
        f"  device {h.get('device', '?')}, seed {h.get('seed', '?')}, versions {h.get('versions', {})}"
    )
    print(f"  config {json.dumps(h.get('config', {}), sort_keys=True)}")
    for ev in trace.events:
        print(f"  event: {ev}")
    for key in trace.keys():
        arr = trace[key]
        print(f"  {key:28s} {str(arr.dtype):8s} {arr.shape}")
    return 0


def cmd_render(args) -> int:
    out = _out_path(args.out, FIGURE_SUFFIXES)
    trace = Trace.load(args.trace)
    module, name = RENDERERS[args.what]
    draw = getattr(import_module(module), name)
    from vizlab.timeline import Timeline

    try:
        display = draw([trace] if args.what in MULTI else trace, step=-1, theme=args.theme)
    except (KeyError, ValueError) as exc:
        msg = exc.args[0] if exc.args else exc
        raise UsageError(f"cannot draw {args.what!r} from {args.trace.name}: {msg}") from None
    timeline = None
    if out.suffix.lower() in (".mp4", ".gif"):
        timeline = Timeline.for_trace(trace, args.frames, hold_end=args.fps // 2, fps=args.fps)
    display.save(out, timeline=timeline, progress=_progress(args))
    print(f"wrote {out}")
    return 0


def cmd_scenes(args) -> int:
    from vizlab.render import scenes

    if args.scenes_command == "list":
        for name, description in scenes.list_scenes():
            print(f"{name:24s} {description}")
        return 0
    names = [n for n, _ in scenes.list_scenes()]
    if args.name not in names:
        raise UsageError(f"unknown scene {args.name!r}; choose from {', '.join(names)}")
    _out_dir(args.out_dir, empty=False)
    path = scenes.render_scene(args.name, quality=args.quality, out_dir=args.out_dir, progress=True)
    print(f"wrote {path}")
    return 0


def cmd_tensorboard(args) -> int:
    _out_dir(args.logdir, empty=False, flag="--logdir")
    from vizlab import tensorboard

    if args.histograms < 0:
        raise UsageError(f"--histograms must be 0 or more; got {args.histograms}")
    traces = [Trace.load(path) for path in args.traces]
    stems = [path.stem for path in args.traces]
    names = tensorboard.run_names(traces, fallback=stems)
    runs = tensorboard.write_runs(traces, args.logdir, names=names, histograms=args.histograms)
    for path, run in zip(args.traces, runs):
        print(f"wrote {run} from {path}")
    print(f"open it with: tensorboard --logdir {args.logdir}")
    return 0


COMMANDS = {
    "train": cmd_train,
    "descend": cmd_descend,
    "sweep": cmd_sweep,
    "info": cmd_info,
    "render": cmd_render,
    "scenes": cmd_scenes,
    "tensorboard": cmd_tensorboard,
    "lessons": lambda args: import_module("vizlab.lessons.cli").run(args),
}


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except (UsageError, ConfigError, TraceError, ValueError) as exc:
        return _fail(exc, 2)
    except KeyboardInterrupt:
        print("vizlab: interrupted; nothing was written", file=sys.stderr)
        return 130
    except Exception as exc:  # the environment failed (disk, memory, a missing extra)
        if os.environ.get("VIZLAB_DEBUG"):
            raise
        return _fail(exc, 1)


def _fail(exc: BaseException, status: int) -> int:
    """Report ``exc`` in one line on stderr; return the exit status."""
    if isinstance(exc, OSError) and exc.strerror:
        where = f": {exc.filename}" if exc.filename else ""
        message = f"{exc.strerror}{where}"
    elif isinstance(exc, MemoryError):
        message = "out of memory (lower the sizes in the config)"
    else:
        message = str(exc).strip()
    lines = message.splitlines()
    message = lines[0] if lines else type(exc).__name__
    if status == 1 and not isinstance(exc, (OSError, MemoryError, ImportError)):
        message = f"{type(exc).__name__}: {message}"
    print(f"vizlab: error: {message}", file=sys.stderr)
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
