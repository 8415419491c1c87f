"""``course data status``: which data sets are present, their sizes, and which one is used."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from autograder import environment
from autograder.data.files import (
    ENV_VAR,
    DataFiles,
    data_dir,
    data_files_in,
    find_data,
    full_complete,
    has_train_test,
)
from autograder.data.kaggle_notebook import competition_input
from autograder.data.load import count_rows
from autograder.errors import DataError


def _size(paths: Iterable[Path | None]) -> int:
    return sum(p.stat().st_size for p in paths if p is not None and p.is_file())


def _fmt_bytes(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n / 1e3:.0f} kB"


def describe(files: DataFiles) -> str:
    n_train, n_test = count_rows(files.train), count_rows(files.test)
    size = _size([files.train, files.test, files.sample_submission, files.answer_key])
    key = "with answer key" if files.answer_key is not None else "no answer key"
    return f"train {n_train:,} rows, test {n_test:,} rows, {key}, {_fmt_bytes(size)}"


def status(root: Path | None = None) -> str:
    """A short report: which data sets are present, their sizes, and which one is used."""
    root = Path(data_dir() if root is None else root)
    lines = ["Data sets, in the order they are looked for (the first one present is used):"]

    env = environment.current().data
    if env:
        try:
            desc = describe(data_files_in(Path(env), what=f"{ENV_VAR}={env}"))
        except DataError as e:
            desc = f"PROBLEM: {e}"
        lines.append(f"  {ENV_VAR:<12} {env}\n               {desc}")
    else:
        lines.append(f"  {ENV_VAR:<12} not set")

    full = root / "full"
    if full_complete(full):
        lines.append(
            f"  {'full':<12} {full}\n               {describe(data_files_in(full, 'full'))}"
        )
    elif full.exists():
        lines.append(f"  {'full':<12} {full}: incomplete; run `course data fetch --force`")
    else:
        lines.append(
            f"  {'full':<12} not fetched; `course data fetch` builds it (a 15 MB download, 128 MB on disk)"
        )

    kaggle = root / "kaggle"
    if has_train_test(kaggle):
        lines.append(
            f"  {'kaggle':<12} {kaggle}\n               {describe(data_files_in(kaggle, 'kaggle'))}"
        )
    else:
        lines.append(
            f"  {'kaggle':<12} not imported; `course data import digit-recognizer.zip` adds your Kaggle download"
        )

    attached = competition_input()
    if has_train_test(attached):
        lines.append(
            f"  {'kaggle input':<12} {attached}\n"
            f"               {describe(data_files_in(attached, 'kaggle'))}"
        )
    else:
        lines.append(
            f"  {'kaggle input':<12} not here; in a Kaggle Notebook with the competition "
            f"attached, {attached}"
        )

    sample = root / "sample"
    if has_train_test(sample):
        lines.append(
            f"  {'sample':<12} {sample}\n               {describe(data_files_in(sample, 'sample'))}"
        )
    else:
        lines.append(f"  {'sample':<12} MISSING ({sample}); restore it from git")

    try:
        used = find_data(root)
        lines.append(f"In use: {used.kind} ({used.directory})")
        if used.kind == "sample":
            lines.append(
                "  The embedded 5,000-image sample. Run `course data fetch` for all 70,000 images."
            )
        elif used.kind == "kaggle":
            lines.append("  No answer key: `course score` cannot score locally; submit on Kaggle.")
    except DataError as e:
        lines.append(f"In use: nothing. {e}")
    return "\n".join(lines)
