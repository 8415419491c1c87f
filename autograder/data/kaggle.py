"""A user's own Kaggle download (``digit-recognizer.zip`` or its folder), validated and copied to
``data/kaggle/`` by ``course data import``. Kaggle keeps its test labels, so there is no answer key."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import numpy as np

from autograder.data.files import (
    KAGGLE_URL,
    SAMPLE_SUBMISSION,
    TEST,
    TRAIN,
    DataFiles,
    data_dir,
    data_files_in,
    find_file,
)
from autograder.data.load import count_rows
from autograder.data.sizes import KAGGLE_N_TEST, KAGGLE_N_TRAIN
from autograder.data.validate import validate_data_files
from autograder.data.write import (
    LICENSE_NOTE,
    ensure_replaceable,
    file_entries,
    install_dir,
    staging_dir,
    write_id_label_csv,
    write_manifest,
)
from autograder.errors import DataError


def import_kaggle(
    path: Path | str,
    dest: Path | None = None,
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
    dest = data_dir() / "kaggle" if dest is None else dest
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
    ensure_replaceable(dest)
    staging = staging_dir(dest, "import")
    try:
        if src.is_file():
            _extract_kaggle_zip(src, staging)
        else:
            for base in (TRAIN, TEST, SAMPLE_SUBMISSION):
                found = find_file(src, base)
                if found is None and base != SAMPLE_SUBMISSION:
                    raise DataError(
                        f"{src}: there is no {base} here. Pass the folder holding Kaggle's "
                        f"train.csv and test.csv, or the digit-recognizer.zip itself."
                    )
                if found is not None:
                    shutil.copyfile(found, staging / found.name)
        files = data_files_in(staging, "kaggle")
        if files.sample_submission is None:
            write_id_label_csv(
                staging / SAMPLE_SUBMISSION, np.zeros(count_rows(files.test), dtype=np.int64)
            )
            files = data_files_in(staging, "kaggle")
        validate_data_files(files, expected_rows=expected_rows)
        names = sorted(p.name for p in staging.iterdir())
        write_manifest(
            staging,
            {
                "kind": "kaggle",
                "description": "A Kaggle Digit Recognizer download, imported with `course data import`. "
                "No answer key: Kaggle keeps the test labels.",
                "license": LICENSE_NOTE,
                "imported_from": src.name,
                "files": file_entries(staging, names),
            },
        )
        install_dir(staging, dest)
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
