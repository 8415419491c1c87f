"""``course check``: grade one notebook or a folder of them, and print the table."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograder import interrupts
from autograder.config import lessons_dir, load_course
from autograder.errors import EXIT_ERROR, EXIT_GATE, EXIT_OK, UserError

HELP = "grade my lesson notebooks and show a progress table"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path", nargs="?", help="a lesson notebook or a folder of them (default: lessons/)"
    )
    parser.add_argument(
        "--function", action="append", help="only this graded function (repeatable)"
    )
    parser.add_argument("--seed", type=int, help="seed of the hidden checks, to replay a run")
    parser.add_argument(
        "--public",
        action="store_true",
        help="use the public checks even when solutions/ is present",
    )
    parser.add_argument(
        "--min-score", type=float, help="exit 1 when the score (percent) is below this"
    )
    parser.add_argument("--json", help="also write the full result as JSON to this file")
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="every failing check with its whole message and hint",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        help="CPU seconds each graded function may use; the wall clock allows 3x + 10 s (default: course.yml)",
    )


def run(args: argparse.Namespace) -> int:
    """`course check`: grade one notebook or a folder, print the table."""
    from autograder.grading.engine.run import grade_submission
    from autograder.grading.engine.submissions import Submission, lessons_named
    from autograder.grading.reports.feedback import render_table
    from autograder.safe_text import one_line

    course = load_course()
    path = Path(args.path) if args.path else lessons_dir()
    if not path.exists():
        raise UserError(f"{path} does not exist. Give a notebook or a folder of lesson notebooks.")
    if not path.is_dir() and not lessons_named(path.name, course):
        names = ", ".join(lesson.notebook for lesson in course.lessons)
        raise UserError(
            f"{one_line(path.name)} is not a lesson notebook of this course (expected one of "
            f"{names}, or a name that contains one, such as 03_forward-Copy1.ipynb)."
        )
    submission = Submission.from_path(path, course)
    if path.is_dir() and not submission.lessons_present:
        raise UserError(f"{one_line(path)} holds no lesson notebooks (01_data.ipynb ... ).")
    if path.is_dir():
        submission.missing = set()  # grade what is there; a self-learner may be mid-course
    functions = args.function or None
    if functions:
        unknown = [f for f in functions if f not in {e.function for e in course.exercises}]
        if unknown:
            raise UserError(f"unknown function {', '.join(unknown)}.")
    result = grade_submission(
        submission,
        course=course,
        seed=args.seed,
        functions=functions,
        use_reference=not args.public,
        timeout_seconds=args.timeout,
    )
    if args.json:
        interrupts.write_text(Path(args.json), result.to_json())
    print(render_table([result], verbose=args.verbose))
    if result.problems:
        print()
        for problem in result.problems:
            print(f"! {one_line(problem)}")
    for warning in result.warnings:
        print(f"warning: {one_line(warning)}", file=sys.stderr)
    if result.mode == "hidden":
        print(
            f"\nhidden checks on fresh inputs, seed {result.seed} (replay with --seed {result.seed})"
        )
    else:
        print("\npublic checks (fixed inputs; the instructor's grading uses fresh hidden inputs)")
    if result.needs_review:
        print(
            f"the grader itself failed on {', '.join(result.needs_review)} (needs review; "
            "no points were given for them)",
            file=sys.stderr,
        )
        return EXIT_ERROR
    if args.min_score is not None:
        share = _score_percent(result)
        if share + 1e-9 < args.min_score:
            print(f"score {share:.1f}% is below --min-score {args.min_score:g}%", file=sys.stderr)
            return EXIT_GATE
    return EXIT_OK


def _score_percent(result) -> float:
    """The percentage ``--min-score`` gates: of the required lessons, or of the bonus lessons when
    only bonus lessons were checked (lesson 08 or 09 alone); 0 when nothing was graded."""
    if result.max_points:
        return result.points / result.max_points * 100
    if result.bonus_max_points:
        return result.bonus_points / result.bonus_max_points * 100
    return 0.0
