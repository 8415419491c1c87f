"""Submissions whose graded functions are identical or nearly so, for the class report.

Each implemented function (not an untouched stub) is normalised before comparing: comments and
docstrings dropped, local names (arguments, assigned variables, loop targets) renamed in order
of appearance, layout rewritten by ``ast.unparse``. Two students are compared on the functions
both implemented; their similarity is the token-weighted mean of the per-function similarity
(``difflib``'s ratio on the normalised tokens). Short code proves little (many correct ``relu``
are the same line), so a pair is flagged only when the compared code is long enough.
"""

from __future__ import annotations

import ast
import difflib
import re
from dataclasses import dataclass, field
from itertools import combinations

from autograder.grading.results import NOT_DEFINED, NOT_IMPLEMENTED, GradingResult
from autograder.notebooks import parse_python

#: Pairs at or above this similarity are flagged.
THRESHOLD = 0.9
#: A pair is compared only when the functions both implemented hold at least this many tokens.
MIN_TOKENS = 120
#: Pairs listed at most (identical groups are listed whole).
MAX_PAIRS = 60

_TOKEN = re.compile(r"[A-Za-z_]\w*|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\S")


@dataclass
class SimilarPair:
    first: str
    second: str
    similarity: float  # 0..1, token-weighted over the compared functions
    compared: list[str]  # the functions both implemented
    identical: list[str]  # those that are identical after normalising
    tokens: int  # normalised tokens compared (the smaller side)


@dataclass
class SimilarityReport:
    pairs: list[SimilarPair] = field(default_factory=list)  # flagged, most similar first
    groups: list[list[str]] = field(default_factory=list)  # identical after normalising
    compared_students: int = 0
    threshold: float = THRESHOLD
    min_tokens: int = MIN_TOKENS


class _Renamer(ast.NodeTransformer):
    def __init__(self, local: set[str]):
        self.names: dict[str, str] = {}
        self.local = local

    def _new(self, name: str) -> str:
        if name not in self.names:
            self.names[name] = f"v{len(self.names)}"
        return self.names[name]

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in self.local:
            node.id = self._new(node.id)
        return node

    def visit_arg(self, node: ast.arg) -> ast.AST:
        node.arg = self._new(node.arg)
        node.annotation = None
        return node


def _local_names(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    return names


def _drop_docstrings(tree: ast.AST) -> None:
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)):
            body = node.body
            first = body[0].value if body and isinstance(body[0], ast.Expr) else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                node.body = body[1:] or [ast.Pass()]


def normalise(source: str) -> list[str]:
    """The tokens of ``source`` with comments, docstrings, local names and layout normalised."""
    try:
        tree = parse_python(source)
        _drop_docstrings(tree)
        tree = _Renamer(_local_names(tree)).visit(tree)
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                node.returns = None
        text = ast.unparse(ast.fix_missing_locations(tree))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        text = "\n".join(line.split("#", 1)[0] for line in source.splitlines())
    return _TOKEN.findall(text)


def _implemented(result: GradingResult) -> dict[str, tuple[str, ...]]:
    code: dict[str, tuple[str, ...]] = {}
    for report in result.functions:
        if not report.source or report.status in (NOT_IMPLEMENTED, NOT_DEFINED):
            continue
        tokens = tuple(normalise(report.source))
        if tokens:
            code[report.function] = tokens
    return code


def compare(
    first: dict[str, tuple[str, ...]],
    second: dict[str, tuple[str, ...]],
    *,
    at_least: float = 0.0,
) -> tuple[float, list[str], list[str], int]:
    """Similarity of two students' normalised functions: (similarity, compared, identical, tokens).

    With ``at_least``, a pair whose upper bound (difflib's quick ratio) is already below it is
    not compared exactly, and its similarity is reported as that upper bound.
    """
    compared = [f for f in first if f in second]
    if not compared:
        return 0.0, [], [], 0
    tokens = min(sum(len(first[f]) for f in compared), sum(len(second[f]) for f in compared))
    matchers = {}
    weights = {f: len(first[f]) + len(second[f]) for f in compared}
    total = sum(weights.values())
    bound = 0.0
    for function in compared:
        a, b = first[function], second[function]
        if a == b:
            bound += weights[function]
            continue
        matchers[function] = difflib.SequenceMatcher(None, a, b, autojunk=False)
        bound += matchers[function].quick_ratio() * weights[function]
    if bound / total < at_least:
        return bound / total, compared, [], tokens
    weighted = 0.0
    identical = []
    for function in compared:
        if function not in matchers:
            identical.append(function)
            weighted += weights[function]
        else:
            weighted += matchers[function].ratio() * weights[function]
    return weighted / total, compared, identical, tokens


def find_similar(
    results: list[GradingResult], *, threshold: float = THRESHOLD, min_tokens: int = MIN_TOKENS
) -> SimilarityReport:
    """Pairs of submissions at or above ``threshold``, and groups of identical ones."""
    code = {r.submission: _implemented(r) for r in results}
    students = [s for s in code if code[s]]
    report = SimilarityReport(
        compared_students=len(students), threshold=threshold, min_tokens=min_tokens
    )
    identical_with: dict[str, set[str]] = {s: {s} for s in students}
    for first, second in combinations(students, 2):
        similarity, compared, identical, tokens = compare(
            code[first], code[second], at_least=threshold
        )
        if tokens < min_tokens or similarity < threshold:
            continue
        report.pairs.append(SimilarPair(first, second, similarity, compared, identical, tokens))
        if len(identical) == len(compared):
            identical_with[first].add(second)
            identical_with[second].add(first)
    report.pairs.sort(key=lambda p: (-p.similarity, -p.tokens, p.first, p.second))
    report.groups = _groups(identical_with)
    return report


def _groups(linked: dict[str, set[str]]) -> list[list[str]]:
    """Connected groups of students linked by identical code, largest first."""
    seen: set[str] = set()
    groups = []
    for student, partners in linked.items():
        if student in seen or len(partners) < 2:
            continue
        group, todo = set(), [student]
        while todo:
            current = todo.pop()
            if current in group:
                continue
            group.add(current)
            todo.extend(linked[current] - group)
        seen |= group
        groups.append(sorted(group))
    groups.sort(key=lambda g: (-len(g), g))
    return groups
