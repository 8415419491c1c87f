"""``course build``: generate lessons/ and the public checks from solutions/ (``--check``: only
say what is out of date)."""

from __future__ import annotations

import argparse
import sys

from autograder.errors import EXIT_GATE, EXIT_OK

HELP = "generate lessons/ and the public checks from solutions/"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if anything is out of date"
    )


def run(args: argparse.Namespace) -> int:
    from autograder.authoring.build import plan_build, stale_files, write_build

    plan = plan_build()
    root = plan.course.path.parent
    if args.check:
        stale = stale_files(plan)
        if stale:
            print("out of date (run `course build`):", file=sys.stderr)
            for path in stale:
                print(f"  {path.relative_to(root)}", file=sys.stderr)
            return EXIT_GATE
        print(f"up to date: {len(plan.files)} generated files")
        return EXIT_OK
    written = write_build(plan)
    for path in written:
        print(f"wrote {path.relative_to(root)}")
    print(f"{len(written)} of {len(plan.files)} generated files changed")
    return EXIT_OK
