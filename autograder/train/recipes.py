"""How ``course train`` trains: the recipes and the command line's overrides of them.

``seed`` the original notebook's (uniform(-0.5, 0.5) weights and biases, learning rate 0.1, full
batch, 500 iterations; float32 where the original used float64); ``full-batch`` He initialisation
and learning rate 0.5; ``minibatch`` the same 784-10-10 network on mini-batches of 64, learning
rate 0.3 decaying to 0 over 20 epochs; ``wide`` 784-512-10 with Adam, batches of 256 each shifted
by up to 2 pixels, 30 epochs; ``deep`` lesson 09's network, 784-512-512-10, trained with its
``sgd_step_deep`` (weight decay 5e-5) on batches of 64 each shifted by up to 2 pixels, learning
rate 0.3 decaying to 0 over 30 epochs. Measured figures on the full data are in
``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

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
    # Lesson 09's network of any depth: the widths of its hidden layers, trained with init_deep
    # and sgd_step_deep (mini-batch SGD only). Empty: lessons 03-05's network of n_hidden units.
    hidden_layers: tuple[int, ...] = ()
    weight_decay: float = 0.0  # L2 weight decay, lambda of lesson 09's sgd_step_deep

    def __post_init__(self) -> None:
        if self.hidden_layers and self.optimizer != "sgd":
            raise ValueError(f"recipe {self.name}: lesson 09's network trains with mini-batch SGD")

    @property
    def deep(self) -> bool:
        return bool(self.hidden_layers)

    def layer_sizes(self, n_inputs: int) -> list[int]:
        """``init_deep``'s layer_sizes: the inputs, the hidden widths, the classes."""
        return [n_inputs, *self.hidden_layers, N_CLASSES]

    @property
    def full_batch(self) -> bool:
        return self.optimizer == "gd"

    def total_steps(self, n_train: int) -> int:
        if self.full_batch:
            return self.iterations
        return self.epochs * math.ceil(n_train / self.batch_size)

    def summary(self) -> str:
        init = (
            "uniform(-0.5, 0.5) init of weights and biases" if self.init == "uniform" else "He init"
        )
        widths = self.hidden_layers or (self.n_hidden,)
        shape = "-".join(str(n) for n in (784, *widths, N_CLASSES))
        if self.full_batch:
            how = f"full-batch gradient descent, learning rate {self.learning_rate:g}, {self.iterations} iterations"
        else:
            optimizer = "Adam" if self.optimizer == "adam" else "mini-batch SGD"
            rate = f"learning rate {self.learning_rate:g}"
            if self.schedule == "cosine":
                rate += " with cosine decay to 0"
            how = f"{optimizer}, batch {self.batch_size}, {rate}, {self.epochs} epochs"
            if self.weight_decay:
                how += f", weight decay {self.weight_decay:g}"
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
    "deep": Recipe(
        name="deep",
        description="lesson 09: two hidden layers, weight decay, shifted digits",
        init="he",
        n_hidden=512,
        hidden_layers=(512, 512),
        optimizer="sgd",
        learning_rate=0.3,
        epochs=30,
        batch_size=64,
        schedule="cosine",
        shift=2,
        weight_decay=5e-5,
    ),
}
DEFAULT_RECIPE = "minibatch"


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
                f"--epochs applies to the mini-batch recipes (minibatch, wide, deep); "
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
