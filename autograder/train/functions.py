"""The course's own functions for ``course train``: read from ``solutions/`` (the same reader and
namespace as the reference) or from the student's ``lessons/``, checked to be there, and the
failures of notebook code explained by the function that failed.

There is no copy of the graded functions here: every step of a run calls a notebook's function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.config import lessons_dir, load_course
from autograder.errors import TrainError
from autograder.lesson_functions import LessonCodeError, run_lessons, shown_path
from autograder.train.recipes import Recipe

#: The graded functions every run calls (plus ``update_params`` or ``adam_update``, and
#: ``init_params`` for He initialisation), in the order a run first needs them.
PIPELINE_FUNCTIONS = (
    "split_features_labels",
    "normalize",
    "train_dev_split",
    "forward",
    "cross_entropy",
    "backward",
    "predict",
    "accuracy",
    "confusion_matrix",
    "most_confused_pairs",
    "make_submission",
    "validate_submission",
)


def required_functions(recipe: Recipe) -> list[str]:
    names = list(PIPELINE_FUNCTIONS)
    if recipe.init == "he":
        names.insert(3, "init_params")
    names.insert(
        names.index("backward") + 1,
        "adam_update" if recipe.optimizer == "adam" else "update_params",
    )
    return names


@dataclass
class Functions:
    """The notebooks' definitions, run in one namespace, and where they came from."""

    namespace: dict[str, Any]
    origin: str  # "solutions" or "lessons"
    directory: Path
    filenames: dict[str, Path]  # code filename (as compiled) -> the notebook, for error messages
    problems: dict[str, list[str]] = field(default_factory=dict)  # notebook -> problems

    def get(self, name: str) -> Callable:
        return self.namespace[name]


def default_origin() -> str:
    from autograder.reference import solutions_available

    return "solutions" if solutions_available() else "lessons"


def load_functions(origin: str) -> Functions:
    """Read the course's functions from ``solutions/`` or from the student's ``lessons/``."""
    if origin == "solutions":
        return _load_solutions()
    return _load_lessons()


def _load_solutions() -> Functions:
    from autograder.reference import ReferenceMissing, load_reference, solutions_dir

    directory = solutions_dir()
    try:
        reference = load_reference()
    except ReferenceMissing as exc:
        raise TrainError(
            f"{exc} Use `course train --from lessons` to run your own lesson notebooks."
        ) from None
    except RuntimeError as exc:  # a solution notebook that does not parse
        raise TrainError(f"cannot read the solution notebooks: {exc}") from None
    namespace = {k: v for k, v in vars(reference.namespace).items()}
    return Functions(namespace, "solutions", directory, {"<reference>": directory})


def _load_lessons() -> Functions:
    course = load_course()
    try:
        lessons = run_lessons(lessons_dir(), [lesson.notebook for lesson in course.lessons])
    except LessonCodeError as exc:
        raise TrainError(f"{exc}. Fix that cell, then run `course train` again.") from None
    return Functions(
        lessons.namespace, "lessons", lessons.directory, lessons.filenames, lessons.problems
    )


def check_defined(functions: Functions, names: list[str]) -> None:
    """Raise TrainError naming every required function that the notebooks do not define."""
    absent = [n for n in names if not callable(functions.namespace.get(n))]
    if not absent:
        return
    course = load_course()
    lines = []
    for name in absent:
        try:
            notebook = course.lesson_of(name).notebook
        except (KeyError, AttributeError):
            notebook = "?"
        where = functions.directory / notebook
        reason = "the notebook is missing" if not where.is_file() else "it is not defined there"
        related = [p for p in functions.problems.get(notebook, []) if f"`{name}`" in p]
        if related:
            reason += f" ({related[0]})"
        lines.append(f"  {name} ({shown_path(where)}): {reason}")
    hint = (
        "Run `course build` to regenerate the lessons, or finish the lessons before training."
        if functions.origin == "lessons"
        else "The solution notebooks are incomplete."
    )
    raise TrainError(
        f"`course train` needs these functions from {shown_path(functions.directory)}/:\n"
        + "\n".join(lines)
        + f"\n{hint}"
    )


def _culprit(exc: BaseException, functions: Functions) -> tuple[str, Path | None] | None:
    """The innermost notebook function in the traceback of ``exc``, and its notebook (or None)."""
    found = None
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename in functions.filenames:
            found = (code.co_name, code.co_filename)
        tb = tb.tb_next
    if found is None:
        return None
    name, filename = found
    if functions.origin == "lessons":
        return name, functions.filenames[filename]
    try:
        return name, functions.directory / load_course().lesson_of(name).notebook
    except (KeyError, AttributeError):
        return name, None


def explain_failure(exc: Exception, functions: Functions) -> TrainError | None:
    """Turn an exception raised by notebook code into a message naming the function, or None."""
    culprit = _culprit(exc, functions)
    if culprit is None:
        if functions.origin == "lessons" and not isinstance(exc, (MemoryError, OSError)):
            return TrainError(
                f"your lesson functions produced something the pipeline cannot use "
                f"({type(exc).__name__}: {exc}). Run `course check` to see which function "
                f"is not right yet."
            )
        return None
    name, notebook = culprit
    where = f" in {shown_path(notebook)}" if notebook is not None else ""
    if isinstance(exc, NotImplementedError):
        return TrainError(
            f"`{name}`{where} is not implemented yet. Finish it (`course check` shows your "
            f"progress), then run `course train` again."
        )
    advice = (
        "Run `course check` to see what is wrong with it."
        if functions.origin == "lessons"
        else "The solution notebook needs fixing."
    )
    return TrainError(f"`{name}`{where} raised {type(exc).__name__}: {exc}. {advice}")
