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
from autograder.grading.safe_text import csv_cell, printable, unique_file_names
from autograder.grading.submissions import Roster, StudentWork, find_students
from autograder.sandbox.doctor import ALLOW_FLAG, require_isolation

#: The longest one student may take before the grader gives up on them (needs review).
STUDENT_TIMEOUT_SECONDS = 900


def failed_result(student: str, course: Course, why: str, seed: int | None = None) -> GradingResult:
    """A zero for every function, with the reason, when the grader itself failed on a student."""
    functions = []
    for exercise in course.exercises:
        report = FunctionReport.empty(exercise, course.lesson(exercise.lesson))
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

    def __init__(
        self, seed: int, timeout_seconds: float | None, jobs: int, allow_weak_isolation: bool
    ):
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
        if allow_weak_isolation:
            command.append(ALLOW_FLAG)
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

    def grade(self, work: StudentWork) -> GradingResult:
        """Grade one student; raises RuntimeError if the process failed or took too long."""
        assert self.process.stdin is not None
        request = json.dumps(work.to_request()) + "\n"  # ASCII: other bytes as \u escapes
        try:
            self.process.stdin.write(request.encode("ascii"))
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


def grade_batch(
    seed: int,
    reply_fd: int,
    *,
    jobs: int,
    timeout_seconds: float | None,
    allow_weak_isolation: bool = False,
) -> int:
    """The loop of a grading process: one student per line on stdin, one result per reply line.

    The process runs the workers, so it applies the rule for untrusted work to its own sandbox
    (``require_isolation``): refused, it ends with the reason before reading a student, and each
    student it was given is marked "needs review" with that reason."""
    from autograder.grading.cases import CaseBook
    from autograder.grading.run import grade_submission
    from autograder.grading.submissions import Submission

    isolation = require_isolation(allow=allow_weak_isolation)
    course = load_course()
    casebook = CaseBook(course, seed=seed)
    with os.fdopen(reply_fd, "wb") as replies:
        for raw in sys.stdin.buffer:
            work = StudentWork.from_request(json.loads(raw.decode("ascii")))
            name = work.name
            try:
                submission = Submission.from_work(work, course)
                result = grade_submission(
                    submission,
                    course=course,
                    casebook=casebook,
                    jobs=jobs,
                    timeout_seconds=timeout_seconds,
                )
            except Exception as exc:  # noqa: BLE001 - this student only, never a pass
                result = failed_result(name, course, f"{type(exc).__name__}: {exc}", seed)
            result.isolation = isolation.note
            replies.write(result.to_json().replace("\n", " ").encode("utf-8") + b"\n")
            replies.flush()
    return 0


@dataclass
class ClassRun:
    results: list[GradingResult]
    failures: list[str] = field(default_factory=list)  # students the grader failed on
    seed: int = 0
    file_names: list[str] = field(default_factory=list)  # each student's feedback file name
    warnings: list[str] = field(default_factory=list)  # files in the class folder not graded
    empty: list[str] = field(default_factory=list)  # students with no lesson notebook at all
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
    roster: Roster | None = None,
    only: str | None = None,
    allow_weak_isolation: bool = False,
) -> ClassRun:
    """Grade every student (or ``only`` one, keeping the others' results); write the gradebook,
    a feedback file per student graded, the kept results and the class report.

    Students are found by ``find_students`` (or given as ``roster``). Each student's feedback
    goes to a file under a safe name (``safe_text.file_name``); the gradebook maps the
    original name to it. ``allow_weak_isolation``: grade without Landlock or seccomp (the
    instructor accepted the risk; see ``sandbox.doctor``), recorded in each result.
    """
    course = load_course()
    roster = roster or find_students(submissions, course)
    students = roster.students
    file_names = unique_file_names([work.name for work in students])
    kept: dict[int, GradingResult] = {}
    to_grade = list(range(len(students)))
    if only is not None:
        to_grade = [i for i, work in enumerate(students) if work.name == only]
        if not to_grade:
            raise ArchiveError(f"{only} is not a student of {submissions}.")
        class_seed = load_seed(out_csv)
        seed = seed if seed is not None else class_seed
        others = [i for i in range(len(students)) if i not in to_grade]
        found = load_results(out_csv, {students[i].name: file_names[i] for i in others})
        kept = {i: found[students[i].name] for i in others}
    seed = seed if seed is not None else fresh_seed()
    if only is None:
        class_seed = seed
    cores = os.cpu_count() or 1
    parallel = max(1, min(parallel or cores, len(to_grade) or 1))
    jobs = max(2, cores // parallel + 1)
    idle: list[GradingProcess] = []
    lock = threading.Lock()

    def grade_one(work: StudentWork) -> tuple[GradingResult, bool]:
        with lock:
            worker = idle.pop() if idle else None
        if worker is None:
            worker = GradingProcess(seed, timeout_seconds, jobs, allow_weak_isolation)
        try:
            result = worker.grade(work)
        except RuntimeError as exc:
            return failed_result(work.name, course, str(exc), seed), False
        with lock:
            idle.append(worker)
        return result, result.mode != "failed"

    results: dict[int, GradingResult] = {}
    failures: list[str] = []
    try:
        with ThreadPoolExecutor(max_workers=parallel) as pool:
            futures = {pool.submit(grade_one, students[i]): i for i in to_grade}
            for future in as_completed(futures):
                index = futures[future]
                result, ok = future.result()
                result.submission = students[index].name
                results[index] = result
                if not ok:
                    failures.append(students[index].name)
                if progress:
                    progress(students[index].name)
    finally:
        for worker in idle:
            worker.close()
    ordered = [results[i] if i in results else kept[i] for i in range(len(students))]
    write_gradebook(
        ordered, out_csv, course, seed=seed if only is None else None, file_names=file_names
    )
    feedback_dir = feedback_dir or out_csv.parent / "feedback"
    feedback_dir.mkdir(parents=True, exist_ok=True)
    for i in to_grade:
        for suffix, render in ((".md", render_markdown), (".html", render_html)):
            (feedback_dir / f"{file_names[i]}{suffix}").write_text(
                render(results[i]), encoding="utf-8", errors="backslashreplace"
            )
    save_results(
        {file_names[i]: results[i] for i in to_grade},
        out_csv,
        class_seed=class_seed if only is None else None,
    )
    report = write_class_report(ordered, course, out_csv.parent, class_seed)
    return ClassRun(
        results=ordered,
        failures=sorted(failures),
        seed=seed,
        file_names=file_names,
        warnings=list(roster.warnings),
        empty=[work.name for work in students if not work.lessons_found(course)],
        graded=[students[i].name for i in to_grade],
        report=report,
    )


#: The gradebook's columns after the student and the functions.
SUMMARY_COLUMNS = ["total", "max_points", "percent", "needs_review", "seed", "feedback_file"]


def write_gradebook(
    results: list[GradingResult],
    out_csv: Path,
    course: Course,
    *,
    seed: int | None = None,
    file_names: list[str] | None = None,
) -> None:
    """grades.csv: a row per student, a column per graded function, then the summary columns.

    ``student`` is the name as found (bytes that are not UTF-8 written as ``\\xNN``), and
    ``feedback_file`` the name of the student's feedback files (``feedback/<name>.md`` and
    ``.html``). Text cells are made safe for spreadsheets (``safe_text.csv_cell``).
    ``percent`` counts bonus points, so it can pass 100.
    """
    functions = [e.function for e in course.exercises]
    file_names = file_names or unique_file_names([r.submission for r in results])
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    with out_csv.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", *functions, *SUMMARY_COLUMNS])
        for result, file_name in zip(results, file_names, strict=True):
            points = {f.function: f.points for f in result.functions}
            total = sum(points.get(f, 0.0) for f in functions)
            run_seed = seed if seed is not None else result.seed
            row = [csv_cell(printable(result.submission))]
            row += [f"{points.get(f, 0.0):g}" for f in functions]
            row += [
                f"{total:g}",
                f"{course.max_points:g}",
                f"{total / course.max_points * 100:.1f}" if course.max_points else "",
                " ".join(result.needs_review),
                "" if run_seed is None else str(run_seed),
                csv_cell(file_name),
            ]
            writer.writerow(row)
