"""Digits from Scratch: the course's autograder and tools.

In a notebook::

    from autograder import check, hint, import_functions, skip_if_unfinished
"""

from __future__ import annotations

__all__ = ["check", "hint", "import_functions", "skip_if_unfinished"]


def __getattr__(name: str):
    # Lazy, so `import autograder` stays cheap for the command line.
    if name == "hint":
        from autograder.staged_hints import hint

        return hint
    if name in __all__:
        from autograder import inline

        return getattr(inline, name)
    raise AttributeError(f"module 'autograder' has no attribute {name!r}")
