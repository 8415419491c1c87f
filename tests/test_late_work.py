"""Late work: submission times from the best source present, due dates, extensions, penalties.

Times are read as nbgrader reads ``timestamp.txt`` (a zone after the time is its zone; a time
without one is in the policy's zone, UTC by default); a penalty is per started day.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from tests.conftest import ROOT, SOLUTIONS


def result_with(points: float, submitted=None, name: str = "ann"):
    from autograder.config import load_course
    from autograder.grading.engine.results import CheckRecord, FunctionReport, GradingResult

    course = load_course()
    exercise = course.exercise("normalize")
    report = FunctionReport.empty(exercise, course.lesson(exercise.lesson))
    report.checks.append(CheckRecord("normalize", "t", "passed", "", points, exercise.points))
    return GradingResult(name, [report], 1, "hidden", submitted=submitted)


def at(text: str):
    from autograder.grading.engine.results import SubmissionTime

    return SubmissionTime(at=datetime.fromisoformat(text).isoformat(), source="a test")


def test_times_are_read_as_nbgrader_reads_timestamp_txt():
    from autograder.grading.classes.late import parse_time, zone

    assert parse_time("2015-02-02 14:58:23.948203 America/Los_Angeles") == datetime(
        2015, 2, 2, 22, 58, 23, 948203, tzinfo=UTC
    )
    assert parse_time("2026-12-01 23:59:00.000000 UTC") == datetime(2026, 12, 1, 23, 59, tzinfo=UTC)
    assert parse_time("2026-12-01 23:59") == datetime(2026, 12, 1, 23, 59, tzinfo=UTC)  # naive: UTC
    assert parse_time("2026-12-01T23:59:00-05:00") == datetime(2026, 12, 2, 4, 59, tzinfo=UTC)
    assert parse_time("2026-12-01 23:59", zone("Europe/Zurich")) == datetime(
        2026, 12, 1, 22, 59, tzinfo=UTC
    )
    assert parse_time("2026-12-01 11:59 PM") == datetime(2026, 12, 1, 23, 59, tzinfo=UTC)
    assert parse_time("Monday, December 1, 2026 11:58:30 PM EST") == datetime(
        2026, 12, 2, 4, 58, 30, tzinfo=UTC
    )


def test_a_due_date_without_a_time_is_the_end_of_that_day():
    from autograder.grading.classes.late import parse_due

    assert parse_due("2026-12-01") == datetime(2026, 12, 1, 23, 59, 59, tzinfo=UTC)
    assert parse_due("2026-12-01 America/New_York") == datetime(2026, 12, 2, 4, 59, 59, tzinfo=UTC)
    assert parse_due("2026-12-01 18:00") == datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    assert parse_due("2026-12-01 00:00") == datetime(2026, 12, 1, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["", "yesterday-ish", "2026-13-45 10:00", "2026-12-01 Mars/Base"])
def test_a_time_that_cannot_be_read_says_so(text):
    from autograder.grading.classes.late import LateError, parse_time

    with pytest.raises(LateError):
        parse_time(text)


def test_the_latest_timestamp_of_a_students_assignments_is_theirs(tmp_path):
    from autograder.grading.classes.late import LateError, nbgrader_time

    (tmp_path / "ps1").mkdir()
    (tmp_path / "ps2").mkdir()
    (tmp_path / "ps1" / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC\n")
    (tmp_path / "ps2" / "timestamp.txt").write_text("2026-11-27 09:30:00 Europe/Zurich")
    found = nbgrader_time(tmp_path)
    assert found is not None and found.source == "nbgrader's ps2/timestamp.txt"
    assert found.at == "2026-11-27T08:30:00+00:00"
    (tmp_path / "ps2" / "timestamp.txt").write_text("")  # nbgrader: a warning, no time
    assert nbgrader_time(tmp_path).source == "nbgrader's ps1/timestamp.txt"
    (tmp_path / "ps1" / "timestamp.txt").write_text("not a time")
    with pytest.raises(LateError, match="ps1/timestamp.txt"):
        nbgrader_time(tmp_path)


def test_lms_file_names_give_a_time_or_a_late_marker():
    from autograder.grading.classes.late import lms_file_time, zone

    blackboard = lms_file_time(["PS1_jdoe_attempt_2026-12-02-08-15-00_01_data.ipynb"], zone("UTC"))
    assert blackboard.at == "2026-12-02T08:15:00+00:00" and "Blackboard" in blackboard.source
    canvas = lms_file_time(["doejane_LATE_12345_67890_01_data.ipynb"])
    assert canvas.marked_late and canvas.at == "" and "_LATE_" in canvas.source
    assert lms_file_time(["doejane_12345_67890_01_data.ipynb"]) is None


def policy(**kwargs):
    from autograder.grading.classes.late import LatePolicy, parse_time

    return LatePolicy(due=parse_time("2026-12-01 23:59"), **kwargs)


def test_a_penalty_is_per_started_day_and_capped():
    late = policy(penalty_percent=10, cap_percent=25)
    on_time = late.assess(result_with(2, at("2026-12-01T23:59:00+00:00")))
    assert (on_time.late_days, on_time.penalty) == (0, 0) and "on time" in on_time.note
    one_second = late.assess(result_with(2, at("2026-12-01T23:59:01+00:00")))
    assert (one_second.late_days, one_second.percent, one_second.penalty) == (1, 10, 0.2)
    two_days = late.assess(result_with(2, at("2026-12-03T10:00:00+00:00")))
    assert (two_days.late_days, two_days.percent, two_days.penalty) == (2, 20, 0.4)
    assert "2 started days after the due date 2026-12-01 23:59 UTC" in two_days.note
    capped = late.assess(result_with(2, at("2026-12-20T10:00:00+00:00")))
    assert (capped.late_days, capped.percent, capped.penalty) == (19, 25, 0.5)


def test_an_extension_moves_the_due_date_for_that_student_only():
    from autograder.grading.classes.late import parse_time

    late = policy(penalty_percent=10, extensions={"ann": parse_time("2026-12-05 12:00")})
    submitted = at("2026-12-04T09:00:00+00:00")
    assert late.assess(result_with(2, submitted)).penalty == 0
    assert "(your extension)" in late.assess(result_with(2, submitted)).note
    assert late.assess(result_with(2, submitted, name="bob")).late_days == 3


def test_a_canvas_late_marker_without_a_time_counts_one_started_day():
    from autograder.grading.classes.late import parse_time
    from autograder.grading.engine.results import SubmissionTime

    marked = SubmissionTime(source="Canvas's _LATE_ marker", marked_late=True)
    late = policy(penalty_percent=10)
    flagged = late.assess(result_with(2, marked))
    assert (flagged.late_days, flagged.penalty) == (1, 0.2)
    extended = policy(penalty_percent=10, extensions={"ann": parse_time("2026-12-09 00:00")})
    assert extended.assess(result_with(2, marked)).late_days is None  # not judged


def test_no_source_is_never_guessed_from_file_times():
    judged = policy(penalty_percent=10).assess(result_with(2, None))
    assert judged.late_days is None and judged.penalty == 0
    assert "file modification times are not used" in judged.note


def test_an_extensions_file_that_cannot_be_used_names_the_line(tmp_path):
    from autograder.grading.classes.late import LateError, read_extensions

    path = tmp_path / "ext.csv"
    path.write_text("student,due\nann,2026-12-05 12:00\nbob,someday\n")
    with pytest.raises(LateError, match="line 3"):
        read_extensions(path)
    path.write_text("name,when\n")
    with pytest.raises(LateError, match="needs the columns student and due"):
        read_extensions(path)


def test_gradescope_metadata_gives_the_time_and_a_submitters_own_due_date(tmp_path):
    from autograder.config import LateSettings, load_course
    from autograder.grading.classes.late import apply_gradescope
    from autograder.grading.platforms.gradescope import Settings, results_json

    metadata = tmp_path / "submission_metadata.json"
    metadata.write_text(
        json.dumps(
            {
                "id": 123456,
                "created_at": "2026-12-03T14:22:32.365935-07:00",
                "assignment": {"due_date": "2026-12-01T23:00:00.000000-07:00", "title": "PS1"},
                "users": [
                    {
                        "email": "ann@example.edu",
                        "id": 1234,
                        "name": "Ann",
                        "assignment": {"due_date": "2026-12-02T23:00:00.000000-07:00"},
                    }
                ],
            }
        )
    )
    result = result_with(2)
    line = apply_gradescope(result, metadata, LateSettings(penalty_percent=10))
    assert result.submitted.at == "2026-12-03T21:22:32.365935+00:00"
    assert result.late.due == "2026-12-03T06:00:00+00:00"  # the extension, not the assignment's
    assert result.late.late_days == 1 and result.penalty == pytest.approx(0.2)
    assert "Gradescope's submission_metadata.json" in line
    course = load_course()
    document = results_json(result, course, Settings(["01_data"], "data/sample", "visible"))
    assert document["score"] == pytest.approx(1.8)
    assert "Total: 2/2 required - 0.2 late penalty = 1.8 points" in document["output"]
    assert apply_gradescope(result_with(2), tmp_path / "absent.json", LateSettings()).startswith(
        "no submission_metadata.json"
    )


def test_course_yml_can_set_the_late_policy():
    from autograder.config import parse_course
    from autograder.errors import CourseError

    raw = {
        "title": "t",
        "lessons": [
            {
                "id": "01",
                "notebook": "01.ipynb",
                "checks": "test_01",
                "exercises": [{"function": "f", "points": 1}],
            }
        ],
        "late": {"due": "2026-12-01 23:59", "timezone": "Europe/Zurich", "penalty_percent": 10},
    }
    late = parse_course(raw).late
    assert (late.due, late.timezone, late.penalty_percent, late.cap_percent) == (
        "2026-12-01 23:59",
        "Europe/Zurich",
        10,
        100,
    )
    raw["late"]["penalty_percent"] = 150
    with pytest.raises(CourseError, match="late.penalty_percent"):
        parse_course(raw)


# -- a real nbgrader course, graded with --due and --extensions -------------------------------------


def test_an_nbgrader_class_gets_the_penalties_its_policy_gives(tmp_path):
    course_dir = tmp_path / "course"
    (course_dir / "source").mkdir(parents=True)
    (course_dir / "nbgrader_config.py").write_text("c = get_config()\n")
    stamps = {
        "ontime": "2026-12-01 20:00:00.000000 UTC",
        "late": "2026-12-03 10:00:00.500000 America/New_York",  # 15:00 UTC: 2 started days
        "extended": "2026-12-04 12:00:00.000000 UTC",  # late, but extended to Dec 5
        "verylate": "2026-12-20 08:00:00.000000 UTC",  # 19 days: capped at 50%
    }
    for student, stamp in stamps.items():
        folder = course_dir / "submitted" / student / "ps1"
        folder.mkdir(parents=True)
        shutil.copy(SOLUTIONS / "01_data.ipynb", folder / "01_data.ipynb")
        (folder / "timestamp.txt").write_text(stamp)
    nostamp = course_dir / "submitted" / "nostamp" / "ps1"
    nostamp.mkdir(parents=True)
    shutil.copy(SOLUTIONS / "01_data.ipynb", nostamp / "01_data.ipynb")
    extensions = tmp_path / "extensions.csv"
    extensions.write_text("student,due\nextended,2026-12-05 23:59\n")
    out = tmp_path / "out" / "grades.csv"
    done = subprocess.run(
        [
            sys.executable, "-m", "autograder.cli", "grade", str(course_dir), "--out", str(out),
            "--seed", "11", "--quiet", "--due", "2026-12-01 23:59", "--extensions",
            str(extensions), "--late-penalty", "10", "--late-cap", "50",
        ],
        capture_output=True, text=True, cwd=ROOT, timeout=900, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with out.open(newline="") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    want = {  # 01_data is worth 9 points
        "ontime": ("0", "0", "9"),
        "late": ("2", "1.8", "7.2"),
        "extended": ("0", "0", "9"),
        "verylate": ("19", "4.5", "4.5"),
        "nostamp": ("", "0", "9"),
    }
    assert {s: (r["late_days"], r["penalty"], r["total"]) for s, r in rows.items()} == want
    assert rows["late"]["submitted_at"] == "2026-12-03T15:00:00.500000+00:00"
    assert rows["late"]["time_source"] == "nbgrader's ps1/timestamp.txt"
    assert rows["nostamp"]["time_source"] == ""
    feedback = out.parent / "feedback"
    late = (feedback / "late.md").read_text()
    assert "**Total: 9/62 required - 1.8 late penalty = 7.2 points**" in late
    assert "2 started days after the due date 2026-12-01 23:59 UTC: -20% of 9 points" in late
    assert "(your extension)" in (feedback / "extended.md").read_text()
    assert "lateness was not judged" in (feedback / "nostamp.md").read_text()
    assert "late work: due 2026-12-01 23:59 UTC" in done.stdout
    assert "no submission time for (not judged late" in done.stderr and "nostamp" in done.stderr


def test_an_lms_export_of_submission_times_is_a_source_nbgrader_outranks(tmp_path):
    from autograder.config import load_course
    from autograder.grading.classes.policy import Settings, build_policy
    from autograder.grading.engine.results import SubmissionTime

    times = tmp_path / "times.csv"
    times.write_text("student,submitted_at\nann,2026-12-02 12:00\nbob,2026-12-02 12:00\n")
    settings = Settings.given(
        {"due": "2026-12-01 23:59", "late_penalty": 10, "submission_times": str(times)}
    )
    policy = build_policy(settings, load_course(), ["ann", "bob"])
    ann = policy.effective(result_with(2, None, name="ann"))
    assert ann.submitted.source == "times.csv (--submission-times)"
    assert ann.late.late_days == 1 and ann.penalty == pytest.approx(0.2)
    stamped = SubmissionTime(at="2026-12-01T20:00:00+00:00", source="nbgrader's timestamp.txt")
    bob = policy.effective(result_with(2, stamped, name="bob"))
    assert bob.submitted == stamped and bob.late.late_days == 0
    from autograder.grading.classes.late import LateError

    with pytest.raises(LateError, match="names 'ann', who is not a student.*did you mean anne"):
        build_policy(settings, load_course(), ["anne", "bob"])
