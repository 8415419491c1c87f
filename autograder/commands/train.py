"""``course train``: the network trained end to end with the course's functions."""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path

from autograder.errors import EXIT_OK

HELP = "train the network end to end with the course's functions: plots, submission, score"
DESCRIPTION = textwrap.fill(
    "The reference pipeline: load the data in use, split train/dev (41,000 / 1,000 on the "
    "full data, the same share of the sample), train with the graded functions as written "
    "in the notebooks (solutions/, or your lessons/ with --from lessons), print train and "
    "dev accuracy, save the learning curve, confusion matrix and misclassified digits as "
    "PNG files, write submission.csv and score it when an answer key is present.",
    width=96,
)
FORMATTER = argparse.RawDescriptionHelpFormatter


def epilog() -> str:
    """The recipes, one paragraph each, under the options."""
    from autograder.train import RECIPES

    recipes = "\n".join(
        textwrap.fill(
            f"{r.name}: {r.summary()} ({r.description})",
            width=96,
            initial_indent="  ",
            subsequent_indent="      ",
        )
        for r in RECIPES.values()
    )
    return f"recipes:\n{recipes}"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from autograder.train import DEFAULT_OUT, DEFAULT_RECIPE, RECIPES, SCHEDULES

    parser.add_argument(
        "--recipe",
        choices=list(RECIPES),
        default=DEFAULT_RECIPE,
        help=f"how to train (default {DEFAULT_RECIPE}); see below",
    )
    parser.add_argument(
        "--out",
        metavar="DIR",
        help=f"output folder (default {DEFAULT_OUT}; in a Kaggle Notebook /kaggle/working, "
        "from where Kaggle submits submission.csv)",
    )
    parser.add_argument(
        "--data",
        metavar="DIR",
        type=Path,
        help="data folder with train.csv and test.csv (default: $COURSE_DATA, data/full, "
        "data/kaggle, /kaggle/input/digit-recognizer in a Kaggle Notebook, else the embedded "
        "sample data/sample)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of the split, the initialisation and the shuffles (default 0)",
    )
    parser.add_argument(
        "--from",
        dest="source",
        choices=("solutions", "lessons"),
        help="whose functions to run: the reference solutions/ (default when present) or your "
        "own lessons/",
    )
    parser.add_argument(
        "--iterations", type=int, metavar="N", help="override the iterations of a full-batch recipe"
    )
    parser.add_argument(
        "--epochs", type=int, metavar="N", help="override the epochs of a mini-batch recipe"
    )
    parser.add_argument(
        "--learning-rate", type=float, metavar="LR", help="override the recipe's learning rate"
    )
    parser.add_argument(
        "--schedule",
        choices=SCHEDULES,
        help="override the recipe's learning-rate schedule (cosine: decays to 0 by the end)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    from autograder.train import TrainOptions, run_training

    run_training(
        TrainOptions(
            recipe=args.recipe,
            out=Path(args.out) if args.out else None,
            data=args.data,
            seed=args.seed,
            source=args.source,
            iterations=args.iterations,
            epochs=args.epochs,
            learning_rate=args.learning_rate,
            schedule=args.schedule,
            progress=not args.no_progress,
        )
    )
    return EXIT_OK
