"""Checks for lesson 02: relu, relu_derivative, softmax."""

from __future__ import annotations

import numpy as np

from autograder.checking import (
    Call,
    Mistake,
    cases_for,
    expect_close,
    expect_dtype,
    expect_unchanged,
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
    }


def test_relu_values(outcome):
    relu = outcome("relu")
    for case in relu.cases:
        (Z,) = relu.call(case).args
        got = relu.result(case)
        expect_close(
            got,
            relu.expected(case),
            f"relu(Z) on the '{case}' case",
            mistakes=[
                Mistake("ReLU keeps positive values and sets negatives to 0: np.maximum(Z, 0), "
                        "not np.max(Z) (one number) or np.minimum.", np.minimum(Z, 0)),
                Mistake("That is the derivative's pattern (0/1); relu returns the values themselves.",
                        (Z > 0).astype(float)),
            ],
        )


def test_relu_keeps_input_and_dtype(outcome):
    relu = outcome("relu")
    for case in relu.cases:
        (Z,) = relu.call(case).args
        got = relu.result(case)
        expect_close(got, relu.expected(case), f"relu(Z) on the '{case}' case")
        expect_dtype(got, "f", f"relu(Z) on the '{case}' case",
                     hint="Keep the input's float dtype: np.maximum(Z, 0) does.")
        expect_unchanged(Z, relu.args_after(case)[0], "Z",
                         hint="Do not write into Z (Z[Z < 0] = 0 changes the caller's array); "
                              "build a new array instead.")
