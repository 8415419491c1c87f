"""Reading the data: CSV files (plain or gzipped) into DataFrames, with errors that name the file."""

from __future__ import annotations

import gzip
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import pandas as pd

from autograder import environment, interrupts
from autograder.data.files import (
    FETCH_HINT,
    SUBMISSION_COLUMNS,
    TEST,
    TEST_COLUMNS,
    TRAIN_COLUMNS,
    DataFiles,
    default_files,
)
from autograder.errors import DataError


def open_bytes(path: Path) -> IO[bytes]:
    """Open a file for reading bytes, decompressing ``.gz`` transparently."""
    return gzip.open(path, "rb") if path.name.endswith(".gz") else open(path, "rb")


def read_header(path: Path) -> list[str]:
    """The column names in the first line of a CSV file (BOM, quotes and spaces stripped)."""
    try:
        with open_bytes(path) as f:
            line = f.readline(1_000_000)
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        raise DataError(f"{path.name}: cannot be read ({e}). Replace the file.") from e
    try:
        text = line.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise DataError(
            f"{path.name}: is not a text CSV file (its first line is not UTF-8)."
        ) from e
    text = text.rstrip("\r\n")
    if not text.strip():
        return []
    return [c.strip().strip('"').strip() for c in text.split(",")]


def count_rows(path: Path) -> int:
    """Number of data rows (lines after the header; a final line without newline counts)."""
    lines = 0
    last = b"\n"
    try:
        with open_bytes(path) as f:
            while chunk := f.read(1 << 22):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        raise DataError(f"{path.name}: cannot be read ({e}). Replace the file.") from e
    if last != b"\n":
        lines += 1
    return max(lines - 1, 0)


def read_csv(path: Path, **kwargs) -> pd.DataFrame:
    """pandas.read_csv with errors turned into DataError naming the file."""
    try:
        if environment.current().interrupt_at == "reading-data":
            # The test hook: SIGINT arrives inside pandas' parser, as a Ctrl-C mid-read does.
            with open_bytes(path) as handle:
                return pd.read_csv(_InterruptedReader(handle), compression=None, **kwargs)
        return pd.read_csv(path, **kwargs)
    except FileNotFoundError as e:
        raise DataError(f"{path}: no such file. {FETCH_HINT}, or check the path.") from e
    except pd.errors.EmptyDataError as e:
        raise DataError(f"{path.name}: the file is empty. Replace it.") from e
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError, EOFError, OSError) as e:
        msg = str(e).strip().splitlines()[-1] if str(e).strip() else type(e).__name__
        raise DataError(
            f"{path.name}: cannot be read as a CSV file ({msg}). Replace the file."
        ) from e


class _InterruptedReader:
    """A file whose second read sends SIGINT (``interrupts.point``), for the interrupt tests."""

    mode = "rb"

    def __init__(self, handle: IO[bytes]):
        self.handle = handle
        self.reads = 0

    def _count(self) -> None:
        self.reads += 1
        if self.reads == 2:
            interrupts.point("reading-data")

    def read(self, size: int = -1) -> bytes:
        self._count()
        return self.handle.read(size)

    def read1(self, size: int = -1) -> bytes:
        self._count()
        return self.handle.read1(size)

    def readinto(self, buffer) -> int:
        self._count()
        return self.handle.readinto(buffer)

    def __iter__(self):
        return iter(self.handle)

    def __getattr__(self, name: str):
        return getattr(self.handle, name)


def expect_columns(name: str, got: Sequence[str], expected: Sequence[str]) -> None:
    """Raise DataError naming the first column that differs from ``expected``."""
    got = list(got)
    if got == list(expected):
        return
    if name.startswith(TEST) and got[:1] == ["label"] and list(expected[:1]) != ["label"]:
        raise DataError(
            f"{name}: starts with a 'label' column, but Kaggle's test.csv has no labels "
            f"(expected pixel0..pixel783). Did you swap train.csv and test.csv?"
        )
    for i, (g, e) in enumerate(zip(got, expected), start=1):
        if g != e:
            raise DataError(
                f"{name}: column {i} is '{g}', expected '{e}' (the header must be "
                f"{_describe_columns(expected)}). Replace the file with Kaggle's, or run "
                f"`course data fetch`."
            )
    raise DataError(
        f"{name}: has {len(got)} columns, expected {len(expected)} "
        f"({_describe_columns(expected)}). Replace the file with Kaggle's, or run `course data fetch`."
    )


def _describe_columns(cols: Sequence[str]) -> str:
    cols = list(cols)
    if len(cols) > 4:
        return f"{','.join(cols[:2])},...,{cols[-1]}"
    return ",".join(cols)


def load_train(files: DataFiles | None = None, *, dtype: type | None = None) -> pd.DataFrame:
    """Read train.csv: a DataFrame with columns ``label, pixel0..pixel783``.

    Args:
        files: the data set; default :func:`find_data`.
        dtype: e.g. ``np.uint8`` to save memory; default pandas' own (int64), as on Kaggle.
    """
    f = default_files(files)
    df = read_csv(f.train, dtype=dtype)
    expect_columns(f.train.name, df.columns, TRAIN_COLUMNS)
    return df


def load_test(files: DataFiles | None = None, *, dtype: type | None = None) -> pd.DataFrame:
    """Read test.csv: a DataFrame with columns ``pixel0..pixel783`` (no labels)."""
    f = default_files(files)
    df = read_csv(f.test, dtype=dtype)
    expect_columns(f.test.name, df.columns, TEST_COLUMNS)
    return df


def load_answer_key(files: DataFiles | None = None) -> pd.DataFrame | None:
    """Read answer_key.csv (``ImageId, Label`` for every row of test.csv), or None if absent."""
    f = default_files(files)
    if f.answer_key is None:
        return None
    df = read_csv(f.answer_key)
    expect_columns(f.answer_key.name, df.columns, SUBMISSION_COLUMNS)
    return df


def load_sample_submission(files: DataFiles | None = None) -> pd.DataFrame | None:
    """Read sample_submission.csv (``ImageId, Label``), or None if absent."""
    f = default_files(files)
    if f.sample_submission is None:
        return None
    df = read_csv(f.sample_submission)
    expect_columns(f.sample_submission.name, df.columns, SUBMISSION_COLUMNS)
    return df
