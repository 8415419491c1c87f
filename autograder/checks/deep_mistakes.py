"""Lesson 09's known mistakes: what typical wrong code returns, and the hints that name it.

Each function computes, on the grader's side, what a typical mistake would give on a case's
inputs (or recognises it in the student's result), so that feedback names a mistake only when
its model fits. The mistakes of a backward pass, shared with lesson 04, are in diagnoses.py.
``expect_gradients`` and ``expect_step`` compare results with the expected values and these
mistakes. Used by test_09_deeper_networks.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from autograder.checking import Call, Mistake, expect_close, network_loss, tolerance_for
from autograder.checks.deep_networks import (
    backward_result,
    depth_of,
    rows_sum_to_one,
    softmax64,
    step_result,
    step_settings,
)
from autograder.checks.diagnoses import Network, check_every_case, expect_gradient_values

# -- init_deep: the spread of the weights -------------------------------------------------------

#: Recipes for a layer's standard deviation, from its fan-in and fan-out: (std, hint, id).
SPREADS: list[tuple[Callable[[int, int], float], str, str]] = [
    (
        lambda fan_in, fan_out: math.sqrt(1.0 / fan_in),
        "sqrt(1 / fan_in) is the Xavier/LeCun scale; He uses sqrt(2 / fan_in).",
        "xavier",
    ),
    (
        lambda fan_in, fan_out: 2.0 / fan_in,
        (
            "That spread is the variance 2 / fan_in used as the standard deviation; a normal's "
            "scale is its standard deviation, sqrt(2 / fan_in)."
        ),
        "variance_as_std",
    ),
    (
        lambda fan_in, fan_out: 2.0 / math.sqrt(fan_in),
        (
            "That is 2 / sqrt(fan_in); He's standard deviation is sqrt(2 / fan_in): the square root "
            "covers the 2 as well."
        ),
        "sqrt_misplaced",
    ),
    (
        lambda fan_in, fan_out: math.sqrt(2.0 / fan_out),
        (
            "That is sqrt(2 / fan_out): the fan-in is the number of the layer's inputs, "
            "layer_sizes[l - 1] (the rows of W), not its outputs."
        ),
        "fan_out",
    ),
    (
        lambda fan_in, fan_out: math.sqrt(2.0 / (fan_in + fan_out)),
        "sqrt(2 / (fan_in + fan_out)) is the Glorot scale; He uses sqrt(2 / fan_in).",
        "glorot",
    ),
    (
        lambda fan_in, fan_out: math.sqrt(2.0),
        "That is sqrt(2) in every layer: the fan-in is missing, sqrt(2 / fan_in).",
        "fan_in_missing",
    ),
    (
        lambda fan_in, fan_out: 1.0,
        "Standard deviation 1 is far too large: He initialisation uses sqrt(2 / fan_in).",
        "unit_std",
    ),
    (
        lambda fan_in, fan_out: 0.01,
        "A fixed 0.01 is too small: He initialisation uses sqrt(2 / fan_in), layer by layer.",
        "fixed_std",
    ),
    (
        lambda fan_in, fan_out: math.sqrt(1.0 / 12.0),
        (
            "uniform(-0.5, 0.5) has standard deviation 0.29 in every layer; He initialisation "
            "uses a normal with standard deviation sqrt(2 / fan_in)."
        ),
        "uniform_half",
    ),
]


def spread_mistake(layers: list[tuple[float, int, int, float]]) -> Mistake | None:
    """The recipe whose spread every layer has: ``layers`` holds (std, fan_in, fan_out, tol)."""
    if all(std == 0.0 for std, *_ in layers):
        return Mistake(
            "All the weights are equal (zero?): draw them at random.",
            id="init_deep.constant_weights",
        )
    for spread, hint, mistake in SPREADS:
        if all(
            std > 0 and abs(math.log(std / spread(fan_in, fan_out))) <= tol
            for std, fan_in, fan_out, tol in layers
        ):
            return Mistake(hint, id=f"init_deep.{mistake}")
    return None


def mean_mistake(layers: list[tuple[float, float, int, int]]) -> Mistake | None:
    """The model every layer's mean fits, if one does. ``layers`` holds (mean, std, size,
    fan_in)."""
    if all(
        std > 0 and abs(mean / std - math.sqrt(3.0)) <= 6.0 / math.sqrt(size)
        for mean, std, size, _ in layers
    ):  # uniform draws from [0, s): the mean is sqrt(3) standard deviations
        return Mistake(
            "rng.random draws from [0, 1), all positive: draw from a normal with mean 0.",
            id="init_deep.positive_draws",
        )
    if all(
        abs(mean - math.sqrt(2.0 / fan_in)) <= 6.0 * max(std, 1e-3) / math.sqrt(size)
        for mean, std, size, fan_in in layers
    ):  # the spread passed as rng.normal's first argument, the mean
        return Mistake(
            "rng.normal's first argument is the mean (loc), its second the standard deviation "
            "(scale): rng.normal(0.0, np.sqrt(2 / fan_in), size=...).",
            id="init_deep.std_as_mean",
        )
    return None


# -- forward_deep -------------------------------------------------------------------------------


def hidden_layer_mistakes(X, params, caches, tol) -> list[Mistake]:
    """Mistakes seen in the student's own caches (they make the probabilities wrong too)."""
    n_layers = depth_of(params)
    hidden = range(1, n_layers)

    def previous(l):
        return np.asarray(X if l == 1 else caches[f"A{l - 1}"], dtype=np.float64)

    def unbiased(l) -> bool:  # Z_l is A_(l-1) @ W_l alone
        product = previous(l) @ np.asarray(params[f"W{l}"], dtype=np.float64)
        return bool(np.allclose(caches[f"Z{l}"], product, **tol))

    def bias_subtracted(l) -> bool:  # Z_l is A_(l-1) @ W_l - b_l
        product = previous(l) @ np.asarray(params[f"W{l}"], dtype=np.float64)
        b = np.asarray(params[f"b{l}"], dtype=np.float64)
        return bool(np.any(b)) and bool(np.allclose(caches[f"Z{l}"], product - b, **tol))

    def relu_plus_bias(l) -> bool:  # A_l = relu(Z_l) + b_l
        Z = np.asarray(caches[f"Z{l}"], dtype=np.float64)
        after = np.maximum(Z, 0) + np.asarray(params[f"b{l}"], dtype=np.float64)
        return bool(np.allclose(caches[f"A{l}"], after, **tol))

    def swapped(l) -> bool:  # caches Z_l and A_l hold each other's values
        Z, A = (np.asarray(caches[k], dtype=np.float64) for k in (f"Z{l}", f"A{l}"))
        return bool(np.any(A < 0)) and bool(np.allclose(Z, np.maximum(A, 0), **tol))

    return [
        Mistake(
            "caches[f'Z{l}'] holds the activations and caches[f'A{l}'] the values before the "
            "ReLU: store Z (before the ReLU) under 'Z' and A = relu(Z) under 'A'.",
            matches=lambda _: any(swapped(l) for l in hidden),
            id="forward_deep.Z_and_A_swapped",
        ),
        Mistake(
            "The hidden layers use ReLU, A_l = relu(Z_l); softmax belongs on the output layer "
            "only.",
            matches=lambda _: any(rows_sum_to_one(caches[f"A{l}"]) for l in hidden),
            id="forward_deep.softmax_hidden",
        ),
        Mistake(
            "A_l = relu(Z_l): the ReLU between the layers is missing.",
            matches=lambda _: any(
                np.array_equal(caches[f"Z{l}"], caches[f"A{l}"]) and np.any(caches[f"Z{l}"] < 0)
                for l in hidden
            ),
            id="forward_deep.no_relu",
        ),
        Mistake(
            "The bias belongs inside the ReLU: Z_l = A_(l-1) @ W_l + b_l, then A_l = relu(Z_l); "
            "yours adds b_l after the ReLU.",
            matches=lambda _: any(unbiased(l) and relu_plus_bias(l) for l in hidden),
            id="forward_deep.bias_after_relu",
        ),
        Mistake(
            "Z_l = A_(l-1) @ W_l + b_l: the bias is missing.",
            matches=lambda _: any(
                unbiased(l) and (l == n_layers or not relu_plus_bias(l))
                for l in range(1, n_layers + 1)
            ),
            id="forward_deep.no_bias",
        ),
        Mistake(
            "Z_l = A_(l-1) @ W_l + b_l: add the bias, do not subtract it.",
            matches=lambda _: any(bias_subtracted(l) for l in range(1, n_layers + 1)),
            id="forward_deep.bias_subtracted",
        ),
    ]


def probs_mistakes(X, params, caches, want_caches, overflows: bool) -> list[Mistake]:
    """What typical mistakes make of probs (and what the student's caches show)."""
    L = depth_of(params)
    ZL = np.asarray(want_caches[f"Z{L}"], dtype=np.float64)
    columns = np.exp(ZL - ZL.max(axis=0, keepdims=True))
    return [
        Mistake(
            f"The logits here reach {np.max(ZL):.0f}, and exp of them overflows to inf: use "
            "softmax (it subtracts each row's max first), or subtract it yourself.",
            matches=lambda got: overflows and not np.all(np.isfinite(got)),
            id="forward_deep.softmax_overflow",
        ),
        *hidden_layer_mistakes(X, params, caches, tolerance_for(X)),
        Mistake(
            f"probs = softmax(Z{L}): turn the output logits into probabilities.",
            ZL,
            id="forward_deep.logits_returned",
        ),
        Mistake(
            "The output layer has no ReLU: softmax(Z_L) of the logits themselves.",
            softmax64(np.maximum(ZL, 0)),
            id="forward_deep.relu_on_output",
        ),
        Mistake(
            "It normalises each column (axis=0); softmax normalises each row (axis=1): one row "
            "per example.",
            columns / columns.sum(axis=0, keepdims=True),
            id="forward_deep.softmax_columns",
        ),
    ]


def cache_mistakes(name: str, X, params, caches, want: dict) -> list[Mistake]:
    """What typical mistakes make of caches[name] ("Z2", "A1", ...): first what the student's
    own caches show, then values computed from the right caches."""
    L, l = depth_of(params), int(name[1:])
    mistakes = hidden_layer_mistakes(X, params, caches, tolerance_for(X))
    if name[0] == "A":
        return [
            *mistakes,
            Mistake(
                f"A{l} = relu(Z{l}): the ReLU is missing.",
                want[f"Z{l}"],
                id="forward_deep.no_relu",
            ),
        ]
    if l < L:
        mistakes.append(
            Mistake(
                f"caches['Z{l}'] holds the values after the ReLU; it should hold Z{l} from "
                "before it (backward_deep needs it for relu_derivative). An in-place ReLU "
                "(np.maximum(Z, 0, out=Z)) overwrites it.",
                want[f"A{l}"],
                id="forward_deep.relu_in_place",
            )
        )
    else:
        mistakes += [
            Mistake(
                f"caches['Z{l}'] went through a ReLU; the output layer has none.",
                np.maximum(want[f"Z{l}"], 0),
                id="forward_deep.relu_on_output",
            ),
            Mistake(
                f"caches['Z{l}'] holds probabilities; it should hold the logits, from before "
                "the softmax.",
                softmax64(want[f"Z{l}"]),
                id="forward_deep.probs_as_logits",
            ),
        ]
    return mistakes


# -- backward_deep ------------------------------------------------------------------------------


def expect_gradients(fn, output_layer: bool) -> None:
    check_every_case(fn.cases, lambda case: _expect_layers(fn, case, output_layer))


def _expect_layers(fn, case: str, output_layer: bool) -> None:
    X, y, params, caches = fn.call(case).args
    net = Network(X, y, params, caches)
    n_layers = depth_of(params)
    got = backward_result(fn, case)
    layers = [n_layers] if output_layer else range(n_layers - 1, 0, -1)
    expect_gradient_values(
        "backward_deep",
        case,
        net,
        fn.expected(case),
        got,
        [name for l in layers for name in (f"dW{l}", f"db{l}")],
        tolerance_for(X),
        "Compare the line with the lesson's formulas, from the output layer down: the formula, "
        "and each factor in it.",
    )


# -- l2_penalty ---------------------------------------------------------------------------------


def l2_mistakes(params: dict, decay: float) -> list[Mistake]:
    weights = [np.asarray(v, dtype=np.float64) for k, v in params.items() if k.startswith("W")]
    biases = [np.asarray(v, dtype=np.float64) for k, v in params.items() if k.startswith("b")]
    squares = sum(float(np.sum(W**2)) for W in weights)
    models = [
        (
            "Only the weights are penalised: leave the biases b out of the sum.",
            0.5 * decay * (squares + sum(float(np.sum(b**2)) for b in biases)),
            "biases_penalised",
        ),
        (
            "The penalty is (lambda / 2) times the sum of squares: the 1/2 is missing.",
            decay * squares,
            "half_missing",
        ),
        (
            "Square the weights: the penalty adds up W**2, not |W|.",
            0.5 * decay * sum(float(np.sum(np.abs(W))) for W in weights),
            "absolute_values",
        ),
        (
            "Add up the squares of all the entries (np.sum), not their mean.",
            0.5 * decay * sum(float(np.mean(W**2)) for W in weights),
            "mean_of_squares",
        ),
        (
            "The squared norm is the sum of squares itself; np.linalg.norm(W) is its square root.",
            0.5 * decay * sum(float(np.linalg.norm(W)) for W in weights),
            "norm_not_squared",
        ),
        ("Multiply by the weight_decay argument lambda.", 0.5 * squares, "decay_ignored"),
        (
            "The penalty is (lambda / 2) times the sum of squares: multiply it by lambda / 2.",
            squares,
            "factor_missing",
        ),
        (
            "Penalise the weights W, not the biases b: keep the keys that start with 'W'.",
            0.5 * decay * sum(float(np.sum(b**2)) for b in biases),
            "biases_only",
        ),
        (
            "Square the entries before adding them up: the penalty adds up W**2, not W.",
            0.5 * decay * sum(float(np.sum(W)) for W in weights),
            "not_squared",
        ),
        ("The penalty is added to the loss: it is positive.", -0.5 * decay * squares, "negative"),
        (
            "Add up the penalties of the layers, not their mean.",
            0.5 * decay * squares / len(weights),
            "mean_over_layers",
        ),
    ]
    if len(weights) > 1:
        models += [
            (
                "Add up the penalty of every layer, W1 to WL, not only the first.",
                0.5 * decay * float(np.sum(weights[0] ** 2)),
                "first_layer_only",
            ),
            (
                "Add up the penalty of every layer, W1 to WL, not only the last.",
                0.5 * decay * float(np.sum(weights[-1] ** 2)),
                "last_layer_only",
            ),
        ]
    right = 0.5 * decay * squares
    return [
        Mistake(hint, value, rtol=1e-6, atol=1e-12, id=f"l2_penalty.{mistake}")
        for hint, value, mistake in models
        if not math.isclose(value, right, rel_tol=1e-6, abs_tol=1e-12)
    ]


# -- sgd_step_deep ------------------------------------------------------------------------------


def step_mistakes(name: str, call: Call, want: dict) -> list[Mistake]:
    """What the new parameter ``name`` would be after typical mistakes (from the right one)."""
    X, params = call.args[0], call.args[2]
    rate, decay = step_settings(call)
    n = len(X)
    old = np.asarray(params[name], dtype=np.float64)
    right = np.asarray(want[name], dtype=np.float64)
    default = (
        [] if decay_given(call) or not name.startswith("W") else [default_decay(old, right, rate)]
    )
    unstepped = [
        (
            (
                "Take the step: the new parameter is params[k] - learning_rate * (its gradient), "
                "not params[k] itself."
            ),
            old,
            "no_step",
        )
    ]
    if name.startswith("b"):
        models = unstepped + _bias_step_models(old, right, rate, decay)
    else:
        models = unstepped + _weight_step_models(old, right, rate, decay, n)
    models = [m for m in models if not np.allclose(m[1], right, rtol=1e-6, atol=1e-12)]
    return default + [
        Mistake(hint, value, id=f"sgd_step_deep.{mistake}")
        for hint, value, mistake in _told_apart(models)
    ]


StepModel = tuple[str, np.ndarray, str]  # (hint, the parameter it gives, mistake id)


def _bias_step_models(
    old: np.ndarray, right: np.ndarray, rate: float, decay: float
) -> list[StepModel]:
    """A bias's step gone wrong: no rate, decayed like a weight, uphill."""
    return [
        (
            "The step is learning_rate times the gradient: b - learning_rate * db.",
            old - (old - right) / rate,
            "learning_rate_missing",
        ),
        (
            (
                "Only the weights decay: the biases take the plain step "
                "b - learning_rate * db, with no lambda * b."
            ),
            right - rate * decay * old,
            "biases_decayed",
        ),
        (
            "The step goes against the gradient: b - learning_rate * db.",
            2 * old - right,
            "step_uphill",
        ),
    ]


def _weight_step_models(
    old: np.ndarray, right: np.ndarray, rate: float, decay: float, n: int
) -> list[StepModel]:
    """A weight's step gone wrong, from ``plain``, the step without the penalty's gradient."""
    plain = right + rate * decay * old  # the step without the penalty's gradient
    return [
        *_weight_gradient_models(old, plain, rate, decay),
        *_penalty_gradient_models(old, plain, rate, decay),
        *_decay_placement_models(old, plain, rate, decay, n),
        (
            "The step goes against the gradient: W - learning_rate * (dW + lambda * W).",
            2 * old - right,
            "step_uphill",
        ),
    ]


def _weight_gradient_models(
    old: np.ndarray, plain: np.ndarray, rate: float, decay: float
) -> list[StepModel]:
    """The learning rate or backward_deep's dW left out of the step."""
    dW = (old - plain) / rate
    return [
        (
            (
                "The step is learning_rate times the gradient: W - learning_rate * (dW + lambda * "
                "W)."
            ),
            old - (dW + decay * old),
            "learning_rate_missing",
        ),
        (
            "The weight's gradient is dW + lambda * W: backward_deep's dW is missing from it.",
            old - rate * decay * old,
            "weight_gradient_dropped",
        ),
    ]


def _penalty_gradient_models(
    old: np.ndarray, plain: np.ndarray, rate: float, decay: float
) -> list[StepModel]:
    """The penalty's gradient lambda * W left out, or wrong in its factor or sign."""
    return [
        (
            "The penalty's gradient is lambda * W, not lambda alone.",
            plain - rate * decay,
            "decay_not_times_W",
        ),
        (
            "The penalty's gradient is lambda * W: the weight decay lambda is missing from it.",
            plain - rate * old,
            "decay_factor_missing",
        ),
        (
            (
                "The penalty's gradient is missing: add lambda * W to each weight gradient (the "
                "weights then shrink a little at every step)."
            ),
            plain,
            "penalty_gradient_missing",
        ),
        (
            (
                "The gradient of (lambda / 2) * ||W||^2 is lambda * W: the 1/2 cancels the 2 of "
                "the square (yours adds 2 * lambda * W)."
            ),
            plain - 2 * rate * decay * old,
            "penalty_gradient_doubled",
        ),
        (
            "The gradient of (lambda / 2) * ||W||^2 is lambda * W (yours adds lambda / 2 * W).",
            plain - 0.5 * rate * decay * old,
            "penalty_gradient_halved",
        ),
        (
            (
                "Add lambda * W to the gradient (the penalty pulls the weights towards 0), do not "
                "subtract it."
            ),
            plain + rate * decay * old,
            "penalty_subtracted",
        ),
    ]


def _decay_placement_models(
    old: np.ndarray, plain: np.ndarray, rate: float, decay: float, n: int
) -> list[StepModel]:
    """The decay applied outside the step, or spread over the N examples."""
    return [
        (
            (
                "The decay is part of the step: W - learning_rate * (dW + lambda * W); yours "
                "subtracts lambda * W without the learning rate."
            ),
            plain - decay * old,
            "decay_without_learning_rate",
        ),
        (
            (
                "The decay shrinks the weights the step starts from: W - learning_rate * (dW + "
                "lambda * W) = (1 - learning_rate * lambda) * W - learning_rate * dW. Yours "
                "shrinks the result of the step, which also shrinks the step itself."
            ),
            (1 - rate * decay) * plain,
            "decay_after_the_step",
        ),
        (
            (
                "The decay is part of the step, scaled by the learning rate: W - learning_rate "
                "* (dW + lambda * W) = (1 - learning_rate * lambda) * W - learning_rate * dW. "
                "Yours multiplies the result of the step by (1 - lambda): no learning rate, "
                "and it shrinks the step itself too."
            ),
            (1 - decay) * plain,
            "decay_after_the_step_without_learning_rate",
        ),
        (
            (
                "The penalty's gradient is lambda * W, not lambda * W / N: the penalty is added "
                "once to the loss, not to every example's."
            ),
            plain - rate * decay * old / n,
            "penalty_gradient_over_N",
        ),
    ]


def _told_apart(models: list[StepModel]) -> list[StepModel]:
    """The models no other mistake's model matches on this case.

    Two mistakes that give the same step on this case cannot be told apart here: neither is
    named from it (another case, with other settings, tells them apart).
    """
    return [
        (hint, value, mistake)
        for hint, value, mistake in models
        if not any(
            other != mistake and np.allclose(value, twin, rtol=1e-6, atol=1e-12)
            for _, twin, other in models
        )
    ]


def decay_given(call: Call) -> bool:
    return len(call.args) > 4 or "weight_decay" in call.kwargs


def default_decay(old: np.ndarray, right: np.ndarray, rate: float) -> Mistake:
    """With no weight_decay given, the weights decayed all the same: a default other than 0."""

    def fits(got) -> bool:
        got = np.asarray(got, dtype=np.float64)
        if got.shape != right.shape:
            return False
        shrink, pull = (right - got).ravel(), (rate * old).ravel()
        d = float(shrink @ pull / (pull @ pull))
        return abs(d) > 1e-9 and bool(
            np.allclose(right - d * rate * old, got, rtol=1e-5, atol=1e-9)
        )

    return Mistake(
        "weight_decay defaults to 0.0: called without it, the step has no penalty.",
        matches=fits,
        id="sgd_step_deep.default_decay",
    )


def expect_step(fn, kind: str) -> None:
    check_every_case(fn.cases, lambda case: _expect_step(fn, case, kind))


def _expect_step(fn, case: str, kind: str) -> None:
    call = fn.call(case)
    new_params, _ = step_result(fn, case)
    want, _ = fn.expected(case)
    for name in (k for k in call.args[2] if k.startswith(kind)):
        expect_close(
            new_params[name],
            want[name],
            f"the new '{name}' from sgd_step_deep on the '{case}' case",
            mistakes=step_mistakes(name, call, want),
            hint="W - learning_rate * (dW + lambda * W) for a weight, b - learning_rate * db "
            "for a bias, with dW and db from backward_deep.",
            **tolerance_for(call.args[0]),
        )


def loss_mistakes(call: Call, want_params: dict, want: float) -> list[Mistake]:
    """What the loss of sgd_step_deep would be after typical mistakes."""
    X, y, params = call.args[:3]
    _, decay = step_settings(call)

    def penalty(parameters: dict) -> float:
        weights = [np.asarray(v, np.float64) for k, v in parameters.items() if k.startswith("W")]
        return 0.5 * decay * sum(float(np.sum(W**2)) for W in weights)

    after = network_loss(np.asarray(X, np.float64), y, want_params)
    models = [
        (
            (
                "Return the loss at the parameters you started from (the loss whose gradient the "
                "step follows), before the step."
            ),
            after + penalty(want_params),
            "loss_after_the_step",
        ),
        (
            (
                "Return the loss at the parameters you started from (the loss whose gradient the "
                "step follows), before the step."
            ),
            after + penalty(params),
            "loss_after_the_step",
        ),
        (
            (
                "Return the loss at the parameters you started from: the penalty too is "
                "l2_penalty(params, weight_decay), before the step."
            ),
            want - penalty(params) + penalty(want_params),
            "penalty_after_the_step",
        ),
        (
            (
                "The loss is the regularised one: cross_entropy(probs, y) + "
                "l2_penalty(params, weight_decay)."
            ),
            want - penalty(params),
            "loss_without_penalty",
        ),
        (
            (
                "The loss is J = cross_entropy(probs, y) + l2_penalty(params, weight_decay): add the "
                "penalty, do not subtract it."
            ),
            want - 2 * penalty(params),
            "penalty_subtracted_from_loss",
        ),
        (
            (
                "The loss is J = cross_entropy(probs, y) + l2_penalty(params, weight_decay): the "
                "cross-entropy is missing."
            ),
            penalty(params),
            "cross_entropy_missing",
        ),
        (
            "The penalty is added once, l2_penalty(params, weight_decay), not divided by N.",
            want - penalty(params) + penalty(params) / len(X),
            "penalty_over_N",
        ),
    ]
    return [
        Mistake(hint, value, rtol=1e-6, atol=1e-9, id=f"sgd_step_deep.{mistake}")
        for hint, value, mistake in models
        if not math.isclose(value, want, rel_tol=1e-6, abs_tol=1e-9)
    ]
