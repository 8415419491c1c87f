"""Scoring a submission against a local answer key, as Kaggle's leaderboard would.

Telling a student, rule by rule, what is wrong with a submission is lesson 07's exercise
(``validate_submission``), so it is not done here. :func:`score_submission` takes a
``validate`` function instead (``course score`` passes the student's own from
``lessons/07_submission.ipynb``) and otherwise only makes sure the file can be scored: it reads as
CSV, has the columns ImageId and Label and one row per test image, ImageId 1..N and a digit in
every Label. When it cannot be scored, the message says what a submission is and what the file
holds, and points to ``validate_submission``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from autograder.data.files import KAGGLE_URL, SUBMISSION_COLUMNS, DataFiles, default_files
from autograder.data.load import count_rows, load_answer_key
from autograder.errors import DataError

FORMAT_CHECK = "the format check"
"""How a report names the plain check, when no ``validate`` function did the checking."""


@dataclass(frozen=True)
class ScoreReport:
    """The result of scoring a submission against a local answer key.

    Attributes:
        accuracy: share of test images predicted right (what Kaggle's leaderboard shows).
        n_correct, n_total: counts behind ``accuracy``.
        per_digit: accuracy among the images of each true digit 0..9 (NaN if a digit is absent).
        kind: the data set kind scored against ("full", "sample" or "custom").
        per_digit_correct, per_digit_total: counts behind ``per_digit``.
        submission: the submission's file name (or "the submission" for a DataFrame).
        checked_by: what checked the submission before scoring (a validate function's name, or
            :data:`FORMAT_CHECK`).
        notes: things the user should know about the check (e.g. a validate function that failed).
    """

    accuracy: float
    n_correct: int
    n_total: int
    per_digit: dict[int, float]
    kind: str
    per_digit_correct: dict[int, int] = field(default_factory=dict)
    per_digit_total: dict[int, int] = field(default_factory=dict)
    submission: str = "the submission"
    checked_by: str = FORMAT_CHECK
    notes: tuple[str, ...] = ()


def read_submission(path_or_df: str | Path | pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The submission as a DataFrame (column names stripped) and the name to call it by."""
    if isinstance(path_or_df, pd.DataFrame):
        df = path_or_df.copy()
        name = "the submission"
    else:
        path = Path(path_or_df)
        name = path.name
        if not path.is_file():
            raise DataError(
                f"{path}: no such file. Write your predictions first, e.g. "
                f"make_submission(predictions).to_csv('{name}', index=False)."
            )
        try:
            df = pd.read_csv(path)
        except pd.errors.EmptyDataError as e:
            raise DataError(
                f"{name} is empty. It needs a header line 'ImageId,Label' and one row per test image."
            ) from e
        except (pd.errors.ParserError, UnicodeDecodeError, ValueError, OSError) as e:
            msg = str(e).strip().splitlines()[-1] if str(e).strip() else type(e).__name__
            raise DataError(
                f"{name} cannot be read as a CSV file ({msg}). Write it with "
                f"DataFrame.to_csv('{name}', index=False): two columns, ImageId and Label."
            ) from e
    df.columns = [str(c).strip() for c in df.columns]
    return df, name


def _whole_numbers(values: pd.Series, low: int, high: int) -> np.ndarray | None:
    """The values as int64 when every one is a whole number in [low, high], else None."""
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(numbers) & (np.floor(numbers) == numbers)
        ok &= (numbers >= low) & (numbers <= high)
    return numbers.astype(np.int64) if bool(ok.all()) else None


def submission_labels(df: pd.DataFrame, n_rows: int, name: str, test_name: str) -> np.ndarray:
    """The predicted labels in ImageId order, or DataError when the file cannot be scored."""
    names = [str(c) for c in df.columns]
    ids = labels = None
    if sorted(names) == sorted(SUBMISSION_COLUMNS) and len(df) == n_rows:
        ids = _whole_numbers(df["ImageId"], 1, n_rows)
        labels = _whole_numbers(df["Label"], 0, 9)
    if (
        ids is not None
        and labels is not None
        and np.array_equal(np.sort(ids), np.arange(1, n_rows + 1))
    ):
        return labels[np.argsort(ids, kind="stable")]
    shown = ", ".join(repr(c) for c in names[:6]) + (", ..." if len(names) > 6 else "")
    raise DataError(
        f"{name} cannot be scored against {test_name}: a submission has exactly the columns "
        f"ImageId and Label, one row per test image ({n_rows:,}), the ImageIds 1 to {n_rows:,} "
        f"and a digit 0-9 in every Label. {name} has {len(df):,} rows and the columns "
        f"{shown or 'none'}. Write it with make_submission and check it with your "
        f"validate_submission (lesson 07), which says what is wrong."
    )


def score_submission(
    path: str | Path | pd.DataFrame,
    files: DataFiles | None = None,
    *,
    validate: Callable[[pd.DataFrame, int], object] | None = None,
    validated_by: str = "validate_submission",
) -> ScoreReport:
    """Score a submission CSV (or DataFrame) against the answer key of ``files`` (default find_data()).

    Args:
        path: the submission file, or a DataFrame.
        files: the data set to score against.
        validate: a function like lesson 07's ``validate_submission(df, n_rows)``, which raises
            ValueError naming what is wrong. It is called first; a ValueError stops the scoring
            with its message. When it raises NotImplementedError (not written yet) or fails in
            any other way, the plain format check alone decides, and the report says so.
        validated_by: how to name ``validate`` in messages.

    When the data set has no answer key (an imported Kaggle download), DataError says so and
    points to Kaggle, after the format is checked.
    """
    f = default_files(files)
    key = load_answer_key(f)
    n_rows = len(key) if key is not None else count_rows(f.test)
    df, name = read_submission(path)
    checked_by, notes = FORMAT_CHECK, []
    if validate is not None:
        try:
            validate(df.copy(), n_rows)
            checked_by = validated_by
        except NotImplementedError:
            notes.append(f"{validated_by} is not written yet, so only {FORMAT_CHECK} ran.")
        except ValueError as exc:
            raise DataError(f"{name} is not a valid submission ({validated_by}): {exc}") from None
        except Exception as exc:  # noqa: BLE001 - a student's function may fail in any way
            notes.append(
                f"{validated_by} raised {type(exc).__name__}: {exc}; only {FORMAT_CHECK} ran. "
                f"`course check` shows what is wrong with it."
            )
    test_name = f"{f.test} (the {f.kind} data)"
    predicted = submission_labels(df, n_rows, name, test_name)
    if key is None:
        raise DataError(
            f"{name} is well-formed ({n_rows:,} rows), but the {f.kind} data in {f.directory} has no "
            f"answer key: Kaggle keeps the test labels. Submit it at {KAGGLE_URL}/submit to get "
            f"your score, or run `course data fetch` (and use that data) to score locally."
        )
    truth = key.sort_values("ImageId", kind="stable")["Label"].to_numpy(dtype=np.int64)
    right = predicted == truth
    per_digit: dict[int, float] = {}
    per_correct: dict[int, int] = {}
    per_total: dict[int, int] = {}
    for d in range(10):
        mask = truth == d
        per_total[d] = int(mask.sum())
        per_correct[d] = int(right[mask].sum())
        per_digit[d] = per_correct[d] / per_total[d] if per_total[d] else float("nan")
    n_correct = int(right.sum())
    return ScoreReport(
        accuracy=n_correct / len(truth),
        n_correct=n_correct,
        n_total=len(truth),
        per_digit=per_digit,
        kind=f.kind,
        per_digit_correct=per_correct,
        per_digit_total=per_total,
        submission=name,
        checked_by=checked_by,
        notes=tuple(notes),
    )


def format_score(report: ScoreReport) -> str:
    """A leaderboard-style summary: the overall score (5 decimals, as Kaggle shows it) and per digit."""
    where = {
        "full": "the full data's hidden answer key",
        "sample": "the embedded sample's answer key (run `course data fetch` to score on all 28,000)",
    }.get(report.kind, f"the answer key of the {report.kind} data")
    lines = [
        f"{report.submission}: scored on {report.n_total:,} test images against {where}",
        f"  checked by {report.checked_by}",
        *(f"  note: {note}" for note in report.notes),
        "",
        (
            f"  Score: {report.accuracy:.5f}   ({report.n_correct:,} of {report.n_total:,} "
            f"correct, {100 * report.accuracy:.2f}%)"
        ),
        "",
        "  digit   accuracy    correct / images",
    ]
    for d in range(10):
        acc = report.per_digit.get(d, float("nan"))
        acc_s = "    -" if np.isnan(acc) else f"{100 * acc:6.1f}%"
        c = report.per_digit_correct.get(d)
        t = report.per_digit_total.get(d)
        counts = f"{c:>9,} / {t:,}" if c is not None and t is not None else ""
        lines.append(f"      {d}   {acc_s}   {counts}")
    present = {d: a for d, a in report.per_digit.items() if not np.isnan(a)}
    if present and min(present.values()) < max(present.values()):
        worst = min(present, key=lambda d: (present[d], d))
        lines += ["", f"  Hardest digit: {worst} ({100 * present[worst]:.1f}% right)."]
    return "\n".join(lines)
