"""The `course` command end to end: full marks for the solutions, zero for the lessons, exit codes."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def course(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "autograder.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_check_gives_the_solutions_full_marks():
    done = course("check", "solutions", "--min-score", "100", "--seed", "99")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "total: 62/62 points (+4 bonus)" in done.stdout
    rows = [line.split() for line in done.stdout.splitlines() if line[:2].isdigit()]
    assert len(rows) == 23 and all(row[-1] == "passed" for row in rows), done.stdout


def test_check_gives_the_lessons_zero_with_not_implemented_yet():
    done = course("check", "lessons", "--seed", "99")
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if line[:2].isdigit()]
    assert len(rows) == 23
    assert all("not implemented" in row and " 0/" in row for row in rows), rows
    assert "total: 0/62 points" in done.stdout


def test_min_score_is_a_gate():
    done = course("check", "lessons/02_activations.ipynb", "--min-score", "50")
    assert done.returncode == 1
    assert "below --min-score" in done.stderr


def test_one_function_can_be_checked():
    done = course("check", "solutions/02_activations.ipynb", "--function", "softmax")
    assert done.returncode == 0
    assert "softmax" in done.stdout and "relu " not in done.stdout


def test_bad_paths_get_a_message_and_exit_2(tmp_path):
    for args, message in [
        (("check", str(tmp_path / "missing")), "does not exist"),
        (("check", str(tmp_path)), "holds no lesson notebooks"),
        (("grade", str(tmp_path / "missing")), "is not a folder"),
        (("grade", str(tmp_path)), "no student sub-folders"),
        (("check", "--function", "nonsense", "solutions"), "unknown function"),
    ]:
        done = course(*args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert message in done.stderr
        assert "Traceback" not in done.stderr


def test_a_notebook_that_is_not_a_lesson_is_refused(tmp_path):
    other = tmp_path / "homework.ipynb"
    other.write_text("{}")
    done = course("check", str(other))
    assert done.returncode == 2 and "not a lesson notebook" in done.stderr


def test_verbose_shows_every_failing_check_with_its_whole_hint(submission_factory):
    wrong_axis = "def softmax(Z):\n    e = np.exp(Z - Z.max())\n    return e / e.sum(axis=0)\n"
    folder = submission_factory({"softmax": wrong_axis}, lessons=["02_activations"])
    notebook = str(folder / "02_activations.ipynb")
    short = course("check", notebook, "--function", "softmax", "--seed", "5")
    full = course("check", notebook, "--function", "softmax", "--seed", "5", "-v")
    hint = "softmax normalises each row (axis=1): one row per example."
    assert hint not in short.stdout  # the table cuts its messages
    assert full.returncode == 0, full.stderr
    details = full.stdout.split("total:")[1]
    assert "softmax (02_activations):" in details and hint in details, full.stdout
    assert details.count("✗") >= 2, details  # each failing check, not only the first
