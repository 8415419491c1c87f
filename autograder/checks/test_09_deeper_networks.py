"""Checks for lesson 09 (bonus): init_deep, forward_deep, backward_deep, l2_penalty, sgd_step_deep.

The networks have any number of layers. What their results look like, and the grader-side
arithmetic, are in deep_networks.py; the known mistakes, and the hints that name them, in
deep_mistakes.py (and, for the backward pass, shared with lesson 04, in diagnoses.py).

Contract
--------
Every promise of the functions' docstrings and of the lesson, and the check that holds it.

init_deep(layer_sizes, seed=0) -> params
    - keys W1, b1, ..., WL, bL (L = len(layer_sizes) - 1), W_l (n_(l-1), n_l), b_l (n_l,),
      for a list or a tuple ............................................ test_init_deep_shapes
    - every layer's weights: mean 0, standard deviation sqrt(2 / n_(l-1)) . test_init_deep_he_scale
    - different seeds give different weights ....................... test_init_deep_seeds_differ
    - the same seed, or the default seed 0 given or not, gives the same arrays
      ............................................................. test_init_deep_deterministic
    - biases all zeros ............................................... test_init_deep_biases_zero
    - no layer repeats another's random numbers ............... test_init_deep_layers_independent
    - every array float32 ................................................ test_init_deep_float32
    Cases: three to five layers, equal widths, no hidden layer, a positional seed, the default
    seed, and layers of many draws (one with a fan-in of 3, where fan_in +- 1 shows).

forward_deep(X, params) -> (probs, caches)
    - a pair: probs (N, n_L) and caches with exactly Z1, A1, ..., Z(L-1), A(L-1), ZL, each
      (N, n_l) .......................................... test_forward_deep_returns_probs_and_caches
    - probs = softmax of the output logits, rows summing to 1 ......... test_forward_deep_probs
    - every cache entry: Z before, A after the ReLU, ZL the logits ..... test_forward_deep_caches
    - float32 in, float32 out ......................................... test_forward_deep_float32
    - X and params unchanged ..................................... test_forward_deep_keeps_inputs
    Cases: two to four layers, no hidden layer, one row, float32 and float64, logits near 1000.

backward_deep(X, y, params, caches) -> grads
    - keys dW1, db1, ..., dWL, dbL, each shaped like its parameter
      ............................................................ test_backward_deep_returns_gradients
    - the output layer's gradients match the reference ........ test_backward_deep_output_layer
    - every hidden layer's gradients match the reference ...... test_backward_deep_hidden_layers
    - every gradient agrees with centered differences of the loss
      ........................................................... test_backward_deep_gradient_check
    - X, y, params and caches unchanged ......................... test_backward_deep_keeps_inputs
    Cases: one to four layers, one row, ten rows (N equals the classes), float32, logits near
    1000, five classes (one_hot needs n_L); hidden unit 0 of every hidden layer is dead for
    every example.

l2_penalty(params, weight_decay) -> float
    - (lambda / 2) times the squares of every weight, biases left out ..... test_l2_penalty_value
    - 0.0 when weight_decay is 0 ...................................... test_l2_penalty_zero_decay
    - a single float ................................................. test_l2_penalty_python_float
    - params unchanged ............................................... test_l2_penalty_keeps_inputs

sgd_step_deep(X, y, params, learning_rate, weight_decay=0.0) -> (new_params, loss)
    - a pair: a dict with params' keys and shapes, and the loss
      ........................................................ test_sgd_step_deep_returns_params_and_loss
    - every weight: W - learning_rate * (dW + lambda * W) ............ test_sgd_step_deep_weights
    - every bias: b - learning_rate * db .............................. test_sgd_step_deep_biases
    - the loss J = cross-entropy + penalty at params, before the step .. test_sgd_step_deep_loss
    - X, y and params (the dict and its arrays) unchanged ......... test_sgd_step_deep_keeps_inputs
    Cases: weight decay by position, by keyword, left at its default 0, strong enough that its
    order in the step shows; float32; one row.

Not graded, deliberately: the dtype of backward_deep's gradients and of sgd_step_deep's new
parameters (a one-hot by np.eye gives float64 gradients from float32 inputs, and the step is
the same step), and the dtype of l2_penalty's number (any float).
"""

from __future__ import annotations

import math

import numpy as np

from autograder.checking import (
    Call,
    Mistake,
    cases_for,
    describe,
    expect,
    expect_close,
    expect_number,
    failure,
    requires,
    result_or_known_error,
    tolerance_for,
)
from autograder.checks.deep_mistakes import (
    cache_mistakes,
    expect_gradients,
    expect_step,
    l2_mistakes,
    loss_mistakes,
    mean_mistake,
    probs_mistakes,
    spread_mistake,
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
    step_result,
    with_large_logits,
)
from autograder.checks.diagnoses import (
    Network,
    check_every_case,
    consistent_mistakes,
    expect_args_kept,
    expect_gradient_check,
    named_or_advice,
)

# -- init_deep ----------------------------------------------------------------------------------


@cases_for("init_deep")
def init_deep_cases(rng, ref):
    seeds = [int(s) for s in rng.choice(2**31 - 1, size=7, replace=False)]
    return {
        # fan-in and fan-out differ by a factor 2 or more in every layer: each shows in the spread
        "scale": Call([120, 30, 80, 10], seed=seeds[0]),
        # 12,000 draws with a fan-in of 3: sqrt(2 / 4) or sqrt(2 / 2) is far outside the noise
        "narrow_input": Call([3, 4000, 2], seed=seeds[6]),
        "small": Call([6, 5, 4, 3], seed=seeds[1]),
        "small_same_seed": Call([6, 5, 4, 3], seed=seeds[1]),
        "small_other_seed": Call([6, 5, 4, 3], seed=seeds[2]),
        "equal_widths": Call((5, 4, 4, 4, 3), seed=seeds[3]),  # a tuple; five layers
        "no_hidden_layer": Call([7, 3], seed=seeds[4]),
        "positional": Call([8, 6, 4], seeds[5]),
        "default_seed": Call([5, 4, 3]),
        "seed_zero": Call([5, 4, 3], seed=0),
    }


SPREAD_CASES = ("scale", "narrow_input")


def _spreads(fn) -> list[tuple[str, int, np.ndarray, int, int]]:
    """(case, layer, weights, fan_in, fan_out) of every layer of the spread cases."""
    layers = []
    for case in SPREAD_CASES:
        sizes = layer_sizes_of_call(fn.call(case))
        params = init_result(fn, case)
        for l in range(1, len(sizes)):
            W = np.asarray(params[f"W{l}"], dtype=np.float64)
            layers.append((case, l, W, sizes[l - 1], sizes[l]))
    return layers


def test_init_deep_shapes(outcome):
    """init_deep returns W1, b1, ..., WL, bL, each of its layer's shape."""
    fn = outcome("init_deep")
    check_every_case(fn.cases, lambda case: init_result(fn, case))


def test_init_deep_he_scale(outcome):
    """Every layer's weights have mean 0 and the He spread sqrt(2 / fan_in)."""
    fn = outcome("init_deep")
    layers = _spreads(fn)
    for _, _, W, _, _ in layers:
        expect(bool(np.all(np.isfinite(W))), "the weights from init_deep contain nan or inf.")
    # The sample standard deviation of n normal draws is off by about 1/sqrt(2n) (relative);
    # six of those keep a correct implementation passing for any seed.
    stats = [
        (float(W.std()), float(W.mean()), fan_in, fan_out, 6.0 / math.sqrt(2 * W.size), W.size)
        for _, _, W, fan_in, fan_out in layers
    ]
    for (case, l, W, fan_in, _), (std, mean, *_rest) in zip(layers, stats):
        sizes = layer_sizes_of_call(fn.call(case))
        if abs(mean) > 6.0 * max(std, 1e-12) / math.sqrt(W.size):
            raise named_or_advice(
                f"W{l} from init_deep({sizes}) (fan_in = {fan_in}): the weights have mean "
                f"{mean:.4f}; expected about 0.",
                mean_mistake([(m, s, n, fi) for s, m, fi, _, _, n in stats]),
                "Draw from a normal with mean 0.",
            )
    for (case, l, _, fan_in, _), (std, _, _, _, tol, _) in zip(layers, stats):
        target = math.sqrt(2.0 / fan_in)
        if not (std > 0 and abs(math.log(std / target)) <= tol):
            sizes = layer_sizes_of_call(fn.call(case))
            raise named_or_advice(
                f"W{l} from init_deep({sizes}) (fan_in = {fan_in}): the weights have standard "
                f"deviation {std:.4f}; He initialisation gives sqrt(2 / {fan_in}) = "
                f"{target:.4f} (tolerance {100 * tol:.0f}%).",
                spread_mistake([(s, fi, fo, 2 * t) for s, _, fi, fo, t, _ in stats]),
                "He initialisation: a normal with mean 0 and standard deviation "
                "sqrt(2 / fan_in), fan_in = layer_sizes[l - 1] for W{l}.",
            )


@requires("test_init_deep_seeds_differ")
def test_init_deep_biases_zero(outcome):
    """Every bias starts at zero."""
    fn = outcome("init_deep")
    for case in fn.cases:
        params = init_result(fn, case)
        for name in (k for k in params if k.startswith("b")):
            b = np.asarray(params[name])
            expect(
                bool(np.all(b == 0)),
                f"{name} from init_deep on the '{case}' case should be all zeros; "
                f"{int(np.count_nonzero(b != 0))} of {b.size} entries are not.",
                mistake=Mistake(
                    "Biases start at zero (np.zeros); only the weights are drawn at random.",
                    id="init_deep.biases_not_zero",
                ),
            )


@requires("test_init_deep_seeds_differ")
def test_init_deep_deterministic(outcome):
    """The same seed gives the same parameters, and the seed is 0 when none is given."""
    fn = outcome("init_deep")
    for one, other, what in (
        ("small", "small_same_seed", "two calls with the same seed"),
        ("default_seed", "seed_zero", "init_deep(sizes) and init_deep(sizes, seed=0)"),
    ):
        first, again = init_result(fn, one), init_result(fn, other)
        for name in first:
            expect(
                np.array_equal(first[name], again[name]),
                f"init_deep gave a different {name} on {what}.",
                mistake=Mistake(ONE_GENERATOR_HINT, id="init_deep.not_seeded")
                if one == "small"
                else Mistake(
                    "The seed defaults to 0 (def init_deep(layer_sizes, seed=0)), and the "
                    "generator is made from it.",
                    id="init_deep.default_seed",
                ),
            )


def test_init_deep_seeds_differ(outcome):
    """Different seeds give different weights."""
    fn = outcome("init_deep")
    first, other = init_result(fn, "small"), init_result(fn, "small_other_seed")
    expect(
        not np.array_equal(first["W1"], other["W1"]),
        "init_deep gave the same W1 for two different seeds.",
        "Draw the weights at random from a generator made from the seed: rng = "
        "np.random.default_rng(seed).",
    )


@requires("test_init_deep_seeds_differ")
def test_init_deep_layers_independent(outcome):
    """No layer repeats another layer's random numbers."""
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
                    mistake=Mistake(ONE_GENERATOR_HINT, id="init_deep.generator_per_layer"),
                )


@requires("test_init_deep_seeds_differ")
def test_init_deep_float32(outcome):
    """Every array is float32."""
    fn = outcome("init_deep")
    for case in fn.cases:
        for name, value in init_result(fn, case).items():
            dtype = np.asarray(value).dtype
            expect(
                dtype == np.float32,
                f"{name} from init_deep on the '{case}' case has dtype {dtype}; expected float32.",
                mistake=Mistake(
                    "rng.normal and np.zeros give float64: convert with .astype(np.float32) (or "
                    "pass dtype=np.float32 to np.zeros).",
                    id="init_deep.not_float32",
                ),
            )


# -- forward_deep -------------------------------------------------------------------------------


@cases_for("forward_deep")
def forward_deep_cases(rng, ref):
    # Widths differ from each other, from N and from 10, so a skipped or repeated layer shows.
    X_large = rng.random((5, 12))
    large = with_large_logits(ref.forward_deep, X_large, random_network(rng, [12, 9, 10]))
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
        "large_logits": Call(X_large, large),
    }


def test_forward_deep_returns_probs_and_caches(outcome):
    """forward_deep returns probs and a dict of caches, shaped as the layers are."""
    fn = outcome("forward_deep")
    check_every_case(fn.cases, lambda case: forward_result(fn, case))


def _overflows(caches: dict, L: int) -> bool:
    logits = np.asarray(caches[f"Z{L}"])
    return bool(np.max(logits) > np.log(np.finfo(logits.dtype).max))


def test_forward_deep_probs(outcome):
    """probs are the softmax of the output logits, one row per example."""
    fn = outcome("forward_deep")
    check_every_case(fn.cases, lambda case: _expect_probs(fn, case))


def _expect_probs(fn, case: str) -> None:
    X, params, probs, caches = forward_result(fn, case)
    want_probs, want_caches = fn.expected(case)
    L = depth_of(params)
    expect_close(
        probs,
        want_probs,
        f"probs from forward_deep(X, params) on the '{case}' case",
        mistakes=probs_mistakes(X, params, caches, want_caches, _overflows(want_caches, L)),
        hint="Each hidden layer: Z = A_prev @ W + b, then A = relu(Z); the output layer: "
        "Z_L = A_(L-1) @ W_L + b_L, then softmax.",
        **tolerance_for(X),
    )


def test_forward_deep_caches(outcome):
    """Each cache entry holds its layer's Z (before the ReLU) or A (after it)."""
    fn = outcome("forward_deep")
    check_every_case(fn.cases, lambda case: _expect_caches(fn, case))


def _expect_caches(fn, case: str) -> None:
    X, params, _, caches = forward_result(fn, case)
    _, want = fn.expected(case)
    L = depth_of(params)
    for l in range(1, L + 1):
        for name in (f"Z{l}", f"A{l}") if l < L else (f"Z{l}",):
            expect_close(
                caches[name],
                want[name],
                f"caches['{name}'] from forward_deep(X, params) on the '{case}' case",
                mistakes=cache_mistakes(name, X, params, caches, want),
                **tolerance_for(X),
            )


@requires("test_forward_deep_probs")
def test_forward_deep_float32(outcome):
    """float32 inputs give float32 probabilities and caches."""
    fn = outcome("forward_deep")
    for case in ("three_layers", "four_layers", "one_row"):
        _, _, probs, caches = forward_result(fn, case)
        for name, array in [("probs", probs)] + [(f"caches['{k}']", v) for k, v in caches.items()]:
            dtype = np.asarray(array).dtype
            expect(
                dtype == np.float32,
                f"{name} from forward_deep(X, params) on the '{case}' case (float32 X and params) "
                f"has dtype {dtype}; expected float32.",
                mistake=Mistake(
                    "float32 in should stay float32: avoid converting to float64 (astype(float), "
                    "np.float64, dtype=float) inside forward_deep.",
                    id="forward_deep.float64",
                ),
            )


@requires("test_forward_deep_probs")
def test_forward_deep_keeps_inputs(outcome):
    """forward_deep leaves X and the parameters unchanged."""
    expect_args_kept(
        outcome("forward_deep"),
        ("X", "params"),
        hint="Read the parameters from the dict; do not reassign or modify its entries.",
        id="forward_deep.changes_inputs",
    )


# -- backward_deep ------------------------------------------------------------------------------


def _backward_call(rng, ref, n: int, sizes: list[int], dtype, large: bool = False) -> Call:
    X = rng.random((n, sizes[0])).astype(dtype)
    y = rng.integers(0, sizes[-1], size=n)
    params = random_network(rng, sizes, dtype, dead=True)
    if large:
        params = with_large_logits(ref.forward_deep, X, params)
    _, caches = ref.forward_deep(X, params)
    return Call(X, y, params, caches)


@cases_for("backward_deep")
def backward_deep_cases(rng, ref):
    # N, the widths and 10 all differ, so a transposed or wrongly summed gradient shows in its
    # shape; hidden unit 0 of every hidden layer is dead, so a missing ReLU derivative shows too;
    # inputs and hidden layers well wider than N let the checks trace a gradient back to its dZ
    # (an example with no active unit in a layer, probability N / 2^(width - 1), would hide it).
    return {
        "three_layers": _backward_call(rng, ref, 5, [9, 20, 18, 10], np.float64),
        "float32": _backward_call(rng, ref, 6, [12, 21, 19, 10], np.float32),
        "four_layers": _backward_call(rng, ref, 4, [11, 18, 20, 17, 10], np.float64),
        "two_layers": _backward_call(rng, ref, 5, [9, 22, 10], np.float64),
        "no_hidden_layer": _backward_call(rng, ref, 3, [8, 10], np.float64),
        "one_row": _backward_call(rng, ref, 1, [9, 16, 15, 10], np.float64),
        "ten_rows": _backward_call(rng, ref, 10, [26, 24, 22, 10], np.float64),
        "large_logits": _backward_call(rng, ref, 4, [8, 19, 17, 10], np.float64, large=True),
        # n_L is 5 here: one_hot(y, n_L), not one_hot(y) with its default of 10 classes
        "five_classes": _backward_call(rng, ref, 6, [9, 20, 5], np.float64),
    }


def test_backward_deep_returns_gradients(outcome):
    """backward_deep returns dW1, db1, ..., dWL, dbL, each shaped like its parameter."""
    fn = outcome("backward_deep")
    check_every_case(fn.cases, lambda case: backward_result(fn, case))


def test_backward_deep_output_layer(outcome):
    """The output layer's gradients match the reference."""
    expect_gradients(outcome("backward_deep"), output_layer=True)


def test_backward_deep_hidden_layers(outcome):
    """Every hidden layer's gradients match the reference."""
    expect_gradients(outcome("backward_deep"), output_layer=False)


def test_backward_deep_gradient_check(outcome):
    """Every gradient agrees with centered differences of the loss along random directions."""
    fn = outcome("backward_deep")
    check_every_case(fn.cases, lambda case: _gradient_check(fn, case))


def _gradient_check(fn, case: str) -> None:
    """backward_deep's gradients on ``case`` against centered differences of the loss."""
    X, y, params, caches = fn.call(case).args
    expect_gradient_check(
        "backward_deep",
        case,
        X,
        y,
        params,
        Network(X, y, params, caches),
        fn.expected(case),
        backward_result(fn, case),
        list(reversed(grad_names(depth_of(params)))),
        "Compare each line with the chain rule, from the output layer down: dZ_L, then for "
        "each layer dW_l, db_l, dA_(l-1) and dZ_(l-1).",
    )


@requires("test_backward_deep_gradient_check")
def test_backward_deep_keeps_inputs(outcome):
    """backward_deep leaves X, y, the parameters and the caches unchanged."""
    expect_args_kept(
        outcome("backward_deep"),
        ("X", "y", "params", "caches"),
        hint="backward_deep must not change its inputs (the caches and parameters are used "
        "again): build new arrays instead of writing into the Z's, A's or the parameters.",
        id="backward_deep.changes_inputs",
    )


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


def _penalty_tolerance(params: dict) -> dict:
    """float64 weights give the penalty to float64 rounding, whatever the order of the sums;
    float32 weights may be squared and added in float32."""
    single = any(np.asarray(v).dtype == np.float32 for v in params.values())
    return {"rtol": 1e-5, "atol": 1e-9} if single else {"rtol": 1e-9, "atol": 1e-12}


L2_CASES = ("three_layers", "float32", "one_layer", "five_layers", "keyword")


def _l2_mistakes_of(fn):
    def mistakes_of(case: str) -> list[Mistake]:
        call = fn.call(case)
        return l2_mistakes(call.args[0], _weight_decay(call))

    return mistakes_of


def test_l2_penalty_value(outcome):
    """The penalty is (lambda / 2) times the sum of the squares of every weight."""
    fn = outcome("l2_penalty")
    for case in L2_CASES:
        call = fn.call(case)
        params, decay = call.args[0], _weight_decay(call)
        got = result_or_known_error(fn, case)
        if isinstance(got, (list, tuple, dict)) or np.ndim(got) > 0:
            per_layer = [
                0.5 * decay * float(np.sum(np.asarray(v, np.float64) ** 2))
                for k, v in params.items()
                if k.startswith("W")
            ]
            raise failure(
                f"l2_penalty on the '{case}' case should return a single number; got "
                f"{describe(got)}.",
                [
                    Mistake(
                        "Add the layers' penalties into one number (a list or an array of one "
                        "penalty per layer is not the penalty).",
                        per_layer,
                        rtol=1e-6,
                        atol=1e-12,
                        id="l2_penalty.one_per_layer",
                    )
                ],
                got,
                "Add the penalties of all the layers into one number and return float(...) of it.",
            )
        expect_number(
            got,
            fn.expected(case),
            f"l2_penalty(params, weight_decay={decay:g}) on the '{case}' case "
            f"({depth_of(params)} layers)",
            **_penalty_tolerance(params),
            mistakes=consistent_mistakes(fn, L2_CASES, _l2_mistakes_of(fn), case),
            hint="The penalty is (lambda / 2) times the sum of the squares of every weight entry, "
            "in every layer.",
        )


@requires("test_l2_penalty_value")
def test_l2_penalty_zero_decay(outcome):
    """With weight_decay 0 the penalty is 0."""
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
    """l2_penalty returns a single float."""
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
    """l2_penalty leaves the parameters unchanged."""
    expect_args_kept(
        outcome("l2_penalty"),
        ("params",),
        hint="Square into new arrays (W ** 2), not in place (W **= 2).",
        id="l2_penalty.changes_inputs",
    )


# -- sgd_step_deep ------------------------------------------------------------------------------


@cases_for("sgd_step_deep")
def sgd_step_deep_cases(rng, ref):
    def batch(n, sizes, dtype=np.float64):
        X = rng.random((n, sizes[0])).astype(dtype)
        return X, rng.integers(0, sizes[-1], size=n), random_network(rng, sizes, dtype)

    return {
        "three_layers": Call(*batch(6, [10, 7, 5, 10]), 0.1, 0.05),
        "float32": Call(*batch(5, [12, 6, 10], np.float32), 0.3, weight_decay=0.01),
        "no_decay": Call(*batch(4, [8, 5, 10]), learning_rate=0.3),  # weight_decay left at 0
        "one_row": Call(*batch(1, [9, 6, 4, 10]), 0.2, 0.3),
        # learning_rate * weight_decay = 0.14: where the decay sits in the step shows clearly.
        # (No rate and no lambda of 0.5: 2 * rate * lambda would equal lambda, or 2 * lambda
        # one, and two mistakes would give the same step.)
        "strong_decay": Call(*batch(7, [8, 6, 10]), 0.4, weight_decay=0.35),
    }


def test_sgd_step_deep_returns_params_and_loss(outcome):
    """sgd_step_deep returns new parameters shaped like the old ones, and the loss."""
    fn = outcome("sgd_step_deep")
    check_every_case(fn.cases, lambda case: step_result(fn, case))


def test_sgd_step_deep_weights(outcome):
    """Every weight takes the step W - learning_rate * (dW + lambda * W)."""
    expect_step(outcome("sgd_step_deep"), "W")


def test_sgd_step_deep_biases(outcome):
    """Every bias takes the step b - learning_rate * db."""
    expect_step(outcome("sgd_step_deep"), "b")


def _loss_mistakes_of(fn):
    def mistakes_of(case: str) -> list[Mistake]:
        want_params, want = fn.expected(case)
        return loss_mistakes(fn.call(case), want_params, want)

    return mistakes_of


def test_sgd_step_deep_loss(outcome):
    """The loss is the regularised loss at the parameters before the step."""
    fn = outcome("sgd_step_deep")
    for case in fn.cases:
        call = fn.call(case)
        _, loss = step_result(fn, case)
        _, want = fn.expected(case)
        expect_number(
            loss,
            want,
            f"the loss from sgd_step_deep on the '{case}' case",
            rtol=1e-4 if call.args[0].dtype == np.float32 else 1e-6,
            atol=1e-7,
            mistakes=consistent_mistakes(
                fn, fn.cases, _loss_mistakes_of(fn), case, number_of=lambda result: result[1]
            ),
            hint="cross_entropy(probs, y) + l2_penalty(params, weight_decay), with probs from "
            "forward_deep(X, params).",
        )


@requires("test_sgd_step_deep_weights", "test_sgd_step_deep_biases")
def test_sgd_step_deep_keeps_inputs(outcome):
    """sgd_step_deep leaves X, y and the parameters unchanged."""
    expect_args_kept(
        outcome("sgd_step_deep"),
        ("X", "y", "params"),
        hint="Build new arrays, params[k] - learning_rate * ..., in a new dict; `-=` changes the "
        "caller's parameters.",
        id="sgd_step_deep.changes_inputs",
    )
