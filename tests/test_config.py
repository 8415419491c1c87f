"""course.yml: read, validated, and a clear error for each kind of mistake in it."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from autograder.config import COURSE_FILE, CourseError, load_course, parse_course
from tests.conftest import ROOT


def _raw():
    return yaml.safe_load(COURSE_FILE.read_text())


def test_the_course_file_is_valid_and_complete():
    course = load_course()
    assert [lesson.id for lesson in course.lessons][:2] == ["01_data", "02_activations"]
    assert len(course.exercises) == 23
    for exercise in course.exercises:
        assert exercise.checks, f"{exercise.function} has no checks"
        assert abs(sum(exercise.checks.values()) - exercise.points) < 1e-9


def test_every_check_named_in_course_yml_exists_and_every_test_is_named():
    import ast

    from autograder.config import CHECKS_DIR

    course = load_course()
    for lesson in course.lessons:
        tree = ast.parse((CHECKS_DIR / f"{lesson.checks_module}.py").read_text())
        tests = {
            n.name
            for n in tree.body
            if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")
        }
        named = {check for e in lesson.exercises for check in e.checks}
        assert named == tests, (
            f"{lesson.id}: only in course.yml {named - tests}, only in the module {tests - named}"
        )


def _broken(mutate):
    raw = _raw()
    mutate(raw)
    return raw


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda r: r.clear(), "'lessons' should be a non-empty list"),
        (lambda r: r["lessons"][0].pop("notebook"), "has no 'notebook'"),
        (lambda r: r["lessons"][0].update(notebook="data.txt"), "should name an .ipynb"),
        (lambda r: r["lessons"][0]["exercises"][0].update(points=0), "needs positive points"),
        (lambda r: r["lessons"][0]["exercises"][0].update(points="two"), "needs positive points"),
        (
            lambda r: r["lessons"][1]["exercises"].append(
                {"function": "split_features_labels", "points": 1}
            ),
            "listed twice",
        ),
        (
            lambda r: r["lessons"][0]["exercises"][0].update(function="not a name"),
            "not a valid function name",
        ),
        (
            lambda r: r["lessons"][0]["exercises"][0]["checks"].update(extra_check=1),
            "should be a test_ function",
        ),
        (lambda r: r["lessons"][0]["exercises"][0]["checks"].update(test_more=5), "add up to"),
        (lambda r: r.update(grading={"timeout": 3}), "unknown setting"),
        (lambda r: r.update(grading=[1]), "'grading' should be a mapping"),
        (lambda r: r.update(data={"env_var": "COURSE_DATA"}), "'data' has an unknown setting"),
        (lambda r: r["data"].update(full_dev_size=0), "data.full_dev_size should be a whole"),
        (lambda r: r["data"].update(full_dev_size="1000"), "data.full_dev_size should be a whole"),
        (lambda r: r.update(data=[1]), "'data' should be a mapping"),
    ],
)
def test_malformed_course_yml_names_the_problem(mutate, message):
    with pytest.raises(CourseError) as error:
        parse_course(_broken(mutate))
    assert message in str(error.value)


def test_the_data_settings_are_read():
    assert load_course().data.full_dev_size == _raw()["data"]["full_dev_size"]


def test_not_yaml_at_all(tmp_path):
    path = tmp_path / "course.yml"
    path.write_text("lessons: [unclosed")
    with pytest.raises(CourseError, match="not valid YAML"):
        load_course(path)


def test_the_command_reports_a_broken_course_yml_without_a_traceback(tmp_path):
    import shutil

    copy = tmp_path / "course"
    shutil.copytree(
        ROOT / "autograder", copy / "autograder", ignore=shutil.ignore_patterns("__pycache__")
    )
    (copy / "course.yml").write_text("lessons: 3\n")
    done = subprocess.run(
        [sys.executable, "-m", "autograder.cli", "check"],
        cwd=copy,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "'lessons' should be a non-empty list" in done.stderr
    assert "Traceback" not in done.stderr
