"""``course release DIR``: the student bundle, without solutions and without answers.

The bundle holds the lessons, the autograder with its public checks, their stored expected
values and the staged hints, the embedded data sample, the course manifest, a README for
students, and a ``requirements.txt`` of the learner's set only (the package's own dependencies:
no nbgrader, ruff or seccomp). It leaves out
what would do a graded function's job: ``solutions/``. (``course train`` has no training loop of
its own: it trains with the lessons' ``gradient_descent`` / ``minibatch_sgd``.) Before it is
left in place, the bundle is searched for the distinctive lines of every reference solution
(:mod:`autograder.authoring.leaks`): a bundle that would hold one is refused.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from autograder.authoring.leaks import distinctive_lines, find_solution_leaks
from autograder.config import PACKAGE_DIR, ROOT, load_course
from autograder.errors import ReleaseError

TEMPLATE = PACKAGE_DIR / "templates" / "student_README.md"
REQUIREMENTS_TEMPLATE = PACKAGE_DIR / "templates" / "student_requirements.txt"
COPIED = ("lessons", "autograder", "course.yml", "pyproject.toml")
DATA_FILES = ("README.md", "sample")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "out", "*.egg-info")
NOT_RELEASED: tuple[str, ...] = ()
"""Files of the package that do a graded function's job, so students do not get them (none now:
``course train`` trains through the lessons' own functions)."""


def _ignore_in(root: Path) -> Callable[[str, list[str]], set[str]]:
    """A copytree ``ignore`` for a folder under ``root``: the usual clutter and NOT_RELEASED."""

    def ignore(directory: str, names: list[str]) -> set[str]:
        ignored = set(IGNORED(directory, names))
        where = Path(directory).relative_to(root)
        ignored |= {name for name in names if (where / name).as_posix() in NOT_RELEASED}
        return ignored

    return ignore


def make_release(destination: Path, *, force: bool = False) -> str:
    destination = Path(destination).resolve()
    if destination.exists():
        if not force:
            raise ReleaseError(f"{destination} exists; choose a new folder or pass --force.")
        if (destination / "solutions").exists() or destination == ROOT:
            raise ReleaseError(
                f"{destination} looks like the course's own repository; refusing to replace it."
            )
        shutil.rmtree(destination)
    missing = [name for name in COPIED if not (ROOT / name).exists()]
    if missing:
        raise ReleaseError(
            f"cannot release: {', '.join(missing)} missing (run `course build` first)."
        )
    distinctive = distinctive_lines()
    staging = destination.with_name(destination.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        for name in COPIED:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, staging / name, ignore=_ignore_in(ROOT))
            else:
                shutil.copy2(source, staging / name)
        (staging / "data").mkdir()
        for name in DATA_FILES:
            source = ROOT / "data" / name
            if source.is_dir():
                shutil.copytree(source, staging / "data" / name, ignore=IGNORED)
            elif source.exists():
                shutil.copy2(source, staging / "data" / name)
        shutil.copy2(TEMPLATE, staging / "README.md")
        shutil.copy2(REQUIREMENTS_TEMPLATE, staging / "requirements.txt")
        leaks = find_solution_leaks(staging, distinctive)
        if leaks:
            raise ReleaseError(
                "the bundle would contain solution code: " + "; ".join(map(str, leaks[:5]))
            )
        staging.rename(destination)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    course = load_course()
    return (
        f"wrote the student release to {destination}: {len(course.lessons)} lessons, the autograder "
        f"with public checks, the data sample; no solutions (searched for the "
        f"{len(distinctive)} distinctive lines of {len(course.exercises)} reference solutions: "
        f"none found)"
    )
