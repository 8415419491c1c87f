"""The process's environment: the one module that reads it.

Every variable the course honours is named here, with what it means; the rest of the package
asks :func:`current` for the values (a typed ``Environment``) or is handed them, and a child
process gets its environment from :func:`for_child`. ``current`` reads the variables each time
it is asked, which costs microseconds: a value set for a test, or by a notebook before it calls
``check()``, is seen, and nothing below keeps a stale copy.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

#: The course's folder, when nothing else finds it (:mod:`autograder.config`).
COURSE_ROOT = "COURSE_ROOT"
#: The reference solutions' folder, instead of solutions/ beside the package.
COURSE_SOLUTIONS = "COURSE_SOLUTIONS"
#: The data folder used before any other (:mod:`autograder.data.files`).
COURSE_DATA = "COURSE_DATA"
#: The Kaggle Notebook's input folder, instead of /kaggle/input (for trying it elsewhere).
COURSE_KAGGLE_ROOT = "COURSE_KAGGLE_ROOT"
#: Workers run at once per grading process (0 or unset: from the cores).
COURSE_GRADING_JOBS = "COURSE_GRADING_JOBS"
#: The instructor's opt-out of the isolation rule (:mod:`autograder.sandbox.doctor`).
COURSE_ALLOW_WEAK_ISOLATION = "COURSE_ALLOW_WEAK_ISOLATION"
#: Isolation layers switched off, comma-separated (the tests that show each layer matters).
COURSE_SANDBOX_DISABLE = "COURSE_SANDBOX_DISABLE"
#: A test's hook: the named point raises Ctrl-C (:func:`autograder.interrupts.point`).
COURSE_INTERRUPT_AT = "COURSE_INTERRUPT_AT"
#: Set by nbgrader while it runs a notebook ("autograde" when it grades one).
NBGRADER_EXECUTION = "NBGRADER_EXECUTION"
#: Gradescope's autograder folder, instead of /autograder (for trying it elsewhere).
AUTOGRADER_ROOT = "AUTOGRADER_ROOT"
#: What a worker keeps of the grader's own environment: OpenBLAS's CPU detection overrides.
KEPT_FOR_WORKERS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


@dataclass(frozen=True)
class Environment:
    """The variables above, as read ("" or None where unset)."""

    course_root: str | None
    solutions: str | None
    data: str  # stripped
    kaggle_root: str  # stripped
    grading_jobs: str
    allow_weak_isolation: str  # stripped and lower case; the doctor says what it means
    disabled_layers: tuple[str, ...]
    interrupt_at: str | None
    nbgrader_execution: str | None
    autograder_root: str | None


def current() -> Environment:
    """The environment as it is now."""
    read = os.environ.get
    return Environment(
        course_root=read(COURSE_ROOT) or None,
        solutions=read(COURSE_SOLUTIONS) or None,
        data=read(COURSE_DATA, "").strip(),
        kaggle_root=read(COURSE_KAGGLE_ROOT, "").strip(),
        grading_jobs=read(COURSE_GRADING_JOBS, "0") or "0",
        allow_weak_isolation=read(COURSE_ALLOW_WEAK_ISOLATION, "").strip().lower(),
        disabled_layers=tuple(d for d in read(COURSE_SANDBOX_DISABLE, "").split(",") if d),
        interrupt_at=read(COURSE_INTERRUPT_AT),
        nbgrader_execution=read(NBGRADER_EXECUTION),
        autograder_root=read(AUTOGRADER_ROOT) or None,
    )


def for_child(**extra: str) -> dict[str, str]:
    """The environment a child process that runs the course's own code starts with: this
    process's, with ``extra`` on top."""
    return {**os.environ, **extra}


def kept_for_workers() -> dict[str, str]:
    """The few variables a confined worker keeps from the grader's environment (everything
    else of it is withheld: the worker's environment is written out in full)."""
    return {name: os.environ[name] for name in KEPT_FOR_WORKERS if name in os.environ}
