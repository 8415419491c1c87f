"""The `course` command end to end: full marks for the solutions, zero for the lessons, exit codes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT


def course(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "autograder.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_check_gives_the_solutions_full_marks():
    done = course("check", "solutions", "--min-score", "100", "--seed", "99")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "total: 62/62 required + 22 bonus = 84 points" in done.stdout
    rows = [line.split() for line in done.stdout.splitlines() if line[:2].isdigit()]
    assert len(rows) == 28 and all(row[-1] == "passed" for row in rows), done.stdout


def test_check_gives_the_lessons_zero_with_not_implemented_yet():
    done = course("check", "lessons", "--seed", "99")
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if line[:2].isdigit()]
    assert len(rows) == 28
    assert all("not implemented" in row and " 0/" in row for row in rows), rows
    assert "total: 0/62 points" in done.stdout


def test_min_score_is_a_gate():
    done = course("check", "lessons/02_activations.ipynb", "--min-score", "50")
    assert done.returncode == 1
    assert "below --min-score" in done.stderr


def test_min_score_on_a_bonus_lesson_alone_gates_its_bonus_points():
    solved = course("check", "solutions/09_deeper_networks.ipynb", "--min-score", "100", "--public")
    assert solved.returncode == 0, solved.stdout + solved.stderr
    untouched = course("check", "lessons/09_deeper_networks.ipynb", "--min-score", "1", "--public")
    assert untouched.returncode == 1, untouched.stdout + untouched.stderr
    assert "score 0.0% is below --min-score 1%" in untouched.stderr


def test_one_notebook_checked_alone_builds_on_the_students_earlier_lessons(tmp_path):
    """Public checks (a student release) of one notebook run its functions on the student's own
    earlier functions, found as import_functions finds them; missing ones are named."""
    import shutil

    alone = tmp_path / "class" / "ps2"
    alone.mkdir(parents=True)
    shutil.copy(ROOT / "solutions" / "04_backprop.ipynb", alone)
    notebook = str(alone / "04_backprop.ipynb")
    missing = course("check", notebook, "--public")
    assert "total: 5/11 points" in missing.stdout, missing.stdout + missing.stderr
    backward = next(line for line in missing.stdout.splitlines() if "backward" in line)
    assert "not defined" in backward and "builds on your `one_hot` (01_data.ipynb)" in backward

    earlier = tmp_path / "class" / "ps1"
    earlier.mkdir()
    for lesson in ("01_data", "02_activations", "03_forward"):
        shutil.copy(ROOT / "solutions" / f"{lesson}.ipynb", earlier)
    found = course("check", notebook, "--public")
    assert "total: 11/11 points" in found.stdout, found.stdout + found.stderr
    in_place = course("check", "solutions/09_deeper_networks.ipynb", "--public")
    assert "+ 18 bonus = 18 points" in in_place.stdout, in_place.stdout + in_place.stderr


def test_one_function_can_be_checked():
    done = course("check", "solutions/02_activations.ipynb", "--function", "softmax")
    assert done.returncode == 0
    assert "softmax" in done.stdout and "relu " not in done.stdout


def test_bad_paths_get_a_message_and_exit_2(tmp_path):
    for args, message in [
        (("check", str(tmp_path / "missing")), "does not exist"),
        (("check", str(tmp_path)), "holds no lesson notebooks"),
        (("grade", str(tmp_path / "missing")), "is not a folder"),
        (("grade", str(tmp_path)), "no student sub-folders"),
        (("check", "--function", "nonsense", "solutions"), "unknown function"),
    ]:
        done = course(*args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert message in done.stderr
        assert "Traceback" not in done.stderr


def test_a_notebook_that_is_not_a_lesson_is_refused(tmp_path):
    other = tmp_path / "homework.ipynb"
    other.write_text("{}")
    done = course("check", str(other))
    assert done.returncode == 2 and "not a lesson notebook" in done.stderr


# -- one way of ending, for every command -----------------------------------------------------------


def _interrupted(*args, **kwargs):
    raise KeyboardInterrupt


def _data_problem(*args, **kwargs):
    from autograder.errors import DataError

    raise DataError("the data is broken (simulated); run `course data fetch`")


COMMANDS = [
    ("autograder.data.status", ("data", "status")),
    ("autograder.data.score_submission", ("score", "data/sample/answer_key.csv")),
    ("autograder.train.run_training", ("train", "--no-progress")),
    ("autograder.authoring.build.plan_build", ("build", "--check")),
    ("autograder.authoring.release.make_release", ("release", "somewhere")),
]


@pytest.mark.parametrize("target, args", COMMANDS, ids=[c[1][0] for c in COMMANDS])
def test_every_command_ends_the_same_way(target, args, monkeypatch, capsys):
    from autograder import cli

    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(target, _interrupted)
    assert cli.main(list(args)) == 130
    assert capsys.readouterr().err == "course: interrupted.\n"
    monkeypatch.setattr(target, _data_problem)
    assert cli.main(list(args)) == 2
    err = capsys.readouterr().err
    assert err == "course: the data is broken (simulated); run `course data fetch`\n"


#: Exceptions that never reach a user as themselves, each with why: grader faults (shown as
#: "needs review", or as an internal error to report) and the verdicts a check ends in.
INTERNAL_EXCEPTIONS = {
    "ConfinementError": "a layer could not be applied: the worker does not run (grader fault)",
    "ChannelError": "a worker broke the channel's rules: that function's failure",
    "ChannelClosed": "a worker closed the channel: that function's failure",
    "SandboxError": "the sandbox could not start: needs review",
    "ControlError": "a helper process has gone: needs review",
    "CodecError": "a value that cannot cross: the function's failure, or needs review",
    "ReferenceServerError": "the reference server failed: needs review",
    "CallRefused": "a refused reference call, sent back to the worker",
    "MissingDependency": "becomes that function's 'not defined' message",
    "NotGraded": "Gradescope's NOT GRADED result, with the reason",
    "CheckFailed": "a check's failure: the feedback",
    "NotImplementedYet": "a check's verdict: not implemented yet",
    "NotDefined": "a check's verdict: not defined",
    "GraderError": "a check's verdict: needs review",
}


def _exception_classes():
    """(module, class name) of every exception class the package defines."""
    import ast
    import re

    found: dict[str, str] = {}
    trees = {
        path: ast.parse(path.read_text(encoding="utf-8"))
        for path in (ROOT / "autograder").rglob("*.py")
    }
    growing = True
    while growing:  # a class is an exception when a base is one (found so far) or looks like one
        growing = False
        for path, tree in trees.items():
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            for node in ast.walk(tree):
                if not isinstance(node, ast.ClassDef) or node.name in found:
                    continue
                bases = {
                    b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases
                }
                if bases & set(found) or any(re.search(r"(Error|Exception)$", b) for b in bases):
                    found[node.name] = module
                    growing = True
    return sorted((module, name) for name, module in found.items())


def test_every_exception_a_user_can_meet_is_a_user_error():
    """A user-fixable problem ends every command the same way (its message, exit 2): each
    exception class is a UserError, or an internal one listed above with what becomes of it."""
    import importlib

    from autograder.errors import UserError

    classes = _exception_classes()
    assert len(classes) > 20, classes
    unlisted = []
    for module, name in classes:
        cls = getattr(importlib.import_module(module), name)
        if not issubclass(cls, BaseException):
            continue
        if issubclass(cls, UserError):
            assert name not in INTERNAL_EXCEPTIONS, f"{name} is a UserError: unlist it"
        elif name not in INTERNAL_EXCEPTIONS:
            unlisted.append(f"{module}.{name}")
    assert not unlisted, f"neither UserErrors nor listed as internal: {unlisted}"


def test_a_wrong_option_gets_the_same_prefix_and_exit_2(capsys):
    from autograder import cli

    assert cli.main(["train", "--recipe", "nonsense"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: course train")
    assert "course: argument --recipe: invalid choice: 'nonsense'" in err
    assert "see `course train --help`" in err


def test_a_command_group_without_a_command_prints_its_help_and_exits_2(capsys):
    from autograder import cli

    assert cli.main([]) == 2
    assert "usage: course" in capsys.readouterr().err
    assert cli.main(["data"]) == 2
    assert "usage: course data" in capsys.readouterr().err


def interrupted_at(point: str, *args: str) -> subprocess.CompletedProcess:
    """A real `course` command that receives a real SIGINT at a named point of its work
    (``COURSE_INTERRUPT_AT``, see ``autograder.interrupts``): where it lands does not depend on
    how busy the machine is."""
    import os

    return subprocess.run(
        [sys.executable, "-m", "autograder.cli", *args],
        cwd=ROOT,
        env={**os.environ, "MPLBACKEND": "Agg", "COURSE_INTERRUPT_AT": point},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def assert_interrupted(done: subprocess.CompletedProcess, out) -> None:
    """Exit 130, one line, and nothing in ``out`` that looks like a finished output."""
    assert done.returncode == 130, done.stderr[-2000:]
    assert done.stderr.strip().splitlines()[-1:] == ["course: interrupted."], done.stderr[-2000:]
    assert "Traceback" not in done.stderr and "Replace the file" not in done.stderr
    left = sorted(p.name for p in out.rglob("*") if p.is_file()) if out.exists() else []
    assert not [name for name in left if "partial" in name], left


@pytest.mark.parametrize("point", ["reading-data", "training", "writing"])
def test_ctrl_c_in_a_real_train_run_exits_130(point, tmp_path):
    """`course train` interrupted while it reads the data, trains, or writes its outputs."""
    out = tmp_path / "out"
    done = interrupted_at(point, "train", "--recipe", "seed", "--no-progress", "--out", str(out))
    assert_interrupted(done, out)
    written = {p.name for p in out.iterdir()} if out.exists() else set()
    assert not written & {"metrics.json", "submission.csv", "learning_curve.png"}, written


@pytest.mark.parametrize("point", ["grading", "writing"])
def test_ctrl_c_in_a_real_class_grading_exits_130(point, tmp_path, submission_factory):
    """`course grade` interrupted after its first student, or while it writes the gradebook:
    no gradebook or report that looks complete, and no grading process left running."""
    from tests.conftest import own_processes, stray_processes

    students = tmp_path / "class"
    students.mkdir()
    for name in ("ann", "ben", "cat"):
        submission_factory(lessons=["02_activations"]).rename(students / name)
    out = tmp_path / "out"
    before = own_processes()
    done = interrupted_at(
        point, "grade", str(students), "--out", str(out / "grades.csv"), "--quiet"
    )
    assert_interrupted(done, out)
    written = {p.name for p in out.iterdir()} if out.exists() else set()
    assert not written & {"grades.csv", "report.html", "items.csv"}, written
    assert stray_processes(before) == []


def test_ctrl_c_while_check_writes_its_json_leaves_no_json(tmp_path):
    target = tmp_path / "result.json"
    done = interrupted_at(
        "writing", "check", "solutions/02_activations.ipynb", "--json", str(target)
    )
    assert_interrupted(done, tmp_path)
    assert not target.exists()


def test_verbose_shows_every_failing_check_with_its_whole_hint(submission_factory):
    wrong_axis = "def softmax(Z):\n    e = np.exp(Z - Z.max())\n    return e / e.sum(axis=0)\n"
    folder = submission_factory({"softmax": wrong_axis}, lessons=["02_activations"])
    notebook = str(folder / "02_activations.ipynb")
    short = course("check", notebook, "--function", "softmax", "--seed", "5")
    full = course("check", notebook, "--function", "softmax", "--seed", "5", "-v")
    hint = "softmax normalises each row (axis=1): one row per example."
    assert hint not in short.stdout  # the table cuts its messages
    assert full.returncode == 0, full.stderr
    details = full.stdout.split("total:")[1]
    assert "softmax (02_activations):" in details and hint in details, full.stdout
    assert details.count("✗") >= 2, details  # each failing check, not only the first
