"""Functions that checks pass as arguments (e.g. the ``f`` of ``numerical_gradient``).

Only names cross the process boundary; the worker looks the function up here. Keep these pure
NumPy and cheap.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograder import codec


def cubic_sum(x: np.ndarray) -> float:
    """f(x) = sum(x**3) / 3 + sum(x): gradient x**2 + 1."""
    return float(np.sum(x**3) / 3.0 + np.sum(x))


def sine_mix(x: np.ndarray) -> float:
    """f(x) = sum(sin(x) * w) for fixed weights w = 1, 2, 3, ... (in flat order)."""
    w = np.arange(1, x.size + 1, dtype=np.float64).reshape(x.shape)
    return float(np.sum(np.sin(x) * w))


def quadratic_form(x: np.ndarray) -> float:
    """f(x) = 0.5 * ||A x||^2 with a fixed matrix A, for a vector or a flattened matrix."""
    flat = x.reshape(-1)
    n = flat.size
    A = np.cos(np.arange(n * n, dtype=np.float64).reshape(n, n))
    return float(0.5 * np.sum((A @ flat) ** 2))


def log_sum_exp(x: np.ndarray) -> float:
    """f(x) = log(sum(exp(x))), the smooth maximum."""
    m = np.max(x)
    return float(m + np.log(np.sum(np.exp(x - m))))


PROBES = {f.__name__: f for f in (cubic_sum, sine_mix, quadratic_form, log_sum_exp)}


def gradient(name: str, x: np.ndarray) -> np.ndarray:
    """The exact gradient of a probe, for checks that compare against it."""
    if name == "cubic_sum":
        return x**2 + 1.0
    if name == "sine_mix":
        w = np.arange(1, x.size + 1, dtype=np.float64).reshape(x.shape)
        return np.cos(x) * w
    if name == "quadratic_form":
        flat = x.reshape(-1)
        n = flat.size
        A = np.cos(np.arange(n * n, dtype=np.float64).reshape(n, n))
        return (A.T @ (A @ flat)).reshape(x.shape)
    if name == "log_sum_exp":
        e = np.exp(x - np.max(x))
        return e / e.sum()
    raise KeyError(name)


# -- functions handed to the training loops (lesson 05's init, update, augment and callback) ---


def uniform_init(n_in: int = 784, n_hidden: int = 10, n_out: int = 10, seed: int = 0) -> dict:
    """An init for gradient_descent: every weight and bias from uniform(-0.5, 0.5), float32,
    called like init_params (the original notebook's start, as lesson 03 defines it)."""
    rng = np.random.default_rng(seed)
    shapes = {"W1": (n_in, n_hidden), "b1": (n_hidden,), "W2": (n_hidden, n_out), "b2": (n_out,)}
    return {k: rng.uniform(-0.5, 0.5, size=s).astype(np.float32) for k, s in shapes.items()}


def no_step(params: dict, grads: dict, learning_rate: float) -> dict:
    """An update rule for minibatch_sgd that leaves the parameters where they are."""
    return {k: np.array(v, copy=True) for k, v in params.items()}


def blank_images(X_batch: np.ndarray) -> np.ndarray:
    """An augment function for minibatch_sgd that blanks every image: no gradient reaches W1."""
    return np.zeros_like(X_batch)


def _stop_training(step, history) -> None:
    try:
        records = len(history["iteration"])
        last = history["iteration"][-1] if records else None
        seen = f"the history has {records} records, the last at iteration {last}"
    except Exception:  # noqa: BLE001 - whatever was passed, say what it was
        seen = f"the second argument is not the history dict (it is a {type(history).__name__})"
    raise RuntimeError(f"stopped by the callback at step {step}: {seen}")


def _check_step(step) -> None:
    """Stop at once, saying so, when the first argument is not a step number."""
    if isinstance(step, bool) or not isinstance(step, (int, np.integer)):
        # A RuntimeError, as every stop of these callbacks: the checks read it as a stop.
        raise RuntimeError(  # noqa: TRY004
            f"stopped by the callback: its first argument is a {type(step).__name__}, not the "
            "step number"
        )


def stop_at_step_0(step, history) -> None:
    """A callback that stops training when it is called with step 0, reporting the history."""
    _check_step(step)
    if step == 0:
        _stop_training(step, history)


def stop_at_step_3(step, history) -> None:
    """A callback that stops training when it is called with step 3, reporting the history."""
    _check_step(step)
    if step == 3:
        _stop_training(step, history)


def stop_at_second_record(step, history) -> None:
    """A callback that stops training the first time the history holds two records."""
    _check_step(step)
    try:
        recorded = len(history["iteration"])
    except Exception:  # noqa: BLE001
        recorded = 0
    if recorded >= 2:
        _stop_training(step, history)


#: How far b2's class-0 entry moves per step of ``scheduled_step``, per unit of learning rate.
SCHEDULE_STEP = 0.5


def schedule_point(n_in: int, n_hidden: int, n_out: int, k: int, learning_rate: float) -> dict:
    """The k-th point of the path ``scheduled_step`` walks, for a network of these sizes: fixed
    float64 weights and b1 (drawn from a seed made of the sizes), and b2 the fixed b2 with its
    class-0 entry moved by k * SCHEDULE_STEP * learning_rate."""
    rng = np.random.default_rng([n_in, n_hidden, n_out])
    shapes = {"W1": (n_in, n_hidden), "b1": (n_hidden,), "W2": (n_hidden, n_out), "b2": (n_out,)}
    point = {name: rng.normal(0.0, 0.8, size=shape) for name, shape in shapes.items()}
    point["b2"][0] += k * SCHEDULE_STEP * learning_rate
    return point


def _sizes(params: dict) -> tuple[int, int, int]:
    n_in, n_hidden = np.shape(params["W1"])
    return int(n_in), int(n_hidden), int(np.shape(params["W2"])[1])


def _schedule_index(params: dict, learning_rate: float) -> int:
    """Which point of the schedule ``params`` are at (0 when at none: the start)."""
    sizes = _sizes(params)
    if not learning_rate:
        return 0
    offset = float(params["b2"][0]) - float(schedule_point(*sizes, 0, 0.0)["b2"][0])
    k = round(offset / (SCHEDULE_STEP * learning_rate))
    if k < 1:
        return 0
    point = schedule_point(*sizes, k, learning_rate)
    same = all(np.allclose(params[n], point[n], rtol=1e-5, atol=1e-6) for n in point)
    return k if same else 0


def scheduled_step(params: dict, grads: dict, learning_rate: float) -> dict:
    """An update rule for minibatch_sgd that ignores the gradients and walks a fixed path: from
    point k of ``schedule_point`` it goes to k + 1, and from anywhere else (the start) to
    point 1. After n updates the parameters are at point n, whatever the initialisation and the
    order of the batches, so what the history records is known exactly."""
    return schedule_point(
        *_sizes(params), _schedule_index(params, learning_rate) + 1, learning_rate
    )


def record_batch_labels(params: dict, grads: dict, learning_rate: float) -> dict:
    """An update rule for minibatch_sgd that shows which labels every batch held. It sets W1 = 0
    and b1 = -1 (every hidden unit off, so no gradient reaches W1, b1 or W2) and b2 = 0 (every
    output 0.1): from the second update on, grads["db2"] is 0.1 minus each class's share of the
    batch's labels. It writes db2 in W2's first row after moving the earlier rows down one, so
    W2 ends as the record of the last batches, the most recent first."""
    W2 = np.roll(np.array(params["W2"], dtype=np.float64), 1, axis=0)
    W2[0] = np.asarray(grads["db2"], dtype=np.float64)
    return {
        "W1": np.zeros(np.shape(params["W1"])),
        "b1": np.full(np.shape(params["b1"]), -1.0),
        "W2": W2,
        "b2": np.zeros(np.shape(params["b2"])),
    }


#: ``constant_batches`` returns more rows than this as they are: they are not one batch.
BATCH_ROWS = 32


def constant_batches(X_batch: np.ndarray) -> np.ndarray:
    """An augment function for minibatch_sgd that turns a batch (at most BATCH_ROWS rows) into
    constant images of 0.5: every input pixel then gets the same gradient, so every row of W1
    moves the same way. More rows at once (not one batch) come back as they are."""
    if np.shape(X_batch)[0] > BATCH_ROWS:
        return X_batch
    return np.full_like(X_batch, 0.5)


PROBES.update(
    {
        f.__name__: f
        for f in (
            uniform_init,
            no_step,
            blank_images,
            stop_at_step_0,
            stop_at_step_3,
            stop_at_second_record,
            scheduled_step,
            record_batch_labels,
            constant_batches,
        )
    }
)


# -- probes that read an argument of the call they are passed with -----------------------------

#: "cubic_sum@1" names cubic_sum of the call's positional argument 1, whatever the probe itself
#: is called with: a callable that reads an array it shares with its caller, as lesson 04's loss
#: reads the parameters that numerical_gradient nudges. A function that nudges a copy of that
#: array, rather than the array itself, leaves what such a callable reads as it was.
BOUND = "@"


def reading_argument(name: str, position: int) -> codec.Probe:
    """The probe ``name`` evaluated on positional argument ``position`` of the same call."""
    if name not in PROBES:
        raise KeyError(name)
    return codec.Probe(f"{name}{BOUND}{position}")


def probe_name(probe: codec.Probe) -> str:
    """The function a probe computes ("cubic_sum" for "cubic_sum@1")."""
    return probe.name.partition(BOUND)[0]


def _is_bound(value: object) -> bool:
    return isinstance(value, codec.Probe) and BOUND in value.name


def _bind(probe: codec.Probe, arguments: list) -> object:
    name, _, position = probe.name.partition(BOUND)
    function, shared = PROBES[name], arguments[int(position)]

    def reads_shared(*_args: object, **_kwargs: object) -> float:
        return function(shared)

    reads_shared.__name__ = reads_shared.__qualname__ = name
    return reads_shared


def resolve(value: Any) -> Any:
    """A case's arguments with every probe name (``codec.Probe``) replaced by its function, at
    any depth: the one way the grader, a notebook's ``check`` and the worker pass them. A bound
    probe ("cubic_sum@1", in a tuple of positional arguments) reads the very object passed as
    that argument."""
    if isinstance(value, codec.Probe):
        return PROBES[probe_name(value)]
    if isinstance(value, tuple):
        items = [v if _is_bound(v) else resolve(v) for v in value]
        return tuple(_bind(v, items) if _is_bound(v) else v for v in items)
    if isinstance(value, list):
        return [resolve(v) for v in value]
    if isinstance(value, dict):
        return {k: resolve(v) for k, v in value.items()}
    return value
