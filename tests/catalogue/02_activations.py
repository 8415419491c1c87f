"""Lesson 02 (activations): typical mistakes and correct variants of its graded functions."""

from tests.catalogue import Mistake, Variant

MISTAKES = [
    # -- relu --
    Mistake(
        "relu",
        "np_max_instead_of_maximum",
        """
def relu(Z):
    return np.max(Z, 0)
""",
        hint="np.maximum",
    ),
    Mistake(
        "relu",
        "minimum",
        """
def relu(Z):
    return np.minimum(Z, 0)
""",
        hint="np.minimum",
    ),
    Mistake(
        "relu",
        "in_place",
        """
def relu(Z):
    Z[Z < 0] = 0
    return Z
""",
        hint="z[z < 0] = 0",
    ),
    Mistake(
        "relu",
        "derivative_pattern",
        """
def relu(Z):
    return (Z > 0).astype(Z.dtype)
""",
        hint="derivative",
    ),
    Mistake(
        "relu",
        "absolute_value",
        """
def relu(Z):
    return np.abs(Z)
""",
        hint="np.abs",
    ),
    Mistake(
        "relu",
        "integers_stay_integers",
        """
def relu(Z):
    return np.maximum(Z, 0)
""",
        hint="an integer z gives back integers",
    ),
    Mistake(
        "relu",
        "mask_multiply_keeps_integers",
        """
def relu(Z):
    return Z * (Z > 0)
""",
        hint="an integer z gives back integers",
    ),
    Mistake(
        "relu",
        "float64_always",
        """
def relu(Z):
    return np.maximum(Z, 0).astype(float)
""",
        hint="float32 in should give float32 out",
    ),
    Mistake(
        "relu",
        "cast_to_int",
        """
def relu(Z):
    return np.maximum(Z, 0).astype(int)
""",
        hint="truncates",
    ),
    # -- relu_derivative --
    Mistake(
        "relu_derivative",
        "one_at_zero",
        """
def relu_derivative(Z):
    return (Z >= 0).astype(Z.dtype)
""",
        hint="z >= 0",
    ),
    Mistake(
        "relu_derivative",
        "booleans",
        """
def relu_derivative(Z):
    return Z > 0
""",
        hint="booleans",
    ),
    Mistake(
        "relu_derivative",
        "returns_relu",
        """
def relu_derivative(Z):
    return np.maximum(Z, 0)
""",
        hint="relu itself",
    ),
    Mistake(
        "relu_derivative",
        "sign",
        """
def relu_derivative(Z):
    return np.sign(Z)
""",
        hint="np.sign",
    ),
    Mistake(
        "relu_derivative",
        "heaviside_one",
        """
def relu_derivative(Z):
    return np.heaviside(Z, 1.0)
""",
        hint="heaviside",
    ),
    Mistake(
        "relu_derivative",
        "overwrites_input",
        """
def relu_derivative(Z):
    Z[Z > 0] = 1
    Z[Z <= 0] = 0
    return Z
""",
        hint="overwrite",
    ),
    Mistake(
        "relu_derivative",
        "always_float32",
        """
def relu_derivative(Z):
    return (Z > 0).astype(np.float32)
""",
        hint="keep z's float dtype",
    ),
    Mistake(
        "relu_derivative",
        "np_where_float64",
        """
def relu_derivative(Z):
    return np.where(Z > 0, 1.0, 0.0)
""",
        hint="keep z's float dtype",
    ),
    Mistake(
        "relu_derivative",
        "integer_input_keeps_integers",
        """
def relu_derivative(Z):
    return (Z > 0).astype(Z.dtype)
""",
        hint="an integer z has no float dtype to keep",
    ),
    Mistake(
        "relu_derivative",
        "integer_result",
        """
def relu_derivative(Z):
    return (Z > 0).astype(int)
""",
        hint="floats",
    ),
    # -- softmax --
    Mistake(
        "softmax",
        "no_max_subtraction",
        """
def softmax(Z):
    expZ = np.exp(Z)
    return expZ / expZ.sum(axis=1, keepdims=True)
""",
        hint="subtract each row's maximum",
    ),
    Mistake(
        "softmax",
        "global_max",
        """
def softmax(Z):
    expZ = np.exp(Z - np.max(Z))
    return expZ / expZ.sum(axis=1, keepdims=True)
""",
        hint="not the maximum of the whole array",
    ),
    Mistake(
        "softmax",
        "axis_0",
        """
def softmax(Z):
    expZ = np.exp(Z - Z.max(axis=0, keepdims=True))
    return expZ / expZ.sum(axis=0, keepdims=True)
""",
        hint="axis=0",
    ),
    Mistake(
        "softmax",
        "no_keepdims",
        """
def softmax(Z):
    expZ = np.exp(Z - Z.max(axis=1, keepdims=True))
    return expZ / expZ.sum(axis=1)
""",
        hint="keepdims",
    ),
    Mistake(
        "softmax",
        "total_sum",
        """
def softmax(Z):
    expZ = np.exp(Z - np.max(Z))
    return expZ / expZ.sum()
""",
        hint="own sum",
    ),
    Mistake(
        "softmax",
        "in_place_shift",
        """
def softmax(Z):
    Z -= Z.max(axis=1, keepdims=True)
    expZ = np.exp(Z)
    return expZ / expZ.sum(axis=1, keepdims=True)
""",
        hint="in place",
    ),
    Mistake(
        "softmax",
        "float64_result",
        """
def softmax(Z):
    Z = Z.astype(float)
    expZ = np.exp(Z - Z.max(axis=1, keepdims=True))
    return expZ / expZ.sum(axis=1, keepdims=True)
""",
        hint="float32",
    ),
]

VARIANTS = [
    # -- relu --
    Variant(
        "relu",
        "np_where",
        """
def relu(Z):
    return np.where(Z > 0, Z, 0.0)
""",
    ),
    Variant(
        "relu",
        "clip_float",
        """
def relu(Z):
    return Z.clip(min=0.0)
""",
    ),
    Variant(
        "relu",
        "copy_then_mask",
        """
def relu(Z):
    A = Z.astype(Z.dtype if Z.dtype.kind == "f" else np.float64)
    A[A < 0] = 0
    return A
""",
    ),
    # -- relu_derivative --
    Variant(
        "relu_derivative",
        "np_where_in_dtype",
        """
def relu_derivative(Z):
    dtype = Z.dtype if np.issubdtype(Z.dtype, np.floating) else np.float64
    return np.where(Z > 0, 1.0, 0.0).astype(dtype)
""",
    ),
    Variant(
        "relu_derivative",
        "heaviside_zero",
        """
def relu_derivative(Z):
    return np.heaviside(Z, 0.0)
""",
    ),
    Variant(
        "relu_derivative",
        "loop",
        """
def relu_derivative(Z):
    out = np.zeros(Z.shape, dtype=Z.dtype if Z.dtype.kind == "f" else np.float64)
    for index in np.ndindex(Z.shape):
        if Z[index] > 0:
            out[index] = 1.0
    return out
""",
    ),
    # -- softmax --
    Variant(
        "softmax",
        "scipy",
        """
def softmax(Z):
    from scipy.special import softmax as scipy_softmax
    return scipy_softmax(Z, axis=1)
""",
    ),
    Variant(
        "softmax",
        "row_loop",
        """
def _softmax_row(z):
    e = np.exp(z - z.max())
    return e / e.sum()

def softmax(Z):
    return np.stack([_softmax_row(row) for row in Z])
""",
    ),
    Variant(
        "softmax",
        "log_sum_exp",
        """
def softmax(Z):
    m = np.max(Z, axis=1, keepdims=True)
    log_norm = m + np.log(np.sum(np.exp(Z - m), axis=1, keepdims=True))
    return np.exp(Z - log_norm)
""",
    ),
    Variant(
        "softmax",
        "float32_explicit",
        """
def softmax(Z):
    shifted = Z - np.amax(Z, axis=-1, keepdims=True)
    e = np.exp(shifted)
    total = np.sum(e, axis=-1, keepdims=True)
    return (e / total).astype(Z.dtype)
""",
    ),
]
