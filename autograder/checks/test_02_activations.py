"""Checks for lesson 02: relu, relu_derivative, softmax."""

from __future__ import annotations

import numpy as np

from autograder.checking import (
    Call,
    CheckFailed,
    Mistake,
    cases_for,
    expect,
    expect_close,
    expect_dtype,
    expect_ndarray,
    expect_shape,
    expect_unchanged,
    matching_hint,
    requires,
    result_or_known_error,
    tolerance_for,
)

# -- relu ---------------------------------------------------------------------------------------


@cases_for("relu")
def relu_cases(rng, ref):
    Z = rng.normal(size=(6, 5))
    Z[0, :2] = 0.0
    return {
        "random": Call(Z),
        "float32": Call(rng.normal(size=(4, 3)).astype(np.float32)),
        "one_row": Call(rng.normal(size=(1, 10))),
        "all_negative": Call(-rng.uniform(0.1, 3.0, size=(3, 4))),
        "integers": Call(rng.integers(-5, 6, size=(3, 5))),  # the lesson: floats even for these
        "three_dimensional": Call(rng.normal(size=(2, 3, 4))),  # any shape
    }


INTEGER_RELU_HINT = (
    "An integer Z gives back integers (np.maximum(Z, 0), Z * (Z > 0) and Z.clip(min=0) all keep "
    "Z's dtype): make the result float, for example by comparing with the float 0.0, "
    "np.maximum(Z, 0.0), as the lesson asks."
)
FLOAT32_RELU_HINT = (
    "float32 in should give float32 out: np.maximum(Z, 0.0) keeps the dtype; astype(float), "
    "np.float64 or dtype=float turn it into float64."
)


def test_relu_values(outcome):
    """relu's values match max(Z, 0) on every case, whatever the shape."""
    relu = outcome("relu")
    for case in relu.cases:
        (Z,) = relu.call(case).args
        got = relu.result(case)
        what = f"relu(Z) on the '{case}' case"
        mistakes = [
            Mistake(
                "np.max(Z, 0) reduces Z to its largest value per column; np.maximum(Z, 0) "
                "compares every entry with 0.",
                matches=lambda got, columns=Z.shape[1]: (
                    np.ndim(got) < 2 and np.size(got) in (1, columns)
                ),
            ),
            Mistake(
                "ReLU keeps positive values and sets negatives to 0: np.maximum(Z, 0), "
                "not np.minimum.",
                np.minimum(Z, 0),
            ),
            Mistake(
                "ReLU sets negative values to 0; np.abs makes them positive instead.", np.abs(Z)
            ),
            Mistake(
                "That is the derivative's pattern (0/1); relu returns the values themselves.",
                (Z > 0).astype(float),
            ),
            Mistake(
                "Keep the values as floats: converting to int truncates them.",
                np.trunc(np.maximum(Z, 0)),
            ),
        ]
        expect_close(got, relu.expected(case), what, mistakes=mistakes, **tolerance_for(Z))


@requires("test_relu_values")
def test_relu_returns_floats(outcome):
    """relu returns floats: float32 stays float32, float64 stays float64, integers give float64."""
    relu = outcome("relu")
    for case in relu.cases:
        (Z,) = relu.call(case).args
        what = f"relu(Z) on the '{case}' case ({Z.dtype} Z)"
        got = expect_ndarray(relu.result(case), what)
        want = np.asarray(relu.expected(case)).dtype
        if got.dtype == want:
            continue
        if Z.dtype.kind in "iu":
            hint = INTEGER_RELU_HINT
        elif Z.dtype == np.float32:
            hint = FLOAT32_RELU_HINT
        else:
            hint = "Keep the input's float dtype: np.maximum(Z, 0.0) does."
        raise CheckFailed(f"{what} has dtype {got.dtype}; expected {want}.", hint)


@requires("test_relu_values")
def test_relu_keeps_input(outcome):
    """relu leaves its input Z unchanged."""
    relu = outcome("relu")
    for case in relu.cases:
        (Z,) = relu.call(case).args
        relu.result(case)
        expect_unchanged(
            Z,
            relu.args_after(case)[0],
            f"Z (the '{case}' case)",
            hint="Do not write into Z (Z[Z < 0] = 0 changes the caller's array); "
            "return a new array such as np.maximum(Z, 0.0).",
        )


# -- relu_derivative ----------------------------------------------------------------------------


@cases_for("relu_derivative")
def relu_derivative_cases(rng, ref):
    with_zeros = rng.normal(size=(4, 6))
    with_zeros[rng.random((4, 6)) < 0.3] = 0.0
    with_zeros[1] = 0.0
    return {
        "random": Call(rng.normal(size=(5, 4))),
        "float32": Call(rng.normal(size=(3, 7)).astype(np.float32)),
        "one_row": Call(rng.normal(size=(1, 10))),
        "with_zeros": Call(with_zeros),
        "all_zero": Call(np.zeros((2, 3))),
        "integers": Call(rng.integers(-3, 4, size=(4, 5))),  # float64 out, 0 at the zeros
    }


NO_EXACT_ZEROS = ("random", "float32", "one_row")
WITH_ZEROS = ("with_zeros", "all_zero", "integers")
AT_ZERO_HINT = (
    "At Z == 0 exactly the derivative is 0 in this course: test Z > 0, not Z >= 0 "
    "(np.heaviside(Z, 1) also puts a 1 there)."
)


def _derivative_mistakes(Z: np.ndarray) -> list[Mistake]:
    return [
        Mistake(AT_ZERO_HINT, (Z >= 0).astype(float)),
        Mistake(
            "That is relu itself; its derivative is 1 where Z > 0 and 0 elsewhere.",
            np.maximum(Z, 0),
        ),
        Mistake("np.sign gives -1 for negative Z; the derivative is 0 there.", np.sign(Z)),
        Mistake(
            "It is the other way round: 1 where Z > 0, 0 where Z <= 0.", (Z <= 0).astype(float)
        ),
    ]


def test_relu_derivative_values(outcome):
    """relu_derivative is 1 where Z > 0 and 0 where Z < 0."""
    fn = outcome("relu_derivative")
    for case in NO_EXACT_ZEROS:
        (Z,) = fn.call(case).args
        expect_close(
            fn.result(case),
            fn.expected(case),
            f"relu_derivative(Z) on the '{case}' case",
            mistakes=_derivative_mistakes(Z),
            check_dtype_kind=False,
            rtol=0,
            atol=1e-12,
        )


@requires("test_relu_derivative_values")
def test_relu_derivative_at_zero(outcome):
    """relu_derivative is 0 where Z is exactly 0 (the course's convention)."""
    fn = outcome("relu_derivative")
    for case in WITH_ZEROS:
        (Z,) = fn.call(case).args
        got = expect_ndarray(fn.result(case), f"relu_derivative(Z) on the '{case}' case")
        expect_shape(got, Z.shape, f"relu_derivative(Z) on the '{case}' case")
        with np.errstate(all="ignore"):
            at_zero = np.asarray(got, dtype=np.float64)[Z == 0]
        wrong = int(np.count_nonzero(at_zero != 0))
        expect(
            wrong == 0,
            f"relu_derivative(Z) on the '{case}' case is not 0 where Z == 0 ({wrong} of "
            f"{at_zero.size} such entries).",
            matching_hint(_derivative_mistakes(Z)[:1], got) or AT_ZERO_HINT,
        )
        expect_close(
            got,
            fn.expected(case),
            f"relu_derivative(Z) on the '{case}' case",
            mistakes=_derivative_mistakes(Z),
            check_dtype_kind=False,
            rtol=0,
            atol=1e-12,
        )


@requires("test_relu_derivative_values")
def test_relu_derivative_float_dtype(outcome):
    """relu_derivative returns floats in Z's float dtype (float32 stays float32), float64 for integers."""
    fn = outcome("relu_derivative")
    for case in fn.cases:
        (Z,) = fn.call(case).args
        what = f"relu_derivative(Z) on the '{case}' case"
        got = expect_ndarray(fn.result(case), what)
        if got.dtype.kind == "b":
            raise CheckFailed(
                f"{what} returns booleans (dtype bool); expected floats 0.0 and 1.0.",
                "Comparisons like Z > 0 give booleans: convert them with "
                ".astype(Z.dtype) (or multiply by 1.0).",
            )
        integer_hint = (
            "An integer Z has no float dtype to keep: return float64 for it (Z.dtype is an "
            "integer type here, so .astype(Z.dtype) gives integers)."
        )
        expect_dtype(
            got,
            "f",
            what,
            hint=integer_hint
            if Z.dtype.kind in "iu"
            else "The derivative is multiplied into float gradients: "
            "return floats 0.0 and 1.0 (.astype(Z.dtype)).",
        )
        want = np.asarray(fn.expected(case)).dtype
        if got.dtype == want:
            continue
        if Z.dtype.kind in "iu":
            hint = integer_hint
        else:
            hint = (
                f"Keep Z's float dtype ({Z.dtype} here): .astype(Z.dtype). np.where(Z > 0, 1.0, 0.0) "
                "and dtype=float always make float64, and a fixed float32 changes float64 input."
            )
        raise CheckFailed(f"{what} ({Z.dtype} Z) has dtype {got.dtype}; expected {want}.", hint)


@requires("test_relu_derivative_values")
def test_relu_derivative_keeps_input(outcome):
    """relu_derivative leaves its input Z unchanged."""
    fn = outcome("relu_derivative")
    for case in fn.cases:
        (Z,) = fn.call(case).args
        fn.result(case)
        expect_unchanged(
            Z,
            fn.args_after(case)[0],
            f"Z (the '{case}' case)",
            hint="Do not overwrite Z with 0s and 1s (Z[Z > 0] = 1 changes the caller's "
            "array, which backprop still needs); build a new array.",
        )


# -- softmax ------------------------------------------------------------------------------------


@cases_for("softmax")
def softmax_cases(rng, ref):
    large = np.stack(
        [
            1000.0 + rng.normal(size=4),  # exp overflows without the shift
            -1000.0 + rng.normal(size=4),  # exp underflows if the GLOBAL max is subtracted
            np.full(4, 1000.0),  # all equal: uniform
            np.array([1000.0, 0.0, -1000.0, 500.0]),
        ]
    )
    return {
        "random": Call(2.0 * rng.normal(size=(5, 4))),
        "float32": Call((3.0 * rng.normal(size=(3, 10))).astype(np.float32)),
        "one_row": Call(rng.normal(size=(1, 10))),
        "large_logits": Call(large),
    }


ORDINARY = ("random", "float32", "one_row")
KEEPDIMS_HINT = (
    "Keep the row axis when you reduce: Z.max(axis=1, keepdims=True) and "
    "sum(axis=1, keepdims=True) have shape (N, 1), which broadcasts against (N, C)."
)


def _exp_rows(exp: np.ndarray, axis) -> np.ndarray:
    with np.errstate(all="ignore"):
        return exp / exp.sum(axis=axis, keepdims=axis is not None)


def _unshifted(Z: np.ndarray) -> np.ndarray:
    """The mistake: np.exp of the raw logits (overflows for large logits)."""
    with np.errstate(all="ignore"):
        return _exp_rows(np.exp(Z), 1)


def _global_shift(Z: np.ndarray) -> np.ndarray:
    """The mistake: the maximum of the whole array subtracted instead of each row's."""
    with np.errstate(all="ignore"):
        return _exp_rows(np.exp(Z - np.max(Z)), 1)


def _softmax_mistakes(Z: np.ndarray) -> list[Mistake]:
    with np.errstate(all="ignore"):
        columns = _exp_rows(np.exp(Z - Z.max(axis=0, keepdims=True)), 0)
        columns_unshifted = _exp_rows(np.exp(Z), 0)
        total = _exp_rows(np.exp(Z - np.max(Z)), None)
    axis_hint = (
        "It normalises each column (axis=0); softmax normalises each row (axis=1): one "
        "row per example."
    )
    return [
        Mistake(axis_hint, columns, id="softmax.columns"),
        Mistake(axis_hint, columns_unshifted, id="softmax.columns"),
        Mistake(
            "Each row must be normalised by its own sum (axis=1, keepdims=True), not by the "
            "total of the whole array.",
            total,
        ),
    ]


def test_softmax_values(outcome):
    """softmax's rows sum to 1 and match the reference's probabilities."""
    fn = outcome("softmax")
    for case in ORDINARY:
        (Z,) = fn.call(case).args
        what = f"softmax(Z) on the '{case}' case"
        mistakes = _softmax_mistakes(Z)
        got = result_or_known_error(
            fn, case, known=[(None, "could not be broadcast", KEEPDIMS_HINT)]
        )
        got = expect_ndarray(got, what, mistakes=mistakes)
        expect_shape(got, Z.shape, what, mistakes=mistakes)
        with np.errstate(all="ignore"):
            sums = np.asarray(got, dtype=np.float64).sum(axis=1)
        if np.all(np.isfinite(sums)) and not np.allclose(sums, 1.0, rtol=0, atol=1e-4):
            raise CheckFailed(
                f"{what}: rows should sum to 1; got sums between {sums.min():.3g} and {sums.max():.3g}.",
                matching_hint(mistakes, got)
                or "Normalise over axis=1 (each row), with keepdims=True.",
            )
        expect_close(got, fn.expected(case), what, mistakes=mistakes, **tolerance_for(Z))


def test_softmax_large_logits(outcome):
    """softmax stays finite and right for logits near +1000 and -1000."""
    fn = outcome("softmax")
    case = "large_logits"
    (Z,) = fn.call(case).args
    mistakes = [
        Mistake(
            "Subtract each row's own maximum (Z.max(axis=1, keepdims=True)), not the maximum of "
            "the whole array: a row far below the global maximum underflows to 0 / 0.",
            _global_shift(Z),
        ),
        Mistake(
            "Subtract each row's maximum before np.exp: exp(1000) overflows to inf, and inf / inf "
            "is nan. The shift does not change the result.",
            _unshifted(Z),
        ),
    ] + _softmax_mistakes(Z)
    got = result_or_known_error(fn, case, known=[(None, "could not be broadcast", KEEPDIMS_HINT)])
    expect_close(
        got,
        fn.expected(case),
        f"softmax(Z) on the '{case}' case (logits near +-1000)",
        mistakes=mistakes,
        rtol=1e-6,
        atol=1e-9,
        hint="Subtract each row's maximum before np.exp, so no exponent is positive.",
    )


@requires("test_softmax_values")
def test_softmax_keeps_input(outcome):
    """softmax leaves its input logits Z unchanged."""
    fn = outcome("softmax")
    for case in fn.cases:
        (Z,) = fn.call(case).args
        fn.result(case)
        expect_unchanged(
            Z,
            fn.args_after(case)[0],
            f"Z (the '{case}' case)",
            hint="Z -= Z.max(axis=1, keepdims=True) shifts the caller's logits in place; "
            "write Z - Z.max(axis=1, keepdims=True), which makes a new array.",
        )


@requires("test_softmax_values")
def test_softmax_float32(outcome):
    """softmax keeps float32 logits float32."""
    fn = outcome("softmax")
    case = "float32"
    what = f"softmax(Z) on the '{case}' case (float32 logits)"
    got = expect_ndarray(fn.result(case), what)
    expect(
        got.dtype == np.float32,
        f"{what} has dtype {got.dtype}; expected float32.",
        "float32 in should give float32 out: avoid converting to float64 (astype(float), "
        "np.float64, dtype=float); np.exp and the division keep float32.",
    )
