"""The students of a class folder (``find_students``): every sub-folder, the owners of loose
notebooks named as LMS downloads name them, and an nbgrader course's ``submitted/``; what in the
folder was not used, and each student's submission time (:mod:`.late`). How one student's
notebooks are found and chosen is :mod:`autograder.grading.engine.submissions`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from pathlib import Path

from autograder.config import Course
from autograder.grading.classes.late import LateError, lms_file_time, nbgrader_time
from autograder.grading.engine.submissions import (
    IGNORED_FOLDERS,
    LMS_NAMES,
    LMS_PATTERNS,
    NOTEBOOK_SUFFIX,
    NotebookFile,
    StudentWork,
    find_notebooks,
    graded_functions_written,
    is_dir_entry,
    read_loose_name,
)
from autograder.safe_text import one_line


@dataclass
class Roster:
    """The students of a class folder, and what in it was not used."""

    folder: Path  # where the students were found: the class folder, or its submitted/
    students: list[StudentWork]
    warnings: list[str] = field(default_factory=list)
    #: LMS system -> how many of its download names were recognised (one summary line)
    lms_files: dict[str, int] = field(default_factory=dict)
    #: loose notebooks no student could be told for that define graded functions
    stray: dict[str, list[str]] = field(default_factory=dict)

    def lms_summary(self) -> list[str]:
        """One line per LMS whose download names were recognised."""
        lines = []
        for system, count in sorted(self.lms_files.items()):
            students = sum(1 for work in self.students if work.lms.get("system") == system)
            lines.append(
                f"{count} notebooks named by {LMS_NAMES[system]} download ({LMS_PATTERNS[system]}) "
                f"were graded as their lessons, for {students} student"
                + ("s" if students != 1 else "")
            )
        return lines


def is_nbgrader_course(folder: Path) -> bool:
    """An nbgrader course folder: its students' work is in ``submitted/<student>/<assignment>/``."""
    return (folder / "submitted").is_dir() and (
        (folder / "nbgrader_config.py").is_file()
        or (folder / "gradebook.db").is_file()
        or (folder / "source").is_dir()
    )


def find_students(submissions: Path, course: Course, *, timezone: tzinfo = UTC) -> Roster:
    """The students of a class folder: every sub-folder, and the owners of loose notebooks.

    A student's folder may itself be a symbolic link (the instructor's arrangement); inside
    it, links are never followed out. Loose notebooks of a student who also has a folder are
    graded together with it. Each student's submission time is read from the best source
    present (:mod:`autograder.grading.classes.late`), times without a zone being in ``timezone``.
    """
    folder = Path(submissions)
    warnings: list[str] = []
    if is_nbgrader_course(folder):
        folder = folder / "submitted"
    students: dict[str, StudentWork] = {}
    lms_files: dict[str, int] = {}
    stray: dict[str, list[str]] = {}
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        return Roster(folder, [], [f"{folder}: could not be listed ({exc.strerror})."])
    for entry in entries:
        name = entry.name
        if name.startswith(".") or name in IGNORED_FOLDERS:
            continue
        path = Path(entry.path)
        if name.lower().endswith(NOTEBOOK_SUFFIX) and not is_dir_entry(entry):
            loose = read_loose_name(name, course)
            if loose is None:
                file = NotebookFile(path, name, folder)
                written = graded_functions_written(file, course)
                if written:
                    stray[name] = written
                warnings.append(
                    f"{one_line(name)} lies in the class folder without a student's name before "
                    "the lesson's name (<student>_<lesson>.ipynb), so it was not graded."
                )
                continue
            work = students.setdefault(loose.owner, StudentWork(loose.owner))
            work.files.append(NotebookFile(path, name, folder))
            if loose.system:
                work.lms = {"system": loose.system, "who": loose.who, "user_id": loose.user_id}
                lms_files[loose.system] = lms_files.get(loose.system, 0) + 1
        elif is_dir_entry(entry):
            work = students.setdefault(name, StudentWork(name))
            files, notes = find_notebooks(path, within=path.resolve())
            work.files.extend(files)
            work.notes.extend(notes)
            try:
                work.submitted = nbgrader_time(path, timezone)
            except LateError as exc:
                warnings.append(
                    f"{one_line(name)}: {one_line(exc)} Its submission time is unknown."
                )
    for work in students.values():
        if work.submitted is None:
            loose_names = [f.path.name for f in work.files if f.within == folder]
            work.submitted = lms_file_time(loose_names, timezone)
    ordered = [students[name] for name in sorted(students)]
    return Roster(folder, ordered, warnings, lms_files, stray)
