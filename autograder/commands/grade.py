"""``course grade``: a class, its gradebook, feedback and report (:mod:`autograder.grading.classes`)."""

from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    """`course grade`: a class, its gradebook, feedback and report; or one share of it
    (``--shard``), or the shares merged (``--merge``); or a regrade of some students
    (``--only``). Whatever happens, nothing it started is left running when it returns
    (``sandbox.reaper``)."""
    from autograder.grading.classes import class_run
    from autograder.grading.engine.run import stop_helpers
    from autograder.sandbox.reaper import become_subreaper, end_descendants

    become_subreaper()
    try:
        return class_run.run(args)
    finally:
        stop_helpers()
        end_descendants()
