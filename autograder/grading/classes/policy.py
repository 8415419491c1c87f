"""The class's policy: late work, overrides and the LMS export, applied to the kept results.

The kept results (``results/``) hold what the checks gave. Everything a run writes (grades.csv,
feedback, the report, the LMS file) comes from them with the policy applied, so a rerun, a
regrade (``--only``) and a merge of shards (``--merge``) all give the same numbers.

The policy's settings are remembered beside the kept results: a run uses each option it is
given, else the one the previous run used (and says so), else course.yml's ``late:`` section.
``none`` clears a remembered file or date (``--overrides none``, ``--due none``, ``--lms none``).
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from pathlib import Path

from autograder.config import Course
from autograder.grading.classes.late import (
    LateError,
    LatePolicy,
    parse_due,
    read_extensions,
    read_submission_times,
    zone,
)
from autograder.grading.classes.lms import LmsRoster, read_roster
from autograder.grading.classes.near import did_you_mean
from autograder.grading.classes.overrides import OverrideRow, apply_overrides, read_overrides
from autograder.grading.engine.results import GradingResult, SubmissionTime

CLEAR = "none"


@dataclass
class Settings:
    """The options of ``course grade`` that shape its outputs (not the grading itself)."""

    due: str | None = None
    timezone: str | None = None
    extensions: str | None = None  # a file, as an absolute path
    submission_times: str | None = None  # a file
    late_penalty: float | None = None
    late_cap: float | None = None
    overrides: str | None = None  # a file
    lms: str | None = None
    lms_assignment: str | None = None
    lms_roster: str | None = None  # a file
    feedback: str | None = None  # a folder

    FILES = ("extensions", "submission_times", "overrides", "lms_roster", "feedback")

    @classmethod
    def names(cls) -> list[str]:
        """The settings' names, as ``course grade``'s options spell them (``--late-penalty``)."""
        return [item.name for item in fields(cls)]

    @classmethod
    def given(cls, values: dict[str, object]) -> Settings:
        """The settings given on the command line (paths made absolute; "none" kept)."""
        settings = cls()
        for item in fields(cls):
            value = values.get(item.name)
            if value is None:
                continue
            if item.name in cls.FILES and str(value).lower() != CLEAR:
                value = str(Path(str(value)).resolve())
            setattr(settings, item.name, value)
        return settings

    @classmethod
    def from_dict(cls, raw: object) -> Settings:
        if not isinstance(raw, dict):
            return cls()
        names = {item.name for item in fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in names})

    def to_dict(self) -> dict[str, object]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    def merged(self, previous: Settings) -> tuple[Settings, list[str]]:
        """These settings, each missing one taken from ``previous``; and the options taken."""
        result = Settings()
        taken = []
        for item in fields(self):
            mine, theirs = getattr(self, item.name), getattr(previous, item.name)
            if mine is None and theirs is not None:
                setattr(result, item.name, theirs)
                taken.append(f"--{item.name.replace('_', '-')} {theirs}")
            elif mine is not None and str(mine).lower() != CLEAR:
                setattr(result, item.name, mine)
        return result, taken


@dataclass
class ClassPolicy:
    """What a run applies to the kept results before writing anything."""

    late: LatePolicy
    overrides: list[OverrideRow] = field(default_factory=list)
    times: dict[str, datetime] = field(default_factory=dict)  # --submission-times
    times_file: str = ""
    lms: str | None = None
    lms_assignment: str | None = None
    roster: LmsRoster | None = None
    feedback: Path | None = None

    def effective(self, result: GradingResult) -> GradingResult:
        """A copy of ``result`` with the overrides and the late penalty applied."""
        applied = copy.deepcopy(result)
        for report in applied.functions:
            report.override = None  # kept results never carry one; this file decides
        apply_overrides(applied, self.overrides)
        given = self.times.get(result.submission)
        if given is not None and not (
            result.submitted and result.submitted.source.startswith("nbgrader")
        ):
            applied.submitted = SubmissionTime(
                at=given.isoformat(), source=f"{Path(self.times_file).name} (--submission-times)"
            )
        applied.late = self.late.assess(applied) if result.mode != "absent" else None
        return applied


def build_policy(settings: Settings, course: Course, students: list[str]) -> ClassPolicy:
    """The policy from resolved settings; raises LateError, OverrideError or RosterError with a
    message naming what is wrong."""
    late = course.late
    in_zone = zone(settings.timezone or late.timezone)
    due_text = settings.due or late.due
    policy = LatePolicy(
        due=parse_due(due_text, in_zone) if due_text else None,
        timezone=in_zone,
        extensions=read_extensions(Path(settings.extensions), in_zone)
        if settings.extensions
        else {},
        penalty_percent=float(
            settings.late_penalty if settings.late_penalty is not None else late.penalty_percent
        ),
        cap_percent=float(settings.late_cap if settings.late_cap is not None else late.cap_percent),
    )
    times = (
        read_submission_times(Path(settings.submission_times), in_zone)
        if settings.submission_times
        else {}
    )
    for what, file, named in (
        ("extensions", settings.extensions, policy.extensions),
        ("submission times", settings.submission_times, times),
    ):
        unknown = sorted(set(named) - set(students))
        if unknown:
            raise LateError(
                f"the {what} file {file} names {unknown[0]!r}, who is not a student of this "
                f"class{did_you_mean(unknown[0], students)}."
            )
    overrides = (
        read_overrides(Path(settings.overrides), course, students) if settings.overrides else []
    )
    roster = None
    if settings.lms_roster:
        if not settings.lms:
            from autograder.grading.classes.lms import RosterError

            raise RosterError("--lms-roster needs --lms canvas, moodle or blackboard.")
        roster = read_roster(Path(settings.lms_roster), settings.lms)
    return ClassPolicy(
        late=policy,
        overrides=overrides,
        times=times,
        times_file=settings.submission_times or "",
        lms=settings.lms,
        lms_assignment=settings.lms_assignment,
        roster=roster,
        feedback=Path(settings.feedback) if settings.feedback else None,
    )
