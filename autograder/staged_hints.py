"""Staged hints: ``hint("softmax")`` in a notebook, one step further at each call.

Between the feedback of ``check(...)`` and the reference solution there is room for help that
leaves the learner the work. Every graded function has three stages, written as data in
``autograder/hints/NN_lesson.yml`` (one file per lesson, shipped in the student release):

1. **the idea**: the question to answer, or the fact that unlocks it;
2. **the approach**: the steps, in words;
3. **the shape of the code**: its outline with blanks (``____``) where the learner's lines go.

No stage holds a line of a reference solution: ``tests/test_hints.py`` compares every line of
every stage with the solutions, and the release is searched for solution lines, hint files
included (:mod:`autograder.authoring.leaks`).

The first call shows stage 1, the next stage 2, then stage 3, which later calls repeat.
``hint("softmax", 2)`` shows a stage again. The count lives in the kernel: a restarted kernel
starts again at stage 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from autograder.config import PACKAGE_DIR
from autograder.errors import UserError

HINTS_DIR = PACKAGE_DIR / "hints"
#: The keys of a function's entry, in order, and how each stage is introduced.
STAGES = (("idea", "the idea"), ("approach", "the approach"), ("shape", "the shape of the code"))


class HintError(UserError, ValueError):
    """A hints file that does not hold three stages per function."""


@dataclass(frozen=True)
class StagedHint:
    function: str
    lesson: str  # the hints file's stem: the lesson's id ("02_activations")
    stages: tuple[str, str, str]


def read_hints_file(path: Path) -> dict[str, StagedHint]:
    """The staged hints of one lesson's file; HintError names what is wrong in it."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise HintError(f"{path.name}: cannot be read ({exc})") from None
    if not isinstance(raw, dict):
        raise HintError(f"{path.name}: should map each function to its three stages")
    found = {}
    for function, entry in raw.items():
        keys = [key for key, _ in STAGES]
        if not isinstance(entry, dict) or sorted(entry) != sorted(keys):
            raise HintError(f"{path.name}: {function} should have exactly {', '.join(keys)}")
        texts = tuple(str(entry[key]).strip() for key in keys)
        if not all(texts):
            raise HintError(f"{path.name}: {function} has an empty stage")
        found[str(function)] = StagedHint(str(function), path.stem, texts)  # type: ignore[arg-type]
    return found


@cache
def load_hints(directory: Path = HINTS_DIR) -> dict[str, StagedHint]:
    """Every function's staged hint, from every ``*.yml`` file in ``directory``."""
    hints: dict[str, StagedHint] = {}
    for path in sorted(directory.glob("*.yml")):
        for function, staged in read_hints_file(path).items():
            if function in hints:
                raise HintError(f"{path.name}: {function} has hints in two files")
            hints[function] = staged
    return hints


def has_hint(function: str) -> bool:
    try:
        return function in load_hints()
    except HintError:
        return False


@dataclass(frozen=True)
class ShownHint:
    """One stage of a hint, as a notebook shows it (Markdown, so that code and maths render)."""

    function: str
    stage: int  # 1, 2 or 3
    text: str

    @property
    def title(self) -> str:
        return (
            f"Hint {self.stage} of {len(STAGES)} for {self.function}: {STAGES[self.stage - 1][1]}"
        )

    @property
    def footer(self) -> str:
        if self.stage < len(STAGES):
            return (
                f'`hint("{self.function}")` again: {STAGES[self.stage][1]} '
                f"({self.stage + 1} of {len(STAGES)})."
            )
        return (
            "That was the last stage. If the code still will not come, go back to the lesson's "
            "derivation and work one line at a time; `check(...)` says what each attempt gets "
            "right."
        )

    def _repr_markdown_(self) -> str:
        return f"**{self.title}**\n\n{self.text}\n\n*{self.footer}*"

    def __repr__(self) -> str:
        return f"{self.title}\n\n{self.text}\n\n{self.footer}"


@dataclass(frozen=True)
class NoHint:
    """What ``hint`` shows for a name that has none."""

    message: str

    def _repr_markdown_(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return self.message


_asked: dict[str, int] = {}


def hint(function: str, stage: int | None = None) -> ShownHint | NoHint:
    """Show the next stage of the staged hint for ``function`` (or stage ``stage``: 1, 2, 3).

    ``hint("softmax")`` first shows the idea, then the approach, then the shape of the code.
    """
    try:
        hints = load_hints()
    except HintError as exc:
        return NoHint(f"The hints could not be read: {exc}.")
    staged = hints.get(function)
    if staged is None:
        known = ", ".join(f"`{name}`" for name in sorted(hints))
        return NoHint(f"There is no hint for `{function}`. Hints exist for: {known}.")
    if stage is None:
        stage = min(_asked.get(function, 0) + 1, len(STAGES))
    elif stage not in range(1, len(STAGES) + 1):
        return NoHint(f"A hint has stages 1 to {len(STAGES)}; `{stage}` is not one of them.")
    _asked[function] = max(_asked.get(function, 0), stage)
    return ShownHint(function, stage, staged.stages[stage - 1])
