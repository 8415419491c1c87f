"""Diagnoses that hold across lessons: models of a wrong answer, each written once.

A check names a mistake only when the student's output fits that mistake's model on the failing
case (``checking.Mistake``). Some models are the same wherever they are met, and live here, so
that one diagnosis gives one feedback, with one id, in every lesson that makes it:

* ``check_every_case`` and ``consistent_mistakes``: naming across a check's cases. A model
  that cannot be computed on one case (too few inputs to trace a gradient back) may be on the
  next; a single number can fit a wrong model by chance, so a function that returns one is
  named only when the model fits on every case;
* ``expect_kept``: an argument the function changed in place (compared before and after);
* ``factor_mistake``: the answer is the right one times a constant. The hint gives the factor
  and, when one of the meanings the check offers fits it, what it means; ``mean_factors`` are
  the meanings of a mean counted wrongly (the 1/N missing, 1/N applied k times, a division by
  another count than N);
* ``repeated_mean_mistake``: 1/N applied again at every layer on the way down, so that a
  layer's gradients are 1/N^(layers above it) of the right ones;
* ``implied_upstream``: the dZ behind a weight gradient dW = inputs.T @ dZ, so that a check can
  model what follows from a mistake without a backward pass of its own;
* ``gradient_mistakes`` and ``gradient_exceptions``: the mistakes of a backward pass through a
  ReLU network of any depth (lesson 04's two layers, lesson 09's L), each computed from the
  inputs, the right gradients and the student's own ones; ``expect_gradient_shapes``,
  ``expect_gradient_values`` and ``expect_gradient_check`` are the checks both lessons make
  of a backward pass with them.

Every mistake's id is the graded function's name, a dot, and the mistake ("backward.missing_mean").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograder.checking import (
    CheckFailed,
    Mistake,
    describe,
    directional_derivatives,
    expect_close,
    expect_ndarray,
    expect_shape,
    expect_unchanged,
    failure,
)
from autograder.checks.factors import constant_factor, how_far, same_factor


def named_or_advice(message: str, mistake: Mistake | None, advice: str | None) -> CheckFailed:
    """A failure that names ``mistake`` when one fitted (found by the caller), else gives
    ``advice``, which names none."""
    if mistake is not None:
        return CheckFailed(message, mistake=mistake)
    return CheckFailed(message, advice)


# -- naming across the cases of a check ---------------------------------------------------------


def first_named(failures: list[CheckFailed]) -> CheckFailed:
    """The first failure that names a mistake, when every failure that names one names the same;
    else the first failure, naming nothing. Whichever case is read first, the name is the same.

    A model may not apply to every case (a bias summed over the wrong axis has the right shape
    when N is the number of units), or not be computable on it (the dZ behind a gradient needs
    inputs of full rank): one case that shows which mistake it is is enough. Two cases that
    name different mistakes mean that one fitted by chance: then nothing is named."""
    named = {f.mistake for f in failures if f.mistake}
    if len(named) == 1:
        return next(f for f in failures if f.mistake)
    first = failures[0]
    return CheckFailed(first.message) if first.mistake else first


def check_every_case(cases: Iterable[str], check: Callable[[str], None]) -> None:
    """Run ``check`` on every case; raise ``first_named`` of the failures, if any."""
    failures = []
    for case in cases:
        try:
            check(case)
        except CheckFailed as failed:
            failures.append(failed)
    if failures:
        raise first_named(failures)


def consistent_mistakes(
    fn: Any,
    cases: Iterable[str],
    mistakes_of: Callable[[str], list[Mistake]],
    case: str,
    number_of: Callable[[Any], Any] = lambda result: result,
) -> list[Mistake]:
    """The mistakes of ``case`` for a function that returns one number, each named only when
    its model fits the student's number on every one of ``cases`` (one number can match a
    wrong model by chance; several cannot). Where a model is missing from a case (it gives
    the right number there), the student's number must be right. ``number_of`` picks the
    number out of a result (and out of the expected value)."""
    cases = list(cases)
    models: dict[str, dict[str, list[Mistake]]] = {}
    for c in cases:
        models[c] = {}
        for model in mistakes_of(c):
            models[c].setdefault(model.id, []).append(model)
    results = {
        c: (None if fn.raised(c) is not None else _number(number_of, fn.result(c))) for c in cases
    }

    def fits_everywhere(mistake: str) -> bool:
        for c in cases:
            if fn.raised(c) is not None:
                return False
            right = _number(number_of, fn.expected(c))
            options = models[c].get(mistake) or [Mistake("", right, rtol=1e-6, atol=1e-12)]
            if not any(model.fits(results[c]) for model in options):
                return False
        return True

    return [
        Mistake(group[0].hint, matches=lambda _, m=mistake: fits_everywhere(m), id=mistake)
        for mistake, group in models[case].items()
    ]


def _number(number_of: Callable[[Any], Any], result: Any) -> Any:
    try:
        return number_of(result)
    except Exception:  # noqa: BLE001 - a result of another shape has no number to compare
        return None


# -- an argument changed in place ---------------------------------------------------------------


def expect_kept(before: Any, after: Any, what: str, *, hint: str, id: str) -> None:
    """``expect_unchanged``, naming the mistake ``id`` (the argument was changed in place: the
    comparison of the argument before and after the call is its model)."""
    try:
        expect_unchanged(before, after, what, hint=hint)
    except CheckFailed as failed:
        raise CheckFailed(failed.message, mistake=Mistake(failed.hint or hint, id=id)) from None


def expect_args_kept(fn: Any, names: Iterable[str], *, hint: str, id: str) -> None:
    """On every case, the positional arguments ``names`` (in order: "X", "y", "params") left as
    they were given, naming ``id`` for one changed in place."""
    names = list(names)
    for case in fn.cases:
        before = fn.call(case).args
        fn.result(case)
        after = fn.args_after(case)
        for index, what in enumerate(names[: len(before)]):
            expect_kept(
                before[index], after[index], f"the '{case}' case's {what}", hint=hint, id=id
            )


# -- off by a constant factor -------------------------------------------------------------------


@dataclass(frozen=True)
class Factor:
    """What a factor means: the answer is ``value`` times the right one when ``meaning`` holds."""

    value: float
    meaning: str
    id: str  # the mistake, after "function."


def factor_mistake(
    function: str,
    got: Any,
    want: Any,
    factors: Iterable[Factor],
    *,
    subject: str,
    otherwise: str,
) -> Mistake | None:
    """The mistake "``subject`` is c times the right answer", when ``got`` == c * ``want``.

    ``got`` and ``want`` are arrays or dicts of arrays (one factor for all their entries);
    ``subject`` starts the hint as written ("Every gradient is", "dW1 is"). The hint names c and, when one of ``factors`` has that value, its meaning; otherwise it says
    ``otherwise`` (what to look at, without a guess), and the id is ``function.constant_factor``.
    The mistake fits whatever part of the answer a check then shows: its model is the whole
    answer, which fitted here.
    """
    c = constant_factor(got, want)
    if c is None or _degenerate(want):
        return None
    found = next((f for f in factors if same_factor(f.value, c)), None)
    meaning, mistake = (found.meaning, found.id) if found else (otherwise, "constant_factor")
    said = f"{subject} {how_far(c)}"
    return Mistake(f"{said}: {meaning}.", matches=_always, id=f"{function}.{mistake}")


def _always(_: Any) -> bool:
    return True


def _degenerate(want: Any) -> bool:
    """Whether any answer of the same form is a multiple of ``want`` by construction: a vector
    with one entry that is not 0, or a matrix of rank 1 (a gradient from one example, or through
    one active unit). A factor found there is a coincidence, not a diagnosis."""
    if isinstance(want, dict):
        return all(_degenerate(v) for v in want.values())
    w = np.asarray(want, dtype=np.float64)
    scale = float(np.max(np.abs(w), initial=0.0))
    if w.ndim == 2 and min(w.shape) > 1:
        return bool(np.linalg.matrix_rank(w, tol=1e-9 * scale * max(w.shape)) < 2)
    return bool(np.count_nonzero(np.abs(w) > 1e-9 * scale) < 2)


def mean_factors(n: int, *, once: str, counts: Iterable[tuple[int, str, str]] = ()) -> list[Factor]:
    """The factors of a mean over N = ``n`` examples counted wrongly, and what each means.

    ``once`` says where the 1/N belongs ("in dZ2 = (P - Y) / N"). ``counts`` are other numbers
    a student may have divided by instead of N: (count, what it is, mistake id), for example
    (784, "X.shape[1] = 784, the number of pixels", "inputs_not_N").
    """
    factors = []
    if n > 1:
        factors.append(
            Factor(n, f"the loss is the MEAN over the N = {n} examples: divide by N {once}",
                   "missing_mean")
        )  # fmt: skip
        for extra in (1, 2, 3):
            times = "twice" if extra == 1 else f"{extra + 1} times"
            factors.append(
                Factor(
                    float(n) ** -extra,
                    f"1/N is applied {times}: divide by N once only, {once}; what is computed "
                    "from it inherits the 1/N",
                    "mean_repeated",
                )
            )
    for count, what, mistake in counts:
        if count != n and count > 0:
            factors.append(
                Factor(
                    n / count,
                    f"you divided by {what} instead of by N = X.shape[0] = {n}, the number of "
                    "examples",
                    mistake,
                )
            )
    return factors


def repeated_mean_mistake(
    function: str, got: dict, want: dict, n: int, *, once: str
) -> Mistake | None:
    """1/N applied again at every layer on the way down: each layer's gradients are 1/N^k of
    the right ones, k the number of layers above it (those of the output layer right)."""
    depth = max(int(k[2:]) for k in want)
    if n < 2 or depth < 2 or not isinstance(got, dict):
        return None
    for key, right in want.items():
        above = depth - int(key[2:])
        mine = got.get(key)
        if above == 0:
            if not _close(mine, right):
                return None
        elif not same_factor(float(n) ** -above, constant_factor(mine, right)):
            return None
    lower = "dW1 and db1 are" if depth == 2 else "each layer's gradients are"
    return Mistake(
        f"{lower} 1/N of the right ones once more for every layer above (dZ is divided by N "
        f"again on the way down): divide by N once only, {once}; the layers below inherit it "
        "through dZ @ W.T",
        matches=_always,
        id=f"{function}.mean_every_layer",
    )


def _finite(grads: Any) -> bool:
    """Whether every entry of every gradient is finite (anything else counts as finite)."""
    if not isinstance(grads, dict):
        return True
    for value in grads.values():
        try:
            if not np.all(np.isfinite(np.asarray(value, dtype=np.float64))):
                return False
        except (TypeError, ValueError):
            continue
    return True


def _close(got: Any, want: Any) -> bool:
    try:
        g, w = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return g.shape == w.shape and bool(np.allclose(g, w, rtol=1e-4, atol=1e-7 * _size(w)))


def _size(array: np.ndarray) -> float:
    return float(np.max(np.abs(array), initial=0.0)) or 1.0


# -- backpropagation through a ReLU network of any depth (lessons 04 and 09) -----------------


def implied_upstream(inputs: Any, grad: Any) -> np.ndarray | None:
    """D with inputs.T @ D == grad, when that fixes D (inputs of full row rank), else None.

    A right dW_l = A_(l-1).T @ dZ_l gives back the dZ_l behind it, and a student's dW_l the dZ_l
    behind theirs: the checks model a mistake downstream of dZ without a backward pass of their
    own.
    """
    A = np.asarray(inputs, dtype=np.float64).T
    G = np.asarray(grad, dtype=np.float64)
    if A.ndim != 2 or G.ndim != 2 or A.shape[0] != G.shape[0] or A.shape[0] < A.shape[1]:
        return None
    if np.linalg.matrix_rank(A) < A.shape[1]:
        return None
    D = np.linalg.lstsq(A, G, rcond=None)[0]
    return D if np.allclose(A @ D, G, rtol=1e-4, atol=1e-8 * _size(G)) else None


class Network:
    """A case of a backward pass: X, y, params "W1".."WL", caches "Z1", "A1", ..., "ZL"."""

    def __init__(self, X: Any, y: Any, params: dict, caches: dict):
        self.X = np.asarray(X, dtype=np.float64)
        self.y = np.asarray(y)
        self.n = len(self.X)
        self.depth = len(params) // 2
        self.W = {l: np.asarray(params[f"W{l}"], np.float64) for l in range(1, self.depth + 1)}
        self.Z = {l: np.asarray(caches[f"Z{l}"], np.float64) for l in range(1, self.depth + 1)}
        self.A = {0: self.X} | {
            l: np.asarray(caches[f"A{l}"], np.float64) for l in range(1, self.depth)
        }
        logits = np.asarray(caches[f"Z{self.depth}"])
        # exp overflows beyond log(largest float): e.g. 709.8 in float64, 88.7 in float32
        dtype = logits.dtype if logits.dtype.kind == "f" else np.dtype(np.float64)
        self.overflows = bool(np.max(logits, initial=0.0) > np.log(np.finfo(dtype).max))

    def input_name(self, layer: int) -> str:
        return "X" if layer == 1 else f"A{layer - 1}"

    def upstream(self, grads: Any, layer: int) -> np.ndarray | None:
        """The dZ of ``layer`` behind ``grads``' dW (the right gradients, or a student's)."""
        if not isinstance(grads, dict):
            return None
        dW = grads.get(f"dW{layer}")
        if not isinstance(dW, np.ndarray) or dW.shape != self.W[layer].shape:
            return None
        return implied_upstream(self.A[layer - 1], dW)

    def layer_grads(self, layer: int, dZ: np.ndarray) -> dict[str, np.ndarray]:
        return {f"dW{layer}": self.A[layer - 1].T @ dZ, f"db{layer}": dZ.sum(axis=0)}


def gradient_mistakes(
    function: str, name: str, net: Network, want: dict, got: Any
) -> list[Mistake]:
    """The known mistakes a wrong gradient ``name`` ("dW2", "db1", ...) may fit, most specific
    first: each a value computed from the case, the right gradients and the student's own."""
    L, n, layer = net.depth, net.n, int(name[2:])
    once = f"in dZ{L} = (P - Y) / N"
    overflow = Mistake(
        f"The logits Z{L} here reach {np.max(net.Z[L]):.0f}, and exp of them overflows to inf: "
        f"use softmax (it subtracts each row's max first), or subtract it yourself.",
        matches=lambda _: net.overflows and not _finite(got),
        id=f"{function}.softmax_overflow",
    )
    whole = [
        overflow if net.overflows else None,
        factor_mistake(
            function,
            got,
            want,
            [Factor(-1.0, f"dZ{L} = (P - Y) / N, not (Y - P) / N", "sign_flipped")]
            + mean_factors(n, once=once, counts=_counts(net)),
            subject="Every gradient is",
            otherwise=f"dZ{L} is (P - Y) / N with N = X.shape[0] = {n}, and no other factor "
            "comes after it",
        ),
        repeated_mean_mistake(function, got, want, n, once=once),
    ]
    mistakes = [m for m in whole if m is not None]
    if mistakes:
        return mistakes
    right_dZ = net.upstream(want, layer)
    kind = name[1]
    if kind == "b":
        mistakes += _bias_mistakes(function, name, n, want[name], right_dZ)
    else:
        mistakes += _weight_mistakes(function, layer, net, want[name], right_dZ)
    if right_dZ is not None:
        for signal in _signal_mistakes(function, layer, net, got, right_dZ):
            value = net.layer_grads(layer, signal.dZ)[name]
            mistakes.append(Mistake(signal.hint, value, id=signal.id))
    single = factor_mistake(
        function,
        got.get(name) if isinstance(got, dict) else None,
        want[name],
        ([Factor(1 / n, f"sum dZ{layer} over the batch (axis 0); np.mean divides by N a second "
                 "time", "db_mean")] if kind == "b" and n > 1 else [])
        + mean_factors(n, once=once, counts=_counts(net)),
        subject=f"{name} is",
        otherwise=f"the direction is right but not the scale: look at the constants in {name}",
    )  # fmt: skip
    if single is not None:
        mistakes.append(single)
    return mistakes


def _counts(net: Network) -> list[tuple[int, str, str]]:
    n_in, n_out = net.X.shape[1], net.W[net.depth].shape[1]
    columns = (
        f"X.shape[1] = {n_in} (the number of inputs per example; the original notebook kept "
        "its examples in columns)"
    )
    counts = [
        (n_in, columns, "inputs_not_N"),
        (n_out, f"{n_out} (the number of classes, P.shape[1])", "classes_not_N"),
    ]
    counts += [
        (net.W[l].shape[1], f"{net.W[l].shape[1]} (the width of hidden layer {l})", "width_not_N")
        for l in range(1, net.depth)
    ]
    if net.n > 1:
        counts.append(
            (
                net.n * n_out,
                f"N * {n_out}, the number of entries of P - Y (a mean over all of them?),",
                "mean_over_entries",
            )
        )
    return counts


def _bias_mistakes(
    function: str, name: str, n: int, right: np.ndarray, dZ: np.ndarray | None
) -> list[Mistake]:
    right = np.asarray(right, dtype=np.float64)
    layer = name[2:]
    shape = right.shape
    mistakes = [
        Mistake(
            f"A bias gradient has the bias's shape {shape}: sum dZ{layer} over axis 0 without "
            "keepdims=True.",
            right[None, :],
            id=f"{function}.db_keepdims",
        ),
        Mistake(
            f"Sum dZ{layer} over the batch axis only, axis=0, which leaves one entry per unit: "
            f"without an axis, np.sum adds up every entry into one number.",
            right.sum(),
            id=f"{function}.db_scalar",
        ),
    ]
    if dZ is not None and n > 1:
        mistakes.append(
            Mistake(
                f"db{layer} sums dZ{layer} over the batch axis 0 (one entry per unit), not over "
                "axis 1 (one entry per example).",
                dZ.sum(axis=1),
                id=f"{function}.db_axis1",
            )
        )
    return mistakes


def _weight_mistakes(
    function: str, layer: int, net: Network, right: np.ndarray, dZ: np.ndarray | None
) -> list[Mistake]:
    right = np.asarray(right, dtype=np.float64)
    source = net.input_name(layer)
    mistakes = []
    if right.shape[0] != right.shape[1]:
        mistakes.append(
            Mistake(
                f"dW{layer} = {source}.T @ dZ{layer} has the shape of W{layer}, {right.shape}; "
                "yours is its transpose.",
                right.T,
                id=f"{function}.dW_transposed",
            )
        )
    if dZ is None:
        return mistakes
    if layer > 1:
        mistakes += [
            Mistake(
                f"dW{layer} = {source}.T @ dZ{layer} uses the activations {source} (after the "
                f"ReLU), not Z{layer - 1}.",
                net.Z[layer - 1].T @ dZ,
                id=f"{function}.Z_as_input",
            ),
            Mistake(
                f"dW{layer} = {source}.T @ dZ{layer}: the input of layer {layer} is {source}; X "
                "is the input of the first layer only.",
                net.X.T @ dZ,
                id=f"{function}.X_as_input",
            ),
        ]
    if layer < net.depth:
        mistakes.append(
            Mistake(
                f"dW{layer} = {source}.T @ dZ{layer}: the input of layer {layer} is {source}, "
                f"not its own output A{layer}.",
                net.A[layer].T @ dZ,
                id=f"{function}.output_as_input",
            )
        )
    return mistakes


@dataclass(frozen=True)
class _Signal:
    """The dZ of a layer that a mistake makes, its hint and its id."""

    dZ: np.ndarray
    hint: str
    id: str


def _signal_mistakes(
    function: str, layer: int, net: Network, got: Any, right_dZ: np.ndarray
) -> list[_Signal]:
    """What dZ of ``layer`` a mistake makes: at the output from the right dZ_L, below it from
    the student's own dZ of the layer above (their step down)."""
    L, n = net.depth, net.n
    if layer == L:
        Y = np.eye(net.W[L].shape[1])[net.y]
        P = n * right_dZ + Y
        found = [
            _Signal(
                (net.Z[L] - Y) / n,
                hint=f"dZ{L} = (P - Y) / N with the probabilities P = softmax(Z{L}), not the "
                f"logits Z{L}.",
                id=f"{function}.logits_not_probs",
            ),
            _Signal(
                P / n,
                hint=f"dZ{L} = (P - Y) / N: subtract the one-hot labels Y.",
                id=f"{function}.Y_missing",
            ),
        ]
        if n in (1, Y.shape[1]):  # only then does P - y broadcast
            found.append(
                _Signal(
                    (P - net.y.reshape(1, -1)) / n,
                    hint=f"Subtract one_hot(y), an (N, {Y.shape[1]}) array, not the labels y "
                    "themselves: P - y broadcasts y along the classes.",
                    id=f"{function}.labels_not_one_hot",
                )
            )
        return found
    above = net.upstream(got, layer + 1)
    if above is None:
        return []
    dA = above @ net.W[layer + 1].T
    step = f"Multiply dA{layer} by relu_derivative(Z{layer})"
    return [
        _Signal(
            dA,
            hint=f"{step} to get dZ{layer}: the gradient reaches hidden units whose "
            f"Z{layer} <= 0, which had no effect on the loss.",
            id=f"{function}.no_relu_derivative",
        ),
        _Signal(
            dA * net.A[layer],
            hint=f"{step} (0 or 1), not by relu(Z{layer}).",
            id=f"{function}.relu_not_derivative",
        ),
        _Signal(
            dA * net.Z[layer],
            hint=f"{step} (0 or 1), not by Z{layer} itself.",
            id=f"{function}.Z_not_derivative",
        ),
    ]


def gradient_exceptions(function: str, net: Network) -> list[tuple[str | None, str, str, str]]:
    """Exceptions that known mistakes raise, exactly as NumPy words them on this case, for
    ``result_or_known_error``: (type, text of the message, hint, mistake id)."""
    n, L = net.n, net.depth
    classes = net.W[L].shape[1]
    labels = (
        f"Subtract one_hot(y), an (N, {classes}) array, from the probabilities; y itself is (N,)."
    )
    known: list[tuple[str | None, str, str, str]] = [
        ("ValueError", f"shapes ({n},{classes}) ({n},)", labels, f"{function}.labels_not_one_hot")
    ]
    if classes != 10:
        known.append(
            (
                "ValueError",
                f"shapes ({n},{classes}) ({n},10)",
                (
                    f"one_hot(y, num_classes) needs the number of classes, n_L = {classes} here "
                    "(the width of the last layer); its default is 10."
                ),
                f"{function}.classes_fixed_at_10",
            )
        )
    if n not in (1, classes):
        rows = (
            f"one_hot(y, num_classes) needs the number of classes, {classes} (P.shape[1]); yours "
            f"has N = {n} columns, the number of examples (shape[0])."
        )
        # a label of N or more does not fit N columns: one_hot raises before the subtraction
        known.append(
            ("IndexError", f"axis 1 with size {n}", rows, f"{function}.classes_miscounted")
        )
        known.append(
            (
                "ValueError",
                f"shapes ({n},{classes}) ({n},{n})",
                (
                    f"one_hot(y, num_classes) needs the number of classes, {classes} (P.shape[1]); "
                    f"yours has N = {n} columns, the number of examples (shape[0])."
                ),
                f"{function}.classes_miscounted",
            )
        )
    for l in range(2, L + 1):
        below, width = net.W[l].shape
        # dA_(l-1) * relu_derivative(Z_l): the mask of the layer above. (dZ_l times the mask of
        # layer l - 1, W_l forgotten, raises the words of dA_(l-2) times the mask of layer l - 1,
        # and, at the output, those of one_hot(y, n_(L-1)): those are left unnamed.)
        if below != width:
            known.append(
                (
                    "ValueError",
                    f"shapes ({n},{below}) ({n},{width})",
                    (
                        f"dZ{l - 1} = dA{l - 1} * relu_derivative(Z{l - 1}): the derivative of the "
                        f"layer's own Z{l - 1}, ({n}, {below}), not of Z{l}."
                    ),
                    f"{function}.mask_of_wrong_layer",
                )
            )
        hint = (
            f"dA{l - 1} = dZ{l} @ W{l}.T is (N, {width}) @ ({width}, {below}): W{l} is "
            f"({below}, {width}), so it needs the .T."
        )
        # np.dot's message gives both shapes: dZ_l and W_l exactly. The @ operator's gives only
        # the sizes that disagree, which another product (dZ_l @ W_(l-1).T) can share: the
        # general advice on products covers it, without a name.
        if below != width:
            known.append(
                (
                    "ValueError",
                    f"shapes ({n},{width}) and ({below},{width}) not aligned",
                    hint,
                    f"{function}.W_not_transposed",
                )
            )
    return known


# -- the checks of a backward pass (lessons 04 and 09), written once -----------------------------


def expect_gradient_shapes(
    function: str, net: Network, params: dict, want: dict, got: dict, what: str, names
) -> None:
    """Each gradient of ``names`` an array shaped like its parameter (a bias gradient has one
    entry per unit, never a single number), naming the mistake whose model fits."""
    for name in names:
        shape = params[name[1:]].shape
        mistakes = gradient_mistakes(function, name, net, want, got)
        if np.ndim(got[name]) == 0 and name.startswith("db"):
            raise failure(
                f"{name} from {what} is a single number ({describe(got[name])}); it should have "
                f"one entry per unit, shape {shape}.",
                mistakes,
                got[name],
                f"Sum dZ{name[2:]} over the batch axis only, axis=0, which leaves one entry per "
                "unit.",
            )
        array = expect_ndarray(got[name], f"{name} from {what}", mistakes=mistakes)
        expect_shape(array, shape, f"{name} from {what}", mistakes=mistakes)


def expect_gradient_values(
    function: str, case: str, net: Network, want: dict, got: dict, names, tolerance: dict, hint: str
) -> None:
    """Each gradient of ``names`` equal to the reference's, within ``tolerance``."""
    for name in names:
        expect_close(
            got[name],
            want[name],
            f"{name} from {function} on the '{case}' case",
            mistakes=gradient_mistakes(function, name, net, want, got),
            hint=hint,
            **tolerance,
        )


def expect_gradient_check(
    function: str, case: str, X, y, params: dict, net: Network, want: dict, got: dict, names, hint
) -> None:
    """Each gradient of ``names`` (from the output layer down: the first wrong one is where the
    mistake is) against centered differences of the loss along four random directions: a
    relative error below 1e-6 in float64, 1e-4 in float32."""
    limit = 1e-4 if np.asarray(X).dtype == np.float32 else 1e-6
    directions_rng = np.random.default_rng(len(X))
    for name in names:
        mine = np.asarray(got[name], dtype=np.float64)
        mistakes = gradient_mistakes(function, name, net, want, got)
        if not np.all(np.isfinite(mine)):
            raise failure(
                f"{name} from {function} on the '{case}' case contains nan or inf.",
                mistakes,
                got[name],
            )
        directions = [d / np.linalg.norm(d) for d in directions_rng.normal(size=(4,) + mine.shape)]
        numeric = directional_derivatives(X, y, params, name[1:], directions)
        analytic = np.array([np.sum(mine * d) for d in directions])
        scale = np.linalg.norm(analytic) + np.linalg.norm(numeric)
        error = np.linalg.norm(analytic - numeric) / max(scale, 1e-12)
        if error >= limit:
            raise failure(
                f"'{name}' on the '{case}' case: relative error {error:.1e} against centered "
                f"differences of the loss along random directions (want < {limit:.0e}).",
                mistakes,
                got[name],
                hint,
            )
