"""``course gradescope``: build a Gradescope autograder zip (:mod:`autograder.grading.platforms.gradescope`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from autograder.errors import EXIT_OK
from autograder.sandbox.doctor import ALLOW_FLAG, ALLOW_VARIABLE

HELP = "build a Gradescope autograder zip (hidden checks)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("zip", help="the zip to write, e.g. autograder.zip")
    parser.add_argument(
        "--lesson",
        action="append",
        help="grade only this lesson (repeatable; e.g. --lesson 01 --lesson 02_activations)",
    )
    parser.add_argument(
        "--data",
        help="a data folder with an answer key (course data fetch) for the leaderboard "
        "(default: the embedded sample's)",
    )
    parser.add_argument(
        "--visibility",
        default="visible",
        choices=["visible", "hidden", "after_due_date", "after_published"],
        help="when students see the test results (default: visible)",
    )
    parser.add_argument(
        ALLOW_FLAG,
        action="store_true",
        help="grade even where Landlock or seccomp is missing, accepting the risk (each "
        f"result says so; {ALLOW_VARIABLE}=1 in the container does the same)",
    )


def run(args: argparse.Namespace) -> int:
    from autograder.grading.platforms.gradescope import build_autograder

    summary = build_autograder(
        Path(args.zip),
        lessons=args.lesson,
        data=Path(args.data) if args.data else None,
        visibility=args.visibility,
        allow_weak_isolation=args.allow_weak_isolation,
    )
    print(summary)
    return EXIT_OK
