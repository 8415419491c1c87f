"""A class graded in one command: the whole grades.csv is compared with the expected one.

The class mixes honest work (complete, untouched, partly done, a notebook missing, only some
lessons) with broken notebooks and attacks; every honest function must get exactly its points,
and the batch must finish in bounded time.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from tests.conftest import (
    LESSONS,
    ROOT,
    SOLUTIONS,
    own_processes,
    replace_function,
    stray_processes,
)
from tests.scoreboard import TIMINGS

TIMEOUT = 5  # seconds per graded function; the attackers' endless loops stop here


def _copy(source: Path, folder: Path, notebooks: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in notebooks:
        shutil.copy(source / name, folder / name)


def _solution_cell(notebook: str, function: str) -> str:
    nb = nbformat.read(SOLUTIONS / notebook, as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == function:
            return cell.source
    raise KeyError(function)


def _edited(
    source_dir: Path, notebook: str, replacements: dict[str, str], destination: Path
) -> None:
    nb = nbformat.read(source_dir / notebook, as_version=4)
    for function, text in replacements.items():
        replace_function(nb, function, text)
    nbformat.write(nb, destination / notebook)


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    from autograder.config import load_course

    course = load_course()
    everything = [lesson.notebook for lesson in course.lessons]
    functions = [e.function for e in course.exercises]
    full = {e.function: e.points for e in course.exercises}
    zero = {f: 0.0 for f in functions}
    root = tmp_path_factory.mktemp("class")
    subs = root / "submissions"
    expected: dict[str, dict[str, float]] = {}

    _copy(SOLUTIONS, subs / "alice", everything)  # complete
    expected["alice"] = dict(full)

    _copy(LESSONS, subs / "bob", everything)  # untouched
    expected["bob"] = dict(zero)

    # partly done: lessons 01 and 02 finished in the lesson notebooks, the rest untouched
    _copy(LESSONS, subs / "carol", everything)
    for lesson_id in ("01_data", "02_activations"):
        lesson = course.lesson(lesson_id)
        done = {e.function: _solution_cell(lesson.notebook, e.function) for e in lesson.exercises}
        _edited(LESSONS, lesson.notebook, done, subs / "carol")
    expected["carol"] = {
        f: (full[f] if course.exercise(f).lesson in ("01_data", "02_activations") else 0.0)
        for f in functions
    }

    _copy(
        SOLUTIONS, subs / "dave", [n for n in everything if n != "04_backprop.ipynb"]
    )  # one notebook missing
    expected["dave"] = {
        f: (0.0 if course.exercise(f).lesson == "04_backprop" else full[f]) for f in functions
    }

    _copy(SOLUTIONS, subs / "erin", everything)  # one notebook broken
    (subs / "erin" / "03_forward.ipynb").write_text('{"cells": [', encoding="utf-8")
    expected["erin"] = {
        f: (0.0 if course.exercise(f).lesson == "03_forward" else full[f]) for f in functions
    }

    _copy(SOLUTIONS, subs / "frank", everything)  # a renamed function
    _edited(
        SOLUTIONS,
        "02_activations.ipynb",
        {"relu": "def rectify(Z):\n    return np.maximum(Z, 0)"},
        subs / "frank",
    )
    expected["frank"] = {**full, "relu": 0.0}

    _copy(SOLUTIONS, subs / "grace", everything)  # an attacker
    _edited(
        SOLUTIONS,
        "02_activations.ipynb",
        {
            "relu": "def relu(Z):\n    while True:\n        pass",
            "softmax": "import os\n\ndef softmax(Z):\n    os._exit(0)",
        },
        subs / "grace",
    )
    _edited(
        SOLUTIONS,
        "06_evaluation.ipynb",
        {"accuracy": "def accuracy(y_pred, y_true):\n    print('x' * 10_000_000)\n    return 1.0"},
        subs / "grace",
    )
    expected["grace"] = {**full, "relu": 0.0, "softmax": 0.0, "accuracy": 0.0}

    (subs / "heidi").mkdir(parents=True)  # an empty folder
    expected["heidi"] = dict(zero)

    _copy(SOLUTIONS, subs / "ivan", ["01_data.ipynb", "02_activations.ipynb"])  # only two lessons
    expected["ivan"] = {
        f: (full[f] if course.exercise(f).lesson in ("01_data", "02_activations") else 0.0)
        for f in functions
    }

    _copy(SOLUTIONS, subs / "judy", everything)  # a syntax error in one cell
    _edited(
        SOLUTIONS,
        "03_forward.ipynb",
        {"forward": "def forward(X, params)\n    pass"},
        subs / "judy",
    )
    expected["judy"] = {**full, "forward": 0.0}

    _copy(SOLUTIONS, subs / "ken", everything)  # not notebooks at all, beside good ones
    (subs / "ken" / "01_data.ipynb").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (subs / "ken" / "notes.txt").write_text("hello")
    expected["ken"] = {
        f: (0.0 if course.exercise(f).lesson == "01_data" else full[f]) for f in functions
    }

    out = root / "out" / "grades.csv"
    before = own_processes()
    started = time.monotonic()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "autograder.cli",
            "grade",
            str(subs),
            "--out",
            str(out),
            "--quiet",
            "--timeout",
            str(TIMEOUT),
            "--seed",
            "4242",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=1500,
        check=False,
    )
    seconds = time.monotonic() - started
    TIMINGS[f"mixed class of {len(expected)} graded in"] = seconds
    time.sleep(0.3)
    leftover = stray_processes(before)
    return done, out, expected, functions, seconds, leftover


def test_class_grading_exits_cleanly(graded_class):
    done, out, *_ = graded_class
    assert done.returncode == 0, done.stderr
    assert out.is_file()


def test_grades_csv_is_exactly_the_expected_one(graded_class):
    _done, out, expected, functions, *_ = graded_class
    with out.open(newline="") as handle:
        rows = list(csv.reader(handle))
    header = ["student", *functions, "total", "needs_review"]
    assert rows[0] == header
    want = [header]
    for student in sorted(expected):
        points = expected[student]
        total = f"{sum(points.values()):g}"
        want.append([student, *[f"{points[f]:g}" for f in functions], total, ""])
    assert rows == want


def test_every_student_gets_markdown_and_html_feedback(graded_class):
    _, out, expected, *_ = graded_class
    feedback = out.parent / "feedback"
    for student in expected:
        markdown = (feedback / f"{student}.md").read_text()
        assert markdown.startswith(f"# Feedback for {student}")
        html = (feedback / f"{student}.html").read_text()
        assert "<table>" in html and "<script" not in html
    assert "not submitted" in (feedback / "dave.md").read_text()
    assert "not valid notebook json" in (feedback / "erin.md").read_text().lower()
    grace = (feedback / "grace.md").read_text()
    assert "time limit" in grace and "printed more than" in grace


def test_the_batch_is_bounded_and_leaves_nothing_running(graded_class):
    *_, seconds, leftover = graded_class
    assert not leftover
    assert seconds < 600
