"""The grade-import files of Canvas, Moodle and Blackboard, each as its LMS documents it.

* **Canvas** (``canvas.csv``), the layout of Canvas's own gradebook export, which its gradebook
  import reads back: ``Student, ID, SIS User ID, SIS Login ID, Section, <assignment>``, then
  the row ``"    Points Possible"`` with the assignment's points, then a row per student. Canvas
  matches students by ID, SIS User ID or SIS Login ID; an assignment column named as in the
  export (``Problem set 1 (1234)``) updates that assignment, any other name creates one.
* **Moodle** (``moodle.csv``), the file of Moodle's gradebook CSV import ("the import file
  format is the same as the corresponding export format"): the user columns of its plain-text
  export ``First name, Last name, ID number, Institution, Department, Email address``, then the
  grade item, numbers with two decimals. On import, "Identify user by" maps ``Email address``
  to useremail (or ``ID number`` to useridnumber), and the item's column to the grade item.
* **Blackboard** (``blackboard.csv``), the Grade Center / Ultra offline grade upload:
  comma-separated with every field in quotation marks, ``Last Name, First Name, Username,
  Student ID``, then the column header as Blackboard downloads it (``PS1 [Total Pts: 62
  Score] |123456``: the ``|id`` makes the upload update that column; without it Blackboard
  creates a new text column). The student's unique identifier is ``Username``.

Without a roster, the student's folder name stands in for the identifier Canvas
(``SIS Login ID``) and Blackboard (``Username``) match by; Moodle's rows then carry the name
only, which its import cannot match (so a Moodle export wants ``--lms-roster``). Text cells are
made safe for spreadsheets.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from autograder.errors import UserError
from autograder.grading.classes.lms.roster import (
    LmsRoster,
    Reconciliation,
    assignment_column,
    reconcile,
)
from autograder.grading.engine.results import GradingResult
from autograder.interrupts import replacing
from autograder.safe_text import csv_cell, printable

LMS_CHOICES = ("canvas", "moodle", "blackboard")
POINTS_POSSIBLE = "    Points Possible"  # Canvas's own label, leading spaces included


class ExportError(UserError):
    """The export could not be written; the message says why and what to do."""


@dataclass(frozen=True)
class LmsFormat:
    system: str
    title: str  # "Canvas"
    file_name: str
    identity: tuple[str, ...]  # the identifier columns, in order
    fallback: Callable[[str], dict[str, str]]  # identity from a folder name, without a roster
    number: Callable[[float], str]
    quote_all: bool = False
    points_row: bool = False  # Canvas's "Points Possible" row under the header
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # other spellings

    def identity_of(self, roster: LmsRoster, row: dict[str, str]) -> dict[str, str]:
        return {
            column: roster.value(row, column, *self.aliases.get(column, ()))
            for column in self.identity
        }


FORMATS = {
    "canvas": LmsFormat(
        "canvas",
        "Canvas",
        "canvas.csv",
        ("Student", "ID", "SIS User ID", "SIS Login ID", "Section"),
        fallback=lambda name: {"Student": name, "SIS Login ID": name},
        number=lambda value: f"{value:g}",
        points_row=True,
    ),
    "moodle": LmsFormat(
        "moodle",
        "Moodle",
        "moodle.csv",
        ("First name", "Last name", "ID number", "Institution", "Department", "Email address"),
        fallback=lambda name: {"First name": name},
        number=lambda value: f"{value:.2f}",
        aliases={"Last name": ("Surname",)},  # Moodle's older exports
    ),
    "blackboard": LmsFormat(
        "blackboard",
        "Blackboard",
        "blackboard.csv",
        ("Last Name", "First Name", "Username", "Student ID"),
        fallback=lambda name: {"Username": name},
        number=lambda value: f"{value:g}",
        quote_all=True,
    ),
}


@dataclass
class LmsExport:
    path: Path
    format: LmsFormat
    column: str  # the assignment column as written
    rows: int
    reconciliation: Reconciliation | None = None  # with a roster
    unmatched: list[str] = field(default_factory=list)  # students written by folder name


def write_lms_file(
    system: str,
    results: list[GradingResult],
    path: Path,
    *,
    assignment: str,
    points_possible: float,
    roster: LmsRoster | None = None,
    reconciliation: Reconciliation | None = None,
) -> LmsExport:
    """Write ``system``'s grade-import file: a row per student with their total, and, with a
    roster, a row of zeros for every roster student without a submission."""
    if system not in FORMATS:
        raise ExportError(f"unknown LMS {system!r} (known: {', '.join(LMS_CHOICES)}).")
    fmt = FORMATS[system]
    if not assignment.strip():
        raise ExportError(
            f"the {fmt.title} assignment name is empty; give one with --lms-assignment."
        )
    if roster is not None and roster.system != system:
        raise ExportError(f"the roster is {roster.system}'s, not {fmt.title}'s.")
    column = assignment_column(roster, assignment)
    if roster is not None and reconciliation is None:
        reconciliation = reconcile(results, roster)
    lines: list[list[str]] = []
    for result in results:
        row = reconciliation.matched.get(result.submission) if reconciliation else None
        if row is not None and roster is not None:
            identity = fmt.identity_of(roster, row)
        else:
            identity = fmt.fallback(printable(result.submission))
        lines.append(
            [csv_cell(identity.get(c, "")) for c in fmt.identity] + [fmt.number(result.total)]
        )
    if reconciliation is not None and roster is not None:
        for row in reconciliation.absent:
            identity = fmt.identity_of(roster, row)
            lines.append([csv_cell(identity.get(c, "")) for c in fmt.identity] + [fmt.number(0.0)])
    path.parent.mkdir(parents=True, exist_ok=True)
    quoting = csv.QUOTE_ALL if fmt.quote_all else csv.QUOTE_MINIMAL
    try:
        with replacing(path) as partial, partial.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, quoting=quoting)
            writer.writerow([*fmt.identity, csv_cell(column)])
            if fmt.points_row:
                writer.writerow(
                    [POINTS_POSSIBLE, *[""] * (len(fmt.identity) - 1), f"{points_possible:g}"]
                )
            writer.writerows(lines)
    except OSError as exc:
        raise ExportError(f"{path} could not be written ({exc.strerror}).") from None
    return LmsExport(
        path=path,
        format=fmt,
        column=column,
        rows=len(lines),
        reconciliation=reconciliation,
        unmatched=list(reconciliation.unmatched) if reconciliation else [],
    )
