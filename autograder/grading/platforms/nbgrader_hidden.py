"""Hidden checks under nbgrader: the course's grader inside ``nbgrader autograde``.

Under stock nbgrader a graded cell's ``check("relu")`` runs in the student's own kernel, after
the student's cells: it can only run the public checks, and a student who defines their own
``check`` in a solution cell gets its points. ``HiddenChecks`` is an nbgrader preprocessor
that replaces that: for every autograded ``check("name")`` cell it grades the submitted
notebook's own file with the course's grader (the function's code in a confined worker, hidden
cases drawn from a seed, the reference from the course's solutions), and writes the result as
the cell's output: the feedback, then the points, which nbgrader reads as partial credit.
Nothing the student's code does in a kernel can change that output.

The recipe, in the course's ``nbgrader_config.py`` on the grading machine (with the course
installed, and its solutions in ``solutions/`` beside the package or named by
``COURSE_SOLUTIONS``)::

    from autograder.grading.platforms.nbgrader_hidden import autograde_preprocessors

    c.Autograde.autograde_preprocessors = autograde_preprocessors()
    c.HiddenChecks.seed = 4242  # optional: replay a run (default: fresh each run)

``autograde_preprocessors()`` is nbgrader's own list with its ``Execute`` step replaced, so no
student code runs in a kernel on the grading machine at all (it runs only in the confined
workers). With ``execute=True`` the notebooks also run in a kernel, as nbgrader usually does
(outputs in the feedback; student code then runs unconfined there), and ``HiddenChecks`` still
overwrites every check cell afterwards. Without the solutions, ``HiddenChecks`` refuses to
grade (it never falls back to the public checks). Other graded code cells (not ``check``
calls) get no points when no kernel ran them, rather than nbgrader's default full marks.

Like every entry point that grades untrusted work, it refuses to grade where Landlock or
seccomp is missing (``sandbox.doctor.require_isolation``): each notebook then fails in
nbgrader's log with the reason, and ``nbgrader autograde`` exits non-zero.
``c.HiddenChecks.allow_weak_isolation = True`` (or ``COURSE_ALLOW_WEAK_ISOLATION=1``) grades
anyway, and every check cell's feedback says what was missing.
"""

from __future__ import annotations

import ast
import tempfile
import threading
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode
from traitlets import Bool, Float, Integer

from autograder.config import Course, load_course
from autograder.errors import UserError
from autograder.grading.engine.cases import CaseBook, fresh_seed
from autograder.grading.engine.results import GradingResult
from autograder.grading.reports.feedback import render_function_details
from autograder.sandbox.doctor import require_isolation

try:  # nbgrader is an instructor's tool; the rest of the course works without it
    from nbgrader.preprocessors import NbGraderPreprocessor
except ImportError:  # pragma: no cover
    NbGraderPreprocessor = object  # type: ignore[assignment,misc]

CHECK_CALL = "check"

_casebooks: dict[int, CaseBook] = {}
_casebook_lock = threading.Lock()
_run_seed: list[int] = []


class HiddenChecksUnavailable(UserError, RuntimeError):
    """The course's reference is not on this machine: hidden checks cannot run."""


def checked_function(source: str) -> str | None:
    """The function a graded cell checks: ``check("relu")`` gives ``relu``; anything else None."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
        return None
    call = tree.body[0].value
    if not isinstance(call, ast.Call) or not call.args:
        return None
    name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", None)
    first = call.args[0]
    if (
        name != CHECK_CALL
        or not isinstance(first, ast.Constant)
        or not isinstance(first.value, str)
    ):
        return None
    return first.value


def casebook_for(course: Course, seed: int | None) -> CaseBook:
    """One set of hidden cases per seed for the whole nbgrader run (drawn once per function)."""
    with _casebook_lock:
        if seed is None:
            if not _run_seed:
                _run_seed.append(fresh_seed())
            seed = _run_seed[0]
        if seed not in _casebooks:
            casebook = CaseBook(course, seed=seed)
            if casebook.mode != "hidden":
                raise HiddenChecksUnavailable(
                    "the course's solutions are not on this machine, so the hidden checks cannot "
                    "run: put them in solutions/ beside the course package, or set "
                    "COURSE_SOLUTIONS to their folder, then autograde again."
                )
            _casebooks[seed] = casebook
        return _casebooks[seed]


def grade_notebook(
    nb: NotebookNode,
    notebook_name: str,
    student: str,
    *,
    seed: int | None,
    timeout: float | None,
    notebook_timeout: float | None = None,
) -> GradingResult:
    """Grade one lesson notebook (as nbgrader holds it) with the hidden checks, within
    ``notebook_timeout`` seconds of wall-clock time (default: course.yml's
    ``submission_seconds``)."""
    from autograder.grading.engine.run import grade_submission
    from autograder.grading.engine.submissions import Submission

    course = load_course()
    lesson = course.lesson_for_notebook(notebook_name)
    if lesson is None:
        raise ValueError(f"{notebook_name} is not a lesson notebook of this course")
    casebook = casebook_for(course, seed)
    with tempfile.TemporaryDirectory(prefix="course-nbgrader-") as folder:
        path = Path(folder) / lesson.notebook
        nbformat.write(nb, path)
        submission = Submission.from_path(path, course, name=student)
        return grade_submission(
            submission,
            course=course,
            casebook=casebook,
            functions=[e.function for e in lesson.exercises],
            timeout_seconds=timeout,
            deadline_seconds=notebook_timeout,
        )


def _stdout(text: str) -> NotebookNode:
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def _points(value: float) -> NotebookNode:
    return nbformat.v4.new_output(
        "execute_result", data={"text/plain": f"{value:g}"}, execution_count=None
    )


def _error(why: str) -> NotebookNode:
    return nbformat.v4.new_output(
        "error", ename="NotGraded", evalue=why, traceback=[f"NotGraded: {why}"]
    )


class HiddenChecks(NbGraderPreprocessor):
    """Grade each ``check("name")`` cell with the course's hidden checks (see the module)."""

    seed = Integer(
        None,
        allow_none=True,
        help="Seed of the hidden cases (default: one fresh seed per nbgrader run).",
    ).tag(config=True)
    timeout = Float(
        None,
        allow_none=True,
        help="Seconds each graded function may run (default: course.yml).",
    ).tag(config=True)
    notebook_timeout = Float(
        None,
        allow_none=True,
        help="Wall-clock seconds for one notebook; what is still running then is stopped and "
        "fails (default: course.yml's submission_seconds).",
    ).tag(config=True)
    allow_weak_isolation = Bool(
        False,
        help="Grade even without Landlock or seccomp, accepting the risk (recorded in the "
        "feedback); COURSE_ALLOW_WEAK_ISOLATION=1 does the same.",
    ).tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        from nbgrader import utils

        cells = [
            cell
            for cell in nb.cells
            if cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell)
        ]
        if not cells:
            return nb, resources
        info = resources.get("nbgrader", {})
        notebook_name = f"{info.get('notebook', '')}.ipynb"
        student = str(info.get("student", "student"))
        result = None
        if any(checked_function(cell.source) for cell in cells):
            isolation = require_isolation(allow=self.allow_weak_isolation)
            result = grade_notebook(
                nb,
                notebook_name,
                student,
                seed=self.seed,
                timeout=self.timeout,
                notebook_timeout=self.notebook_timeout,
            )
            result.isolation = isolation.note
            if isolation.note:
                self.log.warning("hidden checks: %s", isolation.note)
            self.log.info(
                "hidden checks: %s of %s, %g points (seed %s)",
                notebook_name,
                student,
                result.points + result.bonus_points,
                result.seed,
            )
        reports = result.by_function() if result is not None else {}
        for cell in cells:
            function = checked_function(cell.source)
            if function is None:
                if cell.get("execution_count") is None:  # no kernel ran it
                    cell.outputs = [
                        _error(
                            "this graded cell is not a course check and no kernel ran it; "
                            "autograde with autograde_preprocessors(execute=True) to grade it."
                        )
                    ]
                continue
            report = reports.get(function)
            if report is None:
                cell.outputs = [_error(f"`{function}` is not graded in {notebook_name}.")]
                continue
            cell_points = float(cell.metadata["nbgrader"].get("points", 0) or 0)
            share = report.points / report.max_points if report.max_points else 0.0
            points = min(cell_points, round(share * cell_points, 6))
            note = f"\n(hidden checks on fresh inputs, seed {result.seed})\n" if result else ""
            if result is not None and result.isolation:
                note += f"(isolation: {result.isolation})\n"
            cell.outputs = [_stdout(render_function_details(report) + note), _points(points)]
        return nb, resources


def autograde_preprocessors(*, execute: bool = False) -> list:
    """nbgrader's autograde steps with the hidden checks: ``Execute`` replaced by
    ``HiddenChecks`` (or, with ``execute=True``, followed by it)."""
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import Execute

    steps = list(Autograde.class_traits()["autograde_preprocessors"].default())
    if Execute not in steps:  # pragma: no cover - nbgrader changed its pipeline
        raise RuntimeError("nbgrader's autograde steps have no Execute step to replace")
    at = steps.index(Execute)
    if execute:
        steps.insert(at + 1, HiddenChecks)
    else:
        steps[at] = HiddenChecks
    return steps
