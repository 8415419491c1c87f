"""``course release``: write the student bundle (no solutions) to a folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from autograder.errors import EXIT_OK

HELP = "write the student bundle (no solutions) to a folder"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", help="the folder to create")
    parser.add_argument("--force", action="store_true", help="replace the folder if it exists")


def run(args: argparse.Namespace) -> int:
    from autograder.authoring.release import make_release

    print(make_release(Path(args.dir), force=args.force))
    return EXIT_OK
