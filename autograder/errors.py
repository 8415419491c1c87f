"""Problems a user can fix. Each message says what was wrong and what to do.

The ``course`` command turns every one of them into its message on stderr and exit code 2
(see :mod:`autograder.cli`); code that can go wrong for a user raises one of these, never a
bare exception.
"""

from __future__ import annotations

#: Exit codes: done (whatever the score), a gate failed, could not do the job, interrupted.
EXIT_OK, EXIT_GATE, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130


class UserError(Exception):
    """Something the user can fix; the message says what was wrong and what to do."""


class CourseError(UserError):
    """course.yml is missing or malformed; the message names the problem."""


class DataError(UserError):
    """A data file or folder is missing or malformed, or a download failed."""


class TrainError(UserError):
    """``course train`` cannot go on (no data, an unfinished function, an unwritable folder)."""


class BuildError(UserError):
    """The solution notebooks break a rule the build relies on."""


class ReleaseError(UserError):
    """The student bundle could not be made."""


class UsageError(UserError):
    """The command line itself is wrong (an unknown option, a missing argument)."""
