"""How long `nbgrader autograde` takes against `course grade` on the same notebooks.

    python benchmarks/nbgrader_speed.py [--repeats 3]

Three students (the solutions, the solutions with two classic mistakes, the untouched notebooks
of nbgrader's release) hand in lessons 01-07. Each repeat times, each in fresh processes as a user runs them:

- `course grade` on one folder per student (hidden checks);
- `nbgrader autograde ps1` then `ps2` (lessons 01-04 and 05-07) with the course's hidden checks
  (`HiddenChecks` in place of nbgrader's Execute step, `autograder.grading.platforms.nbgrader_hidden`);
- stock `nbgrader autograde` of one assignment holding lessons 01-07: each notebook executed
  in a kernel, the public checks run there (no solutions on the machine).

The machine is shared and noisy: the settings alternate within a run, so compare the ratios.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ["01_data", "02_activations", "03_forward", "04_backprop"]
LESSONS += ["05_gradient_descent", "06_evaluation", "07_submission"]
SPLIT = {"ps1": LESSONS[:4], "ps2": LESSONS[4:]}
STUDENTS = ("alice", "bob", "carol")
MISTAKES = {
    "softmax": (
        "def softmax(Z):\n    e = np.exp(Z - Z.max(axis=0, keepdims=True))\n"
        "    return e / e.sum(axis=0, keepdims=True)"
    ),
    "accuracy": "def accuracy(y_pred, y_true):\n    return int(np.sum(y_pred == y_true))",
}
CONFIG = """
c = get_config()
c.CourseDirectory.course_id = "digits"
c.CourseDirectory.db_assignments = [dict(name=a) for a in {assignments!r}]
c.CourseDirectory.db_students = [dict(id=s) for s in {students!r}]
c.ExecutePreprocessor.timeout = 600
"""
HIDDEN = """
from autograder.grading.platforms.nbgrader_hidden import autograde_preprocessors

c.Autograde.autograde_preprocessors = autograde_preprocessors()
c.HiddenChecks.seed = {seed}
"""


def notebook(lesson: str, student: str, released: Path) -> nbformat.NotebookNode:
    source = (released if student == "bob" else ROOT / "solutions") / f"{lesson}.ipynb"
    nb = nbformat.read(source, as_version=4)
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if student == "carol" and grade_id in MISTAKES:
            cell.source = MISTAKES[grade_id]
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def nbgrader_course(
    folder: Path, assignments: dict[str, list[str]], extra: str, released: Path
) -> Path:
    folder.mkdir(parents=True)
    config = CONFIG.format(assignments=list(assignments), students=list(STUDENTS)) + extra
    (folder / "nbgrader_config.py").write_text(config)
    for assignment, lessons in assignments.items():
        (folder / "source" / assignment).mkdir(parents=True)
        for lesson in lessons:
            shutil.copy(ROOT / "solutions" / f"{lesson}.ipynb", folder / "source" / assignment)
            for student in STUDENTS:
                target = folder / "submitted" / student / assignment
                target.mkdir(parents=True, exist_ok=True)
                nbformat.write(notebook(lesson, student, released), target / f"{lesson}.ipynb")
    return folder


def run(command: list[str], cwd: Path, env: dict) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return seconds


def nbgrader_totals(course: Path) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {
            student: sum(
                gradebook.find_submission(a.name, student).score for a in gradebook.assignments
            )
            for student in STUDENTS
        }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=4242)
    args = parser.parse_args()
    env = dict(os.environ, COURSE_DATA=str(ROOT / "data" / "sample"), PYTHONPATH=str(ROOT))
    times: dict[str, list[float]] = {
        "course grade": [],
        "nbgrader hidden": [],
        "nbgrader stock": [],
    }
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        (base / "no-solutions").mkdir()
        stock_env = dict(env, COURSE_SOLUTIONS=str(base / "no-solutions"))
        release = nbgrader_course(base / "release", {"all": LESSONS}, "", ROOT / "solutions")
        run([sys.executable, "-m", "nbgrader", "generate_assignment", "all"], release, env)
        released = release / "release" / "all"  # what students start from
        together = base / "submissions"
        for student in STUDENTS:
            (together / student).mkdir(parents=True)
            for lesson in LESSONS:
                nb = notebook(lesson, student, released)
                nbformat.write(nb, together / student / f"{lesson}.ipynb")
        for repeat in range(args.repeats):
            out = base / f"grade{repeat}" / "grades.csv"
            seconds = run(
                [sys.executable, "-m", "autograder.cli", "grade", str(together), "--out", str(out)]
                + ["--seed", str(args.seed), "--quiet"],
                ROOT,
                env,
            )
            times["course grade"].append(seconds)
            with out.open(newline="") as handle:
                totals = {row["student"]: float(row["total"]) for row in csv.DictReader(handle)}
            hidden = nbgrader_course(
                base / f"hidden{repeat}", SPLIT, HIDDEN.format(seed=args.seed), released
            )
            for assignment in SPLIT:
                run(
                    [sys.executable, "-m", "nbgrader", "generate_assignment", assignment],
                    hidden,
                    env,
                )
            seconds = sum(
                run([sys.executable, "-m", "nbgrader", "autograde", assignment], hidden, env)
                for assignment in SPLIT
            )
            times["nbgrader hidden"].append(seconds)
            stock = nbgrader_course(base / f"stock{repeat}", {"all": LESSONS}, "", released)
            run([sys.executable, "-m", "nbgrader", "generate_assignment", "all"], stock, stock_env)
            seconds = run([sys.executable, "-m", "nbgrader", "autograde", "all"], stock, stock_env)
            times["nbgrader stock"].append(seconds)
            print(
                f"repeat {repeat + 1}: "
                + ", ".join(f"{name} {values[-1]:.1f} s" for name, values in times.items())
                + f"; totals course grade {totals}, nbgrader hidden {nbgrader_totals(hidden)}, "
                f"nbgrader stock {nbgrader_totals(stock)}",
                flush=True,
            )
    medians = {name: statistics.median(values) for name, values in times.items()}
    print()
    for name, value in medians.items():
        print(f"median, {name}: {value:.1f} s")
    base_time = medians["course grade"]
    print(f"ratio nbgrader hidden / course grade: {medians['nbgrader hidden'] / base_time:.2f}")
    print(f"ratio nbgrader stock / course grade: {medians['nbgrader stock'] / base_time:.2f}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
