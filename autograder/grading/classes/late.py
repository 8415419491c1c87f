"""Late work: when a submission came in, the due date that applies to it, and what lateness costs.

**When it came in** comes from the best source present, and every output says which one:

1. nbgrader's ``timestamp.txt`` in the student's folder or an assignment folder below it
   (``submitted/<student>/<assignment>/timestamp.txt``; the latest, when there are several);
2. Gradescope's ``submission_metadata.json`` (``created_at``), in ``run_autograder``;
3. an LMS's export of its submission times, made into a CSV of ``student,submitted_at``
   (``--submission-times``);
4. the LMS download's own file names: Blackboard's ``_attempt_2026-12-01-23-58-30``;
5. Canvas's ``_LATE_`` marker: late, at an unknown time.

File modification times are never used: copying, unzipping or a checkout changes them. A
student without any source is "not judged" and the run says so.

Times are read as nbgrader reads ``timestamp.txt`` (``nbgrader.utils.parse_utc``): a zone after
the time (``2026-12-01 23:58:12.5 America/Los_Angeles``, ``UTC``, ``+01:00``) is the time's
zone; a time without one is in the policy's time zone, UTC unless ``--timezone`` (or
``late.timezone`` in course.yml) says otherwise, as nbgrader's default ``Exchange.timezone``.

**What it costs**: ``--late-penalty P`` percent per started day after the due date (one second
late is one day; nbgrader counts ``total_seconds_late`` the same way), at most ``--late-cap C``
percent in all, taken from the points the work earned (required + bonus), so a penalty never
makes a total negative. A student's extension (``--extensions``: a CSV of ``student,due``)
replaces the due date for that student. A submission Canvas marked late without a time counts
one started day, the least it can be, unless the student has an extension here (Canvas's marker
knows nothing of it).
"""

from __future__ import annotations

import csv
import json
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from autograder.config import LateSettings
from autograder.errors import UserError
from autograder.grading.engine.results import GradingResult, Lateness, SubmissionTime

TIMESTAMP_FILE = "timestamp.txt"  # nbgrader's, in each submitted assignment folder
GRADESCOPE_METADATA = "submission_metadata.json"
DAY_SECONDS = 24 * 60 * 60
#: A timestamp file is one line; anything longer is not nbgrader's.
MAX_TIMESTAMP_BYTES = 200
#: Blackboard's download names: ``<assignment>_<username>_attempt_2026-12-01-23-58-30``.
BLACKBOARD_ATTEMPT = re.compile(r"_attempt_(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})")
_OFFSET = re.compile(r"^[+-]\d{2}:?\d{2}$")


class LateError(UserError):
    """A due date, time zone, extension or timestamp cannot be read; the message says why."""


def zone(name: str) -> tzinfo:
    """A time zone by IANA name (``Europe/Zurich``) or ``UTC``."""
    if name.strip().upper() in ("UTC", "Z", "GMT"):
        return UTC
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise LateError(
            f"unknown time zone {name!r}: give an IANA name such as UTC, Europe/Zurich or "
            "America/New_York."
        ) from None


def _split_zone(text: str) -> tuple[str, str]:
    """``2026-12-01 23:58 America/Los_Angeles`` -> (the time, the zone's name); the zone is ""
    when the last word is part of the time (a number, an offset, AM or PM)."""
    words = text.strip().split()
    last = words[-1] if len(words) >= 2 else ""
    if not last or _OFFSET.match(last) or any(c.isdigit() for c in last):
        return text.strip(), ""
    if last.upper().strip(".") in ("AM", "PM"):
        return text.strip(), ""
    return " ".join(words[:-1]), last


def parse_time(text: str, default_zone: tzinfo = UTC) -> datetime:
    """A point in time (aware, in UTC) from a due date or a timestamp, as nbgrader reads them.

    ``2026-12-01 23:59`` (in ``default_zone``), ``2026-12-01T23:59:00-05:00``,
    ``2026-12-01 23:58:12.948203 America/Los_Angeles`` (nbgrader's ``timestamp.txt``).
    """
    from dateutil import parser as date_parser

    if not text.strip():
        raise LateError("an empty time.")
    moment_text, zone_name = _split_zone(text)
    given_zone = zone(zone_name) if zone_name else None  # a zone after the time, as nbgrader's
    try:
        moment = date_parser.parse(moment_text)
    except (ValueError, OverflowError) as exc:
        raise LateError(f"{text.strip()!r} is not a date and time ({exc}).") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=given_zone or default_zone)
    elif given_zone is not None:
        raise LateError(f"{text.strip()!r} gives its time zone twice.")
    return moment.astimezone(UTC)


def parse_due(text: str, default_zone: tzinfo = UTC) -> datetime:
    """A due date: as ``parse_time``, but a date without a time (``2026-12-01``) is the end of
    that day (23:59:59), as an LMS's due dates are, never its first second."""
    from dateutil import parser as date_parser

    moment_text, zone_name = _split_zone(text)
    try:
        early = date_parser.parse(moment_text, default=datetime(2000, 1, 1, 0, 0, 0))
        late = date_parser.parse(moment_text, default=datetime(2000, 1, 1, 23, 59, 59))
    except (ValueError, OverflowError):
        return parse_time(text, default_zone)  # says what is wrong
    if (early.hour, early.minute) != (late.hour, late.minute):  # no time of day was given
        text = f"{late:%Y-%m-%d %H:%M:%S} {zone_name}".strip()
    return parse_time(text, default_zone)


def shown(moment: datetime, in_zone: tzinfo = UTC) -> str:
    """A time as people read it: ``2026-12-01 23:59 UTC`` (in the policy's zone)."""
    local = moment.astimezone(in_zone)
    name = "UTC" if in_zone is UTC else (local.tzname() or str(in_zone))
    seconds = f":{local.second:02d}" if local.second else ""
    return f"{local:%Y-%m-%d %H:%M}{seconds} {name}"


# -- when a submission came in -------------------------------------------------------------------


def nbgrader_time(folder: Path, default_zone: tzinfo = UTC) -> SubmissionTime | None:
    """The latest ``timestamp.txt`` in a student's folder or its assignment folders (one level
    down, as nbgrader's ``submitted/<student>/<assignment>/``). An unreadable one is an error:
    nbgrader itself refuses it ("Invalid timestamp string")."""
    candidates = [folder / TIMESTAMP_FILE]
    try:
        candidates += sorted(
            p / TIMESTAMP_FILE for p in folder.iterdir() if p.is_dir() and not p.is_symlink()
        )
    except OSError:
        pass
    found: list[tuple[datetime, str]] = []
    for path in candidates:
        if not path.is_file() or path.is_symlink():
            continue
        shown_path = path.relative_to(folder).as_posix()
        try:
            with path.open("rb") as handle:
                raw = handle.read(MAX_TIMESTAMP_BYTES + 1)
        except OSError as exc:
            raise LateError(f"{shown_path} cannot be read ({exc.strerror}).") from None
        text = raw.decode("utf-8", "replace").strip()
        if not text:
            continue  # nbgrader warns "Empty timestamp file" and goes on without a time
        if len(raw) > MAX_TIMESTAMP_BYTES:
            raise LateError(f"{shown_path} is not a timestamp (longer than a line).")
        try:
            found.append((parse_time(text, default_zone), shown_path))
        except LateError as exc:
            raise LateError(f"{shown_path}: {exc}") from None
    if not found:
        return None
    moment, path = max(found)
    return SubmissionTime(at=moment.isoformat(), source=f"nbgrader's {path}")


def lms_file_time(file_names: list[str], default_zone: tzinfo = UTC) -> SubmissionTime | None:
    """A time from LMS download names: Blackboard's attempt time (the latest), else Canvas's
    ``_LATE_`` marker (late, time unknown)."""
    attempts = []
    for name in file_names:
        match = BLACKBOARD_ATTEMPT.search(name)
        if match:
            year, month, day, hour, minute, second = (int(g) for g in match.groups())
            try:
                local = datetime(year, month, day, hour, minute, second, tzinfo=default_zone)
            except ValueError:
                continue
            attempts.append(local.astimezone(UTC))
    if attempts:
        return SubmissionTime(at=max(attempts).isoformat(), source="Blackboard's file names")
    if any(re.search(r"_late_", name, flags=re.IGNORECASE) for name in file_names):
        return SubmissionTime(source="Canvas's _LATE_ marker", marked_late=True)
    return None


def gradescope_metadata(path: Path) -> tuple[SubmissionTime, datetime | None]:
    """Gradescope's ``submission_metadata.json``: the submission's time (``created_at``) and the
    due date that applies (a submitter's own ``assignment.due_date``, which holds an extension
    Gradescope granted, the latest of a group's; else the assignment's ``due_date``)."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LateError(f"{path} cannot be read ({exc}).") from None
    if not isinstance(raw, dict) or not raw.get("created_at"):
        raise LateError(f"{path} has no created_at.")
    created = parse_time(str(raw["created_at"]))
    dues = []
    for user in raw.get("users") or []:
        own = (user or {}).get("assignment") or {}
        if isinstance(own, dict) and own.get("due_date"):
            dues.append(parse_time(str(own["due_date"])))
    assignment = raw.get("assignment") or {}
    if not dues and isinstance(assignment, dict) and assignment.get("due_date"):
        dues.append(parse_time(str(assignment["due_date"])))
    return (
        SubmissionTime(at=created.isoformat(), source="Gradescope's submission_metadata.json"),
        max(dues) if dues else None,
    )


def started_days(moment: datetime, due: datetime) -> int:
    """Started days of ``moment`` after ``due``: 0 when on time, 1 from the first second late."""
    seconds = (moment - due).total_seconds()
    return math.ceil(seconds / DAY_SECONDS) if seconds > 0 else 0


# -- the policy ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LatePolicy:
    """A due date, extensions, and the penalty per started day."""

    due: datetime | None
    timezone: tzinfo = UTC
    extensions: dict[str, datetime] = field(default_factory=dict)  # student -> their due date
    penalty_percent: float = 0.0  # per started day
    cap_percent: float = 100.0

    def __post_init__(self) -> None:
        for name, value in (("late penalty", self.penalty_percent), ("late cap", self.cap_percent)):
            if not (0 <= value <= 100) or math.isnan(value):
                raise LateError(f"the {name} is {value:g}%; give a percentage from 0 to 100.")

    def describe(self) -> str:
        if self.due is None:
            return "no due date"
        words = f"due {shown(self.due, self.timezone)}"
        if self.penalty_percent:
            words += f", -{self.penalty_percent:g}% per started day late"
            if self.cap_percent < 100:
                words += f" (at most -{self.cap_percent:g}%)"
        else:
            words += ", no penalty (lateness is reported only)"
        if self.extensions:
            words += f", {len(self.extensions)} extension(s)"
        return words

    def assess(self, result: GradingResult) -> Lateness | None:
        """How late ``result`` was and what it costs (None when there is no due date)."""
        extension = self.extensions.get(result.submission)
        due = extension or self.due
        if due is None:
            return None
        earned = result.points + result.bonus_points
        submitted = result.submitted
        due_words = f"the due date {shown(due, self.timezone)}" + (
            " (your extension)" if extension else ""
        )
        if submitted is None or (not submitted.at and not submitted.marked_late):
            return Lateness(
                due=due.isoformat(),
                late_days=None,
                percent=0.0,
                penalty=0.0,
                note="No submission time was found (file modification times are not used), "
                "so lateness was not judged.",
            )
        if submitted.at:
            moment = datetime.fromisoformat(submitted.at)
            days = started_days(moment, due)
            when = f"Submitted {shown(moment, self.timezone)} (from {submitted.source})"
        elif extension:  # Canvas's marker is against Canvas's due date, not this extension
            return Lateness(
                due=due.isoformat(),
                late_days=None,
                percent=0.0,
                penalty=0.0,
                note=f"Canvas marked this submission late, but {due_words} applies and the "
                "time is unknown, so lateness was not judged.",
            )
        else:
            days = 1
            when = "Canvas marked this submission late (its time is unknown: one started day)"
        percent = min(days * self.penalty_percent, self.cap_percent)
        penalty = round(earned * percent / 100, 4)
        if days == 0:
            note = f"{when}, before {due_words}: on time."
        else:
            late = "1 started day" if days == 1 else f"{days} started days"
            cost = (
                f"-{percent:g}% of {earned:g} points = -{penalty:g} points"
                if percent
                else "no penalty"
            )
            note = f"{when}, {late} after {due_words}: {cost}."
        return Lateness(
            due=due.isoformat(), late_days=days, percent=percent, penalty=penalty, note=note
        )


def read_extensions(path: Path, default_zone: tzinfo = UTC) -> dict[str, datetime]:
    """``--extensions``: a CSV with the columns ``student`` and ``due``, one row per student."""
    return _read_student_times(path, "due", "extensions", parse_due, default_zone)


def read_submission_times(path: Path, default_zone: tzinfo = UTC) -> dict[str, datetime]:
    """``--submission-times``: a CSV with the columns ``student`` and ``submitted_at`` (made
    from an LMS's export of its submissions), one row per student."""
    return _read_student_times(path, "submitted_at", "submission times", parse_time, default_zone)


def _read_student_times(
    path: Path, column: str, what: str, parse, default_zone: tzinfo
) -> dict[str, datetime]:
    try:
        with Path(path).open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            columns = [c.strip().lower() for c in reader.fieldnames or []]
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise LateError(f"the {what} file {path} cannot be read ({exc}).") from None
    if "student" not in columns or column not in columns:
        raise LateError(
            f"the {what} file {path} needs the columns student and {column} (it has "
            f"{', '.join(columns) or 'none'})."
        )
    found: dict[str, datetime] = {}
    for number, row in enumerate(rows, start=2):
        cells = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        student, when = cells.get("student", ""), cells.get(column, "")
        if not student and not when:
            continue
        if not student or not when:
            raise LateError(f"{path}, line {number}: give both a student and the {column}.")
        if student in found:
            raise LateError(f"{path}, line {number}: {student} is listed twice.")
        try:
            found[student] = parse(when, default_zone)
        except LateError as exc:
            raise LateError(f"{path}, line {number}: {exc}") from None
    return found


def apply_gradescope(result: GradingResult, metadata: Path, late: LateSettings) -> str:
    """Gradescope's ``run_autograder``: set ``result``'s submission time and lateness from
    ``submission_metadata.json`` (its due date, a submitter's extension included), with
    course.yml's penalty (``late.penalty_percent``, ``late.cap_percent``). Returns a line for
    the log."""
    if not Path(metadata).is_file():
        return f"no {GRADESCOPE_METADATA}: lateness not judged"
    try:
        submitted, due = gradescope_metadata(metadata)
    except LateError as exc:
        return f"lateness not judged: {exc}"
    result.submitted = submitted
    if due is None:
        return f"submitted {submitted.at}; the assignment has no due date"
    policy = LatePolicy(
        due=due,
        timezone=zone(late.timezone),
        penalty_percent=late.penalty_percent,
        cap_percent=late.cap_percent,
    )
    result.late = policy.assess(result)
    return result.late.note if result.late is not None else ""
