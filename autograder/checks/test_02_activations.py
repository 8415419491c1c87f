"""Checks for lesson 02: relu, relu_derivative, softmax.

Contract
--------
Every promise of the docstrings and the lesson, and the check that holds the function to it.

relu(Z)
  - an ndarray of Z's shape, for any shape (2-D, one row, 3-D) ........... test_relu_values
  - Z where Z > 0 and 0 elsewhere: all-negative, zeros, very large values . test_relu_values
  - float32 Z gives float32, float64 Z gives float64 ...................... test_relu_returns_floats
  - integer Z (float64 out): not graded, neither values nor dtype; the network never feeds
    integers to ReLU, so np.maximum(Z, 0) and Z * (Z > 0) keep full marks
  - Z is not modified .................................................... test_relu_keeps_input

relu_derivative(Z)
  - an ndarray of Z's shape, 1.0 where Z > 0 and 0.0 where Z < 0, tiny and
    large magnitudes included ............................................ test_relu_derivative_values
  - 0.0 where Z == 0 exactly (the course's convention) ..................... test_relu_derivative_at_zero
  - floats (not booleans) in Z's float dtype: float32 stays float32 ......... test_relu_derivative_float_dtype
  - integer Z (float64 out): not graded, as for relu
  - Z is not modified .................................................... test_relu_derivative_keeps_input

softmax(Z)
  - an (N, C) ndarray whose rows sum to 1, each the softmax of its own row,
    on non-square, square and one-row batches, with ties and all-negative rows  test_softmax_values
  - finite and exact for logits near +1000 and -1000 ........................ test_softmax_large_logits
  - Z is not modified .................................................... test_softmax_keeps_input
  - float32 Z gives float32 ................................................ test_softmax_float32

A hint names a mistake (``Mistake.id``) only when the student's output, exception or argument
after the call is what that mistake computes on the same inputs.
"""

from __future__ import annotations

import numpy as np

from autograder.checking import (
    Call,
    CheckFailed,
    Mistake,
    cases_for,
    expect_close,
    expect_ndarray,
    expect_shape,
    expect_unchanged_or_named,
    failure,
    raises_like,
    requires,
    result_or_named_error,
    result_written_into,
    right_on,
    tolerance_for,
)

# -- relu ---------------------------------------------------------------------------------------


def _signed_magnitudes(rng, shape, low: float, high: float) -> np.ndarray:
    """Values of both signs with magnitudes spread from 10**low to 10**high (at least one of
    each sign)."""
    Z = rng.choice([-1.0, 1.0], size=shape) * 10.0 ** rng.uniform(low, high, size=shape)
    Z.flat[0], Z.flat[1] = abs(Z.flat[0]), -abs(Z.flat[1])
    return Z


@cases_for("relu")
def relu_cases(rng, ref):
    Z = rng.normal(size=(6, 5))
    Z[0, :2] = 0.0
    return {
        "random": Call(Z),
        "float32": Call(rng.normal(size=(4, 3)).astype(np.float32)),
        "one_row": Call(rng.normal(size=(1, 10))),
        "all_negative": Call(-rng.uniform(0.1, 3.0, size=(3, 4))),
        "large": Call(_signed_magnitudes(rng, (3, 4), 0.5, 30.0)),  # far beyond any cap
        "three_dimensional": Call(rng.normal(size=(2, 3, 4))),  # any shape
    }


def _leaky(Z: np.ndarray, got) -> bool:
    """Z where Z > 0 and one fixed fraction of Z (0 < a < 1) where Z < 0: a leaky ReLU."""
    have = np.asarray(got, dtype=np.float64)
    negative = Z < 0
    if have.shape != Z.shape or not negative.any():
        return False
    slope = have[negative] / Z[negative]
    return (
        bool(np.allclose(have[~negative], np.maximum(Z[~negative], 0)))
        and 0 < float(slope.mean()) < 1
        and bool(np.allclose(slope, slope.mean(), rtol=1e-4))
    )


def _capped(Z: np.ndarray, got) -> bool:
    """max(Z, 0) cut off at a ceiling c (ReLU6, np.clip(Z, 0, 1)): below c right, above it c."""
    have = np.asarray(got, dtype=np.float64)
    if have.shape != Z.shape:
        return False
    top = float(have.max())
    want = np.maximum(Z, 0).astype(np.float64)
    return top < want.max() and bool(np.allclose(have, np.minimum(want, top)))


IN_PLACE_RELU_HINT = (
    "The result was written into Z itself (Z[Z < 0] = 0 or np.maximum(Z, 0, out=Z) change "
    "the caller's array); return a new array such as np.maximum(Z, 0.0)."
)


def _relu_mistakes(Z: np.ndarray) -> list[Mistake]:
    wide = Z.astype(np.float64)
    return [
        Mistake(
            "np.max(Z, 0) reduces Z to its largest value along axis 0; np.maximum(Z, 0) "
            "compares every entry with 0.",
            wide.max(axis=0),
            id="relu.np_max",
        ),
        Mistake(
            "ReLU keeps positive values and sets negatives to 0: np.maximum(Z, 0), not np.minimum.",
            np.minimum(wide, 0),
            id="relu.minimum",
        ),
        Mistake(
            "ReLU sets negative values to 0; np.abs makes them positive instead.",
            np.abs(wide),
            id="relu.abs",
        ),
        Mistake(
            "That is the derivative's pattern (0/1); relu returns the values themselves.",
            (wide > 0).astype(np.float64),
            id="relu.mask_only",
        ),
        Mistake(
            "Keep the values as floats: converting to int truncates them.",
            np.trunc(np.maximum(wide, 0)),
            id="relu.truncated",
        ),
        Mistake(
            "That is a leaky ReLU (a small slope for negative values); this course's ReLU is "
            "exactly 0 for every negative value.",
            matches=lambda got: _leaky(wide, got),
            id="relu.leaky",
        ),
        Mistake(
            "The values stop at a ceiling (as np.clip(Z, 0, 1) or ReLU6 do); ReLU has no upper "
            "limit: max(Z, 0).",
            matches=lambda got: _capped(wide, got),
            id="relu.capped",
        ),
    ]


def test_relu_values(outcome):
    """relu's values match max(Z, 0) on every case, whatever the shape."""
    relu = outcome("relu")
    for case in relu.cases:
        (Z,) = relu.call(case).args
        mistakes = _relu_mistakes(Z)
        expect_close(
            result_or_named_error(relu, case, mistakes),
            relu.expected(case),
            f"relu(Z) on the '{case}' case",
            mistakes=mistakes,
            hint="relu(Z) is Z where Z > 0 and 0 elsewhere, entry by entry.",
            **tolerance_for(Z),
        )


def _dtype_mistakes(function: str, Z: np.ndarray, got: np.ndarray, how: str) -> list[Mistake]:
    """Models of a result in the wrong float dtype: what the output's dtype shows."""
    return [
        Mistake(
            f"float32 Z gave float64: a float64 operand or a conversion (astype(float), "
            f"np.float64, dtype=float) upcasts everything after it; {how} keeps float32.",
            matches=lambda _: Z.dtype == np.float32 and got.dtype == np.float64,
            id=f"{function}.float64",
        ),
        Mistake(
            f"float64 Z gave float32: a fixed float32 conversion loses float64's precision; "
            f"{how} keeps Z's dtype.",
            matches=lambda _: Z.dtype == np.float64 and got.dtype == np.float32,
            id=f"{function}.float32",
        ),
    ]


@requires("test_relu_values")
def test_relu_returns_floats(outcome):
    """relu keeps a float Z's dtype: float32 stays float32 and float64 stays float64."""
    relu = outcome("relu")
    for case in relu.cases:
        (Z,) = relu.call(case).args
        what = f"relu(Z) on the '{case}' case ({Z.dtype} Z)"
        got = expect_ndarray(relu.result(case), what)
        want = np.asarray(relu.expected(case)).dtype
        if got.dtype != want:
            raise failure(
                f"{what} has dtype {got.dtype}; expected {want}, the dtype of Z.",
                _dtype_mistakes("relu", Z, got, "np.maximum(Z, 0.0)"),
                got,
                f"Return {want} for {Z.dtype} input: np.maximum(Z, 0.0) keeps Z's dtype.",
            )


@requires("test_relu_values")
def test_relu_keeps_input(outcome):
    """relu leaves its input Z unchanged."""
    relu = outcome("relu")
    for case in relu.cases:
        (Z,) = relu.call(case).args
        in_place = result_written_into(relu.result(case), IN_PLACE_RELU_HINT, "relu.in_place")
        expect_unchanged_or_named(
            Z,
            relu.args_after(case)[0],
            f"Z (the '{case}' case)",
            mistakes=[in_place],
            hint="Return a new array and leave Z as it was.",
        )


# -- relu_derivative ----------------------------------------------------------------------------


@cases_for("relu_derivative")
def relu_derivative_cases(rng, ref):
    with_zeros = rng.normal(size=(4, 6))
    with_zeros[rng.random((4, 6)) < 0.3] = 0.0
    with_zeros[1] = 0.0
    tiny = _signed_magnitudes(rng, (3, 4), -300.0, -8.0)  # far below any threshold but 0
    tiny[2, :2] = 0.0
    return {
        "random": Call(rng.normal(size=(5, 4))),
        "float32": Call(rng.normal(size=(3, 7)).astype(np.float32)),
        "one_row": Call(rng.normal(size=(1, 10))),
        "large": Call(_signed_magnitudes(rng, (3, 4), 0.5, 30.0)),
        "three_dimensional": Call(rng.normal(size=(2, 3, 4))),
        "with_zeros": Call(with_zeros),
        "tiny_and_zeros": Call(tiny),
        "all_zero": Call(np.zeros((2, 3))),
    }


NO_EXACT_ZEROS = ("random", "float32", "one_row", "large", "three_dimensional")
WITH_ZEROS = ("with_zeros", "tiny_and_zeros", "all_zero")


def _wrong_step(Z: np.ndarray, got) -> bool:
    """0/1 values that step from 0 to 1 as Z grows, but not at 0: a threshold other than 0."""
    have = np.asarray(got, dtype=np.float64)
    if have.shape != Z.shape or not np.all((have == 0) | (have == 1)):
        return False
    order = np.argsort(Z, axis=None, kind="stable")
    steps = have.ravel()[order]
    right = (Z > 0).astype(np.float64).ravel()[order]
    return bool(np.all(np.diff(steps) >= 0)) and not np.array_equal(steps, right)


def _derivative_mistakes(Z: np.ndarray) -> list[Mistake]:
    wide = Z.astype(np.float64)
    # Exact models: Z holds magnitudes down to 1e-300, which a loose tolerance would call 0.
    exact = {"rtol": 1e-9, "atol": 0.0}
    return [
        Mistake(
            "At Z == 0 exactly the derivative is 0 in this course: test Z > 0, not Z >= 0 "
            "(np.heaviside(Z, 1) also puts a 1 there).",
            (wide >= 0).astype(np.float64),
            id="relu_derivative.one_at_zero",
            **exact,
        ),
        Mistake(
            "At Z == 0 exactly the derivative is 0 in this course, not 0.5: np.heaviside(Z, 0.0).",
            np.heaviside(wide, 0.5),
            id="relu_derivative.half_at_zero",
            **exact,
        ),
        Mistake(
            "That is relu itself; its derivative is 1 where Z > 0 and 0 elsewhere.",
            np.maximum(wide, 0),
            id="relu_derivative.relu_itself",
            **exact,
        ),
        Mistake(
            "np.sign gives -1 for negative Z; the derivative is 0 there.",
            np.sign(wide),
            id="relu_derivative.sign",
            **exact,
        ),
        Mistake(
            "It is the other way round: 1 where Z > 0, 0 where Z <= 0.",
            (wide <= 0).astype(np.float64),
            id="relu_derivative.inverted",
            **exact,
        ),
        Mistake(
            "It is the other way round: 1 where Z > 0, 0 where Z <= 0.",
            (wide < 0).astype(np.float64),
            id="relu_derivative.inverted",
            **exact,
        ),
        Mistake(
            "np.clip(Z, 0, 1) keeps the values between 0 and 1; the derivative is exactly 1 "
            "wherever Z > 0, however small Z is.",
            np.clip(wide, 0, 1),
            id="relu_derivative.clipped",
            **exact,
        ),
        Mistake(
            "The step from 0 to 1 is at the wrong place: the derivative is 1 for every Z > 0, "
            "however small, and 0 for Z <= 0.",
            matches=lambda got: _wrong_step(wide, got),
            id="relu_derivative.threshold",
        ),
    ]


def _derivative_values(fn, case: str):
    (Z,) = fn.call(case).args
    return expect_close(
        fn.result(case),
        fn.expected(case),
        f"relu_derivative(Z) on the '{case}' case",
        mistakes=_derivative_mistakes(Z),
        check_dtype_kind=False,
        rtol=0,
        atol=1e-12,
        hint="The derivative is 1.0 where Z > 0 and 0.0 where Z <= 0.",
    )


def test_relu_derivative_values(outcome):
    """relu_derivative is 1 where Z > 0 and 0 where Z < 0."""
    fn = outcome("relu_derivative")
    for case in NO_EXACT_ZEROS:
        _derivative_values(fn, case)


@requires("test_relu_derivative_values")
def test_relu_derivative_at_zero(outcome):
    """relu_derivative is 0 where Z is exactly 0 (the course's convention)."""
    fn = outcome("relu_derivative")
    for case in WITH_ZEROS:
        (Z,) = fn.call(case).args
        what = f"relu_derivative(Z) on the '{case}' case"
        got = expect_ndarray(fn.result(case), what)
        expect_shape(got, Z.shape, what)
        with np.errstate(all="ignore"):
            at_zero = np.asarray(got, dtype=np.float64)[Z == 0]
        wrong = int(np.count_nonzero(at_zero != 0))
        if wrong:
            raise failure(
                f"{what} is not 0 where Z == 0 ({wrong} of {at_zero.size} such entries).",
                _derivative_mistakes(Z),
                got,
                "At Z == 0 exactly the derivative is 0 in this course.",
            )
        _derivative_values(fn, case)


@requires("test_relu_derivative_values")
def test_relu_derivative_float_dtype(outcome):
    """relu_derivative returns floats in Z's float dtype: float32 stays float32."""
    fn = outcome("relu_derivative")
    for case in fn.cases:
        (Z,) = fn.call(case).args
        what = f"relu_derivative(Z) on the '{case}' case ({Z.dtype} Z)"
        got = expect_ndarray(fn.result(case), what)
        if got.dtype.kind == "b":
            raise CheckFailed(
                f"{what} returns booleans (dtype bool); expected floats 0.0 and 1.0.",
                "Comparisons like Z > 0 give booleans: convert them with .astype(Z.dtype) "
                "(or multiply by 1.0), as the lesson asks.",
                mistake="relu_derivative.booleans",
            )
        want = np.asarray(fn.expected(case)).dtype
        if got.dtype != want:
            raise failure(
                f"{what} has dtype {got.dtype}; expected {want}, the dtype of Z.",
                _dtype_mistakes("relu_derivative", Z, got, "(Z > 0).astype(Z.dtype)"),
                got,
                f"Return {want} for {Z.dtype} input: (Z > 0).astype(Z.dtype) keeps Z's dtype.",
            )


@requires("test_relu_derivative_values")
def test_relu_derivative_keeps_input(outcome):
    """relu_derivative leaves its input Z unchanged."""
    fn = outcome("relu_derivative")
    for case in fn.cases:
        (Z,) = fn.call(case).args
        in_place = result_written_into(
            fn.result(case),
            "The 0s and 1s were written into Z itself (Z[Z > 0] = 1 changes the caller's "
            "array, which backprop still needs); build a new array.",
            "relu_derivative.in_place",
        )
        expect_unchanged_or_named(
            Z,
            fn.args_after(case)[0],
            f"Z (the '{case}' case)",
            mistakes=[in_place],
            hint="Return a new array and leave Z as it was.",
        )


# -- softmax ------------------------------------------------------------------------------------


@cases_for("softmax")
def softmax_cases(rng, ref):
    random = 2.0 * rng.normal(size=(5, 4))
    random[0] = -np.abs(random[0]) - 1.0  # a row of negative logits only
    random[1, 1] = random[1, 3] = random[1].max() + 0.5  # a tie for the largest logit
    square = 2.0 * rng.normal(size=(4, 4))  # N == C: a reduction that loses its axis broadcasts
    square[2] = 0.7  # every logit equal: uniform
    square[3] = -np.abs(square[3]) - 2.0
    large = np.stack(
        [
            1000.0 + rng.normal(size=4),  # exp overflows without the shift
            -1000.0 + rng.normal(size=4),  # exp underflows if the GLOBAL max is subtracted
            np.full(4, 1000.0),  # all equal: uniform
            np.array([1000.0, 0.0, -1000.0, 500.0]),
            rng.normal(size=4),  # ordinary logits, 1000 below the global maximum
        ]
    )
    return {
        "random": Call(random),
        "float32": Call((3.0 * rng.normal(size=(3, 10))).astype(np.float32)),
        "one_row": Call(rng.normal(size=(1, 10))),
        "square": Call(square),
        "large_logits": Call(large),
    }


ORDINARY = ("random", "float32", "one_row", "square")


def _softmax_with(
    Z: np.ndarray,
    *,
    axis: int | None = 1,
    shift: str | None = "row",
    shift_axis: int | None = None,
    keep_max=True,
    keep_sum=True,
    exp=np.exp,
):
    """A softmax as a mistaken version computes it (float64; nan and inf as they come):
    the shift by a maximum over ``shift_axis`` (``axis`` unless given), the global maximum,
    the row minimum or nothing; the sum over ``axis`` (None: the whole array)."""
    Z = Z.astype(np.float64)
    over = axis if shift_axis is None else shift_axis
    with np.errstate(all="ignore"):
        if shift == "row":
            top = Z.max(axis=over, keepdims=keep_max)
        elif shift == "min":
            top = Z.min(axis=over, keepdims=True)
        elif shift == "global":
            top = Z.max()
        else:
            top = 0.0
        e = exp(Z - top)
        if axis is None:
            return e / e.sum()
        return e / e.sum(axis=axis, keepdims=keep_sum)


def _row_proportional(want: np.ndarray, got) -> bool:
    """Each row is the right row times its own factor, and the rows do not sum to 1."""
    have = np.asarray(got, dtype=np.float64)
    if have.shape != want.shape or have.ndim != 2 or not np.all(np.isfinite(have)):
        return False
    with np.errstate(all="ignore"):
        factor = have.sum(axis=1, keepdims=True)
        return not np.allclose(factor, 1.0, atol=1e-4) and bool(
            np.allclose(have, want * factor, rtol=1e-4, atol=1e-9)
        )


def _softmax_mistakes(Z: np.ndarray, want: np.ndarray) -> list[Mistake]:
    return [
        *_softmax_axis_mistakes(Z),
        *_softmax_formula_mistakes(Z, want),
        *_softmax_keepdims_mistakes(Z),
        Mistake(
            "Each row has the right proportions but does not sum to 1: divide each row's "
            "exponentials by the sum of those same exponentials.",
            matches=lambda got: _row_proportional(want, got),
            id="softmax.denominator",
        ),
    ]


def _softmax_axis_mistakes(Z: np.ndarray) -> list[Mistake]:
    """Normalised, or shifted, along the wrong axis."""
    axis_hint = (
        "It normalises each column (axis=0); softmax normalises each row (axis=1): one "
        "row per example."
    )
    return [
        Mistake(axis_hint, _softmax_with(Z, axis=0), id="softmax.columns"),
        Mistake(axis_hint, _softmax_with(Z, axis=0, shift=None), id="softmax.columns"),
        Mistake(axis_hint, _softmax_with(Z, axis=0, shift_axis=1), id="softmax.columns"),
        Mistake(
            "The maximum is taken over each column (axis=0) but the sum over each row: "
            "subtract each row's own maximum, Z.max(axis=1, keepdims=True).",
            _softmax_with(Z, shift_axis=0),
            id="softmax.max_over_columns",
        ),
    ]


def _softmax_formula_mistakes(Z: np.ndarray, want: np.ndarray) -> list[Mistake]:
    """A step of the formula left out or replaced: the shift, exp, the row's sum."""
    wide = Z.astype(np.float64)
    return [
        Mistake(
            "Subtract each row's maximum, not its minimum: after subtracting the minimum "
            "every exponent is 0 or more, and exp overflows to inf for a row of wide range.",
            _softmax_with(Z, shift="min"),
            id="softmax.min_shift",
        ),
        Mistake(
            "np.exp is missing: softmax divides the exponentials of the shifted logits by "
            "their row's sum.",
            _softmax_with(Z, exp=lambda shifted: shifted),
            id="softmax.no_exp",
        ),
        Mistake(
            "Each row must be normalised by its own sum (axis=1, keepdims=True), not by the "
            "total of the whole array.",
            _softmax_with(Z, axis=None, shift="global"),
            id="softmax.total",
        ),
        Mistake(
            "The numerator subtracts the row's maximum but the denominator sums the "
            "exponentials of the unshifted logits: divide by the sum of the same shifted "
            "exponentials.",
            np.exp(wide - wide.max(axis=1, keepdims=True))
            / np.exp(wide).sum(axis=1, keepdims=True),
            id="softmax.unshifted_denominator",
        ),
        Mistake(
            "That is the log of the probabilities (log-softmax); softmax returns the "
            "probabilities themselves.",
            np.log(want),
            id="softmax.log_softmax",
        ),
        Mistake(
            "That is the logistic sigmoid 1 / (1 + exp(-Z)), entry by entry; softmax divides "
            "each exponential by its row's sum, so each row sums to 1.",
            1.0 / (1.0 + np.exp(-wide)),
            id="softmax.sigmoid",
        ),
    ]


def _softmax_keepdims_mistakes(Z: np.ndarray) -> list[Mistake]:
    """A row's maximum or sum without keepdims=True, broadcast along the wrong axis."""
    keepdims_hint = (
        "A row's maximum or sum lost its axis: Z.max(axis=1) and sum(axis=1) have shape (N,), "
        "which broadcasts along the wrong axis; keepdims=True keeps (N, 1)."
    )
    if Z.shape[0] == Z.shape[1]:  # the broadcast runs without an error, silently wrong
        return [
            Mistake(keepdims_hint, _softmax_with(Z, keep_max=False), id="softmax.no_keepdims"),
            Mistake(keepdims_hint, _softmax_with(Z, keep_sum=False), id="softmax.no_keepdims"),
            Mistake(
                keepdims_hint,
                _softmax_with(Z, keep_max=False, keep_sum=False),
                id="softmax.no_keepdims",
            ),
        ]
    else:  # the broadcast raises, with the shapes in its message
        return [
            Mistake(
                keepdims_hint,
                matches=raises_like(lambda: _softmax_with(Z, keep_max=False)),
                id="softmax.no_keepdims",
            ),
            Mistake(
                keepdims_hint,
                matches=raises_like(lambda: _softmax_with(Z, keep_sum=False)),
                id="softmax.no_keepdims",
            ),
        ]


def test_softmax_values(outcome):
    """softmax's rows sum to 1 and match the reference's probabilities."""
    fn = outcome("softmax")
    for case in ORDINARY:
        (Z,) = fn.call(case).args
        want = np.asarray(fn.expected(case), dtype=np.float64)
        what = f"softmax(Z) on the '{case}' case"
        mistakes = _softmax_mistakes(Z, want)
        got = result_or_named_error(fn, case, mistakes)
        got = expect_ndarray(got, what, mistakes=mistakes)
        expect_shape(got, Z.shape, what, mistakes=mistakes, hint="")
        with np.errstate(all="ignore"):
            sums = np.asarray(got, dtype=np.float64).sum(axis=1)
        if np.all(np.isfinite(sums)) and not np.allclose(sums, 1.0, rtol=0, atol=1e-4):
            raise failure(
                f"{what}: rows should sum to 1; got sums between {sums.min():.3g} and {sums.max():.3g}.",
                mistakes,
                got,
                "Softmax divides each exponential by the sum of its own row's exponentials.",
            )
        expect_close(
            got,
            want,
            what,
            mistakes=mistakes,
            hint="Row i of the result is exp(Z[i] - max(Z[i])) / sum(exp(Z[i] - max(Z[i]))).",
            **tolerance_for(Z),
        )


def test_softmax_large_logits(outcome):
    """softmax stays finite and right for logits near +1000 and -1000."""
    fn = outcome("softmax")
    case = "large_logits"
    (Z,) = fn.call(case).args
    want = np.asarray(fn.expected(case), dtype=np.float64)
    # These mistakes are right wherever no logit is large: when softmax is right on the
    # ordinary cases only they can fit, otherwise only the others.
    large_only = [
        Mistake(
            "Subtract each row's own maximum (Z.max(axis=1, keepdims=True)), not the maximum of "
            "the whole array: a row far below the global maximum underflows to 0 / 0.",
            _softmax_with(Z, shift="global"),
            id="softmax.global_max",
        ),
        Mistake(
            "Subtract each row's maximum before np.exp: exp(1000) overflows to inf, and inf / inf "
            "is nan. The shift does not change the result.",
            _softmax_with(Z, shift=None),
            id="softmax.no_shift",
        ),
    ]
    everywhere = _softmax_mistakes(Z, want)
    large_only += [m for m in everywhere if m.id == "softmax.min_shift"]
    mistakes = (
        large_only
        if right_on(fn, ORDINARY)
        else [m for m in everywhere if m.id != "softmax.min_shift"]
    )
    got = result_or_named_error(fn, case, mistakes)
    expect_close(
        got,
        want,
        f"softmax(Z) on the '{case}' case (logits near +-1000)",
        mistakes=mistakes,
        rtol=1e-6,
        atol=1e-9,
        hint="Softmax does not change when a row's maximum is subtracted from all its logits, "
        "and after that shift no exponent is positive.",
    )


@requires("test_softmax_values")
def test_softmax_keeps_input(outcome):
    """softmax leaves its input logits Z unchanged."""
    fn = outcome("softmax")
    for case in fn.cases:
        (Z,) = fn.call(case).args
        wide = Z.astype(np.float64)
        shifted = Mistake(
            "Z -= Z.max(axis=1, keepdims=True) shifts the caller's logits in place; write "
            "Z - Z.max(axis=1, keepdims=True), which makes a new array.",
            wide - wide.max(axis=1, keepdims=True),
            id="softmax.in_place_shift",
        )
        written = result_written_into(
            fn.result(case),
            "The probabilities were written into Z itself (np.exp(Z, out=Z), Z /= ...); "
            "compute new arrays and leave Z as it was.",
            "softmax.in_place",
        )
        expect_unchanged_or_named(
            Z,
            fn.args_after(case)[0],
            f"Z (the '{case}' case)",
            mistakes=[shifted, written],
            hint="Compute new arrays and leave Z as it was.",
        )


@requires("test_softmax_values")
def test_softmax_float32(outcome):
    """softmax keeps float32 logits float32."""
    fn = outcome("softmax")
    case = "float32"
    what = f"softmax(Z) on the '{case}' case (float32 logits)"
    (Z,) = fn.call(case).args
    got = expect_ndarray(fn.result(case), what)
    if got.dtype != np.float32:
        raise failure(
            f"{what} has dtype {got.dtype}; expected float32.",
            _dtype_mistakes("softmax", Z, got, "Z - Z.max(axis=1, keepdims=True), np.exp and /"),
            got,
            "float32 in should give float32 out: np.exp and the division keep float32.",
        )
