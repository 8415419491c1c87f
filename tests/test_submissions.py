"""Finding a student's notebooks the way instructors collect them (no grading: just which files)."""

from __future__ import annotations

import os
import shutil

import pytest

from autograder.config import load_course
from autograder.grading.classes.students import find_students
from autograder.grading.engine.submissions import (
    StudentWork,
    Submission,
    find_notebooks,
    lesson_in_name,
    loose_owner,
)
from tests.conftest import LESSONS, SOLUTIONS

COURSE = load_course()


@pytest.mark.parametrize(
    "name, found",
    [
        ("01_data.ipynb", True),
        ("01_data-Copy1.ipynb", True),
        ("01_data (1).ipynb", True),
        ("dave_12345_01_data.ipynb", True),
        ("01_DATA.ipynb", True),
        ("01_data_v2.ipynb", True),
        ("101_data.ipynb", False),
        ("01_database.ipynb", False),
        ("01_data.py", False),
        ("notes.ipynb", False),
    ],
)
def test_a_name_contains_the_lesson_when_it_stands_apart(name, found):
    assert (lesson_in_name(name, "01_data.ipynb") is not None) == found


@pytest.mark.parametrize(
    "name, owner",
    [
        ("dave_01_data.ipynb", "dave"),
        ("dave_12345_01_data.ipynb", "dave_12345"),
        ("smithjohn_4321_9876_01_data.ipynb", "smithjohn_4321"),  # Canvas
        ("smithjohn_LATE_4321_9877_02_activations.ipynb", "smithjohn_4321"),  # Canvas, late
        ("John Smith_4321_assignsubmission_file_01_data.ipynb", "John Smith_4321"),  # Moodle
        ("PS1_jsmith_attempt_2026-11-20-10-00-00_01_data.ipynb", "PS1_jsmith"),  # Blackboard
        ("01_data.ipynb", None),
        ("notes.ipynb", None),
    ],
)
def test_the_owner_of_a_loose_notebook(name, owner):
    assert loose_owner(name, COURSE) == owner


def _put(path, source=SOLUTIONS / "01_data.ipynb"):
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, path)


def test_an_nbgrader_course_folder_is_graded_from_submitted(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    _put(tmp_path / "submitted" / "zoe" / "ps1" / "01_data.ipynb")
    _put(tmp_path / "submitted" / "zoe" / "ps2" / "02_activations.ipynb")
    _put(tmp_path / "source" / "ps1" / "01_data.ipynb")
    roster = find_students(tmp_path, COURSE)
    assert roster.folder == tmp_path / "submitted"
    assert [s.name for s in roster.students] == ["zoe"]
    assert [f.shown for f in roster.students[0].files] == [
        "ps1/01_data.ipynb",
        "ps2/02_activations.ipynb",
    ]


def test_loose_notebooks_join_their_student_and_the_nameless_are_named(tmp_path):
    _put(tmp_path / "dave" / "01_data.ipynb")
    _put(tmp_path / "dave_02_activations.ipynb")
    _put(tmp_path / "01_data.ipynb")
    (tmp_path / "grades.csv").write_text("")
    roster = find_students(tmp_path, COURSE)
    assert [s.name for s in roster.students] == ["dave"]
    assert {f.shown for f in roster.students[0].files} == {
        "01_data.ipynb",
        "dave_02_activations.ipynb",
    }
    assert roster.warnings == [
        (
            "01_data.ipynb lies in the class folder without a student's name before the "
            "lesson's name (<student>_<lesson>.ipynb), so it was not graded."
        )
    ]


def test_hidden_folders_and_links_to_folders_are_not_looked_into(tmp_path):
    student = tmp_path / "alice"
    _put(student / ".ipynb_checkpoints" / "01_data-checkpoint.ipynb")
    _put(student / "__MACOSX" / "01_data.ipynb")
    (student / "answers").symlink_to(SOLUTIONS)
    files, notes = find_notebooks(student)
    assert files == []
    assert notes == ["answers/ is a symbolic link to a folder; not followed."]


def _choose(tmp_path, files: dict[str, object]) -> Submission:
    student = tmp_path / "student"
    for name, source in files.items():
        if source == "folder":
            (student / name).mkdir(parents=True)
        else:
            _put(student / name, source)
    found, notes = find_notebooks(student)
    return Submission.from_work(StudentWork("student", found, notes), COURSE)


def test_the_exact_name_wins_over_a_copy(tmp_path):
    submission = _choose(
        tmp_path,
        {
            "02_activations.ipynb": LESSONS / "02_activations.ipynb",
            "02_activations-Copy1.ipynb": SOLUTIONS / "02_activations.ipynb",
        },
    )
    assert submission.files["02_activations"] == "02_activations.ipynb"
    assert submission.warnings == [
        (
            "02_activations-Copy1.ipynb was not graded; 02_activations.ipynb was graded for "
            "lesson 02_activations. Both define `relu`, `relu_derivative`, `softmax`; the exact "
            "name wins."
        )
    ]
    assert "02_activations" not in submission.missing and "01_data" in submission.missing


def test_among_copies_the_one_with_more_work_is_graded(tmp_path):
    submission = _choose(
        tmp_path,
        {
            "02_activations (1).ipynb": LESSONS / "02_activations.ipynb",
            "02_activations (2).ipynb": SOLUTIONS / "02_activations.ipynb",
        },
    )
    assert submission.files["02_activations"] == "02_activations (2).ipynb"
    assert submission.warnings[0] == (
        "02_activations (2).ipynb was graded as 02_activations.ipynb (no file had that exact name)."
    )
    assert "the one with more of the lesson's functions written wins" in submission.warnings[1]


def test_an_unreadable_exact_file_gives_way_to_a_readable_copy(tmp_path):
    submission = _choose(
        tmp_path,
        {
            "02_activations.ipynb": "folder",
            "02_activations-Copy1.ipynb": SOLUTIONS / "02_activations.ipynb",
        },
    )
    assert submission.files["02_activations"] == "02_activations-Copy1.ipynb"
    assert any(
        w.startswith("02_activations.ipynb was not graded: 02_activations.ipynb is a folder")
        for w in submission.warnings
    )


def test_every_notebook_not_graded_is_named(tmp_path):
    submission = _choose(
        tmp_path,
        {
            "ps1/01_data.ipynb": SOLUTIONS / "01_data.ipynb",
            "ps2/01_data.ipynb": LESSONS / "01_data.ipynb",
            "01_data-Copy1.ipynb": LESSONS / "01_data.ipynb",
            "homework.ipynb": LESSONS / "01_data.ipynb",
        },
    )
    assert submission.files["01_data"] == "ps1/01_data.ipynb"
    named = " ".join(submission.warnings)
    for unused in ("ps2/01_data.ipynb", "01_data-Copy1.ipynb", "homework.ipynb"):
        assert f"{unused} " in named
    assert len(submission.warnings) == 3


def test_a_folder_with_bytes_that_are_not_utf8_is_read(tmp_path):
    folder = tmp_path / os.fsdecode(b"caf\xe9")
    _put(folder / "01_data.ipynb")
    submission = Submission.from_path(folder, COURSE)
    assert "split_features_labels" in submission.notebooks["01_data"].defined_names()
    request = StudentWork.from_request(find_students(tmp_path, COURSE).students[0].to_request())
    assert request.name == os.fsdecode(b"caf\xe9") and request.files[0].path.is_file()
