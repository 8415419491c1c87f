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


# -- staleness comes from the sources, never from the bits of float results -------------------------


@pytest.fixture
def course_copy(tmp_path):
    """A copy of the course (package, solutions, lessons, course.yml) that a test may edit."""
    copy = tmp_path / "course"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for name in ("autograder", "solutions", "lessons"):
        shutil.copytree(ROOT / name, copy / name, ignore=ignore)
    shutil.copy(ROOT / "course.yml", copy / "course.yml")
    return copy


def course_in(copy, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    environment = {k: v for k, v in os.environ.items() if k != "COURSE_SOLUTIONS"}
    environment.update(PYTHONPATH=str(copy), **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "autograder.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=copy,
        timeout=600,
        check=False,
    )


def stale_names(done: subprocess.CompletedProcess) -> set[str]:
    return {line.strip() for line in done.stderr.splitlines() if line.startswith("  ")}


def test_build_check_fails_when_a_solution_changes_but_its_lesson_does_not(course_copy):
    path = course_copy / "solutions" / "02_activations.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "relu")
    assert "return np.maximum(Z, 0.0)" in cell.source
    cell.source = cell.source.replace("return np.maximum(Z, 0.0)", "return np.maximum(0.0, Z)")
    nbformat.write(nb, path)
    done = course_in(course_copy, "build", "--check")
    assert done.returncode == 1, done.stdout + done.stderr
    stale = stale_names(done)
    assert "autograder/public/relu.json" in stale
    assert not any(name.startswith("lessons/") for name in stale), stale  # same stub, same text


def test_build_check_fails_when_a_check_module_changes(course_copy):
    module = course_copy / "autograder" / "checks" / "test_02_activations.py"
    module.write_text(module.read_text() + "\n# an edit\n")
    done = course_in(course_copy, "build", "--check")
    assert done.returncode == 1, done.stdout + done.stderr
    assert stale_names(done) == {
        "autograder/public/relu.json",
        "autograder/public/relu_derivative.json",
        "autograder/public/softmax.json",
    }


def test_build_check_fails_when_course_yml_changes_but_not_for_a_comment(course_copy):
    manifest = course_copy / "course.yml"
    text = manifest.read_text()
    manifest.write_text("# a comment changes nothing\n" + text)
    assert course_in(course_copy, "build", "--check").returncode == 0
    assert "public_seed: 20261125" in text
    manifest.write_text(text.replace("public_seed: 20261125", "public_seed: 7"))
    done = course_in(course_copy, "build", "--check")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "autograder/public/forward.json" in stale_names(done)


def test_build_check_fails_when_a_public_file_is_edited_by_hand(course_copy):
    path = course_copy / "autograder" / "public" / "relu.json"
    document = json.loads(path.read_text())
    document["cases"] = document["cases"][:-1]
    path.write_text(json.dumps(document, indent=1) + "\n")
    done = course_in(course_copy, "build", "--check")
    assert done.returncode == 1 and stale_names(done) == {"autograder/public/relu.json"}


def test_a_rebuild_after_a_change_keeps_numbers_that_agree_within_the_checks_tolerance(course_copy):
    before = {p.name: p.read_text() for p in (course_copy / "autograder" / "public").glob("*.json")}
    manifest = course_copy / "course.yml"
    manifest.write_text(
        manifest.read_text().replace("timeout_seconds: 20 ", "timeout_seconds: 25 ")
    )
    done = course_in(course_copy, "build", env={"OPENBLAS_CORETYPE": "Prescott"})
    assert done.returncode == 0, done.stderr
    # Trained parameters (many steps, float32) may part ways across BLAS kernels beyond any
    # tolerance; no check compares them with stored values (the training checks test
    # properties), so those two files may take the new numbers.
    trained = {"gradient_descent.json", "minibatch_sgd.json"}
    for name, text in before.items():
        after = (course_copy / "autograder" / "public" / name).read_text()
        if name in trained:
            continue
        changed = [
            (a, b) for a, b in zip(text.splitlines(), after.splitlines(), strict=True) if a != b
        ]
        assert len(changed) == 1 and '"sources"' in changed[0][0], (name, changed[:3])
    assert course_in(course_copy, "build", "--check").returncode == 0


RENDER = """
import hashlib, sys
from autograder.config import load_course
from autograder.grading.engine.cases import import_checks
from autograder.authoring.build import public_text
from autograder.reference import load_reference
course = load_course()
import_checks(course, {lesson.id for lesson in course.lessons})
text = public_text(sys.argv[1], load_reference(), course.grading.public_seed)
sys.stdout.write(text)
"""


def render_under(kernel: str | None, function: str) -> str:
    import os

    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    if kernel:
        env["OPENBLAS_CORETYPE"] = kernel
    done = subprocess.run(
        [sys.executable, "-c", RENDER, function],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
        check=True,
    )
    return done.stdout


def test_build_check_passes_when_only_the_blas_kernel_differs():
    """On a kernel whose float32 results differ in their last bits, the public cases come out
    different byte for byte, yet within the checks' tolerances, and `build --check` passes."""
    from autograder.authoring.staleness import same_within_tolerance

    here = render_under(None, "forward")
    for kernel in ("Prescott", "Sandybridge", "Haswell", "Zen", "SkylakeX"):
        there = render_under(kernel, "forward")
        if there != here:
            break
    else:
        pytest.skip("no other BLAS kernel on this machine rounds differently")
    assert same_within_tolerance(json.loads(here), json.loads(there))
    done = course("build", "--check", env={"OPENBLAS_CORETYPE": kernel})
    assert done.returncode == 0, done.stdout + done.stderr


def test_tolerance_comparison_tells_rounding_from_a_change():
    import base64

    import numpy as np

    from autograder import codec
    from autograder.authoring.staleness import same_within_tolerance
    from autograder.config import PUBLIC_DIR

    document = json.loads((PUBLIC_DIR / "forward.json").read_text())
    arrays = codec.InlineArrays(document["arrays"])
    key = next(k for k in document["arrays"] if arrays.get(k).dtype == np.float32)

    def with_array(value: np.ndarray) -> dict:
        changed = dict(document["arrays"])
        changed[key] = base64.b64encode(codec.array_to_npy(value)).decode("ascii")
        return {**document, "arrays": changed}

    original = arrays.get(key)
    two_ulps_up = np.nextafter(np.nextafter(original, np.inf), np.inf)
    assert same_within_tolerance(document, with_array(two_ulps_up))
    assert not same_within_tolerance(document, with_array(original * np.float32(1.01)))
    assert not same_within_tolerance(document, with_array(original.astype(np.float64)))


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
    assert lesson.metadata["digits_from_scratch"]["generated_from"] == f"solutions/{name}"
    header = lesson.cells[0]
    assert header.cell_type == "markdown" and "check(" in header.source and "hint(" in header.source
    assert "solutions/" not in header.source and "build" not in header.source  # a learner's words
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
