"""``course grade --timings``: where a class run spent its time, stage by stage, and which
graded functions the grading time went to. (No assertion on how long anything takes: only that
the stages are named, that they add up to the total shown, and that the workers' times are read.)"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from autograder.config import load_course
from autograder.grading.classes.timings import Stage, Timings, render, worker_seconds
from autograder.grading.engine.results import FunctionReport, GradingResult
from tests.conftest import ROOT, write_submission

STAGES = [
    "finding students",
    "reading earlier results",
    "grading",
    "writing the gradebook and feedback",
    "the similarity search",
    "the class report",
    "writing the LMS file and audit log",
]
LESSON_01 = ["split_features_labels", "normalize", "train_dev_split", "one_hot"]


def _result(name: str, seconds: dict[str, float]) -> GradingResult:
    course = load_course()
    functions = []
    for exercise in course.exercises:
        report = FunctionReport.empty(exercise, course.lesson(exercise.lesson))
        report.worker_seconds = seconds.get(exercise.function, 0.0)
        functions.append(report)
    return GradingResult(submission=name, functions=functions, seed=1, mode="hidden")


def test_the_stages_add_up_to_the_total_and_the_functions_are_summed_over_the_class():
    timings = Timings([Stage("finding students", 0.25), Stage("grading", 2.5)])
    graded = [_result("ann", {"relu": 1.0, "softmax": 0.5}), _result("bob", {"relu": 2.0})]
    lines = render(timings, graded)
    assert lines[1].split() == ["finding", "students", "0.25"]
    assert lines[3].split() == ["total", "2.75"]
    assert "summed over 2 graded student(s)" in lines[4]
    assert [line.split() for line in lines[5:7]] == [["relu", "3.00"], ["softmax", "0.50"]]
    assert worker_seconds(graded)["relu"] == pytest.approx(3.0)
    assert "forward" not in worker_seconds(graded)  # no worker ran for it


def test_a_stage_timed_inside_another_is_taken_out_of_it():
    timings = Timings()
    timings.lap("the class report", within=Stage("the similarity search", 0.0))
    assert [stage.name for stage in timings.stages] == ["the similarity search", "the class report"]


def course_grade(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "autograder.cli", "grade", *args, "--seed", "5", "--quiet"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=900,
        check=False,
    )


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    root = tmp_path_factory.mktemp("timed")
    subs = root / "subs"
    write_submission(subs / "ann", lessons=["01_data"])
    write_submission(subs / "bob", lessons=["01_data"])
    out = root / "out" / "grades.csv"
    run = course_grade(str(subs), "--out", str(out), "--timings")
    assert run.returncode == 0, run.stderr
    return run


def test_a_class_run_says_where_its_time_went(graded_class):
    text = graded_class.stdout
    block = text[text.index("where the time went") :].splitlines()
    stages = {}
    for line in block[1:]:
        match = re.fullmatch(r"  (.+?)\s+(\d+\.\d\d)", line)
        if not match:
            break
        stages[match[1]] = float(match[2])
    total = stages.pop("total")
    assert list(stages) == STAGES
    assert sum(stages.values()) == pytest.approx(total, abs=0.01 * len(stages))
    assert stages["grading"] > 0


def test_a_class_run_reads_the_workers_times(graded_class):
    text = graded_class.stdout
    assert "worker time per graded function, summed over 2 graded student(s)" in text
    rows = dict(
        re.findall(r"^  (\w+)\s+(\d+\.\d\d)$", text[text.index("worker time per") :], re.MULTILINE)
    )
    assert set(LESSON_01) <= set(rows)
    assert all(float(rows[f]) > 0 for f in LESSON_01)


def test_without_the_flag_nothing_is_said_of_time(tmp_path):
    subs = tmp_path / "subs"
    write_submission(subs / "ann", lessons=["01_data"])
    run = course_grade(str(subs), "--out", str(tmp_path / "grades.csv"))
    assert run.returncode == 0, run.stderr
    assert "where the time went" not in run.stdout
