"""Lesson 08 (bonus): typical mistakes and correct variants of adam_update."""

from tests.catalogue import Mistake, Variant

MISTAKES = [
    Mistake(
        "adam_update",
        "no_bias_correction",
        """
def adam_update(params, grads, state, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state["t"] + 1
    new_params, m_new, v_new = {}, {}, {}
    for k in params:
        g = grads["d" + k]
        m_new[k] = beta1 * state["m"][k] + (1 - beta1) * g
        v_new[k] = beta2 * state["v"][k] + (1 - beta2) * g**2
        new_params[k] = params[k] - learning_rate * m_new[k] / (np.sqrt(v_new[k]) + eps)
    return new_params, {"t": t, "m": m_new, "v": v_new}
""",
        hint="bias correction",
        mistake="adam_update.no_bias_correction",
    ),
    Mistake(
        "adam_update",
        "t_not_incremented",
        """
def adam_update(params, grads, state, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state["t"]
    new_params, m_new, v_new = {}, {}, {}
    for k in params:
        g = grads["d" + k]
        m_new[k] = beta1 * state["m"][k] + (1 - beta1) * g
        v_new[k] = beta2 * state["v"][k] + (1 - beta2) * g**2
        m_hat = m_new[k] / (1 - beta1**t)
        v_hat = v_new[k] / (1 - beta2**t)
        new_params[k] = params[k] - learning_rate * m_hat / (np.sqrt(v_hat) + eps)
    return new_params, {"t": t, "m": m_new, "v": v_new}
""",
        hint="increase t first",
        mistake="adam_update.t_not_incremented",
    ),
    Mistake(
        "adam_update",
        "eps_inside_sqrt",
        """
def adam_update(params, grads, state, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state["t"] + 1
    new_params, m_new, v_new = {}, {}, {}
    for k in params:
        g = grads["d" + k]
        m_new[k] = beta1 * state["m"][k] + (1 - beta1) * g
        v_new[k] = beta2 * state["v"][k] + (1 - beta2) * g**2
        m_hat = m_new[k] / (1 - beta1**t)
        v_hat = v_new[k] / (1 - beta2**t)
        new_params[k] = params[k] - learning_rate * m_hat / np.sqrt(v_hat + eps)
    return new_params, {"t": t, "m": m_new, "v": v_new}
""",
        hint="outside the square root",
        mistake="adam_update.eps_inside_sqrt",
    ),
    Mistake(
        "adam_update",
        "sqrt_missing",
        """
def adam_update(params, grads, state, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state["t"] + 1
    new_params, m_new, v_new = {}, {}, {}
    for k in params:
        g = grads["d" + k]
        m_new[k] = beta1 * state["m"][k] + (1 - beta1) * g
        v_new[k] = beta2 * state["v"][k] + (1 - beta2) * g**2
        m_hat = m_new[k] / (1 - beta1**t)
        v_hat = v_new[k] / (1 - beta2**t)
        new_params[k] = params[k] - learning_rate * m_hat / (v_hat + eps)
    return new_params, {"t": t, "m": m_new, "v": v_new}
""",
        hint="square root of v_hat",
        mistake="adam_update.no_sqrt",
    ),
    Mistake(
        "adam_update",
        "moments_updated_in_place",
        """
def adam_update(params, grads, state, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    state["t"] += 1
    t = state["t"]
    new_params = {}
    for k in params:
        g = grads["d" + k]
        state["m"][k] *= beta1
        state["m"][k] += (1 - beta1) * g
        state["v"][k] *= beta2
        state["v"][k] += (1 - beta2) * g**2
        m_hat = state["m"][k] / (1 - beta1**t)
        v_hat = state["v"][k] / (1 - beta2**t)
        new_params[k] = params[k] - learning_rate * m_hat / (np.sqrt(v_hat) + eps)
    return new_params, state
""",
        hint="changed its input in place",
        mistake="adam_update.moments_updated_in_place",
    ),
    Mistake(
        "adam_update",
        "stores_bias_corrected_moments",
        """
def adam_update(params, grads, state, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state["t"] + 1
    new_params, m_new, v_new = {}, {}, {}
    for k in params:
        g = grads["d" + k]
        m = beta1 * state["m"][k] + (1 - beta1) * g
        v = beta2 * state["v"][k] + (1 - beta2) * g**2
        m_new[k] = m / (1 - beta1**t)
        v_new[k] = v / (1 - beta2**t)
        new_params[k] = params[k] - learning_rate * m_new[k] / (np.sqrt(v_new[k]) + eps)
    return new_params, {"t": t, "m": m_new, "v": v_new}
""",
        hint="store the raw moving averages",
        mistake="adam_update.stores_bias_corrected",
    ),
    Mistake(
        "adam_update",
        "v_without_square",
        """
def adam_update(params, grads, state, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state["t"] + 1
    new_params, m_new, v_new = {}, {}, {}
    for k in params:
        g = grads["d" + k]
        m_new[k] = beta1 * state["m"][k] + (1 - beta1) * g
        v_new[k] = beta2 * state["v"][k] + (1 - beta2) * g
        m_hat = m_new[k] / (1 - beta1**t)
        v_hat = v_new[k] / (1 - beta2**t)
        new_params[k] = params[k] - learning_rate * m_hat / (np.sqrt(v_hat) + eps)
    return new_params, {"t": t, "m": m_new, "v": v_new}
""",
        hint="squared gradients",
        mistake="adam_update.v_without_square",
    ),
    Mistake(
        "adam_update",
        "params_updated_in_place",
        """
def adam_update(params, grads, state, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state["t"] + 1
    m_new, v_new = {}, {}
    for k in params:
        g = grads["d" + k]
        m_new[k] = beta1 * state["m"][k] + (1 - beta1) * g
        v_new[k] = beta2 * state["v"][k] + (1 - beta2) * g**2
        m_hat = m_new[k] / (1 - beta1**t)
        v_hat = v_new[k] / (1 - beta2**t)
        params[k] -= learning_rate * m_hat / (np.sqrt(v_hat) + eps)
    return params, {"t": t, "m": m_new, "v": v_new}
""",
        hint="changed its input in place",
        mistake="adam_update.params_updated_in_place",
    ),
    Mistake(
        "adam_update",
        "wrong_sign",
        """
def adam_update(params, grads, state, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state["t"] + 1
    new_params, m_new, v_new = {}, {}, {}
    for k in params:
        g = grads["d" + k]
        m_new[k] = beta1 * state["m"][k] + (1 - beta1) * g
        v_new[k] = beta2 * state["v"][k] + (1 - beta2) * g**2
        m_hat = m_new[k] / (1 - beta1**t)
        v_hat = v_new[k] / (1 - beta2**t)
        new_params[k] = params[k] + learning_rate * m_hat / (np.sqrt(v_hat) + eps)
    return new_params, {"t": t, "m": m_new, "v": v_new}
""",
        hint="against the gradient",
        mistake="adam_update.wrong_sign",
    ),
]

# Found by mutation testing (benchmarks/mutants.py): one changed line of the reference each.
MISTAKES += [
    Mistake(
        "adam_update",
        "no_eps",
        """
def adam_update(params, grads, state, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state["t"] + 1
    new_params, m_new, v_new = {}, {}, {}
    for k in params:
        g = grads["d" + k]
        m_new[k] = beta1 * state["m"][k] + (1 - beta1) * g
        v_new[k] = beta2 * state["v"][k] + (1 - beta2) * g**2
        m_hat = m_new[k] / (1 - beta1**t)
        v_hat = v_new[k] / (1 - beta2**t)
        new_params[k] = params[k] - learning_rate * m_hat / np.sqrt(v_hat)
    return new_params, {"t": t, "m": m_new, "v": v_new}
""",
        hint="add eps to the denominator",
        mistake="adam_update.no_eps",
    ),
    Mistake(
        "adam_update",
        "m_not_bias_corrected",
        """
def adam_update(params, grads, state, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state["t"] + 1
    new_params, m_new, v_new = {}, {}, {}
    for k in params:
        g = grads["d" + k]
        m_new[k] = beta1 * state["m"][k] + (1 - beta1) * g
        v_new[k] = beta2 * state["v"][k] + (1 - beta2) * g**2
        m_hat = m_new[k]
        v_hat = v_new[k] / (1 - beta2**t)
        new_params[k] = params[k] - learning_rate * m_hat / (np.sqrt(v_hat) + eps)
    return new_params, {"t": t, "m": m_new, "v": v_new}
""",
        hint="bias-correct m too",
        mistake="adam_update.m_not_bias_corrected",
    ),
    Mistake(
        "adam_update",
        "bias_correction_without_t",
        """
def adam_update(params, grads, state, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state["t"] + 1
    new_params, m_new, v_new = {}, {}, {}
    for k in params:
        g = grads["d" + k]
        m_new[k] = beta1 * state["m"][k] + (1 - beta1) * g
        v_new[k] = beta2 * state["v"][k] + (1 - beta2) * g**2
        m_hat = m_new[k] / (1 - beta1)
        v_hat = v_new[k] / (1 - beta2)
        new_params[k] = params[k] - learning_rate * m_hat / (np.sqrt(v_hat) + eps)
    return new_params, {"t": t, "m": m_new, "v": v_new}
""",
        hint="to the power of the step",
        mistake="adam_update.bias_correction_without_t",
    ),
    Mistake(
        "adam_update",
        "returns_state_first",
        """
def adam_update(params, grads, state, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state["t"] + 1
    new_params, m_new, v_new = {}, {}, {}
    for k in params:
        g = grads["d" + k]
        m_new[k] = beta1 * state["m"][k] + (1 - beta1) * g
        v_new[k] = beta2 * state["v"][k] + (1 - beta2) * g**2
        m_hat = m_new[k] / (1 - beta1**t)
        v_hat = v_new[k] / (1 - beta2**t)
        new_params[k] = params[k] - learning_rate * m_hat / (np.sqrt(v_hat) + eps)
    return {"t": t, "m": m_new, "v": v_new}, new_params
""",
        hint="new_params, new_state",
        mistake="adam_update.pair_swapped",
    ),
]

VARIANTS = [
    Variant(
        "adam_update",
        "helper_and_comprehensions",
        """
def _moment(previous, value, beta):
    return beta * previous + (1.0 - beta) * value

def adam_update(params, grads, state, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = int(state["t"]) + 1
    m = {k: _moment(state["m"][k], grads["d" + k], beta1) for k in params}
    v = {k: _moment(state["v"][k], np.square(grads["d" + k]), beta2) for k in params}
    c1, c2 = 1.0 - beta1**t, 1.0 - beta2**t
    new_params = {k: params[k] - learning_rate * (m[k] / c1) / (np.sqrt(v[k] / c2) + eps) for k in params}
    return new_params, {"t": t, "m": m, "v": v}
""",
    ),
    Variant(
        "adam_update",
        "copy_then_update_copies",
        """
import copy

def adam_update(params, grads, state, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    new_state = copy.deepcopy(state)
    new_params = {k: v.copy() for k, v in params.items()}
    new_state["t"] += 1
    t = new_state["t"]
    for name in ["W1", "b1", "W2", "b2"]:
        g = grads["d" + name]
        new_state["m"][name] *= beta1
        new_state["m"][name] += (1 - beta1) * g
        new_state["v"][name] *= beta2
        new_state["v"][name] += (1 - beta2) * g * g
        m_hat = new_state["m"][name] / (1 - beta1**t)
        v_hat = new_state["v"][name] / (1 - beta2**t)
        new_params[name] -= learning_rate * m_hat / (np.sqrt(v_hat) + eps)
    return new_params, new_state
""",
    ),
]
