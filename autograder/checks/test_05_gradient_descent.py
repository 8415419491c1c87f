"""Checks for lesson 05: update_params, gradient_descent, minibatch_sgd.

Contract
--------
Every promise of the docstrings and the lesson, and the check that holds the function to it.

update_params(params, grads, learning_rate) -> new_params
  - a dict with exactly the keys "W1", "b1", "W2", "b2" ................ test_update_params_values
  - each params[k] - learning_rate * grads["d" + k], with its shape, the gradient
    found by name (grads come layer 2 first), for rates 0.1, 0.5, 2 and 0 (0 leaves
    every parameter where it is), float32 and float64, one hidden unit, large values
    ......................................................................... test_update_params_values
  - neither input dict, nor any array in them, is modified ... test_update_params_leaves_inputs_unchanged

gradient_descent(X, y, n_hidden, learning_rate, iterations, seed, X_dev, y_dev, init, callback)
  - returns (params, history); params "W1" (n_in, H), "b1" (H,), "W2" (H, 10), "b2" (10,),
    finite, H = n_hidden ............................... test_gradient_descent_params_shapes
  - history: a dict of equal-length lists "iteration", "loss", "train_accuracy", and
    "dev_accuracy" exactly when a dev set is given; records at iterations 0, 10, 20, ...
    and the last (iterations - 1), numbered from 0; accuracies are fractions of the
    examples ...................................... test_gradient_descent_history_format
  - every record, the first included, holds the loss on X, the accuracy on X and the
    accuracy on X_dev of the parameters before that iteration's update: compared value
    for value with the reference's on runs from a given start (init=uniform_init), float64,
    2, 12 and 22 iterations, dev sets of 13 and 45 rows  test_gradient_descent_history_values
  - the trained params are the start after `iterations` full-batch steps
    params - learning_rate * grad (same runs) ........ test_gradient_descent_trained_params
  - from init_params (init=None) the loss goes down and the accuracy gets high
    ............................................................ test_gradient_descent_learns
  - the dev accuracy gets high when a dev set is given ...... test_gradient_descent_dev_accuracy
  - learning_rate 0 leaves the parameters at the start, another rate moves every one
    ............................................... test_gradient_descent_uses_learning_rate
  - the same seed gives the same run, another seed another start .. test_gradient_descent_seed
  - X, y, X_dev and y_dev are not modified .... test_gradient_descent_leaves_inputs_unchanged
  - init(X.shape[1], n_hidden, 10, seed) is where training starts ... test_gradient_descent_uses_init
  - callback(i, history) after every iteration i = 0, 1, ..., once its record is in the
    history: stopped at step 0, at step 3 (not a record) and at the second record
    ......................................................... test_gradient_descent_callback
  - X and y alone train with the signature's defaults (n_hidden=10, learning_rate=0.5,
    iterations=500, seed=0), as the lesson calls it ......... test_gradient_descent_defaults
  Not graded: a call with only one of X_dev and y_dev (the lesson never makes one), and whether
  the callback comes before or after the update within an iteration (it sees only i and the
  history, which are the same either way).

minibatch_sgd(X, y, n_hidden, learning_rate, epochs, batch_size, seed, X_dev, y_dev, update,
              augment, callback)
  - returns (params, history) with the shapes above ....... test_minibatch_sgd_params_shapes
  - history: one record per epoch, equal-length lists, dev_accuracy exactly when a dev
    set is given, accuracies fractions ........................ test_minibatch_sgd_history_format
  - "iteration" counts the updates so far: ceil(N / batch_size) per epoch, the last,
    smaller batch included (a last batch of one row too) ........ test_minibatch_sgd_batches
  - each record, the first included, holds the loss on all of X, the accuracy on X and on
    X_dev of the parameters after the epoch's last update: compared value for value with
    the reference's on a run whose update rule walks a fixed path (update=scheduled_step),
    which also ends at the point its number of updates reaches . test_minibatch_sgd_history_values
  - the loss goes down and the accuracy gets high, on rows sorted by label too
    ............................................................. test_minibatch_sgd_learns
  - every epoch visits every row once, in a new random order, and each update gets its
    batch's gradient (seen through update=record_batch_labels) ..... test_minibatch_sgd_shuffles
  - the dev accuracy gets high ............................ test_minibatch_sgd_dev_accuracy
  - learning_rate 0 leaves the parameters at the start ...... test_minibatch_sgd_uses_learning_rate
  - the same seed gives the same run, another seed another start ..... test_minibatch_sgd_seed
  - X, y, X_dev and y_dev are not modified ........ test_minibatch_sgd_leaves_inputs_unchanged
  - every step is update(params, grads, learning_rate) when update is given
    (update=no_step on two runs of other rows: both stay at the start) . test_minibatch_sgd_update_rule
  - augment(X_batch) is applied to every batch's images, and those images are the ones
    the forward and backward passes see (augment=constant_batches: every row of W1 then
    moves the same way) ......................................... test_minibatch_sgd_augment
  - callback(epoch, history) after every epoch, once its record is in the history: stopped
    at epoch 0, at epoch 3 and at the second record ............. test_minibatch_sgd_callback
  - X and y alone train with the signature's defaults (n_hidden=10, learning_rate=0.1,
    epochs=10, batch_size=64, seed=0), seen through update=no_step (the start) and
    update=scheduled_step (the rate and the number of updates) ... test_minibatch_sgd_defaults
  - the seed reaches the initialisation: two seeds, two starts (update=no_step)
    ...................................................... test_minibatch_sgd_starts_from_its_seed
  Not graded: which generator draws the initialisation and the shuffles (any seeded draw is
  right), and the dtype the loop computes in.

When grading, the training functions get the reference init_params, forward, backward,
update_params and cross_entropy. Their optional arguments are functions from
``autograder.sandbox.probes`` whose effect is exact whatever the random draws (see there).
A hint names a mistake (``Mistake.id``) only when the output is what that mistake computes.
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
    expect,
    expect_close,
    expect_dict,
    expect_each,
    expect_ndarray,
    expect_shape,
    expect_unchanged,
    failure,
    network_loss,
    requires,
)
from autograder.checks.common_mistakes import returns_none
from autograder.checks.factors import constant_factor, how_far
from autograder.checks.training_runs import (
    FIRST_RECORD_RTOL,
    LOSS_RTOL,
    N_CLASSES,
    PARAM_NAMES,
    PARAMS_NORM_RTOL,
    blobs,
    check_callbacks,
    check_dev,
    check_format,
    check_inputs_unchanged,
    check_learning_rate,
    check_learns,
    check_params_shapes,
    check_seed,
    compare_params,
    differing_params,
    finished,
    history_of,
    history_readings,
    n_hidden_of,
    one_step_late,
    reference_learns,
    result_pair,
    setting,
)
from autograder.sandbox import probes

# -- update_params ----------------------------------------------------------------------------


def _params_and_grads(rng, n_in, n_hidden, dtype, scale=1.0):
    params = {
        "W1": rng.normal(0.0, 0.5, size=(n_in, n_hidden)),
        "b1": rng.normal(0.0, 0.1, size=n_hidden),
        "W2": rng.normal(0.0, 0.5, size=(n_hidden, N_CLASSES)),
        "b2": rng.normal(0.0, 0.1, size=N_CLASSES),
    }
    # In the order backward computes them (layer 2 first): pairing by position goes wrong.
    grads = {f"d{k}": rng.normal(0.0, 1.0, size=params[k].shape) for k in ("W2", "b2", "W1", "b1")}
    cast = lambda d: {k: (scale * v).astype(dtype) for k, v in d.items()}
    return cast(params), cast(grads)


@cases_for("update_params")
def update_params_cases(rng, ref):
    params, grads = _params_and_grads(rng, 5, 4, np.float32)
    params64, grads64 = _params_and_grads(rng, 3, 6, np.float64)
    params_small, grads_small = _params_and_grads(rng, 2, 3, np.float64)
    params_zero, grads_zero = _params_and_grads(rng, 4, 3, np.float32)
    params_one, grads_one = _params_and_grads(rng, 6, 1, np.float64)
    params_large, grads_large = _params_and_grads(rng, 3, 2, np.float64, scale=1e4)
    return {
        "random": Call(params, grads, 0.1),
        "float64": Call(params64, grads64, learning_rate=0.5),
        "large_rate": Call(params_small, grads_small, 2.0),
        "zero_rate": Call(params_zero, grads_zero, 0.0),
        "one_hidden_unit": Call(params_one, grads_one, 0.3),
        "large_values": Call(params_large, grads_large, 0.25),
    }


def _rate(call: Call) -> float:
    return call.args[2] if len(call.args) > 2 else call.kwargs["learning_rate"]


_SHAPES = re.compile(r"\(([\d, ]*)\)")


def _update_error(fn, case: str) -> None:
    """An exception of update_params, with the mistake named when the exception is what it
    raises: a gradient looked up under its parameter's name, or paired with another
    parameter (its shape in the message)."""
    raised = fn.raised(case)
    if raised is None:
        return
    call = fn.call(case)
    params, grads = call.args[0], call.args[1]
    message = f"`update_params` raised {raised.type}: {raised.message} (on the '{case}' case)."
    if raised.type == "KeyError" and raised.message.strip("'\"") in PARAM_NAMES:
        raise CheckFailed(
            message,
            "grads holds the keys 'dW1', 'db1', 'dW2', 'db2' (a 'd' before each parameter's "
            "name): look the gradient of params[k] up as grads['d' + k].",
            mistake="update_params.gradient_key_without_d",
        )
    if raised.type == "KeyError" and raised.message.strip("'\"") in grads:
        raise CheckFailed(
            message,
            "params has no key like 'dW1': go over the parameters' names ('W1', 'b1', 'W2', "
            "'b2', or params' keys) and look each gradient up as grads['d' + k].",
            mistake="update_params.loops_over_gradient_names",
        )
    shapes = [
        tuple(int(n) for n in s.replace(" ", "").split(",") if n)
        for s in _SHAPES.findall(raised.message)
    ]
    mixed = {
        (params[a].shape, grads["d" + b].shape)
        for a in PARAM_NAMES
        for b in PARAM_NAMES
        if a != b and params[a].shape != grads["d" + b].shape
    }
    pair = tuple(shapes[:2])
    if raised.type == "ValueError" and len(pair) == 2 and (pair in mixed or pair[::-1] in mixed):
        raise CheckFailed(
            message,
            "A parameter was paired with another parameter's gradient (the shapes in the "
            "message): pair them by name, grads['d' + k], not by the dicts' order (backward "
            "lists dW2 before dW1).",
            mistake="update_params.paired_by_position",
        )


def _update_mistakes(params: dict, grads: dict, rate: float, k: str, got) -> list[Mistake]:
    """What the new params[k] is under the usual mistakes of the step."""
    g = grads["d" + k]
    others = [o for o in PARAM_NAMES if o != k and grads["d" + o].shape == g.shape]
    mistakes = [
        Mistake(
            f"'{k}' did not change: update every parameter, the biases b1 and b2 too.",
            params[k],
            id="update_params.parameter_not_updated",
        ),
        Mistake(
            "The step goes along the gradient; step against the gradient: params[k] - "
            "learning_rate * grad, with a minus.",
            params[k] + rate * g,
            id="update_params.wrong_sign",
        ),
        Mistake(
            "The step is the gradient itself: multiply the gradient by learning_rate before "
            "subtracting it.",
            params[k] - g,
            id="update_params.no_learning_rate",
        ),
        Mistake(
            "The step is learning_rate alone: subtract learning_rate times the gradient, "
            "params[k] - learning_rate * grads['d' + k].",
            params[k] - rate,
            id="update_params.gradient_missing",
        ),
        *[
            Mistake(
                f"'{k}' moved with the gradient of '{o}': use grads['d{k}'].",
                params[k] - rate * grads["d" + o],
                id="update_params.paired_by_position",
            )
            for o in others
        ],
    ]
    try:
        step = params[k].astype(np.float64) - np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return mistakes
    c = constant_factor(step, rate * g.astype(np.float64)) if rate else None
    if c is not None:
        mistakes.append(
            Mistake(
                f"'{k}' moved {how_far(c)} a step: the step is learning_rate times the "
                "gradient, with no other factor.",
                matches=lambda _: True,
                id="update_params.step_scale",
            )
        )
    return mistakes


def test_update_params_values(outcome):
    """Every parameter moves by learning_rate times its own gradient, against it."""
    fn = outcome("update_params")
    readings = []
    for case in fn.cases:
        call = fn.call(case)
        params, grads, rate = call.args[0], call.args[1], _rate(call)
        _update_error(fn, case)
        what = f"update_params(...) on the '{case}' case"
        result = fn.result(case)
        expect(
            result is not None,
            f"{what} should be a dict with keys {list(PARAM_NAMES)}; got None.",
            mistake=returns_none("update_params"),
        )
        got = expect_dict(
            result,
            PARAM_NAMES,
            what,
            hint="Return a new dict with the keys 'W1', 'b1', 'W2', 'b2'.",
        )
        extra = sorted(str(k) for k in got if k not in PARAM_NAMES)
        expect(
            not extra,
            f"{what} has keys {extra} besides 'W1', 'b1', 'W2', 'b2'.",
            "Return the four parameters only: the next step's loop goes over its keys.",
        )
        want = fn.expected(case)
        for k in PARAM_NAMES:
            readings.append(
                (
                    lambda got=got[k], want=want[k], what=(f"the new '{k}' on the '{case}' case (learning_rate={rate:g})"): (
                        expect_close(got, want, what, rtol=1e-5, atol=1e-6)
                    ),
                    got[k],
                    _update_mistakes(params, grads, rate, k, got[k]),
                )
            )
    expect_each(readings)


@requires("test_update_params_values")
def test_update_params_leaves_inputs_unchanged(outcome):
    """update_params returns new arrays and leaves params and grads unchanged."""
    fn = outcome("update_params")
    for case in fn.cases:
        call = fn.call(case)
        new = fn.result(case)
        after = fn.args_after(case)
        hint = (
            "Build a new dict: {k: params[k] - ... for k in params} creates new arrays; "
            "params[k] -= ... changes the caller's arrays and params[k] = ... changes the caller's dict."
        )
        caller_holds_new = (
            isinstance(after[0], dict)
            and isinstance(new, dict)
            and all(
                k in after[0]
                and k in new
                and np.shape(after[0][k]) == np.shape(new[k])
                and np.allclose(after[0][k], new[k])
                for k in PARAM_NAMES
            )
        )
        try:
            expect_unchanged(call.args[0], after[0], "params", hint=hint)
        except CheckFailed as failed:
            if caller_holds_new:
                raise CheckFailed(
                    failed.message + " The caller's params now hold the updated values.",
                    mistake=Mistake(hint, id="update_params.modifies_params"),
                ) from None
            raise
        expect_unchanged(
            call.args[1], after[1], "grads", hint="Only read the gradients; do not modify grads."
        )


# -- gradient_descent ---------------------------------------------------------------------------

GD_RATE = 0.6
GD_ITERATIONS = 100


def _pinned(rng, n, n_in, n_hidden, iterations, seed, *, rate=0.5, dev=0):
    """A run from a given start (uniform_init) on float64 inputs: no random draw decides it, so
    it is compared with the reference's value for value."""
    X, y, centers = blobs(rng, n, n_in)
    kwargs = {}
    if dev:
        X_dev, y_dev, _ = blobs(rng, dev, n_in, centers=centers)
        kwargs = {"X_dev": X_dev.astype(np.float64), "y_dev": y_dev}
    return Call(
        X.astype(np.float64),
        y,
        n_hidden=n_hidden,
        learning_rate=rate,
        iterations=iterations,
        seed=seed,
        init=Probe("uniform_init"),
        **kwargs,
    )


#: Cases that start from init=uniform_init and are compared with the reference value for value:
#: their histories (each has two records one update apart, so a record taken after the update
#: shows), and their trained params (one_iteration too).
PINNED_HISTORY = ("pinned_dev", "pinned_22", "two_iterations")
PINNED = (*PINNED_HISTORY, "one_iteration")


@cases_for("gradient_descent")
def gradient_descent_cases(rng, ref):
    for _ in range(20):
        X, y, centers = blobs(rng, 200, 12)
        X_dev, y_dev, _ = blobs(rng, 30, 12, centers=centers)
        seed = int(rng.integers(0, 10_000))
        other = seed + 1 + int(rng.integers(0, 1000))
        cases = {
            **_gd_run_cases(X, y, (X_dev, y_dev), seed, other),
            **_gd_pinned_cases(rng, seed, other),
            **_gd_start_and_callback_cases(X, y, seed),
        }
        if reference_learns(ref.gradient_descent, cases, ["train", "with_dev"]):
            break
    return cases


def _gd_run_cases(X, y, dev: tuple, seed: int, other: int) -> dict[str, Call]:
    """Whole runs, the defaults, the seed's short runs, a rate of 0 and a dev set."""
    X_dev, y_dev = dev
    train = dict(n_hidden=10, learning_rate=GD_RATE, iterations=GD_ITERATIONS)
    short = dict(n_hidden=10, learning_rate=GD_RATE, iterations=15)
    return {
        "train": Call(X, y, **train, seed=seed),
        # X and y alone, as the lesson calls it (the start fixed by init): the signature's
        # defaults decide the rest.
        "defaults": Call(X[:40].copy(), y[:40].copy(), init=Probe("uniform_init")),
        # Short runs for the seed: the same seed twice, and another one.
        "seed_first": Call(X[:50].copy(), y[:50].copy(), **short, seed=seed),
        "seed_again": Call(X[:50].copy(), y[:50].copy(), **short, seed=seed),
        "seed_other": Call(X[:50].copy(), y[:50].copy(), **short, seed=other),
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
    }


def _gd_pinned_cases(rng, seed: int, other: int) -> dict[str, Call]:
    """Runs whose history is compared value by value, from a given start."""
    return {
        # Records at 0, 10 and 11 (two in a row: a record taken after the update shows),
        # on a dev set of 13 rows.
        "pinned_dev": _pinned(rng, 120, 12, 6, 12, seed, dev=13),
        "pinned_22": _pinned(rng, 80, 9, 5, 22, other, rate=0.4),
        "two_iterations": _pinned(rng, 60, 7, 4, 2, other, rate=GD_RATE, dev=45),
        "one_iteration": _pinned(rng, 50, 12, 3, 1, seed, rate=GD_RATE),
    }


def _gd_start_and_callback_cases(X, y, seed: int) -> dict[str, Call]:
    """A start given by init, and callbacks that stop the run."""
    return {
        # With learning rate 0 the run ends where init started it.
        # The same X, n_hidden and seed as "zero_learning_rate": init=None starts there.
        "uniform_init": Call(
            X[:50].copy(),
            y[:50].copy(),
            n_hidden=10,
            learning_rate=0.0,
            iterations=2,
            seed=seed,
            init=Probe("uniform_init"),
        ),
        "callback_first_step": Call(
            X[:50].copy(),
            y[:50].copy(),
            n_hidden=4,
            learning_rate=GD_RATE,
            iterations=6,
            seed=seed,
            callback=Probe("stop_at_step_0"),
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


def shown(values: list) -> list:
    """A long list as its first and last items."""
    return values if len(values) <= 8 else values[:4] + ["..."] + values[-2:]


def _gd_schedule(iterations: int) -> list[int]:
    """The iterations the history records: 0, 10, 20, ... and the last."""
    return [i for i in range(iterations) if i % 10 == 0 or i == iterations - 1]


def _schedule_mistakes(iterations: int) -> list[Mistake]:
    """What history['iteration'] holds under the usual mistakes of the record schedule."""
    right = _gd_schedule(iterations)
    tens = [i for i in range(iterations) if i % 10 == 0]
    return [
        Mistake(
            "Record every 10 iterations (i % 10 == 0) and at the last one, not every iteration.",
            matches=lambda got: got == list(range(iterations)) and got != right,
            id="gradient_descent.records_every_iteration",
        ),
        Mistake(
            f"That is iterations + 1 steps: run exactly `iterations` steps; for i in "
            f"range(iterations) counts 0 to {iterations - 1}, and the last record is at "
            "i == iterations - 1.",
            matches=lambda got: got == _gd_schedule(iterations + 1),
            id="gradient_descent.extra_iteration",
        ),
        Mistake(
            "The records are numbered from 1 and taken after 9, 19, ... steps: the first record "
            "is at iteration 0, before any update (the untrained network), then every 10th "
            "iteration, i % 10 == 0, numbered from 0.",
            matches=lambda got: (
                got == [i for i in range(1, iterations + 1) if i % 10 == 0 or i == iterations]
            ),
            id="gradient_descent.records_from_one",
        ),
        Mistake(
            "The records are taken at the right iterations but numbered from 1: "
            "history['iteration'] holds i, counted from 0.",
            matches=lambda got: got == [i + 1 for i in right],
            id="gradient_descent.iteration_numbered_from_one",
        ),
        Mistake(
            "The last iteration has no record: record when i % 10 == 0 or i == iterations - 1.",
            matches=lambda got: got == tens and tens != right,
            id="gradient_descent.no_last_record",
        ),
    ]


def test_gradient_descent_params_shapes(outcome):
    """The trained parameters have the right shapes and finite values."""
    fn = outcome("gradient_descent")
    for case in finished(fn):
        check_params_shapes(fn, case)


def test_gradient_descent_history_format(outcome):
    """The history is a dict of equal-length lists, recorded at iteration 0, every 10th and the last."""
    fn = outcome("gradient_descent")
    readings = []
    for case in finished(fn):
        iterations = setting(fn.call(case), "iterations", 500)
        history = check_format(fn, case)
        got = [round(i) for i in history["iteration"]]
        want = _gd_schedule(iterations)
        readings.append(
            (
                lambda got=got, want=want, case=case, iterations=iterations: expect(
                    got == want,
                    f"history['iteration'] on the '{case}' case (iterations={iterations}) is "
                    f"{shown(got)}; expected {shown(want)}.",
                    "Record when i % 10 == 0 and when i == iterations - 1, with i counted from 0.",
                ),
                got,
                _schedule_mistakes(iterations),
            )
        )
    expect_each(readings)


def _gd_mistakes(fn, case: str) -> dict[str, list[Mistake]]:
    """What the history's lists hold under the usual mistakes, on a run from a known start."""
    call = fn.call(case)
    X, y = call.args[0], call.args[1]
    n_hidden = n_hidden_of(call)
    _, want_history = fn.expected(case)
    want = {k: np.asarray(v, dtype=np.float64) for k, v in want_history.items()}
    labels = [round(i) for i in want_history["iteration"]]
    start = probes.uniform_init(X.shape[1], n_hidden, N_CLASSES, setting(call, "seed", 0))
    late = (
        "Each record holds the values after that iteration's update: record before the "
        "update, from the forward pass that the update's gradient comes from, so that the "
        "first record is the untrained network."
    )
    sizes = {"train_accuracy": len(y)}
    if "X_dev" in call.kwargs:
        sizes["dev_accuracy"] = len(call.kwargs["y_dev"])
    mistakes = {
        "loss": [
            Mistake(
                "Those are the loss summed over the examples: cross_entropy averages over them.",
                len(y) * want["loss"],
                id="gradient_descent.loss_summed",
            ),
            one_step_late(
                "gradient_descent",
                labels,
                want["loss"],
                lambda j: LOSS_RTOL * abs(want["loss"][j + 1]),
                late,
            ),
        ],
        **{
            key: [
                one_step_late("gradient_descent", labels, want[key], lambda j, n=n: 1.5 / n, late)
            ]
            for key, n in sizes.items()
        },
    }
    if "X_dev" in call.kwargs:
        dev_loss = network_loss(call.kwargs["X_dev"], call.kwargs["y_dev"], start)
        mistakes["loss"].append(
            Mistake(
                "The first record holds the loss on the dev set: history['loss'] is the loss on "
                "the training set (X, y).",
                matches=lambda got: bool(np.isclose(got[0], dev_loss, rtol=1e-6)),
                id="gradient_descent.loss_of_dev_set",
            )
        )
    return mistakes


def _first_record_tolerance(j: int, want: float) -> float:
    return (FIRST_RECORD_RTOL if j == 0 else LOSS_RTOL) * abs(want)


@requires("test_gradient_descent_history_format")
def test_gradient_descent_history_values(outcome):
    """Every record, the first included, holds the loss and accuracies of the parameters before that iteration's update."""
    fn = outcome("gradient_descent")
    readings = []
    for case in PINNED_HISTORY:
        readings += history_readings(
            fn,
            case,
            loss_tolerance=_first_record_tolerance,
            mistakes=_gd_mistakes(fn, case),
            hint="Each iteration i: one forward pass on all of X with the current params; when "
            "i is recorded, its loss, its accuracy on X (and the accuracy on X_dev) go in "
            "the history; then backward and the update.",
        )
    expect_each(readings)


def test_gradient_descent_trained_params(outcome):
    """The trained parameters are the start after `iterations` full-batch steps against the gradient."""
    fn = outcome("gradient_descent")
    for case in PINNED:
        compare_params(
            fn,
            case,
            rtol=PARAMS_NORM_RTOL,
            hint="Start from init(X.shape[1], n_hidden, 10, seed), then exactly `iterations` "
            "times: forward on all of X, backward, params = update_params(params, grads, "
            "learning_rate); return the params after the last update.",
        )


def test_gradient_descent_learns(outcome):
    """The loss goes down and the training accuracy gets high on an easy problem."""
    fn = outcome("gradient_descent")
    check_learns(
        fn,
        ["train", "with_dev"],
        min_accuracy=0.6,
        hint=lambda case: (
            "Each iteration: forward on all of X, backward, then params = "
            "update_params(params, grads, learning_rate), stepping against the gradient."
        ),
    )


def test_gradient_descent_dev_accuracy(outcome):
    """The dev accuracy is recorded and gets high when a dev set is given."""
    fn = outcome("gradient_descent")
    check_dev(fn, "with_dev", min_accuracy=0.6)


def test_gradient_descent_uses_learning_rate(outcome):
    """learning_rate is used: with 0 nothing changes."""
    fn = outcome("gradient_descent")
    check_learning_rate(fn, "zero_learning_rate", "train")


@requires("test_gradient_descent_learns")
def test_gradient_descent_seed(outcome):
    """The same seed gives the same run, another seed another start."""
    fn = outcome("gradient_descent")
    check_seed(fn, "seed_first", "seed_again", "seed_other")


@requires("test_gradient_descent_learns")
def test_gradient_descent_leaves_inputs_unchanged(outcome):
    """gradient_descent leaves X, y, X_dev and y_dev unchanged."""
    fn = outcome("gradient_descent")
    check_inputs_unchanged(
        fn, "Training only reads X and y: do not normalise, shuffle or overwrite them in place."
    )


def test_gradient_descent_uses_init(outcome):
    """Training starts from init(X.shape[1], n_hidden, 10, seed) when an init function is given."""
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
    got, _ = result_pair(fn, case)
    want, _ = fn.expected(case)
    got = expect_dict(got, PARAM_NAMES, what, hint=hint)
    # The 'zero_learning_rate' case: the same X, n_hidden and seed, init=None, learning rate 0.
    default, _ = result_pair(fn, "zero_learning_rate")
    n_in, n_hidden, seed = call.args[0].shape[1], n_hidden_of(call), setting(call, "seed", 0)
    for k in PARAM_NAMES:
        value = expect_ndarray(got[k], f"'{k}' in {what}")
        expect_shape(value, np.shape(want[k]), f"'{k}' in {what}", hint=hint)
        if not np.array_equal(value, want[k]):
            ignored = isinstance(default, dict) and not differing_params(got, default)
            raise CheckFailed(
                f"'{k}' in {what} differs from init's (n_in={n_in}, n_hidden={n_hidden}, "
                f"seed={seed}).",
                mistake=Mistake(
                    "These are the params training starts from without init (the "
                    "'zero_learning_rate' case returns the same): the init argument was "
                    "ignored. " + hint,
                    id="gradient_descent.ignores_init",
                )
                if ignored
                else None,
                hint=None if ignored else hint,
            )


@requires("test_gradient_descent_history_format")
def test_gradient_descent_callback(outcome):
    """callback(i, history) is called after every iteration i, with the history so far."""
    fn = outcome("gradient_descent")
    check_callbacks(fn, unit="iteration")


GD_DEFAULTS = "n_hidden=10, learning_rate=0.5, iterations=500, seed=0"


@requires("test_gradient_descent_history_format")
def test_gradient_descent_defaults(outcome):
    """Called with X and y alone, it trains with the lesson's defaults (n_hidden=10,
    learning_rate=0.5, iterations=500, seed=0), as lesson 05 calls it."""
    fn = outcome("gradient_descent")
    case = "defaults"
    hint = f"Keep the signature's defaults, {GD_DEFAULTS}: the lesson calls it without them."
    got = [round(i) for i in history_of(fn, case)["iteration"]]
    want = _gd_schedule(500)
    expect(
        got == want,
        f"history['iteration'] on the '{case}' case (X and y only) is {shown(got)}; expected "
        f"{shown(want)}, the records of 500 iterations.",
        hint,
    )
    compare_params(fn, case, rtol=1e-4, hint=hint)


# -- minibatch_sgd ------------------------------------------------------------------------------

SGD_RATE = 0.7
SGD_HIDDEN = 16
SGD_EPOCHS = 12
SGD_BATCH = 40
#: The 'shuffles' case: 40 rows, four of each class, in batches of 8, for 3 epochs. Two random
#: orders give the same labels batch for batch with a probability near 3e-14.
SHUFFLE_ROWS, SHUFFLE_BATCH, SHUFFLE_EPOCHS = 40, 8, 3


@cases_for("minibatch_sgd")
def minibatch_sgd_cases(rng, ref):
    for _ in range(20):
        X, y, centers = blobs(rng, 200, 12)
        X_sorted, y_sorted, _ = blobs(rng, 200, 12, sort=True, centers=centers)
        X_dev, y_dev, _ = blobs(rng, 30, 12, centers=centers)
        seed = int(rng.integers(0, 10_000))
        other = seed + 1 + int(rng.integers(0, 1000))
        X_shuffle, y_shuffle, _ = blobs(rng, SHUFFLE_ROWS, 12, centers=centers)
        cases = {
            **_sgd_run_cases((X, y), (X_sorted, y_sorted), (X_dev, y_dev), seed, other),
            **_sgd_batch_cases((X, y), (X_dev, y_dev), (X_shuffle, y_shuffle), seed, other),
            **_sgd_probe_cases(X, y, seed),
        }
        if reference_learns(ref.minibatch_sgd, cases, ["train", "sorted", "with_dev"]):
            break
    return cases


def _sgd_run_cases(
    data: tuple, sorted_data: tuple, dev: tuple, seed: int, other: int
) -> dict[str, Call]:
    """Whole runs (sorted rows too), the defaults, the seed's runs, a rate of 0, a dev set."""
    (X, y), (X_sorted, y_sorted), (X_dev, y_dev) = data, sorted_data, dev
    train = dict(
        n_hidden=SGD_HIDDEN, learning_rate=SGD_RATE, epochs=SGD_EPOCHS, batch_size=SGD_BATCH
    )
    short = dict(n_hidden=SGD_HIDDEN, learning_rate=SGD_RATE, epochs=2, batch_size=32)
    return {
        "train": Call(X, y, **train, seed=seed),
        "sorted": Call(X_sorted, y_sorted, **train, seed=seed),
        # X and y alone, as the lessons call it: the defaults seen through update rules
        # whose effect is exact. 128 rows make 2 batches of 64 per epoch (3 of 63, 2 of
        # 65); with scheduled_step the last point tells the learning rate and the number
        # of updates, and 129 rows make 3 batches of 64 (2 of 65).
        "defaults_start": Call(X[:128].copy(), y[:128].copy(), update=Probe("no_step")),
        "defaults_path": Call(X[:129].copy(), y[:129].copy(), update=Probe("scheduled_step")),
        # Two seeds, update=no_step: each run ends where its initialisation started it.
        "start_seed": Call(
            X[:30].copy(), y[:30].copy(), seed=seed, epochs=1, update=Probe("no_step")
        ),
        "start_other_seed": Call(
            X[:30].copy(), y[:30].copy(), seed=other, epochs=1, update=Probe("no_step")
        ),
        # Short runs for the seed: the same seed twice, and another one.
        "seed_first": Call(X[:70].copy(), y[:70].copy(), **short, seed=seed),
        "seed_again": Call(X[:70].copy(), y[:70].copy(), **short, seed=seed),
        "seed_other": Call(X[:70].copy(), y[:70].copy(), **short, seed=other),
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
    }


def _sgd_batch_cases(
    data: tuple, dev: tuple, shuffle: tuple, seed: int, other: int
) -> dict[str, Call]:
    """How the rows are cut into batches and shuffled: an uneven last batch, one batch, a
    fixed path, the batches' labels recorded."""
    (X, y), (X_dev, y_dev), (X_shuffle, y_shuffle) = data, dev, shuffle
    return {
        # 65 rows in batches of 32: the last batch holds one row.
        "uneven_batches": Call(
            X[:65].copy(),
            y[:65].copy(),
            n_hidden=5,
            learning_rate=SGD_RATE,
            epochs=2,
            batch_size=32,
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
        # The params walk a fixed path (60 rows: batches of 16, 16, 16 and 12), so every
        # record is known exactly; float64 inputs, a dev set of 11 rows.
        "scheduled": Call(
            X[:60].astype(np.float64),
            y[:60].copy(),
            n_hidden=5,
            learning_rate=SGD_RATE,
            epochs=3,
            batch_size=16,
            seed=seed,
            X_dev=X_dev[:11].astype(np.float64),
            y_dev=y_dev[:11].copy(),
            update=Probe("scheduled_step"),
        ),
        # From the second update on, each update sees its batch's labels in db2, and
        # record_batch_labels keeps them in W2 (16 rows for 15 batches).
        "shuffles": Call(
            X_shuffle.astype(np.float64),
            y_shuffle,
            n_hidden=16,
            learning_rate=SGD_RATE,
            epochs=SHUFFLE_EPOCHS,
            batch_size=SHUFFLE_BATCH,
            seed=other,
            update=Probe("record_batch_labels"),
        ),
    }


def _sgd_probe_cases(X, y, seed: int) -> dict[str, Call]:
    """An update rule that never moves, an augment that gives constant batches, and
    callbacks that stop the run."""
    return {
        # Two runs with an update rule that never moves the parameters, on other rows and
        # batches but with the same sizes and seed: both end where training started.
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
        "update_no_step_other_rows": Call(
            X[100:150].copy(),
            y[100:150].copy(),
            n_hidden=SGD_HIDDEN,
            learning_rate=SGD_RATE,
            epochs=1,
            batch_size=16,
            seed=seed,
            update=Probe("no_step"),
        ),
        "augment_constant": Call(
            X[:70].copy(),
            y[:70].copy(),
            n_hidden=SGD_HIDDEN,
            learning_rate=SGD_RATE,
            epochs=2,
            batch_size=32,
            seed=seed,
            augment=Probe("constant_batches"),
        ),
        "callback_first_step": Call(
            X[:70].copy(),
            y[:70].copy(),
            n_hidden=5,
            learning_rate=SGD_RATE,
            epochs=3,
            batch_size=32,
            seed=seed,
            callback=Probe("stop_at_step_0"),
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


def test_minibatch_sgd_params_shapes(outcome):
    """The trained parameters have the right shapes and finite values."""
    fn = outcome("minibatch_sgd")
    for case in finished(fn):
        check_params_shapes(fn, case)


def test_minibatch_sgd_history_format(outcome):
    """The history has one record per epoch, in equal-length lists."""
    fn = outcome("minibatch_sgd")
    for case in finished(fn):
        epochs = setting(fn.call(case), "epochs", 10)
        history = check_format(fn, case)
        n = len(history["iteration"])
        call = fn.call(case)
        per_epoch = math.ceil(call.args[0].shape[0] / setting(call, "batch_size", 64))
        every_batch = n == epochs * per_epoch and per_epoch > 1
        expect(
            n == epochs,
            f"minibatch_sgd's history on the '{case}' case has {n} records for epochs={epochs}; "
            "expected one per epoch.",
            None if every_batch else "Record once per epoch, after its last batch.",
            mistake=Mistake(
                "That is one record per batch: record once per epoch, after its last batch.",
                id="minibatch_sgd.records_every_batch",
            )
            if every_batch
            else None,
        )


def _batch_count_mistakes(N: int, batch_size: int, epochs: int) -> list[Mistake]:
    per_epoch = math.ceil(N / batch_size)
    return [
        Mistake(
            f"{N} rows in batches of {batch_size} make {per_epoch} batches: the last batch "
            "holds the rows left over; do not drop it (range(0, N, batch_size)).",
            matches=lambda got: got == [(N // batch_size) * e for e in range(1, epochs + 1)],
            id="minibatch_sgd.drops_last_batch",
        ),
        Mistake(
            "'iteration' counts the epochs: it counts the updates done so far, and every batch "
            "of the epoch gets its own update.",
            matches=lambda got: got in ([e for e in range(1, epochs + 1)], list(range(epochs))),
            id="minibatch_sgd.iteration_counts_epochs",
        ),
        Mistake(
            "'iteration' counts the examples seen: it should count the updates (one per batch).",
            matches=lambda got: got == [N * e for e in range(1, epochs + 1)],
            id="minibatch_sgd.iteration_counts_examples",
        ),
        Mistake(
            "Each record is taken at the start of its epoch, before its updates: record after "
            "the epoch's last update.",
            matches=lambda got: got == [per_epoch * e for e in range(epochs)],
            id="minibatch_sgd.recorded_at_epoch_start",
        ),
        Mistake(
            "'iteration' restarts every epoch: it counts all the updates done so far.",
            matches=lambda got: got == [per_epoch] * epochs and epochs > 1,
            id="minibatch_sgd.iteration_per_epoch",
        ),
    ]


def test_minibatch_sgd_batches(outcome):
    """Every epoch makes one update per batch, the last smaller batch included."""
    fn = outcome("minibatch_sgd")
    readings = []
    for case in finished(fn):
        call = fn.call(case)
        N = call.args[0].shape[0]
        epochs = setting(call, "epochs", 10)
        batch_size = setting(call, "batch_size", 64)
        history = history_of(fn, case)
        got = [round(i) for i in history["iteration"]]
        per_epoch = math.ceil(N / batch_size)
        want = [per_epoch * e for e in range(1, epochs + 1)]
        readings.append(
            (
                lambda got=got, want=want, case=case, N=N, batch_size=batch_size, epochs=epochs, per_epoch=per_epoch: (
                    expect(
                        got == want,
                        f"history['iteration'] on the '{case}' case (N={N}, batch_size={batch_size}, "
                        f"epochs={epochs}) is {shown(got)}; expected {shown(want)} ({per_epoch} "
                        "updates per epoch).",
                        f"Each epoch: shuffle, then one update per consecutive slice of batch_size "
                        f"rows ({per_epoch} here), counting the updates as you go.",
                    )
                ),
                got,
                _batch_count_mistakes(N, batch_size, epochs),
            )
        )
    expect_each(readings)


def _schedule_points(call: Call, updates: list[int]) -> list[dict]:
    X = call.args[0]
    n_hidden = n_hidden_of(call)
    rate = setting(call, "learning_rate", 0.1)
    return [probes.schedule_point(X.shape[1], n_hidden, N_CLASSES, k, rate) for k in updates]


def _sgd_loss_mistakes(fn, case: str) -> dict[str, list[Mistake]]:
    """What history['loss'] holds under the usual mistakes, when the params after n updates
    are the schedule's point n."""
    call = fn.call(case)
    X, y = call.args[0], call.args[1]
    _, want_history = fn.expected(case)
    want = np.asarray(want_history["loss"], dtype=np.float64)
    updates = [round(i) for i in want_history["iteration"]]
    loss_at = lambda points, X, y: np.array([network_loss(X, y, p) for p in points])
    before_last = loss_at(_schedule_points(call, [n - 1 for n in updates]), X, y)
    epoch_start = loss_at(_schedule_points(call, [0] + updates[:-1]), X, y)
    mistakes = [
        Mistake(
            "Those are the loss summed over the examples: cross_entropy averages over them.",
            len(y) * want,
            id="minibatch_sgd.loss_summed",
        ),
        Mistake(
            "Each record holds the loss before the epoch's last update: record after the "
            "epoch's last batch, with a forward pass on all of X and the params it left.",
            before_last,
            id="minibatch_sgd.recorded_before_last_update",
        ),
        Mistake(
            "Each record holds the loss at the start of its epoch, before any of its updates: "
            "record after the epoch's last batch, with the params it left.",
            matches=lambda got: len(got) > 1 and bool(np.allclose(got[1:], epoch_start[1:])),
            id="minibatch_sgd.recorded_at_epoch_start",
        ),
    ]
    if "X_dev" in call.kwargs:
        at_records = _schedule_points(call, updates)
        dev = loss_at(at_records, call.kwargs["X_dev"], call.kwargs["y_dev"])
        mistakes.append(
            Mistake(
                "Those are the losses on the dev set: history['loss'] is the loss on the "
                "training set (X, y).",
                dev,
                id="minibatch_sgd.loss_of_dev_set",
            )
        )
    return {"loss": mistakes}


@requires("test_minibatch_sgd_batches")
def test_minibatch_sgd_history_values(outcome):
    """Every record, the first included, holds the loss and accuracies of the parameters after the epoch's last update."""
    fn = outcome("minibatch_sgd")
    case = "scheduled"
    hint = (
        "After each epoch's last update: one forward pass on all of X with the current params "
        "gives the loss and the accuracy on X (and one on X_dev the dev accuracy)."
    )
    expect_each(
        history_readings(
            fn,
            case,
            loss_tolerance=lambda j, want: FIRST_RECORD_RTOL * abs(want),
            accuracy_examples=0,
            mistakes=_sgd_loss_mistakes(fn, case),
            hint=hint,
        )
    )
    compare_params(
        fn,
        case,
        rtol=1e-6,
        hint="Return the params the last update left (with update=scheduled_step they are "
        "the point the number of updates reaches).",
    )


def _sgd_learn_hint(fn):
    def hint(case):
        if case == "sorted":
            try:
                learned_unsorted = history_of(fn, "train")["train_accuracy"][-1] >= 0.8
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
    """The loss goes down and the training accuracy gets high, even on rows sorted by label."""
    fn = outcome("minibatch_sgd")
    check_learns(
        fn,
        ["train", "sorted", "with_dev"],
        min_accuracy=0.85,
        hint=_sgd_learn_hint(fn),
    )


def _batch_shares(fn, case: str) -> np.ndarray:
    """Each class's share of the labels of every batch of the 'shuffles' case but the first
    (seen before record_batch_labels set the params), oldest first: (batches - 1, 10)."""
    call = fn.call(case)
    got, _ = result_pair(fn, case)
    what = f"the params minibatch_sgd returns on the '{case}' case"
    got = expect_dict(got, PARAM_NAMES, what)
    W2 = expect_ndarray(got["W2"], f"'W2' ({what})")
    expect_shape(W2, (n_hidden_of(call), N_CLASSES), f"'W2' ({what})")
    N, batch = call.args[0].shape[0], setting(call, "batch_size", 64)
    batches = math.ceil(N / batch) * setting(call, "epochs", 10)
    return 1.0 / N_CLASSES - W2[: batches - 1][::-1].astype(np.float64)


@requires("test_minibatch_sgd_batches", "test_minibatch_sgd_update_rule")
def test_minibatch_sgd_shuffles(outcome):
    """Every epoch visits every row once, in a new random order, one batch per update."""
    fn = outcome("minibatch_sgd")
    case = "shuffles"
    call = fn.call(case)
    y = call.args[1]
    N, batch, epochs = len(y), setting(call, "batch_size", 64), setting(call, "epochs", 10)
    per_epoch = math.ceil(N / batch)
    sizes = [len(y[s : s + batch]) for s in range(0, N, batch)]
    shares = _batch_shares(fn, case)
    total = np.bincount(y, minlength=N_CLASSES)
    what = (
        f"On the '{case}' case ({N} rows, four of each class, batches of {batch}, {epochs} "
        "epochs; update=record_batch_labels, which shows each batch's labels), the batches"
    )
    if np.allclose(shares, total / N, atol=1e-6):
        raise CheckFailed(
            f"{what} all held the labels of the whole training set.",
            mistake=Mistake(
                "Every update got the gradient of the whole training set: run forward and "
                "backward on the batch's rows, X[rows] and y[rows].",
                id="minibatch_sgd.gradient_of_whole_set",
            ),
        )
    # The first batch of epoch 0 came before the probe set the params: its counts are what
    # the epoch's others leave (so epoch 0 is not checked for visiting every row once).
    counts = shares * np.array((sizes * epochs)[1:], dtype=np.float64)[:, None]
    expect(
        bool(np.all(np.abs(counts - np.round(counts)) < 1e-4)),
        f"{what} did not hold {batch} rows each, as their labels show (grads['db2'] of a "
        "batch is 0.1 minus each class's share of its labels).",
        "Each batch: forward and backward on (X[rows], y[rows]), then params = update(params, "
        "grads, learning_rate).",
    )
    counts = np.round(counts).astype(int)
    first = total - counts[: per_epoch - 1].sum(axis=0)
    counts = np.concatenate([first[None, :], counts]).reshape(epochs, per_epoch, N_CLASSES)
    _expect_every_row_once(what, counts, total)
    _expect_rows_shuffled(what, counts, y, batch)


def _expect_every_row_once(what: str, counts: np.ndarray, total: np.ndarray) -> None:
    """Every epoch after the first held each class's rows as often as the training set
    (``counts``: epochs, batches per epoch, classes)."""
    epochs = len(counts)
    for epoch in range(1, epochs):
        if not np.array_equal(counts[epoch].sum(axis=0), total):
            raise CheckFailed(
                f"{what} in epoch {epoch} held {counts[epoch].sum(axis=0).tolist()} rows of each "
                f"class; an epoch visits every row once: {total.tolist()}.",
                mistake=Mistake(
                    "Some rows were visited twice in an epoch and others not at all: draw a "
                    "permutation of all the rows each epoch, order = rng.permutation(N), not "
                    "rows with replacement.",
                    id="minibatch_sgd.rows_not_once_per_epoch",
                ),
            )


def _expect_rows_shuffled(what: str, counts: np.ndarray, y: np.ndarray, batch: int) -> None:
    """The epochs' batches held the labels in new orders: not the stored order, not one
    permutation for every epoch, not fixed slices taken in another order."""
    N, (epochs, per_epoch, _) = len(y), counts.shape
    in_order = np.array(
        [np.bincount(y[s : s + batch], minlength=N_CLASSES) for s in range(0, N, batch)]
    )
    if all(np.array_equal(counts[e], counts[1]) for e in range(1, epochs)):
        raise failure(
            f"{what} held the same labels in the same order in every epoch.",
            [
                Mistake(
                    "The labels went through the batches in their stored order every epoch: "
                    "shuffle the rows, X and y with the same permutation (X[order], y[order]).",
                    matches=lambda got: np.array_equal(got, in_order),
                    id="minibatch_sgd.rows_not_shuffled",
                ),
                Mistake(
                    "Every epoch drew the same permutation: create the generator once, "
                    "rng = np.random.default_rng(seed), before the loop over the epochs, and "
                    "draw a new permutation from it at the start of every epoch.",
                    matches=lambda got: not np.array_equal(got, in_order),
                    id="minibatch_sgd.same_shuffle_every_epoch",
                ),
            ],
            counts[1],
        )
    blocks = sorted(map(tuple, in_order.tolist()))
    if all(sorted(map(tuple, counts[e].tolist())) == blocks for e in range(1, epochs)):
        raise CheckFailed(
            f"{what} were the same {per_epoch} slices of the stored rows in every epoch, only "
            "taken in another order: the rows themselves were not shuffled.",
            mistake=Mistake(
                "Shuffle the rows, not the order of fixed batches: order = rng.permutation(N), "
                "then batches order[start:start + batch_size].",
                id="minibatch_sgd.batches_not_rows_shuffled",
            ),
        )


def test_minibatch_sgd_dev_accuracy(outcome):
    """The dev accuracy is recorded and gets high when a dev set is given."""
    fn = outcome("minibatch_sgd")
    check_dev(fn, "with_dev", min_accuracy=0.6)


def test_minibatch_sgd_uses_learning_rate(outcome):
    """learning_rate is used: with 0 nothing changes."""
    fn = outcome("minibatch_sgd")
    check_learning_rate(fn, "zero_learning_rate", "train")


@requires("test_minibatch_sgd_learns")
def test_minibatch_sgd_seed(outcome):
    """The same seed gives the same run, another seed another start."""
    fn = outcome("minibatch_sgd")
    check_seed(fn, "seed_first", "seed_again", "seed_other")


@requires("test_minibatch_sgd_learns")
def test_minibatch_sgd_leaves_inputs_unchanged(outcome):
    """minibatch_sgd leaves X, y, X_dev and y_dev unchanged (it shuffles copies)."""
    fn = outcome("minibatch_sgd")
    check_inputs_unchanged(
        fn,
        "Shuffle a copy: index with a permutation (X[order], y[order]) instead of "
        "rng.shuffle(X), which shuffles the caller's array in place.",
    )


def test_minibatch_sgd_update_rule(outcome):
    """Every step is taken with the update function when one is given."""
    fn = outcome("minibatch_sgd")
    case, other = "update_no_step", "update_no_step_other_rows"
    what = (
        f"the params minibatch_sgd returns on the '{case}' and '{other}' cases (update=no_step, "
        "a rule that never moves the parameters; other rows, the same sizes and seed: both "
        "should be exactly where training started)"
    )
    got = expect_dict(result_pair(fn, case)[0], PARAM_NAMES, what)
    again = expect_dict(result_pair(fn, other)[0], PARAM_NAMES, what)
    moved = differing_params(got, again)
    expect(
        not moved,
        f"{', '.join(repr(k) for k in moved)} in {what} differ between the two.",
        "When update is given, take every step with params = update(params, grads, "
        "learning_rate) instead of update_params; update=None means update_params.",
        mistake=Mistake(
            "Every parameter moved although update=no_step never moves them: the update "
            "argument was not used. Take every step with params = update(params, grads, "
            "learning_rate) when it is given; update=None means update_params.",
            id="minibatch_sgd.ignores_update",
        )
        if len(moved) == len(PARAM_NAMES)
        else None,
    )


@requires("test_minibatch_sgd_update_rule")
def test_minibatch_sgd_augment(outcome):
    """Each batch's images go through augment, and those images are the ones forward and backward see."""
    fn = outcome("minibatch_sgd")
    case = "augment_constant"
    what = (
        f"the params minibatch_sgd returns on the '{case}' case (augment=constant_batches, which "
        "turns every batch into constant images)"
    )
    hint = (
        "When augment is given, apply it to every batch's images before the forward pass, "
        "X_batch = augment(X_batch), and pass that X_batch to backward too; augment=None "
        "leaves them as they are."
    )
    got, _ = result_pair(fn, case)
    start, _ = result_pair(fn, "update_no_step")  # the same sizes and seed: the start
    got = expect_dict(got, PARAM_NAMES, what, hint=hint)
    start = expect_dict(start, PARAM_NAMES, "the params of the 'update_no_step' case")
    W1 = expect_ndarray(got["W1"], f"'W1' in {what}")
    expect_shape(W1, np.shape(start["W1"]), f"'W1' in {what}")
    moved = W1.astype(np.float64) - np.asarray(start["W1"], dtype=np.float64)
    spread = float(np.max(np.abs(moved - moved.mean(axis=0))))
    size = float(np.max(np.abs(moved)))
    expect(
        spread <= 1e-4 * max(size, 1e-3),
        f"'W1' in {what} moved differently in different rows (by up to {spread:.3g} apart): "
        "with the same image in every row of every batch, every input pixel gets the same "
        "gradient, so every row of W1 should move the same way from the start (which the "
        "'update_no_step' case returns).",
        hint,
    )


@requires("test_minibatch_sgd_batches")
def test_minibatch_sgd_callback(outcome):
    """callback(epoch, history) is called after every epoch, with the history so far."""
    fn = outcome("minibatch_sgd")
    check_callbacks(fn, unit="epoch")


SGD_DEFAULTS = "n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0"


@requires("test_minibatch_sgd_update_rule")
def test_minibatch_sgd_defaults(outcome):
    """Called with X and y alone, it trains with the lessons' defaults (n_hidden=10,
    learning_rate=0.1, epochs=10, batch_size=64, seed=0), as lessons 05 to 07 call it."""
    fn = outcome("minibatch_sgd")
    hint = f"Keep the signature's defaults, {SGD_DEFAULTS}: the lessons call it without them."
    for case, rows in (("defaults_start", 128), ("defaults_path", 129)):
        got = [round(i) for i in history_of(fn, case)["iteration"]]
        want = [round(i) for i in fn.expected(case)[1]["iteration"]]
        expect(
            got == want,
            f"history['iteration'] on the '{case}' case ({rows} rows, X and y only) is "
            f"{shown(got)}; expected {shown(want)}: 10 epochs of ceil({rows} / 64) updates.",
            hint,
        )
    check_params_shapes(fn, "defaults_start")
    what = "(update=scheduled_step: the last point tells the learning rate and the updates)"
    compare_params(fn, "defaults_path", rtol=1e-6, hint=f"{hint} {what}")


@requires("test_minibatch_sgd_update_rule")
def test_minibatch_sgd_starts_from_its_seed(outcome):
    """The seed reaches the initialisation: two seeds, two starts (update=no_step, which never
    moves the params, shows where each run started)."""
    fn = outcome("minibatch_sgd")
    first, second = "start_seed", "start_other_seed"
    seeds = [fn.call(case).kwargs["seed"] for case in (first, second)]
    what = (
        f"the params minibatch_sgd returns on the '{first}' and '{second}' cases (seeds "
        f"{seeds[0]} and {seeds[1]}, update=no_step: where training started)"
    )
    got = expect_dict(result_pair(fn, first)[0], PARAM_NAMES, what)
    again = expect_dict(result_pair(fn, second)[0], PARAM_NAMES, what)
    expect(
        bool(differing_params(got, again)),
        f"{what} are the same.",
        mistake=Mistake(
            "The seed does not reach the initialisation: start from "
            "init_params(X.shape[1], n_hidden, 10, seed).",
            id="minibatch_sgd.init_without_seed",
        ),
    )
