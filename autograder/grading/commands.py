"""What the grading commands do once their arguments are parsed: ``course check``,
``course grade`` (and its grading processes), ``course doctor``. Their arguments, and how errors
become exit codes, are in :mod:`autograder.cli`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from autograder.config import lessons_dir, load_course
from autograder.errors import EXIT_ERROR, EXIT_GATE, EXIT_OK, UserError

if TYPE_CHECKING:
    from autograder.sandbox.doctor import Isolation


def check(args: argparse.Namespace) -> int:
    """`course check`: grade one notebook or a folder, print the table."""
    from autograder.grading.feedback import render_table
    from autograder.grading.run import grade_submission
    from autograder.grading.safe_text import one_line
    from autograder.grading.submissions import Submission, lessons_named

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
        Path(args.json).write_text(result.to_json(), encoding="utf-8")
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


def grade_batch(args: argparse.Namespace) -> int:
    """Internal: a grading process of `course grade` (students on stdin, results on a pipe)."""
    from autograder.grading.gradebook import grade_batch as run_batch

    return run_batch(
        args.seed,
        args.reply_fd,
        jobs=args.jobs,
        timeout_seconds=args.timeout,
        allow_weak_isolation=args.allow_weak_isolation,
    )


def isolation_summary(allow_weak: bool) -> Isolation:
    """Print the layers in force, and apply the rule for grading untrusted work
    (``sandbox.doctor.require_isolation``): refuse (exit 2) without Landlock and seccomp, unless
    ``allow_weak``. Returns the ``Isolation`` found."""
    from autograder.sandbox.doctor import require_isolation
    from autograder.sandbox.runner import Sandbox, SandboxError

    try:
        for line in Sandbox.shared().layers.lines():
            print(f"isolation: {line}", file=sys.stderr)
    except SandboxError:
        pass  # require_isolation says why, as a refusal
    isolation = require_isolation(allow=allow_weak)
    if isolation.note:
        print(f"warning: {isolation.note}", file=sys.stderr)
    return isolation


def grade(args: argparse.Namespace) -> int:
    """`course grade`: a class, its gradebook, feedback and report."""
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
    from autograder.grading.safe_text import one_line, printable, unique_file_names
    from autograder.grading.submissions import find_students

    folder = Path(args.submissions)
    if not folder.is_dir():
        raise UserError(f"{folder} is not a folder. Give a folder with one sub-folder per student.")
    roster = find_students(folder, load_course())
    for warning in roster.warnings:
        print(f"warning: {one_line(warning)}", file=sys.stderr)
    students = roster.students
    if not students:
        raise UserError(
            f"{folder} has no student sub-folders (one folder per student, holding their "
            "notebooks) and no loose notebooks named <student>_<lesson>.ipynb."
        )
    if roster.folder != folder:
        print(f"nbgrader course: grading {roster.folder}", file=sys.stderr)
    out = Path(args.out)
    if args.only:
        names = [work.name for work in students]
        if args.only not in names:
            raise UserError(f"--only {one_line(args.only)}: there is no such student in {folder}.")
        try:
            load_seed(out)
            load_results(
                out,
                {
                    name: file_name
                    for name, file_name in zip(names, unique_file_names(names), strict=True)
                    if name != args.only
                },
            )
        except ArchiveError as exc:
            raise UserError(str(exc))
    lms_roster = None
    if args.lms_roster:
        if not args.lms:
            raise UserError("--lms-roster needs --lms canvas.")
        try:
            lms_roster = read_canvas_roster(Path(args.lms_roster))
        except ExportError as exc:
            raise UserError(str(exc))
    isolation = isolation_summary(args.allow_weak_isolation)
    bar = tqdm(
        total=1 if args.only else len(students),
        unit="student",
        desc="grading",
        disable=args.quiet,
    )
    try:
        run = grade_class(
            folder,
            out,
            feedback_dir=Path(args.feedback) if args.feedback else None,
            seed=args.seed,
            parallel=args.parallel,
            timeout_seconds=args.timeout,
            progress=lambda name: bar.update(1),
            roster=roster,
            only=args.only,
            allow_weak_isolation=isolation.accepted_risk,
        )
    except ArchiveError as exc:
        bar.close()
        raise UserError(str(exc))
    bar.close()
    for result in run.results:
        if result.submission not in run.graded:
            continue
        for warning in result.warnings:
            print(
                f"warning: {one_line(printable(result.submission))}: {one_line(warning)}",
                file=sys.stderr,
            )
    feedback = Path(args.feedback) if args.feedback else out.parent / "feedback"
    if args.only:
        print(
            f"regraded {one_line(printable(args.only))}, seed {run.seed}; "
            f"updated {out} and the class report"
        )
    else:
        print(
            f"graded {len(run.results)} students, seed {run.seed} -> {out} (feedback in {feedback}/)"
        )
    print(f"item analysis: {out.parent / ITEMS_CSV}; class report: {out.parent / REPORT_HTML}")
    if isolation.note:
        print(f"isolation: {isolation.note} (recorded in every student's results and feedback)")
    if args.lms == "canvas":
        course = load_course()
        try:
            export = write_canvas_csv(
                run.results,
                out.parent / CANVAS_CSV,
                assignment=args.lms_assignment or course.title,
                points_possible=course.max_points,
                roster=lms_roster,
            )
        except (ExportError, OSError) as exc:
            raise UserError(f"the Canvas export failed: {exc}")
        print(f"Canvas gradebook import: {export.path}")
        if export.unmatched:
            print(
                "not in the Canvas roster (written by folder name; match them by hand): "
                + ", ".join(one_line(printable(name)) for name in export.unmatched),
                file=sys.stderr,
            )
    review = [r.submission for r in run.results if r.needs_review]
    if run.failures or review:
        print(
            "the grader itself failed on: "
            + ", ".join(one_line(printable(n)) for n in sorted(set(run.failures) | set(review)))
            + " (needs review: see the needs_review column and their feedback)",
            file=sys.stderr,
        )
        return EXIT_ERROR
    empty = [name for name in run.empty if name in run.graded]
    if empty and not args.allow_empty:
        names = ", ".join(one_line(printable(name)) for name in empty)
        print(
            f"no lesson notebook was found for: {names} (their rows are zeros; check how the "
            "work was collected, or pass --allow-empty when that is expected)",
            file=sys.stderr,
        )
        return EXIT_GATE
    return EXIT_OK


def doctor(args: argparse.Namespace) -> int:
    """`course doctor`: the isolation layers, the verdict of the rule for grading untrusted work,
    and a worker trying what the layers must stop. Exit 0 when untrusted work may be graded
    here, 1 when it may not (a layer is missing or a worker could do what it should not)."""
    from autograder.sandbox.doctor import report

    found = report()
    for line in found.lines:
        print(line)
    return EXIT_OK if found.may_grade else EXIT_GATE
