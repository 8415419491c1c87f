"""``course data make-sample``: (maintainers) rebuild data/sample from the full data."""

from __future__ import annotations

import argparse
from pathlib import Path

from autograder.errors import EXIT_OK

HELP = "(maintainers) rebuild data/sample from the full data"
DESCRIPTION = "Rebuild the embedded sample deterministically from data/full."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--full", metavar="DIR", type=Path, help="the full data (default: data/full)"
    )
    parser.add_argument(
        "--dest", metavar="DIR", type=Path, help="folder to write (default: data/sample)"
    )


def run(args: argparse.Namespace) -> int:
    from autograder.data import data_dir, data_files_in, describe, write_sample

    full = data_files_in(args.full or data_dir() / "full", "full")
    dest = args.dest or data_dir() / "sample"
    write_sample(full, dest)
    print(f"Wrote the sample to {dest}: {describe(data_files_in(dest, 'sample'))}.")
    return EXIT_OK
