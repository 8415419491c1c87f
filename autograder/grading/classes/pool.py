"""The grading processes of a class run: a few long-lived processes
(:mod:`autograder.grading.classes.worker`), each with one sandbox and one set of hidden cases
for the run (drawn once from the run's seed, with the reference's results computed once),
taking students one at a time. Nothing a submission does reaches them (student code runs only
in confined workers), and if the grader itself fails on a student (even by crashing its
process), that student gets a row of zeros marked "needs review", the process is replaced,
and the rest of the class is graded as usual.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import UTC, datetime

from autograder import interrupts
from autograder.config import Course
from autograder.grading.classes import worker
from autograder.grading.engine.results import GradingResult, failed_result
from autograder.grading.engine.submissions import StudentWork

#: The longest one student may take before the grader gives up on them (needs review).
STUDENT_TIMEOUT_SECONDS = 900


class GradingProcess:
    """A grading process (:mod:`autograder.grading.classes.worker`): students in on stdin,
    results out on a pipe."""

    def __init__(
        self, seed: int, timeout_seconds: float | None, jobs: int, allow_weak_isolation: bool
    ):
        read_fd, write_fd = os.pipe()
        request = worker.WorkerRequest(
            seed, write_fd, jobs, timeout_seconds, allow_weak_isolation=allow_weak_isolation
        )
        self.process = subprocess.Popen(
            request.command(),
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
