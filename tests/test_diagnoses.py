"""The shared diagnoses (autograder/checks/diagnoses.py) name a mistake only when its model fits,
and a bound probe reads the caller's array itself."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.checking import Call, CheckFailed, Mistake, Probe
from autograder.checks.diagnoses import (
    Network,
    check_every_case,
    consistent_mistakes,
    factor_mistake,
    gradient_mistakes,
    implied_upstream,
    mean_factors,
    repeated_mean_mistake,
)
from autograder.sandbox.probes import cubic_sum, reading_argument, resolve


def _in_place(f, x, h=1e-3):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        up = f(x)
        x[i] = old - h
        down = f(x)
        x[i] = old
        grad[i] = (up - down) / (2 * h)
    return grad


def _on_copies(f, x, h=1e-3):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        grad[i] = (f(up) - f(down)) / (2 * h)
    return grad


def test_a_bound_probe_sees_only_nudges_made_to_the_array_itself():
    x = np.array([1.0, 2.0, 3.0])
    f, same_x = resolve(Call(reading_argument("cubic_sum", 1), x).args)
    assert same_x is x
    assert f(np.zeros(3)) == cubic_sum(x)  # whatever it is called with, it reads x
    assert np.allclose(_in_place(f, x), x**2 + 1, rtol=1e-5)
    assert not np.any(_on_copies(f, x))  # a copy's nudges never reach it
    plain, _ = resolve(Call(Probe("cubic_sum"), x).args)
    assert np.allclose(_on_copies(plain, x), x**2 + 1, rtol=1e-5)  # an ordinary probe does


def test_a_constant_factor_is_named_with_its_meaning_and_id():
    want = np.arange(1.0, 7.0).reshape(2, 3)
    factors = mean_factors(5, once="in dZ2", counts=[(9, "X.shape[1] = 9", "inputs_not_N")])
    mistake = factor_mistake(
        "backward", 5 * want, want, factors, subject="Every gradient is", otherwise="?"
    )
    assert mistake.id == "backward.missing_mean" and "5 times too large" in mistake.hint
    assert factor_mistake("backward", want / 25, want, factors, subject="x", otherwise="?").id == (
        "backward.mean_repeated"
    )
    inputs = factor_mistake("backward", want * 5 / 9, want, factors, subject="x", otherwise="?")
    assert inputs.id == "backward.inputs_not_N"
    other = factor_mistake("backward", want * 0.3, want, factors, subject="x", otherwise="look")
    assert other.id == "backward.constant_factor" and "look" in other.hint


def test_no_factor_is_named_when_the_answer_is_not_a_multiple():
    want = np.arange(1.0, 7.0)
    got = want * 5
    got[0] += 1.0
    assert (
        factor_mistake("f", got, want, mean_factors(5, once=""), subject="x", otherwise="") is None
    )
    assert (
        factor_mistake("f", want, want, mean_factors(5, once=""), subject="x", otherwise="") is None
    )


def test_one_over_n_at_every_layer_is_told_from_one_factor_for_all():
    rng = np.random.default_rng(0)
    want = {f"d{k}{l}": rng.normal(size=(3, 2)) for l in (1, 2, 3) for k in ("W", "b")}
    n = 4
    every_layer = {k: v * float(n) ** -(3 - int(k[2:])) for k, v in want.items()}
    assert repeated_mean_mistake("f", every_layer, want, n, once="").id == "f.mean_every_layer"
    assert repeated_mean_mistake("f", {k: v / n for k, v in want.items()}, want, n, once="") is None


def test_the_upstream_gradient_behind_a_weight_gradient_comes_back():
    rng = np.random.default_rng(1)
    A, dZ = rng.normal(size=(4, 7)), rng.normal(size=(4, 3))
    assert np.allclose(implied_upstream(A, A.T @ dZ), dZ)
    assert implied_upstream(rng.normal(size=(8, 3)), rng.normal(size=(3, 2))) is None  # too few


def _network(rng, n=4, sizes=(6, 9, 5)):
    X = rng.random((n, sizes[0]))
    y = rng.integers(0, sizes[-1], size=n)
    W1, W2 = rng.normal(size=sizes[:2]), rng.normal(size=sizes[1:])
    b1, b2 = rng.normal(size=sizes[1]), rng.normal(size=sizes[2])
    b1[0] = -50.0
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0)
    Z2 = A1 @ W2 + b2
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    return X, y, params, {"Z1": Z1, "A1": A1, "Z2": Z2}


def _gradients(X, y, params, cache, step):
    """A backward pass whose step from dA1 to dZ1 is ``step(dA1, Z1, A1)``."""
    e = np.exp(cache["Z2"] - cache["Z2"].max(axis=1, keepdims=True))
    dZ2 = (e / e.sum(axis=1, keepdims=True) - np.eye(params["W2"].shape[1])[y]) / len(X)
    dZ1 = step(dZ2 @ params["W2"].T, cache["Z1"], cache["A1"])
    return {"dW1": X.T @ dZ1, "db1": dZ1.sum(0), "dW2": cache["A1"].T @ dZ2, "db2": dZ2.sum(0)}


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        (lambda dA, Z, A: dA, "backward.no_relu_derivative"),
        (lambda dA, Z, A: dA * A, "backward.relu_not_derivative"),
        (lambda dA, Z, A: dA * Z, "backward.Z_not_derivative"),  # reaches dead units too
        (lambda dA, Z, A: dA * (Z > 0) * 2.0, "backward.constant_factor"),  # 2 times dW1
        (lambda dA, Z, A: dA * (Z > 0.5), None),  # no model: named nothing
    ],
)
def test_a_wrong_step_through_the_relu_is_named_by_what_it_computes(step, expected):
    rng = np.random.default_rng(2)
    X, y, params, cache = _network(rng)
    want = _gradients(X, y, params, cache, lambda dA, Z, A: dA * (Z > 0))
    got = _gradients(X, y, params, cache, step)
    mistakes = gradient_mistakes("backward", "dW1", Network(X, y, params, cache), want, got)
    fitting = [m.id for m in mistakes if m.fits(got["dW1"])]
    assert (fitting[:1] or [None]) == [expected]


class _Numbers:
    """An outcome whose function returned ``results`` on cases whose right answers are ``right``."""

    def __init__(self, results: dict, right: dict):
        self.results, self.right = results, right

    def raised(self, case):
        return None

    def result(self, case):
        return self.results[case]

    def expected(self, case):
        return self.right[case]


def test_one_number_is_named_only_when_the_model_fits_every_case():
    right = {"a": 1.0, "b": 2.0}
    doubled = {"a": 2.0, "b": 4.0}

    def models(case):
        return [Mistake("twice", doubled[case], id="f.twice")]

    lucky = _Numbers({"a": 2.0, "b": 3.0}, right)  # fits "twice" on case a only
    assert not consistent_mistakes(lucky, "ab", models, "a")[0].fits(2.0)
    made = _Numbers(doubled, right)
    assert consistent_mistakes(made, "ab", models, "a")[0].fits(2.0)


def test_a_mistake_named_on_one_case_is_named_whichever_case_is_read_first():
    def check(case):
        if case == "named":
            raise CheckFailed("named differs", mistake=Mistake("it is that", id="f.that"))
        raise CheckFailed(f"{case} differs")

    for order in (["plain", "named"], ["named", "plain"]):
        with pytest.raises(CheckFailed) as raised:
            check_every_case(order, check)
        assert raised.value.mistake == "f.that"


def test_a_factor_of_a_rank_one_gradient_is_no_diagnosis():
    x, u = np.arange(1.0, 4.0), np.array([0.0, 2.0, 0.0])  # one example, one active unit
    want = np.outer(x, u)
    assert factor_mistake("f", 3 * want, want, [], subject="x", otherwise="") is None
    assert factor_mistake("f", 3 * u, u, [], subject="x", otherwise="") is None


def test_failures_that_name_different_mistakes_name_none():
    def check(case):
        raise CheckFailed(f"{case} differs", mistake=Mistake("it is", id=f"f.{case}"))

    with pytest.raises(CheckFailed) as raised:
        check_every_case(["one", "two"], check)
    assert raised.value.mistake is None and raised.value.message == "one differs"
