"""The solution notebooks in a real nbgrader course: generate, submit, autograde.

First with stock nbgrader (public checks in the student's kernel), then with the course's hidden
checks (``HiddenChecks`` in place of nbgrader's Execute step) on a course split into two
assignments, ps1 = lessons 01-04 and ps2 = 05-07, whose scores must equal `course grade`'s on
the same notebooks, function by function.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests.conftest import LESSONS, ROOT, SOLUTIONS, distinctive_solution_lines, replace_function

NOTEBOOK = "02_activations.ipynb"
ASSIGNMENTS = {
    "ps1": ["01_data", "02_activations", "03_forward", "04_backprop"],
    "ps2": ["05_gradient_descent", "06_evaluation", "07_submission"],
}
SEED = 4242

CONFIG = """
c = get_config()
c.CourseDirectory.course_id = "digits"
c.CourseDirectory.db_assignments = [dict(name="ps1")]
c.CourseDirectory.db_students = [dict(id="alice"), dict(id="bob"), dict(id="dave")]
c.ExecutePreprocessor.timeout = 300
"""

HIDDEN_CONFIG = """
from autograder.grading.platforms.nbgrader_hidden import autograde_preprocessors

c = get_config()
c.CourseDirectory.course_id = "digits"
c.CourseDirectory.db_assignments = [dict(name="ps1"), dict(name="ps2")]
c.CourseDirectory.db_students = [dict(id=s) for s in ("alice", "bob", "carol", "mallory")]
c.Autograde.autograde_preprocessors = autograde_preprocessors()
c.HiddenChecks.seed = {seed}
"""

# A student who writes no code but defines their own `check` in a solution cell.
SHADOW = """
def check(name, namespace=None):
    return 2


def {function}(*args, **kwargs):
    raise NotImplementedError("{function}")
"""

MISTAKES = {
    "softmax": (
        "def softmax(Z):\n    e = np.exp(Z - Z.max(axis=0, keepdims=True))\n"
        "    return e / e.sum(axis=0, keepdims=True)"
    ),
    "cross_entropy": (
        "def cross_entropy(probs, y):\n    p = np.clip(probs[np.arange(len(y)), y], 1e-12, None)\n"
        "    return float(-np.sum(np.log(p)))"
    ),
    "accuracy": "def accuracy(y_pred, y_true):\n    return int(np.sum(y_pred == y_true))",
    "make_submission": (
        "def make_submission(predictions):\n    n = len(predictions)\n"
        "    return pd.DataFrame({'ImageId': np.arange(n), "
        "'Label': np.asarray(predictions).astype(int)})"
    ),
}


def nbgrader(course_dir, *args, env=None):
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course_dir,
        capture_output=True,
        text=True,
        timeout=1200,
        env=env or dict(os.environ),
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def _notebook(lesson_id: str) -> str:
    return f"{lesson_id}.ipynb"


def _edit(source: Path, destination: Path, replacements: dict[str, str]) -> None:
    nb = nbformat.read(source, as_version=4)
    for function, text in replacements.items():
        try:
            replace_function(nb, function, text)
        except KeyError:
            continue  # the function lives in another notebook
    nbformat.write(nb, destination)


def without_reference(tmp_path: Path) -> dict[str, str]:
    """The environment of a grading machine that does not hold the course's solutions."""
    (tmp_path / "no-solutions").mkdir(exist_ok=True)
    return dict(os.environ, COURSE_SOLUTIONS=str(tmp_path / "no-solutions"))


@pytest.mark.slow
def test_nbgrader_generates_the_assignment_and_autogrades_with_partial_credit(tmp_path):
    """Stock nbgrader, the public checks in the student's kernel (no reference on the machine)."""
    from nbgrader.api import Gradebook

    env = without_reference(tmp_path)
    course_dir = tmp_path / "course"
    (course_dir / "source" / "ps1").mkdir(parents=True)
    (course_dir / "nbgrader_config.py").write_text(CONFIG)
    shutil.copy(SOLUTIONS / NOTEBOOK, course_dir / "source" / "ps1" / NOTEBOOK)
    nbgrader(course_dir, "generate_assignment", "ps1", "--force")
    released = course_dir / "release" / "ps1" / NOTEBOOK
    assert "BEGIN SOLUTION" not in released.read_text()
    lesson = LESSONS / NOTEBOOK  # what `course build` and `course release` hand out
    handed_in = (("alice", course_dir / "source" / "ps1" / NOTEBOOK), ("bob", released))
    for student, source in (*handed_in, ("dave", lesson)):
        folder = course_dir / "submitted" / student / "ps1"
        folder.mkdir(parents=True)
        shutil.copy(source, folder / NOTEBOOK)
    nbgrader(course_dir, "autograde", "ps1", "--force", env=env)
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook:
        alice = gradebook.find_submission("ps1", "alice")
        bob = gradebook.find_submission("ps1", "bob")
        assert alice.max_score == 7
        assert alice.score == 7, [(g.name, g.auto_score) for n in alice.notebooks for g in n.grades]
        assert bob.score == 0
        assert gradebook.find_submission("ps1", "dave").score == 0  # graded, not refused


def test_lesson_09_written_answers_are_graded_by_hand_and_left_out_of_course_yml():
    import nbformat

    from autograder.config import load_course
    from tests.conftest import LESSONS

    name = "09_deeper_networks.ipynb"
    solution = nbformat.read(SOLUTIONS / name, as_version=4)
    graded = [c for c in solution.cells if c.metadata.get("nbgrader", {}).get("grade")]
    written = [c for c in graded if c.cell_type == "markdown"]
    # nbgrader's "manually graded answer": a markdown cell that is both solution and graded
    assert [c.metadata["nbgrader"]["points"] for c in written] == [2, 2]
    assert all(c.metadata["nbgrader"]["solution"] for c in written)
    automatic = sum(c.metadata["nbgrader"]["points"] for c in graded if c.cell_type == "code")
    course_points = sum(e.points for e in load_course().lesson("09_deeper_networks").exercises)
    assert automatic == course_points == 18
    lesson = nbformat.read(LESSONS / name, as_version=4)
    ids = {c.metadata["nbgrader"]["grade_id"] for c in written}
    answers = [
        c.source for c in lesson.cells if c.metadata.get("nbgrader", {}).get("grade_id") in ids
    ]
    assert answers == ["YOUR ANSWER HERE", "YOUR ANSWER HERE"]


@pytest.mark.slow
def test_stock_nbgrader_pays_a_student_who_shadows_check(tmp_path):
    """Why the hidden checks are needed: in the student's kernel, their own `check` wins."""
    from nbgrader.api import Gradebook

    course_dir = tmp_path / "course"
    (course_dir / "source" / "ps1").mkdir(parents=True)
    (course_dir / "nbgrader_config.py").write_text(CONFIG.replace('"bob"', '"mallory"'))
    shutil.copy(SOLUTIONS / NOTEBOOK, course_dir / "source" / "ps1" / NOTEBOOK)
    nbgrader(course_dir, "generate_assignment", "ps1", "--force")
    folder = course_dir / "submitted" / "mallory" / "ps1"
    folder.mkdir(parents=True)
    _edit(
        course_dir / "release" / "ps1" / NOTEBOOK,
        folder / NOTEBOOK,
        {"relu": SHADOW.format(function="relu")},
    )
    nbgrader(course_dir, "autograde", "ps1", "--force", env=without_reference(tmp_path))
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook:
        assert gradebook.find_submission("ps1", "mallory").score == 6  # 2 + 2 + 2, no code


@pytest.mark.slow
def test_stock_nbgrader_beside_the_solutions_gives_the_public_checks_no_points(tmp_path):
    """Autograding without the hidden checks on a machine that has them fails closed."""
    from nbgrader.api import Gradebook

    course_dir = tmp_path / "course"
    (course_dir / "source" / "ps1").mkdir(parents=True)
    (course_dir / "nbgrader_config.py").write_text(CONFIG)
    shutil.copy(SOLUTIONS / NOTEBOOK, course_dir / "source" / "ps1" / NOTEBOOK)
    nbgrader(course_dir, "generate_assignment", "ps1", "--force")
    folder = course_dir / "submitted" / "alice" / "ps1"
    folder.mkdir(parents=True)
    shutil.copy(SOLUTIONS / NOTEBOOK, folder / NOTEBOOK)
    nbgrader(
        course_dir,
        "autograde",
        "ps1",
        "--force",
        env=dict(os.environ, COURSE_SOLUTIONS=str(SOLUTIONS)),
    )
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook:
        assert gradebook.find_submission("ps1", "alice").score == 0
    nb = nbformat.read(course_dir / "autograded" / "alice" / "ps1" / NOTEBOOK, 4)
    check_cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert all("without the course's hidden checks" in c.outputs[0].text for c in check_cells)


@pytest.fixture(scope="module")
def split_course(tmp_path_factory):
    """An nbgrader course of two assignments, four students, autograded with the hidden checks;
    the same notebooks graded by `course grade`."""
    base = tmp_path_factory.mktemp("nbgrader-hidden")
    course_dir = base / "course"
    course_dir.mkdir()
    (course_dir / "nbgrader_config.py").write_text(HIDDEN_CONFIG.format(seed=SEED))
    for assignment, lessons in ASSIGNMENTS.items():
        folder = course_dir / "source" / assignment
        folder.mkdir(parents=True)
        for lesson in lessons:
            shutil.copy(SOLUTIONS / _notebook(lesson), folder / _notebook(lesson))
    env = dict(os.environ, COURSE_SOLUTIONS=str(SOLUTIONS))  # set by the instructor
    for assignment in ASSIGNMENTS:
        nbgrader(course_dir, "generate_assignment", assignment, "--force", env=env)
    shadows = {"relu": SHADOW.format(function="relu")}
    shadows["update_params"] = SHADOW.format(function="update_params")
    students = {
        "alice": (course_dir / "source", {}),  # correct
        "bob": (course_dir / "release", {}),  # untouched
        "carol": (course_dir / "source", MISTAKES),  # mistaken
        "mallory": (course_dir / "release", shadows),  # no code, her own check
    }
    together = base / "submissions"  # the same notebooks, one folder per student
    for student, (origin, replacements) in students.items():
        for assignment, lessons in ASSIGNMENTS.items():
            folder = course_dir / "submitted" / student / assignment
            folder.mkdir(parents=True)
            (together / student).mkdir(parents=True, exist_ok=True)
            for lesson in lessons:
                name = _notebook(lesson)
                _edit(origin / assignment / name, folder / name, replacements)
                shutil.copy(folder / name, together / student / name)
    autograde = {
        assignment: nbgrader(course_dir, "autograde", assignment, "--force", env=env)
        for assignment in ASSIGNMENTS
    }
    out = base / "out" / "grades.csv"
    graded = subprocess.run(
        [sys.executable, "-m", "autograder.cli", "grade", str(together), "--out", str(out)]
        + ["--seed", str(SEED), "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    assert graded.returncode == 0, graded.stderr
    return course_dir, out, autograde


def _nbgrader_points(course_dir: Path) -> dict[str, dict[str, float]]:
    from nbgrader.api import Gradebook

    points: dict[str, dict[str, float]] = {}
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook:
        for assignment in ASSIGNMENTS:
            for student in ("alice", "bob", "carol", "mallory"):
                submission = gradebook.find_submission(assignment, student)
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        function = grade.name.removeprefix("check_")
                        points.setdefault(student, {})[function] = grade.score
    return points


def _course_grade_points(out: Path) -> dict[str, dict[str, float]]:
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    points: dict[str, dict[str, float]] = {}
    for row in rows:
        for column, value in row.items():
            try:
                points.setdefault(row["student"], {})[column] = float(value)
            except ValueError:
                continue  # the student's name, the needs_review column
    return points


@pytest.mark.slow
def test_hidden_checks_under_nbgrader_equal_course_grade_function_by_function(split_course, course):
    course_dir, out, _ = split_course
    under_nbgrader = _nbgrader_points(course_dir)
    by_course_grade = _course_grade_points(out)
    lessons = {lesson for group in ASSIGNMENTS.values() for lesson in group}
    graded = [e.function for e in course.exercises if e.lesson in lessons]
    side_by_side = {
        student: {f: (under_nbgrader[student][f], by_course_grade[student][f]) for f in graded}
        for student in under_nbgrader
    }
    differ = {
        (student, f): pair
        for student, row in side_by_side.items()
        for f, pair in row.items()
        if pair[0] != pair[1]
    }
    assert not differ, differ
    full = {e.function: e.points for e in course.exercises}
    assert all(under_nbgrader["alice"][f] == full[f] for f in graded)
    assert all(under_nbgrader["bob"][f] == 0 for f in graded)
    for function in MISTAKES:
        assert under_nbgrader["carol"][function] < full[function]
    assert sum(under_nbgrader["carol"][f] for f in graded) > 40


@pytest.mark.slow
def test_a_student_who_shadows_check_gets_no_points_for_it(split_course):
    course_dir, out, _ = split_course
    assert _nbgrader_points(course_dir)["mallory"]["relu"] == 0
    assert _nbgrader_points(course_dir)["mallory"]["update_params"] == 0
    assert sum(_nbgrader_points(course_dir)["mallory"].values()) == 0
    assert _course_grade_points(out)["mallory"]["total"] == 0


@pytest.mark.slow
def test_the_check_cells_carry_the_hidden_feedback(split_course):
    course_dir, *_ = split_course
    nb = nbformat.read(course_dir / "autograded" / "carol" / "ps1" / "02_activations.ipynb", 4)
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    outputs = cells["check_softmax"].outputs
    assert outputs[0].output_type == "stream" and outputs[0].name == "stdout"
    assert "axis=0" in outputs[0].text and f"seed {SEED}" in outputs[0].text
    assert outputs[-1].output_type == "execute_result"
    assert float(outputs[-1].data["text/plain"]) < 3
    assert cells["check_relu"].outputs[-1].data["text/plain"] == "2"


@pytest.mark.slow
def test_no_kernel_ran_student_code_and_nothing_shows_the_reference(split_course):
    course_dir, _, autograde = split_course
    lines = distinctive_solution_lines()
    assert len(lines) > 30
    for assignment in ASSIGNMENTS:
        released = "\n".join(
            "\n".join(line.strip() for line in path.read_text().splitlines())
            for path in (course_dir / "release" / assignment).glob("*.ipynb")
        )
        assert not [line for line in lines if json.dumps(line)[1:-1] in released]
        assert "hidden checks: " in autograde[assignment].stderr
    for path in (course_dir / "autograded").rglob("*.ipynb"):
        nb = nbformat.read(path, 4)
        ran = [c for c in nb.cells if c.cell_type == "code" and c.get("execution_count")]
        assert not ran, path  # no kernel executed the student's notebook
        shown = json.dumps([c.get("outputs", []) for c in nb.cells])
        assert not [line for line in lines if json.dumps(line)[1:-1] in shown], path


def test_the_check_cell_is_recognised_by_its_call_only():
    from autograder.grading.platforms.nbgrader_hidden import checked_function

    assert checked_function('check("relu")') == "relu"
    assert checked_function("autograder.check('softmax')") == "softmax"
    assert checked_function("check(name)") is None
    assert checked_function('x = check("relu")') is None
    assert checked_function('check("relu")\ncheck("softmax")') is None
    assert checked_function("assert relu(1) == 1") is None


def test_the_pipeline_replaces_execute_or_follows_it():
    from nbgrader.preprocessors import Execute, SaveAutoGrades

    from autograder.grading.platforms.nbgrader_hidden import HiddenChecks, autograde_preprocessors

    steps = autograde_preprocessors()
    assert Execute not in steps and steps[0] is HiddenChecks
    assert steps.index(HiddenChecks) < steps.index(SaveAutoGrades)
    kept = autograde_preprocessors(execute=True)
    assert kept.index(Execute) + 1 == kept.index(HiddenChecks)


def _hidden_course(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """An nbgrader course of lesson 02 under HiddenChecks, with alice's correct notebook in."""
    course_dir = tmp_path / "course"
    (course_dir / "source" / "ps1").mkdir(parents=True)
    config = HIDDEN_CONFIG.format(seed=SEED).replace(
        'dict(name="ps1"), dict(name="ps2")', 'dict(name="ps1")'
    )
    (course_dir / "nbgrader_config.py").write_text(config)
    shutil.copy(SOLUTIONS / NOTEBOOK, course_dir / "source" / "ps1" / NOTEBOOK)
    env = dict(os.environ, COURSE_SOLUTIONS=str(SOLUTIONS))
    nbgrader(course_dir, "generate_assignment", "ps1", "--force", env=env)
    folder = course_dir / "submitted" / "alice" / "ps1"
    folder.mkdir(parents=True)
    shutil.copy(SOLUTIONS / NOTEBOOK, folder / NOTEBOOK)
    return course_dir, env


@pytest.mark.slow
def test_hidden_checks_refuse_without_landlock_unless_the_risk_is_accepted_and_then_say_so(
    tmp_path,
):
    """No Landlock: nbgrader autograde fails (non-zero) with the reason and grades nothing; with
    COURSE_ALLOW_WEAK_ISOLATION=1 it grades, and every check cell says what was missing."""
    from nbgrader.api import Gradebook

    course_dir, env = _hidden_course(tmp_path)
    without_landlock = dict(env, COURSE_SANDBOX_DISABLE="landlock")
    refused = subprocess.run(
        [sys.executable, "-m", "nbgrader", "autograde", "ps1", "--force"],
        cwd=course_dir,
        capture_output=True,
        text=True,
        timeout=1200,
        env=without_landlock,
        check=False,
    )
    assert refused.returncode != 0, refused.stdout[-2000:] + refused.stderr[-2000:]
    assert "refusing to grade untrusted work without Landlock" in refused.stderr
    assert not (course_dir / "autograded" / "alice" / "ps1" / NOTEBOOK).exists()

    accepted = dict(without_landlock, COURSE_ALLOW_WEAK_ISOLATION="1")
    done = nbgrader(course_dir, "autograde", "ps1", "--force", env=accepted)
    assert "graded without Landlock" in done.stderr
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook:
        assert gradebook.find_submission("ps1", "alice").score == 7
    nb = nbformat.read(course_dir / "autograded" / "alice" / "ps1" / NOTEBOOK, 4)
    check_cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert check_cells
    assert all("(isolation: graded without Landlock" in c.outputs[0].text for c in check_cells)


def test_a_config_written_for_the_old_path_still_works():
    """nbgrader_config.py files name the preprocessors' module: the one from before grading/
    was laid out by job gives the same preprocessors."""
    from autograder.grading import nbgrader_hidden as old
    from autograder.grading.platforms import nbgrader_hidden as new

    assert old.autograde_preprocessors() == new.autograde_preprocessors()
    assert old.HiddenChecks is new.HiddenChecks
