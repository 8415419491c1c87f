"""Outcomes: what a check sees of one graded function's run (see ``checking.Outcome``).

* ``SandboxOutcome`` (``course check``, ``course grade``): the student's function ran in a
  confined worker on cases the grader drew; the expected values come from the reference.
* ``LocalOutcome`` (``check("relu")`` in a notebook): the public cases, the student's function
  called in the student's own kernel.

Both raise, at the first use, what stops the checks from judging the code: ``NotDefined``,
``NotImplementedYet`` (naming the unfinished function when it is another one), or
``GraderError`` (the grader's own failure, never a pass). A function with zero cases is a
grader error too: a check over nothing must not pass.
"""

from __future__ import annotations

import copy
import re
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from autograder import codec
from autograder.checking import Call, CheckFailed, GraderError, NotDefined, NotImplementedYet
from autograder.codec import CallResult
from autograder.sandbox import probes
from autograder.sandbox.runner import WorkerRun

CaseSource = Callable[[], "tuple[dict[str, Call], dict[str, CallResult]]"]


class _OutcomeBase:
    function: str
    graded: frozenset[str] = frozenset()  # names of the course's graded functions

    def __init__(self, function: str, cases: CaseSource):
        self.function = function
        self._case_source = cases
        self._cases: tuple[dict[str, Call], dict[str, CallResult]] | None = None

    # Subclasses: raise NotDefined / NotImplementedYet / GraderError when nothing can be judged.
    def _ready(self) -> None:
        pass

    def _student(self, case: str) -> CallResult:  # pragma: no cover - abstract
        raise NotImplementedError

    def _load(self) -> tuple[dict[str, Call], dict[str, CallResult]]:
        self._ready()
        if self._cases is None:
            try:
                self._cases = self._case_source()
            except (GraderError, NotDefined, NotImplementedYet):
                raise
            except Exception as exc:  # noqa: BLE001 - the grader's failure, never a pass
                raise GraderError(
                    f"the cases of `{self.function}` could not be prepared ({exc})"
                ) from None
        calls, _ = self._cases
        if not calls:
            raise GraderError(f"no cases were drawn for `{self.function}`")
        return self._cases

    @property
    def cases(self) -> list[str]:
        return list(self._load()[0])

    def call(self, case: str) -> Call:
        calls, _ = self._load()
        if case not in calls:
            raise GraderError(
                f"the check asked for a case '{case}' that `{self.function}` does not have"
            )
        original = calls[case]
        return Call(*copy.deepcopy(original.args), **copy.deepcopy(original.kwargs))

    def expected(self, case: str) -> Any:
        result = self._expected(case)
        if result.raised is not None:
            raise GraderError(
                f"the reference raised {result.raised.type} on case {case}: {result.raised.message}"
            )
        return copy.deepcopy(result.value)

    def expected_raised(self, case: str) -> codec.Raised | None:
        return self._expected(case).raised

    def _expected(self, case: str) -> CallResult:
        _, expected = self._load()
        if case not in expected:
            raise GraderError(f"no expected value for case '{case}' of `{self.function}`")
        return expected[case]

    def result(self, case: str) -> Any:
        got = self._student(case)
        if got.raised is not None:
            where = f"; {got.raised.where}" if got.raised.where else ""
            raise CheckFailed(
                f"`{self.function}` raised {got.raised.type}: {got.raised.message} "
                f"(on the '{case}' case{where}).",
                hint_for_exception(got.raised),
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

    def kwargs_after(self, case: str) -> dict:
        got = self._student(case)
        if got.kwargs_after is None:
            raise CheckFailed(
                f"the inputs of the '{case}' case could not be read back after the call."
            )
        return got.kwargs_after

    def _unfinished(self, raised: codec.Raised) -> NotImplementedYet:
        """A stub's NotImplementedError: this function's own, or one it calls (named)."""
        named = raised.message.strip().strip("'\"")
        if named and named != self.function and named in self.graded:
            return NotImplementedYet(
                f"`{self.function}` calls `{named}`, which is not implemented yet: "
                f"finish `{named}` first, then check `{self.function}` again."
            )
        return NotImplementedYet(self.function)


_MATMUL = re.compile(r"^matmul: .*\(size (?P<rows>\d+) is different from (?P<columns>\d+)\)")
_DOT = re.compile(
    r"^shapes \(.*\) and \(.*\) not aligned: (?P<columns>\d+) \(dim \d+\) != (?P<rows>\d+)"
)
_BROADCAST = re.compile(r"broadcast together with shapes \((\d+),(\d+)\) \((\d+),(\d+)\)")
_CODE = re.compile(r"line \d+, in [^\s:]+: (?P<code>.*)$")


def hint_for_exception(raised: codec.Raised) -> str | None:
    """Advice on an exception the student's function raised, from what the exception itself
    shows (its type, its message, the line it came from), never a guess at its cause: the
    batch-first shapes of X and W1 are mentioned only for a product of X and W1 whose sizes do
    not fit. None when the message says all there is to say."""
    message = raised.message
    if raised.type == "PermissionError" and (
        "not permitted" in message or "denied" in message or "grader" in message
    ):
        return "Graded functions may only compute: no files, processes or network."
    if raised.type == "NameError":
        found = re.search(r"name '([^']+)' is not defined", message)
        name = f"`{found[1]}`" if found else "A name it uses"
        return (
            f"{name} is not defined when the function runs. When grading, only the notebook's "
            "imports, functions, classes and constants are taken: not variables set by other "
            "statements, nor anything from a deleted cell."
        )
    if raised.type == "MemoryError":
        return "It asked for far more memory than the task needs."
    if raised.type != "ValueError":
        return None
    sizes = _MATMUL.search(message) or _DOT.search(message)
    if sizes:
        hint = (
            f"In A @ B, the columns of A must match the rows of B; here A has "
            f"{sizes['columns']} columns and B {sizes['rows']} rows."
        )
        code = _CODE.search(raised.where or "")
        line = code["code"] if code else ""
        product = any(op in line for op in ("@", "dot(", "matmul("))
        if product and re.search(r"\bX\b", line) and "W1" in line:
            hint += " The course is batch-first: X is (N, n_in) and W1 is (n_in, H), so X @ W1."
        return hint
    shapes = _BROADCAST.search(message)
    if shapes:
        a, b, c, d = (int(n) for n in shapes.groups())
        if (a, b) == (d, c) and a != b:
            return f"The shapes ({a}, {b}) and ({c}, {d}) are each other's transpose."
    return None


class SandboxOutcome(_OutcomeBase):
    """The student's function as it ran in a confined worker."""

    def __init__(
        self,
        function: str,
        cases: CaseSource,
        run: WorkerRun | None = None,
        *,
        not_defined: str | None = None,
        not_implemented: str | None = None,
        grader_error: str | None = None,
        graded: frozenset[str] = frozenset(),
    ):
        super().__init__(function, cases)
        self.run = run
        self.not_defined = not_defined
        self.not_implemented = not_implemented
        self.grader_error = grader_error or (run.grader_error if run is not None else None)
        self.graded = graded

    def _ready(self) -> None:
        if self.grader_error:
            raise GraderError(self.grader_error)
        if self.not_defined:
            raise NotDefined(self.not_defined)
        if self.not_implemented is not None:
            raise NotImplementedYet(self.not_implemented or self.function)
        if self.run is not None:
            for got in self.run.results.values():
                if got.raised is not None and got.raised.type == "NotImplementedError":
                    raise self._unfinished(got.raised)

    def _student(self, case: str) -> CallResult:
        self._load()
        assert self.run is not None
        got = self.run.results.get(case)
        if got is None:
            if self.run.misuse:
                raise CheckFailed(
                    f"`{self.function}` gave no result for the '{case}' case: {self.run.misuse}."
                )
            if self.run.fate:
                raise CheckFailed(
                    f"`{self.function}` was stopped on the '{case}' case: {self.run.fate}."
                )
            raise CheckFailed(
                f"`{self.function}` gave no result for the '{case}' case: the process ended before "
                "returning every result (os._exit or exit()?)."
            )
        return got


class LocalOutcome(_OutcomeBase):
    """The student's function called in the current process (their own kernel)."""

    def __init__(
        self,
        function: str,
        target: Callable | None,
        cases: CaseSource,
        *,
        graded: frozenset[str] = frozenset(),
    ):
        super().__init__(function, cases)
        self._target = target
        self._results: dict[str, CallResult] = {}
        self.graded = graded

    def _ready(self) -> None:
        if self._target is None:
            raise NotDefined(
                f"`{self.function}` is not defined yet: run its cell (Shift+Enter) first."
            )

    def _student(self, case: str) -> CallResult:
        if case not in self._results:
            self._results[case] = call_locally(self._target, self.call(case))
        got = self._results[case]
        if got.raised is not None and got.raised.type == "NotImplementedError":
            raise self._unfinished(got.raised)
        return got


def _where_in_notebook(exc: BaseException) -> str:
    """The last line of the student's own code in a traceback (not the course's or a library's)."""
    import sys

    package = str(Path(__file__).resolve().parent.parent)
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if not frame.filename.startswith((package, sys.prefix, sys.base_prefix)):
            line = (frame.line or "").strip()
            return f"line {frame.lineno}, in {frame.name}: {line}".rstrip(": ")
    return ""


def call_locally(target: Callable, call: Call) -> CallResult:
    """Call ``target`` here; the result crosses the codec, so it is what the grader would see.
    The arguments after the call are the ones ``target`` received (``resolve`` rebuilds the
    dicts and lists around them), so a key added to a dict argument shows, as in a worker."""
    args = probes.resolve(call.args)
    kwargs = probes.resolve(call.kwargs)
    started = time.perf_counter()
    try:
        value = target(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - any student exception becomes feedback
        raised = codec.Raised(type(exc).__name__, str(exc)[:500], _where_in_notebook(exc))
        return CallResult(raised=raised, args_after=args, kwargs_after=kwargs)
    arrays: dict[str, np.ndarray] = {}

    def put(array: np.ndarray) -> str:
        key = f"a{len(arrays)}"
        arrays[key] = array
        return key

    try:
        decoded = codec.decode(codec.encode(value, put), lambda key: arrays[key].copy())
    except codec.CodecError as exc:
        raised = codec.Raised("InvalidResult", f"the result could not be read back: {exc}")
        return CallResult(raised=raised, args_after=args, kwargs_after=kwargs)
    seconds = time.perf_counter() - started
    return CallResult(value=decoded, args_after=args, kwargs_after=kwargs, seconds=seconds)
