"""A submission: the notebooks of one student (or one folder), found by lesson."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from autograder.config import Course
from autograder.notebooks import NotebookError, NotebookSource, read_notebook


@dataclass
class Submission:
    """The notebooks of one student (or one folder), by lesson id."""

    name: str
    notebooks: dict[str, NotebookSource] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # lesson id -> why it could not be read
    missing: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def from_path(cls, path: Path, course: Course, name: str | None = None) -> Submission:
        path = Path(path)
        submission = cls(name=name or path.name)
        single = path.is_file()
        files = {path.name: path} if single else {p.name: p for p in sorted(path.glob("*.ipynb"))}
        for lesson in course.lessons:
            file = files.get(lesson.notebook)
            if file is None:
                if not single:
                    submission.missing.add(lesson.id)
                continue
            try:
                submission.notebooks[lesson.id] = read_notebook(file)
            except NotebookError as exc:
                submission.errors[lesson.id] = str(exc)
        return submission

    @property
    def lessons_present(self) -> set[str]:
        return set(self.notebooks) | set(self.errors)


def find_students(submissions: Path) -> list[Path]:
    """Every sub-folder is a student."""
    return sorted(p for p in submissions.iterdir() if p.is_dir() and not p.name.startswith("."))
