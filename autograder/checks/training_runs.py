"""What the checks of lesson 05's training functions share: a small learnable problem, reading
and checking what a run returns (params and history), and the properties every training function
must have (it learns, honours its learning rate and seed, leaves its inputs alone, reports to its
callback where it should).

``gradient_descent`` and ``minibatch_sgd`` involve randomness (the initialisation, the shuffles),
so these check properties, never one order of random draws.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from autograder.checking import (
    Call,
    CheckFailed,
    Outcome,
    Raised,
    describe,
    expect,
    expect_dict,
    expect_finite,
    expect_ndarray,
    expect_shape,
    expect_unchanged,
)

PARAM_NAMES = ("W1", "b1", "W2", "b2")
N_CLASSES = 10
DIVERGED = (
    "The loss became nan or inf: the training diverged. The update is params - learning_rate * grad "
    "(a minus: step against the gradient)."
)


def blobs(
    rng: np.random.Generator,
    n: int,
    n_in: int,
    *,
    sort: bool = False,
    noise: float = 0.15,
    centers: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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


def finished(fn: Outcome) -> list[str]:
    """The cases that run to the end (all but the ones a callback stops)."""
    return [case for case in fn.cases if case not in STOPPED]


def reference_learns(train: Callable, cases: dict[str, Call], names: list[str]) -> bool:
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


def result_pair(fn: Outcome, case: str) -> tuple[Any, Any]:
    """What a training function returned on ``case``: (params, history), checked to be a pair."""
    got = fn.result(case)
    expect(
        isinstance(got, (tuple, list)) and len(got) == 2,
        f"{fn.function}(...) on the '{case}' case should return a pair (params, history); "
        f"got {describe(got)}.",
        "End with `return params, history`.",
    )
    return got[0], got[1]


def n_hidden_of(call: Call, default: int = 10) -> int:
    """The n_hidden a call asks for (by keyword or third positional argument)."""
    return call.kwargs.get("n_hidden", call.args[2] if len(call.args) > 2 else default)


def setting(call: Call, name: str, default: Any) -> Any:
    """A keyword argument of a call, or its default."""
    return call.kwargs.get(name, default)


def has_dev(call: Call) -> bool:
    """Whether a call passes a dev set."""
    return call.kwargs.get("X_dev") is not None


def check_params_shapes(fn: Outcome, case: str) -> None:
    """The returned params: a dict of finite arrays with the shapes n_hidden asks for."""
    call = fn.call(case)
    X = call.args[0]
    n_hidden = n_hidden_of(call)
    params, _ = result_pair(fn, case)
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


def history_of(fn: Outcome, case: str) -> dict[str, np.ndarray]:
    """The history of a case as a dict of float arrays, after checking its format."""
    call = fn.call(case)
    _, history = result_pair(fn, case)
    what = f"the history {fn.function} returns on the '{case}' case"
    keys = ["iteration", "loss", "train_accuracy"] + (["dev_accuracy"] if has_dev(call) else [])
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


def check_accuracy_list(values: np.ndarray, n: int, name: str, case: str) -> None:
    """Recorded accuracies: fractions in [0, 1] of n examples (not percentages or counts)."""
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


def check_format(fn: Outcome, case: str) -> dict[str, np.ndarray]:
    """The history's keys, lists and values, with dev_accuracy exactly when dev data is given."""
    call = fn.call(case)
    history = history_of(fn, case)
    if not has_dev(call):
        expect(
            "dev_accuracy" not in fn.result(case)[1],
            f"the history {fn.function} returns on the '{case}' case has a 'dev_accuracy' entry, but no "
            "dev data was given.",
            "Add 'dev_accuracy' only when X_dev and y_dev are given (they default to None).",
        )
    check_accuracy_list(history["train_accuracy"], len(call.args[1]), "train_accuracy", case)
    expect_finite(history["loss"], f"history['loss'] on the '{case}' case", hint=DIVERGED)
    if has_dev(call):
        check_accuracy_list(
            history["dev_accuracy"], len(call.kwargs["y_dev"]), "dev_accuracy", case
        )
    return history


def check_learns(
    fn: Outcome, cases: list[str], *, min_accuracy: float, hint: Callable[[str], str]
) -> None:
    """``hint(case)`` names the likely cause when a case does not learn."""
    for case in cases:
        history = history_of(fn, case)
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


def check_learning_rate(fn: Outcome, zero_case: str, trained_case: str) -> None:
    """With learning rate 0 nothing changes; with a learning rate every parameter moves."""
    history = history_of(fn, zero_case)
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
    start, _ = result_pair(fn, zero_case)
    trained, _ = result_pair(fn, trained_case)
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


def check_seed(fn: Outcome, case: str, same: str, other: str) -> None:
    """The same seed gives the same run; another seed another start."""
    params, history = result_pair(fn, case)
    again, history_again = result_pair(fn, same)
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
    different, _ = result_pair(fn, other)
    different = expect_dict(
        different, PARAM_NAMES, f"the params {fn.function} returns on the '{other}' case"
    )
    expect(
        not np.array_equal(np.asarray(params["W1"]), np.asarray(different["W1"])),
        f"{fn.function} gave the same 'W1' for two different seeds (the '{case}' and '{other}' cases).",
        "Pass the seed on: init_params(X.shape[1], n_hidden, 10, seed).",
    )


def check_inputs_unchanged(fn: Outcome, hint: str) -> None:
    """X and y are left as they were on every case that runs to the end."""
    for case in finished(fn):
        call = fn.call(case)
        fn.result(case)
        after = fn.args_after(case)
        expect_unchanged(call.args[0], after[0], "X", hint=hint)
        expect_unchanged(call.args[1], after[1], "y", hint=hint)


def check_dev(fn: Outcome, case: str, *, min_accuracy: float) -> None:
    """The dev accuracy is recorded and reaches ``min_accuracy`` on clusters seen in training."""
    call = fn.call(case)
    history = history_of(fn, case)
    dev = history["dev_accuracy"]
    check_accuracy_list(dev, len(call.kwargs["y_dev"]), "dev_accuracy", case)
    expect(
        dev[-1] >= min_accuracy,
        f"{fn.function} on the '{case}' case: the dev accuracy ends at {dev[-1]:.3g}; the dev rows "
        f"come from the same clusters, so it should reach {min_accuracy:g}.",
        "Measure it with the current params on X_dev against y_dev.",
    )


def _callback_stop(raised: Raised | None) -> bool:
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


def check_callback(
    fn: Outcome, case: str, *, unit: str, stops: set[tuple[str, str, str]] | None = None
) -> None:
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


def check_left_at_start(
    fn: Outcome, case: str, names: tuple[str, ...], what: str, hint: str
) -> None:
    """The params of ``case`` must be exactly where training started: where the
    'zero_learning_rate' case (same X shape, n_hidden and seed, learning rate 0) left them."""
    got, _ = result_pair(fn, case)
    start, _ = result_pair(fn, "zero_learning_rate")
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
