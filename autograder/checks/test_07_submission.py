"""Checks for lesson 07: make_submission, validate_submission."""

from __future__ import annotations

import numpy as np
import pandas as pd

from autograder.checking import (
    Call,
    CheckFailed,
    Mistake,
    cases_for,
    describe,
    expect,
    expect_equal,
    requires,
    result_or_known_error,
)

COLUMNS = ["ImageId", "Label"]

# -- make_submission ----------------------------------------------------------------------------


@cases_for("make_submission")
def make_submission_cases(rng, ref):
    return {
        "random": Call(rng.integers(0, 10, size=9)),
        "one_prediction": Call(rng.integers(0, 10, size=1)),
        "int32": Call(rng.integers(0, 10, size=14).astype(np.int32)),
        "python_list": Call([int(v) for v in rng.integers(0, 10, size=6)]),  # any array-like
    }


ARRAY_LIKE_HINT = (
    "predictions may be any array-like, a Python list too: convert it with "
    "np.asarray(predictions) before using array methods such as .astype."
)


def _frame(fn, case):
    got = result_or_known_error(
        fn, case, known=[("AttributeError", "'list' object has no attribute", ARRAY_LIKE_HINT)]
    )
    what = f"make_submission(predictions) on the '{case}' case"
    expect(
        isinstance(got, pd.DataFrame),
        f"{what} should be a pandas DataFrame; got {describe(got)}.",
        "Build it with pd.DataFrame({'ImageId': ..., 'Label': ...}).",
    )
    return got


def _column(fn, case, name):
    df = _frame(fn, case)
    expect(
        name in df.columns,
        f"make_submission(...) on the '{case}' case has no '{name}' column (it has {list(df.columns)}).",
        "Kaggle wants exactly the columns 'ImageId' and 'Label', spelled like that.",
    )
    return df[name].to_numpy()


def test_make_submission_columns(outcome):
    """the DataFrame has exactly the columns ImageId and Label, in that order."""
    fn = outcome("make_submission")
    for case in fn.cases:
        columns = list(_frame(fn, case).columns)
        if columns == COLUMNS:
            continue
        lower = [str(c).lower() for c in columns]
        if sorted(columns) == sorted(COLUMNS):
            hint = "Put 'ImageId' first, then 'Label'."
        elif sorted(lower) == sorted(c.lower() for c in COLUMNS):
            hint = "Spell them exactly 'ImageId' and 'Label' (the capitals matter)."
        elif columns == ["Label"]:
            hint = "'ImageId' must be a column, not the index (do not set_index)."
        else:
            hint = "Kaggle wants exactly the columns 'ImageId' and 'Label', in that order, and no others."
        raise CheckFailed(
            f"make_submission(...) on the '{case}' case has the columns {columns}; "
            f"expected {COLUMNS}.",
            hint,
        )


def test_make_submission_image_ids(outcome):
    """ImageId counts the test images 1, 2, ..., N."""
    fn = outcome("make_submission")
    for case in fn.cases:
        (predictions,) = fn.call(case).args
        n = len(predictions)
        ids = _column(fn, case, "ImageId")
        expect_equal(
            ids,
            np.arange(1, n + 1),
            f"the 'ImageId' column on the '{case}' case",
            hint="ImageId numbers the test images 1, 2, ..., N.",
            mistakes=[
                Mistake("Kaggle counts ImageId from 1, not 0: np.arange(1, N + 1).", np.arange(n))
            ],
        )


def test_make_submission_labels(outcome):
    """Label holds the predictions in the order given."""
    fn = outcome("make_submission")
    for case in fn.cases:
        (_predictions,) = fn.call(case).args
        labels = _column(fn, case, "Label")
        expect_equal(
            labels,
            fn.expected(case)["Label"].to_numpy(),
            f"the 'Label' column on the '{case}' case",
            hint="Label is the predictions, in the order given.",
        )


@requires("test_make_submission_image_ids", "test_make_submission_labels")
def test_make_submission_integer_columns(outcome):
    """both columns hold integers."""
    fn = outcome("make_submission")
    for case in fn.cases:
        for name in COLUMNS:
            values = _column(fn, case, name)
            expect(
                values.dtype.kind in "iu",
                f"the '{name}' column on the '{case}' case has dtype {values.dtype}; Kaggle expects integers.",
                "Convert it: .astype(int) (a float column is written as 3.0, which Kaggle rejects).",
            )


# -- validate_submission ------------------------------------------------------------------------


def _valid(rng, n):
    return pd.DataFrame({"ImageId": np.arange(1, n + 1), "Label": rng.integers(0, 10, size=n)})


@cases_for("validate_submission")
def validate_submission_cases(rng, ref):
    n = int(rng.integers(8, 16))
    df = lambda: _valid(rng, n)

    missing_label = df()[["ImageId"]]
    missing_id = df()[["Label"]]
    extra = df()
    extra["probability"] = rng.uniform(size=n)
    lower = df().rename(columns={"Label": "label"})
    from_zero = df()
    from_zero["ImageId"] = np.arange(n)
    shuffled = df()
    shuffled["ImageId"] = np.roll(np.arange(1, n + 1), 3)
    ten, negative, fraction, whole_floats, missing = df(), df(), df(), df(), df()
    ten.loc[n // 2, "Label"] = 10
    negative.loc[1, "Label"] = -1
    fraction["Label"] = fraction["Label"].astype(np.float64)
    fraction.loc[n - 2, "Label"] = 3.5
    whole_floats["Label"] = whole_floats["Label"].astype(
        np.float64
    )  # 3.0: right digits, wrong type
    missing["Label"] = missing["Label"].astype(np.float64)
    missing.loc[2, "Label"] = np.nan
    float_ids = df()
    float_ids["ImageId"] = float_ids["ImageId"].astype(np.float64)  # 1.0, 2.0, ...
    return {
        "valid": Call(df(), n_rows=n),
        "valid_one_row": Call(_valid(rng, 1), n_rows=1),
        "missing_label": Call(missing_label, n_rows=n),
        "missing_image_id": Call(missing_id, n_rows=n),
        "extra_column": Call(extra, n_rows=n),
        "renamed_label": Call(lower, n_rows=n),
        "one_row_short": Call(df().iloc[:-1].copy(), n_rows=n),
        "default_n_rows": Call(df()),
        "image_id_from_0": Call(from_zero, n_rows=n),
        "image_id_shuffled": Call(shuffled, n_rows=n),
        "label_10": Call(ten, n_rows=n),
        "label_negative": Call(negative, n_rows=n),
        "label_fraction": Call(fraction, n_rows=n),
        "label_float_column": Call(whole_floats, n_rows=n),
        "label_missing": Call(missing, n_rows=n),
        "image_id_float_column": Call(float_ids, n_rows=n),
    }


VALID = ("valid", "valid_one_row")
COLUMN_CASES = {
    "missing_label": ["Label"],
    "missing_image_id": ["ImageId"],
    "extra_column": ["probability"],
    "renamed_label": ["Label", "label"],
}
ROW_CASES = ("one_row_short", "default_n_rows")
IMAGE_ID_CASES = ("image_id_from_0", "image_id_shuffled", "image_id_float_column")
LABEL_CASES = (
    "label_10",
    "label_negative",
    "label_fraction",
    "label_float_column",
    "label_missing",
)
#: What to say when one of these passes as valid.
MISSED = {
    "label_float_column": (
        "A float Label column is rejected even when every value is a whole digit (3.0): Kaggle "
        "wants integers. Check the column's dtype, e.g. pd.api.types.is_integer_dtype(df['Label'])."
    ),
    "label_missing": "A missing Label (NaN) is not a digit: check for missing values (isna()).",
    "image_id_float_column": (
        "ImageId must be a column of integers; 1.0, 2.0, ... compare equal to 1, 2, ... but are "
        "floats: check the column's dtype, not only its values."
    ),
}


def _n_rows(call):
    return call.kwargs.get("n_rows", 28000)


def _check_rejects(fn, cases, problem):
    for case in cases:
        raised = fn.raised(case)
        what = f"validate_submission on the '{case}' case ({problem})"
        if raised is None:
            raise CheckFailed(
                f"{what} returned without raising; it should raise ValueError.",
                MISSED.get(case)
                or 'Check this and `raise ValueError("...")` with a message that names the problem.',
            )
        if raised.type != "ValueError":
            hint = (
                "Raise ValueError(...) yourself rather than using assert."
                if raised.type == "AssertionError"
                else "Check for this problem first and raise ValueError(...) with a clear message, "
                "before code that fails on it."
            )
            raise CheckFailed(
                f"{what} raised {raised.type}: {raised.message}; expected a ValueError.", hint
            )


@requires("test_validate_submission_rejects_wrong_row_count")
def test_validate_submission_accepts_valid(outcome):
    """a valid submission passes (the function returns None)."""
    fn = outcome("validate_submission")
    for case in VALID:
        raised = fn.raised(case)
        call = fn.call(case)
        if raised is not None:
            raise CheckFailed(
                f"validate_submission rejected a valid submission of {len(call.args[0])} rows with "
                f"n_rows={_n_rows(call)} (the '{case}' case): {raised.type}: {raised.message.rstrip('.')}.",
                "Compare with the n_rows argument, not a fixed 28000, and accept integer labels 0-9.",
            )
        got = fn.result(case)
        expect(
            got is None,
            f"validate_submission on the '{case}' case returned {describe(got)}; "
            "it should return None for a valid submission.",
            "Raise ValueError for a problem and return nothing otherwise.",
        )


def test_validate_submission_rejects_wrong_columns(outcome):
    """a missing, extra or misspelt column raises ValueError."""
    _check_rejects(outcome("validate_submission"), COLUMN_CASES, "wrong columns")


def test_validate_submission_rejects_wrong_row_count(outcome):
    """the wrong number of rows raises ValueError."""
    _check_rejects(outcome("validate_submission"), ROW_CASES, "wrong number of rows")


def test_validate_submission_rejects_bad_image_ids(outcome):
    """ImageId other than the integers 1..n_rows in order raises ValueError."""
    _check_rejects(outcome("validate_submission"), IMAGE_ID_CASES, "ImageId not 1..n_rows")


def test_validate_submission_rejects_bad_labels(outcome):
    """a Label that is not an integer 0-9 (10, -1, 3.5, a float column, a missing value) raises ValueError."""
    _check_rejects(
        outcome("validate_submission"), LABEL_CASES, "a label that is not an integer 0-9"
    )


def _names(message, words):
    return any(w in message for w in words)


def test_validate_submission_messages_name_the_problem(outcome):
    """each error message names what is wrong (the column, both row counts, ImageId or Label)."""
    fn = outcome("validate_submission")
    wanted = {}
    for case, columns in COLUMN_CASES.items():
        wanted[case] = (columns, f"name the column ({' or '.join(map(repr, columns))})")
    for case in ROW_CASES:
        call = fn.call(case)
        n_rows, got_rows = _n_rows(call), len(call.args[0])
        wanted[case] = (None, f"say both numbers of rows ({got_rows} and {n_rows})")
    for case in IMAGE_ID_CASES:
        wanted[case] = (["ImageId"], "mention 'ImageId'")
    for case in LABEL_CASES:
        wanted[case] = (["Label"], "mention 'Label'")
    read = 0
    for case, (words, what) in wanted.items():
        raised = fn.raised(case)
        if raised is None or raised.type != "ValueError":
            continue  # the rejects checks report this
        read += 1
        message = raised.message
        if words is None:
            call = fn.call(case)
            plain = message.replace(",", "").replace("_", "")
            ok = str(_n_rows(call)) in plain and str(len(call.args[0])) in plain
        elif words == ["ImageId"] or words == ["Label"]:
            ok = words[0].lower() in message.lower()
        else:
            ok = _names(message, words)
        expect(
            ok,
            f"validate_submission's message on the '{case}' case is {message!r}; it should {what}.",
            'Say what is wrong so a student can fix it, e.g. f"expected {n_rows} rows, got {len(df)}".',
        )
    expect(
        read > 0,
        "validate_submission raised no ValueError on any of the broken submissions, so there "
        "is no message to read.",
        'Raise ValueError("...") with a message that names the problem.',
    )
