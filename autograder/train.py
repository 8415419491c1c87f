"""``course train``: the course's whole pipeline, end to end, with the course's own functions.

It does what the original notebook did, on whatever data is present: read ``train.csv`` and
``test.csv``, split off a dev set (41,000 / 1,000 on the full data, the same share of the embedded
sample), train the 784-10-10 network with a progress bar, print train and dev accuracy, save the
learning curve, a confusion-matrix heat map and the misclassified dev digits as images, write
``submission.csv`` and score it when a local answer key is present.

Every step runs a graded function *as written in the notebooks*: ``solutions/`` (read by
:func:`autograder.reference.load_reference`, the same reader that reads student work) or, with
``--from lessons``, the student's own ``lessons/``. There is no copy of those functions here. The
training loop is driven from here (so it can show progress), but each step is the notebook's
``forward`` / ``backward`` / ``update_params`` (or ``adam_update``). With a constant learning rate
the loop is lesson 05's ``gradient_descent`` / ``minibatch_sgd`` step for step (the tests check it);
the recipes add what lesson 05 does not have: the original initialisation (``seed``), a cosine
learning-rate decay (``minibatch``, ``wide``), Adam and shifted digits (``wide``).

Recipes (``--recipe``): ``seed`` the original notebook's (uniform(-0.5, 0.5) weights and biases,
learning rate 0.1, full batch, 500 iterations; float32 where the original used float64);
``full-batch`` He initialisation and learning rate 0.5; ``minibatch`` the same 784-10-10 network on
mini-batches of 64, learning rate 0.3 decaying to 0 over 20 epochs; ``wide`` 784-512-10 with Adam,
batches of 256 each shifted by up to 2 pixels, 30 epochs. Measured figures on the full data are in
``benchmarks/RESULTS.md``.

Exit codes: 0 done; 2 could not do the job (no data, an unfinished or failing function, an output
folder that cannot be written), with a message saying what to do.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import math
import os
import platform
import sys
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

EXIT_OK, EXIT_ERROR = 0, 2
DEFAULT_OUT = Path("out") / "train"
N_CLASSES = 10
N_MISCLASSIFIED_SHOWN = 24
OUTPUT_FILES = (
    "learning_curve.png",
    "confusion_matrix.png",
    "misclassified.png",
    "submission.csv",
    "metrics.json",
)


class TrainError(Exception):
    """The run cannot go on; the message says what was wrong and what to do (exit code 2)."""


# -- recipes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipe:
    """How to train. ``iterations`` for full-batch gradient descent, ``epochs`` otherwise."""

    name: str
    description: str
    init: str  # "he" (the course's init_params) or "uniform" (the original notebook's)
    n_hidden: int
    optimizer: str  # "gd" (full batch), "sgd" (mini-batch) or "adam" (mini-batch)
    learning_rate: float
    iterations: int = 0
    epochs: int = 0
    batch_size: int = 0
    schedule: str = "constant"  # or "cosine": the learning rate decays to 0 along a half cosine
    shift: int = 0  # data augmentation: each batch moved by up to this many pixels (0: none)

    @property
    def full_batch(self) -> bool:
        return self.optimizer == "gd"

    def total_steps(self, n_train: int) -> int:
        if self.full_batch:
            return self.iterations
        return self.epochs * math.ceil(n_train / self.batch_size)

    def learning_rate_at(self, step: int, total: int) -> float:
        """The learning rate of update number ``step`` (0-based) out of ``total``."""
        if self.schedule == "cosine":
            return self.learning_rate * 0.5 * (1.0 + math.cos(math.pi * step / total))
        return self.learning_rate

    def summary(self) -> str:
        init = (
            "uniform(-0.5, 0.5) init of weights and biases" if self.init == "uniform" else "He init"
        )
        shape = f"784-{self.n_hidden}-{N_CLASSES}"
        if self.full_batch:
            how = f"full-batch gradient descent, learning rate {self.learning_rate:g}, {self.iterations} iterations"
        else:
            optimizer = "Adam" if self.optimizer == "adam" else "mini-batch SGD"
            rate = f"learning rate {self.learning_rate:g}"
            if self.schedule == "cosine":
                rate += " with cosine decay to 0"
            how = f"{optimizer}, batch {self.batch_size}, {rate}, {self.epochs} epochs"
            if self.shift:
                how += f", each batch shifted by up to {self.shift} pixels"
        return f"{shape}, {init}, {how}, float32"


RECIPES: dict[str, Recipe] = {
    "seed": Recipe(
        name="seed",
        description="the original notebook's recipe",
        init="uniform",
        n_hidden=10,
        optimizer="gd",
        learning_rate=0.10,
        iterations=500,
    ),
    "full-batch": Recipe(
        name="full-batch",
        description="the same full-batch descent, He initialisation and a larger step",
        init="he",
        n_hidden=10,
        optimizer="gd",
        learning_rate=0.5,
        iterations=500,
    ),
    "minibatch": Recipe(
        name="minibatch",
        description="the same network, mini-batches and a decaying step",
        init="he",
        n_hidden=10,
        optimizer="sgd",
        learning_rate=0.3,
        epochs=20,
        batch_size=64,
        schedule="cosine",
    ),
    "wide": Recipe(
        name="wide",
        description="lesson 08: a wider hidden layer, Adam, shifted digits",
        init="he",
        n_hidden=512,
        optimizer="adam",
        learning_rate=1e-3,
        epochs=30,
        batch_size=256,
        schedule="cosine",
        shift=2,
    ),
}
DEFAULT_RECIPE = "minibatch"


# -- the course's functions -----------------------------------------------------------------------

#: The graded functions every run calls (plus ``update_params`` or ``adam_update``, and
#: ``init_params`` for He initialisation), in the order a run first needs them.
PIPELINE_FUNCTIONS = (
    "split_features_labels",
    "normalize",
    "train_dev_split",
    "forward",
    "cross_entropy",
    "backward",
    "predict",
    "accuracy",
    "confusion_matrix",
    "most_confused_pairs",
    "make_submission",
    "validate_submission",
)


def required_functions(recipe: Recipe) -> list[str]:
    names = list(PIPELINE_FUNCTIONS)
    if recipe.init == "he":
        names.insert(3, "init_params")
    names.insert(
        names.index("backward") + 1,
        "adam_update" if recipe.optimizer == "adam" else "update_params",
    )
    return names


@dataclass
class Functions:
    """The notebooks' definitions, run in one namespace, and where they came from."""

    namespace: dict[str, Any]
    origin: str  # "solutions" or "lessons"
    directory: Path
    filenames: dict[str, Path]  # code filename (as compiled) -> the notebook, for error messages
    problems: dict[str, list[str]] = dataclasses.field(default_factory=dict)  # notebook -> problems

    def get(self, name: str) -> Callable:
        return self.namespace[name]


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def default_origin() -> str:
    from autograder.reference import solutions_available

    return "solutions" if solutions_available() else "lessons"


def load_functions(origin: str) -> Functions:
    """Read the course's functions from ``solutions/`` or from the student's ``lessons/``."""
    if origin == "solutions":
        return _load_solutions()
    return _load_lessons()


def _load_solutions() -> Functions:
    from autograder.reference import ReferenceMissing, load_reference, solutions_dir

    directory = solutions_dir()
    try:
        reference = load_reference()
    except ReferenceMissing as exc:
        raise TrainError(
            f"{exc} Use `course train --from lessons` to run your own lesson notebooks."
        ) from None
    except RuntimeError as exc:  # a solution notebook that does not parse
        raise TrainError(f"cannot read the solution notebooks: {exc}") from None
    namespace = {k: v for k, v in vars(reference.namespace).items()}
    return Functions(namespace, "solutions", directory, {"<reference>": directory})


def lessons_dir() -> Path:
    """``lessons/`` in the current folder when there is one (as ``course check``), else the course's."""
    from autograder.config import LESSONS_DIR

    here = Path("lessons")
    return here if here.is_dir() else LESSONS_DIR


def _load_lessons() -> Functions:
    from autograder.config import load_course
    from autograder.notebooks import NotebookError, read_notebook

    directory = lessons_dir()
    course = load_course()
    namespace: dict[str, Any] = {"__name__": "lessons"}
    filenames: dict[str, Path] = {}
    problems: dict[str, list[str]] = {}
    for lesson in course.lessons:
        path = directory / lesson.notebook
        if not path.is_file():
            continue  # check_defined names what is missing
        try:
            source = read_notebook(path)
        except NotebookError as exc:
            raise TrainError(f"{_rel(path)}: {exc}") from None
        problems[lesson.notebook] = list(source.problems)
        filename = str(path.resolve())
        filenames[filename] = path
        try:
            code = compile(source.module_source(), filename, "exec")
            exec(code, namespace)  # noqa: S102 - the student's own notebook, on their own machine
        except Exception as exc:  # noqa: BLE001 - report any failure of the student's definitions
            raise TrainError(
                f"{_rel(path)}: running its definitions (imports, functions, constants) failed: "
                f"{type(exc).__name__}: {exc}. Fix that cell, then run `course train` again."
            ) from None
    return Functions(namespace, "lessons", directory, filenames, problems)


def check_defined(functions: Functions, names: list[str]) -> None:
    """Raise TrainError naming every required function that the notebooks do not define."""
    from autograder.config import load_course

    absent = [n for n in names if not callable(functions.namespace.get(n))]
    if not absent:
        return
    course = load_course()
    lines = []
    for name in absent:
        try:
            notebook = course.lesson_of(name).notebook
        except (KeyError, AttributeError):
            notebook = "?"
        where = functions.directory / notebook
        reason = "the notebook is missing" if not where.is_file() else "it is not defined there"
        related = [p for p in functions.problems.get(notebook, []) if f"`{name}`" in p]
        if related:
            reason += f" ({related[0]})"
        lines.append(f"  {name} ({_rel(where)}): {reason}")
    hint = (
        "Run `course build` to regenerate the lessons, or finish the lessons before training."
        if functions.origin == "lessons"
        else "The solution notebooks are incomplete."
    )
    raise TrainError(
        f"`course train` needs these functions from {_rel(functions.directory)}/:\n"
        + "\n".join(lines)
        + f"\n{hint}"
    )


def _culprit(exc: BaseException, functions: Functions) -> tuple[str, Path | None] | None:
    """The innermost notebook function in the traceback of ``exc``, and its notebook (or None)."""
    found = None
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename in functions.filenames:
            found = (code.co_name, code.co_filename)
        tb = tb.tb_next
    if found is None:
        return None
    name, filename = found
    if functions.origin == "lessons":
        return name, functions.filenames[filename]
    from autograder.config import load_course

    try:
        return name, functions.directory / load_course().lesson_of(name).notebook
    except (KeyError, AttributeError):
        return name, None


def explain_failure(exc: Exception, functions: Functions) -> TrainError | None:
    """Turn an exception raised by notebook code into a message naming the function, or None."""
    culprit = _culprit(exc, functions)
    if culprit is None:
        if functions.origin == "lessons" and not isinstance(exc, (MemoryError, OSError)):
            return TrainError(
                f"your lesson functions produced something the pipeline cannot use "
                f"({type(exc).__name__}: {exc}). Run `course check` to see which function "
                f"is not right yet."
            )
        return None
    name, notebook = culprit
    where = f" in {_rel(notebook)}" if notebook is not None else ""
    if isinstance(exc, NotImplementedError):
        return TrainError(
            f"`{name}`{where} is not implemented yet. Finish it (`course check` shows your "
            f"progress), then run `course train` again."
        )
    advice = (
        "Run `course check` to see what is wrong with it."
        if functions.origin == "lessons"
        else "The solution notebook needs fixing."
    )
    return TrainError(f"`{name}`{where} raised {type(exc).__name__}: {exc}. {advice}")


# -- the run ------------------------------------------------------------------------------------


def dev_size_for(n_rows: int) -> int:
    """1,000 dev rows on Kaggle's 42,000 (41,000 / 1,000, as the original); the same share otherwise."""
    from autograder.config import load_course

    settings = load_course().data or {}
    full_rows = int(settings.get("full_train_rows", 42_000))
    full_dev = int(settings.get("full_dev_size", 1_000))
    return max(1, round(n_rows * full_dev / full_rows))


def uniform_params(n_hidden: int, seed: int) -> dict[str, np.ndarray]:
    """The original notebook's initialisation (not a graded function): every weight and bias
    from uniform(-0.5, 0.5), batch-first shapes, float32."""
    rng = np.random.default_rng(seed)
    shapes = {
        "W1": (784, n_hidden),
        "b1": (n_hidden,),
        "W2": (n_hidden, N_CLASSES),
        "b2": (N_CLASSES,),
    }
    return {k: rng.uniform(-0.5, 0.5, size=s).astype(np.float32) for k, s in shapes.items()}


def fresh_adam_state(params: dict[str, np.ndarray]) -> dict:
    """Adam's starting state in the course's format (lesson 08): t = 0, zero moments."""
    zeros = lambda: {k: np.zeros_like(v) for k, v in params.items()}
    return {"t": 0, "m": zeros(), "v": zeros()}


def shift_images(X: np.ndarray, dx: int, dy: int) -> np.ndarray:
    """The (N, 784) images moved ``dx`` pixels right and ``dy`` pixels down (negative: left, up),
    with blank pixels coming in at the edges. Used for data augmentation by the wide recipe: the
    same digit a little off-centre is still the same digit, which is what the network should learn.
    """
    images = X.reshape(-1, 28, 28)
    moved = np.zeros_like(images)
    rows_to, rows_from = _shifted_range(dy)
    cols_to, cols_from = _shifted_range(dx)
    moved[:, rows_to, cols_to] = images[:, rows_from, cols_from]
    return moved.reshape(X.shape)


def _shifted_range(offset: int) -> tuple[slice, slice]:
    if offset >= 0:
        return slice(offset, 28), slice(0, 28 - offset)
    return slice(0, 28 + offset), slice(-offset, 28)


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


def _progress_bar(total: int, desc: str, enabled: bool):
    from tqdm import tqdm

    return tqdm(
        total=total,
        desc=desc,
        unit="step",
        disable=not enabled,
        file=sys.stderr,
        mininterval=0.25,
        dynamic_ncols=True,
    )


def train_network(
    fn: Callable[[str], Callable],
    recipe: Recipe,
    X: np.ndarray,
    y: np.ndarray,
    X_dev: np.ndarray,
    y_dev: np.ndarray,
    *,
    seed: int,
    progress: bool,
) -> tuple[dict, dict]:
    """Train with the notebook's functions; returns ``(params, history)`` like lesson 05's.

    ``history`` holds equal-length lists ``iteration``, ``loss``, ``train_accuracy`` and
    ``dev_accuracy``: for full batch at iterations 0, 10, 20, ... and the last (loss and accuracy
    of that iteration's forward pass, before its update, as lesson 05's ``gradient_descent``);
    for mini-batches after every epoch, on the whole training set, with ``iteration`` the number
    of updates so far (as ``minibatch_sgd``).
    """
    forward, backward, cross_entropy = fn("forward"), fn("backward"), fn("cross_entropy")
    predict, accuracy = fn("predict"), fn("accuracy")
    if recipe.init == "uniform":
        params = uniform_params(recipe.n_hidden, seed)
    else:
        params = fn("init_params")(X.shape[1], recipe.n_hidden, N_CLASSES, seed)
    if recipe.optimizer == "adam":
        adam_update, state = fn("adam_update"), fresh_adam_state(params)
    else:
        update_params = fn("update_params")
    history: dict[str, list] = {
        "iteration": [],
        "loss": [],
        "train_accuracy": [],
        "dev_accuracy": [],
    }

    def record(step: int, probs: np.ndarray, params: dict) -> None:
        history["iteration"].append(step)
        history["loss"].append(float(cross_entropy(probs, y)))
        history["train_accuracy"].append(float(accuracy(np.argmax(probs, axis=1), y)))
        history["dev_accuracy"].append(float(accuracy(predict(X_dev, params), y_dev)))
        bar.set_postfix(
            loss=f"{history['loss'][-1]:.3f}",
            dev=f"{100 * history['dev_accuracy'][-1]:.1f}%",
            refresh=False,
        )

    total = recipe.total_steps(len(X))
    bar = _progress_bar(total, recipe.name, progress)
    with bar:
        if recipe.full_batch:
            for i in range(recipe.iterations):
                probs, cache = forward(X, params)
                if i % 10 == 0 or i == recipe.iterations - 1:
                    record(i, probs, params)  # this iteration's forward pass, before its update
                grads = backward(X, y, params, cache)
                params = update_params(params, grads, recipe.learning_rate_at(i, total))
                bar.update(1)
        else:
            rng = np.random.default_rng(seed)  # the shuffles, as minibatch_sgd draws them
            shifts = np.random.default_rng([seed, 1])  # the augmentation's own stream
            step = 0
            for _ in range(recipe.epochs):
                order = rng.permutation(len(X))
                for start in range(0, len(X), recipe.batch_size):
                    batch = order[start : start + recipe.batch_size]
                    X_batch, y_batch = X[batch], y[batch]
                    if recipe.shift:
                        dx, dy = shifts.integers(-recipe.shift, recipe.shift + 1, size=2)
                        X_batch = shift_images(X_batch, int(dx), int(dy))
                    _, cache = forward(X_batch, params)
                    grads = backward(X_batch, y_batch, params, cache)
                    rate = recipe.learning_rate_at(step, total)
                    if recipe.optimizer == "adam":
                        params, state = adam_update(params, grads, state, learning_rate=rate)
                    else:
                        params = update_params(params, grads, rate)
                    step += 1
                    bar.update(1)
                probs, _ = forward(X, params)
                record(step, probs, params)
    return params, history


def preflight(fn: Callable[[str], Callable], recipe: Recipe, X: np.ndarray, y: np.ndarray) -> None:
    """Run every function the pipeline needs once on a few rows, so an unfinished one is found
    before minutes of training rather than after."""
    X, y = X[:16], y[:16]
    if recipe.init == "uniform":
        params = uniform_params(recipe.n_hidden, 0)
    else:
        params = fn("init_params")(X.shape[1], recipe.n_hidden, N_CLASSES, 0)
    probs, cache = fn("forward")(X, params)
    fn("cross_entropy")(probs, y)
    grads = fn("backward")(X, y, params, cache)
    if recipe.optimizer == "adam":
        fn("adam_update")(params, grads, fresh_adam_state(params), learning_rate=1e-3)
    else:
        fn("update_params")(params, grads, 0.1)
    predictions = fn("predict")(X, params)
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


# -- pictures -----------------------------------------------------------------------------------


def plot_learning_curve(history: dict, recipe: Recipe, path: Path) -> None:
    import matplotlib.pyplot as plt

    steps = history["iteration"]
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(11, 4))
    ax_loss.plot(steps, history["loss"], color="tab:red")
    ax_loss.set_xlabel("iterations" if recipe.full_batch else "updates (mini-batches)")
    ax_loss.set_ylabel("cross-entropy loss (training set)")
    ax_loss.set_title("loss")
    ax_acc.plot(steps, [100 * a for a in history["train_accuracy"]], label="train")
    ax_acc.plot(steps, [100 * a for a in history["dev_accuracy"]], label="dev")
    ax_acc.set_xlabel(ax_loss.get_xlabel())
    ax_acc.set_ylabel("accuracy (%)")
    ax_acc.set_title("accuracy")
    ax_acc.legend()
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
    fig.suptitle(f"course train --recipe {recipe.name}: {recipe.summary()}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_confusion(cm: np.ndarray, pairs: list, n_dev: int, path: Path) -> None:
    import matplotlib.pyplot as plt
    import seaborn as sns

    fig, ax = plt.subplots(figsize=(7, 6))
    sns.heatmap(cm, annot=True, fmt="d", cmap="Blues", cbar=False, square=True, ax=ax)
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    confused = ", ".join(f"{t} as {p} ({c})" for t, p, c in pairs if c > 0) or "none"
    ax.set_title(
        f"dev set confusion matrix ({n_dev:,} digits)\nmost confused: {confused}", fontsize=10
    )
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_misclassified(X_dev: np.ndarray, y_dev: np.ndarray, pred: np.ndarray, path: Path) -> int:
    import matplotlib.pyplot as plt

    wrong = np.flatnonzero(pred != y_dev)[:N_MISCLASSIFIED_SHOWN]
    cols = 8
    rows = max(1, math.ceil(len(wrong) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.3, rows * 1.55 + 0.5), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, i in zip(axes.flat, wrong):
        ax.imshow(
            np.asarray(X_dev[i], dtype=np.float32).reshape(28, 28), cmap="gray_r", vmin=0, vmax=1
        )
        ax.set_title(f"true {int(y_dev[i])}\npred {int(pred[i])}", fontsize=8, color="tab:red")
    total = int(np.sum(pred != y_dev))
    if total == 0:
        axes[0, 0].text(0, 0.5, "no mistakes on the dev set", transform=axes[0, 0].transAxes)
    fig.suptitle(
        f"misclassified dev digits: {min(total, N_MISCLASSIFIED_SHOWN)} of {total} shown",
        fontsize=10,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return total


# -- the command --------------------------------------------------------------------------------


def _apply_overrides(recipe: Recipe, args: argparse.Namespace) -> Recipe:
    if args.iterations is not None:
        if not recipe.full_batch:
            raise TrainError(
                f"--iterations applies to the full-batch recipes (seed, full-batch); "
                f"--recipe {recipe.name} trains by epochs: use --epochs."
            )
        if args.iterations < 1:
            raise TrainError("--iterations must be at least 1.")
        recipe = dataclasses.replace(recipe, iterations=args.iterations)
    if args.epochs is not None:
        if recipe.full_batch:
            raise TrainError(
                f"--epochs applies to the mini-batch recipes (minibatch, wide); "
                f"--recipe {recipe.name} trains by iterations: use --iterations."
            )
        if args.epochs < 1:
            raise TrainError("--epochs must be at least 1.")
        recipe = dataclasses.replace(recipe, epochs=args.epochs)
    if args.learning_rate is not None:
        if not args.learning_rate > 0:
            raise TrainError("--learning-rate must be positive.")
        recipe = dataclasses.replace(recipe, learning_rate=args.learning_rate)
    if args.schedule is not None:
        recipe = dataclasses.replace(recipe, schedule=args.schedule)
    return recipe


def _command_line(args: argparse.Namespace) -> str:
    parts = ["course", "train", "--recipe", args.recipe]
    for flag, value in (
        ("--iterations", args.iterations),
        ("--epochs", args.epochs),
        ("--learning-rate", args.learning_rate),
        ("--schedule", args.schedule),
    ):
        if value is not None:
            parts += [flag, str(value)]
    if args.seed:
        parts += ["--seed", str(args.seed)]
    if args.data:
        parts += ["--data", str(args.data)]
    if args.source:
        parts += ["--from", args.source]
    parts += ["--out", str(args.out)]
    return " ".join(parts)


def cmd_train(args: argparse.Namespace) -> int:
    try:
        return _train(args)
    except TrainError as exc:
        print(f"course train: {exc}", file=sys.stderr)
        return EXIT_ERROR


def _train(args: argparse.Namespace) -> int:
    import matplotlib

    matplotlib.use("Agg", force=True)  # files only, never a window (the notebooks import pyplot)
    from autograder.data import DataError, data_files_in, find_data, load_test, load_train

    timing = {
        "started": time.perf_counter(),
        "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }
    recipe = _apply_overrides(RECIPES[args.recipe], args)
    out = Path(args.out)
    prepare_out_dir(out)

    try:
        files = data_files_in(Path(args.data), what="--data") if args.data else find_data()
    except DataError as exc:
        raise TrainError(str(exc)) from None

    origin = args.source or default_origin()
    functions = load_functions(origin)
    check_defined(functions, required_functions(recipe))

    print(f"recipe {recipe.name} ({recipe.description}): {recipe.summary()}")
    whose = "the reference solutions" if origin == "solutions" else "your lesson notebooks"
    print(f"functions: {_rel(functions.directory)}/ ({whose})")
    try:
        train_df = load_train(files)
        test_df = load_test(files)
    except DataError as exc:
        raise TrainError(str(exc)) from None
    timing["loaded"] = time.perf_counter()

    try:
        with one_blas_thread():
            return _pipeline(args, recipe, files, functions, train_df, test_df, out, timing)
    except TrainError:
        raise
    except Exception as exc:
        if isinstance(exc, DataError):
            raise TrainError(str(exc)) from None
        explained = explain_failure(exc, functions)
        if explained is None:
            raise
        raise explained from None


def _pipeline(args, recipe, files, functions, train_df, test_df, out, timing) -> int:
    from autograder.data import format_score, score_submission

    fn = functions.get

    X_all, y_all = fn("split_features_labels")(train_df)
    X_test, _ = fn("split_features_labels")(test_df)
    del train_df, test_df
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
        X_all, y_all, dev_size=dev_size, seed=args.seed
    )
    del X_all
    print(
        f"data: {files.kind} ({_rel(files.directory)}): train.csv {n_rows:,} rows, test.csv "
        f"{len(X_test):,} rows; split {len(X_train):,} train / {len(X_dev):,} dev (seed {args.seed})"
    )
    preflight(fn, recipe, X_train, y_train)

    train_started = time.perf_counter()
    params, history = train_network(
        fn, recipe, X_train, y_train, X_dev, y_dev, seed=args.seed, progress=not args.no_progress
    )
    train_seconds = time.perf_counter() - train_started

    predict, accuracy = fn("predict"), fn("accuracy")
    pred_train = predict(X_train, params)
    pred_dev = predict(X_dev, params)
    train_acc = float(accuracy(pred_train, y_train))
    dev_acc = float(accuracy(pred_dev, y_dev))
    cm = np.asarray(fn("confusion_matrix")(y_dev, pred_dev, num_classes=N_CLASSES))
    pairs = [tuple(int(v) for v in p) for p in fn("most_confused_pairs")(cm, k=3)]
    print(f"trained in {train_seconds:.1f} s")
    print(f"train accuracy {100 * train_acc:.2f}%   dev accuracy {100 * dev_acc:.2f}%")
    confused = ", ".join(f"{t} as {p} ({c}x)" for t, p, c in pairs if c > 0)
    if confused:
        print(f"most confused on dev: {confused}")

    submission = fn("make_submission")(predict(X_test, params))
    try:
        fn("validate_submission")(submission, n_rows=len(X_test))
    except ValueError as exc:
        raise TrainError(f"the submission is not valid: {exc}") from None

    written = []
    try:
        plot_learning_curve(history, recipe, out / "learning_curve.png")
        plot_confusion(cm, pairs, len(y_dev), out / "confusion_matrix.png")
        n_wrong = plot_misclassified(X_dev, y_dev, pred_dev, out / "misclassified.png")
        submission.to_csv(out / "submission.csv", index=False)
        written += [
            "learning_curve.png",
            "confusion_matrix.png",
            "misclassified.png",
            "submission.csv",
        ]
    except OSError as exc:
        raise TrainError(f"--out {out}: cannot write ({exc.strerror or exc}).") from None

    test_acc = None
    score_text = None
    if files.answer_key is not None:
        report = score_submission(out / "submission.csv", files)
        test_acc = float(report.accuracy)
        score_text = format_score(report)
    else:
        score_text = (
            f"no answer key for the {files.kind} data: submit {out / 'submission.csv'} at "
            f"https://www.kaggle.com/competitions/digit-recognizer to get its score."
        )

    metrics = {
        "recipe": recipe.name,
        "settings": dataclasses.asdict(recipe) | {"summary": recipe.summary(), "dtype": "float32"},
        "functions_from": functions.origin,
        "functions_dir": str(functions.directory),
        "data": {
            "kind": files.kind,
            "directory": str(files.directory),
            "train_rows": n_rows,
            "test_rows": len(X_test),
            "answer_key": files.answer_key is not None,
        },
        "seed": args.seed,
        "sizes": {"train": len(X_train), "dev": len(X_dev), "test": len(X_test)},
        "accuracy": {"train": train_acc, "dev": dev_acc, "test": test_acc},
        "dev_mistakes": n_wrong,
        "final_loss": history["loss"][-1] if history["loss"] else None,
        "most_confused": [list(p) for p in pairs],
        "seconds": {
            "load": round(timing["loaded"] - timing["started"], 3),
            "train": round(train_seconds, 3),
            "total": round(time.perf_counter() - timing["started"], 3),
        },
        "history": history,
        "command": _command_line(args),
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
        (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise TrainError(f"--out {out}: cannot write ({exc.strerror or exc}).") from None
    print(f"wrote {', '.join(metrics['files'])} to {_rel(out)}/")
    print()
    print(score_text)
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``course train`` to the command line."""
    recipes = "\n".join(
        textwrap.fill(
            f"{r.name}: {r.summary()} ({r.description})",
            width=96,
            initial_indent="  ",
            subsequent_indent="      ",
        )
        for r in RECIPES.values()
    )
    p = subparsers.add_parser(
        "train",
        help="train the network end to end with the course's functions: plots, submission, score",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=textwrap.fill(
            "The reference pipeline: load the data in use, split train/dev (41,000 / 1,000 on the "
            "full data, the same share of the sample), train with the graded functions as written "
            "in the notebooks (solutions/, or your lessons/ with --from lessons), print train and "
            "dev accuracy, save the learning curve, confusion matrix and misclassified digits as "
            "PNG files, write submission.csv and score it when an answer key is present.",
            width=96,
        ),
        epilog=f"recipes:\n{recipes}",
    )
    p.add_argument(
        "--recipe",
        choices=list(RECIPES),
        default=DEFAULT_RECIPE,
        help=f"how to train (default {DEFAULT_RECIPE}); see below",
    )
    p.add_argument(
        "--out",
        default=str(DEFAULT_OUT),
        metavar="DIR",
        help=f"output folder (default {DEFAULT_OUT})",
    )
    p.add_argument(
        "--data",
        metavar="DIR",
        help="data folder with train.csv and test.csv (default: $COURSE_DATA, data/full, "
        "data/kaggle, else the embedded sample data/sample)",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of the split, the initialisation and the shuffles (default 0)",
    )
    p.add_argument(
        "--from",
        dest="source",
        choices=("solutions", "lessons"),
        help="whose functions to run: the reference solutions/ (default when present) or your "
        "own lessons/",
    )
    p.add_argument(
        "--iterations", type=int, metavar="N", help="override the iterations of a full-batch recipe"
    )
    p.add_argument(
        "--epochs", type=int, metavar="N", help="override the epochs of a mini-batch recipe"
    )
    p.add_argument(
        "--learning-rate", type=float, metavar="LR", help="override the recipe's learning rate"
    )
    p.add_argument(
        "--schedule",
        choices=("constant", "cosine"),
        help="override the recipe's learning-rate schedule (cosine: decays to 0 by the end)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_train)
