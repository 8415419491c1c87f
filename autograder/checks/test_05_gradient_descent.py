"""Checks for lesson 05: update_params, gradient_descent, minibatch_sgd.

The two training functions involve randomness (the initialisation, the shuffling), so their
checks test properties, never one order of random draws: the shapes of what they return, the
history's format, that the loss goes down and the accuracy gets high on a small learnable
problem, that learning_rate, the seed and the batch size are honoured, and that the inputs are
left as they were. When grading, they get the reference init_params, forward, backward,
update_params and cross_entropy.

Their optional arguments are checked with functions from ``autograder.sandbox.probes`` whose
effect is exact whatever the random draws: an ``init`` that starts from known parameters (with
learning rate 0 they come back unchanged), an ``update`` that never moves the parameters, an
``augment`` that blanks every image (so no gradient ever reaches W1), and callbacks that stop
the run at a given step or record and report what they were called with.
"""

from __future__ import annotations

import math
import re

import numpy as np

from autograder.checking import (
    Call,
    CheckFailed,
    Mistake,
    Probe,
    cases_for,
    describe,
    expect,
    expect_close,
    expect_dict,
    expect_finite,
    expect_ndarray,
    expect_shape,
    expect_unchanged,
    requires,
    result_or_known_error,
)

PARAM_NAMES = ("W1", "b1", "W2", "b2")
N_CLASSES = 10
DIVERGED = (
    "The loss became nan or inf: the training diverged. The update is params - learning_rate * grad "
    "(a minus: step against the gradient)."
)


def _blobs(rng, n, n_in, *, sort=False, noise=0.15, centers=None):
    """A small learnable problem: 10 clusters in [0, 1]^n_in, balanced labels.

    With ``sort=True`` the rows come sorted by label: training on them in that order (without
    shuffling) ends each epoch on one class only.
    """
    if centers is None:
        centers = rng.uniform(0.0, 1.0, size=(N_CLASSES, n_in))
    y = np.tile(np.arange(N_CLASSES), n // N_CLASSES + 1)[:n]
    y = np.sort(y) if sort else rng.permutation(y)
    X = np.clip(centers[y] + noise * rng.standard_normal((n, n_in)), 0.0, 1.0)
    return X.astype(np.float32), y.astype(np.int64), centers


#: Cases whose callback stops the run on purpose: they return nothing to check but the stop.
STOPPED = ("callback_each_step", "callback_history")


def _finished(fn) -> list[str]:
    """The cases that run to the end (all but the ones a callback stops)."""
    return [case for case in fn.cases if case not in STOPPED]


def _reference_learns(train, cases, names):
    """Whether the reference learns these cases well (the rare unlucky draw is redrawn, so the
    thresholds test the student's loop, not the luck of the draw)."""
    for name in names:
        call = cases[name]
        args = [a.copy() for a in call.args]
        kwargs = {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in call.kwargs.items()}
        _, history = train(*args, **kwargs)
        if history["train_accuracy"][-1] < 0.95:
            return False
        if "dev_accuracy" in history and history["dev_accuracy"][-1] < 0.9:
            return False
    return True


def _exception_hint(fn, case):
    """A hint for a typical exception of update_params, or None."""
    raised = fn.raised(case)
    if raised is None:
        return None
    if raised.type == "KeyError":
        return (
            "grads holds the keys 'dW1', 'db1', 'dW2', 'db2' (a 'd' before each parameter's "
            "name): look the gradient of params[k] up as grads['d' + k]."
        )
    if raised.type == "ValueError" and ("broadcast" in raised.message or "shape" in raised.message):
        return (
            "Each parameter must be paired with its own gradient, by name (grads['d' + k]), "
            "not by the dicts' order: backward may list dW2 before dW1."
        )
    return None


# -- update_params ----------------------------------------------------------------------------


def _params_and_grads(rng, n_in, n_hidden, dtype):
    params = {
        "W1": rng.normal(0.0, 0.5, size=(n_in, n_hidden)),
        "b1": rng.normal(0.0, 0.1, size=n_hidden),
        "W2": rng.normal(0.0, 0.5, size=(n_hidden, N_CLASSES)),
        "b2": rng.normal(0.0, 0.1, size=N_CLASSES),
    }
    # In the order backward computes them (layer 2 first): pairing by position goes wrong.
    grads = {f"d{k}": rng.normal(0.0, 1.0, size=params[k].shape) for k in ("W2", "b2", "W1", "b1")}
    cast = lambda d: {k: v.astype(dtype) for k, v in d.items()}
    return cast(params), cast(grads)


@cases_for("update_params")
def update_params_cases(rng, ref):
    params, grads = _params_and_grads(rng, 5, 4, np.float32)
    params64, grads64 = _params_and_grads(rng, 3, 6, np.float64)
    params_small, grads_small = _params_and_grads(rng, 2, 3, np.float64)
    return {
        "random": Call(params, grads, 0.1),
        "float64": Call(params64, grads64, learning_rate=0.5),
        "large_rate": Call(params_small, grads_small, 2.0),
    }


def test_update_params_values(outcome):
    """every parameter moves by learning_rate times its own gradient, against it."""
    fn = outcome("update_params")
    for case in fn.cases:
        call = fn.call(case)
        params, grads = call.args[0], call.args[1]
        rate = call.args[2] if len(call.args) > 2 else call.kwargs["learning_rate"]
        hint = _exception_hint(fn, case)
        if hint is not None:
            raised = fn.raised(case)
            raise CheckFailed(
                f"update_params raised {raised.type}: {raised.message} (on the '{case}' case).",
                hint,
            )
        got = expect_dict(
            fn.result(case),
            PARAM_NAMES,
            f"update_params(...) on the '{case}' case",
            hint="Return a new dict with the keys 'W1', 'b1', 'W2', 'b2'.",
        )
        want = fn.expected(case)
        for k in PARAM_NAMES:
            g = grads["d" + k]
            others = [
                grads["d" + o] for o in PARAM_NAMES if o != k and grads["d" + o].shape == g.shape
            ]
            expect_close(
                got[k],
                want[k],
                f"the new '{k}' on the '{case}' case",
                rtol=1e-5,
                atol=1e-6,
                mistakes=[
                    Mistake(
                        f"'{k}' did not change: update every parameter, the biases b1 and b2 too.",
                        params[k],
                    ),
                    Mistake(
                        "The step goes against the gradient: params[k] - learning_rate * grad, "
                        "with a minus.",
                        params[k] + rate * g,
                    ),
                    Mistake(
                        "Multiply the gradient by learning_rate before subtracting it.",
                        params[k] - g,
                    ),
                    *[
                        Mistake(
                            f"'{k}' moved with another parameter's gradient: use grads['d{k}'].",
                            params[k] - rate * o,
                        )
                        for o in others
                    ],
                ],
            )


@requires("test_update_params_values")
def test_update_params_leaves_inputs_unchanged(outcome):
    """update_params returns new arrays and leaves params and grads unchanged."""
    fn = outcome("update_params")
    for case in fn.cases:
        call = fn.call(case)
        fn.result(case)  # raises with the right feedback if the call failed
        after = fn.args_after(case)
        hint = (
            "Build a new dict: {k: params[k] - ... for k in params} creates new arrays; "
            "params[k] -= ... or params[k] = ... changes the caller's dict."
        )
        expect_unchanged(call.args[0], after[0], "params", hint=hint)
        expect_unchanged(
            call.args[1], after[1], "grads", hint="Only read the gradients; do not modify grads."
        )


# -- the training functions: shared checks ------------------------------------------------------


def _result_pair(fn, case):
    got = fn.result(case)
    expect(
        isinstance(got, (tuple, list)) and len(got) == 2,
        f"{fn.function}(...) on the '{case}' case should return a pair (params, history); "
        f"got {describe(got)}.",
        "End with `return params, history`.",
    )
    return got[0], got[1]


def _n_hidden(call, default=10):
    return call.kwargs.get("n_hidden", call.args[2] if len(call.args) > 2 else default)


def _kw(call, name, default):
    return call.kwargs.get(name, default)


def _has_dev(call):
    return call.kwargs.get("X_dev") is not None


def _check_params_shapes(fn, case):
    call = fn.call(case)
    X = call.args[0]
    n_hidden = _n_hidden(call)
    params, _ = _result_pair(fn, case)
    what = f"the params {fn.function} returns on the '{case}' case"
    params = expect_dict(
        params,
        PARAM_NAMES,
        what,
        hint="Return the params dict that init_params made and the updates changed.",
    )
    shapes = {
        "W1": (X.shape[1], n_hidden),
        "b1": (n_hidden,),
        "W2": (n_hidden, N_CLASSES),
        "b2": (N_CLASSES,),
    }
    for k, shape in shapes.items():
        value = expect_ndarray(params[k], f"'{k}' ({what})")
        expect_shape(
            value,
            shape,
            f"'{k}' ({what}, n_hidden={n_hidden})",
            hint=f"Start from init_params(X.shape[1], n_hidden, 10, seed): it uses n_hidden={n_hidden} here.",
        )
        expect_finite(value, f"'{k}' ({what})", hint=DIVERGED)


def _history(fn, case):
    """The history of a case as a dict of float arrays, after checking its format."""
    call = fn.call(case)
    _, history = _result_pair(fn, case)
    what = f"the history {fn.function} returns on the '{case}' case"
    keys = ["iteration", "loss", "train_accuracy"] + (["dev_accuracy"] if _has_dev(call) else [])
    history = expect_dict(
        history,
        keys,
        what,
        hint="history = {'iteration': [], 'loss': [], 'train_accuracy': []}, "
        "plus 'dev_accuracy' when X_dev is given.",
    )
    arrays = {}
    for key in keys:
        value = history[key]
        ok = isinstance(value, (list, tuple)) or (isinstance(value, np.ndarray) and value.ndim == 1)
        expect(
            ok,
            f"history['{key}'] on the '{case}' case should be a list; got {describe(value)}.",
            f"Append one number per record: history['{key}'].append(...).",
        )
        try:
            array = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise CheckFailed(
                f"history['{key}'] on the '{case}' case should hold numbers.",
                "Append plain numbers (float(...)), one per record.",
            ) from None
        expect(
            array.ndim == 1,
            f"history['{key}'] on the '{case}' case should hold one number per record; "
            f"it has shape {array.shape}.",
            "Append float(...) values, not arrays.",
        )
        arrays[key] = array
    lengths = {k: len(v) for k, v in arrays.items()}
    expect(
        len(set(lengths.values())) == 1,
        f"the lists in {what} have different lengths: {lengths}.",
        "Append to every list at the same time, once per record.",
    )
    expect(
        lengths["iteration"] > 0,
        f"{what} is empty.",
        "Record the loss and accuracy while training.",
    )
    return arrays


def _check_accuracy_list(values, n, name, case):
    expect_finite(values, f"history['{name}'] on the '{case}' case")
    if values.size and (values.min() < 0 or values.max() > 1):
        hint = (
            "That looks like a percentage: do not multiply by 100."
            if values.max() <= 100
            and np.allclose(values * n / 100, np.round(values * n / 100), atol=1e-6)
            else "That looks like a count: divide by the number of examples."
        )
        raise CheckFailed(
            f"history['{name}'] on the '{case}' case has values from {values.min():.6g} to {values.max():.6g}; "
            "an accuracy is a fraction in [0, 1].",
            hint,
        )
    counts = values * n
    expect(
        bool(np.allclose(counts, np.round(counts), atol=1e-6)),
        f"history['{name}'] on the '{case}' case is not the fraction of the {n} examples "
        f"classified correctly (e.g. {values[np.argmax(np.abs(counts - np.round(counts)))]:.6g}).",
        "Compute it on the whole set named (X and y for train, X_dev and y_dev for dev): "
        "np.mean(predictions == labels).",
    )


def _check_format(fn, case):
    call = fn.call(case)
    history = _history(fn, case)
    if not _has_dev(call):
        expect(
            "dev_accuracy" not in fn.result(case)[1],
            f"the history {fn.function} returns on the '{case}' case has a 'dev_accuracy' entry, but no "
            "dev data was given.",
            "Add 'dev_accuracy' only when X_dev and y_dev are given (they default to None).",
        )
    _check_accuracy_list(history["train_accuracy"], len(call.args[1]), "train_accuracy", case)
    expect_finite(history["loss"], f"history['loss'] on the '{case}' case", hint=DIVERGED)
    if _has_dev(call):
        _check_accuracy_list(
            history["dev_accuracy"], len(call.kwargs["y_dev"]), "dev_accuracy", case
        )
    return history


def _check_learns(fn, cases, *, min_accuracy, hint):
    """``hint(case)`` names the likely cause when a case does not learn."""
    for case in cases:
        history = _history(fn, case)
        loss, accuracy = history["loss"], history["train_accuracy"]
        expect_finite(loss, f"history['loss'] on the '{case}' case", hint=DIVERGED)
        if len(loss) > 1 and bool(np.allclose(loss, loss[0], rtol=1e-9, atol=0)):
            raise CheckFailed(
                f"{fn.function} on the '{case}' case: the loss stayed at {loss[0]:.4g}; it should go down.",
                "The params never changed: assign the update back, params = update_params(params, grads, "
                "learning_rate), so the next forward pass uses the new params.",
            )
        if len(loss) > 1:
            expect(
                loss[-1] < loss[0],
                f"{fn.function} on the '{case}' case: the loss went from {loss[0]:.4g} to {loss[-1]:.4g}; "
                "it should go down.",
                hint(case),
            )
        expect(
            accuracy[-1] >= min_accuracy,
            f"{fn.function} on the '{case}' case: the training accuracy ends at {accuracy[-1]:.3g}; on this "
            f"easy problem it should reach {min_accuracy:g} (the reference gets over 0.95).",
            hint(case),
        )


def _check_learning_rate(fn, zero_case, trained_case):
    history = _history(fn, zero_case)
    for key in ("loss", "train_accuracy"):
        values = history[key]
        same = bool(np.allclose(values, values[0], rtol=1e-6, atol=1e-9))
        if not same:
            if key == "loss" and np.allclose(
                history["train_accuracy"], history["train_accuracy"][0]
            ):
                hint = (
                    "The accuracy stayed the same but the loss changed: record the loss of the "
                    "whole training set (X, y), not an average of batch losses."
                )
            else:
                hint = (
                    "Pass learning_rate on to update_params (params - learning_rate * grad); do not "
                    "use a fixed rate."
                )
            raise CheckFailed(
                f"with learning_rate=0 nothing should change, but history['{key}'] on the '{zero_case}' "
                f"case went from {values[0]:.6g} to {values[-1]:.6g}.",
                hint,
            )
    start, _ = _result_pair(fn, zero_case)
    trained, _ = _result_pair(fn, trained_case)
    start = expect_dict(
        start, PARAM_NAMES, f"the params {fn.function} returns on the '{zero_case}' case"
    )
    trained = expect_dict(
        trained, PARAM_NAMES, f"the params {fn.function} returns on the '{trained_case}' case"
    )
    unchanged = [
        k
        for k in PARAM_NAMES
        if np.shape(start[k]) == np.shape(trained[k]) and np.array_equal(start[k], trained[k])
    ]
    expect(
        not unchanged,
        f"{fn.function}: {', '.join(unchanged)} came back unchanged from training on the "
        f"'{trained_case}' case (the '{zero_case}' case, with the same seed and learning_rate=0, "
        "returns the same values).",
        "Update every parameter each step: all of W1, b1, W2, b2 (update_params does).",
    )


def _check_seed(fn, case, same, other):
    params, history = _result_pair(fn, case)
    again, history_again = _result_pair(fn, same)
    params = expect_dict(
        params, PARAM_NAMES, f"the params {fn.function} returns on the '{case}' case"
    )
    again = expect_dict(
        again, PARAM_NAMES, f"the params {fn.function} returns on the '{same}' case"
    )
    hint = (
        "Draw every random number from the seed: init_params(..., seed) and "
        "np.random.default_rng(seed), not np.random.* without a seed."
    )
    for k in PARAM_NAMES:
        expect(
            np.shape(params[k]) == np.shape(again[k])
            and bool(np.allclose(params[k], again[k], rtol=1e-6, atol=1e-8, equal_nan=True)),
            f"{fn.function} gave different '{k}' on two runs with the same inputs and seed "
            f"(the '{case}' and '{same}' cases).",
            hint,
        )
    if isinstance(history, dict) and isinstance(history_again, dict):
        for key in ("loss", "train_accuracy"):
            a = np.asarray(history.get(key, []), dtype=float)
            b = np.asarray(history_again.get(key, []), dtype=float)
            expect(
                a.shape == b.shape
                and bool(np.allclose(a, b, rtol=1e-6, atol=1e-8, equal_nan=True)),
                f"{fn.function} recorded a different history['{key}'] on two runs with the same "
                f"inputs and seed (the '{case}' and '{same}' cases).",
                hint,
            )
    different, _ = _result_pair(fn, other)
    different = expect_dict(
        different, PARAM_NAMES, f"the params {fn.function} returns on the '{other}' case"
    )
    expect(
        not np.array_equal(np.asarray(params["W1"]), np.asarray(different["W1"])),
        f"{fn.function} gave the same 'W1' for two different seeds (the '{case}' and '{other}' cases).",
        "Pass the seed on: init_params(X.shape[1], n_hidden, 10, seed).",
    )


def _check_inputs_unchanged(fn, hint):
    for case in _finished(fn):
        call = fn.call(case)
        fn.result(case)
        after = fn.args_after(case)
        expect_unchanged(call.args[0], after[0], "X", hint=hint)
        expect_unchanged(call.args[1], after[1], "y", hint=hint)


def _check_dev(fn, case, *, min_accuracy):
    call = fn.call(case)
    history = _history(fn, case)
    dev = history["dev_accuracy"]
    _check_accuracy_list(dev, len(call.kwargs["y_dev"]), "dev_accuracy", case)
    expect(
        dev[-1] >= min_accuracy,
        f"{fn.function} on the '{case}' case: the dev accuracy ends at {dev[-1]:.3g}; the dev rows "
        f"come from the same clusters, so it should reach {min_accuracy:g}.",
        "Measure it with the current params on X_dev against y_dev.",
    )


# -- gradient_descent ---------------------------------------------------------------------------

GD_RATE = 0.5
GD_ITERATIONS = 200


@cases_for("gradient_descent")
def gradient_descent_cases(rng, ref):
    train = dict(n_hidden=10, learning_rate=GD_RATE, iterations=GD_ITERATIONS)
    for _ in range(20):
        X, y, centers = _blobs(rng, 200, 12)
        X_dev, y_dev, _ = _blobs(rng, 30, 12, centers=centers)
        seed = int(rng.integers(0, 10_000))
        other = seed + 1 + int(rng.integers(0, 1000))
        cases = {
            "train": Call(X, y, **train, seed=seed),
            "same_seed": Call(X.copy(), y.copy(), **train, seed=seed),
            "other_seed": Call(X.copy(), y.copy(), **train, seed=other),
            # Same seed and n_hidden as "train", so it starts from the same params.
            "zero_learning_rate": Call(
                X[:50].copy(),
                y[:50].copy(),
                n_hidden=10,
                learning_rate=0.0,
                iterations=30,
                seed=seed,
            ),
            "with_dev": Call(
                X.copy(),
                y.copy(),
                n_hidden=10,
                learning_rate=GD_RATE,
                iterations=GD_ITERATIONS - 5,
                seed=other,
                X_dev=X_dev,
                y_dev=y_dev,
            ),
            "one_iteration": Call(
                X[:50].copy(),
                y[:50].copy(),
                n_hidden=3,
                learning_rate=GD_RATE,
                iterations=1,
                seed=seed,
            ),
            "iterations_23": Call(
                X[:50].copy(),
                y[:50].copy(),
                n_hidden=4,
                learning_rate=GD_RATE,
                iterations=23,
                seed=seed,
            ),
            # With learning rate 0 the run ends where init started it.
            "uniform_init": Call(
                X[:50].copy(),
                y[:50].copy(),
                n_hidden=6,
                learning_rate=0.0,
                iterations=2,
                seed=seed,
                init=Probe("uniform_init"),
            ),
            "callback_each_step": Call(
                X[:50].copy(),
                y[:50].copy(),
                n_hidden=4,
                learning_rate=GD_RATE,
                iterations=6,
                seed=seed,
                callback=Probe("stop_at_step_3"),
            ),
            "callback_history": Call(
                X[:50].copy(),
                y[:50].copy(),
                n_hidden=4,
                learning_rate=GD_RATE,
                iterations=15,
                seed=seed,
                callback=Probe("stop_at_second_record"),
            ),
        }
        if _reference_learns(ref.gradient_descent, cases, ["train", "other_seed", "with_dev"]):
            break
    return cases


def _gd_schedules(iterations):
    """The record schedules the spec allows, by how iterations are numbered."""
    zero_based = [i for i in range(iterations) if i % 10 == 0 or i == iterations - 1]
    one_based = [i for i in range(1, iterations + 1) if i % 10 == 0 or i == iterations]
    shifted = [i + 1 for i in zero_based]
    return [zero_based, one_based, shifted]


def test_gradient_descent_params_shapes(outcome):
    """the trained parameters have the right shapes and finite values."""
    fn = outcome("gradient_descent")
    for case in _finished(fn):
        _check_params_shapes(fn, case)


def test_gradient_descent_history_format(outcome):
    """the history is a dict of equal-length lists, recorded every 10 iterations and at the last."""
    fn = outcome("gradient_descent")
    for case in _finished(fn):
        call = fn.call(case)
        iterations = _kw(call, "iterations", 500)
        schedules = _gd_schedules(iterations)
        history = _check_format(fn, case)
        got = [round(i) for i in history["iteration"]]
        if not any(got == s for s in schedules):
            if len(got) == iterations:
                hint = "Record every 10 iterations (i % 10 == 0) and at the last one, not every iteration."
            elif got and got[0] == 0 and got[-1] >= iterations:
                hint = (
                    f"Run exactly `iterations` steps: for i in range(iterations) counts 0 to "
                    f"{iterations - 1}, and the last record is at i == iterations - 1."
                )
            elif got and got[-1] not in (iterations - 1, iterations):
                hint = (
                    "Run exactly `iterations` steps (for i in range(iterations)) and record the last "
                    "one (i == iterations - 1) too."
                )
            else:
                hint = "Record when i % 10 == 0 and when i == iterations - 1."
            shown = got if len(got) <= 8 else got[:4] + ["..."] + got[-2:]
            raise CheckFailed(
                f"history['iteration'] on the '{case}' case (iterations={iterations}) is {shown}; expected "
                f"{schedules[0] if len(schedules[0]) <= 8 else schedules[0][:4] + ['...'] + schedules[0][-2:]}.",
                hint,
            )


def test_gradient_descent_learns(outcome):
    """the loss goes down and the training accuracy gets high on an easy problem."""
    fn = outcome("gradient_descent")
    _check_learns(
        fn,
        ["train", "same_seed", "other_seed"],
        min_accuracy=0.6,
        hint=lambda case: (
            "Each iteration: forward on all of X, backward, then params = "
            "update_params(params, grads, learning_rate), stepping against the gradient."
        ),
    )


def test_gradient_descent_dev_accuracy(outcome):
    """the dev accuracy is recorded and gets high when a dev set is given."""
    fn = outcome("gradient_descent")
    _check_dev(fn, "with_dev", min_accuracy=0.6)


def test_gradient_descent_uses_learning_rate(outcome):
    """learning_rate is used: with 0 nothing changes."""
    fn = outcome("gradient_descent")
    _check_learning_rate(fn, "zero_learning_rate", "train")


@requires("test_gradient_descent_learns")
def test_gradient_descent_seed(outcome):
    """the same seed gives the same run, another seed another start."""
    fn = outcome("gradient_descent")
    _check_seed(fn, "train", "same_seed", "other_seed")


@requires("test_gradient_descent_learns")
def test_gradient_descent_leaves_inputs_unchanged(outcome):
    """gradient_descent leaves X and y unchanged."""
    fn = outcome("gradient_descent")
    _check_inputs_unchanged(
        fn, "Training only reads X and y: do not normalise, shuffle or overwrite them in place."
    )


def test_gradient_descent_uses_init(outcome):
    """training starts from init(X.shape[1], n_hidden, 10, seed) when an init function is given."""
    fn = outcome("gradient_descent")
    case = "uniform_init"
    call = fn.call(case)
    what = (
        f"the params gradient_descent returns on the '{case}' case (init=uniform_init, "
        "learning_rate=0: they should be exactly init's)"
    )
    hint = (
        "When init is given, training starts from init(X.shape[1], n_hidden, 10, seed), called "
        "like init_params; init=None means init_params."
    )
    result_or_known_error(fn, case, known=[(None, "matmul", hint), ("TypeError", "init", hint)])
    got, _ = _result_pair(fn, case)
    want, _ = fn.expected(case)
    got = expect_dict(got, PARAM_NAMES, what, hint=hint)
    for k in PARAM_NAMES:
        value = expect_ndarray(got[k], f"'{k}' in {what}")
        expect_shape(value, np.shape(want[k]), f"'{k}' in {what}", hint=hint)
        if not np.array_equal(value, want[k]):
            spread = float(np.std(value))
            if k == "W1" and abs(spread - math.sqrt(2.0 / call.args[0].shape[1])) < abs(
                spread - math.sqrt(1.0 / 12.0)
            ):
                hint = (
                    "These look like init_params' He weights: the init argument was ignored. "
                    + hint
                )
            raise CheckFailed(f"'{k}' in {what} differs from init's.", hint)


def _callback_stop(raised) -> bool:
    return (
        raised is not None
        and raised.type == "RuntimeError"
        and raised.message.startswith("stopped by the callback")
    )


_STOP_REPORT = re.compile(
    r"at step (?P<step>\S+): the history has (?P<records>\d+) records, "
    r"the last at iteration (?P<last>\S+)$"
)


def _stop_report(message: str) -> tuple[str, str, str] | None:
    """(step, records, last iteration) from a stopping callback's message."""
    found = _STOP_REPORT.search(message)
    return (found["step"], found["records"], found["last"]) if found else None


def _gd_stops(call) -> set[tuple[str, str, str]]:
    """Where a stopping callback may stop gradient_descent, for each numbering that
    test_gradient_descent_history_format accepts: records labelled i, i + 1 or one-based."""
    iterations = _kw(call, "iterations", 500)
    probe = call.kwargs["callback"].name
    stops = set()
    zero_based, one_based, shifted = _gd_schedules(iterations)
    for labels, made_at in ((zero_based, 0), (one_based, 1), (shifted, 1)):
        made = [(label - made_at, label) for label in labels]  # (iteration index, label)
        if probe == "stop_at_step_3":
            step, seen = 3, [label for index, label in made if index <= 3]
        elif len(made) >= 2:
            step, seen = made[1][0], [label for _, label in made[:2]]
        else:
            continue
        stops.add((str(step), str(len(seen)), str(seen[-1]) if seen else "None"))
    return stops


def _check_callback(fn, case: str, *, unit: str, stops: set | None = None) -> None:
    """The run on ``case`` must be stopped by its callback where the reference's was (or where
    ``stops`` allows)."""
    call = fn.call(case)
    probe = call.kwargs["callback"].name
    raised = fn.raised(case)
    want = fn.expected_raised(case)
    what = f"{fn.function} on the '{case}' case (callback={probe})"
    every = (
        f"Call callback({unit}, history) once after every {unit}, with {unit} counted from 0 "
        f"and the history dict itself, once the {unit}'s record and update are done."
    )
    if raised is not None and not _callback_stop(raised):
        fn.result(case)  # the function's own error (or NotImplementedError), reported as usual
    if raised is None:
        if probe == "stop_at_step_3":
            hint = (
                f"It was never called with {unit} 3: call it after every {unit}, not only when a "
                "record is added. " + every
            )
        else:
            hint = "The callback never saw a history with two records. " + every
        stop = "at step 3," if probe == "stop_at_step_3" else "once the history has two records,"
        raise CheckFailed(
            f"{what} ran to the end: its callback, which stops the run {stop} never did.", hint
        )
    allowed = {_stop_report(want.message)} | (stops or set())
    if _stop_report(raised.message) not in allowed:
        raise CheckFailed(
            f"{what}: the callback reported '{raised.message}'; expected '{want.message}'.",
            every,
        )


def test_gradient_descent_callback(outcome):
    """callback(i, history) is called after every iteration i, with the history so far."""
    fn = outcome("gradient_descent")
    for case in STOPPED:
        _check_callback(fn, case, unit="iteration", stops=_gd_stops(fn.call(case)))


# -- minibatch_sgd ------------------------------------------------------------------------------

SGD_RATE = 0.7
SGD_HIDDEN = 16
SGD_EPOCHS = 20
SGD_BATCH = 20


@cases_for("minibatch_sgd")
def minibatch_sgd_cases(rng, ref):
    train = dict(
        n_hidden=SGD_HIDDEN, learning_rate=SGD_RATE, epochs=SGD_EPOCHS, batch_size=SGD_BATCH
    )
    for _ in range(20):
        X, y, centers = _blobs(rng, 200, 12)
        X_sorted, y_sorted, _ = _blobs(rng, 200, 12, sort=True, centers=centers)
        X_dev, y_dev, _ = _blobs(rng, 30, 12, centers=centers)
        seed = int(rng.integers(0, 10_000))
        other = seed + 1 + int(rng.integers(0, 1000))
        cases = {
            "train": Call(X, y, **train, seed=seed),
            "sorted": Call(X_sorted, y_sorted, **train, seed=seed),
            "same_seed": Call(X.copy(), y.copy(), **train, seed=seed),
            "other_seed": Call(X.copy(), y.copy(), **train, seed=other),
            # Same seed and n_hidden as "train"; 70 rows make batches of 32, 32 and 6.
            "zero_learning_rate": Call(
                X[:70].copy(),
                y[:70].copy(),
                n_hidden=SGD_HIDDEN,
                learning_rate=0.0,
                epochs=3,
                batch_size=32,
                seed=seed,
            ),
            "with_dev": Call(X.copy(), y.copy(), **train, seed=other, X_dev=X_dev, y_dev=y_dev),
            "uneven_batches": Call(
                X[:100].copy(),
                y[:100].copy(),
                n_hidden=5,
                learning_rate=SGD_RATE,
                epochs=2,
                batch_size=64,
                seed=seed,
            ),
            "one_batch": Call(
                X[:40].copy(),
                y[:40].copy(),
                n_hidden=3,
                learning_rate=SGD_RATE,
                epochs=3,
                batch_size=100,
                seed=seed,
            ),
            # Same X shape, n_hidden and seed as "zero_learning_rate": the same start.
            "update_no_step": Call(
                X[:70].copy(),
                y[:70].copy(),
                n_hidden=SGD_HIDDEN,
                learning_rate=SGD_RATE,
                epochs=2,
                batch_size=32,
                seed=seed,
                update=Probe("no_step"),
            ),
            "augment_blank": Call(
                X[:70].copy(),
                y[:70].copy(),
                n_hidden=SGD_HIDDEN,
                learning_rate=SGD_RATE,
                epochs=2,
                batch_size=32,
                seed=seed,
                augment=Probe("blank_images"),
            ),
            "callback_each_step": Call(
                X[:70].copy(),
                y[:70].copy(),
                n_hidden=5,
                learning_rate=SGD_RATE,
                epochs=5,
                batch_size=32,
                seed=seed,
                callback=Probe("stop_at_step_3"),
            ),
            "callback_history": Call(
                X[:70].copy(),
                y[:70].copy(),
                n_hidden=5,
                learning_rate=SGD_RATE,
                epochs=3,
                batch_size=32,
                seed=seed,
                callback=Probe("stop_at_second_record"),
            ),
        }
        if _reference_learns(
            ref.minibatch_sgd, cases, ["train", "sorted", "other_seed", "with_dev"]
        ):
            break
    return cases


def test_minibatch_sgd_params_shapes(outcome):
    """the trained parameters have the right shapes and finite values."""
    fn = outcome("minibatch_sgd")
    for case in _finished(fn):
        _check_params_shapes(fn, case)


def test_minibatch_sgd_history_format(outcome):
    """the history has one record per epoch, in equal-length lists."""
    fn = outcome("minibatch_sgd")
    for case in _finished(fn):
        epochs = _kw(fn.call(case), "epochs", 10)
        history = _check_format(fn, case)
        n = len(history["iteration"])
        expect(
            n == epochs,
            f"minibatch_sgd's history on the '{case}' case has {n} records for epochs={epochs}; "
            "expected one per epoch.",
            "Record once per epoch, after its last batch (not once per batch).",
        )


def test_minibatch_sgd_batches(outcome):
    """every epoch makes one update per batch, the last smaller batch included."""
    fn = outcome("minibatch_sgd")
    for case in _finished(fn):
        call = fn.call(case)
        N = call.args[0].shape[0]
        epochs = _kw(call, "epochs", 10)
        batch_size = _kw(call, "batch_size", 64)
        history = _history(fn, case)
        got = [round(i) for i in history["iteration"]]
        per_epoch = math.ceil(N / batch_size)
        want = [per_epoch * e for e in range(1, epochs + 1)]
        if got == want:
            continue
        if got == [(N // batch_size) * e for e in range(1, epochs + 1)]:
            hint = (
                f"{N} rows in batches of {batch_size} make {per_epoch} batches: the last batch may be "
                "smaller; do not drop it (range(0, N, batch_size))."
            )
        elif got in ([e for e in range(1, epochs + 1)], [e for e in range(epochs)]):
            hint = (
                "'iteration' counts the updates (one per batch) done so far, not the epochs; "
                "and every batch of the epoch gets its own update."
            )
        elif got == [N * e for e in range(1, epochs + 1)]:
            hint = "'iteration' counts the updates (one per batch), not the examples seen."
        else:
            hint = (
                f"Each epoch: shuffle, then one update per consecutive slice of batch_size rows "
                f"({per_epoch} here), counting the updates as you go."
            )
        shown = got if len(got) <= 6 else got[:3] + ["..."] + got[-2:]
        raise CheckFailed(
            f"history['iteration'] on the '{case}' case (N={N}, batch_size={batch_size}, epochs={epochs}) "
            f"is {shown}; expected {want if len(want) <= 6 else want[:3] + ['...'] + want[-2:]} "
            f"({per_epoch} updates per epoch).",
            hint,
        )


def _sgd_learn_hint(fn):
    def hint(case):
        if case == "sorted":
            try:
                learned_unsorted = _history(fn, "train")["train_accuracy"][-1] >= 0.8
            except CheckFailed:
                learned_unsorted = False
            if learned_unsorted:
                return (
                    "The rows of this case are sorted by label and it learned on shuffled rows: shuffle "
                    "the rows with a fresh permutation at the start of every epoch."
                )
        return (
            "Shuffle X and y with the same permutation (X[order], y[order]) each epoch, and on every "
            "batch: forward, backward, params = update_params(params, grads, learning_rate)."
        )

    return hint


def test_minibatch_sgd_learns(outcome):
    """the loss goes down and the training accuracy gets high, even on rows sorted by label."""
    fn = outcome("minibatch_sgd")
    _check_learns(
        fn,
        ["train", "sorted", "same_seed", "other_seed"],
        min_accuracy=0.85,
        hint=_sgd_learn_hint(fn),
    )


def test_minibatch_sgd_dev_accuracy(outcome):
    """the dev accuracy is recorded and gets high when a dev set is given."""
    fn = outcome("minibatch_sgd")
    _check_dev(fn, "with_dev", min_accuracy=0.6)


def test_minibatch_sgd_uses_learning_rate(outcome):
    """learning_rate is used: with 0 nothing changes."""
    fn = outcome("minibatch_sgd")
    _check_learning_rate(fn, "zero_learning_rate", "train")


@requires("test_minibatch_sgd_learns")
def test_minibatch_sgd_seed(outcome):
    """the same seed gives the same run, another seed another start."""
    fn = outcome("minibatch_sgd")
    _check_seed(fn, "train", "same_seed", "other_seed")


@requires("test_minibatch_sgd_learns")
def test_minibatch_sgd_leaves_inputs_unchanged(outcome):
    """minibatch_sgd leaves X and y unchanged (it shuffles copies)."""
    fn = outcome("minibatch_sgd")
    _check_inputs_unchanged(
        fn,
        "Shuffle a copy: index with a permutation (X[order], y[order]) instead of "
        "rng.shuffle(X), which shuffles the caller's array in place.",
    )


def _left_at_start(fn, case: str, names, what: str, hint: str) -> None:
    """The params of ``case`` must be exactly where training started: where the
    'zero_learning_rate' case (same X shape, n_hidden and seed, learning rate 0) left them."""
    got, _ = _result_pair(fn, case)
    start, _ = _result_pair(fn, "zero_learning_rate")
    got = expect_dict(got, PARAM_NAMES, what, hint=hint)
    start = expect_dict(start, PARAM_NAMES, "the params of the 'zero_learning_rate' case")
    for k in names:
        value = expect_ndarray(got[k], f"'{k}' in {what}")
        expect_shape(value, np.shape(start[k]), f"'{k}' in {what}")
        expect(
            np.array_equal(value, start[k]),
            f"'{k}' in {what} changed during training (it should equal the start, which the "
            "'zero_learning_rate' case returns).",
            hint,
        )


def test_minibatch_sgd_update_rule(outcome):
    """every step is taken with the update function when one is given."""
    fn = outcome("minibatch_sgd")
    _left_at_start(
        fn,
        "update_no_step",
        PARAM_NAMES,
        "the params minibatch_sgd returns on the 'update_no_step' case (update=no_step, a rule "
        "that never moves the parameters: they should be exactly where they started)",
        "When update is given, take every step with params = update(params, grads, "
        "learning_rate) instead of update_params; update=None means update_params.",
    )


def test_minibatch_sgd_augment(outcome):
    """each batch's images go through augment before the forward pass when it is given."""
    fn = outcome("minibatch_sgd")
    _left_at_start(
        fn,
        "augment_blank",
        ("W1",),
        "the params minibatch_sgd returns on the 'augment_blank' case (augment=blank_images, "
        "which blanks every image: no gradient can reach W1, so it should stay at its start)",
        "When augment is given, apply it to every batch's images before the forward pass, "
        "X_batch = augment(X_batch); augment=None leaves them as they are.",
    )


def test_minibatch_sgd_callback(outcome):
    """callback(epoch, history) is called after every epoch, with the history so far."""
    fn = outcome("minibatch_sgd")
    for case in STOPPED:
        _check_callback(fn, case, unit="epoch")
