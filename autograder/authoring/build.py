"""``course build``: lessons and public cases, generated from ``solutions/``.

Each lesson is its solution notebook with every ``### BEGIN SOLUTION`` / ``### END SOLUTION``
region replaced by a stub (nbgrader's ClearSolutions, with a stub that names the function, says
about how many lines it takes and, for a graded function, how to ask for a hint), outputs
cleared, and a first cell telling the learner how the notebook works. That it is generated, and
from what, is recorded in the notebook's metadata (``digits_from_scratch``), where a learner
does not have to read it.
The public cases are the check inputs drawn with the course's public seed and the reference's
outputs on them, stamped with what generated them (:mod:`autograder.authoring.staleness`).
``--check`` writes nothing and fails when anything on disk is stale: a lesson whose text differs
from a fresh build, or a public file whose sources changed since it was written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ClearMetadataPreprocessor, ClearOutputPreprocessor
from nbgrader.preprocessors import ClearSolutions

from autograder import interrupts
from autograder.authoring import staleness
from autograder.authoring.regions import solution_regions
from autograder.config import LESSONS_DIR, PUBLIC_DIR, Course, load_course
from autograder.errors import BuildError
from autograder.reference import Reference, load_reference, solutions_dir
from autograder.staged_hints import has_hint

HEADER_ID = "generated-header"
GENERATED_KEY = "digits_from_scratch"
"""The notebook-metadata key that records which solution notebook a lesson was built from."""


def header_text(lesson_id: str, n_lessons: int) -> str:
    """The first cell of a lesson: how to work through it, in a learner's words."""
    number = lesson_id.split("_", 1)[0]
    return (
        f"*Lesson {number} of {n_lessons:02d}. Work from the top: fill in each function where it "
        "says `# YOUR CODE HERE`, then run the cell under it: `check(...)` shows at once what is "
        "right and what is not. Stuck? `hint(...)` with the function's name gives a hint in "
        "three steps (the idea, the approach, the shape of the code). A demonstration that needs "
        "a function you have not written yet says which one, and skips.*"
    )


class StubbingClearSolutions(ClearSolutions):
    """nbgrader's ClearSolutions, with a stub that fits the function it replaces."""

    def _replace_solution_region(self, cell, language):
        regions = solution_regions(cell.source)
        function = regions[0].function if regions else None
        lines = len(regions[0].code_lines) if regions else 0
        about = f" (about {lines} line{'s' if lines != 1 else ''})" if lines else ""
        if function and has_hint(function):
            about += f'. Stuck? hint("{function}")'
        raise_line = (
            f'raise NotImplementedError("{function}")'
            if function
            else "raise NotImplementedError()"
        )
        self.code_stub = {"python": f"# YOUR CODE HERE{about}\n{raise_line}"}
        return super()._replace_solution_region(cell, language)


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
    lesson = course.lesson_for_notebook(lesson_notebook.name)
    header = nbformat.v4.new_markdown_cell(
        header_text(lesson.id if lesson else lesson_notebook.stem, len(course.lessons))
    )
    header.id = HEADER_ID
    # No nbgrader metadata: nbgrader's autograde refuses a graded-or-locked cell that its
    # database does not know, and this cell is not in the solution notebooks.
    header.metadata = {}
    nb.cells = [header] + [c for c in nb.cells if c.get("id") != HEADER_ID]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.execution_count = None
            cell.outputs = []
    nb.metadata = {k: v for k, v in nb.metadata.items() if k in ("kernelspec", "language_info")}
    nb.metadata[GENERATED_KEY] = {
        "generated_from": f"solutions/{lesson_notebook.name}",
        "by": "course build: edit the solution notebook and rebuild, never this one",
    }
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


@dataclass
class PublicFile:
    """A public file to generate: whose cases, and the hash of the sources that decide them."""

    function: str
    sources: str


@dataclass
class BuildPlan:
    """What the build writes: each lesson's text, and each public file with its sources' hash."""

    course: Course
    reference: Reference
    lessons: dict[Path, str]
    public: dict[Path, PublicFile]

    @property
    def files(self) -> list[Path]:
        return [*self.lessons, *self.public]


def plan_build(course: Course | None = None) -> BuildPlan:
    """What the build would write, without running the reference on any case."""
    from autograder.public import public_path

    course = course or load_course()
    source_dir = solutions_dir()
    lessons: dict[Path, str] = {}
    for lesson in course.lessons:
        path = source_dir / lesson.notebook
        if not path.is_file():
            raise BuildError(f"{path} is missing: the build needs every solution notebook.")
        lessons[LESSONS_DIR / lesson.notebook] = _lesson_text(course, path)
    reference = load_reference(source_dir)
    definitions = [d.source for d in reference.definitions]
    public = {
        public_path(e.function, PUBLIC_DIR): PublicFile(
            e.function, staleness.sources_digest(course, definitions, e.function)
        )
        for e in course.exercises
    }
    return BuildPlan(course=course, reference=reference, lessons=lessons, public=public)


def stale_files(plan: BuildPlan) -> list[Path]:
    """The generated files that a build would change: lessons by their text, public files by
    the sources they were generated from (never by the bits of their numbers)."""
    stale = [
        path
        for path, text in plan.lessons.items()
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    ]
    for path, public in plan.public.items():
        if not staleness.is_fresh(staleness.read_document(path), public.sources):
            stale.append(path)
    return stale


def write_build(plan: BuildPlan) -> list[Path]:
    """Write every stale file; return the ones written."""
    written = []
    for path, text in plan.lessons.items():
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        interrupts.write_text(path, text)
        written.append(path)
    stale_public = {
        path: public
        for path, public in plan.public.items()
        if not staleness.is_fresh(staleness.read_document(path), public.sources)
    }
    if stale_public:
        from autograder.grading.engine.cases import import_checks

        import_checks(plan.course, {lesson.id for lesson in plan.course.lessons})
    for path, public in stale_public.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        interrupts.write_text(path, _public_text(path, public, plan))
        written.append(path)
    return written


def _public_text(path: Path, public: PublicFile, plan: BuildPlan) -> str:
    """The stamped text of a public file. When a file is already there and the fresh cases agree
    with it within the checks' tolerances, its numbers are kept and only the stamp changes."""
    fresh = json.loads(
        public_text(public.function, plan.reference, plan.course.grading.public_seed)
    )
    old = staleness.read_document(path)
    if old is not None and staleness.same_within_tolerance(old, fresh):
        fresh = old
    return staleness.stamped(fresh, public.sources)


def public_text(function: str, reference: Reference, seed: int) -> str:
    """A function's public cases, drawn with the course's public seed, as the build writes them."""
    from autograder.grading.engine.cases import live_cases
    from autograder.public import render_public

    calls, expected = live_cases(function, seed, reference)
    return render_public(function, calls, expected, reference.deps_of(function), seed)
