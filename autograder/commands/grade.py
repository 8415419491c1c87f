"""``course grade``: a class, its gradebook, feedback and report (:mod:`autograder.grading.classes`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from autograder.sandbox.doctor import ALLOW_FLAG, ALLOW_VARIABLE

HELP = "grade a class: one sub-folder of notebooks per student"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    _add_run_arguments(parser)
    _add_late_arguments(parser)
    _add_lms_arguments(parser)


def _add_run_arguments(parser: argparse.ArgumentParser) -> None:
    """Which students, where the results go, which run (a class, a regrade, a shard)."""
    parser.add_argument(
        "submissions",
        help="folder with one sub-folder per student (or loose <student>_<lesson>.ipynb files, "
        "or an nbgrader course folder)",
    )
    parser.add_argument(
        "--out", default="grades.csv", help="the gradebook CSV to write (default grades.csv)"
    )
    parser.add_argument(
        "--feedback", help="folder for the per-student feedback (default: feedback/ beside --out)"
    )
    parser.add_argument("--seed", type=int, help="seed of the hidden checks (default: fresh)")
    parser.add_argument(
        "--parallel", type=int, help="students graded at once (default: the number of cores)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument(
        "--require-isolation",
        action="store_true",
        help="(the default; kept for scripts) refuse to grade, exit 2, unless Landlock and "
        "seccomp are in force",
    )
    parser.add_argument(
        ALLOW_FLAG,
        action="store_true",
        help=f"grade even without Landlock or seccomp, accepting the risk (or {ALLOW_VARIABLE}=1); "
        "recorded in the results and shown in every student's feedback",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        help="CPU seconds each graded function may use; the wall clock allows 3x + 10 s (default: course.yml)",
    )
    parser.add_argument(
        "--allow-empty",
        action="store_true",
        help="exit 0 even when a student's folder holds no lesson notebook at all",
    )
    parser.add_argument(
        "--only",
        metavar="NAME",
        action="append",
        help="regrade this student (repeatable) with the class run's seed, keep the earlier "
        "result, print old and new, and update the gradebook, report and exports",
    )
    parser.add_argument(
        "--shard",
        metavar="K/N",
        help="grade only the K-th of N shares of the students (K from 1; needs the same --seed "
        "for every shard) into the output folder; then --merge",
    )
    parser.add_argument(
        "--timings",
        action="store_true",
        help="print where the run's time went: each stage, and the worker time of each graded "
        "function summed over the class",
    )
    parser.add_argument(
        "--merge",
        action="store_true",
        help="write everything a single run writes from the N shards' kept results",
    )


def _add_late_arguments(parser: argparse.ArgumentParser) -> None:
    """Late work and overrides (remembered for the next run)."""
    parser.add_argument(
        "--due",
        metavar="WHEN",
        help="the due date, e.g. '2026-12-01 23:59' (in --timezone) or with its own zone; "
        "'none' clears a remembered one (default: course.yml's late.due)",
    )
    parser.add_argument(
        "--timezone",
        metavar="ZONE",
        help="the zone of times given without one (--due, extensions, timestamp.txt, "
        "Blackboard's file names), e.g. Europe/Zurich (default: UTC, as nbgrader)",
    )
    parser.add_argument(
        "--extensions",
        metavar="CSV",
        help="per-student due dates: a CSV with the columns student,due",
    )
    parser.add_argument(
        "--submission-times",
        metavar="CSV",
        help="when each student submitted, from an LMS's export: a CSV with the columns "
        "student,submitted_at (used unless nbgrader's timestamp.txt says)",
    )
    parser.add_argument(
        "--late-penalty",
        type=float,
        metavar="PERCENT",
        help="percent of the earned points taken off per started day late (default: 0)",
    )
    parser.add_argument(
        "--late-cap",
        type=float,
        metavar="PERCENT",
        help="the most the late penalty takes off, in percent (default: 100)",
    )
    parser.add_argument(
        "--overrides",
        metavar="CSV",
        help="manual points: a CSV with the columns student,function,points,reason, applied "
        "on every run ('none' stops using a remembered file)",
    )


def _add_lms_arguments(parser: argparse.ArgumentParser) -> None:
    """The LMS's grade import and roster."""
    parser.add_argument(
        "--lms",
        choices=["canvas", "moodle", "blackboard", "none"],
        help="also write the CSV this learning management system's grade import reads",
    )
    parser.add_argument(
        "--lms-assignment",
        metavar="NAME",
        help="the assignment column for --lms (default: the course title); use the LMS's own "
        "column name, e.g. Canvas's 'Problem set 1 (1234)' or Blackboard's "
        "'PS1 [Total Pts: 62 Score] |123456', to update an existing assignment",
    )
    parser.add_argument(
        "--lms-roster",
        metavar="CSV",
        help="the LMS's gradebook export, to match students to its rows and list who has no "
        "submission",
    )


def run(args: argparse.Namespace) -> int:
    """`course grade`: a class, its gradebook, feedback and report; or one share of it
    (``--shard``), or the shares merged (``--merge``); or a regrade of some students
    (``--only``). Whatever happens, nothing it started is left running when it returns
    (``sandbox.reaper``)."""
    from autograder.grading.classes.class_run import ClassRunOptions, run_class
    from autograder.grading.classes.policy import Settings
    from autograder.grading.engine.run import stop_helpers
    from autograder.sandbox.reaper import become_subreaper, end_descendants

    become_subreaper()
    try:
        return run_class(
            ClassRunOptions(
                submissions=Path(args.submissions),
                out=Path(args.out),
                settings=Settings.given({name: getattr(args, name) for name in Settings.names()}),
                seed=args.seed,
                parallel=args.parallel,
                timeout_seconds=args.timeout,
                quiet=args.quiet,
                allow_weak_isolation=args.allow_weak_isolation,
                allow_empty=args.allow_empty,
                only=tuple(args.only or ()),
                shard=args.shard,
                merge=args.merge,
                timings=args.timings,
            )
        )
    finally:
        stop_helpers()
        end_descendants()
