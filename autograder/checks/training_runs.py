"""What the checks of lesson 05's training functions share: small learnable problems, reading
and checking what a run returns (params and history), comparing a run whose every step is
known with the reference's, and the properties every training function must have (it learns,
honours its learning rate and seed, leaves its inputs alone, reports to its callback where it
should).

``gradient_descent`` and ``minibatch_sgd`` involve randomness (the initialisation, the shuffles).
A run is compared value for value with the reference's only where no random draw decides it: a
start handed in as ``init``, or an ``update`` rule that walks a fixed path. Elsewhere the checks
test properties, never one order of random draws.

Which numbers agree across machines, and how closely: a run on float64 inputs gives the same
numbers on every BLAS kernel to about 1e-12, but a correct loop may compute in float32 (cast
its inputs, or keep float32 parameters), and two runs then part by about 1e-7 per step, more
where a hidden unit sits on ReLU's kink. So the iteration numbers are compared exactly, the
first record (taken before any update) to 1e-5, later losses to 1e-3 and trained parameters to
1e-3 of their norm (one step of the runs checked moves them by 1e-2 or more), and accuracies to
one example (a near-tie may tip either way).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from autograder.checking import (
    Call,
    CheckFailed,
    Mistake,
    Outcome,
    Raised,
    describe,
    expect,
    expect_dict,
    expect_finite,
    expect_ndarray,
    expect_shape,
    failure,
)
from autograder.checks.common_mistakes import check_unchanged, returns_none

PARAM_NAMES = ("W1", "b1", "W2", "b2")
N_CLASSES = 10
DIVERGED = (
    "The loss became nan or inf: the training diverged. Check the step: params - learning_rate * "
    "grad, against the gradient, with the learning_rate given."
)
#: Tolerances of a run compared with the reference's (see the module's docstring).
FIRST_RECORD_RTOL = 1e-5
LOSS_RTOL = 1e-3
PARAMS_NORM_RTOL = 1e-3


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
STOPPED = ("callback_first_step", "callback_each_step", "callback_history")


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
    params_only = isinstance(got, dict) and set(PARAM_NAMES) <= set(got)
    expect(
        not params_only,
        f"{fn.function}(...) on the '{case}' case returned the params dict alone; it should "
        "return a pair (params, history).",
        mistake=Mistake(
            "End with `return params, history`: the history is returned too.",
            id=f"{fn.function}.returns_params_only",
        ),
    )
    expect(
        isinstance(got, (tuple, list)) and len(got) == 2,
        f"{fn.function}(...) on the '{case}' case should return a pair (params, history); "
        f"got {describe(got)}.",
        "End with `return params, history`." if got is not None else None,
        mistake=returns_none(fn.function) if got is None else None,
    )
    return got[0], got[1]


def differing_params(params: dict, other: dict) -> list[str]:
    """The parameter names whose arrays differ between two params dicts, in shape or in any
    value (a name missing from one of them counts as differing)."""
    return [
        k
        for k in PARAM_NAMES
        if np.shape(params.get(k)) != np.shape(other.get(k))
        or not np.array_equal(params.get(k), other.get(k))
    ]


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


def history_keys(call: Call) -> list[str]:
    """The keys the history of a call must have."""
    return ["iteration", "loss", "train_accuracy"] + (["dev_accuracy"] if has_dev(call) else [])


def history_of(fn: Outcome, case: str) -> dict[str, np.ndarray]:
    """The history of a case as a dict of float arrays, after checking its format."""
    call = fn.call(case)
    _, history = result_pair(fn, case)
    what = f"the history {fn.function} returns on the '{case}' case"
    keys = history_keys(call)
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


def _whole(values: np.ndarray, n: int) -> bool:
    return bool(np.all(np.abs(values - np.round(values)) <= 1e-6 * max(1, n)))


def check_accuracy_list(
    values: np.ndarray, n: int, name: str, case: str, function: str, other_n: int | None = None
) -> None:
    """Recorded accuracies: fractions in [0, 1] of n examples (not percentages or counts);
    ``other_n`` is the size of the other set (dev for train, train for dev)."""
    expect_finite(values, f"history['{name}'] on the '{case}' case")
    if values.size and (values.min() < 0 or values.max() > 1):
        message = (
            f"history['{name}'] on the '{case}' case has values from {values.min():.6g} to "
            f"{values.max():.6g}; an accuracy is a fraction in [0, 1] of the {n} examples."
        )
        percentage = Mistake(
            "That is a percentage: record the fraction, np.mean(predictions == labels), "
            "without the factor 100.",
            matches=lambda v: bool(v.max() <= 100 and _whole(v * n / 100, n)),
            id=f"{function}.accuracy_percentage",
        )
        count = Mistake(
            "That is a count of correct predictions: divide it by the number of "
            "examples (np.mean does).",
            matches=lambda v: bool(v.min() >= 0 and v.max() <= n and _whole(v, n)),
            id=f"{function}.accuracy_count",
        )
        if percentage.fits(values) and count.fits(values):  # of 100 examples, the two agree
            raise CheckFailed(
                message,
                "That is a count of correct predictions or a percentage: record the fraction, "
                "np.mean(predictions == labels).",
            )
        raise failure(message, [percentage, count], values)
    if _whole(values * n, n):
        return
    worst = values[np.argmax(np.abs(values * n - np.round(values * n)))]
    right = "X and y" if name == "train_accuracy" else "X_dev and y_dev"
    raise failure(
        f"history['{name}'] on the '{case}' case is not a fraction of the {n} examples "
        f"classified correctly (e.g. {worst:.6g} times {n} is not a whole number).",
        [
            Mistake(
                "That is the share of matching entries between one-hot rows (of 10, 8 match "
                "even when the prediction is wrong): compare the predicted class with the "
                "label, np.mean(np.argmax(probs, axis=1) == y).",
                matches=lambda v: bool(v.min() >= 0.8 and _whole((1.0 - v) * 5 * n, n)),
                id=f"{function}.accuracy_one_hot",
            ),
            Mistake(
                f"Those are fractions of {other_n} examples, the size of the other set: "
                f"'{name}' is measured on {right}.",
                matches=lambda v: other_n is not None and _whole(v * other_n, other_n),
                id=f"{function}.accuracy_of_other_set",
            ),
        ],
        values,
        f"Compute it on all of {right}: np.mean(predictions == labels).",
    )


def check_format(fn: Outcome, case: str) -> dict[str, np.ndarray]:
    """The history's keys, lists and values, with dev_accuracy exactly when dev data is given."""
    call = fn.call(case)
    # Before the lists are compared: an empty 'dev_accuracy' list without dev data is this
    # mistake, not lists of different lengths.
    if not has_dev(call):
        try:
            result = fn.result(case)
        except CheckFailed:
            result = None
        returned = result[1] if isinstance(result, tuple) and len(result) == 2 else None
        expect(
            not isinstance(returned, dict) or "dev_accuracy" not in returned,
            f"the history {fn.function} returns on the '{case}' case has a 'dev_accuracy' entry, but no "
            "dev data was given.",
            mistake=Mistake(
                "Add 'dev_accuracy' only when X_dev and y_dev are given (they default to None).",
                id=f"{fn.function}.dev_accuracy_without_dev_set",
            ),
        )
    history = history_of(fn, case)
    n_train = len(call.args[1])
    n_dev = len(call.kwargs["y_dev"]) if has_dev(call) else None
    check_accuracy_list(
        history["train_accuracy"], n_train, "train_accuracy", case, fn.function, n_dev
    )
    expect_finite(history["loss"], f"history['loss'] on the '{case}' case", hint=DIVERGED)
    if n_dev is not None:
        check_accuracy_list(
            history["dev_accuracy"], n_dev, "dev_accuracy", case, fn.function, n_train
        )
    return history


def check_learns(
    fn: Outcome, cases: list[str], *, min_accuracy: float, hint: Callable[[str], str]
) -> None:
    """``hint(case)`` is advice for a case that does not learn (it names no mistake)."""
    for case in cases:
        history = history_of(fn, case)
        loss, accuracy = history["loss"], history["train_accuracy"]
        expect_finite(loss, f"history['loss'] on the '{case}' case", hint=DIVERGED)
        if len(loss) > 1 and bool(np.allclose(loss, loss[0], rtol=1e-9, atol=0)):
            raise CheckFailed(
                f"{fn.function} on the '{case}' case: the loss stayed at {loss[0]:.4g} in every "
                "record; it should go down.",
                mistake=Mistake(
                    "Every forward pass saw the same params: assign the update back, params = "
                    "update_params(params, grads, learning_rate), so that the next forward pass "
                    "uses the new params.",
                    id=f"{fn.function}.update_not_used",
                ),
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
                    "whole training set (X, y) with the current params."
                )
            else:
                hint = (
                    "Pass learning_rate on to the update (params - learning_rate * grad); a fixed "
                    "rate ignores it."
                )
            raise CheckFailed(
                f"with learning_rate=0 nothing should change, but history['{key}'] on the "
                f"'{zero_case}' case went from {values[0]:.6g} to {values[-1]:.6g}.",
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
    moved = differing_params(start, trained)
    unchanged = [k for k in PARAM_NAMES if k not in moved]
    expect(
        not unchanged,
        f"{fn.function}: {', '.join(unchanged)} came back unchanged from training on the "
        f"'{trained_case}' case (the '{zero_case}' case, with the same seed and learning_rate=0, "
        "returns the same values).",
        mistake=Mistake(
            "Update every parameter each step: all of W1, b1, W2, b2 (update_params does).",
            id=f"{fn.function}.parameters_not_updated",
        ),
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
    unseeded = Mistake(
        "Two runs with the same seed differ: draw every random number from the seed, "
        "init_params(..., seed) and np.random.default_rng(seed), not np.random.* without one.",
        id=f"{fn.function}.not_reproducible",
    )
    for k in PARAM_NAMES:
        expect(
            np.shape(params[k]) == np.shape(again[k])
            and bool(np.allclose(params[k], again[k], rtol=1e-6, atol=1e-8, equal_nan=True)),
            f"{fn.function} gave different '{k}' on two runs with the same inputs and seed "
            f"(the '{case}' and '{same}' cases).",
            mistake=unseeded,
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
                mistake=unseeded,
            )
    different, _ = result_pair(fn, other)
    different = expect_dict(
        different, PARAM_NAMES, f"the params {fn.function} returns on the '{other}' case"
    )
    expect(
        not np.array_equal(np.asarray(params["W1"]), np.asarray(different["W1"])),
        f"{fn.function} gave the same 'W1' for two different seeds (the '{case}' and '{other}' cases).",
        mistake=Mistake(
            "The seed is not used: pass the seed on, init_params(X.shape[1], n_hidden, 10, seed).",
            id=f"{fn.function}.ignores_seed",
        ),
    )


def check_inputs_unchanged(fn: Outcome, hint: str) -> None:
    """X, y, X_dev and y_dev are left as they were on every case that runs to the end."""
    check_unchanged(fn, ("X", "y"), hint, cases=finished(fn), keywords=("X_dev", "y_dev"))


def check_dev(fn: Outcome, case: str, *, min_accuracy: float) -> None:
    """The dev accuracy is recorded and reaches ``min_accuracy`` on clusters seen in training."""
    call = fn.call(case)
    history = history_of(fn, case)
    dev = history["dev_accuracy"]
    check_accuracy_list(dev, len(call.kwargs["y_dev"]), "dev_accuracy", case, fn.function)
    expect(
        dev[-1] >= min_accuracy,
        f"{fn.function} on the '{case}' case: the dev accuracy ends at {dev[-1]:.3g}; the dev rows "
        f"come from the same clusters, so it should reach {min_accuracy:g}.",
        "Measure it with the current params on X_dev against y_dev.",
    )


# -- a run compared with the reference's, record by record -------------------------------------


def accuracy_mistakes(
    function: str, key: str, want: np.ndarray, n: int, other: np.ndarray | None
) -> list[Mistake]:
    """What a recorded accuracy list holds under the usual mistakes, given the right one
    (``want``, of n examples) and the other set's (``other``: dev for train and the reverse)."""
    mistakes = [
        Mistake(
            "That is the error rate (the fraction wrong): record the fraction classified correctly.",
            1.0 - want,
            id=f"{function}.error_rate",
        ),
        Mistake(
            "That is the share of matching entries between one-hot rows (of 10, 8 match even when "
            "the prediction is wrong): compare the predicted class with the label, "
            "np.mean(np.argmax(probs, axis=1) == y).",
            1.0 - 0.2 * (1.0 - want),
            id=f"{function}.accuracy_one_hot",
        ),
    ]
    if other is not None and len(other) == len(want) and not np.allclose(other, want):
        where = "X_dev and y_dev" if key == "train_accuracy" else "X and y"
        right = "X and y" if key == "train_accuracy" else "X_dev and y_dev"
        mistakes.append(
            Mistake(
                f"Those are the accuracies of the other set ({where}): '{key}' is measured on "
                f"{right}.",
                other,
                id=f"{function}.accuracy_of_other_set",
            )
        )
    return mistakes


def _records(labels: Iterable[float]) -> list[int]:
    return [round(v) for v in labels]


Reading = tuple[Callable[[], None], Any, list[Mistake]]


def record_reading(
    got: np.ndarray,
    want: np.ndarray,
    labels: list[int],
    what: str,
    *,
    tolerance: Callable[[int], float],
    mistakes: Iterable[Mistake] = (),
    hint: str | None = None,
) -> Reading:
    """A reading for ``expect_each``: one history list against the reference's, record by
    record; ``tolerance(j)`` is how far record j may be from the reference's (absolute)."""

    def compare() -> None:
        wrong = [j for j in range(len(want)) if not abs(got[j] - want[j]) <= tolerance(j)]
        if not wrong:
            return
        j = wrong[0]
        first = "the first record, " if j == 0 else ""
        raise CheckFailed(
            f"{what}: {len(wrong)} of {len(want)} records differ; at iteration {labels[j]} "
            f"({first}record {j}) it is {got[j]:.6g}, expected {want[j]:.6g} "
            f"(tolerance {tolerance(j):.2g}).",
            hint,
        )

    return compare, got, list(mistakes)


def one_step_late(
    function: str, labels: list[int], want: np.ndarray, tolerance: Callable[[int], float], hint: str
) -> Mistake:
    """The mistake of recording each value one update late: where two records are one update
    apart, the earlier one holds the later one's value."""
    pairs = [j for j in range(len(labels) - 1) if labels[j + 1] == labels[j] + 1]
    return Mistake(
        hint,
        matches=lambda got: (
            bool(pairs) and all(abs(got[j] - want[j + 1]) <= tolerance(j) for j in pairs)
        ),
        id=f"{function}.recorded_after_update",
    )


def history_readings(
    fn: Outcome,
    case: str,
    *,
    loss_tolerance: Callable[[int, float], float],
    accuracy_examples: int = 1,
    mistakes: dict[str, list[Mistake]] | None = None,
    hint: str | None = None,
) -> list[Reading]:
    """Readings for ``expect_each``: every list of the history of ``case`` against the
    reference's, every record (the first included), at the same iterations.

    ``loss_tolerance(j, want)`` is the absolute tolerance of record j's loss; accuracies may
    differ by ``accuracy_examples`` examples (a near-tie tipped by rounding); ``mistakes``
    adds models per key ("loss", "train_accuracy", "dev_accuracy").
    """
    call = fn.call(case)
    history = history_of(fn, case)
    _, want_history = fn.expected(case)
    want = {k: np.asarray(v, dtype=np.float64) for k, v in want_history.items()}
    labels = _records(want["iteration"])
    got_labels = _records(history["iteration"])
    expect(
        got_labels == labels,
        f"history['iteration'] on the '{case}' case is {_shown(got_labels)}; expected "
        f"{_shown(labels)}: the records cannot be compared.",
        hint,
    )
    mistakes = mistakes or {}
    what = f"history['{{}}'] on the '{case}' case"
    readings = [
        record_reading(
            history["loss"],
            want["loss"],
            labels,
            what.format("loss"),
            tolerance=lambda j: loss_tolerance(j, float(want["loss"][j])),
            mistakes=mistakes.get("loss", []),
            hint=hint,
        )
    ]
    sizes = {"train_accuracy": len(call.args[1])}
    if has_dev(call):
        sizes["dev_accuracy"] = len(call.kwargs["y_dev"])
    for key, n in sizes.items():
        other_key = "dev_accuracy" if key == "train_accuracy" else "train_accuracy"
        readings.append(
            record_reading(
                history[key],
                want[key],
                labels,
                what.format(key),
                tolerance=lambda j, n=n: (accuracy_examples + 1e-6) / n,
                mistakes=accuracy_mistakes(fn.function, key, want[key], n, want.get(other_key))
                + mistakes.get(key, []),
                hint=hint,
            )
        )
    return readings


def compare_params(fn: Outcome, case: str, *, rtol: float, hint: str | None = None) -> None:
    """The trained params of ``case`` against the reference's: every parameter within ``rtol``
    of its norm."""
    got, _ = result_pair(fn, case)
    want, _ = fn.expected(case)
    what = f"the params {fn.function} returns on the '{case}' case"
    got = expect_dict(got, PARAM_NAMES, what)
    for k in PARAM_NAMES:
        value = expect_ndarray(got[k], f"'{k}' ({what})")
        expect_shape(value, np.shape(want[k]), f"'{k}' ({what})")
        expect_finite(value, f"'{k}' ({what})", hint=DIVERGED)
        target = np.asarray(want[k], dtype=np.float64)
        error = float(np.linalg.norm(value.astype(np.float64) - target))
        scale = float(np.linalg.norm(target))
        if error > rtol * max(scale, 1e-12):
            raise CheckFailed(
                f"'{k}' ({what}) differs from the reference's by {error / max(scale, 1e-12):.3g} "
                f"of its size (tolerance {rtol:g}).",
                hint,
            )


def _shown(values: list) -> list:
    return values if len(values) <= 8 else values[:4] + ["..."] + values[-2:]


# -- callbacks ----------------------------------------------------------------------------------


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


def _callback_report(fn: Outcome, case: str) -> tuple[str, str, str] | None:
    """What the stopping callback of ``case`` reported (step, records, last iteration), or None
    when the run went to the end; the function's own error is reported as usual."""
    raised = fn.raised(case)
    if raised is not None and not _callback_stop(raised):
        fn.result(case)  # the function's own error (or NotImplementedError), reported as usual
    if raised is None:
        return None
    return _stop_report(raised.message) or ("?", "?", raised.message)


def _callback_mistakes(fn: Outcome, unit: str, seen: dict, wanted: dict) -> list[Mistake]:
    """What the callbacks report under the usual mistakes, judged on all the stopping cases:
    stop_at_step_0 tells a callback counted from 1 (never called with 0) from one called
    before the record (called with 0 before any record)."""
    first, each, second = STOPPED
    want_step, want_records, want_last = wanted[second]
    late = seen[second]
    one_later = (str(int(want_step) + 1), want_records, want_last) if want_step.isdigit() else None
    said = " ".join(str(report[2]) for report in seen.values() if report is not None)
    return [
        Mistake(
            f"The callback is never called: call callback({unit}, history) once after every "
            f"{unit}.",
            matches=lambda _: all(report is None for report in seen.values()),
            id=f"{fn.function}.callback_never_called",
        ),
        Mistake(
            f"The callback gets something else than ({unit}, history): call "
            f"callback({unit}, history), the {unit} counted from 0 first, then the history dict.",
            matches=lambda _: (
                "its first argument is a" in said
                or "the second argument is not the history dict" in said
            ),
            id=f"{fn.function}.callback_arguments",
        ),
        Mistake(
            f"The callback's {unit} is counted from 1: call callback({unit}, history) with the "
            f"{unit} just done counted from 0.",
            matches=lambda _: seen[first] is None and one_later is not None and late == one_later,
            id=f"{fn.function}.callback_counts_from_one",
        ),
        Mistake(
            f"The callback is called before the {unit}'s record is in the history: call it "
            f"after the record (and the update).",
            matches=lambda _: seen[first] is not None and seen[first][:2] == ("0", "0"),
            id=f"{fn.function}.callback_before_record",
        ),
        Mistake(
            "The callback is called only at the iterations that add a record: call it after "
            "every iteration.",
            matches=lambda _: (
                unit == "iteration"
                and seen[each] is None
                and seen[first] == wanted[first]
                and late == wanted[second]
            ),
            id=f"{fn.function}.callback_only_at_records",
        ),
        Mistake(
            "The callback is called more often than once per epoch (its count runs ahead of "
            "the epochs): call it once after every epoch, after the epoch's record.",
            matches=lambda _: (
                unit == "epoch"
                and late is not None
                and late[1] == want_records
                and late[0].isdigit()
                and want_step.isdigit()
                and int(late[0]) > int(want_step) + 1
            ),
            id=f"{fn.function}.callback_after_every_batch",
        ),
    ]


def check_callbacks(fn: Outcome, *, unit: str) -> None:
    """The runs of the STOPPED cases must be stopped by their callbacks where the reference's
    were: stop_at_step_0 and stop_at_step_3 (called with every step) and
    stop_at_second_record (called with the history so far)."""
    seen = {case: _callback_report(fn, case) for case in STOPPED}
    wanted = {case: _stop_report(fn.expected_raised(case).message) for case in STOPPED}
    every = (
        f"Call callback({unit}, history) once after every {unit}, with {unit} counted from 0 "
        f"and the history dict itself, once the {unit}'s record and update are done."
    )
    mistakes = _callback_mistakes(fn, unit, seen, wanted)
    for case in STOPPED:
        probe = fn.call(case).kwargs["callback"].name
        what = f"{fn.function} on the '{case}' case (callback={probe})"
        if seen[case] is None:
            stop = {
                "stop_at_step_0": "at step 0,",
                "stop_at_step_3": "at step 3,",
            }.get(probe, "once the history has two records,")
            raise failure(
                f"{what} ran to the end: its callback, which stops the run {stop} never did.",
                mistakes,
                seen,
                every,
            )
        if seen[case] != wanted[case]:
            got_step, got_records, got_last = seen[case]
            want_step, want_records, want_last = wanted[case]
            stopped = (
                f"the callback stopped it: {got_last}"
                if got_step == "?"
                else f"the callback was stopped at step {got_step} with {got_records} records in "
                f"the history, the last at iteration {got_last}"
            )
            raise failure(
                f"{what}: {stopped}; expected step {want_step}, {want_records} records, the last "
                f"at {want_last}.",
                mistakes,
                seen,
                every,
            )
