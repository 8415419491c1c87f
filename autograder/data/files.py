"""Where the data is: the file names of Kaggle's format, the data sets in ``data/``, and which one
is used.

:func:`find_data` picks one: the folder named by the environment variable ``COURSE_DATA`` if set,
else ``data/full``, else ``data/kaggle``, else the competition's files in a Kaggle Notebook
(``/kaggle/input/digit-recognizer``), else the embedded ``data/sample``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from autograder import config, environment
from autograder.data.kaggle_notebook import competition_input
from autograder.errors import DataError

ENV_VAR = environment.COURSE_DATA
"""Environment variable naming a data folder; it wins over everything in ``data/``."""

TRAIN = "train.csv"
TEST = "test.csv"
SAMPLE_SUBMISSION = "sample_submission.csv"
ANSWER_KEY = "answer_key.csv"
MANIFEST = "MANIFEST.json"
KNOWN_NAMES = frozenset(
    [n for base in (TRAIN, TEST, SAMPLE_SUBMISSION, ANSWER_KEY) for n in (base, base + ".gz")]
    + [MANIFEST]
)
"""Every file a data-set folder may hold (a folder with anything else is never replaced)."""

N_PIXELS = 784
PIXEL_COLUMNS: tuple[str, ...] = tuple(f"pixel{i}" for i in range(N_PIXELS))
TRAIN_COLUMNS: tuple[str, ...] = ("label",) + PIXEL_COLUMNS
TEST_COLUMNS: tuple[str, ...] = PIXEL_COLUMNS
SUBMISSION_COLUMNS: tuple[str, ...] = ("ImageId", "Label")

KAGGLE_URL = "https://www.kaggle.com/competitions/digit-recognizer"
FETCH_HINT = "Run `course data fetch` to rebuild the full data set"


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


def data_dir() -> Path:
    """The course's ``data/`` folder (holds ``sample/``, and ``full/`` / ``kaggle/`` when present)."""
    return config.DATA_DIR


def find_file(directory: Path, name: str) -> Path | None:
    """Return ``directory/name`` or ``directory/name.gz``, whichever exists (plain first)."""
    for candidate in (directory / name, directory / (name + ".gz")):
        if candidate.is_file():
            return candidate
    return None


def read_manifest(directory: Path) -> dict:
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
    train = find_file(directory, TRAIN)
    test = find_file(directory, TEST)
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
        kind = str(read_manifest(directory).get("kind", "custom"))
        if kind not in ("full", "kaggle", "sample", "custom"):
            kind = "custom"
    assert train is not None and test is not None
    return DataFiles(
        kind=kind,
        directory=directory,
        train=train,
        test=test,
        sample_submission=find_file(directory, SAMPLE_SUBMISSION),
        answer_key=find_file(directory, ANSWER_KEY),
    )


def full_complete(directory: Path) -> bool:
    """True when ``directory`` holds a finished fetch (manifest plus all four files)."""
    return (directory / MANIFEST).is_file() and all(
        find_file(directory, n) is not None for n in (TRAIN, TEST, SAMPLE_SUBMISSION, ANSWER_KEY)
    )


def has_train_test(directory: Path) -> bool:
    return find_file(directory, TRAIN) is not None and find_file(directory, TEST) is not None


def find_data(root: Path | None = None) -> DataFiles:
    """Find the data set to use.

    Order: the folder in the environment variable ``COURSE_DATA`` (if set, it must hold train and
    test files, or DataError); else ``data/full/`` when complete; else ``data/kaggle/``; else, in
    a Kaggle Notebook with the competition attached, ``/kaggle/input/digit-recognizer/``
    (:mod:`autograder.data.kaggle_notebook`); else the embedded sample ``data/sample/``.

    Args:
        root: the data folder to look in; default :func:`data_dir`.
    """
    env = environment.current().data
    if env:
        return data_files_in(Path(env), what=f"{ENV_VAR}={env}")
    root = Path(data_dir() if root is None else root)
    full = root / "full"
    if full_complete(full):
        return data_files_in(full, "full")
    kaggle = root / "kaggle"
    if has_train_test(kaggle):
        return data_files_in(kaggle, "kaggle")
    attached = competition_input()
    if has_train_test(attached):
        return data_files_in(attached, "kaggle")
    sample = root / "sample"
    if has_train_test(sample):
        return data_files_in(sample, "sample")
    raise DataError(
        f"No data found in {root}: the embedded sample ({sample}) is missing. Restore it from git "
        f"(it is part of the repository), run `course data fetch` for the full data, or set "
        f"{ENV_VAR} to a folder holding train.csv and test.csv."
    )


def default_files(files: DataFiles | None) -> DataFiles:
    """``files``, or the data set in use when None."""
    return find_data() if files is None else files
