"""The course manifest, ``course.yml``: lessons, graded functions, points, checks, limits."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from autograder import environment
from autograder.errors import CourseError

#: The environment variable that names the course's folder, when nothing else finds it.
ROOT_VARIABLE = environment.COURSE_ROOT
PACKAGE_DIR = Path(__file__).resolve().parent


def _course_root() -> Path:
    """The course's folder (the one holding course.yml, lessons/, data/): ``COURSE_ROOT`` when
    set; the folder beside the package when it holds course.yml (a clone of the course, or an
    editable install); otherwise, for the package installed like any other, the nearest folder
    at or above the working folder that holds course.yml (a Jupyter kernel runs in lessons/)."""
    override = environment.current().course_root
    if override:
        return Path(override).resolve()
    beside = PACKAGE_DIR.parent
    if (beside / "course.yml").is_file():
        return beside
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "course.yml").is_file():
            return folder
    return beside


#: The course's folders. ROOT is the one place that says where the course is; every other path
#: of the course is built from it here. The checks and the public cases ship inside the package.
ROOT = _course_root()
COURSE_FILE = ROOT / "course.yml"
CHECKS_DIR = PACKAGE_DIR / "checks"
PUBLIC_DIR = PACKAGE_DIR / "public"
SOLUTIONS_DIR = ROOT / "solutions"
LESSONS_DIR = ROOT / "lessons"
DATA_DIR = ROOT / "data"


def solutions_dir() -> Path:
    """``solutions/`` beside the package, or the folder named by COURSE_SOLUTIONS."""
    override = environment.current().solutions
    return Path(override).resolve() if override else SOLUTIONS_DIR


def lessons_dir() -> Path:
    """The student's lesson notebooks: ``lessons/`` in the current folder when there is one (a
    student works in their own copy), else the course's own."""
    here = Path("lessons")
    return here if here.is_dir() else LESSONS_DIR


@dataclass(frozen=True)
class Exercise:
    function: str
    points: float
    checks: dict[str, float]
    lesson: str
    timeout_seconds: float


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    notebook: str
    checks_module: str
    exercises: tuple[Exercise, ...]
    bonus: bool = False


@dataclass(frozen=True)
class Grading:
    public_seed: int = 0
    timeout_seconds: float = 20.0
    memory_mb: int = 2048
    output_kb: int = 256
    max_result_mb: int = 64
    #: Wall-clock seconds for one submission (`course check`, a student of `course grade`, a
    #: notebook under nbgrader): what has not finished by then is stopped, the student's failure.
    submission_seconds: float = 600.0


@dataclass(frozen=True)
class DataSettings:
    full_dev_size: int = 1000  # dev rows on Kaggle's 42,000 training rows (41,000 / 1,000)


@dataclass(frozen=True)
class LateSettings:
    """The late-work policy a course sets for itself (``late:`` in course.yml); ``course grade``
    options override each one."""

    due: str | None = None  # "2026-12-01 23:59", read in ``timezone`` unless it names its own
    timezone: str = "UTC"
    penalty_percent: float = 0.0  # per started day after the due date
    cap_percent: float = 100.0


@dataclass(frozen=True)
class Course:
    title: str
    lessons: tuple[Lesson, ...]
    grading: Grading
    data: DataSettings = field(default_factory=DataSettings)
    path: Path = COURSE_FILE
    late: LateSettings = field(default_factory=LateSettings)

    @property
    def exercises(self) -> list[Exercise]:
        return [e for lesson in self.lessons for e in lesson.exercises]

    def exercise(self, function: str) -> Exercise:
        for exercise in self.exercises:
            if exercise.function == function:
                return exercise
        known = ", ".join(e.function for e in self.exercises)
        raise KeyError(f"'{function}' is not a graded function of this course (known: {known}).")

    def lesson(self, lesson_id: str) -> Lesson:
        for lesson in self.lessons:
            if lesson.id == lesson_id:
                return lesson
        raise KeyError(lesson_id)

    def lesson_of(self, function: str) -> Lesson:
        for lesson in self.lessons:
            if any(e.function == function for e in lesson.exercises):
                return lesson
        raise KeyError(function)

    def lesson_for_notebook(self, filename: str) -> Lesson | None:
        for lesson in self.lessons:
            if lesson.notebook == filename:
                return lesson
        return None

    @property
    def max_points(self) -> float:
        return sum(
            e.points for lesson in self.lessons if not lesson.bonus for e in lesson.exercises
        )


@lru_cache(maxsize=4)
def load_course(path: Path = COURSE_FILE) -> Course:
    """Read and validate course.yml; raise CourseError naming the first problem."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CourseError(
            f"course.yml is not in {Path(path).parent}: run this from the course's folder (the "
            f"one that holds course.yml, lessons/ and data/) or one below it, or set "
            f"{ROOT_VARIABLE} to that folder."
        ) from None
    except OSError as exc:
        raise CourseError(f"{path}: cannot be read ({exc.strerror}).") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CourseError(f"{path.name} is not valid YAML: {exc}") from None
    return parse_course(raw, Path(path))


def parse_course(raw: object, path: Path = COURSE_FILE) -> Course:
    name = path.name
    if not isinstance(raw, dict):
        raise CourseError(f"{name} should be a mapping with 'title' and 'lessons'.")
    lessons_raw = raw.get("lessons")
    if not isinstance(lessons_raw, list) or not lessons_raw:
        raise CourseError(f"{name}: 'lessons' should be a non-empty list.")
    grading_raw = raw.get("grading") or {}
    if not isinstance(grading_raw, dict):
        raise CourseError(f"{name}: 'grading' should be a mapping.")
    try:
        grading = Grading(**grading_raw)
    except TypeError as exc:
        raise CourseError(f"{name}: 'grading' has an unknown setting ({exc}).") from None
    data = _parse_data_settings(raw.get("data"), name)
    late = _parse_late_settings(raw.get("late"), name)
    seen_functions: set[str] = set()
    lessons = [
        _parse_lesson(entry, number, name, grading, seen_functions)
        for number, entry in enumerate(lessons_raw, start=1)
    ]
    return Course(
        title=str(raw.get("title", "course")),
        lessons=tuple(lessons),
        grading=grading,
        data=data,
        path=path,
        late=late,
    )


def _parse_lesson(
    entry: object, number: int, name: str, grading: Grading, seen_functions: set[str]
) -> Lesson:
    where = f"{name}: lesson {number}"
    if not isinstance(entry, dict):
        raise CourseError(f"{where} should be a mapping.")
    for key in ("id", "notebook", "checks", "exercises"):
        if key not in entry:
            raise CourseError(f"{where} has no '{key}'.")
    lesson_id = str(entry["id"])
    where = f"{name}: lesson {lesson_id}"
    if not str(entry["notebook"]).endswith(".ipynb"):
        raise CourseError(f"{where}: 'notebook' should name an .ipynb file.")
    exercises_raw = entry["exercises"]
    if not isinstance(exercises_raw, list) or not exercises_raw:
        raise CourseError(f"{where}: 'exercises' should be a non-empty list.")
    exercises = [
        _parse_exercise(ex, where, lesson_id, grading, seen_functions) for ex in exercises_raw
    ]
    return Lesson(
        id=lesson_id,
        title=str(entry.get("title", lesson_id)),
        notebook=str(entry["notebook"]),
        checks_module=str(entry["checks"]),
        exercises=tuple(exercises),
        bonus=bool(entry.get("bonus", False)),
    )


def _parse_exercise(
    ex: object, where: str, lesson_id: str, grading: Grading, seen_functions: set[str]
) -> Exercise:
    if not isinstance(ex, dict) or "function" not in ex or "points" not in ex:
        raise CourseError(f"{where}: each exercise needs 'function' and 'points'.")
    function = str(ex["function"])
    if not function.isidentifier():
        raise CourseError(f"{where}: '{function}' is not a valid function name.")
    if function in seen_functions:
        raise CourseError(f"{where}: '{function}' is listed twice.")
    seen_functions.add(function)
    points = ex["points"]
    if isinstance(points, bool) or not isinstance(points, (int, float)) or points <= 0:
        raise CourseError(f"{where}: '{function}' needs positive points, not {points!r}.")
    checks = ex.get("checks") or {}
    if not isinstance(checks, dict):
        raise CourseError(f"{where}: checks of '{function}' should map test names to points.")
    for check, value in checks.items():
        if not str(check).startswith("test_"):
            raise CourseError(
                f"{where}: check '{check}' of '{function}' should be a test_ function name."
            )
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise CourseError(f"{where}: check '{check}' of '{function}' needs positive points.")
    if checks and abs(sum(checks.values()) - points) > 1e-9:
        raise CourseError(
            f"{where}: the checks of '{function}' add up to {sum(checks.values()):g} points, "
            f"but the exercise is worth {points:g}."
        )
    return Exercise(
        function=function,
        points=float(points),
        checks={str(k): float(v) for k, v in checks.items()},
        lesson=lesson_id,
        timeout_seconds=float(ex.get("timeout_seconds", grading.timeout_seconds)),
    )


def _parse_late_settings(raw: object, name: str) -> LateSettings:
    if raw is None:
        return LateSettings()
    if not isinstance(raw, dict):
        raise CourseError(
            f"{name}: 'late' should be a mapping (due, timezone, penalty_percent, cap_percent)."
        )
    raw = dict(raw)
    if isinstance(raw.get("due"), (datetime.date, datetime.datetime)):
        raw["due"] = str(raw["due"])  # YAML reads an unquoted 2026-12-01 as a date
    try:
        settings = LateSettings(**raw)
    except TypeError as exc:
        raise CourseError(f"{name}: 'late' has an unknown setting ({exc}).") from None
    for key in ("penalty_percent", "cap_percent"):
        value = getattr(settings, key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
            raise CourseError(f"{name}: late.{key} should be a percentage from 0 to 100.")
    if settings.due is not None and not isinstance(settings.due, str):
        raise CourseError(
            f'{name}: late.due should be a date and time in quotes, e.g. "2026-12-01 23:59".'
        )
    return settings


def _parse_data_settings(raw: object, name: str) -> DataSettings:
    if raw is None:
        return DataSettings()
    if not isinstance(raw, dict):
        raise CourseError(f"{name}: 'data' should be a mapping.")
    try:
        settings = DataSettings(**raw)
    except TypeError as exc:
        raise CourseError(f"{name}: 'data' has an unknown setting ({exc}).") from None
    dev = settings.full_dev_size
    if isinstance(dev, bool) or not isinstance(dev, int) or dev < 1:
        raise CourseError(
            f"{name}: data.full_dev_size should be a whole number of rows, at least 1."
        )
    return settings
