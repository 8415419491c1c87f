"""Lesson 09's checks, the parts that are not tests.

What the parameters, caches and gradients of a network with any number of layers L look like
("W1", "b1", ..., "WL", "bL", so L = len(params) // 2; caches "Z1", "A1", ..., "Z{L-1}",
"A{L-1}", "Z{L}"), the network's arithmetic redone on the grader's side in float64, and the
validators that check a result coarse to fine (type, keys, shapes). The known mistakes are in
deep_mistakes.py; the tests that use both are in test_09_deeper_networks.py.
"""

from __future__ import annotations

import math

import numpy as np

from autograder.checking import (
    Call,
    CheckFailed,
    Mistake,
    describe,
    expect,
    expect_dict,
    expect_ndarray,
    expect_shape,
    result_or_known_error,
)
from autograder.checks.diagnoses import Network, expect_gradient_shapes, gradient_exceptions

# -- Names and shapes --------------------------------------------------------------------------


def depth_of(params: dict) -> int:
    """L, the number of layers: every layer has two entries, W and b."""
    return len(params) // 2


def param_names(n_layers: int) -> list[str]:
    return [f"{kind}{l}" for l in range(1, n_layers + 1) for kind in ("W", "b")]


def grad_names(n_layers: int) -> list[str]:
    return ["d" + name for name in param_names(n_layers)]


def cache_names(n_layers: int) -> list[str]:
    return [f"{kind}{l}" for l in range(1, n_layers) for kind in ("Z", "A")] + [f"Z{n_layers}"]


def layer_sizes_of(params: dict) -> list[int]:
    n_layers = depth_of(params)
    return [params["W1"].shape[0]] + [params[f"W{l}"].shape[1] for l in range(1, n_layers + 1)]


def layer_sizes_of_call(call: Call) -> list[int]:
    sizes = call.args[0] if call.args else call.kwargs["layer_sizes"]
    return [int(n) for n in sizes]


def step_settings(call: Call) -> tuple[float, float]:
    names = ("X", "y", "params", "learning_rate", "weight_decay")
    values = dict(zip(names, call.args)) | call.kwargs
    return float(values["learning_rate"]), float(values.get("weight_decay", 0.0))


def random_network(rng, sizes, dtype=np.float64, dead: bool = False) -> dict:
    """He-scaled weights and non-zero biases (they must be used); ``dead``: hidden unit 0 of every
    hidden layer is off for every example, so no gradient may pass through it."""
    params = {}
    for l in range(1, len(sizes)):
        n_in, n_out = sizes[l - 1], sizes[l]
        params[f"W{l}"] = rng.normal(0.0, math.sqrt(2.0 / n_in), size=(n_in, n_out)).astype(dtype)
        params[f"b{l}"] = (0.3 * rng.normal(size=n_out)).astype(dtype)
        if dead and l < len(sizes) - 1:
            params[f"b{l}"][0] = -50.0
    return params


def with_large_logits(forward, X, params: dict, top: float = 1200.0) -> dict:
    """``params`` with the last layer scaled so that the largest logit forward(X, params) gives
    is ``top``: 1200 is beyond exp's range in float64 (709), where an unshifted softmax
    overflows."""
    L = depth_of(params)
    _, caches = forward(X, params)
    logits = np.asarray(caches[f"Z{L}"], dtype=np.float64)
    largest, smallest = float(np.max(logits)), float(np.min(logits))
    sign = 1.0 if largest >= -smallest else -1.0  # flip the sign if the negatives are larger
    factor = sign * top / max(abs(largest), abs(smallest))
    scaled = dict(params)
    for name in (f"W{L}", f"b{L}"):
        scaled[name] = (np.asarray(params[name]) * factor).astype(np.asarray(params[name]).dtype)
    return scaled


FLOAT_LAYERS = (
    "TypeError",
    "'float' object cannot be interpreted as an integer",
    "len(params) / 2 is a float (3.0): range needs a whole number; L = len(params) // 2.",
)

LAYERS_HINT = (
    "Every layer has two entries, W and b: the number of layers is L = len(params) // 2, "
    "and the layers are numbered 1 to L."
)


FORWARD_SHAPES_HINT = (
    "Each layer is Z_l = A_(l-1) @ W_l + b_l, (N, n_(l-1)) @ (n_(l-1), n_l): the input of layer l "
    "is the previous layer's output A_(l-1), and X for the first layer."
)
BACKWARD_SHAPES_HINT = (
    "Check each product's shapes: dW_l = A_(l-1).T @ dZ_l is (n_(l-1), N) @ (N, n_l); "
    "dA_(l-1) = dZ_l @ W_l.T is (N, n_l) @ (n_l, n_(l-1))."
)
BROADCAST_HINT = (
    "Shapes do not match in an elementwise step: subtract one_hot(y), an (N, n_L) array, from the "
    "probabilities (y itself is (N,)); dA_(l-1) and relu_derivative(Z_(l-1)) are both (N, n_(l-1))."
)
STEP_SHAPES_HINT = (
    "Each parameter takes its own step, params[k] - learning_rate * (its gradient): "
    "grads['d' + k] has the shape of params[k]."
)
NO_RELU_HERE_HINT = (
    "backward_deep builds on softmax, one_hot and relu_derivative; the ReLU's outputs it needs are "
    "in the caches (the A's)."
)


ONE_GENERATOR_HINT = (
    "Make one generator from the seed, rng = np.random.default_rng(seed), before the loop over "
    "the layers, and draw every layer's weights from it."
)


# -- The network's arithmetic, redone on the grader's side in float64 --------------------------


def softmax64(Z) -> np.ndarray:
    Z = np.asarray(Z, dtype=np.float64)
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def rows_sum_to_one(array) -> bool:
    array = np.asarray(array, dtype=np.float64)
    return (
        array.ndim == 2
        and bool(np.all(array >= 0))
        and bool(np.allclose(array.sum(axis=1), 1.0, atol=1e-4))
    )


# -- Results, checked coarse to fine: type, keys, shapes ---------------------------------------


def init_result(fn, case: str) -> dict:
    """The parameters, checked for keys and shapes."""
    sizes = layer_sizes_of_call(fn.call(case))
    n_layers = len(sizes) - 1
    what = f"init_deep({sizes}) on the '{case}' case"
    got = result_or_known_error(
        fn,
        case,
        known=[
            (
                "IndexError",
                "out of range",
                (
                    "layer_sizes has L + 1 entries for L layers: loop over l = 1, ..., L, "
                    "that is range(1, len(layer_sizes))."
                ),
                "init_deep.one_layer_too_many",
            )
        ],
    )
    _expect_layers_numbered(got, sizes, what)
    names = param_names(n_layers)
    got = expect_dict(
        got,
        names,
        what,
        hint=f"Return one dict with the keys {names}: 'W{{l}}' and 'b{{l}}' for each layer "
        "l = 1, ..., L.",
    )
    extra = [k for k in got if k not in names]
    expect(
        not extra,
        f"{what} has extra keys {extra}; expected exactly {names}.",
        f"{len(sizes)} sizes make {n_layers} layers, each with one W and one b.",
    )
    for l in range(1, n_layers + 1):
        for name, shape in ((f"W{l}", (sizes[l - 1], sizes[l])), (f"b{l}", (sizes[l],))):
            array = expect_ndarray(got[name], f"{name} from {what}")
            mistakes = _shape_mistakes(name, array, shape, l)
            expect_shape(array, shape, f"{name} from {what}", mistakes=mistakes)
    return got


def _expect_layers_numbered(got, sizes: list[int], what: str) -> None:
    """A dict of parameters whose keys show the layers counted wrong fails with that mistake."""
    n_layers = len(sizes) - 1
    if isinstance(got, dict) and ("W0" in got or "b0" in got):
        raise CheckFailed(
            f"{what} has the keys {list(got)}.",
            mistake=Mistake(
                "Number the layers from 1, like the equations: 'W1' and 'b1' are the first "
                f"layer's, 'W{n_layers}' and 'b{n_layers}' the last's.",
                id="init_deep.counted_from_zero",
            ),
        )
    if isinstance(got, dict) and n_layers > 1 and set(got) == set(param_names(n_layers)[2:]):
        raise CheckFailed(
            f"{what} has the keys {list(got)}: the first layer is missing.",
            mistake=Mistake(
                "The layers are numbered from 1: loop over l = 1, ..., L, that is "
                "range(1, len(layer_sizes)).",
                id="init_deep.first_layer_missing",
            ),
        )
    if isinstance(got, dict) and set(got) == set(param_names(n_layers - 1)):
        raise CheckFailed(
            f"{what} has the keys {list(got)}: {n_layers - 1} layers, one too few.",
            mistake=Mistake(
                f"{len(sizes)} sizes make {n_layers} layers: loop over l = 1, ..., L, that is "
                "range(1, len(layer_sizes)), which stops before len(layer_sizes).",
                id="init_deep.last_layer_missing",
            ),
        )


def _shape_mistakes(name: str, array: np.ndarray, shape: tuple, l: int) -> list[Mistake]:
    """The mistakes a parameter's wrong shape shows: a 2-D bias, a W transposed or square."""
    if name[0] == "b" and array.ndim == 2 and array.size == shape[0]:
        return [
            Mistake(
                f"Biases are 1-D: shape {shape}, which broadcasts over the rows of the batch.",
                matches=lambda _: True,
                id="init_deep.bias_2d",
            )
        ]
    if name[0] == "W" and array.shape == (shape[1], shape[1]) != shape:
        return [
            Mistake(
                f"{name} has one row per input of layer {l}, layer_sizes[{l - 1}] = "
                f"{shape[0]}, and one column per unit, layer_sizes[{l}] = {shape[1]}: "
                f"{shape}.",
                matches=lambda _: True,
                id="init_deep.fan_in_from_own_width",
            )
        ]
    if name[0] == "W" and array.shape == shape[::-1] and shape[0] != shape[1]:
        return [
            Mistake(
                f"It looks transposed: {name} is (inputs, outputs) = {shape}, so that a "
                f"batch (N, {shape[0]}) @ {name} gives (N, {shape[1]}).",
                matches=lambda _: True,
                id="init_deep.transposed",
            )
        ]
    return []


def forward_result(fn, case: str):
    """probs and caches, checked for type, keys and shapes."""
    X, params = fn.call(case).args
    sizes = layer_sizes_of(params)
    n, n_layers = len(X), len(sizes) - 1
    what = f"forward_deep(X, params) on the '{case}' case ({'-'.join(map(str, sizes))})"
    got = result_or_known_error(
        fn,
        case,
        known=[
            ("KeyError", f"W{n_layers + 1}", LAYERS_HINT, "forward_deep.layers_miscounted"),
            ("KeyError", "W0", LAYERS_HINT, "forward_deep.layers_miscounted"),
            (*FLOAT_LAYERS, "forward_deep.layers_not_whole"),
            (None, "matmul", FORWARD_SHAPES_HINT),
            (None, "aligned", FORWARD_SHAPES_HINT),
            (None, "broadcast", FORWARD_SHAPES_HINT),
        ],
    )
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise CheckFailed(
            f"{what} should return a pair (probs, caches); got {describe(got)}.",
            "End with `return probs, caches`.",
        )
    probs, caches = got
    if isinstance(probs, dict) and isinstance(caches, np.ndarray):
        raise CheckFailed(
            f"{what} returned (caches, probs).",
            mistake=Mistake("Return probs first, then the caches.", id="forward_deep.swapped"),
        )
    probs = expect_ndarray(probs, f"probs from {what}")
    if probs.ndim == 2 and probs.shape[0] == n and probs.shape[1] in sizes[1:-1]:
        raise CheckFailed(
            f"probs from {what} has shape {probs.shape}, expected {(n, sizes[-1])}: that is the "
            "width of a hidden layer.",
            mistake=Mistake(
                f"Apply all {n_layers} layers: the hidden ones (l = 1, ..., L - 1) with ReLU, "
                "then the output layer L with softmax. " + LAYERS_HINT,
                id="forward_deep.layers_miscounted",
            ),
        )
    expect_shape(probs, (n, sizes[-1]), f"probs from {what}")
    if isinstance(caches, (list, tuple)):
        raise CheckFailed(
            f"the caches from {what} are {describe(caches)}.",
            mistake=Mistake(
                f"Return one dict with the keys {cache_names(n_layers)}.",
                id="forward_deep.caches_not_a_dict",
            ),
        )
    if isinstance(caches, dict) and "ZL" in caches and n_layers != 1:
        raise CheckFailed(
            f"the caches from {what} have a key 'ZL'.",
            mistake=Mistake(
                f"Name the output logits with the layer's number, f'Z{{L}}': 'Z{n_layers}' here.",
                id="forward_deep.ZL_key",
            ),
        )
    caches = expect_dict(
        caches,
        cache_names(n_layers),
        f"the caches from {what}",
        hint="Store each hidden layer's Z and A (caches[f'Z{l}'], caches[f'A{l}']) and the "
        "output logits caches[f'Z{L}'].",
    )
    for l in range(1, n_layers + 1):
        for name in (f"Z{l}", f"A{l}") if l < n_layers else (f"Z{l}",):
            array = expect_ndarray(caches[name], f"caches['{name}'] from {what}")
            expect_shape(array, (n, sizes[l]), f"caches['{name}'] from {what}")
    return X, params, probs, caches


def backward_result(fn, case: str) -> dict:
    """The gradients, checked for keys, type and shape."""
    X, y, params, caches = fn.call(case).args
    sizes = layer_sizes_of(params)
    n_layers = len(sizes) - 1
    net = Network(X, y, params, caches)
    what = f"backward_deep(X, y, params, caches) on the '{case}' case ({'-'.join(map(str, sizes))})"
    got = result_or_known_error(
        fn,
        case,
        known=[
            (
                "KeyError",
                "A0",
                "A_0 is X itself: caches has no 'A0'; the first layer's input is X.",
                "backward_deep.asks_for_A0",
            ),
            ("KeyError", f"W{n_layers + 1}", LAYERS_HINT, "backward_deep.layers_miscounted"),
            (*FLOAT_LAYERS, "backward_deep.layers_not_whole"),
            (
                "KeyError",
                f"'A{n_layers}'",
                (
                    f"dW_l = A_(l-1).T @ dZ_l: the input of layer l is the activation of the layer "
                    f"below, A_(l-1) (X for the first layer), not its own output; caches has no "
                    f"A{n_layers}, the output layer has none."
                ),
                "backward_deep.output_as_input",
            ),
            *gradient_exceptions("backward_deep", net),
            (None, "matmul", BACKWARD_SHAPES_HINT),
            (None, "aligned", BACKWARD_SHAPES_HINT),
            (None, "broadcast", BROADCAST_HINT),
            ("NameError", "'relu'", NO_RELU_HERE_HINT),
        ],
    )
    names = grad_names(n_layers)
    if isinstance(got, dict) and all(k in got for k in params) and not any(k in got for k in names):
        raise CheckFailed(
            f"{what} returned keys {sorted(got)}.",
            mistake=Mistake(
                "Name each gradient 'd' + its parameter: 'dW1', 'db1', ...",
                id="backward_deep.keys_without_d",
            ),
        )
    if (
        isinstance(got, dict)
        and n_layers > 1
        and "dW1" not in got
        and all(k in got for k in names if not k.endswith("1"))
    ):
        raise CheckFailed(
            f"{what} is missing the keys 'dW1' and 'db1' (it has {sorted(got)}).",
            mistake=Mistake(
                "The loop must go all the way down to the first layer: l = L, L - 1, ..., 1.",
                id="backward_deep.stops_before_the_first_layer",
            ),
        )
    got = expect_dict(
        got,
        names,
        what,
        hint=f"Return {{'dW1': ..., 'db1': ..., ..., 'dW{n_layers}': ..., 'db{n_layers}': ...}}.",
    )
    expect_gradient_shapes("backward_deep", net, params, fn.expected(case), got, what, names)
    return got


def step_result(fn, case: str) -> tuple[dict, object]:
    params = fn.call(case).args[2]
    what = f"sgd_step_deep(X, y, params, ...) on the '{case}' case"
    got = result_or_known_error(fn, case, known=[(None, "broadcast", STEP_SHAPES_HINT)])
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise CheckFailed(
            f"{what} should return a pair (new_params, loss); got {describe(got)}.",
            "End with `return new_params, loss`.",
        )
    new_params, loss = got
    if isinstance(loss, dict) and not isinstance(new_params, dict):
        raise CheckFailed(
            f"{what} returned (loss, new_params).",
            mistake=Mistake(
                "Return the new parameters first, then the loss.", id="sgd_step_deep.swapped"
            ),
        )
    new_params = expect_dict(
        new_params,
        list(params),
        f"the new params from {what}",
        hint=f"Return a new dict with the same keys as params: {list(params)}.",
    )
    for name, value in params.items():
        array = expect_ndarray(new_params[name], f"the new '{name}' from {what}")
        expect_shape(array, value.shape, f"the new '{name}' from {what}")
    return new_params, loss
