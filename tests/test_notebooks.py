"""Every solution and every lesson notebook executes top to bottom on the embedded sample."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbclient
import nbformat
import pytest

from tests.conftest import LESSONS, SOLUTIONS, check_results

NOTEBOOKS = sorted(p.name for p in SOLUTIONS.glob("*.ipynb"))


def _execute(folder: Path, name: str) -> nbformat.NotebookNode:
    nb = nbformat.read(folder / name, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    )
    client.execute()
    return nb


def _text(cell: nbformat.NotebookNode) -> str:
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(output.get("text", ""))
        elif "data" in output:
            parts.append(output["data"].get("text/plain", ""))
    return "".join(parts)


@pytest.fixture(scope="module")
def solution_copy(tmp_path_factory):
    folder = tmp_path_factory.mktemp("solutions")
    for path in SOLUTIONS.glob("*.ipynb"):
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="module")
def lesson_copy(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lessons")
    for path in LESSONS.glob("*.ipynb"):
        shutil.copy(path, folder / path.name)
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_solution_notebook_runs_and_gets_full_marks(name, solution_copy):
    from autograder.config import load_course

    nb = _execute(solution_copy, name)
    checks = check_results(nb)
    assert checks, f"{name} has no graded check cells"
    course = load_course()
    for function, verdict, plain in checks:
        assert verdict == "passed", f"check('{function}') in {name} showed: {verdict!r}"
        assert float(plain) == course.exercise(function).points  # what nbgrader reads
    skipped = [_text(c) for c in nb.cells if c.cell_type == "code" and "skipped:" in _text(c)]
    assert not skipped, f"{name}: a demonstration cell skipped in the solution: {skipped[0]!r}"


@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_lesson_notebook_runs_with_every_exercise_unfinished(name, lesson_copy):
    nb = _execute(lesson_copy, name)
    checks = check_results(nb)
    assert checks, f"{name} has no graded check cells"
    for function, verdict, plain in checks:
        assert verdict == "not-started", f"check('{function}') in {name} showed: {verdict!r}"
        assert plain == "0"
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output.get("output_type") != "error", (
                f"{name}: a cell raised {output.get('ename')}"
            )
