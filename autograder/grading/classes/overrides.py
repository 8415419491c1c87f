"""Manual overrides: points an instructor sets by hand for one student's function.

``--overrides FILE`` is a CSV with the columns ``student, function, points, reason``: the
function's points for that student (from 0 to the function's points in course.yml) and why.
The file is read again on every run (a full rerun, ``--only``, ``--merge``), so an override
survives regrading; the kept results hold what the checks gave, never the override. An
override shows in the student's feedback with its reason, the ``overridden`` column of
grades.csv names the functions, and the audit log records each change.

Every row is checked before anything is graded: a student or function that does not exist, a
number out of range, a missing reason, or two rows for the same function stop the run with a
message naming the line (and the names it may have meant).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

from autograder.config import Course
from autograder.errors import UserError
from autograder.grading.classes.near import did_you_mean
from autograder.grading.engine.results import GradingResult, Override
from autograder.safe_text import one_line

COLUMNS = ("student", "function", "points", "reason")


class OverrideError(UserError):
    """The overrides file cannot be used; the message names the line and what to do."""


@dataclass(frozen=True)
class OverrideRow:
    student: str
    function: str
    points: float
    reason: str
    line: int


def read_overrides(path: Path, course: Course, students: list[str]) -> list[OverrideRow]:
    """The overrides in ``path``, each checked against the class and the course."""
    try:
        with Path(path).open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            columns = [(c or "").strip().lower() for c in reader.fieldnames or []]
            raw_rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise OverrideError(f"the overrides file {path} cannot be read ({exc}).") from None
    missing = [c for c in COLUMNS if c not in columns]
    if missing:
        raise OverrideError(
            f"the overrides file {path} needs the columns {', '.join(COLUMNS)} (missing: "
            f"{', '.join(missing)})."
        )
    maximum = {e.function: e.points for e in course.exercises}
    known = set(students)
    rows: list[OverrideRow] = []
    seen: dict[tuple[str, str], int] = {}
    for number, raw in enumerate(raw_rows, start=2):
        cells = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        if not any(cells.get(c) for c in COLUMNS):
            continue
        where = f"{path}, line {number}"
        student, function = cells.get("student", ""), cells.get("function", "")
        if student not in known:
            raise OverrideError(
                f"{where}: there is no student {one_line(student)!r} in this class"
                f"{did_you_mean(student, students)}."
            )
        if function not in maximum:
            raise OverrideError(
                f"{where}: {one_line(function)!r} is not a graded function"
                f"{did_you_mean(function, list(maximum))}."
            )
        try:
            points = float(cells.get("points", ""))
        except ValueError:
            raise OverrideError(
                f"{where}: points should be a number, not {one_line(cells.get('points'))!r}."
            ) from None
        if math.isnan(points) or not 0 <= points <= maximum[function]:
            raise OverrideError(
                f"{where}: {function} is worth 0 to {maximum[function]:g} points, not {points:g}."
            )
        reason = cells.get("reason", "")
        if not reason:
            raise OverrideError(
                f"{where}: give the reason (it is shown to the student and logged)."
            )
        if (student, function) in seen:
            raise OverrideError(
                f"{where}: a second override of {function} for {one_line(student)} (the first is "
                f"on line {seen[student, function]})."
            )
        seen[student, function] = number
        rows.append(OverrideRow(student, function, points, reason, number))
    return rows


def apply_overrides(result: GradingResult, rows: list[OverrideRow]) -> None:
    """Set the overrides of ``result``'s student on its function reports (in place)."""
    mine = {row.function: row for row in rows if row.student == result.submission}
    for report in result.functions:
        row = mine.get(report.function)
        if row is not None:
            report.override = Override(row.points, row.reason, report.graded_points)
