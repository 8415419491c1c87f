"""``course train``: the course's pipeline end to end, with the course's own functions.

``recipes`` (how to train), ``functions`` (the notebooks' functions a run calls), ``loop`` (the
training loop; not in the student release), ``plots`` (the pictures) and ``pipeline`` (the run:
data, split, training, evaluation, submission, score, metrics).
"""

from __future__ import annotations

from autograder.errors import TrainError
from autograder.train.pipeline import DEFAULT_OUT, OUTPUT_FILES, TrainOptions, run_training
from autograder.train.recipes import (
    DEFAULT_RECIPE,
    RECIPES,
    SCHEDULES,
    Recipe,
    shift_images,
    uniform_params,
)

__all__ = [
    "DEFAULT_OUT",
    "DEFAULT_RECIPE",
    "OUTPUT_FILES",
    "RECIPES",
    "SCHEDULES",
    "Recipe",
    "TrainError",
    "TrainOptions",
    "run_training",
    "shift_images",
    "uniform_params",
]
