"""Checks for lesson 09 (bonus): init_deep, forward_deep, backward_deep, l2_penalty, sgd_step_deep.

The networks have any number of layers. What their results look like, and the grader-side
arithmetic, are in deep_networks.py; the known mistakes, and the hints that name them, in
deep_mistakes.py.
"""

from __future__ import annotations

import math

import numpy as np

from autograder.checking import (
    Call,
    CheckFailed,
    Mistake,
    cases_for,
    describe,
    directional_derivatives,
    expect,
    expect_close,
    expect_number,
    expect_unchanged,
    matching_hint,
    requires,
    result_or_known_error,
    tolerance_for,
)
from autograder.checks.deep_mistakes import (
    backward_mistakes,
    expect_gradients,
    expect_step,
    hidden_layer_mistakes,
    l2_mistakes,
    loss_mistakes,
    scale_hint,
)
from autograder.checks.deep_networks import (
    ONE_GENERATOR_HINT,
    backward_result,
    depth_of,
    forward_result,
    grad_names,
    init_result,
    layer_sizes_of_call,
    random_network,
    rows_sum_to_one,
    softmax64,
    step_result,
)

# -- init_deep ----------------------------------------------------------------------------------


@cases_for("init_deep")
def init_deep_cases(rng, ref):
    seeds = [int(s) for s in rng.choice(2**31 - 1, size=6, replace=False)]
    return {
        # fan-in and fan-out differ by a factor 2 or more in every layer: each shows in the spread
        "scale": Call([120, 30, 80, 10], seed=seeds[0]),
        "small": Call([6, 5, 4, 3], seed=seeds[1]),
        "small_same_seed": Call([6, 5, 4, 3], seed=seeds[1]),
        "small_other_seed": Call([6, 5, 4, 3], seed=seeds[2]),
        "equal_widths": Call((5, 4, 4, 4, 3), seed=seeds[3]),  # a tuple; five layers
        "no_hidden_layer": Call([7, 3], seed=seeds[4]),
        "positional": Call([8, 6, 4], seeds[5]),
    }


def test_init_deep_shapes(outcome):
    fn = outcome("init_deep")
    for case in fn.cases:
        init_result(fn, case)


def test_init_deep_he_scale(outcome):
    fn = outcome("init_deep")
    case = "scale"
    sizes = layer_sizes_of_call(fn.call(case))
    params = init_result(fn, case)
    for l in range(1, len(sizes)):
        W = np.asarray(params[f"W{l}"], dtype=np.float64)
        fan_in, fan_out = sizes[l - 1], sizes[l]
        target = math.sqrt(2.0 / fan_in)
        # The sample standard deviation of n normal draws is off by about 1/sqrt(2n) (relative);
        # six of those keep a correct implementation passing for any seed.
        tol = 6.0 / math.sqrt(2 * W.size)
        what = f"W{l} from init_deep({sizes}) (fan_in = {fan_in})"
        expect(bool(np.all(np.isfinite(W))), f"{what} contains nan or inf.")
        std, mean = float(W.std()), float(W.mean())
        expect(
            abs(mean) <= 6.0 * max(std, 1e-12) / math.sqrt(W.size),
            f"{what}: the weights have mean {mean:.4f}; expected about 0.",
            "Draw from a normal with mean 0 (rng.random draws from [0, 1), all positive).",
        )
        expect(
            std > 0 and abs(math.log(std / target)) <= tol,
            f"{what}: the weights have standard deviation {std:.4f}; He initialisation gives "
            f"sqrt(2 / {fan_in}) = {target:.4f} (tolerance {100 * tol:.0f}%).",
            scale_hint(std, fan_in, fan_out, tol),
        )


@requires("test_init_deep_he_scale")
def test_init_deep_biases_zero(outcome):
    fn = outcome("init_deep")
    for case in fn.cases:
        params = init_result(fn, case)
        for name in (k for k in params if k.startswith("b")):
            b = np.asarray(params[name])
            expect(
                bool(np.all(b == 0)),
                f"{name} from init_deep on the '{case}' case should be all zeros; "
                f"{int(np.count_nonzero(b != 0))} of {b.size} entries are not.",
                "Biases start at zero (np.zeros); only the weights are drawn at random.",
            )


@requires("test_init_deep_he_scale")
def test_init_deep_deterministic(outcome):
    fn = outcome("init_deep")
    first, again = init_result(fn, "small"), init_result(fn, "small_same_seed")
    for name in first:
        expect(
            np.array_equal(first[name], again[name]),
            f"init_deep gave a different {name} on two calls with the same seed.",
            ONE_GENERATOR_HINT,
        )


@requires("test_init_deep_he_scale")
def test_init_deep_seeds_differ(outcome):
    fn = outcome("init_deep")
    first, other = init_result(fn, "small"), init_result(fn, "small_other_seed")
    expect(
        not np.array_equal(first["W1"], other["W1"]),
        "init_deep gave the same W1 for two different seeds.",
        "Pass the seed to the generator: rng = np.random.default_rng(seed).",
    )


@requires("test_init_deep_he_scale")
def test_init_deep_layers_independent(outcome):
    fn = outcome("init_deep")
    for case in ("equal_widths", "scale"):
        sizes = layer_sizes_of_call(fn.call(case))
        params = init_result(fn, case)
        # Standardised draws: a layer that repeats an earlier layer's numbers (a generator made
        # afresh from the same seed for every layer) starts with the same standard normals.
        draws = [
            np.asarray(params[f"W{l}"], dtype=np.float64).ravel() / math.sqrt(2.0 / sizes[l - 1])
            for l in range(1, len(sizes))
        ]
        for i in range(len(draws)):
            for j in range(i + 1, len(draws)):
                k = min(draws[i].size, draws[j].size)
                expect(
                    not np.allclose(draws[i][:k], draws[j][:k], rtol=1e-3, atol=1e-5),
                    f"init_deep({sizes}): W{j + 1} starts with the same random numbers as "
                    f"W{i + 1} (scaled); the layers should be independent draws.",
                    ONE_GENERATOR_HINT,
                )


@requires("test_init_deep_he_scale")
def test_init_deep_float32(outcome):
    fn = outcome("init_deep")
    for case in fn.cases:
        for name, value in init_result(fn, case).items():
            dtype = np.asarray(value).dtype
            expect(
                dtype == np.float32,
                f"{name} from init_deep on the '{case}' case has dtype {dtype}; expected float32.",
                "rng.normal and np.zeros give float64: convert with .astype(np.float32) (or pass "
                "dtype=np.float32 to np.zeros).",
            )


# -- forward_deep -------------------------------------------------------------------------------


@cases_for("forward_deep")
def forward_deep_cases(rng, ref):
    # Widths differ from each other, from N and from 10, so a skipped or repeated layer shows.
    return {
        "three_layers": Call(
            rng.random((6, 20)).astype(np.float32), random_network(rng, [20, 9, 7, 10], np.float32)
        ),
        "two_layers_float64": Call(rng.random((4, 12)), random_network(rng, [12, 5, 10])),
        "four_layers": Call(
            rng.random((5, 16)).astype(np.float32),
            random_network(rng, [16, 8, 11, 6, 10], np.float32),
        ),
        "no_hidden_layer": Call(rng.random((3, 11)), random_network(rng, [11, 10])),
        "one_row": Call(
            rng.random((1, 20)).astype(np.float32), random_network(rng, [20, 9, 7, 10], np.float32)
        ),
    }


def test_forward_deep_returns_probs_and_caches(outcome):
    fn = outcome("forward_deep")
    for case in fn.cases:
        forward_result(fn, case)


def test_forward_deep_probs(outcome):
    fn = outcome("forward_deep")
    for case in fn.cases:
        X, params, probs, caches = forward_result(fn, case)
        want_probs, want_caches = fn.expected(case)
        L = depth_of(params)
        ZL = np.asarray(want_caches[f"Z{L}"], dtype=np.float64)
        tol = tolerance_for(X)
        mistakes = hidden_layer_mistakes(X, params, caches, tol) + [
            Mistake(f"probs = softmax(Z{L}): turn the output logits into probabilities.", ZL),
            Mistake(
                "The output layer has no ReLU: softmax(Z_L) of the logits themselves.",
                softmax64(np.maximum(ZL, 0)),
            ),
            Mistake(
                "Each row of probs should sum to 1: softmax over each row (axis=1).",
                matches=lambda got: not rows_sum_to_one(got),
            ),
        ]
        expect_close(
            probs,
            want_probs,
            f"probs from forward_deep(X, params) on the '{case}' case",
            mistakes=mistakes,
            **tol,
        )


def test_forward_deep_caches(outcome):
    fn = outcome("forward_deep")
    for case in fn.cases:
        X, params, _, caches = forward_result(fn, case)
        _, want = fn.expected(case)
        L = depth_of(params)
        tol = tolerance_for(X)
        for l in range(1, L + 1):
            A_prev = X if l == 1 else np.asarray(want[f"A{l - 1}"])
            Z_mistakes = [
                Mistake(
                    f"Z{l} = A{l - 1} @ W{l} + b{l}: the bias is missing."
                    if l > 1
                    else "Z1 = X @ W1 + b1: the bias is missing.",
                    A_prev @ params[f"W{l}"],
                ),
            ]
            if l < L:
                Z_mistakes.append(
                    Mistake(
                        (
                            f"caches['Z{l}'] holds the values after the ReLU; it should hold Z{l} "
                            f"from before it (backward_deep needs it for relu_derivative). An "
                            f"in-place ReLU (np.maximum(Z, 0, out=Z)) overwrites it."
                        ),
                        want[f"A{l}"],
                    )
                )
            else:
                Z_mistakes += [
                    Mistake(
                        f"caches['Z{l}'] went through a ReLU; the output layer has none.",
                        np.maximum(want[f"Z{l}"], 0),
                    ),
                    Mistake(
                        (
                            f"caches['Z{l}'] holds probabilities; it should hold the logits, from "
                            f"before the softmax."
                        ),
                        matches=rows_sum_to_one,
                    ),
                ]
            names = [(f"Z{l}", Z_mistakes)]
            if l < L:
                names.append(
                    (
                        f"A{l}",
                        [
                            Mistake(f"A{l} = relu(Z{l}): the ReLU is missing.", want[f"Z{l}"]),
                            Mistake(
                                (
                                    "The hidden layers use ReLU; softmax belongs on the output "
                                    "layer only."
                                ),
                                matches=rows_sum_to_one,
                            ),
                        ],
                    )
                )
            for name, mistakes in names:
                expect_close(
                    caches[name],
                    want[name],
                    f"caches['{name}'] from forward_deep(X, params) on the '{case}' case",
                    mistakes=mistakes,
                    **tol,
                )


@requires("test_forward_deep_probs")
def test_forward_deep_float32(outcome):
    fn = outcome("forward_deep")
    for case in ("three_layers", "four_layers", "one_row"):
        _, _, probs, caches = forward_result(fn, case)
        for name, array in [("probs", probs)] + [(f"caches['{k}']", v) for k, v in caches.items()]:
            dtype = np.asarray(array).dtype
            expect(
                dtype == np.float32,
                f"{name} from forward_deep(X, params) on the '{case}' case (float32 X and params) "
                f"has dtype {dtype}; expected float32.",
                "float32 in should stay float32: avoid converting to float64 (astype(float), "
                "np.float64, dtype=float) inside forward_deep.",
            )


@requires("test_forward_deep_probs")
def test_forward_deep_keeps_inputs(outcome):
    fn = outcome("forward_deep")
    for case in fn.cases:
        X, params = fn.call(case).args
        fn.result(case)
        X_after, params_after = fn.args_after(case)[:2]
        expect_unchanged(X, X_after, f"X (the '{case}' case)")
        expect_unchanged(
            params,
            params_after,
            f"the '{case}' case's params",
            hint="Read the parameters from the dict; do not reassign or modify its entries.",
        )


# -- backward_deep ------------------------------------------------------------------------------


def _backward_call(rng, ref, n: int, sizes: list[int], dtype) -> Call:
    X = rng.random((n, sizes[0])).astype(dtype)
    y = rng.integers(0, sizes[-1], size=n)
    params = random_network(rng, sizes, dtype, dead=True)
    _, caches = ref.forward_deep(X, params)
    return Call(X, y, params, caches)


@cases_for("backward_deep")
def backward_deep_cases(rng, ref):
    # N, the widths and 10 all differ, so a transposed or wrongly summed gradient shows in its
    # shape; hidden unit 0 of every hidden layer is dead, so a missing ReLU derivative shows too;
    # hidden layers wider than N let the checks trace a right dW back to its dZ.
    return {
        "three_layers": _backward_call(rng, ref, 5, [9, 14, 11, 10], np.float64),
        "float32": _backward_call(rng, ref, 6, [12, 15, 9, 10], np.float32),
        "four_layers": _backward_call(rng, ref, 4, [11, 9, 13, 7, 10], np.float64),
        "two_layers": _backward_call(rng, ref, 5, [9, 7, 10], np.float64),
        "no_hidden_layer": _backward_call(rng, ref, 3, [8, 10], np.float64),
        "one_row": _backward_call(rng, ref, 1, [9, 7, 6, 10], np.float64),
    }


def test_backward_deep_returns_gradients(outcome):
    fn = outcome("backward_deep")
    for case in fn.cases:
        backward_result(fn, case)


def test_backward_deep_output_layer(outcome):
    expect_gradients(outcome("backward_deep"), output_layer=True)


def test_backward_deep_hidden_layers(outcome):
    expect_gradients(outcome("backward_deep"), output_layer=False)


def test_backward_deep_gradient_check(outcome):
    fn = outcome("backward_deep")
    for case in fn.cases:
        X, y, params, caches = fn.call(case).args
        got = backward_result(fn, case)
        want = fn.expected(case)
        limit = 1e-4 if X.dtype == np.float32 else 1e-6
        directions_rng = np.random.default_rng(len(X))
        # From the output layer down: the first wrong layer is where the mistake is.
        for name in reversed(grad_names(depth_of(params))):
            mine = np.asarray(got[name], dtype=np.float64)
            if not np.all(np.isfinite(mine)):
                raise CheckFailed(
                    f"{name} from backward_deep on the '{case}' case contains nan or inf."
                )
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
                matching_hint(backward_mistakes(name, X, params, caches, want, got), got[name])
                or "Compare each line with the chain rule, from the output layer down: dZ_L, then "
                "for each layer dW_l, db_l, dA_(l-1) and dZ_(l-1).",
            )


@requires("test_backward_deep_gradient_check")
def test_backward_deep_keeps_inputs(outcome):
    fn = outcome("backward_deep")
    hint = (
        "backward_deep must not change its inputs (the caches and parameters are used again): "
        "build new arrays instead of writing into the Z's, A's or the parameters."
    )
    for case in fn.cases:
        X, y, params, caches = fn.call(case).args
        fn.result(case)
        after = fn.args_after(case)
        for what, before, now in (
            ("X", X, after[0]),
            ("y", y, after[1]),
            ("params", params, after[2]),
            ("caches", caches, after[3]),
        ):
            expect_unchanged(before, now, f"the '{case}' case's {what}", hint=hint)


# -- l2_penalty ---------------------------------------------------------------------------------


@cases_for("l2_penalty")
def l2_penalty_cases(rng, ref):
    return {
        "three_layers": Call(random_network(rng, [7, 5, 4, 3]), 0.3),
        "float32": Call(random_network(rng, [6, 4, 10], np.float32), 0.01),
        "one_layer": Call(random_network(rng, [6, 4]), 2.0),
        "five_layers": Call(random_network(rng, [5, 4, 4, 3, 3, 2]), 0.05),
        "keyword": Call(random_network(rng, [4, 3, 2]), weight_decay=0.7),
        "zero_decay": Call(random_network(rng, [5, 3, 2]), 0.0),
    }


def _weight_decay(call: Call) -> float:
    return float(call.args[1] if len(call.args) > 1 else call.kwargs["weight_decay"])


def test_l2_penalty_value(outcome):
    fn = outcome("l2_penalty")
    for case in ("three_layers", "float32", "one_layer", "five_layers", "keyword"):
        call = fn.call(case)
        params, decay = call.args[0], _weight_decay(call)
        mistakes = [
            m for m in l2_mistakes(params, decay) if len(params) > 2 or "every layer" not in m.hint
        ]
        got = result_or_known_error(fn, case)
        if isinstance(got, (list, tuple, dict)) or np.ndim(got) > 0:
            raise CheckFailed(
                f"l2_penalty on the '{case}' case should return a single number; got "
                f"{describe(got)}.",
                "Add the penalties of all the layers into one number and return float(...) of it.",
            )
        expect_number(
            got,
            fn.expected(case),
            f"l2_penalty(params, weight_decay={decay:g}) on the '{case}' case "
            f"({depth_of(params)} layers)",
            rtol=1e-5,
            atol=1e-9,
            mistakes=[Mistake(m.hint, m.value, rtol=1e-6, atol=1e-12) for m in mistakes],
            hint="The penalty is (lambda / 2) times the sum of the squares of every weight entry, "
            "in every layer.",
        )


@requires("test_l2_penalty_value")
def test_l2_penalty_zero_decay(outcome):
    fn = outcome("l2_penalty")
    got = result_or_known_error(fn, "zero_decay")
    expect_number(
        got,
        0.0,
        "l2_penalty(params, weight_decay=0) on the 'zero_decay' case",
        rtol=0,
        atol=0,
        hint="With lambda = 0 there is no penalty: the result is 0.0.",
    )


@requires("test_l2_penalty_value")
def test_l2_penalty_python_float(outcome):
    fn = outcome("l2_penalty")
    for case in fn.cases:
        got = fn.result(case)
        expect(
            isinstance(got, (float, np.floating)),
            f"l2_penalty on the '{case}' case should return a float; got {describe(got)}.",
            "Add the layers' sums into one number and return float(...) of it.",
        )


@requires("test_l2_penalty_value")
def test_l2_penalty_keeps_inputs(outcome):
    fn = outcome("l2_penalty")
    for case in fn.cases:
        params = fn.call(case).args[0]
        fn.result(case)
        expect_unchanged(
            params,
            fn.args_after(case)[0],
            f"the '{case}' case's params",
            hint="Square into new arrays (W ** 2), not in place (W **= 2).",
        )


# -- sgd_step_deep ------------------------------------------------------------------------------


@cases_for("sgd_step_deep")
def sgd_step_deep_cases(rng, ref):
    def batch(n, sizes, dtype=np.float64):
        X = rng.random((n, sizes[0])).astype(dtype)
        return X, rng.integers(0, sizes[-1], size=n), random_network(rng, sizes, dtype)

    three = batch(6, [10, 7, 5, 10])
    small = batch(5, [12, 6, 10], np.float32)
    plain = batch(4, [8, 5, 10])
    one = batch(1, [9, 6, 4, 10])
    return {
        "three_layers": Call(*three, 0.1, 0.05),
        "float32": Call(*small, 0.5, weight_decay=0.01),
        "no_decay": Call(*plain, learning_rate=0.3),  # weight_decay left at its default, 0
        "one_row": Call(*one, 0.2, 0.3),
    }


def test_sgd_step_deep_returns_params_and_loss(outcome):
    fn = outcome("sgd_step_deep")
    for case in fn.cases:
        step_result(fn, case)


def test_sgd_step_deep_weights(outcome):
    expect_step(outcome("sgd_step_deep"), "W")


def test_sgd_step_deep_biases(outcome):
    expect_step(outcome("sgd_step_deep"), "b")


def test_sgd_step_deep_loss(outcome):
    fn = outcome("sgd_step_deep")
    for case in fn.cases:
        call = fn.call(case)
        _, loss = step_result(fn, case)
        want_params, want = fn.expected(case)
        expect_number(
            loss,
            want,
            f"the loss from sgd_step_deep on the '{case}' case",
            rtol=1e-4 if call.args[0].dtype == np.float32 else 1e-6,
            atol=1e-7,
            mistakes=loss_mistakes(call, want_params, want),
        )


@requires("test_sgd_step_deep_weights", "test_sgd_step_deep_biases")
def test_sgd_step_deep_keeps_inputs(outcome):
    fn = outcome("sgd_step_deep")
    for case in fn.cases:
        X, _, params = fn.call(case).args[:3]
        fn.result(case)
        after = fn.args_after(case)
        hint = (
            "Build new arrays, params[k] - learning_rate * ..., in a new dict; `-=` changes the "
            "caller's parameters."
        )
        expect_unchanged(params, after[2], f"the '{case}' case's params", hint=hint)
        expect_unchanged(X, after[0], f"the '{case}' case's X")
