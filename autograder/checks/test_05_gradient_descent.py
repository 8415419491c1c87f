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
    expect_ndarray,
    expect_shape,
    expect_unchanged,
    requires,
    result_or_known_error,
)
from autograder.checks.training_runs import (
    N_CLASSES,
    PARAM_NAMES,
    STOPPED,
    blobs,
    check_callback,
    check_dev,
    check_format,
    check_inputs_unchanged,
    check_learning_rate,
    check_learns,
    check_left_at_start,
    check_params_shapes,
    check_seed,
    finished,
    history_of,
    reference_learns,
    result_pair,
    setting,
)


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


# -- gradient_descent ---------------------------------------------------------------------------

GD_RATE = 0.6
GD_ITERATIONS = 100


@cases_for("gradient_descent")
def gradient_descent_cases(rng, ref):
    train = dict(n_hidden=10, learning_rate=GD_RATE, iterations=GD_ITERATIONS)
    for _ in range(20):
        X, y, centers = blobs(rng, 200, 12)
        X_dev, y_dev, _ = blobs(rng, 30, 12, centers=centers)
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
        if reference_learns(ref.gradient_descent, cases, ["train", "other_seed", "with_dev"]):
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
    for case in finished(fn):
        check_params_shapes(fn, case)


def test_gradient_descent_history_format(outcome):
    """the history is a dict of equal-length lists, recorded every 10 iterations and at the last."""
    fn = outcome("gradient_descent")
    for case in finished(fn):
        call = fn.call(case)
        iterations = setting(call, "iterations", 500)
        schedules = _gd_schedules(iterations)
        history = check_format(fn, case)
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
    check_learns(
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
    check_dev(fn, "with_dev", min_accuracy=0.6)


def test_gradient_descent_uses_learning_rate(outcome):
    """learning_rate is used: with 0 nothing changes."""
    fn = outcome("gradient_descent")
    check_learning_rate(fn, "zero_learning_rate", "train")


@requires("test_gradient_descent_learns")
def test_gradient_descent_seed(outcome):
    """the same seed gives the same run, another seed another start."""
    fn = outcome("gradient_descent")
    check_seed(fn, "train", "same_seed", "other_seed")


@requires("test_gradient_descent_learns")
def test_gradient_descent_leaves_inputs_unchanged(outcome):
    """gradient_descent leaves X and y unchanged."""
    fn = outcome("gradient_descent")
    check_inputs_unchanged(
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
    got, _ = result_pair(fn, case)
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


def _gd_stops(call) -> set[tuple[str, str, str]]:
    """Where a stopping callback may stop gradient_descent, for each numbering that
    test_gradient_descent_history_format accepts: records labelled i, i + 1 or one-based."""
    iterations = setting(call, "iterations", 500)
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


def test_gradient_descent_callback(outcome):
    """callback(i, history) is called after every iteration i, with the history so far."""
    fn = outcome("gradient_descent")
    for case in STOPPED:
        check_callback(fn, case, unit="iteration", stops=_gd_stops(fn.call(case)))


# -- minibatch_sgd ------------------------------------------------------------------------------

SGD_RATE = 0.7
SGD_HIDDEN = 16
SGD_EPOCHS = 12
SGD_BATCH = 40


@cases_for("minibatch_sgd")
def minibatch_sgd_cases(rng, ref):
    train = dict(
        n_hidden=SGD_HIDDEN, learning_rate=SGD_RATE, epochs=SGD_EPOCHS, batch_size=SGD_BATCH
    )
    for _ in range(20):
        X, y, centers = blobs(rng, 200, 12)
        X_sorted, y_sorted, _ = blobs(rng, 200, 12, sort=True, centers=centers)
        X_dev, y_dev, _ = blobs(rng, 30, 12, centers=centers)
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
        if reference_learns(
            ref.minibatch_sgd, cases, ["train", "sorted", "other_seed", "with_dev"]
        ):
            break
    return cases


def test_minibatch_sgd_params_shapes(outcome):
    """the trained parameters have the right shapes and finite values."""
    fn = outcome("minibatch_sgd")
    for case in finished(fn):
        check_params_shapes(fn, case)


def test_minibatch_sgd_history_format(outcome):
    """the history has one record per epoch, in equal-length lists."""
    fn = outcome("minibatch_sgd")
    for case in finished(fn):
        epochs = setting(fn.call(case), "epochs", 10)
        history = check_format(fn, case)
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
    for case in finished(fn):
        call = fn.call(case)
        N = call.args[0].shape[0]
        epochs = setting(call, "epochs", 10)
        batch_size = setting(call, "batch_size", 64)
        history = history_of(fn, case)
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
    """the loss goes down and the training accuracy gets high, even on rows sorted by label."""
    fn = outcome("minibatch_sgd")
    check_learns(
        fn,
        ["train", "sorted", "same_seed", "other_seed"],
        min_accuracy=0.85,
        hint=_sgd_learn_hint(fn),
    )


def test_minibatch_sgd_dev_accuracy(outcome):
    """the dev accuracy is recorded and gets high when a dev set is given."""
    fn = outcome("minibatch_sgd")
    check_dev(fn, "with_dev", min_accuracy=0.6)


def test_minibatch_sgd_uses_learning_rate(outcome):
    """learning_rate is used: with 0 nothing changes."""
    fn = outcome("minibatch_sgd")
    check_learning_rate(fn, "zero_learning_rate", "train")


@requires("test_minibatch_sgd_learns")
def test_minibatch_sgd_seed(outcome):
    """the same seed gives the same run, another seed another start."""
    fn = outcome("minibatch_sgd")
    check_seed(fn, "train", "same_seed", "other_seed")


@requires("test_minibatch_sgd_learns")
def test_minibatch_sgd_leaves_inputs_unchanged(outcome):
    """minibatch_sgd leaves X and y unchanged (it shuffles copies)."""
    fn = outcome("minibatch_sgd")
    check_inputs_unchanged(
        fn,
        "Shuffle a copy: index with a permutation (X[order], y[order]) instead of "
        "rng.shuffle(X), which shuffles the caller's array in place.",
    )


def test_minibatch_sgd_update_rule(outcome):
    """every step is taken with the update function when one is given."""
    fn = outcome("minibatch_sgd")
    check_left_at_start(
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
    check_left_at_start(
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
        check_callback(fn, case, unit="epoch")
