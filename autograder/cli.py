"""The ``course`` command.

Exit codes: 0 when the command did its job (whatever the score), 1 when a gate it was asked to
enforce failed (``--min-score``, ``build --check``), 2 when it could not do its job (bad input,
a broken course.yml, the grader failing).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograder.config import LESSONS_DIR, CourseError, load_course

EXIT_OK, EXIT_GATE, EXIT_ERROR = 0, 1, 2


def _error(message: str) -> int:
    print(f"course: {message}", file=sys.stderr)
    return EXIT_ERROR


# -- check ----------------------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    from autograder.grading.feedback import render_table
    from autograder.grading.run import grade_submission
    from autograder.grading.submissions import Submission

    course = load_course()
    path = (
        Path(args.path)
        if args.path
        else (Path("lessons") if Path("lessons").is_dir() else LESSONS_DIR)
    )
    if not path.exists():
        return _error(f"{path} does not exist. Give a notebook or a folder of lesson notebooks.")
    if path.is_file() and course.lesson_for_notebook(path.name) is None:
        names = ", ".join(lesson.notebook for lesson in course.lessons)
        return _error(
            f"{path.name} is not a lesson notebook of this course (expected one of {names})."
        )
    submission = Submission.from_path(path, course)
    if path.is_dir() and not submission.lessons_present:
        return _error(f"{path} holds no lesson notebooks (01_data.ipynb ... ).")
    if path.is_dir():
        submission.missing = set()  # grade what is there; a self-learner may be mid-course
    functions = args.function or None
    if functions:
        unknown = [f for f in functions if f not in {e.function for e in course.exercises}]
        if unknown:
            return _error(f"unknown function {', '.join(unknown)}.")
    result = grade_submission(
        submission,
        course=course,
        seed=args.seed,
        functions=functions,
        use_reference=not args.public,
        timeout_seconds=args.timeout,
    )
    if args.json:
        Path(args.json).write_text(result.to_json(), encoding="utf-8")
    print(render_table([result], verbose=args.verbose))
    if result.problems:
        print()
        for problem in result.problems:
            print(f"! {problem}")
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
        share = result.points / result.max_points * 100 if result.max_points else 0.0
        if share + 1e-9 < args.min_score:
            print(f"score {share:.1f}% is below --min-score {args.min_score:g}%", file=sys.stderr)
            return EXIT_GATE
    return EXIT_OK


def cmd_grade_batch(args: argparse.Namespace) -> int:
    """Internal: a grading process of `course grade` (students on stdin, results on a pipe)."""
    from autograder.grading.gradebook import grade_batch

    return grade_batch(args.seed, args.reply_fd, jobs=args.jobs, timeout_seconds=args.timeout)


def _isolation_summary(require: bool) -> int | None:
    """Print the layers in force; with ``require``, refuse (exit 2) without Landlock and seccomp."""
    from autograder.sandbox.runner import Sandbox, SandboxError

    try:
        layers = Sandbox.shared().layers
    except SandboxError as exc:
        return _error(str(exc))
    for line in layers.lines():
        print(f"isolation: {line}", file=sys.stderr)
    missing = layers.required_missing
    if require and missing:
        return _error(
            "refusing to grade with --require-isolation: "
            + "; ".join(missing)
            + ". Grade on a Linux machine that offers both (see `course doctor`)."
        )
    return None


def cmd_grade(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from autograder.grading.archive import ArchiveError, load_results, load_seed
    from autograder.grading.exports import (
        CANVAS_CSV,
        ExportError,
        read_canvas_roster,
        write_canvas_csv,
    )
    from autograder.grading.gradebook import grade_class
    from autograder.grading.report import ITEMS_CSV, REPORT_HTML
    from autograder.grading.submissions import find_students

    folder = Path(args.submissions)
    if not folder.is_dir():
        return _error(f"{folder} is not a folder. Give a folder with one sub-folder per student.")
    students = find_students(folder)
    if not students:
        return _error(
            f"{folder} has no student sub-folders (one folder per student, holding their notebooks)."
        )
    out = Path(args.out)
    if args.only:
        names = [s.name for s in students]
        if args.only not in names:
            return _error(f"--only {args.only}: there is no such student folder in {folder}.")
        try:
            load_seed(out)
            load_results(out, [name for name in names if name != args.only])
        except ArchiveError as exc:
            return _error(str(exc))
    roster = None
    if args.lms_roster:
        if not args.lms:
            return _error("--lms-roster needs --lms canvas.")
        try:
            roster = read_canvas_roster(Path(args.lms_roster))
        except ExportError as exc:
            return _error(str(exc))
    refused = _isolation_summary(args.require_isolation)
    if refused is not None:
        return refused
    total = 1 if args.only else len(students)
    bar = tqdm(total=total, unit="student", desc="grading", disable=args.quiet)
    try:
        run = grade_class(
            folder,
            out,
            feedback_dir=Path(args.feedback) if args.feedback else None,
            seed=args.seed,
            parallel=args.parallel,
            timeout_seconds=args.timeout,
            progress=lambda name: bar.update(1),
            only=args.only,
        )
    except ArchiveError as exc:
        bar.close()
        return _error(str(exc))
    bar.close()
    feedback = Path(args.feedback) if args.feedback else out.parent / "feedback"
    if args.only:
        print(f"regraded {args.only}, seed {run.seed}; updated {out} and the class report")
    else:
        print(
            f"graded {len(run.results)} students, seed {run.seed} -> {out} (feedback in {feedback}/)"
        )
    print(f"item analysis: {out.parent / ITEMS_CSV}; class report: {out.parent / REPORT_HTML}")
    if args.lms == "canvas":
        course = load_course()
        try:
            export = write_canvas_csv(
                run.results,
                out.parent / CANVAS_CSV,
                assignment=args.lms_assignment or course.title,
                points_possible=course.max_points,
                roster=roster,
            )
        except (ExportError, OSError) as exc:
            return _error(f"the Canvas export failed: {exc}")
        print(f"Canvas gradebook import: {export.path}")
        if export.unmatched:
            print(
                "not in the Canvas roster (written by folder name; match them by hand): "
                + ", ".join(export.unmatched),
                file=sys.stderr,
            )
    review = [r.submission for r in run.results if r.needs_review]
    if run.failures or review:
        print(
            "the grader itself failed on: "
            + ", ".join(sorted(set(run.failures) | set(review)))
            + " (needs review: see the needs_review column and their feedback)",
            file=sys.stderr,
        )
        return EXIT_ERROR
    return EXIT_OK


def cmd_doctor(args: argparse.Namespace) -> int:
    from autograder.sandbox.doctor import verify
    from autograder.sandbox.runner import Sandbox, SandboxError

    try:
        box = Sandbox.shared()
    except SandboxError as exc:
        return _error(str(exc))
    for line in box.layers.lines():
        print(line)
    print("a worker tried what the layers must stop:")
    lines, contained = verify(box)
    for line in lines:
        print(line)
    if not contained:
        print(
            "warning: a worker could do something it should not; do not grade untrusted work here"
        )
    return EXIT_OK


# -- build, release ---------------------------------------------------------------------------------


def cmd_build(args: argparse.Namespace) -> int:
    from autograder.build import BuildError, plan_build, stale_files, write_build

    try:
        plan = plan_build()
    except BuildError as exc:
        return _error(str(exc))
    root = load_course().path.parent
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
    from autograder.release import ReleaseError, make_release

    try:
        summary = make_release(Path(args.dir), force=args.force)
    except ReleaseError as exc:
        return _error(str(exc))
    print(summary)
    return EXIT_OK


def cmd_gradescope(args: argparse.Namespace) -> int:
    from autograder.authoring.gradescope import GradescopeError, build_autograder

    try:
        summary = build_autograder(
            Path(args.zip),
            lessons=args.lesson,
            data=Path(args.data) if args.data else None,
            visibility=args.visibility,
        )
    except GradescopeError as exc:
        return _error(str(exc))
    print(summary)
    return EXIT_OK


# -- the parser -------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="course",
        description="Digits from Scratch: lessons, checks, grading and data for the MNIST-from-scratch course.",
    )
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
        "--timeout", type=float, help="seconds each graded function may run (default: course.yml)"
    )
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("grade", help="grade a class: one sub-folder of notebooks per student")
    p.add_argument("submissions", help="folder with one sub-folder per student")
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
        help="refuse to grade (exit 2) unless Landlock and seccomp are in force",
    )
    p.add_argument(
        "--timeout", type=float, help="seconds each graded function may run (default: course.yml)"
    )
    p.add_argument(
        "--only",
        metavar="NAME",
        help="regrade one student (with the class run's seed) and update the gradebook and report",
    )
    p.add_argument(
        "--lms",
        choices=["canvas"],
        help="also write the CSV this learning management system's gradebook import reads",
    )
    p.add_argument(
        "--lms-assignment",
        metavar="NAME",
        help="the assignment column for --lms (default: the course title); use Canvas's own "
        "column name, e.g. 'Problem set 1 (1234)', to update an existing assignment",
    )
    p.add_argument(
        "--lms-roster",
        metavar="CSV",
        help="the LMS's gradebook export, to match student folders to its students",
    )
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("_grade-batch")  # internal: no help, so not listed
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--reply-fd", type=int, required=True)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--timeout", type=float)
    p.set_defaults(func=cmd_grade_batch)

    p = sub.add_parser("doctor", help="say which isolation layers are in force, by trying them")
    p.set_defaults(func=cmd_doctor)

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
    p.set_defaults(func=cmd_gradescope)

    try:
        from autograder import data

        data.register(sub)
    except ImportError:  # pragma: no cover - the data module is part of the package
        pass
    try:
        from autograder import train

        train.register(sub)
    except ImportError:  # pragma: no cover
        pass
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_ERROR
    try:
        load_course()
        return int(args.func(args) or 0)
    except CourseError as exc:
        return _error(str(exc))
    except KeyboardInterrupt:
        return _error("interrupted.")
    except Exception as exc:  # noqa: BLE001 - never a bare traceback for a user
        import traceback

        detail = traceback.format_exc(limit=-3)
        return _error(
            f"an internal error stopped this command: {type(exc).__name__}: {exc}\n"
            f"(please report it with these lines)\n{detail}"
        )


if __name__ == "__main__":
    sys.exit(main())
