"""Grading: run every graded function's checks on a submission and total the points.

Two ways to get an ``Outcome`` for a function:

* ``SandboxOutcome`` (``course check``, ``course grade``): the student's definitions run in a
  supervised worker on inputs the grader draws (fresh seed) and the reference computes the
  expected values on the grader's side. Without ``solutions/`` (a student release), the public
  cases and their stored expected values are used instead.
* ``LocalOutcome`` (``check("relu")`` in a notebook): the public cases, the student's function
  called in their own kernel.

The checks themselves are the pytest modules in ``autograder/checks``; when grading they run
under pytest with ``GradingPlugin``; in a notebook the same test functions are called directly.
"""

from __future__ import annotations

import copy
import importlib
import io
import os
import sys
import time
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from autograder import codec
from autograder.checking import (
    CASE_BUILDERS,
    Call,
    CheckFailed,
    CheckRecord,
    FunctionReport,
    NotDefined,
    NotImplementedYet,
    apply_requirements,
)
from autograder.config import CHECKS_DIR, Course, Exercise, load_course
from autograder.notebooks import NotebookError, NotebookSource, read_notebook, select_for
from autograder.public import PublicCases, load_public
from autograder.reference import Reference, ReferenceMissing, load_reference
from autograder.sandbox.runner import CallResult, Limits, WorkerRun, run_function

# -- the outcome of one function ---------------------------------------------------------------


class _OutcomeBase:
    function: str
    cases: list[str]
    _calls: dict[str, Call]
    _expected: dict[str, CallResult]

    def call(self, case: str) -> Call:
        original = self._calls[case]
        return Call(*copy.deepcopy(original.args), **copy.deepcopy(original.kwargs))

    def expected(self, case: str) -> Any:
        result = self._expected[case]
        if result.raised is not None:
            raise RuntimeError(
                f"the reference raised {result.raised.type} on case {case}: {result.raised.message}"
            )
        return copy.deepcopy(result.value)

    def expected_raised(self, case: str) -> codec.Raised | None:
        return self._expected[case].raised

    # Implemented by subclasses: _student(case) -> CallResult, raising NotDefined etc.
    def _student(self, case: str) -> CallResult:  # pragma: no cover - abstract
        raise NotImplementedError

    def result(self, case: str) -> Any:
        got = self._student(case)
        if got.raised is not None:
            raise CheckFailed(
                f"`{self.function}` raised {got.raised.type}: {got.raised.message} "
                f"(on the '{case}' case{'; ' + got.raised.where if got.raised.where else ''}).",
                _hint_for_exception(got.raised),
            )
        return got.value

    def raised(self, case: str) -> codec.Raised | None:
        return self._student(case).raised

    def args_after(self, case: str) -> tuple:
        got = self._student(case)
        if got.args_after is None:
            raise CheckFailed(
                f"the inputs of the '{case}' case could not be read back after the call."
            )
        return got.args_after


def _hint_for_exception(raised: codec.Raised) -> str | None:
    if raised.type == "PermissionError" and "grader" in raised.message:
        return "Graded functions may only compute: no files, processes or network."
    if raised.type == "NameError":
        return (
            "A name it uses is not defined in this notebook (a helper in a cell that was deleted?)."
        )
    if raised.type == "MemoryError":
        return "It asked for far more memory than the task needs."
    if raised.type in ("ValueError", "IndexError") and (
        "shape" in raised.message or "broadcast" in raised.message or "aligned" in raised.message
    ):
        return "Check the shapes: the course is batch-first, X is (N, 784) and W1 is (784, H)."
    return None


class SandboxOutcome(_OutcomeBase):
    def __init__(
        self,
        function: str,
        calls: dict[str, Call],
        expected: dict[str, CallResult],
        run: WorkerRun | None,
        not_defined: str | None,
    ):
        self.function = function
        self.cases = list(calls)
        self._calls = calls
        self._expected = expected
        self.run = run
        self.not_defined = not_defined

    def _student(self, case: str) -> CallResult:
        if self.not_defined:
            raise NotDefined(self.not_defined)
        assert self.run is not None
        got = self.run.results.get(case)
        if got is None:
            if self.run.fate:
                raise CheckFailed(
                    f"`{self.function}` was stopped on the '{case}' case: {self.run.fate}."
                )
            raise CheckFailed(f"`{self.function}` gave no result for the '{case}' case.")
        if got.raised is not None and got.raised.type == "NotImplementedError":
            raise NotImplementedYet(self.function)
        return got


class GraderFailure(SandboxOutcome):
    """Stands in when the grader itself could not prepare a function: its checks error."""

    def __init__(self, function: str, why: str):
        super().__init__(function, {}, {}, None, None)
        self.why = why

    def _student(self, case: str) -> CallResult:
        raise RuntimeError(f"the grader could not prepare `{self.function}`: {self.why}")

    def call(self, case: str) -> Call:
        return self._student(case)  # type: ignore[return-value]

    def expected(self, case: str) -> Any:
        return self._student(case)


class LocalOutcome(_OutcomeBase):
    """The student's function called in the current process (their own kernel)."""

    def __init__(self, function: str, target: Callable | None, public: PublicCases):
        self.function = function
        self.cases = list(public.calls)
        self._calls = public.calls
        self._expected = public.expected
        self._target = target
        self._results: dict[str, CallResult] = {}

    def _student(self, case: str) -> CallResult:
        if self._target is None:
            raise NotDefined(
                f"`{self.function}` is not defined yet: run its cell (Shift+Enter) first."
            )
        if case not in self._results:
            self._results[case] = _call_locally(self._target, self.call(case))
        got = self._results[case]
        if got.raised is not None and got.raised.type == "NotImplementedError":
            raise NotImplementedYet(self.function)
        return got


def _where_in_notebook(exc: BaseException) -> str:
    """The last line of the student's own code in a traceback (not the course's or a library's)."""
    import traceback

    package = str(Path(__file__).resolve().parent)
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if not frame.filename.startswith((package, sys.prefix, sys.base_prefix)):
            return f"line {frame.lineno}, in {frame.name}: {(frame.line or '').strip()}".rstrip(
                ": "
            )
    return ""


def _call_locally(target: Callable, call: Call) -> CallResult:
    from autograder.sandbox.probes import PROBES

    args = tuple(PROBES[a.name] if isinstance(a, codec.Probe) else a for a in call.args)
    kwargs = {
        k: PROBES[v.name] if isinstance(v, codec.Probe) else v for k, v in call.kwargs.items()
    }
    started = time.perf_counter()
    try:
        value = target(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - any student exception becomes feedback
        raised = codec.Raised(type(exc).__name__, str(exc)[:500], _where_in_notebook(exc))
        return CallResult(raised=raised, args_after=call.args, kwargs_after=call.kwargs)
    # Round-trip through the codec, so a notebook sees exactly what the grader would see.
    arrays: dict[str, np.ndarray] = {}

    def put(array: np.ndarray) -> str:
        key = f"a{len(arrays)}"
        arrays[key] = array
        return key

    tree = codec.encode(value, put)
    decoded = codec.decode(tree, lambda key: arrays[key].copy())
    return CallResult(
        value=decoded,
        args_after=call.args,
        kwargs_after=call.kwargs,
        seconds=time.perf_counter() - started,
    )


# -- cases and expected values ------------------------------------------------------------------


def import_checks(course: Course, lesson_ids: set[str]) -> None:
    """Import the check modules of some lessons, which registers their case builders."""
    for lesson in course.lessons:
        if lesson.id in lesson_ids and (CHECKS_DIR / f"{lesson.checks_module}.py").is_file():
            importlib.import_module(f"autograder.checks.{lesson.checks_module}")


def live_cases(
    function: str, seed: int, reference: Reference
) -> tuple[dict[str, Call], dict[str, CallResult]]:
    """Draw a function's cases with ``seed`` and run the reference on them."""
    builder = CASE_BUILDERS[function]
    rng = np.random.default_rng([seed, zlib.crc32(function.encode())])
    calls = builder(rng, reference.namespace)
    target = getattr(reference.namespace, function)
    expected = {name: _call_reference(target, call) for name, call in calls.items()}
    return calls, expected


def _call_reference(target: Callable, call: Call) -> CallResult:
    from autograder.sandbox.probes import PROBES

    args = copy.deepcopy(call.args)
    kwargs = copy.deepcopy(call.kwargs)
    args = tuple(PROBES[a.name] if isinstance(a, codec.Probe) else a for a in args)
    kwargs = {k: PROBES[v.name] if isinstance(v, codec.Probe) else v for k, v in kwargs.items()}
    try:
        return CallResult(value=target(*args, **kwargs))
    except Exception as exc:  # noqa: BLE001 - validate_submission raises by design
        return CallResult(raised=codec.Raised(type(exc).__name__, str(exc)))


# -- a submission -------------------------------------------------------------------------------


@dataclass
class Submission:
    """The notebooks of one student (or one folder), by lesson id."""

    name: str
    notebooks: dict[str, NotebookSource] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # lesson id -> why it could not be read
    missing: set[str] = field(default_factory=set)

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


@dataclass
class GradingResult:
    submission: str
    functions: list[FunctionReport]
    seed: int | None
    mode: str  # "hidden" (fresh inputs, reference) or "public" (stored inputs)
    problems: list[str] = field(default_factory=list)  # notebook-level messages
    seconds: float = 0.0

    @property
    def points(self) -> float:
        return sum(f.points for f in self.functions)

    @property
    def max_points(self) -> float:
        course = load_course()
        return sum(f.max_points for f in self.functions if not course.lesson(f.lesson).bonus)

    def by_function(self) -> dict[str, FunctionReport]:
        return {f.function: f for f in self.functions}


class GradingSession:
    """Runs the workers for one submission and serves outcomes to the checks."""

    def __init__(
        self,
        submission: Submission,
        course: Course,
        *,
        seed: int | None,
        use_reference: bool = True,
        jobs: int | None = None,
        timeout_seconds: float | None = None,
    ):
        self.timeout_seconds = timeout_seconds
        self.submission = submission
        self.course = course
        self.reference: Reference | None = None
        if use_reference:
            try:
                self.reference = load_reference()
            except ReferenceMissing:
                self.reference = None
        self.mode = "hidden" if self.reference is not None else "public"
        self.seed = seed if seed is not None else int.from_bytes(os.urandom(4), "little")
        self.jobs = (
            jobs or int(os.environ.get("COURSE_GRADING_JOBS", "0")) or min(4, os.cpu_count() or 1)
        )
        self._outcomes: dict[str, SandboxOutcome] = {}

    def limits_for(self, exercise: Exercise) -> Limits:
        g = self.course.grading
        return Limits(
            wall_seconds=self.timeout_seconds or exercise.timeout_seconds,
            memory_mb=g.memory_mb,
            output_kb=g.output_kb,
            max_result_mb=g.max_result_mb,
        )

    def prepare(self, functions: list[str]) -> None:
        todo = [f for f in functions if f not in self._outcomes]
        with ThreadPoolExecutor(max_workers=self.jobs) as pool:
            for function, outcome in zip(todo, pool.map(self._prepare_safely, todo)):
                self._outcomes[function] = outcome

    def outcome(self, function: str) -> SandboxOutcome:
        if function not in self._outcomes:
            self._outcomes[function] = self._prepare_safely(function)
        return self._outcomes[function]

    def _prepare_safely(self, function: str) -> SandboxOutcome:
        """Prepare one function; a failure of the grader costs that function's checks only."""
        try:
            return self._prepare_one(function)
        except Exception as exc:  # noqa: BLE001 - reported as an error of these checks
            return GraderFailure(function, f"{type(exc).__name__}: {exc}")

    def _cases(self, function: str) -> tuple[dict[str, Call], dict[str, CallResult]]:
        if self.reference is not None and function in self.reference.graded:
            return live_cases(function, self.seed, self.reference)
        public = load_public(function)
        return public.calls, public.expected

    def _prepare_one(self, function: str) -> SandboxOutcome:
        exercise = self.course.exercise(function)
        lesson = self.course.lesson(exercise.lesson)
        calls, expected = self._cases(function)
        notebook = self.submission.notebooks.get(lesson.id)
        if lesson.id in self.submission.missing:
            return SandboxOutcome(
                function, calls, expected, None, f"{lesson.notebook} was not submitted."
            )
        if notebook is None:
            return SandboxOutcome(
                function,
                calls,
                expected,
                None,
                self.submission.errors.get(lesson.id, "unreadable notebook"),
            )
        if function not in notebook.defined_names():
            why = notebook.problem_for(function)
            message = f"{lesson.notebook} does not define `{function}`"
            message += (
                f": {why}" if why else ". Did you rename or delete it? Its name must stay as given."
            )
            return SandboxOutcome(function, calls, expected, None, message)
        statements = select_for(notebook.definitions, function)
        deps_source, deps = self._deps(function)
        run = run_function(
            statements=statements,
            function=function,
            cases=[(name, call.args, call.kwargs) for name, call in calls.items()],
            deps_source=deps_source,
            deps=deps,
            limits=self.limits_for(exercise),
        )
        if not run.defined and run.fate is None:
            problem = "; ".join(run.load_problems) or "it did not define a callable"
            return SandboxOutcome(
                function, calls, expected, None, f"`{function}` could not be loaded: {problem}"
            )
        return SandboxOutcome(function, calls, expected, run, None)

    def _deps(self, function: str) -> tuple[str, list[str]]:
        if self.reference is not None:
            return self.reference.deps_source(function), self.reference.deps_of(function)
        # A student release: the functions this one builds on come from the student's own
        # notebooks (the public store lists them).
        deps = load_public(function).deps
        parts = []
        for dep in deps:
            lesson = self.course.lesson_of(dep)
            notebook = self.submission.notebooks.get(lesson.id)
            if notebook is not None and dep in notebook.defined_names():
                parts.extend(d.source for d in select_for(notebook.definitions, dep))
        return "\n\n".join(dict.fromkeys(parts)) + "\n", deps


# -- running the checks -------------------------------------------------------------------------


def classify(exc: BaseException | None) -> tuple[str, str]:
    """A check's status and message from the exception it ended with (None: it passed)."""
    if exc is None:
        return "passed", ""
    if isinstance(exc, NotImplementedYet):
        return "not implemented", "not implemented yet"
    if isinstance(exc, NotDefined):
        return "not defined", str(exc)
    if isinstance(exc, CheckFailed):
        return "failed", exc.feedback
    if isinstance(exc, AssertionError):
        return "failed", str(exc).split("\n")[0] or "a check failed"
    return "error", f"the check could not finish ({type(exc).__name__}: {str(exc)[:300]})"


class GradingPlugin:
    """A pytest plugin: serves ``outcome`` to the checks and records each check's result."""

    name = "course-grading"

    def __init__(self, session: GradingSession, checks: dict[str, str]):
        self.session = session
        self.checks = checks  # test name -> function
        self.records: dict[str, tuple[str, str]] = {}
        self.requires: dict[str, tuple[str, ...]] = {}

    def pytest_collection_modifyitems(self, session, config, items):
        kept = [item for item in items if item.originalname in self.checks]
        deselected = [item for item in items if item.originalname not in self.checks]
        items[:] = kept
        if deselected:
            config.hook.pytest_deselected(items=deselected)

    def pytest_runtest_makereport(self, item, call):
        self.requires[item.originalname] = getattr(item.obj, "__course_requires__", ())
        if call.when == "call" or (call.when == "setup" and call.excinfo is not None):
            exc = call.excinfo.value if call.excinfo is not None else None
            self.records[item.originalname] = classify(exc)


def _make_fixture_plugin(session: GradingSession) -> object:
    import pytest

    class OutcomeFixture:
        @pytest.fixture
        def outcome(self) -> Callable[[str], SandboxOutcome]:
            return session.outcome

    return OutcomeFixture()


def grade_submission(
    submission: Submission,
    *,
    course: Course | None = None,
    seed: int | None = None,
    functions: list[str] | None = None,
    use_reference: bool = True,
    jobs: int | None = None,
    timeout_seconds: float | None = None,
) -> GradingResult:
    """Grade the lessons a submission holds (or only ``functions``)."""
    import pytest

    course = course or load_course()
    started = time.perf_counter()
    session = GradingSession(
        submission,
        course,
        seed=seed,
        use_reference=use_reference,
        jobs=jobs,
        timeout_seconds=timeout_seconds,
    )
    lessons = submission.lessons_present | submission.missing
    wanted = [
        e
        for e in course.exercises
        if (e.function in functions if functions is not None else e.lesson in lessons)
    ]
    import_checks(course, {e.lesson for e in wanted})
    session.prepare([e.function for e in wanted])
    checks = {name: e.function for e in wanted for name in e.checks}
    modules = sorted(
        {str(CHECKS_DIR / f"{course.lesson(e.lesson).checks_module}.py") for e in wanted}
        & {str(p) for p in CHECKS_DIR.glob("test_*.py")}
    )
    plugin = GradingPlugin(session, checks)
    args = [
        *modules,
        "-p",
        "no:cacheprovider",
        "-p",
        "no:terminal",
        "-p",
        "no:randomly",
        "-p",
        "no:benchmark",
        "-p",
        "no:doctest",
        "-p",
        "no:junitxml",
        "-p",
        "no:pastebin",
        "-p",
        "no:stepwise",
        "-p",
        "no:faulthandler",
        "--import-mode=importlib",
        "--rootdir",
        str(CHECKS_DIR),
        "-c",
        str(CHECKS_DIR / "pytest.ini"),
        "-W",
        "ignore",
    ]
    sink = io.StringIO()
    exit_code = 0
    if checks and modules:
        with redirect_stdout(sink), redirect_stderr(sink):
            exit_code = pytest.main(args, plugins=[plugin, _make_fixture_plugin(session)])
    if exit_code not in (0, 1) and not plugin.records:
        raise RuntimeError(
            f"the checks could not be run (pytest exit code {exit_code}): {sink.getvalue()[-2000:]}"
        )
    reports = []
    for exercise in wanted:
        report = FunctionReport(
            function=exercise.function, lesson=exercise.lesson, max_points=exercise.points
        )
        for check, points in exercise.checks.items():
            status, message = plugin.records.get(check, ("error", "this check did not run"))
            report.checks.append(
                CheckRecord(
                    function=exercise.function,
                    check=check,
                    status=status,
                    message=message,
                    points=points if status == "passed" else 0.0,
                    max_points=points,
                )
            )
        apply_requirements(report.checks, plugin.requires)
        outcome = session._outcomes.get(exercise.function)
        if outcome is not None and outcome.run is not None and outcome.run.load_problems:
            report.note = outcome.run.load_problems[0]
        reports.append(report)
    problems = [
        f"{course.lesson(l).notebook}: {why}" for l, why in sorted(submission.errors.items())
    ]
    for lesson_id, notebook in sorted(submission.notebooks.items()):
        problems.extend(f"{course.lesson(lesson_id).notebook}: {p}" for p in notebook.problems)
    return GradingResult(
        submission=submission.name,
        functions=reports,
        seed=session.seed if session.mode == "hidden" else None,
        mode=session.mode,
        problems=problems,
        seconds=time.perf_counter() - started,
    )


def check_in_namespace(function: str, namespace: dict[str, Any]) -> FunctionReport:
    """The public checks of one function, on the version in ``namespace`` (a notebook's globals)."""
    course = load_course()
    exercise = course.exercise(function)
    module = importlib.import_module(
        f"autograder.checks.{course.lesson(exercise.lesson).checks_module}"
    )
    public = load_public(function)
    target = namespace.get(function)
    outcome = LocalOutcome(function, target if callable(target) else None, public)
    report = FunctionReport(function=function, lesson=exercise.lesson, max_points=exercise.points)
    required: dict[str, tuple[str, ...]] = {}
    for check, points in exercise.checks.items():
        test = getattr(module, check, None)
        if test is None:
            status, message = "error", f"the check {check} is missing from {module.__name__}"
        else:
            try:
                test(outcome=lambda name: outcome if name == function else _unavailable(name))
                status, message = classify(None)
            except Exception as exc:  # noqa: BLE001 - classified into feedback
                status, message = classify(exc)
        report.checks.append(
            CheckRecord(
                function, check, status, message, points if status == "passed" else 0.0, points
            )
        )
        required[check] = getattr(test, "__course_requires__", ())
    apply_requirements(report.checks, required)
    return report


def _unavailable(name: str) -> Any:
    raise RuntimeError(f"a check of another function ({name}) asked for its outcome")
