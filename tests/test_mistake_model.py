"""A hint names a mistake only when the output fits that mistake's model, and the id travels as data."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.checking import CheckFailed, Mistake, expect_close, failure
from autograder.grading.engine.results import (
    FAILED,
    NOT_CHECKED,
    PASSED,
    CheckRecord,
    FunctionReport,
    GradingResult,
    apply_requirements,
)
from autograder.grading.engine.run import classify

WANT = np.array([[0.2, 0.8], [0.6, 0.4]])
COLUMNS = Mistake("It normalises each column.", WANT[::-1], id="softmax.columns")


def test_a_mistake_whose_model_fits_is_named_with_its_id():
    with pytest.raises(CheckFailed) as raised:
        expect_close(WANT[::-1], WANT, "softmax(Z)", mistakes=[COLUMNS], hint="advice")
    assert raised.value.mistake == "softmax.columns"
    assert raised.value.hint == "It normalises each column."


def test_a_mistake_whose_model_does_not_fit_is_not_named():
    got = WANT + 0.1
    with pytest.raises(CheckFailed) as raised:
        expect_close(got, WANT, "softmax(Z)", mistakes=[COLUMNS], hint="advice")
    assert raised.value.mistake is None
    assert raised.value.hint == "advice"  # what differs, and advice that names no mistake


def test_failure_prefers_the_fitting_model_over_the_advice():
    assert failure("m", [COLUMNS], WANT[::-1], "advice").mistake == "softmax.columns"
    assert failure("m", [COLUMNS], WANT, "advice").mistake is None


def test_the_id_travels_into_the_record_and_through_json():
    verdict = classify(CheckFailed("wrong values.", mistake=COLUMNS))
    assert (verdict.status, verdict.mistake, verdict.hint) == (
        FAILED,
        "softmax.columns",
        "It normalises each column.",
    )
    assert verdict.message == "wrong values. Hint: It normalises each column."
    record = CheckRecord(
        "softmax", "test_softmax_values", verdict.status, verdict.message, 0, 1,
        hint=verdict.hint, mistake=verdict.mistake,
    )  # fmt: skip
    report = FunctionReport("softmax", "02_activations", 1.0, checks=[record])
    result = GradingResult("jane", [report], seed=1, mode="hidden")
    again = GradingResult.from_json(result.to_json())
    assert again.functions[0].checks[0].mistake == "softmax.columns"


def test_a_gated_property_is_not_checked_yet_never_a_failure():
    records = [
        CheckRecord("relu", "test_relu_values", FAILED, "values differ.", 0, 1, title="values"),
        CheckRecord("relu", "test_relu_keeps_input", PASSED, "", 0.5, 0.5, title="keeps Z"),
        CheckRecord("relu", "test_relu_dtype", FAILED, "dtype.", 0, 0.5, title="dtype"),
    ]
    apply_requirements(
        records,
        {"test_relu_keeps_input": ("test_relu_values",), "test_relu_dtype": ("test_relu_values",)},
    )
    assert [r.status for r in records] == [FAILED, NOT_CHECKED, NOT_CHECKED]
    assert [r.points for r in records] == [0, 0, 0]
    assert records[1].message.startswith("not checked yet")
    report = FunctionReport("relu", "02_activations", 2.0, checks=records)
    assert report.first_message == "values differ."


def test_an_accuracy_of_100_examples_names_neither_count_nor_percentage():
    """Of 100 examples a count of correct predictions is also their percentage: the output
    cannot tell which mistake was made, so neither is named (of 200 it can)."""
    import numpy as np

    from autograder.checking import CheckFailed
    from autograder.checks.training_runs import check_accuracy_list

    with pytest.raises(CheckFailed) as hundred:
        check_accuracy_list(np.array([87.0, 90.0]), 100, "train_accuracy", "c", "f")
    assert hundred.value.mistake is None and "count" in hundred.value.hint
    with pytest.raises(CheckFailed) as counted:
        check_accuracy_list(np.array([174.0, 180.0]), 200, "train_accuracy", "c", "f")
    assert counted.value.mistake == "f.accuracy_count"
    with pytest.raises(CheckFailed) as percent:
        check_accuracy_list(np.array([43.5, 45.0]), 200, "train_accuracy", "c", "f")
    assert percent.value.mistake == "f.accuracy_percentage"
