"""The functions the checks hand to lesson 05's training loops do exactly what the checks rely on."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.sandbox import probes


def _params(rng, n_in=6, n_hidden=4, dtype=np.float32):
    shapes = {"W1": (n_in, n_hidden), "b1": (n_hidden,), "W2": (n_hidden, 10), "b2": (10,)}
    return {k: rng.normal(size=s).astype(dtype) for k, s in shapes.items()}


def test_scheduled_step_walks_its_path_from_any_start():
    rng = np.random.default_rng(0)
    start = _params(rng)
    point = probes.scheduled_step(start, {}, 0.7)
    assert all(np.array_equal(point[k], probes.schedule_point(6, 4, 10, 1, 0.7)[k]) for k in point)
    for k in range(1, 5):
        # float32 copies of the point (a loop that casts) are still read as the point
        as_float32 = {name: value.astype(np.float32) for name, value in point.items()}
        point = probes.scheduled_step(as_float32, {}, 0.7)
        want = probes.schedule_point(6, 4, 10, k + 1, 0.7)
        assert all(np.array_equal(point[name], want[name]) for name in want)


def test_scheduled_step_depends_on_the_learning_rate_it_is_given():
    start = _params(np.random.default_rng(1))
    two = probes.scheduled_step(probes.scheduled_step(start, {}, 0.7), {}, 0.7)
    other = probes.scheduled_step(probes.scheduled_step(start, {}, 0.7), {}, 0.1)
    assert not np.array_equal(two["b2"], other["b2"])


def test_record_batch_labels_keeps_each_db2_in_w2_newest_first():
    rng = np.random.default_rng(2)
    params = _params(rng, n_hidden=5)
    seen = []
    for _ in range(3):
        db2 = rng.normal(size=10)
        seen.append(db2)
        params = probes.record_batch_labels(params, {"db2": db2}, 0.5)
    assert np.array_equal(params["W2"][:3], np.array(seen[::-1]))
    assert np.all(params["W1"] == 0) and np.all(params["b1"] == -1) and np.all(params["b2"] == 0)


def test_constant_batches_blanks_a_batch_but_not_a_whole_set():
    batch = np.random.default_rng(3).uniform(size=(probes.BATCH_ROWS, 5))
    assert np.all(probes.constant_batches(batch) == 0.5)
    whole = np.random.default_rng(4).uniform(size=(probes.BATCH_ROWS + 1, 5))
    assert probes.constant_batches(whole) is whole


def test_stopping_callbacks_report_where_they_stopped_and_refuse_other_arguments():
    history = {"iteration": [0], "loss": [2.3], "train_accuracy": [0.1]}
    with pytest.raises(
        RuntimeError, match="at step 0: the history has 1 records, the last at iteration 0"
    ):
        probes.stop_at_step_0(0, history)
    probes.stop_at_step_0(1, history)  # any other step: no stop
    with pytest.raises(RuntimeError, match="its first argument is a dict, not the step number"):
        probes.stop_at_step_3(history, 3)
    with pytest.raises(RuntimeError, match="second argument is not the history dict"):
        probes.stop_at_step_3(3, [0.1])
