"""Tests of `course train` (autograder/train/): the reference pipeline end to end.

Every run is pinned to the embedded sample (COURSE_DATA=data/sample), so a full download sitting
in data/ never makes these tests slow or changes what they check. The command runs for real: the
notebooks' functions, the training, the plots, the submission and its score.
"""

from __future__ import annotations

import ast
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from autograder import cli, data, train
from autograder.reference import load_reference, solutions_dir
from autograder.train.loop import train_network

REPO = Path(__file__).resolve().parent.parent
SAMPLE_DIR = REPO / "data" / "sample"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SAMPLE_TRAIN_ROWS, SAMPLE_TEST_ROWS = 5000, 1000
SAMPLE_DEV_ROWS = round(SAMPLE_TRAIN_ROWS * 1000 / 42000)  # 119: the full data's share


@pytest.fixture(autouse=True)
def _pin_sample(monkeypatch):
    monkeypatch.setenv("COURSE_DATA", str(SAMPLE_DIR))
    monkeypatch.setenv("MPLBACKEND", "Agg")


def run_train(capsys, *args: str) -> tuple[int, str, str]:
    """`course train ARGS` in this process; returns (exit code, stdout, stderr)."""
    code = cli.main(["train", "--no-progress", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def read_metrics(out: Path) -> dict:
    return json.loads((out / "metrics.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def default_run(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    """The README's main job, `course train` with its defaults, as a user runs it."""
    out = tmp_path_factory.mktemp("train") / "out"
    env = {**os.environ, "COURSE_DATA": str(SAMPLE_DIR), "MPLBACKEND": "Agg"}
    proc = subprocess.run(
        [sys.executable, "-m", "autograder.cli", "train", "--out", str(out)],
        cwd=REPO,
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return proc, out


# -- the default run: files, submission, metrics ---------------------------------------------------


def test_default_run_succeeds(default_run):
    proc, _ = default_run
    assert proc.returncode == 0, proc.stderr


def test_default_run_writes_every_file(default_run):
    _, out = default_run
    for name in train.OUTPUT_FILES:
        assert (out / name).is_file(), f"{name} was not written"
        assert (out / name).stat().st_size > 0, f"{name} is empty"


def test_default_run_pictures_are_png(default_run):
    _, out = default_run
    for name in ("learning_curve.png", "confusion_matrix.png", "misclassified.png"):
        assert (out / name).read_bytes()[:8] == PNG_MAGIC, f"{name} is not a PNG file"


def test_submission_has_kaggle_format(default_run):
    _, out = default_run
    submission = pd.read_csv(out / "submission.csv")
    assert list(submission.columns) == ["ImageId", "Label"]
    assert len(submission) == SAMPLE_TEST_ROWS
    assert submission["ImageId"].tolist() == list(range(1, SAMPLE_TEST_ROWS + 1))
    assert submission["Label"].between(0, 9).all()
    assert submission["Label"].nunique() == 10  # a trained network predicts every digit


def test_metrics_record_the_run(default_run):
    _, out = default_run
    metrics = read_metrics(out)
    assert metrics["recipe"] == "minibatch"
    assert metrics["functions_from"] == "solutions"
    assert metrics["data"]["kind"] == "sample"
    assert metrics["sizes"] == {
        "train": SAMPLE_TRAIN_ROWS - SAMPLE_DEV_ROWS,
        "dev": SAMPLE_DEV_ROWS,
        "test": SAMPLE_TEST_ROWS,
    }
    assert metrics["settings"]["n_hidden"] == 10
    assert metrics["settings"]["batch_size"] == 64
    epochs = train.RECIPES["minibatch"].epochs
    assert metrics["settings"]["epochs"] == epochs
    assert metrics["seconds"]["train"] > 0
    history = metrics["history"]
    assert len(history["iteration"]) == epochs  # one entry per epoch
    assert {len(v) for v in history.values()} == {epochs}


def test_minibatch_accuracy_is_sensible(default_run):
    _, out = default_run
    accuracy = read_metrics(out)["accuracy"]
    assert accuracy["train"] > 0.85
    assert accuracy["dev"] > 0.80
    assert accuracy["test"] > 0.85  # the sample's 1,000-image answer key


def test_loss_goes_down(default_run):
    _, out = default_run
    loss = read_metrics(out)["history"]["loss"]
    assert loss[-1] < loss[0]


def test_default_run_prints_accuracy_and_score(default_run):
    proc, out = default_run
    metrics = read_metrics(out)
    assert f"dev accuracy {100 * metrics['accuracy']['dev']:.2f}%" in proc.stdout
    assert f"train accuracy {100 * metrics['accuracy']['train']:.2f}%" in proc.stdout
    assert f"Score: {metrics['accuracy']['test']:.5f}" in proc.stdout


def test_score_matches_the_answer_key(default_run):
    _, out = default_run
    submission = pd.read_csv(out / "submission.csv")
    key = pd.read_csv(SAMPLE_DIR / "answer_key.csv")
    expected = float(np.mean(submission["Label"].to_numpy() == key["Label"].to_numpy()))
    assert read_metrics(out)["accuracy"]["test"] == pytest.approx(expected)


# -- the recipes ------------------------------------------------------------------------------------


def test_seed_recipe_with_fewer_iterations(capsys, tmp_path):
    code, _, err = run_train(
        capsys, "--recipe", "seed", "--iterations", "200", "--out", str(tmp_path)
    )
    assert code == 0, err
    metrics = read_metrics(tmp_path)
    assert metrics["settings"]["init"] == "uniform"
    assert metrics["settings"]["learning_rate"] == pytest.approx(0.1)
    assert metrics["settings"]["iterations"] == 200
    assert len(metrics["history"]["iteration"]) >= 20  # recorded every 10 iterations
    assert metrics["accuracy"]["dev"] > 0.5


def test_wide_recipe_few_epochs(capsys, tmp_path):
    code, _, err = run_train(capsys, "--recipe", "wide", "--epochs", "4", "--out", str(tmp_path))
    assert code == 0, err
    metrics = read_metrics(tmp_path)
    assert metrics["settings"]["n_hidden"] >= 128
    assert metrics["settings"]["optimizer"] == "adam"
    assert metrics["accuracy"]["dev"] > 0.8


def test_seed_recipe_starts_from_the_original_initialisation():
    params = train.uniform_params(n_hidden=10, seed=0)
    assert {k: v.shape for k, v in params.items()} == {
        "W1": (784, 10),
        "b1": (10,),
        "W2": (10, 10),
        "b2": (10,),
    }
    for name, value in params.items():
        assert value.dtype == np.float32
        assert value.min() >= -0.5 and value.max() < 0.5
        assert value.std() > 0.25, f"{name} should spread over (-0.5, 0.5), biases too"


def test_shift_images_moves_the_digit():
    X = np.zeros((1, 784), dtype=np.float32)
    X[0, 14 * 28 + 10] = 1.0  # one lit pixel at row 14, column 10
    moved = train.shift_images(X, dx=2, dy=-1).reshape(28, 28)
    assert moved[13, 12] == 1.0 and moved.sum() == 1.0
    edge = np.zeros((1, 784), dtype=np.float32)
    edge[0, 27] = 1.0  # top-right corner: shifted out, nothing wraps around
    assert train.shift_images(edge, dx=1, dy=0).sum() == 0.0


def test_overrides_reach_the_training(capsys, tmp_path):
    code, _, err = run_train(
        capsys,
        *("--epochs", "3", "--learning-rate", "0.05", "--schedule", "constant"),
        *("--out", str(tmp_path)),
    )
    assert code == 0, err
    metrics = read_metrics(tmp_path)
    assert metrics["settings"]["learning_rate"] == pytest.approx(0.05)
    assert metrics["settings"]["schedule"] == "constant"
    assert len(metrics["history"]["iteration"]) == 3
    assert "--learning-rate 0.05" in metrics["command"]


def test_same_seed_same_result(capsys, tmp_path):
    for name in ("a", "b"):
        code, _, err = run_train(capsys, "--epochs", "2", "--out", str(tmp_path / name))
        assert code == 0, err
    first = (tmp_path / "a" / "submission.csv").read_bytes()
    assert first == (tmp_path / "b" / "submission.csv").read_bytes()


def _sample_arrays(n: int = 600):
    ns = load_reference().namespace
    frame = pd.read_csv(SAMPLE_DIR / "train.csv.gz", nrows=n)
    X, y = ns.split_features_labels(frame)
    return ns, ns.normalize(X), y


def _fn(ns):
    return lambda name: getattr(ns, name)


def test_full_batch_training_equals_the_notebooks_gradient_descent():
    ns, X, y = _sample_arrays()
    recipe = train.Recipe(
        name="t",
        description="",
        init="he",
        n_hidden=10,
        optimizer="gd",
        learning_rate=0.5,
        iterations=20,
    )
    params, history = train_network(_fn(ns), recipe, X, y, X[:50], y[:50], seed=3, progress=False)
    expected, expected_history = ns.gradient_descent(
        X, y, n_hidden=10, learning_rate=0.5, iterations=20, seed=3, X_dev=X[:50], y_dev=y[:50]
    )
    for name in ("W1", "b1", "W2", "b2"):
        np.testing.assert_allclose(params[name], expected[name], rtol=1e-5, atol=1e-6)
    # Both record the last iteration's forward pass last (the step numbering is cosmetic).
    assert history["loss"][-1] == pytest.approx(expected_history["loss"][-1], rel=1e-5)


def test_minibatch_training_equals_the_notebooks_minibatch_sgd():
    ns, X, y = _sample_arrays()
    recipe = train.Recipe(
        name="t",
        description="",
        init="he",
        n_hidden=10,
        optimizer="sgd",
        learning_rate=0.1,
        epochs=2,
        batch_size=64,
    )
    params, history = train_network(_fn(ns), recipe, X, y, X[:50], y[:50], seed=5, progress=False)
    expected, expected_history = ns.minibatch_sgd(
        X,
        y,
        n_hidden=10,
        learning_rate=0.1,
        epochs=2,
        batch_size=64,
        seed=5,
        X_dev=X[:50],
        y_dev=y[:50],
    )
    for name in ("W1", "b1", "W2", "b2"):
        np.testing.assert_allclose(params[name], expected[name], rtol=1e-5, atol=1e-6)
    assert history["iteration"] == expected_history["iteration"]
    np.testing.assert_allclose(history["train_accuracy"], expected_history["train_accuracy"])


def test_dev_size_is_the_full_datas_share():
    assert data.dev_size_for(42_000) == 1_000
    assert data.dev_size_for(5_000) == 119
    assert data.dev_size_for(10) == 1


def test_dev_size_comes_from_course_yml(monkeypatch):
    import dataclasses

    from autograder import config

    course = config.load_course()
    smaller = dataclasses.replace(course, data=config.DataSettings(full_dev_size=2_100))
    monkeypatch.setattr(config, "load_course", lambda *a, **k: smaller)
    assert data.dev_size_for(42_000) == 2_100
    assert data.dev_size_for(5_000) == 250


def test_cosine_schedule_decays_to_zero():
    recipe = train.RECIPES["wide"]
    total = 100
    rates = [recipe.learning_rate_at(step, total) for step in range(total)]
    assert rates[0] == pytest.approx(recipe.learning_rate)
    assert all(a >= b for a, b in itertools.pairwise(rates))
    assert rates[-1] < 0.01 * recipe.learning_rate


def test_data_without_answer_key_is_not_scored(capsys, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for name in ("train.csv.gz", "test.csv.gz"):
        shutil.copy(SAMPLE_DIR / name, data / name)
    code, out, err = run_train(
        capsys, "--epochs", "1", "--data", str(data), "--out", str(tmp_path / "out")
    )
    assert code == 0, err
    metrics = read_metrics(tmp_path / "out")
    assert metrics["accuracy"]["test"] is None
    assert metrics["data"]["answer_key"] is False
    assert "no answer key" in out and "Score:" not in out
    assert (tmp_path / "out" / "submission.csv").is_file()


# -- errors: a message and exit code 2, never a traceback -----------------------------------------


def test_missing_data_folder_exits_2(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA", str(tmp_path / "nowhere"))
    code, _, err = run_train(capsys, "--out", str(tmp_path / "out"))
    assert code == 2
    assert "nowhere" in err and "not a folder" in err
    assert "Traceback" not in err


def test_data_folder_without_csv_exits_2(capsys, tmp_path):
    (tmp_path / "empty").mkdir()
    code, _, err = run_train(
        capsys, "--data", str(tmp_path / "empty"), "--out", str(tmp_path / "out")
    )
    assert code == 2
    assert "train.csv" in err
    assert "Traceback" not in err


def test_out_that_is_a_file_exits_2(capsys, tmp_path):
    blocker = tmp_path / "taken"
    blocker.write_text("a file, not a folder")
    code, _, err = run_train(capsys, "--out", str(blocker / "out"))
    assert code == 2
    assert "--out" in err and "cannot write" in err
    assert "Traceback" not in err


def test_iterations_on_a_minibatch_recipe_exits_2(capsys, tmp_path):
    code, _, err = run_train(
        capsys, "--recipe", "minibatch", "--iterations", "5", "--out", str(tmp_path)
    )
    assert code == 2
    assert "--epochs" in err


# -- a student's own lessons (--from lessons) --------------------------------------------------------


def make_lessons(root: Path) -> Path:
    """A lessons/ folder holding copies of the solution notebooks (every function finished)."""
    lessons = root / "lessons"
    lessons.mkdir()
    for notebook in sorted(solutions_dir().glob("*.ipynb")):
        shutil.copy(notebook, lessons / notebook.name)
    return lessons


def replace_function(notebook: Path, name: str, new_source: str) -> None:
    """Put ``new_source`` in place of the definition of ``name`` (other code in its cell stays)."""
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code" or not re.search(rf"^def {name}\(", cell.source, re.MULTILINE):
            continue
        lines = cell.source.splitlines()
        node = next(
            n
            for n in ast.parse(cell.source).body
            if isinstance(n, ast.FunctionDef) and n.name == name
        )
        lines[node.lineno - 1 : node.end_lineno] = new_source.rstrip("\n").splitlines()
        cell.source = "\n".join(lines) + "\n"
        nbformat.write(nb, notebook)
        return
    raise AssertionError(f"no cell defines {name} in {notebook.name}")


def test_lessons_finished_run_end_to_end(capsys, tmp_path, monkeypatch):
    make_lessons(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, _, err = run_train(capsys, "--from", "lessons", "--epochs", "2", "--out", "out")
    assert code == 0, err
    assert read_metrics(tmp_path / "out")["functions_from"] == "lessons"


def test_without_solutions_the_default_is_your_lessons(capsys, tmp_path, monkeypatch):
    make_lessons(tmp_path)
    monkeypatch.setenv("COURSE_SOLUTIONS", str(tmp_path / "no-solutions-here"))
    monkeypatch.chdir(tmp_path)
    code, out, err = run_train(capsys, "--epochs", "1", "--out", "out")
    assert code == 0, err
    assert "your lesson notebooks" in out
    assert read_metrics(tmp_path / "out")["functions_from"] == "lessons"


def test_unfinished_lesson_function_is_named_and_exits_2(capsys, tmp_path, monkeypatch):
    lessons = make_lessons(tmp_path)
    replace_function(
        lessons / "03_forward.ipynb",
        "forward",
        'def forward(X, params):\n    # YOUR CODE HERE\n    raise NotImplementedError("forward")\n',
    )
    monkeypatch.chdir(tmp_path)
    code, _, err = run_train(capsys, "--from", "lessons", "--out", "out")
    assert code == 2
    assert "`forward`" in err and "not implemented yet" in err
    assert "03_forward.ipynb" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out" / "submission.csv").exists()


def test_unfinished_function_used_after_training_is_found_before_training(
    capsys, tmp_path, monkeypatch
):
    lessons = make_lessons(tmp_path)
    replace_function(
        lessons / "07_submission.ipynb",
        "make_submission",
        "def make_submission(predictions):\n    raise NotImplementedError\n",
    )
    monkeypatch.chdir(tmp_path)
    code, out, err = run_train(capsys, "--from", "lessons", "--out", "out")
    assert code == 2
    assert "`make_submission`" in err and "not implemented yet" in err
    assert "trained in" not in out


def test_failing_lesson_function_is_named(capsys, tmp_path, monkeypatch):
    lessons = make_lessons(tmp_path)
    replace_function(
        lessons / "02_activations.ipynb",
        "softmax",
        "def softmax(Z):\n    raise ValueError('my softmax is broken')\n",
    )
    monkeypatch.chdir(tmp_path)
    code, _, err = run_train(capsys, "--from", "lessons", "--out", "out")
    assert code == 2
    assert "`softmax`" in err and "my softmax is broken" in err and "course check" in err
    assert "Traceback" not in err


def test_missing_lesson_notebook_is_named(capsys, tmp_path, monkeypatch):
    lessons = make_lessons(tmp_path)
    (lessons / "06_evaluation.ipynb").unlink()
    monkeypatch.chdir(tmp_path)
    code, _, err = run_train(capsys, "--from", "lessons", "--out", "out")
    assert code == 2
    assert "predict" in err and "06_evaluation.ipynb" in err


def test_lesson_cell_with_a_syntax_error_is_explained(capsys, tmp_path, monkeypatch):
    lessons = make_lessons(tmp_path)
    replace_function(
        lessons / "06_evaluation.ipynb",
        "predict",
        "def predict(X, params):\n    return np.argmax(forward(X, params)[0], axis=1\n",
    )
    monkeypatch.chdir(tmp_path)
    code, _, err = run_train(capsys, "--from", "lessons", "--out", "out")
    assert code == 2
    assert "predict (lessons/06_evaluation.ipynb)" in err
    assert "syntax error" in err
