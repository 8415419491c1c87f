"""A class graded in one command: the whole grades.csv is compared with the expected one.

The class mixes honest work (complete, untouched, partly done, a notebook missing, only some
lessons) with broken notebooks and attacks, work collected in other layouts (nbgrader's
assignment folders, LMS file names, loose notebooks in the class folder) and folder names from
real class exports (bytes that are not UTF-8, 251 characters, formulas, markup, newlines);
every honest function must get exactly its points, and the batch must finish in bounded time.
"""

from __future__ import annotations

import csv
import os
import re
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

TIMEOUT = 5  # CPU seconds per graded function; the attackers' endless loops stop here

# Folder names from real class exports (as bytes: one is not UTF-8), and how grades.csv shows them.
ODD_NAMES = [
    b"caf\xe9",  # Latin-1, not UTF-8
    b"n" * 251,  # 251 + len(".html") is past the 255 bytes a file name may have
    b'=HYPERLINK("evil.example","click")<img src=x onerror=alert(1)>\n# heading | cell',
]
NASTY = os.fsdecode(ODD_NAMES[2])
SHOWN = {
    "caf\udce9": "caf\\xe9",
    NASTY: "'" + NASTY.replace("\n", "\\n"),
}


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

    first_two = {
        f: (full[f] if course.exercise(f).lesson in ("01_data", "02_activations") else 0.0)
        for f in functions
    }
    only_01 = {f: (full[f] if course.exercise(f).lesson == "01_data" else 0.0) for f in functions}

    # nbgrader's submitted/<student>/<assignment>/: a course split into two assignments
    _copy(SOLUTIONS, subs / "nadia" / "ps1", ["01_data.ipynb"])
    _copy(SOLUTIONS, subs / "nadia" / "ps2", ["02_activations.ipynb"])
    (subs / "nadia" / "ps2" / "timestamp.txt").write_text("2026-11-20 10:00:00")
    expected["nadia"] = dict(first_two)

    # names as Jupyter and LMS downloads make them, and a notebook that is not a lesson
    (subs / "oscar").mkdir()
    shutil.copy(SOLUTIONS / "01_data.ipynb", subs / "oscar" / "01_data-Copy1.ipynb")
    shutil.copy(SOLUTIONS / "02_activations.ipynb", subs / "oscar" / "02_activations (1).ipynb")
    shutil.copy(LESSONS / "01_data.ipynb", subs / "oscar" / "scratch.ipynb")
    expected["oscar"] = dict(first_two)

    # loose notebooks in the class folder, named by Canvas (name_userid_submissionid_file)
    shutil.copy(SOLUTIONS / "01_data.ipynb", subs / "quinn_4321_9876_01_data.ipynb")
    shutil.copy(SOLUTIONS / "02_activations.ipynb", subs / "quinn_4321_9877_02_activations.ipynb")
    expected["quinn_4321"] = dict(first_two)
    shutil.copy(SOLUTIONS / "01_data.ipynb", subs / "01_data.ipynb")  # whose? (a warning)

    # folder names from real class exports, each with one lesson
    for name in ODD_NAMES:
        folder = subs / os.fsdecode(name)
        _copy(SOLUTIONS, folder, ["01_data.ipynb"])
        expected[os.fsdecode(name)] = dict(only_01)

    _copy(SOLUTIONS, subs / "ivan", ["01_data.ipynb", "02_activations.ipynb"])  # only two lessons
    shutil.copy(SOLUTIONS / "03_forward.ipynb", subs / "ivan" / "Untitled.ipynb")  # stray work
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
            "--allow-empty",
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
    assert done.returncode == 0, done.stderr  # heidi's empty folder is allowed
    assert out.is_file()


def _rows(out: Path) -> list[list[str]]:
    with out.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_grades_csv_is_exactly_the_expected_one(graded_class):
    _done, out, expected, functions, *_ = graded_class
    rows = _rows(out)
    header = [
        "student",
        *functions,
        "required",
        "bonus",
        "penalty",
        "total",
        "max_points",
        "percent",
        "submitted_at",
        "time_source",
        "late_days",
        "overridden",
        "needs_review",
        "status",
        "seed",
        "feedback_file",
    ]
    assert rows[0] == header
    bonus = {e.function for e in _course().exercises if _course().lesson(e.lesson).bonus}
    want = [header[:-1]]
    for student in sorted(expected):
        points = expected[student]
        required = sum(p for f, p in points.items() if f not in bonus)
        extra = sum(p for f, p in points.items() if f in bonus)
        total = required + extra
        submitted = ["", "", ""]
        if student == "nadia":  # nbgrader's ps2/timestamp.txt, read even without a due date
            submitted = ["2026-11-20T10:00:00+00:00", "nbgrader's ps2/timestamp.txt", ""]
        want.append(
            [
                SHOWN.get(student, student),
                *[f"{points[f]:g}" for f in functions],
                f"{required:g}",
                f"{extra:g}",
                "0",
                f"{total:g}",
                "62",
                f"{total / 62 * 100:.1f}",
                *submitted,
                "",
                "",
                "empty" if student == "heidi" else "graded",
                "4242",
            ]
        )
    assert [row[:-1] for row in rows] == want


def _course():
    from autograder.config import load_course

    return load_course()


def test_odd_folder_names_get_safe_unique_feedback_files(graded_class):
    _, out, expected, *_ = graded_class
    rows = _rows(out)[1:]
    files = [row[-1] for row in rows]
    assert len(set(files)) == len(rows) == len(expected)
    for row, name in zip(rows, sorted(expected), strict=True):
        file_name = row[-1]
        assert re.fullmatch(r"[A-Za-z0-9_.-]{1,80}", file_name), file_name
        if name.isidentifier() and len(name) <= 80:
            assert file_name == name  # plain names are kept
        for suffix in (".md", ".html"):
            assert (out.parent / "feedback" / f"{file_name}{suffix}").is_file()


def test_every_student_gets_markdown_and_html_feedback(graded_class):
    _, out, *_ = graded_class
    feedback = out.parent / "feedback"
    for row in _rows(out)[1:]:
        student, file_name = row[0], row[-1]
        markdown = (feedback / f"{file_name}.md").read_text(encoding="utf-8")
        title = markdown.splitlines()[0]
        assert title.startswith("# Feedback for ") and "\n" not in title
        html = (feedback / f"{file_name}.html").read_text(encoding="utf-8")
        assert "<table>" in html and "<script" not in html and "<img" not in html
        if student.isidentifier():
            assert title == f"# Feedback for {student}"
    nasty = _file_of(out, SHOWN[NASTY])
    markdown = (feedback / f"{nasty}.md").read_text()
    assert markdown.splitlines()[0] == (  # one line: the newline shown, nothing opened
        '# Feedback for =HYPERLINK("evil.example","click")\\<img src=x onerror=alert(1)\\>'
        "\\\\n# heading \\| cell"
    )
    html = (feedback / f"{nasty}.html").read_text()
    assert "&lt;img src=x onerror=alert(1)&gt;\\n# heading | cell</h1>" in html
    assert "not submitted" in (feedback / "dave.md").read_text()
    assert "not valid notebook json" in (feedback / "erin.md").read_text().lower()
    grace = (feedback / "grace.md").read_text()
    assert "time limit" in grace and "printed more than" in grace


def _file_of(out: Path, shown: str) -> str:
    return next(row[-1] for row in _rows(out)[1:] if row[0] == shown)


def test_work_in_other_layouts_says_which_files_were_used(graded_class):
    done, out, *_ = graded_class
    feedback = out.parent / "feedback"
    oscar = (feedback / "oscar.md").read_text()
    assert "01_data-Copy1.ipynb was graded as 01_data.ipynb" in oscar
    assert "02_activations (1).ipynb was graded as 02_activations.ipynb" in oscar
    assert "scratch.ipynb is not one of the course" in oscar
    assert "warning: oscar: scratch.ipynb is not one of the course" in done.stderr
    assert "warning: 01_data.ipynb lies in the class folder without a student" in done.stderr
    # Canvas's download names are expected: one line for the class, no warning per file
    quinn = (feedback / "quinn_4321.md").read_text()
    assert "quinn_4321_9877_02_activations.ipynb" not in quinn
    assert "quinn_4321_9877" not in done.stderr
    assert (
        "note: 2 notebooks named by Canvas's download (name_userid_submissionid_) were graded "
        "as their lessons, for 1 student\n" in done.stderr
    )


def test_a_stray_notebook_with_graded_functions_is_called_out_last(graded_class):
    done, out, *_ = graded_class
    lines = done.stderr.strip().splitlines()
    stray = [i for i, line in enumerate(lines) if line.startswith("stray notebook:")]
    assert len(stray) == 2, done.stderr
    loose, ivan_line = (lines[i] for i in stray)
    assert loose.startswith(  # whose? its own code, in the class folder
        "stray notebook: 01_data.ipynb defines split_features_labels, normalize, train_dev_split, "
        "one_hot with code of its own, but lies in the class folder without a student's name"
    )
    assert ivan_line.startswith("stray notebook: ivan/Untitled.ipynb defines ")
    assert "forward, cross_entropy with code of its own, but its name is no lesson's" in ivan_line
    assert ivan_line.endswith("regrade with --only ivan.")
    assert min(stray) > max(i for i, line in enumerate(lines) if line.startswith("warning:"))
    ivan = (out.parent / "feedback" / "ivan.md").read_text()
    assert "Untitled.ipynb is a stray notebook: it defines the graded functions" in ivan
    # the untouched copy of a lesson in oscar's folder defines only stubs: an ordinary warning
    assert "stray notebook: oscar" not in done.stderr


def test_a_folder_without_notebooks_fails_the_run_unless_allowed(tmp_path):
    (tmp_path / "submissions" / "heidi").mkdir(parents=True)
    done = subprocess.run(
        [
            sys.executable, "-m", "autograder.cli", "grade", str(tmp_path / "submissions"),
            "--out", str(tmp_path / "grades.csv"), "--quiet",
        ],
        capture_output=True, text=True, cwd=ROOT, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "no lesson notebook was found for: heidi" in done.stderr
    assert "--allow-empty" in done.stderr
    assert _rows(tmp_path / "grades.csv")[1][0] == "heidi"  # the row is written all the same


def test_the_batch_is_bounded_and_leaves_nothing_running(graded_class):
    *_, seconds, leftover = graded_class
    assert not leftover
    assert seconds < 600
