"""A Kaggle Notebook's layout, simulated: the competition's files in input/digit-recognizer/,
outputs to working/. ``COURSE_KAGGLE_ROOT`` stands for ``/kaggle``."""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbclient
import nbformat
import pandas as pd
import pytest

from autograder.data import files as data_files
from autograder.data import kaggle_notebook
from tests.conftest import ROOT, SAMPLE, SOLUTIONS


def _kaggle(tmp_path: Path, *, working: bool = True) -> Path:
    """/kaggle as a Kaggle Notebook sees it: the competition's three plain CSV files (no answer
    key: Kaggle keeps it), and the output folder."""
    root = tmp_path / "kaggle"
    competition = root / "input" / "digit-recognizer"
    competition.mkdir(parents=True)
    for name in ("train.csv", "test.csv"):
        with gzip.open(SAMPLE / f"{name}.gz", "rb") as packed:
            (competition / name).write_bytes(packed.read())
    shutil.copy(SAMPLE / "sample_submission.csv", competition / "sample_submission.csv")
    if working:
        (root / "working").mkdir()
    return root


@pytest.fixture
def kaggle(tmp_path, monkeypatch):
    root = _kaggle(tmp_path)
    monkeypatch.setenv(kaggle_notebook.ROOT_VAR, str(root))
    monkeypatch.delenv("COURSE_DATA", raising=False)
    return root


def _data_root(tmp_path: Path, *, sample: bool = True, kaggle_download: bool = False) -> Path:
    root = tmp_path / "data"
    root.mkdir()
    if sample:
        shutil.copytree(SAMPLE, root / "sample")
    if kaggle_download:
        (root / "kaggle").mkdir()
        for name in ("train.csv.gz", "test.csv.gz"):
            shutil.copy(SAMPLE / name, root / "kaggle" / name)
    return root


def test_the_competitions_files_are_found_before_the_sample(kaggle, tmp_path):
    found = data_files.find_data(_data_root(tmp_path))
    assert found.kind == "kaggle"
    assert found.directory == kaggle / "input" / "digit-recognizer"
    assert found.train.name == "train.csv" and found.answer_key is None


def test_data_status_lists_the_competitions_files_before_the_sample(kaggle, tmp_path):
    from autograder.data import status

    report = status(_data_root(tmp_path))
    line = next(line for line in report.splitlines() if "kaggle input" in line)
    assert str(kaggle / "input" / "digit-recognizer") in line
    assert report.index("kaggle input") < report.index("sample")
    assert "train 5,000 rows, test 1,000 rows, no answer key" in report


def test_a_kaggle_download_in_data_comes_first(kaggle, tmp_path):
    found = data_files.find_data(_data_root(tmp_path, kaggle_download=True))
    assert found.directory == tmp_path / "data" / "kaggle"


def test_outside_kaggle_the_sample_is_used(tmp_path, monkeypatch):
    monkeypatch.setenv(kaggle_notebook.ROOT_VAR, str(tmp_path / "no-kaggle-here"))
    monkeypatch.delenv("COURSE_DATA", raising=False)
    assert data_files.find_data(_data_root(tmp_path)).kind == "sample"
    assert kaggle_notebook.output_folder() == Path("out")


def test_outputs_go_to_kaggles_working_folder(kaggle):
    assert kaggle_notebook.output_folder() == kaggle / "working"
    assert kaggle_notebook.output_folder("out/train") == kaggle / "working"


def test_course_train_writes_its_submission_to_the_working_folder(tmp_path):
    root = _kaggle(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "COURSE_DATA"}
    env[kaggle_notebook.ROOT_VAR] = str(root)
    competition = root / "input" / "digit-recognizer"
    done = subprocess.run(
        [sys.executable, "-m", "autograder.cli", "train", "--epochs", "1", "--no-progress"]
        + ["--data", str(competition)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    submission = pd.read_csv(root / "working" / "submission.csv")
    assert list(submission.columns) == ["ImageId", "Label"] and len(submission) == 1000
    assert "no answer key" in done.stdout
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_lesson_07_finds_the_competitions_data_and_writes_to_the_working_folder(tmp_path):
    root = _kaggle(tmp_path)
    course = tmp_path / "course"  # a course folder without data/: only Kaggle's data is there
    course.mkdir()
    shutil.copy(ROOT / "course.yml", course / "course.yml")
    notebooks = tmp_path / "notebooks"
    shutil.copytree(SOLUTIONS, notebooks)
    nb = nbformat.read(notebooks / "07_submission.ipynb", as_version=4)
    env = {k: v for k, v in os.environ.items() if k != "COURSE_DATA"}
    env.update({kaggle_notebook.ROOT_VAR: str(root), "COURSE_ROOT": str(course)})
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(notebooks)}}
    )
    client.execute(env=env)
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "Data: kaggle, 5,000 labelled images, 1,000 test images" in printed
    assert f"wrote {root / 'working' / 'submission.csv'}" in printed
    assert "no answer key" in printed
    submission = pd.read_csv(root / "working" / "submission.csv")
    assert len(submission) == 1000 and not (notebooks / "out").exists()
