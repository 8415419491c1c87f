"""Diagnoses that fit any graded function, for the check modules of lessons 05 and 06."""

from __future__ import annotations

from autograder.checking import Mistake


def returns_none(function: str) -> Mistake:
    """The mistake of a function that returns nothing (no return statement, or a bare one)."""
    return Mistake(
        "It returned None: end the function with a return statement that hands back the result.",
        matches=lambda got: got is None,
        id=f"{function}.returns_none",
    )
