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
        mistake="relu.np_max",
    ),
    Mistake(
        "relu",
        "minimum",
        """
def relu(Z):
    return np.minimum(Z, 0)
""",
        hint="np.minimum",
        mistake="relu.minimum",
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
        mistake="relu.in_place",
    ),
    Mistake(
        "relu",
        "derivative_pattern",
        """
def relu(Z):
    return (Z > 0).astype(Z.dtype)
""",
        hint="derivative",
        mistake="relu.mask_only",
    ),
    Mistake(
        "relu",
        "absolute_value",
        """
def relu(Z):
    return np.abs(Z)
""",
        hint="np.abs",
        mistake="relu.abs",
    ),
    Mistake(
        "relu",
        "float64_always",
        """
def relu(Z):
    return np.maximum(Z, 0).astype(float)
""",
        hint="expected float32, the dtype of z",
        mistake="relu.float64",
    ),
    Mistake(
        "relu",
        "cast_to_int",
        """
def relu(Z):
    return np.maximum(Z, 0).astype(int)
""",
        hint="truncates",
        mistake="relu.truncated",
    ),
    Mistake(
        "relu",
        "leaky",
        """
def relu(Z):
    return np.where(Z > 0, Z, 0.01 * Z)
""",
        hint="leaky relu",
        mistake="relu.leaky",
    ),
    Mistake(
        "relu",
        "relu6",
        """
def relu(Z):
    return np.minimum(np.maximum(Z, 0.0), 6.0)
""",
        hint="no upper limit",
        mistake="relu.capped",
    ),
    Mistake(
        "relu",
        "clip_to_one",
        """
def relu(Z):
    return np.clip(Z, 0.0, 1.0)
""",
        hint="no upper limit",
        mistake="relu.capped",
    ),
    Mistake(
        "relu",
        "maximum_out",
        """
def relu(Z):
    return np.maximum(Z, 0.0, out=Z)
""",
        hint="written into z itself",
        mistake="relu.in_place",
    ),
    Mistake(
        "relu",
        "positive_above_one",
        """
def relu(Z):
    return np.where(Z > 1, Z, 0.0)
""",
        hint="z where z > 0",
        mistake="",
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
        mistake="relu_derivative.one_at_zero",
    ),
    Mistake(
        "relu_derivative",
        "booleans",
        """
def relu_derivative(Z):
    return Z > 0
""",
        hint="booleans",
        mistake="relu_derivative.booleans",
    ),
    Mistake(
        "relu_derivative",
        "returns_relu",
        """
def relu_derivative(Z):
    return np.maximum(Z, 0)
""",
        hint="relu itself",
        mistake="relu_derivative.relu_itself",
    ),
    Mistake(
        "relu_derivative",
        "sign",
        """
def relu_derivative(Z):
    return np.sign(Z)
""",
        hint="np.sign",
        mistake="relu_derivative.sign",
    ),
    Mistake(
        "relu_derivative",
        "heaviside_one",
        """
def relu_derivative(Z):
    return np.heaviside(Z, 1.0)
""",
        hint="heaviside",
        mistake="relu_derivative.one_at_zero",
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
        hint="written into z itself",
        mistake="relu_derivative.in_place",
    ),
    Mistake(
        "relu_derivative",
        "always_float32",
        """
def relu_derivative(Z):
    return (Z > 0).astype(np.float32)
""",
        hint="expected float64, the dtype of z",
        mistake="relu_derivative.float32",
    ),
    Mistake(
        "relu_derivative",
        "np_where_float64",
        """
def relu_derivative(Z):
    return np.where(Z > 0, 1.0, 0.0)
""",
        hint="expected float32, the dtype of z",
        mistake="relu_derivative.float64",
    ),
    Mistake(
        "relu_derivative",
        "integer_result",
        """
def relu_derivative(Z):
    return (Z > 0).astype(int)
""",
        hint="has dtype int64",
        mistake="",
    ),
    Mistake(
        "relu_derivative",
        "half_at_zero",
        """
def relu_derivative(Z):
    return np.heaviside(Z, 0.5).astype(Z.dtype)
""",
        hint="not 0.5",
        mistake="relu_derivative.half_at_zero",
    ),
    Mistake(
        "relu_derivative",
        "small_threshold",
        """
def relu_derivative(Z):
    return (Z > 1e-9).astype(Z.dtype)
""",
        hint="wrong place",
        mistake="relu_derivative.threshold",
    ),
    Mistake(
        "relu_derivative",
        "clip",
        """
def relu_derivative(Z):
    return np.clip(Z, 0, 1)
""",
        hint="np.clip",
        mistake="relu_derivative.clipped",
    ),
    Mistake(
        "relu_derivative",
        "negative_side",
        """
def relu_derivative(Z):
    return (Z < 0).astype(Z.dtype)
""",
        hint="other way round",
        mistake="relu_derivative.inverted",
    ),
    Mistake(
        "relu_derivative",
        "always_float64",
        """
def relu_derivative(Z):
    return (Z > 0).astype(np.float64)
""",
        hint="float32 z gave float64",
        mistake="relu_derivative.float64",
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
        mistake="softmax.no_shift",
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
        mistake="softmax.global_max",
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
        mistake="softmax.columns",
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
        mistake="softmax.no_keepdims",
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
        mistake="softmax.total",
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
        mistake="softmax.in_place_shift",
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
        mistake="softmax.float64",
    ),
    Mistake(
        "softmax",
        "unshifted_denominator",
        """
def softmax(Z):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / np.exp(Z).sum(axis=1, keepdims=True)
""",
        hint="unshifted logits",
        mistake="softmax.unshifted_denominator",
    ),
    Mistake(
        "softmax",
        "max_without_keepdims",
        """
def softmax(Z):
    e = np.exp(Z - np.max(Z, axis=1))
    return e / np.sum(e, axis=1, keepdims=True)
""",
        hint="keepdims",
        mistake="softmax.no_keepdims",
    ),
    Mistake(
        "softmax",
        "log_softmax",
        """
def softmax(Z):
    m = Z.max(axis=1, keepdims=True)
    return Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True))
""",
        hint="log-softmax",
        mistake="softmax.log_softmax",
    ),
    Mistake(
        "softmax",
        "sigmoid",
        """
def softmax(Z):
    return 1.0 / (1.0 + np.exp(-Z))
""",
        hint="sigmoid",
        mistake="softmax.sigmoid",
    ),
    Mistake(
        "softmax",
        "in_place_everything",
        """
def softmax(Z):
    Z -= Z.max(axis=1, keepdims=True)
    np.exp(Z, out=Z)
    Z /= Z.sum(axis=1, keepdims=True)
    return Z
""",
        hint="written into z itself",
        mistake="softmax.in_place",
    ),
    Mistake(
        "softmax",
        "shift_by_row_minimum",
        """
def softmax(Z):
    e = np.exp(Z - Z.min(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
""",
        hint="not its minimum",
        mistake="softmax.min_shift",
    ),
    Mistake(
        "softmax",
        "shift_only_positive_maxima",
        """
def softmax(Z):
    e = np.exp(Z - np.maximum(Z.max(axis=1, keepdims=True), 0))
    return e / e.sum(axis=1, keepdims=True)
""",
        hint="contains nan",
        mistake="",
    ),
    Mistake(
        "softmax",
        "row_shift_column_maximum",
        """
def softmax(Z):
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
""",
        hint="maximum is taken over each column",
        mistake="softmax.max_over_columns",
    ),
    Mistake(
        "softmax",
        "exp_forgotten",
        """
def softmax(Z):
    shifted = Z - Z.max(axis=1, keepdims=True)
    return shifted / shifted.sum(axis=1, keepdims=True)
""",
        hint="np.exp is missing",
        mistake="softmax.no_exp",
    ),
    Mistake(
        "softmax",
        "row_shift_column_sum",
        """
def softmax(Z):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)
""",
        hint="normalises each column",
        mistake="softmax.columns",
    ),
]

VARIANTS = [
    # -- relu --
    Variant(
        "relu",
        "maximum_with_integer_zero",
        """
def relu(Z):
    return np.maximum(Z, 0)
""",
    ),
    Variant(
        "relu",
        "mask_multiply",
        """
def relu(Z):
    return Z * (Z > 0)
""",
    ),
    Variant(
        "relu",
        "half_of_z_plus_abs",
        """
def relu(Z):
    return (Z + np.abs(Z)) / 2
""",
    ),
    Variant(
        "relu",
        "clip_no_upper",
        """
def relu(Z):
    return np.clip(Z, 0, None)
""",
    ),
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
        "astype_z_dtype",
        """
def relu_derivative(Z):
    return (Z > 0).astype(Z.dtype)
""",
    ),
    Variant(
        "relu_derivative",
        "sign_of_relu",
        """
def relu_derivative(Z):
    return np.sign(np.maximum(Z, 0))
""",
    ),
    Variant(
        "relu_derivative",
        "greater_ufunc",
        """
def relu_derivative(Z):
    return np.greater(Z, 0).astype(Z.dtype)
""",
    ),
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
        "transpose_broadcast",
        """
def softmax(Z):
    e = np.exp((Z.T - np.max(Z, axis=1)))
    return (e / np.sum(e, axis=0)).T
""",
    ),
    Variant(
        "softmax",
        "scipy_logsumexp",
        """
def softmax(Z):
    from scipy.special import logsumexp
    return np.exp(Z - logsumexp(Z, axis=1, keepdims=True)).astype(Z.dtype)
""",
    ),
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
