"""Checks for lesson 07: make_submission, validate_submission.

Contract
--------
Every promise of the functions' docstrings and of the lesson, and the checks that hold them to it
(the cases are drawn by the builders below; each case name says which edge it covers).

make_submission(predictions)
    - returns a pandas DataFrame ................................. every check
    - exactly the columns ImageId and Label, in that order ....... test_make_submission_columns
    - one row per prediction; ImageId = 1, 2, ..., N, in order ... test_make_submission_image_ids
    - Label = the predictions, in the order given ................ test_make_submission_labels
    - both columns hold integers ................................. test_make_submission_integer_columns
    - predictions may be any int array-like: a list, int32, one
      prediction, every digit, one digit throughout ............. the cases, every check
    - predictions is left unchanged .............................. test_make_submission_keeps_input

validate_submission(df, n_rows=28000)
    - returns None for a valid submission: n_rows given or one
      row, labels 0 and 9 included, int32 columns ................ test_validate_submission_accepts_valid
    - a missing, extra (to_csv's 'Unnamed: 0') or misspelt column
      raises ValueError .......................................... test_validate_submission_rejects_wrong_columns
    - a row too few or too many, or the default n_rows (28,000)
      against a smaller file, raises ValueError .................. test_validate_submission_rejects_wrong_row_count
    - ImageId not exactly the integers 1..n_rows in order (from 0,
      shuffled, one repeated, a float column) raises ValueError .. test_validate_submission_rejects_bad_image_ids
    - a Label that is not an integer 0-9 (10, -1, 3.5, a float or
      bool column, a missing value) raises ValueError ............ test_validate_submission_rejects_bad_labels
    - each message names the problem: the column, both numbers of
      rows, 'ImageId', 'Label' ................................... test_validate_submission_messages_name_the_problem
    - df is left unchanged ....................................... test_validate_submission_keeps_input

Not promised, so not checked: the DataFrame's index (``to_csv(index=False)`` drops it), the
integer width (int32 and int64 both count as integers), the order of validate_submission's own
checks, the words of its messages beyond what they must name. A DataFrame with a column twice
cannot be handed to a confined worker (the codec refuses it as ambiguous), so no case has one.
"""

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
    expect_unchanged,
    failure,
    requires,
    result_or_known_error,
)

COLUMNS = ["ImageId", "Label"]

# -- make_submission ----------------------------------------------------------------------------


@cases_for("make_submission")
def make_submission_cases(rng, ref):
    every_digit = rng.permutation(10)
    every_digit[0], every_digit[-1] = 9, 0  # reversed ends: sorting them would show
    return {
        "random": Call(rng.integers(0, 10, size=9)),
        "one_prediction": Call(rng.integers(0, 10, size=1)),
        "int32": Call(rng.integers(0, 10, size=14).astype(np.int32)),
        "python_list": Call([int(v) for v in rng.integers(0, 10, size=6)]),  # any array-like
        "every_digit": Call(every_digit),
        "one_digit_throughout": Call(np.full(7, int(rng.integers(0, 10)))),
    }


ARRAY_LIKE_HINT = (
    "predictions may be any array-like, a Python list too: convert it with "
    "np.asarray(predictions) before using array methods such as .astype."
)


def _frame(fn, case):
    got = result_or_known_error(
        fn,
        case,
        known=[
            (
                "AttributeError",
                "'list' object has no attribute",
                ARRAY_LIKE_HINT,
                "make_submission.assumes_an_array",
            )
        ],
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


def _column_mistakes():
    """What typical mistakes give for the columns: each fits one exact list of names."""
    return [
        Mistake(
            "Put 'ImageId' first, then 'Label'.",
            matches=lambda columns: columns == ["Label", "ImageId"],
            id="make_submission.columns_swapped",
        ),
        Mistake(
            "Spell them exactly 'ImageId' and 'Label' (the capitals matter).",
            matches=lambda columns: (
                columns != COLUMNS
                and [str(c).lower() for c in columns] == [c.lower() for c in COLUMNS]
            ),
            id="make_submission.column_case",
        ),
        Mistake(
            "'ImageId' must be a column, not the index (do not set_index).",
            matches=lambda columns: columns == ["Label"],
            id="make_submission.image_id_as_index",
        ),
        Mistake(
            "reset_index() (or to_csv without index=False) adds the old index as a column: "
            "Kaggle wants exactly the columns 'ImageId' and 'Label', and no others.",
            matches=lambda columns: len(columns) == 3 and columns[1:] == COLUMNS,
            id="make_submission.index_column",
        ),
    ]


def test_make_submission_columns(outcome):
    """make_submission's DataFrame has exactly the columns ImageId and Label, in that order."""
    fn = outcome("make_submission")
    for case in fn.cases:
        columns = [str(c) for c in _frame(fn, case).columns]
        if columns == COLUMNS:
            continue
        raise failure(
            f"make_submission(...) on the '{case}' case has the columns {columns}; "
            f"expected {COLUMNS}.",
            _column_mistakes(),
            columns,
            "Kaggle wants exactly the columns 'ImageId' and 'Label', in that order, and no others.",
        )


def test_make_submission_image_ids(outcome):
    """make_submission's ImageId counts the test images 1, 2, ..., N."""
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
                Mistake(
                    "Kaggle counts ImageId from 1, not 0: np.arange(1, N + 1).",
                    np.arange(n),
                    id="make_submission.image_id_from_0",
                )
            ],
        )


def test_make_submission_labels(outcome):
    """make_submission's Label holds the predictions in the order given."""
    fn = outcome("make_submission")
    for case in fn.cases:
        (predictions,) = fn.call(case).args
        labels = _column(fn, case, "Label")
        expect_equal(
            labels,
            fn.expected(case)["Label"].to_numpy(),
            f"the 'Label' column on the '{case}' case",
            hint="Label is the predictions, in the order given.",
            mistakes=[
                Mistake(
                    "Keep the predictions in the order given: row i is test image i + 1, "
                    "so do not sort them.",
                    np.sort(np.asarray(predictions)),
                    id="make_submission.labels_sorted",
                )
            ],
        )


@requires("test_make_submission_image_ids", "test_make_submission_labels")
def test_make_submission_integer_columns(outcome):
    """make_submission's two columns both hold integers."""
    fn = outcome("make_submission")
    for case in fn.cases:
        for name in COLUMNS:
            values = _column(fn, case, name)
            expect(
                values.dtype.kind in "iu",
                f"the '{name}' column on the '{case}' case has dtype {values.dtype}; Kaggle expects integers.",
                "Convert it: .astype(int) (a float column is written as 3.0, which Kaggle rejects).",
                mistake=f"make_submission.float_{'labels' if name == 'Label' else 'image_ids'}",
            )


@requires("test_make_submission_image_ids", "test_make_submission_labels")
def test_make_submission_keeps_input(outcome):
    """make_submission leaves the predictions it is given unchanged."""
    fn = outcome("make_submission")
    for case in fn.cases:
        fn.result(case)
        expect_unchanged(
            fn.call(case).args[0],
            fn.args_after(case)[0],
            f"predictions (the '{case}' case)",
            hint="Build new columns (np.asarray(predictions).astype(int) makes a new array); "
            "do not sort or overwrite the predictions you were given.",
        )


# -- validate_submission ------------------------------------------------------------------------


def _valid(rng, n):
    labels = rng.integers(0, 10, size=n)
    if n >= 2:
        labels[rng.permutation(n)[:2]] = [0, 9]  # both ends of the digits, on purpose
    return pd.DataFrame({"ImageId": np.arange(1, n + 1), "Label": labels})


@cases_for("validate_submission")
def validate_submission_cases(rng, ref):
    n = int(rng.integers(8, 16))
    df = lambda: _valid(rng, n)

    missing_label = df()[["ImageId"]]
    missing_id = df()[["Label"]]
    extra = df()
    extra["probability"] = rng.uniform(size=n)
    with_index = df()
    with_index.insert(0, "Unnamed: 0", np.arange(n))  # to_csv without index=False, read back
    lower = df().rename(columns={"Label": "label"})
    from_zero = df()
    from_zero["ImageId"] = np.arange(n)
    shuffled = df()
    shuffled["ImageId"] = np.roll(np.arange(1, n + 1), 3)
    repeated = df()
    repeated.loc[n - 1, "ImageId"] = n - 1  # 1, 2, ..., n - 1, n - 1: one id twice, n missing
    longer = _valid(rng, n + 1)
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
    booleans = df()
    booleans["Label"] = booleans["Label"] > 4  # True/False compare equal to 1/0, but are no digits
    float_ids = df()
    float_ids["ImageId"] = float_ids["ImageId"].astype(np.float64)  # 1.0, 2.0, ...
    narrow = df().astype(np.int32)
    return {
        "valid": Call(df(), n_rows=n),
        "valid_one_row": Call(_valid(rng, 1), n_rows=1),
        "valid_int32": Call(narrow, n_rows=n),
        "missing_label": Call(missing_label, n_rows=n),
        "missing_image_id": Call(missing_id, n_rows=n),
        "extra_column": Call(extra, n_rows=n),
        "written_with_index": Call(with_index, n_rows=n),
        "renamed_label": Call(lower, n_rows=n),
        "one_row_short": Call(df().iloc[:-1].copy(), n_rows=n),
        "one_row_long": Call(longer, n_rows=n),
        "default_n_rows": Call(df()),
        "image_id_from_0": Call(from_zero, n_rows=n),
        "image_id_shuffled": Call(shuffled, n_rows=n),
        "image_id_repeated": Call(repeated, n_rows=n),
        "label_10": Call(ten, n_rows=n),
        "label_negative": Call(negative, n_rows=n),
        "label_fraction": Call(fraction, n_rows=n),
        "label_float_column": Call(whole_floats, n_rows=n),
        "label_missing": Call(missing, n_rows=n),
        "label_bool_column": Call(booleans, n_rows=n),
        "image_id_float_column": Call(float_ids, n_rows=n),
    }


VALID = ("valid", "valid_one_row", "valid_int32")
COLUMN_CASES = {
    "missing_label": ["Label"],
    "missing_image_id": ["ImageId"],
    "extra_column": ["probability"],
    "written_with_index": ["Unnamed: 0"],
    "renamed_label": ["Label", "label"],
}
ROW_CASES = ("one_row_short", "one_row_long", "default_n_rows")
IMAGE_ID_CASES = (
    "image_id_from_0",
    "image_id_shuffled",
    "image_id_repeated",
    "image_id_float_column",
)
LABEL_CASES = (
    "label_10",
    "label_negative",
    "label_fraction",
    "label_float_column",
    "label_missing",
    "label_bool_column",
)
#: What a validator that lets exactly one of these sets of broken files through has missed: a
#: model on the set it accepts, so whichever case is read first, the name is the same.
ACCEPTED = {
    "validate_submission.accepts_extra_columns": (
        [{"extra_column"}, {"written_with_index"}, {"extra_column", "written_with_index"}],
        (
            "Reject every column other than 'ImageId' and 'Label': a file written without "
            "index=False gains an 'Unnamed: 0' column when read back."
        ),
    ),
    "validate_submission.image_ids_as_a_set": (
        [{"image_id_shuffled"}],
        (
            "A set (or a sorted copy) ignores the order: compare ImageId with "
            "np.arange(1, n_rows + 1) element by element (np.array_equal)."
        ),
    ),
    "validate_submission.image_ids_not_compared": (
        [{"image_id_repeated"}, {"image_id_repeated", "image_id_shuffled"}],
        (
            "Compare ImageId with 1, 2, ..., n_rows element by element (np.array_equal), not only "
            "its first and last values or its length: an id may repeat while another is missing."
        ),
    ),
    "validate_submission.image_id_dtype_not_checked": (
        [{"image_id_float_column"}],
        (
            "ImageId must be a column of integers; 1.0, 2.0, ... compare equal to 1, 2, ... but are "
            "floats: check the column's dtype, not only its values."
        ),
    ),
    "validate_submission.image_ids_not_checked": (
        [set(IMAGE_ID_CASES)],
        (
            "Check the ImageId column: exactly the integers 1, 2, ..., n_rows, in order "
            "(pd.api.types.is_integer_dtype and np.array_equal with np.arange(1, n_rows + 1))."
        ),
    ),
    "validate_submission.label_dtype_not_checked": (
        [
            {"label_float_column"},
            {"label_bool_column"},
            {"label_float_column", "label_bool_column"},
        ],
        (
            "Check the Label column's dtype, not only its values: 3.0 and True compare equal to 3 "
            "and 1 but are no integer digits (pd.api.types.is_integer_dtype, and not is_bool_dtype)."
        ),
    ),
    "validate_submission.accepts_missing_labels": (
        [{"label_missing"}],
        "A missing Label (NaN) is not a digit: check for missing values (isna()).",
    ),
    "validate_submission.label_range_not_checked": (
        [{"label_10", "label_negative"}],
        (
            "Check that every Label lies from 0 to 9: ((labels < 0) | (labels > 9)).any() means a "
            "label that is no digit."
        ),
    ),
    "validate_submission.accepts_label_10": (
        [{"label_10"}],
        "9 is the largest digit: reject a Label above 9 (labels > 9, not labels > 10).",
    ),
    "validate_submission.accepts_negative_labels": (
        [{"label_negative"}],
        "0 is the smallest digit: reject a Label below 0 (labels < 0).",
    ),
    "validate_submission.labels_not_checked": (
        [set(LABEL_CASES)],
        "Check the Label column: integers (its dtype), no missing value, every one from 0 to 9.",
    ),
}


def _n_rows(call):
    return call.kwargs.get("n_rows", 28000)


def _accepted(fn, cases):
    """The broken cases of a group that the validator let through (it returned)."""
    return {c for c in cases if fn.raised(c) is None}


def _acceptance_mistakes(fn, cases):
    """The known mistakes whose model is the set of broken ``cases`` the validator accepted."""
    accepted = _accepted(fn, cases)
    mistakes = [
        Mistake(
            "Raise ValueError(...) for a problem, rather than returning False: the caller cannot "
            "miss an exception, and its message says what is wrong.",
            matches=lambda _: (
                accepted == set(cases)
                and all(isinstance(fn.result(c), (bool, np.bool_)) for c in cases)
            ),
            id="validate_submission.returns_instead_of_raising",
        )
    ]
    for mistake_id, (sets, hint) in ACCEPTED.items():
        mistakes.append(Mistake(hint, matches=lambda _, sets=sets: accepted in sets, id=mistake_id))
    return mistakes


def _check_rejects(fn, cases, problem):
    for case in cases:
        raised = fn.raised(case)
        what = f"validate_submission on the '{case}' case ({problem})"
        if raised is None:
            raise failure(
                f"{what} returned without raising; it should raise ValueError.",
                _acceptance_mistakes(fn, cases),
                fn.result(case),
                'Check this and `raise ValueError("...")` with a message that names the problem.',
            )
        if raised.type != "ValueError":
            if raised.type == "AssertionError":
                raise CheckFailed(
                    f"{what} raised {raised.type}: {raised.message}; expected a ValueError.",
                    mistake=Mistake(
                        "Raise ValueError(...) yourself rather than using assert.",
                        id="validate_submission.assert_instead_of_raise",
                    ),
                )
            raise CheckFailed(
                f"{what} raised {raised.type}: {raised.message}; expected a ValueError.",
                "Check for this problem first and raise ValueError(...) with a clear message, "
                "before code that fails on it.",
            )


HARD_CODED_ROWS = Mistake(
    "Compare with the n_rows argument, not a fixed 28000: a validator is told how many rows "
    "to expect.",
    id="validate_submission.hard_coded_n_rows",
)


@requires("test_validate_submission_rejects_wrong_row_count")
def test_validate_submission_accepts_valid(outcome):
    """validate_submission lets a valid submission pass: it returns None."""
    fn = outcome("validate_submission")
    for case in VALID:
        raised = fn.raised(case)
        call = fn.call(case)
        if raised is not None:
            # A fixed 28000: every valid case (whose n_rows is smaller) is refused with it.
            fixed = all(
                fn.raised(c) is not None and "28000" in fn.raised(c).message.replace(",", "")
                for c in VALID
            )
            raise CheckFailed(
                f"validate_submission rejected a valid submission of {len(call.args[0])} rows with "
                f"n_rows={_n_rows(call)} (the '{case}' case): {raised.type}: {raised.message.rstrip('.')}.",
                None
                if fixed
                else "Compare with the n_rows argument, not a fixed 28000, and accept integer "
                "labels 0-9 (0 and 9 included, of any integer dtype).",
                mistake=HARD_CODED_ROWS if fixed else None,
            )
        got = fn.result(case)
        expect(
            got is None,
            f"validate_submission on the '{case}' case returned {describe(got)}; "
            "it should return None for a valid submission.",
            "Raise ValueError for a problem and return nothing otherwise.",
        )


def test_validate_submission_rejects_wrong_columns(outcome):
    """validate_submission raises ValueError for a missing, extra or misspelt column."""
    _check_rejects(outcome("validate_submission"), COLUMN_CASES, "wrong columns")


def test_validate_submission_rejects_wrong_row_count(outcome):
    """validate_submission raises ValueError for the wrong number of rows."""
    _check_rejects(outcome("validate_submission"), ROW_CASES, "wrong number of rows")


def test_validate_submission_rejects_bad_image_ids(outcome):
    """validate_submission raises ValueError when ImageId is not the integers 1..n_rows in order."""
    _check_rejects(outcome("validate_submission"), IMAGE_ID_CASES, "ImageId not 1..n_rows")


def test_validate_submission_rejects_bad_labels(outcome):
    """validate_submission raises ValueError for a Label that is not an integer from 0 to 9."""
    _check_rejects(
        outcome("validate_submission"), LABEL_CASES, "a label that is not an integer 0-9"
    )


ROWS_NOT_CHECKED = Mistake(
    "Compare len(df) with n_rows first, and say both numbers: the ImageId check catches a file "
    "of the wrong length too, but its message does not say what is wrong.",
    id="validate_submission.rows_not_checked",
)


def _rows_left_to_ids(fn):
    """The model of a validator without a row count: every file of the wrong length is refused
    by the ImageId check (a ValueError about ImageId that gives no row numbers)."""
    for case in ROW_CASES:
        raised = fn.raised(case)
        if raised is None or raised.type != "ValueError" or "imageid" not in raised.message.lower():
            return False
    return True


def _names(message, words):
    return any(w in message for w in words)


def test_validate_submission_messages_name_the_problem(outcome):
    """validate_submission's error messages name what is wrong."""
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
        known = ROWS_NOT_CHECKED if case in ROW_CASES and _rows_left_to_ids(fn) else None
        expect(
            ok,
            f"validate_submission's message on the '{case}' case is {message!r}; it should {what}.",
            None
            if known
            else 'Say what is wrong so a student can fix it, e.g. f"expected {n_rows} rows, got {len(df)}".',
            mistake=known,
        )
    expect(
        read > 0,
        "validate_submission raised no ValueError on any of the broken submissions, so there "
        "is no message to read.",
        'Raise ValueError("...") with a message that names the problem.',
    )


@requires("test_validate_submission_rejects_wrong_columns")
def test_validate_submission_keeps_input(outcome):
    """validate_submission leaves the DataFrame it checks unchanged."""
    fn = outcome("validate_submission")
    for case in fn.cases:
        before = fn.call(case).args[0]
        after = fn.args_after(case)[0]
        problem = _frame_difference(before, after)
        expect(
            problem is None,
            f"validate_submission changed the DataFrame of the '{case}' case: {problem}. A "
            "validator only looks.",
            "Work on what you read from df (df['Label'].to_numpy(), a copy) and never assign "
            "into df, rename it in place or drop its columns with inplace=True.",
        )


def _frame_difference(before, after):
    """How ``after`` differs from the DataFrame ``before`` (columns, dtypes, values), or None."""
    if not isinstance(after, pd.DataFrame):
        return f"it became {describe(after)}"
    if list(before.columns) != list(after.columns):
        return f"its columns went from {list(before.columns)} to {list(after.columns)}"
    if len(before) != len(after):
        return f"it went from {len(before)} to {len(after)} rows"
    for column in before.columns:
        was, now = before[column].to_numpy(), after[column].to_numpy()
        if was.dtype != now.dtype:
            return f"the column {column!r} went from {was.dtype} to {now.dtype}"
        if not np.array_equal(was, now, equal_nan=was.dtype.kind == "f"):
            return f"the values of the column {column!r} changed"
    return None
