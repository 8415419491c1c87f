"""What the grader will do for a worker: the budget of one graded function's reference calls, and
the check each call passes before the reference runs it.

A worker's calls of the course's functions (``backward`` calling ``softmax``, ``gradient_descent``
calling ``forward``) are answered by the reference, on the grader's side, in a helper process
(``reference_server``). Everything that helper does for one graded function comes out of one
``CallBudget``, set tighter than the worker's own limits:

* ``calls``: how many calls in all;
* ``cpu_seconds``: the helper's CPU time in all (a kernel limit: the helper is killed at it);
* ``memory_bytes``: what the helper's address space may grow by (a kernel limit);
* ``result_bytes``: the largest result one call may produce, and the largest arguments.

Before a call runs, ``check_call`` refuses arguments of a dtype the course's functions do not
take (float16 and long double have no fast path in NumPy: one matrix product can take minutes)
and a call whose result would be too large, judged from the arguments' shapes and integer
values alone: the result of a course function holds at most ``RESULT_FACTOR`` times the larger
of the numbers its arguments hold and the product of the two largest sizes among them (a matrix
product's). A refusal is the student's failure: the worker's call raises, with the reason.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

#: The dtypes the course's functions take (booleans, integers, float32 and float64).
ACCEPTED_DTYPES = frozenset(
    np.dtype(name)
    for name in (
        "bool",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "float32",
        "float64",
    )
)
#: A course function's results hold at most this many times the numbers its shapes allow.
RESULT_FACTOR = 4
#: Each number of a result is counted as a float64.
BYTES_PER_NUMBER = 8
#: Calls one graded function may make (a correct ``gradient_descent`` makes about 500).
MAX_CALLS = 50_000
#: The share of a worker's CPU time and memory its reference calls may use.
SHARE = 0.5


class CallRefused(Exception):
    """A call the grader will not run; sent back to the worker as ``kind(message)``."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass(frozen=True)
class CallBudget:
    """What one graded function's reference calls may use, all together."""

    functions: tuple[str, ...]
    calls: int
    cpu_seconds: float
    memory_bytes: int
    result_bytes: int

    @classmethod
    def for_worker(
        cls, functions: list[str], *, cpu_seconds: float, memory_mb: int, max_result_mb: int
    ) -> CallBudget:
        """Tighter than the worker's own limits: a share of its CPU time and memory."""
        return cls(
            functions=tuple(functions),
            calls=MAX_CALLS,
            cpu_seconds=max(1.0, cpu_seconds * SHARE),
            memory_bytes=int((memory_mb << 20) * SHARE),
            result_bytes=min(max_result_mb << 20, int((memory_mb << 20) * SHARE) // 4),
        )

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict) -> CallBudget:
        return cls(**{**raw, "functions": tuple(raw["functions"])})

    def describe_calls(self) -> str:
        return f"it called the course's functions more than {self.calls:,} times"

    def describe_cpu(self) -> str:
        return (
            f"the course's functions it called needed more than {self.cpu_seconds:g} s of the "
            "grader's CPU time (far larger inputs than the task needs, or calls in an endless "
            "loop?)"
        )


def _walk(value: Any, path: str, arrays: list[tuple[str, np.ndarray]], sizes: list[int]) -> None:
    if isinstance(value, np.ndarray):
        arrays.append((path, value))
        sizes.extend(int(n) for n in value.shape)
    elif isinstance(value, (bool, np.bool_)):
        return
    elif isinstance(value, (int, np.integer)):
        sizes.append(abs(int(value)))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _walk(item, f"{path}[{index}]", arrays, sizes)
    elif isinstance(value, dict):
        for key, item in value.items():
            _walk(item, f"{path}[{key!r}]", arrays, sizes)


def _parts(arguments: dict[str, Any]) -> tuple[list[tuple[str, np.ndarray]], list[int]]:
    """The arrays among the arguments, and the sizes they give: array dimensions and integers
    (a seed is an integer, but not a size)."""
    arrays: list[tuple[str, np.ndarray]] = []
    sizes: list[int] = []
    for parameter, value in arguments.items():
        _walk(value, parameter, arrays, [] if "seed" in parameter else sizes)
    return arrays, sizes


def result_numbers(arguments: dict[str, Any]) -> int:
    """An upper bound on the numbers a course function's result holds, from its arguments
    (parameter name -> value, as the call binds them)."""
    arrays, sizes = _parts(arguments)
    held = sum(int(a.size) for _, a in arrays)
    largest = sorted(sizes, reverse=True)[:2] + [1, 1]
    return RESULT_FACTOR * max(held, math.prod(largest[:2]), 1)


def check_call(name: str, arguments: dict[str, Any], budget: CallBudget) -> None:
    """Refuse (``CallRefused``) a call of the course's ``name`` the grader will not run.
    ``arguments``: parameter name -> value, as the call binds them."""
    if name not in budget.functions:
        raise CallRefused("RuntimeError", f"{name} is not available here")
    arrays, _ = _parts(arguments)
    for path, array in arrays:
        if array.dtype.newbyteorder("=") not in ACCEPTED_DTYPES:
            raise CallRefused(
                "TypeError",
                f"{name}(...) got an array of dtype {array.dtype} ({path}); the course's "
                "functions take booleans, integers, float32 or float64",
            )
    given = sum(a.nbytes for _, a in arrays)
    if given > budget.result_bytes:
        raise CallRefused(
            "MemoryError",
            f"the arguments of {name}(...) hold {given / 2**20:,.1f} MB; a call of the course's "
            f"functions may take at most {budget.result_bytes / 2**20:,.0f} MB",
        )
    numbers = result_numbers(arguments)
    if numbers * BYTES_PER_NUMBER > budget.result_bytes:
        raise CallRefused(
            "MemoryError",
            f"{name}(...) would return up to {numbers * BYTES_PER_NUMBER / 2**20:,.0f} MB on "
            f"these arguments; a call of the course's functions may return at most "
            f"{budget.result_bytes / 2**20:,.0f} MB",
        )
