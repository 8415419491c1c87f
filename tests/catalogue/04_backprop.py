"""Lesson 04 (backprop): typical mistakes and correct variants of its graded functions."""

from tests.catalogue import Mistake, Variant

MISTAKES = [
    # -- backward --
    Mistake(
        "backward",
        "missing_1_over_N",
        """
def backward(X, y, params, cache):
    dZ2 = softmax(cache["Z2"]) - one_hot(y)
    dW2 = cache["A1"].T @ dZ2
    db2 = dZ2.sum(axis=0)
    dZ1 = (dZ2 @ params["W2"].T) * relu_derivative(cache["Z1"])
    return {"dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0), "dW2": dW2, "db2": db2}
""",
        hint="the loss is the mean over the n",
        mistake="backward.missing_mean",
    ),
    Mistake(
        "backward",
        "db2_over_axis_1",
        """
def backward(X, y, params, cache):
    N = X.shape[0]
    dZ2 = (softmax(cache["Z2"]) - one_hot(y)) / N
    dW2 = cache["A1"].T @ dZ2
    db2 = dZ2.sum(axis=1)
    dZ1 = (dZ2 @ params["W2"].T) * relu_derivative(cache["Z1"])
    return {"dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0), "dW2": dW2, "db2": db2}
""",
        hint="batch axis 0",
        mistake="backward.db_axis1",
    ),
    Mistake(
        "backward",
        "db1_over_axis_1",
        """
def backward(X, y, params, cache):
    N = X.shape[0]
    dZ2 = (softmax(cache["Z2"]) - one_hot(y)) / N
    dZ1 = (dZ2 @ params["W2"].T) * relu_derivative(cache["Z1"])
    return {"dW1": X.T @ dZ1, "db1": dZ1.sum(axis=1), "dW2": cache["A1"].T @ dZ2, "db2": dZ2.sum(axis=0)}
""",
        hint="batch axis 0",
        mistake="backward.db_axis1",
    ),
    Mistake(
        "backward",
        "forgets_relu_derivative",
        """
def backward(X, y, params, cache):
    N = X.shape[0]
    dZ2 = (softmax(cache["Z2"]) - one_hot(y)) / N
    dZ1 = dZ2 @ params["W2"].T
    return {"dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0), "dW2": cache["A1"].T @ dZ2, "db2": dZ2.sum(axis=0)}
""",
        hint="relu_derivative(z1)",
        mistake="backward.no_relu_derivative",
    ),
    Mistake(
        "backward",
        "relu_instead_of_derivative",
        """
def backward(X, y, params, cache):
    N = X.shape[0]
    dZ2 = (softmax(cache["Z2"]) - one_hot(y)) / N
    dZ1 = (dZ2 @ params["W2"].T) * cache["A1"]
    return {"dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0), "dW2": cache["A1"].T @ dZ2, "db2": dZ2.sum(axis=0)}
""",
        hint="not by relu(z1)",
        mistake="backward.relu_not_derivative",
    ),
    Mistake(
        "backward",
        "dW2_transposed",
        """
def backward(X, y, params, cache):
    N = X.shape[0]
    dZ2 = (softmax(cache["Z2"]) - one_hot(y)) / N
    dZ1 = (dZ2 @ params["W2"].T) * relu_derivative(cache["Z1"])
    return {"dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0), "dW2": dZ2.T @ cache["A1"], "db2": dZ2.sum(axis=0)}
""",
        hint="its transpose",
        mistake="backward.dW_transposed",
    ),
    Mistake(
        "backward",
        "W2_not_transposed",
        """
def backward(X, y, params, cache):
    N = X.shape[0]
    dZ2 = (softmax(cache["Z2"]) - one_hot(y)) / N
    dZ1 = (dZ2 @ params["W2"]) * relu_derivative(cache["Z1"])
    return {"dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0), "dW2": cache["A1"].T @ dZ2, "db2": dZ2.sum(axis=0)}
""",
        hint="w2.t",
        mistake="",
    ),
    Mistake(
        "backward",
        "keepdims_biases",
        """
def backward(X, y, params, cache):
    N = X.shape[0]
    dZ2 = (softmax(cache["Z2"]) - one_hot(y)) / N
    dZ1 = (dZ2 @ params["W2"].T) * relu_derivative(cache["Z1"])
    return {"dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0, keepdims=True),
            "dW2": cache["A1"].T @ dZ2, "db2": dZ2.sum(axis=0, keepdims=True)}
""",
        hint="keepdims",
        mistake="backward.db_keepdims",
    ),
    Mistake(
        "backward",
        "labels_not_one_hot",
        """
def backward(X, y, params, cache):
    N = X.shape[0]
    dZ2 = (softmax(cache["Z2"]) - y) / N
    dZ1 = (dZ2 @ params["W2"].T) * relu_derivative(cache["Z1"])
    return {"dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0), "dW2": cache["A1"].T @ dZ2, "db2": dZ2.sum(axis=0)}
""",
        hint="one_hot(y)",
        mistake="backward.labels_not_one_hot",
    ),
    Mistake(
        "backward",
        "flipped_sign",
        """
def backward(X, y, params, cache):
    N = X.shape[0]
    dZ2 = (one_hot(y) - softmax(cache["Z2"])) / N
    dZ1 = (dZ2 @ params["W2"].T) * relu_derivative(cache["Z1"])
    return {"dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0), "dW2": cache["A1"].T @ dZ2, "db2": dZ2.sum(axis=0)}
""",
        hint="sign",
        mistake="backward.sign_flipped",
    ),
    Mistake(
        "backward",
        "Z1_instead_of_A1",
        """
def backward(X, y, params, cache):
    N = X.shape[0]
    dZ2 = (softmax(cache["Z2"]) - one_hot(y)) / N
    dZ1 = (dZ2 @ params["W2"].T) * relu_derivative(cache["Z1"])
    return {"dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0), "dW2": cache["Z1"].T @ dZ2, "db2": dZ2.sum(axis=0)}
""",
        hint="not z1",
        mistake="backward.Z_as_input",
    ),
    Mistake(
        "backward",
        "overwrites_cache",
        """
def backward(X, y, params, cache):
    N = X.shape[0]
    dZ2 = (softmax(cache["Z2"]) - one_hot(y)) / N
    mask = cache["Z1"]
    mask[mask > 0] = 1
    mask[mask <= 0] = 0
    dZ1 = (dZ2 @ params["W2"].T) * mask
    return {"dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0), "dW2": cache["A1"].T @ dZ2, "db2": dZ2.sum(axis=0)}
""",
        hint="must not change its inputs",
        mistake="backward.changes_inputs",
    ),
    Mistake(
        "backward",
        "column_major_N",
        """
def backward(X, y, params, cache):
    N = X.shape[1]
    dZ2 = (softmax(cache["Z2"]) - one_hot(y)) / N
    dZ1 = (dZ2 @ params["W2"].T) * relu_derivative(cache["Z1"])
    return {"dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0), "dW2": cache["A1"].T @ dZ2, "db2": dZ2.sum(axis=0)}
""",
        hint="you divided by x.shape[1]",
        mistake="backward.inputs_not_N",
    ),
    Mistake(
        "backward",
        "N_from_number_of_classes",
        """
def backward(X, y, params, cache):
    probs = softmax(cache["Z2"])
    dZ2 = (probs - one_hot(y)) / probs.shape[1]
    dZ1 = (dZ2 @ params["W2"].T) * relu_derivative(cache["Z1"])
    return {"dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0), "dW2": cache["A1"].T @ dZ2, "db2": dZ2.sum(axis=0)}
""",
        hint="the number of classes",
        mistake="backward.classes_not_N",
    ),
    Mistake(
        "backward",
        "divides_by_N_twice",
        """
def backward(X, y, params, cache):
    N = X.shape[0]
    dZ2 = (softmax(cache["Z2"]) - one_hot(y)) / N
    dZ1 = (dZ2 @ params["W2"].T) * relu_derivative(cache["Z1"])
    return {"dW1": X.T @ dZ1 / N, "db1": dZ1.sum(axis=0) / N,
            "dW2": cache["A1"].T @ dZ2 / N, "db2": dZ2.sum(axis=0) / N}
""",
        hint="divide by n once only",
        mistake="backward.mean_repeated",
    ),
    Mistake(
        "backward",
        "db1_scalar",
        """
def backward(X, y, params, cache):
    N = X.shape[0]
    dZ2 = (softmax(cache["Z2"]) - one_hot(y)) / N
    dZ1 = (dZ2 @ params["W2"].T) * relu_derivative(cache["Z1"])
    return {"dW1": X.T @ dZ1, "db1": np.sum(dZ1), "dW2": cache["A1"].T @ dZ2, "db2": dZ2.sum(axis=0)}
""",
        hint="sum dz1 over the batch axis only",
        mistake="backward.db_scalar",
    ),
    Mistake(
        "backward",
        "db2_scalar",
        """
def backward(X, y, params, cache):
    N = X.shape[0]
    dZ2 = (softmax(cache["Z2"]) - one_hot(y)) / N
    dZ1 = (dZ2 @ params["W2"].T) * relu_derivative(cache["Z1"])
    return {"dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0), "dW2": cache["A1"].T @ dZ2, "db2": dZ2.sum()}
""",
        hint="sum dz2 over the batch axis only",
        mistake="backward.db_scalar",
    ),
    # -- numerical_gradient --
    Mistake(
        "numerical_gradient",
        "forward_difference",
        """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    fx = f(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f(x) - fx) / h
        x[i] = old
    return grad
""",
        hint="forward difference",
        mistake="numerical_gradient.forward_difference",
    ),
    Mistake(
        "numerical_gradient",
        "divides_by_h",
        """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        up = f(x)
        x[i] = old - h
        down = f(x)
        x[i] = old
        grad[i] = (up - down) / h
    return grad
""",
        hint="divide by 2h",
        mistake="numerical_gradient.divides_by_h",
    ),
    Mistake(
        "numerical_gradient",
        "not_restored",
        """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        x[i] += h
        up = f(x)
        x[i] -= 2 * h
        down = f(x)
        grad[i] = (up - down) / (2 * h)
    return grad
""",
        hint="put every x[i] back",
        mistake="numerical_gradient.not_restored",
    ),
    Mistake(
        "numerical_gradient",
        "restored_with_rounding",
        """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        x[i] += h
        up = f(x)
        x[i] -= 2 * h
        down = f(x)
        x[i] += h
        grad[i] = (up - down) / (2 * h)
    return grad
""",
        hint="rounding",
        mistake="numerical_gradient.restored_with_rounding",
    ),
    Mistake(
        "numerical_gradient",
        "fixed_h",
        """
def numerical_gradient(f, x, h=1e-5):
    step = 1e-5
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + step
        up = f(x)
        x[i] = old - step
        down = f(x)
        x[i] = old
        grad[i] = (up - down) / (2 * step)
    return grad
""",
        hint="use the h argument",
        mistake="numerical_gradient.fixed_h",
    ),
    Mistake(
        "numerical_gradient",
        "rows_only",
        """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in range(len(x)):
        old = x[i].copy()
        x[i] = old + h
        up = f(x)
        x[i] = old - h
        down = f(x)
        x[i] = old
        grad[i] = (up - down) / (2 * h)
    return grad
""",
        hint="whole row",
        mistake="numerical_gradient.whole_rows",
    ),
    Mistake(
        "numerical_gradient",
        "aliasing_no_copy",
        """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        x_plus = x
        x_plus[i] += h
        x_minus = x
        x_minus[i] -= h
        grad[i] = (f(x_plus) - f(x_minus)) / (2 * h)
    return grad
""",
        hint="not copies",
        mistake="numerical_gradient.aliased_points",
    ),
    Mistake(
        "numerical_gradient",
        "all_at_once",
        """
def numerical_gradient(f, x, h=1e-5):
    return np.full(x.shape, (f(x + h) - f(x - h)) / (2 * h))
""",
        hint="one element at a time",
        mistake="numerical_gradient.all_at_once",
    ),
    Mistake(
        "numerical_gradient",
        "operator_precedence",
        """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[i] += h
        minus[i] -= h
        grad[i] = (f(plus) - f(minus)) / 2 * h
    return grad
""",
        hint="/ 2 * h",
        mistake="numerical_gradient.precedence",
    ),
    Mistake(
        "numerical_gradient",
        "divides_by_4h",
        """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        up = f(x)
        x[i] = old - h
        down = f(x)
        x[i] = old
        grad[i] = (up - down) / (4 * h)
    return grad
""",
        hint="not 4h",
        mistake="numerical_gradient.divides_by_4h",
    ),
    Mistake(
        "numerical_gradient",
        "forgets_h",
        """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        up = f(x)
        x[i] = old - h
        down = f(x)
        x[i] = old
        grad[i] = (up - down) / 2
    return grad
""",
        hint="the h of the step is missing",
        mistake="numerical_gradient.h_missing",
    ),
    # -- relative_error --
    Mistake(
        "relative_error",
        "norm_ratio",
        """
def relative_error(a, b):
    return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))
""",
        hint="ratio of norms",
        mistake="relative_error.norm_ratio",
    ),
    Mistake(
        "relative_error",
        "no_floor",
        """
def relative_error(a, b):
    return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))))
""",
        hint="floor",
        mistake="relative_error.no_floor",
    ),
    Mistake(
        "relative_error",
        "abs_of_sum",
        """
def relative_error(a, b):
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a + b))))
""",
        hint="not |a + b|",
        mistake="relative_error.abs_of_sum",
    ),
    Mistake(
        "relative_error",
        "mean_not_max",
        """
def relative_error(a, b):
    return float(np.mean(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
""",
        hint="not the mean",
        mistake="relative_error.mean",
    ),
    Mistake(
        "relative_error",
        "ratio_of_maxes",
        """
def relative_error(a, b):
    return float(np.max(np.abs(a - b)) / max(1e-8, np.max(np.abs(a) + np.abs(b))))
""",
        hint="not max|a - b| / max(|a| + |b|)",
        mistake="relative_error.ratio_of_maxes",
    ),
    Mistake(
        "relative_error",
        "elementwise_array",
        """
def relative_error(a, b):
    return np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))
""",
        hint="np.max",
        mistake="relative_error.elementwise",
    ),
    Mistake(
        "relative_error",
        "relative_to_a",
        """
def relative_error(a, b):
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a))))
""",
        hint="not |a| or |b| alone",
        mistake="relative_error.one_sided",
    ),
    # -- backward: mistakes the checks name from their models --
    Mistake(
        "backward",
        "W2_not_transposed_with_np_dot",
        """
def backward(X, y, params, cache):
    N = X.shape[0]
    dZ2 = (softmax(cache["Z2"]) - one_hot(y)) / N
    dZ1 = np.dot(dZ2, params["W2"]) * relu_derivative(cache["Z1"])
    return {"dW1": np.dot(X.T, dZ1), "db1": dZ1.sum(axis=0), "dW2": np.dot(cache["A1"].T, dZ2), "db2": dZ2.sum(axis=0)}
""",
        hint="so it needs the .t",
        mistake="backward.W_not_transposed",
    ),
    Mistake(
        "backward",
        "logits_not_probabilities",
        """
def backward(X, y, params, cache):
    N = X.shape[0]
    dZ2 = (cache["Z2"] - one_hot(y)) / N
    dZ1 = (dZ2 @ params["W2"].T) * relu_derivative(cache["Z1"])
    return {"dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0), "dW2": cache["A1"].T @ dZ2, "db2": dZ2.sum(axis=0)}
""",
        hint="not the logits z2",
        mistake="backward.logits_not_probs",
    ),
    Mistake(
        "backward",
        "one_hot_not_subtracted",
        """
def backward(X, y, params, cache):
    N = X.shape[0]
    dZ2 = softmax(cache["Z2"]) / N
    dZ1 = (dZ2 @ params["W2"].T) * relu_derivative(cache["Z1"])
    return {"dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0), "dW2": cache["A1"].T @ dZ2, "db2": dZ2.sum(axis=0)}
""",
        hint="subtract the one-hot labels y",
        mistake="backward.Y_missing",
    ),
    Mistake(
        "backward",
        "times_Z1",
        """
def backward(X, y, params, cache):
    N = X.shape[0]
    dZ2 = (softmax(cache["Z2"]) - one_hot(y)) / N
    dZ1 = (dZ2 @ params["W2"].T) * cache["Z1"]
    return {"dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0), "dW2": cache["A1"].T @ dZ2, "db2": dZ2.sum(axis=0)}
""",
        hint="not by z1 itself",
        mistake="backward.Z_not_derivative",
    ),
    Mistake(
        "backward",
        "divides_dZ1_by_N_again",
        """
def backward(X, y, params, cache):
    N = X.shape[0]
    dZ2 = (softmax(cache["Z2"]) - one_hot(y)) / N
    dZ1 = (dZ2 @ params["W2"].T) * relu_derivative(cache["Z1"]) / N
    return {"dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0), "dW2": cache["A1"].T @ dZ2, "db2": dZ2.sum(axis=0)}
""",
        hint="divide by n once only",
        mistake="backward.mean_every_layer",
    ),
    Mistake(
        "backward",
        "mean_only_in_the_output_layer",
        """
def backward(X, y, params, cache):
    N = X.shape[0]
    dZ2 = softmax(cache["Z2"]) - one_hot(y)
    dW2 = cache["A1"].T @ dZ2 / N
    db2 = dZ2.sum(axis=0) / N
    dZ1 = (dZ2 @ params["W2"].T) * relu_derivative(cache["Z1"])
    return {"dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0), "dW2": dW2, "db2": db2}
""",
        hint="dw1 is 5 times too large",
        mistake="backward.missing_mean",
    ),
    Mistake(
        "backward",
        "bias_gradient_as_mean",
        """
def backward(X, y, params, cache):
    N = X.shape[0]
    dZ2 = (softmax(cache["Z2"]) - one_hot(y)) / N
    dZ1 = (dZ2 @ params["W2"].T) * relu_derivative(cache["Z1"])
    return {"dW1": X.T @ dZ1, "db1": dZ1.mean(axis=0), "dW2": cache["A1"].T @ dZ2, "db2": dZ2.mean(axis=0)}
""",
        hint="np.mean divides by n a second time",
        mistake="backward.db_mean",
    ),
    Mistake(
        "backward",
        "hidden_output_as_input",
        """
def backward(X, y, params, cache):
    N = X.shape[0]
    dZ2 = (softmax(cache["Z2"]) - one_hot(y)) / N
    dZ1 = (dZ2 @ params["W2"].T) * relu_derivative(cache["Z1"])
    return {"dW1": cache["A1"].T @ dZ1, "db1": dZ1.sum(axis=0), "dW2": cache["A1"].T @ dZ2, "db2": dZ2.sum(axis=0)}
""",
        hint="not its own output a1",
        mistake="backward.output_as_input",
    ),
    Mistake(
        "backward",
        "softmax_without_the_shift",
        """
def backward(X, y, params, cache):
    N = X.shape[0]
    e = np.exp(cache["Z2"])
    dZ2 = (e / e.sum(axis=1, keepdims=True) - one_hot(y)) / N
    dZ1 = (dZ2 @ params["W2"].T) * relu_derivative(cache["Z1"])
    return {"dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0), "dW2": cache["A1"].T @ dZ2, "db2": dZ2.sum(axis=0)}
""",
        hint="overflows",
        mistake="backward.softmax_overflow",
    ),
    # -- numerical_gradient: f must see the nudges through x itself --
    Mistake(
        "numerical_gradient",
        "nudges_copies",
        """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.size)
    for i in range(x.size):
        step = np.zeros(x.size)
        step[i] = h
        step = step.reshape(x.shape)
        grad[i] = (f(x + step) - f(x - step)) / (2 * h)
    return grad.reshape(x.shape)
""",
        hint="leaves what f reads unchanged",
        mistake="numerical_gradient.nudges_copy",
    ),
    Mistake(
        "numerical_gradient",
        "converts_x_first",
        """
def numerical_gradient(f, x, h=1e-5):
    x = x.astype(np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        up = f(x)
        x[i] = old - h
        down = f(x)
        x[i] = old
        grad[i] = (up - down) / (2 * h)
    return grad
""",
        hint="nudging a copy",
        mistake="numerical_gradient.nudges_copy",
    ),
    Mistake(
        "numerical_gradient",
        "subtracted_the_other_way",
        """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old - h
        minus = f(x)
        x[i] = old + h
        plus = f(x)
        x[i] = old
        grad[i] = (minus - plus) / (2 * h)
    return grad
""",
        hint="sign flipped",
        mistake="numerical_gradient.sign_flipped",
    ),
    # -- relative_error --
    Mistake(
        "relative_error",
        "epsilon_added",
        """
def relative_error(a, b):
    return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b) + 1e-8)))
""",
        hint="not |a| + |b| + 1e-8",
        mistake="relative_error.floor_added",
    ),
    Mistake(
        "relative_error",
        "differences_in_place",
        """
def relative_error(a, b):
    a -= b
    return float(np.max(np.abs(a) / np.maximum(1e-8, np.abs(a + b) + np.abs(b))))
""",
        hint="not in place",
        mistake="relative_error.changes_inputs",
    ),
    Mistake(
        "backward",
        "dW2_divided_by_N_again",
        """
def backward(X, y, params, cache):
    N = X.shape[0]
    dZ2 = (softmax(cache["Z2"]) - one_hot(y)) / N
    dZ1 = (dZ2 @ params["W2"].T) * relu_derivative(cache["Z1"])
    return {"dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0), "dW2": cache["A1"].T @ dZ2 / N, "db2": dZ2.sum(axis=0)}
""",
        hint="1/n is applied twice",
        mistake="backward.mean_repeated",
    ),
    Mistake(
        "backward",
        "W1_in_the_step_down",
        """
def backward(X, y, params, cache):
    N = X.shape[0]
    dZ2 = (softmax(cache["Z2"]) - one_hot(y)) / N
    dZ1 = (dZ2 @ params["W1"].T) * relu_derivative(cache["Z1"])
    return {"dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0), "dW2": cache["A1"].T @ dZ2, "db2": dZ2.sum(axis=0)}
""",
        hint="check each product's shapes",
        mistake="",
    ),
    Mistake(
        "backward",
        "num_classes_from_the_rows",
        """
def backward(X, y, params, cache):
    N = X.shape[0]
    dZ2 = (softmax(cache["Z2"]) - one_hot(y, num_classes=cache["Z2"].shape[0])) / N
    dZ1 = (dZ2 @ params["W2"].T) * relu_derivative(cache["Z1"])
    return {"dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0), "dW2": cache["A1"].T @ dZ2, "db2": dZ2.sum(axis=0)}
""",
        hint="the number of examples (shape[0])",
        mistake="backward.classes_miscounted",
    ),
    Mistake(
        "backward",
        "mask_of_the_output_layer",
        """
def backward(X, y, params, cache):
    N = X.shape[0]
    dZ2 = (softmax(cache["Z2"]) - one_hot(y)) / N
    dZ1 = (dZ2 @ params["W2"].T) * relu_derivative(cache["Z2"])
    return {"dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0), "dW2": cache["A1"].T @ dZ2, "db2": dZ2.sum(axis=0)}
""",
        hint="not of z2",
        mistake="backward.mask_of_wrong_layer",
    ),
    Mistake(
        "backward",
        "softmax_in_place_on_Z2",
        """
def backward(X, y, params, cache):
    N = X.shape[0]
    P = cache["Z2"]
    P -= P.max(axis=1, keepdims=True)
    np.exp(P, out=P)
    P /= P.sum(axis=1, keepdims=True)
    dZ2 = (P - one_hot(y)) / N
    dZ1 = (dZ2 @ params["W2"].T) * relu_derivative(cache["Z1"])
    return {"dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0), "dW2": cache["A1"].T @ dZ2, "db2": dZ2.sum(axis=0)}
""",
        hint="must not change its inputs",
        mistake="backward.changes_inputs",
    ),
    Mistake(
        "numerical_gradient",
        "second_point_at_x",
        """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        up = f(x)
        x[i] = old
        down = f(x)
        grad[i] = (up - down) / (2 * h)
    return grad
""",
        hint="one of the two evaluations is at x itself",
        mistake="numerical_gradient.one_point_at_x",
    ),
    Mistake(
        "numerical_gradient",
        "copies_x_once_then_nudges_the_copy",
        """
def numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        up = f(x)
        x[i] = old - h
        down = f(x)
        x[i] = old
        grad[i] = (up - down) / (2 * h)
    return grad
""",
        hint="nudging a copy",
        mistake="numerical_gradient.nudges_copy",
    ),
    Mistake(
        "numerical_gradient",
        "sum_of_the_two_points",
        """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        up = f(x)
        x[i] = old - h
        down = f(x)
        x[i] = old
        grad[i] = (up + down) / (2 * h)
    return grad
""",
        hint="not the sum",
        mistake="numerical_gradient.sum_not_difference",
    ),
    Mistake(
        "numerical_gradient",
        "estimates_in_float32",
        """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape, dtype=np.float32)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        up = f(x)
        x[i] = old - h
        down = f(x)
        x[i] = old
        grad[i] = (up - down) / (2 * h)
    return grad
""",
        hint="rounded to float32",
        mistake="numerical_gradient.float32_estimates",
    ),
    Mistake(
        "numerical_gradient",
        "step_relative_to_x",
        """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        step = h * max(1.0, abs(old))
        x[i] = old + step
        up = f(x)
        x[i] = old - step
        down = f(x)
        x[i] = old
        grad[i] = (up - down) / (2 * step)
    return grad
""",
        hint="(f(x + h e_i) - f(x - h e_i)) / (2h)",
        mistake="",
    ),
    Mistake(
        "relative_error",
        "smallest_ratio",
        """
def relative_error(a, b):
    return float(np.min(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
""",
        hint="not the best (np.min)",
        mistake="relative_error.min_not_max",
    ),
    Mistake(
        "relative_error",
        "absolute_difference",
        """
def relative_error(a, b):
    return float(np.max(np.abs(a - b)))
""",
        hint="absolute difference",
        mistake="relative_error.absolute_difference",
    ),
    Mistake(
        "relative_error",
        "np_minimum_for_the_floor",
        """
def relative_error(a, b):
    return float(np.max(np.abs(a - b) / np.minimum(1e-8, np.abs(a) + np.abs(b))))
""",
        hint="np.minimum caps it",
        mistake="relative_error.minimum_floor",
    ),
    Mistake(
        "relative_error",
        "floor_of_1e_7",
        """
def relative_error(a, b):
    return float(np.max(np.abs(a - b) / np.maximum(1e-7, np.abs(a) + np.abs(b))))
""",
        hint="max(1e-8, |a| + |b|)",
        mistake="",
    ),
    Mistake(
        "relative_error",
        "sum_of_the_ratios",
        """
def relative_error(a, b):
    return float(np.sum(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
""",
        hint="max over the elements",
        mistake="",
    ),
]

VARIANTS = [
    # -- backward --
    Variant(
        "backward",
        "cs231n_style",
        """
def backward(X, y, params, cache):
    N = len(y)
    dscores = softmax(cache["Z2"])
    dscores[np.arange(N), y] -= 1
    dscores /= N
    grads = {"dW2": np.dot(cache["A1"].T, dscores), "db2": np.sum(dscores, axis=0)}
    dhidden = np.dot(dscores, params["W2"].T)
    dhidden[cache["Z1"] <= 0] = 0
    grads["dW1"] = np.dot(X.T, dhidden)
    grads["db1"] = np.sum(dhidden, axis=0)
    return grads
""",
    ),
    Variant(
        "backward",
        "eye_one_hot_float64",
        """
def _layer_grads(inputs, dZ):
    return inputs.T @ dZ, dZ.sum(axis=0)

def backward(X, y, params, cache):
    Y = np.eye(10)[y]
    dZ2 = (softmax(cache["Z2"]) - Y) / X.shape[0]
    dW2, db2 = _layer_grads(cache["A1"], dZ2)
    dZ1 = (dZ2 @ params["W2"].T) * (cache["A1"] > 0)
    dW1, db1 = _layer_grads(X, dZ1)
    return dict(dW1=dW1, db1=db1, dW2=dW2, db2=db2)
""",
    ),
    Variant(
        "backward",
        "per_example_loop",
        """
def backward(X, y, params, cache):
    N = X.shape[0]
    grads = {k: np.zeros_like(params[k[1:]], dtype=np.float64) for k in ("dW1", "db1", "dW2", "db2")}
    probs = softmax(cache["Z2"])
    for i in range(N):
        dz2 = probs[i].astype(np.float64).copy()
        dz2[y[i]] -= 1.0
        grads["dW2"] += np.outer(cache["A1"][i], dz2)
        grads["db2"] += dz2
        dz1 = (params["W2"] @ dz2) * (cache["Z1"][i] > 0)
        grads["dW1"] += np.outer(X[i], dz1)
        grads["db1"] += dz1
    return {k: v / N for k, v in grads.items()}
""",
    ),
    # -- numerical_gradient --
    Variant(
        "numerical_gradient",
        "nditer_restore",
        """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=float)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        old = x[ix]
        x[ix] = old + h
        fxph = f(x)
        x[ix] = old - h
        fxmh = f(x)
        x[ix] = old
        grad[ix] = (fxph - fxmh) / (2 * h)
        it.iternext()
    return grad
""",
    ),
    # -- relative_error --
    Variant(
        "relative_error",
        "python_max_loop",
        """
def relative_error(a, b):
    worst = 0.0
    for u, v in zip(np.ravel(a), np.ravel(b)):
        worst = max(worst, abs(u - v) / max(1e-8, abs(u) + abs(v)))
    return float(worst)
""",
    ),
    Variant(
        "relative_error",
        "numpy_scalar_with_epsilon",
        """
def relative_error(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    denominator = np.maximum(np.abs(a) + np.abs(b), 1e-8)
    return np.max(np.abs(a - b) / denominator)
""",
    ),
    Variant(
        "backward",
        "where_mask_and_dot",
        """
def backward(X, y, params, cache):
    m = len(y)
    Y = np.zeros_like(cache["Z2"])
    Y[np.arange(m), y] = 1.0
    dZ2 = (softmax(cache["Z2"]) - Y) / m
    dA1 = np.dot(dZ2, params["W2"].T)
    dZ1 = np.where(cache["Z1"] > 0, dA1, 0.0)
    return {
        "dW2": np.dot(cache["A1"].T, dZ2),
        "db2": np.sum(dZ2, axis=0),
        "dW1": np.dot(X.T, dZ1),
        "db1": np.sum(dZ1, axis=0),
    }
""",
    ),
    Variant(
        "backward",
        "einsum_and_boolean_mask",
        """
def backward(X, y, params, cache):
    N = X.shape[0]
    dZ2 = softmax(cache["Z2"]) - one_hot(y, num_classes=10)
    dZ2 = dZ2 / N
    dZ1 = dZ2 @ params["W2"].T
    dZ1 = dZ1 * (cache["Z1"] > 0)
    return {
        "dW1": np.einsum("ni,nh->ih", X, dZ1),
        "db1": dZ1.sum(0),
        "dW2": np.einsum("nh,nk->hk", cache["A1"], dZ2),
        "db2": dZ2.sum(0),
    }
""",
    ),
    Variant(
        "numerical_gradient",
        "flat_view_in_place",
        """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    flat, out = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + h
        f_plus = f(x)
        flat[i] = saved - h
        f_minus = f(x)
        flat[i] = saved
        out[i] = (f_plus - f_minus) / (2 * h)
    return grad
""",
    ),
    Variant(
        "numerical_gradient",
        "restores_in_finally",
        """
def numerical_gradient(f, x, h=1e-5):
    grad = np.empty(x.shape, dtype=float)
    for index in np.ndindex(*x.shape):
        original = x[index].copy()
        try:
            x[index] = original + h
            above = f(x)
            x[index] = original - h
            below = f(x)
        finally:
            x[index] = original
        grad[index] = (above - below) / (2.0 * h)
    return grad
""",
    ),
    Variant(
        "relative_error",
        "clip_floor",
        """
def relative_error(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float((np.abs(a - b) / np.clip(np.abs(a) + np.abs(b), 1e-8, None)).max())
""",
    ),
    Variant(
        "backward",
        "range_index_and_float_mask",
        """
def backward(X, y, params, cache):
    n = len(X)
    delta = softmax(cache["Z2"])
    delta[range(n), y] -= 1
    delta = delta / n
    hidden = delta.dot(params["W2"].T) * (cache["A1"] > 0).astype(float)
    return {"dW2": cache["A1"].T.dot(delta), "db2": delta.sum(axis=0),
            "dW1": X.T.dot(hidden), "db1": hidden.sum(axis=0)}
""",
    ),
    Variant(
        "numerical_gradient",
        "unravel_index",
        """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in range(x.size):
        idx = np.unravel_index(i, x.shape)
        keep = x[idx]
        x[idx] = keep + h
        fp = f(x)
        x[idx] = keep - h
        fm = f(x)
        x[idx] = keep
        grad[idx] = (fp - fm) / (2 * h)
    return grad
""",
    ),
    Variant(
        "relative_error",
        "fmax_and_item",
        """
def relative_error(a, b):
    num = np.abs(np.subtract(a, b, dtype=np.float64))
    den = np.fmax(np.abs(a) + np.abs(b), 1e-8)
    return (num / den).max().item()
""",
    ),
]
