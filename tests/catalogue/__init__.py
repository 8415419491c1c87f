"""Typical student mistakes and correct variants, per lesson, for the autograder's own tests."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mistake:
    """A realistic wrong implementation; its feedback must lose points and should name it."""

    function: str
    name: str
    source: str
    hint: str  # a lower-case substring the feedback must contain ("" when no hint fits)
    # The id of the known mistake (``autograder.checking.Mistake.id``) whose model this code
    # computes: the feedback must name it, and name no other. "" when no model fits: the
    # feedback then says what differs and must name no mistake at all.
    mistake: str | None = None  # None: not yet decided for this entry (only the hint is checked)


@dataclass(frozen=True)
class Variant:
    """A correct implementation written differently; it must get full marks."""

    function: str
    name: str
    source: str
