"""An LMS's roster (its own gradebook export), and which student folder is which roster row.

A student is matched, in this order, by:

1. the user id in the LMS's own download names (``jane_12345_67890_01_data.ipynb``: Canvas's
   user id 12345 is the roster's ``ID``; Blackboard's ``..._jdoe_attempt_...`` is ``Username``);
2. the folder's name equal (ignoring case) to one of the roster's identifier columns (Canvas's
   SIS Login ID, SIS User ID, ID or Student; Moodle's Username, ID number or Email address;
   Blackboard's Username or Student ID);
3. the person's name, letters only (Canvas writes ``smithann`` for "Smith, Ann" in its download
   names, Moodle ``Ann Smith``), when exactly one roster row has it.

A step that finds two rows is no match (the student is listed, with the rows it could be);
each roster row takes one student. What is left over is the reconciliation: roster rows without a submission,
and student folders without a roster row.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from autograder.errors import UserError
from autograder.grading.engine.results import GradingResult

#: A roster file larger than this is not a class's gradebook export.
MAX_ROSTER_BYTES = 50 * 1024 * 1024


class RosterError(UserError):
    """The roster cannot be read or is not the LMS's export; the message says why."""


@dataclass(frozen=True)
class RosterLayout:
    """What one LMS's gradebook export holds."""

    system: str
    user_id: str  # the column the user id in download names equals ("" when none)
    keys: tuple[str, ...]  # columns a folder name may equal
    first: tuple[str, ...]  # the column holding a first name (its spellings)
    last: tuple[str, ...]  # ... a last name
    full: str = ""  # a column with the whole name ("Smith, Ann")
    required: tuple[tuple[str, ...], ...] = ()  # at least one spelling of each must be present
    export_hint: str = ""
    skip_rows: tuple[str, ...] = ()  # first-column values of rows that are not students


LAYOUTS = {
    "canvas": RosterLayout(
        "canvas",
        user_id="ID",
        keys=("SIS Login ID", "SIS User ID", "ID", "Student"),
        first=(),
        last=(),
        full="Student",
        required=(("Student",), ("ID",)),
        export_hint="the CSV Canvas exports from its gradebook (Gradebook, Export, Export "
        "Entire Gradebook)",
        skip_rows=("Points Possible", "Student, Test"),
    ),
    "moodle": RosterLayout(
        "moodle",
        user_id="",
        keys=("Username", "ID number", "Email address"),
        first=("First name",),
        last=("Last name", "Surname"),
        required=(("Email address", "ID number", "Username"),),
        export_hint="the file Moodle's gradebook exports (Grades, Export, Plain text file)",
    ),
    "blackboard": RosterLayout(
        "blackboard",
        user_id="Username",
        keys=("Username", "Student ID"),
        first=("First Name",),
        last=("Last Name",),
        required=(("Username",),),
        export_hint="the file Blackboard's Grade Center downloads (Work Offline, Download, "
        "Full Grade Center)",
    ),
}


@dataclass
class LmsRoster:
    system: str
    path: Path
    columns: list[str]
    rows: list[dict[str, str]]

    def column(self, *spellings: str) -> str | None:
        """The roster's column with one of these names (ignoring case and spaces around)."""
        wanted = {s.strip().casefold() for s in spellings}
        return next((c for c in self.columns if c.strip().casefold() in wanted), None)

    def value(self, row: dict[str, str], *spellings: str) -> str:
        column = self.column(*spellings)
        return (row.get(column) or "").strip() if column else ""

    def person(self, row: dict[str, str]) -> str:
        """The row's name as people read it."""
        layout = LAYOUTS[self.system]
        if layout.full:
            return self.value(row, layout.full)
        return " ".join(
            p for p in (self.value(row, *layout.first), self.value(row, *layout.last)) if p
        )


def _decode(raw: bytes) -> str:
    """Blackboard downloads UTF-16 with a byte-order mark; Canvas and Moodle UTF-8."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    return raw.decode("utf-8-sig")


def read_roster(path: Path, system: str) -> LmsRoster:
    """The student rows of an LMS's gradebook export (comma- or tab-separated)."""
    layout = LAYOUTS[system]
    path = Path(path)
    try:
        if path.stat().st_size > MAX_ROSTER_BYTES:
            raise RosterError(f"the roster {path} is larger than a class's gradebook export.")
        text = _decode(path.read_bytes())
        first_line = text.split("\n", 1)[0]
        delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
        columns = [c for c in reader.fieldnames or []]
        rows = [{k: (v or "") for k, v in row.items() if k is not None} for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise RosterError(f"the roster {path} cannot be read ({exc}).") from None
    roster = LmsRoster(system, path, columns, rows)
    missing = [" or ".join(options) for options in layout.required if not roster.column(*options)]
    if missing:
        raise RosterError(
            f"the roster {path} has no {', '.join(missing)} column: give {layout.export_hint}."
        )
    first = columns[0] if columns else ""
    roster.rows = [
        row
        for row in rows
        if (row.get(first) or "").strip() not in layout.skip_rows and any(row.values())
    ]
    return roster


def letters(text: str) -> str:
    """A name reduced to its letters, for comparing names however they were written."""
    return "".join(ch for ch in text.casefold() if ch.isalpha())


def _name_forms(roster: LmsRoster, row: dict[str, str]) -> set[str]:
    layout = LAYOUTS[roster.system]
    forms: set[str] = set()
    if layout.full:
        full = roster.value(row, layout.full)
        if full:
            forms.add(letters(full))
            if "," in full:  # Canvas's "Last, First" and its downloads' "lastfirst"
                last, first = full.split(",", 1)
                forms |= {letters(last + first), letters(first + last)}
    first, last = roster.value(row, *layout.first), roster.value(row, *layout.last)
    if first or last:
        forms |= {letters(first + last), letters(last + first)}
    return {f for f in forms if f}


@dataclass
class Reconciliation:
    """Which student is which roster row, and what is left over on either side."""

    matched: dict[str, dict[str, str]] = field(default_factory=dict)  # student -> roster row
    unmatched: list[str] = field(default_factory=list)  # students without a roster row
    ambiguous: dict[str, list[str]] = field(default_factory=dict)  # student -> candidates
    absent: list[dict[str, str]] = field(default_factory=list)  # roster rows, no submission


def reconcile(results: list[GradingResult], roster: LmsRoster) -> Reconciliation:
    """Match every graded student to a roster row (see the module's docstring)."""
    layout = LAYOUTS[roster.system]
    rows = roster.rows
    forms = [_name_forms(roster, row) for row in rows]
    taken: set[int] = set()
    outcome = Reconciliation()

    def candidates(result: GradingResult) -> list[int]:
        lms = result.lms if result.lms.get("system") == roster.system else {}
        user_id = lms.get("user_id", "")
        if user_id and layout.user_id:
            found = [
                i for i, row in enumerate(rows) if roster.value(row, layout.user_id) == user_id
            ]
            if found:
                return found
        names = {n.strip().casefold() for n in (result.submission, lms.get("who", "")) if n.strip()}
        found = [
            i
            for i, row in enumerate(rows)
            if any(
                roster.value(row, key).casefold() in names
                for key in layout.keys
                if roster.value(row, key)
            )
        ]
        if found:
            return found
        spelled = {letters(n) for n in names} - {""}
        return [i for i, own in enumerate(forms) if own & spelled]

    for result in results:
        found = candidates(result)  # ambiguous is ambiguous, whichever row is taken already
        if len(found) == 1 and found[0] not in taken:
            taken.add(found[0])
            outcome.matched[result.submission] = rows[found[0]]
        else:
            if len(found) > 1:
                outcome.ambiguous[result.submission] = [roster.person(rows[i]) for i in found]
            outcome.unmatched.append(result.submission)
    outcome.absent = [row for i, row in enumerate(rows) if i not in taken]
    return outcome


_PAREN_ID = re.compile(r"\s*\(\d+\)$")  # Canvas: "Problem set 1 (1234)"
_POINTS_ID = re.compile(r"\s*\[Total Pts:.*$")  # Blackboard: "PS1 [Total Pts: 62 Score] |123"
_MOODLE_ITEM = re.compile(r"^[^:]+:\s*(.*?)\s*\(Real\)$")  # Moodle: "Assignment: PS1 (Real)"


def assignment_column(roster: LmsRoster | None, assignment: str) -> str:
    """The roster's own column for ``assignment`` (with the LMS's id in it, so the import updates
    that column), else ``assignment`` as given."""
    if roster is None:
        return assignment
    wanted = assignment.strip().casefold()
    for column in roster.columns:
        if column.strip().casefold() == wanted:
            return column
        base = _POINTS_ID.sub("", _PAREN_ID.sub("", column.strip()))
        moodle = _MOODLE_ITEM.match(column.strip())
        if base.casefold() == wanted or (moodle and moodle.group(1).casefold() == wanted):
            return column
    return assignment
