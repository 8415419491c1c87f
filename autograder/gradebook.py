"""Grading a class: one folder per student, several students at once, a gradebook and feedback.

Each student is graded in a process of its own (``course _grade-one``), so nothing one
submission does, nor any failure of the grader on it, can stop the rest of the class.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict
from pathlib import Path

from autograder.checking import CheckRecord, FunctionReport
from autograder.config import Course, load_course
from autograder.feedback import render_html, render_markdown
from autograder.grading import GradingResult

STUDENT_TIMEOUT_SECONDS = 900


def result_to_json(result: GradingResult) -> str:
    return json.dumps(asdict(result), indent=1)


def result_from_json(text: str) -> GradingResult:
    raw = json.loads(text)
    functions = []
    for f in raw["functions"]:
        checks = [CheckRecord(**c) for c in f.pop("checks")]
        functions.append(FunctionReport(**f, checks=checks))
    raw["functions"] = functions
    return GradingResult(**raw)


def failed_result(student: str, course: Course, why: str) -> GradingResult:
    """A zero for every function, with the reason, when the grader itself failed on a student."""
    functions = []
    for exercise in course.exercises:
        report = FunctionReport(
            function=exercise.function, lesson=exercise.lesson, max_points=exercise.points
        )
        report.checks.append(
            CheckRecord(
                exercise.function,
                "grading",
                "error",
                f"grading failed: {why}",
                0.0,
                exercise.points,
            )
        )
        functions.append(report)
    return GradingResult(
        submission=student,
        functions=functions,
        seed=None,
        mode="failed",
        problems=[f"grading failed: {why}"],
    )


def find_students(submissions: Path) -> list[Path]:
    """Every sub-folder is a student; notebooks directly inside make one more, named after the folder."""
    students = sorted(p for p in submissions.iterdir() if p.is_dir() and not p.name.startswith("."))
    return students


def grade_student_in_subprocess(
    folder: Path, *, seed: int | None, jobs: int, timeout_seconds: float | None = None
) -> tuple[GradingResult, bool]:
    """Grade one student in a separate process. Returns the result and whether grading worked."""
    course = load_course()
    with tempfile.TemporaryDirectory(prefix="course-grade-") as tmp:
        out = Path(tmp) / "result.json"
        command = [
            sys.executable,
            "-m",
            "autograder.cli",
            "_grade-one",
            str(folder),
            "--json",
            str(out),
            "--jobs",
            str(jobs),
        ]
        if seed is not None:
            command += ["--seed", str(seed)]
        if timeout_seconds is not None:
            command += ["--timeout", str(timeout_seconds)]
        try:
            completed = subprocess.run(
                command,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=STUDENT_TIMEOUT_SECONDS,
                start_new_session=True,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return failed_result(
                folder.name, course, f"it took longer than {STUDENT_TIMEOUT_SECONDS} s"
            ), False
        if completed.returncode != 0 or not out.is_file():
            tail = completed.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [
                "no output"
            ]
            return failed_result(folder.name, course, tail[0][:300]), False
        return result_from_json(out.read_text(encoding="utf-8")), True


def grade_class(
    submissions: Path,
    out_csv: Path,
    *,
    feedback_dir: Path | None = None,
    seed: int | None = None,
    parallel: int | None = None,
    timeout_seconds: float | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[list[GradingResult], list[str]]:
    """Grade every student folder; write the gradebook and a feedback file per student.

    Returns the results and the students on whom the grader itself failed.
    """
    course = load_course()
    students = find_students(submissions)
    cores = os.cpu_count() or 1
    parallel = parallel or max(1, min(cores, len(students)))
    jobs = max(1, cores // parallel)
    results: dict[str, GradingResult] = {}
    failures: list[str] = []
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        futures = {
            pool.submit(
                grade_student_in_subprocess,
                s,
                seed=seed,
                jobs=jobs,
                timeout_seconds=timeout_seconds,
            ): s
            for s in students
        }
        for future in as_completed(futures):
            student = futures[future]
            result, ok = future.result()
            result.submission = student.name
            results[student.name] = result
            if not ok:
                failures.append(student.name)
            if progress:
                progress(student.name)
    ordered = [results[s.name] for s in students]
    write_gradebook(ordered, out_csv, course)
    feedback_dir = feedback_dir or out_csv.parent / "feedback"
    feedback_dir.mkdir(parents=True, exist_ok=True)
    for result in ordered:
        (feedback_dir / f"{result.submission}.md").write_text(
            render_markdown(result), encoding="utf-8"
        )
        (feedback_dir / f"{result.submission}.html").write_text(
            render_html(result), encoding="utf-8"
        )
    return ordered, sorted(failures)


def write_gradebook(results: list[GradingResult], out_csv: Path, course: Course) -> None:
    functions = [e.function for e in course.exercises]
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    with out_csv.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", *functions, "total"])
        for result in results:
            points = {f.function: f.points for f in result.functions}
            row = [result.submission] + [f"{points.get(f, 0.0):g}" for f in functions]
            row.append(f"{sum(points.get(f, 0.0) for f in functions):g}")
            writer.writerow(row)
