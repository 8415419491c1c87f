"""Typical mistakes are caught and named; correct variants get full marks.

Each catalogue entry (tests/catalogue/<lesson>.py) is dropped into the solution notebook in place
of one function, which is graded with the hidden checks together with every function of its
lesson that calls it (those must keep their full marks).
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

import nbformat
import pytest

from tests.catalogue import Mistake, Variant
from tests.conftest import SOLUTIONS, grade, replace_function
from tests.scoreboard import record

CATALOGUE = Path(__file__).resolve().parent / "catalogue"
MIN_HINTED = 0.80


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


def _lesson_of(function: str):
    from autograder.config import load_course

    course = load_course()
    return course.lesson(course.exercise(function).lesson)


@lru_cache(maxsize=None)
def _graded(kind: str, index: int, folder: str):
    entry = (MISTAKES if kind == "mistake" else VARIANTS)[index]
    lesson = _lesson_of(entry.function)
    nb = nbformat.read(SOLUTIONS / lesson.notebook, as_version=4)
    replace_function(nb, entry.function, entry.source)
    path = Path(folder) / f"{kind}{index}" / lesson.notebook
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return grade(path, seed=1000 + index, functions=_affected(entry.function))


def _affected(function: str) -> list[str]:
    """The function itself and every function of its lesson whose reference calls it.

    Functions that do not call it cannot be touched by it: each is graded in its own worker
    from only the definitions it uses. Those that do call it must still get full marks, since
    the grader supplies the reference version in its place.
    """
    from autograder.reference import load_reference

    reference = load_reference()
    lesson = _lesson_of(function)
    return [function] + [
        e.function for e in lesson.exercises if e.function != function and function in reference.deps_of(e.function)
    ]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return str(tmp_path_factory.mktemp("catalogue"))


def _feedback(report) -> str:  # noqa: ANN001
    return " ".join(c.message for c in report.checks if c.status != "passed").lower()


@pytest.mark.parametrize("index", range(len(MISTAKES)), ids=[f"{m.function}-{m.name}" for m in MISTAKES])
def test_mistake_loses_points_on_its_own_function_only(index, workdir):
    mistake = MISTAKES[index]
    result = _graded("mistake", index, workdir)
    by_function = {f.function: f for f in result.functions}
    target = by_function[mistake.function]
    problems = []
    if target.points >= target.max_points:
        problems.append("not caught: full marks")
    for report in result.functions:
        if report.function != mistake.function and report.points != report.max_points:
            problems.append(f"{report.function} also lost points: {report.first_message}")
    errors = [c.message for c in target.checks if c.status == "error"]
    if errors:
        problems.append(f"a check errored: {errors[0]}")
    name = f"{mistake.function}/{mistake.name}"
    record("mistakes caught", name, not problems, "; ".join(problems))
    hinted = bool(mistake.hint) and mistake.hint.lower() in _feedback(target)
    record("mistakes hinted", name, hinted, "" if hinted else f"wanted {mistake.hint!r} in: {target.first_message[:200]}")
    assert not problems, problems


def test_at_least_80_percent_of_mistakes_get_a_hint_that_names_them(workdir):
    assert len(MISTAKES) >= 60, f"the catalogue has only {len(MISTAKES)} mistakes"
    hinted = 0
    for index, mistake in enumerate(MISTAKES):
        report = {f.function: f for f in _graded("mistake", index, workdir).functions}[mistake.function]
        hinted += bool(mistake.hint) and mistake.hint.lower() in _feedback(report)
    share = hinted / len(MISTAKES)
    print(f"mistakes hinted: {hinted}/{len(MISTAKES)} ({share:.0%})")
    assert share >= MIN_HINTED


def test_every_graded_function_has_three_mistakes_and_two_variants():
    from autograder.config import load_course

    for exercise in load_course().exercises:
        assert sum(m.function == exercise.function for m in MISTAKES) >= 3, exercise.function
        assert sum(v.function == exercise.function for v in VARIANTS) >= 2, exercise.function


@pytest.mark.parametrize("index", range(len(VARIANTS)), ids=[f"{v.function}-{v.name}" for v in VARIANTS])
def test_correct_variant_gets_full_marks(index, workdir):
    variant = VARIANTS[index]
    result = _graded("variant", index, workdir)
    lost = [(f.function, f.first_message) for f in result.functions if f.points != f.max_points]
    record("variants", f"{variant.function}/{variant.name}", not lost, str(lost[:1]))
    assert not lost, lost
