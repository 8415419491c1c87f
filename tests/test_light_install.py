"""A learner's install: the package's own dependencies, without the instructor's or developer's.

``pip install -e .`` (and the student release's requirements.txt) installs what the lessons,
``check(...)``, ``hint(...)`` and the learner's commands need; nbgrader, the seccomp bindings,
nbconvert/nbclient, ruff and selenium come with the ``instructor`` and ``dev`` extras. Here the
learner's side runs in a process where those packages cannot be imported at all, so a new
import of one of them in that path fails this test. (``benchmarks/install_size.py`` installs both
sets into fresh virtual environments and measures them.)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib

from tests.conftest import ROOT, SOLUTIONS

#: Packages a learner does not install (the import names of the extras' distributions).
NOT_INSTALLED = (
    "nbgrader",
    "nbconvert",
    "nbclient",
    "pyseccomp",
    "copydetect",
    "selenium",
    "jsonschema",
    "kubernetes_validate",
    "ruff",
)

BLOCKER = f"""
import importlib.abc, sys

class NotInstalled(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {NOT_INSTALLED!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}} (not in the learner's set)")
        return None

sys.meta_path.insert(0, NotInstalled())
"""


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _names(requirements: list[str]) -> set[str]:
    return {
        r.split(";")[0].split("[")[0].split("=")[0].split("<")[0].split(">")[0].strip().lower()
        for r in requirements
    }


def test_the_learners_set_holds_no_instructor_or_developer_tool():
    learner = _names(_project()["dependencies"])
    extras = _project()["optional-dependencies"]
    assert {"numpy", "pandas", "matplotlib", "jupyterlab", "pyyaml", "pytest"} <= learner
    assert not learner & {"nbgrader", "pyseccomp", "ruff", "nbconvert", "nbclient", "selenium"}
    assert {"nbgrader", "pyseccomp", "nbconvert", "nbclient"} <= _names(extras["instructor"])
    assert {"ruff", "selenium"} <= _names(extras["dev"])


def test_requirements_txt_installs_everything_for_the_readme_and_ci():
    lines = [
        line.strip()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines == ["-e .[instructor,dev]"]


def _run_blocked(code: str, cwd, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", BLOCKER + code],
        cwd=cwd,
        env=env or dict(os.environ),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_the_blocker_blocks():
    done = _run_blocked("import nbgrader", ROOT)
    assert done.returncode != 0 and "not in the learner's set" in done.stderr


def test_course_check_grades_a_finished_lesson_without_the_extras(tmp_path):
    work = tmp_path / "lessons"
    shutil.copytree(ROOT / "lessons", work)
    shutil.copy(SOLUTIONS / "02_activations.ipynb", work / "02_activations.ipynb")
    code = (
        "from autograder.cli import main\n"
        f"raise SystemExit(main(['check', {str(work / '02_activations.ipynb')!r}]))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "COURSE_SOLUTIONS"}
    done = _run_blocked(code, ROOT, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "total: 7/7 points" in done.stdout, done.stdout


def test_check_and_hint_work_in_a_kernel_without_the_extras():
    code = (
        "import numpy as np\n"
        "from autograder import check, hint\n"
        "def relu(Z):\n"
        "    return np.maximum(Z, 0.0)\n"
        "print('points', float(check('relu')))\n"
        "print(repr(hint('relu')))\n"
    )
    done = _run_blocked(code, ROOT / "lessons")
    assert done.returncode == 0, done.stderr
    assert "points 2.0" in done.stdout and "Hint 1 of 3 for relu" in done.stdout
