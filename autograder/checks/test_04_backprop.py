"""Checks for lesson 04: backward, numerical_gradient, relative_error."""

from __future__ import annotations

import numpy as np

from autograder.checking import (
    Call,
    CheckFailed,
    Mistake,
    Probe,
    cases_for,
    describe,
    directional_derivatives,
    expect,
    expect_close,
    expect_dict,
    expect_ndarray,
    expect_number,
    expect_shape,
    expect_unchanged,
    matching_hint,
    requires,
    result_or_known_error,
    tolerance_for,
)
from autograder.checks.factors import as_ratio, constant_factor, how_far, name_factor
from autograder.sandbox.probes import PROBES
from autograder.sandbox.probes import gradient as exact_gradient

PARAMS = ("W1", "b1", "W2", "b2")
GRADS = ("dW1", "db1", "dW2", "db2")


# -- backward -----------------------------------------------------------------------------------


def _backward_call(rng, ref, n: int, n_in: int, n_hidden: int, dtype) -> Call:
    X = rng.random((n, n_in)).astype(dtype)
    y = rng.integers(0, 10, size=n)
    params = ref.init_params(n_in, n_hidden, 10, int(rng.integers(2**31 - 1)))
    params = {k: np.asarray(v, dtype=dtype) for k, v in params.items()}
    params["b1"] = (0.3 * rng.normal(size=n_hidden)).astype(dtype)
    params["b2"] = (0.3 * rng.normal(size=10)).astype(dtype)
    params["b1"][
        0
    ] = -50.0  # hidden unit 0 is dead for every example: no gradient may reach W1[:, 0]
    _, cache = ref.forward(X, params)
    return Call(X, y, params, cache)


@cases_for("backward")
def backward_cases(rng, ref):
    # N, n_in, H and 10 all differ, so a transposed or wrongly summed gradient shows in its shape;
    # n_in > N lets the checks trace a wrong dW1 back to the dZ1 behind it.
    return {
        "float64": _backward_call(rng, ref, 5, 9, 7, np.float64),
        "float32": _backward_call(rng, ref, 6, 12, 8, np.float32),
        "one_row": _backward_call(rng, ref, 1, 9, 7, np.float64),
    }


MATMUL_HINT = (
    "Check each product's shapes: dW2 = A1.T @ dZ2 is (H, N) @ (N, 10); dA1 = dZ2 @ W2.T "
    "is (N, 10) @ (10, H); dW1 = X.T @ dZ1 is (n_in, N) @ (N, H)."
)
BROADCAST_HINT = (
    "Shapes do not match in an elementwise step: subtract one_hot(y), an (N, 10) array, "
    "from the probabilities (y itself is (N,)); dA1 and relu_derivative(Z1) are both (N, H)."
)
RELU_DERIVATIVE_HINT = (
    "Gradient reaches hidden units whose Z1 <= 0: multiply dA1 by "
    "relu_derivative(Z1) (0 or 1) to get dZ1."
)


def _grads(fn, case: str, names: tuple[str, ...] = GRADS) -> dict:
    """The gradients, checked for keys, type and shape (``names`` only)."""
    X, _, params, _ = fn.call(case).args
    n = len(X)
    what = f"backward(X, y, params, cache) on the '{case}' case"
    got = result_or_known_error(
        fn,
        case,
        known=[(None, "matmul", MATMUL_HINT), (None, "could not be broadcast", BROADCAST_HINT)],
    )
    if isinstance(got, dict) and all(k in got for k in PARAMS) and not any(k in got for k in GRADS):
        raise CheckFailed(
            f"{what} returned keys {sorted(got)}.",
            "Name each gradient 'd' + its parameter: 'dW1', 'db1', 'dW2', 'db2'.",
        )
    got = expect_dict(
        got, GRADS, what, hint="Return {'dW1': dW1, 'db1': db1, 'dW2': dW2, 'db2': db2}."
    )
    for name in names:
        shape = params[name[1:]].shape
        if name.startswith("db") and np.ndim(got[name]) == 0:
            raise CheckFailed(
                f"{name} from {what} is a single number ({describe(got[name])}); it should have "
                f"one entry per unit, shape {shape}.",
                f"Sum dZ{name[-1]} over the batch axis only, axis=0, which leaves one entry per "
                f"unit: without an axis, np.sum adds up every entry of the ({n}, {shape[0]}) array "
                "into one number.",
            )
        array = expect_ndarray(got[name], f"{name} from {what}")
        hint = None
        if name.startswith("db") and array.shape == (n,) and n != shape[0]:
            hint = (
                "The bias gradient sums dZ over the batch axis 0 (one entry per unit), not over "
                "axis 1 (one entry per example)."
            )
        elif name.startswith("db") and array.ndim == 2 and array.size == shape[0]:
            hint = (
                f"A bias gradient has the bias's shape {shape}: sum over axis 0 without "
                "keepdims=True."
            )
        elif name == "dW1" and array.shape == (shape[1], shape[1]) and shape[0] != shape[1]:
            hint = "dW1 = X.T @ dZ1: the first layer's input is X, not A1."
        expect_shape(array, shape, f"{name} from {what}", hint=hint)
    return got


def _implied_upstream(inputs: np.ndarray, grad: np.ndarray) -> np.ndarray | None:
    """D with inputs.T @ D == grad, when inputs has full row rank (traces dW back to dZ)."""
    A = np.asarray(inputs, dtype=np.float64).T
    G = np.asarray(grad, dtype=np.float64)
    if A.shape[0] < A.shape[1] or np.linalg.matrix_rank(A) < A.shape[1]:
        return None
    D = np.linalg.lstsq(A, G, rcond=None)[0]
    if not np.allclose(A @ D, G, rtol=1e-4, atol=1e-8):
        return None
    return D


def _scale_hint(name: str, X, params, want: dict, got: dict) -> str | None:
    """When ``name`` is the right gradient times a constant, say which constant and what it means.

    A wrong count in dZ2 (the batch size taken from the wrong axis, a missing or doubled 1/N)
    scales every gradient by the same factor, which the hint names.
    """
    if not isinstance(got, dict):
        return None
    c = constant_factor(got.get(name), want[name])
    if c is None:
        return None
    n, n_in = X.shape
    n_hidden, n_classes = params["W2"].shape
    batch = f"instead of by the batch size N = X.shape[0] = {n}"
    meanings = [
        (-1.0, "dZ2 = (probs - one_hot(y)) / N, not one_hot(y) - probs"),
        (
            n / n_in,
            (
                f"you divided by X.shape[1] = {n_in} (the number of inputs per example; the "
                f"original notebook kept its examples in columns) {batch}"
            ),
        ),
        (n / n_classes, f"you divided by {n_classes} (the number of classes, Z2.shape[1]) {batch}"),
        (n / n_hidden, f"you divided by {n_hidden} (the number of hidden units) {batch}"),
        (
            1 / n_classes,
            (
                f"you divided by N * {n_classes}, the number of entries of dZ2 (a mean over all of "
                f"them?), instead of by N = {n}"
            ),
        ),
    ]
    if n > 1:
        meanings[1:1] = [
            (float(n), "the loss is the MEAN over the N examples: divide dZ2 by N"),
            (1 / n, "divide by N once only (in dZ2): the later gradients inherit it"),
        ]
    meaning = name_factor(c, meanings) or (
        f"the directions are right but not the scale: dZ2 is (P - Y) / N with N = X.shape[0] "
        f"= {n}, and no other factor comes after it (this one is {as_ratio(c)})"
    )
    same = [g for g in GRADS if constant_factor(got.get(g), want[g]) is not None]
    shared = len(same) == len(GRADS) and all(
        abs(constant_factor(got[g], want[g]) / c - 1) <= 1e-3 for g in same
    )
    subject = "every gradient is" if shared else f"{name} is"
    return f"{subject[0].upper()}{subject[1:]} {how_far(c)}: {meaning}."


def _backward_mistakes(name: str, X, params, cache, want: dict, got: dict) -> list[Mistake]:
    W = np.asarray(want[name], dtype=np.float64)
    scale_hint = _scale_hint(name, X, params, want, got)
    mistakes = [
        Mistake(scale_hint, matches=lambda _: True) if scale_hint else None,
        Mistake("The sign is flipped: dZ2 = (probs - one_hot(y)) / N, not one_hot(y) - probs.", -W),
    ]
    Z1 = np.asarray(cache["Z1"], dtype=np.float64)
    A1 = np.asarray(cache["A1"], dtype=np.float64)
    dead = np.all(Z1 <= 0, axis=0)
    if name in ("dW1", "db1"):
        if dead.any():
            mistakes.append(
                Mistake(
                    RELU_DERIVATIVE_HINT,
                    matches=lambda g: (
                        np.ndim(g) >= 1
                        and np.shape(g)[-1] == len(dead)
                        and np.max(np.abs(np.asarray(g, dtype=np.float64)[..., dead]))
                        > 1e-6 * (np.max(np.abs(W)) + 1e-12)
                    ),
                )
            )
        dZ1 = _implied_upstream(X, want["dW1"])
        if dZ1 is not None:
            through_relu = dZ1 * A1  # relu(Z1) multiplied in where relu_derivative(Z1) belongs
            wrong = (
                X.T.astype(np.float64) @ through_relu if name == "dW1" else through_relu.sum(axis=0)
            )
            mistakes.append(
                Mistake("Multiply dA1 by relu_derivative(Z1) (0 or 1), not by relu(Z1).", wrong)
            )
            got_dW1 = got.get("dW1")
            if isinstance(got_dW1, np.ndarray) and got_dW1.shape == W.shape and name == "dW1":
                mine = _implied_upstream(X, got_dW1)
                if mine is not None:
                    mistakes.append(
                        Mistake(
                            RELU_DERIVATIVE_HINT,
                            matches=lambda g, mine=mine: bool(
                                np.max(np.abs(mine[Z1 <= 0]), initial=0.0)
                                > 1e-6 * (np.max(np.abs(mine)) + 1e-12)
                            ),
                        )
                    )
    if name == "dW2":
        z1_hint = "dW2 = A1.T @ dZ2 uses the activations A1 (after the ReLU), not Z1."
        if dead.any():  # a dead unit's activations are 0, so its row of dW2 is 0
            mistakes.append(
                Mistake(
                    z1_hint,
                    matches=lambda g: (
                        np.shape(g) == W.shape
                        and np.max(np.abs(np.asarray(g, dtype=np.float64)[dead]))
                        > 1e-6 * (np.max(np.abs(W)) + 1e-12)
                    ),
                )
            )
        dZ2 = _implied_upstream(A1, want["dW2"])
        if dZ2 is not None:
            mistakes.append(Mistake(z1_hint, Z1.T @ dZ2))
    return [m for m in mistakes if m is not None]


def test_backward_returns_gradients(outcome):
    """backward returns a dict of dW1, db1, dW2, db2, each shaped like its parameter."""
    fn = outcome("backward")
    for case in fn.cases:
        _grads(fn, case)


def _compare_layer(fn, names: tuple[str, str]) -> None:
    for case in fn.cases:
        X, _, params, cache = fn.call(case).args
        got = _grads(fn, case, names)
        want = fn.expected(case)
        for name in names:
            expect_close(
                got[name],
                want[name],
                f"{name} from backward on the '{case}' case",
                mistakes=_backward_mistakes(name, X, params, cache, want, got),
                **tolerance_for(X),
            )


def test_backward_output_layer(outcome):
    """dW2 and db2 match the reference."""
    _compare_layer(outcome("backward"), ("dW2", "db2"))


def test_backward_hidden_layer(outcome):
    """dW1 and db1 match the reference."""
    _compare_layer(outcome("backward"), ("dW1", "db1"))


def test_backward_gradient_check(outcome):
    """every gradient agrees with centered differences of the loss along random directions (float64: < 1e-6)."""
    fn = outcome("backward")
    for case in fn.cases:
        X, y, params, cache = fn.call(case).args
        got = _grads(fn, case)
        limit = 1e-4 if X.dtype == np.float32 else 1e-6
        want = fn.expected(case)
        directions_rng = np.random.default_rng(len(X))
        for name in GRADS:
            mine = np.asarray(got[name], dtype=np.float64)
            if not np.all(np.isfinite(mine)):
                raise CheckFailed(f"{name} from backward on the '{case}' case contains nan or inf.")
            directions = [
                d / np.linalg.norm(d) for d in directions_rng.normal(size=(4,) + mine.shape)
            ]
            numeric = directional_derivatives(X, y, params, name[1:], directions)
            analytic = np.array([np.sum(mine * d) for d in directions])
            scale = np.linalg.norm(analytic) + np.linalg.norm(numeric)
            error = np.linalg.norm(analytic - numeric) / max(scale, 1e-12)
            expect(
                error < limit,
                f"'{name}' on the '{case}' case: relative error {error:.1e} against centered "
                f"differences of the loss along random directions (want < {limit:.0e}).",
                matching_hint(_backward_mistakes(name, X, params, cache, want, got), got[name])
                or "Compare each line with the chain rule: dZ2, then dW2 and db2, dA1, dZ1, dW1 and db1.",
            )


@requires("test_backward_gradient_check")
def test_backward_keeps_inputs(outcome):
    """backward leaves X, y, the parameters and the cache unchanged."""
    fn = outcome("backward")
    for case in fn.cases:
        X, y, params, cache = fn.call(case).args
        fn.result(case)
        after = fn.args_after(case)
        hint = (
            "backward must not change its inputs (the cache and parameters are used again): "
            "build new arrays instead of writing into Z1, Z2 or the parameters."
        )
        for what, before, now in (
            ("X", X, after[0]),
            ("y", y, after[1]),
            ("params", params, after[2]),
            ("cache", cache, after[3]),
        ):
            expect_unchanged(before, now, f"the '{case}' case's {what}", hint=hint)


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
    }


DEFAULT_H = ("cubic_vector", "sine_matrix", "quadratic", "log_sum_exp", "one_element")


def _probe_of(call: Call):
    f = call.args[0]
    return f.name, PROBES[f.name]


def _one_sided(f, x: np.ndarray, h: float, forward: bool) -> np.ndarray:
    x = np.array(x, dtype=np.float64)
    centre = f(x)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        moved = x.copy()
        moved[index] += h if forward else -h
        grad[index] = (f(moved) - centre) / h if forward else (centre - f(moved)) / h
    return grad


def _numerical_mistakes(call: Call, want: np.ndarray) -> list[Mistake]:
    _, f = _probe_of(call)
    x = np.array(call.args[1], dtype=np.float64)
    h = float(call.kwargs.get("h", 1e-5))
    tight = {"rtol": 1e-7, "atol": 1e-9}  # the estimates differ from each other by about 1e-5
    mistakes = [
        Mistake(
            "x_plus = x (and x_minus = x) name the same array, not copies, so f is evaluated at one "
            "point twice and the differences are 0: use x.copy(), or change x[i] and restore it "
            "between the two evaluations.",
            np.zeros_like(x),
            rtol=0,
            atol=0,
        ),
        Mistake(
            "That is a forward difference (f(x + h) - f(x)) / h, which is less accurate; use centered "
            "differences (f(x + h e_i) - f(x - h e_i)) / (2h).",
            _one_sided(f, x, h, True),
            **tight,
        ),
        Mistake(
            "That is a backward difference (f(x) - f(x - h)) / h, which is less accurate; use centered "
            "differences (f(x + h e_i) - f(x - h e_i)) / (2h).",
            _one_sided(f, x, h, False),
            **tight,
        ),
        Mistake("Divide by 2h: the two points x + h and x - h are 2h apart.", 2 * want, **tight),
        Mistake(
            "Divide by 2h, that is by (2 * h); / 2 * h multiplies by h.",
            want * h * h,
            rtol=1e-4,
            atol=0,
        ),
    ]
    if x.size > 1:
        everything = (f(x + h) - f(x - h)) / (2 * h)
        mistakes.append(
            Mistake(
                "Perturb one element at a time (x + h e_i), not every element at once (x + h).",
                np.full(x.shape, everything),
                **tight,
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
                **tight,
            )
        )
    return mistakes


def _numerical_scale_mistake(got, want, h: float) -> list[Mistake]:
    """Estimates that are the right ones times a constant: the denominator (or the sign) is off."""
    c = constant_factor(got, want)
    if c is None:
        return []
    meaning = name_factor(
        c,
        [
            (-1.0, "subtract in the other order, f(x + h e_i) - f(x - h e_i)"),
            (0.5, "divide by 2h once: the two points x + h and x - h are 2h apart, not 4h"),
        ],
    ) or (
        f"the differences are right up to a constant ({as_ratio(c)}), so look at what you divide "
        f"them by: 2h, with h = {h:g}"
    )
    hint = f"Every entry is {how_far(c)}: {meaning}."
    return [Mistake(hint, matches=lambda g, c=c: constant_factor(g, want) == c)]


def test_numerical_gradient_values(outcome):
    """the estimates match centered differences (f(x + h e_i) - f(x - h e_i)) / (2h), element by element."""
    fn = outcome("numerical_gradient")
    for case in DEFAULT_H:
        call = fn.call(case)
        x = call.args[1]
        want = np.asarray(fn.expected(case), dtype=np.float64)
        got = result_or_known_error(fn, case)
        after = fn.args_after(case)[1]
        restored = (
            isinstance(after, np.ndarray)
            and after.shape == x.shape
            and bool(np.allclose(after, x, rtol=1e-12, atol=0))
        )
        drifted = Mistake(
            "x is left changed after each step, so the later elements are measured at a "
            "shifted point: put every x[i] back to its original value before the next one.",
            matches=lambda _, restored=restored: not restored,
        )
        expect_close(
            got,
            want,
            f"numerical_gradient({call.args[0].name}, x) on the '{case}' case "
            f"(x of shape {x.shape})",
            rtol=1e-7,
            atol=1e-9,
            mistakes=[drifted]
            + _numerical_mistakes(call, want)
            + _numerical_scale_mistake(got, want, float(call.kwargs.get("h", 1e-5))),
            hint="For every element i: (f(x + h e_i) - f(x - h e_i)) / (2h), with e_i 1 at "
            "position i and 0 elsewhere.",
        )


def test_numerical_gradient_close_to_exact(outcome):
    """the estimates are close to the exact gradients of known functions."""
    fn = outcome("numerical_gradient")
    for case in DEFAULT_H:
        call = fn.call(case)
        name, _ = _probe_of(call)
        x = np.array(call.args[1], dtype=np.float64)
        exact = exact_gradient(name, x)
        got = result_or_known_error(fn, case)
        expect_close(
            got,
            exact,
            f"numerical_gradient({name}, x) on the '{case}' case, against the "
            f"exact gradient of {name}",
            rtol=1e-6,
            atol=1e-6,
            mistakes=_numerical_mistakes(call, np.asarray(fn.expected(case))),
        )


def test_numerical_gradient_uses_h(outcome):
    """the step is the h argument, not a fixed number."""
    fn = outcome("numerical_gradient")
    case = "large_h"
    call = fn.call(case)
    name, _ = _probe_of(call)
    x = np.array(call.args[1], dtype=np.float64)
    h = call.kwargs["h"]
    want = np.asarray(fn.expected(case), dtype=np.float64)
    mistakes = [
        Mistake(
            f"Use the h argument (h={h} here) for the step, not a fixed 1e-5: with a large step "
            "centered differences are visibly off the exact gradient, and yours is not.",
            exact_gradient(name, x),
            rtol=1e-6,
            atol=1e-6,
        ),
    ] + _numerical_mistakes(call, want)
    expect_close(
        result_or_known_error(fn, case),
        want,
        f"numerical_gradient({name}, x, h={h}) on the '{case}' case",
        rtol=1e-7,
        atol=1e-9,
        mistakes=mistakes,
    )


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
            if 0 < drift.max() <= 1e-9 * max(1.0, float(np.abs(x).max())):
                raise CheckFailed(
                    f"x (the '{case}' case) was not restored exactly: it is off by up to {drift.max():.1e} "
                    "after the call.",
                    "Save x[i] and put that saved value back (x[i] = old); adding and subtracting h "
                    "leaves rounding errors behind.",
                )
        expect_unchanged(
            x,
            after,
            f"x (the '{case}' case)",
            hint="Put every x[i] back to its original value after evaluating f (or "
            "perturb a copy): the caller's x must be unchanged.",
        )


# -- relative_error -----------------------------------------------------------------------------


@cases_for("relative_error")
def relative_error_cases(rng, ref):
    a = rng.normal(size=(4, 3))
    b = rng.normal(size=5)
    c = rng.normal(size=6)
    one_zero_a = np.array([0.0, 0.0, 1.5, -2.0])
    one_zero_b = np.array([0.0, 0.7, 1.5, -2.0 + 1e-3])
    return {
        "close": Call(a, a + 1e-6 * rng.normal(size=a.shape)),
        "different": Call(b, rng.normal(size=5)),
        "opposite_signs": Call(c, -c * rng.uniform(0.5, 1.5, size=6)),
        "one_element": Call(rng.normal(size=1), rng.normal(size=1)),
        "equal": Call(a, a.copy()),
        "both_zero": Call(np.zeros(3), np.zeros(3)),
        "one_zero": Call(one_zero_a, one_zero_b),
    }


NONZERO = ("close", "different", "opposite_signs", "one_element")
ZEROS = ("equal", "both_zero", "one_zero")
FLOOR_HINT = (
    "Where a and b are both 0 the ratio is 0 / 0 = nan: divide by max(1e-8, |a| + |b|), "
    "whose floor avoids it."
)


def _relative_mistakes(a: np.ndarray, b: np.ndarray) -> list[Mistake]:
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    diff = np.abs(a - b)
    floor = 1e-8
    tight = {"rtol": 1e-6, "atol": 1e-15}  # relative errors are small numbers
    with np.errstate(all="ignore"):
        ratio = diff / np.maximum(floor, np.abs(a) + np.abs(b))
        mistakes = [
            Mistake(
                "Take the ratio elementwise and report its max, not a ratio of norms.",
                np.linalg.norm(a - b) / max(floor, np.linalg.norm(a) + np.linalg.norm(b)),
            ),
            Mistake(
                "Take the ratio elementwise and report its max, not a ratio of norms.",
                np.linalg.norm(a - b) / max(floor, np.linalg.norm(a + b)),
            ),
            Mistake(
                "The denominator is |a| + |b|, not |a + b| (which is near 0 when a and b have "
                "opposite signs).",
                np.max(diff / np.maximum(floor, np.abs(a + b))),
            ),
            Mistake(
                "Report the worst element (np.max of the ratios), not the mean.", np.mean(ratio)
            ),
            Mistake(
                "Take the max of the elementwise ratios, not max|a - b| / max(|a| + |b|).",
                np.max(diff) / max(floor, np.max(np.abs(a) + np.abs(b))),
            ),
            Mistake(
                "The denominator is |a| + |b|, not max(|a|, |b|).",
                np.max(diff / np.maximum(floor, np.maximum(np.abs(a), np.abs(b)))),
            ),
            Mistake(
                "The denominator is |a| + |b| (symmetric in a and b), not |a| or |b| alone.",
                np.max(diff / np.maximum(floor, np.abs(a))),
            ),
            Mistake(
                "The denominator is |a| + |b| (symmetric in a and b), not |a| or |b| alone.",
                np.max(diff / np.maximum(floor, np.abs(b))),
            ),
            Mistake(
                "The numerator is the absolute difference |a - b|.",
                np.max((a - b) / np.maximum(floor, np.abs(a) + np.abs(b))),
            ),
            Mistake("Reduce the elementwise ratios to one number with np.max.", ratio),
        ]
    for mistake in mistakes:
        mistake.rtol, mistake.atol = tight["rtol"], tight["atol"]
    return mistakes


def test_relative_error_value(outcome):
    """the value is the largest elementwise |a - b| / max(1e-8, |a| + |b|)."""
    fn = outcome("relative_error")
    for case in NONZERO:
        a, b = fn.call(case).args
        expect_number(
            result_or_known_error(fn, case),
            fn.expected(case),
            f"relative_error(a, b) on the '{case}' case",
            rtol=1e-6,
            atol=1e-12,
            mistakes=_relative_mistakes(a, b),
            hint="max over the elements of |a - b| / max(1e-8, |a| + |b|).",
        )


def test_relative_error_zeros(outcome):
    """entries that are 0 in both arrays count as equal (no 0 / 0)."""
    fn = outcome("relative_error")
    for case in ZEROS:
        a, b = fn.call(case).args
        expect_number(
            result_or_known_error(fn, case),
            fn.expected(case),
            f"relative_error(a, b) on the '{case}' case",
            rtol=1e-6,
            atol=1e-12,
            mistakes=_relative_mistakes(a, b),
            hint=FLOOR_HINT,
        )


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
