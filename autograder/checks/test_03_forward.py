"""Checks for lesson 03: init_params, forward, cross_entropy.

Contract
--------
Every promise of the docstrings and the lesson, and the check that holds the function to it.

init_params(n_in=784, n_hidden=10, n_out=10, seed=0)
  - a dict with "W1" (n_in, n_hidden), "b1" (n_hidden,), "W2" (n_hidden, n_out), "b2"
    (n_out,): keyword and positional arguments, one hidden unit, the defaults ... test_init_params_shapes
  - the weights are centred on 0 with the He spread sqrt(2 / fan_in), fan_in being
    n_in for W1 and n_hidden for W2 (the spread measured on 8,000 and 10,000 draws) test_init_params_he_scale
  - the weights are random: no two equal (no hidden unit starts as a copy) ...... test_init_params_weights_differ
  - the biases are 0 ......................................................... test_init_params_biases_zero
  - the same seed gives the same parameters; the default seed is 0 .............. test_init_params_deterministic
  - another seed gives other weights ........................................... test_init_params_seeds_differ
  - every parameter is float32 ................................................. test_init_params_float32
  - the distribution's shape (normal or uniform with the He spread) and the order of
    the draws: not graded; He-uniform weights keep full marks

forward(X, params)
  - a pair (probs, cache): probs (N, 10), cache a dict with "Z1" (N, H), "A1" (N, H),
    "Z2" (N, 10) .............................................................. test_forward_returns_probs_and_cache
  - probs = softmax(Z2), each row summing to 1, on float32 and float64 batches, one
    row, a blank image (X = 0), logits of +-100 that overflow a naive float32
    softmax ..................................................................... test_forward_probs
  - Z1 = X @ W1 + b1, A1 = relu(Z1), Z2 = A1 @ W2 + b2, as cached ................ test_forward_cache
  - float32 inputs give float32 outputs ........................................ test_forward_float32
  - X and params are not modified ............................................... test_forward_keeps_inputs

cross_entropy(probs, y)
  - the mean over the examples of -log(probability of the true class), on float64
    and float32 batches, one row, three classes .................................. test_cross_entropy_value
  - a Python float (an instance of float) ........................................ test_cross_entropy_python_float
  - a true class with probability 0, or below 1e-12, counts as 1e-12: finite; 0 when
    every true class is certain ................................................... test_cross_entropy_zero_probability
  - probs and y are not modified ................................................. test_cross_entropy_keeps_inputs

Lucky passes: the spread is measured on 8,000 (W1) and 10,000 (W2) draws with a tolerance of
six standard errors, so a correct implementation fails below 1e-8 per run, and a spread 1.2
times off (sqrt(3 / fan_in)) still lies over 19 standard errors beyond it (a pass far below
1e-40). The loss of the most probable class instead of the true one equals the right loss only
if every true class is the most probable: below 1e-13 over the four ordinary cases, and never
on the zero-probability case.

A hint names a mistake (``Mistake.id``) only when the student's output (for forward: the
probabilities and the whole cache together), exception or argument after the call is what that
mistake computes on the same inputs. A mistake that gives the right answer except on an edge
case (no clip, a naive softmax) is named only when the function is right on the other cases.
"""

from __future__ import annotations

import math
from typing import NamedTuple

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
    expect_unchanged_or_named,
    failure,
    raises_like,
    requires,
    result_or_named_error,
    right_on,
    tolerance_for,
)

PARAMS = ("W1", "b1", "W2", "b2")


# -- init_params --------------------------------------------------------------------------------


@cases_for("init_params")
def init_params_cases(rng, ref):
    seeds = [int(s) for s in rng.choice(2**31 - 1, size=5, replace=False) + 1]
    return {
        # 8,000 and 10,000 weights: each spread is measured to within a few percent, so that a
        # recipe 1.2 times off (sqrt(3 / fan_in)) is caught on every draw, and the three sizes
        # keep the spreads of the usual wrong recipes apart (see SPREADS).
        "scale": Call(n_in=160, n_hidden=50, n_out=200, seed=seeds[0]),
        "small": Call(n_in=6, n_hidden=3, n_out=4, seed=seeds[1]),
        "small_same_seed": Call(n_in=6, n_hidden=3, n_out=4, seed=seeds[1]),
        "small_other_seed": Call(n_in=6, n_hidden=3, n_out=4, seed=seeds[2]),
        "one_hidden_unit": Call(n_in=5, n_hidden=1, n_out=10, seed=seeds[3]),
        "positional": Call(12, 5, 10, seeds[4]),
        "defaults": Call(),  # 784, 10, 10, seed 0
        "default_seed": Call(n_in=6),
        "seed_zero": Call(6, 10, 10, 0),
    }


def _dims(call: Call) -> tuple[int, int, int]:
    names = ("n_in", "n_hidden", "n_out", "seed")
    values = {"n_in": 784, "n_hidden": 10, "n_out": 10} | dict(zip(names, call.args)) | call.kwargs
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
        models = [
            Mistake(
                f"Biases are 1-D: shape {shape}, which broadcasts over the rows of the batch.",
                matches=lambda got, shape=shape: np.shape(got) in ((shape[0], 1), (1, shape[0])),
                id="init_params.column_biases",
            )
            if name.startswith("b")
            else Mistake(
                f"{name} is transposed: it is (inputs, outputs) = {shape}, so that a batch "
                f"(N, inputs) @ {name} gives (N, outputs).",
                matches=lambda got, shape=shape: (
                    shape[0] != shape[1] and np.shape(got) == shape[::-1]
                ),
                id="init_params.transposed",
            )
        ]
        expect_shape(array, shape, f"{name} from {what}", mistakes=models, hint="")
    return got


def test_init_params_shapes(outcome):
    """W1, b1, W2, b2 have the shapes (n_in, H), (H,), (H, n_out), (n_out,)."""
    fn = outcome("init_params")
    for case in fn.cases:
        _params(fn, case)


#: Recipes of a wrong spread: (id, hint, the standard deviation of W1 and of W2).
SPREADS = [
    (
        "init_params.xavier",
        (
            "sqrt(1 / fan_in) is the Xavier/LeCun spread; He initialisation (for ReLU) uses "
            "sqrt(2 / fan_in)."
        ),
        lambda n_in, h, n_out: (math.sqrt(1 / n_in), math.sqrt(1 / h)),
    ),
    (
        "init_params.variance_as_std",
        (
            "That spread is the variance 2 / fan_in used as the standard deviation; a normal's "
            "scale is its standard deviation, sqrt(2 / fan_in)."
        ),
        lambda n_in, h, n_out: (2 / n_in, 2 / h),
    ),
    (
        "init_params.two_over_sqrt",
        (
            "The spread is 2 / sqrt(fan_in), sqrt(2) times He's: the standard deviation is "
            "sqrt(2 / fan_in), the square root of the whole fraction."
        ),
        lambda n_in, h, n_out: (2 / math.sqrt(n_in), 2 / math.sqrt(h)),
    ),
    (
        "init_params.std_one",
        "Standard deviation 1 is far too large: He initialisation uses sqrt(2 / fan_in).",
        lambda n_in, h, n_out: (1.0, 1.0),
    ),
    (
        "init_params.fixed_small",
        "A fixed 0.01 spread ignores the layer's size: He initialisation uses sqrt(2 / fan_in).",
        lambda n_in, h, n_out: (0.01, 0.01),
    ),
    (
        "init_params.uniform_half",
        (
            "uniform(-0.5, 0.5) (the original notebook's recipe) has standard deviation 0.29 "
            "whatever the layer; He initialisation uses sqrt(2 / fan_in)."
        ),
        lambda n_in, h, n_out: (math.sqrt(1 / 12), math.sqrt(1 / 12)),
    ),
    (
        "init_params.fan_out",
        (
            "That is sqrt(2 / fan_out); fan_in is the number of inputs of the layer (rows of W): "
            "n_in for W1, n_hidden for W2."
        ),
        lambda n_in, h, n_out: (math.sqrt(2 / h), math.sqrt(2 / n_out)),
    ),
    (
        "init_params.n_in_for_both",
        (
            "W2 has the spread of W1, sqrt(2 / n_in); W2's fan_in is its number of inputs, "
            "n_hidden: sqrt(2 / n_hidden)."
        ),
        lambda n_in, h, n_out: (math.sqrt(2 / n_in), math.sqrt(2 / n_in)),
    ),
    (
        "init_params.glorot",
        (
            "sqrt(2 / (fan_in + fan_out)) is Glorot's spread; He initialisation (for ReLU) uses "
            "sqrt(2 / fan_in)."
        ),
        lambda n_in, h, n_out: (math.sqrt(2 / (n_in + h)), math.sqrt(2 / (h + n_out))),
    ),
]


def _spread_tolerance(size: int) -> float:
    """The sample standard deviation of n normal draws is off by about 1/sqrt(2n) (relative);
    six of those keep a correct implementation passing on any seed (below 1e-8)."""
    return 6.0 / math.sqrt(2 * size)


def test_init_params_he_scale(outcome):
    """The weights are centred on 0 with the He spread sqrt(2 / fan_in)."""
    fn = outcome("init_params")
    case = "scale"
    dims = _dims(fn.call(case))
    n_in, n_hidden, _ = dims
    params = _params(fn, case)
    weights = {name: np.asarray(params[name], dtype=np.float64) for name in ("W1", "W2")}
    fans = {"W1": n_in, "W2": n_hidden}
    stds = {name: float(W.std()) for name, W in weights.items()}
    models = _spread_models(weights, stds, dims)
    for name, W in weights.items():
        _expect_he_spread(
            W, stds[name], fans[name], f"{name} from init_params on the '{case}' case", models
        )


def _spread_models(weights: dict, stds: dict, dims: tuple) -> list[Mistake]:
    """The recipes for the weights' spread a student may use instead of He's, the last one
    the spread passed as the mean."""
    n_in, n_hidden, _ = dims
    he = (math.sqrt(2.0 / n_in), math.sqrt(2.0 / n_hidden))

    def near(name: str, want: float) -> bool:
        return stds[name] > 0 and abs(math.log(stds[name] / want)) <= _spread_tolerance(
            weights[name].size
        )

    def fits(spread) -> bool:
        """Each layer has He's spread or the recipe's, and one layer the recipe's (a recipe
        used for one layer only is the same mistake)."""
        layers = list(zip(("W1", "W2"), spread(*dims), he))
        return all(near(n, w) or near(n, h) for n, w, h in layers) and any(
            near(n, w) and not near(n, h) for n, w, h in layers
        )

    def loc_for_scale(name: str) -> bool:
        """rng.normal(sqrt(2 / fan_in), size=...): the spread went in as the mean, the
        standard deviation is 1."""
        W = weights[name]
        target = he[0] if name == "W1" else he[1]
        return near(name, 1.0) and abs(float(W.mean()) - target) <= 6.0 / math.sqrt(W.size)

    fitting = [id_ for id_, _, spread in SPREADS if fits(spread)]
    return [
        # Named only when no other recipe fits too (two recipes may give one layer about the
        # same spread, e.g. uniform(-0.5, 0.5) and 2 / sqrt(50)).
        Mistake(hint, matches=lambda _, i=id_: fitting == [i], id=id_)
        for id_, hint, _ in SPREADS
    ] + [
        Mistake(
            "The spread sqrt(2 / fan_in) went in as the mean: rng.normal(loc, scale, size) takes "
            "the mean first; write rng.normal(0.0, np.sqrt(2 / fan_in), size=...).",
            matches=lambda _: any(loc_for_scale(n) for n in ("W1", "W2")),
            id="init_params.loc_for_scale",
        )
    ]


def _expect_he_spread(
    W: np.ndarray, std: float, fan_in: int, what: str, models: list[Mistake]
) -> None:
    """One layer's weights are finite, centred on 0 and spread as He's sqrt(2 / fan_in)."""
    target = math.sqrt(2.0 / fan_in)
    tol = _spread_tolerance(W.size)
    what = f"{what} (fan_in = {fan_in})"
    expect(bool(np.all(np.isfinite(W))), f"{what} contains nan or inf.")
    mean = float(W.mean())
    if std == 0.0:
        raise CheckFailed(
            f"{what}: every weight is {mean:.4g}.",
            "All the weights are equal: every hidden unit would compute the same thing "
            "and stay identical while training. Draw them at random.",
            mistake="init_params.constant",
        )
    if abs(mean) > 6.0 * max(std, 1e-12) / math.sqrt(W.size):
        raise failure(
            f"{what}: the weights have mean {mean:.4f}; expected about 0 (their standard "
            f"deviation should be {target:.4f}).",
            [
                models[-1],
                Mistake(
                    "Every weight is positive: rng.random draws from [0, 1) and np.abs "
                    "folds a normal over; draw from a normal with mean 0.",
                    matches=lambda _, W=W: bool(np.all(W >= 0)),
                    id="init_params.not_centred",
                ),
            ],
            W,
            "The weights should be centred on 0: a normal with mean 0.",
        )
    if abs(math.log(std / target)) > tol:
        raise failure(
            f"{what}: the weights have standard deviation {std:.4f}; He initialisation "
            f"gives sqrt(2 / {fan_in}) = {target:.4f} (tolerance {100 * tol:.0f}%): they "
            f"are {std / target:.3g} times that.",
            models,
            None,
            "He initialisation: a normal with mean 0 and standard deviation "
            "sqrt(2 / fan_in), fan_in being the layer's number of inputs (n_in for W1, "
            "n_hidden for W2).",
        )


@requires("test_init_params_he_scale")
def test_init_params_weights_differ(outcome):
    """No two weights start equal: every hidden unit starts different."""
    fn = outcome("init_params")
    for case in fn.cases:
        params = _params(fn, case)
        for name in ("W1", "W2"):
            W = np.asarray(params[name])
            distinct = len(np.unique(W))
            # Float32 draws of a continuous distribution almost never repeat (about one pair
            # in 10,000 draws); a copied row or column repeats a whole row's worth.
            expect(
                W.size < 2 or distinct >= 0.9 * W.size,
                f"{name} from init_params on the '{case}' case holds only {distinct} different "
                f"values among its {W.size} weights.",
                "Draw every weight on its own (rng.normal(..., size=(fan_in, fan_out))): "
                "repeated rows or columns make hidden units start as copies of each other.",
            )


@requires("test_init_params_he_scale")
def test_init_params_biases_zero(outcome):
    """The biases start at zero."""
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
                mistake="init_params.ones_biases" if bool(np.all(b == 1)) else None,
            )


@requires("test_init_params_he_scale")
def test_init_params_deterministic(outcome):
    """The same seed gives the same parameters, and the default seed is 0."""
    fn = outcome("init_params")
    first, again = _params(fn, "small"), _params(fn, "small_same_seed")
    for name in PARAMS:
        expect(
            np.array_equal(first[name], again[name]),
            f"init_params gave a different {name} on two calls with the same seed.",
            "Make one generator from the seed inside the function, rng = np.random.default_rng(seed), "
            "and draw every weight from it.",
        )
    default, zero = _params(fn, "default_seed"), _params(fn, "seed_zero")
    for name in PARAMS:
        expect(
            np.array_equal(default[name], zero[name]),
            f"init_params(n_in=6) and init_params(6, 10, 10, 0) gave a different {name}, while "
            "two calls with the same seed agree.",
            "The default seed is 0, as in the signature: init_params(n_in=784, n_hidden=10, "
            "n_out=10, seed=0).",
            mistake="init_params.default_seed",
        )


@requires("test_init_params_he_scale")
def test_init_params_seeds_differ(outcome):
    """Different seeds give different weights."""
    fn = outcome("init_params")
    first, other = _params(fn, "small"), _params(fn, "small_other_seed")
    expect(
        not (np.array_equal(first["W1"], other["W1"]) and np.array_equal(first["W2"], other["W2"])),
        "init_params gave the same weights for two different seeds.",
        "The weights must depend on the seed argument: np.random.default_rng(seed).",
    )


@requires("test_init_params_he_scale")
def test_init_params_float32(outcome):
    """Every parameter is float32."""
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
                mistake="init_params.float64" if dtype == np.float64 else None,
            )


# -- forward ------------------------------------------------------------------------------------


def _network(rng, ref, n_in: int, n_hidden: int, dtype, *, large: bool = False) -> dict:
    params = ref.init_params(n_in, n_hidden, 10, int(rng.integers(2**31 - 1)))
    params = {k: np.asarray(v, dtype=dtype) for k, v in params.items()}
    # Non-zero biases of both signs: they must be added, before the ReLU and the softmax.
    params["b1"] = (0.5 * rng.normal(size=n_hidden)).astype(dtype)
    params["b1"][:2] = [-0.8, 0.6]
    params["b2"] = (0.5 * rng.normal(size=10)).astype(dtype)
    params["b2"][:2] = [-1.5, 1.5]
    if large:  # logits near +-100: np.exp overflows float32 (beyond 88.7) without the shift
        params["b2"][:3] = [100.0, -100.0, 60.0]
    return params


@cases_for("forward")
def forward_cases(rng, ref):
    images = rng.random((6, 20)).astype(np.float32)
    images[4] = 0.0  # a blank image: Z1 = b1
    return {
        "float32": Call(images, _network(rng, ref, 20, 7, np.float32)),
        "float64": Call(rng.random((4, 12)), _network(rng, ref, 12, 5, np.float64)),
        "one_row": Call(
            rng.random((1, 20)).astype(np.float32), _network(rng, ref, 20, 7, np.float32)
        ),
        "large_logits": Call(
            rng.random((3, 20)).astype(np.float32),
            _network(rng, ref, 20, 6, np.float32, large=True),
        ),
    }


CACHE = ("Z1", "A1", "Z2")


def _softmax(Z: np.ndarray, axis: int = 1) -> np.ndarray:
    with np.errstate(all="ignore"):
        e = np.exp(Z - Z.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)


def _forward_models(X: np.ndarray, params: dict) -> list[tuple[str, str, dict]]:
    """What mistaken forward passes return, whole: (id, hint, {probs, Z1, A1, Z2}), in float64."""
    X64 = X.astype(np.float64)
    W1, b1, W2, b2 = (np.asarray(params[k], dtype=np.float64) for k in PARAMS)
    with np.errstate(all="ignore"):
        Z1 = X64 @ W1 + b1
        A1 = np.maximum(Z1, 0)
        Z2 = A1 @ W2 + b2
    right = ForwardPass(X64, W1, b1, W2, b2, Z1, A1, Z2)
    return [
        *_softmax_placement_models(right),
        *_bias_models(right),
        *_relu_models(right),
        *_output_form_models(right, np.result_type(X, params["W2"])),
    ]


class ForwardPass(NamedTuple):
    """The right forward pass in float64: its inputs and what it computes."""

    X: np.ndarray
    W1: np.ndarray
    b1: np.ndarray
    W2: np.ndarray
    b2: np.ndarray
    Z1: np.ndarray
    A1: np.ndarray
    Z2: np.ndarray


ForwardModel = tuple[str, str, dict]  # (id, hint, {probs, Z1, A1, Z2})


def _softmax_placement_models(right: ForwardPass) -> list[ForwardModel]:
    """Softmax left out, or on the hidden layer instead of ReLU."""
    Z1, A1, Z2, W2, b2 = right.Z1, right.A1, right.Z2, right.W2, right.b2
    with np.errstate(all="ignore"):
        hidden_softmax = _softmax(Z1)
        hidden_softmax_Z2 = hidden_softmax @ W2 + b2
    return [
        (
            "forward.no_softmax",
            "probs = softmax(Z2): turn the output logits into probabilities.",
            {"probs": Z2, "Z1": Z1, "A1": A1, "Z2": Z2},
        ),
        (
            "forward.hidden_softmax",
            (
                "A1 looks like softmax(Z1): the hidden layer uses ReLU, A1 = relu(Z1); softmax "
                "belongs on the output layer only."
            ),
            {
                "probs": _softmax(hidden_softmax_Z2),
                "Z1": Z1,
                "A1": hidden_softmax,
                "Z2": hidden_softmax_Z2,
            },
        ),
    ]


def _bias_models(right: ForwardPass) -> list[ForwardModel]:
    """A bias left out, or b1 added after the ReLU."""
    X, W1, b1, W2, b2, Z1, A1 = right.X, right.W1, right.b1, right.W2, right.b2, right.Z1, right.A1
    with np.errstate(all="ignore"):
        no_b1 = X @ W1
        no_b1_A1 = np.maximum(no_b1, 0)
        no_b1_Z2 = no_b1_A1 @ W2 + b2
        late_b1_A1 = np.maximum(no_b1, 0) + b1
        late_b1_Z2 = late_b1_A1 @ W2 + b2
        no_b2 = A1 @ W2
        no_biases_Z2 = no_b1_A1 @ W2
    return [
        (
            "forward.no_b1",
            "Z1 = X @ W1 + b1: the hidden layer's bias b1 is missing.",
            {"probs": _softmax(no_b1_Z2), "Z1": no_b1, "A1": no_b1_A1, "Z2": no_b1_Z2},
        ),
        (
            "forward.b1_after_relu",
            (
                "b1 is added after the ReLU; it belongs before it: Z1 = X @ W1 + b1, then "
                "A1 = relu(Z1)."
            ),
            {"probs": _softmax(late_b1_Z2), "Z1": no_b1, "A1": late_b1_A1, "Z2": late_b1_Z2},
        ),
        (
            "forward.no_biases",
            "Z1 = X @ W1 + b1 and Z2 = A1 @ W2 + b2: both biases are missing.",
            {"probs": _softmax(no_biases_Z2), "Z1": no_b1, "A1": no_b1_A1, "Z2": no_biases_Z2},
        ),
        (
            "forward.no_b2",
            "Z2 = A1 @ W2 + b2: the output layer's bias b2 is missing.",
            {"probs": _softmax(no_b2), "Z1": Z1, "A1": A1, "Z2": no_b2},
        ),
    ]


def _relu_models(right: ForwardPass) -> list[ForwardModel]:
    """The ReLU left out between the layers, or applied to the output logits too."""
    Z1, A1, Z2, W2, b2 = right.Z1, right.A1, right.Z2, right.W2, right.b2
    with np.errstate(all="ignore"):
        no_relu_Z2 = Z1 @ W2 + b2
        relu_Z2 = np.maximum(Z2, 0)
    return [
        (
            "forward.no_relu",
            "A1 = relu(Z1): the ReLU between the layers is missing.",
            {"probs": _softmax(no_relu_Z2), "Z1": Z1, "A1": Z1, "Z2": no_relu_Z2},
        ),
        (
            "forward.relu_on_output",
            "Apply softmax to the logits Z2 themselves; a ReLU on the output layer changes them.",
            {"probs": _softmax(relu_Z2), "Z1": Z1, "A1": A1, "Z2": relu_Z2},
        ),
        (
            "forward.relu_on_output",
            "Apply softmax to the logits Z2 themselves; a ReLU on the output layer changes them.",
            {"probs": _softmax(relu_Z2), "Z1": Z1, "A1": A1, "Z2": Z2},
        ),
    ]


def _output_form_models(right: ForwardPass, dtype: np.dtype) -> list[ForwardModel]:
    """The right numbers in the wrong form: the cache overwritten, softmax over columns or
    unshifted (computed in ``dtype``, the inputs' own), examples as columns."""
    Z1, A1, Z2 = right.Z1, right.A1, right.Z2
    with np.errstate(all="ignore"):
        probs = _softmax(Z2)
        # The naive softmax overflows in the inputs' own dtype (float32 beyond 88.7).
        naive_exp = np.exp(Z2.astype(dtype))
        naive = (naive_exp / naive_exp.sum(axis=1, keepdims=True)).astype(np.float64)
    return [
        (
            "forward.relu_in_place",
            (
                "cache['Z1'] holds the values after the ReLU; it should hold Z1 from before it "
                "(backward needs it for relu_derivative). An in-place ReLU, such as "
                "np.maximum(Z1, 0, out=Z1), overwrites it."
            ),
            {"probs": probs, "Z1": A1, "A1": A1, "Z2": Z2},
        ),
        (
            "forward.probs_cached_as_Z2",
            (
                "cache['Z2'] holds the probabilities; it should hold the logits Z2 from before the "
                "softmax (Z2 = A1 @ W2 + b2)."
            ),
            {"probs": probs, "Z1": Z1, "A1": A1, "Z2": probs},
        ),
        (
            "forward.softmax_columns",
            (
                "The probabilities are normalised over each column (axis=0); softmax normalises "
                "each row (axis=1): one row per example."
            ),
            {"probs": _softmax(Z2, axis=0), "Z1": Z1, "A1": A1, "Z2": Z2},
        ),
        (
            "forward.unstable_softmax",
            (
                "The softmax here is np.exp(Z2) / sum without the shift: it overflows for large "
                "logits. Use softmax from lesson 02 (it subtracts each row's maximum first)."
            ),
            {"probs": naive, "Z1": Z1, "A1": A1, "Z2": Z2},
        ),
        (
            "forward.columns_convention",
            (
                "The cache holds examples as columns (Z1 is (H, N)): the course is batch-first, "
                "Z1 = X @ W1 + b1 is (N, H), one row per example."
            ),
            {"probs": probs, "Z1": Z1.T, "A1": A1.T, "Z2": Z2.T},
        ),
    ]


def _fits_forward(model: dict, probs, cache, tol: dict) -> bool:
    """The student's whole output is what the model computes: probs and every cached array."""
    got = {"probs": probs} | {k: cache.get(k) for k in CACHE}
    for name, want in model.items():
        have = got[name]
        if not isinstance(have, np.ndarray) or have.shape != want.shape:
            return False
        with np.errstate(all="ignore"):
            if not np.allclose(
                np.asarray(have, dtype=np.float64),
                want,
                equal_nan=True,
                rtol=10 * tol["rtol"],
                atol=10 * tol["atol"],
            ):
                return False
    return True


#: Mistakes that compute the right thing except for large logits: when the other cases are
#: right only they can fit, otherwise only the others.
LARGE_LOGITS_ONLY = ("forward.unstable_softmax",)


def _forward_mistakes(fn, case, X, params, probs, cache) -> list[Mistake]:
    tol = tolerance_for(X)
    # Right on the other cases: then only a mistake of large logits can fit.
    edge = right_on(fn, [other for other in fn.cases if other != case], rtol=1e-3, atol=1e-5)
    return [
        Mistake(hint, matches=lambda _, m=model: _fits_forward(m, probs, cache, tol), id=id_)
        for id_, hint, model in _forward_models(X, params)
        if edge == (id_ in LARGE_LOGITS_ONLY)
    ]


def _batch_first_raises(X: np.ndarray, params: dict) -> list[Mistake]:
    """The examples-as-columns convention of the original notebook, on batch-first arrays: the
    product raises, with these shapes in its message."""
    hint = (
        "The course is batch-first: X is (N, n_in), one example per row, and W1 is "
        "(n_in, H), so Z1 = X @ W1 + b1 (the original notebook had examples as columns: "
        "W1 @ X)."
    )
    W1 = params["W1"]
    return [
        Mistake(hint, matches=raises_like(model), id="forward.columns_convention")
        for model in (lambda: W1 @ X, lambda: W1.T @ X, lambda: W1 @ X.T)
    ]


def _forward(fn, case: str):
    """probs and cache, checked for type, keys and shapes."""
    X, params = fn.call(case).args
    n, h = X.shape[0], params["W1"].shape[1]
    what = f"forward(X, params) on the '{case}' case"
    got = result_or_named_error(fn, case, _batch_first_raises(X, params))
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise CheckFailed(
            f"{what} should return a pair (probs, cache); got {describe(got)}.",
            "End with `return probs, cache`.",
        )
    probs, cache = got
    if isinstance(probs, dict) and isinstance(cache, np.ndarray):
        raise CheckFailed(
            f"{what} returned (cache, probs).",
            "Return probs first, then the cache.",
            mistake="forward.cache_first",
        )
    cache = expect_dict(
        cache,
        CACHE,
        f"the cache from {what}",
        hint="The cache is a dict: {'Z1': Z1, 'A1': A1, 'Z2': Z2}.",
    )
    mistakes = _forward_mistakes(fn, case, X, params, probs, cache)
    probs = expect_ndarray(probs, f"probs from {what}")
    expect_shape(probs, (n, 10), f"probs from {what}", mistakes=mistakes, hint="")
    for name, shape in (("Z1", (n, h)), ("A1", (n, h)), ("Z2", (n, 10))):
        array = expect_ndarray(cache[name], f"cache['{name}'] from {what}")
        expect_shape(array, shape, f"cache['{name}'] from {what}", mistakes=mistakes, hint="")
    return X, params, probs, cache


def test_forward_returns_probs_and_cache(outcome):
    """forward returns (probs, cache) with the right shapes and cache keys."""
    fn = outcome("forward")
    for case in fn.cases:
        _forward(fn, case)


def _rows_sum_to_one(array) -> bool:
    array = np.asarray(array, dtype=np.float64)
    return (
        array.ndim == 2
        and bool(np.all(array >= 0))
        and bool(np.allclose(array.sum(axis=1), 1.0, atol=1e-4))
    )


def test_forward_probs(outcome):
    """The probabilities match the reference."""
    fn = outcome("forward")
    for case in fn.cases:
        X, params, probs, cache = _forward(fn, case)
        want_probs, _ = fn.expected(case)
        what = f"probs from forward(X, params) on the '{case}' case"
        mistakes = _forward_mistakes(fn, case, X, params, probs, cache)
        if not _rows_sum_to_one(probs):
            with np.errstate(all="ignore"):
                sums = np.asarray(probs, dtype=np.float64).sum(axis=1)
            if np.all(np.isfinite(sums)):
                raise failure(
                    f"{what}: each row should sum to 1 (and hold no negative numbers); the "
                    f"row sums are between {sums.min():.4g} and {sums.max():.4g}.",
                    mistakes,
                    probs,
                    "probs = softmax(Z2): each row holds the probabilities of one example.",
                )
        expect_close(
            probs,
            want_probs,
            what,
            mistakes=mistakes,
            hint="probs = softmax(Z2), with Z2 = relu(X @ W1 + b1) @ W2 + b2.",
            **tolerance_for(X),
        )


def test_forward_cache(outcome):
    """The cache holds Z1, A1 and Z2 as the reference computes them."""
    fn = outcome("forward")
    for case in fn.cases:
        X, params, probs, cache = _forward(fn, case)
        _, want = fn.expected(case)
        mistakes = _forward_mistakes(fn, case, X, params, probs, cache)
        formulas = {
            "Z1": "Z1 = X @ W1 + b1.",
            "A1": "A1 = relu(Z1).",
            "Z2": "Z2 = A1 @ W2 + b2, the logits before the softmax.",
        }
        for name in CACHE:
            expect_close(
                cache[name],
                want[name],
                f"cache['{name}'] from forward(X, params) on the '{case}' case",
                mistakes=mistakes,
                hint=formulas[name],
                **tolerance_for(X),
            )


@requires("test_forward_probs")
def test_forward_float32(outcome):
    """Float32 inputs give float32 probabilities and cache."""
    fn = outcome("forward")
    for case in ("float32", "one_row", "large_logits"):
        _, _, probs, cache = _forward(fn, case)
        for name, array in [("probs", probs)] + [(f"cache['{k}']", cache[k]) for k in CACHE]:
            expect(
                array.dtype == np.float32,
                f"{name} from forward(X, params) on the '{case}' case (float32 X and params) has dtype "
                f"{array.dtype}; expected float32.",
                "float32 in should stay float32: a float64 array or a conversion (astype(float), "
                "np.float64, dtype=float) inside forward upcasts everything after it.",
                mistake="forward.float64" if array.dtype == np.float64 else None,
            )


@requires("test_forward_probs")
def test_forward_keeps_inputs(outcome):
    """forward leaves X and the parameters unchanged."""
    fn = outcome("forward")
    for case in fn.cases:
        X, params = fn.call(case).args
        fn.result(case)
        X_after, params_after = fn.args_after(case)[:2]
        expect_unchanged_or_named(
            X, X_after, f"X (the '{case}' case)", hint="Read X; do not write into it."
        )
        expect_unchanged_or_named(
            params,
            params_after,
            f"the '{case}' case's params",
            mistakes=[
                Mistake(
                    "The cache went into params (params.update or params['Z1'] = ...): keep "
                    "it in a dict of its own and leave params as it was.",
                    matches=lambda after: (
                        isinstance(after, dict) and any(k in after for k in CACHE)
                    ),
                    id="forward.cache_in_params",
                )
            ],
            hint="Read the parameters from the dict; do not reassign or modify its entries.",
        )


# -- cross_entropy ------------------------------------------------------------------------------


def _probabilities(rng, n: int, dtype=np.float64, classes: int = 10) -> np.ndarray:
    p = rng.random((n, classes)) + 0.05
    return (p / p.sum(axis=1, keepdims=True)).astype(dtype)


@cases_for("cross_entropy")
def cross_entropy_cases(rng, ref):
    zero = _probabilities(rng, 5)
    y_zero = rng.integers(0, 10, size=5)
    for i in (0, 3):  # the true class gets probability exactly 0 on two rows
        zero[i, y_zero[i]] = 0.0
        zero[i] /= zero[i].sum()
    tiny = _probabilities(rng, 4)
    y_tiny = rng.integers(0, 10, size=4)
    for i in (1, 2):  # far below 1e-12, not 0: clipped like a 0
        tiny[i, y_tiny[i]] = 10.0 ** rng.uniform(-30, -18)
    tiny[3, y_tiny[3]] = 0.0  # and one 0 beside them
    y_sure = rng.integers(0, 10, size=4)
    sure = np.zeros((4, 10))
    sure[np.arange(4), y_sure] = (
        1.0  # certain and right: loss 0, and log(0) lurks off the true class
    )
    return {
        "random": Call(_probabilities(rng, 6), rng.integers(0, 10, size=6)),
        "float32": Call(_probabilities(rng, 4, np.float32), rng.integers(0, 10, size=4)),
        "one_row": Call(_probabilities(rng, 1), rng.integers(0, 10, size=1)),
        "three_classes": Call(_probabilities(rng, 5, classes=3), rng.integers(0, 3, size=5)),
        "zero_probability": Call(zero, y_zero),
        "tiny_probability": Call(tiny, y_tiny),
        "certain": Call(sure, y_sure),
    }


ORDINARY_LOSS = ("random", "float32", "one_row", "three_classes")
EDGE_LOSS = ("zero_probability", "tiny_probability", "certain")
CLIP_HINT = (
    "Clip the probabilities below at 1e-12 before the log (np.maximum or np.clip): "
    "log(0) is -inf, and 0 * log(0) is nan."
)


def _unambiguous(mistakes: list[Mistake]) -> list[Mistake]:
    """Drop the models that give the same number as a model of another mistake on this case:
    which of the two was made cannot be told here."""
    kept = []
    for mistake in mistakes:
        value = mistake.value
        clash = value is not None and any(
            other.id != mistake.id
            and other.value is not None
            and np.shape(other.value) == np.shape(value)
            and bool(np.allclose(other.value, value, rtol=1e-6, atol=1e-12, equal_nan=True))
            for other in mistakes
        )
        if not clash:
            kept.append(mistake)
    return kept


def _loss_mistakes(
    probs: np.ndarray, y: np.ndarray, want: float, *, ordinary_right: bool = False
) -> list[Mistake]:
    """What mistaken losses give on this case, each an exact number. The mistakes of the clip
    alone give the right loss wherever no probability is below 1e-12: when the function is
    right on the ordinary cases (``ordinary_right``) only they can fit, otherwise only the
    others."""
    n, c = probs.shape
    wide = probs.astype(np.float64)
    with np.errstate(all="ignore"):
        others = [*_loss_factor_mistakes(want, n, c), *_loss_entry_mistakes(wide, y)]
        clip_only = _loss_clip_mistakes(wide, y)
    mistakes = clip_only if ordinary_right else others
    mistakes = [m for m in mistakes if not _same_number(m.value, want)]
    return _unambiguous(mistakes)


def _loss_factor_mistakes(want: float, n: int, c: int) -> list[Mistake]:
    """The right loss off by a constant factor: N, C, the sign, the log's base."""
    return [
        Mistake(
            f"The loss is N = {n} times too large, the sum over the examples: average over "
            "the N examples (np.mean, or divide by N), not the sum.",
            want * n,
            id="cross_entropy.sum_not_mean",
        ),
        Mistake(
            f"The loss is C = {c} times too small: divide by N, the number of examples, not "
            "by N * C (the number of entries).",
            want / c,
            id="cross_entropy.mean_over_entries",
        ),
        Mistake(
            f"The sum over the examples is divided by C = {c}, the number of classes; "
            f"divide by N = {n}, the number of examples.",
            want * n / c,
            id="cross_entropy.classes_not_examples",
        ),
        Mistake(
            f"The loss is N = {n} times too small: it is divided by N twice (np.mean "
            "already divides by N).",
            want / n,
            id="cross_entropy.divided_twice",
        ),
        Mistake(
            "The loss is -log(p): the minus sign is missing.",
            -want,
            id="cross_entropy.no_minus",
        ),
        Mistake(
            "Use the natural log, np.log (not np.log10 or np.log2).",
            want / math.log(10),
            id="cross_entropy.log_base",
        ),
        Mistake(
            "Use the natural log, np.log (not np.log10 or np.log2).",
            want / math.log(2),
            id="cross_entropy.log_base",
        ),
    ]


def _loss_entry_mistakes(wide: np.ndarray, y: np.ndarray) -> list[Mistake]:
    """The loss of other entries than each row's true class, or of p instead of log(p)."""
    n = len(wide)
    clipped = np.maximum(wide, 1e-12)
    true = clipped[np.arange(n), y]
    logs = np.log(clipped)
    raw_true = wide[np.arange(n), y]
    return [
        Mistake(
            "The log is missing: the loss is the mean of -log(p), not of -p.",
            -float(np.mean(true)),
            id="cross_entropy.no_log",
        ),
        Mistake(
            "probs[:, y] picks whole columns (an N x N table); take one entry per row: row "
            "i, column y[i].",
            -float(np.mean(logs[:, y])),
            id="cross_entropy.columns_not_entries",
        ),
        Mistake(
            "Only the probability of each example's true class counts, not the log of "
            "every probability.",
            -float(np.mean(logs)),
            id="cross_entropy.all_entries",
        ),
        Mistake(
            "Only the probability of each example's true class counts, not the log of "
            "every probability.",
            -float(np.sum(logs)) / n,
            id="cross_entropy.all_entries",
        ),
        Mistake(
            "That is the loss of each example's most probable class; the loss uses the "
            "probability of its TRUE class, probs[i, y[i]].",
            -float(np.mean(np.log(clipped.max(axis=1)))),
            id="cross_entropy.most_probable",
        ),
        Mistake(
            "np.minimum caps every probability at 1e-12; clip from below: np.maximum(p, 1e-12).",
            -float(np.mean(np.log(np.minimum(raw_true, 1e-12)))),
            id="cross_entropy.minimum_for_maximum",
        ),
    ]


def _loss_clip_mistakes(wide: np.ndarray, y: np.ndarray) -> list[Mistake]:
    """The clip at 1e-12 left out or done otherwise: only where a probability is below
    1e-12 do these differ from the right loss."""
    n, c = wide.shape
    raw_true = wide[np.arange(n), y]
    return [
        Mistake(
            "Only exact zeros were replaced: a probability below 1e-12 counts as 1e-12 too "
            "(np.maximum(p, 1e-12)).",
            -float(np.mean(np.log(np.where(raw_true == 0, 1e-12, raw_true)))),
            id="cross_entropy.only_zeros_clipped",
        ),
        *[
            Mistake(
                f"Clip at 1e-12, as asked (not at {eps:g}): a zero probability then costs "
                f"-log(1e-12) = 27.6.",
                -float(np.mean(np.log(np.maximum(raw_true, eps)))),
                id="cross_entropy.other_clip",
            )
            for eps in (1e-15, 1e-10, 1e-9, 1e-8, 1e-7, 1e-6)
        ],
        Mistake(
            CLIP_HINT,
            -float(np.mean(np.log(raw_true))),
            id="cross_entropy.no_clip",
        ),
        Mistake(
            CLIP_HINT,
            -float(np.sum(np.eye(c)[y] * np.log(wide))) / n,
            id="cross_entropy.no_clip",
        ),
    ]


def _same_number(a: float, b: float) -> bool:
    return bool(np.isclose(a, b, rtol=1e-6, atol=1e-12, equal_nan=True))


def _loss_case(fn, case: str, what_extra: str = ""):
    probs, y = fn.call(case).args
    want = float(fn.expected(case))
    ordinary_right = case not in ORDINARY_LOSS and right_on(fn, ORDINARY_LOSS, rtol=1e-4, atol=1e-7)
    mistakes = _loss_mistakes(probs, y, want, ordinary_right=ordinary_right)
    what = f"cross_entropy(probs, y) on the '{case}' case{what_extra}"
    got = fn.result(case)
    if isinstance(got, np.ndarray) and got.size == 1:
        raise failure(
            f"{what} should be a single number; got {describe(got)}.",
            [
                Mistake(
                    "The right loss, inside an array: return float(...) of it, one number.",
                    matches=lambda got: _same_number(float(np.asarray(got).ravel()[0]), want),
                    id="cross_entropy.not_a_float",
                )
            ],
            got,
            "Reduce it to one number and return float(...) of it.",
        )
    if isinstance(got, np.ndarray) and got.shape == (len(y),):
        raise failure(
            f"{what} should be a single number; got {describe(got)}.",
            [
                Mistake(
                    "Those are the per-example losses; average them into one number.",
                    matches=lambda got: _per_example_fits(probs, y, got),
                    id="cross_entropy.per_example",
                )
            ],
            got,
            "Reduce the per-example losses to their mean, one number.",
        )
    return probs, y, want, mistakes, what, got


def _per_example_fits(probs, y, got) -> bool:
    with np.errstate(all="ignore"):
        losses = -np.log(np.maximum(probs.astype(np.float64)[np.arange(len(y)), y], 1e-12))
    return bool(np.allclose(np.asarray(got, dtype=np.float64), losses, rtol=1e-4))


def test_cross_entropy_value(outcome):
    """The loss is the mean over the examples of -log(probability of the true class)."""
    fn = outcome("cross_entropy")
    for case in ORDINARY_LOSS:
        probs, _, want, mistakes, what, got = _loss_case(fn, case)
        expect_number(
            got,
            want,
            what,
            rtol=1e-4 if probs.dtype == np.float32 else 1e-6,
            atol=1e-7,
            mistakes=mistakes,
            hint="L = -(1/N) * sum over i of log(probs[i, y[i]]).",
        )


@requires("test_cross_entropy_value")
def test_cross_entropy_python_float(outcome):
    """cross_entropy returns a Python float."""
    fn = outcome("cross_entropy")
    for case in fn.cases:
        got = fn.result(case)
        what = f"cross_entropy(probs, y) on the '{case}' case"
        expect(
            isinstance(got, float),
            f"{what} should be a Python float; got {describe(got)}.",
            "Return float(...) of the mean: a NumPy float32 or an array is not a Python float "
            "(json, for one, cannot write a float32).",
            mistake="cross_entropy.not_a_float"
            if isinstance(got, (np.floating, np.ndarray))
            else None,
        )


def test_cross_entropy_zero_probability(outcome):
    """A true class with probability 0 or below 1e-12 counts as 1e-12: the loss stays finite."""
    fn = outcome("cross_entropy")
    for case in EDGE_LOSS:
        probs, y = fn.call(case).args
        n = len(y)
        below = int(np.count_nonzero(probs[np.arange(n), y] < 1e-12))
        extra = (
            f" ({below} true classes with probability below 1e-12)"
            if below
            else " (every true class has probability 1)"
        )
        probs, y, want, mistakes, what, got = _loss_case(fn, case, extra)
        value = expect_scalar(got, what, mistakes=mistakes, hint=None)  # inf or nan: log(0)
        expect_number(
            value,
            want,
            what,
            rtol=1e-6,
            atol=1e-9,
            mistakes=mistakes,
            hint="A true class with probability below 1e-12 (0 included) costs -log(1e-12) = 27.6.",
        )


@requires("test_cross_entropy_value")
def test_cross_entropy_keeps_inputs(outcome):
    """cross_entropy leaves probs and y unchanged."""
    fn = outcome("cross_entropy")
    for case in fn.cases:
        probs, y = fn.call(case).args
        fn.result(case)
        probs_after, y_after = fn.args_after(case)[:2]
        expect_unchanged_or_named(
            probs,
            probs_after,
            f"probs (the '{case}' case)",
            mistakes=[
                Mistake(
                    "probs[probs < 1e-12] = 1e-12 and np.clip(..., out=probs) clip the "
                    "caller's array; clip into a new array.",
                    np.maximum(probs, 1e-12),
                    rtol=1e-9,
                    atol=0.0,
                    id="cross_entropy.clip_in_place",
                )
            ],
            hint="Clip into a new array and leave probs as it was.",
        )
        expect_unchanged_or_named(
            y, y_after, f"y (the '{case}' case)", hint="Read the labels; do not write into y."
        )
