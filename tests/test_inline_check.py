"""`check(...)` in a notebook: what it shows, what it returns, and what it blames."""

from __future__ import annotations

import numpy as np

from autograder.inline import check


def _softmax(Z):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _relu_stub(Z):
    raise NotImplementedError("relu")


def _forward(X, params):
    Z1 = X @ params["W1"] + params["b1"]
    A1 = relu(Z1)  # noqa: F821 - the notebook's relu, looked up in the namespace below
    Z2 = A1 @ params["W2"] + params["b2"]
    return softmax(Z2), {"Z1": Z1, "A1": A1, "Z2": Z2}  # noqa: F821


def _notebook(**functions):
    """A notebook's globals: the functions, each seeing the others by name."""
    namespace = {"np": np, **functions}
    for value in functions.values():
        value.__globals__.update(namespace)
    return namespace


def test_check_returns_the_points_as_a_number_and_shows_a_rich_result(capsys):
    score = check("softmax", {"softmax": _softmax, "np": np})
    assert float(score) == 3 and repr(score) == "3"  # what nbgrader reads as partial credit
    html = score._repr_html_()
    assert '<code style="font-size:13px">softmax</code>' in html and "3 / 3 points" in html
    assert "checks passed" in html
    assert "✓ softmax" in capsys.readouterr().out


def test_an_unfinished_earlier_function_is_named_instead_of_not_implemented(capsys):
    """forward is written; relu (lesson 02) is still a stub: the feedback says so."""
    namespace = _notebook(forward=_forward, relu=_relu_stub, softmax=_softmax)
    score = check("forward", namespace)
    out = capsys.readouterr().out
    assert float(score) == 0
    assert "`forward` calls `relu`, which is not implemented yet" in out, out
    assert "forward: not implemented yet" not in out
