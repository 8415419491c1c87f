"""Finding a student's notebooks the way instructors collect them, and reading them.

Layouts (a class folder's students are found by
:func:`autograder.grading.classes.students.find_students`):

* one folder per student, holding the lesson notebooks (``alice/01_data.ipynb``);
* assignment folders inside a student's folder, as nbgrader's ``submitted/<student>/<assignment>/``
  (an nbgrader course folder itself is recognised by its ``submitted/`` folder and
  ``nbgrader_config.py``, ``gradebook.db`` or ``source/``);
* loose notebooks ``<student>_<lesson>.ipynb`` in the class folder, as LMS downloads name them
  (Canvas's ``name_userid_submissionid_``, Moodle's ``_assignsubmission_file_`` and
  Blackboard's ``_attempt_<date>`` are recognised, so one student's files stay together; the
  user id and the download's system are kept for matching the LMS's roster). A recognised LMS
  name is expected, so it gets one summary line for the class rather than a warning per file.

Names (``lesson_in_name``): the lesson's exact file name, or any name that contains the lesson's
name (``03_forward-Copy1.ipynb``, ``02_activations (1).ipynb``, ``dave_12345_01_data.ipynb``).
For each lesson one file is graded: the exact name first, then the shallowest, then the one
with more of the lesson's functions written. Every ``.ipynb`` that is not graded is named in a
warning, and so is a graded file whose name is not the exact one (unless it is the lesson's name
behind a recognised LMS prefix). A notebook that is not graded but defines graded functions with
code of its own (``Untitled.ipynb``) is a *stray* notebook, called out as such. Hidden files and folders
(``.ipynb_checkpoints``) are Jupyter's, not the student's, and are not looked at.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from autograder.config import Course, Lesson
from autograder.grading.engine.results import SubmissionTime
from autograder.notebooks import NotebookError, NotebookSource, is_stub, read_notebook
from autograder.safe_text import one_line

NOTEBOOK_SUFFIX = ".ipynb"
#: How deep notebooks are looked for below a student's folder (assignment folders and one more).
MAX_DEPTH = 2
#: Entries looked at per student at most, so a huge folder cannot stall the grader.
MAX_ENTRIES = 5000
#: Folders that archive tools add and that never hold a student's work.
IGNORED_FOLDERS = {"__MACOSX", "__pycache__"}


def lesson_in_name(file_name: str, notebook: str) -> re.Match | None:
    """Where the lesson's name (``notebook`` without ``.ipynb``) appears in ``file_name``.

    Case is ignored; the name must stand apart from letters and digits around it, so
    ``01_data`` is in ``dave_01_data (2).ipynb`` but not in ``101_data.ipynb``.
    """
    if not file_name.lower().endswith(NOTEBOOK_SUFFIX):
        return None
    stem = file_name[: -len(NOTEBOOK_SUFFIX)]
    lesson = re.escape(notebook[: -len(NOTEBOOK_SUFFIX)])
    return re.search(rf"(?<![0-9a-z]){lesson}(?![0-9a-z])", stem, flags=re.IGNORECASE)


def find_lesson_notebook(name: str, folder: Path) -> Path | None:
    """Where a lesson notebook ``name`` is, for a notebook in ``folder`` that builds on it.

    The exact name in ``folder``, else a name there that contains the lesson's name
    (``02_activations-Copy1.ipynb``), else the same in the folders beside ``folder`` (a course
    split into assignments: ``../ps1/02_activations.ipynb``), never in the course's own
    solutions (the reference is no stand-in for the student's work). None if absent.
    """
    from autograder.reference import solutions_dir

    skip = solutions_dir().resolve()
    places = [folder]
    if folder.parent != folder:
        try:
            places += sorted(
                p
                for p in folder.parent.iterdir()
                if p.is_dir() and p != folder and not p.name.startswith(".") and p.resolve() != skip
            )
        except OSError:
            pass
    for place in places:
        try:
            files = sorted(p for p in place.iterdir() if p.is_file())
        except OSError:
            continue
        exact = [p for p in files if p.name == name]
        similar = [p for p in files if p.name != name and lesson_in_name(p.name, name)]
        if exact or similar:
            return (exact + similar)[0]
    return None


def lessons_named(file_name: str, course: Course) -> list[Lesson]:
    """The lessons whose name a file's name contains."""
    return [lesson for lesson in course.lessons if lesson_in_name(file_name, lesson.notebook)]


@dataclass(frozen=True)
class NotebookFile:
    """A notebook file found for a student."""

    path: Path
    shown: str  # how the student knows it: "ps1/01_data.ipynb"
    within: Path  # the folder it must lie in: symbolic links never lead out of it

    @property
    def depth(self) -> int:
        return self.shown.count("/")


@dataclass
class StudentWork:
    """One student's notebook files, as found; what a grading process is asked to grade."""

    name: str  # the folder's (or the loose files') name, exactly as on disk
    files: list[NotebookFile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was found but not looked into
    #: the LMS download the loose files came from: system, who, user_id (the grader's side only)
    lms: dict[str, str] = field(default_factory=dict)
    submitted: SubmissionTime | None = None  # when it came in (the grader's side only)

    def lessons_found(self, course: Course) -> set[str]:
        return {
            lesson.id for file in self.files for lesson in lessons_named(file.path.name, course)
        }

    def to_request(self) -> dict:
        """A JSON-ready request; names that are not UTF-8 survive (surrogateescape)."""
        return {
            "name": self.name,
            "files": [
                {"path": os.fsdecode(f.path), "shown": f.shown, "within": os.fsdecode(f.within)}
                for f in self.files
            ],
            "notes": list(self.notes),
        }

    @classmethod
    def from_request(cls, request: dict) -> StudentWork:
        files = [
            NotebookFile(Path(entry["path"]), str(entry["shown"]), Path(entry["within"]))
            for entry in request["files"]
        ]
        return cls(name=str(request["name"]), files=files, notes=list(request.get("notes", [])))


def find_notebooks(
    folder: Path, *, within: Path | None = None
) -> tuple[list[NotebookFile], list[str]]:
    """Every ``.ipynb`` in a student's folder and its sub-folders (to ``MAX_DEPTH``).

    Whatever carries a notebook's name counts, also a folder or a FIFO: the reader refuses it
    with a message, so that it costs only its lesson. Symbolic links to folders are not
    followed; hidden files and folders are skipped. Returns the files and notes on what was
    not looked into.
    """
    within = within or folder
    found: list[NotebookFile] = []
    notes: list[str] = []
    pending: list[tuple[Path, str]] = [(folder, "")]
    seen = 0
    while pending:
        current, prefix = pending.pop(0)
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError as exc:
            notes.append(f"{one_line(prefix or '.')}: could not be listed ({exc.strerror}).")
            continue
        for entry in entries:
            seen += 1
            if seen > MAX_ENTRIES:
                notes.append(f"more than {MAX_ENTRIES} files; the rest were not looked at.")
                return found, notes
            if entry.name.startswith(".") or entry.name in IGNORED_FOLDERS:
                continue
            shown = prefix + entry.name
            if entry.name.lower().endswith(NOTEBOOK_SUFFIX):
                found.append(NotebookFile(Path(entry.path), shown, within))
            elif entry.is_symlink():
                if is_dir_entry(entry):
                    notes.append(
                        f"{one_line(shown)}/ is a symbolic link to a folder; not followed."
                    )
            elif is_dir_entry(entry, follow=False):
                if shown.count("/") < MAX_DEPTH:
                    pending.append((Path(entry.path), shown + "/"))
                else:
                    notes.append(f"{one_line(shown)}/ is nested too deeply; not looked into.")
    return found, notes


def is_dir_entry(entry: os.DirEntry, *, follow: bool = True) -> bool:
    try:
        return entry.is_dir(follow_symlinks=follow)
    except OSError:
        return False


#: How each LMS's download names a student's files, and the names said of them.
LMS_NAMES = {"canvas": "Canvas's", "moodle": "Moodle's", "blackboard": "Blackboard's"}
LMS_PATTERNS = {
    "canvas": "name_userid_submissionid_",
    "moodle": "name_id_assignsubmission_file_",
    "blackboard": "assignment_username_attempt_date_",
}
_LMS_PREFIXES = [
    ("canvas", re.compile(r"^(?P<who>.+?)(?P<late>_late)?_(?P<user>\d+)_\d+$", re.IGNORECASE)),
    (
        "moodle",
        re.compile(r"^(?P<who>.+?)_(?P<user>\d+)_assignsubmission_file$", re.IGNORECASE),
    ),
    ("blackboard", re.compile(r"^(?P<who>.+?)_attempt_[\d-]+$", re.IGNORECASE)),
]


@dataclass(frozen=True)
class LooseName:
    """What a loose notebook's name says: whose it is, and the LMS download that named it."""

    owner: str  # the student, as grades.csv names them
    system: str = ""  # "canvas", "moodle", "blackboard", or "" (a plain <student>_<lesson>)
    who: str = ""  # the name part the LMS wrote
    user_id: str = ""  # Canvas's user id, Moodle's participant id, Blackboard's username
    exact: bool = False  # the rest of the name is the lesson's own (an LMS renamed nothing else)


def read_loose_name(file_name: str, course: Course) -> LooseName | None:
    """Whose a loose ``<student>_<lesson>.ipynb`` is (None: no name before the lesson's)."""
    matches = [
        (m, lesson)
        for lesson in course.lessons
        if (m := lesson_in_name(file_name, lesson.notebook))
    ]
    if not matches:
        return None
    first, lesson = min(matches, key=lambda pair: pair[0].start())
    prefix = file_name[: first.start()].rstrip(" _-.")
    rest = file_name[first.start() :]
    exact = re.fullmatch(
        re.escape(lesson.notebook[: -len(NOTEBOOK_SUFFIX)])
        + r"(-\d+)?"
        + re.escape(NOTEBOOK_SUFFIX),
        rest,
        flags=re.IGNORECASE,
    )
    for system, pattern in _LMS_PREFIXES:
        match = pattern.match(prefix)
        if match:
            user = match.groupdict().get("user") or ""
            who = match["who"]
            if system == "blackboard":  # <assignment>_<username>: the username comes last
                owner, user = who, who.rsplit("_", 1)[-1]
            else:
                owner = f"{who}_{user}"
            return LooseName(owner, system, who, user, exact is not None)
    return LooseName(prefix) if prefix else None


def loose_owner(file_name: str, course: Course) -> str | None:
    """The student a loose ``<student>_<lesson>.ipynb`` belongs to (None: no name before it)."""
    name = read_loose_name(file_name, course)
    return name.owner if name is not None else None


def is_lms_lesson_name(file_name: str, lesson: Lesson, course: Course) -> bool:
    """Whether a file's name is ``lesson``'s behind a recognised LMS prefix (nothing else
    renamed), which needs no warning."""
    name = read_loose_name(file_name, course)
    return bool(
        name is not None
        and name.system
        and name.exact
        and lesson_in_name(file_name, lesson.notebook)
    )


def graded_functions_written(file: NotebookFile, course: Course) -> list[str]:
    """The graded functions a notebook defines with code of its own (not the stubs)."""
    reading = _read(file)
    if isinstance(reading, str):
        return []
    last = {}
    for definition in reading.definitions:
        for name in definition.names:
            last[name] = definition
    return [
        e.function for e in course.exercises if e.function in last and not is_stub(last[e.function])
    ]


@dataclass
class Submission:
    """The notebooks of one student (or one folder), by lesson id."""

    name: str
    notebooks: dict[str, NotebookSource] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # lesson id -> why it could not be read
    missing: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # lesson id -> the file graded (shown)
    #: notebooks not graded that define graded functions with code of their own
    stray: dict[str, list[str]] = field(default_factory=dict)
    #: A single notebook checked alone: the folder its earlier lessons are looked for in, so that
    #: a student release checks it on the student's own earlier functions (as the notebook does).
    beside: Path | None = None
    _earlier: dict[str, NotebookSource | None] = field(default_factory=dict, repr=False)

    @classmethod
    def from_path(cls, path: Path, course: Course, name: str | None = None) -> Submission:
        """A submission from one notebook file, or from a folder (as ``find_notebooks`` sees it).

        For a single file only its own lesson is graded; for a folder, lessons without a
        notebook are missing.
        """
        path = Path(path)
        if path.is_dir():
            files, notes = find_notebooks(path, within=path.resolve())
            work = StudentWork(name or path.name, files, notes)
            return cls.from_work(work, course)
        single = NotebookFile(path, path.name, path.parent.resolve())
        submission = cls.from_work(StudentWork(name or path.name, [single]), course, complete=False)
        submission.beside = path.parent.resolve()
        return submission

    def earlier_notebook(self, lesson: Lesson) -> NotebookSource | None:
        """The student's notebook of ``lesson``, for the functions a later lesson builds on:
        the submission's own, else (a notebook checked alone) the one ``import_functions``
        would read beside it."""
        if lesson.id in self.notebooks or self.beside is None:
            return self.notebooks.get(lesson.id)
        if lesson.id not in self._earlier:
            found = find_lesson_notebook(lesson.notebook, self.beside)
            reading = _read(NotebookFile(found, found.name, found.parent)) if found else None
            self._earlier[lesson.id] = reading if isinstance(reading, NotebookSource) else None
        return self._earlier[lesson.id]

    @classmethod
    def from_work(cls, work: StudentWork, course: Course, *, complete: bool = True) -> Submission:
        """Read a student's files and choose one per lesson (see the module's docstring).

        ``complete``: lessons without any file are ``missing`` (a class submission).
        """
        submission = cls(name=work.name, warnings=list(work.notes))
        candidates: dict[str, list[tuple[bool, NotebookFile]]] = {}
        for file in work.files:
            lessons = lessons_named(file.path.name, course)
            if not lessons:
                written = graded_functions_written(file, course)
                if written:
                    submission.stray[file.shown] = written
                    submission.warnings.append(
                        f"{one_line(file.shown)} is a stray notebook: it defines the graded "
                        f"functions {', '.join(written)} with code of its own, but its name is no "
                        "lesson's, so it was not graded. If that is the work to grade, rename it "
                        "(or move the functions into the lesson's notebook)."
                    )
                    continue
                submission.warnings.append(
                    f"{one_line(file.shown)} is not one of the course's notebooks (their names "
                    f"contain {course.lessons[0].notebook[:-6]} … {course.lessons[-1].notebook[:-6]}), "
                    "so it was not graded."
                )
            for lesson in lessons:
                exact = file.path.name == lesson.notebook
                candidates.setdefault(lesson.id, []).append((exact, file))
        readings: dict[Path, NotebookSource | str] = {}
        for lesson in course.lessons:
            found = sorted(
                candidates.get(lesson.id, []), key=lambda c: (not c[0], c[1].depth, c[1].shown)
            )
            if not found:
                if complete:
                    submission.missing.add(lesson.id)
                continue
            for _, file in found:
                if file.path not in readings:
                    readings[file.path] = _read(file)
            submission._choose(lesson, found, readings, course)
        return submission

    def _choose(
        self,
        lesson: Lesson,
        found: list[tuple[bool, NotebookFile]],
        readings: dict[Path, NotebookSource | str],
        course: Course,
    ) -> None:
        readable = [
            (exact, f) for exact, f in found if isinstance(readings[f.path], NotebookSource)
        ]
        if not readable:
            exact, first = found[0]
            self.errors[lesson.id] = str(readings[first.path])
            for _, other in found[1:]:
                self.warnings.append(
                    f"{one_line(other.shown)} was not graded either: {readings[other.path]}"
                )
            return
        top = (readable[0][0], readable[0][1].depth)
        tied = [f for exact, f in readable if (exact, f.depth) == top]
        chosen = max(tied, key=lambda f: _written(readings[f.path], lesson))  # first among equals
        source = readings[chosen.path]
        assert isinstance(source, NotebookSource)
        self.notebooks[lesson.id] = source
        self.files[lesson.id] = chosen.shown
        shown = one_line(chosen.shown)
        if chosen.path.name != lesson.notebook and not is_lms_lesson_name(
            chosen.path.name, lesson, course
        ):
            self.warnings.append(
                f"{shown} was graded as {lesson.notebook} (no file had that exact name)."
            )
        functions = [e.function for e in lesson.exercises]
        for exact, other in found:
            if other is chosen:
                continue
            reading = readings[other.path]
            other_shown = one_line(other.shown)
            if isinstance(reading, str):
                self.warnings.append(
                    f"{other_shown} was not graded: {reading} {shown} was graded for lesson "
                    f"{lesson.id} instead."
                )
                continue
            shared = [f for f in functions if f in reading.defined_names() & source.defined_names()]
            if chosen.path.name == lesson.notebook and not exact:
                why = "the exact name wins"
            elif (exact, other.depth) != top:
                why = "the one nearer the top of the folder wins"
            elif _written(reading, lesson) < _written(source, lesson):
                why = "the one with more of the lesson's functions written wins"
            else:
                why = "the first in name order wins"
            both = f" Both define {', '.join(f'`{f}`' for f in shared)}; {why}." if shared else ""
            self.warnings.append(
                f"{other_shown} was not graded; {shown} was graded for lesson {lesson.id}.{both}"
            )

    @property
    def lessons_present(self) -> set[str]:
        return set(self.notebooks) | set(self.errors)


def _read(file: NotebookFile) -> NotebookSource | str:
    try:
        return read_notebook(file.path, within=file.within)
    except NotebookError as exc:
        return str(exc)


def _written(source: NotebookSource | str, lesson: Lesson) -> int:
    """How many of the lesson's functions a notebook defines beyond the stub."""
    if isinstance(source, str):
        return -1
    last = {}
    for definition in source.definitions:
        for name in definition.names:
            last[name] = definition
    return sum(1 for e in lesson.exercises if e.function in last and not is_stub(last[e.function]))
