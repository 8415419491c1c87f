"""The cases a function is graded on, and what the reference returns on them, once per run.

Hidden checks draw fresh inputs from the run's seed (recorded in the results, so a run can be
replayed) and run the reference on the grader's side. A ``CaseBook`` does that once per function
for a whole grading run, however many students it grades. Without ``solutions/`` (a student
release) the public cases stored by ``course build`` stand in, and the functions a graded one
builds on come from the student's own notebooks.

The reference also answers the calls a worker makes to the course functions the graded one builds
on: only those, on the worker's inputs, with plain values back, in a helper process with its own
budget (``reference_calls``, ``call_bounds``), never in the grading process.
"""

from __future__ import annotations

import copy
import importlib
import os
import threading
import zlib
from collections.abc import Callable

import numpy as np

from autograder import codec
from autograder.checking import CASE_BUILDERS, Call
from autograder.codec import CallResult
from autograder.config import CHECKS_DIR, Course
from autograder.grading.engine.reference_calls import ReferenceServer
from autograder.public import load_public
from autograder.reference import Reference, ReferenceMissing, load_reference, solutions_dir
from autograder.sandbox import probes


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
    expected = {name: call_reference(target, call) for name, call in calls.items()}
    return calls, expected


def call_reference(target: Callable, call: Call) -> CallResult:
    args = probes.resolve(copy.deepcopy(call.args))
    kwargs = probes.resolve(copy.deepcopy(call.kwargs))
    try:
        return CallResult(value=target(*args, **kwargs))
    except Exception as exc:  # noqa: BLE001 - validate_submission raises by design
        return CallResult(raised=codec.Raised(type(exc).__name__, str(exc)))


def fresh_seed() -> int:
    return int.from_bytes(os.urandom(4), "little")


class CaseBook:
    """Cases and expected values for one grading run, computed once per function, thread-safe."""

    def __init__(self, course: Course, *, seed: int | None = None, use_reference: bool = True):
        self.course = course
        self.reference: Reference | None = None
        if use_reference:
            try:
                self.reference = load_reference()
            except ReferenceMissing:
                self.reference = None
        self.mode = "hidden" if self.reference is not None else "public"
        self.seed = seed if seed is not None else fresh_seed()
        self.graded = frozenset(e.function for e in course.exercises)
        self._lock = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._cache: dict[str, tuple[dict[str, Call], dict[str, CallResult]]] = {}
        import_checks(course, {lesson.id for lesson in course.lessons})

    def cases(self, function: str) -> tuple[dict[str, Call], dict[str, CallResult]]:
        with self._lock:
            lock = self._locks.setdefault(function, threading.Lock())
        with lock:
            if function not in self._cache:
                self._cache[function] = self._draw(function)
            return self._cache[function]

    def source(self, function: str) -> Callable[[], tuple[dict[str, Call], dict[str, CallResult]]]:
        return lambda: self.cases(function)

    def _draw(self, function: str) -> tuple[dict[str, Call], dict[str, CallResult]]:
        if self.reference is not None and function in self.reference.graded:
            return live_cases(function, self.seed, self.reference)
        public = load_public(function)
        return public.calls, public.expected

    def proxied_deps(self, function: str) -> list[str]:
        """Hidden checks: the course functions this one builds on, answered by the reference."""
        if self.reference is None:
            return []
        return self.reference.deps_of(function)

    def own_deps(self, function: str) -> list[str]:
        """A student release: the earlier functions this one builds on (the student's own)."""
        if self.reference is not None:
            return []
        return load_public(function).deps

    def call_server(self) -> ReferenceServer | None:
        """Hidden checks: the server whose helpers answer workers' calls of the course's
        functions with the reference (never in this process: see ``reference_calls``)."""
        if self.reference is None:
            return None
        return ReferenceServer.shared(solutions_dir())
