"""Correct work arranged differently gets full marks: cells moved, split or duplicated, repeated
runs, one BLAS thread or two."""

from __future__ import annotations

import os
import subprocess
import sys

import nbformat
import pytest

from tests.conftest import ROOT, SOLUTIONS, grade
from tests.scoreboard import record

LESSON = "03_forward.ipynb"


def _full_marks(result) -> list:
    return [(f.function, f.first_message) for f in result.functions if f.points != f.max_points]


def _rearranged(tmp_path, arrange) -> object:
    nb = nbformat.read(SOLUTIONS / LESSON, as_version=4)
    nb.cells = arrange(nb.cells)
    for index, cell in enumerate(nb.cells):
        cell.id = f"cell-{index}"
    path = tmp_path / LESSON
    nbformat.write(nb, path)
    return grade(path, seed=21)


def _split(cells):
    out = []
    for cell in cells:
        if cell.cell_type != "code":
            out.append(cell)
            continue
        for part in cell.source.split("\n\n\n"):
            new = nbformat.v4.new_code_cell(part)
            new.metadata = cell.metadata
            out.append(new)
        if cell.source.startswith(("import", "%", "from")):
            for line in cell.source.splitlines():
                out.append(nbformat.v4.new_code_cell(line))
    return out


ARRANGEMENTS = {
    "cells moved (reversed order)": lambda cells: list(reversed(cells)),
    "cells split": _split,
    "cells duplicated": lambda cells: [
        c for cell in cells for c in (cell, nbformat.from_dict(dict(cell)))
    ],
    "a helper cell added after the function": lambda cells: (
        cells
        + [
            nbformat.v4.new_code_cell(
                "def unrelated_helper(x):\n    return x * 2\n\nEPSILON = 1e-12"
            )
        ]
    ),
}


@pytest.mark.parametrize("name", list(ARRANGEMENTS))
def test_rearranged_notebook_gets_full_marks(name, tmp_path):
    lost = _full_marks(_rearranged(tmp_path, ARRANGEMENTS[name]))
    record("variants", name, not lost, str(lost[:1]))
    assert not lost, lost


def test_repeated_runs_give_full_marks_every_time():
    results = [grade(SOLUTIONS / "02_activations.ipynb", seed=seed) for seed in (1, 2, 3)]
    lost = [loss for result in results for loss in _full_marks(result)]
    record("variants", "repeated runs with fresh seeds", not lost, str(lost[:1]))
    assert not lost, lost


@pytest.mark.parametrize("threads", ["1", "2"])
def test_blas_threads_do_not_change_the_grade(threads):
    env = dict(
        os.environ, OPENBLAS_NUM_THREADS=threads, OMP_NUM_THREADS=threads, MKL_NUM_THREADS=threads
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "autograder.cli",
            "check",
            "solutions/04_backprop.ipynb",
            "--min-score",
            "100",
            "--seed",
            "8",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    record(
        "variants",
        f"{threads} BLAS thread(s) in the grader",
        done.returncode == 0,
        done.stdout[-300:],
    )
    assert done.returncode == 0, done.stdout + done.stderr
