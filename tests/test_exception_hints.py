"""The advice given when a student's function raises says only what the exception shows.

A hint that blames the shapes of X and W1 must come from a product of X and W1 whose sizes do
not fit, never from any error whose message mentions a shape (a confusion matrix's indexing
error was once told about X and W1).
"""

from __future__ import annotations

import numpy as np
import pytest

from autograder.codec import Raised
from autograder.grading.engine.outcomes import hint_for_exception

BATCH_FIRST = "X is (N, n_in) and W1 is (n_in, H)"


def _raised(action, where: str = "") -> Raised:
    try:
        action()
    except Exception as exc:  # noqa: BLE001 - the exception is the point
        return Raised(type(exc).__name__, str(exc), where)
    raise AssertionError("the action did not raise")


def test_a_product_of_x_and_w1_that_does_not_fit_gets_the_batch_first_shapes():
    X, W1 = np.zeros((5, 784)), np.zeros((784, 10))
    raised = _raised(
        lambda: X.T @ W1,
        '03_forward.ipynb, cell "def forward(X, params):", line 3, in forward: Z1 = X.T @ W1',
    )
    hint = hint_for_exception(raised)
    assert "A has 5 columns and B 784 rows" in hint and BATCH_FIRST in hint


def test_np_dot_reads_the_same_sizes():
    raised = _raised(
        lambda: np.dot(np.zeros((5, 784)), np.zeros((5, 10))),
        "line 2, in predict: Z = np.dot(X, W1.T)",
    )
    assert "A has 784 columns and B 5 rows" in hint_for_exception(raised)


@pytest.mark.parametrize(
    ("action", "where"),
    [
        # A product that does not fit, but not of X and W1.
        (lambda: np.zeros((3, 4)) @ np.zeros((3, 4)), "line 5, in backward: dW2 = A1 @ dZ2"),
        # Indexing and comparison errors whose messages mention shapes.
        (
            lambda: np.zeros((3, 3)).__setitem__(
                (np.array([0, 1, 2, 0, 1]), np.array([0, 1, 2, 0, 1])), np.ones(3)
            ),
            "line 4, in confusion_matrix: cm[y_true, y_pred] = counts",
        ),
        (
            lambda: np.argmax(np.zeros((4, 10)), axis=0) == np.zeros(4),
            "line 3, in accuracy: return np.mean(np.argmax(probs, axis=0) == y)",
        ),
        (lambda: np.zeros((3, 3))[np.array([5])], "line 2, in most_confused_pairs: cm[rows]"),
    ],
)
def test_other_errors_never_blame_x_and_w1(action, where):
    hint = hint_for_exception(_raised(action, where)) or ""
    assert "W1" not in hint and "batch-first" not in hint


def test_broadcasting_transposed_shapes_says_so_and_nothing_more():
    raised = _raised(lambda: np.zeros((5, 4)) + np.zeros((4, 5)))
    assert hint_for_exception(raised) == "The shapes (5, 4) and (4, 5) are each other's transpose."
    assert hint_for_exception(_raised(lambda: np.zeros(10) + np.zeros(4))) is None


def test_a_name_that_is_not_defined_is_named():
    raised = _raised(lambda: eval("X_train + 1", {}))
    assert hint_for_exception(raised).startswith("`X_train` is not defined when the function runs")
