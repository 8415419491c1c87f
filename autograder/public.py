"""Public cases: fixed inputs and the reference's outputs, stored by ``course build``.

``check("relu")`` in a notebook and ``course check`` in a student release (no ``solutions/``)
grade against these. They are generated from the reference, never written by hand, and
``course build --check`` fails when they are stale.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from autograder import codec
from autograder.checking import CASE_BUILDERS, Call
from autograder.codec import CallResult
from autograder.config import PUBLIC_DIR
from autograder.errors import UserError

FORMAT_VERSION = 1


@dataclass
class PublicCases:
    function: str
    calls: dict[str, Call]
    expected: dict[str, CallResult]
    deps: list[str]


class PublicCasesMissing(UserError):
    """The stored public cases of a function are missing or unreadable."""


def public_path(function: str, directory: Path = PUBLIC_DIR) -> Path:
    return directory / f"{function}.json"


def render_public(
    function: str,
    calls: dict[str, Call],
    expected: dict[str, CallResult],
    deps: list[str],
    seed: int,
) -> str:
    """The JSON text of a function's public cases: ``calls`` drawn with ``seed`` and what the
    reference returned on them (``expected``); ``deps`` are the course functions it builds on."""
    store = codec.InlineArrays()
    cases = []
    for name, call in calls.items():
        result = expected[name]
        cases.append(
            {
                "name": name,
                "args": codec.encode(tuple(call.args), store.put),
                "kwargs": codec.encode(dict(call.kwargs), store.put),
                "expected": codec.encode(
                    result.raised if result.raised is not None else result.value, store.put
                ),
            }
        )
    document = {
        "format": FORMAT_VERSION,
        "function": function,
        "seed": [seed, zlib.crc32(function.encode())],
        "deps": list(deps),
        "cases": cases,
        "arrays": store.arrays,
    }
    return json.dumps(document, indent=1) + "\n"  # key order kept: dicts cross in the order built


@lru_cache(maxsize=64)
def load_public(function: str, directory: Path = PUBLIC_DIR) -> PublicCases:
    path = public_path(function, directory)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PublicCasesMissing(
            f"the public checks of `{function}` are missing ({path.name}: {exc}). "
            "Run `course build` (instructors) or reinstall the course."
        ) from None
    if function not in CASE_BUILDERS and document.get("function") != function:
        raise PublicCasesMissing(f"{path.name} does not hold the cases of `{function}`.")
    store = codec.InlineArrays(document.get("arrays", {}))
    calls: dict[str, Call] = {}
    expected: dict[str, CallResult] = {}
    for case in document.get("cases", []):
        args = codec.decode(case["args"], store.get)
        kwargs = codec.decode(case["kwargs"], store.get)
        calls[case["name"]] = Call(*args, **kwargs)
        value = codec.decode(case["expected"], store.get)
        if isinstance(value, codec.Raised):
            expected[case["name"]] = CallResult(raised=value)
        else:
            expected[case["name"]] = CallResult(value=value)
    return PublicCases(
        function=function, calls=calls, expected=expected, deps=list(document.get("deps", []))
    )
