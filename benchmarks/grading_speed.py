"""How long grading one complete submission (all eight notebooks) takes.

    python benchmarks/grading_speed.py [--repeats 5]

Runs `course check solutions/` end to end (a fresh process each time, as a user runs it) with
one and with two workers at a time, alternating, and prints the medians and their ratio, plus
the per-function worker times of the last run. The machine is shared and noisy: the two
settings are measured side by side in one run, so compare their ratio, not absolute seconds
across days.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_once(jobs: int, seed: int) -> tuple[float, dict]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        env = dict(
            os.environ, COURSE_DATA=str(ROOT / "data" / "sample"), COURSE_GRADING_JOBS=str(jobs)
        )
        started = time.perf_counter()
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "autograder.cli",
                "check",
                "solutions",
                "--seed",
                str(seed),
                "--json",
                str(out),
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(done.stdout + done.stderr)
        return seconds, json.loads(out.read_text())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    times: dict[int, list[float]] = {1: [], 2: []}
    last = None
    for repeat in range(args.repeats):
        for jobs in (1, 2):
            seconds, last = run_once(jobs, seed=100 + repeat)
            times[jobs].append(seconds)
            points = sum(c["points"] for f in last["functions"] for c in f["checks"])
            print(
                f"repeat {repeat + 1}, {jobs} worker(s) at a time: {seconds:.2f} s ({points:g} points)",
                flush=True,
            )
    one, two = statistics.median(times[1]), statistics.median(times[2])
    print()
    print(f"median, 1 worker at a time: {one:.2f} s")
    print(f"median, 2 workers at a time: {two:.2f} s")
    print(f"ratio 1/2: {one / two:.2f}")
    print(f"grading itself (last run, in-process): {last['seconds']:.2f} s")


if __name__ == "__main__":
    main()
