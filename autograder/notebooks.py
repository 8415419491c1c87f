"""Reading notebooks: the definitions a notebook makes, found by name.

The same reader serves the student's work and the reference in ``solutions/``. Only
definitions are taken from a notebook: imports, functions, classes and constant assignments.
Top-level training loops, plots and ``input()`` calls are never run when grading.

What a bad input costs is bounded:

* only a regular file is read (never a directory, FIFO or device), and, when the reader is
  told which folder a file belongs to, never through a symbolic link that leads out of it;
* the file itself may be large (outputs, images), up to ``MAX_NOTEBOOK_BYTES``; what counts
  is the code: code cells past ``MAX_SOURCE_CHARS`` in all are skipped, each with a message;
* a cell that does not parse, for whatever reason, costs only what that cell defines;
* reading is linear in the size of the notebook.

Cells are named as Jupyter shows them: ``In [7]`` when the notebook was saved with execution
counts, otherwise by the cell's first line (``cell "def forward(X, params):"``).
"""

from __future__ import annotations

import ast
import json
import os
import re
import stat
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path

from autograder.codec import AST_LOCK
from autograder.errors import UserError
from autograder.safe_text import one_line

#: Files larger than this are not read at all, so that no file can exhaust memory.
MAX_NOTEBOOK_BYTES = 100 * 1024 * 1024

#: The code of a notebook's cells, in all, that is read; cells past it are skipped.
MAX_SOURCE_CHARS = 2 * 1024 * 1024

#: The call that imports functions from another notebook (see ``autograder.inline``).
NOTEBOOK_IMPORT_CALL = "import_functions"

#: Why a cell could not be parsed: any of these costs that cell only.
PARSE_ERRORS = (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError)


def parse_python(text: str) -> ast.Module:
    """ast.parse, one thread at a time (see ``codec.AST_LOCK``)."""
    with AST_LOCK:
        return ast.parse(text)


class NotebookError(UserError):
    """A notebook that cannot be read at all; the message says why and what to do."""


@dataclass
class Definition:
    """One top-level statement kept from a notebook."""

    names: tuple[str, ...]
    source: str
    cell: int  # index of the code cell, counted from 1
    kind: str  # "import", "function", "class", "constant" or "notebook-import"
    line: int = 1  # where the statement starts in its cell
    label: str = ""  # where it is, as Jupyter shows it: '03_forward.ipynb, In [7]'
    loads: frozenset[str] = frozenset()  # the names the statement reads


@dataclass
class NotebookSource:
    """What a notebook defines, in the order a top-to-bottom run would define it."""

    path: Path
    definitions: list[Definition] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def defined_names(self) -> set[str]:
        return {name for d in self.definitions for name in d.names}

    def problem_for(self, name: str) -> str | None:
        """Why ``name`` is missing, when a problem cell may have held it."""
        for problem in self.problems:
            if f"`{name}`" in problem:
                return problem
        return self.problems[0] if self.problems else None


# -- reading a file ---------------------------------------------------------------------------------


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


def read_regular_file(path: Path, *, within: Path | None = None, limit: int) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes.

    With ``within``, the file must lie inside that folder, also after following symbolic
    links. Nothing else is ever opened: a FIFO cannot block the reader and a device cannot
    feed it without end. Raises ``NotebookError`` saying what the path is instead.
    """
    name = one_line(path.name)
    where = path
    if within is not None:
        real = Path(os.path.realpath(path))
        if not real.is_relative_to(os.path.realpath(within)):
            raise NotebookError(
                f"{name} is a symbolic link to something outside the submission folder, so it "
                "was not read. Submit the notebook file itself."
            )
        where = real
    try:
        info = os.stat(where, follow_symlinks=within is None)
    except OSError as exc:
        raise NotebookError(f"{name}: cannot be read ({exc.strerror}).") from None
    if not stat.S_ISREG(info.st_mode):
        raise NotebookError(
            f"{name} is {_kind_of(info.st_mode)}, not a notebook file, so it was not read. "
            "Submit the .ipynb file that Jupyter saves."
        )
    _check_size(name, info.st_size, limit)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if within is not None:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(where, flags)
    except OSError as exc:
        raise NotebookError(f"{name}: cannot be read ({exc.strerror}).") from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # it changed since the check above
            raise NotebookError(f"{name} is not a regular file, so it was not read.")
        raw = handle.read(limit + 1)
    _check_size(name, len(raw), limit)
    return raw


def _check_size(name: str, size: int, limit: int) -> None:
    if size > limit:
        raise NotebookError(
            f"{name} is {size / 1e6:.0f} MB; files over {limit / 1e6:.0f} MB are not read at "
            "all, so that no file can exhaust the grader's memory. Outputs do not count "
            "otherwise, but these are too large: clear them (Kernel > Restart & Clear Output) "
            "and save again."
        )


def read_notebook(path: str | Path, *, within: Path | None = None) -> NotebookSource:
    """Read a notebook file and collect its definitions.

    ``within``: the folder the file must lie in (a student's submission); symbolic links that
    lead out of it are not followed. Raises ``NotebookError`` with a message a student can act
    on when the file is not a notebook this course can read.
    """
    path = Path(path)
    raw = read_regular_file(path, within=within, limit=MAX_NOTEBOOK_BYTES)
    return parse_notebook(raw, path)


# -- parsing the JSON ------------------------------------------------------------------------------


def parse_notebook(raw: bytes, path: Path) -> NotebookSource:
    """Parse notebook bytes; see ``read_notebook``."""
    name = one_line(path.name)
    cells = _cells(_notebook_json(raw, name), name)
    source = NotebookSource(path=path)
    code_cells: list[tuple[int, str | None, object]] = []
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        text = cell.get("source", "")
        if isinstance(text, list):
            text = "".join(part for part in text if isinstance(part, str))
        code_cells.append(
            (
                len(code_cells) + 1,
                text if isinstance(text, str) else None,
                cell.get("execution_count"),
            )
        )
    labels = cell_labels([(text or "", count) for _, text, count in code_cells])
    budget = MAX_SOURCE_CHARS
    for (index, text, _), label in zip(code_cells, labels, strict=True):
        if text is None:
            source.problems.append(f"{label}: its source is not text; skipped.")
            continue
        if len(text) > budget:
            defined = _defined_list(_names_defined_loosely(text))
            source.problems.append(
                f"{label} holds {len(text) / 1e6:.1f} MB of code, past the "
                f"{MAX_SOURCE_CHARS / 1e6:.0f} MB of code a notebook may hold in all, so it was "
                f"not read.{defined}"
            )
            continue
        budget -= len(text)
        _collect_cell(text, index, label, name, source)
    return source


def _notebook_json(raw: bytes, name: str) -> dict:
    """The notebook's JSON object, or a NotebookError that says what is wrong with the bytes."""
    if not raw.strip():
        raise NotebookError(f"{name} is empty. Save the notebook from Jupyter and submit it again.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotebookError(
            f"{name} is not UTF-8 text (byte {exc.start} is invalid). "
            "It may be damaged: download it again from Jupyter (File > Download)."
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(
            f"{name} is not valid notebook JSON (line {exc.lineno}, column {exc.colno}: "
            f"{exc.msg}). Open it in Jupyter, or restore it from a checkpoint."
        ) from None
    except RecursionError:
        raise NotebookError(
            f"{name} is not a notebook: its JSON is nested too deeply to be read."
        ) from None
    except MemoryError:
        raise NotebookError(
            f"{name} is too large to read in the grader's memory. Clear the outputs "
            "(Kernel > Restart & Clear Output) and save again."
        ) from None
    if not isinstance(data, dict):
        raise NotebookError(
            f"{name} holds a JSON {type(data).__name__}, not a notebook object. "
            "Submit the .ipynb file that Jupyter saves."
        )
    return data


def _cells(data: dict, name: str) -> list:
    """The notebook's cells, in format 4 (format 3 converted)."""
    if "cells" not in data and "worksheets" not in data:
        raise NotebookError(f"{name} has no 'cells': it is not a Jupyter notebook.")
    major = data.get("nbformat")
    if major != 4:
        if major == 3 or "worksheets" in data:
            try:
                import nbformat  # slow to import (its JSON schemas): only for old notebooks

                data = nbformat.convert(nbformat.from_dict(data), 4)
            except Exception as exc:  # noqa: BLE001 - any conversion failure is the same to a user
                raise NotebookError(
                    f"{name} uses the old notebook format 3 and could not be converted "
                    f"({one_line(exc, limit=200)}). Open and save it in a current Jupyter."
                ) from None
        else:
            raise NotebookError(
                f"{name} has nbformat {one_line(repr(major), limit=40)}; this course reads "
                "format 4. Open and save it in a current Jupyter."
            )
    cells = data.get("cells")
    if not isinstance(cells, list):
        raise NotebookError(f"{name}: 'cells' is not a list; the notebook is damaged.")
    if not cells:
        raise NotebookError(f"{name} has no cells.")
    return cells


# -- naming cells as Jupyter shows them ------------------------------------------------------------

FIRST_LINE_CHARS = 60


def _ordinal(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def cell_labels(cells: list[tuple[str, object]]) -> list[str]:
    """How to point at each code cell, given its source and execution count, as Jupyter shows it.

    ``In [7]`` when the cell has an execution count no other cell shares; otherwise the
    cell's first line, ``cell "def forward(X, params):"`` (``(2nd)`` and so on when several
    cells begin with the same line).
    """
    counts = [
        count if isinstance(count, int) and not isinstance(count, bool) and count > 0 else None
        for _, count in cells
    ]
    repeated = {c for c in counts if c is not None and counts.count(c) > 1}
    labels = []
    seen: dict[str, int] = {}
    for (text, _), count in zip(cells, counts, strict=True):
        if count is not None and count not in repeated:
            labels.append(f"In [{count}]")
            continue
        first = next((line.strip() for line in text.splitlines() if line.strip()), "")
        label = f'cell "{one_line(first, limit=FIRST_LINE_CHARS)}"' if first else "an empty cell"
        seen[label] = seen.get(label, 0) + 1
        labels.append(label if seen[label] == 1 else f"{label} ({_ordinal(seen[label])})")
    return labels


# -- collecting definitions ------------------------------------------------------------------------


def _defined_list(names: list[str]) -> str:
    defined = ", ".join(f"`{n}`" for n in names)
    return f" It defines {defined}, which could not be graded." if defined else ""


def _collect_cell(text: str, index: int, label: str, notebook: str, out: NotebookSource) -> None:
    """Keep the definitions of one cell; any failure to read it costs this cell only."""
    python = _strip_magics(text)
    try:
        tree = parse_python(python)
        kept = _definitions(tree, python, index, f"{notebook}, {label}")
    except SyntaxError as exc:
        where = f"line {exc.lineno}" if exc.lineno else "somewhere"
        defined = _defined_list(_names_defined_loosely(python))
        out.problems.append(
            f"{label} has a syntax error at {where}: {one_line(exc.msg, limit=200)}.{defined}"
        )
        return
    except (RecursionError, MemoryError):
        defined = _defined_list(_names_defined_loosely(python))
        out.problems.append(
            f"{label} is nested too deeply for Python to read it, so it was skipped.{defined}"
        )
        return
    except PARSE_ERRORS as exc:
        defined = _defined_list(_names_defined_loosely(python))
        out.problems.append(
            f"{label} could not be read ({type(exc).__name__}: {one_line(exc, limit=200)}).{defined}"
        )
        return
    out.definitions.extend(kept)


def _definitions(tree: ast.Module, python: str, index: int, label: str) -> list[Definition]:
    lines = _SourceLines(python)
    kept_definitions = []
    for node in tree.body:
        kept = _keep(node)
        if kept is None:
            continue
        kind, names = kept
        decorators = getattr(node, "decorator_list", [])
        line = min([node.lineno] + [d.lineno for d in decorators])
        # Decorators are not part of the node's own span: start at the first one's line.
        segment = lines.segment(line, 0 if decorators else node.col_offset, node)
        loads = frozenset(
            n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
        )
        kept_definitions.append(
            Definition(
                names=names,
                source=segment,
                cell=index,
                kind=kind,
                line=line,
                label=label,
                loads=loads,
            )
        )
    return kept_definitions


class _SourceLines:
    """A cell's lines, split once, so that each statement's text is cut out in linear time.

    (``ast.get_source_segment`` splits the whole cell again for every statement.)
    """

    def __init__(self, text: str):
        *body, last = text.split("\n")  # _strip_magics leaves only "\n" line breaks
        self.lines = [line + "\n" for line in body] + [last]

    def segment(self, first_line: int, first_col: int, node: ast.AST) -> str:
        """The text from (first_line, first_col) to the end of ``node`` (columns in UTF-8 bytes)."""
        last_line = getattr(node, "end_lineno", None) or first_line
        last_col = getattr(node, "end_col_offset", None) or 0
        first = self.lines[first_line - 1].encode("utf-8")
        if first_line == last_line:
            return first[first_col:last_col].decode("utf-8")
        parts = [first[first_col:].decode("utf-8")]
        parts.extend(self.lines[first_line : last_line - 1])
        parts.append(self.lines[last_line - 1].encode("utf-8")[:last_col].decode("utf-8"))
        return "".join(parts)


def _keep(node: ast.stmt) -> tuple[str, tuple[str, ...]] | None:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        imported = tuple((alias.asname or alias.name).split(".")[0] for alias in node.names)
        return "import", imported
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return "function", (node.name,)
    if isinstance(node, ast.ClassDef):
        return "class", (node.name,)
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        names: list[str] = []
        for target in targets:
            if not _simple_target(target, names):
                return None
        value = node.value
        if value is None:
            return None
        if _is_notebook_import(value):
            return "notebook-import", tuple(names)
        if _is_constant_expression(value):
            return "constant", tuple(names)
    return None


def _simple_target(target: ast.expr, names: list[str]) -> bool:
    if isinstance(target, ast.Name):
        names.append(target.id)
        return True
    if isinstance(target, (ast.Tuple, ast.List)):
        return all(_simple_target(elt, names) for elt in target.elts)
    return False


def _is_notebook_import(value: ast.expr) -> bool:
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id == NOTEBOOK_IMPORT_CALL
    )


_ALLOWED_CONSTANT_NODES = (
    ast.Constant,
    ast.Name,
    ast.Attribute,
    ast.Tuple,
    ast.List,
    ast.Set,
    ast.Dict,
    ast.UnaryOp,
    ast.BinOp,
    ast.BoolOp,
    ast.Compare,
    ast.Subscript,
    ast.Slice,
    ast.arguments,
    ast.arg,
    ast.keyword,
    ast.expr_context,
    ast.operator,
    ast.unaryop,
    ast.boolop,
    ast.cmpop,
    ast.IfExp,
    ast.Starred,
)


def _is_constant_expression(value: ast.expr) -> bool:
    """True for values without calls: literals, names, arithmetic, lambdas.

    One pass over the expression. A lambda's body runs only when the lambda is called, so it
    is not looked into; its default values run now, so they are.
    """
    pending: list[ast.AST] = [value]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Lambda):
            pending.extend(node.args.defaults)
            pending.extend(d for d in node.args.kw_defaults if d is not None)
            continue
        if not isinstance(node, _ALLOWED_CONSTANT_NODES):
            return False
        pending.extend(ast.iter_child_nodes(node))
    return True


#: Line breaks as Python's tokenizer counts them (not ``str.splitlines``, which splits more).
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _strip_magics(text: str) -> str:
    """Turn IPython-only lines (``%magic``, ``!shell``) into ``pass``."""
    lines = []
    for line in _LINE_BREAK.split(text):
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            indent = line[: len(line) - len(stripped)]
            lines.append(f"{indent}pass")
        else:
            lines.append(line)
    return "\n".join(lines)


def _names_defined_loosely(text: str) -> list[str]:
    """Function and class names in text that does not parse (for messages only)."""
    names = []
    for line in text.splitlines():
        stripped = line.strip()
        for keyword in ("def ", "class "):
            if stripped.startswith(keyword):
                name = stripped[len(keyword) :].split("(")[0].split(":")[0].strip()
                if name.isidentifier():
                    names.append(name)
    return names


# -- choosing what a function needs ----------------------------------------------------------------


def names_used(definitions: list[Definition], function: str) -> set[str]:
    """Every name that ``function`` loads, directly or through the top-level definitions it uses."""
    loads: dict[str, frozenset[str]] = {}
    for definition in definitions:
        if definition.kind in ("function", "class", "constant"):
            for name in definition.names:
                loads[name] = definition.loads  # later definitions win, as in a top-to-bottom run
    used: set[str] = set()
    stack = [function]
    visited: set[str] = set()
    while stack:
        current = stack.pop()
        if current in visited or current not in loads:
            continue
        visited.add(current)
        used |= loads[current]
        stack.extend(loads[current])
    used.discard(function)
    return used


def select_for(
    definitions: list[Definition], function: str, *, exclude: AbstractSet[str] = frozenset()
) -> list[Definition]:
    """The statements ``function`` needs: itself, what it uses, and the imports those use.

    Grading ``relu`` then never imports seaborn, and a broken class elsewhere in the notebook
    costs ``relu`` nothing.
    """
    needed = names_used(definitions, function) | {function}
    chosen = []
    for definition in definitions:
        if definition.kind == "notebook-import":
            continue
        names = set(definition.names)
        if names & exclude and not names - exclude:
            continue
        if names & needed:
            chosen.append(definition)
    return chosen


def is_stub(definition: Definition) -> bool:
    """True for a function whose body only raises NotImplementedError (an untouched exercise)."""
    if definition.kind != "function":
        return False
    try:
        tree = parse_python(definition.source)
    except PARSE_ERRORS:
        return False
    if len(tree.body) != 1 or not isinstance(tree.body[0], (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    body = [
        node
        for node in tree.body[0].body
        if not isinstance(node, ast.Pass)
        and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
    ]
    if len(body) != 1 or not isinstance(body[0], ast.Raise) or body[0].exc is None:
        return False
    raised = body[0].exc
    if isinstance(raised, ast.Call):
        raised = raised.func
    return isinstance(raised, ast.Name) and raised.id == "NotImplementedError"
