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
    from autograder.config import Exercise, Lesson

PASSED = "passed"
FAILED = "failed"
NOT_IMPLEMENTED = "not implemented"
NOT_DEFINED = "not defined"
NEEDS_REVIEW = "needs review"  # the grader itself failed: zero points, never a pass
#: A property that counts only once the values are right (``@requires``), while they are not:
#: zero points for now, and neither a pass nor a failure of its own.
NOT_CHECKED = "not checked yet"
STATUSES = (PASSED, FAILED, NOT_IMPLEMENTED, NOT_DEFINED, NEEDS_REVIEW, NOT_CHECKED)


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
    def points(self) -> float:
        return sum(c.points for c in self.checks)

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
class GradingResult:
    submission: str
    functions: list[FunctionReport]
    seed: int | None
    mode: str  # "hidden" (fresh inputs, the reference), "public" (stored inputs) or "failed"
    problems: list[str] = field(default_factory=list)  # notebook-level messages
    warnings: list[str] = field(default_factory=list)  # e.g. notebooks that were not used
    seconds: float = 0.0
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
            functions.append(FunctionReport(**entry, checks=checks))
        return cls(**raw, functions=functions)


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
