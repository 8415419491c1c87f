"""The class's results, kept beside the gradebook so one student can be regraded alone.

``course grade DIR --out grades.csv`` writes ``results/<file name>.json`` (the whole
``GradingResult`` as the checks gave it: every check, message and the student's code as graded;
the file name is the student's safe name, as for their feedback) and ``results/class.json``
(the run's seed and the settings of its outputs) beside ``grades.csv``. ``--only NAME``
regrades one student with the same seed and rebuilds the gradebook, the report and the exports
from these files, without regrading the rest.

Nothing is overwritten: a result that a new run replaces moves to
``results/history/<file name>/<when it was graded>.json`` first.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from autograder.errors import UserError
from autograder.grading.engine.results import GradingResult
from autograder.safe_text import printable

ARCHIVE_DIR = "results"
CLASS_FILE = "class.json"
HISTORY_DIR = "history"


class ArchiveError(UserError):
    """The kept results cannot be used; the message says why and what to do."""


def archive_dir(out_csv: Path) -> Path:
    return Path(out_csv).parent / ARCHIVE_DIR


def result_path(folder: Path, file_name: str) -> Path:
    return folder / f"{file_name}.json"


def save_results(
    results: dict[str, GradingResult], out_csv: Path, *, class_seed: int | None = None
) -> Path:
    """Write each student's result under their file name (and the class run's seed); each file
    is replaced whole."""
    folder = archive_dir(out_csv)
    folder.mkdir(parents=True, exist_ok=True)
    for file_name, result in results.items():
        path = result_path(folder, file_name)
        keep_previous(path, folder / HISTORY_DIR / file_name)
        write_atomically(path, result.to_json())
    if class_seed is not None:
        save_class(out_csv, class_seed)
    return folder


def keep_previous(path: Path, history: Path) -> None:
    """Move the result at ``path`` (if any) into ``history``, named by when it was graded."""
    try:
        previous = GradingResult.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        if not path.exists():
            return
        previous = None
    stamp = (previous.graded_at if previous is not None else "") or "unknown"
    stamp = stamp.replace(":", "").replace("+0000", "Z")
    history.mkdir(parents=True, exist_ok=True)
    target = history / f"{stamp}.json"
    number = 2
    while target.exists():
        target = history / f"{stamp}-{number}.json"
        number += 1
    os.replace(path, target)


def history_of(out_csv: Path, file_name: str) -> list[Path]:
    """A student's earlier results, oldest first."""
    folder = archive_dir(out_csv) / HISTORY_DIR / file_name
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def save_class(out_csv: Path, seed: int, settings: dict | None = None) -> None:
    """``class.json``: the class run's seed and the settings its outputs were written with."""
    folder = archive_dir(out_csv)
    folder.mkdir(parents=True, exist_ok=True)
    record: dict = {"seed": seed}
    if settings is None:
        settings = load_settings(out_csv)
    if settings:
        record["settings"] = settings
    write_atomically(folder / CLASS_FILE, json.dumps(record, indent=1) + "\n")


def load_settings(out_csv: Path) -> dict:
    """The output settings the previous run used ({} when none were kept)."""
    try:
        raw = json.loads((archive_dir(out_csv) / CLASS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    settings = raw.get("settings") if isinstance(raw, dict) else None
    return settings if isinstance(settings, dict) else {}


def load_seed(out_csv: Path) -> int:
    """The seed of the run that wrote the kept results."""
    path = archive_dir(out_csv) / CLASS_FILE
    try:
        return int(json.loads(path.read_text(encoding="utf-8"))["seed"])
    except (OSError, ValueError, KeyError, TypeError):
        raise ArchiveError(
            f"{path} is missing or unreadable: grade the whole class once (without --only) "
            "so its results are kept beside the gradebook."
        ) from None


def load_results(out_csv: Path, students: dict[str, str]) -> dict[str, GradingResult]:
    """The kept results of ``students`` (name -> file name); ArchiveError names every one that
    is missing (or whose file holds another student's result)."""
    folder = archive_dir(out_csv)
    found: dict[str, GradingResult] = {}
    missing: list[str] = []
    for student, file_name in students.items():
        path = result_path(folder, file_name)
        try:
            result = GradingResult.from_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError):
            missing.append(printable(student))
            continue
        if result.submission != student:
            missing.append(printable(student))
            continue
        found[student] = result
    if missing:
        shown = ", ".join(missing[:10]) + (
            f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        )
        raise ArchiveError(
            f"no kept results for {shown} in {folder}: grade the whole class (without --only) "
            "first, or add them with their own run."
        )
    return found


def write_atomically(path: Path, text: str) -> None:
    """Write ``path`` whole or not at all. The partial file's name ends in ``.partial`` (not
    ``interrupts.replacing``'s, which keeps the suffix): the archive and shard folders are read
    with ``*.json`` globs, which must never take a partial file for a record."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
