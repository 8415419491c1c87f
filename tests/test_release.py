"""The student release: no answers anywhere, and the public checks work without solutions/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbclient
import nbformat
import pytest

from tests.conftest import ROOT, SOLUTIONS, check_results


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    destination = tmp_path_factory.mktemp("release") / "course-student"
    done = subprocess.run(
        [sys.executable, "-m", "autograder.cli", "release", str(destination)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return destination


def _env(bundle: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "COURSE_SOLUTIONS"}
    env["PYTHONPATH"] = str(bundle)
    env["COURSE_DATA"] = str(bundle / "data" / "sample")
    return env


def test_bundle_has_lessons_checks_data_and_no_solutions(bundle):
    assert not (bundle / "solutions").exists()
    assert not (bundle / "tests").exists()
    for name in (
        "README.md",
        "course.yml",
        "requirements.txt",
        "lessons/01_data.ipynb",
        "autograder/checks/test_02_activations.py",
        "autograder/public/relu.json",
        "data/sample/train.csv.gz",
        "data/README.md",
        "autograder/hints/02_activations.yml",
    ):
        assert (bundle / name).is_file(), name


def test_the_bundle_installs_the_learners_set_only(bundle):
    """Its requirements.txt is the package alone: no instructor or developer extras."""
    lines = [
        line.strip()
        for line in (bundle / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines == ["-e ."]


def test_every_reference_solution_has_distinctive_lines():
    from autograder.authoring.leaks import distinctive_lines
    from autograder.config import load_course

    functions = set(distinctive_lines().values())
    assert functions == {e.function for e in load_course().exercises}


def test_no_distinctive_line_of_a_reference_solution_is_in_the_bundle(bundle):
    from autograder.authoring.leaks import find_solution_leaks

    assert [str(leak) for leak in find_solution_leaks(bundle)] == []


def test_the_leak_search_finds_a_planted_solution_notebook(bundle, tmp_path):
    from autograder.authoring.leaks import find_solution_leaks

    planted = tmp_path / "planted"
    shutil.copytree(bundle / "lessons", planted)
    shutil.copy(SOLUTIONS / "03_forward.ipynb", planted / "03_forward.ipynb")
    leaks = find_solution_leaks(planted)
    assert {leak.function for leak in leaks} >= {"init_params", "forward", "cross_entropy"}
    assert all(leak.path.name == "03_forward.ipynb" for leak in leaks)


def test_the_leak_search_finds_one_planted_line_however_it_is_spaced(bundle, tmp_path):
    from autograder.authoring.leaks import distinctive_lines, find_solution_leaks

    line, function = next(iter(distinctive_lines().items()))
    planted = tmp_path / "planted"
    shutil.copytree(bundle / "autograder" / "data", planted)
    helper = planted / "helper.py"
    helper.write_text(f"def helper():\n        {line}   # looks harmless\n")
    leaks = find_solution_leaks(planted)
    assert [(leak.path.name, leak.line, leak.function) for leak in leaks] == [
        ("helper.py", 2, function)
    ]


def test_course_train_in_the_bundle_holds_no_training_loop(bundle):
    from autograder.authoring.leaks import find_solution_leaks

    assert (bundle / "autograder" / "train" / "fit.py").is_file()
    assert not find_solution_leaks(bundle / "autograder")


def test_lines_that_compute_nothing_are_not_answers():
    from autograder.authoring.leaks import computes_nothing

    assert computes_nothing('Z1, A1, Z2 = cache["Z1"], cache["A1"], cache["Z2"]')
    assert not computes_nothing("dev, train = order[:dev_size], order[dev_size:]")
    assert not computes_nothing('Z1 = X @ params["W1"] + params["b1"]')


def _course(bundle: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "autograder.cli", *args],
        capture_output=True,
        text=True,
        cwd=bundle,
        env=_env(bundle),
        timeout=600,
        check=False,
    )


def test_course_check_in_the_bundle_uses_the_public_checks(bundle):
    done = _course(bundle, "check", "lessons/02_activations.ipynb")
    assert done.returncode == 0, done.stderr
    assert "public checks" in done.stdout
    assert done.stdout.count("not implemented") == 3
    assert "total: 0/" in done.stdout


def test_course_check_in_the_bundle_gives_full_marks_to_finished_work(bundle, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    for name in ("01_data.ipynb", "02_activations.ipynb", "03_forward.ipynb"):
        shutil.copy(SOLUTIONS / name, work / name)
    done = _course(bundle, "check", str(work))
    assert done.returncode == 0, done.stderr
    assert "failed" not in done.stdout and "not implemented" not in done.stdout, done.stdout


def test_check_in_a_notebook_works_in_the_bundle(bundle, tmp_path):
    work = tmp_path / "nb"
    shutil.copytree(bundle / "lessons", work)
    shutil.copy(SOLUTIONS / "02_activations.ipynb", work / "02_activations.ipynb")
    nb = nbformat.read(work / "02_activations.ipynb", as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(work)}}
    )
    old = dict(os.environ)
    os.environ.update(_env(bundle))
    try:
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(old)
    verdicts = [verdict for _, verdict, _ in check_results(nb)]
    assert verdicts == ["passed"] * 3, verdicts


def test_course_train_in_the_bundle_names_the_first_unfinished_lesson_function(bundle, tmp_path):
    done = _course(bundle, "train", "--out", str(tmp_path / "out"))
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.startswith("course: ") and "Traceback" not in done.stderr
    assert "`split_features_labels`" in done.stderr and "not implemented yet" in done.stderr
    assert "01_data.ipynb" in done.stderr
    assert not (tmp_path / "out" / "submission.csv").exists()


def test_course_train_in_the_bundle_trains_with_the_students_finished_lessons(bundle, tmp_path):
    work = tmp_path / "work"
    (work / "lessons").mkdir(parents=True)
    for notebook in SOLUTIONS.glob("*.ipynb"):
        shutil.copy(notebook, work / "lessons" / notebook.name)
    done = subprocess.run(
        [sys.executable, "-m", "autograder.cli", "train", "--no-progress", "--epochs", "1"],
        capture_output=True,
        text=True,
        cwd=work,
        env=_env(bundle),
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "your lesson notebooks" in done.stdout and "trained in" in done.stdout
    assert (work / "out" / "train" / "submission.csv").is_file()


def test_course_score_in_the_bundle_uses_the_students_validate_submission(bundle, tmp_path):
    import pandas as pd

    key = pd.read_csv(bundle / "data" / "sample" / "answer_key.csv")
    submission = tmp_path / "submission.csv"
    key.to_csv(submission, index=False)
    done = _course(bundle, "score", str(submission))
    assert done.returncode == 0, done.stderr
    assert "checked by the format check" in done.stdout and "not written yet" in done.stdout
    shutil.copy(SOLUTIONS / "07_submission.ipynb", bundle / "lessons" / "07_submission.ipynb")
    try:
        key.assign(Label=key["Label"] + 0.5).to_csv(submission, index=False)
        done = _course(bundle, "score", str(submission))
        assert done.returncode == 2
        assert "your validate_submission (lessons/07_submission.ipynb)" in done.stderr
        assert "Label must hold integers" in done.stderr
    finally:
        shutil.copy(ROOT / "lessons" / "07_submission.ipynb", bundle / "lessons")
