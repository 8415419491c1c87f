"""Staged hints: three stages for every graded function, shown one at a time, never a solution line."""

from __future__ import annotations

import pytest

from autograder import staged_hints
from autograder.authoring.leaks import computes_nothing, normalise
from autograder.authoring.regions import solution_regions
from autograder.config import load_course
from autograder.reference import load_reference

#: Shorter lines ("}", "grads = {}") say nothing about a solution.
MIN_CHARACTERS = 12


def _solution_lines() -> dict[str, str]:
    """Every code line of every graded function's reference solution that does some of its job
    (normalised), mapped to its function: lines that only name or unpack things are left out,
    as the release's leak search leaves them out, and so are the shortest."""
    reference = load_reference()
    lines: dict[str, str] = {}
    for exercise in load_course().exercises:
        for region in solution_regions(reference.function_body(exercise.function)):
            for line in region.code_lines:
                long_enough = len(normalise(line)) >= MIN_CHARACTERS
                if long_enough and not computes_nothing(line):
                    lines.setdefault(normalise(line), exercise.function)
    return lines


def _hint_lines(hints: dict[str, staged_hints.StagedHint]) -> list[tuple[str, int, str]]:
    return [
        (function, stage, line)
        for function, staged in hints.items()
        for stage, text in enumerate(staged.stages, start=1)
        for line in text.splitlines()
    ]


def solution_lines_in(hints: dict[str, staged_hints.StagedHint]) -> list[str]:
    solutions = _solution_lines()
    return [
        f"hint {function!r}, stage {stage}: {line.strip()!r} is a line of the "
        f"{solutions[normalise(line)]} solution"
        for function, stage, line in _hint_lines(hints)
        if normalise(line) in solutions
    ]


def test_every_graded_function_has_three_stages_in_its_lessons_file():
    hints = staged_hints.load_hints()
    course = load_course()
    assert set(hints) == {e.function for e in course.exercises}
    for exercise in course.exercises:
        staged = hints[exercise.function]
        assert staged.lesson == exercise.lesson, exercise.function
        assert len(staged.stages) == 3 and all(len(text) > 30 for text in staged.stages)
        assert "____" in staged.stages[2], f"{exercise.function}: stage 3 has no blanks"


def test_no_stage_holds_a_line_of_a_reference_solution():
    assert solution_lines_in(staged_hints.load_hints()) == []


def test_a_planted_solution_line_is_found(tmp_path):
    """The search above would see a solution line slipped into a stage, however indented."""
    line, function = next(iter(_solution_lines().items()))
    source = next(
        raw
        for region in solution_regions(load_reference().function_body(function))
        for raw in region.code_lines
        if normalise(raw) == line
    )
    hints = dict(staged_hints.load_hints())
    staged = hints[function]
    planted = staged.stages[2].replace("```python\n", f"```python\n      {source.strip()}\n", 1)
    hints[function] = staged_hints.StagedHint(
        function, staged.lesson, (*staged.stages[:2], planted)
    )
    found = solution_lines_in(hints)
    assert len(found) == 1 and function in found[0]


def test_hint_shows_the_idea_then_the_approach_then_the_shape(monkeypatch):
    monkeypatch.setattr(staged_hints, "_asked", {})
    stages = staged_hints.load_hints()["softmax"].stages
    shown = [staged_hints.hint("softmax") for _ in range(4)]
    assert [s.stage for s in shown] == [1, 2, 3, 3]
    assert [s.text for s in shown[:3]] == list(stages)
    assert "the idea" in shown[0].title and "the shape of the code" in shown[2].title
    assert 'hint("softmax")' in shown[0]._repr_markdown_()
    assert "last stage" in repr(shown[3])
    assert staged_hints.hint("softmax", 1).text == stages[0]
    assert staged_hints.hint("relu").stage == 1  # each function counts its own calls


def test_hint_for_an_unknown_name_says_which_names_have_hints():
    shown = staged_hints.hint("sofmax")
    assert isinstance(shown, staged_hints.NoHint)
    assert "no hint for `sofmax`" in repr(shown) and "`softmax`" in repr(shown)
    assert "stages 1 to 3" in repr(staged_hints.hint("softmax", 4))


def test_a_broken_hints_file_is_named(tmp_path):
    (tmp_path / "02_activations.yml").write_text("relu:\n  idea: only one stage\n")
    with pytest.raises(staged_hints.HintError, match="02_activations.yml: relu should have"):
        staged_hints.load_hints(tmp_path)


def test_hint_is_imported_beside_check():
    import autograder

    assert autograder.hint is staged_hints.hint
    assert "hint" in autograder.__all__
