"""The training of ``course train``: the notebooks' own ``gradient_descent`` and ``minibatch_sgd``.

There is no training loop here. A full-batch recipe is one call of lesson 05's
``gradient_descent``, starting from lesson 03's ``uniform_init`` for the original notebook's
recipe. A mini-batch recipe is one call of lesson 05's ``minibatch_sgd``, whose steps are taken
by an update rule from lesson 08's ``make_update`` (``update_params``, or ``adam_update`` with its
state, and the ``cosine_schedule`` when the recipe's learning rate decays) and whose batches go
through lesson 08's ``random_shifts`` when the recipe shifts digits. The history is what those
functions return. Progress comes from their ``callback`` (after every iteration or epoch) and,
for mini-batches, from the update rule, which runs once per step.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import numpy as np

from autograder import interrupts
from autograder.errors import TrainError
from autograder.train.recipes import Recipe

#: The lessons' given (not graded) functions that training calls, and the lesson of each.
GIVEN_HELPERS = {
    "uniform_init": "03_forward",
    "make_update": "08_going_further",
    "cosine_schedule": "08_going_further",
    "random_shifts": "08_going_further",
    "init_adam_state": "08_going_further",
    "train_deep": "09_deeper_networks",
}


def training_functions(recipe: Recipe) -> list[str]:
    """What training ``recipe`` calls from the notebooks: graded functions and the lessons'
    given helpers (``uniform_init``, ``make_update``, ``cosine_schedule``, ``random_shifts``)."""
    if recipe.full_batch:
        names = ["gradient_descent", "update_params"]
        return names + (["uniform_init"] if recipe.init == "uniform" else [])
    if recipe.deep:
        names = ["train_deep"]
        names += ["cosine_schedule"] if recipe.schedule == "cosine" else []
        return names + (["random_shifts"] if recipe.shift else [])
    names = ["minibatch_sgd", "make_update"]
    names.append("adam_update" if recipe.optimizer == "adam" else "update_params")
    if recipe.optimizer == "adam":
        names.append("init_adam_state")
    if recipe.schedule == "cosine":
        names.append("cosine_schedule")
    if recipe.shift:
        names.append("random_shifts")
    return names


def check_trainable(recipe: Recipe) -> None:
    """TrainError when ``recipe`` asks for something the notebooks' functions cannot do."""
    if recipe.full_batch and recipe.schedule != "constant":
        raise TrainError(
            f"--recipe {recipe.name} trains with lesson 05's gradient_descent, which takes one "
            "learning rate for every step: use --schedule constant, or a mini-batch recipe "
            "(minibatch, wide) for a decaying learning rate."
        )


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


def train(
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
    """Train ``recipe`` with the notebooks' functions; returns what they return,
    ``(params, history)``."""
    check_trainable(recipe)
    with _progress_bar(recipe.total_steps(len(X)), recipe.name, progress) as bar:

        def show(history: dict) -> None:
            """The latest record of the history beside the bar."""
            interrupts.point("training")
            try:
                postfix = {"loss": f"{float(history['loss'][-1]):.3f}"}
                if history.get("dev_accuracy"):
                    postfix["dev"] = f"{100 * float(history['dev_accuracy'][-1]):.1f}%"
            except (KeyError, IndexError, TypeError, ValueError):
                return  # a history the bar cannot read is the pipeline's to report, not the bar's
            bar.set_postfix(postfix, refresh=False)

        if recipe.full_batch:
            return _full_batch(fn, recipe, X, y, X_dev, y_dev, seed, bar, show)
        if recipe.deep:
            return _deep(fn, recipe, X, y, X_dev, y_dev, seed, bar, show)
        return _mini_batch(fn, recipe, X, y, X_dev, y_dev, seed, bar, show)


def _full_batch(fn, recipe, X, y, X_dev, y_dev, seed, bar, show) -> tuple[dict, dict]:
    def after_iteration(i: int, history: dict) -> None:
        bar.update(1)
        show(history)

    return fn("gradient_descent")(
        X,
        y,
        n_hidden=recipe.n_hidden,
        learning_rate=recipe.learning_rate,
        iterations=recipe.iterations,
        seed=seed,
        X_dev=X_dev,
        y_dev=y_dev,
        init=fn("uniform_init") if recipe.init == "uniform" else None,
        callback=after_iteration,
    )


def _mini_batch(fn, recipe, X, y, X_dev, y_dev, seed, bar, show) -> tuple[dict, dict]:
    total = recipe.total_steps(len(X))
    schedule = fn("cosine_schedule")(total) if recipe.schedule == "cosine" else None
    step = fn("make_update")("adam" if recipe.optimizer == "adam" else "sgd", schedule=schedule)

    def update(params: dict, grads: dict, learning_rate: float) -> dict:
        new_params = step(params, grads, learning_rate)
        bar.update(1)
        return new_params

    # The shifts draw from their own generator, so the shuffles stay minibatch_sgd's own.
    augment = fn("random_shifts")(recipe.shift, seed=[seed, 1]) if recipe.shift else None
    return fn("minibatch_sgd")(
        X,
        y,
        n_hidden=recipe.n_hidden,
        learning_rate=recipe.learning_rate,
        epochs=recipe.epochs,
        batch_size=recipe.batch_size,
        seed=seed,
        X_dev=X_dev,
        y_dev=y_dev,
        update=update,
        augment=augment,
        callback=lambda epoch, history: show(history),
    )


def _deep(fn, recipe, X, y, X_dev, y_dev, seed, bar, show) -> tuple[dict, dict]:
    """Lesson 09's ``train_deep``, stepping with its ``sgd_step_deep``; its history, one entry
    per epoch, is given the ``iteration`` count the learning curve plots."""
    total = recipe.total_steps(len(X))
    batches = -(-len(X) // recipe.batch_size)
    cosine = fn("cosine_schedule")(total) if recipe.schedule == "cosine" else None

    def schedule(s: int) -> float:
        bar.update(1)  # called once per update
        return cosine(s) if cosine is not None else 1.0

    augment = fn("random_shifts")(recipe.shift, seed=[seed, 1]) if recipe.shift else None
    params, history = fn("train_deep")(
        X,
        y,
        recipe.layer_sizes(X.shape[1]),
        learning_rate=recipe.learning_rate,
        weight_decay=recipe.weight_decay,
        epochs=recipe.epochs,
        batch_size=recipe.batch_size,
        seed=seed,
        X_dev=X_dev,
        y_dev=y_dev,
        schedule=schedule,
        augment=augment,
        callback=lambda epoch, history: show(history),
    )
    history = dict(history)
    history["iteration"] = [int(epoch) * batches for epoch in history.get("epoch", [])]
    return params, history
