"""``course release DIR``: the student bundle, without solutions.

The bundle holds the lessons, the autograder with its public checks and their stored expected
values, the embedded data sample, the course manifest, and a README for students. Before it is
left in place, it is searched for the body of every reference function: a bundle that would
leak a solution is refused.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from autograder.config import PACKAGE_DIR, ROOT, load_course

TEMPLATE = PACKAGE_DIR / "templates" / "student_README.md"
COPIED = ("lessons", "autograder", "course.yml", "requirements.txt", "pyproject.toml")
DATA_FILES = ("README.md", "sample")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "out", "*.egg-info")


class ReleaseError(Exception):
    """The bundle could not be made; the message says why."""


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
    staging = destination.with_name(destination.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        for name in COPIED:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, staging / name, ignore=IGNORED)
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
        leaks = find_solution_leaks(staging)
        if leaks:
            raise ReleaseError("the bundle would contain solution code: " + "; ".join(leaks[:5]))
        staging.rename(destination)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    course = load_course()
    return (
        f"wrote the student release to {destination}: {len(course.lessons)} lessons, the autograder "
        f"with public checks, the data sample; no solutions (searched for "
        f"{len(course.exercises)} reference function bodies: none found)"
    )


def solution_bodies() -> dict[str, list[str]]:
    """The body of every reference function, as the distinctive lines to search for."""
    from autograder.reference import load_reference

    reference = load_reference()
    bodies: dict[str, list[str]] = {}
    for exercise in load_course().exercises:
        source = reference.function_body(exercise.function)
        lines = source.split("\n")
        inside = False
        body = []
        for line in lines:
            if "BEGIN SOLUTION" in line:
                inside = True
                continue
            if "END SOLUTION" in line:
                break
            stripped = line.strip()
            if inside and stripped and not stripped.startswith("#"):
                body.append(stripped)
        bodies[exercise.function] = body
    return bodies


def find_solution_leaks(folder: Path) -> list[str]:
    """Places in ``folder`` that hold a reference function's whole body (all its lines, in order)."""
    bodies = solution_bodies()
    leaks = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix not in (
            ".py",
            ".ipynb",
            ".md",
            ".json",
            ".txt",
            ".yml",
        ):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".ipynb":
            import json

            try:
                text = "\n".join(
                    "".join(c.get("source", "")) for c in json.loads(text).get("cells", [])
                )
            except ValueError:
                pass
        normalised = "\n".join(line.strip() for line in text.split("\n"))
        for function, body in bodies.items():
            if body and _contains_in_order(normalised, body):
                leaks.append(f"{path.relative_to(folder)} holds the body of {function}")
    return leaks


def _contains_in_order(text: str, lines: list[str]) -> bool:
    """True when ``lines`` stand in ``text`` one after another (indentation ignored)."""
    return "\n".join(lines) in text
