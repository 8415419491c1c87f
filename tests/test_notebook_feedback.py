"""What a learner sees in Jupyter: check()'s HTML, and a skipped demonstration."""

from __future__ import annotations

import re

import matplotlib
import numpy as np
import pytest

from autograder import inline
from autograder.grading.engine.results import CheckRecord, FunctionReport
from autograder.grading.reports.notebook_feedback import render_function_html
from autograder.inline import check, skip_if_unfinished

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def _softmax_columns(Z):  # the classic mistake: normalised over the batch axis
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _softmax(Z):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _softmax_stub(Z):
    raise NotImplementedError("softmax")


def _html(function, namespace) -> str:
    return check(function, {"np": np, **namespace})._repr_html_()


def _visible(html: str) -> str:
    """The text outside folded sections and tags (what shows before a click)."""
    unfolded = re.sub(r"<details.*?</details>", "", html, flags=re.DOTALL)
    return re.sub(r"<[^>]+>", " ", unfolded)


def test_passed_wrong_and_not_started_are_three_distinct_verdicts():
    shown = {
        "passed": _html("softmax", {"softmax": _softmax}),
        "wrong": _html("softmax", {"softmax": _softmax_columns}),
        "not-started": _html("softmax", {"softmax": _softmax_stub}),
    }
    for verdict, html in shown.items():
        assert f'data-verdict="{verdict}"' in html
    backgrounds = {
        re.search(r"background:(#[0-9a-f]{6});border-left", h)[1] for h in shown.values()
    }
    assert len(backgrounds) == 3
    assert "✓ passed" in shown["passed"] and "✗ wrong" in shown["wrong"]
    assert "· not started" in shown["not-started"]


def test_the_verdict_and_points_come_first():
    html = _html("softmax", {"softmax": _softmax_columns})
    text = _visible(html)
    assert text.index("wrong") < text.index("0 / 3 points") < text.index("rows should sum to 1")


def test_the_first_failure_shows_its_hint_once_and_the_rest_is_folded():
    html = _html("softmax", {"softmax": _softmax_columns})
    hint = "It normalises each column (axis=0)"
    assert html.count(hint) == 1, html  # two checks fail with this hint: shown once
    assert _visible(html).count(hint) == 1
    folded = re.search(r"<details.*?</details>", html, flags=re.DOTALL)[0]
    assert "large" in folded  # the second failure, folded
    assert "Not checked yet" in folded and "unchanged" in folded
    assert "Hint:" not in folded
    assert "large" not in _visible(html)


def test_text_wraps_at_words_and_student_text_is_escaped():
    report = FunctionReport("relu", "02_activations", 2.0)
    report.checks = [
        CheckRecord("relu", "test_relu_values", "failed", "`relu` raised <script>x</script>.")
    ]
    html = render_function_html(report)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "word-break:normal" in html and "overflow-wrap:break-word" in html
    assert "white-space:pre-line" in html


def test_a_function_not_passed_yet_says_how_to_ask_for_a_hint():
    assert 'hint("softmax")' in _html("softmax", {"softmax": _softmax_columns})
    assert 'hint("softmax")' in _html("softmax", {"softmax": _softmax_stub})
    assert "hint(" not in _html("softmax", {"softmax": _softmax})


def test_in_a_jupyter_kernel_check_prints_nothing_and_its_value_is_the_feedback(
    monkeypatch, capsys
):
    monkeypatch.setattr(inline, "shows_html", lambda: True)
    score = check("softmax", {"np": np, "softmax": _softmax_columns})
    assert capsys.readouterr().out == ""  # the score and the hint are not shown twice
    assert repr(score) == "0" and float(score) == 0  # what nbgrader reads
    assert "rows should sum to 1" in score._repr_html_()


def test_outside_jupyter_check_prints_the_text_feedback(capsys):
    check("softmax", {"np": np, "softmax": _softmax_columns})
    assert capsys.readouterr().out.startswith("✗ softmax: ")


def test_a_skipped_demonstration_closes_the_figure_it_opened(capsys):
    plt.close("all")
    kept = plt.figure()  # opened before the cell: not the cell's to close
    with skip_if_unfinished():
        _, ax = plt.subplots()
        ax.plot([0, 1], [0, 1])
        _softmax_stub(np.zeros((2, 3)))
    assert plt.get_fignums() == [kept.number]
    plt.close("all")
    assert "skipped" in capsys.readouterr().out


def test_a_finished_demonstration_keeps_its_figure():
    plt.close("all")
    with skip_if_unfinished():
        plt.subplots()
    assert len(plt.get_fignums()) == 1
    plt.close("all")


@pytest.mark.parametrize(
    ("name", "lesson"),
    [("softmax", "lesson 02 (02_activations.ipynb)"), ("train_dev_split", "lesson 01")],
)
def test_a_skip_message_names_the_lesson_to_finish(capsys, name, lesson):
    with skip_if_unfinished():
        raise NotImplementedError(name)
    out = capsys.readouterr().out
    assert out.startswith(f"⏭ skipped: {name} is not implemented yet") and lesson in out


def test_checks_waiting_for_the_values_are_counted_and_named():
    waiting = 'not checked yet: this counts once "the values match" passes.'
    report = FunctionReport("relu", "02_activations", 2.0)
    report.checks = [
        CheckRecord("relu", "test_relu_values", "not implemented", "not implemented yet"),
        CheckRecord("relu", "test_relu_float", "not checked yet", waiting, title="floats"),
        CheckRecord("relu", "test_relu_keeps", "not checked yet", waiting, title="unchanged"),
    ]
    html = render_function_html(report)
    folded = re.search(r"<details.*?</details>", html, flags=re.DOTALL)[0]
    assert "3 more checks" not in html and "2 more checks" in html
    assert 'they count once "the values match" passes' in folded.replace("&quot;", '"')
    assert "floats" in folded and "unchanged" in folded
