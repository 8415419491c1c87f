"""Where nbgrader's hidden checks were before grading/ was laid out by job.

An ``nbgrader_config.py`` written for this path (``from autograder.grading.nbgrader_hidden import
autograde_preprocessors``) keeps working; new ones name
``autograder.grading.platforms.nbgrader_hidden``, where the code lives.
"""

from autograder.grading.platforms.nbgrader_hidden import (
    HiddenChecks,
    HiddenChecksUnavailable,
    autograde_preprocessors,
)

__all__ = ["HiddenChecks", "HiddenChecksUnavailable", "autograde_preprocessors"]
