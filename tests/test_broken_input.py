"""Broken notebooks: each gets a clear message and costs only its own notebook's points."""

from __future__ import annotations

import json

import nbformat
import pytest

from tests.conftest import SOLUTIONS, grade, replace_function
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


def _huge(path):
    data = _solution_json()
    data["cells"][0]["source"] = "x" * (21 * 1024 * 1024)
    path.write_text(json.dumps(data), encoding="utf-8")


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


def _edit(function: str, source: str):
    def write(path):
        nb = nbformat.read(SOLUTIONS / BROKEN, as_version=4)
        replace_function(nb, function, source)
        nbformat.write(nb, path)

    return write


# name -> (how to write the broken notebook, substring of the message, lesson 02 fully lost?)
CASES = {
    "an empty file": (_write_bytes(b""), "is empty", True),
    "invalid JSON": (_write_bytes(b'{"cells": [ {"cell_type": '), "not valid notebook json", True),
    "a JSON list": (_write_json([1, 2, 3]), "json list", True),
    "no cells key": (_no_cells, "has no 'cells'", True),
    "bytes that are not UTF-8": (_write_bytes(b'{"cells": ["\xff\xfe\xfa"]}'), "not utf-8", True),
    "a very large notebook": (_huge, "mb", True),
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
    else:  # only relu is broken
        relu = by_function["relu"]
        if relu.points != 0 or message not in relu.first_message.lower():
            problems.append(f"relu: {relu.points} points, {relu.first_message!r}")
        for other in ("relu_derivative", "softmax"):
            if by_function[other].points != by_function[other].max_points:
                problems.append(f"{other} lost points: {by_function[other].first_message}")
    record("broken inputs", name, not problems, "; ".join(problems))
    assert not problems, problems
