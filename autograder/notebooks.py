"""Reading notebooks: the definitions a notebook makes, found by name.

The same reader serves the student's work and the reference in ``solutions/``. Only
definitions are taken from a notebook: imports, functions, classes and constant assignments.
Top-level training loops, plots and ``input()`` calls are never run when grading. A cell that
does not parse costs only what that cell defines.
"""

from __future__ import annotations

import ast
import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

from autograder.codec import AST_LOCK

#: Notebooks larger than this are refused before they are parsed.
MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024

#: The call that imports functions from another notebook (see ``autograder.inline``).
NOTEBOOK_IMPORT_CALL = "import_functions"


def parse_python(text: str) -> ast.Module:
    """ast.parse, one thread at a time (see ``codec.AST_LOCK``)."""
    with AST_LOCK:
        return ast.parse(text)


class NotebookError(Exception):
    """A notebook that cannot be read at all; the message says why and what to do."""


@dataclass
class Definition:
    """One top-level statement kept from a notebook."""

    names: tuple[str, ...]
    source: str
    cell: int  # index of the code cell, counted from 1
    kind: str  # "import", "function", "class", "constant" or "notebook-import"
    line: int = 1  # where the statement starts in its cell


@dataclass
class NotebookSource:
    """What a notebook defines, in the order a top-to-bottom run would define it."""

    path: Path
    definitions: list[Definition] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def defined_names(self) -> set[str]:
        return {name for d in self.definitions for name in d.names}

    def module_source(self, *, include_notebook_imports: bool = False) -> str:
        """The definitions as one module's source, in notebook order."""
        parts = [
            d.source
            for d in self.definitions
            if include_notebook_imports or d.kind != "notebook-import"
        ]
        return "\n\n".join(parts) + "\n"

    def problem_for(self, name: str) -> str | None:
        """Why ``name`` is missing, when a problem cell may have held it."""
        for problem in self.problems:
            if f"`{name}`" in problem:
                return problem
        return self.problems[0] if self.problems else None


def read_notebook(path: str | Path) -> NotebookSource:
    """Read a notebook file and collect its definitions.

    Raises ``NotebookError`` with a message a student can act on when the file is not a
    notebook this course can read.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise NotebookError(f"{path.name}: cannot be read ({exc.strerror}).") from exc
    if size > MAX_NOTEBOOK_BYTES:
        raise NotebookError(
            f"{path.name} is {size / 1e6:.0f} MB; notebooks over "
            f"{MAX_NOTEBOOK_BYTES / 1e6:.0f} MB are not graded. Clear the outputs "
            "(Kernel > Restart & Clear Output) and save again."
        )
    raw = path.read_bytes()
    return parse_notebook(raw, path)


def parse_notebook(raw: bytes, path: Path) -> NotebookSource:
    """Parse notebook bytes; see ``read_notebook``."""
    name = path.name
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
    if not isinstance(data, dict):
        raise NotebookError(
            f"{name} holds a JSON {type(data).__name__}, not a notebook object. "
            "Submit the .ipynb file that Jupyter saves."
        )
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
                    f"({exc}). Open and save it in a current Jupyter."
                ) from None
        else:
            raise NotebookError(
                f"{name} has nbformat {major!r}; this course reads format 4. "
                "Open and save it in a current Jupyter."
            )
    cells = data.get("cells")
    if not isinstance(cells, list):
        raise NotebookError(f"{name}: 'cells' is not a list; the notebook is damaged.")
    if not cells:
        raise NotebookError(f"{name} has no cells.")

    source = NotebookSource(path=path)
    code_index = 0
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        code_index += 1
        text = cell.get("source", "")
        if isinstance(text, list):
            text = "".join(str(part) for part in text)
        if not isinstance(text, str):
            source.problems.append(f"code cell {code_index}: its source is not text; skipped.")
            continue
        _collect_cell(text, code_index, source)
    return source


def _collect_cell(text: str, index: int, out: NotebookSource) -> None:
    python = _strip_magics(text)
    try:
        tree = parse_python(python)
    except SyntaxError as exc:
        defined = ", ".join(f"`{n}`" for n in _names_defined_loosely(python))
        where = f"line {exc.lineno}" if exc.lineno else "somewhere"
        lost = f" It defines {defined}, which could not be graded." if defined else ""
        out.problems.append(f"code cell {index} has a syntax error at {where}: {exc.msg}.{lost}")
        return
    for node in tree.body:
        kept = _keep(node)
        if kept is None:
            continue
        kind, names = kept
        segment = ast.get_source_segment(python, node, padded=False) or ast.unparse(node)
        decorated = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        if decorated and node.decorator_list:
            # Decorators are not part of the node's own segment.
            segment = ast.unparse(node)
        line = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        out.definitions.append(
            Definition(names=names, source=segment, cell=index, kind=kind, line=line)
        )


def _keep(node: ast.stmt) -> tuple[str, tuple[str, ...]] | None:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        names = tuple((alias.asname or alias.name).split(".")[0] for alias in node.names)
        return "import", names
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
    ast.Lambda,
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
    """True for values without calls: literals, names, arithmetic, lambdas."""
    for node in ast.walk(value):
        if isinstance(node, ast.Lambda):
            continue
        # A call inside a lambda's body runs only when the lambda is called.
        if not isinstance(node, _ALLOWED_CONSTANT_NODES) and not _inside_lambda(value, node):
            return False
    return True


def _inside_lambda(root: ast.expr, target: ast.AST) -> bool:
    for node in ast.walk(root):
        if isinstance(node, ast.Lambda) and any(n is target for n in ast.walk(node.body)):
            return True
    return False


def _strip_magics(text: str) -> str:
    """Turn IPython-only lines (``%magic``, ``!shell``) into ``pass``."""
    lines = []
    for line in text.splitlines():
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


@functools.lru_cache(maxsize=8192)
def _loaded_names(source: str) -> frozenset[str]:
    """The names a definition's source loads (parsed once per distinct source)."""
    try:
        tree = parse_python(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return frozenset()
    return frozenset(
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    )


def names_used(definitions: list[Definition], function: str) -> set[str]:
    """Every name that ``function`` loads, directly or through the top-level definitions it uses."""
    trees: dict[str, frozenset[str]] = {}
    for definition in definitions:
        if definition.kind in ("function", "class", "constant"):
            for name in definition.names:
                trees[name] = _loaded_names(definition.source)  # later definitions win
    used: set[str] = set()
    stack = [function]
    visited: set[str] = set()
    while stack:
        current = stack.pop()
        if current in visited or current not in trees:
            continue
        visited.add(current)
        for name in trees[current]:
            used.add(name)
            stack.append(name)
    used.discard(function)
    return used


def select_for(
    definitions: list[Definition], function: str, *, exclude: set[str] = frozenset()
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
    except (SyntaxError, ValueError, RecursionError, MemoryError):
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
