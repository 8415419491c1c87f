"""The mutation harness (benchmarks/mutants.py): its operators, ids and verdicts, and a fixed
sample of mutants that the checks must keep killing.

The whole-course run takes minutes and is recorded in benchmarks/RESULTS.md; here a small sample
is graded as the harness grades it (one submission, real workers, the hidden checks), so a
check that stops killing one of them fails the suite.
"""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = importlib.util.spec_from_file_location("mutants", ROOT / "benchmarks" / "mutants.py")
mutants = importlib.util.module_from_spec(SPEC)
sys.modules["mutants"] = mutants
SPEC.loader.exec_module(mutants)

#: Mutants the checks must kill on every seed, one or two per lesson: a wrong axis, a dropped
#: keepdims, an input changed in place, an off-by-one, a swapped pair, a sibling function.
SAMPLE = {
    "softmax": "softmax.axis.1511f1a5",  # exp.sum(axis=0, ...)
    "relu_derivative": "relu_derivative.comparison.c145b3d3",  # Z >= 0
    "train_dev_split": "train_dev_split.off-by-one.f93e8076",  # order[:dev_size + 1]
    "backward": "backward.transpose.45768c6a",  # A1 @ dZ2
    "update_params": "update_params.in-place.da025ad7",  # params[name] updated in place
    "confusion_matrix": "confusion_matrix.swap.e4c5ce2c",  # (y_pred, y_true)
    "make_submission": "make_submission.off-by-one.e2d23510",  # np.arange(2, N + 1)
    "validate_submission": "validate_submission.comparison.b669907d",  # labels >= 9
    "adam_update": "adam_update.arithmetic.919a431b",  # beta2 * v - (1 - beta2) * g ** 2
}
SAMPLE_SEEDS = [11, 12]


@pytest.fixture(scope="module")
def generated():
    return mutants.course_mutants(sorted(SAMPLE))


def test_the_sample_ids_exist(generated):
    """Every sampled id names a mutant the harness makes (ids are stable across runs)."""
    ids = {m.id for ms in generated.values() for m in ms}
    missing = sorted(set(SAMPLE.values()) - ids)
    assert not missing, missing


def test_the_sample_is_killed_on_every_seed(generated):
    """The sampled mutants, graded together in one submission on two seeds, each lose points
    on both: the checks still kill them."""
    chosen = {
        function: [m for m in generated[function] if m.id == SAMPLE[function]]
        for function in SAMPLE
    }
    graded = mutants.grade_mutants(chosen, SAMPLE_SEEDS)
    survivors = {
        mutant_id: [r.points for r in results]
        for mutant_id, results in graded.items()
        if not mutants.verdict(results, SAMPLE_SEEDS)["killed"]
    }
    assert len(graded) == len(SAMPLE)
    assert not survivors, f"no longer killed (points per seed): {survivors}"


def test_operators_cover_numpy_mistakes():
    """softmax's mutants include a wrong axis, a dropped keepdims, its input shifted in place,
    a sibling reduction and a dropped term."""
    source = textwrap.dedent(
        """
        def softmax(Z):
            shifted = Z - Z.max(axis=1, keepdims=True)
            exp = np.exp(shifted)
            return exp / exp.sum(axis=1, keepdims=True)
        """
    )
    texts = {m.family: [] for m in mutants.generate("softmax", source)}
    for m in mutants.generate("softmax", source):
        texts[m.family].append(m.diff.splitlines()[-1])
    assert "+    return exp / exp.sum(axis=0, keepdims=True)" in texts["axis"]
    assert "+    return exp / exp.sum(axis=1)" in texts["keepdims"]
    assert "+    shifted = np.subtract(Z, Z.max(axis=1, keepdims=True), out=Z)" in texts["in-place"]
    assert "+    shifted = Z - Z.min(axis=1, keepdims=True)" in texts["numpy"]
    assert "+    shifted = Z" in texts["term"]
    # exp is the function's own array: dividing it in place is no mistake, so no such mutant.
    assert not any("out=exp" in t for t in texts["in-place"])


def test_operators_shift_ranges_and_slices_by_one():
    """Off-by-one mutants move every bound of a range and of a slice, one up and one down."""
    source = textwrap.dedent(
        """
        def f(x, k):
            for i in range(k):
                x = x[:k]
            return x
        """
    )
    diffs = [m.diff.splitlines()[-1][1:].strip() for m in mutants.generate("f", source)]
    assert "for i in range(k + 1):" in diffs
    assert "for i in range(k - 1):" in diffs
    assert "x = x[:k + 1]" in diffs
    assert "x = x[:k - 1]" in diffs


def test_messages_are_not_mutated():
    """The words of a raised message are the student's to choose: no mutant changes them, while
    the condition that raises is mutated."""
    source = textwrap.dedent(
        """
        def check(n, rows=3):
            if n != rows:
                raise ValueError(f"expected {rows + 1} rows, got {n}")
        """
    )
    found = mutants.generate("check", source)
    assert any("if n == rows" in m.diff for m in found)
    changed = [line for m in found for line in m.diff.splitlines() if line.startswith("+")]
    assert not any("raise" in line for line in changed)
    assert any(line.strip() == "+pass" or line.endswith("pass") for line in changed)


def test_ids_do_not_shift_when_the_function_grows():
    """A mutant keeps its id when lines are added elsewhere in the function: ids come from the
    operator and the text, not from a counter."""
    before = textwrap.dedent(
        """
        def f(a, b):
            c = a + b
            return c * 2
        """
    )
    after = textwrap.dedent(
        """
        def f(a, b):
            unused = 0
            c = a + b
            return c * 2
        """
    )
    old = {m.id for m in mutants.generate("f", before)}
    new = {m.id for m in mutants.generate("f", after)}
    assert old <= new
    assert len(new) > len(old)


def _result(points, named=None):
    return mutants.SeedResult(
        points=points, max_points=2.0, message="", needs_review=False, named=named or {}
    )


def test_a_kill_on_some_seeds_only_is_a_survivor():
    """A mutant that keeps full marks on one seed passed by luck there: not killed, and the
    seeds that did kill it are noted."""
    verdict = mutants.verdict([_result(1.0), _result(2.0), _result(0.5)], [1, 2, 3])
    assert not verdict["killed"]
    assert verdict["killed_on"] == [1, 3]
    assert mutants.verdict([_result(1.0), _result(0.0), _result(0.5)], [1, 2, 3])["killed"]


def test_a_name_that_changes_with_the_case_or_seed_is_a_wrong_guess():
    """A check that names a mistake on one reading and another (or none) on the next, where it
    fails too, guessed wrongly; a name that holds on every reading counts as named."""
    steady = {"test_values": ["softmax.columns", "softmax.columns"]}
    assert mutants.verdict([_result(1.0, steady), _result(1.0, steady)], [1, 2])["named"]
    drifting = {"test_values": ["softmax.columns", ""]}
    verdict = mutants.verdict([_result(1.0, steady), _result(1.0, drifting)], [1, 2])
    assert not verdict["named"]
    assert verdict["wrong"] == {"test_values": ["", "softmax.columns"]}
    unnamed = {"test_values": [""], "test_keeps_input": [""]}
    elsewhere = mutants.verdict([_result(1.0, steady), _result(1.0, unnamed)], [1, 2])
    assert elsewhere["wrong"] == {"test_values": ["", "softmax.columns"]}
    # Where the check passes (another check kills the mutant), it has nothing to name.
    passed = {"test_keeps_input": [""]}
    quiet = mutants.verdict([_result(1.0, steady), _result(1.0, passed)], [1, 2])
    assert quiet["wrong"] == {}
    assert not quiet["named"]


def _mutant(function, source):
    text = mutants.normalised(textwrap.dedent(source))
    return mutants.Mutant(
        id=f"{function}.test.0", function=function, family="test", source=text, diff=""
    )


def test_differential_testing_tells_equivalent_from_different():
    """A softmax shifted by the row's mean computes the same function, found so on edge inputs
    too; one shifted by the global maximum differs (rows far below it underflow)."""
    inputs = mutants.draw_inputs("softmax", draws=2, budget_seconds=20)
    modes = {name.split("(")[1].split(",")[0] for name, _, _ in inputs}
    assert {"plain", "negative", "zeros", "ties", "large", "one_row"} <= modes
    same = _mutant(
        "softmax",
        """
        def softmax(Z):
            shifted = Z - Z.max(axis=1, keepdims=True)
            exp = np.exp(shifted)
            return exp / exp.sum(axis=1, keepdims=True) * 1.0
        """,
    )
    assert mutants.differential(same, inputs) is None
    different = _mutant(
        "softmax",
        """
        def softmax(Z):
            exp = np.exp(Z - Z.max())
            return exp / exp.sum(axis=1, keepdims=True)
        """,
    )
    assert mutants.differential(different, inputs) is not None


def test_differential_testing_serves_the_functions_a_mutant_calls():
    """predict calls forward: the worker's call of it is answered by the reference, as in
    grading, so an equivalent predict is found equivalent and a wrong one different."""
    inputs = mutants.draw_inputs("predict", draws=1, budget_seconds=20)
    same = _mutant(
        "predict",
        """
        def predict(X, params):
            return np.argmax(forward(X, params)[0], axis=-1)
        """,
    )
    assert mutants.differential(same, inputs) is None
    different = _mutant(
        "predict",
        """
        def predict(X, params):
            return np.argmin(forward(X, params)[0], axis=1)
        """,
    )
    assert mutants.differential(different, inputs) is not None


def test_an_equivalence_the_inputs_disprove_is_refused(generated):
    """An equivalents entry for a mutant that computes something else is refused, and the
    mutant stays a survivor."""
    mutant = next(m for m in generated["softmax"] if m.id == SAMPLE["softmax"])
    full_marks = [_result(2.0), _result(2.0)]
    data = mutants.report(
        {"softmax": [mutant]},
        {mutant.id: full_marks},
        [1, 2],
        {mutant.id: "claimed to be the same"},
        draws=1,
        budget_seconds=10,
    )
    entry = data["functions"]["softmax"]
    assert entry["equivalent"] == 0
    assert [r["id"] for r in entry["refused_equivalents"]] == [mutant.id]
    assert [s["id"] for s in entry["survived"]] == [mutant.id]


def test_every_recorded_equivalent_has_a_reason_and_exists():
    """Each entry of benchmarks/equivalent_mutants.toml gives a reason and names a mutant that
    the harness still makes."""
    entries = mutants.load_equivalents()
    functions = sorted({key.split(".")[0] for key in entries})
    ids = {m.id for ms in mutants.course_mutants(functions).values() for m in ms}
    assert all(reason.strip() for reason in entries.values())
    assert not sorted(set(entries) - ids)
