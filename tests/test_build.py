"""The build: lessons and public cases come from solutions/, and CI notices when they are stale."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import nbformat
import pytest

from tests.conftest import LESSONS, ROOT, SOLUTIONS, replace_function


def course(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    environment = dict(os.environ)
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "autograder.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        timeout=600,
        check=False,
    )


def test_build_is_up_to_date():
    done = course("build", "--check")
    assert done.returncode == 0, done.stderr + done.stdout


def test_build_check_fails_after_a_solution_is_edited_without_a_rebuild(tmp_path):
    edited = tmp_path / "solutions"
    shutil.copytree(SOLUTIONS, edited)
    nb = nbformat.read(edited / "02_activations.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "relu")
    assert '"""' in cell.source
    cell.source = cell.source.replace('"""', '"""Edited. ', 1)
    nbformat.write(nb, edited / "02_activations.ipynb")
    done = course("build", "--check", env={"COURSE_SOLUTIONS": str(edited)})
    assert done.returncode == 1, done.stdout + done.stderr
    assert "lessons/02_activations.ipynb" in done.stderr
    assert "lessons/01_data.ipynb" not in done.stderr


def test_build_check_fails_when_a_points_value_disagrees_with_course_yml(tmp_path):
    edited = tmp_path / "solutions"
    shutil.copytree(SOLUTIONS, edited)
    nb = nbformat.read(edited / "02_activations.ipynb", as_version=4)
    cell = next(
        c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "check_relu"
    )
    cell.metadata["nbgrader"]["points"] = 99
    nbformat.write(nb, edited / "02_activations.ipynb")
    done = course("build", "--check", env={"COURSE_SOLUTIONS": str(edited)})
    assert done.returncode == 2
    assert "check_relu" in done.stderr and "99" in done.stderr


def _graded_cells(path):
    nb = nbformat.read(path, as_version=4)
    return {
        c.metadata["nbgrader"]["grade_id"]: c
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"
    }, nb


@pytest.mark.parametrize("name", sorted(p.name for p in SOLUTIONS.glob("*.ipynb")))
def test_lesson_stubs_keep_signature_and_docstring_and_drop_the_solution(name):
    solution_cells, _ = _graded_cells(SOLUTIONS / name)
    lesson_cells, lesson = _graded_cells(LESSONS / name)
    assert lesson.cells[0].cell_type == "markdown" and "generated" in lesson.cells[0].source
    assert set(solution_cells) == set(lesson_cells)
    for function, cell in lesson_cells.items():
        source = cell.source
        assert f"def {function}(" in source
        assert '"""' in source, f"{function}: the docstring was lost"
        assert "YOUR CODE HERE (about" in source
        assert f'raise NotImplementedError("{function}")' in source
        assert "BEGIN SOLUTION" not in source and "END SOLUTION" not in source
        solution_body = (
            solution_cells[function]
            .source.split("### BEGIN SOLUTION")[1]
            .split("### END SOLUTION")[0]
        )
        stub_code = source.split('"""')[
            -1
        ]  # what follows the docstring (which may state the equations)
        for line in solution_body.strip().splitlines():
            if line.strip() and not line.strip().startswith("#") and len(line.strip()) > 12:
                assert line.strip() not in stub_code, (
                    f"{function}: solution line left in the stub: {line.strip()}"
                )
    for cell in lesson.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None


def test_public_cases_are_plain_json_and_name_their_function():
    from autograder.config import PUBLIC_DIR, load_course

    for exercise in load_course().exercises:
        document = json.loads((PUBLIC_DIR / f"{exercise.function}.json").read_text())
        assert document["function"] == exercise.function
        assert document["cases"], exercise.function


def test_lesson_notebooks_are_valid_nbgrader_source_notebooks():
    from nbgrader.preprocessors import CheckCellMetadata

    for path in sorted(SOLUTIONS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        CheckCellMetadata().preprocess(nb, {})  # raises on malformed nbgrader metadata


def test_replace_function_helper_finds_solution_cells():
    nb = nbformat.read(SOLUTIONS / "02_activations.ipynb", as_version=4)
    replace_function(nb, "relu", "def relu(Z):\n    return Z")
    assert any(c.source == "def relu(Z):\n    return Z" for c in nb.cells)
