"""How long grading takes: one complete submission, and a whole class.

    python benchmarks/grading_speed.py [--repeats 5] [--class-size 100]

1. One complete submission: `course check solutions --seed S --json FILE`, end to end in a fresh
   process as a user runs it (all eight notebooks, 23 graded functions, hidden checks on fresh
   inputs, each function in its own confined worker). Median of ``--repeats`` runs.
2. A class: ``--class-size`` student folders, each a full copy of the eight solution notebooks
   (the slowest kind of student: every function written, every worker runs to the end), graded
   by `course grade DIR --seed S --quiet`. One run.

The machine is shared and noisy: the load average before and after each part is printed with the
figures, so a reader can tell a quiet run from a busy one.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env() -> dict:
    return dict(os.environ, COURSE_DATA=str(ROOT / "data" / "sample"))


def _load() -> str:
    return f"{os.getloadavg()[0]:.2f}"


def one_submission(seed: int) -> tuple[float, dict]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        command = [sys.executable, "-m", "autograder.cli", "check", "solutions"]
        command += ["--seed", str(seed), "--json", str(out)]
        started = time.perf_counter()
        done = subprocess.run(
            command, cwd=ROOT, env=_env(), capture_output=True, text=True, check=False
        )
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(done.stdout + done.stderr)
        return seconds, json.loads(out.read_text())


def whole_class(size: int, seed: int) -> tuple[float, list[list[str]]]:
    with tempfile.TemporaryDirectory() as tmp:
        submissions = Path(tmp) / "submissions"
        for number in range(size):
            shutil.copytree(ROOT / "solutions", submissions / f"student{number:03d}")
        out = Path(tmp) / "grades.csv"
        command = [sys.executable, "-m", "autograder.cli", "grade", str(submissions)]
        command += ["--out", str(out), "--seed", str(seed), "--quiet"]
        started = time.perf_counter()
        done = subprocess.run(
            command, cwd=ROOT, env=_env(), capture_output=True, text=True, check=False
        )
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(done.stdout + done.stderr)
        rows = [line.split(",") for line in out.read_text().splitlines()]
        return seconds, rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--class-size", type=int, default=100)
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}")

    load_before = _load()
    times = []
    for repeat in range(args.repeats):
        seconds, result = one_submission(seed=100 + repeat)
        points = sum(
            c["points"] for f in result["functions"] for c in f["checks"] if not f["bonus"]
        )
        times.append(seconds)
        print(f"one submission, run {repeat + 1}: {seconds:.2f} s ({points:g} points)")
    print(
        f"one submission: median {statistics.median(times):.2f} s of {len(times)} runs "
        f"(min {min(times):.2f}, max {max(times):.2f}); load {load_before} -> {_load()}"
    )

    load_before = _load()
    seconds, rows = whole_class(args.class_size, seed=7)
    totals = {row[rows[0].index("total")] for row in rows[1:]}
    print(
        f"a class of {args.class_size} complete submissions: {seconds:.1f} s "
        f"({seconds / args.class_size:.2f} s per student; totals {sorted(totals)}); "
        f"load {load_before} -> {_load()}"
    )


if __name__ == "__main__":
    main()
