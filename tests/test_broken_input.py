"""Broken notebooks: each gets a clear message and costs only its own notebook's points.

Each case is graded beside an intact notebook (lesson 01), which must keep every point.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import nbformat
import pytest

from tests.conftest import LESSONS as LESSONS_DIR
from tests.conftest import ROOT, SOLUTIONS, grade, replace_function
from tests.scoreboard import record

BROKEN = "02_activations.ipynb"
INTACT = "01_data.ipynb"
LESSONS = ["01_data", "02_activations"]


def _solution_json() -> dict:
    return json.loads((SOLUTIONS / BROKEN).read_text(encoding="utf-8"))


def _write_bytes(data: bytes):
    return lambda path: path.write_bytes(data)


def _write_json(value) -> callable:
    return lambda path: path.write_text(json.dumps(value), encoding="utf-8")


def _nbformat3(path):
    nb = nbformat.read(SOLUTIONS / BROKEN, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    old = nbformat.convert(nb, 3)
    path.write_text(nbformat.writes(old, version=3), encoding="utf-8")


def _no_cells(path):
    data = _solution_json()
    del data["cells"]
    path.write_text(json.dumps(data), encoding="utf-8")


def _duplicate_ids(path):
    data = _solution_json()
    for cell in data["cells"]:
        cell["id"] = "same-id"
    path.write_text(json.dumps(data), encoding="utf-8")


def _huge_markdown(path):
    data = _solution_json()
    assert data["cells"][0]["cell_type"] == "markdown"
    data["cells"][0]["source"] = "x" * (21 * 1024 * 1024)
    path.write_text(json.dumps(data), encoding="utf-8")


def _large_outputs(path):
    """30 MB, because one cell printed a lot; the code is a few kilobytes."""
    data = _solution_json()
    cell = next(c for c in data["cells"] if c["cell_type"] == "code")
    cell["outputs"] = [
        {"output_type": "stream", "name": "stdout", "text": ["x" * 999 + "\n"] * 30_000}
    ]
    path.write_text(json.dumps(data), encoding="utf-8")
    assert path.stat().st_size > 30_000_000


def _past_the_file_cap(path):
    from autograder.notebooks import MAX_NOTEBOOK_BYTES

    with path.open("wb") as handle:  # sparse: the size is real, nothing is written to disk
        handle.truncate(MAX_NOTEBOOK_BYTES + 1)


def _a_folder(path):
    path.mkdir()
    (path / "01_data.ipynb").write_bytes((SOLUTIONS / INTACT).read_bytes())


def _a_fifo(path):
    os.mkfifo(path)  # a reader that opens it waits for a writer that never comes


def _link_to(target):
    return lambda path: path.symlink_to(target)


def _renamed(name: str):
    def write(path):
        (path.parent / name).write_bytes((SOLUTIONS / BROKEN).read_bytes())

    return write


def _many_cells(path):
    data = _solution_json()
    filler = [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": f"filler-{i}",
            "metadata": {},
            "outputs": [],
            "source": f"x_{i} = {i}",
        }
        for i in range(10_000)
    ]
    data["cells"] = filler[:5000] + data["cells"] + filler[5000:]
    path.write_text(json.dumps(data), encoding="utf-8")


#: Real cells that CPython's parser fails on with other errors than SyntaxError.
MEMORY_ERROR_CELL = "x = " + "-" * 100_000 + "1\n\ndef relu(Z):\n    return np.maximum(Z, 0)"
RECURSION_ERROR_CELL = "x = a" + ".b" * 200_000 + "\n\ndef relu(Z):\n    return np.maximum(Z, 0)"
HUGE_CELL = "def relu(Z):\n    return np.maximum(Z, 0)\n" + "# padding\n" * 300_000


def _edit(function: str, source: str):
    def write(path):
        nb = nbformat.read(SOLUTIONS / BROKEN, as_version=4)
        replace_function(nb, function, source)
        nbformat.write(nb, path)

    return write


# name -> (how to write the broken notebook, substring of the message, lesson 02 fully lost?)
# (None: only relu is lost; for cases that are graded, the message is one of the warnings)
CASES = {
    "an empty file": (_write_bytes(b""), "is empty", True),
    "invalid JSON": (_write_bytes(b'{"cells": [ {"cell_type": '), "not valid notebook json", True),
    "a JSON list": (_write_json([1, 2, 3]), "json list", True),
    "no cells key": (_no_cells, "has no 'cells'", True),
    "bytes that are not UTF-8": (_write_bytes(b'{"cells": ["\xff\xfe\xfa"]}'), "not utf-8", True),
    "a notebook past the file cap": (_past_the_file_cap, "not read at all", True),
    "21 MB of markdown (graded)": (_huge_markdown, "", False),
    "a 30 MB notebook with large outputs (graded)": (_large_outputs, "", False),
    "a folder in place of the notebook": (_a_folder, "is a folder", True),
    "a FIFO in place of the notebook": (_a_fifo, "named pipe (fifo)", True),
    "a symbolic link to the solutions": (
        _link_to(SOLUTIONS / BROKEN),
        "symbolic link to something outside",
        True,
    ),
    "a symbolic link to /dev/zero": (_link_to("/dev/zero"), "outside the submission", True),
    "a -Copy1 name (graded)": (
        _renamed("02_activations-Copy1.ipynb"),
        "02_activations-copy1.ipynb was graded as 02_activations.ipynb",
        False,
    ),
    "an LMS name with a number (graded)": (
        _renamed("02_activations (1).ipynb"),
        "02_activations (1).ipynb was graded as",
        False,
    ),
    "an LMS name with the student's id (graded)": (
        _renamed("dave_12345_02_activations.ipynb"),
        "dave_12345_02_activations.ipynb was graded as",
        False,
    ),
    "a cell whose parse raises MemoryError": (
        _edit("relu", MEMORY_ERROR_CELL),
        "nested too deeply",
        None,
    ),
    "a cell whose parse raises RecursionError": (
        _edit("relu", RECURSION_ERROR_CELL),
        "nested too deeply",
        None,
    ),
    "3 MB of code in one cell": (_edit("relu", HUGE_CELL), "mb of code", None),
    "nbformat 3 (converted and graded)": (_nbformat3, "", False),
    "duplicate cell ids (graded)": (_duplicate_ids, "", False),
    "ten thousand cells (graded)": (_many_cells, "", False),
    "a renamed function": (
        _edit("relu", "def my_relu(Z):\n    return np.maximum(Z, 0)"),
        "does not define `relu`",
        None,
    ),
    "a deleted function": (_edit("relu", "# I deleted it"), "does not define `relu`", None),
    "a syntax error": (
        _edit("relu", "def relu(Z)\n    return np.maximum(Z, 0)"),
        "syntax error",
        None,
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_broken_notebook_costs_only_its_own_points(name, tmp_path):
    writer, message, whole_notebook_lost = CASES[name]
    folder = tmp_path / "student"
    folder.mkdir()
    (folder / INTACT).write_bytes((SOLUTIONS / INTACT).read_bytes())
    writer(folder / BROKEN)
    from autograder.config import load_course

    course = load_course()
    functions = [e.function for lesson in LESSONS for e in course.lesson(lesson).exercises]
    result = grade(folder, functions=functions, seed=5)
    by_function = {f.function: f for f in result.functions}
    problems = []
    for exercise in course.lesson("01_data").exercises:
        if by_function[exercise.function].points != exercise.points:
            problems.append(f"{exercise.function} lost points")
    lesson02 = [by_function[e.function] for e in course.lesson("02_activations").exercises]
    if whole_notebook_lost is True:
        if any(f.points for f in lesson02):
            problems.append("the broken notebook still earned points")
        text = " ".join(f.first_message for f in lesson02).lower()
        if message not in text:
            problems.append(f"message lacks {message!r}: {lesson02[0].first_message!r}")
    elif whole_notebook_lost is False:
        if any(f.points != f.max_points for f in lesson02):
            problems.append(
                f"an intact function lost points: {[f.first_message for f in lesson02]}"
            )
        if message and not any(message in w.lower() for w in result.warnings):
            problems.append(f"no warning says {message!r}: {result.warnings}")
    else:  # only relu is broken
        relu = by_function["relu"]
        if relu.points != 0 or message not in relu.first_message.lower():
            problems.append(f"relu: {relu.points} points, {relu.first_message!r}")
        for other in ("relu_derivative", "softmax"):
            if by_function[other].points != by_function[other].max_points:
                problems.append(f"{other} lost points: {by_function[other].first_message}")
    record("broken inputs", name, not problems, "; ".join(problems))
    assert not problems, problems


def test_the_exact_name_wins_and_the_feedback_says_so(tmp_path):
    from autograder.grading.reports.feedback import render_markdown

    folder = tmp_path / "student"
    folder.mkdir()
    (folder / BROKEN).write_bytes((SOLUTIONS / BROKEN).read_bytes())
    (folder / "02_activations-Copy1.ipynb").write_bytes((LESSONS_DIR / BROKEN).read_bytes())
    (folder / "scratch.ipynb").write_bytes((LESSONS_DIR / BROKEN).read_bytes())
    result = grade(folder, functions=["relu", "softmax"], seed=5)
    assert [f.points for f in result.functions] == [f.max_points for f in result.functions]
    copy = next(w for w in result.warnings if w.startswith("02_activations-Copy1.ipynb"))
    assert "Both define `relu`, `relu_derivative`, `softmax`; the exact name wins" in copy
    assert any(
        w.startswith("scratch.ipynb is not one of the course's notebooks") for w in result.warnings
    )
    feedback = render_markdown(result)
    assert "## Your files" in feedback and "scratch.ipynb" in feedback


def test_a_traceback_points_at_the_cell_as_jupyter_shows_it(tmp_path):
    """A student's exception names the notebook, the cell's In [n] and the student's own line."""
    folder = tmp_path / "student"
    folder.mkdir()
    nb = nbformat.read(SOLUTIONS / BROKEN, as_version=4)
    replace_function(
        nb, "relu", "def relu(Z):\n    scale = 1.0\n    return Z.clip_below(0) * scale"
    )
    cell = next(
        c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "relu"
    )
    cell.execution_count = 42
    nbformat.write(nb, folder / BROKEN)
    relu = grade(folder, functions=["relu"], seed=5).functions[0]
    assert relu.points == 0
    assert "02_activations.ipynb, In [42], line 3" in relu.first_message, relu.first_message
    assert "Z.clip_below(0) * scale" in relu.first_message


def test_a_closed_pipe_ends_course_check_quietly(tmp_path):
    """`course check ... | head`: the JSON is written, no error, the usual exit code."""
    out = tmp_path / "result.json"
    process = subprocess.Popen(
        [
            sys.executable, "-m", "autograder.cli", "check", str(SOLUTIONS / BROKEN),
            "--function", "relu", "--seed", "3", "--min-score", "100", "--json", str(out),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    process.stdout.close()  # the reader is gone before anything is printed
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=600) == 0, stderr
    assert "BrokenPipeError" not in stderr and "internal error" not in stderr, stderr
    assert json.loads(out.read_text())["functions"][0]["function"] == "relu"
