"""The package type-checks: mypy, configured in pyproject.toml ([tool.mypy], which also says
what is not checked yet), finds no error."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytest.importorskip("mypy", reason="mypy is a developer tool: pip install -e .[dev]")


def test_the_package_type_checks():
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "autograder"],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
