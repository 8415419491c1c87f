"""What check modules are written with: cases, outcomes and assertions that explain themselves.

A check module (``autograder/checks/test_NN_*.py``) is a pytest module. For each graded function
it registers a case builder with ``@cases_for("name")``; its tests take the ``outcome`` fixture,
ask for ``outcome("name")`` and compare what the student's function returned against what the
reference returned, with the ``expect_*`` helpers below. The same tests run in two places:

* grading (``course check``, ``course grade``): cases drawn with a fresh seed, the student's code
  run in a sandboxed worker, the reference run on the grader's side;
* a notebook's ``check("name")``: the public cases stored by ``course build`` (fixed inputs and the
  reference's outputs), the student's function called in their own kernel.

Every ``expect_*`` raises ``CheckFailed`` with feedback that reads coarse to fine: a value of the
right type, then its shape, then finite values, then the values themselves with the tolerance,
and a hint that names the mistake where a known mistake fits the wrong output.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from autograder.codec import Probe, Raised, Unsupported

__all__ = [
    "Call",
    "CheckFailed",
    "GraderError",
    "Mistake",
    "NotDefined",
    "NotImplementedYet",
    "Outcome",
    "Probe",
    "Raised",
    "cases_for",
    "describe",
    "expect",
    "expect_close",
    "expect_dict",
    "expect_dtype",
    "expect_equal",
    "expect_ndarray",
    "expect_number",
    "expect_scalar",
    "expect_shape",
    "expect_unchanged",
    "failure",
    "matching_hint",
    "matching_mistake",
    "requires",
    "result_or_known_error",
    "tolerance_for",
]


# -- outcomes of grading ------------------------------------------------------------------------


class CheckFailed(AssertionError):
    """A check that failed, with the feedback a student reads.

    ``message`` says what differs; ``hint`` is advice. ``mistake`` is the id of the known mistake
    the student's output was matched against (``Mistake.id``), set only when the hint names that
    mistake because the output fits its model; it travels as data into the results, items.csv
    and the class report. Pass a ``Mistake`` as ``mistake`` to take its hint and id together.
    """

    def __init__(
        self, message: str, hint: str | None = None, *, mistake: str | Mistake | None = None
    ):
        if isinstance(mistake, Mistake):
            hint = hint or mistake.hint
            mistake = mistake.id or None
        self.message = message
        self.hint = hint
        self.mistake = mistake or None
        super().__init__(self.feedback)

    @property
    def feedback(self) -> str:
        return f"{self.message} Hint: {self.hint}" if self.hint else self.message


class NotImplementedYet(Exception):
    """The function still raises NotImplementedError: nothing to grade yet."""


class NotDefined(Exception):
    """The notebook does not define the function (renamed, deleted, or its cell does not parse)."""


class GraderError(Exception):
    """The grader itself failed (not the student's code): zero points and "needs review"."""


# -- cases --------------------------------------------------------------------------------------


class Call:
    """The arguments of one call: ``Call(X, params, seed=3)``."""

    def __init__(self, *args: Any, **kwargs: Any):
        self.args = args
        self.kwargs = kwargs

    def __repr__(self) -> str:
        parts = [describe(a) for a in self.args] + [
            f"{k}={describe(v)}" for k, v in self.kwargs.items()
        ]
        return f"Call({', '.join(parts)})"


CaseBuilder = Callable[[np.random.Generator, Any], "dict[str, Call]"]
CASE_BUILDERS: dict[str, CaseBuilder] = {}


def cases_for(function: str) -> Callable[[CaseBuilder], CaseBuilder]:
    """Register the case builder of a graded function.

    The builder is called as ``builder(rng, ref)``: ``rng`` is a NumPy Generator (fresh seed when
    grading, the course's public seed when ``course build`` stores the public cases) and ``ref``
    gives the reference functions by attribute (``ref.forward(X, params)``), for inputs that
    need them (a cache for ``backward``). It returns ``{case name: Call(...)}``; keep inputs
    small, the names readable ("random", "large_logits", "one_row").
    """

    def register(builder: CaseBuilder) -> CaseBuilder:
        CASE_BUILDERS[function] = builder
        return builder

    return register


class Outcome(Protocol):
    """What a check sees of one graded function's run. Backends implement this."""

    function: str
    cases: list[str]

    def call(self, case: str) -> Call:
        """The inputs of a case (fresh copies)."""

    def result(self, case: str) -> Any:
        """What the student's function returned; raises CheckFailed if it raised or crashed."""

    def raised(self, case: str) -> Raised | None:
        """The exception the student's function raised on a case, or None."""

    def expected(self, case: str) -> Any:
        """What the reference returned on a case."""

    def expected_raised(self, case: str) -> Raised | None:
        """The exception the reference raised on a case, or None."""

    def args_after(self, case: str) -> tuple:
        """The positional arguments as they were after the student's call (to spot mutation)."""


def requires(*checks: str) -> Callable:
    """Award this check only when ``checks`` (of the same function) pass too.

    Properties such as "leaves its input unchanged" or "keeps float32" say little about a
    function whose values are wrong: ``return Z`` leaves Z unchanged. Mark them
    ``@requires("test_relu_values")`` and they count once the values are right.
    """

    def mark(test: Callable) -> Callable:
        test.__course_requires__ = tuple(checks)  # type: ignore[attr-defined]
        return test

    return mark


# -- assertions -------------------------------------------------------------------------------


@dataclass
class Mistake:
    """A known mistake as a model: its id, what the mistaken code computes, and the hint.

    ``value`` is what the mistaken code would return on the same inputs (computed by the check
    from the inputs); if the student's output matches it, the feedback names the mistake.
    ``matches`` may replace the comparison with a predicate on the student's output. ``id``
    (``"softmax.columns"``: the function, a dot, the mistake) is what the results, items.csv
    and the class report count; the hint is only the words.
    """

    hint: str
    value: Any = None
    matches: Callable[[Any], bool] | None = None
    rtol: float = 1e-4
    atol: float = 1e-6
    id: str = ""

    def fits(self, got: Any) -> bool:
        try:
            if self.matches is not None:
                return bool(self.matches(got))
            if self.value is None:
                return False
            want = np.asarray(self.value)
            have = np.asarray(got)
            if have.shape != want.shape or have.dtype == object:
                return False
            if want.dtype.kind in "biu" and have.dtype.kind in "biu":
                return bool(np.array_equal(have, want))
            with np.errstate(all="ignore"):
                return bool(
                    np.allclose(
                        have.astype(np.float64),
                        want.astype(np.float64),
                        rtol=self.rtol,
                        atol=self.atol,
                        equal_nan=True,
                    )
                )
        except Exception:  # noqa: BLE001 - a detector never breaks a check
            return False


def describe(value: Any) -> str:
    """A short description of a value, for feedback: 'an array of shape (3, 4) and dtype float32'."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, Unsupported):
        return f"a {value.type_name} object"
    if value is None:
        return "None"
    if isinstance(value, bool):
        return f"the bool {value}"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return (
            f"the number {value!r}"
            if not isinstance(value, np.generic)
            else f"a NumPy {type(value).__name__} {value}"
        )
    if isinstance(value, tuple):
        return f"a tuple of {len(value)}"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(map(str, value))}"
    if isinstance(value, Probe):
        return f"the function {value.name}"
    return f"a {type(value).__name__}"


def expect(
    condition: bool, message: str, hint: str | None = None, *, mistake: str | Mistake | None = None
) -> None:
    """Fail with ``message`` (and ``hint``, or the named ``mistake``) unless ``condition`` holds."""
    if not condition:
        raise CheckFailed(message, hint, mistake=mistake)


def failure(
    message: str, mistakes: Iterable[Mistake], got: Any, hint: str | None = None
) -> CheckFailed:
    """A CheckFailed that names the first of ``mistakes`` whose model fits ``got``, or else
    carries ``hint`` (advice that names no mistake)."""
    found = matching_mistake(mistakes, got)
    if found is not None:
        return CheckFailed(message, mistake=found)
    return CheckFailed(message, hint)


def expect_ndarray(
    got: Any, what: str, *, hint: str | None = None, mistakes: Iterable[Mistake] = ()
) -> np.ndarray:
    """``got`` must be a NumPy array (not a list, a scalar, a matrix or another subclass)."""
    if isinstance(got, np.ndarray) and type(got) is np.ndarray:
        return got
    if isinstance(got, (list, tuple)) and hint is None:
        hint = "Wrap the result with np.asarray(...) or build it with NumPy operations."
    raise failure(f"{what} should be a NumPy array; got {describe(got)}.", mistakes, got, hint)


def expect_shape(
    got: np.ndarray,
    shape: tuple,
    what: str,
    *,
    hint: str | None = None,
    mistakes: Iterable[Mistake] = (),
) -> None:
    if tuple(got.shape) != tuple(shape):
        if hint is None and got.ndim == 2 and tuple(got.shape[::-1]) == tuple(shape):
            hint = "It looks transposed: the course is batch-first, one row per example."
        raise failure(
            f"{what} has shape {tuple(got.shape)}, expected {tuple(shape)}.", mistakes, got, hint
        )


def expect_dtype(got: np.ndarray, kinds: str, what: str, *, hint: str | None = None) -> None:
    """``kinds`` is a string of dtype kinds: 'f' floats, 'iu' integers, 'b' booleans."""
    if got.dtype.kind not in kinds:
        names = {"f": "floating-point", "i": "integer", "u": "integer", "b": "boolean"}
        wanted = " or ".join(dict.fromkeys(names[k] for k in kinds if k in names))
        article = "an" if wanted[:1] in "aeiou" else "a"
        raise CheckFailed(f"{what} has dtype {got.dtype}; expected {article} {wanted} array.", hint)


def expect_finite(
    got: np.ndarray, what: str, *, hint: str | None = None, mistakes: Iterable[Mistake] = ()
) -> None:
    if got.dtype.kind in "fc" and not np.all(np.isfinite(got)):
        bad = np.argwhere(~np.isfinite(got))
        where = tuple(int(i) for i in bad[0]) if bad.size else ()
        kinds = []
        if np.isnan(got).any():
            kinds.append("nan")
        if np.isinf(got).any():
            kinds.append("inf")
        raise failure(
            f"{what} contains {' and '.join(kinds)} ({len(bad)} of {got.size} entries; the first at "
            f"{list(where)}).",
            mistakes,
            got,
            hint or "Look for exp() of large numbers, log(0) or a division by zero.",
        )


def expect_close(
    got: Any,
    want: Any,
    what: str,
    *,
    rtol: float = 1e-5,
    atol: float = 1e-7,
    hint: str | None = None,
    mistakes: Iterable[Mistake] = (),
    check_dtype_kind: bool = True,
) -> np.ndarray:
    """Coarse to fine: an array, the expected shape, finite values, values within tolerance."""
    mistakes = list(mistakes)
    want = np.asarray(want)
    got = expect_ndarray(got, what, mistakes=mistakes)
    expect_shape(got, want.shape, what, mistakes=mistakes)
    if check_dtype_kind and want.dtype.kind == "f" and got.dtype.kind == "b":
        raise failure(
            f"{what} is an array of booleans; expected numbers ({want.dtype}).",
            mistakes,
            got,
            "Convert with .astype(np.float32) (or multiply by 1.0).",
        )
    expect_finite(
        got,
        what,
        hint=hint if not np.all(np.isfinite(want)) else None,
        mistakes=mistakes,
    )
    with np.errstate(all="ignore"):
        have = got.astype(np.float64)
        target = want.astype(np.float64)
        close = np.isclose(have, target, rtol=rtol, atol=atol, equal_nan=True)
    if bool(np.all(close)):
        return got
    error = np.abs(have - target)
    error[close] = 0.0
    index = (
        tuple(int(i) for i in np.unravel_index(int(np.argmax(error)), error.shape))
        if error.ndim
        else ()
    )
    wrong = int(np.count_nonzero(~close))
    at = f" at {list(index)}" if index else ""
    message = (
        f"{what}: {wrong} of {got.size} values differ; the largest error is {_num(error[index])}{at} "
        f"(got {_num(have[index])}, expected {_num(target[index])}; tolerance "
        f"{rtol:g} relative + {atol:g} absolute)."
    )
    raise failure(message, mistakes, got, hint)


def expect_equal(
    got: Any, want: Any, what: str, *, hint: str | None = None, mistakes: Iterable[Mistake] = ()
) -> np.ndarray:
    """Exact comparison for integer and boolean arrays (labels, counts, indices)."""
    mistakes = list(mistakes)
    want = np.asarray(want)
    got = expect_ndarray(got, what, mistakes=mistakes)
    expect_shape(got, want.shape, what, mistakes=mistakes)
    whole = got.dtype.kind != "f" or (np.all(np.isfinite(got)) and np.all(got == np.round(got)))
    if want.dtype.kind in "iu" and not whole:
        raise failure(
            f"{what} should hold whole numbers; got {got.dtype} values that are not.",
            mistakes,
            got,
            hint,
        )
    with np.errstate(all="ignore"):
        equal = got == want
    if np.all(equal):
        return got
    first = tuple(int(i) for i in np.argwhere(~equal)[0])
    raise failure(
        f"{what}: {int(np.count_nonzero(~equal))} of {got.size} entries differ; the first at "
        f"{list(first)} is {_plain(got[first])}, expected {_plain(want[first])}.",
        mistakes,
        got,
        hint,
    )


def expect_scalar(
    got: Any, what: str, *, hint: str | None = None, mistakes: Iterable[Mistake] = ()
) -> float:
    """A single real number: a Python number, a NumPy scalar, or a 0-d array."""
    value = got
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        if isinstance(got, np.ndarray) and hint is None:
            hint = "Reduce it to one number, e.g. with np.mean(...) or float(...)."
        raise failure(
            f"{what} should be a single number; got {describe(got)}.", mistakes, got, hint
        )
    number = float(value)
    if not math.isfinite(number):
        raise failure(f"{what} is {number}; expected a finite number.", mistakes, got, hint)
    return number


def expect_dict(got: Any, keys: Iterable[str], what: str, *, hint: str | None = None) -> dict:
    """A dict with exactly the expected keys (extra keys are reported too)."""
    keys = list(keys)
    if not isinstance(got, dict):
        raise CheckFailed(f"{what} should be a dict with keys {keys}; got {describe(got)}.", hint)
    missing = [k for k in keys if k not in got]
    if missing:
        raise CheckFailed(
            f"{what} is missing the key{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))} "
            f"(it has {sorted(got)}).",
            hint,
        )
    return got


def expect_unchanged(before: Any, after: Any, what: str, *, hint: str | None = None) -> None:
    """An input must be left as it was: compare the argument before and after the call."""
    problem = _first_difference(before, after, what)
    if problem:
        raise CheckFailed(
            f"{problem} Your function changed its input in place.",
            hint
            or "Work on a copy (X.copy(), or operations that return new arrays such as Z - m "
            "instead of Z -= m).",
        )


def _first_difference(before: Any, after: Any, where: str) -> str | None:
    if isinstance(before, dict):
        if not isinstance(after, dict):
            return f"{where} was replaced."
        for key in before:
            if key not in after:
                return f"{where}[{key!r}] was removed."
            found = _first_difference(before[key], after[key], f"{where}[{key!r}]")
            if found:
                return found
        extra = [k for k in after if k not in before]
        if extra:
            return f"{where} gained the key {extra[0]!r}."
        return None
    if isinstance(before, np.ndarray):
        if not isinstance(after, np.ndarray) or after.shape != before.shape:
            return f"{where} was reshaped or replaced."
        if after.dtype != before.dtype:
            return f"{where} changed dtype from {before.dtype} to {after.dtype}."
        if not np.array_equal(before, after, equal_nan=True):
            count = int(
                np.count_nonzero(
                    ~(
                        (before == after) | (np.isnan(before) & np.isnan(after))
                        if before.dtype.kind == "f"
                        else (before == after)
                    )
                )
            )
            return f"{where} was modified ({count} entries changed)."
        return None
    if isinstance(before, (list, tuple)):
        if not isinstance(after, (list, tuple)) or len(after) != len(before):
            return f"{where} was changed."
        for i, (b, a) in enumerate(zip(before, after)):
            found = _first_difference(b, a, f"{where}[{i}]")
            if found:
                return found
    return None


def _plain(value: Any) -> str:
    """A NumPy scalar as a reader writes it: 0, not np.int64(0)."""
    return repr(value.item()) if isinstance(value, np.generic) else repr(value)


def _num(value: Any) -> str:
    try:
        return f"{float(value):.6g}"
    except (TypeError, ValueError):
        return repr(value)


# -- helpers shared by the check modules ----------------------------------------------------


def result_or_known_error(fn, case: str, known=()):
    """What the student's function returned; an exception that a known mistake raises gets its hint.

    ``known`` holds (exception type name or None, text in the message, hint), or
    (type, text, hint, mistake id) when the exception is what that mistake raises.
    """
    raised = fn.raised(case)
    if raised is not None:
        for type_name, needle, hint, *mistake in known:
            if (
                type_name is None or raised.type == type_name
            ) and needle.lower() in raised.message.lower():
                where = f"; {raised.where}" if raised.where else ""
                raise CheckFailed(
                    f"`{fn.function}` raised {raised.type}: {raised.message} (on the '{case}' case{where}).",
                    hint,
                    mistake=mistake[0] if mistake else None,
                )
    return fn.result(case)


def matching_mistake(mistakes: Iterable[Mistake], got: Any) -> Mistake | None:
    """The first known mistake whose model fits ``got``, or None."""
    for mistake in mistakes:
        if mistake.fits(got):
            return mistake
    return None


def matching_hint(mistakes: Iterable[Mistake], got: Any) -> str | None:
    """The hint of the first known mistake that fits ``got``, or None."""
    found = matching_mistake(mistakes, got)
    return found.hint if found is not None else None


def tolerance_for(array: np.ndarray) -> dict:
    """float32 results compare with float32 accuracy, float64 ones tighter."""
    if np.asarray(array).dtype == np.float32:
        return {"rtol": 1e-4, "atol": 1e-6}
    return {"rtol": 1e-6, "atol": 1e-9}


def expect_number(
    got, want, what: str, *, rtol: float, atol: float, hint=None, mistakes=()
) -> float:
    """A single finite number within ``atol + rtol * |want|`` of ``want``."""
    mistakes = list(mistakes)
    value = expect_scalar(got, what, hint=hint, mistakes=mistakes)
    want = float(want)
    if abs(value - want) > atol + rtol * abs(want):
        raise failure(
            f"{what} is {value:.6g}, expected {want:.6g} (tolerance {rtol:g} relative + {atol:g} absolute).",
            mistakes,
            got,
            hint,
        )
    return value


def network_loss(X: np.ndarray, y: np.ndarray, params: dict) -> float:
    """The mean cross-entropy of a ReLU network ("W1", "b1", ..., "WL", "bL"; two layers in
    lessons 03-04, any number in lesson 09), in float64 (log-sum-exp form)."""
    depth = len(params) // 2
    signal = X
    for layer in range(1, depth):
        signal = np.maximum(signal @ params[f"W{layer}"] + params[f"b{layer}"], 0.0)
    logits = signal @ params[f"W{depth}"] + params[f"b{depth}"]
    top = logits.max(axis=1, keepdims=True)
    log_total = top[:, 0] + np.log(np.exp(logits - top).sum(axis=1))
    return float(np.mean(log_total - logits[np.arange(len(y)), y]))


def directional_derivatives(
    X: np.ndarray, y: np.ndarray, params: dict, name: str, directions, h: float = 1e-6
) -> np.ndarray:
    """Centered differences of ``network_loss`` along each direction (a unit array shaped like
    params[name]): what a correct gradient, dotted with the direction, must give."""
    point = {k: np.asarray(v, dtype=np.float64) for k, v in params.items()}
    X = np.asarray(X, dtype=np.float64)
    slopes = []
    for direction in directions:
        up, down = dict(point), dict(point)
        up[name] = point[name] + h * direction
        down[name] = point[name] - h * direction
        slopes.append((network_loss(X, y, up) - network_loss(X, y, down)) / (2 * h))
    return np.array(slopes)


# -- naming a mistake only where its model fits every failing case ------------------------------


def expect_each(readings: Iterable[tuple[Callable[[], Any], Any, Iterable[Mistake]]]) -> None:
    """Compare every case, then fail on the first that is wrong, naming a known mistake only
    when its model fits the output of every case that is wrong.

    ``readings`` holds one ``(compare, got, mistakes)`` per case (or per array of a case):
    ``compare`` raises ``CheckFailed`` when ``got`` is wrong (``lambda: expect_close(got, want,
    what)``, without mistakes), and ``mistakes`` are the known mistakes for that case. A model
    can fit one case by coincidence (an all-nan output fits every mistake that divides by zero;
    on a first Adam step several mistakes give the same numbers), and the check would then name
    another mistake, or none, were the cases read in another order. Naming only what fits
    everywhere keeps the name the same whichever case is read first.
    """
    failing = []
    for compare, got, mistakes in readings:
        try:
            compare()
        except CheckFailed as failed:
            failing.append((failed, got, list(mistakes)))
    if not failing:
        return
    common: set[str] | None = None
    for _, got, mistakes in failing:
        fitting = {m.id for m in mistakes if m.id and m.fits(got)}
        common = fitting if common is None else common & fitting
    failed, got, mistakes = failing[0]
    for mistake in mistakes:
        if mistake.id in (common or set()) and mistake.fits(got):
            raise CheckFailed(failed.message, mistake=mistake)
    raise CheckFailed(failed.message, failed.hint, mistake=failed.mistake)
