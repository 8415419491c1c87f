"""The LMS round trip: each grade-import file in the format its LMS documents, rosters matched
by the LMS's own user ids, and the reconciliation (roster students without a submission, folders
without a roster row).

The formats, as documented: Canvas's gradebook import reads its own export (``Student, ID, SIS
User ID, SIS Login ID, Section``, the ``Points Possible`` row); Moodle's grade import reads its
plain-text export (``First name, Last name, ID number, Institution, Department, Email
address``, a grade item per column, numbers with two decimals) and identifies users by email,
username or ID number; Blackboard's offline upload wants a header row, every comma-separated
field in quotation marks, ``Username`` as the student's identifier and ``Name [Total Pts: N
Score] |<column id>`` to update an existing column.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys

import pytest

from tests.conftest import LESSONS, ROOT, SOLUTIONS


def made_up(name: str, points: float, lms: dict | None = None):
    from autograder.config import load_course
    from autograder.grading.engine.results import CheckRecord, FunctionReport, GradingResult

    course = load_course()
    exercise = course.exercise("relu")
    report = FunctionReport.empty(exercise, course.lesson(exercise.lesson))
    report.checks.append(CheckRecord("relu", "t", "passed", "", points, 2))
    return GradingResult(name, [report], 1, "hidden", files={"02": "x"}, lms=lms or {})


def rows_of(path):
    return list(csv.reader(path.open(newline="", encoding="utf-8")))


def test_moodle_csv_is_moodles_grade_import(tmp_path):
    from autograder.grading.classes.lms import read_roster, write_lms_file

    roster = tmp_path / "moodle-export.csv"  # Moodle's plain-text grade export, older spelling
    roster.write_text(
        '"First name",Surname,"ID number",Institution,Department,"Email address",'
        '"Assignment: PS1 (Real)","Course total (Real)","Last downloaded from this course"\n'
        'Ann,Smith,S1,"Uni","Maths",ann@example.edu,-,-,1764000000\n'
        'Bob,Jones,S2,"Uni","Maths",bob@example.edu,-,-,1764000000\n'
        'Cy,Lee,S3,"Uni","Maths",cy@example.edu,-,-,1764000000\n',
        encoding="utf-8",
    )
    results = [
        made_up(
            "Ann Smith_101_assignsubmission_file",
            2,
            {"system": "moodle", "who": "Ann Smith", "user_id": "101"},
        ),
        made_up("s2", 1.5),  # a folder named by ID number
        made_up("zed", 1),
    ]
    export = write_lms_file(
        "moodle",
        results,
        tmp_path / "moodle.csv",
        assignment="PS1",
        points_possible=62,
        roster=read_roster(roster, "moodle"),
    )
    rows = rows_of(tmp_path / "moodle.csv")
    assert rows[0] == [
        "First name",
        "Last name",
        "ID number",
        "Institution",
        "Department",
        "Email address",
        "Assignment: PS1 (Real)",  # the export's own column for the item
    ]
    assert rows[1] == ["Ann", "Smith", "S1", "Uni", "Maths", "ann@example.edu", "2.00"]
    assert rows[2] == ["Bob", "Jones", "S2", "Uni", "Maths", "bob@example.edu", "1.50"]
    assert rows[3] == ["zed", "", "", "", "", "", "1.00"]  # no roster row: listed
    assert rows[4] == ["Cy", "Lee", "S3", "Uni", "Maths", "cy@example.edu", "0.00"]  # absent
    assert export.unmatched == ["zed"]
    assert [r["Email address"] for r in export.reconciliation.absent] == ["cy@example.edu"]


def test_blackboard_csv_is_blackboards_offline_grade_upload(tmp_path):
    from autograder.grading.classes.lms import read_roster, write_lms_file

    # Blackboard's Grade Center download: tab-separated UTF-16 with a byte-order mark
    header = [
        "Last Name",
        "First Name",
        "Username",
        "Student ID",
        "Last Access",
        "Availability",
        "PS1 [Total Pts: 62 Score] |123456",
    ]
    lines = [
        header,
        ["Smith", "Ann", "asmith", "S1", "", "Yes", ""],
        ["Jones", "Bob", "bjones", "S2", "", "Yes", ""],
    ]
    roster = tmp_path / "gc_download.xls"
    roster.write_bytes(
        "\n".join("\t".join(f'"{c}"' for c in line) for line in lines).encode("utf-16")
    )
    results = [
        made_up("PS1_asmith", 2, {"system": "blackboard", "who": "PS1_asmith", "user_id": "asmith"})
    ]
    write_lms_file(
        "blackboard",
        results,
        tmp_path / "blackboard.csv",
        assignment="PS1",
        points_possible=62,
        roster=read_roster(roster, "blackboard"),
    )
    text = (tmp_path / "blackboard.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == (
        '"Last Name","First Name","Username","Student ID","PS1 [Total Pts: 62 Score] |123456"'
    )
    assert text.splitlines()[1] == '"Smith","Ann","asmith","S1","2"'  # every field quoted
    assert text.splitlines()[2] == '"Jones","Bob","bjones","S2","0"'  # no submission
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["Username"] for r in rows] == ["asmith", "bjones"]


def test_canvas_matches_by_the_user_id_in_its_own_file_names(tmp_path):
    from autograder.grading.classes.lms import read_roster, reconcile

    roster_file = tmp_path / "canvas.csv"
    roster_file.write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section,PS1 (777)\n"
        "    Points Possible,,,,,62\n"
        '"Doe, Jane",12345,,jdoe1,A,\n'
        '"Doe, Jane",54321,,jdoe2,A,\n'  # the same name twice: the id tells them apart
        '"Roe, Rick",222,,rroe,A,\n'
    )
    roster = read_roster(roster_file, "canvas")
    jane = made_up("doejane_12345", 2, {"system": "canvas", "who": "doejane", "user_id": "12345"})
    rick = made_up("roerick_999", 1, {"system": "canvas", "who": "roerick", "user_id": "999"})
    ambiguous = made_up("janedoe", 1)
    rec = reconcile([jane, rick, ambiguous], roster)
    assert rec.matched["doejane_12345"]["ID"] == "12345"
    assert rec.matched["roerick_999"]["SIS Login ID"] == "rroe"  # by the name Canvas wrote
    assert rec.unmatched == ["janedoe"] and rec.ambiguous["janedoe"] == ["Doe, Jane", "Doe, Jane"]
    assert [r["ID"] for r in rec.absent] == ["54321"]


def test_a_roster_that_is_not_the_lms_export_says_what_to_give(tmp_path):
    from autograder.grading.classes.lms import RosterError, read_roster

    path = tmp_path / "names.csv"
    path.write_text("name,mark\nann,1\n")
    with pytest.raises(RosterError, match="Grades, Export, Plain text file"):
        read_roster(path, "moodle")
    with pytest.raises(RosterError, match="no Username column"):
        read_roster(path, "blackboard")


def test_a_canvas_class_round_trip(tmp_path):
    """Loose files from Canvas's download, its gradebook export as the roster: the files'
    user id finds the student, and the roster student who handed in nothing gets a zero row."""
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(SOLUTIONS / "01_data.ipynb", subs / "jane_12345_67890_01_data.ipynb")
    shutil.copy(LESSONS / "01_data.ipynb", subs / "ghost_LATE_555_1_01_data.ipynb")
    roster = tmp_path / "export.csv"
    roster.write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section,Problem set 1 (4321)\n"
        "    Points Possible,,,,,62\n"
        '"Doe, Jane",12345,S-1,jdoe,A,\n'
        '"Roe, Rick",222,S-2,rroe,A,\n'
    )
    out = tmp_path / "out" / "grades.csv"
    done = subprocess.run(
        [
            sys.executable, "-m", "autograder.cli", "grade", str(subs), "--out", str(out),
            "--seed", "3", "--quiet", "--lms", "canvas", "--lms-roster", str(roster),
            "--lms-assignment", "Problem set 1",
        ],
        capture_output=True, text=True, cwd=ROOT, timeout=900, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = rows_of(out.parent / "canvas.csv")
    assert rows[0] == [
        "Student",
        "ID",
        "SIS User ID",
        "SIS Login ID",
        "Section",
        "Problem set 1 (4321)",
    ]
    assert rows[1] == ["    Points Possible", "", "", "", "", "62"]
    assert rows[2:] == [
        ["ghost_555", "", "", "ghost_555", "", "0"],
        ["Doe, Jane", "12345", "S-1", "jdoe", "A", "9"],
        ["Roe, Rick", "222", "S-2", "rroe", "A", "0"],
    ]
    assert "not in the Canvas roster" not in done.stderr
    assert (
        "in the roster without a submission (0 points, status 'no submission' in grades.csv): rroe"
        in done.stderr
    )
    assert (
        "student folders with no roster row (written by folder name; match them by hand): ghost_555"
        in done.stderr
    )
    with out.open(newline="") as handle:
        grades = {r["student"]: r for r in csv.DictReader(handle)}
    assert grades["rroe"]["status"] == "no submission" and grades["rroe"]["total"] == "0"
    assert grades["rroe"]["feedback_file"] == ""
    assert grades["ghost_555"]["time_source"] == "Canvas's _LATE_ marker"
    assert "was graded as 01_data.ipynb" not in done.stderr  # LMS names: no warning per file
    assert "note: 2 notebooks named by Canvas's download" in done.stderr
