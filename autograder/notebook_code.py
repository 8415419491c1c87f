"""Running code taken from a notebook, one statement at a time, under the cell's own name.

The one way every part of the course runs a notebook's definitions: the reference
(``reference``), ``import_functions`` in a student's kernel (``inline``), ``course train`` and
``course score`` on the student's lessons (``lesson_functions``), and the confined worker
(``sandbox.worker``, which imports this before it is confined). Each statement is compiled under
its cell's label as Jupyter shows it (``03_forward.ipynb, In [7]``) at its line in the cell, and
its lines go where tracebacks look, so an error points at the student's own line.

Standard library only.
"""

from __future__ import annotations

import linecache


def run_statement(source: str, label: str, line: int, namespace: dict) -> None:
    """Run one statement of a cell in ``namespace``; what it raises propagates."""
    label = label or "<notebook>"
    text = "\n" * (max(1, int(line)) - 1) + source + "\n"
    remember_lines(label, text)
    exec(compile(text, label, "exec"), namespace)  # noqa: S102 - notebook code, by design


def remember_lines(label: str, text: str) -> None:
    """Put a cell's lines where tracebacks look (several statements may share one cell)."""
    entry = linecache.cache.get(label)
    previous = entry[2] if entry is not None and len(entry) == 4 else []
    lines = list(previous) + [""] * max(0, text.count("\n") - len(previous))
    for number, line in enumerate(text.split("\n")):
        if line and number < len(lines):
            lines[number] = line + "\n"
    linecache.cache[label] = (len(text), None, lines, label)
