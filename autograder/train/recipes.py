"""How ``course train`` trains: the recipes, and what they need beyond the graded functions (the
original notebook's initialisation, Adam's starting state, shifted digits).

``seed`` the original notebook's (uniform(-0.5, 0.5) weights and biases, learning rate 0.1, full
batch, 500 iterations; float32 where the original used float64); ``full-batch`` He initialisation
and learning rate 0.5; ``minibatch`` the same 784-10-10 network on mini-batches of 64, learning
rate 0.3 decaying to 0 over 20 epochs; ``wide`` 784-512-10 with Adam, batches of 256 each shifted
by up to 2 pixels, 30 epochs. Measured figures on the full data are in ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from autograder.errors import TrainError

N_CLASSES = 10
SCHEDULES = ("constant", "cosine")


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


def with_overrides(
    recipe: Recipe,
    *,
    iterations: int | None = None,
    epochs: int | None = None,
    learning_rate: float | None = None,
    schedule: str | None = None,
) -> Recipe:
    """``recipe`` with some settings replaced; TrainError when one does not fit the recipe."""
    if iterations is not None:
        if not recipe.full_batch:
            raise TrainError(
                f"--iterations applies to the full-batch recipes (seed, full-batch); "
                f"--recipe {recipe.name} trains by epochs: use --epochs."
            )
        if iterations < 1:
            raise TrainError("--iterations must be at least 1.")
        recipe = dataclasses.replace(recipe, iterations=iterations)
    if epochs is not None:
        if recipe.full_batch:
            raise TrainError(
                f"--epochs applies to the mini-batch recipes (minibatch, wide); "
                f"--recipe {recipe.name} trains by iterations: use --iterations."
            )
        if epochs < 1:
            raise TrainError("--epochs must be at least 1.")
        recipe = dataclasses.replace(recipe, epochs=epochs)
    if learning_rate is not None:
        if not learning_rate > 0:
            raise TrainError("--learning-rate must be positive.")
        recipe = dataclasses.replace(recipe, learning_rate=learning_rate)
    if schedule is not None:
        if schedule not in SCHEDULES:
            raise TrainError(f"--schedule must be one of {', '.join(SCHEDULES)}.")
        recipe = dataclasses.replace(recipe, schedule=schedule)
    return recipe
