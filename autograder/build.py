"""``course build``: lessons and public cases, generated from ``solutions/``.

Each lesson is its solution notebook with every ``### BEGIN SOLUTION`` / ``### END SOLUTION``
region replaced by a stub (nbgrader's ClearSolutions, with a stub that names the function and
says about how many lines it takes), outputs cleared, and a first cell saying it is generated.
The public cases are the check inputs drawn with the course's public seed and the reference's
outputs on them. ``--check`` writes nothing and fails when anything on disk is stale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ClearMetadataPreprocessor, ClearOutputPreprocessor
from nbgrader.preprocessors import ClearSolutions

from autograder.config import LESSONS_DIR, PUBLIC_DIR, Course, load_course
from autograder.reference import load_reference, solutions_dir

HEADER_ID = "generated-header"


class BuildError(Exception):
    """The solution notebooks break a rule the build relies on; the message names it."""


class StubbingClearSolutions(ClearSolutions):
    """nbgrader's ClearSolutions, with a stub that fits the function it replaces."""

    def _replace_solution_region(self, cell, language):
        function, lines = _solution_shape(cell.source)
        about = f" (about {lines} line{'s' if lines != 1 else ''})" if lines else ""
        raise_line = (
            f'raise NotImplementedError("{function}")'
            if function
            else "raise NotImplementedError()"
        )
        self.code_stub = {"python": f"# YOUR CODE HERE{about}\n{raise_line}"}
        return super()._replace_solution_region(cell, language)


def _solution_shape(source: str) -> tuple[str | None, int]:
    """The function a solution region sits in, and how many code lines the region holds."""
    function = None
    count = 0
    inside = False
    for line in source.split("\n"):
        match = re.match(r"\s*def\s+([A-Za-z_]\w*)\s*\(", line)
        if match and not inside:
            function = match.group(1)
        if "BEGIN SOLUTION" in line:
            inside = True
            continue
        if "END SOLUTION" in line:
            break
        stripped = line.strip()
        if inside and stripped and not stripped.startswith("#"):
            count += 1
    return function, count


@dataclass
class BuildOutput:
    files: dict[Path, str]  # path -> text that the build writes


def _lesson_text(course: Course, lesson_notebook: Path) -> str:
    nb = nbformat.read(lesson_notebook, as_version=4)
    _validate_solution_notebook(course, lesson_notebook, nb)
    resources: dict = {}
    nb, resources = StubbingClearSolutions(enforce_metadata=True).preprocess(nb, resources)
    nb, resources = ClearOutputPreprocessor().preprocess(nb, resources)
    nb, resources = ClearMetadataPreprocessor(
        clear_cell_metadata=False,
        preserve_nb_metadata_mask={("language_info", "name"), ("kernelspec",)},
    ).preprocess(nb, resources)
    header = nbformat.v4.new_markdown_cell(
        f"*This notebook is generated from `solutions/{lesson_notebook.name}` by `course build`. "
        "Work in it freely; to change the course itself, edit the solution notebook and rebuild.*"
    )
    header.id = HEADER_ID
    header.metadata = {
        "nbgrader": {
            "grade": False,
            "solution": False,
            "locked": True,
            "task": False,
            "grade_id": HEADER_ID,
            "schema_version": 3,
        }
    }
    nb.cells = [header] + [c for c in nb.cells if c.get("id") != HEADER_ID]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.execution_count = None
            cell.outputs = []
    nb.metadata = {k: v for k, v in nb.metadata.items() if k in ("kernelspec", "language_info")}
    return nbformat.writes(nb) + "\n"


def _validate_solution_notebook(course: Course, path: Path, nb) -> None:
    lesson = course.lesson_for_notebook(path.name)
    if lesson is None:
        return
    solution_cells = {}
    check_cells = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            solution_cells[meta.get("grade_id")] = cell
        if meta.get("grade") and cell.cell_type == "code":
            check_cells[meta.get("grade_id")] = (cell, meta)
    for exercise in lesson.exercises:
        name = exercise.function
        if name not in solution_cells:
            raise BuildError(f"{path.name}: no solution cell with grade_id '{name}'.")
        if f"def {name}(" not in solution_cells[name].source:
            raise BuildError(f"{path.name}: the solution cell '{name}' does not define {name}().")
        key = f"check_{name}"
        if key not in check_cells:
            raise BuildError(f"{path.name}: no graded check cell with grade_id '{key}'.")
        cell, meta = check_cells[key]
        if f'check("{name}")' not in cell.source:
            raise BuildError(f"{path.name}: the cell '{key}' should call check(\"{name}\").")
        if float(meta.get("points", -1)) != exercise.points:
            raise BuildError(
                f"{path.name}: the cell '{key}' is worth {meta.get('points')} points in nbgrader, "
                f"but course.yml gives {name} {exercise.points:g}."
            )


def plan_build(course: Course | None = None) -> BuildOutput:
    """Everything the build writes, as text, without writing it."""
    from autograder.grading.cases import import_checks
    from autograder.public import public_path, render_public

    course = course or load_course()
    source_dir = solutions_dir()
    files: dict[Path, str] = {}
    for lesson in course.lessons:
        path = source_dir / lesson.notebook
        if not path.is_file():
            raise BuildError(f"{path} is missing: the build needs every solution notebook.")
        files[LESSONS_DIR / lesson.notebook] = _lesson_text(course, path)
    reference = load_reference(source_dir)
    import_checks(course, {lesson.id for lesson in course.lessons})
    for exercise in course.exercises:
        files[public_path(exercise.function, PUBLIC_DIR)] = render_public(
            exercise.function, reference, course.grading.public_seed
        )
    return BuildOutput(files=files)


def stale_files(plan: BuildOutput) -> list[Path]:
    stale = []
    for path, text in plan.files.items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(path)
    return stale


def write_build(plan: BuildOutput) -> list[Path]:
    written = []
    for path, text in plan.files.items():
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
