"""`import_functions` in a student's kernel: found across split assignments, tracebacks in cells."""

from __future__ import annotations

import shutil
import traceback

import nbformat
import numpy as np
import pytest

from autograder.inline import import_functions
from tests.conftest import SOLUTIONS

ACTIVATIONS = "02_activations.ipynb"


def test_an_earlier_lesson_in_a_sibling_assignment_folder_is_found(tmp_path, monkeypatch, capsys):
    """ps1 holds lessons 01-04, ps2 the later ones (nbgrader's submitted/<student>/<assignment>/)."""
    (tmp_path / "ps1").mkdir()
    (tmp_path / "ps2").mkdir()
    shutil.copy(SOLUTIONS / ACTIVATIONS, tmp_path / "ps1" / ACTIVATIONS)
    monkeypatch.chdir(tmp_path / "ps2")
    relu = import_functions(ACTIVATIONS, "relu")
    assert np.array_equal(relu(np.array([-1.0, 2.0])), [0.0, 2.0])
    said = capsys.readouterr().out
    assert f"using {tmp_path / 'ps1' / ACTIVATIONS}" in said


def test_a_copy_beside_this_notebook_is_found(tmp_path, monkeypatch, capsys):
    shutil.copy(SOLUTIONS / ACTIVATIONS, tmp_path / "02_activations-Copy1.ipynb")
    monkeypatch.chdir(tmp_path)
    softmax = import_functions(ACTIVATIONS, "softmax")
    assert np.allclose(softmax(np.zeros((1, 4))), 0.25)
    assert "02_activations-Copy1.ipynb" in capsys.readouterr().out


def test_the_notebook_beside_wins_and_nothing_is_said(tmp_path, monkeypatch, capsys):
    shutil.copy(SOLUTIONS / ACTIVATIONS, tmp_path / ACTIVATIONS)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / ACTIVATIONS).write_text("not even json")
    monkeypatch.chdir(tmp_path)
    assert callable(import_functions(ACTIVATIONS, "relu"))
    assert capsys.readouterr().out == ""


def test_the_courses_own_solutions_are_never_a_stand_in(tmp_path, monkeypatch):
    """A self-learner's lessons/ without lesson 02, beside the course's solutions/: no fallback."""
    (tmp_path / "lessons").mkdir()
    (tmp_path / "solutions").mkdir()
    shutil.copy(SOLUTIONS / ACTIVATIONS, tmp_path / "solutions" / ACTIVATIONS)
    monkeypatch.setenv("COURSE_SOLUTIONS", str(tmp_path / "solutions"))
    monkeypatch.chdir(tmp_path / "lessons")
    with pytest.raises(FileNotFoundError):
        import_functions(ACTIVATIONS, "relu")


def test_a_missing_notebook_says_where_it_was_looked_for(tmp_path, monkeypatch):
    (tmp_path / "student" / "ps2").mkdir(parents=True)
    (tmp_path / "student" / "ps1").mkdir()
    monkeypatch.chdir(tmp_path / "student" / "ps2")
    with pytest.raises(FileNotFoundError) as error:
        import_functions(ACTIVATIONS, "relu")
    assert "nor in a folder beside it" in str(error.value)


def test_a_traceback_shows_the_cell_as_jupyter_names_it_and_the_students_line(
    tmp_path, monkeypatch
):
    nb = nbformat.v4.new_notebook()
    first = nbformat.v4.new_code_cell("import numpy as np")
    first.execution_count = 3
    cell = nbformat.v4.new_code_cell(
        "def relu(Z):\n    scale = 1.0\n    return np.maximum(Z, 0) * scale.missing"
    )
    cell.execution_count = 7
    unrun = nbformat.v4.new_code_cell("def softmax(Z):\n    raise ValueError('not yet')")
    nb.cells = [first, cell, unrun]
    nbformat.write(nb, tmp_path / ACTIVATIONS)
    monkeypatch.chdir(tmp_path)
    relu, softmax = import_functions(ACTIVATIONS, "relu", "softmax")
    for function, cell_name, line, text in [
        (relu, "In [7]", 3, "return np.maximum(Z, 0) * scale.missing"),
        (softmax, 'cell "def softmax(Z):"', 2, "raise ValueError('not yet')"),
    ]:
        try:
            function(np.ones(2))
        except (AttributeError, ValueError) as exc:
            shown = "".join(traceback.format_exception(exc))
        assert f'File "{ACTIVATIONS}, {cell_name}", line {line}' in shown, shown
        assert text in shown, shown
        assert '"cell_type"' not in shown  # not the file's JSON
