"""The audit log: every change to a student's points, when, by which run, and why.

``audit.csv`` beside the gradebook is appended to by every run that writes the gradebook:
``when, run, student, item, old, new, why``. ``item`` is a graded function, ``penalty`` or
``total``; ``why`` says what made the change (a regrade, an override and its reason, the late
policy). A run compares the gradebook it writes with the one the previous run wrote (kept as
``results/gradebook.json``), so a change is logged whatever caused it.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

from autograder.grading.classes.archive import archive_dir, write_atomically
from autograder.grading.engine.results import GradingResult
from autograder.safe_text import csv_cell, printable

AUDIT_CSV = "audit.csv"
STATE_FILE = "gradebook.json"
COLUMNS = ["when", "run", "student", "item", "old", "new", "why"]


def snapshot(results: list[GradingResult]) -> dict[str, dict]:
    """What the gradebook says of each student, as the audit compares it."""
    return {
        result.submission: {
            "functions": {f.function: round(f.points, 6) for f in result.functions},
            "overrides": {f.function: f.override.reason for f in result.functions if f.override},
            "penalty": round(result.penalty, 6),
            "late": result.late.note if result.late is not None else "",
            "total": round(result.total, 6),
            "absent": result.mode == "absent",
        }
        for result in results
    }


def load_state(out_csv: Path) -> dict[str, dict] | None:
    try:
        raw = json.loads((archive_dir(out_csv) / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return raw if isinstance(raw, dict) else None


def _number(value: object) -> str:
    return "" if value is None else f"{float(value):g}"  # type: ignore[arg-type]


def changes(
    previous: dict[str, dict] | None, current: dict[str, dict], run: str
) -> list[list[str]]:
    """The rows to log: ``[student, item, old, new, why]`` for each change."""
    rows: list[list[str]] = []
    for student, now in current.items():
        before = (previous or {}).get(student)
        if before is None:
            why = "in the roster, no submission" if now.get("absent") else f"graded ({run})"
            rows.append([student, "total", "", _number(now["total"]), why])
            continue
        for function, points in now["functions"].items():
            old = before.get("functions", {}).get(function)
            reason = now["overrides"].get(function)
            old_reason = before.get("overrides", {}).get(function)
            if old is not None and abs(old - points) < 1e-9 and reason == old_reason:
                continue
            if reason and reason != old_reason:
                why = f"override: {reason}"
            elif old_reason and not reason:
                why = f"override removed (was: {old_reason})"
            else:
                why = f"regraded ({run})"
            rows.append([student, function, _number(old), _number(points), why])
        if abs(before.get("penalty", 0.0) - now["penalty"]) > 1e-9:
            why = f"late: {now['late']}" if now["late"] else "no late penalty now"
            rows.append(
                [student, "penalty", _number(before.get("penalty")), _number(now["penalty"]), why]
            )
        if abs(before.get("total", 0.0) - now["total"]) > 1e-9:
            rows.append(
                [student, "total", _number(before.get("total")), _number(now["total"]), run]
            )
    for student, before in sorted((previous or {}).items()):
        if student not in current:
            rows.append([student, "total", _number(before.get("total")), "", "no longer graded"])
    return rows


def record(out_csv: Path, results: list[GradingResult], run: str) -> int:
    """Append this run's changes to audit.csv and keep its gradebook for the next; return the
    number of rows logged."""
    current = snapshot(results)
    rows = changes(load_state(out_csv), current, run)
    path = Path(out_csv).parent / AUDIT_CSV
    when = datetime.now(UTC).isoformat(timespec="seconds")
    new_file = not path.exists()
    with path.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        if new_file:
            writer.writerow(COLUMNS)
        for student, item, old, new, why in rows:
            writer.writerow(
                [when, run, csv_cell(printable(student)), item, old, new, csv_cell(why)]
            )
    state = archive_dir(out_csv) / STATE_FILE
    state.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(state, json.dumps(current, indent=1))
    return len(rows)
