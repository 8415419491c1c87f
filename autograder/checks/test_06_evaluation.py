"""Checks for lesson 06: predict, accuracy, confusion_matrix, most_confused_pairs.

Contract
--------
Every promise of the docstrings and the lesson, and the check that holds the function to it.

predict(X, params) -> y_pred
  - an (N,) array: for each row, the class with the highest probability under forward (the
    argmax of the logits too), on a random batch, ten rows (a wrong axis keeps the shape),
    one row, rows whose logits are all negative, logits near 500 (exp overflows without the
    shift), and hidden units and output biases that decide the answer; no near-tie decides
    the answer or a mistake's ............................................. test_predict_values
  - integer labels (float labels cannot index the confusion matrix) ... test_predict_returns_integers
  - X and params are not modified ............................... test_predict_leaves_inputs_unchanged

accuracy(y_pred, y_true) -> float
  - the fraction of positions where y_pred equals y_true, a single number in [0, 1], on a
    random draw, all right, none right, one right example, one wrong example, int32 against
    int64 labels, 1,000 labels .................................................. test_accuracy_value
  - y_pred and y_true are not modified ....................... test_accuracy_leaves_inputs_unchanged
  Not graded: that the number is a Python float rather than a NumPy float or a 0-d array (the
  lesson asks for float(...), but every use of the accuracy works with either).

confusion_matrix(y_true, y_pred, num_classes=10) -> cm
  - (num_classes, num_classes), whatever labels the sample holds: three classes, classes
    absent from the sample ...................................... test_confusion_matrix_shape
  - cm[t, p] counts the examples of true class t predicted as p: repeated pairs, asymmetric
    confusions, a perfect sample, one example, one true class only ... test_confusion_matrix_values
  - integer counts (the lesson's heat map writes them with fmt="d") . test_confusion_matrix_integer_counts
  - y_true and y_pred are not modified ............ test_confusion_matrix_leaves_inputs_unchanged

most_confused_pairs(cm, k=3) -> list of (true, predicted, count)
  - the min(k, C * (C - 1)) largest off-diagonal counts, largest first, as (true, predicted,
    count) triples of integers (not floats): k = 1, 3, 5, the default, k larger than the
    number of pairs, two classes .................................... test_most_confused_pairs_values
  - ties broken by (true, predicted), smallest first (ties drawn so that every other order,
    np.argsort's default one included, keeps other pairs); zero counts when there are few
    mistakes, the diagonal never ................................... test_most_confused_pairs_ties
  - cm is not modified ......................... test_most_confused_pairs_leaves_input_unchanged
  Not graded: Python ints and tuples rather than NumPy integers and lists or an (k, 3) integer
  array (the lesson reads the triples by unpacking them, which works with either).

A hint names a mistake (``Mistake.id``) only when the output is what that mistake computes on
the same inputs.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from autograder.checking import (
    Call,
    CheckFailed,
    Mistake,
    cases_for,
    describe,
    expect,
    expect_dtype,
    expect_each,
    expect_equal,
    expect_ndarray,
    expect_scalar,
    network_logits,
    requires,
)
from autograder.checks.common_mistakes import check_unchanged, returns_none
from autograder.checks.deep_networks import softmax64


def _equal_reading(got, want, what: str, hint: str, mistakes: list[Mistake]) -> tuple:
    """A reading for expect_each: an integer array compared exactly with the reference's."""
    return (lambda: expect_equal(got, want, what, hint=hint), got, mistakes)


# -- predict ------------------------------------------------------------------------------------


def _random_params(rng, n_in, n_hidden, *, b1=0.5, b2=0.5, w2=1.0, dtype=np.float32):
    return {
        "W1": rng.normal(0.0, 1.0, size=(n_in, n_hidden)).astype(dtype),
        "b1": (b1 * rng.standard_normal(n_hidden)).astype(dtype),
        "W2": (w2 * rng.normal(0.0, 1.0, size=(n_hidden, 10))).astype(dtype),
        "b2": (b2 * rng.standard_normal(10)).astype(dtype),
    }


def _clear_argmax(X, params) -> bool:
    """No near-tie decides a label model: each row's largest and smallest logits, and each
    column's largest probability, lead the next by a margin no rounding can close, and no
    probability underflows to 0 in float32 (whose ties np.argmin would break its own way)."""
    logits = network_logits(X, params)
    rows = np.sort(logits, axis=1)
    scale = 1.0 + 1e-2 * np.abs(logits).max(axis=1)  # float32 rounds 500 to 3e-5
    probs = np.sort(softmax64(logits), axis=0)
    return bool(
        np.all(rows[:, -1] - rows[:, -2] > 1e-2 * scale)
        and np.all(rows[:, 1] - rows[:, 0] > 1e-2 * scale)
        and np.all(rows[:, -1] - rows[:, 0] < 80.0)
        and (len(X) < 2 or np.all(probs[-1] - probs[-2] > 1e-3 * probs[-1]))
    )


def _shows_overflow(X, params) -> bool:
    """Every logit overflows exp in float32 (over 89), so an unshifted softmax gives nan
    everywhere and np.argmax class 0; at least three rows predict another class."""
    logits = network_logits(X, params)
    return bool(np.all(logits > 100.0) and np.sum(np.argmax(logits, axis=1) != 0) >= 3)


def _shows_negative(X, params) -> bool:
    """Every logit is negative, and at most two rows predict class 0 (a ReLU on the logits
    turns every row into class 0)."""
    logits = network_logits(X, params)
    return bool(np.all(logits < 0) and np.sum(np.argmax(logits, axis=1) == 0) <= 2)


def _unambiguous(X, params) -> bool:
    """No near-tie decides a label model, and every mistake whose labels differ from the right
    ones gives labels no other mistake gives: whichever case a check reads first, the output
    fits one mistake only."""
    if not _clear_argmax(X, params):
        return False
    models = _label_models(X, params)
    right = np.argmax(network_logits(X, params), axis=1)
    return all(
        np.array_equal(value, right)
        or not any(other != name and np.array_equal(value, v) for other, _, v in models)
        for name, _, value in models
    )


def _draw(make: Callable[[], Call], ok: Callable[..., bool] = lambda X, params: True) -> Call:
    """A case drawn again until it is unambiguous and ``ok`` (the region it is for)."""
    for _ in range(500):
        call = make()
        if _unambiguous(*call.args) and ok(*call.args):
            return call
    return call


@cases_for("predict")
def predict_cases(rng, ref):
    X = lambda n, n_in, dtype=np.float32: rng.uniform(0, 1, size=(n, n_in)).astype(dtype)

    def negative():
        params = _random_params(rng, 5, 6)
        params["b2"] = (-40.0 + 3.0 * rng.standard_normal(10)).astype(np.float32)
        return Call(X(9, 5), params)

    def large():
        params = _random_params(rng, 5, 4, w2=6.0)
        params["b2"] = (500.0 + 3.0 * rng.standard_normal(10)).astype(np.float32)
        return Call(X(8, 5), params)

    def decided():
        params = _random_params(rng, 6, 8, b1=1.5, b2=3.0, w2=0.3, dtype=np.float64)
        params["b1"] -= 0.5
        return Call(X(12, 6, np.float64), params)

    return {
        "random": _draw(lambda: Call(X(7, 5), _random_params(rng, 5, 4))),
        # N = 10 rows, so a wrong axis gives an array of the right shape.
        "ten_rows": _draw(lambda: Call(X(10, 8, np.float64), _random_params(rng, 8, 12))),
        "one_row": _draw(lambda: Call(X(1, 5), _random_params(rng, 5, 4))),
        "all_negative_logits": _draw(negative, _shows_negative),
        # Logits near 500: exp overflows without the shift by the maximum.
        "large_logits": _draw(large, _shows_overflow),
        # Hidden units that are off for some rows, and output biases that tip the answer.
        "biases_decide": _draw(decided),
    }


def _label_models(X: np.ndarray, params: dict) -> list[tuple[str, str, np.ndarray]]:
    """(id, hint, labels) of the usual mistakes that return labels of the right shape."""
    logits = network_logits(X, params)
    probs = softmax64(logits)
    Z1 = np.asarray(X, dtype=np.float64) @ params["W1"] + params["b1"]
    linear = Z1 @ params["W2"] + params["b2"]
    return [
        (
            "predict.argmax_axis_0",
            (
                "That is one index per class, the argmax down each column (axis=0): take it "
                "across each row, axis=1, one label per example."
            ),
            np.argmax(probs, axis=0),
        ),
        (
            "predict.argmin",
            "That is the least probable class of each row: np.argmax, not np.argmin.",
            np.argmin(probs, axis=1),
        ),
        (
            "predict.argmax_of_hidden_layer",
            (
                "That is the argmax of the hidden layer (Z1): the prediction comes from the output "
                "layer's probabilities, np.argmax(probs, axis=1)."
            ),
            np.argmax(Z1, axis=1),
        ),
        (
            "predict.argmax_of_hidden_layer",
            (
                "That is the argmax of the hidden layer (A1): the prediction comes from the output "
                "layer's probabilities, np.argmax(probs, axis=1)."
            ),
            np.argmax(np.maximum(Z1, 0.0), axis=1),
        ),
        (
            "predict.labels_from_one",
            "Those are the labels counted from 1: np.argmax gives the class itself, 0 to 9.",
            np.argmax(probs, axis=1) + 1,
        ),
        (
            "predict.without_output_bias",
            (
                "Those are the predictions of the network without its output bias b2: run "
                "forward(X, params), which adds it."
            ),
            np.argmax(logits - params["b2"], axis=1),
        ),
        (
            "predict.without_relu",
            (
                "Those are the predictions of the network without its ReLU: run forward(X, params), "
                "which applies it to the hidden layer."
            ),
            np.argmax(linear, axis=1),
        ),
        (
            "predict.unshifted_softmax",
            (
                "Those are the predictions of a softmax without the shift by the row's maximum: "
                "exp overflows to inf for large logits, inf / inf is nan, and np.argmax returns "
                "the first nan. Take the argmax of forward's probabilities (or of the logits)."
            ),
            _unshifted_argmax(logits, X, params),
        ),
        (
            "predict.relu_on_output",
            (
                "Those are the predictions of a ReLU applied to the logits too: a row whose logits "
                "are all negative then ties at 0 and gets class 0. Take the argmax of forward's "
                "probabilities."
            ),
            np.argmax(np.maximum(logits, 0.0), axis=1),
        ),
    ]


def _unshifted_argmax(logits: np.ndarray, X: np.ndarray, params: dict) -> np.ndarray:
    """What np.argmax gives on a softmax without the shift: in a row where some logit
    overflows exp (in the precision forward computes in), the first such logit (a nan)."""
    single = np.result_type(X, *params.values()) == np.float32
    limit = np.log(np.finfo(np.float32 if single else np.float64).max)
    over = logits > limit
    return np.where(over.any(axis=1), np.argmax(over, axis=1), np.argmax(logits, axis=1))


def _distinct_models(X: np.ndarray, params: dict) -> list[tuple[str, str, np.ndarray]]:
    """The label models whose output no other mistake (nor the right answer) gives."""
    models = _label_models(X, params)
    right = np.argmax(network_logits(X, params), axis=1)
    return [
        (name, hint, value)
        for name, hint, value in models
        if not np.array_equal(value, right)
        and all(
            not np.array_equal(value, other) or name == other_name
            for other_name, _, other in models
        )
    ]


def _predict_mistakes(X: np.ndarray, params: dict) -> list[Mistake]:
    """What predict returns under the usual mistakes, computed from the inputs. Two mistakes
    that give the same output on these inputs are both left out: the output cannot tell them
    apart, so naming one would be a guess."""
    logits = network_logits(X, params)
    probs = softmax64(logits)
    right = np.argmax(probs, axis=1)
    distinct = _distinct_models(X, params)
    return [
        returns_none("predict"),
        Mistake(
            "That is np.argmax without an axis: one index into the flattened array. Use axis=1 "
            "for one label per row.",
            matches=lambda got: np.ndim(got) == 0 and np.asarray(got) == np.argmax(probs),
            id="predict.argmax_without_axis",
        ),
        Mistake(
            "That is a column of labels, shape (N, 1): return a flat array of shape (N,), "
            "without keepdims=True (or .ravel() it).",
            right[:, None],
            id="predict.keepdims",
        ),
        Mistake(
            "Those are the probabilities: return the class with the largest probability in "
            "each row, np.argmax(probs, axis=1).",
            probs,
            id="predict.returns_probabilities",
        ),
        Mistake(
            "Those are the largest probabilities themselves: return their positions (np.argmax, "
            "not np.max).",
            probs.max(axis=1),
            id="predict.max_instead_of_argmax",
        ),
        *[Mistake(hint, value, id=name) for name, hint, value in distinct],
    ]


def test_predict_values(outcome):
    """The predictions are the most probable class of each row."""
    fn = outcome("predict")
    readings = []
    for case in fn.cases:
        X, params = fn.call(case).args[:2]
        got, want = fn.result(case), fn.expected(case)
        what = f"predict(X, params) on the '{case}' case"
        readings.append(
            _equal_reading(
                got,
                want,
                what,
                "Run forward(X, params) and take np.argmax(probs, axis=1).",
                _predict_mistakes(X, params),
            )
        )
    expect_each(readings)


@requires("test_predict_values")
def test_predict_returns_integers(outcome):
    """predict returns integer labels."""
    fn = outcome("predict")
    for case in fn.cases:
        got = expect_ndarray(fn.result(case), f"predict(X, params) on the '{case}' case")
        expect_dtype(
            got,
            "iu",
            f"predict(X, params) on the '{case}' case",
            hint="Class labels are integers, which the confusion matrix indexes with: np.argmax "
            "returns them (do not convert to float).",
        )


@requires("test_predict_values")
def test_predict_leaves_inputs_unchanged(outcome):
    """predict leaves X and params unchanged."""
    fn = outcome("predict")
    check_unchanged(
        fn,
        ("X", "params"),
        "Only read X and params: scale or transform a copy (X / 255 makes a new array; "
        "X /= 255 changes the caller's).",
    )


# -- accuracy -----------------------------------------------------------------------------------


def _accuracy_models(want: float, n: int) -> dict[str, float]:
    return {
        "count": want * n,
        "percentage": 100.0 * want,
        "error_rate": 1.0 - want,
        "integer_division": float(np.floor(want)),
        "divided_by_classes": want * n / 10,
        "one_hot_entries": 1.0 - 0.2 * (1.0 - want),
    }


def _distinct(want: float, n: int) -> bool:
    """The accuracy and what each mistake would give are all different numbers."""
    values = [want, *_accuracy_models(want, n).values()]
    return all(abs(a - b) > 1e-6 for i, a in enumerate(values) for b in values[i + 1 :])


@cases_for("accuracy")
def accuracy_cases(rng, ref):
    for _ in range(100):
        y_true = rng.integers(0, 10, size=25)
        y_pred = np.where(rng.uniform(size=25) < 0.6, y_true, rng.integers(0, 10, size=25))
        y_pred[0], y_pred[1] = y_true[0], (y_true[1] + 1) % 10  # at least one right, one wrong
        if _distinct(float(np.mean(y_pred == y_true)), 25):
            break
    labels = rng.integers(0, 10, size=8)
    wrong = rng.integers(0, 10, size=7)
    many = rng.integers(0, 10, size=1000)
    many_pred = np.where(rng.uniform(size=1000) < 0.9, many, rng.integers(0, 10, size=1000))
    label = int(rng.integers(0, 10))
    return {
        "random": Call(y_pred, y_true),
        "all_correct": Call(labels.copy(), labels.copy()),
        "none_correct": Call((wrong + 1) % 10, wrong),
        "one_right_example": Call(np.array([label]), np.array([label])),
        "one_wrong_example": Call(np.array([label]), np.array([(label + 3) % 10])),
        "int32_predictions": Call(y_pred[:12].astype(np.int32), y_true[:12]),
        "thousand_labels": Call(many_pred, many),
    }


def _accuracy_mistakes(y_pred: np.ndarray, y_true: np.ndarray, want: float) -> list[Mistake]:
    n = len(y_true)
    models = _accuracy_models(want, n)
    matches = np.asarray(y_pred) == np.asarray(y_true)
    return [
        returns_none("accuracy"),
        Mistake(
            "That is the comparison of every position: reduce it to one number, the fraction "
            "of True, np.mean(y_pred == y_true).",
            matches=lambda got: np.shape(got) == matches.shape and np.array_equal(got, matches),
            id="accuracy.elementwise_comparison",
        ),
        Mistake(
            "That is a count: divide by the number of examples (np.mean does).",
            models["count"],
            id="accuracy.count",
        ),
        Mistake(
            "That is a percentage: the course uses a fraction in [0, 1].",
            models["percentage"],
            id="accuracy.percentage",
        ),
        Mistake(
            "That is the error rate (the fraction wrong); return the fraction right.",
            models["error_rate"],
            id="accuracy.error_rate",
        ),
        Mistake(
            "// rounds down to a whole number: divide with / (or use np.mean).",
            models["integer_division"],
            id="accuracy.integer_division",
        ),
        Mistake(
            "That is the count divided by the number of classes (10): divide by the number of "
            "examples, len(y_true).",
            models["divided_by_classes"],
            id="accuracy.divided_by_classes",
        ),
        Mistake(
            "That is the share of matching entries between one-hot rows (of 10 entries, 8 match "
            "even when the prediction is wrong): compare the labels themselves, y_pred == y_true.",
            models["one_hot_entries"],
            id="accuracy.one_hot_entries",
        ),
    ]


def test_accuracy_value(outcome):
    """The value is the fraction of predictions that match, in [0, 1]."""
    fn = outcome("accuracy")
    readings = []
    for case in fn.cases:
        y_pred, y_true = fn.call(case).args[:2]
        got, want = fn.result(case), float(fn.expected(case))
        n = len(y_true)
        what = f"accuracy(y_pred, y_true) on the '{case}' case"

        def compare(got=got, want=want, what=what, n=n) -> None:
            value = expect_scalar(
                got,
                what,
                hint="Compare the two arrays and reduce to one number: np.mean(y_pred == y_true).",
            )
            expect(
                bool(np.isclose(value, want, rtol=1e-9, atol=1e-12)),
                f"{what} is {value:.6g}; expected {want:.6g} ({round(want * n)} of {n} correct).",
                "The accuracy is the fraction of positions where y_pred equals y_true.",
            )

        readings.append((compare, got, _accuracy_mistakes(y_pred, y_true, want)))
    expect_each(readings)


@requires("test_accuracy_value")
def test_accuracy_leaves_inputs_unchanged(outcome):
    """accuracy leaves y_pred and y_true unchanged."""
    fn = outcome("accuracy")
    check_unchanged(
        fn, ("y_pred", "y_true"), "Only compare the labels: do not sort or overwrite them."
    )


# -- confusion_matrix ---------------------------------------------------------------------------


@cases_for("confusion_matrix")
def confusion_matrix_cases(rng, ref):
    y_true = rng.integers(0, 10, size=60)
    y_pred = np.where(rng.uniform(size=60) < 0.5, y_true, rng.integers(0, 10, size=60))
    # Confusions that are not symmetric, and a repeated (true, predicted) pair.
    y_pred[:4] = [(y_true[0] + 1) % 10, (y_true[1] + 3) % 10, (y_true[2] + 1) % 10, 0]
    y_true[2], y_true[3] = y_true[0], 0
    few_true = rng.integers(0, 3, size=14)
    few_pred = np.where(rng.uniform(size=14) < 0.5, few_true, rng.integers(0, 3, size=14))
    few_pred[:2] = [(few_true[0] + 1) % 3, (few_true[1] + 2) % 3]
    low_true = rng.integers(0, 5, size=20)
    low_pred = np.where(rng.uniform(size=20) < 0.6, low_true, rng.integers(0, 6, size=20))
    low_pred[0], low_true[0] = 5, 1
    perfect = rng.integers(0, 10, size=15)
    one_class = np.full(12, int(rng.integers(0, 10)))
    one_class_pred = rng.integers(0, 10, size=12)
    one_class_pred[:2] = one_class[0], (one_class[0] + 4) % 10
    return {
        "random": Call(y_true, y_pred),
        "three_classes": Call(few_true, few_pred, num_classes=3),
        "classes_absent": Call(low_true, low_pred),
        "perfect": Call(perfect, perfect.copy()),
        "one_example": Call(np.array([int(y_true[1])]), np.array([int(y_pred[1])])),
        "one_true_class": Call(one_class, one_class_pred),
    }


def _count(y_true, y_pred, C):
    pairs = np.asarray(y_true, dtype=np.int64) * C + np.asarray(y_pred, dtype=np.int64)
    return np.bincount(pairs, minlength=C * C).reshape(C, C).astype(np.int64)


def _confusion_mistakes(call: Call, want: np.ndarray) -> list[Mistake]:
    y_true, y_pred = np.asarray(call.args[0]), np.asarray(call.args[1])
    C = want.shape[0]
    rows = want.sum(axis=1, keepdims=True)
    columns = want.sum(axis=0, keepdims=True)
    with np.errstate(all="ignore"):
        by_rows = np.where(rows > 0, want / np.maximum(rows, 1), 0.0)
        by_columns = np.where(columns > 0, want / np.maximum(columns, 1), 0.0)
    return [
        returns_none("confusion_matrix"),
        Mistake(
            "That is the matrix transposed: rows are the true class and columns the predicted "
            "class, "
            "cm[y_true[i], y_pred[i]] += 1.",
            want.T if not np.array_equal(want, want.T) else None,
            id="confusion_matrix.transposed",
        ),
        Mistake(
            "cm[y_true, y_pred] += 1 counts a repeated (true, predicted) pair only once: loop "
            "over the examples, or use np.add.at(cm, (y_true, y_pred), 1).",
            (want > 0).astype(want.dtype) if want.max(initial=0) > 1 else None,
            id="confusion_matrix.repeats_counted_once",
        ),
        Mistake(
            "Each row is divided by its total: keep the counts (do not normalise).",
            by_rows if not np.allclose(by_rows, want) else None,
            id="confusion_matrix.normalised_rows",
        ),
        Mistake(
            "Each column is divided by its total: keep the counts (do not normalise).",
            by_columns if not np.allclose(by_columns, want) else None,
            id="confusion_matrix.normalised_columns",
        ),
        Mistake(
            "Only the correct predictions were counted (the diagonal): count every example, "
            "right or wrong, at cm[true, predicted].",
            np.diag(np.diag(want)) if want.sum() > np.trace(want) else None,
            id="confusion_matrix.diagonal_only",
        ),
        Mistake(
            "Every example was counted twice: add 1 at cm[y_true[i], y_pred[i]], once.",
            2 * want,
            id="confusion_matrix.counted_twice",
        ),
        Mistake(
            "Nothing was counted: add 1 at cm[y_true[i], y_pred[i]] for every example.",
            np.zeros_like(want),
            id="confusion_matrix.nothing_counted",
        ),
        Mistake(
            "Every count is one too many: start from np.zeros, not np.ones.",
            want + 1,
            id="confusion_matrix.starts_from_ones",
        ),
        Mistake(
            "The last example was not counted: the loop runs over all N examples, "
            "range(len(y_true)).",
            _count(y_true[:-1], y_pred[:-1], C),
            id="confusion_matrix.misses_last_example",
        ),
    ]


def _shape_mistakes(call: Call, C: int) -> list[Mistake]:
    y_true, y_pred = np.asarray(call.args[0]), np.asarray(call.args[1])
    largest = int(max(y_true.max(), y_pred.max())) + 1
    return [
        returns_none("confusion_matrix"),
        Mistake(
            "Its size comes from the largest label present: take it from num_classes (a class "
            "may not appear in a small sample).",
            matches=lambda got: largest != C and np.shape(got) == (largest, largest),
            id="confusion_matrix.size_from_labels",
        ),
        Mistake(
            "That is 10 x 10 whatever num_classes says: use the num_classes argument for its size.",
            matches=lambda got: C != 10 and np.shape(got) == (10, 10),
            id="confusion_matrix.fixed_ten_classes",
        ),
    ]


def test_confusion_matrix_shape(outcome):
    """The matrix is num_classes x num_classes."""
    fn = outcome("confusion_matrix")
    readings = []
    for case in fn.cases:
        call = fn.call(case)
        C = call.kwargs.get("num_classes", 10)
        what = f"confusion_matrix(...) on the '{case}' case (num_classes={C})"
        got = fn.result(case)

        def compare(got=got, what=what, C=C) -> None:
            value = expect_ndarray(got, what)
            expect(
                tuple(value.shape) == (C, C),
                f"{what} has shape {tuple(value.shape)}, expected {(C, C)}.",
                "Make it np.zeros((num_classes, num_classes), dtype=int) and count into it.",
            )

        readings.append((compare, got, _shape_mistakes(call, C)))
    expect_each(readings)


def test_confusion_matrix_values(outcome):
    """Entry [t, p] counts the examples of class t predicted as p."""
    fn = outcome("confusion_matrix")
    readings = []
    for case in fn.cases:
        want = np.asarray(fn.expected(case))
        got = fn.result(case)
        what = f"confusion_matrix(...) on the '{case}' case"
        readings.append(
            _equal_reading(
                got,
                want,
                what,
                "cm[t, p] counts the examples of true class t predicted as p.",
                _confusion_mistakes(fn.call(case), want),
            )
        )
    expect_each(readings)


@requires("test_confusion_matrix_values")
def test_confusion_matrix_integer_counts(outcome):
    """The counts are integers."""
    fn = outcome("confusion_matrix")
    for case in fn.cases:
        got = expect_ndarray(fn.result(case), f"confusion_matrix(...) on the '{case}' case")
        expect(
            got.dtype.kind in "iu",
            f"confusion_matrix(...) on the '{case}' case has dtype {got.dtype}; expected an "
            "integer array.",
            mistake=Mistake(
                "The counts are right but held as floats: make the matrix with integers, "
                "np.zeros((num_classes, num_classes), dtype=int) (np.zeros alone makes floats; "
                "the lesson's heat map writes the counts with fmt='d').",
                id="confusion_matrix.float_counts",
            )
            if got.dtype.kind == "f"
            else None,
            hint=None
            if got.dtype.kind == "f"
            else "Counts are integers: make them with dtype=int.",
        )


@requires("test_confusion_matrix_values")
def test_confusion_matrix_leaves_inputs_unchanged(outcome):
    """confusion_matrix leaves y_true and y_pred unchanged."""
    fn = outcome("confusion_matrix")
    check_unchanged(
        fn, ("y_true", "y_pred"), "Only read the labels: do not sort or overwrite them."
    )


# -- most_confused_pairs ------------------------------------------------------------------------


def _distinct_confusions(rng, C, diagonal):
    """A confusion matrix whose off-diagonal counts are all different (no ties)."""
    cm = np.zeros((C, C), dtype=np.int64)
    off = ~np.eye(C, dtype=bool)
    cm[off] = rng.permutation(C * (C - 1)) + 1
    cm[np.arange(C), np.arange(C)] = diagonal + rng.integers(0, 20, size=C)
    return cm


def _ranked(cm: np.ndarray, k: int, key: Callable, *, diagonal: bool = False) -> list[tuple]:
    """The k first (true, predicted, count) of cm's entries (off the diagonal unless
    ``diagonal``) in the order ``key`` gives."""
    C = cm.shape[0]
    entries = [(t, p, int(cm[t, p])) for t in range(C) for p in range(C) if diagonal or t != p]
    return sorted(entries, key=key)[:k]


def _right(e):
    return (-e[2], e[0], e[1])


def _tied_confusions(rng) -> np.ndarray:
    """Four pairs share the second-largest count, placed so that breaking the tie by (true,
    predicted), by (predicted, true), in reverse, or as np.argsort's default (unstable) sort
    does keeps different pairs with k=4."""
    C = int(rng.integers(5, 8))
    off = [(t, p) for t in range(C) for p in range(C) if t != p]
    for _ in range(1000):
        chosen = [off[i] for i in rng.choice(len(off), size=6, replace=False)]
        tied = int(rng.integers(3, 9))
        cm = np.zeros((C, C), dtype=np.int64)
        cm[np.arange(C), np.arange(C)] = 50
        for pair in chosen[:4]:
            cm[pair] = tied
        cm[chosen[4]] = tied + 2
        cm[chosen[5]] = tied - 1
        orders = [
            _right,
            lambda e: (-e[2], e[1], e[0]),
            lambda e: (-e[2], -e[0], -e[1]),
        ]
        t, p = np.nonzero(~np.eye(C, dtype=bool))
        unstable = [(int(t[i]), int(p[i]), int(cm[t[i], p[i]])) for i in np.argsort(-cm[t, p])[:4]]
        ranked = {tuple(_ranked(cm, 4, key)) for key in orders}
        if len(ranked) == len(orders) and tuple(unstable) not in ranked:
            return cm
    raise RuntimeError("no tied confusion matrix was found")


@cases_for("most_confused_pairs")
def most_confused_pairs_cases(rng, ref):
    few = np.diag(rng.integers(20, 40, size=4)).astype(np.int64)
    few[2, 1] = 3
    return {
        "random": Call(_distinct_confusions(rng, 10, 500), k=3),
        "k_5": Call(_distinct_confusions(rng, 10, 500), k=5),
        "k_1": Call(_distinct_confusions(rng, 6, 40), k=1),
        "default_k": Call(_distinct_confusions(rng, 5, 100)),
        "k_larger_than_pairs": Call(_distinct_confusions(rng, 3, 30), k=10),
        "two_classes": Call(_distinct_confusions(rng, 2, 10), k=3),
        "ties": Call(_tied_confusions(rng), k=4),
        "few_mistakes": Call(few, k=3),
    }


VALUE_CASES = ("random", "k_5", "k_1", "default_k", "k_larger_than_pairs", "two_classes")
TIE_CASES = ("ties", "few_mistakes")


def _as_triples(got, what: str) -> list[tuple[int, int, int]]:
    """The result as (true, predicted, count) triples of ints: a list or tuple of triples, or an
    (k, 3) integer array."""
    if isinstance(got, np.ndarray) and got.ndim == 2 and got.shape[1] == 3:
        got = list(got)
    expect(
        isinstance(got, (list, tuple)),
        f"{what} should be a list of (true, predicted, count) tuples; got {describe(got)}.",
        mistake=returns_none("most_confused_pairs") if got is None else None,
        hint=None if got is None else "Build a list of tuples and return it.",
    )
    pairs_only = bool(got) and all(
        isinstance(item, (list, tuple, np.ndarray)) and len(item) == 2 for item in got
    )
    expect(
        not pairs_only,
        f"{what} holds pairs of two numbers; it should hold (true, predicted, count) triples.",
        mistake=Mistake(
            "Those are the (true, predicted) pairs without their counts: add cm[true, "
            "predicted] as the third number.",
            id="most_confused_pairs.no_counts",
        ),
    )
    triples = []
    for item in got:
        ok = isinstance(item, (list, tuple, np.ndarray)) and len(item) == 3
        expect(
            ok,
            f"{what} should hold (true, predicted, count) triples; one entry is {describe(item)}.",
            "Append (t, p, count) tuples, three numbers each.",
        )
        integers = all(
            isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)) for v in item
        )
        expect(
            integers,
            f"{what} should hold integers; one entry is {tuple(item)!r}.",
            "The classes and the counts are integers: int(t), int(p), int(cm[t, p]).",
        )
        triples.append(tuple(int(v) for v in item))
    return triples


def _plain_triples(got) -> list[tuple] | None:
    """The result as a list of tuples of Python numbers, or None when it is not triples."""
    try:
        triples = [
            tuple(v.item() if isinstance(v, np.generic) else v for v in item) for item in got
        ]
    except TypeError:
        return None
    return triples if all(len(t) == 3 for t in triples) else None


def _ascending(got, cm: np.ndarray, want: list) -> bool:
    """The k largest off-diagonal counts, each with its own (true, predicted), listed smallest
    count first (in whatever order among ties)."""
    triples = _plain_triples(got)
    if triples is None or triples == want or len(triples) != len(want):
        return False
    C = cm.shape[0]
    valid = all(
        isinstance(t, int)
        and isinstance(p, int)
        and 0 <= t < C
        and 0 <= p < C
        and t != p
        and int(cm[t, p]) == c
        for t, p, c in triples
    )
    return valid and [c for *_, c in triples] == sorted(c for *_, c in want)


def _pairs_mistakes(cm: np.ndarray, k: int, want: list) -> list[Mistake]:
    """What most_confused_pairs returns under the usual mistakes, on the same cm and k."""
    return [
        returns_none("most_confused_pairs"),
        *_pairs_field_mistakes(cm, k, want),
        *_pairs_order_mistakes(cm, k, want),
        *_pairs_count_mistakes(cm, k, want),
    ]


def _pairs_model(value, hint: str, name: str, want: list) -> Mistake:
    """The mistake whose code returns ``value`` (when that is not the right answer)."""
    return Mistake(hint, matches=lambda got: _plain_triples(got) == value != want, id=name)


def _pairs_field_mistakes(cm: np.ndarray, k: int, want: list) -> list[Mistake]:
    """The diagonal counted, or the triples' fields in another order."""
    C = cm.shape[0]
    zeroed = cm.copy()
    zeroed[np.arange(C), np.arange(C)] = 0

    def reordered(got) -> bool:
        triples = _plain_triples(got)
        return (
            triples is not None
            and triples != want
            and len(triples) == len(want)
            and all(sorted(a) == sorted(b) for a, b in zip(triples, want))
            and len(
                {tuple(a.index(v) for v in b) for a, b in zip(triples, want) if len(set(b)) == 3}
            )
            == 1
        )

    return [
        _pairs_model(
            _ranked(cm, k, _right, diagonal=True),
            "The diagonal is in it: leave out t == p, the correct predictions, not confusions.",
            "most_confused_pairs.includes_diagonal",
            want,
        ),
        _pairs_model(
            _ranked(zeroed, k, _right, diagonal=True),
            "The diagonal is set to 0 but still ranked, so (t, t, 0) can make the list when "
            "there are few mistakes: leave the pairs with t == p out altogether.",
            "most_confused_pairs.zeroed_diagonal_ranked",
            want,
        ),
        _pairs_model(
            [(p, t, c) for t, p, c in want],
            "The tuples are (true, predicted, count): the row index of cm is the true class.",
            "most_confused_pairs.predicted_true_swapped",
            want,
        ),
        Mistake(
            "The three numbers of each triple are in another order: (true, predicted, count).",
            matches=reordered,
            id="most_confused_pairs.fields_out_of_order",
        ),
        Mistake(
            "The k largest counts, smallest first: put the largest count first.",
            matches=lambda got: _ascending(got, cm, want),
            id="most_confused_pairs.ascending_order",
        ),
    ]


def _pairs_order_mistakes(cm: np.ndarray, k: int, want: list) -> list[Mistake]:
    """The right pairs ranked another way: smallest first, ties broken otherwise."""
    C = cm.shape[0]
    t, p = np.nonzero(~np.eye(C, dtype=bool))
    counts = cm[t, p]
    unstable = [(int(t[i]), int(p[i]), int(counts[i])) for i in np.argsort(-counts)[:k]]
    return [
        _pairs_model(
            _ranked(cm, k, lambda e: (e[2], e[0], e[1])),
            "Those are the smallest off-diagonal counts: take the largest.",
            "most_confused_pairs.smallest_counts",
            want,
        ),
        _pairs_model(
            _ranked(cm, k, lambda e: (-e[2], e[1], e[0])),
            "Ties are broken by the predicted class first: break them by (true, predicted), "
            "the true class first.",
            "most_confused_pairs.ties_by_predicted",
            want,
        ),
        _pairs_model(
            _ranked(cm, k, lambda e: (-e[2], -e[0], -e[1])),
            "Ties are broken by (true, predicted) from the largest: smallest first, as a "
            "stable sort over the pairs in row order keeps them.",
            "most_confused_pairs.ties_reversed",
            want,
        ),
        _pairs_model(
            unstable,
            "np.argsort without kind='stable' breaks ties its own way: sort with "
            "kind='stable' over the pairs in row order (or by (-count, true, predicted)).",
            "most_confused_pairs.unstable_sort",
            want,
        ),
    ]


def _pairs_count_mistakes(cm: np.ndarray, k: int, want: list) -> list[Mistake]:
    """Another number of pairs than k."""
    C = cm.shape[0]
    pairs = min(k, C * (C - 1))
    return [
        _pairs_model(
            _ranked(cm, 3, _right),
            f"That is 3 pairs whatever k says: return k of them (here {pairs}).",
            "most_confused_pairs.fixed_three",
            want,
        ),
        _pairs_model(
            _ranked(cm, k + 1, _right),
            f"That is k + 1 pairs: return k of them (here {pairs}).",
            "most_confused_pairs.one_pair_too_many",
            want,
        ),
        _pairs_model(
            _ranked(cm, k - 1, _right),
            f"That is k - 1 pairs: return k of them (here {pairs}).",
            "most_confused_pairs.one_pair_too_few",
            want,
        ),
    ]


def _pairs_reading(fn, case: str) -> tuple:
    """A reading for expect_each: compare one case's pairs with the reference's."""
    call = fn.call(case)
    cm = np.asarray(call.args[0])
    k = call.kwargs.get("k", 3)
    what = f"most_confused_pairs(cm, k={k}) on the '{case}' case"
    want = [tuple(int(v) for v in item) for item in fn.expected(case)]
    got = fn.result(case)

    def compare() -> None:
        triples = _as_triples(got, what)
        if triples == want:
            return
        wrong_counts = [
            (t, p, c)
            for t, p, c in triples
            if not (0 <= t < cm.shape[0] and 0 <= p < cm.shape[1]) or int(cm[t, p]) != c
        ]
        detail = (
            f" Its entry {wrong_counts[0]} does not hold the count cm[{wrong_counts[0][0]}, "
            f"{wrong_counts[0][1]}]."
            if wrong_counts
            else ""
        )
        raise CheckFailed(
            f"{what} is {_shown(triples)}; expected {_shown(want)}.{detail}",
            "Rank the off-diagonal entries by count, largest first, ties by (true, "
            "predicted), and return the first k as (true, predicted, cm[true, predicted]).",
        )

    return compare, got, _pairs_mistakes(cm, k, want)


def _shown(pairs: list) -> str:
    return "[" + ", ".join(map(str, pairs[:6])) + (", ..." if len(pairs) > 6 else "") + "]"


def test_most_confused_pairs_values(outcome):
    """The k largest off-diagonal counts, largest first, as (true, predicted, count)."""
    fn = outcome("most_confused_pairs")
    expect_each([_pairs_reading(fn, case) for case in VALUE_CASES])


def test_most_confused_pairs_ties(outcome):
    """Ties are broken by (true, predicted), smallest first."""
    fn = outcome("most_confused_pairs")
    expect_each([_pairs_reading(fn, case) for case in TIE_CASES])


@requires("test_most_confused_pairs_values")
def test_most_confused_pairs_leaves_input_unchanged(outcome):
    """most_confused_pairs leaves cm unchanged."""
    fn = outcome("most_confused_pairs")
    check_unchanged(
        fn,
        ("cm",),
        "Work on a copy to leave out the diagonal: cm.copy() before np.fill_diagonal, which "
        "changes the caller's matrix (the lesson uses cm again after this call).",
    )
