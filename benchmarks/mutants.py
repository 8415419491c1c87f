"""Mutation testing of the checks: mutants of every reference function, graded as submissions.

    python benchmarks/mutants.py [--function NAME ...] [--seeds 3] [--json OUT.json]

A mutant is the reference function from ``solutions/`` (read by the course's own notebook reader,
``autograder.reference``) with one small change made by an operator below: an arithmetic or
comparison operator, an axis or keepdims, a range or slice bound off by one, a term, argument or
statement dropped, a constant moved, two arguments swapped, an operation done in place on its
input instead of on a copy, a NumPy function traded for its sibling (sum for mean, argmax for
argmin, float32 for float64). Each mutant replaces its function in a copy of the solution
notebooks and is graded as a submission by the real grader (confined workers, the hidden checks,
the course's limits), on ``--seeds`` draws of the hidden cases.

* **killed**: the mutant lost points on every seed. A mutant that loses points on some seeds only
  passed by luck on the others: it counts as a survivor, with the seeds that killed it.
* **survived**: full marks on at least one seed. Either a check is missing (write one), or the
  mutant computes the same function as the reference: then record it in
  ``benchmarks/equivalent_mutants.toml`` with a one-line reason. The harness tests every survivor
  and every recorded equivalent by differential testing (the mutant and the reference run on
  many inputs drawn by the function's case builder, also with its random draws made all
  negative, all zero, tied, large, or cut to one row) and refuses an entry it disproves.
* **named**: a killed mutant whose feedback names a known mistake (a failed check with a
  ``mistake`` id) on every seed. **wrong guess**: a name that does not hold up: the same check
  names another mistake, or none, when its cases are read in another order (each case in turn
  first) or on another seed. The output then fitted that mistake's model by coincidence.

Mutants of different functions share one submission (one "round"): every function is graded
in isolation (the functions it builds on are the reference's), so one mutant cannot change
another function's grade. The mutants are made by a small operator set over Python's own ``ast``
(see docs/checks.md for why), and each has a stable id: the function, the operator family and a
digest of the line, the text before and the text after, so an id in the equivalents file keeps
meaning the same mutant while the rest of the function changes.
"""

from __future__ import annotations

import argparse
import ast
import copy
import difflib
import hashlib
import json
import os
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENTS = Path(__file__).resolve().parent / "equivalent_mutants.toml"
DEFAULT_SEEDS = (101, 202, 303)

# -- the operators ------------------------------------------------------------------------------

ARITHMETIC = {
    ast.Add: [ast.Sub],
    ast.Sub: [ast.Add],
    ast.Mult: [ast.Div],
    ast.Div: [ast.Mult, ast.FloorDiv],
    ast.FloorDiv: [ast.Div],
    ast.Mod: [ast.FloorDiv],
    ast.Pow: [ast.Mult],
    ast.MatMult: [ast.Mult],
    ast.BitAnd: [ast.BitOr],
    ast.BitOr: [ast.BitAnd],
}
COMPARISON = {
    ast.Lt: [ast.LtE, ast.Gt],
    ast.LtE: [ast.Lt],
    ast.Gt: [ast.GtE, ast.Lt],
    ast.GtE: [ast.Gt],
    ast.Eq: [ast.NotEq],
    ast.NotEq: [ast.Eq],
    ast.Is: [ast.IsNot],
    ast.IsNot: [ast.Is],
    ast.In: [ast.NotIn],
    ast.NotIn: [ast.In],
}
#: Sibling functions, methods and dtypes of NumPy (and pandas): ``np.sum`` and ``X.sum()`` alike.
SIBLINGS = {
    "sum": "mean",
    "mean": "sum",
    "max": "min",
    "min": "max",
    "argmax": "argmin",
    "argmin": "argmax",
    "maximum": "minimum",
    "minimum": "maximum",
    "zeros": "ones",
    "ones": "zeros",
    "zeros_like": "ones_like",
    "ones_like": "zeros_like",
    "any": "all",
    "all": "any",
    "float32": "float64",
    "float64": "float32",
    "int64": "float64",
    "exp": "exp2",
    "log": "log2",
}
#: Builtins traded for a sibling: a Python int where a float was promised, min for max.
BUILTIN_SIBLINGS = {"int": "float", "float": "int", "max": "min", "min": "max", "True": "False"}
#: Calls whose single argument may be what a student returns instead (a conversion forgotten).
NUMPY_WRAPPERS = {"asarray", "array", "sqrt", "exp", "log", "abs", "square", "float32", "float64"}
BUILTIN_WRAPPERS = {"float", "int", "list", "tuple", "abs", "bool"}
METHOD_WRAPPERS = {"astype", "copy", "to_numpy", "tolist", "item", "ravel", "flatten", "deepcopy"}
#: Functions whose arguments may be swapped without changing the result.
COMMUTATIVE = {"maximum", "minimum", "add", "multiply", "max", "min", "array_equal", "allclose"}
RANGES = {"range", "arange"}
IN_PLACE = {ast.Add: "add", ast.Sub: "subtract", ast.Mult: "multiply", ast.Div: "true_divide"}


@dataclass
class Site:
    """One place an operator applies: where it is in the tree and what it puts there."""

    family: str
    path: tuple  # (field, index or None) steps from the function's node
    make: Callable[[ast.AST], Any]  # the original node (a copy) -> its replacement


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _is_numpy(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id in ("np", "numpy")


def _plus(expr: ast.expr, amount: int) -> ast.expr:
    if isinstance(expr, ast.Constant) and type(expr.value) in (int, float):
        return ast.Constant(expr.value + amount)
    op = ast.Add() if amount > 0 else ast.Sub()
    return ast.BinOp(left=expr, op=op, right=ast.Constant(abs(amount)))


def _number_sites(node: ast.Constant, path: tuple) -> Iterator[Site]:
    value = node.value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return
    for amount in (1, -1):
        yield Site("constant", path, lambda n, a=amount: ast.Constant(n.value + a))


def _root_name(node: ast.AST) -> str:
    """The variable an expression starts from: ``params`` for ``params["W1"][0]``."""
    while isinstance(node, (ast.Subscript, ast.Attribute)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else ""


def _expression_sites(node: ast.AST, path: tuple, inputs: frozenset[str]) -> Iterator[Site]:
    """Sites of operators that replace an expression in a Load context (``inputs``: the
    function's parameters)."""
    if isinstance(node, ast.BinOp):
        for new in ARITHMETIC.get(type(node.op), []):
            yield Site("arithmetic", path, lambda n, new=new: ast.BinOp(n.left, new(), n.right))
        yield Site("term", path, lambda n: n.left)
        if isinstance(node.op, (ast.Add, ast.Mult, ast.MatMult)):
            yield Site("term", path, lambda n: n.right)
        ufunc = IN_PLACE.get(type(node.op))
        if ufunc and _root_name(node.left) in inputs:
            # A - B computed in the memory of the caller's A (copy versus in place).
            yield Site(
                "in-place",
                path,
                lambda n, u=ufunc: ast.Call(
                    func=ast.Attribute(ast.Name("np", ast.Load()), u, ast.Load()),
                    args=[n.left, n.right],
                    keywords=[ast.keyword("out", copy.deepcopy(n.left))],
                ),
            )
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub, ast.Invert)):
        yield Site("unary", path, lambda n: n.operand)
    elif isinstance(node, ast.Compare):
        for index, op in enumerate(node.ops):
            for new in COMPARISON.get(type(op), []):

                def swap(n, i=index, new=new):
                    ops = list(n.ops)
                    ops[i] = new()
                    return ast.Compare(n.left, ops, n.comparators)

                yield Site("comparison", path, swap)
    elif isinstance(node, ast.BoolOp):
        other = ast.Or if isinstance(node.op, ast.And) else ast.And
        yield Site("boolean", path, lambda n, o=other: ast.BoolOp(o(), n.values))
        for index in range(len(node.values)):
            yield Site(
                "boolean",
                path,
                lambda n, i=index: (
                    n.values[1 - i]
                    if len(n.values) == 2
                    else ast.BoolOp(n.op, n.values[:i] + n.values[i + 1 :])
                ),
            )
    elif isinstance(node, ast.IfExp):
        yield from _condition_sites(path)
    elif isinstance(node, ast.Constant):
        yield from _number_sites(node, path)
        if isinstance(node.value, str) and node.value:
            yield Site("string", path, lambda n: ast.Constant("XX" + n.value + "XX"))
    elif isinstance(node, ast.Name):
        sibling = BUILTIN_SIBLINGS.get(node.id)
        if sibling:
            yield Site("name", path, lambda n, s=sibling: ast.Name(s, ast.Load()))
    elif isinstance(node, ast.Attribute):
        if node.attr == "T":
            yield Site("transpose", path, lambda n: n.value)
        sibling = SIBLINGS.get(node.attr)
        if sibling:
            yield Site("numpy", path, lambda n, s=sibling: ast.Attribute(n.value, s, ast.Load()))
    elif isinstance(node, ast.Call):
        yield from _call_sites(node, path)
    elif isinstance(node, (ast.Tuple, ast.List)) and len(node.elts) >= 2:
        for index in range(len(node.elts) - 1):
            if ast.dump(node.elts[index]) == ast.dump(node.elts[index + 1]):
                continue

            def swap_elements(n, i=index):
                elts = list(n.elts)
                elts[i], elts[i + 1] = elts[i + 1], elts[i]
                return type(n)(elts, ast.Load())

            yield Site("swap", path, swap_elements)


def _call_sites(node: ast.Call, path: tuple) -> Iterator[Site]:
    name = _call_name(node)
    func = node.func
    positional = [a for a in node.args if not isinstance(a, ast.Starred)]
    # A conversion or a wrapper forgotten: np.sqrt(v) -> v, float(x) -> x, X.astype(T) -> X.
    numpy_wrapper = (
        isinstance(func, ast.Attribute) and _is_numpy(func.value) and name in NUMPY_WRAPPERS
    )
    builtin_wrapper = isinstance(func, ast.Name) and name in BUILTIN_WRAPPERS
    if len(node.args) == 1 and positional and (numpy_wrapper or builtin_wrapper):
        yield Site("wrapper", path, lambda n: n.args[0])
    if isinstance(func, ast.Attribute) and name in METHOD_WRAPPERS:
        if _is_numpy(func.value) or (isinstance(func.value, ast.Name) and func.value.id == "copy"):
            if len(node.args) == 1:
                yield Site("wrapper", path, lambda n: n.args[0])
        else:
            yield Site("wrapper", path, lambda n: n.func.value)
    # Off by one: every bound of a range.
    if name in RANGES and len(node.args) == len(positional):
        for index in range(len(node.args)):
            for amount in (1, -1):

                def shift(n, i=index, a=amount):
                    args = list(n.args)
                    args[i] = _plus(args[i], a)
                    return ast.Call(n.func, args, n.keywords)

                yield Site("off-by-one", path, shift)
    # Axis and keepdims first, so that their mutants carry those names.
    for index, keyword in enumerate(node.keywords):
        if keyword.arg == "axis" and isinstance(keyword.value, ast.Constant):
            for axis in (0, 1):
                if keyword.value.value != axis:

                    def other_axis(n, i=index, axis=axis):
                        keywords = list(n.keywords)
                        keywords[i] = ast.keyword("axis", ast.Constant(axis))
                        return ast.Call(n.func, n.args, keywords)

                    yield Site("axis", path, other_axis)
        family = {"axis": "axis", "keepdims": "keepdims"}.get(keyword.arg or "", "keyword")
        yield Site(
            family,
            path,
            lambda n, i=index: ast.Call(n.func, n.args, n.keywords[:i] + n.keywords[i + 1 :]),
        )
    if len(positional) == len(node.args) and len(node.args) >= 2:
        for index in range(len(node.args)):
            yield Site(
                "argument",
                path,
                lambda n, i=index: ast.Call(n.func, n.args[:i] + n.args[i + 1 :], n.keywords),
            )
        if name not in COMMUTATIVE:
            for index in range(len(node.args) - 1):

                def swap_args(n, i=index):
                    args = list(n.args)
                    args[i], args[i + 1] = args[i + 1], args[i]
                    return ast.Call(n.func, args, n.keywords)

                yield Site("swap", path, swap_args)


def _condition_sites(path: tuple) -> Iterator[Site]:
    test = (*path, ("test", None))
    yield Site("condition", test, lambda n: ast.UnaryOp(ast.Not(), n))
    yield Site("condition", test, lambda n: ast.Constant(True))
    yield Site("condition", test, lambda n: ast.Constant(False))


def _slice_sites(node: ast.Slice, path: tuple) -> Iterator[Site]:
    for bound in ("lower", "upper"):
        if getattr(node, bound) is not None:
            for amount in (1, -1):
                yield Site("off-by-one", (*path, (bound, None)), lambda n, a=amount: _plus(n, a))


def _statement_sites(node: ast.stmt, path: tuple) -> Iterator[Site]:
    yield Site("statement", path, lambda n: ast.Pass())
    if isinstance(node, ast.AugAssign):
        for new in ARITHMETIC.get(type(node.op), []):
            yield Site(
                "arithmetic", path, lambda n, new=new: ast.AugAssign(n.target, new(), n.value)
            )
        yield Site("augmented", path, lambda n: ast.Assign([n.target], n.value))
    elif isinstance(node, (ast.If, ast.While)):
        yield from _condition_sites(path)
    elif isinstance(node, ast.For):
        yield Site("loop", (*path, ("iter", None)), lambda n: ast.List([], ast.Load()))


def _sites(
    node: ast.AST, path: tuple, inputs: frozenset[str], *, in_raise: bool = False
) -> Iterator[Site]:
    """Every site below ``node``, in a fixed order (the order of the source)."""
    if isinstance(node, ast.stmt) and path:
        yield from _statement_sites(node, path)
    if (
        not in_raise
        and isinstance(node, ast.expr)
        and not isinstance(getattr(node, "ctx", None), (ast.Store, ast.Del))
    ):
        yield from _expression_sites(node, path, inputs)
    if isinstance(node, ast.Slice):
        yield from _slice_sites(node, path)
    for name, value in ast.iter_fields(node):
        if isinstance(node, ast.JoinedStr):
            # The text of an f-string is a message; its {expressions} are code.
            if name == "values":
                for index, part in enumerate(value):
                    if isinstance(part, ast.FormattedValue):
                        yield from _sites(part, (*path, (name, index)), inputs, in_raise=in_raise)
            continue
        inner_raise = in_raise or isinstance(node, ast.Raise)
        if isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, ast.AST):
                    if _is_docstring(node, name, index):
                        continue
                    yield from _sites(item, (*path, (name, index)), inputs, in_raise=inner_raise)
        elif isinstance(value, ast.AST):
            yield from _sites(value, (*path, (name, None)), inputs, in_raise=inner_raise)


def _is_docstring(parent: ast.AST, name: str, index: int) -> bool:
    if not isinstance(parent, ast.FunctionDef) or name != "body" or index != 0:
        return False
    first = parent.body[0]
    return (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    )


def _get(node: ast.AST, path: tuple) -> ast.AST:
    for name, index in path:
        node = getattr(node, name) if index is None else getattr(node, name)[index]
    return node


def _put(root: ast.AST, path: tuple, new: ast.AST) -> None:
    *parents, (name, index) = path
    parent = _get(root, tuple(parents))
    if index is None:
        setattr(parent, name, new)
    else:
        getattr(parent, name)[index] = new


@dataclass
class Mutant:
    """One mutant: its stable id, its whole source, and the change as a diff."""

    id: str
    function: str
    family: str
    source: str
    diff: str


def normalised(source: str) -> str:
    """A function's source as ``ast.unparse`` writes it: what mutants are compared with."""
    return ast.unparse(ast.parse(source))


def generate(function: str, source: str) -> list[Mutant]:
    """Every mutant of ``function`` (whose definition is ``source``), in source order.

    A mutant that does not compile, or that is the same code as the reference or as an earlier
    mutant, is left out.
    """
    original = normalised(source)
    tree = ast.parse(original)
    definition = tree.body[0]
    lines = original.splitlines()
    seen = {original}
    occurrences: dict[str, int] = {}
    mutants = []
    arguments = definition.args
    inputs = frozenset(a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs)
    for site in _sites(definition, (), inputs):
        mutated = copy.deepcopy(definition)
        before = _get(definition, site.path)
        new = site.make(copy.deepcopy(before))
        _put(mutated, site.path, new)
        module = ast.Module(body=[mutated], type_ignores=[])
        ast.fix_missing_locations(module)
        try:
            text = ast.unparse(module)
            compile(text, f"<mutant of {function}>", "exec")
        except (SyntaxError, ValueError, TypeError):
            continue
        if text in seen:
            continue
        seen.add(text)
        line = lines[before.lineno - 1].strip() if hasattr(before, "lineno") else ""
        old_text = _text(before)
        new_text = _text(new)
        key = f"{site.family}|{line}|{old_text}|{new_text}"
        occurrences[key] = occurrences.get(key, 0) + 1
        digest = hashlib.sha1(f"{key}|{occurrences[key]}".encode()).hexdigest()[:8]
        mutants.append(
            Mutant(
                id=f"{function}.{site.family}.{digest}",
                function=function,
                family=site.family,
                source=text,
                diff=_diff(original, text),
            )
        )
    return mutants


def _text(node: ast.AST) -> str:
    try:
        return ast.unparse(node)
    except Exception:  # noqa: BLE001 - a node unparse cannot write alone (a keyword list)
        return ast.dump(node)


def _diff(original: str, mutated: str) -> str:
    lines = difflib.unified_diff(original.splitlines(), mutated.splitlines(), lineterm="", n=0)
    return "\n".join(line for line in lines if not line.startswith(("---", "+++", "@@")))


# -- the course's side --------------------------------------------------------------------------


def course_mutants(functions: list[str] | None = None) -> dict[str, list[Mutant]]:
    """The mutants of the graded functions (all of course.yml's, or ``functions``)."""
    from autograder.config import load_course
    from autograder.reference import load_reference

    course = load_course()
    reference = load_reference()
    graded = [e.function for e in course.exercises]
    unknown = [f for f in functions or [] if f not in graded]
    if unknown:
        raise SystemExit(
            f"mutants.py: {', '.join(unknown)} is not a graded function of course.yml "
            f"(graded: {', '.join(graded)})"
        )
    return {f: generate(f, reference.function_body(f)) for f in functions or graded}


@dataclass
class SeedResult:
    """How one mutant fared on one seed's cases."""

    points: float
    max_points: float
    message: str  # the first failure a student reads
    needs_review: bool
    #: Every check that failed -> the mistake id it named on each reading ("" for none).
    named: dict[str, list[str]] = field(default_factory=dict)
    raised: bool = False  # it raised on a case where the reference returns

    @property
    def killed(self) -> bool:
        return self.points < self.max_points


class _Reordered:
    """An outcome whose cases are read starting at another one: which mistake does a check
    name when a different case is the first to fail?"""

    def __init__(self, outcome: Any, first: int):
        self._outcome = outcome
        self._first = first

    @property
    def cases(self) -> list[str]:
        cases = self._outcome.cases
        return cases[self._first :] + cases[: self._first]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._outcome, name)


def _solution_notebooks() -> dict[str, Any]:
    """The solution notebooks without outputs, by lesson id, read once."""
    import nbformat

    from autograder.config import load_course
    from autograder.reference import solutions_dir

    notebooks = {}
    for lesson in load_course().lessons:
        notebook = nbformat.read(solutions_dir() / lesson.notebook, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.outputs = []
                cell.execution_count = None
        notebooks[lesson.id] = notebook
    return notebooks


def _write_round(folder: Path, batch: list[Mutant], notebooks: dict[str, Any]) -> None:
    """A submission: the solution notebooks of the lessons ``batch`` touches, each mutant in
    place of its function's solution cell."""
    import nbformat

    from autograder.config import load_course

    course = load_course()
    folder.mkdir(parents=True, exist_ok=True)
    by_lesson: dict[str, list[Mutant]] = {}
    for mutant in batch:
        by_lesson.setdefault(course.exercise(mutant.function).lesson, []).append(mutant)
    for lesson_id, mutants in by_lesson.items():
        notebook = copy.deepcopy(notebooks[lesson_id])
        for mutant in mutants:
            _replace_cell(notebook, mutant.function, mutant.source)
        nbformat.write(notebook, folder / course.lesson(lesson_id).notebook)


def _replace_cell(notebook: Any, function: str, source: str) -> None:
    for cell in notebook.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade_id") == function and cell.cell_type == "code":
            cell.source = source
            return
    raise KeyError(f"no solution cell for {function}")


def grade_round(folder: Path, functions: list[str], casebook: Any) -> dict[str, SeedResult]:
    """Grade one submission as ``grade_submission`` does (a session of confined workers, then
    the checks under pytest), and read each named check again with every case in turn first."""
    from autograder.config import load_course
    from autograder.grading.engine.results import FAILED, NEEDS_REVIEW
    from autograder.grading.engine.run import run_checks
    from autograder.grading.engine.session import GradingSession
    from autograder.grading.engine.submissions import Submission

    course = load_course()
    submission = Submission.from_path(folder, course)
    session = GradingSession(submission, course, casebook)
    exercises = [course.exercise(f) for f in functions]
    session.start(functions)
    try:
        reports = run_checks(course, exercises, session.outcome)
        results = {}
        for report in reports:
            named = {c.check: [c.mistake] for c in report.checks if c.status == FAILED}
            results[report.function] = SeedResult(
                points=report.points,
                max_points=report.max_points,
                message=report.first_message,
                needs_review=any(c.status == NEEDS_REVIEW for c in report.checks),
                named=named,
                raised=_raised(session.outcome(report.function), casebook, report.function),
            )
        _read_reordered(course, session, results)
    finally:
        session.close()
    return results


def _raised(outcome: Any, casebook: Any, function: str) -> bool:
    """Whether the function raised on a case where the reference returns a value."""
    if outcome.run is None:
        return False
    _, expected = casebook.cases(function)
    return any(
        got.raised is not None and case in expected and expected[case].raised is None
        for case, got in outcome.run.results.items()
    )


def _read_reordered(course: Any, session: Any, results: dict[str, SeedResult]) -> None:
    """For every function whose feedback named a mistake: run its checks again with each of its
    other cases read first, and note what each failed check names then ("" for nothing)."""
    from autograder.grading.engine.results import FAILED
    from autograder.grading.engine.run import run_checks

    named = [f for f, r in results.items() if any(any(ids) for ids in r.named.values())]
    if not named:
        return
    counts = {}
    for function in named:
        try:
            counts[function] = len(session.outcome(function).cases)
        except Exception:  # noqa: BLE001 - a function with no cases has nothing to reorder
            counts[function] = 1
    for first in range(1, max(counts.values())):
        chosen = [f for f in named if counts[f] > first]
        reports = run_checks(
            course,
            [course.exercise(f) for f in chosen],
            lambda f, first=first: _Reordered(session.outcome(f), first),
        )
        for report in reports:
            result = results[report.function]
            for record in report.checks:
                if record.check in result.named and record.status == FAILED:
                    result.named[record.check].append(record.mistake)


def schedule(mutants: dict[str, list[Mutant]]) -> list[list[Mutant]]:
    """Rounds: the i-th mutant of every function in round i."""
    depth = max((len(m) for m in mutants.values()), default=0)
    return [[m[i] for m in mutants.values() if i < len(m)] for i in range(depth)]


#: The hidden cases of each seed, drawn once per process (a round's process keeps them).
_CASEBOOKS: dict[tuple[int, ...], list] = {}


def _casebooks(seeds: tuple[int, ...]) -> list:
    from autograder.config import load_course
    from autograder.grading.engine.cases import CaseBook

    if seeds not in _CASEBOOKS:
        _CASEBOOKS[seeds] = [CaseBook(load_course(), seed=seed) for seed in seeds]
    return _CASEBOOKS[seeds]


def _grade_batch(
    batch: list[Mutant], folder: Path, seeds: tuple[int, ...]
) -> dict[str, list[SeedResult]]:
    """One round on every seed: mutant id -> one result per seed."""
    functions = [m.function for m in batch]
    graded: dict[str, list[SeedResult]] = {m.id: [] for m in batch}
    for casebook in _casebooks(seeds):
        results = grade_round(folder, functions, casebook)
        for mutant in batch:
            graded[mutant.id].append(results[mutant.function])
    return graded


def grading_key(mutant: Mutant, seeds: list[int]) -> str:
    """What a mutant's grade depends on, as a digest: its source, the seeds, the check modules
    (its lesson's and the shared helpers), the grading code, its exercise in course.yml, and
    the reference of the functions it builds on. A cached grade with the same key still holds."""
    from autograder.config import CHECKS_DIR, load_course
    from autograder.reference import load_reference

    course = load_course()
    exercise = course.exercise(mutant.function)
    lesson = course.lesson(exercise.lesson)
    reference = load_reference()
    package = CHECKS_DIR.parent
    files = [CHECKS_DIR / f"{lesson.checks_module}.py", package / "checking.py"]
    files += sorted(p for p in CHECKS_DIR.glob("*.py") if not p.name.startswith("test_"))
    files += sorted((package / "grading").rglob("*.py"))  # the engine, whatever its layout
    digest = hashlib.sha256()
    for part in [mutant.source, repr(seeds), repr(exercise)] + [p.read_text() for p in files]:
        digest.update(part.encode() + b"\0")
    for dep in reference.deps_of(mutant.function):
        digest.update(reference.function_body(dep).encode() + b"\0")
    return digest.hexdigest()


def _read_cache(path: Path | None) -> dict[str, list[SeedResult]]:
    if path is None or not path.is_file():
        return {}
    cached = {}
    for line in path.read_text().splitlines():
        try:
            entry = json.loads(line)
            cached[entry["key"]] = [SeedResult(**r) for r in entry["results"]]
        except (ValueError, KeyError, TypeError):
            continue  # a line cut short by an interrupted run
    return cached


def _die_with_parent() -> None:
    """A round's process ends with the run that started it (Linux's parent-death signal), so
    an interrupted run leaves no process behind."""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def grade_mutants(
    mutants: dict[str, list[Mutant]],
    seeds: list[int],
    *,
    parallel: int = 1,
    cache: Path | None = None,
    progress: Callable[[str], None] = lambda text: None,
) -> dict[str, list[SeedResult]]:
    """Every mutant graded on every seed: mutant id -> one result per seed, in seed order.

    With ``parallel`` > 1, that many rounds are graded at once, each in a process of its own:
    the grading process also answers the workers' calls of the reference (a training loop
    makes thousands), so one process cannot keep two cores busy. With ``cache``, each round's
    grades are appended there as they come, and a mutant whose grade is there under the same
    ``grading_key`` is not graded again: an interrupted run resumes, and after a change to one
    lesson's checks only that lesson's mutants are graded again.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from dataclasses import asdict

    keys = {m.id: grading_key(m, seeds) for ms in mutants.values() for m in ms}
    stored = _read_cache(cache)
    graded: dict[str, list[SeedResult]] = {
        mutant_id: stored[key] for mutant_id, key in keys.items() if key in stored
    }
    pending = {f: [m for m in ms if m.id not in graded] for f, ms in mutants.items()}
    if graded:
        progress(
            f"{len(graded)} mutants graded before (cache {cache}), {len(keys) - len(graded)} to grade"
        )
    notebooks = _solution_notebooks()
    rounds = schedule(pending)
    seed_key = tuple(seeds)

    def keep(results: dict[str, list[SeedResult]]) -> None:
        graded.update(results)
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            with cache.open("a") as out:
                for mutant_id, seed_results in results.items():
                    line = {"key": keys[mutant_id], "id": mutant_id}
                    line["results"] = [asdict(r) for r in seed_results]
                    out.write(json.dumps(line) + "\n")

    with tempfile.TemporaryDirectory(prefix="mutants-") as tmp:
        folders = []
        for number, batch in enumerate(rounds):
            folders.append(Path(tmp) / f"round{number}")
            _write_round(folders[-1], batch, notebooks)
        if parallel <= 1:
            for number, batch in enumerate(rounds):
                keep(_grade_batch(batch, folders[number], seed_key))
                progress(f"round {number + 1} of {len(rounds)}: {len(batch)} mutants")
        else:
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(
                max_workers=parallel, mp_context=context, initializer=_die_with_parent
            ) as pool:
                futures = [
                    pool.submit(_grade_batch, batch, folders[number], seed_key)
                    for number, batch in enumerate(rounds)
                ]
                for done, future in enumerate(as_completed(futures), start=1):
                    keep(future.result())
                    progress(f"{done} of {len(rounds)} rounds graded")
    return graded


# -- differential testing -----------------------------------------------------------------------

#: How the random draws of a case builder are bent toward the edges of the input space.
EDGE_MODES = ("plain", "negative", "zeros", "ties", "large", "one_row")
FLOAT_DRAWS = ("normal", "standard_normal", "uniform", "random")


class EdgeGenerator:
    """A NumPy Generator whose float draws are bent: all negative, all zero, tied (rounded),
    or large. A case builder drawing from it builds inputs of the same structure (a cache that
    matches its X, a state from earlier steps) in that region."""

    def __init__(self, seed: int, mode: str):
        self._rng = np.random.default_rng(seed)
        self._mode = mode

    def __getattr__(self, name: str) -> Any:
        draw = getattr(self._rng, name)
        if name not in FLOAT_DRAWS or self._mode in ("plain", "one_row"):
            return draw

        def bent(*args: Any, **kwargs: Any) -> Any:
            values = np.asarray(draw(*args, **kwargs))
            if self._mode == "negative":
                values = -np.abs(values)
            elif self._mode == "zeros":
                values = np.zeros_like(values)
            elif self._mode == "ties":
                values = np.round(values * 2) / 2
            elif self._mode == "large":
                values = values * 1e3
            return values if values.ndim else values.item()

        return bent


def _one_row(call: Any) -> Any | None:
    """The call cut to its first row: every array (also in a dict) with as many rows as the
    first argument. None when the first argument is not an array of several rows."""
    from autograder.checking import Call

    if not call.args or not isinstance(call.args[0], np.ndarray) or call.args[0].ndim < 1:
        return None
    rows = call.args[0].shape[0]
    if rows < 2:
        return None

    def cut(value: Any) -> Any:
        if isinstance(value, np.ndarray) and value.ndim >= 1 and value.shape[0] == rows:
            return value[:1].copy()
        if isinstance(value, dict):
            return {k: cut(v) for k, v in value.items()}
        return value

    return Call(*[cut(a) for a in call.args], **{k: cut(v) for k, v in call.kwargs.items()})


def draw_inputs(function: str, *, draws: int, budget_seconds: float) -> list[tuple[str, Any, Any]]:
    """Inputs for differential testing, with what the reference returned on each:
    ``(name, call, CallResult)``. Inputs the reference rejects (it raises where the function
    never raises by design, or returns non-finite numbers) are outside the contract: left out."""
    from autograder.checking import CASE_BUILDERS
    from autograder.config import load_course
    from autograder.grading.engine.cases import import_checks
    from autograder.grading.engine.outcomes import call_locally
    from autograder.reference import load_reference

    course = load_course()
    import_checks(course, {course.exercise(function).lesson})
    reference = load_reference()
    builder = CASE_BUILDERS[function]
    target = getattr(reference.namespace, function)
    inputs: list[tuple[str, Any, Any]] = []
    raises_by_design = False
    started = time.perf_counter()
    for draw in range(draws):
        for mode in EDGE_MODES:
            if time.perf_counter() - started > budget_seconds and inputs:
                return inputs
            rng = EdgeGenerator(draw * 7919 + 17, mode)
            try:
                calls = builder(rng, reference.namespace)
            except Exception:  # noqa: BLE001, S112 - a builder that cannot draw in this region
                continue
            for case, call in calls.items():
                if mode == "one_row":
                    call = _one_row(call)
                    if call is None:
                        continue
                result = call_locally(target, copy.deepcopy(call))
                if result.raised is not None:
                    if mode == "plain":
                        raises_by_design = True
                    if not raises_by_design:
                        continue
                elif not _finite(result.value):
                    continue
                inputs.append((f"{case} ({mode}, draw {draw})", call, result))
    return inputs


def _finite(value: Any) -> bool:
    if isinstance(value, np.ndarray):
        return value.dtype.kind not in "fc" or bool(np.all(np.isfinite(value)))
    if isinstance(value, float):
        return bool(np.isfinite(value))
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(_finite(v) for v in value)
    return True


def same(want: Any, got: Any, single: bool = False) -> bool:
    """The same value: same types, shapes and dtypes, numbers equal up to rounding (float32's
    when ``single``: the inputs held float32 numbers, whose rounding no contract fixes)."""
    import pandas as pd

    from autograder.codec import Probe

    if isinstance(want, pd.DataFrame):
        return (
            isinstance(got, pd.DataFrame)
            and list(want.columns) == list(got.columns)
            and all(same(want[c].to_numpy(), got[c].to_numpy(), single) for c in want.columns)
            and same(want.index.to_numpy(), got.index.to_numpy(), single)
        )
    if isinstance(want, np.ndarray):
        if not isinstance(got, np.ndarray) or got.shape != want.shape:
            return False
        if want.dtype.kind in "iu" and got.dtype.kind in "iu":
            # The course promises integers, never their width: int32 and int64 are the same.
            return bool(np.array_equal(got, want))
        if got.dtype != want.dtype:
            return False
        if want.dtype.kind in "fc":
            tight = want.dtype == np.float64 and not single
            return bool(
                np.allclose(
                    got,
                    want,
                    rtol=1e-9 if tight else 1e-5,
                    atol=1e-12 if tight else 1e-7,
                    equal_nan=True,
                )
            )
        return bool(np.array_equal(got, want))
    if isinstance(want, dict):
        return (
            isinstance(got, dict)
            and set(want) == set(got)
            and all(same(want[k], got[k], single) for k in want)
        )
    if isinstance(want, (list, tuple)):
        return (
            type(got) is type(want)
            and len(got) == len(want)
            and all(same(w, g, single) for w, g in zip(want, got))
        )
    if callable(want) or isinstance(want, Probe):
        return True  # a function handed in (a probe, by name before the call): not a value
    if isinstance(want, (float, np.floating)):
        # np.float64 is a Python float (a subclass): the same type for a promise of "a float"
        kind = type(got) is type(want) or (isinstance(got, float) and isinstance(want, float))
        return kind and bool(
            np.isclose(
                float(got),
                float(want),
                rtol=1e-5 if single else 1e-9,
                atol=1e-7 if single else 1e-12,
                equal_nan=True,
            )
        )
    return type(got) is type(want) and bool(got == want)


def _holds_float32(value: Any) -> bool:
    """Whether a call's inputs hold a float32 array anywhere (in a tuple, list or dict too)."""
    if isinstance(value, np.ndarray):
        return value.dtype == np.float32
    if isinstance(value, dict):
        return any(_holds_float32(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_holds_float32(v) for v in value)
    return False


def _same_result(want: Any, got: Any, single: bool = False) -> str | None:
    """How the mutant's CallResult differs from the reference's, or None. What is raised is
    compared by type: a message's words are not mutated, and the checks judge what it names.
    ``single``: the inputs held float32 numbers (see ``same``)."""
    if want.raised is not None or got.raised is not None:
        if want.raised is None or got.raised is None:
            return "one raised, the other did not"
        if want.raised.type != got.raised.type:
            return f"they raised different exceptions ({want.raised.type}, {got.raised.type})"
        return None
    if not same(want.value, got.value, single):
        return "the results differ"
    if got.args_after is not None and not same(
        tuple(want.args_after), tuple(got.args_after), single
    ):
        return "the inputs were left differently"
    return None


def differential(
    mutant: Mutant,
    inputs: list[tuple[str, Any, Any]],
    *,
    chunk: int = 40,
) -> str | None:
    """Run ``mutant`` in confined workers on ``inputs``; the first input on which it differs
    from the reference (in words), or None when it computes the same on all of them."""
    from autograder.config import load_course
    from autograder.grading.engine.reference_calls import ReferenceServer
    from autograder.notebooks import read_notebook, select_for
    from autograder.reference import load_reference, solutions_dir
    from autograder.sandbox.runner import Job, Limits, run_function

    course = load_course()
    reference = load_reference()
    with tempfile.TemporaryDirectory(prefix="mutant-") as tmp:
        _write_round(Path(tmp), [mutant], _solution_notebooks())
        lesson = course.lesson(course.exercise(mutant.function).lesson)
        notebook = read_notebook(Path(tmp) / lesson.notebook)
    statements = [
        {"source": d.source, "filename": d.label, "line": d.line, "names": list(d.names)}
        for d in select_for(notebook.definitions, mutant.function)
    ]
    exercise = course.exercise(mutant.function)

    serve = ReferenceServer.shared(solutions_dir())  # the reference, as grading serves it
    # A mutant that differs mostly differs at once: a small first job, then larger ones.
    bounds = [0, min(8, len(inputs)), *range(8 + chunk, len(inputs), chunk), len(inputs)]
    for start, end in pairwise(bounds):
        part = inputs[start:end]
        if not part:
            continue
        job = Job(
            function=mutant.function,
            statements=statements,
            cases=[(name, call.args, call.kwargs) for name, call, _ in part],
            proxied_deps=reference.deps_of(mutant.function),
        )
        run = run_function(
            job, limits=Limits(cpu_seconds=max(exercise.timeout_seconds, 60)), serve=serve
        )
        for name, call, want in part:
            got = run.results.get(name)
            if got is None:
                return f"on {name}: no result ({run.fate or run.grader_error or 'it stopped'})"
            why = _same_result(want, got, _holds_float32((call.args, call.kwargs)))
            if why:
                return f"on {name}: {why}"
    return None


# -- the equivalents file -----------------------------------------------------------------------


def load_equivalents(path: Path = EQUIVALENTS) -> dict[str, str]:
    """Reviewed equivalent mutants: id -> the one-line reason."""
    if not path.is_file():
        return {}
    data = tomllib.loads(path.read_text())
    entries = data.get("equivalent", {})
    bad = [k for k, v in entries.items() if not isinstance(v, str) or not v.strip()]
    if bad:
        raise SystemExit(f"mutants.py: {path}: give each entry a one-line reason: {bad[0]}")
    return dict(entries)


# -- the report ---------------------------------------------------------------------------------


def verdict(results: list[SeedResult], seeds: list[int]) -> dict:
    """One mutant over the seeds: killed (on every seed), named, and whether a name was wrong.

    Named: on every seed some failed check names a mistake. Wrong: a check names a mistake on
    one reading (a seed, or its cases read in another order) and another mistake, or none, on
    another reading where it fails too.
    """
    killed_on = [s for s, r in zip(seeds, results) if r.killed]
    killed = len(killed_on) == len(results)
    named_everywhere = killed and all(any(any(ids) for ids in r.named.values()) for r in results)
    readings: dict[str, set[str]] = {}
    for result in results:
        for check, ids in result.named.items():
            readings.setdefault(check, set()).update(ids)
    wrong = {
        check: sorted(names) for check, names in readings.items() if len(names) > 1 and any(names)
    }
    return {
        "killed": killed,
        "killed_on": killed_on,
        "named": named_everywhere and not wrong,
        "wrong": wrong,
        "needs_review": any(r.needs_review for r in results),
        "raised": any(r.raised for r in results),
        "message": next((r.message for r in results if r.killed), ""),
    }


def report(
    mutants: dict[str, list[Mutant]],
    graded: dict[str, list[SeedResult]],
    seeds: list[int],
    equivalents: dict[str, str],
    *,
    draws: int,
    budget_seconds: float,
    progress: Callable[[str], None] = lambda text: None,
) -> dict:
    """The figures per function and in all, with the survivors tested for equivalence."""
    functions = {}
    totals = dict.fromkeys(
        ("mutants", "killed", "equivalent", "survived", "named", "wrong_guesses"), 0
    )
    known = {m.id for ms in mutants.values() for m in ms}
    for function, ms in mutants.items():
        entry: dict[str, Any] = {
            "mutants": len(ms),
            "killed": 0,
            "equivalent": 0,
            "named": 0,
            "wrong_guesses": [],
            "survived": [],
            "need_a_name": [],
            "needs_review": [],
            "refused_equivalents": [],
            "equivalents_killed": [],
        }
        inputs = None
        for mutant in ms:
            v = verdict(graded[mutant.id], seeds)
            if v["needs_review"]:
                entry["needs_review"].append({"id": mutant.id, "message": v["message"][:300]})
            if v["killed"]:
                entry["killed"] += 1
                if mutant.id in equivalents:
                    entry["equivalents_killed"].append(mutant.id)
                if v["wrong"]:
                    entry["wrong_guesses"].append(
                        {"id": mutant.id, "diff": mutant.diff, "names": v["wrong"]}
                    )
                elif v["named"]:
                    entry["named"] += 1
                else:
                    entry["need_a_name"].append(
                        {
                            "id": mutant.id,
                            "diff": mutant.diff,
                            "raised": v["raised"],
                            "message": v["message"][:300],
                        }
                    )
                continue
            if inputs is None:
                progress(f"differential testing of {function}'s survivors")
                inputs = draw_inputs(function, draws=draws, budget_seconds=budget_seconds)
            differs = differential(mutant, inputs)
            if mutant.id in equivalents:
                if differs is None:
                    entry["equivalent"] += 1
                    continue
                entry["refused_equivalents"].append(
                    {"id": mutant.id, "reason": equivalents[mutant.id], "differs": differs}
                )
            entry["survived"].append(
                {
                    "id": mutant.id,
                    "diff": mutant.diff,
                    "killed_on_seeds": v["killed_on"],
                    "differential": differs
                    or f"no difference found on {len(inputs)} inputs: equivalent?",
                }
            )
        entry["inputs_for_equivalence"] = len(inputs) if inputs is not None else 0
        functions[function] = entry
        totals["mutants"] += entry["mutants"]
        totals["killed"] += entry["killed"]
        totals["equivalent"] += entry["equivalent"]
        totals["survived"] += len(entry["survived"])
        totals["named"] += entry["named"]
        totals["wrong_guesses"] += len(entry["wrong_guesses"])
    unknown = sorted(i for i in equivalents if i not in known and i.split(".")[0] in mutants)
    return {"functions": functions, "totals": totals, "unknown_equivalents": unknown}


def figures(data: dict) -> list[str]:
    """The report as a table, one line per function and one in all."""
    lines = [
        f"{'function':24} {'mutants':>7} {'killed':>6} {'equiv':>5} {'surv':>4} "
        + f"{'named':>9} {'wrong':>5}"
    ]
    rows = list(data["functions"].items()) + [("all", data["totals"])]
    for name, entry in rows:
        survived = (
            entry["survived"] if isinstance(entry["survived"], int) else len(entry["survived"])
        )
        wrong = entry["wrong_guesses"]
        wrong = wrong if isinstance(wrong, int) else len(wrong)
        killed = entry["killed"]
        share = f"{entry['named'] / killed:.0%}" if killed else "-"
        lines.append(
            f"{name:24} {entry['mutants']:7} {killed:6} {entry['equivalent']:5} {survived:4} "
            f"{entry['named']:4} {share:>4} {wrong:5}"
        )
    return lines


def markdown(data: dict) -> list[str]:
    """The figures of a run (its JSON) as a Markdown table, for benchmarks/RESULTS.md."""
    lines = [
        "| function | mutants | killed | equivalent | survived | named (of killed) | wrong guesses |",
        "|---|---|---|---|---|---|---|",
    ]
    rows = list(data["functions"].items()) + [("**all**", data["totals"])]
    for name, entry in rows:
        count = lambda value: value if isinstance(value, int) else len(value)
        killed = entry["killed"]
        share = f" ({entry['named'] / killed:.0%})" if killed else ""
        lines.append(
            f"| {name} | {entry['mutants']} | {killed} | {entry['equivalent']} | "
            f"{count(entry['survived'])} | {entry['named']}{share} | "
            f"{count(entry['wrong_guesses'])} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--function", action="append", help="a graded function (repeatable)")
    parser.add_argument("--seeds", type=int, default=3, help="draws of the hidden cases")
    parser.add_argument("--json", type=Path, help="write the figures and survivors here")
    parser.add_argument("--equivalents", type=Path, default=EQUIVALENTS)
    parser.add_argument("--draws", type=int, default=12, help="differential testing: draws")
    parser.add_argument(
        "--budget", type=float, default=30.0, help="differential testing: seconds per function"
    )
    parser.add_argument("--parallel", type=int, default=2, help="rounds graded at once")
    parser.add_argument(
        "--cache",
        type=Path,
        default=ROOT / "out" / "mutants-cache.jsonl",
        help="grades kept between runs (default out/mutants-cache.jsonl)",
    )
    parser.add_argument("--no-cache", action="store_true", help="grade every mutant afresh")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument(
        "--markdown", type=Path, metavar="RUN.json", help="print a run's figures as Markdown"
    )
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("COURSE_DATA", str(ROOT / "data" / "sample"))
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    say = (lambda text: None) if args.quiet else (lambda text: print(text, file=sys.stderr))
    if args.markdown:
        print("\n".join(markdown(json.loads(args.markdown.read_text()))))
        return 0
    started = time.perf_counter()
    mutants = course_mutants(args.function)
    if args.list:
        for ms in mutants.values():
            for m in ms:
                print(m.id)
                print("   " + m.diff.replace("\n", "\n   "))
        return 0
    seeds = list(DEFAULT_SEEDS[: args.seeds]) + [
        DEFAULT_SEEDS[-1] + 101 * (i + 1) for i in range(max(0, args.seeds - len(DEFAULT_SEEDS)))
    ]
    equivalents = load_equivalents(args.equivalents)
    say(f"{sum(map(len, mutants.values()))} mutants of {len(mutants)} functions, seeds {seeds}")
    graded = grade_mutants(
        mutants,
        seeds,
        parallel=args.parallel,
        cache=None if args.no_cache else args.cache,
        progress=say,
    )
    graded_seconds = time.perf_counter() - started
    data = report(
        mutants,
        graded,
        seeds,
        equivalents,
        draws=args.draws,
        budget_seconds=args.budget,
        progress=say,
    )
    data["seeds"] = seeds
    data["seconds"] = round(time.perf_counter() - started, 1)
    data["grading_seconds"] = round(graded_seconds, 1)
    data["command"] = "python benchmarks/mutants.py " + " ".join(argv or sys.argv[1:])
    if args.json:
        args.json.write_text(json.dumps(data, indent=1) + "\n")
    for line in figures(data):
        print(line)
    refused = [r for e in data["functions"].values() for r in e["refused_equivalents"]]
    for entry in refused:
        print(f"refused equivalent {entry['id']}: {entry['differs']}")
    for stale in data["unknown_equivalents"]:
        print(f"no such mutant (the code changed?): {stale}")
    print(f"{data['seconds']} s")
    return 1 if refused else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
