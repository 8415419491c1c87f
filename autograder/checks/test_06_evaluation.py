"""Checks for lesson 06: predict, accuracy, confusion_matrix, most_confused_pairs."""

from __future__ import annotations

import numpy as np

from autograder.checking import (
    Call,
    CheckFailed,
    Mistake,
    cases_for,
    describe,
    expect,
    expect_dtype,
    expect_equal,
    expect_ndarray,
    expect_scalar,
    expect_shape,
    requires,
)

# -- predict ------------------------------------------------------------------------------------


def _random_params(rng, n_in, n_hidden, n_out=10):
    return {
        "W1": rng.normal(0.0, 1.0, size=(n_in, n_hidden)).astype(np.float32),
        "b1": rng.normal(0.0, 0.5, size=n_hidden).astype(np.float32),
        "W2": rng.normal(0.0, 1.0, size=(n_hidden, n_out)).astype(np.float32),
        "b2": rng.normal(0.0, 0.5, size=n_out).astype(np.float32),
    }


@cases_for("predict")
def predict_cases(rng, ref):
    params = _random_params(rng, 5, 4)
    wide = _random_params(rng, 8, 12)
    return {
        "random": Call(rng.uniform(0, 1, size=(6, 5)).astype(np.float32), params),
        "one_row": Call(rng.uniform(0, 1, size=(1, 5)).astype(np.float32), params),
        "float64": Call(rng.uniform(0, 1, size=(13, 8)), wide),
    }


def _predict_mistakes(N):
    return [
        Mistake(
            "np.argmax without an axis gives one index into the flattened array; use axis=1 for one "
            "label per row.",
            matches=lambda got: np.ndim(got) == 0,
        ),
        Mistake(
            "Return a flat array of shape (N,): drop keepdims=True (or .ravel() the result).",
            matches=lambda got: np.shape(got) == (N, 1),
        ),
        Mistake(
            "That is one number per class: take the argmax over the classes, axis=1 (one label per row).",
            matches=lambda got: np.shape(got) == (10,) and N != 10,
        ),
        Mistake(
            "Those are the probabilities: return the class with the largest probability in each row, "
            "np.argmax(probs, axis=1).",
            matches=lambda got: np.ndim(got) == 2 and np.shape(got)[0] == N,
        ),
        Mistake(
            "Those look like the largest probabilities themselves; return their positions "
            "(np.argmax, not np.max).",
            matches=lambda got: (
                np.shape(got) == (N,)
                and np.asarray(got).dtype.kind == "f"
                and bool(np.all((np.asarray(got) >= 0) & (np.asarray(got) <= 1)))
                and not bool(np.all(np.asarray(got) == np.round(np.asarray(got))))
            ),
        ),
    ]


def test_predict_values(outcome):
    """the predictions are the most probable class of each row."""
    fn = outcome("predict")
    for case in fn.cases:
        X = fn.call(case).args[0]
        expect_equal(
            fn.result(case),
            fn.expected(case),
            f"predict(X, params) on the '{case}' case",
            hint="Run forward(X, params) and take np.argmax(probs, axis=1).",
            mistakes=_predict_mistakes(X.shape[0]),
        )


@requires("test_predict_values")
def test_predict_returns_integers(outcome):
    """predict returns a 1-D array of integers."""
    fn = outcome("predict")
    for case in fn.cases:
        X = fn.call(case).args[0]
        got = expect_ndarray(
            fn.result(case),
            f"predict(X, params) on the '{case}' case",
            mistakes=_predict_mistakes(X.shape[0]),
        )
        expect_shape(
            got,
            (X.shape[0],),
            f"predict(X, params) on the '{case}' case",
            mistakes=_predict_mistakes(X.shape[0]),
        )
        expect_dtype(
            got,
            "iu",
            f"predict(X, params) on the '{case}' case",
            hint="Class labels are integers: np.argmax returns them (do not convert to float).",
        )


# -- accuracy -----------------------------------------------------------------------------------


@cases_for("accuracy")
def accuracy_cases(rng, ref):
    y_true = rng.integers(0, 10, size=25)
    y_pred = np.where(rng.uniform(size=25) < 0.6, y_true, rng.integers(0, 10, size=25))
    y_pred[0], y_pred[1] = y_true[0], (y_true[1] + 1) % 10  # at least one right and one wrong
    labels = rng.integers(0, 10, size=8)
    wrong = rng.integers(0, 10, size=7)
    return {
        "random": Call(y_pred, y_true),
        "all_correct": Call(labels.copy(), labels.copy()),
        "none_correct": Call((wrong + 1) % 10, wrong),
        "one_example": Call(np.array([3]), np.array([3])),
        "int32_predictions": Call(y_pred[:12].astype(np.int32), y_true[:12]),
    }


def test_accuracy_value(outcome):
    """the value is the fraction of predictions that match, in [0, 1]."""
    fn = outcome("accuracy")
    for case in fn.cases:
        _y_pred, y_true = fn.call(case).args
        want = float(fn.expected(case))
        n = len(y_true)
        what = f"accuracy(y_pred, y_true) on the '{case}' case"
        mistakes = [
            Mistake("That is a count: divide by the number of examples (np.mean does).", want * n),
            Mistake("That is a percentage: the course uses a fraction in [0, 1].", want * 100),
            Mistake(
                "That is the error rate (the fraction wrong); return the fraction right.",
                1.0 - want,
            ),
            Mistake(
                "// rounds down to a whole number: divide with / (or use np.mean).",
                float(np.floor(want)),
            ),
        ]
        got = expect_scalar(
            fn.result(case),
            what,
            mistakes=mistakes,
            hint="Compare the two arrays and reduce to one number: np.mean(y_pred == y_true).",
        )
        if not np.isclose(got, want, rtol=1e-9, atol=1e-12):
            hint = next((m.hint for m in mistakes if m.fits(got)), None)
            raise CheckFailed(
                f"{what} is {got:.6g}; expected {want:.6g} ({round(want * n)} of {n} correct).",
                hint or "The accuracy is the fraction of positions where y_pred equals y_true.",
            )


@requires("test_accuracy_value")
def test_accuracy_python_float(outcome):
    """accuracy returns a single float, not an array."""
    fn = outcome("accuracy")
    for case in fn.cases:
        got = fn.result(case)
        ok = isinstance(got, (float, np.floating)) and not isinstance(got, bool)
        expect(
            ok,
            f"accuracy(y_pred, y_true) on the '{case}' case should be a Python float; got "
            f"{describe(got)}.",
            "Return float(...) of the mean: a 0-d array or an integer is not the float the "
            "docstring promises.",
        )


# -- confusion_matrix ---------------------------------------------------------------------------


@cases_for("confusion_matrix")
def confusion_matrix_cases(rng, ref):
    y_true = rng.integers(0, 10, size=60)
    y_pred = np.where(rng.uniform(size=60) < 0.5, y_true, rng.integers(0, 10, size=60))
    y_pred[:2] = [
        (y_true[0] + 1) % 10,
        (y_true[1] + 3) % 10,
    ]  # some confusions that are not symmetric
    few_true = rng.integers(0, 3, size=14)
    few_pred = np.where(rng.uniform(size=14) < 0.5, few_true, rng.integers(0, 3, size=14))
    few_pred[:2] = [(few_true[0] + 1) % 3, (few_true[1] + 2) % 3]
    low_true = rng.integers(0, 5, size=20)
    low_pred = np.where(rng.uniform(size=20) < 0.6, low_true, rng.integers(0, 6, size=20))
    perfect = rng.integers(0, 10, size=15)
    return {
        "random": Call(y_true, y_pred),
        "three_classes": Call(few_true, few_pred, num_classes=3),
        "classes_absent": Call(low_true, low_pred),
        "perfect": Call(perfect, perfect.copy()),
    }


def _confusion_mistakes(cm_want):
    want = np.asarray(cm_want)
    return [
        Mistake(
            "cm[y_true, y_pred] += 1 counts a repeated (true, predicted) pair only once: loop over the "
            "examples, or use np.add.at(cm, (y_true, y_pred), 1).",
            (want > 0).astype(want.dtype) if want.max(initial=0) > 1 else None,
        ),
        Mistake(
            "It looks transposed: rows are the true class and columns the predicted class, "
            "cm[y_true[i], y_pred[i]] += 1.",
            want.T if not np.array_equal(want, want.T) else None,
        ),
        Mistake(
            "Keep the counts: do not normalise the rows (or columns).",
            matches=lambda got: (
                np.asarray(got).dtype.kind == "f"
                and np.asarray(got).shape == want.shape
                and not np.array_equal(np.asarray(got), want)
                and float(np.asarray(got).max(initial=0)) <= 1.0
            ),
        ),
    ]


def test_confusion_matrix_shape(outcome):
    """the matrix is num_classes x num_classes."""
    fn = outcome("confusion_matrix")
    for case in fn.cases:
        call = fn.call(case)
        y_true, y_pred = call.args[0], call.args[1]
        C = call.kwargs.get("num_classes", 10)
        got = expect_ndarray(fn.result(case), f"confusion_matrix(...) on the '{case}' case")
        largest = int(max(y_true.max(), y_pred.max())) + 1
        if tuple(got.shape) != (C, C):
            if got.shape == (largest, largest):
                hint = (
                    "Its size should come from num_classes, not from the largest label present "
                    "(a class may not appear in a small sample)."
                )
            elif got.shape == (10, 10):
                hint = "Use the num_classes argument for its size rather than a fixed 10."
            else:
                hint = "Make it np.zeros((num_classes, num_classes), dtype=int) and count into it."
            raise CheckFailed(
                f"confusion_matrix(...) on the '{case}' case (num_classes={C}) has shape "
                f"{tuple(got.shape)}, expected {(C, C)}.",
                hint,
            )


def test_confusion_matrix_values(outcome):
    """entry [t, p] counts the examples of class t predicted as p."""
    fn = outcome("confusion_matrix")
    for case in fn.cases:
        want = fn.expected(case)
        expect_equal(
            fn.result(case),
            want,
            f"confusion_matrix(...) on the '{case}' case",
            hint="cm[t, p] counts the examples of true class t predicted as p.",
            mistakes=_confusion_mistakes(want),
        )


@requires("test_confusion_matrix_values")
def test_confusion_matrix_integer_counts(outcome):
    """the counts are integers."""
    fn = outcome("confusion_matrix")
    for case in fn.cases:
        got = expect_ndarray(fn.result(case), f"confusion_matrix(...) on the '{case}' case")
        expect_dtype(
            got,
            "iu",
            f"confusion_matrix(...) on the '{case}' case",
            hint="Counts are integers: np.zeros((num_classes, num_classes), dtype=int) "
            "(np.zeros alone makes floats).",
        )


# -- most_confused_pairs ------------------------------------------------------------------------


def _distinct_confusions(rng, C, diagonal):
    """A confusion matrix whose off-diagonal counts are all different (no ties)."""
    cm = np.zeros((C, C), dtype=np.int64)
    off = ~np.eye(C, dtype=bool)
    cm[off] = rng.permutation(C * (C - 1)) + 1
    cm[np.arange(C), np.arange(C)] = diagonal + rng.integers(0, 20, size=C)
    return cm


@cases_for("most_confused_pairs")
def most_confused_pairs_cases(rng, ref):
    # Four pairs share the second-largest count; k=4 keeps three of them, by (true, predicted).
    tied = int(rng.integers(3, 9))
    ties = np.zeros((6, 6), dtype=np.int64)
    ties[np.arange(6), np.arange(6)] = 50
    for pair in [(4, 0), (2, 5), (0, 3), (1, 2)]:
        ties[pair] = tied
    ties[3, 1] = tied + 2
    ties[5, 4] = tied - 1
    few = np.diag(rng.integers(20, 40, size=4)).astype(np.int64)
    few[2, 1] = 3
    return {
        "random": Call(_distinct_confusions(rng, 10, 500), k=3),
        "k_5": Call(_distinct_confusions(rng, 10, 500), k=5),
        "default_k": Call(_distinct_confusions(rng, 5, 100)),
        "k_larger_than_pairs": Call(_distinct_confusions(rng, 3, 30), k=10),
        "ties": Call(ties, k=4),
        "few_mistakes": Call(few, k=3),
    }


VALUE_CASES = ("random", "k_5", "default_k", "k_larger_than_pairs")
TIE_CASES = ("ties", "few_mistakes")


def _as_triples(got, what):
    expect(
        isinstance(got, (list, tuple)),
        f"{what} should be a list of (true, predicted, count) tuples; got {describe(got)}.",
        "Build a list of tuples and return it.",
    )
    triples = []
    for item in got:
        ok = isinstance(item, (list, tuple, np.ndarray)) and len(item) == 3
        expect(
            ok,
            f"{what} should hold (true, predicted, count) triples; one entry is {describe(item)}.",
            "Append (t, p, count) tuples, three numbers each.",
        )
        try:
            triples.append(tuple(int(v) for v in item))
        except (TypeError, ValueError):
            raise CheckFailed(f"{what} should hold whole numbers; one entry is {item!r}.") from None
    return triples


def _pairs_hint(got, want, cm):
    swapped = [(p, t, c) for t, p, c in want]
    if any(t == p for t, p, _ in got):
        return "Leave out the diagonal (t == p): those are the correct predictions, not confusions."
    if got == swapped:
        return "The tuples are (true, predicted, count): the row index of cm is the true class."
    if len(got) != len(want):
        return f"Return k pairs (here {len(want)}; all of them when k is larger than the number of pairs)."
    if any(
        not (0 <= t < cm.shape[0] and 0 <= p < cm.shape[1]) or int(cm[t, p]) != c for t, p, c in got
    ):
        return "Each count should be cm[true, predicted] for that pair."
    counts = [c for _, _, c in got]
    if counts != sorted(counts, reverse=True):
        if sorted(got) == sorted(want):
            return "Put the largest count first (sort in descending order)."
        return "Take the largest counts, largest first (descending order), not the smallest."
    if [c for _, _, c in want] != counts:
        return "Take the k largest off-diagonal counts."
    return None


def _check_pairs(fn, case, *, tie_hint=None):
    cm = fn.call(case).args[0]
    k = fn.call(case).kwargs.get("k", 3)
    what = f"most_confused_pairs(cm, k={k}) on the '{case}' case"
    want = [tuple(int(v) for v in item) for item in fn.expected(case)]
    got = _as_triples(fn.result(case), what)
    if got == want:
        return
    shown = lambda pairs: (
        "[" + ", ".join(map(str, pairs[:6])) + (", ..." if len(pairs) > 6 else "") + "]"
    )
    raise CheckFailed(
        f"{what} is {shown(got)}; expected {shown(want)}.", _pairs_hint(got, want, cm) or tie_hint
    )


def test_most_confused_pairs_values(outcome):
    """the k largest off-diagonal counts, largest first, as (true, predicted, count)."""
    fn = outcome("most_confused_pairs")
    for case in VALUE_CASES:
        _check_pairs(fn, case)


def test_most_confused_pairs_ties(outcome):
    """ties are broken by (true, predicted), smallest first."""
    fn = outcome("most_confused_pairs")
    for case in TIE_CASES:
        _check_pairs(
            fn,
            case,
            tie_hint="Break ties by (true, predicted) ascending: sort by (-count, true, "
            "predicted), or use a stable sort over the pairs in row order.",
        )


@requires("test_most_confused_pairs_values")
def test_most_confused_pairs_python_ints(outcome):
    """a list of tuples of Python ints."""
    fn = outcome("most_confused_pairs")
    for case in fn.cases:
        got = fn.result(case)
        what = f"most_confused_pairs(...) on the '{case}' case"
        expect(
            isinstance(got, list),
            f"{what} should be a list; got {describe(got)}.",
            "Return a plain list of tuples.",
        )
        for item in got:
            expect(
                isinstance(item, tuple),
                f"{what} should hold tuples; one entry is {describe(item)}.",
                "Append (t, p, count) as a tuple.",
            )
            for value in item:
                expect(
                    type(value) is int,
                    f"{what} should hold Python ints; one entry holds {describe(value)}.",
                    "Convert with int(...): cm[t, p] is a NumPy integer.",
                )
