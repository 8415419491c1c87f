"""Near names, for a name that was not found: ``--only jane`` suggests ``jane_12345``."""

from __future__ import annotations

import difflib
import re

from autograder.safe_text import one_line, printable


def near_names(wanted: str, known: list[str], limit: int = 5) -> list[str]:
    """Known names that ``wanted`` is probably meant to be: those it starts or is a part of
    (``jane`` in ``jane_12345``, ``Jane Doe_17_assignsubmission_file``), then similar spellings."""
    folded = wanted.strip().casefold()
    if not folded:
        return []
    parts = [
        name
        for name in known
        if name.casefold().startswith(folded) or folded in re.split(r"[\s_.,-]+", name.casefold())
    ]
    close = difflib.get_close_matches(wanted, known, n=limit, cutoff=0.6)
    lowered = {name.casefold(): name for name in known}
    close += [lowered[n] for n in difflib.get_close_matches(folded, list(lowered), n=limit)]
    found: list[str] = []
    for name in parts + close:
        if name not in found and name != wanted:
            found.append(name)
    return found[:limit]


def did_you_mean(wanted: str, known: list[str]) -> str:
    """`` (did you mean jane_12345?)``, or "" when nothing is near."""
    near = near_names(wanted, known)
    if not near:
        return ""
    return " (did you mean " + " or ".join(one_line(printable(n)) for n in near) + "?)"
