"""How long grading takes: one complete submission, and a whole class.

    python benchmarks/grading_speed.py [--repeats 5] [--class-size 100]
    python benchmarks/grading_speed.py --against DIR [--class-size 30] [--class-repeats 3]

1. One complete submission: `course check solutions --seed S --json FILE`, end to end in a fresh
   process as a user runs it (all eight notebooks, 23 graded functions, hidden checks on fresh
   inputs, each function in its own confined worker). Median of ``--repeats`` runs.
2. A class: ``--class-size`` student folders, each a full copy of the eight solution notebooks
   (the slowest kind of student: every function written, every worker runs to the end), graded
   by `course grade DIR --seed S --quiet`. One run.

With ``--against DIR`` (another checkout of the course, e.g. ``git archive main | tar -x -C DIR``),
each measurement runs in both trees, one after the other, ``--class-repeats`` times for the class,
and the medians and the ratio (this tree / the other) are printed side by side: the same machine
and the same minutes for both, so a change's cost shows through the noise.

The machine is shared and noisy: the load average before and after each part is printed with the
figures, so a reader can tell a quiet run from a busy one.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env(root: Path = ROOT) -> dict:
    """The environment of a command run in ``root`` (its own package first on the path)."""
    return dict(
        os.environ,
        COURSE_DATA=str(root / "data" / "sample"),
        PYTHONPATH=str(root),
        PYTHONDONTWRITEBYTECODE="1",
    )


def _load() -> str:
    return f"{os.getloadavg()[0]:.2f}"


def one_submission(seed: int, root: Path = ROOT) -> tuple[float, dict]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        command = [sys.executable, "-m", "autograder.cli", "check", "solutions"]
        command += ["--seed", str(seed), "--json", str(out)]
        started = time.perf_counter()
        done = subprocess.run(
            command, cwd=root, env=_env(root), capture_output=True, text=True, check=False
        )
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(done.stdout + done.stderr)
        return seconds, json.loads(out.read_text())


#: The CPU time (user + system) of the last class graded, all its processes together.
LAST_CPU = [0.0]


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def whole_class(size: int, seed: int, root: Path = ROOT) -> tuple[float, list[list[str]]]:
    with tempfile.TemporaryDirectory() as tmp:
        submissions = Path(tmp) / "submissions"
        for number in range(size):
            shutil.copytree(root / "solutions", submissions / f"student{number:03d}")
        out = Path(tmp) / "grades.csv"
        command = [sys.executable, "-m", "autograder.cli", "grade", str(submissions)]
        command += ["--out", str(out), "--seed", str(seed), "--quiet"]
        started = time.perf_counter()
        cpu_before = _children_cpu()
        done = subprocess.run(
            command, cwd=root, env=_env(root), capture_output=True, text=True, check=False
        )
        seconds = time.perf_counter() - started
        LAST_CPU[0] = _children_cpu() - cpu_before
        if done.returncode != 0:
            raise SystemExit(done.stdout + done.stderr)
        rows = [line.split(",") for line in out.read_text().splitlines()]
        return seconds, rows


def side_by_side(other: Path, size: int, repeats: int) -> None:
    """A class graded by this tree and by ``other`` in turn, ``repeats`` times each."""
    print(f"a class of {size} complete submissions, this tree ({ROOT}) and {other}, in turn:")
    times: dict[Path, list[float]] = {ROOT: [], other: []}
    cpu: dict[Path, list[float]] = {ROOT: [], other: []}
    load_before = _load()
    for repeat in range(repeats):
        order = (ROOT, other) if repeat % 2 == 0 else (other, ROOT)
        for root in order:
            seconds, rows = whole_class(size, seed=7 + repeat, root=root)
            totals = sorted({row[rows[0].index("total")] for row in rows[1:]})
            times[root].append(seconds)
            cpu[root].append(LAST_CPU[0])
            print(
                f"  run {repeat + 1}, {root}: {seconds:.1f} s, CPU {LAST_CPU[0]:.1f} s "
                f"(totals {totals}); load {_load()}"
            )
    mine, theirs = statistics.median(times[ROOT]), statistics.median(times[other])
    ratios = [a / b for a, b in zip(times[ROOT], times[other], strict=True)]
    print(
        f"median: this tree {mine:.1f} s ({mine / size:.2f} s per student), the other "
        f"{theirs:.1f} s ({theirs / size:.2f} s per student); ratio of medians {mine / theirs:.3f}; "
        f"ratio per run {', '.join(f'{r:.3f}' for r in ratios)}; load {load_before} -> {_load()}"
    )
    mine, theirs = statistics.median(cpu[ROOT]), statistics.median(cpu[other])
    print(
        f"CPU time (all processes), median: this tree {mine:.1f} s, the other {theirs:.1f} s; "
        f"ratio {mine / theirs:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--class-size", type=int, default=100)
    parser.add_argument("--against", type=Path, help="another checkout to compare with")
    parser.add_argument("--class-repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}")
    if args.against is not None:
        side_by_side(args.against.resolve(), args.class_size, args.class_repeats)
        return

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
