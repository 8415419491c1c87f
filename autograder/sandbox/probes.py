"""Functions that checks pass as arguments (e.g. the ``f`` of ``numerical_gradient``).

Only names cross the process boundary; the worker looks the function up here. Keep these pure
NumPy and cheap.
"""

from __future__ import annotations

import numpy as np


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
