"""``course doctor``: the isolation layers in force, tried by a worker."""

from __future__ import annotations

import argparse

from autograder.errors import EXIT_GATE, EXIT_OK

HELP = "say which isolation layers are in force, by trying them"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No arguments."""


def run(args: argparse.Namespace) -> int:
    """`course doctor`: the isolation layers, the verdict of the rule for grading untrusted work,
    and a worker trying what the layers must stop. Exit 0 when untrusted work may be graded
    here, 1 when it may not (a layer is missing or a worker could do what it should not)."""
    from autograder.sandbox.doctor import report

    found = report()
    for line in found.lines:
        print(line)
    return EXIT_OK if found.may_grade else EXIT_GATE
