"""A student's own functions, taken from their lesson notebooks, for the commands that use them.

``course train --from lessons`` trains with them, and ``course score`` checks a submission with the
student's own ``validate_submission``. Only a notebook's definitions run (imports, functions,
classes, constants, as the notebook reader finds them); its training loops and plots do not.
This is the student's own code on the student's own machine, run for them, so it runs in this
process; grading never uses this module (it runs student code in the sandbox).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.config import lessons_dir, load_course
from autograder.errors import UserError


class LessonCodeError(UserError):
    """A lesson notebook cannot be read, or running its definitions failed."""

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(f"{shown_path(path)}: {detail}")
        self.path = path
        self.detail = detail


@dataclass
class LessonFunctions:
    """The definitions of some lesson notebooks, run in one namespace."""

    namespace: dict[str, Any]
    directory: Path
    filenames: dict[str, Path] = field(default_factory=dict)  # compiled filename -> notebook
    problems: dict[str, list[str]] = field(default_factory=dict)  # notebook -> reader's problems


def shown_path(path: Path) -> str:
    """``path`` relative to the current folder when it is inside it, for messages."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def run_lessons(directory: Path, notebooks: Iterable[str]) -> LessonFunctions:
    """Run the definitions of ``notebooks`` (file names in ``directory``, in order) in one
    namespace. A notebook that is not there is skipped; the caller names what is missing."""
    from autograder.notebook_code import run_statement
    from autograder.notebooks import NotebookError, read_notebook

    functions = LessonFunctions(namespace={"__name__": "lessons"}, directory=directory)
    for notebook in notebooks:
        path = directory / notebook
        if not path.is_file():
            continue
        try:
            source = read_notebook(path)
        except NotebookError as exc:
            raise LessonCodeError(path, str(exc)) from None
        functions.problems[notebook] = list(source.problems)
        try:
            for definition in source.definitions:
                if definition.kind == "notebook-import":
                    continue
                functions.filenames[definition.label] = path
                run_statement(
                    definition.source, definition.label, definition.line, functions.namespace
                )
        except Exception as exc:  # noqa: BLE001 - report any failure of the student's definitions
            raise LessonCodeError(
                path,
                f"running its definitions (imports, functions, constants) failed: "
                f"{type(exc).__name__}: {exc}",
            ) from None
    return functions


def own_function(name: str, directory: Path | None = None) -> tuple[Callable | None, str]:
    """The student's own ``name`` from its lesson notebook, and how to name it in messages.

    Returns (None, why) when the notebook is missing, its definitions fail, or it does not define
    ``name``. Whether the function is finished shows only when it is called (a stub raises
    NotImplementedError).
    """
    directory = lessons_dir() if directory is None else directory
    notebook = load_course().lesson_of(name).notebook
    path = directory / notebook
    label = f"your {name} ({shown_path(path)})"
    if not path.is_file():
        return None, f"{shown_path(path)} is not there"
    try:
        functions = run_lessons(directory, [notebook])
    except LessonCodeError as exc:
        return None, str(exc)
    function = functions.namespace.get(name)
    if not callable(function):
        return None, f"{shown_path(path)} does not define {name}"
    return function, label
