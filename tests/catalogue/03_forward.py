"""Lesson 03 (forward): typical mistakes and correct variants of its graded functions."""

from tests.catalogue import Mistake, Variant

MISTAKES = [
    # -- init_params --
    Mistake(
        "init_params",
        "all_zeros",
        """
def init_params(n_in=784, n_hidden=10, n_out=10, seed=0):
    return {"W1": np.zeros((n_in, n_hidden), dtype=np.float32), "b1": np.zeros(n_hidden, dtype=np.float32),
            "W2": np.zeros((n_hidden, n_out), dtype=np.float32), "b2": np.zeros(n_out, dtype=np.float32)}
""",
        hint="all the weights are equal",
        mistake="init_params.constant",
    ),
    Mistake(
        "init_params",
        "std_one",
        """
def init_params(n_in=784, n_hidden=10, n_out=10, seed=0):
    rng = np.random.default_rng(seed)
    return {"W1": rng.standard_normal((n_in, n_hidden)).astype(np.float32), "b1": np.zeros(n_hidden, dtype=np.float32),
            "W2": rng.standard_normal((n_hidden, n_out)).astype(np.float32), "b2": np.zeros(n_out, dtype=np.float32)}
""",
        hint="standard deviation 1",
        mistake="init_params.std_one",
    ),
    Mistake(
        "init_params",
        "uniform_half",
        """
def init_params(n_in=784, n_hidden=10, n_out=10, seed=0):
    rng = np.random.default_rng(seed)
    return {"W1": rng.uniform(-0.5, 0.5, (n_in, n_hidden)).astype(np.float32),
            "b1": rng.uniform(-0.5, 0.5, n_hidden).astype(np.float32),
            "W2": rng.uniform(-0.5, 0.5, (n_hidden, n_out)).astype(np.float32),
            "b2": rng.uniform(-0.5, 0.5, n_out).astype(np.float32)}
""",
        hint="uniform(-0.5, 0.5)",
        mistake="init_params.uniform_half",
    ),
    Mistake(
        "init_params",
        "scale_0_01",
        """
def init_params(n_in=784, n_hidden=10, n_out=10, seed=0):
    rng = np.random.default_rng(seed)
    return {"W1": (0.01 * rng.standard_normal((n_in, n_hidden))).astype(np.float32), "b1": np.zeros(n_hidden, dtype=np.float32),
            "W2": (0.01 * rng.standard_normal((n_hidden, n_out))).astype(np.float32), "b2": np.zeros(n_out, dtype=np.float32)}
""",
        hint="0.01",
        mistake="init_params.fixed_small",
    ),
    Mistake(
        "init_params",
        "xavier",
        """
def init_params(n_in=784, n_hidden=10, n_out=10, seed=0):
    rng = np.random.default_rng(seed)
    return {"W1": rng.normal(0, np.sqrt(1 / n_in), (n_in, n_hidden)).astype(np.float32), "b1": np.zeros(n_hidden, dtype=np.float32),
            "W2": rng.normal(0, np.sqrt(1 / n_hidden), (n_hidden, n_out)).astype(np.float32), "b2": np.zeros(n_out, dtype=np.float32)}
""",
        hint="xavier",
        mistake="init_params.xavier",
    ),
    Mistake(
        "init_params",
        "variance_as_scale",
        """
def init_params(n_in=784, n_hidden=10, n_out=10, seed=0):
    rng = np.random.default_rng(seed)
    return {"W1": rng.normal(0, 2 / n_in, (n_in, n_hidden)).astype(np.float32), "b1": np.zeros(n_hidden, dtype=np.float32),
            "W2": rng.normal(0, 2 / n_hidden, (n_hidden, n_out)).astype(np.float32), "b2": np.zeros(n_out, dtype=np.float32)}
""",
        hint="variance",
        mistake="init_params.variance_as_std",
    ),
    Mistake(
        "init_params",
        "fan_out",
        """
def init_params(n_in=784, n_hidden=10, n_out=10, seed=0):
    rng = np.random.default_rng(seed)
    return {"W1": rng.normal(0, np.sqrt(2 / n_hidden), (n_in, n_hidden)).astype(np.float32), "b1": np.zeros(n_hidden, dtype=np.float32),
            "W2": rng.normal(0, np.sqrt(2 / n_out), (n_hidden, n_out)).astype(np.float32), "b2": np.zeros(n_out, dtype=np.float32)}
""",
        hint="fan_in is the number of inputs",
        mistake="init_params.fan_out",
    ),
    Mistake(
        "init_params",
        "float64",
        """
def init_params(n_in=784, n_hidden=10, n_out=10, seed=0):
    rng = np.random.default_rng(seed)
    return {"W1": rng.normal(0, np.sqrt(2 / n_in), (n_in, n_hidden)), "b1": np.zeros(n_hidden),
            "W2": rng.normal(0, np.sqrt(2 / n_hidden), (n_hidden, n_out)), "b2": np.zeros(n_out)}
""",
        hint="float64",
        mistake="init_params.float64",
    ),
    Mistake(
        "init_params",
        "ignores_seed",
        """
def init_params(n_in=784, n_hidden=10, n_out=10, seed=0):
    W1 = np.random.randn(n_in, n_hidden) * np.sqrt(2 / n_in)
    W2 = np.random.randn(n_hidden, n_out) * np.sqrt(2 / n_hidden)
    return {"W1": W1.astype(np.float32), "b1": np.zeros(n_hidden, dtype=np.float32),
            "W2": W2.astype(np.float32), "b2": np.zeros(n_out, dtype=np.float32)}
""",
        hint="default_rng(seed)",
        mistake="",
    ),
    Mistake(
        "init_params",
        "transposed_weights",
        """
def init_params(n_in=784, n_hidden=10, n_out=10, seed=0):
    rng = np.random.default_rng(seed)
    return {"W1": rng.normal(0, np.sqrt(2 / n_in), (n_hidden, n_in)).astype(np.float32), "b1": np.zeros(n_hidden, dtype=np.float32),
            "W2": rng.normal(0, np.sqrt(2 / n_hidden), (n_out, n_hidden)).astype(np.float32), "b2": np.zeros(n_out, dtype=np.float32)}
""",
        hint="transposed",
        mistake="init_params.transposed",
    ),
    Mistake(
        "init_params",
        "column_biases",
        """
def init_params(n_in=784, n_hidden=10, n_out=10, seed=0):
    rng = np.random.default_rng(seed)
    return {"W1": rng.normal(0, np.sqrt(2 / n_in), (n_in, n_hidden)).astype(np.float32), "b1": np.zeros((n_hidden, 1), dtype=np.float32),
            "W2": rng.normal(0, np.sqrt(2 / n_hidden), (n_hidden, n_out)).astype(np.float32), "b2": np.zeros((n_out, 1), dtype=np.float32)}
""",
        hint="biases are 1-d",
        mistake="init_params.column_biases",
    ),
    Mistake(
        "init_params",
        "random_biases",
        """
def init_params(n_in=784, n_hidden=10, n_out=10, seed=0):
    rng = np.random.default_rng(seed)
    return {"W1": rng.normal(0, np.sqrt(2 / n_in), (n_in, n_hidden)).astype(np.float32),
            "b1": rng.normal(0, 1, n_hidden).astype(np.float32),
            "W2": rng.normal(0, np.sqrt(2 / n_hidden), (n_hidden, n_out)).astype(np.float32),
            "b2": rng.normal(0, 1, n_out).astype(np.float32)}
""",
        hint="biases start at zero",
        mistake="",
    ),
    Mistake(
        "init_params",
        "uniform_zero_one",
        """
def init_params(n_in=784, n_hidden=10, n_out=10, seed=0):
    rng = np.random.default_rng(seed)
    return {"W1": (rng.random((n_in, n_hidden)) * np.sqrt(2 / n_in)).astype(np.float32), "b1": np.zeros(n_hidden, dtype=np.float32),
            "W2": (rng.random((n_hidden, n_out)) * np.sqrt(2 / n_hidden)).astype(np.float32), "b2": np.zeros(n_out, dtype=np.float32)}
""",
        hint="every weight is positive",
        mistake="init_params.not_centred",
    ),
    Mistake(
        "init_params",
        "two_over_sqrt_fan_in",
        """
def init_params(n_in=784, n_hidden=10, n_out=10, seed=0):
    rng = np.random.default_rng(seed)
    W1 = rng.normal(0, 2 / np.sqrt(n_in), (n_in, n_hidden))
    W2 = rng.normal(0, 2 / np.sqrt(n_hidden), (n_hidden, n_out))
    return {"W1": W1.astype(np.float32), "b1": np.zeros(n_hidden, np.float32), "W2": W2.astype(np.float32), "b2": np.zeros(n_out, np.float32)}
""",
        hint="sqrt(2) times he's",
        mistake="init_params.two_over_sqrt",
    ),
    Mistake(
        "init_params",
        "glorot",
        """
def init_params(n_in=784, n_hidden=10, n_out=10, seed=0):
    rng = np.random.default_rng(seed)
    W1 = rng.normal(0, np.sqrt(2 / (n_in + n_hidden)), (n_in, n_hidden))
    W2 = rng.normal(0, np.sqrt(2 / (n_hidden + n_out)), (n_hidden, n_out))
    return {"W1": W1.astype(np.float32), "b1": np.zeros(n_hidden, np.float32), "W2": W2.astype(np.float32), "b2": np.zeros(n_out, np.float32)}
""",
        hint="glorot",
        mistake="init_params.glorot",
    ),
    Mistake(
        "init_params",
        "n_in_for_both_layers",
        """
def init_params(n_in=784, n_hidden=10, n_out=10, seed=0):
    rng = np.random.default_rng(seed)
    W1 = rng.normal(0, np.sqrt(2 / n_in), (n_in, n_hidden))
    W2 = rng.normal(0, np.sqrt(2 / n_in), (n_hidden, n_out))
    return {"W1": W1.astype(np.float32), "b1": np.zeros(n_hidden, np.float32), "W2": W2.astype(np.float32), "b2": np.zeros(n_out, np.float32)}
""",
        hint="w2 has the spread of w1",
        mistake="init_params.n_in_for_both",
    ),
    Mistake(
        "init_params",
        "three_over_fan_in_for_w2",
        """
def init_params(n_in=784, n_hidden=10, n_out=10, seed=0):
    rng = np.random.default_rng(seed)
    W1 = rng.normal(0, np.sqrt(2 / n_in), (n_in, n_hidden))
    W2 = rng.normal(0, np.sqrt(3 / n_hidden), (n_hidden, n_out))
    return {"W1": W1.astype(np.float32), "b1": np.zeros(n_hidden, np.float32), "W2": W2.astype(np.float32), "b2": np.zeros(n_out, np.float32)}
""",
        hint="1.2",
        mistake="",
    ),
    Mistake(
        "init_params",
        "one_hidden_unit_tiled",
        """
def init_params(n_in=784, n_hidden=10, n_out=10, seed=0):
    rng = np.random.default_rng(seed)
    W1 = np.tile(rng.normal(0, np.sqrt(2 / n_in), (1, n_hidden)), (n_in, 1))
    W2 = rng.normal(0, np.sqrt(2 / n_hidden), (n_hidden, n_out))
    return {"W1": W1.astype(np.float32), "b1": np.zeros(n_hidden, np.float32), "W2": W2.astype(np.float32), "b2": np.zeros(n_out, np.float32)}
""",
        hint="centred on 0",
        mistake="",
    ),
    Mistake(
        "init_params",
        "default_seed_one",
        """
def init_params(n_in=784, n_hidden=10, n_out=10, seed=1):
    rng = np.random.default_rng(seed)
    W1 = rng.normal(0, np.sqrt(2 / n_in), (n_in, n_hidden))
    W2 = rng.normal(0, np.sqrt(2 / n_hidden), (n_hidden, n_out))
    return {"W1": W1.astype(np.float32), "b1": np.zeros(n_hidden, np.float32), "W2": W2.astype(np.float32), "b2": np.zeros(n_out, np.float32)}
""",
        hint="default seed is 0",
        mistake="init_params.default_seed",
    ),
    Mistake(
        "init_params",
        "default_sixteen_hidden",
        """
def init_params(n_in=784, n_hidden=16, n_out=10, seed=0):
    rng = np.random.default_rng(seed)
    W1 = rng.normal(0, np.sqrt(2 / n_in), (n_in, n_hidden))
    W2 = rng.normal(0, np.sqrt(2 / n_hidden), (n_hidden, n_out))
    return {"W1": W1.astype(np.float32), "b1": np.zeros(n_hidden, np.float32), "W2": W2.astype(np.float32), "b2": np.zeros(n_out, np.float32)}
""",
        hint="(784, 16)",
        mistake="",
    ),
    Mistake(
        "init_params",
        "loc_and_scale_swapped",
        """
def init_params(n_in=784, n_hidden=10, n_out=10, seed=0):
    rng = np.random.default_rng(seed)
    W1 = rng.normal(np.sqrt(2 / n_in), 0.0, (n_in, n_hidden))
    W2 = rng.normal(np.sqrt(2 / n_hidden), 0.0, (n_hidden, n_out))
    return {"W1": W1.astype(np.float32), "b1": np.zeros(n_hidden, np.float32), "W2": W2.astype(np.float32), "b2": np.zeros(n_out, np.float32)}
""",
        hint="all the weights are equal",
        mistake="init_params.constant",
    ),
    Mistake(
        "init_params",
        "folded_normal",
        """
def init_params(n_in=784, n_hidden=10, n_out=10, seed=0):
    rng = np.random.default_rng(seed)
    W1 = np.abs(rng.normal(0, np.sqrt(2 / n_in), (n_in, n_hidden)))
    W2 = np.abs(rng.normal(0, np.sqrt(2 / n_hidden), (n_hidden, n_out)))
    return {"W1": W1.astype(np.float32), "b1": np.zeros(n_hidden, np.float32), "W2": W2.astype(np.float32), "b2": np.zeros(n_out, np.float32)}
""",
        hint="every weight is positive",
        mistake="init_params.not_centred",
    ),
    Mistake(
        "init_params",
        "spread_as_mean",
        """
def init_params(n_in=784, n_hidden=10, n_out=10, seed=0):
    rng = np.random.default_rng(seed)
    W1 = rng.normal(np.sqrt(2.0 / n_in), size=(n_in, n_hidden))
    W2 = rng.normal(np.sqrt(2.0 / n_hidden), size=(n_hidden, n_out))
    return {"W1": W1.astype(np.float32), "b1": np.zeros(n_hidden, np.float32),
            "W2": W2.astype(np.float32), "b2": np.zeros(n_out, np.float32)}
""",
        hint="went in as the mean",
        mistake="init_params.loc_for_scale",
    ),
    Mistake(
        "init_params",
        "w2_not_scaled",
        """
def init_params(n_in=784, n_hidden=10, n_out=10, seed=0):
    rng = np.random.default_rng(seed)
    W1 = rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_hidden))
    W2 = rng.standard_normal((n_hidden, n_out))
    return {"W1": W1.astype(np.float32), "b1": np.zeros(n_hidden, np.float32),
            "W2": W2.astype(np.float32), "b2": np.zeros(n_out, np.float32)}
""",
        hint="standard deviation 1",
        mistake="init_params.std_one",
    ),
    # -- forward --
    Mistake(
        "forward",
        "softmax_on_hidden",
        """
def forward(X, params):
    Z1 = X @ params["W1"] + params["b1"]
    A1 = softmax(Z1)
    Z2 = A1 @ params["W2"] + params["b2"]
    return softmax(Z2), {"Z1": Z1, "A1": A1, "Z2": Z2}
""",
        hint="softmax belongs on the output layer",
        mistake="forward.hidden_softmax",
    ),
    Mistake(
        "forward",
        "no_softmax",
        """
def forward(X, params):
    Z1 = X @ params["W1"] + params["b1"]
    A1 = relu(Z1)
    Z2 = A1 @ params["W2"] + params["b2"]
    return Z2, {"Z1": Z1, "A1": A1, "Z2": Z2}
""",
        hint="probs = softmax(z2)",
        mistake="forward.no_softmax",
    ),
    Mistake(
        "forward",
        "no_biases",
        """
def forward(X, params):
    Z1 = X @ params["W1"]
    A1 = relu(Z1)
    Z2 = A1 @ params["W2"]
    return softmax(Z2), {"Z1": Z1, "A1": A1, "Z2": Z2}
""",
        hint="both biases",
        mistake="forward.no_biases",
    ),
    Mistake(
        "forward",
        "no_relu",
        """
def forward(X, params):
    Z1 = X @ params["W1"] + params["b1"]
    A1 = Z1
    Z2 = A1 @ params["W2"] + params["b2"]
    return softmax(Z2), {"Z1": Z1, "A1": A1, "Z2": Z2}
""",
        hint="a1 = relu(z1)",
        mistake="forward.no_relu",
    ),
    Mistake(
        "forward",
        "in_place_relu",
        """
def forward(X, params):
    Z1 = X @ params["W1"] + params["b1"]
    A1 = np.maximum(Z1, 0, out=Z1)
    Z2 = A1 @ params["W2"] + params["b2"]
    return softmax(Z2), {"Z1": Z1, "A1": A1, "Z2": Z2}
""",
        hint="before it",
        mistake="forward.relu_in_place",
    ),
    Mistake(
        "forward",
        "relu_on_output",
        """
def forward(X, params):
    Z1 = X @ params["W1"] + params["b1"]
    A1 = relu(Z1)
    Z2 = relu(A1 @ params["W2"] + params["b2"])
    return softmax(Z2), {"Z1": Z1, "A1": A1, "Z2": Z2}
""",
        hint="relu on the output layer",
        mistake="forward.relu_on_output",
    ),
    Mistake(
        "forward",
        "column_major",
        """
def forward(X, params):
    Z1 = params["W1"].T @ X.T + params["b1"][:, None]
    A1 = relu(Z1)
    Z2 = params["W2"].T @ A1 + params["b2"][:, None]
    return softmax(Z2.T), {"Z1": Z1, "A1": A1, "Z2": Z2}
""",
        hint="examples as columns",
        mistake="forward.columns_convention",
    ),
    Mistake(
        "forward",
        "cache_tuple",
        """
def forward(X, params):
    Z1 = X @ params["W1"] + params["b1"]
    A1 = relu(Z1)
    Z2 = A1 @ params["W2"] + params["b2"]
    return softmax(Z2), (Z1, A1, Z2)
""",
        hint="the cache is a dict",
        mistake="",
    ),
    Mistake(
        "forward",
        "float64_inside",
        """
def forward(X, params):
    X = X.astype(np.float64)
    Z1 = X @ params["W1"] + params["b1"]
    A1 = relu(Z1)
    Z2 = A1 @ params["W2"] + params["b2"]
    return softmax(Z2), {"Z1": Z1, "A1": A1, "Z2": Z2}
""",
        hint="float32",
        mistake="forward.float64",
    ),
    Mistake(
        "forward",
        "b1_after_relu",
        """
def forward(X, params):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    A1 = np.maximum(X @ W1, 0) + b1
    Z1 = X @ W1
    Z2 = A1 @ W2 + b2
    return softmax(Z2), {"Z1": Z1, "A1": A1, "Z2": Z2}
""",
        hint="after the relu",
        mistake="forward.b1_after_relu",
    ),
    Mistake(
        "forward",
        "naive_softmax_inline",
        """
def forward(X, params):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0)
    Z2 = A1 @ W2 + b2
    e = np.exp(Z2)
    return e / e.sum(axis=1, keepdims=True), {"Z1": Z1, "A1": A1, "Z2": Z2}
""",
        hint="without the shift",
        mistake="forward.unstable_softmax",
    ),
    Mistake(
        "forward",
        "examples_as_columns",
        """
def forward(X, params):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    Z1 = W1 @ X + b1
    A1 = relu(Z1)
    Z2 = A1 @ W2 + b2
    return softmax(Z2), {"Z1": Z1, "A1": A1, "Z2": Z2}
""",
        hint="batch-first",
        mistake="forward.columns_convention",
    ),
    Mistake(
        "forward",
        "probabilities_cached_as_z2",
        """
def forward(X, params):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    Z1 = X @ W1 + b1
    A1 = relu(Z1)
    Z2 = softmax(A1 @ W2 + b2)
    return Z2, {"Z1": Z1, "A1": A1, "Z2": Z2}
""",
        hint="holds the probabilities",
        mistake="forward.probs_cached_as_Z2",
    ),
    Mistake(
        "forward",
        "cache_stored_in_params",
        """
def forward(X, params):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    Z1 = X @ W1 + b1
    A1 = relu(Z1)
    Z2 = A1 @ W2 + b2
    params.update(Z1=Z1, A1=A1, Z2=Z2)
    return softmax(Z2), {"Z1": Z1, "A1": A1, "Z2": Z2}
""",
        hint="cache went into params",
        mistake="forward.cache_in_params",
    ),
    Mistake(
        "forward",
        "sigmoid_hidden_layer",
        """
def forward(X, params):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    Z1 = X @ W1 + b1
    A1 = 1 / (1 + np.exp(-Z1))
    Z2 = A1 @ W2 + b2
    return softmax(Z2), {"Z1": Z1, "A1": A1, "Z2": Z2}
""",
        hint="probs = softmax(z2)",
        mistake="",
    ),
    Mistake(
        "forward",
        "float64_softmax",
        """
def forward(X, params):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    Z1 = X @ W1 + b1
    A1 = relu(Z1)
    Z2 = A1 @ W2 + b2
    return softmax(Z2.astype(np.float64)), {"Z1": Z1, "A1": A1, "Z2": Z2}
""",
        hint="expected float32",
        mistake="forward.float64",
    ),
    Mistake(
        "forward",
        "no_b1",
        """
def forward(X, params):
    Z1 = X @ params["W1"]
    A1 = relu(Z1)
    Z2 = A1 @ params["W2"] + params["b2"]
    return softmax(Z2), {"Z1": Z1, "A1": A1, "Z2": Z2}
""",
        hint="bias b1 is missing",
        mistake="forward.no_b1",
    ),
    Mistake(
        "forward",
        "no_b2",
        """
def forward(X, params):
    Z1 = X @ params["W1"] + params["b1"]
    A1 = relu(Z1)
    Z2 = A1 @ params["W2"]
    return softmax(Z2), {"Z1": Z1, "A1": A1, "Z2": Z2}
""",
        hint="bias b2 is missing",
        mistake="forward.no_b2",
    ),
    Mistake(
        "cross_entropy",
        "divides_by_N_twice",
        """
def cross_entropy(probs, y):
    p = np.maximum(probs[np.arange(len(y)), y], 1e-12)
    return float(-np.mean(np.log(p)) / len(y))
""",
        hint="divided by n twice",
        mistake="cross_entropy.divided_twice",
    ),
    # -- cross_entropy --
    Mistake(
        "cross_entropy",
        "summed",
        """
def cross_entropy(probs, y):
    correct = probs[np.arange(len(y)), y]
    return float(-np.sum(np.log(np.maximum(correct, 1e-12))))
""",
        hint="not the sum",
        mistake="cross_entropy.sum_not_mean",
    ),
    Mistake(
        "cross_entropy",
        "no_clip",
        """
def cross_entropy(probs, y):
    return float(-np.mean(np.log(probs[np.arange(len(y)), y])))
""",
        hint="clip",
        mistake="cross_entropy.no_clip",
    ),
    Mistake(
        "cross_entropy",
        "one_hot_product_no_clip",
        """
def cross_entropy(probs, y):
    Y = np.zeros_like(probs)
    Y[np.arange(len(y)), y] = 1
    return float(-np.sum(Y * np.log(probs)) / len(y))
""",
        hint="clip",
        mistake="cross_entropy.no_clip",
    ),
    Mistake(
        "cross_entropy",
        "mean_over_entries",
        """
def cross_entropy(probs, y):
    Y = np.zeros_like(probs)
    Y[np.arange(len(y)), y] = 1
    return float(-np.mean(Y * np.log(np.clip(probs, 1e-12, 1.0))))
""",
        hint="n * c",
        mistake="cross_entropy.mean_over_entries",
    ),
    Mistake(
        "cross_entropy",
        "columns_not_entries",
        """
def cross_entropy(probs, y):
    return float(-np.mean(np.log(np.maximum(probs[:, y], 1e-12))))
""",
        hint="whole columns",
        mistake="cross_entropy.columns_not_entries",
    ),
    Mistake(
        "cross_entropy",
        "numpy_array",
        """
def cross_entropy(probs, y):
    correct = probs[np.arange(len(y)), y]
    return -np.log(np.maximum(correct, 1e-12)).mean(keepdims=True)
""",
        hint="return float(",
        mistake="cross_entropy.not_a_float",
    ),
    Mistake(
        "cross_entropy",
        "clip_in_place",
        """
def cross_entropy(probs, y):
    probs[probs < 1e-12] = 1e-12
    return float(-np.mean(np.log(probs[np.arange(len(y)), y])))
""",
        hint="caller's array",
        mistake="cross_entropy.clip_in_place",
    ),
    Mistake(
        "cross_entropy",
        "missing_minus",
        """
def cross_entropy(probs, y):
    correct = probs[np.arange(len(y)), y]
    return float(np.mean(np.log(np.maximum(correct, 1e-12))))
""",
        hint="minus sign",
        mistake="cross_entropy.no_minus",
    ),
    Mistake(
        "cross_entropy",
        "log10",
        """
def cross_entropy(probs, y):
    correct = probs[np.arange(len(y)), y]
    return float(-np.mean(np.log10(np.maximum(correct, 1e-12))))
""",
        hint="natural log",
        mistake="cross_entropy.log_base",
    ),
    Mistake(
        "cross_entropy",
        "clip_1e_8",
        """
def cross_entropy(probs, y):
    correct = np.clip(probs[np.arange(len(y)), y], 1e-8, 1.0)
    return float(-np.mean(np.log(correct)))
""",
        hint="clip at 1e-12",
        mistake="cross_entropy.other_clip",
    ),
    Mistake(
        "cross_entropy",
        "only_zeros_replaced",
        """
def cross_entropy(probs, y):
    p = probs[np.arange(len(y)), y]
    p = np.where(p == 0, 1e-12, p)
    return float(-np.mean(np.log(p)))
""",
        hint="only exact zeros",
        mistake="cross_entropy.only_zeros_clipped",
    ),
    Mistake(
        "cross_entropy",
        "divides_by_classes",
        """
def cross_entropy(probs, y):
    p = np.maximum(probs[np.arange(len(y)), y], 1e-12)
    return float(-np.sum(np.log(p)) / probs.shape[1])
""",
        hint="number of classes",
        mistake="cross_entropy.classes_not_examples",
    ),
    Mistake(
        "cross_entropy",
        "most_probable_class",
        """
def cross_entropy(probs, y):
    return float(-np.mean(np.log(np.maximum(probs.max(axis=1), 1e-12))))
""",
        hint="most probable class",
        mistake="cross_entropy.most_probable",
    ),
    Mistake(
        "cross_entropy",
        "no_log",
        """
def cross_entropy(probs, y):
    return float(-np.mean(np.maximum(probs[np.arange(len(y)), y], 1e-12)))
""",
        hint="the log is missing",
        mistake="cross_entropy.no_log",
    ),
    Mistake(
        "cross_entropy",
        "numpy_scalar",
        """
def cross_entropy(probs, y):
    return -np.mean(np.log(np.maximum(probs[np.arange(len(y)), y], 1e-12)))
""",
        hint="not a python float",
        mistake="cross_entropy.not_a_float",
    ),
    Mistake(
        "cross_entropy",
        "per_example_losses",
        """
def cross_entropy(probs, y):
    return -np.log(np.maximum(probs[np.arange(len(y)), y], 1e-12))
""",
        hint="per-example losses",
        mistake="cross_entropy.per_example",
    ),
    Mistake(
        "cross_entropy",
        "minimum_for_maximum",
        """
def cross_entropy(probs, y):
    return float(-np.mean(np.log(np.minimum(probs[np.arange(len(y)), y], 1e-12))))
""",
        hint="np.minimum",
        mistake="cross_entropy.minimum_for_maximum",
    ),
    Mistake(
        "cross_entropy",
        "log2",
        """
def cross_entropy(probs, y):
    correct = probs[np.arange(len(y)), y]
    return float(-np.mean(np.log2(np.maximum(correct, 1e-12))))
""",
        hint="natural log",
        mistake="cross_entropy.log_base",
    ),
]

VARIANTS = [
    # -- init_params --
    Variant(
        "init_params",
        "w2_drawn_first",
        """
def init_params(n_in=784, n_hidden=10, n_out=10, seed=0):
    rng = np.random.default_rng(seed)
    W2 = rng.standard_normal((n_hidden, n_out)) * np.sqrt(2.0 / n_hidden)
    W1 = rng.standard_normal((n_in, n_hidden)) * np.sqrt(2.0 / n_in)
    return {"W1": W1.astype(np.float32), "b1": np.zeros(n_hidden, np.float32),
            "W2": W2.astype(np.float32), "b2": np.zeros(n_out, np.float32)}
""",
    ),
    Variant(
        "init_params",
        "random_state_helper",
        """
def _he(rng, fan_in, fan_out):
    return (rng.randn(fan_in, fan_out) * np.sqrt(2.0 / fan_in)).astype(np.float32)

def init_params(n_in=784, n_hidden=10, n_out=10, seed=0):
    rng = np.random.RandomState(seed)
    return {"W1": _he(rng, n_in, n_hidden), "b1": np.zeros(n_hidden, dtype=np.float32),
            "W2": _he(rng, n_hidden, n_out), "b2": np.zeros(n_out, dtype=np.float32)}
""",
    ),
    Variant(
        "init_params",
        "float32_draws_loop",
        """
def init_params(n_in=784, n_hidden=10, n_out=10, seed=0):
    rng = np.random.default_rng(seed)
    params = {}
    for layer, (fan_in, fan_out) in enumerate([(n_in, n_hidden), (n_hidden, n_out)], start=1):
        params[f"W{layer}"] = rng.standard_normal((fan_in, fan_out), dtype=np.float32) * np.float32(np.sqrt(2 / fan_in))
        params[f"b{layer}"] = np.zeros(fan_out, dtype=np.float32)
    return params
""",
    ),
    Variant(
        "init_params",
        "he_uniform",
        """
def init_params(n_in=784, n_hidden=10, n_out=10, seed=0):
    rng = np.random.default_rng(seed)
    W1 = rng.uniform(-np.sqrt(6 / n_in), np.sqrt(6 / n_in), (n_in, n_hidden))
    W2 = rng.uniform(-np.sqrt(6 / n_hidden), np.sqrt(6 / n_hidden), (n_hidden, n_out))
    return {"W1": W1.astype(np.float32), "b1": np.zeros(n_hidden, np.float32), "W2": W2.astype(np.float32), "b2": np.zeros(n_out, np.float32)}
""",
    ),
    Variant(
        "init_params",
        "standard_normal_scaled",
        """
def init_params(n_in=784, n_hidden=10, n_out=10, seed=0):
    rng = np.random.default_rng(seed)
    W1 = rng.standard_normal((n_in, n_hidden)) * np.sqrt(2 / n_in)
    W2 = rng.standard_normal((n_hidden, n_out)) * np.sqrt(2 / n_hidden)
    return {"W1": W1.astype(np.float32), "b1": np.zeros(n_hidden, np.float32), "W2": W2.astype(np.float32), "b2": np.zeros(n_out, np.float32)}
""",
    ),
    # -- forward --
    Variant(
        "forward",
        "np_dot_and_where",
        """
def forward(X, params):
    Z1 = np.dot(X, params["W1"]) + params["b1"]
    A1 = np.where(Z1 > 0, Z1, 0)
    Z2 = np.dot(A1, params["W2"]) + params["b2"]
    shifted = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
    probs = shifted / shifted.sum(axis=1, keepdims=True)
    cache = dict(Z1=Z1, A1=A1, Z2=Z2)
    return probs, cache
""",
    ),
    Variant(
        "forward",
        "row_loop",
        """
def forward(X, params):
    W1, b1, W2, b2 = (params[k] for k in ("W1", "b1", "W2", "b2"))
    Z1 = np.stack([x @ W1 + b1 for x in X])
    A1 = relu(Z1)
    Z2 = np.stack([a @ W2 + b2 for a in A1])
    return softmax(Z2), {"Z1": Z1, "A1": A1, "Z2": Z2}
""",
    ),
    Variant(
        "forward",
        "inline_relu_and_softmax",
        """
def forward(X, params):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    Z1 = X @ W1 + b1
    A1 = Z1 * (Z1 > 0)
    Z2 = A1 @ W2 + b2
    e = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True), {"Z1": Z1, "A1": A1, "Z2": Z2}
""",
    ),
    # -- cross_entropy --
    Variant(
        "cross_entropy",
        "one_hot_with_clip",
        """
def cross_entropy(probs, y):
    Y = np.zeros(probs.shape)
    Y[np.arange(len(y)), y] = 1.0
    return float(-np.sum(Y * np.log(np.clip(probs, 1e-12, None))) / probs.shape[0])
""",
    ),
    Variant(
        "cross_entropy",
        "loop_numpy_scalar",
        """
def cross_entropy(probs, y):
    total = 0.0
    for i, label in enumerate(y):
        total += -np.log(max(probs[i, label], 1e-12))
    return np.float64(total / len(y))
""",
    ),
    Variant(
        "cross_entropy",
        "take_along_axis",
        """
def cross_entropy(probs, y):
    picked = np.take_along_axis(probs, np.asarray(y)[:, None], axis=1)[:, 0]
    return float(np.mean(-np.log(np.clip(picked, 1e-12, 1.0))))
""",
    ),
    Variant(
        "cross_entropy",
        "log_of_p_plus_epsilon",
        """
def cross_entropy(probs, y):
    return float(-np.mean(np.log(probs[np.arange(len(y)), y] + 1e-12)))
""",
    ),
    Variant(
        "cross_entropy",
        "clip_both_ends",
        """
def cross_entropy(probs, y):
    p = np.clip(probs, 1e-12, 1 - 1e-12)
    return float(-np.mean(np.log(p[np.arange(len(y)), y])))
""",
    ),
    Variant(
        "cross_entropy",
        "np_choose",
        """
def cross_entropy(probs, y):
    return float(-np.mean(np.log(np.maximum(np.choose(y, probs.T), 1e-12))))
""",
    ),
]
