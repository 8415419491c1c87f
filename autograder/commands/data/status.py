"""``course data status``: which data sets are present and which one is used."""

from __future__ import annotations

import argparse

from autograder.errors import EXIT_OK

HELP = "which data sets are present and which one is used"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No arguments."""


def run(args: argparse.Namespace) -> int:
    from autograder.data import status

    print(status())
    return EXIT_OK
