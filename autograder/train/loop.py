"""The training loop of ``course train``: each step calls the notebook's ``forward``,
``backward`` and ``update_params`` (or ``adam_update``), with a progress bar.

With a constant learning rate it is lesson 05's ``gradient_descent`` / ``minibatch_sgd`` step for
step (the tests check it); the recipes add what lesson 05 does not have: the original
initialisation (``seed``), a cosine learning-rate decay, Adam and shifted digits. Because it does
lesson 05's job, this module is not part of the student release (see
:mod:`autograder.authoring.release`); there ``course train`` says it needs the lesson functions.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import numpy as np

from autograder.train.recipes import (
    N_CLASSES,
    Recipe,
    fresh_adam_state,
    shift_images,
    uniform_params,
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
