"""The wheel works on its own: built, installed into a throw-away environment, run elsewhere.

The sources are copied to a temporary folder and built there with
``pip wheel --no-build-isolation --no-index`` (no network, nothing written
into the checkout). A fresh virtual environment reuses the dependencies
already installed here (a ``.pth`` line naming this interpreter's
site-packages, which does not run the editable install's hook), gets the
wheel with ``--no-deps --no-index``, and the ``vizlab`` command is run from a
folder outside the repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

import vizlab

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "vizlab", "scenes")

pytestmark = pytest.mark.slow


def _run(cmd, cwd, env=None, timeout=600):
    proc = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert proc.returncode == 0, f"{cmd} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("src")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "scenes_data")
    for name in SOURCES:
        item = ROOT / name
        if item.is_dir():
            shutil.copytree(item, src / name, ignore=ignore)
        else:
            shutil.copy2(item, src / name)
    dist = tmp_path_factory.mktemp("dist")
    _run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
        + ["--no-index", "-w", dist, src],
        cwd=src,
    )
    (found,) = dist.glob("*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> dict:
    env_dir = tmp_path_factory.mktemp("env")
    _run([sys.executable, "-m", "venv", env_dir], cwd=env_dir)
    bin_dir = env_dir / "bin"
    purelib = _run(
        [bin_dir / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        cwd=env_dir,
    ).stdout.strip()
    # Reuse the dependencies installed here, after the environment's own packages.
    Path(purelib, "reuse-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run(
        [bin_dir / "python", "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel],
        env_dir,
    )
    work = tmp_path_factory.mktemp("elsewhere")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIZLAB_SCENES_DIR")}
    env.update(
        PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        VIZLAB_CACHE_DIR=str(work / "cache"),
        OMP_NUM_THREADS="1",
        MPLBACKEND="Agg",
    )
    return {"bin": bin_dir, "purelib": Path(purelib), "cwd": work, "env": env}


def _vizlab(installed, *args, timeout=600):
    return _run([installed["bin"] / "vizlab", *args], installed["cwd"], installed["env"], timeout)


def test_wheel_is_named_and_carries_the_scenes(wheel):
    assert wheel.name.startswith("vizlab_nn-")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        text = zf.read(metadata).decode()
        shipped = {Path(n).name: zf.read(n) for n in names if n.startswith("vizlab/scenes_data/")}
    assert "Name: vizlab-nn\n" in text and f"Version: {vizlab.__version__}\n" in text
    scenes = {p.name: p.read_bytes() for p in (ROOT / "scenes").glob("*.py")}
    assert scenes and shipped == scenes


def test_installed_copy_is_the_one_imported(installed):
    proc = _run(
        [installed["bin"] / "python", "-c", "import vizlab; print(vizlab.__file__)"],
        installed["cwd"],
        installed["env"],
    )
    assert Path(proc.stdout.strip()).is_relative_to(installed["purelib"])
    assert not Path(proc.stdout.strip()).is_relative_to(ROOT)


def test_version(installed):
    assert _vizlab(installed, "--version").stdout.strip() == f"vizlab {vizlab.__version__}"


def test_scenes_list_and_render(installed):
    listed = _vizlab(installed, "scenes", "list").stdout
    names = [line.split()[0] for line in listed.splitlines() if line.strip()]
    assert sorted(names) == sorted(p.stem for p in (ROOT / "scenes").glob("[!_]*.py"))
    out = installed["cwd"] / "videos"
    _vizlab(
        installed, "scenes", "render", "gradient_descent", "--quality", "tiny", "--out-dir", out
    )
    (mp4,) = out.glob("gradient_descent.mp4")
    assert mp4.stat().st_size > 1000
    bad = subprocess.run(
        [installed["bin"] / "vizlab", "scenes", "render", "no_such_scene"],
        cwd=installed["cwd"],
        env=installed["env"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
    assert "no_such_scene" in bad.stderr


def test_train_and_render(installed):
    _vizlab(
        installed, "train", "--dataset", "xor", "--hidden", "4", "--steps", "30", "--out", "xor.npz"
    )
    _vizlab(installed, "render", "xor.npz", "--out", "xor.png")
    png = installed["cwd"] / "xor.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_lessons_check_quick(installed):
    proc = _vizlab(installed, "lessons", "check", "--quick", timeout=900)
    assert proc.stdout.strip()
