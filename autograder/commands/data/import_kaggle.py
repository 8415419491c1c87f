"""``course data import``: import the learner's own Kaggle download."""

from __future__ import annotations

import argparse
from pathlib import Path

from autograder.errors import EXIT_OK

HELP = "import your own Kaggle download (digit-recognizer.zip or its folder)"
DESCRIPTION = (
    "Validate Kaggle's train.csv / test.csv / sample_submission.csv and copy them to "
    "data/kaggle. Kaggle keeps the test labels, so submissions are scored on Kaggle."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path", metavar="PATH", help="digit-recognizer.zip, or a folder with its CSV files"
    )
    parser.add_argument(
        "--dest", metavar="DIR", type=Path, help="folder to write (default: data/kaggle)"
    )


def run(args: argparse.Namespace) -> int:
    from autograder.data import DataError, describe, find_data, import_kaggle

    files = import_kaggle(Path(args.path), args.dest)
    print(f"Imported Kaggle's files into {files.directory}: {describe(files)}.")
    try:
        used = find_data().directory
    except DataError as exc:
        print(f"Note: the data in use cannot be found: {exc}")
        return EXIT_OK
    if used.resolve() != files.directory.resolve():
        print(f"Note: {used} is used first; the import is used when that is absent.")
    return EXIT_OK
