"""The student release: no solution code anywhere, and the public checks work without solutions/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbclient
import nbformat
import pytest

from tests.conftest import ROOT, SOLUTIONS


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    destination = tmp_path_factory.mktemp("release") / "course-student"
    done = subprocess.run(
        [sys.executable, "-m", "autograder.cli", "release", str(destination)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return destination


def _env(bundle: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "COURSE_SOLUTIONS"}
    env["PYTHONPATH"] = str(bundle)
    env["COURSE_DATA"] = str(bundle / "data" / "sample")
    return env


def test_bundle_has_lessons_checks_data_and_no_solutions(bundle):
    assert not (bundle / "solutions").exists()
    assert not (bundle / "tests").exists()
    for name in (
        "README.md",
        "course.yml",
        "requirements.txt",
        "lessons/01_data.ipynb",
        "autograder/checks/test_02_activations.py",
        "autograder/public/relu.json",
        "data/sample/train.csv.gz",
        "data/README.md",
    ):
        assert (bundle / name).is_file(), name


def test_no_reference_function_body_is_in_the_bundle(bundle):
    from autograder.release import find_solution_leaks, solution_bodies

    bodies = solution_bodies()
    assert len(bodies) >= 20 and all(bodies.values())
    assert find_solution_leaks(bundle) == []


def test_the_leak_search_finds_a_planted_solution(bundle, tmp_path):
    from autograder.release import find_solution_leaks

    planted = tmp_path / "planted"
    shutil.copytree(bundle / "lessons", planted)
    nb = nbformat.read(SOLUTIONS / "03_forward.ipynb", as_version=4)
    nbformat.write(nb, planted / "03_forward.ipynb")
    leaks = find_solution_leaks(planted)
    assert any("forward" in leak for leak in leaks)


def _course(bundle: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "autograder.cli", *args],
        capture_output=True,
        text=True,
        cwd=bundle,
        env=_env(bundle),
        timeout=600,
        check=False,
    )


def test_course_check_in_the_bundle_uses_the_public_checks(bundle):
    done = _course(bundle, "check", "lessons/02_activations.ipynb")
    assert done.returncode == 0, done.stderr
    assert "public checks" in done.stdout
    assert done.stdout.count("not implemented") == 3
    assert "total: 0/" in done.stdout


def test_course_check_in_the_bundle_gives_full_marks_to_finished_work(bundle, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    for name in ("01_data.ipynb", "02_activations.ipynb", "03_forward.ipynb"):
        shutil.copy(SOLUTIONS / name, work / name)
    done = _course(bundle, "check", str(work))
    assert done.returncode == 0, done.stderr
    assert "failed" not in done.stdout and "not implemented" not in done.stdout, done.stdout


def test_check_in_a_notebook_works_in_the_bundle(bundle, tmp_path):
    work = tmp_path / "nb"
    shutil.copytree(bundle / "lessons", work)
    shutil.copy(SOLUTIONS / "02_activations.ipynb", work / "02_activations.ipynb")
    nb = nbformat.read(work / "02_activations.ipynb", as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(work)}}
    )
    old = dict(os.environ)
    os.environ.update(_env(bundle))
    try:
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(old)
    texts = [
        "".join(o.get("text", "") for o in c.outputs if o.get("output_type") == "stream")
        for c in nb.cells
        if c.cell_type == "code" and c.source.startswith("check(")
    ]
    assert texts and all(t.startswith("✓") for t in texts), texts
