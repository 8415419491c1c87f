"""Typical mistakes are caught and named; correct variants get full marks.

Each catalogue entry (tests/catalogue/<lesson>.py) replaces one function of the solution
notebooks. Entries are graded in rounds: one whole submission per round, with at most one entry
per function and never two functions of which one calls the other, so that every function left
as it was (those that call a replaced one included) must keep its full marks.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

import nbformat
import pytest

from autograder.grading.engine.results import NEEDS_REVIEW
from tests.catalogue import Mistake, Variant
from tests.conftest import SOLUTIONS, grade, replace_function
from tests.scoreboard import record

CATALOGUE = Path(__file__).resolve().parent / "catalogue"
MIN_HINTED = 0.95


def _load_catalogue() -> tuple[list[Mistake], list[Variant]]:
    mistakes: list[Mistake] = []
    variants: list[Variant] = []
    for path in sorted(CATALOGUE.glob("[0-9]*.py")):
        spec = importlib.util.spec_from_file_location(f"catalogue_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        mistakes.extend(getattr(module, "MISTAKES", []))
        variants.extend(getattr(module, "VARIANTS", []))
    return mistakes, variants


MISTAKES, VARIANTS = _load_catalogue()
#: The seed of the hidden cases every entry is graded on.
CATALOGUE_SEED = 1000


def _lesson_of(function: str):
    from autograder.config import load_course

    course = load_course()
    return course.lesson(course.exercise(function).lesson)


def _conflicts() -> dict[str, set[str]]:
    """Functions that must not be replaced in the same round: one calls the other."""
    from autograder.config import load_course
    from autograder.reference import load_reference

    reference = load_reference()
    functions = [e.function for e in load_course().exercises]
    conflicts: dict[str, set[str]] = {f: set() for f in functions}
    for f in functions:
        for g in reference.deps_of(f):
            if g in conflicts:
                conflicts[f].add(g)
                conflicts[g].add(f)
    return conflicts


def _schedule() -> list[list[tuple[str, int]]]:
    """Rounds of entries: at most one per function, none calling another in the same round."""
    conflicts = _conflicts()
    pending = [("mistake", i) for i in range(len(MISTAKES))] + [
        ("variant", i) for i in range(len(VARIANTS))
    ]
    rounds = []
    while pending:
        chosen: list[tuple[str, int]] = []
        used: set[str] = set()
        for kind, index in list(pending):
            function = (MISTAKES if kind == "mistake" else VARIANTS)[index].function
            if function in used or conflicts.get(function, set()) & used:
                continue
            chosen.append((kind, index))
            used.add(function)
            pending.remove((kind, index))
        rounds.append(chosen)
    return rounds


@cache
def _graded_rounds(folder: str) -> dict:
    """Grade every round: a whole submission (the solutions) with that round's entries dropped in.

    A function replaced by a mistake must lose points; every other function in the round, the
    ones that call it included (the grader supplies the reference in its place), must keep
    full marks. Only the lessons a round touches are graded: the other notebooks are the
    solutions as they are. As in a class's grading, the hidden cases are drawn once (one seed)
    and shared by every round.
    """
    from autograder.config import load_course
    from autograder.grading.engine.cases import CaseBook

    course = load_course()
    casebook = CaseBook(course, seed=CATALOGUE_SEED)
    results = {}
    for number, entries in enumerate(_schedule()):
        replacements: dict[str, dict[str, str]] = {}
        for kind, index in entries:
            entry = (MISTAKES if kind == "mistake" else VARIANTS)[index]
            replacements.setdefault(_lesson_of(entry.function).notebook, {})[entry.function] = (
                entry.source
            )
        submission = Path(folder) / f"round{number}"
        submission.mkdir(parents=True, exist_ok=True)
        for lesson in course.lessons:
            nb = nbformat.read(SOLUTIONS / lesson.notebook, as_version=4)
            for function, source in replacements.get(lesson.notebook, {}).items():
                replace_function(nb, function, source)
            nbformat.write(nb, submission / lesson.notebook)
        touched = [
            e.function
            for lesson in course.lessons
            if lesson.notebook in replacements
            for e in lesson.exercises
        ]
        result = grade(submission, functions=touched, casebook=casebook)
        replaced = {(MISTAKES if k == "mistake" else VARIANTS)[i].function for k, i in entries}
        for kind, index in entries:
            results[(kind, index)] = (result, replaced)
    return results


def _graded(kind: str, index: int, folder: str):
    return _graded_rounds(folder)[(kind, index)]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return str(tmp_path_factory.mktemp("catalogue"))


def _feedback(report) -> str:
    return " ".join(c.message for c in report.checks if c.status != "passed").lower()


@pytest.mark.parametrize(
    "index", range(len(MISTAKES)), ids=[f"{m.function}-{m.name}" for m in MISTAKES]
)
def test_mistake_loses_points_on_its_own_function_only(index, workdir):
    mistake = MISTAKES[index]
    result, replaced = _graded("mistake", index, workdir)
    by_function = {f.function: f for f in result.functions}
    target = by_function[mistake.function]
    problems = []
    if target.points >= target.max_points:
        problems.append("not caught: full marks")
    for report in result.functions:
        if report.function not in replaced and report.points != report.max_points:
            problems.append(f"{report.function} also lost points: {report.first_message}")
    errors = [c.message for c in target.checks if c.status == NEEDS_REVIEW]
    if errors:  # a grader error is zero points, but it is not the mistake caught
        problems.append(f"a check errored: {errors[0]}")
    name = f"{mistake.function}/{mistake.name}"
    record("mistakes caught", name, not problems, "; ".join(problems))
    hinted = bool(mistake.hint) and mistake.hint.lower() in _feedback(target)
    record(
        "mistakes hinted",
        name,
        hinted,
        "" if hinted else f"wanted {mistake.hint!r} in: {target.first_message[:200]}",
    )
    if mistake.mistake is not None:
        named = _named(target)
        wrong = sorted(named - {mistake.mistake})
        if wrong:
            problems.append(f"named a mistake it did not make: {', '.join(wrong)}")
        if mistake.mistake and mistake.mistake not in named:
            problems.append(f"did not name {mistake.mistake} (named: {sorted(named) or 'none'})")
        record("mistakes named", name, not problems, "; ".join(problems))
    assert not problems, problems


def _named(report) -> set[str]:
    """The ids of the known mistakes a function's feedback names."""
    return {c.mistake for c in report.checks if c.status == "failed" and c.mistake}


def test_at_least_95_percent_of_mistakes_get_a_hint_that_names_them(workdir):
    assert len(MISTAKES) >= 60, f"the catalogue has only {len(MISTAKES)} mistakes"
    hinted = 0
    for index, mistake in enumerate(MISTAKES):
        report = {f.function: f for f in _graded("mistake", index, workdir)[0].functions}[
            mistake.function
        ]
        hinted += bool(mistake.hint) and mistake.hint.lower() in _feedback(report)
    share = hinted / len(MISTAKES)
    print(f"mistakes hinted: {hinted}/{len(MISTAKES)} ({share:.0%})")
    assert share >= MIN_HINTED


def test_every_graded_function_has_three_mistakes_and_two_variants():
    from autograder.config import load_course

    for exercise in load_course().exercises:
        assert sum(m.function == exercise.function for m in MISTAKES) >= 3, exercise.function
        assert sum(v.function == exercise.function for v in VARIANTS) >= 2, exercise.function


@pytest.mark.parametrize(
    "index", range(len(VARIANTS)), ids=[f"{v.function}-{v.name}" for v in VARIANTS]
)
def test_correct_variant_gets_full_marks(index, workdir):
    variant = VARIANTS[index]
    result, replaced = _graded("variant", index, workdir)
    lost = [
        (f.function, f.first_message)
        for f in result.functions
        if f.points != f.max_points
        and (f.function == variant.function or f.function not in replaced)
    ]
    record("variants", f"{variant.function}/{variant.name}", not lost, str(lost[:1]))
    assert not lost, lost
