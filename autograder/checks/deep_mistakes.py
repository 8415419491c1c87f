"""Lesson 09's known mistakes: what typical wrong code returns, and the hints that name it.

Each function computes, on the grader's side, what a typical mistake would give on a case's
inputs (or recognises it in the student's result), so that feedback can say which mistake fits.
``expect_gradients`` and ``expect_step`` compare results with the expected values and these
mistakes. Used by test_09_deeper_networks.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from autograder.checking import Call, Mistake, expect_close, network_loss, tolerance_for
from autograder.checks.deep_networks import (
    RELU_NOT_DERIVATIVE_HINT,
    backward_result,
    depth_of,
    rows_sum_to_one,
    step_result,
    step_settings,
)


def implied_upstream(inputs, grad) -> np.ndarray | None:
    """D with inputs.T @ D == grad, when that fixes D (traces a right dW_l back to its dZ_l), or
    None. The checks learn a layer's dZ from the expected gradient this way, so no backward pass
    of their own is needed."""
    A = np.asarray(inputs, dtype=np.float64).T
    G = np.asarray(grad, dtype=np.float64)
    if A.shape[0] < A.shape[1] or np.linalg.matrix_rank(A) < A.shape[1]:
        return None
    D = np.linalg.lstsq(A, G, rcond=None)[0]
    return D if np.allclose(A @ D, G, rtol=1e-4, atol=1e-8) else None


def constant_factor(got: dict, want: dict) -> float | None:
    """c when every gradient is c times the right one (c != 1), else None."""
    pairs = [
        (np.asarray(got[k], dtype=np.float64), np.asarray(want[k], dtype=np.float64)) for k in want
    ]
    if any(g.shape != w.shape or not np.all(np.isfinite(g)) for g, w in pairs):
        return None
    g = np.concatenate([p[0].ravel() for p in pairs])
    w = np.concatenate([p[1].ravel() for p in pairs])
    if not np.any(w):
        return None
    c = float(g @ w / (w @ w))
    if abs(c - 1) < 1e-3 or not np.allclose(g, c * w, rtol=1e-3, atol=1e-7 * np.abs(w).max()):
        return None
    return c


def scale_hint(std: float, fan_in: int, fan_out: int, tol: float) -> str:
    """Name the recipe whose spread matches ``std``, if one does."""
    if std == 0.0:
        return "All the weights are equal (zero?): draw them at random."
    candidates = [
        (
            math.sqrt(1.0 / fan_in),
            "sqrt(1 / fan_in) is the Xavier/LeCun scale; He uses sqrt(2 / fan_in).",
        ),
        (
            2.0 / fan_in,
            (
                "That spread is the variance 2 / fan_in used as the standard deviation; a normal's "
                "scale is its standard deviation, sqrt(2 / fan_in)."
            ),
        ),
        (
            math.sqrt(2.0 / fan_out),
            (
                "That is sqrt(2 / fan_out): the fan-in is the number of the layer's inputs, "
                "layer_sizes[l - 1] (the rows of W), not its outputs."
            ),
        ),
        (1.0, "Standard deviation 1 is far too large: He initialisation uses sqrt(2 / fan_in)."),
        (
            0.01,
            "A fixed 0.01 is too small: He initialisation uses sqrt(2 / fan_in), layer by layer.",
        ),
        (
            math.sqrt(1.0 / 12.0),
            (
                "uniform(-0.5, 0.5) has standard deviation 0.29 in every layer; He initialisation "
                "uses a normal with standard deviation sqrt(2 / fan_in)."
            ),
        ),
    ]
    best = min(candidates, key=lambda c: abs(math.log(std / c[0])))
    if abs(math.log(std / best[0])) < 2 * tol:
        return best[1]
    return (
        f"He initialisation: a normal with mean 0 and standard deviation sqrt(2 / fan_in) = "
        f"{math.sqrt(2.0 / fan_in):.4f} here (fan_in = {fan_in})."
    )


def hidden_layer_mistakes(X, params, caches, tol) -> list[Mistake]:
    """Mistakes seen in the hidden layers' caches (they also make the probabilities wrong)."""
    n_layers = depth_of(params)
    hidden = range(1, n_layers)

    def previous(l):
        return X if l == 1 else caches[f"A{l - 1}"]

    return [
        Mistake(
            (
                "The hidden layers use ReLU, A_l = relu(Z_l); softmax belongs on the output layer "
                "only."
            ),
            matches=lambda _: any(rows_sum_to_one(caches[f"A{l}"]) for l in hidden),
        ),
        Mistake(
            "A_l = relu(Z_l): the ReLU between the layers is missing.",
            matches=lambda _: any(
                np.array_equal(caches[f"Z{l}"], caches[f"A{l}"]) and np.any(caches[f"Z{l}"] < 0)
                for l in hidden
            ),
        ),
        Mistake(
            "Z_l = A_(l-1) @ W_l + b_l: the bias is missing.",
            matches=lambda _: any(
                np.allclose(caches[f"Z{l}"], previous(l) @ params[f"W{l}"], **tol)
                for l in range(1, n_layers + 1)
            ),
        ),
    ]


def factor_hint(c: float, n: int, n_in: int) -> str:
    """Feedback for gradients that are all ``c`` times the right ones: name the factor."""
    said = (
        f"Every gradient is {c:.4g} times the right one: the formulas are right, a constant is not."
    )
    if n > 1 and math.isclose(c, n, rel_tol=1e-3):
        why = f"That factor is N = {n}: the loss is the MEAN over the examples: dZ_L = (P - Y) / N."
    elif n > 1 and math.isclose(c, 1 / n, rel_tol=1e-3):
        why = "That factor is 1/N: divide by N once only, in dZ_L; the other gradients inherit it."
    elif math.isclose(c, -1, rel_tol=1e-3):
        why = "The sign is flipped: dZ_L = (P - Y) / N, not (Y - P) / N."
    elif n != n_in and math.isclose(c, n / n_in, rel_tol=1e-3):
        why = (
            f"That is N / n_0 = {n}/{n_in}: you divided by X.shape[1] = {n_in} (the number of "
            f"inputs per example) where the mean needs N = X.shape[0] = {n} (the number of "
            "examples)."
        )
    else:
        why = f"dZ_L should be (P - Y) / N with N = X.shape[0] = {n}."
    return f"{said} {why}"


NO_DERIVATIVE_HINT = (
    "Multiply dA_(l-1) by relu_derivative(Z_(l-1)) to get dZ_(l-1): the gradient reaches hidden "
    "units whose Z <= 0, which had no effect on the loss."
)
Z_AS_INPUT_HINT = (
    "dW_l = A_(l-1).T @ dZ_l uses the activations A (after the ReLU), not the Z from the caches."
)


def _nonzero_where(mask: np.ndarray, axis: int, scale: float) -> Callable[[object], bool]:
    """A predicate: the gradient has entries that should be 0 (units of ``mask``, along ``axis``)."""

    def fits(got) -> bool:
        got = np.asarray(got, dtype=np.float64)
        if not mask.any() or got.ndim <= axis or got.shape[axis] != mask.size:
            return False
        picked = np.compress(mask, got, axis=axis)
        return bool(np.max(np.abs(picked), initial=0.0) > 1e-6 * (scale + 1e-12))

    return fits


def backward_mistakes(name: str, X, params, caches, want: dict, got: dict) -> list[Mistake]:
    """Mistakes that fit a wrong ``name`` ("dW2", "db1", ...): recognised by units that should
    get no gradient, or computed from the right gradients traced back to their dZ."""
    mistakes = []
    factor = constant_factor(got, want)
    if factor is not None:
        mistakes.append(Mistake(factor_hint(factor, len(X), X.shape[1]), matches=lambda _: True))
    depth, layer = depth_of(params), int(name[2:])
    scale = float(np.max(np.abs(want[name]), initial=0.0))
    inputs = np.asarray(X if layer == 1 else caches[f"A{layer - 1}"], dtype=np.float64)
    if layer < depth:  # a hidden layer: its units that are off for every example get nothing
        off = np.all(np.asarray(caches[f"Z{layer}"]) <= 0, axis=0)
        mistakes.append(Mistake(NO_DERIVATIVE_HINT, matches=_nonzero_where(off, -1, scale)))
    if name.startswith("dW") and layer > 1:  # an input unit that is off passes nothing on
        off = np.all(np.asarray(caches[f"Z{layer - 1}"]) <= 0, axis=0)
        mistakes.append(Mistake(Z_AS_INPUT_HINT, matches=_nonzero_where(off, 0, scale)))
    dZ = implied_upstream(inputs, want[f"dW{layer}"])
    if dZ is None:
        return mistakes
    if name.startswith("dW") and layer > 1:
        Z_in = np.asarray(caches[f"Z{layer - 1}"], dtype=np.float64)
        mistakes.append(Mistake(Z_AS_INPUT_HINT, Z_in.T @ dZ))
    if layer == depth - 1:  # the top hidden layer, where the gradient arriving is still right
        through_relu = dZ * np.maximum(np.asarray(caches[f"Z{layer}"], dtype=np.float64), 0)
        wrong = inputs.T @ through_relu if name.startswith("dW") else through_relu.sum(axis=0)
        mistakes.append(Mistake(RELU_NOT_DERIVATIVE_HINT, wrong))
    return mistakes


def l2_mistakes(params: dict, decay: float) -> list[Mistake]:
    weights = [np.asarray(v, dtype=np.float64) for k, v in params.items() if k.startswith("W")]
    biases = [np.asarray(v, dtype=np.float64) for k, v in params.items() if k.startswith("b")]
    squares = sum(float(np.sum(W**2)) for W in weights)
    return [
        Mistake(
            "Only the weights are penalised: leave the biases b out of the sum.",
            0.5 * decay * (squares + sum(float(np.sum(b**2)) for b in biases)),
        ),
        Mistake(
            "The penalty is (lambda / 2) times the sum of squares: the 1/2 is missing.",
            decay * squares,
        ),
        Mistake(
            "Square the weights: the penalty adds up W**2, not |W|.",
            0.5 * decay * sum(float(np.sum(np.abs(W))) for W in weights),
        ),
        Mistake(
            "Add up the squares of all the entries (np.sum), not their mean.",
            0.5 * decay * sum(float(np.mean(W**2)) for W in weights),
        ),
        Mistake(
            "The squared norm is the sum of squares itself; np.linalg.norm(W) is its square root.",
            0.5 * decay * sum(float(np.linalg.norm(W)) for W in weights),
        ),
        Mistake("Multiply by the weight_decay argument lambda.", 0.5 * squares),
        Mistake(
            "Add up the penalty of every layer, W1 to WL, not only the first.",
            0.5 * decay * float(np.sum(weights[0] ** 2)),
        ),
        Mistake(
            "Add up the penalty of every layer, W1 to WL, not only the last.",
            0.5 * decay * float(np.sum(weights[-1] ** 2)),
        ),
    ]


def step_mistakes(name: str, call: Call, want: dict) -> list[Mistake]:
    """What the new parameter ``name`` would be after typical mistakes (from the right one)."""
    params = call.args[2]
    rate, decay = step_settings(call)
    old = np.asarray(params[name], dtype=np.float64)
    right = np.asarray(want[name], dtype=np.float64)
    if name.startswith("b"):
        return (
            [
                Mistake(
                    (
                        "Only the weights decay: the biases take the plain step "
                        "b - learning_rate * db, with no lambda * b."
                    ),
                    right - rate * decay * old,
                )
            ]
            if decay
            else []
        )
    plain = right + rate * decay * old  # the step without the penalty's gradient
    return [
        Mistake(
            (
                "The penalty's gradient is missing: add lambda * W to each weight gradient (the "
                "weights then shrink a little at every step)."
            ),
            plain,
        ),
        Mistake(
            (
                "The gradient of (lambda / 2) * ||W||^2 is lambda * W: the 1/2 cancels the 2 of "
                "the square (yours adds 2 * lambda * W)."
            ),
            plain - 2 * rate * decay * old,
        ),
        Mistake(
            "The gradient of (lambda / 2) * ||W||^2 is lambda * W (yours adds lambda / 2 * W).",
            plain - 0.5 * rate * decay * old,
        ),
        Mistake(
            (
                "Add lambda * W to the gradient (the penalty pulls the weights towards 0), do not "
                "subtract it."
            ),
            plain + rate * decay * old,
        ),
        Mistake(
            (
                "The decay is part of the step: W - learning_rate * (dW + lambda * W); yours "
                "subtracts lambda * W without the learning rate."
            ),
            plain - decay * old,
        ),
        Mistake(
            "The step goes against the gradient: W - learning_rate * (dW + lambda * W).",
            2 * old - right,
        ),
    ]


def expect_gradients(fn, output_layer: bool) -> None:
    for case in fn.cases:
        X, _, params, caches = fn.call(case).args
        n_layers = depth_of(params)
        got = backward_result(fn, case)
        want = fn.expected(case)
        layers = [n_layers] if output_layer else range(n_layers - 1, 0, -1)
        for l in layers:
            for name in (f"dW{l}", f"db{l}"):
                expect_close(
                    got[name],
                    want[name],
                    f"{name} from backward_deep on the '{case}' case",
                    mistakes=backward_mistakes(name, X, params, caches, want, got),
                    **tolerance_for(X),
                )


def expect_step(fn, kind: str) -> None:
    for case in fn.cases:
        call = fn.call(case)
        new_params, _ = step_result(fn, case)
        want, _ = fn.expected(case)
        for name in (k for k in call.args[2] if k.startswith(kind)):
            expect_close(
                new_params[name],
                want[name],
                f"the new '{name}' from sgd_step_deep on the '{case}' case",
                mistakes=[
                    m
                    for m in step_mistakes(name, call, want)
                    if not np.allclose(m.value, want[name], rtol=1e-6, atol=1e-12)
                ],
                **tolerance_for(call.args[0]),
            )


def loss_mistakes(call: Call, want_params: dict, want: float) -> list[Mistake]:
    """What the loss of sgd_step_deep would be after typical mistakes."""
    X, y, params = call.args[:3]
    _, decay = step_settings(call)
    weights = [np.asarray(v, np.float64) for k, v in params.items() if k.startswith("W")]
    penalty = 0.5 * decay * sum(float(np.sum(W**2)) for W in weights)
    after = network_loss(np.asarray(X, np.float64), y, want_params) + penalty
    mistakes = [
        Mistake(
            "Return the loss at the parameters you started from (the loss whose gradient the "
            "step follows), before the step.",
            after,
        )
    ]
    if decay:
        mistakes.insert(
            0,
            Mistake(
                "The loss is the regularised one: cross_entropy(probs, y) + "
                "l2_penalty(params, weight_decay).",
                want - penalty,
            ),
        )
    return mistakes
