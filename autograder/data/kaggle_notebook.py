"""Running in a Kaggle Notebook: where Kaggle puts the competition's data and takes outputs from.

A Kaggle Notebook with the "Digit Recognizer" competition attached sees its files read-only in
``/kaggle/input/digit-recognizer/`` (``train.csv``, ``test.csv``, ``sample_submission.csv``), and
submits what the notebook writes to ``/kaggle/working/`` (``submission.csv``). The data finder
(:func:`autograder.data.files.find_data`) looks in the first; ``course train`` and the lessons
write their submission to the second when it exists (:func:`output_folder`), and to their usual
folder everywhere else.

``COURSE_KAGGLE_ROOT`` names another folder to stand for ``/kaggle`` (a copy of that layout,
for trying a notebook as Kaggle would run it).
"""

from __future__ import annotations

from pathlib import Path

from autograder import environment

ROOT_VAR = environment.COURSE_KAGGLE_ROOT
"""Environment variable naming a folder that stands for ``/kaggle``."""

KAGGLE_ROOT = Path("/kaggle")
COMPETITION = "digit-recognizer"


def kaggle_root() -> Path:
    named = environment.current().kaggle_root
    return Path(named).expanduser() if named else KAGGLE_ROOT


def competition_input() -> Path:
    """Where a Kaggle Notebook finds the competition's files."""
    return kaggle_root() / "input" / COMPETITION


def working_folder() -> Path | None:
    """Kaggle's output folder, ``/kaggle/working``, when running in a Kaggle Notebook; else None."""
    working = kaggle_root() / "working"
    return working if working.is_dir() else None


def output_folder(default: Path | str = "out") -> Path:
    """Where a submission goes: ``/kaggle/working`` in a Kaggle Notebook (Kaggle submits from
    there), ``default`` anywhere else."""
    working = working_folder()
    return working if working is not None else Path(default)
