"""Diagnoses that fit any graded function, for the check modules of lessons 05 and 06."""

from __future__ import annotations

from collections.abc import Iterable

from autograder.checking import CheckFailed, Mistake, Outcome, expect_unchanged


def returns_none(function: str) -> Mistake:
    """The mistake of a function that returns nothing (no return statement, or a bare one)."""
    return Mistake(
        "It returned None: end the function with a return statement that hands back the result.",
        matches=lambda got: got is None,
        id=f"{function}.returns_none",
    )


def check_unchanged(
    fn: Outcome,
    names: tuple[str, ...],
    hint: str,
    *,
    cases: Iterable[str] | None = None,
    keywords: tuple[str, ...] = (),
) -> None:
    """The positional arguments ``names`` of every case (and the keyword arguments ``keywords``
    a call has) are left as they were; a change is the mistake ``<function>.modifies_inputs``,
    whose words are ``hint``."""
    for case in fn.cases if cases is None else cases:
        call = fn.call(case)
        fn.result(case)  # raises with the right feedback if the call failed
        after = fn.args_after(case)
        pairs = [
            (name, call.args[i], after[i]) for i, name in enumerate(names) if i < len(call.args)
        ]
        present = [name for name in keywords if call.kwargs.get(name) is not None]
        if present:
            kwargs_after = fn.kwargs_after(case)
            pairs += [(name, call.kwargs[name], kwargs_after.get(name)) for name in present]
        for name, before, now in pairs:
            try:
                expect_unchanged(before, now, name)
            except CheckFailed as failed:
                raise CheckFailed(
                    f"{failed.message} (the '{case}' case)",
                    mistake=Mistake(hint, id=f"{fn.function}.modifies_inputs"),
                ) from None
