"""Submissions whose graded functions are identical or nearly so, for the class report.

Each implemented function (not an untouched stub) is normalised before comparing: comments and
docstrings dropped, local names (arguments, assigned variables, loop targets) renamed in order
of appearance, layout rewritten by ``ast.unparse``. Submissions whose normalised functions are
all the same form a group of identical ones (found by hashing, in one pass over the class).

Near-identical pairs are found as MOSS finds them: winnowed fingerprints of the normalised
token stream (``copydetect``'s implementation of Schleimer, Wilkerson and Aiken's winnowing),
an index from each fingerprint to the submissions that hold it, and an exact comparison only for
the pairs that share enough fingerprints. A passage held by more than ``COMMON`` submissions
(the stub's own lines, the usual idiom) is left out of that search, as MOSS's ``-m`` leaves it
out. Two students' similarity is the token-weighted mean, over the functions both implemented,
of the share of each function's tokens covered by fingerprints the other also has. Short code
proves little (many correct ``relu`` are the same line), so a pair is flagged only when the
compared code is long enough.

The work is bounded: each function is compared on its first ``MAX_SOURCE`` characters, which
makes the cost close to linear in the class's code, and the whole search stops at
``TIME_BUDGET`` seconds, saying so in the report (``complete``).
"""

from __future__ import annotations

import ast
import hashlib
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from autograder.grading.engine.results import NOT_DEFINED, NOT_IMPLEMENTED, GradingResult
from autograder.notebooks import parse_python

#: Pairs at or above this similarity are flagged.
THRESHOLD = 0.9
#: A pair is compared only when the functions both implemented hold at least this many tokens.
MIN_TOKENS = 120
#: Pairs listed at most (identical groups are listed whole).
MAX_PAIRS = 60
#: Pairs kept in the report at most (the rest are counted).
MAX_KEPT_PAIRS = 1000
#: Characters of one function that are compared; the rest of a longer function is not.
MAX_SOURCE = 100_000
#: Seconds the whole search may take; it stops there and the report says so.
TIME_BUDGET = 60.0
#: Fingerprints: k-grams of this many tokens, one kept per window of WINDOW k-grams (so any
#: match of K + WINDOW - 1 tokens is found).
K = 5
WINDOW = 4
#: A fingerprint held by more submissions than this is common code, left out of the search.
COMMON = 20
#: A pair is compared exactly when it shares at least this share of the smaller side's
#: fingerprints (a pair at 90% similarity shares nearly all of them).
CANDIDATE_SHARE = 0.5

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
    more_pairs: int = 0  # flagged pairs beyond the ones kept in ``pairs``
    complete: bool = True  # False when the time budget ran out first
    note: str = ""  # what was left out, in words
    seconds: float = 0.0  # how long the search took (wall clock)


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
    """The tokens of ``source`` with comments, docstrings, local names and layout normalised
    (only its first ``MAX_SOURCE`` characters, as tokens, when it is longer)."""
    if len(source) > MAX_SOURCE:
        head = source[:MAX_SOURCE]
        return _TOKEN.findall("\n".join(line.split("#", 1)[0] for line in head.splitlines()))
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


@dataclass
class _Function:
    tokens: tuple[str, ...]
    digest: bytes
    print: _Print | None  # None when shorter than K tokens


class _Vocabulary:
    """One character per distinct token, so copydetect's character k-grams are token k-grams."""

    def __init__(self) -> None:
        self.chars: dict[str, str] = {}

    def text(self, tokens: tuple[str, ...]) -> str:
        out = []
        for token in tokens:
            char = self.chars.get(token)
            if char is None:
                index = len(self.chars)
                char = chr(0x100 + index) if index < 0xD700 else chr(0x10000 + index % 0xF0000)
                self.chars[token] = char
            out.append(char)
        return "".join(out)


@dataclass
class _Print:
    """What copydetect's ``compare_files`` reads from a ``CodeFingerprint``."""

    hashes: set
    hash_idx: dict
    k: int
    filtered_code: str
    offsets: object
    token_coverage: float


_MIX = np.uint64(0x9E3779B97F4A7C15)


def _kgram_hashes(text: str, k: int) -> np.ndarray:
    """A hash of every k-gram of ``text``, the same in every process.

    copydetect hashes k-grams with Python's ``hash()``, which ``PYTHONHASHSEED`` changes from one
    process to the next; winnowing keeps the smallest hash of each window, so a class graded in
    shards (or twice) would keep different fingerprints and report different similarities."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = len(codes) - k + 1
    out = np.zeros(max(n, 0), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(k):
            out = (out * _MIX) ^ codes[offset : offset + n]
        out ^= out >> np.uint64(29)
        out *= _MIX
        out ^= out >> np.uint64(32)
    return out.view(np.int64)


def _print_of(text: str) -> _Print:
    from copydetect.utils import get_token_coverage, winnow

    hashes, idx = winnow(_kgram_hashes(text, K), window_size=WINDOW, remove_duplicates=False)
    hash_idx: dict = defaultdict(list)
    for value, i in zip(hashes.tolist(), idx.tolist()):
        hash_idx[value].append(i)
    return _Print(
        set(hash_idx), dict(hash_idx), K, text, np.array([]),
        get_token_coverage(hash_idx, K, len(text)),
    )  # fmt: skip


def _fingerprint(tokens: tuple[str, ...], vocabulary: _Vocabulary) -> _Function:
    digest = hashlib.blake2b("\x00".join(tokens).encode("utf-8", "replace")).digest()
    code = _print_of(vocabulary.text(tokens)) if len(tokens) >= K else None
    return _Function(tokens, digest, code)


def _implemented(result: GradingResult, vocabulary: _Vocabulary) -> dict[str, _Function]:
    code: dict[str, _Function] = {}
    for report in result.functions:
        if not report.source or report.status in (NOT_IMPLEMENTED, NOT_DEFINED):
            continue
        tokens = tuple(normalise(report.source))
        if tokens:
            code[report.function] = _fingerprint(tokens, vocabulary)
    return code


def _function_similarity(a: _Function, b: _Function) -> float:
    from copydetect import compare_files

    if a.digest == b.digest:
        return 1.0
    if a.print is None or b.print is None:
        return 0.0
    overlap, (share_a, share_b), _ = compare_files(a.print, b.print)
    if not overlap:
        return 0.0
    weight_a, weight_b = len(a.tokens), len(b.tokens)
    return float(share_a * weight_a + share_b * weight_b) / (weight_a + weight_b)


def compare(
    first: dict[str, _Function], second: dict[str, _Function]
) -> tuple[float, list[str], list[str], int]:
    """Similarity of two students' functions: (similarity, compared, identical, tokens)."""
    compared = [f for f in first if f in second]
    if not compared:
        return 0.0, [], [], 0
    tokens = min(
        sum(len(first[f].tokens) for f in compared), sum(len(second[f].tokens) for f in compared)
    )
    weights = {f: len(first[f].tokens) + len(second[f].tokens) for f in compared}
    total = sum(weights.values())
    weighted = 0.0
    identical = []
    for function in compared:
        if first[function].digest == second[function].digest:
            identical.append(function)
            weighted += weights[function]
        else:
            weighted += _function_similarity(first[function], second[function]) * weights[function]
    return weighted / total, compared, identical, tokens


def _candidates(
    code: dict[str, dict[str, _Function]], students: list[str]
) -> list[tuple[str, str]]:
    """Pairs that share enough fingerprints to be worth an exact comparison."""
    holders: dict[tuple[str, int], list[str]] = defaultdict(list)
    sizes: dict[str, int] = {}
    for student in students:
        count = 0
        for function, found in code[student].items():
            if found.print is None:
                continue
            for digest in found.print.hashes:
                holders[(function, int(digest))].append(student)
            count += len(found.print.hashes)
        sizes[student] = count
    shared: dict[tuple[str, str], int] = defaultdict(int)
    for group in holders.values():
        if 1 < len(group) <= COMMON:
            for pair in combinations(sorted(set(group)), 2):
                shared[pair] += 1
    return [
        pair
        for pair, count in shared.items()
        if count >= CANDIDATE_SHARE * max(1, min(sizes[pair[0]], sizes[pair[1]]))
    ]


def find_similar(
    results: list[GradingResult],
    *,
    threshold: float = THRESHOLD,
    min_tokens: int = MIN_TOKENS,
    time_budget: float = TIME_BUDGET,
) -> SimilarityReport:
    """Pairs of submissions at or above ``threshold``, and groups of identical ones."""
    deadline = time.monotonic() + time_budget
    report = SimilarityReport(threshold=threshold, min_tokens=min_tokens)
    vocabulary = _Vocabulary()
    code: dict[str, dict[str, _Function]] = {}
    for result in results:
        if time.monotonic() > deadline:
            report.complete = False
            report.note = (
                f"The comparison stopped at its time budget of {time_budget:g} s, after reading "
                f"{len(code)} of {len(results)} submissions."
            )
            break
        code[result.submission] = _implemented(result, vocabulary)
    students = [s for s in code if code[s]]
    report.compared_students = len(students)
    # Identical submissions: the same functions, each the same after normalising.
    signatures: dict[tuple, list[str]] = defaultdict(list)
    for student in students:
        signature = tuple(sorted((f, c.digest) for f, c in code[student].items()))
        signatures[signature].append(student)
    members_of: dict[str, list[str]] = {}  # a leader -> the submissions identical to it
    flagged: list[SimilarPair] = []
    unkept = 0

    def flag(pair: SimilarPair) -> None:
        nonlocal unkept
        if len(flagged) < MAX_KEPT_PAIRS * 2:
            flagged.append(pair)
        else:
            unkept += 1

    for members in signatures.values():
        members.sort()
        members_of[members[0]] = members
        tokens = sum(len(c.tokens) for c in code[members[0]].values())
        if len(members) > 1 and tokens >= min_tokens:
            report.groups.append(members)
            names = list(code[members[0]])
            for first, second in combinations(members, 2):
                flag(SimilarPair(first, second, 1.0, names, names, tokens))
    for first, second in _candidates(code, list(members_of)):
        if time.monotonic() > deadline:
            report.complete = False
            report.note = report.note or (
                f"The comparison stopped at its time budget of {time_budget:g} s; pairs not "
                "compared by then are not listed."
            )
            break
        similarity, compared, identical, tokens = compare(code[first], code[second])
        if tokens < min_tokens or similarity < threshold:
            continue
        for a in members_of[first]:
            for b in members_of[second]:
                flag(SimilarPair(*sorted((a, b)), similarity, compared, identical, tokens))
    flagged.sort(key=lambda p: (-p.similarity, -p.tokens, p.first, p.second))
    report.pairs = flagged[:MAX_KEPT_PAIRS]
    report.more_pairs = len(flagged) - len(report.pairs) + unkept
    report.groups.sort(key=lambda g: (-len(g), g))
    return report
