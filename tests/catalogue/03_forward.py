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
        hint="centred on 0",
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
        hint="bias b1",
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
        hint="transposed",
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
    ),
    Mistake(
        "cross_entropy",
        "no_clip",
        """
def cross_entropy(probs, y):
    return float(-np.mean(np.log(probs[np.arange(len(y)), y])))
""",
        hint="clip",
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
    ),
    Mistake(
        "cross_entropy",
        "columns_not_entries",
        """
def cross_entropy(probs, y):
    return float(-np.mean(np.log(np.maximum(probs[:, y], 1e-12))))
""",
        hint="whole columns",
    ),
    Mistake(
        "cross_entropy",
        "numpy_array",
        """
def cross_entropy(probs, y):
    correct = probs[np.arange(len(y)), y]
    return -np.log(np.maximum(correct, 1e-12)).mean(keepdims=True)
""",
        hint="python float",
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
]
