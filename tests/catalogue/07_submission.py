"""Lesson 07: typical mistakes and correct variants of make_submission and validate_submission."""

from tests.catalogue import Mistake, Variant

MISTAKES = [
    # -- make_submission ------------------------------------------------------------------------
    Mistake(
        "make_submission",
        "image_id_from_0",
        """
def make_submission(predictions):
    return pd.DataFrame({"ImageId": np.arange(len(predictions)), "Label": predictions})
""",
        hint="from 1, not 0",
        mistake="make_submission.image_id_from_0",
    ),
    Mistake(
        "make_submission",
        "lower_case_columns",
        """
def make_submission(predictions):
    return pd.DataFrame({"imageid": np.arange(1, len(predictions) + 1), "label": predictions})
""",
        hint="capitals matter",
        mistake="make_submission.column_case",
    ),
    Mistake(
        "make_submission",
        "columns_swapped",
        """
def make_submission(predictions):
    return pd.DataFrame({"Label": predictions, "ImageId": np.arange(1, len(predictions) + 1)})
""",
        hint="'imageid' first",
        mistake="make_submission.columns_swapped",
    ),
    Mistake(
        "make_submission",
        "float_labels",
        """
def make_submission(predictions):
    return pd.DataFrame({"ImageId": np.arange(1, len(predictions) + 1),
                         "Label": np.asarray(predictions, dtype=float)})
""",
        hint=".astype(int)",
        mistake="make_submission.float_labels",
    ),
    Mistake(
        "make_submission",
        "image_id_as_index",
        """
def make_submission(predictions):
    df = pd.DataFrame({"ImageId": np.arange(1, len(predictions) + 1), "Label": predictions})
    return df.set_index("ImageId")
""",
        hint="not the index",
        mistake="make_submission.image_id_as_index",
    ),
    Mistake(
        "make_submission",
        "image_id_named_imageid_capital_d",
        """
def make_submission(predictions):
    return pd.DataFrame({"ImageID": np.arange(1, len(predictions) + 1), "Label": predictions})
""",
        hint="capitals matter",
        mistake="make_submission.column_case",
    ),
    Mistake(
        "make_submission",
        "extra_index_column",
        """
def make_submission(predictions):
    df = pd.DataFrame({"ImageId": np.arange(1, len(predictions) + 1), "Label": predictions})
    return df.reset_index()
""",
        hint="no others",
        mistake="make_submission.index_column",
    ),
    Mistake(
        "make_submission",
        "labels_sorted",
        """
def make_submission(predictions):
    return pd.DataFrame({"ImageId": np.arange(1, len(predictions) + 1), "Label": np.sort(predictions)})
""",
        hint="in the order given",
        mistake="make_submission.labels_sorted",
    ),
    Mistake(
        "make_submission",
        "assumes_an_array",
        """
def make_submission(predictions):
    return pd.DataFrame({"ImageId": np.arange(1, len(predictions) + 1), "Label": predictions.astype(int)})
""",
        hint="a python list too",
        mistake="make_submission.assumes_an_array",
    ),
    # -- validate_submission --------------------------------------------------------------------
    Mistake(
        "validate_submission",
        "uses_assert",
        """
def validate_submission(df, n_rows=28000):
    assert list(df.columns) == ["ImageId", "Label"], f"columns should be ImageId, Label; got {list(df.columns)}"
    assert len(df) == n_rows, f"expected {n_rows} rows, got {len(df)}"
    assert df["ImageId"].dtype.kind in "iu" and (df["ImageId"].to_numpy() == np.arange(1, n_rows + 1)).all(), "ImageId must be 1..n_rows"
    labels = df["Label"].to_numpy()
    assert labels.dtype.kind in "iu" and labels.min() >= 0 and labels.max() <= 9, "Label must be 0-9"
""",
        hint="rather than using assert",
        mistake="validate_submission.assert_instead_of_raise",
    ),
    Mistake(
        "validate_submission",
        "hard_coded_28000",
        """
def validate_submission(df, n_rows=28000):
    if list(df.columns) != ["ImageId", "Label"]:
        raise ValueError(f"columns should be ['ImageId', 'Label'], got {list(df.columns)}")
    if len(df) != 28000:
        raise ValueError(f"expected 28000 rows, got {len(df)}")
    if not np.array_equal(df["ImageId"].to_numpy(), np.arange(1, 28001)):
        raise ValueError("ImageId must be 1..28000 in order")
    labels = df["Label"].to_numpy()
    if labels.dtype.kind not in "iu" or labels.min() < 0 or labels.max() > 9:
        raise ValueError("Label must hold integers 0-9")
""",
        hint="not a fixed 28000",
        mistake="validate_submission.hard_coded_n_rows",
    ),
    Mistake(
        "validate_submission",
        "vague_message",
        """
def validate_submission(df, n_rows=28000):
    ok = (list(df.columns) == ["ImageId", "Label"] and len(df) == n_rows
          and (df["ImageId"].dtype.kind in "iu" and np.array_equal(df["ImageId"], np.arange(1, n_rows + 1)))
          and df["Label"].dtype.kind in "iu" and df["Label"].between(0, 9).all())
    if not ok:
        raise ValueError("invalid submission")
""",
        hint="say what is wrong",
        mistake="",
    ),
    Mistake(
        "validate_submission",
        "no_label_range_check",
        """
def validate_submission(df, n_rows=28000):
    for column in ["ImageId", "Label"]:
        if column not in df.columns:
            raise ValueError(f"missing column {column}")
    if len(df.columns) != 2:
        raise ValueError(f"unexpected columns: {list(df.columns)}")
    if len(df) != n_rows:
        raise ValueError(f"expected {n_rows} rows, got {len(df)}")
    if not (df["ImageId"].dtype.kind in "iu" and np.array_equal(df["ImageId"], np.arange(1, n_rows + 1))):
        raise ValueError("ImageId must be 1..n_rows")
""",
        hint="should raise valueerror",
        mistake="validate_submission.labels_not_checked",
    ),
    Mistake(
        "validate_submission",
        "key_error_on_missing_column",
        """
def validate_submission(df, n_rows=28000):
    if len(df) != n_rows:
        raise ValueError(f"expected {n_rows} rows, got {len(df)}")
    if not (df["ImageId"].dtype.kind in "iu" and np.array_equal(df["ImageId"], np.arange(1, n_rows + 1))):
        raise ValueError("ImageId must be 1..n_rows")
    labels = df["Label"].to_numpy()
    if labels.dtype.kind not in "iu" or labels.min() < 0 or labels.max() > 9:
        raise ValueError("Label must hold integers 0-9")
    if len(df.columns) != 2:
        raise ValueError(f"unexpected columns {list(df.columns)}")
""",
        hint="expected a valueerror",
        mistake="",
    ),
    Mistake(
        "validate_submission",
        "ignores_extra_columns",
        """
def validate_submission(df, n_rows=28000):
    for column in ["ImageId", "Label"]:
        if column not in df.columns:
            raise ValueError(f"missing column {column}")
    if len(df) != n_rows:
        raise ValueError(f"expected {n_rows} rows, got {len(df)}")
    if not (df["ImageId"].dtype.kind in "iu" and np.array_equal(df["ImageId"], np.arange(1, n_rows + 1))):
        raise ValueError("ImageId must be 1..n_rows")
    labels = df["Label"].to_numpy()
    if labels.dtype.kind not in "iu" or labels.min() < 0 or labels.max() > 9:
        raise ValueError("Label must hold integers 0-9")
""",
        hint="should raise valueerror",
        mistake="validate_submission.accepts_extra_columns",
    ),
    Mistake(
        "validate_submission",
        "image_ids_as_a_set",
        """
def validate_submission(df, n_rows=28000):
    if sorted(df.columns) != ["ImageId", "Label"]:
        raise ValueError(f"columns should be ImageId and Label, got {list(df.columns)}")
    if len(df) != n_rows:
        raise ValueError(f"expected {n_rows} rows, got {len(df)}")
    if df["ImageId"].dtype.kind not in "iu" or set(df["ImageId"]) != set(range(1, n_rows + 1)):
        raise ValueError("ImageId must be 1..n_rows")
    labels = df["Label"].to_numpy()
    if labels.dtype.kind not in "iu" or labels.min() < 0 or labels.max() > 9:
        raise ValueError("Label must hold integers 0-9")
""",
        hint="should raise valueerror",
        mistake="validate_submission.image_ids_as_a_set",
    ),
    Mistake(
        "validate_submission",
        "returns_false_instead_of_raising",
        """
def validate_submission(df, n_rows=28000):
    if list(df.columns) != ["ImageId", "Label"] or len(df) != n_rows:
        return False
    if not (df["ImageId"].dtype.kind in "iu" and np.array_equal(df["ImageId"], np.arange(1, n_rows + 1))):
        return False
    labels = df["Label"].to_numpy()
    if labels.dtype.kind not in "iu" or labels.min() < 0 or labels.max() > 9:
        return False
    return True
""",
        hint="should raise valueerror",
        mistake="validate_submission.returns_instead_of_raising",
    ),
    Mistake(
        "validate_submission",
        "row_message_without_numbers",
        """
def validate_submission(df, n_rows=28000):
    if list(df.columns) != ["ImageId", "Label"]:
        raise ValueError(f"columns should be ['ImageId', 'Label'], got {list(df.columns)}")
    if len(df) != n_rows:
        raise ValueError("the submission has the wrong number of rows")
    if not (df["ImageId"].dtype.kind in "iu" and np.array_equal(df["ImageId"], np.arange(1, n_rows + 1))):
        raise ValueError("ImageId must be 1..n_rows in order")
    labels = df["Label"].to_numpy()
    if labels.dtype.kind not in "iu" or labels.min() < 0 or labels.max() > 9:
        raise ValueError("Label must hold integers 0-9")
""",
        hint="both numbers of rows",
        mistake="",
    ),
    Mistake(
        "validate_submission",
        "accepts_whole_float_labels",
        """
def validate_submission(df, n_rows=28000):
    if list(df.columns) != ["ImageId", "Label"]:
        raise ValueError(f"columns should be ['ImageId', 'Label'], got {list(df.columns)}")
    if len(df) != n_rows:
        raise ValueError(f"expected {n_rows} rows, got {len(df)}")
    if not pd.api.types.is_integer_dtype(df["ImageId"]) or not np.array_equal(df["ImageId"], np.arange(1, n_rows + 1)):
        raise ValueError("ImageId must be the integers 1..n_rows in order")
    labels = df["Label"]
    if labels.isna().any() or (labels % 1 != 0).any() or not labels.between(0, 9).all():
        raise ValueError("Label must hold whole numbers from 0 to 9")
""",
        hint="check the label column's dtype",
        mistake="validate_submission.label_dtype_not_checked",
    ),
    Mistake(
        "validate_submission",
        "accepts_float_image_ids",
        """
def validate_submission(df, n_rows=28000):
    if list(df.columns) != ["ImageId", "Label"]:
        raise ValueError(f"columns should be ['ImageId', 'Label'], got {list(df.columns)}")
    if len(df) != n_rows:
        raise ValueError(f"expected {n_rows} rows, got {len(df)}")
    if not np.array_equal(df["ImageId"].to_numpy(), np.arange(1, n_rows + 1)):
        raise ValueError("ImageId must be 1..n_rows in order")
    labels = df["Label"]
    if not pd.api.types.is_integer_dtype(labels) or not labels.between(0, 9).all():
        raise ValueError("Label must hold integers 0-9")
""",
        hint="imageid must be a column of integers",
        mistake="validate_submission.image_id_dtype_not_checked",
    ),
]

# Found by mutation testing (benchmarks/mutants.py): one changed line of the reference each.
MISTAKES += [
    Mistake(
        "validate_submission",
        "label_upper_bound_off_by_one",
        """
def validate_submission(df, n_rows=28000):
    if list(df.columns) != ["ImageId", "Label"]:
        raise ValueError(f"columns should be ['ImageId', 'Label'], got {list(df.columns)}")
    if len(df) != n_rows:
        raise ValueError(f"expected {n_rows} rows, got {len(df)}")
    if not (df["ImageId"].dtype.kind in "iu" and np.array_equal(df["ImageId"], np.arange(1, n_rows + 1))):
        raise ValueError("ImageId must be 1..n_rows in order")
    labels = df["Label"]
    if labels.dtype.kind not in "iu" or ((labels < 0) | (labels > 10)).any():
        raise ValueError("Label must hold integers 0-9")
""",
        hint="9 is the largest digit",
        mistake="validate_submission.accepts_label_10",
    ),
    Mistake(
        "validate_submission",
        "no_image_id_check",
        """
def validate_submission(df, n_rows=28000):
    if list(df.columns) != ["ImageId", "Label"]:
        raise ValueError(f"columns should be ['ImageId', 'Label'], got {list(df.columns)}")
    if len(df) != n_rows:
        raise ValueError(f"expected {n_rows} rows, got {len(df)}")
    labels = df["Label"]
    if labels.dtype.kind not in "iu" or ((labels < 0) | (labels > 9)).any():
        raise ValueError("Label must hold integers 0-9")
""",
        hint="check the imageid column",
        mistake="validate_submission.image_ids_not_checked",
    ),
    Mistake(
        "validate_submission",
        "rows_left_to_the_image_id_check",
        """
def validate_submission(df, n_rows=28000):
    if list(df.columns) != ["ImageId", "Label"]:
        raise ValueError(f"columns should be ['ImageId', 'Label'], got {list(df.columns)}")
    if not (df["ImageId"].dtype.kind in "iu" and np.array_equal(df["ImageId"], np.arange(1, n_rows + 1))):
        raise ValueError("ImageId must be 1..n_rows in order")
    labels = df["Label"]
    if labels.dtype.kind not in "iu" or ((labels < 0) | (labels > 9)).any():
        raise ValueError("Label must hold integers 0-9")
""",
        hint="compare len(df) with n_rows first",
        mistake="validate_submission.rows_not_checked",
    ),
]

VARIANTS = [
    # -- make_submission ------------------------------------------------------------------------
    Variant(
        "make_submission",
        "from_columns_list",
        """
def make_submission(predictions):
    n = len(predictions)
    df = pd.DataFrame()
    df["ImageId"] = range(1, n + 1)
    df["Label"] = [int(p) for p in predictions]
    return df
""",
    ),
    Variant(
        "make_submission",
        "insert_column",
        """
def make_submission(predictions):
    df = pd.DataFrame({"Label": np.asarray(predictions).astype(int)})
    df.insert(0, "ImageId", df.index + 1)
    return df
""",
    ),
    Variant(
        "make_submission",
        "int32_columns",
        """
def make_submission(predictions):
    ids = np.arange(1, np.size(predictions) + 1, dtype=np.int32)
    return pd.DataFrame({"ImageId": ids, "Label": np.asarray(predictions, dtype=np.int32)},
                        columns=["ImageId", "Label"])
""",
    ),
    # -- validate_submission --------------------------------------------------------------------
    Variant(
        "validate_submission",
        "checks_in_a_loop",
        """
EXPECTED_COLUMNS = ["ImageId", "Label"]

def validate_submission(df, n_rows=28000):
    for column in EXPECTED_COLUMNS:
        if column not in df.columns:
            raise ValueError(f"the column {column} is missing")
    for column in df.columns:
        if column not in EXPECTED_COLUMNS:
            raise ValueError(f"unexpected column {column}")
    if df.shape[0] != n_rows:
        raise ValueError(f"{df.shape[0]} rows; expected {n_rows}")
    if df["ImageId"].dtype.kind not in "iu" or list(df["ImageId"]) != list(range(1, n_rows + 1)):
        raise ValueError("ImageId should be the integers 1, 2, ..., n_rows")
    if df["Label"].dtype.kind not in "iu":
        raise ValueError(f"Label has dtype {df['Label'].dtype}; it should hold integers")
    for value in df["Label"]:
        if not 0 <= value <= 9:
            raise ValueError(f"Label {value} is not a digit 0-9")
""",
    ),
    Variant(
        "validate_submission",
        "pandas_api",
        """
def validate_submission(df, n_rows=28000):
    missing = {"ImageId", "Label"} - set(df.columns)
    if missing:
        raise ValueError(f"missing column(s): {sorted(missing)}")
    extra = set(df.columns) - {"ImageId", "Label"}
    if extra:
        raise ValueError(f"extra column(s): {sorted(extra)}")
    if len(df) != n_rows:
        raise ValueError(f"wrong number of rows: got {len(df):,}, expected {n_rows:,}")
    image_ids = df["ImageId"]
    if not pd.api.types.is_integer_dtype(image_ids) or not (image_ids.to_numpy() == np.arange(1, n_rows + 1)).all():
        raise ValueError("ImageId must be exactly the integers 1..n_rows in order")
    labels = df["Label"]
    if not pd.api.types.is_integer_dtype(labels) or not labels.between(0, 9).all():
        raise ValueError("Label must contain integers from 0 to 9")
    return None
""",
    ),
    # Found by mutation testing: the reference with one line changed, still correct.
    Variant(
        "make_submission",
        "labels_as_given",
        """
def make_submission(predictions):
    predictions = np.asarray(predictions)
    return pd.DataFrame({"ImageId": np.arange(1, len(predictions) + 1), "Label": predictions})
""",
    ),
    Variant(
        "validate_submission",
        "column_count_catches_extras",
        """
def validate_submission(df, n_rows=28000):
    for name in ["ImageId", "Label"]:
        if name not in df.columns:
            raise ValueError(f"the column {name!r} is missing")
    if len(df.columns) != 2:
        raise ValueError(f"a submission has exactly two columns; this one has {list(df.columns)}")
    if len(df) != n_rows:
        raise ValueError(f"the submission has {len(df)} rows; expected {n_rows}")
    ids = df["ImageId"]
    if not pd.api.types.is_integer_dtype(ids) or not np.array_equal(ids, np.arange(1, n_rows + 1)):
        raise ValueError("ImageId must be the integers 1, 2, ..., n_rows in order")
    labels = df["Label"]
    if not pd.api.types.is_integer_dtype(labels) or ((labels < 0) | (labels > 9)).any():
        raise ValueError("Label must hold integers from 0 to 9")
""",
    ),
]
