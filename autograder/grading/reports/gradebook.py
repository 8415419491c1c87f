"""The gradebook, ``grades.csv``: a row per student, a column per graded function, then the
summary columns. Everything else a run writes from the results is
:mod:`autograder.grading.classes.outputs`.
"""

from __future__ import annotations

import csv
from pathlib import Path

from autograder import interrupts
from autograder.config import Course
from autograder.grading.engine.results import GradingResult
from autograder.safe_text import csv_cell, printable, unique_file_names

#: The gradebook's columns after the student and the functions.
SUMMARY_COLUMNS = [
    "required",
    "bonus",
    "penalty",
    "total",
    "max_points",
    "percent",
    "submitted_at",
    "time_source",
    "late_days",
    "overridden",
    "needs_review",
    "status",
    "seed",
    "feedback_file",
]


def status_of(result: GradingResult) -> str:
    """A gradebook row's status: graded, empty (a folder without any lesson notebook) or no
    submission (a roster student who handed in nothing)."""
    if result.mode == "absent":
        return "no submission"
    return "empty" if result.empty else "graded"


def write_gradebook(
    results: list[GradingResult],
    out_csv: Path,
    course: Course,
    *,
    seed: int | None = None,
    file_names: list[str] | None = None,
) -> None:
    """grades.csv: a row per student, a column per graded function, then the summary columns.

    ``student`` is the name as found (bytes that are not UTF-8 written as ``\\xNN``), and
    ``feedback_file`` the name of the student's feedback files (``feedback/<name>.md`` and
    ``.html``; "" for a roster student without a submission). ``total`` is ``required + bonus -
    penalty``, the number every other output shows; ``percent`` is ``total / max_points``, so
    bonus points can take it past 100. Text cells are made safe for spreadsheets.
    """
    functions = [e.function for e in course.exercises]
    file_names = file_names or unique_file_names([r.submission for r in results])
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    with (
        interrupts.replacing(out_csv) as partial,
        partial.open("w", newline="", encoding="utf-8") as handle,
    ):
        writer = csv.writer(handle)
        writer.writerow(["student", *functions, *SUMMARY_COLUMNS])
        for result, file_name in zip(results, file_names, strict=True):
            points = {f.function: f.points for f in result.functions}
            run_seed = seed if seed is not None and result.mode != "absent" else result.seed
            submitted = result.submitted
            late = result.late
            row = [csv_cell(printable(result.submission))]
            row += [f"{points.get(f, 0.0):g}" for f in functions]
            row += [
                f"{result.points:g}",
                f"{result.bonus_points:g}",
                f"{result.penalty:g}",
                f"{result.total:g}",
                f"{course.max_points:g}",
                f"{result.total / course.max_points * 100:.1f}" if course.max_points else "",
                submitted.at if submitted is not None else "",
                csv_cell(submitted.source) if submitted is not None else "",
                "" if late is None or late.late_days is None else str(late.late_days),
                " ".join(result.overridden),
                " ".join(result.needs_review),
                status_of(result),
                "" if run_seed is None else str(run_seed),
                csv_cell(file_name),
            ]
            writer.writerow(row)
