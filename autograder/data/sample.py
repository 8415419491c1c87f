"""The embedded sample in ``data/sample/``: 500 digits of each class from the full train.csv and
the first 1,000 rows of the full test.csv with their labels, made deterministically (same input,
same bytes) by ``course data make-sample``."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from autograder.data.files import ANSWER_KEY, SAMPLE_SUBMISSION, TEST, TRAIN, DataFiles
from autograder.data.full import FULL_SHA256, SPLIT_SEED
from autograder.data.load import load_answer_key, load_test, load_train
from autograder.data.sizes import SAMPLE_N_TEST, SAMPLE_PER_CLASS
from autograder.data.write import (
    LICENSE_NOTE,
    file_entries,
    install_dir,
    sha256_content,
    sha256_file,
    staging_dir,
    write_id_label_csv,
    write_image_csv,
    write_manifest,
)
from autograder.errors import DataError

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

    staging = staging_dir(dest, "partial")
    try:
        arr = picked.to_numpy(dtype=np.uint8)
        write_image_csv(staging / (TRAIN + ".gz"), arr[:, 1:], arr[:, 0], progress=False)
        write_image_csv(
            staging / (TEST + ".gz"), test.to_numpy(dtype=np.uint8), None, progress=False
        )
        write_id_label_csv(staging / SAMPLE_SUBMISSION, np.zeros(SAMPLE_N_TEST, dtype=np.int64))
        write_id_label_csv(staging / ANSWER_KEY, key["Label"].to_numpy())
        manifest = {
            "kind": "sample",
            "description": "The embedded sample: 500 images of each digit from the full train.csv "
            "(the k-th picked is that digit's occurrence number floor(k * n_digit / 500), in "
            "train.csv's row order) and the first 1,000 rows of the full test.csv with their labels. "
            "Made by `course data make-sample` (autograder.data.write_sample).",
            "license": LICENSE_NOTE,
            "made_from": {
                name: sha256_file(p)
                for name, p in (
                    (full.train.name, full.train),
                    (full.test.name, full.test),
                    (full.answer_key.name, full.answer_key),
                )
            },
            "split_seed": SPLIT_SEED,
            "files": file_entries(staging, SAMPLE_FILES),
        }
        made_from = manifest["made_from"]
        if all(made_from.get(n) == FULL_SHA256[n] for n in (TRAIN, TEST, ANSWER_KEY)):
            # Made from the verified full data: the sample's content is pinned too.
            for name, want in SAMPLE_CONTENT_SHA256.items():
                got = sha256_content(staging / name)
                if want and got != want:
                    raise DataError(
                        f"write_sample: {name} has content sha256 {got}, expected {want}. The full "
                        f"data was verified, so this is a bug in write_sample; please report it."
                    )
        write_manifest(staging, manifest)
        install_dir(staging, dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
