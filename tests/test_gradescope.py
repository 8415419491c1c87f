"""The Gradescope autograder, end to end: built by `course gradescope`, unzipped under a temporary
AUTOGRADER_ROOT as Gradescope unzips it into /autograder/source, run on a submission, and its
results.json checked against Gradescope's documented format."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pandas as pd
import pytest

from tests.conftest import ROOT, SAMPLE, distinctive_solution_lines, write_submission

# Gradescope's results.json, as its autograder specification documents it
# (https://gradescope-autograders.readthedocs.io/en/latest/specs/, "Output format"): every key
# optional except that a score must be given at the top level or on every test.
FORMATS = ["text", "html", "simple_format", "md", "ansi"]
VISIBILITY = ["hidden", "after_due_date", "after_published", "visible"]
TEST_SCHEMA = {
    "type": "object",
    "properties": {
        "score": {"type": "number"},
        "max_score": {"type": "number"},
        "status": {"enum": ["passed", "failed"]},
        "name": {"type": "string"},
        "name_format": {"enum": FORMATS},
        "number": {"type": "string"},
        "output": {"type": "string"},
        "output_format": {"enum": FORMATS},
        "tags": {"type": "array", "items": {"type": "string"}},
        "visibility": {"enum": VISIBILITY},
        "extra_data": {"type": "object"},
    },
    "additionalProperties": False,
}
RESULTS_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "score": {"type": "number"},
        "execution_time": {"type": "number"},
        "output": {"type": "string"},
        "output_format": {"enum": FORMATS},
        "test_output_format": {"enum": FORMATS},
        "test_name_format": {"enum": FORMATS},
        "visibility": {"enum": VISIBILITY},
        "stdout_visibility": {"enum": VISIBILITY},
        "extra_data": {"type": "object"},
        "tests": {"type": "array", "items": TEST_SCHEMA},
        "leaderboard": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "value": {"type": ["number", "string"]},
                    "order": {"enum": ["asc", "desc"]},
                },
                "required": ["name", "value"],
                "additionalProperties": False,
            },
        },
    },
    "anyOf": [
        {"required": ["score"]},
        {"required": ["tests"], "properties": {"tests": {"items": {"required": ["score"]}}}},
    ],
    "additionalProperties": False,
}

SOLVED = ["01_data", "02_activations", "03_forward", "04_backprop"]


def unzip(archive: Path, root: Path) -> Path:
    """What Gradescope does: the zip into /autograder/source, run_autograder beside it."""
    source = root / "source"
    with zipfile.ZipFile(archive) as handle:
        handle.extractall(source)
    shutil.copy(source / "run_autograder", root / "run_autograder")
    (root / "run_autograder").chmod(0o755)
    return source


def run_autograder(root: Path, **extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # the zip's own package
    env.update(AUTOGRADER_ROOT=str(root), COURSE_PYTHON=sys.executable, **extra)
    return subprocess.run(
        [str(root / "run_autograder")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def gradescope_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("gradescope")
    archive = base / "autograder.zip"
    built = subprocess.run(
        [sys.executable, "-m", "autograder.cli", "gradescope", str(archive)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    root = base / "autograder"
    source = unzip(archive, root)
    submission = write_submission(root / "submission", lessons=SOLVED)
    key = pd.read_csv(SAMPLE / "answer_key.csv")
    key.loc[:49, "Label"] = (key.loc[:49, "Label"] + 1) % 10  # 50 of 1,000 wrong
    key.to_csv(submission / "submission.csv", index=False)
    done = run_autograder(root)
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    return built, archive, root, source, done, results


def test_the_zip_has_setup_and_run_autograder_at_its_root(gradescope_run):
    built, archive, *_ = gradescope_run
    with zipfile.ZipFile(archive) as handle:
        names = set(handle.namelist())
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in handle.infolist()}
    assert {"setup.sh", "run_autograder", "course.yml", "gradescope.json"} <= names
    assert modes["run_autograder"] & 0o111 and modes["setup.sh"] & 0o111
    assert any(n.startswith("solutions/") for n in names)  # the reference, kept by Gradescope
    assert "autograder/checks/test_02_activations.py" in names
    assert not any("__pycache__" in n for n in names)
    assert "autograder points to 62" in built.stdout


def test_setup_sh_is_valid_bash_that_installs_the_course(gradescope_run):
    *_, source, _done, _results = gradescope_run
    text = (source / "setup.sh").read_text()
    assert "pip install -r requirements.txt" in text
    # Written by root only, readable by whichever user grades (run_autograder closes it to
    # others when it runs as root): a grader that is not root can read its own reference.
    assert "chown -R root:root solutions" in text and "chmod -R u=rwX,go=rX solutions" in text
    assert "go-rwx" not in text
    checked = subprocess.run(
        ["bash", "-n", str(source / "setup.sh")], capture_output=True, check=False
    )
    assert checked.returncode == 0, checked.stderr


def test_run_autograder_grades_with_the_zipped_course(gradescope_run):
    *_, root, _source, done, _results = gradescope_run
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"with the course in {root / 'source'}" in done.stdout


def test_results_json_is_valid_against_gradescopes_format(gradescope_run):
    *_, results = gradescope_run
    jsonschema.validate(results, RESULTS_SCHEMA)


def test_the_schema_rejects_what_gradescope_would_not_read(gradescope_run):
    *_, results = gradescope_run
    broken = json.loads(json.dumps(results))
    broken["tests"][0]["status"] = "ok"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, RESULTS_SCHEMA)
    without_score = {"tests": [{"name": "relu", "max_score": 2}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(without_score, RESULTS_SCHEMA)


def test_score_is_the_sum_of_the_tests(gradescope_run):
    *_, results = gradescope_run
    assert results["score"] == pytest.approx(sum(t["score"] for t in results["tests"]))
    assert results["score"] == 37  # lessons 01-04: 9 + 7 + 10 + 11 points


def test_one_test_per_function_named_lesson_and_function_with_points_from_course_yml(
    gradescope_run, course
):
    *_, results = gradescope_run
    tests = {t["name"]: t for t in results["tests"]}
    assert len(tests) == len(course.exercises)
    for exercise in course.exercises:
        lesson = course.lesson(exercise.lesson)
        name = f"{exercise.lesson} · {exercise.function}" + (" (bonus)" if lesson.bonus else "")
        test = tests[name]
        if lesson.bonus:
            assert test["max_score"] == 0 and "bonus" in test["tags"]  # extra credit
        else:
            assert test["max_score"] == exercise.points
        if exercise.lesson in SOLVED:
            assert test["score"] == exercise.points and test["status"] == "passed", test
            assert f"✓ {exercise.function}" in test["output"]
        else:
            assert test["score"] == 0 and test["status"] == "failed"
            assert "was not submitted" in test["output"]


def test_leaderboard_has_the_accuracy_of_submission_csv(gradescope_run):
    *_, results = gradescope_run
    assert results["leaderboard"] == [{"name": "Accuracy", "value": 0.95, "order": "desc"}]
    assert "950 of 1,000" in results["output"]


def test_no_solution_line_in_anything_a_student_sees(gradescope_run):
    *_, root, source, _done, results = gradescope_run
    lines = distinctive_solution_lines()
    assert len(lines) > 40
    visible = [results["output"]] + [t["output"] for t in results["tests"]]
    visible += [p.read_text(errors="replace") for p in (root / "results").rglob("*") if p.is_file()]
    text = "\n".join(line.strip() for chunk in visible for line in chunk.splitlines())
    assert not [line for line in lines if line in text]
    solutions = "\n".join(p.read_text() for p in (source / "solutions").glob("*.ipynb"))
    assert all(json.dumps(line)[1:-1] in solutions for line in lines)  # the scan finds them


def test_a_mistake_is_named_in_the_functions_output(tmp_path):
    archive = tmp_path / "ps1.zip"
    from autograder.grading.platforms.gradescope import build_autograder

    summary = build_autograder(archive, lessons=["02"])
    assert "1 lessons, 3 graded functions, 7 points" in summary
    root = tmp_path / "autograder"
    unzip(archive, root)
    wrong_axis = (
        "def softmax(Z):\n    e = np.exp(Z - Z.max(axis=0, keepdims=True))\n"
        "    return e / e.sum(axis=0, keepdims=True)"
    )
    nested = root / "submission" / "my-work" / "lessons"
    write_submission(nested, lessons=["02_activations"], replacements={"softmax": wrong_axis})
    done = run_autograder(root)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(results, RESULTS_SCHEMA)
    tests = {t["name"]: t for t in results["tests"]}
    assert list(tests) == [
        "02_activations · relu",
        "02_activations · relu_derivative",
        "02_activations · softmax",
    ]
    assert results["score"] == 4
    assert "axis=0" in tests["02_activations · softmax"]["output"]
    assert "leaderboard" not in results


def _autograder(tmp_path: Path, lessons: list[str]) -> Path:
    from autograder.grading.platforms.gradescope import build_autograder

    archive = tmp_path / "ag.zip"
    build_autograder(archive, lessons=lessons)
    root = tmp_path / "autograder"
    unzip(archive, root)
    return root


def assert_failed_run(root: Path, done: subprocess.CompletedProcess, why: str) -> None:
    """Not a quiet zero: exit 2, no results.json (Gradescope shows a failed run), the reason
    for the instructor on standard output, and never a claim of public checks."""
    assert done.returncode == 2, done.stdout + done.stderr
    assert not (root / "results" / "results.json").exists()
    assert f"NOT GRADED: {why}" in done.stdout, done.stdout
    assert "Graded with the public checks" not in done.stdout


def test_a_missing_submission_is_a_failed_run_not_a_zero(tmp_path):
    root = _autograder(tmp_path, ["01_data"])
    done = run_autograder(root)  # no submission folder at all
    assert_failed_run(root, done, f"{root / 'submission'} does not exist")


def test_without_landlock_run_autograder_refuses_to_grade(tmp_path):
    root = _autograder(tmp_path, ["02_activations"])
    write_submission(root / "submission", lessons=["02_activations"])
    done = run_autograder(root, COURSE_SANDBOX_DISABLE="landlock")
    assert_failed_run(root, done, "refusing to grade untrusted work without Landlock")
    assert (
        "--allow-weak-isolation" in done.stdout and "COURSE_ALLOW_WEAK_ISOLATION=1" in done.stdout
    )


def test_an_instructor_who_accepts_the_risk_gets_grades_that_say_so(tmp_path):
    root = _autograder(tmp_path, ["02_activations"])
    write_submission(root / "submission", lessons=["02_activations"])
    done = run_autograder(root, COURSE_SANDBOX_DISABLE="seccomp", COURSE_ALLOW_WEAK_ISOLATION="1")
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(results, RESULTS_SCHEMA)
    assert results["score"] == 7
    assert (
        "Isolation: graded without seccomp (disabled by COURSE_SANDBOX_DISABLE)"
        in (results["output"])
    )
    assert results["extra_data"]["isolation"].startswith("graded without seccomp")


def test_an_unreadable_reference_is_a_failed_run_not_the_public_checks(tmp_path):
    root = _autograder(tmp_path, ["02_activations"])
    write_submission(root / "submission", lessons=["02_activations"])
    empty = tmp_path / "no-solutions"
    empty.mkdir()
    done = run_autograder(root, COURSE_SOLUTIONS=str(empty))
    assert_failed_run(root, done, f"the hidden checks cannot run: {empty} holds no solution")


def test_a_function_the_grader_failed_on_is_a_failed_run_with_the_feedback_kept(tmp_path):
    root = _autograder(tmp_path, ["02_activations"])
    write_submission(root / "submission", lessons=["02_activations"])
    broken = write_submission(
        tmp_path / "broken-reference",
        lessons=["02_activations"],
        replacements={"relu": "def relu(Z):\n    raise RuntimeError('a broken reference')"},
    )
    done = run_autograder(root, COURSE_SOLUTIONS=str(broken))
    assert_failed_run(root, done, "the grader itself failed on relu")
    kept = json.loads((root / "results" / "not-graded.json").read_text())
    tests = {t["name"]: t for t in kept["tests"]}
    assert "needs review" in tests["02_activations · relu"]["output"]
    assert tests["02_activations · softmax"]["score"] == 3


def test_gradescope_refuses_an_unknown_lesson(tmp_path):
    from autograder.grading.platforms.gradescope import GradescopeError, build_autograder

    with pytest.raises(GradescopeError, match="unknown lesson 42"):
        build_autograder(tmp_path / "x.zip", lessons=["42"])
    assert not (tmp_path / "x.zip").exists()
