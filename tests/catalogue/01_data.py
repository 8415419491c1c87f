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
        mistake="split_features_labels.drops_first_column",
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
        mistake="split_features_labels.label_always_there",
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
        mistake="split_features_labels.returns_pandas",
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
        mistake="split_features_labels.keeps_label",
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
        mistake="split_features_labels.removes_label_in_place",
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
        mistake="split_features_labels.scaled",
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
        mistake="split_features_labels.label_table",
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
        mistake="split_features_labels.y_first",
    ),
    Mistake(
        "split_features_labels",
        "label_attribute",
        """
def split_features_labels(df):
    X = df.drop(columns="label", errors="ignore").to_numpy()
    return X, df.label.to_numpy()
""",
        hint="no 'label' column",
        mistake="split_features_labels.label_always_there",
    ),
    Mistake(
        "split_features_labels",
        "values_slices",
        """
def split_features_labels(df):
    values = df.values
    return values[:, 1:], values[:, 0]
""",
        hint="pixel0",
        mistake="split_features_labels.drops_first_column",
    ),
    Mistake(
        "split_features_labels",
        "float_labels",
        """
def split_features_labels(df):
    X = df.drop(columns="label", errors="ignore").to_numpy()
    y = df["label"].to_numpy(dtype=float) if "label" in df.columns else None
    return X, y
""",
        hint="keep them as integers",
        mistake="split_features_labels.float_labels",
    ),
    Mistake(
        "split_features_labels",
        "drop_in_place",
        """
def split_features_labels(df):
    y = None
    if "label" in df.columns:
        y = df["label"].to_numpy()
        df.drop(columns="label", inplace=True)
    return df.to_numpy(), y
""",
        hint="inplace=true",
        mistake="split_features_labels.removes_label_in_place",
    ),
    Mistake(
        "split_features_labels",
        "sorted_by_label",
        """
def split_features_labels(df):
    if "label" in df.columns:
        df = df.sort_values("label")
        return df.drop(columns="label").to_numpy(), df["label"].to_numpy()
    return df.to_numpy(), None
""",
        hint="values unchanged",
        mistake="",
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
        mistake="normalize.by_256",
    ),
    Mistake(
        "normalize",
        "integer_division",
        """
def normalize(X):
    return (X // 255).astype(np.float32)
""",
        hint="integer division",
        mistake="normalize.integer_division",
    ),
    Mistake(
        "normalize",
        "cast_to_uint8",
        """
def normalize(X):
    return (X / 255).astype(np.uint8)
""",
        hint="integer division",
        mistake="normalize.integer_division",
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
        mistake="normalize.in_place",
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
        mistake="normalize.uint8_overflow",
    ),
    Mistake(
        "normalize",
        "divides_by_max",
        """
def normalize(X):
    return (X / X.max()).astype(np.float32)
""",
        hint="x.max()",
        mistake="normalize.by_max",
    ),
    Mistake(
        "normalize",
        "float64_result",
        """
def normalize(X):
    return X / 255.0
""",
        hint="float64",
        mistake="normalize.float64",
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
        mistake="normalize.standardised",
    ),
    Mistake(
        "normalize",
        "minus_one_to_one",
        """
def normalize(X):
    return (X.astype(np.float32) / 127.5 - 1).astype(np.float32)
""",
        hint="[-1, 1]",
        mistake="normalize.minus_one_to_one",
    ),
    Mistake(
        "normalize",
        "float16_division",
        """
def normalize(X):
    return (X.astype(np.float16) / 255).astype(np.float32)
""",
        hint="v / 255",
        mistake="",
    ),
    Mistake(
        "normalize",
        "in_place_on_float32",
        """
def normalize(X):
    X = X.astype(np.float32, copy=False)
    X /= 255
    return X
""",
        hint="divides in place",
        mistake="normalize.in_place",
    ),
    Mistake(
        "normalize",
        "int8_cast",
        """
def normalize(X):
    return (X.astype(np.int8) / 255).astype(np.float32)
""",
        hint="should lie in [0, 1]",
        mistake="",
    ),
    Mistake(
        "normalize",
        "float32_passes_through",
        """
def normalize(X):
    if X.dtype == np.float32:
        return X
    return (X / 255).astype(np.float32)
""",
        hint="not scaled",
        mistake="normalize.not_scaled",
    ),
    Mistake(
        "normalize",
        "multiplied_by_255",
        """
def normalize(X):
    return np.asarray(X).astype(np.float32) * np.float32(255)
""",
        hint="multiplied by 255",
        mistake="normalize.multiplied",
    ),
    Mistake(
        "normalize",
        "divides_by_254",
        """
def normalize(X):
    return np.asarray(X).astype(np.float32) / np.float32(254)
""",
        hint="divided by 254",
        mistake="normalize.wrong_divisor",
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
        mistake="train_dev_split.separate_shuffles",
    ),
    Mistake(
        "train_dev_split",
        "reorders_in_place",
        """
def train_dev_split(X, y, dev_size=1000, seed=0):
    order = np.random.default_rng(seed).permutation(len(X))
    X[:] = X[order]
    y[:] = y[order]
    return X[dev_size:], y[dev_size:], X[:dev_size], y[:dev_size]
""",
        hint="in place",
        mistake="train_dev_split.shuffles_in_place",
    ),
    Mistake(
        "train_dev_split",
        "shuffles_separately_in_place",
        """
def train_dev_split(X, y, dev_size=1000, seed=0):
    X, y = X.copy(), y.copy()
    rng = np.random.default_rng(seed)
    rng.shuffle(X)
    rng.shuffle(y)
    return X[dev_size:], y[dev_size:], X[:dev_size], y[:dev_size]
""",
        hint="same permutation",
        mistake="train_dev_split.separate_shuffles",
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
        mistake="train_dev_split.shuffles_in_place",
    ),
    Mistake(
        "train_dev_split",
        "no_shuffle",
        """
def train_dev_split(X, y, dev_size=1000, seed=0):
    return X[dev_size:], y[dev_size:], X[:dev_size], y[:dev_size]
""",
        hint="shuffle",
        mistake="",
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
        mistake="",
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
        mistake="",
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
        mistake="train_dev_split.with_replacement",
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
        mistake="train_dev_split.sklearn_order",
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
        mistake="train_dev_split.sizes_swapped",
    ),
    Mistake(
        "train_dev_split",
        "last_rows",
        """
def train_dev_split(X, y, dev_size=1000, seed=0):
    n = len(X)
    return X[:n - dev_size], y[:n - dev_size], X[n - dev_size:], y[n - dev_size:]
""",
        hint="last",
        mistake="",
    ),
    Mistake(
        "train_dev_split",
        "default_seed_none",
        """
def train_dev_split(X, y, dev_size=1000, seed=None):
    order = np.random.default_rng(seed).permutation(len(X))
    return X[order[dev_size:]], y[order[dev_size:]], X[order[:dev_size]], y[order[:dev_size]]
""",
        hint="default seed",
        mistake="train_dev_split.default_seed",
    ),
    Mistake(
        "train_dev_split",
        "labels_not_shuffled",
        """
def train_dev_split(X, y, dev_size=1000, seed=0):
    order = np.random.default_rng(seed).permutation(len(X))
    return X[order[dev_size:]], y[dev_size:], X[order[:dev_size]], y[:dev_size]
""",
        hint="y was not",
        mistake="train_dev_split.labels_not_shuffled",
    ),
    Mistake(
        "train_dev_split",
        "overlapping_slices",
        """
def train_dev_split(X, y, dev_size=1000, seed=0):
    order = np.random.default_rng(seed).permutation(len(X))
    train = order[dev_size - 1:-1]
    return X[train], y[train], X[order[:dev_size]], y[order[:dev_size]]
""",
        hint="in both",
        mistake="",
    ),
    Mistake(
        "train_dev_split",
        "default_dev_size_100",
        """
def train_dev_split(X, y, dev_size=100, seed=0):
    order = np.random.default_rng(seed).permutation(len(X))
    return X[order[dev_size:]], y[order[dev_size:]], X[order[:dev_size]], y[order[:dev_size]]
""",
        hint="dev_size=1000",
        mistake="train_dev_split.default_dev_size",
    ),
    Mistake(
        "train_dev_split",
        "dev_slice_one_too_long",
        """
def train_dev_split(X, y, dev_size=1000, seed=0):
    order = np.random.default_rng(seed).permutation(len(X))
    dev, train = order[:dev_size + 1], order[dev_size:]
    return X[train], y[train], X[dev], y[dev]
""",
        hint="a row too long or too short",
        mistake="train_dev_split.off_by_one",
    ),
    Mistake(
        "train_dev_split",
        "y_train_first",
        """
def train_dev_split(X, y, dev_size=1000, seed=0):
    order = np.random.default_rng(seed).permutation(len(X))
    dev, train = order[:dev_size], order[dev_size:]
    return y[train], X[train], X[dev], y[dev]
""",
        hint="in another order",
        mistake="train_dev_split.order",
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
        mistake="one_hot.transposed",
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
        hint="has dtype int64",
        mistake="one_hot.integers",
    ),
    Mistake(
        "one_hot",
        "eye_float64",
        """
def one_hot(y, num_classes=10):
    return np.eye(num_classes)[y]
""",
        hint="float64",
        mistake="one_hot.float64",
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
        mistake="one_hot.max_plus_one",
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
        mistake="one_hot.fixed_ten",
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
        mistake="one_hot.whole_columns",
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
        mistake="one_hot.one_based",
    ),
    Mistake(
        "one_hot",
        "eye_ten",
        """
def one_hot(y, num_classes=10):
    return np.eye(10, dtype=np.float32)[y]
""",
        hint="fixed 10",
        mistake="one_hot.fixed_ten",
    ),
    Mistake(
        "one_hot",
        "sorts_labels",
        """
def one_hot(y, num_classes=10):
    Y = np.zeros((len(y), num_classes), dtype=np.float32)
    Y[np.arange(len(y)), y] = 1
    y.sort()
    return Y
""",
        hint="do not write into y",
        mistake="",
    ),
    Mistake(
        "one_hot",
        "zeros_and_ones_swapped",
        """
def one_hot(y, num_classes=10):
    Y = np.ones((len(y), num_classes), dtype=np.float32)
    Y[np.arange(len(y)), y] = 0
    return Y
""",
        hint="all zeros except a 1",
        mistake="",
    ),
    Mistake(
        "one_hot",
        "starts_from_ones",
        """
def one_hot(y, num_classes=10):
    Y = np.ones((len(y), num_classes), dtype=np.float32)
    Y[np.arange(len(y)), y] = 1
    return Y
""",
        hint="start from zeros",
        mistake="one_hot.all_ones",
    ),
    Mistake(
        "one_hot",
        "ones_never_set",
        """
def one_hot(y, num_classes=10):
    Y = np.zeros((len(y), num_classes), dtype=np.float32)
    return Y
""",
        hint="never set",
        mistake="one_hot.no_ones",
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
    Variant(
        "split_features_labels",
        "float_pixels",
        """
def split_features_labels(df):
    X = df.drop(columns="label", errors="ignore").to_numpy(dtype=np.float32)
    y = df["label"].to_numpy() if "label" in df.columns else None
    return X, y
""",
    ),
    Variant(
        "split_features_labels",
        "iloc_when_labelled",
        """
def split_features_labels(df):
    if "label" in df.columns:
        return df.iloc[:, 1:].to_numpy(), df.iloc[:, 0].to_numpy()
    return df.to_numpy(), None
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
    Variant(
        "normalize",
        "clip_after_division",
        """
def normalize(X):
    return np.clip(X / 255, 0, 1).astype(np.float32)
""",
    ),
    Variant(
        "normalize",
        "float64_then_float32",
        """
def normalize(X):
    return (X * (1.0 / 255)).astype(np.float32)
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
    Variant(
        "train_dev_split",
        "random_subset_in_order",
        """
def train_dev_split(X, y, dev_size=1000, seed=0):
    rng = np.random.default_rng(seed)
    chosen = np.zeros(len(X), dtype=bool)
    chosen[rng.choice(len(X), dev_size, replace=False)] = True
    return X[~chosen], y[~chosen], X[chosen], y[chosen]
""",
    ),
    Variant(
        "train_dev_split",
        "negative_slices",
        """
def train_dev_split(X, y, dev_size=1000, seed=0):
    order = np.random.default_rng(seed).permutation(len(X))
    return X[order[:-dev_size]], y[order[:-dev_size]], X[order[-dev_size:]], y[order[-dev_size:]]
""",
    ),
    Variant(
        "train_dev_split",
        "legacy_global_seed",
        """
def train_dev_split(X, y, dev_size=1000, seed=0):
    np.random.seed(seed)
    order = np.random.permutation(len(X))
    return X[order[dev_size:]], y[order[dev_size:]], X[order[:dev_size]], y[order[:dev_size]]
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
    Variant(
        "one_hot",
        "identity_rows",
        """
def one_hot(y, num_classes=10):
    return np.identity(num_classes, dtype=np.float32)[np.asarray(y)]
""",
    ),
]
