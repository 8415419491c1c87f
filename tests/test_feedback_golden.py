"""The feedback people read is pinned with golden files, so a change to it is a visible diff.

Regenerate after a deliberate change with ``UPDATE_GOLDEN=1 python -m pytest tests/test_feedback_golden.py``
and review the diff of tests/golden/.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"

# What a student might have in their notebook, function by function.
STUDENT_CODE = {
    "relu, correct": ("relu", "def relu(Z):\n    return np.where(Z > 0, Z, 0.0)"),
    "relu, untouched stub": ("relu", 'def relu(Z):\n    raise NotImplementedError("relu")'),
    "relu, not run yet": ("relu", None),
    "relu_derivative, booleans": ("relu_derivative", "def relu_derivative(Z):\n    return Z > 0"),
    "softmax, wrong axis": (
        "softmax",
        "def softmax(Z):\n    e = np.exp(Z - Z.max(axis=0, keepdims=True))\n    return e / e.sum(axis=0, keepdims=True)",
    ),
    "softmax, no max subtraction": (
        "softmax",
        "def softmax(Z):\n    e = np.exp(Z)\n    return e / e.sum(axis=1, keepdims=True)",
    ),
    "one_hot, transposed": (
        "one_hot",
        (
            "def one_hot(y, num_classes=10):\n    Y = np.zeros((num_classes, len(y)), dtype=np.float32)\n"
            "    Y[y, np.arange(len(y))] = 1\n    return Y"
        ),
    ),
    "cross_entropy, summed": (
        "cross_entropy",
        (
            "def cross_entropy(probs, y):\n    p = np.clip(probs[np.arange(len(y)), y], 1e-12, None)\n"
            "    return float(-np.sum(np.log(p)))"
        ),
    ),
    "accuracy, a count": (
        "accuracy",
        "def accuracy(y_pred, y_true):\n    return int(np.sum(y_pred == y_true))",
    ),
    "make_submission, ImageId from 0": (
        "make_submission",
        (
            "def make_submission(predictions):\n    n = len(predictions)\n"
            "    return pd.DataFrame({'ImageId': np.arange(n), 'Label': np.asarray(predictions).astype(int)})"
        ),
    ),
    "relu, raises": ("relu", "def relu(Z):\n    return Z.maximum(0)"),
    "l2_penalty, the 1/2 missing": (
        "l2_penalty",
        (
            "def l2_penalty(params, weight_decay):\n"
            "    return weight_decay * sum(float(np.sum(v ** 2)) for k, v in params.items() "
            "if k[0] == 'W')"
        ),
    ),
}


def _render(name: str) -> str:
    from autograder.grading.engine.run import check_in_namespace
    from autograder.grading.reports.feedback import render_function

    function, source = STUDENT_CODE[name]
    namespace: dict = {"np": np, "pd": pd}
    if source is not None:
        exec(source, namespace)  # noqa: S102 - test fixtures
    return render_function(check_in_namespace(function, namespace))


def _compare(filename: str, text: str) -> None:
    path = GOLDEN / filename
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"missing golden file {path}; run with UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


def test_notebook_feedback_matches_the_golden_file():
    sections = [f"## {name}\n{_render(name)}\n" for name in STUDENT_CODE]
    _compare("check_feedback.txt", "\n".join(sections))


def test_progress_table_matches_the_golden_file(submission_factory):
    from autograder.grading.reports.feedback import render_table
    from tests.conftest import grade

    folder = submission_factory(
        {
            "relu": STUDENT_CODE["relu, untouched stub"][1],
            "softmax": STUDENT_CODE["softmax, wrong axis"][1],
        },
        lessons=["02_activations"],
    )
    result = grade(folder / "02_activations.ipynb", seed=2024)
    _compare("progress_table.txt", render_table([result]) + "\n")


@pytest.mark.parametrize("name", ["relu, correct", "relu, untouched stub", "softmax, wrong axis"])
def test_feedback_starts_with_the_right_mark(name):
    text = _render(name)
    expected = {
        "relu, correct": "✓ relu",
        "relu, untouched stub": "· relu: not implemented yet",
        "softmax, wrong axis": "✗ softmax",
    }
    assert text.startswith(expected[name])
