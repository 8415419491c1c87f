"""``course score``: score a submission.csv against the local answer key, as Kaggle would."""

from __future__ import annotations

import argparse
from pathlib import Path

from autograder.errors import EXIT_OK

HELP = "score a submission.csv against the local answer key, like Kaggle's leaderboard"
DESCRIPTION = (
    "Score a submission (ImageId,Label; one row per test image) against the answer "
    "key of the data in use: accuracy overall and per digit. The file is checked first by "
    "your own validate_submission from lessons/07_submission.ipynb when it is written, "
    "otherwise only for the format the scoring needs."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "submission", metavar="SUBMISSION_CSV", type=Path, help="the submission file"
    )
    parser.add_argument(
        "--data",
        metavar="DIR",
        type=Path,
        help="data folder to score against (default: the one in use)",
    )


def run(args: argparse.Namespace) -> int:
    import dataclasses

    from autograder.data import data_files_in, find_data, format_score, score_submission
    from autograder.lesson_functions import own_function

    files = data_files_in(args.data, what="--data") if args.data else find_data()
    try:
        validate, label = own_function("validate_submission")
    except KeyError:  # a course without lesson 07's function
        validate, label = None, "the course has no validate_submission"
    report = score_submission(args.submission, files, validate=validate, validated_by=label)
    if validate is None:
        note = f"your validate_submission was not used ({label})."
        report = dataclasses.replace(report, notes=(note, *report.notes))
    print(format_score(report))
    return EXIT_OK
