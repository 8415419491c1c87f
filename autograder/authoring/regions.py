"""Solution regions: the code between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` in the
solution notebooks (nbgrader's markers). The build replaces them with stubs; the release makes
sure none of their lines ship. This is the one place that finds them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BEGIN = "BEGIN SOLUTION"
END = "END SOLUTION"
_DEF = re.compile(r"\s*def\s+([A-Za-z_]\w*)\s*\(")


@dataclass(frozen=True)
class SolutionRegion:
    """One region: the function it sits in (None outside any ``def``) and its lines as written."""

    function: str | None
    lines: tuple[str, ...]

    @property
    def code_lines(self) -> list[str]:
        """The region's lines of code: stripped, without blank lines and whole-line comments."""
        stripped = (line.strip() for line in self.lines)
        return [line for line in stripped if line and not line.startswith("#")]


def solution_regions(source: str) -> list[SolutionRegion]:
    """Every solution region in ``source`` (a cell or a function's source), in order.

    A region left open (no END marker) runs to the end of the source, as nbgrader reads it.
    """
    regions = []
    function = None
    inside: list[str] | None = None
    for line in source.split("\n"):
        if inside is None:
            match = _DEF.match(line)
            if match:
                function = match.group(1)
            if BEGIN in line:
                inside = []
            continue
        if END in line:
            regions.append(SolutionRegion(function, tuple(inside)))
            inside = None
            continue
        inside.append(line)
    if inside is not None:
        regions.append(SolutionRegion(function, tuple(inside)))
    return regions
