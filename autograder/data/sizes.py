"""How big each data set is, and how much of its training file is the dev set."""

from __future__ import annotations

KAGGLE_N_TRAIN = 42_000
KAGGLE_N_TEST = 28_000
KAGGLE_TRAIN_COUNTS: tuple[int, ...] = (4132, 4684, 4177, 4351, 4072, 3795, 4137, 4401, 4063, 4188)
"""Per-digit row counts of Kaggle's train.csv (digits 0..9); they sum to 42,000."""

SAMPLE_PER_CLASS = 500
SAMPLE_N_TRAIN = 10 * SAMPLE_PER_CLASS
SAMPLE_N_TEST = 1_000

KIND_ROWS: dict[str, tuple[int, int]] = {
    "full": (KAGGLE_N_TRAIN, KAGGLE_N_TEST),
    "kaggle": (KAGGLE_N_TRAIN, KAGGLE_N_TEST),
    "sample": (SAMPLE_N_TRAIN, SAMPLE_N_TEST),
}


def expected_rows(kind: str) -> tuple[int, int] | None:
    """(train rows, test rows) that a data set of this kind must have; None for "custom"."""
    return KIND_ROWS.get(kind)


def dev_size_for(n_rows: int) -> int:
    """How many of ``n_rows`` training rows form the dev set.

    ``data.full_dev_size`` of course.yml on Kaggle's 42,000 rows (1,000: 41,000 / 1,000, as the
    original notebook), and the same share of any other training file (119 of the sample's
    5,000), never fewer than 1.
    """
    from autograder.config import load_course

    full_dev = load_course().data.full_dev_size
    return max(1, round(n_rows * full_dev / KAGGLE_N_TRAIN))
