"""Ship the lecture scenes inside the wheel without moving them out of ``scenes/``.

Everything else about the package is declared in ``pyproject.toml``. The
scene files stay at the top of the repository (``manim -qm
scenes/xor_boundary.py XorBoundary`` keeps working there); building the
package copies them into ``vizlab/scenes_data/``, where
:func:`vizlab.render.scenes.scenes_dir` finds them in an installed copy.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildPyWithScenes(build_py):
    """``build_py`` that also copies ``scenes/*.py`` into ``vizlab/scenes_data/``."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads scenes/ from the checkout
        source = HERE / "scenes"
        if not source.is_dir():
            raise RuntimeError(f"no scenes folder at {source}: cannot build the package")
        target = Path(self.build_lib) / "vizlab" / "scenes_data"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for scene in sorted(source.glob("*.py")):
            shutil.copyfile(scene, target / scene.name)


setup(cmdclass={"build_py": BuildPyWithScenes})
