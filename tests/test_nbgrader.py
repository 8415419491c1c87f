"""The solution notebooks work in a real nbgrader course: generate, submit, autograde."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import SOLUTIONS

NOTEBOOK = "02_activations.ipynb"

CONFIG = """
c = get_config()
c.CourseDirectory.course_id = "digits"
c.CourseDirectory.db_assignments = [dict(name="ps1")]
c.CourseDirectory.db_students = [dict(id="alice"), dict(id="bob")]
c.ExecutePreprocessor.timeout = 300
"""


def nbgrader(course_dir, *args):
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course_dir,
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(os.environ),
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


@pytest.mark.slow
def test_nbgrader_generates_the_assignment_and_autogrades_with_partial_credit(tmp_path):
    from nbgrader.api import Gradebook

    course_dir = tmp_path / "course"
    (course_dir / "source" / "ps1").mkdir(parents=True)
    (course_dir / "nbgrader_config.py").write_text(CONFIG)
    shutil.copy(SOLUTIONS / NOTEBOOK, course_dir / "source" / "ps1" / NOTEBOOK)
    nbgrader(course_dir, "generate_assignment", "ps1", "--force")
    released = course_dir / "release" / "ps1" / NOTEBOOK
    assert "BEGIN SOLUTION" not in released.read_text()
    for student, source in (("alice", course_dir / "source" / "ps1" / NOTEBOOK), ("bob", released)):
        folder = course_dir / "submitted" / student / "ps1"
        folder.mkdir(parents=True)
        shutil.copy(source, folder / NOTEBOOK)
    nbgrader(course_dir, "autograde", "ps1", "--force")
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook:
        alice = gradebook.find_submission("ps1", "alice")
        bob = gradebook.find_submission("ps1", "bob")
        assert alice.max_score == 7
        assert alice.score == 7, [(g.name, g.auto_score) for n in alice.notebooks for g in n.grades]
        assert bob.score == 0


def test_lesson_09_written_answers_are_graded_by_hand_and_left_out_of_course_yml():
    import nbformat

    from autograder.config import load_course
    from tests.conftest import LESSONS

    name = "09_deeper_networks.ipynb"
    solution = nbformat.read(SOLUTIONS / name, as_version=4)
    graded = [c for c in solution.cells if c.metadata.get("nbgrader", {}).get("grade")]
    written = [c for c in graded if c.cell_type == "markdown"]
    # nbgrader's "manually graded answer": a markdown cell that is both solution and graded
    assert [c.metadata["nbgrader"]["points"] for c in written] == [2, 2]
    assert all(c.metadata["nbgrader"]["solution"] for c in written)
    automatic = sum(c.metadata["nbgrader"]["points"] for c in graded if c.cell_type == "code")
    course_points = sum(e.points for e in load_course().lesson("09_deeper_networks").exercises)
    assert automatic == course_points == 18
    lesson = nbformat.read(LESSONS / name, as_version=4)
    ids = {c.metadata["nbgrader"]["grade_id"] for c in written}
    answers = [c.source for c in lesson.cells if c.metadata["nbgrader"]["grade_id"] in ids]
    assert answers == ["YOUR ANSWER HERE", "YOUR ANSWER HERE"]
