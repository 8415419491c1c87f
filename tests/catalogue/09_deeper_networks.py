"""Lesson 09 (deeper networks): typical mistakes and correct variants of its graded functions."""

from tests.catalogue import Mistake, Variant


def _init_deep(
    draw: str, *, bias: str = "np.zeros(n_out, dtype=np.float32)", loop: str = ""
) -> str:
    """init_deep with one line changed: how a layer's weights are drawn, its bias, the loop."""
    return f"""
def init_deep(layer_sizes, seed=0):
    rng = np.random.default_rng(seed)
    params = {{}}
    for l in {loop or "range(1, len(layer_sizes))"}:
        n_in, n_out = layer_sizes[l - 1], layer_sizes[l]
        params[f"W{{l}}"] = {draw}
        params[f"b{{l}}"] = {bias}
    return params
"""


def _forward_deep(
    hidden: str = "relu(Z)",
    output: str = "softmax(Z)",
    z: str = 'A @ params[f"W{l}"] + params[f"b{l}"]',
) -> str:
    """forward_deep with one step changed: the hidden activation, the output, a layer's Z."""
    return f"""
def forward_deep(X, params):
    L = len(params) // 2
    caches = {{}}
    A = X
    for l in range(1, L + 1):
        Z = {z}
        caches[f"Z{{l}}"] = Z
        if l < L:
            A = {hidden}
            caches[f"A{{l}}"] = A
    return {output}, caches
"""


def _backward_deep(
    dZ: str = '(softmax(caches[f"Z{L}"]) - one_hot(y, params[f"W{L}"].shape[1])) / X.shape[0]',
    dW: str = "A_prev.T @ dZ",
    db: str = "dZ.sum(axis=0)",
    down: str = '(dZ @ params[f"W{l}"].T) * relu_derivative(caches[f"Z{l - 1}"])',
    A_prev: str = 'X if l == 1 else caches[f"A{l - 1}"]',
    layers: str = "range(L, 0, -1)",
) -> str:
    """backward_deep with one line changed."""
    return f"""
def backward_deep(X, y, params, caches):
    L = len(params) // 2
    dZ = {dZ}
    grads = {{}}
    for l in {layers}:
        A_prev = {A_prev}
        grads[f"dW{{l}}"] = {dW}
        grads[f"db{{l}}"] = {db}
        if l > 1:
            dZ = {down}
    return grads
"""


def _l2_penalty(
    term: str = "np.sum(value ** 2)",
    keep: str = 'name.startswith("W")',
    factor: str = "0.5 * weight_decay",
) -> str:
    """l2_penalty with one part changed: the per-layer term, which entries count, the factor."""
    return f"""
def l2_penalty(params, weight_decay):
    total = 0.0
    for name, value in params.items():
        if {keep}:
            total += float({term})
    return {factor} * total
"""


def _sgd_step_deep(
    weight: str = "value - learning_rate * (grads['d' + name] + weight_decay * value)",
    bias: str = "value - learning_rate * grads['d' + name]",
    loss: str = "cross_entropy(probs, y) + l2_penalty(params, weight_decay)",
) -> str:
    """sgd_step_deep with one line changed: the weights' step, the biases' step, the loss."""
    return f"""
def sgd_step_deep(X, y, params, learning_rate, weight_decay=0.0):
    probs, caches = forward_deep(X, params)
    grads = backward_deep(X, y, params, caches)
    new_params = {{}}
    for name, value in params.items():
        if name.startswith("W"):
            new_params[name] = {weight}
        else:
            new_params[name] = {bias}
    loss = {loss}
    return new_params, float(loss)
"""


HE = "rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out)).astype(np.float32)"

MISTAKES = [
    # -- init_deep --
    Mistake(
        "init_deep",
        "variance_as_std",
        _init_deep("rng.normal(0.0, 2.0 / n_in, size=(n_in, n_out)).astype(np.float32)"),
        hint="variance 2 / fan_in used as the standard deviation",
        mistake="init_deep.variance_as_std",
    ),
    Mistake(
        "init_deep",
        "fan_out",
        _init_deep("rng.normal(0.0, np.sqrt(2.0 / n_out), size=(n_in, n_out)).astype(np.float32)"),
        hint="sqrt(2 / fan_out)",
        mistake="init_deep.fan_out",
    ),
    Mistake(
        "init_deep",
        "xavier",
        _init_deep("rng.normal(0.0, np.sqrt(1.0 / n_in), size=(n_in, n_out)).astype(np.float32)"),
        hint="xavier/lecun",
        mistake="init_deep.xavier",
    ),
    Mistake(
        "init_deep",
        "new_generator_every_layer",
        _init_deep(
            "np.random.default_rng(seed).normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))"
            ".astype(np.float32)"
        ),
        hint="make one generator from the seed",
        mistake="init_deep.generator_per_layer",
    ),
    Mistake(
        "init_deep",
        "global_random_state",
        _init_deep("(np.random.randn(n_in, n_out) * np.sqrt(2.0 / n_in)).astype(np.float32)"),
        hint="make one generator from the seed",
        mistake="init_deep.not_seeded",
    ),
    Mistake(
        "init_deep",
        "float64",
        _init_deep(
            "rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))", bias="np.zeros(n_out)"
        ),
        hint="convert with .astype(np.float32)",
        mistake="init_deep.not_float32",
    ),
    Mistake(
        "init_deep",
        "random_biases",
        _init_deep(HE, bias="rng.normal(0.0, 0.1, size=n_out).astype(np.float32)"),
        hint="biases start at zero",
        mistake="init_deep.biases_not_zero",
    ),
    Mistake(
        "init_deep",
        "last_layer_missing",
        _init_deep(HE, loop="range(1, len(layer_sizes) - 1)"),
        hint="sizes make",
        mistake="init_deep.last_layer_missing",
    ),
    Mistake(
        "init_deep",
        "counted_from_zero",
        """
def init_deep(layer_sizes, seed=0):
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(len(layer_sizes) - 1):
        n_in, n_out = layer_sizes[l], layer_sizes[l + 1]
        params[f"W{l}"] = rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out)).astype(np.float32)
        params[f"b{l}"] = np.zeros(n_out, dtype=np.float32)
    return params
""",
        hint="number the layers from 1",
        mistake="init_deep.counted_from_zero",
    ),
    Mistake(
        "init_deep",
        "transposed",
        _init_deep("rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_out, n_in)).astype(np.float32)"),
        hint="transposed",
        mistake="init_deep.transposed",
    ),
    # -- forward_deep --
    Mistake(
        "forward_deep",
        "relu_on_output",
        _forward_deep(output="softmax(relu(Z))"),
        hint="the output layer has no relu",
        mistake="forward_deep.relu_on_output",
    ),
    Mistake(
        "forward_deep",
        "softmax_in_hidden_layers",
        _forward_deep(hidden="softmax(Z)"),
        hint="softmax belongs on the output layer only",
        mistake="forward_deep.softmax_hidden",
    ),
    Mistake(
        "forward_deep",
        "no_relu",
        _forward_deep(hidden="Z"),
        hint="the relu between the layers is missing",
        mistake="forward_deep.no_relu",
    ),
    Mistake(
        "forward_deep",
        "no_bias",
        _forward_deep(z='A @ params[f"W{l}"]'),
        hint="the bias is missing",
        mistake="forward_deep.no_bias",
    ),
    Mistake(
        "forward_deep",
        "logits_returned",
        _forward_deep(output="Z"),
        hint="turn the output logits into probabilities",
        mistake="forward_deep.logits_returned",
    ),
    Mistake(
        "forward_deep",
        "layers_counted_as_entries",
        """
def forward_deep(X, params):
    L = len(params)
    caches = {}
    A = X
    for l in range(1, L):
        Z = A @ params[f"W{l}"] + params[f"b{l}"]
        A = relu(Z)
        caches[f"Z{l}"], caches[f"A{l}"] = Z, A
    Z = A @ params[f"W{L}"] + params[f"b{L}"]
    caches[f"Z{L}"] = Z
    return softmax(Z), caches
""",
        hint="len(params) // 2",
        mistake="forward_deep.layers_miscounted",
    ),
    Mistake(
        "forward_deep",
        "two_layers_only",
        """
def forward_deep(X, params):
    Z1 = X @ params["W1"] + params["b1"]
    A1 = relu(Z1)
    Z2 = A1 @ params["W2"] + params["b2"]
    return softmax(Z2), {"Z1": Z1, "A1": A1, "Z2": Z2}
""",
        hint="apply all 3 layers",
        mistake="forward_deep.layers_miscounted",
    ),
    Mistake(
        "forward_deep",
        "in_place_relu",
        _forward_deep(hidden="np.maximum(Z, 0, out=Z)"),
        hint="holds the values after the relu",
        mistake="forward_deep.relu_in_place",
    ),
    Mistake(
        "forward_deep",
        "output_named_ZL",
        """
def forward_deep(X, params):
    L = len(params) // 2
    caches = {}
    A = X
    for l in range(1, L):
        Z = A @ params[f"W{l}"] + params[f"b{l}"]
        A = relu(Z)
        caches[f"Z{l}"], caches[f"A{l}"] = Z, A
    caches["ZL"] = A @ params[f"W{L}"] + params[f"b{L}"]
    return softmax(caches["ZL"]), caches
""",
        hint="name the output logits with the layer's number",
        mistake="forward_deep.ZL_key",
    ),
    Mistake(
        "forward_deep",
        "caches_as_a_list",
        """
def forward_deep(X, params):
    L = len(params) // 2
    caches = []
    A = X
    for l in range(1, L + 1):
        Z = A @ params[f"W{l}"] + params[f"b{l}"]
        caches.append((A, Z))
        A = relu(Z) if l < L else Z
    return softmax(A), caches
""",
        hint="return one dict",
        mistake="forward_deep.caches_not_a_dict",
    ),
    Mistake(
        "forward_deep",
        "float64_inside",
        _forward_deep(z='A.astype(np.float64) @ params[f"W{l}"] + params[f"b{l}"]'),
        hint="float32 in should stay float32",
        mistake="forward_deep.float64",
    ),
    # -- backward_deep --
    Mistake(
        "backward_deep",
        "missing_1_over_N",
        _backward_deep(dZ='softmax(caches[f"Z{L}"]) - one_hot(y, params[f"W{L}"].shape[1])'),
        hint="the loss is the mean over the n",
        mistake="backward_deep.missing_mean",
    ),
    Mistake(
        "backward_deep",
        "N_from_the_wrong_axis",
        _backward_deep(
            dZ='(softmax(caches[f"Z{L}"]) - one_hot(y, params[f"W{L}"].shape[1])) / X.shape[1]'
        ),
        hint="you divided by x.shape[1]",
        mistake="backward_deep.inputs_not_N",
    ),
    Mistake(
        "backward_deep",
        "flipped_sign",
        _backward_deep(
            dZ='(one_hot(y, params[f"W{L}"].shape[1]) - softmax(caches[f"Z{L}"])) / X.shape[0]'
        ),
        hint="with the sign flipped",
        mistake="backward_deep.sign_flipped",
    ),
    Mistake(
        "backward_deep",
        "no_relu_derivative",
        _backward_deep(down='dZ @ params[f"W{l}"].T'),
        hint="reaches hidden units whose z2 <= 0",
        mistake="backward_deep.no_relu_derivative",
    ),
    Mistake(
        "backward_deep",
        "relu_instead_of_derivative",
        _backward_deep(down='(dZ @ params[f"W{l}"].T) * np.maximum(caches[f"Z{l - 1}"], 0)'),
        hint="not by relu(z2)",
        mistake="backward_deep.relu_not_derivative",
    ),
    Mistake(
        "backward_deep",
        "Z_as_layer_input",
        _backward_deep(A_prev='X if l == 1 else caches[f"Z{l - 1}"]'),
        hint="uses the activations a",
        mistake="backward_deep.Z_as_input",
    ),
    Mistake(
        "backward_deep",
        "db_over_axis_1",
        _backward_deep(db="dZ.sum(axis=1)"),
        hint="batch axis 0",
        mistake="backward_deep.db_axis1",
    ),
    Mistake(
        "backward_deep",
        "db_keepdims",
        _backward_deep(db="dZ.sum(axis=0, keepdims=True)"),
        hint="keepdims",
        mistake="backward_deep.db_keepdims",
    ),
    Mistake(
        "backward_deep",
        "stops_before_the_first_layer",
        _backward_deep(layers="range(L, 1, -1)"),
        hint="all the way down to the first layer",
        mistake="backward_deep.stops_before_the_first_layer",
    ),
    Mistake(
        "backward_deep",
        "W_not_transposed",
        _backward_deep(down='(dZ @ params[f"W{l}"]) * relu_derivative(caches[f"Z{l - 1}"])'),
        hint="check each product's shapes",
        mistake="",
    ),
    Mistake(
        "backward_deep",
        "asks_the_caches_for_A0",
        _backward_deep(A_prev='caches[f"A{l - 1}"]'),
        hint="a_0 is x itself",
        mistake="backward_deep.asks_for_A0",
    ),
    Mistake(
        "backward_deep",
        "labels_not_one_hot",
        _backward_deep(dZ='(softmax(caches[f"Z{L}"]) - y) / X.shape[0]'),
        hint="subtract one_hot(y)",
        mistake="backward_deep.labels_not_one_hot",
    ),
    # -- l2_penalty --
    Mistake(
        "l2_penalty",
        "biases_penalised",
        _l2_penalty(keep="True"),
        hint="leave the biases b out of the sum",
        mistake="l2_penalty.biases_penalised",
    ),
    Mistake(
        "l2_penalty",
        "half_missing",
        _l2_penalty(factor="weight_decay"),
        hint="the 1/2 is missing",
        mistake="l2_penalty.half_missing",
    ),
    Mistake(
        "l2_penalty",
        "absolute_values",
        _l2_penalty(term="np.sum(np.abs(value))"),
        hint="not |w|",
        mistake="l2_penalty.absolute_values",
    ),
    Mistake(
        "l2_penalty",
        "mean_of_squares",
        _l2_penalty(term="np.mean(value ** 2)"),
        hint="not their mean",
        mistake="l2_penalty.mean_of_squares",
    ),
    Mistake(
        "l2_penalty",
        "norm_not_squared",
        _l2_penalty(term="np.linalg.norm(value)"),
        hint="np.linalg.norm(w) is its square root",
        mistake="l2_penalty.norm_not_squared",
    ),
    Mistake(
        "l2_penalty",
        "weight_decay_ignored",
        _l2_penalty(factor="0.5"),
        hint="multiply by the weight_decay argument",
        mistake="l2_penalty.decay_ignored",
    ),
    Mistake(
        "l2_penalty",
        "first_layer_only",
        """
def l2_penalty(params, weight_decay):
    return 0.5 * weight_decay * float(np.sum(params["W1"] ** 2))
""",
        hint="not only the first",
        mistake="l2_penalty.first_layer_only",
    ),
    Mistake(
        "l2_penalty",
        "a_list_per_layer",
        """
def l2_penalty(params, weight_decay):
    return [0.5 * weight_decay * float(np.sum(v ** 2)) for k, v in params.items() if k.startswith("W")]
""",
        hint="into one number",
        mistake="l2_penalty.one_per_layer",
    ),
    # -- sgd_step_deep --
    Mistake(
        "sgd_step_deep",
        "penalty_gradient_missing",
        _sgd_step_deep(weight="value - learning_rate * grads['d' + name]"),
        hint="the penalty's gradient is missing",
        mistake="sgd_step_deep.penalty_gradient_missing",
    ),
    Mistake(
        "sgd_step_deep",
        "two_lambda_W",
        _sgd_step_deep(
            weight="value - learning_rate * (grads['d' + name] + 2 * weight_decay * value)"
        ),
        hint="the 1/2 cancels the 2",
        mistake="sgd_step_deep.penalty_gradient_doubled",
    ),
    Mistake(
        "sgd_step_deep",
        "penalty_subtracted",
        _sgd_step_deep(weight="value - learning_rate * (grads['d' + name] - weight_decay * value)"),
        hint="do not subtract it",
        mistake="sgd_step_deep.penalty_subtracted",
    ),
    Mistake(
        "sgd_step_deep",
        "decay_without_learning_rate",
        _sgd_step_deep(weight="value - learning_rate * grads['d' + name] - weight_decay * value"),
        hint="without the learning rate",
        mistake="sgd_step_deep.decay_without_learning_rate",
    ),
    Mistake(
        "sgd_step_deep",
        "biases_decayed",
        _sgd_step_deep(bias="value - learning_rate * (grads['d' + name] + weight_decay * value)"),
        hint="only the weights decay",
        mistake="sgd_step_deep.biases_decayed",
    ),
    Mistake(
        "sgd_step_deep",
        "loss_without_penalty",
        _sgd_step_deep(loss="cross_entropy(probs, y)"),
        hint="the loss is the regularised one",
        mistake="sgd_step_deep.loss_without_penalty",
    ),
    Mistake(
        "sgd_step_deep",
        "loss_after_the_step",
        _sgd_step_deep(
            loss="cross_entropy(forward_deep(X, new_params)[0], y) + l2_penalty(params, weight_decay)"
        ),
        hint="before the step",
        mistake="sgd_step_deep.loss_after_the_step",
    ),
    Mistake(
        "sgd_step_deep",
        "step_uphill",
        _sgd_step_deep(
            weight="value + learning_rate * (grads['d' + name] + weight_decay * value)",
            bias="value + learning_rate * grads['d' + name]",
        ),
        hint="the step goes against the gradient",
        mistake="sgd_step_deep.step_uphill",
    ),
    Mistake(
        "sgd_step_deep",
        "updated_in_place",
        """
def sgd_step_deep(X, y, params, learning_rate, weight_decay=0.0):
    probs, caches = forward_deep(X, params)
    grads = backward_deep(X, y, params, caches)
    loss = cross_entropy(probs, y) + l2_penalty(params, weight_decay)
    for name in params:
        gradient = grads["d" + name]
        if name.startswith("W"):
            gradient = gradient + weight_decay * params[name]
        params[name] -= learning_rate * gradient
    return params, float(loss)
""",
        hint="changed its input in place",
        mistake="sgd_step_deep.changes_inputs",
    ),
    # -- fresh mistakes: each named by its model --
    Mistake(
        "init_deep",
        "square_root_of_the_fan_in_only",
        _init_deep("rng.normal(0.0, 2.0 / np.sqrt(n_in), size=(n_in, n_out)).astype(np.float32)"),
        hint="the square root covers the 2",
        mistake="init_deep.sqrt_misplaced",
    ),
    Mistake(
        "init_deep",
        "glorot",
        _init_deep(
            "rng.normal(0.0, np.sqrt(2.0 / (n_in + n_out)), size=(n_in, n_out)).astype(np.float32)"
        ),
        hint="glorot",
        mistake="init_deep.glorot",
    ),
    Mistake(
        "init_deep",
        "fan_in_plus_one",
        _init_deep(
            "rng.normal(0.0, np.sqrt(2.0 / (n_in + 1)), size=(n_in, n_out)).astype(np.float32)"
        ),
        hint="sqrt(2 / fan_in)",
        mistake="",
    ),
    Mistake(
        "init_deep",
        "uniform_from_zero",
        _init_deep("(rng.random((n_in, n_out)) * np.sqrt(2.0 / n_in)).astype(np.float32)"),
        hint="all positive",
        mistake="init_deep.positive_draws",
    ),
    Mistake(
        "init_deep",
        "no_default_seed",
        """
def init_deep(layer_sizes, seed=None):
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, len(layer_sizes)):
        n_in, n_out = layer_sizes[l - 1], layer_sizes[l]
        params[f"W{l}"] = rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out)).astype(np.float32)
        params[f"b{l}"] = np.zeros(n_out, dtype=np.float32)
    return params
""",
        hint="the seed defaults to 0",
        mistake="init_deep.default_seed",
    ),
    Mistake(
        "init_deep",
        "bias_as_a_row",
        _init_deep(HE, bias="np.zeros((1, n_out), dtype=np.float32)"),
        hint="biases are 1-d",
        mistake="init_deep.bias_2d",
    ),
    Mistake(
        "forward_deep",
        "softmax_without_the_shift",
        _forward_deep(output="np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)"),
        hint="overflows",
        mistake="forward_deep.softmax_overflow",
    ),
    Mistake(
        "forward_deep",
        "softmax_over_columns",
        _forward_deep(output="np.exp(Z - Z.max(axis=0)) / np.exp(Z - Z.max(axis=0)).sum(axis=0)"),
        hint="normalises each column",
        mistake="forward_deep.softmax_columns",
    ),
    Mistake(
        "forward_deep",
        "bias_after_the_relu",
        """
def forward_deep(X, params):
    L = len(params) // 2
    caches = {}
    A = X
    for l in range(1, L):
        Z = A @ params[f"W{l}"]
        A = relu(Z) + params[f"b{l}"]
        caches[f"Z{l}"], caches[f"A{l}"] = Z, A
    Z = A @ params[f"W{L}"] + params[f"b{L}"]
    caches[f"Z{L}"] = Z
    return softmax(Z), caches
""",
        hint="the bias belongs inside the relu",
        mistake="forward_deep.bias_after_relu",
    ),
    Mistake(
        "backward_deep",
        "divides_by_N_at_every_layer",
        _backward_deep(
            down='(dZ @ params[f"W{l}"].T) * relu_derivative(caches[f"Z{l - 1}"]) / X.shape[0]'
        ),
        hint="once more for every layer above",
        mistake="backward_deep.mean_every_layer",
    ),
    Mistake(
        "backward_deep",
        "times_Z",
        _backward_deep(down='(dZ @ params[f"W{l}"].T) * caches[f"Z{l - 1}"]'),
        hint="not by z2 itself",
        mistake="backward_deep.Z_not_derivative",
    ),
    Mistake(
        "backward_deep",
        "logits_not_probabilities",
        _backward_deep(dZ='(caches[f"Z{L}"] - one_hot(y, params[f"W{L}"].shape[1])) / X.shape[0]'),
        hint="not the logits",
        mistake="backward_deep.logits_not_probs",
    ),
    Mistake(
        "backward_deep",
        "bias_gradient_as_mean",
        _backward_deep(db="dZ.mean(axis=0)"),
        hint="np.mean divides by n a second time",
        mistake="backward_deep.db_mean",
    ),
    Mistake(
        "backward_deep",
        "X_as_every_layers_input",
        _backward_deep(A_prev="X"),
        hint="x is the input of the first layer only",
        mistake="backward_deep.X_as_input",
    ),
    Mistake(
        "backward_deep",
        "one_hot_of_ten_classes",
        _backward_deep(dZ='(softmax(caches[f"Z{L}"]) - one_hot(y)) / X.shape[0]'),
        hint="its default is 10",
        mistake="backward_deep.classes_fixed_at_10",
    ),
    Mistake(
        "l2_penalty",
        "mean_over_the_layers",
        """
def l2_penalty(params, weight_decay):
    per_layer = [np.sum(v ** 2) for k, v in params.items() if k.startswith("W")]
    return float(0.5 * weight_decay * np.mean(per_layer))
""",
        hint="not their mean",
        mistake="l2_penalty.mean_over_layers",
    ),
    Mistake(
        "sgd_step_deep",
        "decay_after_the_step",
        """
def sgd_step_deep(X, y, params, learning_rate, weight_decay=0.0):
    probs, caches = forward_deep(X, params)
    grads = backward_deep(X, y, params, caches)
    new_params = {}
    for name, value in params.items():
        stepped = value - learning_rate * grads["d" + name]
        if name.startswith("W"):
            stepped = stepped - learning_rate * weight_decay * stepped
        new_params[name] = stepped
    return new_params, float(cross_entropy(probs, y) + l2_penalty(params, weight_decay))
""",
        hint="shrinks the result of the step",
        mistake="sgd_step_deep.decay_after_the_step",
    ),
    Mistake(
        "sgd_step_deep",
        "decoupled_decay_without_learning_rate",
        """
def sgd_step_deep(X, y, params, learning_rate, weight_decay=0.0):
    probs, caches = forward_deep(X, params)
    grads = backward_deep(X, y, params, caches)
    new = {}
    for name, value in params.items():
        new[name] = value - learning_rate * grads["d" + name]
        if name.startswith("W"):
            new[name] = new[name] * (1 - weight_decay)
    return new, float(cross_entropy(probs, y) + l2_penalty(params, weight_decay))
""",
        hint="multiplies the result of the step by (1 - lambda)",
        mistake="sgd_step_deep.decay_after_the_step_without_learning_rate",
    ),
    Mistake(
        "sgd_step_deep",
        "penalty_gradient_over_N",
        _sgd_step_deep(
            weight="value - learning_rate * (grads['d' + name] + weight_decay * value / X.shape[0])"
        ),
        hint="not lambda * w / n",
        mistake="sgd_step_deep.penalty_gradient_over_N",
    ),
    Mistake(
        "sgd_step_deep",
        "penalty_of_the_new_parameters",
        _sgd_step_deep(loss="cross_entropy(probs, y) + l2_penalty(new_params, weight_decay)"),
        hint="the penalty too is",
        mistake="sgd_step_deep.penalty_after_the_step",
    ),
    Mistake(
        "sgd_step_deep",
        "penalty_over_N",
        _sgd_step_deep(loss="cross_entropy(probs, y) + l2_penalty(params, weight_decay) / len(X)"),
        hint="not divided by n",
        mistake="sgd_step_deep.penalty_over_N",
    ),
    Mistake(
        "init_deep",
        "spread_passed_as_the_mean",
        _init_deep("rng.normal(np.sqrt(2.0 / n_in), size=(n_in, n_out)).astype(np.float32)"),
        hint="first argument is the mean",
        mistake="init_deep.std_as_mean",
    ),
    Mistake(
        "init_deep",
        "sqrt_2_without_the_fan_in",
        _init_deep("rng.normal(0.0, np.sqrt(2.0), size=(n_in, n_out)).astype(np.float32)"),
        hint="the fan-in is missing",
        mistake="init_deep.fan_in_missing",
    ),
    Mistake(
        "init_deep",
        "layers_from_2",
        _init_deep(HE, loop="range(2, len(layer_sizes))"),
        hint="the layers are numbered from 1",
        mistake="init_deep.first_layer_missing",
    ),
    Mistake(
        "init_deep",
        "rows_from_the_layer_width",
        """
def init_deep(layer_sizes, seed=0):
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, len(layer_sizes)):
        n = layer_sizes[l]
        params[f"W{l}"] = rng.normal(0.0, np.sqrt(2.0 / n), size=(n, n)).astype(np.float32)
        params[f"b{l}"] = np.zeros(n, dtype=np.float32)
    return params
""",
        hint="one row per input of layer",
        mistake="init_deep.fan_in_from_own_width",
    ),
    Mistake(
        "forward_deep",
        "sigmoid_hidden_layers",
        _forward_deep(hidden="1 / (1 + np.exp(-Z))"),
        hint="each hidden layer: z = a_prev @ w + b, then a = relu(z)",
        mistake="",
    ),
    Mistake(
        "forward_deep",
        "Z_and_A_swapped_in_the_caches",
        """
def forward_deep(X, params):
    L = len(params) // 2
    caches = {}
    A = X
    for l in range(1, L):
        Z = A @ params[f"W{l}"] + params[f"b{l}"]
        A = relu(Z)
        caches[f"Z{l}"], caches[f"A{l}"] = A, Z
    Z = A @ params[f"W{L}"] + params[f"b{L}"]
    caches[f"Z{L}"] = Z
    return softmax(Z), caches
""",
        hint="holds the activations",
        mistake="forward_deep.Z_and_A_swapped",
    ),
    Mistake(
        "forward_deep",
        "layers_as_a_float",
        """
def forward_deep(X, params):
    L = len(params) / 2
    caches = {}
    A = X
    for l in range(1, L):
        Z = A @ params[f"W{l}"] + params[f"b{l}"]
        A = relu(Z)
        caches[f"Z{l}"], caches[f"A{l}"] = Z, A
    Z = A @ params[f"W{L}"] + params[f"b{L}"]
    caches[f"Z{L}"] = Z
    return softmax(Z), caches
""",
        hint="range needs a whole number",
        mistake="forward_deep.layers_not_whole",
    ),
    Mistake(
        "forward_deep",
        "bias_subtracted",
        _forward_deep(z='A @ params[f"W{l}"] - params[f"b{l}"]'),
        hint="do not subtract it",
        mistake="forward_deep.bias_subtracted",
    ),
    Mistake(
        "backward_deep",
        "the_layers_own_output_as_input",
        _backward_deep(A_prev='X if l == 1 else caches[f"A{l}"]'),
        hint="not its own output",
        mistake="backward_deep.output_as_input",
    ),
    Mistake(
        "backward_deep",
        "mask_of_the_layer_above",
        _backward_deep(down='(dZ @ params[f"W{l}"].T) * relu_derivative(caches[f"Z{l}"])'),
        hint="the derivative of the layer's own",
        mistake="backward_deep.mask_of_wrong_layer",
    ),
    Mistake(
        "backward_deep",
        "mask_two_layers_down",
        _backward_deep(
            down='(dZ @ params[f"W{l}"].T) * relu_derivative(caches[f"Z{max(l - 2, 1)}"])'
        ),
        hint="shapes",
        mistake="",
    ),
    Mistake(
        "backward_deep",
        "layers_as_a_float",
        """
def backward_deep(X, y, params, caches):
    L = len(params) / 2
    dZ = (softmax(caches[f"Z{int(L)}"]) - one_hot(y, params[f"W{int(L)}"].shape[1])) / X.shape[0]
    grads = {}
    for l in range(L, 0, -1):
        A_prev = X if l == 1 else caches[f"A{l - 1}"]
        grads[f"dW{l}"] = A_prev.T @ dZ
        grads[f"db{l}"] = dZ.sum(axis=0)
        if l > 1:
            dZ = (dZ @ params[f"W{l}"].T) * relu_derivative(caches[f"Z{l - 1}"])
    return grads
""",
        hint="range needs a whole number",
        mistake="backward_deep.layers_not_whole",
    ),
    Mistake(
        "l2_penalty",
        "weights_of_the_biases_only",
        _l2_penalty(keep='name.startswith("b")'),
        hint="not the biases b",
        mistake="l2_penalty.biases_only",
    ),
    Mistake(
        "l2_penalty",
        "entries_not_squared",
        _l2_penalty(term="np.sum(value)"),
        hint="not w.",
        mistake="l2_penalty.not_squared",
    ),
    Mistake(
        "l2_penalty",
        "minus_the_penalty",
        _l2_penalty(factor="-0.5 * weight_decay"),
        hint="it is positive",
        mistake="l2_penalty.negative",
    ),
    Mistake(
        "l2_penalty",
        "the_sum_of_squares_alone",
        _l2_penalty(factor="1.0"),
        hint="multiply it by lambda / 2",
        mistake="l2_penalty.factor_missing",
    ),
    Mistake(
        "l2_penalty",
        "lambda_squared",
        _l2_penalty(factor="0.5 * weight_decay ** 2"),
        hint="(lambda / 2) times the sum",
        mistake="",
    ),
    Mistake(
        "sgd_step_deep",
        "decay_on_every_parameter",
        """
def sgd_step_deep(X, y, params, learning_rate, weight_decay=0.0):
    probs, caches = forward_deep(X, params)
    grads = backward_deep(X, y, params, caches)
    new = {k: v - learning_rate * (grads["d" + k] + weight_decay * v) for k, v in params.items()}
    return new, float(cross_entropy(probs, y) + l2_penalty(params, weight_decay))
""",
        hint="only the weights decay",
        mistake="sgd_step_deep.biases_decayed",
    ),
    Mistake(
        "sgd_step_deep",
        "default_decay_not_zero",
        """
def sgd_step_deep(X, y, params, learning_rate, weight_decay=0.01):
    probs, caches = forward_deep(X, params)
    grads = backward_deep(X, y, params, caches)
    new_params = {}
    for name, value in params.items():
        gradient = grads["d" + name]
        if name.startswith("W"):
            gradient = gradient + weight_decay * value
        new_params[name] = value - learning_rate * gradient
    return new_params, float(cross_entropy(probs, y) + l2_penalty(params, weight_decay))
""",
        hint="defaults to 0.0",
        mistake="sgd_step_deep.default_decay",
    ),
    Mistake(
        "sgd_step_deep",
        "loss_after_the_step_with_its_penalty",
        _sgd_step_deep(
            loss="cross_entropy(forward_deep(X, new_params)[0], y) + l2_penalty(new_params, weight_decay)"
        ),
        hint="before the step",
        mistake="sgd_step_deep.loss_after_the_step",
    ),
    Mistake(
        "sgd_step_deep",
        "penalty_subtracted_from_the_loss",
        _sgd_step_deep(loss="cross_entropy(probs, y) - l2_penalty(params, weight_decay)"),
        hint="add the penalty, do not subtract it",
        mistake="sgd_step_deep.penalty_subtracted_from_loss",
    ),
    Mistake(
        "sgd_step_deep",
        "lambda_without_W",
        _sgd_step_deep(weight="value - learning_rate * (grads['d' + name] + weight_decay)"),
        hint="not lambda alone",
        mistake="sgd_step_deep.decay_not_times_W",
    ),
    Mistake(
        "sgd_step_deep",
        "learning_rate_forgotten",
        _sgd_step_deep(
            weight="value - (grads['d' + name] + weight_decay * value)",
            bias="value - grads['d' + name]",
        ),
        hint="learning_rate times the gradient",
        mistake="sgd_step_deep.learning_rate_missing",
    ),
]

VARIANTS = [
    Variant(
        "init_deep",
        "standard_normal_and_zip",
        """
def init_deep(layer_sizes, seed=0):
    rng = np.random.default_rng(seed)
    params = {}
    for l, (fan_in, fan_out) in enumerate(zip(layer_sizes[:-1], layer_sizes[1:]), start=1):
        params["W" + str(l)] = (rng.standard_normal((fan_in, fan_out)) * np.sqrt(2 / fan_in)).astype("float32")
        params["b" + str(l)] = np.zeros((fan_out,), np.float32)
    return params
""",
    ),
    Variant(
        "init_deep",
        "weights_first_then_biases",
        """
def init_deep(layer_sizes, seed=0):
    rng = np.random.default_rng(seed)
    sizes = list(layer_sizes)
    weights = [rng.normal(scale=(2.0 / a) ** 0.5, size=(a, b)).astype(np.float32) for a, b in zip(sizes, sizes[1:])]
    params = {}
    for i, W in enumerate(weights):
        params[f"W{i + 1}"] = W
        params[f"b{i + 1}"] = np.zeros(W.shape[1], dtype=np.float32)
    return params
""",
    ),
    Variant(
        "forward_deep",
        "own_relu_and_softmax",
        """
def forward_deep(X, params):
    n_layers = len(params) // 2
    caches = {}
    A = X
    for l in range(1, n_layers + 1):
        Z = np.dot(A, params["W%d" % l]) + params["b%d" % l]
        caches["Z%d" % l] = Z
        if l == n_layers:
            e = np.exp(Z - Z.max(axis=1, keepdims=True))
            return e / e.sum(axis=1, keepdims=True), caches
        A = np.maximum(Z, 0)
        caches["A%d" % l] = A
""",
    ),
    Variant(
        "forward_deep",
        "hidden_layers_then_output",
        """
def _layer(A, params, l):
    return A @ params[f"W{l}"] + params[f"b{l}"]

def forward_deep(X, params):
    L = len(params) // 2
    caches, A = {}, X
    for l in range(1, L):
        caches[f"Z{l}"] = _layer(A, params, l)
        caches[f"A{l}"] = A = relu(caches[f"Z{l}"])
    caches[f"Z{L}"] = _layer(A, params, L)
    return softmax(caches[f"Z{L}"]), caches
""",
    ),
    Variant(
        "backward_deep",
        "own_softmax_and_mask",
        """
def backward_deep(X, y, params, caches):
    L = len(params) // 2
    logits = caches["Z" + str(L)]
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    dZ = e / e.sum(axis=1, keepdims=True)
    dZ[np.arange(len(y)), y] -= 1
    dZ = dZ / len(y)
    grads = {}
    for l in reversed(range(1, L + 1)):
        inputs = caches["A" + str(l - 1)] if l > 1 else X
        grads["dW" + str(l)] = inputs.T @ dZ
        grads["db" + str(l)] = np.sum(dZ, axis=0)
        if l > 1:
            dZ = (dZ @ params["W" + str(l)].T) * (caches["Z" + str(l - 1)] > 0)
    return grads
""",
    ),
    Variant(
        "backward_deep",
        "einsum_and_forward_order",
        """
def backward_deep(X, y, params, caches):
    L = len(params) // 2
    N = X.shape[0]
    deltas = {L: (softmax(caches[f"Z{L}"]) - one_hot(y, params[f"W{L}"].shape[1])) / N}
    for l in range(L - 1, 0, -1):
        deltas[l] = deltas[l + 1] @ params[f"W{l + 1}"].T * relu_derivative(caches[f"Z{l}"])
    inputs = {1: X, **{l: caches[f"A{l - 1}"] for l in range(2, L + 1)}}
    grads = {}
    for l in range(1, L + 1):
        grads[f"dW{l}"] = np.einsum("ni,nj->ij", inputs[l], deltas[l])
        grads[f"db{l}"] = deltas[l].sum(axis=0)
    return grads
""",
    ),
    Variant(
        "l2_penalty",
        "squared_norms",
        """
def l2_penalty(params, weight_decay):
    weights = [params[k] for k in params if k[0] == "W"]
    return float(weight_decay / 2 * sum(np.linalg.norm(W) ** 2 for W in weights))
""",
    ),
    Variant(
        "l2_penalty",
        "by_layer_number",
        """
def l2_penalty(params, weight_decay):
    L = len(params) // 2
    total = 0.0
    for l in range(1, L + 1):
        W = params[f"W{l}"].astype(np.float64)
        total += np.sum(W * W)
    return float(0.5 * weight_decay * total)
""",
    ),
    Variant(
        "sgd_step_deep",
        "decay_then_step",
        """
def sgd_step_deep(X, y, params, learning_rate, weight_decay=0.0):
    probs, caches = forward_deep(X, params)
    loss = cross_entropy(probs, y) + l2_penalty(params, weight_decay)
    grads = backward_deep(X, y, params, caches)
    shrink = 1 - learning_rate * weight_decay
    new_params = {
        k: (shrink * v if k.startswith("W") else v) - learning_rate * grads["d" + k]
        for k, v in params.items()
    }
    return new_params, loss
""",
    ),
    Variant(
        "sgd_step_deep",
        "copies_updated_in_place",
        """
def sgd_step_deep(X, y, params, learning_rate, weight_decay=0.0):
    new_params = {k: v.copy() for k, v in params.items()}
    probs, caches = forward_deep(X, params)
    grads = backward_deep(X, y, params, caches)
    for k in new_params:
        if k.startswith("W"):
            grads["d" + k] = grads["d" + k] + weight_decay * params[k]
        new_params[k] -= learning_rate * grads["d" + k]
    penalty = 0.5 * weight_decay * sum(np.sum(params[k] ** 2) for k in params if k.startswith("W"))
    return new_params, float(cross_entropy(probs, y) + penalty)
""",
    ),
    Variant(
        "init_deep",
        "he_uniform",
        _init_deep(
            "rng.uniform(-np.sqrt(6.0 / n_in), np.sqrt(6.0 / n_in), size=(n_in, n_out))"
            ".astype(np.float32)"
        ),
    ),
    Variant(
        "init_deep",
        "legacy_global_seed",
        """
def init_deep(layer_sizes, seed=0):
    np.random.seed(seed)
    params = {}
    for l in range(1, len(layer_sizes)):
        fan_in = layer_sizes[l - 1]
        params["W%d" % l] = np.float32(np.sqrt(2.0 / fan_in)) * np.random.randn(fan_in, layer_sizes[l]).astype(np.float32)
        params["b%d" % l] = np.zeros(layer_sizes[l], np.float32)
    return params
""",
    ),
    Variant(
        "forward_deep",
        "maximum_and_where",
        """
def forward_deep(X, params):
    L = len(params) // 2
    caches = {}
    A = X
    for l in range(1, L):
        Z = np.dot(A, params[f"W{l}"]) + params[f"b{l}"]
        A = np.where(Z > 0, Z, 0).astype(Z.dtype)
        caches[f"Z{l}"] = Z
        caches[f"A{l}"] = A
    logits = A @ params[f"W{L}"] + params[f"b{L}"]
    caches[f"Z{L}"] = logits
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    probs = np.exp(shifted)
    probs /= probs.sum(axis=1, keepdims=True)
    return probs, caches
""",
    ),
    Variant(
        "backward_deep",
        "eye_one_hot_and_where",
        """
def backward_deep(X, y, params, caches):
    L = len(params) // 2
    n = X.shape[0]
    Y = np.eye(params[f"W{L}"].shape[1])[y]
    dZ = (softmax(caches[f"Z{L}"]) - Y) / n
    grads = {}
    for l in range(L, 0, -1):
        A_prev = caches[f"A{l - 1}"] if l > 1 else X
        grads[f"dW{l}"] = np.dot(A_prev.T, dZ)
        grads[f"db{l}"] = np.sum(dZ, axis=0)
        if l > 1:
            dA = np.dot(dZ, params[f"W{l}"].T)
            dZ = np.where(caches[f"Z{l - 1}"] > 0, dA, 0.0)
    return grads
""",
    ),
    Variant(
        "l2_penalty",
        "frobenius_norm_squared",
        """
def l2_penalty(params, weight_decay):
    total = sum(np.linalg.norm(params[k].astype(np.float64), "fro") ** 2 for k in params if "W" in k)
    return float(weight_decay / 2 * total)
""",
    ),
    Variant(
        "sgd_step_deep",
        "loop_over_layers",
        """
def sgd_step_deep(X, y, params, learning_rate, weight_decay=0.0):
    L = len(params) // 2
    probs, caches = forward_deep(X, params)
    grads = backward_deep(X, y, params, caches)
    new_params = {}
    for l in range(1, L + 1):
        W, b = params[f"W{l}"], params[f"b{l}"]
        new_params[f"W{l}"] = (1 - learning_rate * weight_decay) * W - learning_rate * grads[f"dW{l}"]
        new_params[f"b{l}"] = b - learning_rate * grads[f"db{l}"]
    return new_params, cross_entropy(probs, y) + l2_penalty(params, weight_decay)
""",
    ),
    Variant(
        "init_deep",
        "legacy_random_state",
        """
def init_deep(layer_sizes, seed=0):
    rs = np.random.RandomState(seed)
    out = {}
    for l, (a, b) in enumerate(zip(layer_sizes, layer_sizes[1:]), 1):
        out["W" + str(l)] = (rs.randn(a, b) * np.sqrt(2.0 / a)).astype("float32")
        out["b" + str(l)] = np.zeros(b, dtype="float32")
    return out
""",
    ),
    Variant(
        "forward_deep",
        "matmul_and_percent_names",
        """
def forward_deep(X, params):
    depth = len(params) // 2
    caches, out = {}, X
    for l in range(1, depth + 1):
        z = np.matmul(out, params["W%d" % l]) + params["b%d" % l]
        caches["Z%d" % l] = z
        if l < depth:
            out = relu(z)
            caches["A%d" % l] = out
    return softmax(caches["Z%d" % depth]), caches
""",
    ),
    Variant(
        "l2_penalty",
        "vdot_per_layer",
        """
def l2_penalty(params, weight_decay):
    s = 0.0
    for key in sorted(params):
        if key[0] == "W":
            w = params[key].ravel().astype(np.float64)
            s += np.vdot(w, w)
    return float(weight_decay * s / 2)
""",
    ),
    Variant(
        "sgd_step_deep",
        "shrink_then_step_in_copies",
        """
def sgd_step_deep(X, y, params, learning_rate, weight_decay=0.0):
    probs, caches = forward_deep(X, params)
    J = cross_entropy(probs, y) + l2_penalty(params, weight_decay)
    g = backward_deep(X, y, params, caches)
    out = {}
    for k in params:
        p = params[k].copy()
        if k.startswith("W"):
            p *= (1.0 - learning_rate * weight_decay)
        p -= learning_rate * g["d" + k]
        out[k] = p
    return out, J
""",
    ),
]
