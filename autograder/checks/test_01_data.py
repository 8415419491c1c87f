"""Checks for lesson 01: split_features_labels, normalize, train_dev_split, one_hot."""

from __future__ import annotations

import numpy as np
import pandas as pd

from autograder.checking import (
    Call,
    CheckFailed,
    Mistake,
    cases_for,
    describe,
    expect,
    expect_close,
    expect_dtype,
    expect_equal,
    expect_ndarray,
    expect_shape,
    expect_unchanged,
    requires,
    result_or_known_error,
)

# -- split_features_labels ----------------------------------------------------------------------

PIXELS = [f"pixel{j}" for j in range(784)]


def _kaggle_frame(rng, n: int, *, with_label: bool = True, dtype=np.int64) -> pd.DataFrame:
    """A frame shaped like train.csv (label, pixel0..pixel783) or test.csv (pixels only)."""
    pixels = rng.integers(0, 256, size=(n, 784)).astype(dtype)
    pixels[:, rng.random(784) < 0.6] = 0  # mostly background, like the digits
    columns = {}
    if with_label:
        columns["label"] = rng.integers(0, 10, size=n).astype(np.int64)
    columns.update({name: pixels[:, j] for j, name in enumerate(PIXELS)})
    return pd.DataFrame(columns)


@cases_for("split_features_labels")
def split_features_labels_cases(rng, ref):
    # Two frames only: every column of a DataFrame is stored on its own in the public cases.
    return {
        "train": Call(_kaggle_frame(rng, 4)),
        "test_csv_one_row": Call(
            _kaggle_frame(rng, 1, with_label=False, dtype=np.uint8)
        ),  # load_test(dtype=np.uint8)
    }


LABELLED = ("train",)
NO_LABEL_HINT = "test.csv has no 'label' column: return y = None when 'label' is not in df.columns."
FRAME_HINT = "Convert it with .to_numpy(): a pandas DataFrame or Series is not a NumPy array."


def _split(fn, case: str):
    got = result_or_known_error(fn, case, known=[("KeyError", "label", NO_LABEL_HINT)])
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise CheckFailed(
            f"split_features_labels(df) on the '{case}' case should return a pair (X, y); got {describe(got)}.",
            "End with `return X, y`.",
        )
    return got


def test_split_features_labels_features(outcome):
    fn = outcome("split_features_labels")
    for case in LABELLED:
        (df,) = fn.call(case).args
        X, _ = _split(fn, case)
        want_X, want_y = fn.expected(case)
        what = f"X from split_features_labels(df) on the '{case}' case"
        mistakes = [
            Mistake(
                "X must not contain the label column: keep only the 784 pixel columns.",
                df.to_numpy(),
            ),
            Mistake(
                "The result comes back as (y, X); return X first, then y.",
                matches=lambda got, labels=want_y.shape: np.shape(got) == labels,
            ),
            Mistake(
                "Keep the raw pixel values 0..255 here; scaling them is normalize's job.",
                want_X / 255.0,
            ),
        ]
        X = expect_ndarray(
            X, what, mistakes=mistakes, hint=FRAME_HINT if not isinstance(X, np.ndarray) else None
        )
        expect_shape(X, want_X.shape, what, mistakes=mistakes)
        expect_dtype(
            X,
            "iu",
            what,
            hint="Keep the integers pandas read (values unchanged); "
            "normalize turns them into floats later.",
        )
        expect_equal(
            X,
            want_X,
            what,
            mistakes=mistakes,
            hint="X is every column except 'label', in their order, values unchanged.",
        )


def test_split_features_labels_labels(outcome):
    fn = outcome("split_features_labels")
    for case in LABELLED:
        _, y = _split(fn, case)
        want_X, want_y = fn.expected(case)
        what = f"y from split_features_labels(df) on the '{case}' case"
        column = (len(want_y), 1)
        mistakes = [
            Mistake(
                "df[['label']] is a one-column table of shape (N, 1); the labels should be "
                "the 1-D column df['label'] of shape (N,).",
                matches=lambda got, column=column: np.shape(got) == column,
            ),
            Mistake(
                "The result comes back as (y, X); return X first, then y.",
                matches=lambda got, pixels=want_X.shape: np.shape(got) == pixels,
            ),
        ]
        if y is None:
            raise CheckFailed(
                f"{what} is None, but this frame has a 'label' column.",
                "Return None only when there is no 'label' column (test.csv).",
            )
        y = expect_ndarray(
            y, what, mistakes=mistakes, hint=FRAME_HINT if not isinstance(y, np.ndarray) else None
        )
        expect_shape(y, want_y.shape, what, mistakes=mistakes)
        expect_dtype(
            y,
            "iu",
            what,
            hint="Labels are class ids: keep them as integers "
            "(they index one_hot's columns later).",
        )
        expect_equal(y, want_y, what, hint="y is the 'label' column, in row order.")


def test_split_features_labels_without_label(outcome):
    fn = outcome("split_features_labels")
    case = "test_csv_one_row"
    (df,) = fn.call(case).args
    X, y = _split(fn, case)
    want_X, _ = fn.expected(case)
    what = f"X from split_features_labels(df) on the '{case}' case (a test.csv frame: no 'label' column)"
    dropped_first = Mistake(
        "test.csv has no 'label' column, so dropping the first column throws away pixel0: "
        "drop 'label' by name, only when it is there.",
        matches=lambda got: np.shape(got) == (len(df), 783),
    )
    X = expect_ndarray(
        X,
        what,
        mistakes=[dropped_first],
        hint=FRAME_HINT if not isinstance(X, np.ndarray) else None,
    )
    expect_shape(X, want_X.shape, what, mistakes=[dropped_first])
    expect_equal(
        X, want_X, what, hint="Without a 'label' column, X is every column of df, unchanged."
    )
    if y is not None:
        hint = NO_LABEL_HINT
        if (
            isinstance(y, np.ndarray)
            and y.shape == (len(df),)
            and np.array_equal(y, df["pixel0"].to_numpy())
        ):
            hint = dropped_first.hint
        raise CheckFailed(
            f"y from split_features_labels(df) on the '{case}' case should be None "
            f"(this frame has no 'label' column); got {describe(y)}.",
            hint,
        )


def _frame_difference(before: pd.DataFrame, after) -> str | None:
    if not isinstance(after, pd.DataFrame):
        return "df was replaced."
    removed = [c for c in before.columns if c not in after.columns]
    if removed:
        return f"the column {removed[0]!r} was removed from df."
    added = [c for c in after.columns if c not in before.columns]
    if added:
        return f"df gained the column {added[0]!r}."
    if len(after) != len(before):
        return f"df now has {len(after)} rows instead of {len(before)}."
    same_order = list(after.columns) == list(before.columns)
    if (
        same_order
        and list(after.dtypes) == list(before.dtypes)
        and np.array_equal(after.to_numpy(), before.to_numpy())
    ):
        return None  # the common case, in one comparison; otherwise find the column below
    for name in before.columns:
        if after[name].dtype != before[name].dtype or not np.array_equal(
            after[name].to_numpy(), before[name].to_numpy()
        ):
            return f"the column {name!r} of df was modified."
    return None


@requires("test_split_features_labels_features")
def test_split_features_labels_keeps_input(outcome):
    fn = outcome("split_features_labels")
    for case in fn.cases:
        (df,) = fn.call(case).args
        _split(fn, case)
        problem = _frame_difference(df, fn.args_after(case)[0])
        expect(
            problem is None,
            f"On the '{case}' case {problem} split_features_labels changed its input in place.",
            "df.pop('label') and drop(..., inplace=True) change the caller's DataFrame; use "
            "methods that return new objects (df.drop(columns=...), df['label']).",
        )


# -- normalize ----------------------------------------------------------------------------------


@cases_for("normalize")
def normalize_cases(rng, ref):
    pixels = rng.integers(0, 256, size=(3, 40)).astype(np.uint8)
    pixels[0, :3] = [0, 255, 128]
    dark = rng.integers(0, 181, size=(2, 30)).astype(np.uint8)
    return {
        "uint8": Call(pixels),
        "int64": Call(pixels.astype(np.int64)),  # the same values as read_csv gives them
        "dark_uint8": Call(dark),  # nothing brighter than 180
        "one_row": Call(rng.integers(0, 256, size=(1, 784)).astype(np.uint8)),
        "float64": Call(rng.integers(0, 256, size=(2, 20)).astype(np.float64)),
    }


INTEGER_DIVISION_HINT = (
    "Integer division (// or a cast to an integer type) throws the fraction "
    "away and leaves only 0s and 1s: convert to float32, then divide with /."
)
UINT8_OVERFLOW_HINT = (
    "uint8 overflow: arithmetic on uint8 pixels wraps around past 255 (the uint8 "
    "result differs from the int64 one); convert to float32 before any arithmetic."
)


def test_normalize_values(outcome):
    fn = outcome("normalize")
    for case in fn.cases:
        (X,) = fn.call(case).args
        got = result_or_known_error(
            fn,
            case,
            known=[
                (
                    None,
                    "cannot cast ufunc",
                    (
                        "X /= 255 divides in place, and a uint8 array cannot hold fractions (it would also "
                        "change the caller's array): compute a new float32 array instead."
                    ),
                )
            ],
        )
        wide = X.astype(np.float64)
        mistakes = [
            Mistake(
                "Divide by 255, not 256: the brightest pixel, 255, must become exactly 1.0.",
                wide / 256,
            ),
            Mistake(INTEGER_DIVISION_HINT, np.floor(wide / 255)),
            Mistake(
                "Divide by the constant 255, not by X.max() (or X.min()/X.max()): the scale "
                "must not depend on the batch.",
                wide / max(wide.max(), 1),
            ),
            Mistake(
                "Divide by the constant 255, not by X.max() (or X.min()/X.max()): the scale "
                "must not depend on the batch.",
                (wide - wide.min()) / max(wide.max() - wide.min(), 1),
            ),
        ]
        if case == "uint8":
            same_as_int64 = fn.result("int64") if fn.raised("int64") is None else None
            mistakes.append(
                Mistake(
                    UINT8_OVERFLOW_HINT,
                    matches=lambda got, other=same_as_int64: (
                        isinstance(other, np.ndarray)
                        and other.shape == np.shape(got)
                        and not np.allclose(
                            np.asarray(got, dtype=float), other, rtol=1e-5, atol=1e-7
                        )
                    ),
                )
            )
        mistakes.append(
            Mistake(
                "Values should lie in [0, 1] (pixel / 255); centring, standardising, or uint8 "
                "arithmetic that wraps around give values outside it.",
                matches=lambda got: (
                    np.asarray(got).dtype.kind in "fiu" and (np.min(got) < 0 or np.max(got) > 1)
                ),
            )
        )
        expect_close(
            got,
            fn.expected(case),
            f"normalize(X) on the '{case}' case ({X.dtype} input)",
            rtol=1e-6,
            atol=1e-7,
            mistakes=mistakes,
            hint="Every pixel value v becomes v / 255.",
        )


@requires("test_normalize_values")
def test_normalize_float32(outcome):
    fn = outcome("normalize")
    for case in fn.cases:
        (X,) = fn.call(case).args
        got = expect_ndarray(fn.result(case), f"normalize(X) on the '{case}' case")
        expect(
            got.dtype == np.float32,
            f"normalize(X) on the '{case}' case ({X.dtype} input) has dtype {got.dtype}; expected float32.",
            "X / 255 gives float64 (and an integer type keeps no fractions): convert to float32, "
            "which halves the memory and is what the network computes in.",
        )


@requires("test_normalize_values")
def test_normalize_keeps_input(outcome):
    fn = outcome("normalize")
    for case in fn.cases:
        (X,) = fn.call(case).args
        fn.result(case)
        expect_unchanged(
            X,
            fn.args_after(case)[0],
            f"X (the '{case}' case)",
            hint="X /= 255 (or np.divide(X, 255, out=X)) writes into the caller's "
            "array; return a new array instead.",
        )


# -- train_dev_split ----------------------------------------------------------------------------


@cases_for("train_dev_split")
def train_dev_split_cases(rng, ref):
    n, dev = 24, 6
    X = rng.random((n, 3)).astype(np.float32)  # every row is different: rows can be traced
    y = rng.integers(0, 10, size=n)
    seed_a, seed_b = (int(s) for s in rng.choice(2**31 - 1, size=2, replace=False))
    pixels = rng.integers(0, 256, size=(12, 16)).astype(np.uint8)
    pixels[:, 0] = np.arange(12)  # distinct rows
    return {
        "seed_a": Call(X, y, dev_size=dev, seed=seed_a),
        "seed_a_again": Call(X, y, dev_size=dev, seed=seed_a),
        "seed_b": Call(X, y, dev_size=dev, seed=seed_b),
        "default_seed": Call(X, y, dev_size=dev),
        "one_dev_row": Call(
            pixels, rng.integers(0, 10, size=12), dev_size=1, seed=int(rng.integers(2**31 - 1))
        ),
    }


ORDER_HINT = "Return (X_train, y_train, X_dev, y_dev) in this order."


def _split_parts(fn, case: str):
    """The four arrays, checked for type and shape."""
    call = fn.call(case)
    X, y = call.args
    dev = call.kwargs.get("dev_size", 1000)
    n = len(X)
    got = fn.result(case)
    what = f"train_dev_split(X, y, dev_size={dev}) on the '{case}' case"
    if not isinstance(got, (tuple, list)) or len(got) != 4:
        raise CheckFailed(
            f"{what} should return 4 arrays (X_train, y_train, X_dev, y_dev); got {describe(got)}.",
            ORDER_HINT,
        )
    names = ("X_train", "y_train", "X_dev", "y_dev")
    shapes = ((n - dev,) + X.shape[1:], (n - dev,), (dev,) + X.shape[1:], (dev,))
    got_shapes = tuple(np.shape(part) if isinstance(part, np.ndarray) else None for part in got)
    sklearn_order = (shapes[0], shapes[2], shapes[1], shapes[3])
    swapped = (shapes[2], shapes[3], shapes[0], shapes[1])
    hint = None
    if got_shapes == sklearn_order:
        hint = ORDER_HINT + " (scikit-learn's train_test_split orders them differently.)"
    elif got_shapes == swapped:
        hint = (
            f"The dev set is the first dev_size = {dev} shuffled rows and the training set the "
            f"other {n - dev}; yours are the other way round."
        )
    parts = []
    for name, part, shape in zip(names, got, shapes):
        part = expect_ndarray(part, f"{name} from {what}", hint=hint)
        expect_shape(part, shape, f"{name} from {what}", hint=hint or ORDER_HINT)
        parts.append(part)
    return X, y, parts


def _row_ids(X: np.ndarray, rows: np.ndarray, what: str) -> np.ndarray:
    index = {row.astype(np.float64).tobytes(): i for i, row in enumerate(X)}
    ids = []
    for k, row in enumerate(rows):
        found = index.get(np.asarray(row).astype(np.float64).tobytes())
        if found is None:
            raise CheckFailed(
                f"{what}: row {k} is not a row of X.",
                "Select whole rows of X (X[order]); do not shuffle or modify their values.",
            )
        ids.append(found)
    return np.array(ids, dtype=np.int64)


def test_train_dev_split_shapes(outcome):
    fn = outcome("train_dev_split")
    for case in fn.cases:
        _split_parts(fn, case)


def test_train_dev_split_disjoint_and_complete(outcome):
    fn = outcome("train_dev_split")
    for case in fn.cases:
        X, _, (X_train, _, X_dev, _) = _split_parts(fn, case)
        what = f"train_dev_split on the '{case}' case"
        train = _row_ids(X, X_train, f"X_train from {what}")
        dev = _row_ids(X, X_dev, f"X_dev from {what}")
        both = np.concatenate([train, dev])
        counts = np.bincount(both, minlength=len(X))
        overlap = np.intersect1d(train, dev)
        expect(
            counts.max() <= 1,
            f"{what}: row {int(np.argmax(counts))} of X appears {int(counts.max())} times.",
            "Draw a permutation of the row indices (every row exactly once), not random "
            "indices with replacement.",
        )
        expect(
            overlap.size == 0,
            f"{what}: {overlap.size} rows are in both X_train and X_dev (row {int(overlap[0]) if overlap.size else 0} of X, for one).",
            "The dev set and the training set must not share rows: split one permutation into two parts.",
        )
        expect(
            counts.min() >= 1,
            f"{what}: {int(np.sum(counts == 0))} rows of X are in neither part.",
            "Every row goes to exactly one part.",
        )


def test_train_dev_split_aligned(outcome):
    fn = outcome("train_dev_split")
    for case in fn.cases:
        X, y, (X_train, y_train, X_dev, y_dev) = _split_parts(fn, case)
        for name, rows, labels in (("train", X_train, y_train), ("dev", X_dev, y_dev)):
            what = f"y_{name} from train_dev_split on the '{case}' case"
            ids = _row_ids(X, rows, f"X_{name} from train_dev_split on the '{case}' case")
            wrong = np.flatnonzero(labels != y[ids])
            expect(
                wrong.size == 0,
                f"{what}: {wrong.size} of {len(labels)} labels do not belong to their image (row "
                f"{int(wrong[0]) if wrong.size else 0} of X_{name} is row {int(ids[wrong[0]]) if wrong.size else 0} "
                f"of X, labelled {int(y[ids[wrong[0]]]) if wrong.size else 0}, but y_{name} says "
                f"{int(labels[wrong[0]]) if wrong.size else 0}).",
                "Shuffle X and y with the SAME permutation: index both with one order array. Two "
                "shuffles or two permutations break the pairing of images and labels.",
            )


@requires("test_train_dev_split_disjoint_and_complete")
def test_train_dev_split_deterministic(outcome):
    fn = outcome("train_dev_split")
    _, _, first = _split_parts(fn, "seed_a")
    _, _, again = _split_parts(fn, "seed_a_again")
    for name, a, b in zip(("X_train", "y_train", "X_dev", "y_dev"), first, again):
        expect(
            np.array_equal(a, b),
            f"train_dev_split gave a different {name} on two calls with the same seed.",
            "Make the generator from the seed inside the function, np.random.default_rng(seed), and "
            "draw the permutation from it; np.random.permutation alone ignores the seed.",
        )


@requires("test_train_dev_split_disjoint_and_complete")
def test_train_dev_split_seeds_differ(outcome):
    fn = outcome("train_dev_split")
    _, _, (X_train_a, _, X_dev_a, _) = _split_parts(fn, "seed_a")
    _, _, (X_train_b, _, X_dev_b, _) = _split_parts(fn, "seed_b")
    same = np.array_equal(X_dev_a, X_dev_b) and np.array_equal(X_train_a, X_train_b)
    expect(
        not same,
        "train_dev_split gave the same split for two different seeds.",
        "Use the seed argument: np.random.default_rng(seed), not a fixed number.",
    )


def test_train_dev_split_shuffled(outcome):
    fn = outcome("train_dev_split")
    for case in ("seed_a", "seed_b"):
        X, _, (X_train, _, X_dev, _) = _split_parts(fn, case)
        what = f"train_dev_split on the '{case}' case"
        train = _row_ids(X, X_train, f"X_train from {what}")
        dev = _row_ids(X, X_dev, f"X_dev from {what}")
        in_order = np.array_equal(np.sort(dev), dev) and np.array_equal(np.sort(train), train)
        expect(
            not in_order,
            f"{what}: the rows keep their original order (dev rows {dev[:4].tolist()}..., training "
            f"rows {train[:4].tolist()}...): nothing was shuffled.",
            "Shuffle first: take a random permutation of the row indices, then split it. If the file "
            "were sorted by label, unshuffled parts would hold different digits.",
        )


@requires("test_train_dev_split_disjoint_and_complete")
def test_train_dev_split_keeps_inputs(outcome):
    fn = outcome("train_dev_split")
    for case in fn.cases:
        X, y = fn.call(case).args
        fn.result(case)
        X_after, y_after = fn.args_after(case)[:2]
        hint = (
            "rng.shuffle(X) (and np.random.shuffle) shuffle the caller's array in place; index "
            "with a permutation instead (X[order]), which makes new arrays."
        )
        expect_unchanged(X, X_after, f"X (the '{case}' case)", hint=hint)
        expect_unchanged(y, y_after, f"y (the '{case}' case)", hint=hint)


# -- one_hot ------------------------------------------------------------------------------------


@cases_for("one_hot")
def one_hot_cases(rng, ref):
    return {
        "random": Call(rng.integers(0, 10, size=7)),
        "all_classes": Call(rng.permutation(10)),
        "one_label": Call(rng.integers(0, 10, size=1)),
        "num_classes_5": Call(rng.integers(0, 4, size=6), num_classes=5),  # class 4 never appears
    }


TEN_CLASSES = ("random", "all_classes", "one_label")


def test_one_hot_values(outcome):
    fn = outcome("one_hot")
    for case in TEN_CLASSES:
        (y,) = fn.call(case).args
        got = result_or_known_error(fn, case)
        want = np.asarray(fn.expected(case))
        n, c = want.shape
        whole_columns = np.zeros((n, c))
        whole_columns[:, y] = 1
        whole_rows = None
        if np.all(y < n):  # otherwise Y[y] = 1 raises an IndexError
            whole_rows = np.zeros((n, c))
            whole_rows[y] = 1
        shifted = np.zeros((n, c))
        shifted[np.arange(n), y - 1] = 1
        too_few = (n, int(y.max()) + 1)  # the shape when the columns come from y.max() + 1
        if too_few == want.shape:
            too_few = None
        mistakes = [
            Mistake(
                "It is transposed: one row per example, one column per class, shape (N, num_classes).",
                want.T,
            ),
            Mistake(
                "Y[:, y] = 1 fills whole columns; set one entry per row: row i, column y[i].",
                whole_columns,
            ),
            Mistake(
                "Y[y] = 1 fills whole rows; set one entry per row: row i, column y[i].", whole_rows
            ),
            Mistake("Labels count from 0: the 1 of label k goes in column k, not k - 1.", shifted),
            Mistake(
                "Use num_classes for the number of columns, not y.max() + 1 (a batch may "
                "miss some classes).",
                matches=lambda got, shape=too_few: np.shape(got) == shape,
            ),
        ]
        expect_close(
            got,
            want,
            f"one_hot(y) on the '{case}' case (y = {y.tolist()})",
            mistakes=mistakes,
            check_dtype_kind=False,
            hint="Row i is all zeros except a 1 in column y[i].",
        )


def test_one_hot_num_classes(outcome):
    fn = outcome("one_hot")
    case = "num_classes_5"
    call = fn.call(case)
    (y,) = call.args
    got = result_or_known_error(fn, case)
    want = fn.expected(case)
    k = call.kwargs["num_classes"]
    mistakes = [
        Mistake(
            "Use num_classes for the number of columns, not y.max() + 1 (a batch may miss "
            "some classes).",
            matches=lambda got: np.shape(got) == (len(y), int(y.max()) + 1),
        ),
        Mistake(
            "Use the num_classes argument for the number of columns, not a fixed 10.",
            matches=lambda got: np.shape(got) == (len(y), 10),
        ),
        Mistake(
            "It is transposed: one row per example, one column per class, shape (N, num_classes).",
            matches=lambda got: np.shape(got) == (k, len(y)),
        ),
    ]
    expect_close(
        got,
        want,
        f"one_hot(y, num_classes={k}) on the '{case}' case (y = {y.tolist()})",
        mistakes=mistakes,
        check_dtype_kind=False,
    )


@requires("test_one_hot_values")
def test_one_hot_float32(outcome):
    fn = outcome("one_hot")
    for case in fn.cases:
        got = expect_ndarray(result_or_known_error(fn, case), f"one_hot(y) on the '{case}' case")
        hint = (
            "np.zeros and np.eye make float64 unless told otherwise: ask for dtype=np.float32 "
            "(one_hot is subtracted from float32 probabilities in backprop)."
        )
        if got.dtype.kind in "iub":
            hint = (
                "Integer dtype: one_hot should hold the floats 0.0 and 1.0 as float32 (it is "
                "subtracted from probabilities in backprop); create it with dtype=np.float32."
            )
        expect(
            got.dtype == np.float32,
            f"one_hot(y) on the '{case}' case has dtype {got.dtype}; expected float32.",
            hint,
        )
