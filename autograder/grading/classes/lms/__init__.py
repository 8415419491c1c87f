"""Grades in the form a learning management system imports, and the LMS's roster.

``course grade DIR --lms canvas|moodle|blackboard`` writes ``canvas.csv``, ``moodle.csv`` or
``blackboard.csv`` beside the gradebook, each in the format that LMS documents for a grade
import (:mod:`.formats`). With ``--lms-roster`` (the gradebook export of the same LMS) every
student is matched to their roster row (:mod:`.roster`): by the user id in the LMS's own
download names, by the roster's identifier columns, then by name. Roster students without a
submission get a row of zeros flagged "no submission"; student folders without a roster row are
listed.
"""

from autograder.grading.classes.lms.formats import (
    FORMATS,
    LMS_CHOICES,
    ExportError,
    LmsExport,
    write_lms_file,
)
from autograder.grading.classes.lms.roster import (
    LmsRoster,
    Reconciliation,
    RosterError,
    read_roster,
    reconcile,
)

__all__ = [
    "FORMATS",
    "LMS_CHOICES",
    "ExportError",
    "LmsExport",
    "LmsRoster",
    "Reconciliation",
    "RosterError",
    "read_roster",
    "reconcile",
    "write_lms_file",
]
