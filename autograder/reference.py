"""The reference: the code in ``solutions/``, read by the same reader as student work.

There is no second copy of the solutions. The grader runs the reference on its own side to get
expected values, and hands the sandbox the reference versions of the functions an exercise
builds on (and nothing else), so one early bug does not cost every later point.
"""

from __future__ import annotations

import types
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from autograder.config import Course, load_course, solutions_dir
from autograder.errors import UserError
from autograder.notebook_code import run_statement
from autograder.notebooks import Definition, NotebookSource, names_used, read_notebook, select_for


class ReferenceMissing(UserError):
    """solutions/ is absent (a student release): only the public checks can run."""


@dataclass
class Reference:
    """All solution notebooks' definitions, in lesson order, and a namespace that runs them."""

    definitions: list[Definition]
    namespace: types.SimpleNamespace
    graded: set[str]
    _deps: dict[str, list[str]] = field(default_factory=dict)

    def deps_of(self, function: str) -> list[str]:
        """The graded functions that the reference version of ``function`` calls."""
        if function not in self._deps:
            used = names_used(self.definitions, function)
            self._deps[function] = sorted((used & self.graded) - {function})
        return list(self._deps[function])

    def function_body(self, function: str) -> str:
        for definition in self.definitions:
            if function in definition.names and definition.kind == "function":
                return definition.source
        raise KeyError(function)


def solutions_available(directory: Path | None = None) -> bool:
    directory = directory or solutions_dir()
    course = load_course()
    return any((directory / lesson.notebook).is_file() for lesson in course.lessons)


def load_reference(directory: Path | None = None) -> Reference:
    """Read the solution notebooks and run their definitions in one namespace (trusted code)."""
    return _load_reference((directory or solutions_dir()).resolve())


@lru_cache(maxsize=4)
def _load_reference(directory: Path) -> Reference:
    course: Course = load_course()
    if not solutions_available(directory):
        raise ReferenceMissing(
            f"the reference notebooks are not in {directory}; only the public checks can run."
        )
    definitions: list[Definition] = []
    for lesson in course.lessons:
        path = directory / lesson.notebook
        if not path.is_file():
            continue
        source: NotebookSource = read_notebook(path)
        if source.problems:
            raise RuntimeError(f"{path}: {source.problems[0]}")
        definitions.extend(d for d in source.definitions if d.kind != "notebook-import")
    # Only what the graded functions need runs: the imports they use (never seaborn for relu),
    # the helpers and constants they call, in notebook order.
    graded_names = [e.function for e in course.exercises]
    needed: dict[int, Definition] = {}
    for function in graded_names:
        for definition in select_for(definitions, function):
            needed[id(definition)] = definition
    namespace: dict = {"__name__": "reference"}
    for definition in definitions:
        if id(definition) in needed:
            run_statement(definition.source, definition.label, definition.line, namespace)
    graded = {e.function for e in course.exercises if e.function in namespace}
    public = {k: v for k, v in namespace.items() if not k.startswith("__")}
    return Reference(
        definitions=definitions, namespace=types.SimpleNamespace(**public), graded=graded
    )
