"""Checking a data set: headers, row counts, labels 0-9 and pixels 0-255, answer key and sample
submission aligned with test.csv. The first problem found is reported, with what to do."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from autograder.data.files import (
    FETCH_HINT,
    PIXEL_COLUMNS,
    SUBMISSION_COLUMNS,
    TEST_COLUMNS,
    TRAIN_COLUMNS,
    DataFiles,
)
from autograder.data.load import count_rows, expect_columns, read_csv, read_header
from autograder.data.sizes import KIND_ROWS
from autograder.errors import DataError

_DEFAULT = object()


def _row_count_error(name: str, got: int, want: int, kind: str) -> DataError:
    if kind == "sample":
        return DataError(
            f"{name} has {got:,} rows; the embedded sample's has {want:,}. Restore data/sample "
            f"from git, or rebuild it with `course data make-sample`."
        )
    return DataError(
        f"{name} has {got:,} rows; Kaggle's has {want:,}. Re-download it or run `course data fetch`."
    )


def _first_non_integer(values: pd.Series) -> tuple[int, str] | None:
    """(row position, the value as shown in a message) of the first entry that is not a whole
    number, or None when every entry is one."""
    if pd.api.types.is_integer_dtype(values.dtype):
        return None
    if pd.api.types.is_bool_dtype(values.dtype):
        return 0, _show(values.iloc[0])
    numeric = pd.to_numeric(values, errors="coerce")
    bad = numeric.isna().to_numpy()
    if pd.api.types.is_float_dtype(numeric.dtype):
        arr = numeric.to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            bad |= ~np.isfinite(arr) | (np.floor(arr) != arr)
    if bad.any():
        pos = int(np.argmax(bad))
        return pos, _show(values.iloc[pos])
    if pd.api.types.is_integer_dtype(numeric.dtype):
        return None  # e.g. an object column of Python ints
    # Whole numbers written as decimals (3.0): the file should hold 3.
    return (
        0,
        f"{_show(values.iloc[0])} (written as a decimal; write whole numbers, e.g. .astype(int))",
    )


def _show(value: object) -> str:
    """A cell value for a message: 2.5, 'seven', or "an empty cell" (no numpy reprs)."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "an empty cell"
    return repr(value) if isinstance(value, str) else str(value)


def _check_integer_block(
    name: str, df: pd.DataFrame, columns: Sequence[str], low: int, high: int, what: str, hint: str
) -> None:
    """Raise DataError at the first cell of ``df[columns]`` that is not an integer in [low, high]."""
    for col in columns:
        found = _first_non_integer(df[col])
        if found is not None:
            pos, shown = found
            raise DataError(
                f"{name}: {what} must be whole numbers {low}-{high}, but row {pos + 1:,} has "
                f"{shown} in column '{col}'. {hint}"
            )
    block = df[list(columns)].to_numpy()
    bad = (block < low) | (block > high)
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise DataError(
            f"{name}: {what} must be {low}-{high}, but row {int(r) + 1:,} has {block[r, c]} in "
            f"column '{columns[int(c)]}'. {hint}"
        )


def _check_id_label_file(name: str, path: Path, n_test: int, *, labels_matter: bool) -> None:
    """Check an answer key or sample submission against the test row count."""
    expect_columns(name, read_header(path), SUBMISSION_COLUMNS)
    n = count_rows(path)
    if n != n_test:
        raise DataError(
            f"{name} has {n:,} rows, but test.csv has {n_test:,}; they must match row for row. "
            f"{FETCH_HINT}."
        )
    df = read_csv(path)
    if len(df) != n_test:
        raise DataError(f"{name} has {len(df):,} rows, but test.csv has {n_test:,}. {FETCH_HINT}.")
    _check_integer_block(name, df, ["ImageId"], 1, n_test, "ImageId", FETCH_HINT + ".")
    if not np.array_equal(df["ImageId"].to_numpy(), np.arange(1, n_test + 1)):
        raise DataError(f"{name}: ImageId must run 1, 2, ..., {n_test:,} in order. {FETCH_HINT}.")
    if labels_matter:
        _check_integer_block(name, df, ["Label"], 0, 9, "labels", FETCH_HINT + ".")


def validate_data_files(
    files: DataFiles, *, expected_rows: tuple[int, int] | None | object = _DEFAULT
) -> None:
    """Check a data set; raise DataError naming the FIRST problem found.

    Checked, in this order: train file (exact header, row count, labels whole numbers 0-9, pixels
    whole numbers 0-255), test file (header, row count, pixels), answer key (header, one row per
    test row, ImageId 1..N, labels 0-9), sample submission (header, rows, ImageId 1..N).

    Args:
        files: the data set.
        expected_rows: (train rows, test rows); default from ``files.kind`` (42,000 / 28,000 for
            full and kaggle, 5,000 / 1,000 for sample, not checked for custom); None: don't check.
    """
    rows = KIND_ROWS.get(files.kind) if expected_rows is _DEFAULT else expected_rows
    hint = "Replace the file with Kaggle's, or run `course data fetch`."

    name = files.train.name
    expect_columns(name, read_header(files.train), TRAIN_COLUMNS)
    n = count_rows(files.train)
    if rows is not None and n != rows[0]:
        raise _row_count_error(name, n, rows[0], files.kind)
    train = read_csv(files.train)
    if rows is not None and len(train) != rows[0]:
        raise _row_count_error(name, len(train), rows[0], files.kind)
    if len(train) == 0:
        raise DataError(f"{name}: has no rows. {hint}")
    _check_integer_block(name, train, ["label"], 0, 9, "labels", hint)
    _check_integer_block(name, train, PIXEL_COLUMNS, 0, 255, "pixels", hint)
    del train

    name = files.test.name
    expect_columns(name, read_header(files.test), TEST_COLUMNS)
    n = count_rows(files.test)
    if rows is not None and n != rows[1]:
        raise _row_count_error(name, n, rows[1], files.kind)
    test = read_csv(files.test)
    n_test = len(test)
    if rows is not None and n_test != rows[1]:
        raise _row_count_error(name, n_test, rows[1], files.kind)
    if n_test == 0:
        raise DataError(f"{name}: has no rows. {hint}")
    _check_integer_block(name, test, PIXEL_COLUMNS, 0, 255, "pixels", hint)
    del test

    if files.answer_key is not None:
        _check_id_label_file(files.answer_key.name, files.answer_key, n_test, labels_matter=True)
    if files.sample_submission is not None:
        _check_id_label_file(
            files.sample_submission.name, files.sample_submission, n_test, labels_matter=False
        )
