"""Plain values across a trust boundary: numbers, strings, numeric arrays, and containers of them.

What crosses from a worker (student code) to the grader, and what the build stores as public
expected values, is a JSON tree whose arrays live in ``.npy`` blobs. Arrays are read without
pickle, and an array's header is checked against the limits before anything is allocated.
Nothing else crosses: no objects, no code.
"""

from __future__ import annotations

import base64
import io
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

#: dtype kinds an array may have: bool, signed and unsigned integers, floats.
ALLOWED_KINDS = "biuf"
MAX_DEPTH = 8
MAX_ITEMS = 10_000
MAX_STRING = 4_000


#: CPython 3.11 can fail with "AST constructor recursion depth mismatch" when threads parse at
#: once; the grader prepares exercises in threads, and both notebook parsing and NumPy's .npy
#: header reading (ast.literal_eval) parse. Every such parse in the grader takes this lock.
AST_LOCK = threading.Lock()


class CodecError(Exception):
    """A value that cannot cross, or a stored value that breaks the rules."""


@dataclass(frozen=True)
class Probe:
    """A named function from ``autograder.sandbox.probes``, passed as an argument."""

    name: str


@dataclass(frozen=True)
class Unsupported:
    """Stands for a value of a type that cannot cross (its type name is kept for feedback)."""

    type_name: str

    def __repr__(self) -> str:
        return f"<a {self.type_name} object>"


@dataclass
class Raised:
    """An exception raised by a call."""

    type: str
    message: str
    where: str = ""  # e.g. "line 4 of softmax"


@dataclass
class CallResult:
    """What one call of a function gave back: its value or what it raised, its arguments as
    they were afterwards, and the CPU time it took."""

    value: Any = None
    raised: Raised | None = None
    args_after: tuple | None = None
    kwargs_after: dict | None = None
    seconds: float = 0.0


# -- arrays as .npy bytes ---------------------------------------------------------------------


def array_to_npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    # np.require, not np.ascontiguousarray: that one turns a 0-d array into shape (1,).
    np.save(buffer, np.require(array, requirements="C"), allow_pickle=False)
    return buffer.getvalue()


def npy_to_array(data: bytes, *, max_bytes: int) -> np.ndarray:
    """Read .npy bytes, refusing object dtypes and sizes over ``max_bytes`` before allocating."""
    stream = io.BytesIO(data)
    try:
        version = np.lib.format.read_magic(stream)
        with AST_LOCK:
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(stream)
            elif version == (2, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(stream)
            else:
                raise CodecError(f"unsupported .npy version {version}")
    except CodecError:
        raise
    except Exception as exc:  # noqa: BLE001 - any malformed header is the same failure
        raise CodecError(f"malformed array header ({exc})") from None
    if dtype.hasobject or dtype.kind not in ALLOWED_KINDS or dtype.fields is not None:
        raise CodecError(f"arrays of dtype {dtype} are not accepted (numbers and booleans only)")
    if any((not isinstance(n, int)) or n < 0 for n in shape) or len(shape) > 32:
        raise CodecError(f"malformed array shape {shape}")
    count = math.prod(shape)
    nbytes = count * dtype.itemsize
    if nbytes > max_bytes:
        raise CodecError(
            f"an array of shape {shape} and dtype {dtype} ({nbytes:,} bytes) is over the "
            f"limit of {max_bytes:,} bytes"
        )
    payload = data[stream.tell() :]
    if len(payload) != nbytes:
        raise CodecError(f"array data is {len(payload):,} bytes; its header says {nbytes:,}")
    array = np.frombuffer(payload, dtype=dtype, count=count).reshape(
        shape, order="F" if fortran else "C"
    )
    return array.copy()


# -- trees --------------------------------------------------------------------------------------


def encode(value: Any, put_array: Callable[[np.ndarray], str], depth: int = 0) -> Any:
    """Encode ``value`` as a JSON-able tree; arrays are stored through ``put_array``."""
    if depth > MAX_DEPTH:
        return {"unsupported": "deeply nested value"}
    if value is None:
        return None
    if isinstance(value, Probe):
        return {"probe": value.name}
    if isinstance(value, Raised):
        return {
            "raised": {
                "type": value.type,
                "message": value.message[:MAX_STRING],
                "where": value.where,
            }
        }
    if isinstance(value, (bool, np.bool_)):
        return {"bool": bool(value)}
    if isinstance(value, (int, np.integer)) and type(value).__name__ != "bool":
        if isinstance(value, np.integer):
            return {"int": int(value), "dtype": str(np.asarray(value).dtype)}
        return {"int": int(value)}
    if isinstance(value, (float, np.floating)):
        number = float(value)
        encoded: dict[str, Any] = {"float": _float_text(number)}
        if isinstance(value, np.floating):
            encoded["dtype"] = str(np.asarray(value).dtype)
        return encoded
    if isinstance(value, str):
        return {"str": value[:MAX_STRING]}
    if isinstance(value, np.ndarray):
        if type(value) is not np.ndarray:
            return {"unsupported": f"ndarray subclass {type(value).__name__}"}
        if value.dtype.kind not in ALLOWED_KINDS or value.dtype.fields is not None:
            return {"unsupported": f"array of dtype {value.dtype}"}
        return {"ndarray": put_array(value)}
    if _is_dataframe(value):
        columns = [str(c) for c in value.columns]
        dtypes = {str(t) for t in value.dtypes}
        if len(dtypes) == 1 and len(columns) > 1:
            # One 2-D block when every column has the same dtype (785 pixel columns, say).
            block = encode(value.to_numpy(), put_array, depth + 1)
            return {"dataframe": {"columns": columns, "block": block}}
        data = []
        for name in value.columns:
            column = value[name].to_numpy()
            data.append(encode(column, put_array, depth + 1))
        return {"dataframe": {"columns": columns, "data": data}}
    if isinstance(value, tuple):
        return {"tuple": [encode(v, put_array, depth + 1) for v in value[:MAX_ITEMS]]}
    if isinstance(value, list):
        return {"list": [encode(v, put_array, depth + 1) for v in value[:MAX_ITEMS]]}
    if isinstance(value, dict):
        items = list(value.items())[:MAX_ITEMS]
        if not all(isinstance(k, str) for k, _ in items):
            return {"unsupported": "dict with keys that are not strings"}
        return {"dict": {k: encode(v, put_array, depth + 1) for k, v in items}}
    return {"unsupported": type(value).__name__}


#: The integers a value may hold: what int64 and uint64 can store, so the checks can compare them.
INT_RANGE = (-(1 << 63), (1 << 64) - 1)


def decode(tree: Any, get_array: Callable[[str], np.ndarray]) -> Any:
    """Rebuild plain values from a tree made by ``encode``; anything else raises CodecError.

    Every failure to rebuild a value, whatever raised it (an int8 of 300, DataFrame columns of
    different lengths, a dtype name that is not text), is a CodecError: the value came from the
    other side, so it is that side's fault, never the grader's.
    """
    try:
        with np.errstate(all="raise"):
            return _decode(tree, get_array, 0)
    except CodecError:
        raise
    except RecursionError:
        raise CodecError("value nested too deeply") from None
    except Exception as exc:  # noqa: BLE001 - any malformed value is the same failure
        raise CodecError(f"malformed value ({type(exc).__name__}: {str(exc)[:200]})") from None


def _decode(tree: Any, get_array: Callable[[str], np.ndarray], depth: int) -> Any:
    if depth > MAX_DEPTH + 1:
        raise CodecError("value nested too deeply")
    if tree is None:
        return None
    if not isinstance(tree, dict) or len(tree) not in (1, 2):
        raise CodecError("malformed value")
    if "bool" in tree:
        return _typed(tree, bool)
    if "int" in tree:
        number = tree["int"]
        if not isinstance(number, int) or isinstance(number, bool):
            raise CodecError("malformed int")
        if not INT_RANGE[0] <= number <= INT_RANGE[1]:
            raise CodecError(f"an integer too large to compare ({str(number)[:30]}...)")
        return _numpy_scalar(number, tree.get("dtype"), "iu")
    if "float" in tree:
        number = _float_value(tree["float"])
        return _numpy_scalar(number, tree.get("dtype"), "f")
    if "str" in tree:
        return clean_text(_typed(tree, str)[:MAX_STRING])
    if "ndarray" in tree:
        return get_array(_typed(tree, str, key="ndarray"))
    if "probe" in tree:
        return Probe(_typed(tree, str, key="probe"))
    if "unsupported" in tree:
        return Unsupported(str(tree["unsupported"])[:200])
    if "raised" in tree:
        info = tree["raised"]
        if not isinstance(info, dict):
            raise CodecError("malformed exception")
        return Raised(
            type=clean_text(str(info.get("type", "Exception"))[:200]),
            message=clean_text(str(info.get("message", ""))[:MAX_STRING]),
            where=clean_text(str(info.get("where", ""))[:200]),
        )
    if "tuple" in tree or "list" in tree:
        items = tree.get("tuple", tree.get("list"))
        if not isinstance(items, list) or len(items) > MAX_ITEMS:
            raise CodecError("malformed sequence")
        values = [_decode(v, get_array, depth + 1) for v in items]
        return tuple(values) if "tuple" in tree else values
    if "dict" in tree:
        items = tree["dict"]
        if not isinstance(items, dict) or len(items) > MAX_ITEMS:
            raise CodecError("malformed dict")
        return {str(k): _decode(v, get_array, depth + 1) for k, v in items.items()}
    if "dataframe" in tree:
        return _decode_dataframe(tree["dataframe"], get_array, depth)
    raise CodecError("malformed value")


def _decode_dataframe(frame: Any, get_array: Callable[[str], np.ndarray], depth: int) -> Any:
    """A DataFrame: its columns, as one 2-D block or one array each; Unsupported when a column
    holds what cannot cross."""
    import pandas as pd

    if not isinstance(frame, dict):
        raise CodecError("malformed dataframe")
    columns = frame.get("columns")
    if not isinstance(columns, list) or len(columns) > MAX_ITEMS:
        raise CodecError("malformed dataframe")
    if len({str(c) for c in columns}) != len(columns):
        raise CodecError("a DataFrame with duplicate column names (ambiguous: which one counts?)")
    if "block" in frame:
        block = _decode(frame["block"], get_array, depth + 1)
        if isinstance(block, Unsupported):
            return Unsupported(f"DataFrame of {block.type_name}")
        if not isinstance(block, np.ndarray) or block.ndim != 2 or block.shape[1] != len(columns):
            raise CodecError("malformed dataframe")
        arrays = [block[:, i].copy() for i in range(len(columns))]
    else:
        data = frame.get("data")
        if not isinstance(data, list) or len(columns) != len(data):
            raise CodecError("malformed dataframe")
        arrays = [_decode(v, get_array, depth + 1) for v in data]
    if any(isinstance(a, Unsupported) for a in arrays):
        bad = next(a for a in arrays if isinstance(a, Unsupported))
        return Unsupported(f"DataFrame with a column of {bad.type_name}")
    if any(not isinstance(a, np.ndarray) or a.ndim != 1 for a in arrays) or (
        len({len(a) for a in arrays}) > 1
    ):
        raise CodecError("a DataFrame whose columns are not 1-D arrays of one length")
    result = pd.DataFrame({str(c): a for c, a in zip(columns, arrays)})
    result.columns = [str(c) for c in columns]
    return result


def clean_text(text: str) -> str:
    """Text that encodes as UTF-8 whatever it held: lone surrogates become ``\\udxxx``."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def _typed(tree: dict, kind: type, key: str | None = None) -> Any:
    value = tree[key or next(iter(tree))]
    if not isinstance(value, kind):
        raise CodecError(f"malformed {kind.__name__}")
    return value


def _numpy_scalar(number: Any, dtype: Any, kinds: str) -> Any:
    if dtype is None:
        return number
    try:
        np_dtype = np.dtype(str(dtype))
    except (TypeError, ValueError, UnicodeError):
        raise CodecError("malformed scalar dtype") from None
    if np_dtype.kind not in kinds or np_dtype.fields is not None or np_dtype.subdtype:
        raise CodecError("malformed scalar dtype")
    try:
        value = np_dtype.type(number)
    except (OverflowError, FloatingPointError, ValueError):
        raise CodecError(f"{str(number)[:30]} does not fit in a {np_dtype} scalar") from None
    return value


def _float_text(number: float) -> Any:
    if math.isnan(number):
        return "nan"
    if math.isinf(number):
        return "inf" if number > 0 else "-inf"
    return number


def _float_value(raw: Any) -> float:
    if isinstance(raw, str) and raw in ("nan", "inf", "-inf"):
        return float(raw)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return float(raw)
    raise CodecError("malformed float")


def _is_dataframe(value: Any) -> bool:
    cls = type(value)
    return cls.__name__ == "DataFrame" and cls.__module__.startswith("pandas")


# -- a self-contained store (public expected values): arrays inline, base64 .npy ---------------


class InlineArrays:
    """Collects arrays for a JSON document that carries them inline."""

    def __init__(self, arrays: dict[str, str] | None = None, *, max_bytes: int = 64 << 20):
        self.arrays: dict[str, str] = dict(arrays or {})
        self.max_bytes = max_bytes

    def put(self, array: np.ndarray) -> str:
        key = f"a{len(self.arrays)}"
        self.arrays[key] = base64.b64encode(array_to_npy(array)).decode("ascii")
        return key

    def get(self, key: str) -> np.ndarray:
        if key not in self.arrays:
            raise CodecError(f"missing array {key}")
        return npy_to_array(base64.b64decode(self.arrays[key]), max_bytes=self.max_bytes)
