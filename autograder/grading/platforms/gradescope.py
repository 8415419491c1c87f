"""Gradescope: ``course gradescope OUT.zip`` builds the autograder, ``run_autograder`` grades.

The zip holds, at its root, what Gradescope's autograder specification asks for:

- ``setup.sh``: run once when Gradescope builds the image; installs Python (3.11 or newer) and
  the course with its requirements into a virtual environment, and leaves ``solutions/``
  written by root only and readable by the user that will grade;
- ``run_autograder``: run for every submission; as root it first closes ``solutions/`` to every
  other user; it applies the rule for untrusted work (``sandbox.doctor``: Landlock and
  seccomp, or the instructor's opt-out), grades ``/autograder/submission`` with the hidden
  checks (its notebooks found as ``course grade`` finds a student's, also in sub-folders and
  under near names) and writes ``/autograder/results/results.json``;
- the course: ``autograder/`` (the package with its checks), ``course.yml``, ``solutions/``
  (the reference: Gradescope keeps the autograder's files from students, and student code
  runs only in the confined workers, which cannot read them), the embedded data sample with its
  licence note, ``requirements.txt``, ``pyproject.toml``, ``README.md``, and
  ``gradescope.json`` (the lessons graded, the data for the leaderboard, the visibility).

``results.json`` has one test per graded function, named ``lesson · function``, with the
function's points from course.yml as ``max_score`` and its feedback as ``output``. A bonus
lesson's functions have ``max_score`` 0 and add their points on top (Gradescope's extra credit):
set the assignment's autograder points to the required total. The top-level ``score`` is the
sum of the tests. When the submission holds a ``submission.csv``, a ``leaderboard`` entry gives
its accuracy on the answer key shipped in the zip, as Kaggle's leaderboard would.
``AUTOGRADER_ROOT`` replaces ``/autograder`` (for trying the autograder outside Gradescope).

A run that cannot be trusted never looks like a grade. When the rule refuses (no Landlock or
seccomp), the reference cannot be read, or the grader failed on a function ("needs review"),
``run_autograder`` writes no ``results.json`` (Gradescope then shows the run as failed, and the
instructor can regrade once it is fixed), prints why on its standard output (which Gradescope
shows the instructor), keeps the feedback it has in ``results/not-graded.json``, and exits 2.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
import time
import traceback
import zipfile
from dataclasses import dataclass
from pathlib import Path

from autograder.config import ROOT, Course, load_course
from autograder.errors import EXIT_ERROR, UserError

DEFAULT_ROOT = "/autograder"
SETTINGS = "gradescope.json"
LEADERBOARD_DATA = "data/leaderboard"
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
COPIED = ("autograder", "course.yml", "requirements.txt", "pyproject.toml", "README.md")
DATA_FILES = ("data/README.md", "data/sample")
SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "*.egg-info")

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, from the unzipped autograder, when it builds the image.
set -euo pipefail
cd "$(dirname "$0")"
AUTOGRADER="${AUTOGRADER_ROOT:-/autograder}"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y libseccomp2  # the workers' system-call filter
if command -v python3 >/dev/null && python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    PYTHON=python3
    apt-get install -y python3-venv
else
    PYTHON=python3.11
    apt-get install -y python3.11 python3.11-venv
fi
"$PYTHON" -m venv "$AUTOGRADER/venv"
"$AUTOGRADER/venv/bin/python" -m pip install --upgrade pip
"$AUTOGRADER/venv/bin/python" -m pip install -r requirements.txt
# The reference is for the grader only. Whichever user the platform grades as must read it
# (Gradescope: root; other platforms: their own user), so it is left readable here and written
# by root only; run_autograder, when it runs as root, closes it to every other user before any
# worker starts. Workers never read it whatever their user: Landlock allows them only the
# Python installation, and run_autograder refuses to grade where Landlock is missing.
chown -R root:root solutions
chmod -R u=rwX,go=rX solutions
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission: grade /autograder/submission with the hidden
# checks and write /autograder/results/results.json. AUTOGRADER_ROOT replaces /autograder.
set -uo pipefail
AUTOGRADER="${AUTOGRADER_ROOT:-/autograder}"
cd "$AUTOGRADER/source"
PYTHON="${COURSE_PYTHON:-}"
if [ -z "$PYTHON" ]; then
    if [ -x "$AUTOGRADER/venv/bin/python" ]; then PYTHON="$AUTOGRADER/venv/bin/python"; else PYTHON=python3; fi
fi
exec "$PYTHON" -m autograder.commands.run_autograder --root "$AUTOGRADER"
"""


class GradescopeError(UserError):
    """The autograder zip could not be built; the message says why and what to do."""


# -- building the zip -----------------------------------------------------------------------------


def _lesson_ids(course: Course, wanted: list[str] | None) -> list[str]:
    if not wanted:
        return [lesson.id for lesson in course.lessons]
    known = {lesson.id: lesson.id for lesson in course.lessons}
    known.update({lesson.id.split("_", 1)[0]: lesson.id for lesson in course.lessons})
    known.update({lesson.notebook: lesson.id for lesson in course.lessons})
    unknown = [w for w in wanted if w not in known]
    if unknown:
        names = ", ".join(lesson.id for lesson in course.lessons)
        raise GradescopeError(f"unknown lesson {', '.join(unknown)} (the lessons: {names}).")
    chosen = {known[w] for w in wanted}
    return [lesson.id for lesson in course.lessons if lesson.id in chosen]


def build_autograder(
    out_zip: Path,
    *,
    lessons: list[str] | None = None,
    data: Path | None = None,
    visibility: str = "visible",
    allow_weak_isolation: bool = False,
) -> str:
    """Write the Gradescope autograder zip; return a one-line summary.

    ``allow_weak_isolation``: the autograder grades even where Landlock or seccomp is missing
    (the instructor accepts the risk; each result says so)."""
    from autograder.reference import ReferenceMissing, load_reference, solutions_dir

    course = load_course()
    if visibility not in VISIBILITIES:
        raise GradescopeError(f"visibility must be one of {', '.join(VISIBILITIES)}.")
    chosen = _lesson_ids(course, lessons)
    try:
        load_reference()
    except ReferenceMissing as exc:
        raise GradescopeError(
            f"{exc} The Gradescope autograder grades with the hidden checks, so it needs the "
            "course's solutions/ (or COURSE_SOLUTIONS naming them)."
        ) from None
    leaderboard = None
    if data is not None:
        from autograder.data import DataError, data_files_in

        try:
            files = data_files_in(Path(data), what="--data")
        except DataError as exc:
            raise GradescopeError(str(exc)) from None
        if files.answer_key is None:
            raise GradescopeError(
                f"{data} has no answer_key.csv, so a submission.csv cannot be scored for the "
                "leaderboard; give a folder written by `course data fetch` (or leave out --data "
                "to use the embedded sample's answer key)."
            )
        leaderboard = Path(data)
    missing = [name for name in COPIED if not (ROOT / name).exists()]
    if missing:
        raise GradescopeError(f"cannot build: {', '.join(missing)} missing from {ROOT}.")
    settings = {
        "lessons": chosen,
        "leaderboard_data": LEADERBOARD_DATA if leaderboard is not None else "data/sample",
        "visibility": visibility,
        "allow_weak_isolation": allow_weak_isolation,
    }
    out_zip = Path(out_zip)
    out_zip.parent.mkdir(parents=True, exist_ok=True)
    partial = out_zip.with_name(out_zip.name + ".partial")
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            _add_text(archive, "setup.sh", SETUP_SH, executable=True)
            _add_text(archive, "run_autograder", RUN_AUTOGRADER, executable=True)
            _add_text(archive, SETTINGS, json.dumps(settings, indent=1) + "\n")
            for name in COPIED:
                _add_path(archive, ROOT / name, name)
            for name in DATA_FILES:
                _add_path(archive, ROOT / name, name)
            reference = solutions_dir()
            for lesson in course.lessons:
                path = reference / lesson.notebook
                if path.is_file():
                    archive.write(path, f"solutions/{lesson.notebook}")
            if leaderboard is not None:
                _add_path(archive, leaderboard, LEADERBOARD_DATA)
        os.replace(partial, out_zip)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    functions = [e for e in course.exercises if e.lesson in chosen]
    required = sum(e.points for e in functions if not course.lesson(e.lesson).bonus)
    bonus = sum(e.points for e in functions if course.lesson(e.lesson).bonus)
    return (
        f"wrote {out_zip}: {len(chosen)} lessons, {len(functions)} graded functions, "
        f"{required:g} points" + (f" (+{bonus:g} bonus)" if bonus else "") + "; set the "
        f"Gradescope assignment's autograder points to {required:g}"
    )


def _add_text(archive: zipfile.ZipFile, name: str, text: str, *, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    mode = 0o755 if executable else 0o644
    info.external_attr = (stat.S_IFREG | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, text)


def _add_path(archive: zipfile.ZipFile, source: Path, name: str) -> None:
    if source.is_file():
        archive.write(source, name)
        return
    if not source.is_dir():
        return
    for folder, dirs, files in os.walk(source):
        ignored = SKIPPED(folder, dirs + files)
        dirs[:] = sorted(d for d in dirs if d not in ignored)
        for file in sorted(f for f in files if f not in ignored):
            path = Path(folder) / file
            archive.write(path, f"{name}/{path.relative_to(source).as_posix()}")


# -- grading a submission ---------------------------------------------------------------------------


@dataclass
class Settings:
    lessons: list[str]
    leaderboard_data: str
    visibility: str
    allow_weak_isolation: bool = False  # `course gradescope --allow-weak-isolation`

    @classmethod
    def read(cls, source: Path, course: Course) -> Settings:
        try:
            raw = json.loads((source / SETTINGS).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raw = {}
        return cls(
            lessons=list(raw.get("lessons") or [lesson.id for lesson in course.lessons]),
            leaderboard_data=str(raw.get("leaderboard_data") or "data/sample"),
            visibility=str(raw.get("visibility") or "visible"),
            allow_weak_isolation=raw.get("allow_weak_isolation") is True,
        )


def find_submission_csv(submission: Path) -> Path | None:
    """``submission.csv`` in the submission, the shallowest first."""
    from autograder.grading.engine.submissions import IGNORED_FOLDERS

    found = []
    for folder, dirs, files in os.walk(submission):
        dirs[:] = sorted(d for d in dirs if d not in IGNORED_FOLDERS and not d.startswith("."))
        if "submission.csv" in files:
            found.append(Path(folder) / "submission.csv")
    return min(found, key=lambda p: (len(p.parts), str(p))) if found else None


def results_json(
    result, course: Course, settings: Settings, leaderboard: Leaderboard | None = None
) -> dict:
    """Gradescope's results.json for one graded submission."""
    from autograder.grading.reports.feedback import graded_with, render_function_details

    tests = []
    numbers: dict[str, int] = {}
    lesson_numbers = {lesson.id: i for i, lesson in enumerate(course.lessons, start=1)}
    for report in result.functions:
        numbers[report.lesson] = numbers.get(report.lesson, 0) + 1
        test = {
            "name": f"{report.lesson} · {report.function}" + (" (bonus)" if report.bonus else ""),
            "number": f"{lesson_numbers.get(report.lesson, 0)}.{numbers[report.lesson]}",
            "score": round(report.points, 6),
            "max_score": 0.0 if report.bonus else report.max_points,
            "status": "passed" if report.status == "passed" else "failed",
            "output": render_function_details(report),
            "output_format": "text",
            "visibility": settings.visibility,
            "tags": [report.lesson] + (["bonus"] if report.bonus else []),
        }
        tests.append(test)
    from autograder.grading.reports.feedback import total_words

    score = round(sum(t["score"] for t in tests) - result.penalty, 6)
    lines = [
        f"Total: {total_words(result)}",
        *([result.late.note] if result.late is not None else []),
        graded_with(result),
    ]
    if result.isolation:
        lines += ["", f"Isolation: {result.isolation}."]
    if result.problems:
        lines += ["", "Notebook problems:", *[f"- {p}" for p in result.problems]]
    if result.needs_review:
        lines += [
            "",
            "The grader itself failed on "
            + ", ".join(result.needs_review)
            + ": no points for them until your instructor has looked.",
        ]
    document: dict = {
        "score": score,
        "execution_time": round(result.seconds),
        "output": "\n".join(lines),
        "output_format": "text",
        "test_output_format": "text",
        "test_name_format": "text",
        "visibility": settings.visibility,
        "stdout_visibility": "hidden",
        "extra_data": {
            "seed": result.seed,
            "mode": result.mode,
            "course": course.title,
            "isolation": result.isolation or "Landlock and seccomp in force",
        },
        "tests": tests,
    }
    if leaderboard is not None:
        if leaderboard.accuracy is not None:
            document["leaderboard"] = [
                {"name": "Accuracy", "value": leaderboard.accuracy, "order": "desc"}
            ]
        document["output"] += "\n\n" + leaderboard.note
    return document


@dataclass
class Leaderboard:
    accuracy: float | None  # None: the submission.csv could not be scored
    note: str  # what the student reads about it


def score_for_leaderboard(csv_path: Path | None, data: Path) -> Leaderboard | None:
    """The accuracy of the submission's submission.csv on the shipped answer key, if any."""
    if csv_path is None:
        return None
    from autograder.data import DataError, data_files_in, score_submission

    try:
        report = score_submission(csv_path, data_files_in(data))
    except DataError as exc:
        return Leaderboard(None, f"submission.csv was not scored: {exc}")
    return Leaderboard(
        round(report.accuracy, 5),
        f"submission.csv: {report.n_correct:,} of {report.n_total:,} test images right "
        f"(accuracy {report.accuracy:.5f}), the leaderboard's score.",
    )


class NotGraded(Exception):
    """This run must not give a grade (refused, or the reference is unreadable): why, for the
    instructor."""


def close_reference(directory: Path, root: Path) -> str:
    """As root, make the autograder's own copy of the reference (under ``root``) readable by
    root only, since workers run as other users; returns a warning, or "" (done, or nothing to
    do: not root, or a reference elsewhere, such as an instructor's own COURSE_SOLUTIONS)."""
    if os.geteuid() != 0 or not directory.is_dir():
        return ""
    if not directory.resolve().is_relative_to(root.resolve()):
        return ""
    try:
        for folder, _dirs, files in os.walk(directory):
            os.chmod(folder, 0o700)
            for name in files:
                os.chmod(os.path.join(folder, name), 0o600)
    except OSError as exc:
        return (
            f"could not close {directory} to other users ({exc.strerror}); "
            "Landlock alone keeps workers out of it"
        )
    return ""


def reference_problem(directory: Path) -> str:
    """Why the grader cannot read the reference here, or "" when it can."""
    try:
        names = [p.name for p in directory.iterdir() if p.suffix == ".ipynb"]
        if not names:
            return f"{directory} holds no solution notebooks"
        with (directory / min(names)).open("rb") as handle:
            handle.read(1)
    except OSError as exc:
        return (
            f"{directory} cannot be read by uid {os.geteuid()} ({exc.strerror}); setup.sh must "
            "leave it readable by the user that grades"
        )
    return ""


def run(root: Path) -> int:
    """Grade ``root/submission``; write ``root/results/results.json``. Used by run_autograder.

    Exit 0 with ``results.json`` written when the submission was graded; exit 2 with no
    ``results.json`` (a failed run on Gradescope) when the run was refused or the grader failed
    on a function, with the reason on standard output for the instructor."""
    from autograder.grading.engine.cases import CaseBook
    from autograder.grading.engine.run import grade_submission
    from autograder.grading.engine.submissions import Submission
    from autograder.reference import solutions_dir
    from autograder.sandbox.doctor import require_isolation
    from autograder.sandbox.runner import Sandbox, SandboxError

    started = time.monotonic()
    course = load_course()
    source = root / "source"
    settings = Settings.read(source, course)
    submission_dir = root / "submission"
    results_dir = root / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / "results.json").unlink(missing_ok=True)
    print(f"grading {submission_dir} with the course in {ROOT}")
    try:
        warning = close_reference(solutions_dir(), root)
        if warning:
            print(f"warning: {warning}")
        try:
            for line in Sandbox.shared().layers.lines():
                print(f"isolation: {line}")
        except SandboxError:
            pass  # require_isolation says why
        isolation = require_isolation(allow=settings.allow_weak_isolation)
        if isolation.note:
            print(f"warning: {isolation.note}")
        problem = reference_problem(solutions_dir())
        if problem:
            raise NotGraded(f"the hidden checks cannot run: {problem}")
        casebook = CaseBook(course)
        if casebook.mode != "hidden":
            raise NotGraded("the hidden checks cannot run: the reference could not be loaded")
        if not submission_dir.is_dir():
            raise NotGraded(f"{submission_dir} does not exist")
        submission = Submission.from_path(submission_dir, course, name="submission")
        for lesson_id, file in sorted(submission.files.items()):
            print(f"{lesson_id}: {file}")
        wanted = set(settings.lessons)
        result = grade_submission(
            submission,
            course=course,
            casebook=casebook,
            functions=[e.function for e in course.exercises if e.lesson in wanted],
        )
        result.isolation = isolation.note
        leaderboard = score_for_leaderboard(
            find_submission_csv(submission_dir), source / settings.leaderboard_data
        )
        from autograder.grading.classes.late import GRADESCOPE_METADATA, apply_gradescope

        print(apply_gradescope(result, root / GRADESCOPE_METADATA, course.late))
    except (NotGraded, UserError) as exc:
        return _not_graded(results_dir, str(exc))
    except Exception as exc:  # noqa: BLE001 - the grader failed: a failed run, never a grade
        traceback.print_exc(file=sys.stdout)
        return _not_graded(results_dir, f"the grader failed: {type(exc).__name__}: {exc}")
    result.seconds = time.monotonic() - started
    document = results_json(result, course, settings, leaderboard)
    if result.needs_review:
        _write_json(results_dir / NOT_GRADED, document)
        return _not_graded(
            results_dir,
            "the grader itself failed on "
            + ", ".join(result.needs_review)
            + f" (needs review); the feedback it has is in {results_dir / NOT_GRADED}:\n\n"
            + document["output"],
        )
    _write_json(results_dir / "results.json", document)
    print(f"score {document['score']:g}; wrote {results_dir / 'results.json'}")
    return 0


#: Where a run that gave no grade keeps what it has (Gradescope ignores it; a person can read it).
NOT_GRADED = "not-graded.json"


def _write_json(path: Path, document: dict) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(document, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(partial, path)


def _not_graded(results_dir: Path, why: str) -> int:
    """A failed run: no results.json, so Gradescope shows it as failed, and why, for the
    instructor (Gradescope shows them this output)."""
    print(f"NOT GRADED: {why}")
    print(
        "No results.json was written, so this run shows as failed rather than as a score; "
        "fix the cause and regrade the submission."
    )
    return EXIT_ERROR
