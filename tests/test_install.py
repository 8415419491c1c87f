"""The course installed like any package (a wheel, not an editable install) still works.

The package goes into a folder of its own (built as a wheel and unpacked, as pip installs it);
the course's folder (course.yml, lessons/, data/) is a student's copy elsewhere. From that folder
`course check` grades, and `check("relu")` in a kernel running in lessons/ gives its points,
instead of failing to find course.yml beside the installed package.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    base = tmp_path_factory.mktemp("install")
    source = base / "source"  # built from a copy, so the build leaves nothing in the repository
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "autograder", source / "autograder", ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    wheels = base / "wheels"
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(wheels), str(source)]
    built = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    site = base / "site"
    (wheel,) = wheels.glob("digits_from_scratch-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    course = base / "my-course"  # a student's copy: no solutions, no package
    course.mkdir()
    shutil.copy(ROOT / "course.yml", course / "course.yml")
    shutil.copytree(ROOT / "lessons", course / "lessons")
    shutil.copytree(ROOT / "data" / "sample", course / "data" / "sample")
    shutil.copy(ROOT / "data" / "README.md", course / "data" / "README.md")
    env = {k: v for k, v in os.environ.items() if k not in ("COURSE_ROOT", "COURSE_SOLUTIONS")}
    env["PYTHONPATH"] = str(site)
    env.pop("COURSE_DATA", None)
    return site, course, env


def _run(args, cwd, env):
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_the_installed_package_is_the_one_that_runs(installed):
    site, course, env = installed
    done = _run(
        [
            "-c",
            "import autograder, autograder.config as c; print(autograder.__file__); print(c.ROOT)",
        ],
        course / "lessons",
        env,
    )
    assert done.returncode == 0, done.stderr
    package, root = done.stdout.split()
    assert package.startswith(str(site)) and root == str(course)
    assert not (site / "course.yml").exists()


def test_course_check_grades_from_the_course_folder(installed):
    _, course, env = installed
    done = _run(["-m", "autograder.cli", "check", "lessons/02_activations.ipynb"], course, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "relu" in done.stdout and "not implemented" in done.stdout
    assert "public checks" in done.stdout  # no solutions in a student's copy


def test_check_in_a_kernel_in_lessons_gives_its_points(installed):
    _, course, env = installed
    code = (
        "import numpy as np\n"
        "from autograder import check\n"
        "def relu(Z):\n"
        "    return np.maximum(Z, 0.0).astype(np.result_type(Z, np.float32))\n"
        "print('points', float(check('relu')))\n"
    )
    done = _run(["-c", code], course / "lessons", env)
    assert done.returncode == 0, done.stderr
    assert "points 2.0" in done.stdout and "✓ relu" in done.stdout, done.stdout


def test_outside_any_course_folder_the_message_says_what_to_do(installed, tmp_path):
    _, _, env = installed
    done = _run(["-m", "autograder.cli", "check"], tmp_path, env)
    assert done.returncode == 2
    assert "run this from the course's folder" in done.stderr and "COURSE_ROOT" in done.stderr
