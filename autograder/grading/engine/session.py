"""A grading session: the workers for one submission, and the outcomes the checks read.

Each graded function gets its own confined worker (``sandbox.runner``), several at once. A
function that is missing, or still only raises NotImplementedError, gets no worker at all.
Anything that fails on the grader's side costs that function only, as "needs review".
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor

from autograder import environment
from autograder.config import Course, Exercise
from autograder.grading.engine.cases import CaseBook
from autograder.grading.engine.outcomes import SandboxOutcome
from autograder.grading.engine.submissions import Submission
from autograder.notebooks import is_stub, select_for
from autograder.sandbox.runner import Job, Limits, Sandbox, WorkerRun, run_function


def default_jobs() -> int:
    configured = int(environment.current().grading_jobs)
    return configured or min(4, os.cpu_count() or 1)


class GradingSession:
    """Runs the workers for one submission and serves outcomes to the checks."""

    def __init__(
        self,
        submission: Submission,
        course: Course,
        casebook: CaseBook,
        *,
        jobs: int | None = None,
        timeout_seconds: float | None = None,
        sandbox: Sandbox | None = None,
        deadline_seconds: float | None = None,
    ):
        self.submission = submission
        seconds = deadline_seconds or course.grading.submission_seconds
        #: When the whole submission must be done (monotonic); what is still running then is
        #: stopped, and what has not started is not run: the student's failure, with the reason.
        self.deadline = time.monotonic() + seconds
        self.deadline_reason = (
            f"grading this submission went over its time limit of {seconds:g} s "
            "(functions that wait, or run much slower than needed?)"
        )
        self.course = course
        self.casebook = casebook
        self.timeout_seconds = timeout_seconds
        self.jobs = jobs or default_jobs()
        self.sandbox = sandbox
        self._outcomes: dict[str, Future] = {}
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self.sources: dict[str, str] = {}

    def limits_for(self, exercise: Exercise) -> Limits:
        grading = self.course.grading
        return Limits(
            cpu_seconds=self.timeout_seconds or exercise.timeout_seconds,
            memory_mb=grading.memory_mb,
            output_kb=grading.output_kb,
            max_result_mb=grading.max_result_mb,
        )

    def start(self, functions: list[str]) -> None:
        """Start the workers of ``functions`` in the background; the slowest ones first, so the
        checks of the quick ones can run while those finish."""
        order = sorted(functions, key=lambda f: -len(self.casebook.proxied_deps(f)))
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=self.jobs, thread_name_prefix="worker")
            for function in order:
                if function not in self._outcomes:
                    self._outcomes[function] = self._pool.submit(self._prepare_safely, function)

    def outcome(self, function: str) -> SandboxOutcome:
        with self._lock:
            future = self._outcomes.get(function)
            if future is None:
                future = Future()
                future.set_result(self._prepare_safely(function))
                self._outcomes[function] = future
        return future.result()

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)

    def _prepare_safely(self, function: str) -> SandboxOutcome:
        """Prepare one function; a failure of the grader costs that function's checks only."""
        try:
            return self._prepare_one(function)
        except Exception as exc:  # noqa: BLE001 - reported as "needs review", never a pass
            return self._outcome(function, grader_error=f"{type(exc).__name__}: {exc}")

    def _outcome(self, function: str, run=None, **why) -> SandboxOutcome:
        return SandboxOutcome(
            function, self.casebook.source(function), run, graded=self.casebook.graded, **why
        )

    def _prepare_one(self, function: str) -> SandboxOutcome:
        exercise = self.course.exercise(function)
        lesson = self.course.lesson(exercise.lesson)
        notebook = self.submission.notebooks.get(lesson.id)
        if lesson.id in self.submission.missing:
            return self._outcome(function, not_defined=f"{lesson.notebook} was not submitted.")
        if notebook is None:
            why = self.submission.errors.get(lesson.id, "unreadable notebook")
            return self._outcome(function, not_defined=why)
        if function not in notebook.defined_names():
            why = notebook.problem_for(function)
            message = f"{lesson.notebook} does not define `{function}`"
            message += (
                f": {why}" if why else ". Did you rename or delete it? Its name must stay as given."
            )
            return self._outcome(function, not_defined=message)
        statements = select_for(notebook.definitions, function)
        own = [d for d in statements if function in d.names and d.kind == "function"]
        if own:
            self.sources[function] = own[-1].source
        if own and is_stub(own[-1]):
            return self._outcome(function, not_implemented="")
        try:
            own_deps = self._own_deps(function)
        except MissingDependency as exc:
            return self._outcome(function, not_defined=str(exc))
        job = Job(
            function=function,
            statements=[
                {
                    "source": d.source,
                    "filename": d.label,
                    "line": d.line,
                    "names": list(d.names),
                }
                for d in statements
            ],
            cases=[
                (name, call.args, call.kwargs)
                for name, call in self.casebook.cases(function)[0].items()
            ],
            proxied_deps=self.casebook.proxied_deps(function),
            **own_deps,
        )
        if time.monotonic() >= self.deadline:
            return self._outcome(function, WorkerRun(fate=self.deadline_reason))
        run = run_function(
            job,
            limits=self.limits_for(exercise),
            serve=self.casebook.call_server() if job.proxied_deps else None,
            sandbox=self.sandbox,
            deadline=self.deadline,
            deadline_reason=self.deadline_reason,
        )
        if not run.defined and run.fate is None and run.grader_error is None and not run.misuse:
            problem = "; ".join(run.load_problems) or "it did not define a callable"
            return self._outcome(
                function, not_defined=f"`{function}` could not be loaded: {problem}"
            )
        return self._outcome(function, run)

    def _own_deps(self, function: str) -> dict:
        """A student release: the student's own versions of what this function builds on."""
        deps = self.casebook.own_deps(function)
        if not deps:
            return {}
        parts: list[str] = []
        absent = []
        for dep in deps:
            lesson = self.course.lesson_of(dep)
            notebook = self.submission.earlier_notebook(lesson)
            if notebook is not None and dep in notebook.defined_names():
                parts.extend(d.source for d in select_for(notebook.definitions, dep))
            else:
                absent.append(f"`{dep}` ({lesson.notebook})")
        if absent:
            raise MissingDependency(
                f"`{function}` builds on your {', '.join(absent)}, which "
                f"{'was' if len(absent) == 1 else 'were'} not found. Keep the lesson notebooks "
                "together in one folder and check them together (`course check FOLDER`)."
            )
        return {"own_deps_source": "\n\n".join(dict.fromkeys(parts)) + "\n", "own_deps": deps}


class MissingDependency(Exception):
    """A student release: an earlier function this one builds on is not in the student's work."""
