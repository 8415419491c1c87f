"""Checks for lesson 01: split_features_labels, normalize, train_dev_split, one_hot.

Contract
--------
Every promise of the docstrings and the lesson, and the check that holds the function to it.

split_features_labels(df)
  - a pair (X, y) ....................................................... every check
  - X: every column except 'label', in their order, values unchanged, an
    (N, 784) ndarray ..................................................... test_split_features_labels_features
  - X keeps the integer dtype pandas read: not graded beyond its values (a float
    array holding the same pixels feeds normalize just as well)
  - y: the 'label' column as a 1-D integer ndarray of shape (N,) ............ test_split_features_labels_labels
  - without a 'label' column (test.csv, read as uint8, one row): X is every
    column and y is None ................................................. test_split_features_labels_without_label
  - df is not modified (columns, rows, values, dtypes) ...................... test_split_features_labels_keeps_input

normalize(X)
  - every value v becomes v / 255 (0 stays 0, 255 becomes 1.0, whatever the
    largest value in X), for uint8, int64, float32 and float64 input, any
    shape, one row ........................................................ test_normalize_values
  - the result is float32 ................................................. test_normalize_float32
  - X is not modified ..................................................... test_normalize_keeps_input

train_dev_split(X, y, dev_size=1000, seed=0)
  - four ndarrays (X_train, y_train, X_dev, y_dev) in this order, shaped
    (N - dev_size, D), (N - dev_size,), (dev_size, D), (dev_size,); dev sizes
    1, N - 1 and the default 1000 ......................................... test_train_dev_split_shapes
  - every row of X in exactly one part, values unchanged ..................... test_train_dev_split_disjoint_and_complete
  - each label stays with its image ........................................ test_train_dev_split_aligned
  - the same seed gives the same split; the default seed is 0 ............... test_train_dev_split_deterministic
  - another seed gives another split ........................................ test_train_dev_split_seeds_differ
  - the dev rows are chosen at random, not the first or last rows of X ....... test_train_dev_split_shuffled
  - X and y are not modified ................................................ test_train_dev_split_keeps_inputs

one_hot(y, num_classes=10)
  - an (N, num_classes) ndarray, Y[i, y[i]] = 1 and 0 elsewhere; default 10
    classes, one label, every class ......................................... test_one_hot_values
  - the number of columns is num_classes, also when some classes are absent . test_one_hot_num_classes
  - float32 ............................................................... test_one_hot_float32
  - y is not modified ...................................................... test_one_hot_keeps_input

Lucky passes: a correct split is declared "not shuffled" only when all three random dev sets
(6 of 24 rows twice, 1000 of 1010) are the first or last rows at once (below 1e-20), and a split
that pairs images with labels of another permutation keeps every pair by chance with a
probability far below 1e-6 (24 labels of 10 classes). Indices drawn with replacement repeat a
row inside a part of the 1010-row case almost surely.

A hint names a mistake (``Mistake.id``) only when the student's output, exception or argument
after the call is what that mistake computes on the same inputs.
"""

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
    expect_equal,
    expect_ndarray,
    expect_shape,
    expect_unchanged_or_named,
    failure,
    raises_like,
    requires,
    result_or_named_error,
    right_on,
)
from autograder.checks.factors import as_ratio, constant_factor
from autograder.codec import Unsupported

# -- split_features_labels ----------------------------------------------------------------------

PIXELS = [f"pixel{j}" for j in range(784)]


def _kaggle_frame(rng, n: int, *, with_label: bool = True, dtype=np.int64) -> pd.DataFrame:
    """A frame shaped like train.csv (label, pixel0..pixel783) or test.csv (pixels only)."""
    pixels = rng.integers(0, 256, size=(n, 784)).astype(dtype)
    pixels[:, rng.random(784) < 0.6] = 0  # mostly background, like the digits
    pixels[:, 0] = rng.integers(1, 256, size=n)  # pixel0 non-zero: a dropped first column shows
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
WITHOUT_LABEL = "test_csv_one_row"
PANDAS_HINT = (
    "It is a pandas object, not a NumPy array: convert it with .to_numpy() "
    "(df['label'].to_numpy(), df.drop(columns='label').to_numpy())."
)
LABEL_ALWAYS_THERE_HINT = (
    "test.csv has no 'label' column: drop it and read y only when 'label' is in df.columns, "
    "and return y = None otherwise."
)


def _is_pandas(got, values) -> bool:
    """A DataFrame holding these values, or a Series (which cannot cross as an array)."""
    if isinstance(got, Unsupported):
        return got.type_name == "Series"
    return isinstance(got, pd.DataFrame) and np.array_equal(got.to_numpy(), values)


def _split(fn, case: str):
    (df,) = fn.call(case).args
    label_always_there = [
        Mistake(LABEL_ALWAYS_THERE_HINT, matches=raises_like(model), id=id_)
        for model, id_ in (
            (lambda: df["label"], "split_features_labels.label_always_there"),
            (lambda: df.drop(columns="label"), "split_features_labels.label_always_there"),
            (lambda: df.drop("label", axis=1), "split_features_labels.label_always_there"),
            (lambda: df.pop("label"), "split_features_labels.label_always_there"),
            (lambda: df.label, "split_features_labels.label_always_there"),
        )
    ]
    got = result_or_named_error(fn, case, label_always_there)
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise CheckFailed(
            f"split_features_labels(df) on the '{case}' case should return a pair (X, y); got {describe(got)}.",
            "End with `return X, y`.",
        )
    return got


def test_split_features_labels_features(outcome):
    """X holds every column except 'label', in their order, values unchanged."""
    fn = outcome("split_features_labels")
    for case in LABELLED:
        (df,) = fn.call(case).args
        X, _ = _split(fn, case)
        want_X, want_y = fn.expected(case)
        what = f"X from split_features_labels(df) on the '{case}' case"
        mistakes = [
            Mistake(
                "X still holds the label column: keep only the 784 pixel columns.",
                df.to_numpy(),
                id="split_features_labels.keeps_label",
            ),
            Mistake(
                "The result comes back as (y, X); return X first, then y.",
                want_y,
                id="split_features_labels.y_first",
            ),
            Mistake(
                "Keep the raw pixel values 0..255 here; scaling them is normalize's job.",
                want_X / 255.0,
                id="split_features_labels.scaled",
            ),
            Mistake(
                PANDAS_HINT,
                matches=lambda got, want=want_X: _is_pandas(got, want),
                id="split_features_labels.returns_pandas",
            ),
        ]
        X = expect_ndarray(X, what, mistakes=mistakes)
        expect_shape(X, want_X.shape, what, mistakes=mistakes, hint="")
        expect_equal(
            X,
            want_X,
            what,
            mistakes=mistakes,
            hint="X is every column except 'label', in their order, values unchanged.",
        )


def test_split_features_labels_labels(outcome):
    """y is the 'label' column as a 1-D integer array."""
    fn = outcome("split_features_labels")
    for case in LABELLED:
        _, y = _split(fn, case)
        want_X, want_y = fn.expected(case)
        what = f"y from split_features_labels(df) on the '{case}' case"
        mistakes = [
            Mistake(
                "df[['label']] is a one-column table of shape (N, 1); the labels should be "
                "the 1-D column df['label'] of shape (N,).",
                want_y[:, None],
                id="split_features_labels.label_table",
            ),
            Mistake(
                "The result comes back as (y, X); return X first, then y.",
                want_X,
                id="split_features_labels.y_first",
            ),
            Mistake(
                PANDAS_HINT,
                matches=lambda got, want=want_y: _is_pandas(got, want),
                id="split_features_labels.returns_pandas",
            ),
        ]
        if y is None:
            raise CheckFailed(
                f"{what} is None, but this frame has a 'label' column.",
                "Return None only when there is no 'label' column (test.csv).",
            )
        y = expect_ndarray(y, what, mistakes=mistakes)
        expect_shape(y, want_y.shape, what, mistakes=mistakes, hint="")
        if y.dtype.kind not in "iu":
            raise failure(
                f"{what} has dtype {y.dtype}; expected an integer array.",
                [
                    Mistake(
                        "The labels were converted to floats: keep them as integers (one_hot "
                        "indexes its columns with them).",
                        matches=lambda got, want=want_y: np.array_equal(got, want),
                        id="split_features_labels.float_labels",
                    )
                ],
                y,
                "Labels are class ids: keep them as integers (one_hot indexes its columns "
                "with them).",
            )
        expect_equal(y, want_y, what, hint="y is the 'label' column, in row order.")


def test_split_features_labels_without_label(outcome):
    """Without a 'label' column (test.csv) X is every column and y is None."""
    fn = outcome("split_features_labels")
    case = WITHOUT_LABEL
    (df,) = fn.call(case).args
    X, y = _split(fn, case)
    want_X, _ = fn.expected(case)
    what = f"X from split_features_labels(df) on the '{case}' case (a test.csv frame: no 'label' column)"
    dropped_first = Mistake(
        "test.csv has no 'label' column, so dropping the first column throws away pixel0: "
        "drop 'label' by name, only when it is there.",
        df.to_numpy()[:, 1:],
        id="split_features_labels.drops_first_column",
    )
    pandas = Mistake(
        PANDAS_HINT,
        matches=lambda got: _is_pandas(got, want_X),
        id="split_features_labels.returns_pandas",
    )
    X = expect_ndarray(X, what, mistakes=[dropped_first, pandas])
    expect_shape(X, want_X.shape, what, mistakes=[dropped_first], hint="")
    expect_equal(
        X,
        want_X,
        what,
        mistakes=[dropped_first],
        hint="Without a 'label' column, X is every column of df, unchanged.",
    )
    if y is not None:
        first_column = Mistake(
            dropped_first.hint,
            df["pixel0"].to_numpy(),
            id="split_features_labels.drops_first_column",
        )
        raise failure(
            f"y from split_features_labels(df) on the '{case}' case should be None "
            f"(this frame has no 'label' column); got {describe(y)}.",
            [first_column],
            y,
            "Return y = None when 'label' is not in df.columns.",
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
    if list(after.columns) != list(before.columns):
        return "the columns of df were reordered."
    if list(after.dtypes) == list(before.dtypes) and np.array_equal(
        after.to_numpy(), before.to_numpy()
    ):
        return None  # the common case, in one comparison; otherwise find the column below
    for name in before.columns:
        if after[name].dtype != before[name].dtype or not np.array_equal(
            after[name].to_numpy(), before[name].to_numpy()
        ):
            return f"the column {name!r} of df was modified."
    return None


def _label_removed(before: pd.DataFrame, after) -> bool:
    """df lost its 'label' column and nothing else: df.pop('label'), drop(..., inplace=True)."""
    if not isinstance(after, pd.DataFrame) or "label" not in before.columns:
        return False
    rest = before.drop(columns="label")
    return list(after.columns) == list(rest.columns) and np.array_equal(
        after.to_numpy(), rest.to_numpy()
    )


@requires("test_split_features_labels_features")
def test_split_features_labels_keeps_input(outcome):
    """split_features_labels leaves the DataFrame unchanged."""
    fn = outcome("split_features_labels")
    for case in fn.cases:
        (df,) = fn.call(case).args
        _split(fn, case)
        after = fn.args_after(case)[0]
        problem = _frame_difference(df, after)
        if problem is not None:
            raise failure(
                f"On the '{case}' case {problem} split_features_labels changed its input in place.",
                [
                    Mistake(
                        "df.pop('label') and drop(..., inplace=True) remove the column from the "
                        "caller's DataFrame; df.drop(columns='label') and df['label'] return "
                        "new objects.",
                        matches=lambda after, df=df: _label_removed(df, after),
                        id="split_features_labels.removes_label_in_place",
                    )
                ],
                after,
                "Leave df as it was: use methods that return new objects.",
            )


# -- normalize ----------------------------------------------------------------------------------


@cases_for("normalize")
def normalize_cases(rng, ref):
    def pixels(shape, dtype, top: int = 255):
        """Pixels from 0 to ``top``, both present: a scale taken from the batch (X.max())
        coincides with 255 only where the brightest pixel is 255."""
        values = rng.integers(0, top + 1, size=shape)
        values.flat[:2] = [0, top]
        return values.astype(dtype)

    uint8 = pixels((3, 40), np.uint8)
    uint8[0, 2] = 128
    return {
        "uint8": Call(uint8),
        "int64": Call(uint8.astype(np.int64)),  # the same values as read_csv gives them
        "dark_uint8": Call(pixels((2, 30), np.uint8, top=180)),  # nothing brighter than 180
        "one_row": Call(pixels((1, 784), np.uint8)),
        "float64": Call(pixels((2, 20), np.float64)),
        "float32": Call(pixels((2, 20), np.float32)),
        "images_28x28": Call(pixels((2, 28, 28), np.uint8)),  # any shape
    }


INTEGER_DIVISION_HINT = (
    "Integer division (// or a cast to an integer type) throws the fraction "
    "away and leaves only 0s and 1s: convert to float32, then divide with /."
)
IN_PLACE_DIVISION_HINT = (
    "X /= 255 divides in place: it writes into the caller's array (and a uint8 array cannot "
    "hold fractions); compute a new float32 array instead."
)


def _in_place_division(X: np.ndarray) -> None:
    copy = X.copy()
    copy /= 255


def _other_divisor(got, want: np.ndarray) -> str | None:
    """The hint for v / d with another constant d than 255, when the output is that."""
    factor = constant_factor(got, want, rtol=1e-5)
    if factor is None or factor <= 0:
        return None
    divisor = 255.0 / factor
    shown = f"{round(divisor)}" if abs(divisor - round(divisor)) < 1e-3 else f"{divisor:.4g}"
    return (
        f"Every value is {as_ratio(factor)} times v / 255: the pixels were divided by "
        f"{shown}, not by 255 (so 255 does not become exactly 1.0)."
    )


def _normalize_mistakes(fn, case: str, X: np.ndarray) -> list[Mistake]:
    wide = X.astype(np.float64)
    want = wide / 255.0
    mistakes = [
        Mistake(
            IN_PLACE_DIVISION_HINT,
            matches=raises_like(lambda: _in_place_division(X)),
            id="normalize.in_place",
        ),
        Mistake(
            "Divide by 255, not 256: the brightest pixel, 255, must become exactly 1.0.",
            wide / 256,
            id="normalize.by_256",
        ),
        Mistake(INTEGER_DIVISION_HINT, np.floor(wide / 255), id="normalize.integer_division"),
        Mistake(
            "The pixels are not scaled at all: divide them by 255.",
            wide,
            id="normalize.not_scaled",
        ),
        Mistake(
            "The pixels were multiplied by 255; divide them by 255 instead.",
            wide * 255.0,
            id="normalize.multiplied",
        ),
        Mistake(
            "Divide by the constant 255, not by X.max(): the scale must not depend on the batch.",
            wide / max(wide.max(), 1),
            id="normalize.by_max",
        ),
        Mistake(
            "Divide by the constant 255, not by X.max() - X.min() after subtracting X.min(): "
            "the scale must not depend on the batch.",
            (wide - wide.min()) / max(wide.max() - wide.min(), 1),
            id="normalize.min_max",
        ),
        Mistake(
            "That scales the pixels to [-1, 1]; this course scales them to [0, 1]: v / 255.",
            wide / 127.5 - 1.0,
            id="normalize.minus_one_to_one",
        ),
        Mistake(
            "That standardises X (subtracts the mean, divides by the standard deviation); "
            "this course scales the pixels to [0, 1]: v / 255.",
            (wide - wide.mean()) / (wide.std() or 1.0),
            id="normalize.standardised",
        ),
    ]
    divisor = [
        Mistake(
            "",
            matches=lambda got: _other_divisor(got, want) is not None,
            id="normalize.wrong_divisor",
        )
    ]
    if case == "uint8":
        int64_result = fn.result("int64") if right_on(fn, ["int64"], rtol=1e-6, atol=1e-7) else None
        mistakes.append(
            Mistake(
                "uint8 overflow: the same pixels give the right values as int64 and wrong ones "
                "as uint8, whose arithmetic wraps around past 255; convert to float32 before "
                "any arithmetic.",
                matches=lambda got: (
                    int64_result is not None
                    and np.shape(got) == int64_result.shape
                    and not np.allclose(
                        np.asarray(got, dtype=np.float64), int64_result, rtol=1e-5, atol=1e-7
                    )
                ),
                id="normalize.uint8_overflow",
            )
        )
    return mistakes + divisor


def test_normalize_values(outcome):
    """Every pixel value v becomes v / 255, whatever the input's shape and dtype."""
    fn = outcome("normalize")
    for case in fn.cases:
        (X,) = fn.call(case).args
        mistakes = _normalize_mistakes(fn, case, X)
        got = result_or_named_error(fn, case, mistakes)
        want = np.asarray(fn.expected(case))
        mistakes[-1].hint = _other_divisor(got, X.astype(np.float64) / 255.0) or ""
        what = f"normalize(X) on the '{case}' case ({X.dtype} input)"
        got = expect_ndarray(got, what, mistakes=mistakes)
        expect_shape(got, want.shape, what, mistakes=mistakes, hint="")
        with np.errstate(all="ignore"):
            values = np.asarray(got, dtype=np.float64)
        if got.size and np.all(np.isfinite(values)) and (values.min() < 0 or values.max() > 1):
            raise failure(
                f"{what} has values from {values.min():.4g} to {values.max():.4g}; they should "
                "lie in [0, 1].",
                mistakes,
                got,
                "Every pixel value v becomes v / 255: 0 stays 0 and 255 becomes 1.0.",
            )
        expect_close(
            got,
            want,
            what,
            rtol=1e-6,
            atol=1e-7,
            mistakes=mistakes,
            hint="Every pixel value v becomes v / 255: 0 stays 0 and 255 becomes 1.0.",
        )


@requires("test_normalize_values")
def test_normalize_float32(outcome):
    """normalize returns float32."""
    fn = outcome("normalize")
    for case in fn.cases:
        (X,) = fn.call(case).args
        got = expect_ndarray(fn.result(case), f"normalize(X) on the '{case}' case")
        expect(
            got.dtype == np.float32,
            f"normalize(X) on the '{case}' case ({X.dtype} input) has dtype {got.dtype}; expected float32.",
            "Convert to float32 (X.astype(np.float32)) and divide by np.float32(255) or 255: "
            "float32 halves the memory and is what the network computes in.",
            mistake="normalize.float64" if got.dtype == np.float64 else None,
        )


@requires("test_normalize_values")
def test_normalize_keeps_input(outcome):
    """normalize leaves its input X unchanged."""
    fn = outcome("normalize")
    for case in fn.cases:
        (X,) = fn.call(case).args
        fn.result(case)
        expect_unchanged_or_named(
            X,
            fn.args_after(case)[0],
            f"X (the '{case}' case)",
            mistakes=[Mistake(IN_PLACE_DIVISION_HINT, X / 255.0, id="normalize.in_place")],
            hint="Return a new array and leave X as it was.",
        )


# -- train_dev_split ----------------------------------------------------------------------------


@cases_for("train_dev_split")
def train_dev_split_cases(rng, ref):
    n, dev = 24, 6
    X = rng.random((n, 3)).astype(np.float32)  # every row is different: rows can be traced
    y = rng.integers(0, 10, size=n)
    seed_a, seed_b = (1 + int(s) for s in rng.choice(2**31 - 2, size=2, replace=False))
    pixels = rng.integers(0, 256, size=(12, 16)).astype(np.uint8)
    pixels[:, 0] = np.arange(12)  # distinct rows
    small = rng.random((9, 4))
    many = rng.permutation(1010).astype(np.int32)[:, None]  # the default dev_size, 1000
    return {
        "seed_a": Call(X, y, dev_size=dev, seed=seed_a),
        "seed_a_again": Call(X, y, dev_size=dev, seed=seed_a),
        "seed_b": Call(X, y, dev_size=dev, seed=seed_b),
        "default_seed": Call(X, y, dev_size=dev),
        "seed_zero": Call(X, y, dev_size=dev, seed=0),
        "one_dev_row": Call(
            pixels, rng.integers(0, 10, size=12), dev_size=1, seed=int(rng.integers(2**31 - 1))
        ),
        "one_train_row": Call(
            small, rng.integers(0, 10, size=9), dev_size=8, seed=int(rng.integers(2**31 - 1))
        ),
        "default_dev_size": Call(
            many, rng.integers(0, 10, size=1010), seed=int(rng.integers(2**31 - 1))
        ),
    }


ORDER_HINT = "Return (X_train, y_train, X_dev, y_dev) in this order."
#: Cases whose dev set a correct split draws from many possible ones: on all of them at once,
#: the first or the last rows of X come out by chance with a probability below 1e-12.
RANDOM_DEV_SETS = ("seed_a", "seed_b", "default_dev_size")


def _expected_shapes(X: np.ndarray, dev: int) -> tuple:
    n = len(X)
    return ((n - dev,) + X.shape[1:], (n - dev,), (dev,) + X.shape[1:], (dev,))


def _shapes(got) -> tuple:
    return tuple(np.shape(part) if isinstance(part, np.ndarray) else None for part in got)


def _explicit_sizes_right(fn) -> bool:
    """Every case that passes dev_size gets parts of the right shapes."""
    for case in fn.cases:
        call = fn.call(case)
        if "dev_size" not in call.kwargs:
            continue
        got = fn.result(case) if fn.raised(case) is None else None
        if not isinstance(got, (tuple, list)) or len(got) != 4:
            return False
        if _shapes(got) != _expected_shapes(call.args[0], call.kwargs["dev_size"]):
            return False
    return True


def _off_by_one(got_shapes: tuple, shapes: tuple) -> bool:
    """The right parts in the right order, with a row too many or too few in some of them."""
    if any(g is None or len(g) != len(w) for g, w in zip(got_shapes, shapes)):
        return False
    rows = [g[0] - w[0] for g, w in zip(got_shapes, shapes)]
    return (
        all(g[1:] == w[1:] for g, w in zip(got_shapes, shapes))
        and all(abs(r) <= 1 for r in rows)
        and any(rows)
    )


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
    shapes = _expected_shapes(X, dev)
    got_shapes = _shapes(got)
    other_default = [
        size for size in range(n + 1) if size != dev and got_shapes == _expected_shapes(X, size)
    ]
    models = [
        Mistake(
            ORDER_HINT + " (scikit-learn's train_test_split returns X_train, X_dev, y_train, "
            "y_dev.)",
            matches=lambda _: got_shapes == (shapes[0], shapes[2], shapes[1], shapes[3]),
            id="train_dev_split.sklearn_order",
        ),
        Mistake(
            f"The dev set is the first dev_size = {dev} shuffled rows and the training set the "
            f"other {n - dev}; yours are the other way round.",
            matches=lambda _: got_shapes == (shapes[2], shapes[3], shapes[0], shapes[1]),
            id="train_dev_split.sizes_swapped",
        ),
        Mistake(
            ORDER_HINT + " The four parts are there, in another order.",
            matches=lambda _: (
                None not in got_shapes
                and got_shapes != shapes
                and sorted(got_shapes) == sorted(shapes)
            ),
            id="train_dev_split.order",
        ),
    ]
    # On the default case, a dev part of 999 or 1001 rows is a wrong default when every
    # explicit dev_size is obeyed, and a slice off by one otherwise.
    explicit_right = "dev_size" not in call.kwargs and _explicit_sizes_right(fn)
    if not explicit_right:
        models.append(
            Mistake(
                "A part is a row too long or too short: the dev part is order[:dev_size] "
                "(exactly dev_size rows) and the training part order[dev_size:] (the rest).",
                matches=lambda _: _off_by_one(got_shapes, shapes),
                id="train_dev_split.off_by_one",
            )
        )
    elif other_default:
        models.append(
            Mistake(
                f"Without a dev_size argument the dev part has {other_default[0]} rows; the "
                f"default is dev_size=1000, as in the signature.",
                matches=lambda _: True,
                id="train_dev_split.default_dev_size",
            )
        )
    parts = []
    for name, part, shape in zip(names, got, shapes):
        part = expect_ndarray(part, f"{name} from {what}", mistakes=models)
        expect_shape(
            part,
            shape,
            f"{name} from {what}",
            mistakes=models,
            hint=f"X_dev has dev_size = {dev} rows and X_train the other {n - dev}; the "
            "parts come back as (X_train, y_train, X_dev, y_dev).",
        )
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
                "Select whole rows of X (X[order]) and leave their values as they are.",
            )
        ids.append(found)
    return np.array(ids, dtype=np.int64)


def _parts_ids(fn, case: str):
    X, y, (X_train, y_train, X_dev, y_dev) = _split_parts(fn, case)
    what = f"train_dev_split on the '{case}' case"
    train = _row_ids(X, X_train, f"X_train from {what}")
    dev = _row_ids(X, X_dev, f"X_dev from {what}")
    return X, y, train, dev, y_train, y_dev, what


def test_train_dev_split_shapes(outcome):
    """The four parts come back in order with the right shapes."""
    fn = outcome("train_dev_split")
    for case in fn.cases:
        _split_parts(fn, case)


def test_train_dev_split_disjoint_and_complete(outcome):
    """Every row of X is in exactly one part: none lost, none in both."""
    fn = outcome("train_dev_split")
    parts = [_parts_ids(fn, case) for case in fn.cases]
    # Repeats inside one part first, on every case: a permutation never repeats a row, while
    # indices drawn with replacement repeat one inside a part on some case almost surely.
    for X, _, train, dev, _, _, what in parts:
        for name, ids in (("X_train", train), ("X_dev", dev)):
            if len(np.unique(ids)) < len(ids):
                missing = len(X) - len(np.unique(np.concatenate([train, dev])))
                raise CheckFailed(
                    f"{what}: {name} holds some row of X more than once ({missing} rows of X "
                    "are in neither part).",
                    "Indices drawn with replacement repeat some rows and miss others: take one "
                    "permutation of the row indices (every row exactly once).",
                    mistake="train_dev_split.with_replacement",
                )
    for X, _, train, dev, _, _, what in parts:
        overlap = np.intersect1d(train, dev)
        missing = len(X) - len(np.unique(np.concatenate([train, dev])))
        expect(
            overlap.size == 0,
            f"{what}: {overlap.size} rows are in both X_train and X_dev (row "
            f"{int(overlap[0]) if overlap.size else 0} of X, for one), and {missing} rows of X "
            "are in neither.",
            "The dev part and the training part must not share rows: split one permutation "
            "into the first dev_size indices and the rest.",
        )


def test_train_dev_split_aligned(outcome):
    """Each image keeps its own label in both parts."""
    fn = outcome("train_dev_split")
    for case in fn.cases:
        _, y, train, dev, y_train, y_dev, _ = _parts_ids(fn, case)
        labels = np.concatenate([np.asarray(y_dev), np.asarray(y_train)])
        models = [
            Mistake(
                "X was shuffled but y was not: y_dev and y_train are the first and last labels "
                "of y in their original order. Index X and y with the same permutation.",
                matches=lambda _, labels=labels, y=y: np.array_equal(labels, y),
                id="train_dev_split.labels_not_shuffled",
            ),
            Mistake(
                "X and y were shuffled separately (two permutations, or two shuffles): the "
                "labels are all there but in another order than the images. Index X and y "
                "with the SAME permutation.",
                matches=lambda _, labels=labels, y=y: (
                    labels.shape == y.shape and np.array_equal(np.sort(labels), np.sort(y))
                ),
                id="train_dev_split.separate_shuffles",
            ),
        ]
        for name, ids, part in (("dev", dev, y_dev), ("train", train, y_train)):
            wrong = np.flatnonzero(np.asarray(part) != y[ids])
            if wrong.size:
                k = int(wrong[0])
                raise failure(
                    f"y_{name} from train_dev_split on the '{case}' case: {wrong.size} of "
                    f"{len(part)} labels do not belong to their image (row {k} of X_{name} is "
                    f"row {int(ids[k])} of X, labelled {int(y[ids[k]])}, but y_{name} says "
                    f"{_plain(part[k])}).",
                    models,
                    None,
                    "Each label stays with its image: index X and y with the same row order.",
                )


def _plain(value) -> str:
    return repr(value.item()) if isinstance(value, np.generic) else repr(value)


@requires("test_train_dev_split_disjoint_and_complete")
def test_train_dev_split_deterministic(outcome):
    """The same seed gives the same split, and the default seed is 0."""
    fn = outcome("train_dev_split")
    for first_case, again_case, what, mistake in (
        ("seed_a", "seed_a_again", "on two calls with the same seed", None),
        (
            "seed_zero",
            "default_seed",
            "with seed=0 and with the default seed",
            "train_dev_split.default_seed",
        ),
    ):
        _, _, first = _split_parts(fn, first_case)
        _, _, again = _split_parts(fn, again_case)
        for name, a, b in zip(("X_train", "y_train", "X_dev", "y_dev"), first, again):
            if mistake:  # the same seed gives the same split; the default is another seed
                expect(
                    np.array_equal(a, b),
                    f"train_dev_split gave a different {name} {what}, while two calls with "
                    "the same seed agree.",
                    "The default seed is 0, as in the signature: train_dev_split(X, y, "
                    "dev_size=1000, seed=0).",
                    mistake=mistake,
                )
            expect(
                np.array_equal(a, b),
                f"train_dev_split gave a different {name} {what}.",
                "Make the generator from the seed inside the function, "
                "np.random.default_rng(seed), and draw the permutation from it.",
            )


@requires("test_train_dev_split_disjoint_and_complete")
def test_train_dev_split_seeds_differ(outcome):
    """Different seeds give different splits."""
    fn = outcome("train_dev_split")
    _, _, (X_train_a, _, X_dev_a, _) = _split_parts(fn, "seed_a")
    _, _, (X_train_b, _, X_dev_b, _) = _split_parts(fn, "seed_b")
    same = np.array_equal(X_dev_a, X_dev_b) and np.array_equal(X_train_a, X_train_b)
    expect(
        not same,
        "train_dev_split gave the same split for two different seeds.",
        "The split must depend on the seed argument: np.random.default_rng(seed).",
    )


def test_train_dev_split_shuffled(outcome):
    """The dev rows are chosen at random, not the first or last rows of X."""
    fn = outcome("train_dev_split")
    seen = []
    for case in RANDOM_DEV_SETS:
        X, _, _, dev, _, _, _ = _parts_ids(fn, case)
        chosen = set(dev.tolist())
        if chosen == set(range(len(dev))):
            seen.append((case, "first"))
        elif chosen == set(range(len(X) - len(dev), len(X))):
            seen.append((case, "last"))
        else:
            return
    where = " and ".join(sorted({w for _, w in seen}))
    raise CheckFailed(
        f"On every case ({', '.join(c for c, _ in seen)}) the dev rows are the {where} "
        f"dev_size rows of X: nothing was shuffled.",
        "Shuffle first: take a random permutation of the row indices, then split it. If the "
        "file were sorted by label, unshuffled parts would hold different digits.",
    )


def _rows_permuted(before: np.ndarray, after) -> bool:
    """The array holds the same rows in another order: it was shuffled in place."""
    if (
        not isinstance(after, np.ndarray)
        or after.shape != before.shape
        or after.dtype != before.dtype
        or after.ndim == 0
        or np.array_equal(after, before)
    ):
        return False
    rows = sorted(row.tobytes() for row in before.reshape(len(before), -1))
    return rows == sorted(row.tobytes() for row in after.reshape(len(after), -1))


@requires("test_train_dev_split_disjoint_and_complete")
def test_train_dev_split_keeps_inputs(outcome):
    """train_dev_split leaves X and y unchanged."""
    fn = outcome("train_dev_split")
    for case in fn.cases:
        X, y = fn.call(case).args
        fn.result(case)
        X_after, y_after = fn.args_after(case)[:2]
        for name, before, after in (("X", X, X_after), ("y", y, y_after)):
            expect_unchanged_or_named(
                before,
                after,
                f"{name} (the '{case}' case)",
                mistakes=[
                    Mistake(
                        "rng.shuffle (and np.random.shuffle) shuffle the caller's array in "
                        "place; index with a permutation instead (X[order]), which makes new "
                        "arrays.",
                        matches=lambda after, before=before: _rows_permuted(before, after),
                        id="train_dev_split.shuffles_in_place",
                    )
                ],
                hint="Leave X and y as they were: index them with a permutation, which makes "
                "new arrays.",
            )


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
MAX_PLUS_ONE_HINT = (
    "Use num_classes for the number of columns, not y.max() + 1 (a batch may miss some classes)."
)


def _one_hot_mistakes(y: np.ndarray, want: np.ndarray) -> list[Mistake]:
    n, c = want.shape
    whole_columns = np.zeros((n, c))
    whole_columns[:, y] = 1
    whole_rows = None
    if np.all(y < n):  # otherwise Y[y] = 1 raises an IndexError
        whole_rows = np.zeros((n, c))
        whole_rows[y] = 1
    shifted = np.zeros((n, c))
    shifted[np.arange(n), y - 1] = 1
    too_few = np.zeros((n, int(y.max()) + 1))
    too_few[np.arange(n), y] = 1
    ten = np.zeros((n, 10))
    if np.all(y < 10):
        ten[np.arange(n), y] = 1
    return [
        Mistake(
            "It is transposed: one row per example, one column per class, shape (N, num_classes).",
            want.T,
            id="one_hot.transposed",
        ),
        Mistake(
            "Y[:, y] = 1 fills whole columns; set one entry per row: row i, column y[i].",
            whole_columns,
            id="one_hot.whole_columns",
        ),
        Mistake(
            "Y[y] = 1 fills whole rows; set one entry per row: row i, column y[i].",
            whole_rows,
            id="one_hot.whole_rows",
        ),
        Mistake(
            "Labels count from 0: the 1 of label k goes in column k, not k - 1.",
            shifted,
            id="one_hot.one_based",
        ),
        Mistake(MAX_PLUS_ONE_HINT, too_few, id="one_hot.max_plus_one"),
        Mistake(
            "Use the num_classes argument for the number of columns, not a fixed 10.",
            ten if c != 10 else None,
            id="one_hot.fixed_ten",
        ),
        Mistake(
            "Every entry is 0: the 1s were never set. Set Y[i, y[i]] = 1 for every row i "
            "(Y[np.arange(N), y] = 1).",
            np.zeros((n, c)),
            id="one_hot.no_ones",
        ),
        Mistake(
            "Every entry is 1: start from zeros (np.zeros), then set one 1 per row.",
            np.ones((n, c)),
            id="one_hot.all_ones",
        ),
    ]


def test_one_hot_values(outcome):
    """Row i is all zeros except a 1 in column y[i]."""
    fn = outcome("one_hot")
    for case in TEN_CLASSES:
        (y,) = fn.call(case).args
        want = np.asarray(fn.expected(case))
        expect_close(
            fn.result(case),
            want,
            f"one_hot(y) on the '{case}' case (y = {y.tolist()})",
            mistakes=_one_hot_mistakes(y, want),
            check_dtype_kind=False,
            hint="Row i is all zeros except a 1 in column y[i].",
        )


def test_one_hot_num_classes(outcome):
    """The number of columns comes from num_classes."""
    fn = outcome("one_hot")
    case = "num_classes_5"
    call = fn.call(case)
    (y,) = call.args
    want = np.asarray(fn.expected(case))
    k = call.kwargs["num_classes"]
    expect_close(
        fn.result(case),
        want,
        f"one_hot(y, num_classes={k}) on the '{case}' case (y = {y.tolist()})",
        mistakes=_one_hot_mistakes(y, want),
        check_dtype_kind=False,
        hint="The result has num_classes columns, whichever labels y holds.",
    )


@requires("test_one_hot_values")
def test_one_hot_float32(outcome):
    """one_hot returns float32."""
    fn = outcome("one_hot")
    for case in fn.cases:
        got = expect_ndarray(fn.result(case), f"one_hot(y) on the '{case}' case")
        kind = {"f": "float64" if got.dtype == np.float64 else "", "i": "integers"}.get(
            got.dtype.kind, ""
        )
        expect(
            got.dtype == np.float32,
            f"one_hot(y) on the '{case}' case has dtype {got.dtype}; expected float32.",
            "Create it with dtype=np.float32 (np.zeros and np.eye make float64 unless told "
            "otherwise): one_hot is subtracted from float32 probabilities in backprop.",
            mistake=f"one_hot.{kind}" if kind else None,
        )


@requires("test_one_hot_values")
def test_one_hot_keeps_input(outcome):
    """one_hot leaves the labels y unchanged."""
    fn = outcome("one_hot")
    for case in fn.cases:
        (y,) = fn.call(case).args
        fn.result(case)
        expect_unchanged_or_named(
            y,
            fn.args_after(case)[0],
            f"y (the '{case}' case)",
            hint="Read the labels; do not write into y.",
        )
