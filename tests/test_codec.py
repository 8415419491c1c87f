"""What crosses from a worker: plain numbers and arrays only, headers checked before allocating."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from autograder import codec


def _roundtrip(value):
    arrays = {}

    def put(a):
        key = f"a{len(arrays)}"
        arrays[key] = codec.array_to_npy(a)
        return key

    tree = codec.encode(value, put)
    return codec.decode(tree, lambda k: codec.npy_to_array(arrays[k], max_bytes=1 << 20))


def test_plain_values_round_trip():
    value = {
        "W": np.arange(6.0).reshape(2, 3),
        "t": 3,
        "ok": True,
        "name": "x",
        "none": None,
        "pair": (1.5, np.float32(2.5)),
        "items": [np.int64(4)],
    }
    back = _roundtrip(value)
    assert np.array_equal(back["W"], value["W"]) and back["t"] == 3 and back["ok"] is True
    assert isinstance(back["pair"], tuple) and back["pair"][1].dtype == np.float32
    assert back["items"][0].dtype == np.int64


def test_a_zero_d_array_keeps_its_shape():
    back = _roundtrip({"mean": np.asarray(np.float64(0.25)), "column": np.arange(3.0)[:, None].T})
    assert back["mean"].shape == () and back["mean"][()] == 0.25
    assert back["column"].shape == (1, 3)


def test_dataframes_round_trip():
    frame = pd.DataFrame({"ImageId": np.arange(1, 4), "Label": np.array([3, 1, 4])})
    back = _roundtrip(frame)
    assert list(back.columns) == ["ImageId", "Label"] and back["Label"].tolist() == [3, 1, 4]


def test_objects_do_not_cross():
    class Anything:
        def __eq__(self, other):
            return True

    assert isinstance(_roundtrip(Anything()), codec.Unsupported)
    assert isinstance(_roundtrip(np.array([object()], dtype=object)), codec.Unsupported)
    assert isinstance(_roundtrip(np.zeros(3).view(np.matrix)), codec.Unsupported)
    assert isinstance(_roundtrip({1: 2}), codec.Unsupported)


def _npy_with_header(header: str, payload: bytes = b"") -> bytes:
    header = header.ljust(117) + "\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode() + payload


def test_a_pickled_object_array_is_refused():
    data = _npy_with_header(
        "{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", pickle.dumps([1, 2])
    )
    with pytest.raises(codec.CodecError, match="dtype"):
        codec.npy_to_array(data, max_bytes=1 << 20)


def test_a_huge_shape_is_refused_before_allocating():
    data = _npy_with_header(
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000, 1000000), }"
    )
    with pytest.raises(codec.CodecError, match="over the limit"):
        codec.npy_to_array(data, max_bytes=1 << 20)


def test_a_truncated_array_is_refused():
    good = codec.array_to_npy(np.arange(100.0))
    with pytest.raises(codec.CodecError, match="header says"):
        codec.npy_to_array(good[:-8], max_bytes=1 << 20)


def test_garbage_is_refused():
    with pytest.raises(codec.CodecError):
        codec.npy_to_array(b"not an array at all", max_bytes=1 << 20)


@pytest.mark.parametrize(
    "tree",
    [
        {"int": "3"},
        {"float": [1]},
        {"ndarray": 5},
        {"dict": [1]},
        {"what": 1},
        [1, 2],
        {"a": 1, "b": 2, "c": 3},
    ],
)
def test_malformed_trees_are_refused(tree):
    with pytest.raises(codec.CodecError):
        codec.decode(tree, lambda k: np.zeros(1))


def test_non_finite_floats_survive():
    back = _roundtrip([float("nan"), float("inf"), -float("inf")])
    assert np.isnan(back[0]) and back[1] == float("inf") and back[2] == -float("inf")
