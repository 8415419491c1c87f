"""Grades in the form a learning management system imports.

Canvas: ``course grade DIR --lms canvas`` writes ``canvas.csv`` beside the gradebook, in the
layout of Canvas's own gradebook export, which its gradebook import reads back: the header
``Student, ID, SIS User ID, SIS Login ID, Section, <assignment>``, then the row
``"    Points Possible"`` with the assignment's points, then a row per student. Canvas matches
students by ID, SIS User ID or SIS Login ID; an assignment column named as in Canvas's export
(``Problem set 1 (1234)``) updates that assignment, any other name creates a new one.

Without a roster, the student's folder name goes in ``SIS Login ID``. With ``--lms-roster`` (the
CSV Canvas exports from its gradebook) each folder is matched to the roster row whose SIS Login
ID, SIS User ID, ID or name equals it (ignoring case), and that row's identifiers are used.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from autograder import interrupts
from autograder.grading.results import GradingResult
from autograder.grading.safe_text import csv_cell, printable

CANVAS_CSV = "canvas.csv"
CANVAS_IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
POINTS_POSSIBLE = "    Points Possible"  # Canvas's own label, leading spaces included
LMS_CHOICES = ("canvas",)


class ExportError(Exception):
    """The export could not be written; the message says why and what to do."""


@dataclass
class CanvasExport:
    path: Path
    unmatched: list[str]  # students not found in the roster (written by folder name)


def read_canvas_roster(path: Path) -> list[dict[str, str]]:
    """The student rows of a Canvas gradebook export (its "Points Possible" row left out)."""
    try:
        with Path(path).open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            rows = [dict(row) for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ExportError(f"the roster {path} cannot be read ({exc}).") from None
    missing = [c for c in ("Student", "ID") if c not in columns]
    if missing:
        raise ExportError(
            f"the roster {path} has no {', '.join(missing)} column: give the CSV that Canvas "
            "exports from its gradebook (Gradebook, Export, Export Entire Gradebook)."
        )
    return [
        row
        for row in rows
        if (row.get("Student") or "").strip() not in ("Points Possible", "Student, Test")
    ]


def _match(student: str, roster: list[dict[str, str]]) -> dict[str, str] | None:
    wanted = student.strip().casefold()
    for key in ("SIS Login ID", "SIS User ID", "ID", "Student"):
        for row in roster:
            if (row.get(key) or "").strip().casefold() == wanted and wanted:
                return row
    return None


def write_canvas_csv(
    results: list[GradingResult],
    path: Path,
    *,
    assignment: str,
    points_possible: float,
    roster: list[dict[str, str]] | None = None,
) -> CanvasExport:
    """Write Canvas's gradebook import CSV: one assignment column, the points-possible row."""
    if not assignment.strip():
        raise ExportError("the Canvas assignment name is empty; give one with --lms-assignment.")
    unmatched: list[str] = []
    rows = []
    for result in results:
        score = result.points + result.bonus_points
        row = _match(result.submission, roster) if roster is not None else None
        if roster is not None and row is None:
            unmatched.append(result.submission)
        if row is not None:
            identity = [row.get(c, "") or "" for c in CANVAS_IDENTITY]
        else:
            name = printable(result.submission)
            identity = [name, "", "", name, ""]
        rows.append([csv_cell(v) for v in identity] + [f"{score:g}"])
    path.parent.mkdir(parents=True, exist_ok=True)
    with (
        interrupts.replacing(path) as partial,
        partial.open("w", newline="", encoding="utf-8") as handle,
    ):
        writer = csv.writer(handle)
        writer.writerow([*CANVAS_IDENTITY, csv_cell(assignment)])
        writer.writerow([POINTS_POSSIBLE, "", "", "", "", f"{points_possible:g}"])
        writer.writerows(rows)
    return CanvasExport(path=path, unmatched=unmatched)
