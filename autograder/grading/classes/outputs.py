"""Everything a class run writes, from the kept results with the class's policy applied.

One function, ``write_outputs``, for a whole run, a regrade (``--only``) and a merge of shards
(``--merge``): the policy (:mod:`autograder.grading.classes.policy`: overrides, late penalty) is applied
to every kept result, then it writes grades.csv, each student's feedback (only the files whose
text changed, so a regrade leaves everyone else's alone), items.csv and report.html, the LMS
file with the roster's reconciliation, and the audit log. The same results and policy always
give the same files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from autograder import interrupts
from autograder.config import Course
from autograder.grading.classes import audit
from autograder.grading.classes.lms import LmsExport, Reconciliation, reconcile, write_lms_file
from autograder.grading.classes.lms.formats import FORMATS
from autograder.grading.classes.lms.roster import LAYOUTS, LmsRoster
from autograder.grading.classes.policy import ClassPolicy
from autograder.grading.classes.timings import Stage, Timings
from autograder.grading.engine.results import FunctionReport, GradingResult
from autograder.grading.reports.feedback import render_html, render_markdown
from autograder.grading.reports.gradebook import write_gradebook
from autograder.grading.reports.report import ClassReport, write_class_report


@dataclass
class Outputs:
    results: list[GradingResult]  # as written: policy applied; roster students without work last
    feedback_dir: Path
    report: ClassReport
    lms: LmsExport | None = None
    reconciliation: Reconciliation | None = None
    audit_rows: int = 0
    feedback_written: list[str] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)  # where the writing's time went


def absent_result(roster: LmsRoster, row: dict[str, str], course: Course) -> GradingResult:
    """A row of zeros for a roster student who handed in nothing."""
    layout = LAYOUTS[roster.system]
    name = next((roster.value(row, key) for key in layout.keys if roster.value(row, key)), "")
    functions = [
        FunctionReport.empty(exercise, course.lesson(exercise.lesson))
        for exercise in course.exercises
    ]
    return GradingResult(
        submission=name or roster.person(row), functions=functions, seed=None, mode="absent"
    )


def _write_if_changed(path: Path, text: str) -> bool:
    try:
        if path.read_text(encoding="utf-8", errors="backslashreplace") == text:
            return False
    except OSError:
        pass
    interrupts.write_text(path, text, errors="backslashreplace")
    return True


def write_outputs(
    kept: list[GradingResult],
    file_names: list[str],
    out_csv: Path,
    course: Course,
    policy: ClassPolicy,
    *,
    seed: int,
    run: str,
    assignment: str | None = None,
) -> Outputs:
    """Write grades.csv, feedback, items.csv, report.html, the LMS file and the audit log."""
    timings = Timings()
    results = [policy.effective(result) for result in kept]
    reconciliation = None
    absent: list[GradingResult] = []
    if policy.roster is not None:
        reconciliation = reconcile(results, policy.roster)
        absent = [absent_result(policy.roster, row, course) for row in reconciliation.absent]
    everyone = results + absent
    names = list(file_names) + [""] * len(absent)
    write_gradebook(everyone, out_csv, course, file_names=names)  # each row its own seed
    feedback_dir = policy.feedback or out_csv.parent / "feedback"
    feedback_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for result, file_name in zip(results, file_names, strict=True):
        changed = False
        for suffix, render in ((".md", render_markdown), (".html", render_html)):
            changed |= _write_if_changed(feedback_dir / f"{file_name}{suffix}", render(result))
        if changed:
            written.append(result.submission)
    links = {
        result.submission: os.path.relpath(feedback_dir / f"{name}.html", out_csv.parent)
        for result, name in zip(results, file_names, strict=True)
    }
    timings.lap("writing the gradebook and feedback")
    report = write_class_report(everyone, course, out_csv.parent, seed, feedback=links)
    search = Stage("the similarity search", report.similarity.seconds)
    timings.lap("the class report", within=search)
    export = None
    if policy.lms:
        fmt = FORMATS[policy.lms]
        export = write_lms_file(
            policy.lms,
            results,
            out_csv.parent / fmt.file_name,
            assignment=policy.lms_assignment or assignment or course.title,
            points_possible=course.max_points,
            roster=policy.roster,
            reconciliation=reconciliation,
        )
    rows = audit.record(out_csv, everyone, run)
    timings.lap("writing the LMS file and audit log")
    return Outputs(
        results=everyone,
        feedback_dir=feedback_dir,
        report=report,
        lms=export,
        reconciliation=reconciliation,
        audit_rows=rows,
        feedback_written=written,
        stages=timings.stages,
    )
