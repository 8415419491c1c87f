"""Functions that checks pass as arguments (e.g. the ``f`` of ``numerical_gradient``).

Only names cross the process boundary; the worker looks the function up here. Keep these pure
NumPy and cheap.
"""

from __future__ import annotations

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


def stop_at_step_3(step, history) -> None:
    """A callback that stops training when it is called with step 3, reporting the history."""
    if step == 3:
        _stop_training(step, history)


def stop_at_second_record(step, history) -> None:
    """A callback that stops training the first time the history holds two records."""
    try:
        recorded = len(history["iteration"])
    except Exception:  # noqa: BLE001
        recorded = 0
    if recorded >= 2:
        _stop_training(step, history)


PROBES.update(
    {
        f.__name__: f
        for f in (uniform_init, no_step, blank_images, stop_at_step_3, stop_at_second_record)
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


def resolve(value: object) -> object:
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
