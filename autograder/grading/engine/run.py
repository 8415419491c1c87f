"""Running the checks: one path, pytest, for ``course check``/``course grade`` and ``check()``.

The checks are the pytest modules in ``autograder/checks``. ``run_checks`` runs the ones of the
requested functions under pytest, with a plugin that hands each test the ``outcome`` of its
function and records how it ended. ``grade_submission`` feeds it outcomes from confined workers
(hidden checks on fresh inputs); ``check_in_namespace`` feeds it the student's function in their
own kernel on the public cases. Both end in the same ``FunctionReport``s.

Fail closed: a check that ends in anything but a pass or an explained failure is "needs review"
with zero points, and a check that did not run at all is too.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from typing import Any

from autograder.checking import CheckFailed, GraderError, NotDefined, NotImplementedYet
from autograder.config import CHECKS_DIR, Course, Exercise, load_course
from autograder.grading.engine.cases import CaseBook, import_checks
from autograder.grading.engine.outcomes import LocalOutcome
from autograder.grading.engine.results import (
    FAILED,
    NEEDS_REVIEW,
    NOT_DEFINED,
    NOT_IMPLEMENTED,
    PASSED,
    CheckRecord,
    FunctionReport,
    GradingResult,
    apply_requirements,
)
from autograder.grading.engine.session import GradingSession
from autograder.grading.engine.submissions import Submission
from autograder.public import load_public
from autograder.sandbox.runner import Sandbox

#: pytest is not thread-safe: one run of the checks at a time in a process.
PYTEST_LOCK = threading.Lock()


@dataclass(frozen=True)
class Verdict:
    """How one check ended: its status, the message a student reads, and, for a failure, the
    hint in that message and the id of the known mistake it names (or "")."""

    status: str
    message: str = ""
    hint: str = ""
    mistake: str = ""


def classify(exc: BaseException | None) -> Verdict:
    """A check's verdict from the exception it ended with (None: it passed)."""
    if exc is None:
        return Verdict(PASSED)
    if isinstance(exc, NotImplementedYet):
        text = str(exc)
        return Verdict(NOT_IMPLEMENTED, text if " " in text else "not implemented yet")
    if isinstance(exc, NotDefined):
        return Verdict(NOT_DEFINED, str(exc))
    if isinstance(exc, GraderError):
        return Verdict(NEEDS_REVIEW, f"grader error, needs review: {str(exc)[:400]}")
    if isinstance(exc, CheckFailed):
        return Verdict(FAILED, exc.feedback, exc.hint or "", exc.mistake or "")
    if isinstance(exc, AssertionError):
        return Verdict(FAILED, str(exc).split("\n")[0] or "a check failed")
    return Verdict(
        NEEDS_REVIEW,
        f"grader error, needs review: the check could not finish ({type(exc).__name__}: "
        f"{str(exc)[:300]})",
    )


def check_title(test: Any) -> str:
    """A check's name in words: the first line of its docstring."""
    doc = (getattr(test, "__doc__", None) or "").strip()
    return doc.splitlines()[0].strip().rstrip(".") if doc else ""


class GradingPlugin:
    """A pytest plugin: serves ``outcome`` to the checks and records each check's result."""

    name = "course-grading"

    def __init__(self, checks: dict[str, str]):
        self.checks = checks  # test name -> function
        self.records: dict[str, Verdict] = {}
        self.requires: dict[str, tuple[str, ...]] = {}
        self.titles: dict[str, str] = {}
        #: why pytest stopped before every check ran ("" while nothing stopped it)
        self.stopped = ""
        self.interrupted = False

    def pytest_collection_modifyitems(self, session, config, items):
        kept = [item for item in items if item.originalname in self.checks]
        deselected = [item for item in items if item.originalname not in self.checks]
        items[:] = kept
        if deselected:
            config.hook.pytest_deselected(items=deselected)

    def pytest_runtest_makereport(self, item, call):
        self.requires[item.originalname] = getattr(item.obj, "__course_requires__", ())
        self.titles[item.originalname] = check_title(item.obj)
        if call.when == "call" or (call.when == "setup" and call.excinfo is not None):
            exc = call.excinfo.value if call.excinfo is not None else None
            self.records[item.originalname] = classify(exc)

    def pytest_configure(self, config):
        # No traceback text: verdicts come from the exceptions themselves, and pytest's long
        # traceback of a failed check parses the check module's source again for every frame
        # (about 0.1 s per failing check: most of the grader's own time on work with mistakes).
        # The option belongs to the terminal plugin, which does not run here.
        config.option.tbstyle = "no"

    # What can stop the whole run early, so that a check that did not run says why.
    def pytest_keyboard_interrupt(self, excinfo):
        import pytest

        if isinstance(excinfo.value, pytest.Session.Interrupted):
            return  # how pytest stops after a module that could not be collected (below)
        if not isinstance(excinfo.value, KeyboardInterrupt):  # pytest.exit(), not Ctrl-C
            self.stopped = f"pytest.exit() was called: {excinfo.value}"[:300]
            return
        self.interrupted = True
        self.stopped = "the grading was interrupted (Ctrl-C)"

    def pytest_internalerror(self, excrepr, excinfo):
        self.stopped = f"pytest stopped: {type(excinfo.value).__name__}: {excinfo.value}"[:300]

    def pytest_collectreport(self, report):
        if report.failed:
            last = (report.longreprtext.strip().splitlines() or ["?"])[-1]
            self.stopped = f"the checks in {report.nodeid} could not be loaded ({last})"[:300]

    def not_run(self) -> Verdict:
        why = f" ({self.stopped})" if self.stopped else ""
        return Verdict(NEEDS_REVIEW, f"grader error, needs review: this check did not run{why}")


PYTEST_ARGS = [
    "-p", "no:cacheprovider",
    "-p", "no:terminal",
    "-p", "no:randomly",
    "-p", "no:benchmark",
    "-p", "no:doctest",
    "-p", "no:junitxml",
    "-p", "no:pastebin",
    "-p", "no:stepwise",
    "-p", "no:faulthandler",
    "-p", "no:logging",
    "-p", "no:unraisableexception",
    "-p", "no:threadexception",
    "--capture=no",
    "--import-mode=importlib",
    "--rootdir", str(CHECKS_DIR),
    "-c", str(CHECKS_DIR / "pytest.ini"),
    "--noconftest",
    "--disable-plugin-autoload",
    "-p", "no:warnings",
]  # fmt: skip


def run_checks(
    course: Course,
    exercises: list[Exercise],
    outcome_for: Callable[[str], Any],
) -> list[FunctionReport]:
    """Run the checks of ``exercises`` under pytest; one report per exercise, in order."""
    import pytest

    checks = {name: e.function for e in exercises for name in e.checks}
    lessons = {e.lesson for e in exercises}
    modules = sorted(
        {str(CHECKS_DIR / f"{course.lesson(lesson).checks_module}.py") for lesson in lessons}
        & {str(p) for p in CHECKS_DIR.glob("test_*.py")}
    )
    plugin = GradingPlugin(checks)

    class OutcomeFixture:
        @pytest.fixture
        def outcome(self) -> Callable[[str], Any]:
            return outcome_for

    sink = io.StringIO()
    code: int = pytest.ExitCode.OK
    if checks and modules:
        with PYTEST_LOCK, redirect_stdout(sink), redirect_stderr(sink):
            code = pytest.main([*modules, *PYTEST_ARGS], plugins=[plugin, OutcomeFixture()])
        if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) and not plugin.stopped:
            plugin.stopped = f"pytest ended with {code!r}: {sink.getvalue().strip()[-300:]}"
    if plugin.interrupted:
        # pytest ends its run quietly on Ctrl-C; the caller must see an interrupt, never
        # "needs review" for every check that was still to run.
        raise KeyboardInterrupt
    reports = []
    for exercise in exercises:
        report = FunctionReport.empty(exercise, course.lesson(exercise.lesson))
        for check, points in exercise.checks.items():
            verdict = plugin.records.get(check) or plugin.not_run()
            report.checks.append(
                CheckRecord(
                    function=exercise.function,
                    check=check,
                    status=verdict.status,
                    message=verdict.message,
                    points=points if verdict.status == PASSED else 0.0,
                    max_points=points,
                    title=plugin.titles.get(check, ""),
                    hint=verdict.hint,
                    mistake=verdict.mistake,
                )
            )
        apply_requirements(report.checks, plugin.requires)
        reports.append(report)
    return reports


def grade_submission(
    submission: Submission,
    *,
    course: Course | None = None,
    casebook: CaseBook | None = None,
    seed: int | None = None,
    functions: list[str] | None = None,
    use_reference: bool = True,
    jobs: int | None = None,
    timeout_seconds: float | None = None,
    sandbox: Sandbox | None = None,
    deadline_seconds: float | None = None,
) -> GradingResult:
    """Grade the lessons a submission holds (or only ``functions``), within ``deadline_seconds``
    of wall-clock time (default: course.yml's ``submission_seconds``)."""
    course = course or load_course()
    started = time.perf_counter()
    if sandbox is None and casebook is None:
        # The zygote starts (imports NumPy and pandas) while the reference loads.
        threading.Thread(target=Sandbox.shared, daemon=True).start()
    casebook = casebook or CaseBook(course, seed=seed, use_reference=use_reference)
    session = GradingSession(
        submission,
        course,
        casebook,
        jobs=jobs,
        timeout_seconds=timeout_seconds,
        sandbox=sandbox,
        deadline_seconds=deadline_seconds,
    )
    lessons = submission.lessons_present | submission.missing
    wanted = [
        e
        for e in course.exercises
        if (e.function in functions if functions is not None else e.lesson in lessons)
    ]
    if any(casebook.proxied_deps(e.function) for e in wanted):
        # The reference helpers' server starts (imports, loads the reference) while the
        # workers that need no helper run.
        threading.Thread(target=casebook.call_server, daemon=True).start()
    session.start([e.function for e in wanted])
    try:
        reports = run_checks(course, wanted, session.outcome)
    finally:
        session.close()
    for report in reports:
        report.source = session.sources.get(report.function, "")
        outcome = session.outcome(report.function)
        if outcome.run is not None:
            report.worker_seconds = outcome.run.seconds
            if outcome.run.load_problems:
                report.note = outcome.run.load_problems[0]
    # Each message names its notebook (the file that was read, which may be a -Copy1).
    problems = [why for _, why in sorted(submission.errors.items())]
    for _, notebook in sorted(submission.notebooks.items()):
        problems.extend(notebook.problems)
    return GradingResult(
        submission=submission.name,
        functions=reports,
        seed=casebook.seed if casebook.mode == "hidden" else None,
        mode=casebook.mode,
        problems=problems,
        warnings=list(submission.warnings),
        seconds=time.perf_counter() - started,
    )


def check_in_namespace(function: str, namespace: dict[str, Any]) -> FunctionReport:
    """The public checks of one function, on the version in ``namespace`` (a notebook's globals)."""
    course = load_course()
    exercise = course.exercise(function)
    import_checks(course, {exercise.lesson})
    target = namespace.get(function)

    def public_cases():
        public = load_public(function)
        return public.calls, public.expected

    graded = frozenset(e.function for e in course.exercises)
    outcome = LocalOutcome(
        function, target if callable(target) else None, public_cases, graded=graded
    )

    def outcome_for(name: str) -> LocalOutcome:
        if name != function:
            raise GraderError(f"a check of `{function}` asked for the outcome of `{name}`")
        return outcome

    return run_checks(course, [exercise], outcome_for)[0]


def stop_helpers() -> None:
    """Stop this process's zygote and reference server, and wait for them: every worker and
    helper they ran has ended when this returns."""
    from autograder.grading.engine.reference_calls import ReferenceServer
    from autograder.sandbox.runner import Sandbox

    both = [threading.Thread(target=kind.stop_shared) for kind in (Sandbox, ReferenceServer)]
    for thread in both:
        thread.start()
    for thread in both:
        thread.join()
