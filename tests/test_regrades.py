"""Regrades with history, and overrides that survive: nothing a run replaces is lost, an
instructor's points stay until they are taken back, and the audit log says what changed, when
and why."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, write_submission

WRONG_NORMALIZE = "def normalize(X):\n    return X / 256.0"


def course_grade(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "autograder.cli", "grade", *args, "--quiet"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=900,
        check=False,
    )


def rows(path: Path) -> dict[str, dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


def audit(path: Path) -> list[dict[str, str]]:
    with (path.parent / "audit.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    """A class of two (lesson 01 only): ann right, bob with a normalize an instructor accepts."""
    root = tmp_path_factory.mktemp("term")
    subs = root / "subs"
    write_submission(subs / "ann", lessons=["01_data"])
    write_submission(subs / "bob", lessons=["01_data"], replacements={"normalize": WRONG_NORMALIZE})
    overrides = root / "overrides.csv"
    overrides.write_text(
        "student,function,points,reason\nbob,normalize,2,regrade request: 256 was in the brief\n"
    )
    out = root / "out" / "grades.csv"
    first = course_grade(
        str(subs), "--out", str(out), "--seed", "21", "--overrides", str(overrides)
    )
    assert first.returncode == 0, first.stderr
    return subs, out, overrides, first


def test_an_override_is_applied_shown_and_marked(term):
    _subs, out, _overrides, first = term
    bob = rows(out)["bob"]
    assert bob["normalize"] == "2" and bob["overridden"] == "normalize"
    assert bob["total"] == "9" and rows(out)["ann"]["overridden"] == ""
    feedback = (out.parent / "feedback" / "bob.md").read_text()
    assert (
        "Changed by your instructor: `normalize` 0 → 2 points (regrade request: 256 was in the brief)"
        in feedback
    )
    assert "(set to 2 by your instructor)" in feedback
    assert "overrides: 1 applied from 1 row(s)" in first.stdout
    items = {
        (r["function"], r["check"]): r for r in csv.DictReader((out.parent / "items.csv").open())
    }
    # the item analysis is about the checks: bob's normalize failed them
    assert float(items[("normalize", "(all checks)")]["share_full"]) == 0.5


def test_overrides_survive_a_full_rerun_and_only_keeps_the_old_result(term, tmp_path):
    subs, out, overrides, _ = term
    rerun = course_grade(str(subs), "--out", str(out), "--seed", "22")  # no --overrides given
    assert rerun.returncode == 0, rerun.stderr
    assert (
        f"as the previous run (give another value, or none, to change it): --overrides {overrides}"
        in rerun.stderr
    )
    assert rows(out)["bob"]["normalize"] == "2" and rows(out)["bob"]["seed"] == "22"
    history = sorted((out.parent / "results" / "history" / "bob").glob("*.json"))
    assert len(history) == 1  # the first run's result, kept

    regrade = course_grade(str(subs), "--out", str(out), "--only", "bob")
    assert regrade.returncode == 0, regrade.stderr
    assert (
        "regraded bob (seed 22): total 9 → 9 (nothing changed); now 9/62 points" in regrade.stdout
    )
    assert len(list((out.parent / "results" / "history" / "bob").glob("*.json"))) == 2
    assert len(list((out.parent / "results" / "history" / "ann").glob("*.json"))) == 1

    near = course_grade(str(subs), "--out", str(out), "--only", "bo")
    assert near.returncode == 2 and "there is no such student" in near.stderr
    assert "(did you mean bob?)" in near.stderr

    removed = course_grade(str(subs), "--out", str(out), "--overrides", "none", "--only", "bob")
    assert removed.returncode == 0, removed.stderr
    assert (
        "regraded bob (seed 22): total 9 → 7 (normalize 2 → 0); now 7/62 points" in removed.stdout
    )
    bob = rows(out)["bob"]
    assert bob["normalize"] == "0" and bob["overridden"] == ""
    log = audit(out)
    assert [r["why"] for r in log if r["student"] == "bob" and r["item"] == "normalize"] == [
        "override removed (was: regrade request: 256 was in the brief)"
    ]
    assert {r["run"] for r in log} >= {"full run", "--only bob"}
    assert all(r["when"] for r in log)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("bobby,normalize,2,why", "no student 'bobby' in this class (did you mean bob?)"),
        ("bob,normalise,2,why", "'normalise' is not a graded function (did you mean normalize?)"),
        ("bob,normalize,3,why", "normalize is worth 0 to 2 points, not 3"),
        ("bob,normalize,two,why", "points should be a number"),
        ("bob,normalize,1,", "give the reason"),
    ],
)
def test_an_override_that_cannot_be_applied_names_its_line(tmp_path, line, message):
    from autograder.config import load_course
    from autograder.grading.classes.overrides import OverrideError, read_overrides

    path = tmp_path / "o.csv"
    path.write_text(f"student,function,points,reason\nann,relu,1,ok\n{line}\n")
    with pytest.raises(OverrideError) as caught:
        read_overrides(path, load_course(), ["ann", "bob"])
    assert "line 3" in str(caught.value) and message in str(caught.value)


def test_two_overrides_of_one_function_are_refused(tmp_path):
    from autograder.config import load_course
    from autograder.grading.classes.overrides import OverrideError, read_overrides

    path = tmp_path / "o.csv"
    path.write_text("student,function,points,reason\nann,relu,1,a\nann,relu,2,b\n")
    with pytest.raises(OverrideError, match="second override of relu for ann"):
        read_overrides(path, load_course(), ["ann"])


def test_near_names_find_the_lms_suffixed_student():
    from autograder.grading.classes.near import near_names

    names = ["jane_12345", "janet_999", "Jane Doe_17_assignsubmission_file", "bob"]
    assert near_names("jane", names) == [
        "jane_12345",
        "janet_999",
        "Jane Doe_17_assignsubmission_file",
    ]
    assert near_names("bbo", names) == ["bob"]
    assert near_names("zzz", names) == []
