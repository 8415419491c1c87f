"""Grading a class: one folder per student, a gradebook and a feedback file per student.

The class is graded by a few long-lived grading processes (``course _grade-batch``), each with
one sandbox and one set of hidden cases for the run (drawn once from the run's seed, with the
reference's results computed once), taking students one at a time. Nothing a submission does
reaches them (student code runs only in confined workers), and if the grader itself fails on a
student (even by crashing its process), that student gets a row of zeros marked "needs review",
the process is replaced, and the rest of the class is graded as usual.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from autograder.config import Course, load_course
from autograder.grading.archive import ArchiveError, load_results, load_seed, save_results
from autograder.grading.cases import fresh_seed
from autograder.grading.feedback import render_html, render_markdown
from autograder.grading.report import ClassReport, write_class_report
from autograder.grading.results import NEEDS_REVIEW, CheckRecord, FunctionReport, GradingResult
from autograder.grading.submissions import find_students

#: The longest one student may take before the grader gives up on them (needs review).
STUDENT_TIMEOUT_SECONDS = 900


def failed_result(student: str, course: Course, why: str, seed: int | None = None) -> GradingResult:
    """A zero for every function, with the reason, when the grader itself failed on a student."""
    functions = []
    for exercise in course.exercises:
        lesson = course.lesson(exercise.lesson)
        report = FunctionReport(
            function=exercise.function,
            lesson=exercise.lesson,
            max_points=exercise.points,
            lesson_title=lesson.title,
            notebook=lesson.notebook,
            bonus=lesson.bonus,
        )
        report.checks.append(
            CheckRecord(
                exercise.function,
                "grading",
                NEEDS_REVIEW,
                f"grader error, needs review: grading failed ({why})",
                0.0,
                exercise.points,
                title="grading",
            )
        )
        functions.append(report)
    return GradingResult(
        submission=student,
        functions=functions,
        seed=seed,
        mode="failed",
        problems=[f"grading failed: {why}"],
    )


class GradingProcess:
    """A ``course _grade-batch`` process: students in on stdin, results out on a pipe."""

    def __init__(self, seed: int, timeout_seconds: float | None, jobs: int):
        read_fd, write_fd = os.pipe()
        command = [
            sys.executable,
            "-m",
            "autograder.cli",
            "_grade-batch",
            "--seed",
            str(seed),
            "--jobs",
            str(jobs),
            "--reply-fd",
            str(write_fd),
        ]
        if timeout_seconds is not None:
            command += ["--timeout", str(timeout_seconds)]
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            pass_fds=[write_fd],
            start_new_session=True,
        )
        os.close(write_fd)
        self.replies = os.fdopen(read_fd, "rb")
        self._stderr: list[bytes] = []
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    def _drain_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self._stderr = (self._stderr + [line])[-20:]

    def grade(self, folder: Path, name: str) -> GradingResult:
        """Grade one student; raises RuntimeError if the process failed or took too long."""
        assert self.process.stdin is not None
        request = json.dumps({"folder": os.fsdecode(folder), "name": name}) + "\n"
        try:
            self.process.stdin.write(request.encode("utf-8", "surrogateescape"))
            self.process.stdin.flush()
        except OSError as exc:
            raise RuntimeError(f"the grading process is gone ({self._tail() or exc})") from None
        line: list[bytes] = []
        reader = threading.Thread(target=lambda: line.append(self.replies.readline()), daemon=True)
        reader.start()
        reader.join(STUDENT_TIMEOUT_SECONDS)
        if reader.is_alive():
            self.kill()
            raise RuntimeError(f"grading took longer than {STUDENT_TIMEOUT_SECONDS} s")
        if not line or not line[0]:
            self.kill()
            raise RuntimeError(f"the grading process ended ({self._tail() or 'no message'})")
        return GradingResult.from_json(line[0].decode("utf-8"))

    def _tail(self) -> str:
        text = b"".join(self._stderr).decode("utf-8", "replace").strip().splitlines()
        return text[-1][:300] if text else ""

    def close(self) -> None:
        try:
            if self.process.stdin is not None:
                self.process.stdin.close()
            self.process.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self.kill()
        self.replies.close()

    def kill(self) -> None:
        try:
            os.killpg(self.process.pid, 9)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()


def grade_batch(seed: int, reply_fd: int, *, jobs: int, timeout_seconds: float | None) -> int:
    """The loop of a grading process: one student per line on stdin, one result per reply line."""
    from autograder.grading.cases import CaseBook
    from autograder.grading.run import grade_submission
    from autograder.grading.submissions import Submission

    course = load_course()
    casebook = CaseBook(course, seed=seed)
    with os.fdopen(reply_fd, "wb") as replies:
        for raw in sys.stdin.buffer:
            request = json.loads(raw.decode("utf-8", "surrogateescape"))
            folder = Path(os.fsencode(request["folder"]).decode("utf-8", "surrogateescape"))
            name = request["name"]
            try:
                submission = Submission.from_path(folder, course, name=name)
                result = grade_submission(
                    submission,
                    course=course,
                    casebook=casebook,
                    jobs=jobs,
                    timeout_seconds=timeout_seconds,
                )
            except Exception as exc:  # noqa: BLE001 - this student only, never a pass
                result = failed_result(name, course, f"{type(exc).__name__}: {exc}", seed)
            replies.write(result.to_json().replace("\n", " ").encode("utf-8") + b"\n")
            replies.flush()
    return 0


@dataclass
class ClassRun:
    results: list[GradingResult]
    failures: list[str] = field(default_factory=list)  # students the grader failed on
    seed: int = 0
    graded: list[str] = field(default_factory=list)  # students graded in this run
    report: ClassReport | None = None


def grade_class(
    submissions: Path,
    out_csv: Path,
    *,
    feedback_dir: Path | None = None,
    seed: int | None = None,
    parallel: int | None = None,
    timeout_seconds: float | None = None,
    progress: Callable[[str], None] | None = None,
    only: str | None = None,
) -> ClassRun:
    """Grade every student folder (or ``only`` one, keeping the others' results); write the
    gradebook, a feedback file per student graded, the kept results and the class report."""
    course = load_course()
    students = find_students(submissions)
    kept: dict[str, GradingResult] = {}
    to_grade = students
    if only is not None:
        to_grade = [folder for folder in students if folder.name == only]
        if not to_grade:
            raise ArchiveError(f"{only} is not a student folder in {submissions}.")
        class_seed = load_seed(out_csv)
        seed = seed if seed is not None else class_seed
        kept = load_results(out_csv, [folder.name for folder in students if folder.name != only])
    seed = seed if seed is not None else fresh_seed()
    if only is None:
        class_seed = seed
    cores = os.cpu_count() or 1
    parallel = max(1, min(parallel or cores, len(to_grade) or 1))
    jobs = max(2, cores // parallel + 1)
    idle: list[GradingProcess] = []
    lock = threading.Lock()

    def grade_one(folder: Path) -> tuple[GradingResult, bool]:
        with lock:
            worker = idle.pop() if idle else None
        if worker is None:
            worker = GradingProcess(seed, timeout_seconds, jobs)
        try:
            result = worker.grade(folder, folder.name)
        except RuntimeError as exc:
            return failed_result(folder.name, course, str(exc), seed), False
        with lock:
            idle.append(worker)
        return result, result.mode != "failed"

    results: dict[str, GradingResult] = {}
    failures: list[str] = []
    try:
        with ThreadPoolExecutor(max_workers=parallel) as pool:
            futures = {pool.submit(grade_one, folder): folder for folder in to_grade}
            for future in as_completed(futures):
                folder = futures[future]
                result, ok = future.result()
                result.submission = folder.name
                results[folder.name] = result
                if not ok:
                    failures.append(folder.name)
                if progress:
                    progress(folder.name)
    finally:
        for worker in idle:
            worker.close()
    ordered = [results[s.name] if s.name in results else kept[s.name] for s in students]
    write_gradebook(ordered, out_csv, course)
    feedback_dir = feedback_dir or out_csv.parent / "feedback"
    feedback_dir.mkdir(parents=True, exist_ok=True)
    for folder in to_grade:
        result = results[folder.name]
        (feedback_dir / f"{result.submission}.md").write_text(
            render_markdown(result), encoding="utf-8"
        )
        (feedback_dir / f"{result.submission}.html").write_text(
            render_html(result), encoding="utf-8"
        )
    save_results(
        [results[folder.name] for folder in to_grade],
        out_csv,
        class_seed=class_seed if only is None else None,
    )
    report = write_class_report(ordered, course, out_csv.parent, class_seed)
    return ClassRun(
        results=ordered,
        failures=sorted(failures),
        seed=seed,
        graded=[folder.name for folder in to_grade],
        report=report,
    )


def write_gradebook(results: list[GradingResult], out_csv: Path, course: Course) -> None:
    functions = [e.function for e in course.exercises]
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    with out_csv.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", *functions, "total", "needs_review"])
        for result in results:
            points = {f.function: f.points for f in result.functions}
            row = [result.submission] + [f"{points.get(f, 0.0):g}" for f in functions]
            row.append(f"{sum(points.get(f, 0.0) for f in functions):g}")
            row.append(" ".join(result.needs_review))
            writer.writerow(row)
