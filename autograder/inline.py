"""What a notebook uses: ``check``, ``hint``, ``import_functions`` and ``skip_if_unfinished``.

These run in the student's own kernel, on the student's own machine: ``check`` gives instant
feedback from the public checks (fixed inputs, expected values generated from the reference by
``course build``); it needs no ``solutions/``. Grading for marks happens elsewhere, isolated.
"""

from __future__ import annotations

import contextlib
import inspect
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Self

from autograder import environment
from autograder.grading.engine.results import FunctionReport
from autograder.notebook_code import run_statement
from autograder.notebooks import NotebookError, read_notebook


class Score(float):
    """The points a ``check`` earned, and the feedback behind them.

    Jupyter shows it as HTML (``_repr_html_``): the verdict and the points in colour, the first
    failing check with its hint, the rest folded away
    (:mod:`autograder.grading.reports.notebook_feedback`). Its plain value, and its plain-text form,
    stay the number, which is what nbgrader reads as partial credit.
    """

    report: FunctionReport | None

    def __new__(cls, points: float, report: FunctionReport | None = None) -> Self:
        score = super().__new__(cls, points)
        score.report = report
        return score

    def __repr__(self) -> str:
        return f"{float(self):g}"

    def _repr_html_(self) -> str:
        from autograder.grading.reports.notebook_feedback import render_function_html
        from autograder.staged_hints import has_hint

        if self.report is None:
            return f"<code>{float(self):g}</code>"
        return render_function_html(self.report, hint_available=has_hint(self.report.function))


def shows_html() -> bool:
    """True in a Jupyter kernel, where a cell's value is shown as HTML; False in a terminal, a
    script or plain IPython, where ``check`` prints its feedback as text instead."""
    shell_module = sys.modules.get("IPython")
    if shell_module is None:
        return False
    shell = shell_module.get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def check(function: str, namespace: dict[str, Any] | None = None) -> Score:
    """Run the public checks of one graded function on the version defined in this notebook.

    Returns the points earned (nbgrader reads the number as partial credit); in Jupyter the
    value shows as the feedback, coarse to fine, in HTML. Anywhere else the feedback is
    printed as text.
    """
    from autograder.grading.engine.run import check_in_namespace
    from autograder.grading.reports.feedback import render_function

    refusal = _autograded_without_hidden_checks()
    if refusal:
        print(f"! check({function!r}): {refusal}", file=sys.stderr)
        return Score(0.0)
    if namespace is None:
        frame = inspect.currentframe()
        caller = frame.f_back if frame is not None else None
        namespace = caller.f_globals if caller is not None else {}
    try:
        report = check_in_namespace(function, namespace)
    except Exception as exc:  # noqa: BLE001 - a notebook shows a message, never a traceback
        print(f"! check({function!r}) could not run: {exc}")
        return Score(0.0)
    if not shows_html():
        print(render_function(report))
    return Score(report.points, report)


def _autograded_without_hidden_checks() -> str:
    """Why the public checks must not grade here: ``nbgrader autograde`` runs this kernel on a
    machine that holds the course's solutions, so the hidden checks should grade instead (see
    ``autograder.grading.platforms.nbgrader_hidden``); their preprocessor overwrites this cell's output.
    Reaching this means the instructor's nbgrader_config.py does not use them."""
    if environment.current().nbgrader_execution != "autograde":
        return ""
    from autograder.reference import solutions_available

    try:
        present = solutions_available()
    except Exception:  # noqa: BLE001 - a broken course.yml is reported elsewhere
        present = False
    if not present:
        return ""
    return (
        "nbgrader is autograding on a machine with the course's solutions, but without the "
        "course's hidden checks, so the public checks in this kernel give no points. Add "
        "`c.Autograde.autograde_preprocessors = autograde_preprocessors()` (from "
        "autograder.grading.platforms.nbgrader_hidden) to nbgrader_config.py; see the README."
    )


_loading: set[Path] = set()


def import_functions(notebook: str | Path, *names: str) -> Any:
    """Import functions defined in another lesson notebook (your own work).

    ``relu, softmax = import_functions("02_activations.ipynb", "relu", "softmax")``

    Only definitions are run (imports, functions, classes, constants), never the other
    notebook's training loops or plots. A path is taken relative to the current folder, which
    is the notebook's own folder when Jupyter runs it. When the notebook is not there, it is
    looked for as ``course grade`` looks for it: beside this one under a name that contains the
    lesson's name (``02_activations-Copy1.ipynb``), then in the sibling folders of this one
    (``../ps1/02_activations.ipynb``, for a course split into assignments). It says which file
    it used. Tracebacks point at the cells of that notebook as Jupyter shows them.
    """
    if not names:
        raise TypeError("import_functions needs the names to import, e.g. 'relu'.")
    path = find_notebook(Path(notebook))
    module = _load_notebook_module(path)
    missing = [n for n in names if not hasattr(module, n)]
    if missing:
        raise ImportError(
            f"import_functions: {path.name} does not define {', '.join(missing)}. "
            "Did you rename or delete it?"
        )
    values = tuple(getattr(module, n) for n in names)
    return values[0] if len(values) == 1 else values


def find_notebook(requested: Path) -> Path:
    """The notebook ``import_functions`` reads for ``requested`` (see there); says so if moved."""
    from autograder.grading.engine.submissions import find_lesson_notebook

    path = requested if requested.is_absolute() else Path.cwd() / requested
    if path.is_file():
        return path.resolve()
    folder = path.parent
    found = find_lesson_notebook(requested.name, folder)
    if found is None:
        raise FileNotFoundError(
            f"import_functions: {requested} is not in {folder}, nor in a folder beside it. Keep "
            "the lesson notebooks together in one folder (or one folder per assignment, side by "
            "side) and run this notebook from its own folder."
        )
    print(f"import_functions: {requested.name} is not in {folder}; using {found}")
    return found.resolve()


def _load_notebook_module(path: Path) -> types.ModuleType:
    if path in _loading:
        raise ImportError(f"import_functions: {path.name} imports itself (a cycle).")
    _loading.add(path)
    try:
        try:
            source = read_notebook(path)
        except NotebookError as exc:
            raise ImportError(f"import_functions: {exc}") from None
        module = types.ModuleType(f"notebook_{path.stem}")
        module.__file__ = str(path)
        with contextlib.chdir(path.parent):
            for definition in source.definitions:
                # A traceback shows "03_forward.ipynb, In [7]", line 3, and the student's line.
                run_statement(definition.source, definition.label, definition.line, module.__dict__)
        return module
    finally:
        _loading.discard(path)


@contextlib.contextmanager
def skip_if_unfinished() -> Iterator[None]:
    """Run a demonstration cell, or skip it with a message while an exercise is unfinished.

    A cell that trains or plots with functions you have not written yet would stop the whole
    notebook. Inside ``with skip_if_unfinished():`` it prints what to finish, and in which
    lesson, instead; a figure the cell had begun before it stopped is closed, never shown half
    drawn.
    """
    before = _open_figures()
    try:
        yield
    except NotImplementedError as exc:
        _close_figures_since(before)
        name = str(exc).strip().strip("'\"")
        print(f"⏭ skipped: {_unfinished(name)} Finish it, then run this cell again.")
    except NameError as exc:
        _close_figures_since(before)
        print(
            f"⏭ skipped: {exc}. A cell above was skipped or not run yet; "
            "run the notebook from the top once the exercises are done."
        )


def _unfinished(name: str) -> str:
    """What is unfinished, in words: "relu is not implemented yet: it is an exercise of lesson 02
    (02_activations.ipynb)." for a graded function; the bare name for anything else."""
    if not name:
        return "an exercise above is not implemented yet."
    try:
        from autograder.config import load_course

        lesson = load_course().lesson_of(name)
    except Exception:  # noqa: BLE001 - not a graded function, or no course.yml here
        return f"{name} is not implemented yet."
    number = lesson.id.split("_", 1)[0]
    return (
        f"{name} is not implemented yet: it is an exercise of lesson {number} ({lesson.notebook})."
    )


def _open_figures() -> set[int]:
    pyplot = sys.modules.get("matplotlib.pyplot")
    return set(pyplot.get_fignums()) if pyplot is not None else set()


def _close_figures_since(before: set[int]) -> None:
    """Close the figures opened since ``before``: a skipped cell shows none of them."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return
    for number in set(pyplot.get_fignums()) - before:
        pyplot.close(number)
