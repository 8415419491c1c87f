"""Recognising an answer that is the right one times a constant, and naming the constant.

A wrong scale is a family of mistakes of its own: a gradient divided by the wrong count, a sum
where a mean belongs, a step of h where 2h belongs. The answer then points the right way and is
off by one number everywhere, and the most useful feedback names that number and what it
means ("every gradient is 5/9 of the right one: ...") instead of only saying the values differ.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import Any

import numpy as np


def constant_factor(got: Any, want: Any, *, rtol: float = 1e-3) -> float | None:
    """The number c with got == c * want (to ``rtol`` of the size of got), when there is one.

    ``got`` and ``want`` are arrays, or dicts of arrays with the same keys (then one c for all
    of them: "every gradient is 5 times too large"). None when the shapes or keys differ, when
    ``want`` is all zeros, when got is not a multiple of want, or when c is 1 or 0 (a right
    answer, or an answer of zeros, is no wrong scale).
    """
    g, w = _flat(got, want)
    if g is None or w is None or g.size < 2:
        return None
    if not (np.all(np.isfinite(g)) and np.all(np.isfinite(w))):
        return None
    norm = float(np.dot(w, w))
    if norm == 0.0:
        return None
    c = float(np.dot(g, w) / norm)
    if abs(c) < 1e-12 or abs(c - 1.0) <= rtol:
        return None
    residual = float(np.linalg.norm(g - c * w))
    # The factor must explain the difference from the right answer, not only approximate it:
    # near c = 1 any small smooth error is "about 1.003 times" the right answer.
    if residual > min(rtol * abs(c), 0.05 * abs(c - 1.0)) * np.sqrt(norm):
        return None
    return c


def _flat(got: Any, want: Any) -> tuple[np.ndarray | None, np.ndarray | None]:
    """got and want as two flat float64 vectors of the same length, or (None, None)."""
    if isinstance(want, dict):
        if not isinstance(got, dict) or any(k not in got for k in want):
            return None, None
        pairs = [_flat(got[k], want[k]) for k in want]
        if not pairs or any(g is None for g, _ in pairs):
            return None, None
        return np.concatenate([g for g, _ in pairs]), np.concatenate([w for _, w in pairs])
    try:
        g = np.asarray(got, dtype=np.float64)
        w = np.asarray(want, dtype=np.float64)
    except (TypeError, ValueError):
        return None, None
    if g.shape != w.shape:
        return None, None
    return g.ravel(), w.ravel()


def same_factor(c: float, other: float | None, *, rtol: float = 1e-3) -> bool:
    """Whether ``other`` is the factor ``c`` (to ``rtol``)."""
    return other is not None and abs(other / c - 1.0) <= rtol


def power_of(c: float, base: float, *, most: int = 4) -> int | None:
    """k when c == base ** k for a whole k with 0 < |k| <= most (to 1e-3), else None."""
    if base <= 1 or c <= 0:
        return None
    k = round(np.log(c) / np.log(base))
    if k == 0 or abs(k) > most or not same_factor(float(base) ** k, c):
        return None
    return int(k)


def as_ratio(value: float) -> str:
    """A factor as a reader writes it: '5', '1/5', '5/9', or '0.137' when no small ratio fits."""
    ratio = Fraction(value).limit_denominator(1000)
    if abs(float(ratio) - value) <= 1e-6 * abs(value):
        if ratio.denominator == 1:
            return str(ratio.numerator)
        return f"{ratio.numerator}/{ratio.denominator}"
    return f"{value:.3g}"


def name_factor(c: float, meanings: Iterable[tuple[float, str]]) -> str | None:
    """The meaning whose factor is ``c`` (to 1e-3), or None."""
    for factor, meaning in meanings:
        if factor != 0 and abs(c / factor - 1.0) <= 1e-3:
            return meaning
    return None


def how_far(c: float) -> str:
    """'5 times too large', '1/5 of the right size', 'the right size with the sign flipped'."""
    if c < 0:
        if abs(c + 1.0) <= 1e-3:
            return "the right size with the sign flipped"
        return f"{as_ratio(-c)} times the right size with the sign flipped"
    if c > 1:
        return f"{as_ratio(c)} times too large"
    return f"{as_ratio(c)} of the right size"
