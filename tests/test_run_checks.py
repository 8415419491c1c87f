"""The checks runner fails closed and says why: when pytest stops before every check has run,
the checks left are "needs review" with the reason, and an interrupt stays an interrupt."""

from __future__ import annotations

import shutil

import pytest

from autograder.grading.engine import run
from autograder.grading.engine.results import NEEDS_REVIEW

FUNCTION = "split_features_labels"


def _exercise(course):
    return course.exercise(FUNCTION)


def test_an_interrupt_while_the_checks_run_is_an_interrupt(course):
    """pytest ends its run quietly on Ctrl-C; the runner raises it again, so no caller grades
    the checks that were still to run as "needs review" (or anything else)."""
    asked = []

    def interrupted(name):
        asked.append(name)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run.run_checks(course, [_exercise(course)], interrupted)
    assert asked == [FUNCTION]  # the first check asked, and nothing ran after it


def test_checks_that_cannot_be_loaded_say_so_in_every_verdict(course, tmp_path, monkeypatch):
    checks = tmp_path / "checks"
    checks.mkdir()
    shutil.copy(run.CHECKS_DIR / "pytest.ini", checks / "pytest.ini")
    module = course.lesson(_exercise(course).lesson).checks_module
    (checks / f"{module}.py").write_text("import a_module_that_is_not_there\n")
    monkeypatch.setattr(run, "CHECKS_DIR", checks)
    monkeypatch.setattr(
        run,
        "PYTEST_ARGS",
        [str(checks) if a == str(run.CHECKS_DIR) else a for a in run.PYTEST_ARGS],
    )

    def never(name):
        raise AssertionError("no check should have run")

    (report,) = run.run_checks(course, [_exercise(course)], never)
    assert report.checks, "the exercise's checks are listed, each with its verdict"
    for check in report.checks:
        assert check.status == NEEDS_REVIEW and check.points == 0, check
        assert "did not run (the checks in" in check.message, check.message
        assert "a_module_that_is_not_there" in check.message, check.message


def test_a_pytest_that_refuses_its_arguments_says_so_in_every_verdict(course, monkeypatch):
    monkeypatch.setattr(run, "PYTEST_ARGS", [*run.PYTEST_ARGS, "--an-option-nobody-has"])

    def never(name):
        raise AssertionError("no check should have run")

    (report,) = run.run_checks(course, [_exercise(course)], never)
    assert report.checks
    for check in report.checks:
        assert check.status == NEEDS_REVIEW and check.points == 0, check
        assert "pytest ended with" in check.message and "USAGE_ERROR" in check.message, check


def test_pytest_exit_called_during_the_checks_is_named_not_taken_for_ctrl_c(course):
    """pytest.exit() (from the code a check runs, say, in a learner's own kernel) stops the
    run as Ctrl-C does; it is named in the verdicts instead of interrupting the caller."""

    def leaving(name):
        pytest.exit("leaving early")

    (report,) = run.run_checks(course, [_exercise(course)], leaving)
    assert report.checks
    for check in report.checks:
        assert check.status == NEEDS_REVIEW and check.points == 0, check
    assert any("pytest.exit() was called: leaving early" in c.message for c in report.checks)
