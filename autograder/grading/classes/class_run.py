"""``course grade``: a whole class, a regrade (``--only``), one shard (``--shard K/N``) or the
shards merged (``--merge``). The grading processes are :mod:`.pool`'s, the files written
are :mod:`.outputs`'s; here is the order of things and what the instructor is told.

Console output is kept to what an instructor acts on: one summary line per LMS whose download
names were recognised (never a warning per file), a warning per notebook that was not used, and,
last, every stray notebook (one that defines graded functions but was not graded), so it cannot
be buried.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm import tqdm

from autograder.config import Course, load_course
from autograder.errors import EXIT_ERROR, EXIT_GATE, EXIT_OK, UserError
from autograder.grading.classes.archive import (
    load_results,
    load_seed,
    load_settings,
    save_class,
    save_results,
)
from autograder.grading.classes.audit import load_state
from autograder.grading.classes.late import LateError, zone
from autograder.grading.classes.lms import ExportError
from autograder.grading.classes.outputs import Outputs, write_outputs
from autograder.grading.classes.policy import ClassPolicy, Settings, build_policy
from autograder.grading.classes.pool import grade_students
from autograder.grading.classes.shards import (
    ShardRecord,
    clear_shard,
    load_shards,
    now,
    parse_shard,
    save_shard,
    share,
)
from autograder.grading.classes.students import Roster, find_students
from autograder.grading.classes.timings import Timings
from autograder.grading.classes.timings import render as render_timings
from autograder.grading.engine.cases import fresh_seed
from autograder.grading.engine.results import GradingResult
from autograder.grading.reports.report import ITEMS_CSV, REPORT_HTML
from autograder.safe_text import one_line, printable, unique_file_names

if TYPE_CHECKING:
    from autograder.sandbox.doctor import Isolation


@dataclass(frozen=True)
class ClassRunOptions:
    """What ``course grade`` was asked: which run, where, and how."""

    submissions: Path  # the class folder
    out: Path  # the gradebook
    settings: Settings  # the options that shape the outputs, as given (none remembered yet)
    seed: int | None = None
    parallel: int | None = None  # students graded at once
    timeout_seconds: float | None = None  # CPU seconds per graded function
    quiet: bool = False  # no progress bar
    allow_weak_isolation: bool = False
    allow_empty: bool = False
    only: tuple[str, ...] = ()  # regrade these students
    shard: str | None = None  # "K/N"
    merge: bool = False
    timings: bool = False  # print where the run's time went


def _names(names: list[str]) -> str:
    shown = [one_line(printable(n)) for n in names[:20]]
    more = f" and {len(names) - 20} more" if len(names) > 20 else ""
    return ", ".join(shown) + more


def isolation_summary(allow_weak: bool) -> Isolation:
    """Print the layers in force, and apply the rule for grading untrusted work
    (``sandbox.doctor.require_isolation``): refuse (exit 2) without Landlock and seccomp, unless
    ``allow_weak``. Returns the ``Isolation`` found."""
    from autograder.sandbox.doctor import require_isolation
    from autograder.sandbox.runner import Sandbox, SandboxError

    try:
        for line in Sandbox.shared().layers.lines():
            print(f"isolation: {line}", file=sys.stderr)
    except SandboxError:
        pass  # require_isolation says why, as a refusal
    isolation = require_isolation(allow=allow_weak)
    if isolation.note:
        print(f"warning: {isolation.note}", file=sys.stderr)
    return isolation


def _resolve_only(wanted: tuple[str, ...], names: list[str], folder: Path) -> list[int]:
    from autograder.grading.classes.near import did_you_mean

    indices = []
    for name in wanted:
        if name not in names:
            raise UserError(
                f"--only {one_line(name)}: there is no such student in {folder}"
                f"{did_you_mean(name, names)}."
            )
        indices.append(names.index(name))
    return sorted(set(indices))


@dataclass
class ClassFolder:
    """The class as found: its students, their feedback files' names, the run's settings (those
    given, else the previous run's) and the policy they make (None for a shard)."""

    folder: Path
    roster: Roster
    names: list[str]
    file_names: list[str]
    settings: Settings
    policy: ClassPolicy | None


@dataclass
class RunPlan:
    """Who this run grades, with which seed, and what it keeps from earlier runs."""

    kind: str  # "full run", "--only ann", "--shard 1/3", "--merge of 3 shards"
    seed: int  # the seed the students graded now are graded with
    class_seed: int  # the class's seed, as the archive and the outputs keep it
    to_grade: list[int]  # indices into the class's students
    kept: dict[int, GradingResult] = field(default_factory=dict)  # earlier results kept
    previous: dict[int, dict | None] = field(default_factory=dict)  # a regrade's "before"
    records: list[ShardRecord] = field(default_factory=list)  # a merge's shards


@dataclass
class Grading:
    """What the grading processes gave back."""

    results: dict[int, GradingResult]
    failures: list[str]  # the students the grader itself failed on
    isolation_note: str  # what confinement was missing, when the instructor accepted it


def run_class(options: ClassRunOptions) -> int:
    """Find the class, plan the run, grade, write and say what happened; each step is timed
    (``--timings``)."""
    timings = Timings()
    course = load_course()
    found = find_class(options, course)
    timings.lap("finding students")
    plan = plan_run(options, found)
    timings.lap("reading earlier results")
    grading = grade_class(options, course, found, plan)
    timings.lap("grading")
    graded = [grading.results[i] for i in plan.to_grade]
    failures = grading.failures
    _print_warnings(graded, found.roster)
    if options.shard:
        _save_shard(options, found, plan, grading)
    else:
        outputs = write_class(options, course, found, plan, grading)
        timings.extend(outputs.stages)
        _print_outputs(options, found, plan, outputs, grading.isolation_note)
        if options.merge:  # what the shards found is the class's
            graded = [r for r in outputs.results if r.mode != "absent"]
            failures = sorted({name for record in plan.records for name in record.failures})
    _print_timings(options, timings, graded)
    return _gates(options, graded, failures, course)


def find_class(options: ClassRunOptions, course: Course) -> ClassFolder:
    """The class's students and the run's settings; says what in the folder was not used."""
    folder = options.submissions
    if not folder.is_dir():
        raise UserError(f"{folder} is not a folder. Give a folder with one sub-folder per student.")
    modes = [
        flag
        for flag, on in (
            ("--only", options.only),
            ("--shard", options.shard),
            ("--merge", options.merge),
        )
        if on
    ]
    if len(modes) > 1:
        raise UserError(f"{' and '.join(modes)} cannot be combined: give one of them.")
    settings, taken = options.settings.merged(Settings.from_dict(load_settings(options.out)))
    try:
        in_zone = zone(settings.timezone or course.late.timezone)
    except LateError as exc:
        raise UserError(f"--timezone: {exc}") from None
    roster = find_students(folder, course, timezone=in_zone)
    if not roster.students:
        raise UserError(
            f"{folder} has no student sub-folders (one folder per student, holding their "
            "notebooks) and no loose notebooks named <student>_<lesson>.ipynb."
        )
    for warning in roster.warnings:
        print(f"warning: {one_line(warning)}", file=sys.stderr)
    if roster.folder != folder:
        print(f"nbgrader course: grading {roster.folder}", file=sys.stderr)
    names = [work.name for work in roster.students]
    # a shard writes results only: the policy is the merge's business
    policy = None if options.shard else build_policy(settings, course, names)
    if taken and not options.shard:
        print(
            "as the previous run (give another value, or none, to change it): " + "; ".join(taken),
            file=sys.stderr,
        )
    return ClassFolder(folder, roster, names, unique_file_names(names), settings, policy)


def plan_run(options: ClassRunOptions, found: ClassFolder) -> RunPlan:
    """Whom to grade and with which seed; what a regrade or a merge keeps from the archive."""
    out, names, file_names = options.out, found.names, found.file_names
    everyone = range(len(names))
    if options.merge:
        seed, records = load_shards(out, names)
        kept = load_results(out, dict(zip(names, file_names, strict=True)))
        return RunPlan(
            f"--merge of {len(records)} shards",
            seed,
            seed,
            [],
            kept={i: kept[name] for i, name in enumerate(names)},
            records=records,
        )
    if options.shard:
        k, n = parse_shard(options.shard)
        if options.seed is None:
            raise UserError(
                "--shard needs --seed: every shard must draw the same hidden cases (give "
                "all N shards one seed, e.g. --seed 4242)."
            )
        clear_shard(out, k, n)
        return RunPlan(f"--shard {k}/{n}", options.seed, options.seed, share(len(names), k, n))
    if options.only:
        to_grade = _resolve_only(options.only, names, found.folder)
        class_seed = load_seed(out)  # the class's seed: read once, kept for the outputs
        others = [i for i in everyone if i not in to_grade]
        kept = load_results(out, {names[i]: file_names[i] for i in others})
        state = load_state(out) or {}
        return RunPlan(
            "--only " + ", ".join(names[i] for i in to_grade),
            options.seed if options.seed is not None else class_seed,
            class_seed,
            to_grade,
            kept={i: kept[names[i]] for i in others},
            previous={i: state.get(names[i]) for i in to_grade},
        )
    seed = options.seed if options.seed is not None else fresh_seed()
    return RunPlan("full run", seed, seed, list(everyone))


def grade_class(
    options: ClassRunOptions, course: Course, found: ClassFolder, plan: RunPlan
) -> Grading:
    """Grade the plan's students (none for a merge) and keep their results in the archive."""
    if not plan.to_grade:
        return Grading({}, [], "")
    isolation = isolation_summary(options.allow_weak_isolation)
    bar = tqdm(total=len(plan.to_grade), unit="student", desc="grading", disable=options.quiet)
    try:
        results, failures = grade_students(
            found.roster.students,
            plan.to_grade,
            course=course,
            seed=plan.seed,
            parallel=options.parallel,
            timeout_seconds=options.timeout_seconds,
            progress=lambda name: bar.update(1),
            allow_weak_isolation=isolation.accepted_risk,
        )
    finally:
        bar.close()
    save_results({found.file_names[i]: results[i] for i in plan.to_grade}, options.out)
    return Grading(results, failures, isolation.note)


def _save_shard(options: ClassRunOptions, found: ClassFolder, plan: RunPlan, grading: Grading):
    assert options.shard is not None
    k, n = parse_shard(options.shard)
    graded_names = [found.names[i] for i in plan.to_grade]
    record = ShardRecord(k, n, plan.seed, graded_names, grading.failures, now())
    path = save_shard(options.out, record)
    print(
        f"shard {k}/{n}: graded {len(plan.to_grade)} of {len(found.names)} students, seed "
        f"{plan.seed} -> {path.parent.parent}/; when all {n} shards are done: course grade "
        f"{found.folder} --out {options.out} --merge"
    )


def write_class(
    options: ClassRunOptions, course: Course, found: ClassFolder, plan: RunPlan, grading: Grading
) -> Outputs:
    """Everything a run writes for the whole class, from this run's results and the kept ones."""
    assert found.policy is not None
    ordered = [grading.results.get(i) or plan.kept[i] for i in range(len(found.names))]
    save_class(options.out, plan.class_seed, found.settings.to_dict())
    try:
        return write_outputs(
            ordered,
            found.file_names,
            options.out,
            course,
            found.policy,
            seed=plan.class_seed,
            run=plan.kind,
        )
    except (ExportError, OSError) as exc:
        raise UserError(f"the outputs could not be written: {exc}") from None


def _print_outputs(
    options: ClassRunOptions,
    found: ClassFolder,
    plan: RunPlan,
    outputs: Outputs,
    isolation_note: str,
) -> None:
    out, students = options.out, len(found.names)
    if options.merge:
        print(
            f"merged {len(plan.records)} shards: {students} students, seed {plan.seed} -> {out} "
            f"(feedback in {outputs.feedback_dir}/)"
        )
    elif options.only:
        effective = {r.submission: r for r in outputs.results}
        for i in plan.to_grade:
            name = found.names[i]
            _print_regrade(name, plan.previous.get(i), effective[name], plan.seed)
        print(f"updated {out} and the class report")
    else:
        print(
            f"graded {students} students, seed {plan.seed} -> {out} "
            f"(feedback in {outputs.feedback_dir}/)"
        )
    print(f"item analysis: {out.parent / ITEMS_CSV}; class report: {out.parent / REPORT_HTML}")
    if isolation_note:
        print(f"isolation: {isolation_note} (recorded in every student's results and feedback)")
    assert found.policy is not None
    _print_policy(outputs, found.policy)
    if outputs.audit_rows:
        print(f"audit log: {outputs.audit_rows} change(s) recorded in {out.parent / 'audit.csv'}")
    _print_stray(outputs.results, found.roster)


def _print_timings(options: ClassRunOptions, timings: Timings, graded: list[GradingResult]) -> None:
    if options.timings:
        for line in render_timings(timings, graded):
            print(line)


def _print_warnings(graded: list, roster) -> None:
    """Each graded student's warnings (stray notebooks come last, see ``_print_stray``), and
    one line per LMS whose download names were recognised."""
    for line in roster.lms_summary():
        print(f"note: {line}", file=sys.stderr)
    for result in graded:
        stray = set(result.stray)
        for warning in result.warnings:
            if any(warning.startswith(one_line(name) + " is a stray notebook") for name in stray):
                continue
            print(
                f"warning: {one_line(printable(result.submission))}: {one_line(warning)}",
                file=sys.stderr,
            )


def _print_stray(results: list, roster) -> None:
    for name, functions in sorted(roster.stray.items()):
        print(
            f"stray notebook: {one_line(printable(name))} defines {', '.join(functions)} with "
            "code of its own, but lies in the class folder without a student's name before the "
            "lesson's, so it was not graded: name it <student>_<lesson>.ipynb (or move it into "
            "the student's folder) and regrade that student with --only.",
            file=sys.stderr,
        )
    for result in results:
        student = one_line(printable(result.submission))
        for name, functions in sorted(result.stray.items()):
            print(
                f"stray notebook: {student}/{one_line(printable(name))} defines "
                f"{', '.join(functions)} with code of its own, but its name is no lesson's, so it "
                f"was not graded: if it holds the work, rename it and regrade with --only "
                f"{student}.",
                file=sys.stderr,
            )


def _print_regrade(name: str, before: dict | None, after, seed: int) -> None:
    """Old and new, as the gradebook had them: ``before`` is the previous gradebook's entry."""
    from autograder.grading.reports.feedback import total_words

    shown = one_line(printable(name))
    if before is None:
        print(
            f"regraded {shown} (seed {seed}): {total_words(after)} (not in the earlier gradebook)"
        )
        return
    old = before.get("functions", {})
    changed = [
        f"{f.function} {old[f.function]:g} → {f.points:g}"
        for f in after.functions
        if f.function in old and abs(f.points - old[f.function]) > 1e-9
    ]
    if abs(before.get("penalty", 0.0) - after.penalty) > 1e-9:
        changed.append(f"late penalty {before.get('penalty', 0.0):g} → {after.penalty:g}")
    detail = "; ".join(changed) if changed else "nothing changed"
    print(
        f"regraded {shown} (seed {seed}): total {before.get('total', 0.0):g} → "
        f"{after.total:g} ({detail}); now {total_words(after)}"
    )
    print("  the earlier result is kept in results/history/, the change in audit.csv")


def _print_policy(outputs, policy) -> None:
    late = policy.late
    if late.due is not None:
        judged = [r for r in outputs.results if r.late is not None]
        on_time = sum(1 for r in judged if r.late.late_days == 0)
        late_ones = [r for r in judged if r.late.late_days]
        unknown = [r.submission for r in judged if r.late.late_days is None and not r.late.penalty]
        words = f"late work: {late.describe()}: {on_time} on time, {len(late_ones)} late"
        if late_ones:
            words += f" ({sum(r.penalty for r in late_ones):g} points taken off in all)"
        print(words)
        if unknown:
            print(
                "no submission time for (not judged late; file modification times are not "
                f"used): {_names(unknown)}",
                file=sys.stderr,
            )
    overridden = [(r.submission, f) for r in outputs.results for f in r.overridden]
    if policy.overrides:
        print(f"overrides: {len(overridden)} applied from {len(policy.overrides)} row(s)")
    export = outputs.lms
    if export is not None:
        print(f"{export.format.title} grade import: {export.path} (column {export.column!r})")
        rec = outputs.reconciliation
        if rec is not None:
            matched = len(rec.matched)
            print(f"roster: {matched} students matched to {policy.roster.path.name}")
            if rec.absent:
                absent = [r.submission for r in outputs.results if r.mode == "absent"]
                print(
                    f"in the roster without a submission (0 points, status 'no submission' in "
                    f"grades.csv): {_names(absent)}",
                    file=sys.stderr,
                )
            if rec.unmatched:
                ambiguous = [
                    f"{one_line(printable(n))} (could be {', '.join(rec.ambiguous[n])})"
                    for n in rec.unmatched
                    if n in rec.ambiguous
                ]
                plain = [n for n in rec.unmatched if n not in rec.ambiguous]
                print(
                    "student folders with no roster row (written by folder name; match them by "
                    "hand): " + ", ".join(filter(None, [_names(plain), ", ".join(ambiguous)])),
                    file=sys.stderr,
                )
        elif export.format.system == "moodle":
            print(
                "moodle.csv has no email or ID number without --lms-roster (Moodle's grade "
                "export): Moodle's import cannot match its rows by name alone",
                file=sys.stderr,
            )


def _gates(options: ClassRunOptions, graded: list, failures: list[str], course: Course) -> int:
    review = [r.submission for r in graded if r.needs_review]
    if failures or review:
        print(
            "the grader itself failed on: "
            + _names(sorted(set(failures) | set(review)))
            + " (needs review: see the needs_review column and their feedback)",
            file=sys.stderr,
        )
        return EXIT_ERROR
    empty = [r.submission for r in graded if r.empty]
    if empty and not options.allow_empty:
        print(
            f"no lesson notebook was found for: {_names(empty)} (their rows are zeros; check how "
            "the work was collected, or pass --allow-empty when that is expected)",
            file=sys.stderr,
        )
        return EXIT_GATE
    return EXIT_OK
