"""Lesson 01 (data): typical mistakes and correct variants of its graded functions."""

from tests.catalogue import Mistake, Variant

MISTAKES = [
    # -- split_features_labels --
    Mistake(
        "split_features_labels",
        "drops_first_column",
        """
def split_features_labels(df):
    X = df.iloc[:, 1:].to_numpy()
    y = df["label"].to_numpy() if "label" in df.columns else None
    return X, y
""",
        hint="pixel0",
    ),
    Mistake(
        "split_features_labels",
        "label_always_there",
        """
def split_features_labels(df):
    X = df.drop(columns="label").to_numpy()
    y = df["label"].to_numpy()
    return X, y
""",
        hint="no 'label' column",
    ),
    Mistake(
        "split_features_labels",
        "returns_pandas",
        """
def split_features_labels(df):
    if "label" in df.columns:
        return df.drop(columns="label"), df["label"]
    return df, None
""",
        hint="to_numpy",
    ),
    Mistake(
        "split_features_labels",
        "keeps_label_in_X",
        """
def split_features_labels(df):
    X = df.to_numpy()
    y = df["label"].to_numpy() if "label" in df.columns else None
    return X, y
""",
        hint="label column",
    ),
    Mistake(
        "split_features_labels",
        "pop_label",
        """
def split_features_labels(df):
    y = df.pop("label").to_numpy() if "label" in df.columns else None
    return df.to_numpy(), y
""",
        hint="df.pop",
    ),
    Mistake(
        "split_features_labels",
        "scales_pixels",
        """
def split_features_labels(df):
    X = df.drop(columns="label", errors="ignore").to_numpy() / 255.0
    y = df["label"].to_numpy() if "label" in df.columns else None
    return X, y
""",
        hint="normalize",
    ),
    Mistake(
        "split_features_labels",
        "y_as_column_table",
        """
def split_features_labels(df):
    X = df.drop(columns="label", errors="ignore").to_numpy()
    y = df[["label"]].to_numpy() if "label" in df.columns else None
    return X, y
""",
        hint="(n, 1)",
    ),
    Mistake(
        "split_features_labels",
        "returns_y_first",
        """
def split_features_labels(df):
    X = df.drop(columns="label", errors="ignore").to_numpy()
    y = df["label"].to_numpy() if "label" in df.columns else None
    return y, X
""",
        hint="return x first",
    ),
    # -- normalize --
    Mistake(
        "normalize",
        "divides_by_256",
        """
def normalize(X):
    return (X / 256).astype(np.float32)
""",
        hint="not 256",
    ),
    Mistake(
        "normalize",
        "integer_division",
        """
def normalize(X):
    return (X // 255).astype(np.float32)
""",
        hint="integer division",
    ),
    Mistake(
        "normalize",
        "cast_to_uint8",
        """
def normalize(X):
    return (X / 255).astype(np.uint8)
""",
        hint="integer division",
    ),
    Mistake(
        "normalize",
        "in_place_division",
        """
def normalize(X):
    X /= 255
    return X.astype(np.float32)
""",
        hint="in place",
    ),
    Mistake(
        "normalize",
        "uint8_overflow",
        """
def normalize(X):
    # scale to percent first, then to [0, 1]: X * 100 overflows on uint8
    return (X * 100 / 25500).astype(np.float32)
""",
        hint="uint8 overflow",
    ),
    Mistake(
        "normalize",
        "divides_by_max",
        """
def normalize(X):
    return (X / X.max()).astype(np.float32)
""",
        hint="x.max()",
    ),
    Mistake(
        "normalize",
        "float64_result",
        """
def normalize(X):
    return X / 255.0
""",
        hint="float64",
    ),
    Mistake(
        "normalize",
        "standardises",
        """
def normalize(X):
    X = X.astype(np.float32)
    return (X - X.mean()) / X.std()
""",
        hint="[0, 1]",
    ),
    # -- train_dev_split --
    Mistake(
        "train_dev_split",
        "two_permutations",
        """
def train_dev_split(X, y, dev_size=1000, seed=0):
    rng = np.random.default_rng(seed)
    X = X[rng.permutation(len(X))]
    y = y[rng.permutation(len(y))]
    return X[dev_size:], y[dev_size:], X[:dev_size], y[:dev_size]
""",
        hint="same permutation",
    ),
    Mistake(
        "train_dev_split",
        "shuffles_in_place",
        """
def train_dev_split(X, y, dev_size=1000, seed=0):
    rng = np.random.default_rng(seed)
    rng.shuffle(X)
    rng.shuffle(y)
    return X[dev_size:], y[dev_size:], X[:dev_size], y[:dev_size]
""",
        hint="same permutation",
    ),
    Mistake(
        "train_dev_split",
        "same_seed_shuffles_in_place",
        """
def train_dev_split(X, y, dev_size=1000, seed=0):
    np.random.default_rng(seed).shuffle(X)
    np.random.default_rng(seed).shuffle(y)
    return X[dev_size:], y[dev_size:], X[:dev_size], y[:dev_size]
""",
        hint="in place",
    ),
    Mistake(
        "train_dev_split",
        "no_shuffle",
        """
def train_dev_split(X, y, dev_size=1000, seed=0):
    return X[dev_size:], y[dev_size:], X[:dev_size], y[:dev_size]
""",
        hint="shuffle",
    ),
    Mistake(
        "train_dev_split",
        "ignores_seed",
        """
def train_dev_split(X, y, dev_size=1000, seed=0):
    order = np.random.permutation(len(X))
    return X[order[dev_size:]], y[order[dev_size:]], X[order[:dev_size]], y[order[:dev_size]]
""",
        hint="default_rng(seed)",
    ),
    Mistake(
        "train_dev_split",
        "fixed_seed",
        """
def train_dev_split(X, y, dev_size=1000, seed=0):
    order = np.random.default_rng(42).permutation(len(X))
    return X[order[dev_size:]], y[order[dev_size:]], X[order[:dev_size]], y[order[:dev_size]]
""",
        hint="seed argument",
    ),
    Mistake(
        "train_dev_split",
        "with_replacement",
        """
def train_dev_split(X, y, dev_size=1000, seed=0):
    order = np.random.default_rng(seed).integers(0, len(X), size=len(X))
    return X[order[dev_size:]], y[order[dev_size:]], X[order[:dev_size]], y[order[:dev_size]]
""",
        hint="with replacement",
    ),
    Mistake(
        "train_dev_split",
        "sklearn_order",
        """
def train_dev_split(X, y, dev_size=1000, seed=0):
    order = np.random.default_rng(seed).permutation(len(X))
    dev, train = order[:dev_size], order[dev_size:]
    return X[train], X[dev], y[train], y[dev]
""",
        hint="in this order",
    ),
    Mistake(
        "train_dev_split",
        "sizes_swapped",
        """
def train_dev_split(X, y, dev_size=1000, seed=0):
    order = np.random.default_rng(seed).permutation(len(X))
    train, dev = order[:dev_size], order[dev_size:]
    return X[train], y[train], X[dev], y[dev]
""",
        hint="other way round",
    ),
    # -- one_hot --
    Mistake(
        "one_hot",
        "transposed",
        """
def one_hot(y, num_classes=10):
    Y = np.zeros((num_classes, len(y)), dtype=np.float32)
    Y[y, np.arange(len(y))] = 1
    return Y
""",
        hint="transposed",
    ),
    Mistake(
        "one_hot",
        "integer_dtype",
        """
def one_hot(y, num_classes=10):
    Y = np.zeros((len(y), num_classes), dtype=int)
    Y[np.arange(len(y)), y] = 1
    return Y
""",
        hint="integer dtype",
    ),
    Mistake(
        "one_hot",
        "eye_float64",
        """
def one_hot(y, num_classes=10):
    return np.eye(num_classes)[y]
""",
        hint="float64",
    ),
    Mistake(
        "one_hot",
        "max_plus_one",
        """
def one_hot(y, num_classes=10):
    Y = np.zeros((len(y), y.max() + 1), dtype=np.float32)
    Y[np.arange(len(y)), y] = 1
    return Y
""",
        hint="y.max() + 1",
    ),
    Mistake(
        "one_hot",
        "fixed_ten",
        """
def one_hot(y, num_classes=10):
    Y = np.zeros((len(y), 10), dtype=np.float32)
    Y[np.arange(len(y)), y] = 1
    return Y
""",
        hint="fixed 10",
    ),
    Mistake(
        "one_hot",
        "whole_columns",
        """
def one_hot(y, num_classes=10):
    Y = np.zeros((len(y), num_classes), dtype=np.float32)
    Y[:, y] = 1
    return Y
""",
        hint="whole columns",
    ),
    Mistake(
        "one_hot",
        "one_based",
        """
def one_hot(y, num_classes=10):
    Y = np.zeros((len(y), num_classes), dtype=np.float32)
    Y[np.arange(len(y)), y - 1] = 1
    return Y
""",
        hint="count from 0",
    ),
]

VARIANTS = [
    # -- split_features_labels --
    Variant(
        "split_features_labels",
        "values_and_columns",
        """
def split_features_labels(df):
    pixel_columns = [c for c in df.columns if c != "label"]
    X = df[pixel_columns].values
    y = df["label"].values.astype(int) if "label" in df else None
    return X, y
""",
    ),
    Variant(
        "split_features_labels",
        "copy_then_pop",
        """
def split_features_labels(df):
    df = df.copy()
    y = None
    if "label" in df.columns:
        y = df.pop("label").to_numpy()
    return df.to_numpy(), y
""",
    ),
    # -- normalize --
    Variant(
        "normalize",
        "multiply_by_reciprocal",
        """
def normalize(X):
    return X.astype(np.float32) * np.float32(1 / 255)
""",
    ),
    Variant(
        "normalize",
        "divide_then_cast",
        """
def normalize(X):
    scaled = np.divide(X, 255.0)
    return scaled.astype("float32")
""",
    ),
    # -- train_dev_split --
    Variant(
        "train_dev_split",
        "shuffle_indices",
        """
def train_dev_split(X, y, dev_size=1000, seed=0):
    rng = np.random.default_rng(seed)
    indices = np.arange(len(X))
    rng.shuffle(indices)
    X_dev, y_dev = X[indices[:dev_size]], y[indices[:dev_size]]
    X_train, y_train = X[indices[dev_size:]], y[indices[dev_size:]]
    return X_train, y_train, X_dev, y_dev
""",
    ),
    Variant(
        "train_dev_split",
        "legacy_random_state_loop",
        """
def _take(rows, order):
    return np.stack([rows[i] for i in order]) if len(order) else rows[:0]

def train_dev_split(X, y, dev_size=1000, seed=0):
    order = np.random.RandomState(seed).permutation(len(X))
    dev, train = order[:dev_size], order[dev_size:]
    return _take(X, train), np.array([y[i] for i in train]), _take(X, dev), np.array([y[i] for i in dev])
""",
    ),
    Variant(
        "train_dev_split",
        "copies_then_shuffles_together",
        """
def train_dev_split(X, y, dev_size=1000, seed=0):
    X, y = X.copy(), y.copy()
    rng = np.random.default_rng(seed)
    state = rng.bit_generator.state
    rng.shuffle(X)
    rng.bit_generator.state = state
    rng.shuffle(y)
    return X[dev_size:], y[dev_size:], X[:dev_size], y[:dev_size]
""",
    ),
    # -- one_hot --
    Variant(
        "one_hot",
        "eye_float32",
        """
def one_hot(y, num_classes=10):
    return np.eye(num_classes, dtype=np.float32)[y]
""",
    ),
    Variant(
        "one_hot",
        "loop",
        """
def one_hot(y, num_classes=10):
    Y = np.zeros((len(y), num_classes), dtype=np.float32)
    for i, label in enumerate(y):
        Y[i, label] = 1.0
    return Y
""",
    ),
    Variant(
        "one_hot",
        "broadcast_compare",
        """
def one_hot(y, num_classes=10):
    return (np.asarray(y)[:, None] == np.arange(num_classes)[None, :]).astype(np.float32)
""",
    ),
]
