"""A grading process of a class run: ``python -m autograder.grading.classes.worker REQUEST``,
one student per line on stdin, one result per line on the pipe ``REQUEST`` names.

``REQUEST`` is a JSON object (``WorkerRequest``): the run's seed, the parallelism of its
workers, the time limit per function, the reply pipe's descriptor and whether weak isolation
was accepted. It is started by :mod:`autograder.grading.classes.pool`, never by a person, so it
has no command line of its own beyond that object.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass

from autograder.config import load_course
from autograder.errors import EXIT_ERROR, UserError
from autograder.grading.engine.cases import CaseBook
from autograder.grading.engine.results import failed_result
from autograder.grading.engine.run import grade_submission, stop_helpers
from autograder.grading.engine.submissions import StudentWork, Submission
from autograder.sandbox.doctor import require_isolation

MODULE = "autograder.grading.classes.worker"


@dataclass(frozen=True)
class WorkerRequest:
    """What a grading process is told when it starts."""

    seed: int
    reply_fd: int
    jobs: int
    timeout_seconds: float | None
    allow_weak_isolation: bool = False

    def command(self) -> list[str]:
        """The command line that starts a grading process for this request."""
        return [sys.executable, "-m", MODULE, json.dumps(asdict(self))]

    @classmethod
    def from_argument(cls, argument: str) -> WorkerRequest:
        return cls(**json.loads(argument))


def grade_batch(request: WorkerRequest) -> int:
    """The loop of a grading process: one student per line on stdin, one result per reply line.

    The process runs the workers, so it applies the rule for untrusted work to its own sandbox
    (``require_isolation``): refused, it ends with the reason before reading a student, and each
    student it was given is marked "needs review" with that reason."""
    seed = request.seed
    isolation = require_isolation(allow=request.allow_weak_isolation)
    course = load_course()
    casebook = CaseBook(course, seed=seed)
    with os.fdopen(request.reply_fd, "wb") as replies:
        for raw in sys.stdin.buffer:
            work = StudentWork.from_request(json.loads(raw.decode("ascii")))
            name = work.name
            try:
                submission = Submission.from_work(work, course)
                result = grade_submission(
                    submission,
                    course=course,
                    casebook=casebook,
                    jobs=request.jobs,
                    timeout_seconds=request.timeout_seconds,
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


def main(argv: list[str]) -> int:
    """Run one grading process; a refusal or an internal error ends it with its reason on
    stderr (the class run shows it in each of its students' "needs review" reason)."""
    try:
        return grade_batch(WorkerRequest.from_argument(argv[0]))
    except UserError as exc:
        print(f"course: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # noqa: BLE001 - the class run reads the reason, never a traceback
        print(
            f"course: an internal error stopped this command: {type(exc).__name__}: {exc}",
            file=sys.stderr,
        )
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
