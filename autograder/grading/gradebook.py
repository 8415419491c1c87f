"""Grading a class: one folder per student, and the gradebook.

The class is graded by a few long-lived grading processes (``course _grade-batch``), each with
one sandbox and one set of hidden cases for the run (drawn once from the run's seed, with the
reference's results computed once), taking students one at a time. Nothing a submission does
reaches them (student code runs only in confined workers), and if the grader itself fails on a
student (even by crashing its process), that student gets a row of zeros marked "needs review",
the process is replaced, and the rest of the class is graded as usual.

What a run writes from the results (the gradebook, feedback, report, LMS file, audit log) is
:mod:`autograder.grading.outputs`; ``write_gradebook`` here is the gradebook itself.
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
from datetime import UTC, datetime
from pathlib import Path

from autograder import interrupts
from autograder.config import Course, load_course
from autograder.grading.results import NEEDS_REVIEW, CheckRecord, FunctionReport, GradingResult
from autograder.grading.safe_text import csv_cell, printable, unique_file_names
from autograder.grading.submissions import StudentWork
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
        self.finish_input()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
        self.replies.close()

    def finish_input(self) -> None:
        """No more students: the process stops its workers and helpers, then ends."""
        try:
            if self.process.stdin is not None:
                self.process.stdin.close()
        except OSError:
            pass

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
                result.files = {
                    **{lesson: "" for lesson in submission.errors},
                    **submission.files,
                }
                result.stray = dict(submission.stray)
            except Exception as exc:  # noqa: BLE001 - this student only, never a pass
                result = failed_result(name, course, f"{type(exc).__name__}: {exc}", seed)
            result.isolation = isolation.note
            replies.write(result.to_json().replace("\n", " ").encode("utf-8") + b"\n")
            replies.flush()
    stop_helpers()
    return 0


def stop_helpers() -> None:
    """Stop this process's zygote and reference server, and wait for them: every worker and
    helper they ran has ended when this returns."""
    from autograder.grading.reference_calls import ReferenceServer
    from autograder.sandbox.runner import Sandbox

    both = [threading.Thread(target=kind.stop_shared) for kind in (Sandbox, ReferenceServer)]
    for thread in both:
        thread.start()
    for thread in both:
        thread.join()


def grade_students(
    students: list[StudentWork],
    to_grade: list[int],
    *,
    course: Course,
    seed: int,
    parallel: int | None = None,
    timeout_seconds: float | None = None,
    progress: Callable[[str], None] | None = None,
    allow_weak_isolation: bool = False,
) -> tuple[dict[int, GradingResult], list[str]]:
    """Grade the students at ``to_grade`` (indices into ``students``) with one seed; return
    their results by index, and the students the grader itself failed on. Each result carries
    what the grader's side knows of the student: their name, submission time and LMS identity.
    ``allow_weak_isolation``: grade without Landlock or seccomp (the instructor accepted the
    risk; see ``sandbox.doctor``), recorded in each result."""
    cores = os.cpu_count() or 1
    parallel = max(1, min(parallel or cores, len(to_grade) or 1))
    jobs = max(2, cores // parallel + 1)
    idle: list[GradingProcess] = []
    started: list[GradingProcess] = []
    lock = threading.Lock()

    def grade_one(work: StudentWork) -> tuple[GradingResult, bool]:
        with lock:
            worker = idle.pop() if idle else None
        if worker is None:
            worker = GradingProcess(seed, timeout_seconds, jobs, allow_weak_isolation)
            with lock:
                started.append(worker)
        try:
            result = worker.grade(work)
        except RuntimeError as exc:
            result = failed_result(work.name, course, str(exc), seed)
            result.files = {lesson: "" for lesson in sorted(work.lessons_found(course))}
            return result, False
        with lock:
            idle.append(worker)
        return result, result.mode != "failed"

    results: dict[int, GradingResult] = {}
    failures: list[str] = []
    pool = ThreadPoolExecutor(max_workers=parallel)
    futures: dict = {}
    try:
        futures = {pool.submit(grade_one, students[i]): i for i in to_grade}
        for future in as_completed(futures):
            index = futures[future]
            result, ok = future.result()
            work = students[index]
            result.submission = work.name
            result.submitted = work.submitted
            result.lms = dict(work.lms)
            result.graded_at = datetime.now(UTC).isoformat(timespec="seconds")
            results[index] = result
            if not ok:
                failures.append(work.name)
            if progress:
                progress(work.name)
            interrupts.point("grading")
    except BaseException:
        # Ctrl-C, or anything else: no grading process goes on (nor its workers).
        for future in futures:
            future.cancel()
        with lock:
            everyone = list(started)
        for worker in everyone:
            worker.kill()
        raise
    finally:
        pool.shutdown(wait=True)
        for worker in idle:  # all of them stop at once, then each is waited for
            worker.finish_input()
        for worker in idle:
            worker.close()
    return results, sorted(failures)


#: The gradebook's columns after the student and the functions.
SUMMARY_COLUMNS = [
    "required",
    "bonus",
    "penalty",
    "total",
    "max_points",
    "percent",
    "submitted_at",
    "time_source",
    "late_days",
    "overridden",
    "needs_review",
    "status",
    "seed",
    "feedback_file",
]


def status_of(result: GradingResult) -> str:
    """A gradebook row's status: graded, empty (a folder without any lesson notebook) or no
    submission (a roster student who handed in nothing)."""
    if result.mode == "absent":
        return "no submission"
    return "empty" if result.empty else "graded"


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
    ``.html``; "" for a roster student without a submission). ``total`` is ``required + bonus -
    penalty``, the number every other output shows; ``percent`` is ``total / max_points``, so
    bonus points can take it past 100. Text cells are made safe for spreadsheets.
    """
    functions = [e.function for e in course.exercises]
    file_names = file_names or unique_file_names([r.submission for r in results])
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    with (
        interrupts.replacing(out_csv) as partial,
        partial.open("w", newline="", encoding="utf-8") as handle,
    ):
        writer = csv.writer(handle)
        writer.writerow(["student", *functions, *SUMMARY_COLUMNS])
        for result, file_name in zip(results, file_names, strict=True):
            points = {f.function: f.points for f in result.functions}
            run_seed = seed if seed is not None and result.mode != "absent" else result.seed
            submitted = result.submitted
            late = result.late
            row = [csv_cell(printable(result.submission))]
            row += [f"{points.get(f, 0.0):g}" for f in functions]
            row += [
                f"{result.points:g}",
                f"{result.bonus_points:g}",
                f"{result.penalty:g}",
                f"{result.total:g}",
                f"{course.max_points:g}",
                f"{result.total / course.max_points * 100:.1f}" if course.max_points else "",
                submitted.at if submitted is not None else "",
                csv_cell(submitted.source) if submitted is not None else "",
                "" if late is None or late.late_days is None else str(late.late_days),
                " ".join(result.overridden),
                " ".join(result.needs_review),
                status_of(result),
                "" if run_seed is None else str(run_seed),
                csv_cell(file_name),
            ]
            writer.writerow(row)
