"""Checks for lesson 08 (bonus): adam_update.

Contract
--------
Every promise of the function's docstring and of the lesson, and the checks that hold them to it
(the cases are drawn by the builder below; each case name says which edge it covers).

adam_update(params, grads, state, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8)
    - returns a pair (new_params, new_state) ...................... every check
    - new_params: a dict with "W1", "b1", "W2", "b2", each one
      bias-corrected Adam step from params, with step number
      state["t"] + 1, learning_rate, beta1, beta2 and eps as given
      (eps outside the square root) ............................... test_adam_update_params
    - new_state: "t" one more than before, an int ................. test_adam_update_state
    - new_state: "m" and "v" the running averages of the gradients
      and of their squares, stored before the bias correction ..... test_adam_update_state
    - params, grads and state (t, m and v included) are left
      unchanged ................................................... test_adam_update_leaves_inputs_unchanged
    - on the first step (t = 0, zero moments), a later step, other
      hyperparameters, gradients that are tiny (where eps matters),
      zero (the moments only decay) or large, and float32 ......... the cases, every check

Not promised, so not checked: the dtype of the results (float32 inputs keep float32 with NumPy's
rules, but the lesson does not ask for it), parameter names other than the four of lesson 05.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from autograder.checking import (
    Call,
    CheckFailed,
    Mistake,
    cases_for,
    describe,
    expect,
    expect_close,
    expect_dict,
    expect_each,
    expect_unchanged,
    requires,
)

PARAM_NAMES = ("W1", "b1", "W2", "b2")
DEFAULTS = {"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}


def _params(rng, n_in=4, n_hidden=3, n_out=2, scale=1.0):
    shapes = {"W1": (n_in, n_hidden), "b1": (n_hidden,), "W2": (n_hidden, n_out), "b2": (n_out,)}
    return {k: rng.normal(0.0, scale, size=shape) for k, shape in shapes.items()}


def _grads(rng, params, scale=1.0):
    return {"d" + k: rng.normal(0.0, scale, size=v.shape) for k, v in params.items()}


def _later_state(rng, params):
    """A state some steps in: t from 4 to 8, moments of a plausible size."""
    return {
        "t": int(rng.integers(4, 9)),
        "m": {k: rng.normal(0.0, 0.1, size=v.shape) for k, v in params.items()},
        "v": {k: rng.uniform(1e-4, 1e-2, size=v.shape) for k, v in params.items()},
    }


def _fresh_state(params):
    return {
        "t": 0,
        "m": {k: np.zeros_like(v) for k, v in params.items()},
        "v": {k: np.zeros_like(v) for k, v in params.items()},
    }


@cases_for("adam_update")
def adam_update_cases(rng, ref):
    params = _params(rng)
    # Three steps in: the state comes from two earlier steps of the reference.
    walked, state = _params(rng), None
    state = _fresh_state(walked)
    for _ in range(2):
        walked, state = ref.adam_update(walked, _grads(rng, walked), state)
    later = _params(rng, 3, 5, 4)
    later_state = _later_state(rng, later)
    tiny = _params(rng)
    zero = _params(rng)
    large = _params(rng)
    return {
        "first_step": Call(params, _grads(rng, params), _fresh_state(params)),
        "third_step": Call(walked, _grads(rng, walked), state),
        "hyperparameters": Call(
            later,
            _grads(rng, later),
            later_state,
            learning_rate=0.01,
            beta1=0.8,
            beta2=0.99,
            eps=1e-6,
        ),
        "tiny_gradients": Call(
            tiny, _grads(rng, tiny, scale=1e-7), _fresh_state(tiny), learning_rate=0.05
        ),
        "zero_gradients": Call(
            zero,
            {"d" + k: np.zeros_like(v) for k, v in zero.items()},
            _later_state(rng, zero),  # the moments only decay
        ),
        "large_gradients": Call(
            large, _grads(rng, large, scale=1e3), _later_state(rng, large), learning_rate=0.02
        ),
        "float32": Call(
            {k: v.astype(np.float32) for k, v in params.items()},
            {k: v.astype(np.float32) for k, v in _grads(rng, params).items()},
            {
                "t": 0,
                "m": {k: np.zeros(v.shape, np.float32) for k, v in params.items()},
                "v": {k: np.zeros(v.shape, np.float32) for k, v in params.items()},
            },
        ),
    }


def _settings(call):
    return {k: call.kwargs.get(k, v) for k, v in DEFAULTS.items()}


def _pair(fn, case):
    got = fn.result(case)
    expect(
        isinstance(got, (tuple, list)) and len(got) == 2,
        f"adam_update(...) on the '{case}' case should return a pair (new_params, new_state); "
        f"got {describe(got)}.",
        "End with `return new_params, new_state`.",
    )
    first = got[0]
    expect(
        not (isinstance(first, dict) and {"t", "m", "v"} <= set(first)),
        f"adam_update(...) on the '{case}' case returned the state first: its first item has "
        f"the keys {sorted(map(str, first)) if isinstance(first, dict) else []}.",
        mistake=Mistake(
            "Return the pair in the order new_params, new_state.", id="adam_update.pair_swapped"
        ),
    )
    return got


def _wrong_params(call, want_state):
    """What typical mistakes give for the new params (from the expected new moments m and v):
    per parameter name, a list of (id, hint, value)."""
    params, grads, state = call.args[0], call.args[1], call.args[2]
    s = _settings(call)
    lr, b1, b2, eps = s["learning_rate"], s["beta1"], s["beta2"], s["eps"]
    t_old, t_new = state["t"], want_state["t"]
    wrong = {}
    for k in PARAM_NAMES:
        m, v, p, g = want_state["m"][k], want_state["v"][k], params[k], grads["d" + k]
        with np.errstate(all="ignore"):
            m_hat, v_hat = m / (1 - b1**t_new), v / (1 - b2**t_new)
            # With the old t (0 on a first step: a division by zero, inf or nan as NumPy gives).
            old_m_hat, old_v_hat = m / (1 - b1**t_old), v / (1 - b2**t_old)
            v_unsquared = (b2 * state["v"][k] + (1 - b2) * g) / (1 - b2**t_new)
            wrong[k] = [
                *_parts_left_out(p, lr, eps, (b1, b2), (m, v), (m_hat, v_hat)),
                *_parts_done_wrong(
                    p, lr, eps, g, (m_hat, v_hat), (old_m_hat, old_v_hat), v_unsquared
                ),
            ]
    return wrong


Moments = tuple[np.ndarray, np.ndarray]  # m and v, or their bias-corrected m_hat and v_hat


def _parts_left_out(
    p: np.ndarray,
    lr: float,
    eps: float,
    betas: tuple[float, float],
    moments: Moments,
    corrected: Moments,
) -> list[tuple[str, str, np.ndarray]]:
    """A part of Adam's step left out: a bias correction, its t, eps, the denominator."""
    (b1, b2), (m, v), (m_hat, v_hat) = betas, moments, corrected
    return [
        (
            "adam_update.m_not_bias_corrected",
            "Bias-correct m too: m_hat = m / (1 - beta1**t).",
            p - lr * m / (np.sqrt(v_hat) + eps),
        ),
        (
            "adam_update.v_not_bias_corrected",
            "Bias-correct v too: v_hat = v / (1 - beta2**t).",
            p - lr * m_hat / (np.sqrt(v) + eps),
        ),
        (
            "adam_update.bias_correction_without_t",
            (
                "The bias correction divides by 1 - beta**t, beta to the power of the step "
                "number t, not by 1 - beta."
            ),
            p - lr * (m / (1 - b1)) / (np.sqrt(v / (1 - b2)) + eps),
        ),
        (
            "adam_update.no_eps",
            (
                "Add eps to the denominator, np.sqrt(v_hat) + eps: it keeps the step finite "
                "where v_hat is 0 or tiny."
            ),
            p - lr * m_hat / np.sqrt(v_hat),
        ),
        (
            "adam_update.momentum_only",
            ("Divide by np.sqrt(v_hat) + eps: without it the step is momentum SGD, not Adam."),
            p - lr * m_hat,
        ),
        (
            "adam_update.no_bias_correction",
            "Divide by (1 - beta1**t) and (1 - beta2**t): the bias correction of m and v.",
            p - lr * m / (np.sqrt(v) + eps),
        ),
    ]


def _parts_done_wrong(
    p: np.ndarray,
    lr: float,
    eps: float,
    g: np.ndarray,
    corrected: Moments,
    corrected_with_old_t: Moments,
    v_unsquared: np.ndarray,
) -> list[tuple[str, str, np.ndarray]]:
    """A part of Adam's step done wrong: eps or the root, t, the sign, the averages."""
    (m_hat, v_hat), (old_m_hat, old_v_hat) = corrected, corrected_with_old_t
    return [
        (
            "adam_update.eps_inside_sqrt",
            "eps goes outside the square root: m_hat / (np.sqrt(v_hat) + eps).",
            p - lr * m_hat / np.sqrt(v_hat + eps),
        ),
        (
            "adam_update.no_sqrt",
            "Take the square root of v_hat: m_hat / (np.sqrt(v_hat) + eps).",
            p - lr * m_hat / (v_hat + eps),
        ),
        (
            "adam_update.t_not_incremented",
            (
                "Increase t first (t = state['t'] + 1), then use the new t in the bias "
                "correction: with t = 0 it divides by 1 - beta**0 = 0."
            ),
            p - lr * old_m_hat / (np.sqrt(old_v_hat) + eps),
        ),
        (
            "adam_update.wrong_sign",
            "The step goes against the gradient: param - learning_rate * m_hat / (...).",
            p + lr * m_hat / (np.sqrt(v_hat) + eps),
        ),
        (
            "adam_update.raw_gradient",
            "Use the moving averages m_hat and v_hat, not the raw gradient.",
            p - lr * g / (np.sqrt(v_hat) + eps),
        ),
        (
            "adam_update.v_without_square",
            "v averages the squared gradients: (1 - beta2) * g**2.",
            p - lr * m_hat / (np.sqrt(v_unsquared) + eps),
        ),
    ]


def test_adam_update_params(outcome):
    """adam_update's new parameters match one bias-corrected Adam step."""
    fn = outcome("adam_update")
    readings = []
    for case in fn.cases:
        call = fn.call(case)
        got_params, _ = _pair(fn, case)
        want_params, want_state = fn.expected(case)
        got_params = expect_dict(
            got_params,
            PARAM_NAMES,
            f"the new params of adam_update on the '{case}' case",
            hint="Return a new dict with the keys 'W1', 'b1', 'W2', 'b2'.",
        )
        wrong = _wrong_params(call, want_state)
        float32 = call.args[0]["W1"].dtype == np.float32
        model = _model_tolerance(float32)
        for k in PARAM_NAMES:
            readings.append(
                (
                    partial(
                        expect_close,
                        got_params[k],
                        want_params[k],
                        f"the new '{k}' on the '{case}' case",
                        rtol=1e-4 if float32 else 1e-7,
                        atol=1e-6 if float32 else 1e-12,
                    ),
                    got_params[k],
                    [
                        Mistake(hint, value, id=mistake_id, **model)
                        for mistake_id, hint, value in wrong[k]
                        # A model that gives the right values on this case tells nothing here.
                        if not _close(value, want_params[k], **model)
                    ],
                )
            )
    expect_each(readings)


def _model_tolerance(float32, scale=1.0):
    """A model is what the mistaken code computes: it fits to rounding, far tighter than the
    check's tolerance (float32 code rounds in float32). ``scale``: the size of the values (the
    moments of tiny gradients are near 1e-17)."""
    if float32:
        return {"rtol": 1e-5, "atol": 1e-7 * scale}
    return {"rtol": 1e-9, "atol": 1e-12 * scale}


def _close(a, b, *, rtol, atol):
    with np.errstate(all="ignore"):
        left = np.asarray(a, dtype=np.float64)
        right = np.asarray(b, dtype=np.float64)
        return left.shape == right.shape and bool(np.allclose(left, right, rtol=rtol, atol=atol))


def test_adam_update_state(outcome):
    """adam_update's new state has t + 1 and the raw moving averages m and v."""
    fn = outcome("adam_update")
    readings = []
    for case in fn.cases:
        call = fn.call(case)
        grads, state = call.args[1], call.args[2]
        _, got_state = _pair(fn, case)
        _, want_state = fn.expected(case)
        what = f"the new state of adam_update on the '{case}' case"
        got_state = expect_dict(
            got_state,
            ["t", "m", "v"],
            what,
            hint="Return {'t': t, 'm': {...}, 'v': {...}} like init_adam_state makes.",
        )
        _expect_step_count(got_state["t"], state["t"], want_state["t"], what)
        s = _settings(call)
        float32 = call.args[0]["W1"].dtype == np.float32
        for moment in ("m", "v"):
            got = expect_dict(
                got_state[moment],
                PARAM_NAMES,
                f"{what}: '{moment}'",
                hint=f"Keep one '{moment}' array per parameter name ('W1', 'b1', 'W2', 'b2').",
            )
            for k in PARAM_NAMES:
                g = grads["d" + k]
                want = want_state[moment][k]
                with np.errstate(all="ignore"):
                    corrected = want / (
                        1 - (s["beta1"] if moment == "m" else s["beta2"]) ** want_state["t"]
                    )
                size = float(np.max(np.abs(want), initial=0.0)) if np.size(want) else 0.0
                model = _model_tolerance(float32, scale=min(1.0, size) or 1e-30)
                mistakes = [
                    Mistake(
                        "Store the raw moving averages m and v in the state; the bias-corrected "
                        "m_hat and v_hat are only for this step's update.",
                        corrected,
                        id="adam_update.stores_bias_corrected",
                        **model,
                    ),
                    *_moment_mistakes(moment, s, state[moment][k], g, model),
                ]
                readings.append(
                    (
                        partial(
                            expect_close,
                            got[k],
                            want,
                            f"{what}: {moment}['{k}']",
                            rtol=1e-4 if float32 else 1e-7,
                            atol=1e-7 if float32 else 1e-14,
                        ),
                        got[k],
                        [m for m in mistakes if not _close(m.value, want, **model)],
                    )
                )
    expect_each(readings)


def _expect_step_count(t, t_before: int, t_want: int, what: str) -> None:
    """The new state's t is an int, one more than the state's t before the step."""
    expect(
        isinstance(t, (int, np.integer)) and not isinstance(t, bool),
        f"{what}: 't' should be an int; got {describe(t)}.",
        "Count the steps with an int: t = state['t'] + 1.",
    )
    expect(
        int(t) == t_want,
        f"{what}: 't' is {int(t)}; expected {t_want} (it was {t_before} before this step).",
        None if int(t) == t_before else "Each step increases t by one: t = state['t'] + 1.",
        mistake=(
            Mistake(
                "Increase t first (t = state['t'] + 1) and return the new t in the state.",
                id="adam_update.t_not_incremented",
            )
            if int(t) == t_before
            else None
        ),
    )


def _moment_mistakes(
    moment: str, s: dict, before: np.ndarray, g: np.ndarray, model: dict
) -> list[Mistake]:
    """What a moment's average with the wrong beta, or v's without the square, would be."""
    if moment == "v":
        return [
            Mistake(
                "v averages the squared gradients: (1 - beta2) * g**2.",
                s["beta2"] * before + (1 - s["beta2"]) * g,
                **model,
                id="adam_update.v_without_square",
            ),
            Mistake(
                "v uses beta2 (and m uses beta1).",
                s["beta1"] * before + (1 - s["beta1"]) * g**2,
                **model,
                id="adam_update.betas_swapped",
            ),
        ]
    return [
        Mistake(
            "m uses beta1 (and v uses beta2).",
            s["beta2"] * before + (1 - s["beta2"]) * g,
            **model,
            id="adam_update.betas_swapped",
        )
    ]


@requires("test_adam_update_params", "test_adam_update_state")
def test_adam_update_leaves_inputs_unchanged(outcome):
    """adam_update leaves params, grads and state (its t, m and v included) unchanged."""
    fn = outcome("adam_update")
    hint = (
        "Make new arrays and new dicts: m = beta1 * state['m'][k] + ... rather than state['m'][k] *= beta1, "
        "and do not assign into params, grads or state."
    )
    for case in fn.cases:
        call = fn.call(case)
        fn.result(case)
        after = fn.args_after(case)
        want_params, want_state = fn.expected(case)
        for index, name in enumerate(("params", "grads", "state")):
            try:
                expect_unchanged(call.args[index], after[index], f"{name} (the '{case}' case)")
            except CheckFailed as failed:
                known = _in_place_mistake(name, after[index], want_params, want_state)
                raise CheckFailed(failed.message, None if known else hint, mistake=known) from None
        t_after = after[2].get("t") if isinstance(after[2], dict) else None
        if t_after != call.args[2]["t"]:
            raise CheckFailed(
                f"state['t'] was {call.args[2]['t']} before the call and {t_after} after it "
                f"(the '{case}' case). Your function changed its input in place.",
                "Return a new state dict with the new t; leave the one you were given as it was.",
            )


def _in_place_mistake(name, after, want_params, want_state):
    """The known mistake an input left so fits: the step (or the new moments) written into it."""
    if name == "params" and _all_close(after, want_params, PARAM_NAMES):
        return Mistake(
            "params[k] -= ... writes the step into the caller's arrays: compute "
            "params[k] - learning_rate * ... into a new dict instead.",
            id="adam_update.params_updated_in_place",
        )
    if (
        name == "state"
        and isinstance(after, dict)
        and all(
            isinstance(after.get(moment), dict)
            and _all_close(after[moment], want_state[moment], PARAM_NAMES)
            for moment in ("m", "v")
        )
    ):
        return Mistake(
            "state['m'][k] *= beta1 (or +=) updates the caller's moments in place: compute "
            "beta1 * state['m'][k] + (1 - beta1) * g into a new dict instead.",
            id="adam_update.moments_updated_in_place",
        )
    return None


def _all_close(got, want, keys):
    return isinstance(got, dict) and all(
        k in got and _close(got[k], want[k], rtol=1e-5, atol=1e-7) for k in keys
    )
