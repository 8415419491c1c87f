"""Checks for lesson 03: init_params, forward, cross_entropy."""

from __future__ import annotations

import math

import numpy as np

from autograder.checking import (
    Call,
    CheckFailed,
    Mistake,
    cases_for,
    describe,
    expect,
    expect_close,
    expect_dict,
    expect_ndarray,
    expect_number,
    expect_scalar,
    expect_shape,
    expect_unchanged,
    requires,
    result_or_known_error,
    tolerance_for,
)

PARAMS = ("W1", "b1", "W2", "b2")


# -- init_params --------------------------------------------------------------------------------


@cases_for("init_params")
def init_params_cases(rng, ref):
    seeds = [int(s) for s in rng.choice(2**31 - 1, size=5, replace=False)]
    return {
        "scale": Call(
            n_in=80, n_hidden=32, n_out=12, seed=seeds[0]
        ),  # enough weights to measure the spread
        "small": Call(n_in=6, n_hidden=3, n_out=4, seed=seeds[1]),
        "small_same_seed": Call(n_in=6, n_hidden=3, n_out=4, seed=seeds[1]),
        "small_other_seed": Call(n_in=6, n_hidden=3, n_out=4, seed=seeds[2]),
        "one_hidden_unit": Call(n_in=5, n_hidden=1, n_out=10, seed=seeds[3]),
        "positional": Call(12, 5, 10, seeds[4]),
    }


def _dims(call: Call) -> tuple[int, int, int]:
    names = ("n_in", "n_hidden", "n_out", "seed")
    values = dict(zip(names, call.args)) | call.kwargs
    return int(values["n_in"]), int(values["n_hidden"]), int(values["n_out"])


def _params(fn, case: str) -> dict:
    n_in, n_hidden, n_out = _dims(fn.call(case))
    what = f"init_params on the '{case}' case (n_in={n_in}, n_hidden={n_hidden}, n_out={n_out})"
    got = expect_dict(
        fn.result(case),
        PARAMS,
        what,
        hint="Return a dict: {'W1': ..., 'b1': ..., 'W2': ..., 'b2': ...}.",
    )
    shapes = {"W1": (n_in, n_hidden), "b1": (n_hidden,), "W2": (n_hidden, n_out), "b2": (n_out,)}
    for name, shape in shapes.items():
        array = expect_ndarray(got[name], f"{name} from {what}")
        hint = None
        if name.startswith("b") and array.ndim == 2 and array.size == shape[0]:
            hint = f"Biases are 1-D: shape {shape}, which broadcasts over the rows of the batch."
        elif name.startswith("W") and array.shape == shape[::-1] and shape[0] != shape[1]:
            hint = (
                f"It looks transposed: {name} is (inputs, outputs) = {shape}, so that a batch "
                f"(N, inputs) @ {name} gives (N, outputs)."
            )
        expect_shape(array, shape, f"{name} from {what}", hint=hint)
    return got


def test_init_params_shapes(outcome):
    """W1, b1, W2, b2 have the shapes (n_in, H), (H,), (H, n_out), (n_out,)."""
    fn = outcome("init_params")
    for case in fn.cases:
        _params(fn, case)


def _scale_hint(std: float, fan_in: int, others: dict[str, int], tol: float) -> str:
    """Name the recipe whose spread matches ``std``, if one does."""
    he = math.sqrt(2.0 / fan_in)
    if std == 0.0:
        return (
            "All the weights are equal (zero?): every hidden unit would compute the same thing "
            "and stay identical while training. Draw them at random."
        )
    candidates = [
        (
            math.sqrt(1.0 / fan_in),
            (
                "sqrt(1 / fan_in) is the Xavier/LeCun scale; He initialisation "
                "(for ReLU) uses sqrt(2 / fan_in)."
            ),
        ),
        (
            2.0 / fan_in,
            (
                "That spread is the variance 2 / fan_in used as the standard deviation; "
                "a normal's scale is the standard deviation, sqrt(2 / fan_in)."
            ),
        ),
        (1.0, "Standard deviation 1 is far too large: He initialisation uses sqrt(2 / fan_in)."),
        (
            0.01,
            "A fixed 0.01 scale is too small for this layer: He initialisation uses sqrt(2 / fan_in).",
        ),
        (
            math.sqrt(1.0 / 12.0),
            (
                "uniform(-0.5, 0.5) (the original notebook's recipe) has standard "
                "deviation 0.29 whatever the layer; He initialisation uses a normal "
                "with standard deviation sqrt(2 / fan_in)."
            ),
        ),
    ] + [
        (
            math.sqrt(2.0 / d),
            (
                f"That is sqrt(2 / {name}); fan_in is the number of inputs of the "
                "layer (rows of W): n_in for W1, n_hidden for W2."
            ),
        )
        for name, d in others.items()
        if d != fan_in
    ]
    best = min(candidates, key=lambda c: abs(math.log(std / c[0])))
    if abs(math.log(std / best[0])) < 2 * tol:
        return best[1]
    return (
        f"He initialisation: a normal with mean 0 and standard deviation sqrt(2 / fan_in) = "
        f"{he:.4f} here (fan_in = {fan_in})."
    )


def test_init_params_he_scale(outcome):
    """the weights are centred on 0 with the He spread sqrt(2 / fan_in)."""
    fn = outcome("init_params")
    case = "scale"
    n_in, n_hidden, n_out = _dims(fn.call(case))
    params = _params(fn, case)
    layers = {
        "W1": (n_in, {"n_hidden": n_hidden, "n_out": n_out, "n_in": n_in}),
        "W2": (n_hidden, {"n_in": n_in, "n_out": n_out, "n_hidden": n_hidden}),
    }
    for name, (fan_in, others) in layers.items():
        W = np.asarray(params[name], dtype=np.float64)
        target = math.sqrt(2.0 / fan_in)
        # The sample standard deviation of n normal draws is off by about 1/sqrt(2n) (relative);
        # six of those keep a correct implementation passing for any seed.
        tol = 6.0 / math.sqrt(2 * W.size)
        what = f"{name} from init_params on the '{case}' case (fan_in = {fan_in})"
        expect(bool(np.all(np.isfinite(W))), f"{what} contains nan or inf.")
        std = float(W.std())
        mean = float(W.mean())
        expect(
            abs(mean) <= 6.0 * max(std, 1e-12) / math.sqrt(W.size),
            f"{what}: the weights have mean {mean:.4f}; expected about 0 (their standard deviation "
            f"should be {target:.4f}).",
            "The weights should be centred on 0: draw from a normal with mean 0 (rng.random draws "
            "from [0, 1), which are all positive).",
        )
        expect(
            std > 0 and abs(math.log(std / target)) <= tol,
            f"{what}: the weights have standard deviation {std:.4f}; He initialisation gives "
            f"sqrt(2 / {fan_in}) = {target:.4f} (tolerance {100 * tol:.0f}%).",
            _scale_hint(std, fan_in, others, tol),
        )


@requires("test_init_params_he_scale")
def test_init_params_biases_zero(outcome):
    """the biases start at zero."""
    fn = outcome("init_params")
    for case in fn.cases:
        params = _params(fn, case)
        for name in ("b1", "b2"):
            b = np.asarray(params[name])
            expect(
                bool(np.all(b == 0)),
                f"{name} from init_params on the '{case}' case should be all zeros; "
                f"{int(np.count_nonzero(b != 0))} of {b.size} entries are not.",
                "Biases start at zero (np.zeros); only the weights are drawn at random.",
            )


@requires("test_init_params_he_scale")
def test_init_params_deterministic(outcome):
    """the same seed gives the same parameters."""
    fn = outcome("init_params")
    first, again = _params(fn, "small"), _params(fn, "small_same_seed")
    for name in PARAMS:
        expect(
            np.array_equal(first[name], again[name]),
            f"init_params gave a different {name} on two calls with the same seed.",
            "Make one generator from the seed inside the function, rng = np.random.default_rng(seed), "
            "and draw every weight from it.",
        )


@requires("test_init_params_he_scale")
def test_init_params_seeds_differ(outcome):
    """different seeds give different weights."""
    fn = outcome("init_params")
    first, other = _params(fn, "small"), _params(fn, "small_other_seed")
    expect(
        not (np.array_equal(first["W1"], other["W1"]) and np.array_equal(first["W2"], other["W2"])),
        "init_params gave the same weights for two different seeds.",
        "Use the seed argument: np.random.default_rng(seed), not a fixed number.",
    )


@requires("test_init_params_he_scale")
def test_init_params_float32(outcome):
    """every parameter is float32."""
    fn = outcome("init_params")
    for case in fn.cases:
        params = _params(fn, case)
        for name in PARAMS:
            dtype = np.asarray(params[name]).dtype
            expect(
                dtype == np.float32,
                f"{name} from init_params on the '{case}' case has dtype {dtype}; expected float32.",
                "rng.normal and np.zeros give float64: convert with .astype(np.float32) (or pass "
                "dtype=np.float32 to np.zeros). The network computes in float32.",
            )


# -- forward ------------------------------------------------------------------------------------


def _network(rng, ref, n_in: int, n_hidden: int, dtype) -> dict:
    params = ref.init_params(n_in, n_hidden, 10, int(rng.integers(2**31 - 1)))
    params = {k: np.asarray(v, dtype=dtype) for k, v in params.items()}
    params["b1"] = (0.5 * rng.normal(size=n_hidden)).astype(
        dtype
    )  # non-zero biases: they must be added
    params["b2"] = (0.5 * rng.normal(size=10)).astype(dtype)
    return params


@cases_for("forward")
def forward_cases(rng, ref):
    return {
        "float32": Call(
            rng.random((6, 20)).astype(np.float32), _network(rng, ref, 20, 7, np.float32)
        ),
        "float64": Call(rng.random((4, 12)), _network(rng, ref, 12, 5, np.float64)),
        "one_row": Call(
            rng.random((1, 20)).astype(np.float32), _network(rng, ref, 20, 7, np.float32)
        ),
    }


CACHE = ("Z1", "A1", "Z2")
HIDDEN_SOFTMAX_HINT = (
    "A1 looks like softmax(Z1): the hidden layer uses ReLU, A1 = relu(Z1); "
    "softmax belongs on the output layer only."
)


def _rows_sum_to_one(array) -> bool:
    array = np.asarray(array, dtype=np.float64)
    return (
        array.ndim == 2
        and bool(np.all(array >= 0))
        and bool(np.allclose(array.sum(axis=1), 1.0, atol=1e-4))
    )


def _forward(fn, case: str):
    """probs and cache, checked for type, keys and shapes."""
    X, params = fn.call(case).args
    n, h = X.shape[0], params["W1"].shape[1]
    what = f"forward(X, params) on the '{case}' case"
    got = result_or_known_error(
        fn,
        case,
        known=[
            (
                None,
                "matmul",
                ("Batch first: X is (N, n_in) and W1 is (n_in, H), so Z1 = X @ W1 + b1 is (N, H)."),
            )
        ],
    )
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise CheckFailed(
            f"{what} should return a pair (probs, cache); got {describe(got)}.",
            "End with `return probs, cache`.",
        )
    probs, cache = got
    if isinstance(probs, dict) and isinstance(cache, np.ndarray):
        raise CheckFailed(f"{what} returned (cache, probs).", "Return probs first, then the cache.")
    probs = expect_ndarray(probs, f"probs from {what}")
    expect_shape(probs, (n, 10), f"probs from {what}")
    cache = expect_dict(
        cache,
        CACHE,
        f"the cache from {what}",
        hint="The cache is a dict: {'Z1': Z1, 'A1': A1, 'Z2': Z2}.",
    )
    for name, shape in (("Z1", (n, h)), ("A1", (n, h)), ("Z2", (n, 10))):
        array = expect_ndarray(cache[name], f"cache['{name}'] from {what}")
        expect_shape(array, shape, f"cache['{name}'] from {what}")
    return X, params, probs, cache


def test_forward_returns_probs_and_cache(outcome):
    """forward returns (probs, cache) with the right shapes and cache keys."""
    fn = outcome("forward")
    for case in fn.cases:
        _forward(fn, case)


def test_forward_probs(outcome):
    """the probabilities match the reference."""
    fn = outcome("forward")
    for case in fn.cases:
        X, params, probs, cache = _forward(fn, case)
        want_probs, want_cache = fn.expected(case)
        tol = tolerance_for(X)
        Z1, A1, Z2 = cache["Z1"], cache["A1"], cache["Z2"]
        without_b1 = X @ params["W1"]
        without_b2 = A1 @ params["W2"]
        # softmax(relu(Z2)) = the right probabilities reweighted by exp(relu(Z2) - Z2), renormalised
        relu_on_output = _renormalised(
            want_probs, np.exp(np.maximum(-np.asarray(want_cache["Z2"], dtype=np.float64), 0))
        )
        mistakes = [
            Mistake(
                "probs = softmax(Z2): turn the output logits into probabilities.", want_cache["Z2"]
            ),
            Mistake(HIDDEN_SOFTMAX_HINT, matches=lambda got, A1=A1: _rows_sum_to_one(A1)),
            Mistake(
                "Z1 = X @ W1 + b1: the hidden layer's bias b1 is missing.",
                matches=lambda got, Z1=Z1, wrong=without_b1, tol=tol: np.allclose(Z1, wrong, **tol),
            ),
            Mistake(
                "Z2 = A1 @ W2 + b2: the output layer's bias b2 is missing.",
                matches=lambda got, Z2=Z2, wrong=without_b2, tol=tol: np.allclose(Z2, wrong, **tol),
            ),
            Mistake(
                "A1 = relu(Z1): the ReLU between the layers is missing.",
                matches=lambda got, Z1=Z1, A1=A1: np.array_equal(Z1, A1) and bool(np.any(Z1 < 0)),
            ),
            Mistake(
                "Apply softmax to the logits Z2 themselves; a ReLU on the output layer changes them.",
                matches=lambda got, wrong=relu_on_output, tol=tol: (
                    _rows_sum_to_one(got) and np.allclose(got, wrong, **tol)
                ),
            ),
            Mistake(
                "Each row of probs should sum to 1: probs = softmax(Z2), normalised over each row.",
                matches=lambda got: not _rows_sum_to_one(got),
            ),
        ]
        expect_close(
            probs,
            want_probs,
            f"probs from forward(X, params) on the '{case}' case",
            mistakes=mistakes,
            **tolerance_for(X),
        )


def _renormalised(probs, factor) -> np.ndarray:
    q = np.asarray(probs, dtype=np.float64) * factor
    return q / q.sum(axis=1, keepdims=True)


def test_forward_cache(outcome):
    """the cache holds Z1, A1 and Z2 as the reference computes them."""
    fn = outcome("forward")
    for case in fn.cases:
        X, params, _, cache = _forward(fn, case)
        _, want = fn.expected(case)
        mistakes = {
            "Z1": [
                Mistake("Z1 = X @ W1 + b1: the bias b1 is missing.", X @ params["W1"]),
                Mistake(
                    "cache['Z1'] holds the values after the ReLU; it should hold Z1 from before it "
                    "(backward needs it for relu_derivative). An in-place ReLU, such as "
                    "np.maximum(Z1, 0, out=Z1), overwrites it.",
                    want["A1"],
                ),
            ],
            "A1": [
                Mistake(HIDDEN_SOFTMAX_HINT, matches=_rows_sum_to_one),
                Mistake("A1 = relu(Z1): the ReLU between the layers is missing.", want["Z1"]),
            ],
            "Z2": [
                Mistake(
                    "Z2 = A1 @ W2 + b2: the bias b2 is missing.",
                    np.asarray(want["A1"]) @ params["W2"],
                ),
                Mistake(
                    "cache['Z2'] went through a ReLU; the output layer has none: Z2 = A1 @ W2 + b2 "
                    "goes straight into softmax.",
                    np.maximum(want["Z2"], 0),
                ),
                Mistake(
                    "cache['Z2'] holds probabilities; it should hold the logits Z2 from before the "
                    "softmax.",
                    matches=_rows_sum_to_one,
                ),
            ],
        }
        for name in CACHE:
            expect_close(
                cache[name],
                want[name],
                f"cache['{name}'] from forward(X, params) on the '{case}' case",
                mistakes=mistakes[name],
                **tolerance_for(X),
            )


@requires("test_forward_probs")
def test_forward_float32(outcome):
    """float32 inputs give float32 probabilities and cache."""
    fn = outcome("forward")
    for case in ("float32", "one_row"):
        _, _, probs, cache = _forward(fn, case)
        for name, array in [("probs", probs)] + [(f"cache['{k}']", cache[k]) for k in CACHE]:
            expect(
                array.dtype == np.float32,
                f"{name} from forward(X, params) on the '{case}' case (float32 X and params) has dtype "
                f"{array.dtype}; expected float32.",
                "float32 in should stay float32: avoid converting to float64 (astype(float), "
                "np.float64, dtype=float) inside forward.",
            )


@requires("test_forward_probs")
def test_forward_keeps_inputs(outcome):
    """forward leaves X and the parameters unchanged."""
    fn = outcome("forward")
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


# -- cross_entropy ------------------------------------------------------------------------------


def _probabilities(rng, n: int, dtype=np.float64) -> np.ndarray:
    p = rng.random((n, 10)) + 0.05
    return (p / p.sum(axis=1, keepdims=True)).astype(dtype)


@cases_for("cross_entropy")
def cross_entropy_cases(rng, ref):
    zero = _probabilities(rng, 5)
    y_zero = rng.integers(0, 10, size=5)
    for i in (0, 3):  # the true class gets probability exactly 0 on two rows
        zero[i, y_zero[i]] = 0.0
        zero[i] /= zero[i].sum()
    y_sure = rng.integers(0, 10, size=4)
    sure = np.zeros((4, 10))
    sure[np.arange(4), y_sure] = (
        1.0  # certain and right: loss 0, and log(0) lurks off the true class
    )
    return {
        "random": Call(_probabilities(rng, 6), rng.integers(0, 10, size=6)),
        "float32": Call(_probabilities(rng, 4, np.float32), rng.integers(0, 10, size=4)),
        "one_row": Call(_probabilities(rng, 1), rng.integers(0, 10, size=1)),
        "zero_probability": Call(zero, y_zero),
        "certain": Call(sure, y_sure),
    }


ORDINARY_LOSS = ("random", "float32", "one_row")
CLIP_HINT = (
    "Clip the probabilities below at 1e-12 before the log (np.clip or np.maximum): "
    "log(0) is -inf, and 0 * log(0) is nan."
)


def _scale_mistakes(want: float, n: int, c: int) -> list[Mistake]:
    """A loss off by the factor N or C: a sum for a mean, or a mean over the wrong count."""
    if n == 1:
        return [
            Mistake(
                f"The loss is C = {c} times too small: divide by N, the number of examples, not "
                "by N * C (the number of entries).",
                want / c,
            )
        ]
    return [
        Mistake(
            f"The loss is N = {n} times too large, the sum over the examples: average over the N "
            "examples (np.mean, or divide by N), not the sum.",
            want * n,
            id="cross_entropy.sum_not_mean",
        ),
        Mistake(
            f"The loss is C = {c} times too small: divide by N, the number of examples, not by "
            "N * C (the number of entries).",
            want / c,
        ),
        Mistake(
            f"The loss is N = {n} times too small: it is divided by N twice (np.mean already "
            "divides by N).",
            want / n,
        ),
    ]


def test_cross_entropy_value(outcome):
    """the loss is the mean over the examples of -log(probability of the true class)."""
    fn = outcome("cross_entropy")
    for case in ORDINARY_LOSS:
        probs, y = fn.call(case).args
        want = float(fn.expected(case))
        n, c = probs.shape
        with np.errstate(all="ignore"):
            logs = np.log(probs.astype(np.float64))
            per_example = -logs[np.arange(n), y]
            columns = -np.mean(logs[:, y])
            all_entries = -np.mean(logs)
        mistakes = [
            *_scale_mistakes(want, n, c),
            Mistake("The loss is -log(p): the minus sign is missing.", -want),
            Mistake("Use the natural log, np.log (not np.log10 or np.log2).", want / math.log(10)),
            Mistake("Use the natural log, np.log (not np.log10 or np.log2).", want / math.log(2)),
            Mistake(
                "probs[:, y] picks whole columns (an N x N table); take one entry per row: row i, "
                "column y[i].",
                columns,
            ),
            Mistake(
                "Only the probability of each example's true class counts, not the log of every "
                "probability.",
                all_entries,
            ),
            Mistake("Average the per-example losses into one number.", per_example),
        ]
        expect_number(
            fn.result(case),
            want,
            f"cross_entropy(probs, y) on the '{case}' case",
            rtol=1e-4 if probs.dtype == np.float32 else 1e-6,
            atol=1e-7,
            mistakes=mistakes,
        )


@requires("test_cross_entropy_value")
def test_cross_entropy_python_float(outcome):
    """cross_entropy returns a single float."""
    fn = outcome("cross_entropy")
    for case in fn.cases:
        got = fn.result(case)
        what = f"cross_entropy(probs, y) on the '{case}' case"
        ok = isinstance(got, (float, np.floating)) and not isinstance(got, bool)
        expect(
            ok,
            f"{what} should be a Python float; got {describe(got)}.",
            "Reduce to one number and return float(...) of it.",
        )


def test_cross_entropy_zero_probability(outcome):
    """a true class with probability 0 gives a large, finite loss (clipped at 1e-12)."""
    fn = outcome("cross_entropy")
    for case in ("zero_probability", "certain"):
        probs, y = fn.call(case).args
        want = float(fn.expected(case))
        n = len(y)
        zeros = int(np.count_nonzero(probs[np.arange(n), y] == 0))
        mistakes = (
            [
                Mistake(
                    f"Clip at 1e-12, as asked (not at {eps:g}): a zero probability then costs "
                    f"-log(1e-12) = 27.6.",
                    want + zeros * (math.log(1e-12) - math.log(eps)) / n,
                )
                for eps in (1e-15, 1e-10, 1e-9, 1e-8, 1e-7, 1e-6)
            ]
            if zeros
            else []
        )
        mistakes += (
            [
                *_scale_mistakes(want, n, probs.shape[1]),
                Mistake("The loss is -log(p): the minus sign is missing.", -want),
                Mistake(
                    "Use the natural log, np.log (not np.log10 or np.log2).", want / math.log(10)
                ),
                Mistake(
                    "Use the natural log, np.log (not np.log10 or np.log2).", want / math.log(2)
                ),
            ]
            if want
            else []
        )
        what = (
            f"cross_entropy(probs, y) on the '{case}' case ({zeros} true classes with probability 0)"
            if zeros
            else f"cross_entropy(probs, y) on the '{case}' case (every true class has probability 1)"
        )
        got = fn.result(case)
        expect_scalar(got, what, hint=CLIP_HINT)  # inf or nan: log(0)
        expect_number(
            got,
            want,
            what,
            rtol=1e-6,
            atol=1e-9,
            mistakes=mistakes,
            hint="The true classes with probability 0 cost -log(1e-12) each.",
        )


@requires("test_cross_entropy_value")
def test_cross_entropy_keeps_inputs(outcome):
    """cross_entropy leaves probs and y unchanged."""
    fn = outcome("cross_entropy")
    for case in fn.cases:
        probs, y = fn.call(case).args
        fn.result(case)
        probs_after, y_after = fn.args_after(case)[:2]
        expect_unchanged(
            probs,
            probs_after,
            f"probs (the '{case}' case)",
            hint="probs[probs < 1e-12] = 1e-12 and np.clip(..., out=probs) change the "
            "caller's array; clip into a new array.",
        )
        expect_unchanged(y, y_after, f"y (the '{case}' case)")
