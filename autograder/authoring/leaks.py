"""Finding answers in a folder: lines of the reference solutions that the lessons do not show.

A solution's *distinctive lines* are the code lines of its solution regions (see
:mod:`autograder.authoring.regions`) that are long enough to say something (at least
:data:`MIN_CHARACTERS` characters besides spaces) and that appear nowhere in the generated
lessons (a lesson may show a line in its explanation or in a later cell that uses the function).
Lines that compute nothing do not count: an assignment or ``return`` of names, attributes,
constants and lookups by a constant key (``Z1, A1, Z2 = cache["Z1"], cache["A1"], cache["Z2"]``)
is plumbing that any code around the same data writes too. Lines are compared without spaces and
without a trailing ``  # comment``, so re-indenting or re-spacing a copied line does not hide it.
The release refuses a bundle where any file holds one.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path

from autograder.authoring.regions import solution_regions
from autograder.config import LESSONS_DIR, load_course

MIN_CHARACTERS = 16
SCANNED_SUFFIXES = (
    ".py",
    ".ipynb",
    ".md",
    ".txt",
    ".json",
    ".yml",
    ".yaml",
    ".ini",
    ".cfg",
    ".toml",
)
_COMMENT = re.compile(r"\s{2,}#.*$")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Leak:
    path: Path
    line: int
    function: str
    text: str

    def __str__(self) -> str:
        return (
            f"{self.path}, line {self.line}: a line of the {self.function} solution ({self.text})"
        )


def normalise(line: str) -> str:
    """A line as compared: no trailing ``  # comment``, no spaces."""
    return _SPACE.sub("", _COMMENT.sub("", line.rstrip()))


_PLUMBING = (ast.Name, ast.Attribute, ast.Tuple, ast.List, ast.Constant, ast.Load, ast.Store)


def computes_nothing(line: str) -> bool:
    """True for an assignment or return whose value only names, unpacks or looks things up by a
    constant key."""
    try:
        tree = ast.parse(line.strip())
    except SyntaxError:
        return False
    if len(tree.body) != 1 or not isinstance(tree.body[0], (ast.Assign, ast.Return)):
        return False
    statement = tree.body[0]
    for node in ast.walk(statement):
        if node is statement or isinstance(node, _PLUMBING):
            continue
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            continue
        return False
    return True


def _text_lines(path: Path) -> list[str]:
    """The lines of a file that a reader sees: a notebook's cell sources, any other file's text."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".ipynb":
        try:
            cells = json.loads(text).get("cells", [])
        except (ValueError, AttributeError):
            return text.split("\n")
        lines = []
        for cell in cells:
            source = cell.get("source", "")
            lines += ("".join(source) if isinstance(source, list) else str(source)).split("\n")
        return lines
    return text.split("\n")


def shown_lines(lessons: Path = LESSONS_DIR) -> set[str]:
    """Every line the generated lessons show (normalised)."""
    return {
        normalise(line) for path in sorted(lessons.glob("*.ipynb")) for line in _text_lines(path)
    }


def distinctive_lines(lessons: Path = LESSONS_DIR) -> dict[str, str]:
    """The distinctive lines of every graded function's reference solution (normalised), each
    mapped to the function it belongs to."""
    from autograder.reference import load_reference

    reference = load_reference()
    shown = shown_lines(lessons)
    found: dict[str, str] = {}
    for exercise in load_course().exercises:
        for region in solution_regions(reference.function_body(exercise.function)):
            for line in region.code_lines:
                key = normalise(line)
                if len(key) >= MIN_CHARACTERS and key not in shown and not computes_nothing(line):
                    found.setdefault(key, exercise.function)
    return found


def find_solution_leaks(folder: Path, distinctive: dict[str, str] | None = None) -> list[Leak]:
    """Every line in ``folder``'s text files that is a distinctive line of a reference solution."""
    distinctive = distinctive_lines() if distinctive is None else distinctive
    leaks = []
    for path in sorted(Path(folder).rglob("*")):
        if not path.is_file() or path.suffix not in SCANNED_SUFFIXES:
            continue
        for number, line in enumerate(_text_lines(path), start=1):
            function = distinctive.get(normalise(line))
            if function is not None:
                leaks.append(Leak(path.relative_to(folder), number, function, line.strip()))
    return leaks
