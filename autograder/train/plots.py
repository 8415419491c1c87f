"""The pictures ``course train`` writes: the learning curve, the dev confusion matrix as a heat map,
and the misclassified dev digits."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from autograder.train.recipes import Recipe

N_MISCLASSIFIED_SHOWN = 24


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
