"""``course train``: the course's whole pipeline, end to end, with the course's own functions.

It does what the original notebook did, on whatever data is present: read ``train.csv`` and
``test.csv``, split off a dev set (41,000 / 1,000 on the full data, the same share of the embedded
sample), train the network with a progress bar, print train and dev accuracy, save the learning
curve, a confusion-matrix heat map and the misclassified dev digits as images, write
``submission.csv`` and score it when a local answer key is present.

Every step runs a function as written in the notebooks: ``solutions/`` or, with ``--from
lessons``, the student's own ``lessons/`` (:mod:`autograder.train.functions`). The training is
one call of the notebooks' ``gradient_descent`` or ``minibatch_sgd`` (:mod:`autograder.train.fit`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from autograder import interrupts
from autograder.errors import TrainError, UserError
from autograder.lesson_functions import shown_path
from autograder.train.fit import check_trainable, train
from autograder.train.functions import (
    Functions,
    check_defined,
    default_origin,
    explain_failure,
    load_functions,
    predictor,
    required_functions,
)
from autograder.train.plots import plot_confusion, plot_learning_curve, plot_misclassified
from autograder.train.recipes import (
    DEFAULT_RECIPE,
    N_CLASSES,
    RECIPES,
    Recipe,
    with_overrides,
)

DEFAULT_OUT = Path("out") / "train"
OUTPUT_FILES = (
    "learning_curve.png",
    "confusion_matrix.png",
    "misclassified.png",
    "submission.csv",
    "metrics.json",
)


@dataclass(frozen=True)
class TrainOptions:
    """What a ``course train`` run is asked to do (the command line's options)."""

    recipe: str = DEFAULT_RECIPE
    out: Path | None = None  # default: out/train, or /kaggle/working in a Kaggle Notebook
    data: Path | None = None  # a data folder; default: the data in use (find_data)
    seed: int = 0
    source: str | None = None  # "solutions" or "lessons"; default: solutions/ when present
    iterations: int | None = None
    epochs: int | None = None
    learning_rate: float | None = None
    schedule: str | None = None
    progress: bool = True

    def recipe_to_run(self) -> Recipe:
        if self.recipe not in RECIPES:
            raise TrainError(f"unknown recipe '{self.recipe}'; use one of {', '.join(RECIPES)}.")
        return with_overrides(
            RECIPES[self.recipe],
            iterations=self.iterations,
            epochs=self.epochs,
            learning_rate=self.learning_rate,
            schedule=self.schedule,
        )

    @property
    def out_dir(self) -> Path:
        """Where the run writes: ``--out``, else ``out/train``; in a Kaggle Notebook
        ``/kaggle/working``, from where Kaggle submits ``submission.csv``."""
        from autograder.data.kaggle_notebook import output_folder

        return Path(self.out) if self.out is not None else output_folder(DEFAULT_OUT)

    def command_line(self) -> str:
        """The ``course train`` command that repeats this run."""
        parts = ["course", "train", "--recipe", self.recipe]
        for flag, value in (
            ("--iterations", self.iterations),
            ("--epochs", self.epochs),
            ("--learning-rate", self.learning_rate),
            ("--schedule", self.schedule),
        ):
            if value is not None:
                parts += [flag, str(value)]
        if self.seed:
            parts += ["--seed", str(self.seed)]
        if self.data:
            parts += ["--data", str(self.data)]
        if self.source:
            parts += ["--from", self.source]
        parts += ["--out", str(self.out_dir)]
        return " ".join(parts)


def one_blas_thread():
    """Run NumPy's matrix products on one BLAS thread. The course's products are small or skinny,
    and on a 2-core machine that is doing anything else, two BLAS threads wait on each other:
    measured here while other jobs ran, a 256-row step of 784-512-10 took 9.6 ms on one thread
    and 97 ms on two, a full-batch step of 784-10-10 on 41,000 rows 191 ms and 229 ms."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - installed with scikit-learn
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def preflight(fn: Callable[[str], Callable], recipe: Recipe, X: np.ndarray, y: np.ndarray) -> None:
    """Run every function the pipeline needs once on a few rows, so an unfinished one is found
    before minutes of training rather than after."""
    X, y = X[:16], y[:16]
    if recipe.deep:
        params = fn("init_deep")(recipe.layer_sizes(X.shape[1]), 0)
        probs, _ = fn("forward_deep")(X, params)
        fn("cross_entropy")(probs, y)
        fn("sgd_step_deep")(X, y, params, 0.1, recipe.weight_decay)
    else:
        init = fn("uniform_init") if recipe.init == "uniform" else fn("init_params")
        params = init(X.shape[1], recipe.n_hidden, N_CLASSES, 0)
        probs, cache = fn("forward")(X, params)
        fn("cross_entropy")(probs, y)
        grads = fn("backward")(X, y, params, cache)
        if recipe.optimizer == "adam":
            fn("adam_update")(params, grads, fn("init_adam_state")(params), learning_rate=1e-3)
        else:
            fn("update_params")(params, grads, 0.1)
    predictions = predictor(fn, recipe)(X, params)
    fn("accuracy")(predictions, y)
    fn("most_confused_pairs")(fn("confusion_matrix")(y, predictions, num_classes=N_CLASSES), k=3)
    fn("validate_submission")(fn("make_submission")(predictions), n_rows=len(predictions))


def prepare_out_dir(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise TrainError(f"--out {out}: exists and is not a folder. Choose another --out.")
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".course-train-write-test"
        probe.write_text("ok", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        raise TrainError(
            f"--out {out}: cannot write there ({exc.strerror or exc}). Choose a folder you can "
            f"write to, e.g. --out out/train."
        ) from None


def run_training(options: TrainOptions) -> None:
    """Run ``course train``; raise a UserError (TrainError, DataError) saying what to do."""
    import matplotlib

    matplotlib.use("Agg", force=True)  # files only, never a window (the notebooks import pyplot)
    from autograder.data import data_files_in, find_data, load_test, load_train

    timing = {
        "started": time.perf_counter(),
        "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }
    recipe = options.recipe_to_run()
    check_trainable(recipe)
    out = options.out_dir
    prepare_out_dir(out)
    files = data_files_in(Path(options.data), what="--data") if options.data else find_data()

    origin = options.source or default_origin()
    functions = load_functions(origin)
    check_defined(functions, required_functions(recipe))

    print(f"recipe {recipe.name} ({recipe.description}): {recipe.summary()}")
    whose = "the reference solutions" if origin == "solutions" else "your lesson notebooks"
    print(f"functions: {shown_path(functions.directory)}/ ({whose})")
    train_df = load_train(files)
    test_df = load_test(files)
    timing["loaded"] = time.perf_counter()

    try:
        with one_blas_thread():
            _pipeline(options, recipe, files, functions, train_df, test_df, out, timing)
    except UserError:
        raise
    except Exception as exc:
        explained = explain_failure(exc, functions)
        if explained is None:
            raise
        raise explained from None


@dataclass
class _Split:
    """The data as the lesson's functions prepared it: train, dev and test features."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_dev: np.ndarray
    y_dev: np.ndarray
    X_test: np.ndarray
    n_rows: int  # train.csv's rows, before the split


@dataclass
class _Evaluation:
    """What the trained network does on the split."""

    pred_dev: np.ndarray
    train_acc: float
    dev_acc: float
    cm: np.ndarray
    pairs: list[tuple[int, ...]]


def _pipeline(
    options: TrainOptions,
    recipe: Recipe,
    files,
    functions: Functions,
    train_df,
    test_df,
    out: Path,
    timing: dict,
) -> None:
    fn = functions.get
    split = _split_data(options, files, fn, train_df, test_df)
    del train_df, test_df
    preflight(fn, recipe, split.X_train, split.y_train)

    train_started = time.perf_counter()
    params, history = train(
        fn,
        recipe,
        split.X_train,
        split.y_train,
        split.X_dev,
        split.y_dev,
        seed=options.seed,
        progress=options.progress,
    )
    train_seconds = time.perf_counter() - train_started
    print(f"trained in {train_seconds:.1f} s")
    predict = predictor(fn, recipe)
    evaluation = _evaluate(fn, predict, params, split)

    submission = fn("make_submission")(predict(split.X_test, params))
    try:
        fn("validate_submission")(submission, n_rows=len(split.X_test))
    except ValueError as exc:
        raise TrainError(f"the submission is not valid: {exc}") from None
    written, n_wrong = _write_files(out, recipe, history, split, evaluation, submission)
    test_acc, score_text = _score(files, functions, out)

    metrics = {
        "recipe": recipe.name,
        "settings": dataclasses.asdict(recipe) | {"summary": recipe.summary(), "dtype": "float32"},
        "functions_from": functions.origin,
        "functions_dir": str(functions.directory),
        "data": {
            "kind": files.kind,
            "directory": str(files.directory),
            "train_rows": split.n_rows,
            "test_rows": len(split.X_test),
            "answer_key": files.answer_key is not None,
        },
        "seed": options.seed,
        "sizes": {"train": len(split.X_train), "dev": len(split.X_dev), "test": len(split.X_test)},
        "accuracy": {"train": evaluation.train_acc, "dev": evaluation.dev_acc, "test": test_acc},
        "dev_mistakes": n_wrong,
        "final_loss": history["loss"][-1] if history["loss"] else None,
        "most_confused": [list(p) for p in evaluation.pairs],
        "seconds": {
            "load": round(timing["loaded"] - timing["started"], 3),
            "train": round(train_seconds, 3),
            "total": round(time.perf_counter() - timing["started"], 3),
        },
        "history": history,
        "command": options.command_line(),
        "environment": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "cpus": os.cpu_count(),
            "blas_threads": 1,
            "load_average_at_start": timing["load_average"],
        },
        "files": written + ["metrics.json"],
    }
    try:
        interrupts.write_text(out / "metrics.json", json.dumps(metrics, indent=2) + "\n")
    except OSError as exc:
        raise TrainError(f"--out {out}: cannot write ({exc.strerror or exc}).") from None
    print(f"wrote {', '.join(metrics['files'])} to {shown_path(out)}/")
    print()
    print(score_text)


def _split_data(options: TrainOptions, files, fn, train_df, test_df) -> _Split:
    """Features and labels through the lesson's own functions, normalised and split."""
    from autograder.data import dev_size_for

    X_all, y_all = fn("split_features_labels")(train_df)
    X_test, _ = fn("split_features_labels")(test_df)
    if y_all is None:
        raise TrainError(f"{files.train}: has no 'label' column.")
    y_all = np.asarray(y_all)
    if y_all.size and (y_all.min() < 0 or y_all.max() >= N_CLASSES):
        raise TrainError(
            f"{files.train}: labels must be digits 0-9 (found {y_all.min()}..{y_all.max()})."
        )
    n_rows = len(X_all)
    dev_size = dev_size_for(n_rows)
    if n_rows - dev_size < 1:
        raise TrainError(f"{files.train}: {n_rows} rows is too few to split into train and dev.")
    X_all = fn("normalize")(X_all)
    X_test = fn("normalize")(X_test)
    X_train, y_train, X_dev, y_dev = fn("train_dev_split")(
        X_all, y_all, dev_size=dev_size, seed=options.seed
    )
    print(
        f"data: {files.kind} ({shown_path(files.directory)}): train.csv {n_rows:,} rows, test.csv "
        f"{len(X_test):,} rows; split {len(X_train):,} train / {len(X_dev):,} dev (seed {options.seed})"
    )
    return _Split(X_train, y_train, X_dev, y_dev, X_test, n_rows)


def _evaluate(fn, predict, params, split: _Split) -> _Evaluation:
    """Accuracy on train and dev, the confusion matrix and the pairs most confused; printed."""
    accuracy = fn("accuracy")
    pred_train = predict(split.X_train, params)
    pred_dev = predict(split.X_dev, params)
    train_acc = float(accuracy(pred_train, split.y_train))
    dev_acc = float(accuracy(pred_dev, split.y_dev))
    cm = np.asarray(fn("confusion_matrix")(split.y_dev, pred_dev, num_classes=N_CLASSES))
    pairs = [tuple(int(v) for v in p) for p in fn("most_confused_pairs")(cm, k=3)]
    print(f"train accuracy {100 * train_acc:.2f}%   dev accuracy {100 * dev_acc:.2f}%")
    confused = ", ".join(f"{t} as {p} ({c}x)" for t, p, c in pairs if c > 0)
    if confused:
        print(f"most confused on dev: {confused}")
    return _Evaluation(pred_dev, train_acc, dev_acc, cm, pairs)


def _write_files(
    out: Path, recipe: Recipe, history: dict, split: _Split, evaluation: _Evaluation, submission
) -> tuple[list[str], int]:
    """The plots and submission.csv; returns the files written and the dev set's mistakes."""
    try:
        with interrupts.replacing(out / "learning_curve.png") as path:
            plot_learning_curve(history, recipe, path)
        with interrupts.replacing(out / "confusion_matrix.png") as path:
            plot_confusion(evaluation.cm, evaluation.pairs, len(split.y_dev), path)
        with interrupts.replacing(out / "misclassified.png") as path:
            n_wrong = plot_misclassified(split.X_dev, split.y_dev, evaluation.pred_dev, path)
        with interrupts.replacing(out / "submission.csv") as path:
            submission.to_csv(path, index=False)
    except OSError as exc:
        raise TrainError(f"--out {out}: cannot write ({exc.strerror or exc}).") from None
    written = ["learning_curve.png", "confusion_matrix.png", "misclassified.png", "submission.csv"]
    return written, n_wrong


def _score(files, functions: Functions, out: Path) -> tuple[float | None, str]:
    """The submission's test accuracy on the answer key, or where to get it scored."""
    from autograder.data import format_score, score_submission

    if files.answer_key is None:
        return None, (
            f"no answer key for the {files.kind} data: submit {out / 'submission.csv'} at "
            f"https://www.kaggle.com/competitions/digit-recognizer to get its score."
        )
    report = score_submission(
        out / "submission.csv",
        files,
        validate=functions.get("validate_submission"),
        validated_by=f"validate_submission of {shown_path(functions.directory)}/",
    )
    return float(report.accuracy), format_score(report)
