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
        mistake="predict.argmax_axis_0",
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
        mistake="predict.returns_probabilities",
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
        mistake="predict.max_instead_of_argmax",
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
        mistake="predict.argmax_without_axis",
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
        mistake="predict.keepdims",
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
        mistake="",
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
        mistake="predict.argmax_of_hidden_layer",
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
        mistake="accuracy.count",
    ),
    Mistake(
        "accuracy",
        "percentage",
        """
def accuracy(y_pred, y_true):
    return 100.0 * np.mean(y_pred == y_true)
""",
        hint="percentage",
        mistake="accuracy.percentage",
    ),
    Mistake(
        "accuracy",
        "error_rate",
        """
def accuracy(y_pred, y_true):
    return float(np.mean(y_pred != y_true))
""",
        hint="error rate",
        mistake="accuracy.error_rate",
    ),
    Mistake(
        "accuracy",
        "boolean_array",
        """
def accuracy(y_pred, y_true):
    return y_pred == y_true
""",
        hint="np.mean",
        mistake="accuracy.elementwise_comparison",
    ),
    Mistake(
        "accuracy",
        "integer_division",
        """
def accuracy(y_pred, y_true):
    return np.sum(y_pred == y_true) // len(y_true)
""",
        hint="rounds down",
        mistake="accuracy.integer_division",
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
        mistake="confusion_matrix.transposed",
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
        mistake="confusion_matrix.float_counts",
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
        hint="comes from the largest label present",
        mistake="confusion_matrix.size_from_labels",
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
        mistake="confusion_matrix.fixed_ten_classes",
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
        mistake="confusion_matrix.repeats_counted_once",
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
        mistake="confusion_matrix.normalised_rows",
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
        hint="leave out t == p",
        mistake="most_confused_pairs.includes_diagonal",
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
        mistake="most_confused_pairs.ascending_order",
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
        mistake="most_confused_pairs.predicted_true_swapped",
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
        hint="smallest off-diagonal counts",
        mistake="most_confused_pairs.smallest_counts",
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
        mistake="most_confused_pairs.ties_reversed",
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
        hint="3 pairs whatever k says",
        mistake="most_confused_pairs.fixed_three",
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
    # NumPy numbers and lists where the docstring says Python floats, ints and tuples: every
    # use the lesson makes of them works the same, so they are not graded.
    Variant(
        "accuracy",
        "zero_d_array",
        """
def accuracy(y_pred, y_true):
    return np.asarray(np.mean(y_pred == y_true))
""",
    ),
    Variant(
        "most_confused_pairs",
        "numpy_ints",
        """
def most_confused_pairs(cm, k=3):
    C = cm.shape[0]
    pairs = [(t, p, cm[t, p]) for t in range(C) for p in range(C) if t != p]
    pairs.sort(key=lambda e: (-e[2], e[0], e[1]))
    return pairs[:k]
""",
    ),
    Variant(
        "most_confused_pairs",
        "list_of_lists",
        """
def most_confused_pairs(cm, k=3):
    C = cm.shape[0]
    pairs = [[t, p, int(cm[t, p])] for t in range(C) for p in range(C) if t != p]
    pairs.sort(key=lambda e: (-e[2], e[0], e[1]))
    return pairs[:k]
""",
    ),
]

# Mistakes found by trying the contract's every promise (models of the output, edge cases).
MISTAKES += [
    Mistake(
        "predict",
        "own_forward_without_output_bias",
        """
def predict(X, params):
    hidden = np.maximum(X @ params["W1"] + params["b1"], 0)
    return np.argmax(hidden @ params["W2"], axis=1)
""",
        hint="without its output bias b2",
        mistake="predict.without_output_bias",
    ),
    Mistake(
        "predict",
        "own_forward_without_relu",
        """
def predict(X, params):
    hidden = X @ params["W1"] + params["b1"]
    return np.argmax(hidden @ params["W2"] + params["b2"], axis=1)
""",
        hint="without its relu",
        mistake="predict.without_relu",
    ),
    Mistake(
        "predict",
        "relu_on_the_logits",
        """
def predict(X, params):
    _, cache = forward(X, params)
    return np.argmax(relu(cache["Z2"]), axis=1)
""",
        hint="relu applied to the logits",
        mistake="predict.relu_on_output",
    ),
    Mistake(
        "predict",
        "argmin",
        """
def predict(X, params):
    probs, _ = forward(X, params)
    return np.argmin(probs, axis=1)
""",
        hint="np.argmax, not np.argmin",
        mistake="predict.argmin",
    ),
    Mistake(
        "predict",
        "unshifted_softmax_of_the_logits",
        """
def predict(X, params):
    _, cache = forward(X, params)
    e = np.exp(cache["Z2"])
    return np.argmax(e / e.sum(axis=1, keepdims=True), axis=1)
""",
        hint="without the shift by the row's maximum",
        mistake="predict.unshifted_softmax",
    ),
    Mistake(
        "predict",
        "casts_params_in_the_callers_dict",
        """
def predict(X, params):
    for name in params:
        params[name] = params[name].astype(np.float64)
    probs, _ = forward(np.asarray(X, dtype=np.float64), params)
    return np.argmax(probs, axis=1)
""",
        hint="changed dtype",
        mistake="predict.modifies_inputs",
    ),
    Mistake(
        "accuracy",
        "divides_by_the_number_of_classes",
        """
def accuracy(y_pred, y_true):
    return float(np.sum(y_pred == y_true) / 10)
""",
        hint="number of classes (10)",
        mistake="accuracy.divided_by_classes",
    ),
    Mistake(
        "accuracy",
        "one_hot_entries",
        """
def accuracy(y_pred, y_true):
    eye = np.eye(10)
    return float(np.mean(eye[y_pred] == eye[y_true]))
""",
        hint="one-hot rows",
        mistake="accuracy.one_hot_entries",
    ),
    Mistake(
        "accuracy",
        "mean_absolute_difference",
        """
def accuracy(y_pred, y_true):
    return float(1.0 - np.mean(np.abs(y_pred - y_true)) / 9)
""",
        hint="expected",
        mistake="",
    ),
    Mistake(
        "confusion_matrix",
        "columns_normalised",
        """
def confusion_matrix(y_true, y_pred, num_classes=10):
    cm = np.zeros((num_classes, num_classes))
    np.add.at(cm, (y_true, y_pred), 1)
    return cm / np.maximum(cm.sum(axis=0, keepdims=True), 1)
""",
        hint="each column is divided by its total",
        mistake="confusion_matrix.normalised_columns",
    ),
    Mistake(
        "confusion_matrix",
        "counts_only_the_right_predictions",
        """
def confusion_matrix(y_true, y_pred, num_classes=10):
    cm = np.zeros((num_classes, num_classes), dtype=int)
    for t, p in zip(y_true, y_pred):
        if t == p:
            cm[t, p] += 1
    return cm
""",
        hint="only the correct predictions",
        mistake="confusion_matrix.diagonal_only",
    ),
    Mistake(
        "confusion_matrix",
        "loop_stops_one_early",
        """
def confusion_matrix(y_true, y_pred, num_classes=10):
    cm = np.zeros((num_classes, num_classes), dtype=int)
    for i in range(len(y_true) - 1):
        cm[y_true[i], y_pred[i]] += 1
    return cm
""",
        hint="last example was not counted",
        mistake="confusion_matrix.misses_last_example",
    ),
    Mistake(
        "most_confused_pairs",
        "fills_the_callers_diagonal",
        """
def most_confused_pairs(cm, k=3):
    np.fill_diagonal(cm, -1)
    C = cm.shape[1]
    order = np.argsort(-cm, axis=None, kind="stable")[: min(k, C * (C - 1))]
    return [(int(i // C), int(i % C), int(cm.flat[i])) for i in order]
""",
        hint="changed its input in place",
        mistake="most_confused_pairs.modifies_inputs",
    ),
    Mistake(
        "most_confused_pairs",
        "ties_by_predicted_class",
        """
def most_confused_pairs(cm, k=3):
    C = cm.shape[0]
    pairs = [(t, p, int(cm[t, p])) for t in range(C) for p in range(C) if t != p]
    pairs.sort(key=lambda e: (-e[2], e[1], e[0]))
    return pairs[:k]
""",
        hint="broken by the predicted class first",
        mistake="most_confused_pairs.ties_by_predicted",
    ),
    Mistake(
        "most_confused_pairs",
        "diagonal_zeroed_but_ranked",
        """
def most_confused_pairs(cm, k=3):
    off = cm - np.diag(np.diag(cm))
    order = np.argsort(-off, axis=None, kind="stable")[:k]
    C = cm.shape[1]
    return [(int(i // C), int(i % C), int(off.flat[i])) for i in order]
""",
        hint="still ranked",
        mistake="most_confused_pairs.zeroed_diagonal_ranked",
    ),
    Mistake(
        "most_confused_pairs",
        "pairs_without_counts",
        """
def most_confused_pairs(cm, k=3):
    C = cm.shape[0]
    pairs = [(t, p) for t in range(C) for p in range(C) if t != p]
    pairs.sort(key=lambda e: (-cm[e], e))
    return pairs[:k]
""",
        hint="without their counts",
        mistake="most_confused_pairs.no_counts",
    ),
]


# Found by the mutation harness: an unstable sort, a matrix started from ones.
MISTAKES += [
    Mistake(
        "most_confused_pairs",
        "argsort_without_stable",
        """
def most_confused_pairs(cm, k=3):
    true, predicted = np.nonzero(~np.eye(cm.shape[0], dtype=bool))
    counts = cm[true, predicted]
    order = np.argsort(-counts)[:k]
    return [(int(true[i]), int(predicted[i]), int(counts[i])) for i in order]
""",
        hint="kind='stable'",
        mistake="most_confused_pairs.unstable_sort",
    ),
    Mistake(
        "confusion_matrix",
        "starts_from_ones",
        """
def confusion_matrix(y_true, y_pred, num_classes=10):
    cm = np.ones((num_classes, num_classes), dtype=int)
    np.add.at(cm, (y_true, y_pred), 1)
    return cm
""",
        hint="start from np.zeros",
        mistake="confusion_matrix.starts_from_ones",
    ),
]

# Correct variants: textbook and peer-course idioms.
VARIANTS += [
    Variant(
        "predict",
        "own_forward_mask_relu",
        """
def predict(X, params):
    hidden = X @ params["W1"] + params["b1"]
    hidden = hidden * (hidden > 0)
    scores = hidden @ params["W2"] + params["b2"]
    return scores.argmax(axis=1)
""",
    ),
    Variant(
        "predict",
        "own_forward_np_where_shifted_softmax",
        """
def predict(X, params):
    Z1 = X.dot(params["W1"]) + params["b1"]
    A1 = np.where(Z1 > 0, Z1, 0.0)
    Z2 = A1.dot(params["W2"]) + params["b2"]
    e = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
    return np.argmax(e / e.sum(axis=1, keepdims=True), axis=1)
""",
    ),
    Variant(
        "accuracy",
        "np_average_of_matches",
        """
def accuracy(y_pred, y_true):
    return float(np.average(np.equal(y_pred, y_true)))
""",
    ),
    Variant(
        "accuracy",
        "sum_over_length",
        """
def accuracy(y_pred, y_true):
    return (y_pred == y_true).sum() / len(y_true)
""",
    ),
    Variant(
        "confusion_matrix",
        "one_hot_product",
        """
def confusion_matrix(y_true, y_pred, num_classes=10):
    eye = np.eye(num_classes, dtype=np.int64)
    return eye[y_true].T @ eye[y_pred]
""",
    ),
    Variant(
        "confusion_matrix",
        "histogram2d_as_int",
        """
def confusion_matrix(y_true, y_pred, num_classes=10):
    edges = np.arange(num_classes + 1) - 0.5
    counts, _, _ = np.histogram2d(y_true, y_pred, bins=[edges, edges])
    return counts.astype(int)
""",
    ),
    Variant(
        "confusion_matrix",
        "nested_index_loop",
        """
def confusion_matrix(y_true, y_pred, num_classes=10):
    cm = np.zeros((num_classes, num_classes), dtype=np.int32)
    for t, p in zip(y_true, y_pred):
        cm[t][p] += 1
    return cm
""",
    ),
    Variant(
        "most_confused_pairs",
        "minus_inf_diagonal_on_a_copy",
        """
def most_confused_pairs(cm, k=3):
    off = cm.astype(float)
    np.fill_diagonal(off, -np.inf)
    n_pairs = cm.shape[0] * (cm.shape[0] - 1)
    order = np.argsort(-off.ravel(), kind="stable")[: min(k, n_pairs)]
    return [(int(i // cm.shape[1]), int(i % cm.shape[1]), int(cm.flat[i])) for i in order]
""",
    ),
    Variant(
        "most_confused_pairs",
        "lexsort",
        """
def most_confused_pairs(cm, k=3):
    t, p = np.nonzero(~np.eye(len(cm), dtype=bool))
    counts = cm[t, p]
    order = np.lexsort((p, t, -counts))[:k]
    return [(int(t[i]), int(p[i]), int(counts[i])) for i in order]
""",
    ),
    Variant(
        "most_confused_pairs",
        "array_of_triples",
        """
def most_confused_pairs(cm, k=3):
    C = cm.shape[0]
    rows = [(-int(cm[t, p]), t, p) for t in range(C) for p in range(C) if t != p]
    rows.sort()
    return np.array([(t, p, -c) for c, t, p in rows[:k]], dtype=np.int64).reshape(-1, 3)
""",
    ),
]
