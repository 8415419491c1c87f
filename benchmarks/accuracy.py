"""Accuracy benchmark of `course train`: every recipe on the full data, scored on the hidden key.

    python benchmarks/accuracy.py                  # all recipes on data/full (fetched if absent)
    python benchmarks/accuracy.py --recipe wide    # one recipe
    python benchmarks/accuracy.py --data DIR       # a folder with the full Kaggle-format files

Each recipe runs the real command, `course train --recipe R --data DIR --out OUT/R`, one after the
other (never two at once: they would share the two cores and slow each other down). The figures come
from the metrics.json each run writes. The table, the commands, the date and the machine's state
go into benchmarks/RESULTS.md under the heading "## Accuracy (course train)"; other sections of that
file are left as they are.

Exit code 0 when every recipe met its target, 1 when one missed it, 2 when a run failed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
HEADING = "## Accuracy (course train)"
RECIPES = ("seed", "full-batch", "minibatch", "wide", "deep")


@dataclass(frozen=True)
class Target:
    text: str
    measure: str  # "dev" or "test"
    low: float
    high: float = 1.0
    max_train_seconds: float | None = None

    def met(self, metrics: dict) -> bool:
        value = metrics["accuracy"].get(self.measure)
        if value is None or not (self.low <= value <= self.high):
            return False
        if self.max_train_seconds is not None:
            return metrics["seconds"]["train"] < self.max_train_seconds
        return True


# The accuracy each recipe is expected to reach: the original notebook's own figures for `seed`,
# and the goals the README states for the others.
TARGETS: dict[str, Target | None] = {
    "seed": Target("82-86% dev (reproduces the original notebook)", "dev", 0.82, 0.86),
    "full-batch": None,  # no target: one earlier single-seed run gave 88.9% dev, 87.0% test
    "minibatch": Target(">= 93% on the hidden 28,000", "test", 0.93),
    "wide": Target(
        ">= 98.0% on the hidden 28,000 in < 3 min of training", "test", 0.98, 1.0, 180.0
    ),
    "deep": Target(">= 98.0% on the hidden 28,000", "test", 0.98),
}


def course_command() -> list[str]:
    """`course`, run as `python -m autograder.cli` from the repository root, so that the
    checkout being benchmarked is the one that runs (whatever `course` on PATH points at)."""
    return [sys.executable, "-m", "autograder.cli"]


def shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def ensure_data(data: Path, fetch: bool) -> None:
    if (data / "train.csv").is_file() and (data / "answer_key.csv").is_file():
        return
    if not fetch:
        sys.exit(
            f"benchmarks: {data} has no full data (train.csv and answer_key.csv). Run "
            f"`course data fetch --dest {data}` first, or drop --no-fetch."
        )
    print(f"fetching the full data into {data} ...", flush=True)
    done = subprocess.run(
        [*course_command(), "data", "fetch", "--dest", str(data)], cwd=ROOT, check=False
    )
    if done.returncode != 0:
        sys.exit(2)


@dataclass(frozen=True)
class Run:
    recipe: str
    extra: tuple[str, ...] = ()  # more options after --recipe
    note: str = ""  # why this run is here
    gating: bool = True  # does a missed target fail the benchmark?

    @property
    def label(self) -> str:
        return "-".join([self.recipe, *(a.lstrip("-") for a in self.extra)])


# The recipes with their defaults (the figures the course promises), then runs that show
# how much rides on the defaults: lesson 05's plain mini-batch SGD, and other seeds.
RUNS = (
    Run("seed"),
    Run("full-batch"),
    Run("minibatch"),
    Run("wide"),
    Run("deep"),
    Run("seed", ("--seed", "1"), "another seed (split, init)", gating=False),
    Run("seed", ("--seed", "2"), "another seed", gating=False),
    Run("full-batch", ("--seed", "1"), "another seed (split, init)", gating=False),
    Run("full-batch", ("--seed", "2"), "another seed", gating=False),
    Run(
        "minibatch",
        ("--learning-rate", "0.1", "--schedule", "constant", "--epochs", "10"),
        "lesson 05's `minibatch_sgd` defaults",
        gating=False,
    ),
    Run("minibatch", ("--seed", "1"), "another seed (split, init, shuffles)", gating=False),
    Run("minibatch", ("--seed", "2"), "another seed", gating=False),
    Run("wide", ("--seed", "1"), "another seed", gating=False),
    Run("deep", ("--seed", "1"), "another seed", gating=False),
)


def run_one(run: Run, data: Path, out: Path, progress: bool) -> tuple[dict | None, str, float]:
    args = ["train", "--recipe", run.recipe, *run.extra, "--data", shown(data)]
    args += ["--out", shown(out / run.label)]
    command = shlex.join(["course", *args])
    extra = [] if progress else ["--no-progress"]
    load = os.getloadavg()[0]
    print(f"\n$ {command}   (load average {load:.2f})", flush=True)
    done = subprocess.run([*course_command(), *args, *extra], cwd=ROOT, check=False)
    if done.returncode != 0:
        print(f"benchmarks: `{command}` exited {done.returncode}", file=sys.stderr)
        return None, command, load
    metrics = json.loads((out / run.label / "metrics.json").read_text(encoding="utf-8"))
    return metrics, command, load


def pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.2f}%"


def section(rows: list[tuple[Run, dict | None, str, float]], data: Path, started: float) -> str:
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    import numpy as np

    lines = [
        HEADING,
        "",
        (
            f"Measured {today} by `python benchmarks/accuracy.py` "
            f"(commit {commit or 'unknown'}, working tree as it was), on the full data in "
            f"`{shown(data)}` (written by `course data fetch`, every hash checked: train.csv 42,000 "
            f"rows, test.csv 28,000 rows, answer_key.csv), "
            f"{os.cpu_count()} CPU cores, Python {platform.python_version()}, NumPy {np.__version__}. "
            f"Every run: the graded functions from `solutions/`, float32, one BLAS thread, "
            f"seed 0 unless the row says `--seed`, the split 41,000 train / 1,000 dev "
            f"(`train_dev_split(X, y, dev_size=1000, seed=SEED)`); the hidden column "
            f"is `course score`'s accuracy of the run's submission.csv on all 28,000 test images. "
            f"Training seconds are the training loop alone (data loading, plots and scoring "
            f"excluded); the machine is shared, so the load average at the start of each run is "
            f"given."
        ),
        "",
        (
            "| recipe | network and training | train | dev | hidden 28k test | training s | "
            "load | target | met |"
        ),
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for run, metrics, _command, load in rows:
        target = TARGETS[run.recipe]
        name = run.recipe + (f" `{' '.join(run.extra)}`" if run.extra else "")
        goal = target.text if target else "none (an earlier single-seed run: 88.9% dev, 87.0% test)"
        if not run.gating:
            goal = f"({run.note}; {goal})"
        if metrics is None:
            lines.append(f"| {name} | (run failed) | - | - | - | - | {load:.1f} | {goal} | no |")
            continue
        acc = metrics["accuracy"]
        if target is None:
            met = "-"
        else:
            met = "yes" if target.met(metrics) else "NO"
            met = met if run.gating else f"{met.lower()} (not gating)"
        lines.append(
            f"| {name} | {metrics['settings']['summary']} | {pct(acc['train'])} | "
            f"{pct(acc['dev'])} | {pct(acc['test'])} | {metrics['seconds']['train']:.1f} | "
            f"{load:.1f} | {goal} | {met} |"
        )
    lines += ["", "Commands, in the order they ran (from the repository root):", "", "```"]
    lines += [command for _, _, command, _ in rows]
    lines += ["```", ""]
    lines += spread_lines(rows)
    lines += [
        (
            "Notes. Everything is float32 (the original notebook computed in float64). The "
            "`minibatch` recipe is not lesson 05's `minibatch_sgd` defaults (learning rate 0.1 "
            "for 10 epochs): those are the row marked so. The `wide` and `deep` recipes shift "
            "each mini-batch by up to 2 pixels, a data augmentation done in "
            "`autograder/train/recipes.py` around the graded functions (it is not one of them); "
            "`deep` trains with lesson 09's `init_deep` and `sgd_step_deep`. When the data "
            "folder is not `data/full`, it was written by `course data fetch --dest DIR`, which checks the "
            "same hashes, so the files are byte-identical to `data/full`."
        ),
        "",
        (
            "What each run trains on: the 41,000 training rows of its split, never the dev "
            "rows or the test labels; `--seed` changes the split too. The settings were chosen "
            "on a 5,000-row hold-out carved from the training rows, not on the dev set or the "
            "answer key: for `minibatch`, a learning rate of 0.3 decaying along a cosine over "
            "20 epochs (hold-out 93.8-94.2% over 3 seeds, against 91.8-92.7% for lesson 05's "
            "constant 0.1 over 10 epochs); for `wide`, 512 hidden units, Adam with a cosine "
            "decay, batch 256, 30 epochs and every batch shifted by up to 2 pixels (hold-out "
            "98.28%; without the shifts it overfits: 97.72% after 20 epochs, 97.66% with 1,024 "
            "units, 97.76% with weight decay); for `deep`, two hidden layers of 512, mini-batch "
            "SGD with batch 64 and a learning rate of 0.3 decaying along a cosine over 30 "
            "epochs, weight decay 5e-5 and the same shifts (hold-out 98.74%, one seed as every "
            "figure here; 98.70% without "
            "the weight decay; 98.72% and 98.62% at a learning rate of 0.2 with and without it; "
            "without it, 98.32% at 0.1, 98.44% with three hidden layers of 512 at 0.1, 98.54% "
            "with layers of 1,024 and 512 at 0.2, 98.12% with two of 800 at 0.1)."
        ),
        "",
        f"Whole benchmark: {time.perf_counter() - started:.0f} s of wall clock.",
        "",
    ]
    return "\n".join(lines)


def spread_lines(rows: list[tuple[Run, dict | None, str, float]]) -> list[str]:
    """One line per recipe run with several seeds: the range of dev and test accuracy."""
    lines = []
    for recipe in RECIPES:
        runs = [
            (run, m)
            for run, m, _, _ in rows
            if m is not None and run.recipe == recipe and (run.gating or "--seed" in run.extra)
        ]
        if len(runs) < 2:
            continue
        seeds = ", ".join(str(m["seed"]) for _, m in runs)
        dev = [m["accuracy"]["dev"] for _, m in runs]
        test = [m["accuracy"]["test"] for _, m in runs if m["accuracy"]["test"] is not None]
        text = f"- `{recipe}` over seeds {seeds}: dev {pct(min(dev))} to {pct(max(dev))}"
        if test:
            text += f", hidden test {pct(min(test))} to {pct(max(test))}"
        lines.append(text + ".")
    if not lines:
        return []
    head = "How much rides on the seed (it sets the split, the initialisation and the shuffles):"
    return [head, "", *lines, ""]


def write_section(text: str, path: Path = RESULTS) -> None:
    """Replace the "## Accuracy (course train)" section of RESULTS.md (or add it), keep the rest."""
    if path.exists():
        old = path.read_text(encoding="utf-8")
    else:
        old = "# Benchmarks\n\nRecorded results of the project's benchmarks, with the command for each.\n\n"
    start = old.find(HEADING)
    if start == -1:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        end = old.find("\n## ", start + len(HEADING))
        rest = "" if end == -1 else old[end + 1 :]
        new = old[:start] + text + ("\n" + rest if rest else "")
    path.write_text(new.rstrip("\n") + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=ROOT / "data" / "full",
        help="the full data (default data/full; fetched there when absent)",
    )
    parser.add_argument(
        "--no-fetch", action="store_true", help="fail instead of fetching missing data"
    )
    parser.add_argument(
        "--recipe",
        action="append",
        choices=RECIPES,
        help="only the runs of this recipe (repeatable; default: all runs)",
    )
    parser.add_argument(
        "--main-only", action="store_true", help="only the recipes' defaults (no extra runs)"
    )
    parser.add_argument(
        "--out", type=Path, default=ROOT / "out" / "benchmarks", help="where runs write"
    )
    parser.add_argument("--results", type=Path, default=RESULTS, help="the results file to update")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    ensure_data(args.data, fetch=not args.no_fetch)
    runs = [r for r in RUNS if (not args.recipe or r.recipe in args.recipe)]
    runs = [r for r in runs if r.gating or not args.main_only]
    rows = []
    for run in runs:
        metrics, command, load = run_one(run, args.data, args.out, progress=not args.no_progress)
        rows.append((run, metrics, command, load))
    text = section(rows, args.data, started)
    write_section(text, args.results)
    print("\n" + text)
    print(f"updated {shown(args.results)}")
    if any(metrics is None for _, metrics, _, _ in rows):
        return 2
    gating = [(TARGETS[run.recipe], m) for run, m, _, _ in rows if run.gating]
    return 0 if all(t is None or t.met(m) for t, m in gating) else 1


if __name__ == "__main__":
    sys.exit(main())
