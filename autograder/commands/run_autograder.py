"""Gradescope's ``run_autograder``: ``python -m autograder.commands.run_autograder --root DIR``
grades ``DIR/submission`` (:func:`autograder.grading.platforms.gradescope.run`), whose exit
code follows Gradescope's protocol rather than the ``course`` command's."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograder import environment


def main(argv: list[str] | None = None) -> int:
    from autograder.grading.platforms.gradescope import DEFAULT_ROOT, run

    parser = argparse.ArgumentParser(prog="run_autograder")
    parser.add_argument(
        "--root", default=environment.current().autograder_root or DEFAULT_ROOT, help="/autograder"
    )
    args = parser.parse_args(argv)
    return run(Path(args.root))


if __name__ == "__main__":
    sys.exit(main())
