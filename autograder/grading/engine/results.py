"""What grading produces: a record per check, a report per function, a result per submission.

Results carry their own titles, notebooks and points, so whatever renders them (feedback, the
gradebook, the class report, Gradescope's results.json) never reloads the course. They cross
between processes as JSON (``to_json`` / ``from_json``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # results know nothing of course.yml at run time
    from autograder.config import Course, Exercise, Lesson

PASSED = "passed"
FAILED = "failed"
NOT_IMPLEMENTED = "not implemented"
NOT_DEFINED = "not defined"
NEEDS_REVIEW = "needs review"  # the grader itself failed: zero points, never a pass
#: A property that counts only once the values are right (``@requires``), while they are not:
#: zero points for now, and neither a pass nor a failure of its own.
NOT_CHECKED = "not checked yet"


@dataclass
class CheckRecord:
    """The result of one check (one pytest test) for one function."""

    function: str
    check: str  # the test's name in the check module (test_relu_values)
    status: str
    message: str = ""
    points: float = 0.0
    max_points: float = 0.0
    title: str = ""  # what it checks, in words ("the values match the reference")
    hint: str = ""  # the advice or named mistake in ``message`` (its last part), or ""
    mistake: str = ""  # the id of the known mistake the output matched (``Mistake.id``), or ""

    @property
    def label(self) -> str:
        return self.title or self.check


@dataclass
class Override:
    """Points an instructor set for one function by hand (``--overrides``), with the reason."""

    points: float
    reason: str
    graded_points: float  # what the checks gave


@dataclass
class FunctionReport:
    function: str
    lesson: str
    max_points: float
    checks: list[CheckRecord] = field(default_factory=list)
    note: str = ""  # e.g. "defined in a cell with a syntax error"
    lesson_title: str = ""
    notebook: str = ""
    bonus: bool = False
    source: str = ""  # the student's code of the function, as graded
    #: what the function's confined worker took (wall clock, its calls and its start), 0 when
    #: no worker ran; read by ``course grade --timings``
    worker_seconds: float = 0.0
    override: Override | None = None  # set by the instructor; its points replace the checks'

    @classmethod
    def empty(cls, exercise: Exercise, lesson: Lesson) -> FunctionReport:
        """A report with no checks yet, for ``exercise`` of ``lesson`` (from course.yml)."""
        return cls(
            function=exercise.function,
            lesson=exercise.lesson,
            max_points=exercise.points,
            lesson_title=lesson.title,
            notebook=lesson.notebook,
            bonus=lesson.bonus,
        )

    @property
    def graded_points(self) -> float:
        """What the checks gave, whatever an override says."""
        return sum(c.points for c in self.checks)

    @property
    def points(self) -> float:
        """The function's points: an instructor's override, else what the checks gave."""
        return self.override.points if self.override is not None else self.graded_points

    @property
    def attempted(self) -> bool:
        """Whether the student wrote anything for it (not a stub, not missing)."""
        return self.status not in (NOT_DEFINED, NOT_IMPLEMENTED, "not graded")

    @property
    def status(self) -> str:
        statuses = {c.status for c in self.checks}
        if not self.checks:
            return "not graded"
        if NEEDS_REVIEW in statuses:
            return NEEDS_REVIEW
        for status in (NOT_DEFINED, NOT_IMPLEMENTED):
            if statuses == {status}:
                return status
        if statuses == {PASSED}:
            return PASSED
        return FAILED

    @property
    def first_message(self) -> str:
        """The message of the first check that failed (one not checked yet only when nothing
        failed outright), or ""."""
        for wanted in ([FAILED, NOT_DEFINED, NOT_IMPLEMENTED, NEEDS_REVIEW], [NOT_CHECKED]):
            for record in self.checks:
                if record.status in wanted:
                    return record.message
        return ""


@dataclass
class SubmissionTime:
    """When a submission came in, and from where that is known."""

    at: str = ""  # ISO 8601 in UTC ("2026-12-01T23:58:00+00:00"); "" when no source gave one
    source: str = ""  # where the time comes from, in words ("nbgrader's ps1/timestamp.txt")
    marked_late: bool = False  # the LMS marked it late (Canvas's _LATE_ in its file names)


@dataclass
class Lateness:
    """How late a submission was, under the class's policy, and what that cost."""

    due: str  # the due date that applied (ISO 8601, UTC), the student's extension included
    late_days: int | None  # started days after the due date (0: on time); None: late, time unknown
    percent: float  # the share of the points taken off
    penalty: float  # the points taken off
    note: str  # one line for the student's feedback


@dataclass
class GradingResult:
    submission: str
    functions: list[FunctionReport]
    seed: int | None
    mode: str  # "hidden" (fresh inputs, the reference), "public" (stored inputs) or "failed"
    problems: list[str] = field(default_factory=list)  # notebook-level messages
    warnings: list[str] = field(default_factory=list)  # e.g. notebooks that were not used
    seconds: float = 0.0
    #: lesson id -> the notebook graded for it, as the student knows it ("ps1/01_data.ipynb");
    #: "" for a lesson whose only notebook could not be read.
    files: dict[str, str] = field(default_factory=dict)
    #: stray notebooks: not graded, yet they define graded functions (file -> those functions)
    stray: dict[str, list[str]] = field(default_factory=dict)
    submitted: SubmissionTime | None = None
    late: Lateness | None = None  # set when a due date applies
    #: the student's identity in the LMS download their files came from (system, who, user_id)
    lms: dict[str, str] = field(default_factory=dict)
    graded_at: str = ""  # when it was graded (ISO 8601, UTC)
    #: What confinement was missing when an instructor chose to grade anyway ("" when all held:
    #: ``sandbox.doctor.Isolation.note``); shown in the feedback.
    isolation: str = ""

    @property
    def points(self) -> float:
        """Points of the required lessons."""
        return sum(f.points for f in self.functions if not f.bonus)

    @property
    def bonus_points(self) -> float:
        return sum(f.points for f in self.functions if f.bonus)

    @property
    def max_points(self) -> float:
        return sum(f.max_points for f in self.functions if not f.bonus)

    @property
    def bonus_max_points(self) -> float:
        return sum(f.max_points for f in self.functions if f.bonus)

    @property
    def penalty(self) -> float:
        """Points taken off for late work."""
        return self.late.penalty if self.late is not None else 0.0

    @property
    def total(self) -> float:
        """The one total every output shows: required + bonus - late penalty."""
        return self.points + self.bonus_points - self.penalty

    @property
    def overridden(self) -> list[str]:
        """The functions whose points an instructor set by hand."""
        return [f.function for f in self.functions if f.override is not None]

    @property
    def empty(self) -> bool:
        """No lesson notebook was found at all (a folder without any)."""
        return not self.files

    @property
    def needs_review(self) -> list[str]:
        """The functions on which the grader itself failed."""
        return [f.function for f in self.functions if f.status == NEEDS_REVIEW]

    def by_function(self) -> dict[str, FunctionReport]:
        return {f.function: f for f in self.functions}

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)

    @classmethod
    def from_json(cls, text: str) -> GradingResult:
        raw = json.loads(text)
        functions = []
        for entry in raw.pop("functions"):
            checks = [CheckRecord(**c) for c in entry.pop("checks")]
            override = entry.pop("override", None)
            functions.append(
                FunctionReport(
                    **entry,
                    checks=checks,
                    override=Override(**override) if override is not None else None,
                )
            )
        submitted = raw.pop("submitted", None)
        late = raw.pop("late", None)
        return cls(
            **raw,
            functions=functions,
            submitted=SubmissionTime(**submitted) if submitted is not None else None,
            late=Lateness(**late) if late is not None else None,
        )


def apply_requirements(records: list[CheckRecord], required: dict[str, tuple[str, ...]]) -> None:
    """Hold back a check whose required checks did not pass: "not checked yet", zero points.

    Its own verdict waits for the values: ``return Z`` leaves Z unchanged, which says nothing
    while the values are wrong, and a failure of such a property would repeat the one that
    matters. Either way it is shown as not checked yet, never as a failure.
    """
    status = {r.check: r.status for r in records}
    titles = {r.check: r.label for r in records}
    for record in records:
        needs = [n for n in required.get(record.check, ()) if status.get(n) != PASSED]
        if needs and record.status in (PASSED, FAILED):
            record.status = NOT_CHECKED
            record.points = 0.0
            names = ", ".join(f'"{titles.get(n, n)}"' for n in needs)
            record.message = f"not checked yet: this counts once {names} passes."
            record.hint = ""
            record.mistake = ""


def failed_result(student: str, course: Course, why: str, seed: int | None = None) -> GradingResult:
    """A zero for every function, with the reason, when the grader itself failed on a student."""
    functions = []
    for exercise in course.exercises:
        report = FunctionReport.empty(exercise, course.lesson(exercise.lesson))
        report.checks.append(
            CheckRecord(
                exercise.function,
                "grading",
                NEEDS_REVIEW,
                f"grader error, needs review: grading failed ({why})",
                0.0,
                exercise.points,
                title="grading",
            )
        )
        functions.append(report)
    return GradingResult(
        submission=student,
        functions=functions,
        seed=seed,
        mode="failed",
        problems=[f"grading failed: {why}"],
    )
