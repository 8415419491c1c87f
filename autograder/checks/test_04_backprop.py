"""Checks for lesson 04: backward, numerical_gradient, relative_error.

Contract
--------
Every promise of the functions' docstrings and of the lesson, and the check that holds it.

backward(X, y, params, cache) -> grads
    - a dict with the keys "dW1", "db1", "dW2", "db2" ........ test_backward_returns_gradients
    - each shaped like its parameter; a bias gradient one entry per unit, never a number
      ............................................................ test_backward_returns_gradients
    - dW2 and db2: the gradient of the batch's MEAN loss ........... test_backward_output_layer
    - dW1 and db1: the same, through the ReLU ...................... test_backward_hidden_layer
    - every gradient agrees with centered differences of the loss . test_backward_gradient_check
    - X, y, params and cache are not modified ........................ test_backward_keeps_inputs
    Cases: float64 and float32; one row; ten rows (N equals the number of classes, so a sum over
    the wrong axis has the right shape); pixels blank in every image; logits near 1000 (an
    unshifted softmax overflows); hidden unit 0 dead for every example in every case (no
    gradient may reach it). N, the inputs, H and 10 differ wherever a wrong axis could hide.

numerical_gradient(f, x, h=1e-5) -> estimates
    - entry i is (f(x + h e_i) - f(x - h e_i)) / (2h), for x of any shape .... ..._values
    - which is close to the exact gradient of a known function .......... ..._close_to_exact
    - the step is the h argument ............................................. ..._uses_h
    - f sees every nudge through x itself: a callable that reads the caller's array, as the
      lesson's loss reads the parameters, measures the gradient too (x is changed in place, not
      a copy) ........................................................ ..._nudges_x_itself
    - afterwards x holds exactly its original values .................... ..._restores_x
    Cases: vectors, a matrix, one element, a large h, float32 x with a callable that reads it.

relative_error(a, b) -> float
    - max over the elements of |a - b| / max(1e-8, |a| + |b|) ......... test_relative_error_value
    - entries that are 0 in both count as equal; the floor is 1e-8 .... test_relative_error_zeros
    - a single float ............................................ test_relative_error_python_float
    - a and b are not modified .................................... test_relative_error_keeps_inputs
    Cases: close, different, opposite signs, one element, large values, b above a everywhere,
    equal, zeros in both, zero in one, entries below the floor.

Not graded: the dtype of backward's gradients (the docstring promises none; one-hot by np.eye
gives float64 from float32 inputs, and that is right).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograder.checking import (
    Call,
    CheckFailed,
    Mistake,
    Probe,
    cases_for,
    describe,
    expect,
    expect_close,
    expect_dict,
    expect_number,
    requires,
    result_or_known_error,
    tolerance_for,
)
from autograder.checks.deep_networks import random_network, with_large_logits
from autograder.checks.diagnoses import (
    Factor,
    Network,
    check_every_case,
    consistent_mistakes,
    expect_args_kept,
    expect_gradient_check,
    expect_gradient_shapes,
    expect_gradient_values,
    expect_kept,
    factor_mistake,
    gradient_exceptions,
)
from autograder.sandbox.probes import PROBES, probe_name, reading_argument
from autograder.sandbox.probes import gradient as exact_gradient

PARAMS = ("W1", "b1", "W2", "b2")
GRADS = ("dW1", "db1", "dW2", "db2")


# -- backward -----------------------------------------------------------------------------------


def _backward_call(
    rng, ref, n: int, n_in: int, n_hidden: int, dtype, *, blank: int = 0, large: bool = False
) -> Call:
    X = rng.random((n, n_in))
    X[:, rng.choice(n_in, size=blank, replace=False)] = 0.0  # pixels blank in every image
    X = X.astype(dtype)
    y = rng.integers(0, 10, size=n)
    # Hidden unit 0 is dead for every example: no gradient may reach W1[:, 0] or b1[0].
    params = random_network(rng, [n_in, n_hidden, 10], dtype, dead=True)
    if large:
        params = with_large_logits(ref.forward, X, params)
    _, cache = ref.forward(X, params)
    return Call(X, y, params, cache)


@cases_for("backward")
def backward_cases(rng, ref):
    # N, n_in, H and 10 differ, so a transposed or wrongly summed gradient shows in its shape;
    # n_in and H well above N let the checks trace a gradient back to the dZ behind it (a row
    # of A1 all zero, an example with no active unit, would hide its dZ: with H - 1 live units
    # that happens with probability N / 2^(H - 1)).
    return {
        "float64": _backward_call(rng, ref, 5, 9, 20, np.float64),
        "float32": _backward_call(rng, ref, 6, 12, 21, np.float32),
        "one_row": _backward_call(rng, ref, 1, 9, 18, np.float64),
        "ten_rows": _backward_call(rng, ref, 10, 26, 24, np.float64, blank=8),
        "large_logits": _backward_call(rng, ref, 4, 8, 19, np.float64, large=True),
    }


MATMUL_HINT = (
    "Check each product's shapes: dW2 = A1.T @ dZ2 is (H, N) @ (N, 10); dA1 = dZ2 @ W2.T "
    "is (N, 10) @ (10, H); dW1 = X.T @ dZ1 is (n_in, N) @ (N, H)."
)
BROADCAST_HINT = (
    "In an elementwise step both arrays have the same shape: P and Y are (N, 10); dA1 and "
    "relu_derivative(Z1) are (N, H)."
)


def _network(fn, case: str) -> Network:
    X, y, params, cache = fn.call(case).args
    return Network(X, y, params, cache)


def _grads(fn, case: str, names: tuple[str, ...] = GRADS) -> dict:
    """The gradients, checked for keys, type and shape (``names`` only)."""
    params = fn.call(case).args[2]
    net = _network(fn, case)
    what = f"backward(X, y, params, cache) on the '{case}' case"
    got = result_or_known_error(
        fn,
        case,
        known=gradient_exceptions("backward", net)
        + [(None, "matmul", MATMUL_HINT), (None, "aligned", MATMUL_HINT)]
        + [(None, "broadcast", BROADCAST_HINT)],
    )
    if isinstance(got, dict) and all(k in got for k in PARAMS) and not any(k in got for k in GRADS):
        raise CheckFailed(
            f"{what} returned keys {sorted(got)}.",
            mistake=Mistake(
                "Name each gradient 'd' + its parameter: 'dW1', 'db1', 'dW2', 'db2'.",
                id="backward.keys_without_d",
            ),
        )
    got = expect_dict(
        got, GRADS, what, hint="Return {'dW1': dW1, 'db1': db1, 'dW2': dW2, 'db2': db2}."
    )
    expect_gradient_shapes("backward", net, params, fn.expected(case), got, what, names)
    return got


def test_backward_returns_gradients(outcome):
    """backward returns a dict of dW1, db1, dW2, db2, each shaped like its parameter."""
    fn = outcome("backward")
    check_every_case(fn.cases, lambda case: _grads(fn, case))


def _compare_layer(fn, names: tuple[str, str]) -> None:
    def compare(case: str) -> None:
        got = _grads(fn, case, names)
        expect_gradient_values(
            "backward",
            case,
            _network(fn, case),
            fn.expected(case),
            got,
            names,
            tolerance_for(fn.call(case).args[0]),
            "Compare the line with the table of the lesson: the formula, and each factor in it.",
        )

    check_every_case(fn.cases, compare)


def test_backward_output_layer(outcome):
    """dW2 and db2 match the reference."""
    _compare_layer(outcome("backward"), ("dW2", "db2"))


def test_backward_hidden_layer(outcome):
    """dW1 and db1 match the reference."""
    _compare_layer(outcome("backward"), ("dW1", "db1"))


def test_backward_gradient_check(outcome):
    """Every gradient agrees with centered differences of the loss along random directions."""
    fn = outcome("backward")
    check_every_case(fn.cases, lambda case: _gradient_check(fn, case))


def _gradient_check(fn, case: str) -> None:
    """backward's gradients on ``case`` against centered differences of the loss."""
    X, y, params, _ = fn.call(case).args
    expect_gradient_check(
        "backward",
        case,
        X,
        y,
        params,
        _network(fn, case),
        fn.expected(case),
        _grads(fn, case),
        ("dW2", "db2", "dW1", "db1"),
        "Compare each line with the chain rule: dZ2, then dW2 and db2, dA1, dZ1, dW1 and db1.",
    )


@requires("test_backward_gradient_check")
def test_backward_keeps_inputs(outcome):
    """backward leaves X, y, the parameters and the cache unchanged."""
    expect_args_kept(
        outcome("backward"),
        ("X", "y", "params", "cache"),
        hint="backward must not change its inputs (the cache and parameters are used again): "
        "build new arrays instead of writing into Z1, Z2 or the parameters.",
        id="backward.changes_inputs",
    )


# -- numerical_gradient -------------------------------------------------------------------------


@cases_for("numerical_gradient")
def numerical_gradient_cases(rng, ref):
    return {
        "cubic_vector": Call(Probe("cubic_sum"), rng.uniform(0.5, 2.5, size=5)),
        "sine_matrix": Call(Probe("sine_mix"), rng.uniform(-2.0, 2.0, size=(3, 4))),
        "quadratic": Call(Probe("quadratic_form"), rng.normal(size=6)),
        "log_sum_exp": Call(Probe("log_sum_exp"), rng.normal(size=4)),
        "one_element": Call(Probe("cubic_sum"), rng.uniform(1.0, 2.0, size=1)),
        "large_h": Call(Probe("cubic_sum"), rng.uniform(0.5, 2.5, size=4), h=0.1),
        # f ignores its argument and reads the caller's x, as the lesson's loss reads the
        # parameters: only nudges made to x itself reach it.
        "reads_x": Call(reading_argument("sine_mix", 1), rng.uniform(-2.0, 2.0, size=(2, 3))),
        "reads_x_float32": Call(
            reading_argument("cubic_sum", 1),
            rng.uniform(0.5, 2.0, size=(3, 2)).astype(np.float32),
            h=1e-2,
        ),
    }


DEFAULT_H = ("cubic_vector", "sine_matrix", "quadratic", "log_sum_exp", "one_element")
SHARED_X = ("reads_x", "reads_x_float32")
STEP_HINT = (
    "For every element i: (f(x + h e_i) - f(x - h e_i)) / (2h), with e_i 1 at position i and "
    "0 elsewhere."
)


def _probe_of(call: Call):
    name = probe_name(call.args[0])
    return name, PROBES[name]


def probes_shared(call: Call) -> bool:
    """Whether the case's f reads the caller's x rather than its own argument."""
    return call.args[0].name != probe_name(call.args[0])


def _step(call: Call) -> float:
    return float(call.kwargs.get("h", 1e-5))


def _one_sided(f, x: np.ndarray, h: float, forward: bool) -> np.ndarray:
    x = np.array(x, dtype=np.float64)
    centre = f(x)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        moved = x.copy()
        moved[index] += h if forward else -h
        grad[index] = (f(moved) - centre) / h if forward else (centre - f(moved)) / h
    return grad


def _both_points(f, x: np.ndarray, h: float, sign: float) -> np.ndarray:
    """f(x + h e_i) + sign * f(x - h e_i), element by element."""
    out = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[index] += h
        down[index] -= h
        out[index] = f(up) + sign * f(down)
    return out


def _numerical_mistakes(call: Call, want: np.ndarray, got=None) -> list[Mistake]:
    _, f = _probe_of(call)
    x = np.array(call.args[1], dtype=np.float64)
    h = _step(call)
    # Where f reads the caller's x, estimates of 0 only say that f saw no nudge (which many
    # mistakes share); where it reads its argument, they are two evaluations at one point.
    aliased = (
        []
        if probes_shared(call)
        else [
            Mistake(
                "x_plus = x (and x_minus = x) name the same array, not copies, so f is evaluated at one "
                "point twice and the differences are 0: change x[i], evaluate f, and restore it "
                "between the two evaluations.",
                np.zeros_like(x),
                rtol=0,
                atol=0,
                id="numerical_gradient.aliased_points",
            )
        ]
    )
    rounded = Mistake(
        "The estimates are rounded to float32: keep them in float64 (np.zeros(x.shape) is "
        "float64), or the rounding hides the very differences a gradient check looks for.",
        matches=lambda g: (
            np.asarray(call.args[1]).dtype == np.float64 and np.asarray(g).dtype == np.float32
        ),
        id="numerical_gradient.float32_estimates",
    )
    return [
        rounded,
        *aliased,
        *_difference_mistakes(f, x, h),
        *_perturbation_mistakes(f, x, h),
        *_divisor_mistakes(got, want, h),
    ]


# The estimates differ from each other by about 1e-5.
TIGHT: dict[str, float] = {"rtol": 1e-7, "atol": 1e-9}


def _difference_mistakes(f, x: np.ndarray, h: float) -> list[Mistake]:
    """A one-sided difference, a sum for the difference, or one point at x itself."""
    one_point = (
        "One of the two evaluations is at x itself: move x[i] to old + h for the first and to "
        "old - h for the second (x[i] = old - h, not x[i] -= h after restoring it)."
    )
    return [
        Mistake(
            "That is a forward difference (f(x + h) - f(x)) / h, which is less accurate; use centered "
            "differences (f(x + h e_i) - f(x - h e_i)) / (2h).",
            _one_sided(f, x, h, True),
            **TIGHT,
            id="numerical_gradient.forward_difference",
        ),
        Mistake(
            "That is a backward difference (f(x) - f(x - h)) / h, which is less accurate; use centered "
            "differences (f(x + h e_i) - f(x - h e_i)) / (2h).",
            _one_sided(f, x, h, False),
            **TIGHT,
            id="numerical_gradient.backward_difference",
        ),
        Mistake(
            "The numerator is the difference f(x + h e_i) - f(x - h e_i), not the sum.",
            _both_points(f, x, h, 1.0) / (2 * h),
            **TIGHT,
            id="numerical_gradient.sum_not_difference",
        ),
        Mistake(
            one_point,
            _one_sided(f, x, h, True) / 2,
            **TIGHT,
            id="numerical_gradient.one_point_at_x",
        ),
        Mistake(
            one_point,
            _one_sided(f, x, h, False) / 2,
            **TIGHT,
            id="numerical_gradient.one_point_at_x",
        ),
    ]


def _perturbation_mistakes(f, x: np.ndarray, h: float) -> list[Mistake]:
    """Every element nudged at once, or a 2-D x nudged a whole row at a time."""
    mistakes: list[Mistake] = []
    if x.size > 1:
        everything = (f(x + h) - f(x - h)) / (2 * h)
        mistakes.append(
            Mistake(
                "Perturb one element at a time (x + h e_i), not every element at once (x + h).",
                np.full(x.shape, everything),
                **TIGHT,
                id="numerical_gradient.all_at_once",
            )
        )
    if x.ndim == 2:
        rows = np.zeros_like(x)
        for i in range(len(x)):
            up, down = x.copy(), x.copy()
            up[i] += h
            down[i] -= h
            rows[i] = (f(up) - f(down)) / (2 * h)
        mistakes.append(
            Mistake(
                "x[i] with one index picks a whole row of a 2-D x: loop over every "
                "element (np.ndindex(x.shape) or x.flat), whatever the shape.",
                rows,
                **TIGHT,
                id="numerical_gradient.whole_rows",
            )
        )
    return mistakes


def _divisor_mistakes(got, want: np.ndarray, h: float) -> list[Mistake]:
    """The right differences divided by something else than 2h, or subtracted the other way."""
    scale = factor_mistake(
        "numerical_gradient",
        got,
        want,
        [
            Factor(-1.0, "subtract in the other order, f(x + h e_i) - f(x - h e_i)", "sign_flipped"),
            Factor(2.0, "divide by 2h: the two points x + h and x - h are 2h apart", "divides_by_h"),
            Factor(0.5, "divide by 2h once: the two points x + h and x - h are 2h apart, not 4h",
                   "divides_by_4h"),
            Factor(h * h, "divide by 2h, that is by (2 * h); / 2 * h multiplies by h",
                   "precedence"),
            Factor(h, "divide by 2h, not by 2: the h of the step is missing", "h_missing"),
        ],
        subject="Every entry is",
        otherwise=f"the differences are right up to a constant, so look at what you divide them "
        f"by: 2h, with h = {h:g}",
    )  # fmt: skip
    return [scale] if scale is not None else []


def _drifted(fn, case: str) -> Mistake:
    """x left moved after each element: the later elements are measured at a shifted point."""
    x = fn.call(case).args[1]
    after = fn.args_after(case)[1]
    restored = (
        isinstance(after, np.ndarray)
        and after.shape == x.shape
        and bool(np.allclose(after, x, rtol=1e-12, atol=0))
    )
    return Mistake(
        "x is left changed after each step, so the later elements are measured at a "
        "shifted point: put every x[i] back to its original value before the next one.",
        matches=lambda _: not restored,
        id="numerical_gradient.not_restored",
    )


#: Estimates of float64 x agree with the reference's to float64 rounding (the differences and the
#: division are the same); float32 ones would not: checking needs float64 (the lesson).
ESTIMATES = {"rtol": 1e-9, "atol": 1e-12}


def _expect_estimates(fn, case: str, extra: list[Mistake] = (), *, rtol=1e-9, atol=1e-12) -> None:
    call = fn.call(case)
    x = call.args[1]
    want = np.asarray(fn.expected(case), dtype=np.float64)
    got = result_or_known_error(fn, case)
    expect_close(
        got,
        want,
        f"numerical_gradient(f, x{_h_text(call)}) on the '{case}' case "
        f"(f = {probe_name(call.args[0])}, x of shape {x.shape} and dtype {x.dtype})",
        rtol=rtol,
        atol=atol,
        mistakes=[*extra, _drifted(fn, case), *_numerical_mistakes(call, want, got)],
        hint=STEP_HINT,
    )


def _h_text(call: Call) -> str:
    return f", h={call.kwargs['h']}" if "h" in call.kwargs else ""


def test_numerical_gradient_values(outcome):
    """The estimates match centered differences (f(x + h e_i) - f(x - h e_i)) / (2h), element by element."""
    fn = outcome("numerical_gradient")
    check_every_case(DEFAULT_H, lambda case: _expect_estimates(fn, case))


def test_numerical_gradient_close_to_exact(outcome):
    """The estimates are close to the exact gradients of known functions."""
    fn = outcome("numerical_gradient")
    check_every_case(DEFAULT_H, lambda case: _expect_exact(fn, case))


def _expect_exact(fn, case: str) -> None:
    call = fn.call(case)
    name, _ = _probe_of(call)
    x = np.array(call.args[1], dtype=np.float64)
    got = result_or_known_error(fn, case)
    want = np.asarray(fn.expected(case))
    expect_close(
        got,
        exact_gradient(name, x),
        f"numerical_gradient({name}, x) on the '{case}' case, against the exact gradient of {name}",
        rtol=1e-6,
        atol=1e-6,
        mistakes=[_drifted(fn, case), *_numerical_mistakes(call, want, got)],
        hint=STEP_HINT,
    )


def test_numerical_gradient_uses_h(outcome):
    """The step is the h argument, not a fixed number."""
    fn = outcome("numerical_gradient")
    case = "large_h"
    call = fn.call(case)
    name, _ = _probe_of(call)
    x = np.array(call.args[1], dtype=np.float64)
    h = call.kwargs["h"]
    fixed = Mistake(
        f"Use the h argument (h={h} here) for the step, not a fixed 1e-5: with a large step "
        "centered differences are visibly off the exact gradient, and yours is not.",
        exact_gradient(name, x),
        rtol=1e-6,
        atol=1e-6,
        id="numerical_gradient.fixed_h",
    )
    _expect_estimates(fn, case, [fixed])


def test_numerical_gradient_nudges_x_itself(outcome):
    """f sees every nudge through x itself, as a loss that reads the parameters does."""
    fn = outcome("numerical_gradient")
    plain_right = _right_without_sharing(fn)
    check_every_case(SHARED_X, lambda case: _expect_shared(fn, case, plain_right))


def _expect_shared(fn, case: str, plain_right: bool) -> None:
    call = fn.call(case)
    shape = np.shape(call.args[1])
    copy = Mistake(
        "f here reads the caller's array x (as the lesson's loss reads the parameters), so "
        "it sees only nudges made to x itself: change x[i] in place, evaluate f, then put "
        "the saved value back. Nudging a copy (x.copy(), x + step, x.astype(...)) leaves "
        "what f reads unchanged.",
        matches=lambda got, shape=shape: (
            plain_right and np.shape(got) == shape and not np.any(np.asarray(got, dtype=np.float64))
        ),
        id="numerical_gradient.nudges_copy",
    )
    tol = {"rtol": 1e-4, "atol": 1e-6} if call.args[1].dtype == np.float32 else {}
    _expect_estimates(fn, case, [copy], **tol)


def _right_without_sharing(fn) -> bool:
    """Whether the estimates are right where f reads only its argument (every DEFAULT_H case)."""
    for case in DEFAULT_H:
        if fn.raised(case) is not None:
            return False
        got = fn.result(case)
        want = np.asarray(fn.expected(case), dtype=np.float64)
        if not isinstance(got, np.ndarray) or got.shape != want.shape:
            return False
        if not np.allclose(np.asarray(got, dtype=np.float64), want, **ESTIMATES):
            return False
    return True


@requires("test_numerical_gradient_values")
def test_numerical_gradient_restores_x(outcome):
    """x holds exactly its original values after the call."""
    fn = outcome("numerical_gradient")
    for case in fn.cases:
        call = fn.call(case)
        x = call.args[1]
        fn.result(case)
        after = fn.args_after(case)[1]
        if isinstance(after, np.ndarray) and after.shape == x.shape and after.dtype == x.dtype:
            drift = np.abs(after.astype(np.float64) - x.astype(np.float64))
            if 0 < drift.max() <= 1e-6 * max(1.0, float(np.abs(x).max())):
                raise CheckFailed(
                    f"x (the '{case}' case) was not restored exactly: it is off by up to "
                    f"{drift.max():.1e} after the call.",
                    mistake=Mistake(
                        "Save x[i] and put that saved value back (x[i] = old); adding and "
                        "subtracting h leaves rounding errors behind.",
                        id="numerical_gradient.restored_with_rounding",
                    ),
                )
        expect_kept(
            x,
            after,
            f"x (the '{case}' case)",
            hint="Put every x[i] back to its original value after evaluating f: the caller's x "
            "must be unchanged.",
            id="numerical_gradient.not_restored",
        )


# -- relative_error -----------------------------------------------------------------------------


@cases_for("relative_error")
def relative_error_cases(rng, ref):
    a = rng.normal(size=(4, 3))
    b = rng.normal(size=5)
    c = rng.normal(size=6)
    big = rng.normal(size=4) * 1e6
    d = rng.normal(size=5)
    one_zero_a = np.array([0.0, 0.0, 1.5, -2.0])
    one_zero_b = np.array([0.0, 0.7, 1.5, -2.0 + 1e-3])
    # Entries smaller than the floor: the ratio there is |a - b| / 1e-8, less than 1.
    tiny_a = np.array([0.0, 4e-9, 0.5, -1.0])
    tiny_b = np.array([0.0, 0.0, 0.5, -1.0 + 1e-4])
    return {
        "close": Call(a, a + 1e-6 * rng.normal(size=a.shape)),
        "different": Call(b, rng.normal(size=5)),
        "opposite_signs": Call(c, -c * rng.uniform(0.5, 1.5, size=6)),
        "one_element": Call(rng.normal(size=1), rng.normal(size=1)),
        "large_values": Call(big, big * (1 + 1e-3 * rng.normal(size=4))),
        # b above a everywhere: a - b < 0, so a signed difference shows
        "b_larger": Call(d, d + rng.uniform(0.1, 1.0, size=5)),
        "equal": Call(a, a.copy()),
        "both_zero": Call(np.zeros(3), np.zeros(3)),
        "one_zero": Call(one_zero_a, one_zero_b),
        "below_the_floor": Call(tiny_a, tiny_b),
    }


NONZERO = ("close", "different", "opposite_signs", "one_element", "large_values", "b_larger")
ZEROS = ("equal", "both_zero", "one_zero", "below_the_floor")
FLOOR_HINT = (
    "The denominator is max(1e-8, |a| + |b|): where a and b are both 0 it is 1e-8, and the ratio 0."
)


ABS_OF_SUM = (
    "The denominator is |a| + |b|, not |a + b| (which is near 0 when a and b have opposite signs)."
)
NO_FLOOR = (
    "Where a and b are both 0 the ratio is 0 / 0 = nan: divide by max(1e-8, |a| + |b|), whose "
    "floor avoids it."
)
FLOOR_ADDED = (
    "The floor is max(1e-8, |a| + |b|), not |a| + |b| + 1e-8: they differ where |a| + |b| is "
    "about 1e-8 or less."
)


def _relative_mistakes(a: np.ndarray, b: np.ndarray, right_elsewhere: bool) -> list[Mistake]:
    """``right_elsewhere``: the student's values are right on every case without zeros."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    diff = np.abs(a - b)
    floor = 1e-8
    with np.errstate(all="ignore"):
        ratio = diff / np.maximum(floor, np.abs(a) + np.abs(b))
        models = [
            *_relative_combination_models(a, b, diff, ratio, floor),
            *_relative_term_models(a, b, diff, ratio, floor),
        ]
    # The detectors compare relative errors, small numbers, tightly.
    mistakes = [
        Mistake(hint, value, rtol=1e-6, atol=1e-15, id=f"relative_error.{mistake}")
        for hint, value, mistake in models
    ]
    with np.errstate(all="ignore"):
        unfloored = np.max(diff / (np.abs(a) + np.abs(b)))
    # Without the floor the formula is right wherever |a| + |b| > 0, and nan where both are 0.
    mistakes.insert(
        0,
        Mistake(
            NO_FLOOR,
            matches=lambda got: right_elsewhere and _same_number(got, unfloored),
            id="relative_error.no_floor",
        ),
    )
    return mistakes


def _relative_combination_models(a, b, diff, ratio, floor: float) -> list[tuple[str, Any, str]]:
    """The relative error of the whole arrays, or another mean of the elements' errors."""
    return [
        (
            "Take the ratio elementwise and report its max, not a ratio of norms.",
            np.linalg.norm(a - b) / max(floor, np.linalg.norm(a) + np.linalg.norm(b)),
            "norm_ratio",
        ),
        (
            "Take the ratio elementwise and report its max, not a ratio of norms.",
            np.linalg.norm(a - b) / max(floor, np.linalg.norm(a + b)),
            "norm_ratio",
        ),
        (
            ABS_OF_SUM,
            np.max(diff / np.maximum(floor, np.abs(a + b))),
            "abs_of_sum",
        ),
        (
            "Report the worst element (np.max of the ratios), not the mean.",
            np.mean(ratio),
            "mean",
        ),
        (
            "Take the max of the elementwise ratios, not max|a - b| / max(|a| + |b|).",
            np.max(diff) / max(floor, np.max(np.abs(a) + np.abs(b))),
            "ratio_of_maxes",
        ),
    ]


def _relative_term_models(a, b, diff, ratio, floor: float) -> list[tuple[str, Any, str]]:
    """A term of the elementwise formula wrong: the denominator, the numerator, the floor, the
    reduction to one number."""
    return [
        (
            "The denominator is |a| + |b|, not max(|a|, |b|).",
            np.max(diff / np.maximum(floor, np.maximum(np.abs(a), np.abs(b)))),
            "max_denominator",
        ),
        (
            "The denominator is |a| + |b| (symmetric in a and b), not |a| or |b| alone.",
            np.max(diff / np.maximum(floor, np.abs(a))),
            "one_sided",
        ),
        (
            "The denominator is |a| + |b| (symmetric in a and b), not |a| or |b| alone.",
            np.max(diff / np.maximum(floor, np.abs(b))),
            "one_sided",
        ),
        (
            "The numerator is the absolute difference |a - b|.",
            np.max((a - b) / np.maximum(floor, np.abs(a) + np.abs(b))),
            "signed_difference",
        ),
        (FLOOR_ADDED, np.max(diff / (np.abs(a) + np.abs(b) + floor)), "floor_added"),
        ("Reduce the elementwise ratios to one number with np.max.", ratio, "elementwise"),
        (
            "Report the worst element, np.max of the ratios, not the best (np.min).",
            np.min(ratio),
            "min_not_max",
        ),
        (
            (
                "That is the absolute difference max|a - b|: divide each by max(1e-8, |a| + |b|) "
                "for the relative one."
            ),
            np.max(diff),
            "absolute_difference",
        ),
        (
            (
                "The floor is np.maximum(1e-8, |a| + |b|): it keeps the denominator at least 1e-8; "
                "np.minimum caps it at 1e-8."
            ),
            np.max(diff / np.minimum(floor, np.abs(a) + np.abs(b))),
            "minimum_floor",
        ),
    ]


def _same_number(got, want: float) -> bool:
    try:
        value = float(got)
    except (TypeError, ValueError):
        return False
    return bool(np.isclose(value, want, rtol=1e-6, atol=1e-15, equal_nan=True))


def _expect_relative(fn, cases: tuple[str, ...], hint: str, right_elsewhere: bool = False) -> None:
    def mistakes_of(case: str) -> list[Mistake]:
        return _relative_mistakes(*fn.call(case).args, right_elsewhere)

    for case in cases:
        expect_number(
            result_or_known_error(fn, case),
            fn.expected(case),
            f"relative_error(a, b) on the '{case}' case",
            rtol=1e-6,
            atol=1e-12,
            mistakes=consistent_mistakes(fn, cases, mistakes_of, case),
            hint=hint,
        )


def test_relative_error_value(outcome):
    """The value is the largest elementwise |a - b| / max(1e-8, |a| + |b|)."""
    fn = outcome("relative_error")
    _expect_relative(fn, NONZERO, "max over the elements of |a - b| / max(1e-8, |a| + |b|).")


def test_relative_error_zeros(outcome):
    """Entries that are 0 in both arrays count as equal, and the floor is 1e-8."""
    fn = outcome("relative_error")
    _expect_relative(fn, ZEROS, FLOOR_HINT, _relative_right(fn))


def _relative_right(fn) -> bool:
    """Whether relative_error's values are right on every case without zeros."""
    for case in NONZERO:
        if fn.raised(case) is not None:
            return False
        if not _same_number(fn.result(case), fn.expected(case)):
            return False
    return True


@requires("test_relative_error_value")
def test_relative_error_python_float(outcome):
    """relative_error returns a single float."""
    fn = outcome("relative_error")
    for case in fn.cases:
        got = fn.result(case)
        ok = isinstance(got, (float, np.floating)) and not isinstance(got, bool)
        expect(
            ok,
            f"relative_error(a, b) on the '{case}' case should be a Python float; got {describe(got)}.",
            "Reduce to one number and return float(...) of it.",
        )


@requires("test_relative_error_value")
def test_relative_error_keeps_inputs(outcome):
    """relative_error leaves a and b unchanged."""
    expect_args_kept(
        outcome("relative_error"),
        ("a", "b"),
        hint="Compute with expressions that make new arrays (np.abs(a - b)), not in place "
        "(a -= b, np.abs(a, out=a)).",
        id="relative_error.changes_inputs",
    )
