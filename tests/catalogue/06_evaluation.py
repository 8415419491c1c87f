"""Lesson 06: typical mistakes and correct variants of predict, accuracy, confusion_matrix,
most_confused_pairs."""

from tests.catalogue import Mistake, Variant

MISTAKES = [
    # -- predict --------------------------------------------------------------------------------
    Mistake(
        "predict",
        "argmax_axis_0",
        """
def predict(X, params):
    probs, _ = forward(X, params)
    return np.argmax(probs, axis=0)
""",
        hint="axis=1",
    ),
    Mistake(
        "predict",
        "returns_probabilities",
        """
def predict(X, params):
    probs, _ = forward(X, params)
    return probs
""",
        hint="those are the probabilities",
    ),
    Mistake(
        "predict",
        "max_instead_of_argmax",
        """
def predict(X, params):
    probs, _ = forward(X, params)
    return np.max(probs, axis=1)
""",
        hint="np.argmax, not np.max",
    ),
    Mistake(
        "predict",
        "argmax_of_whole_array",
        """
def predict(X, params):
    probs, _ = forward(X, params)
    return np.argmax(probs)
""",
        hint="without an axis",
    ),
    Mistake(
        "predict",
        "keepdims_column",
        """
def predict(X, params):
    probs, _ = forward(X, params)
    return np.argmax(probs, axis=1, keepdims=True)
""",
        hint="keepdims",
    ),
    Mistake(
        "predict",
        "float_labels",
        """
def predict(X, params):
    probs, _ = forward(X, params)
    return np.argmax(probs, axis=1).astype(np.float32)
""",
        hint="labels are integers",
    ),
    Mistake(
        "predict",
        "argmax_of_hidden_layer",
        """
def predict(X, params):
    _, cache = forward(X, params)
    return np.argmax(cache["Z1"], axis=1)
""",
        hint="np.argmax(probs, axis=1)",
    ),
    # -- accuracy -------------------------------------------------------------------------------
    Mistake(
        "accuracy",
        "count",
        """
def accuracy(y_pred, y_true):
    return int(np.sum(y_pred == y_true))
""",
        hint="that is a count",
    ),
    Mistake(
        "accuracy",
        "percentage",
        """
def accuracy(y_pred, y_true):
    return 100.0 * np.mean(y_pred == y_true)
""",
        hint="percentage",
    ),
    Mistake(
        "accuracy",
        "error_rate",
        """
def accuracy(y_pred, y_true):
    return float(np.mean(y_pred != y_true))
""",
        hint="error rate",
    ),
    Mistake(
        "accuracy",
        "boolean_array",
        """
def accuracy(y_pred, y_true):
    return y_pred == y_true
""",
        hint="np.mean",
    ),
    Mistake(
        "accuracy",
        "integer_division",
        """
def accuracy(y_pred, y_true):
    return np.sum(y_pred == y_true) // len(y_true)
""",
        hint="rounds down",
    ),
    Mistake(
        "accuracy",
        "zero_d_array",
        """
def accuracy(y_pred, y_true):
    return np.asarray(np.mean(y_pred == y_true))
""",
        hint="0-d array",
    ),
    # -- confusion_matrix -----------------------------------------------------------------------
    Mistake(
        "confusion_matrix",
        "transposed",
        """
def confusion_matrix(y_true, y_pred, num_classes=10):
    cm = np.zeros((num_classes, num_classes), dtype=int)
    for t, p in zip(y_true, y_pred):
        cm[p, t] += 1
    return cm
""",
        hint="transposed",
    ),
    Mistake(
        "confusion_matrix",
        "float_counts",
        """
def confusion_matrix(y_true, y_pred, num_classes=10):
    cm = np.zeros((num_classes, num_classes))
    for t, p in zip(y_true, y_pred):
        cm[t, p] += 1
    return cm
""",
        hint="np.zeros alone makes floats",
    ),
    Mistake(
        "confusion_matrix",
        "size_from_largest_label",
        """
def confusion_matrix(y_true, y_pred, num_classes=10):
    C = int(max(y_true.max(), y_pred.max())) + 1
    cm = np.zeros((C, C), dtype=int)
    for t, p in zip(y_true, y_pred):
        cm[t, p] += 1
    return cm
""",
        hint="not from the largest label",
    ),
    Mistake(
        "confusion_matrix",
        "fixed_ten_classes",
        """
def confusion_matrix(y_true, y_pred, num_classes=10):
    cm = np.zeros((10, 10), dtype=int)
    for t, p in zip(y_true, y_pred):
        cm[t, p] += 1
    return cm
""",
        hint="num_classes argument",
    ),
    Mistake(
        "confusion_matrix",
        "fancy_index_assignment",
        """
def confusion_matrix(y_true, y_pred, num_classes=10):
    cm = np.zeros((num_classes, num_classes), dtype=int)
    cm[y_true, y_pred] += 1
    return cm
""",
        hint="np.add.at",
    ),
    Mistake(
        "confusion_matrix",
        "row_normalised",
        """
def confusion_matrix(y_true, y_pred, num_classes=10):
    cm = np.zeros((num_classes, num_classes))
    np.add.at(cm, (y_true, y_pred), 1)
    return cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
""",
        hint="do not normalise",
    ),
    # -- most_confused_pairs --------------------------------------------------------------------
    Mistake(
        "most_confused_pairs",
        "includes_diagonal",
        """
def most_confused_pairs(cm, k=3):
    C = cm.shape[0]
    pairs = [(t, p, int(cm[t, p])) for t in range(C) for p in range(C)]
    pairs.sort(key=lambda e: -e[2])
    return pairs[:k]
""",
        hint="leave out the diagonal",
    ),
    Mistake(
        "most_confused_pairs",
        "ascending_order",
        """
def most_confused_pairs(cm, k=3):
    off = cm.copy()
    np.fill_diagonal(off, -1)
    order = np.argsort(off, axis=None, kind="stable")[::-1][:k][::-1]
    return [(int(i // cm.shape[1]), int(i % cm.shape[1]), int(off.flat[i])) for i in order]
""",
        hint="largest count first",
    ),
    Mistake(
        "most_confused_pairs",
        "predicted_true_order",
        """
def most_confused_pairs(cm, k=3):
    C = cm.shape[0]
    pairs = [(p, t, int(cm[t, p])) for t in range(C) for p in range(C) if t != p]
    pairs.sort(key=lambda e: (-e[2], e[1], e[0]))
    return pairs[:k]
""",
        hint="(true, predicted, count)",
    ),
    Mistake(
        "most_confused_pairs",
        "numpy_ints",
        """
def most_confused_pairs(cm, k=3):
    C = cm.shape[0]
    pairs = [(t, p, cm[t, p]) for t in range(C) for p in range(C) if t != p]
    pairs.sort(key=lambda e: (-e[2], e[0], e[1]))
    return pairs[:k]
""",
        hint="int(...)",
    ),
    Mistake(
        "most_confused_pairs",
        "smallest_counts",
        """
def most_confused_pairs(cm, k=3):
    C = cm.shape[0]
    pairs = [(t, p, int(cm[t, p])) for t in range(C) for p in range(C) if t != p]
    pairs.sort(key=lambda e: e[2])
    return pairs[:k]
""",
        hint="not the smallest",
    ),
    Mistake(
        "most_confused_pairs",
        "ties_reversed",
        """
def most_confused_pairs(cm, k=3):
    off = cm.copy()
    np.fill_diagonal(off, -1)
    order = np.argsort(off, axis=None, kind="stable")[::-1][:k]
    return [(int(i // cm.shape[1]), int(i % cm.shape[1]), int(off.flat[i])) for i in order]
""",
        hint="ties",
    ),
    Mistake(
        "most_confused_pairs",
        "fixed_three",
        """
def most_confused_pairs(cm, k=3):
    C = cm.shape[0]
    pairs = [(t, p, int(cm[t, p])) for t in range(C) for p in range(C) if t != p]
    pairs.sort(key=lambda e: (-e[2], e[0], e[1]))
    return pairs[:3]
""",
        hint="return k pairs",
    ),
    Mistake(
        "most_confused_pairs",
        "list_of_lists",
        """
def most_confused_pairs(cm, k=3):
    C = cm.shape[0]
    pairs = [[t, p, int(cm[t, p])] for t in range(C) for p in range(C) if t != p]
    pairs.sort(key=lambda e: (-e[2], e[0], e[1]))
    return pairs[:k]
""",
        hint="as a tuple",
    ),
]

VARIANTS = [
    # -- predict --------------------------------------------------------------------------------
    Variant(
        "predict",
        "argmax_method",
        """
def predict(X, params):
    return forward(X, params)[0].argmax(axis=1)
""",
    ),
    Variant(
        "predict",
        "logits_argmax_loop",
        """
def predict(X, params):
    _, cache = forward(X, params)
    Z2 = cache["Z2"]
    labels = np.empty(Z2.shape[0], dtype=np.int64)
    for i, row in enumerate(Z2):
        labels[i] = int(np.argmax(row))
    return labels
""",
    ),
    Variant(
        "predict",
        "int32_result",
        """
def predict(X, params):
    probs, _ = forward(X, params)
    return np.argmax(probs, axis=-1).astype(np.int32)
""",
    ),
    # -- accuracy -------------------------------------------------------------------------------
    Variant(
        "accuracy",
        "count_over_length",
        """
def accuracy(y_pred, y_true):
    correct = 0
    for a, b in zip(y_pred, y_true):
        correct += int(a == b)
    return correct / len(y_true)
""",
    ),
    Variant(
        "accuracy",
        "numpy_mean",
        """
def accuracy(y_pred, y_true):
    return np.mean(np.asarray(y_pred) == np.asarray(y_true))
""",
    ),
    Variant(
        "accuracy",
        "count_nonzero",
        """
def accuracy(y_pred, y_true):
    return np.count_nonzero(y_pred == y_true) / y_true.size
""",
    ),
    # -- confusion_matrix -----------------------------------------------------------------------
    Variant(
        "confusion_matrix",
        "loop",
        """
def confusion_matrix(y_true, y_pred, num_classes=10):
    cm = np.zeros((num_classes, num_classes), dtype=np.int64)
    for i in range(len(y_true)):
        cm[y_true[i], y_pred[i]] += 1
    return cm
""",
    ),
    Variant(
        "confusion_matrix",
        "add_at",
        """
def confusion_matrix(y_true, y_pred, num_classes=10):
    cm = np.zeros((num_classes, num_classes), dtype=int)
    np.add.at(cm, (y_true, y_pred), 1)
    return cm
""",
    ),
    Variant(
        "confusion_matrix",
        "bincount",
        """
def confusion_matrix(y_true, y_pred, num_classes=10):
    flat = np.bincount(y_true * num_classes + y_pred, minlength=num_classes * num_classes)
    return flat.reshape(num_classes, num_classes)
""",
    ),
    # -- most_confused_pairs --------------------------------------------------------------------
    Variant(
        "most_confused_pairs",
        "sorted_with_key",
        """
def most_confused_pairs(cm, k=3):
    pairs = []
    for t in range(cm.shape[0]):
        for p in range(cm.shape[1]):
            if t != p:
                pairs.append((t, p, int(cm[t, p])))
    return sorted(pairs, key=lambda e: e[2], reverse=True)[:k]
""",
    ),
    Variant(
        "most_confused_pairs",
        "stable_argsort",
        """
def most_confused_pairs(cm, k=3):
    off = cm.astype(np.int64).copy()
    np.fill_diagonal(off, -1)
    order = np.argsort(-off, axis=None, kind="stable")
    C = cm.shape[1]
    n_pairs = cm.shape[0] * (cm.shape[0] - 1)
    return [(int(i // C), int(i % C), int(off.flat[i])) for i in order[:min(k, n_pairs)]]
""",
    ),
    Variant(
        "most_confused_pairs",
        "heapq",
        """
import heapq

def most_confused_pairs(cm, k=3):
    C = cm.shape[0]
    entries = ((int(cm[t, p]), t, p) for t in range(C) for p in range(C) if t != p)
    best = heapq.nsmallest(k, entries, key=lambda e: (-e[0], e[1], e[2]))
    return [(t, p, count) for count, t, p in best]
""",
    ),
]
