"""Whether a generated public file is up to date, decided from what generated it, not from its bits.

A public file (``autograder/public/<function>.json``) holds float32 results. The same sources give
results that differ in their last bits from one BLAS kernel to another, so comparing a rebuild
with the file byte for byte would call it stale on any machine but the one that built it. Instead,
each file records ``generated_from``:

- ``sources``: a hash of everything that decides its content: the solutions' definitions (all of
  them, as the reference runs them), the source of the function's check module (its case
  builders), course.yml (as data, so comments do not count) and :data:`GENERATOR_VERSION`;
- ``content``: a hash of the rest of the file, so a hand edit shows.

``course build --check`` compares those with the sources on disk. ``course build`` regenerates a
file whose sources changed, and keeps the numbers already written when the new ones agree with
them within the checks' own tolerances (:func:`autograder.checking.tolerance_for`), so rebuilding
on another machine does not churn the last bits of every file.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from autograder.config import CHECKS_DIR, Course

#: Raise this when what the build writes for the same sources changes (the public file format,
#: the codec, how cases are drawn or run): every public file then counts as stale.
GENERATOR_VERSION = 1

STAMP = "generated_from"


def _text(path: Path) -> str:
    """A source file's text with its line ends normalised (a Windows checkout hashes the same)."""
    return path.read_text(encoding="utf-8").replace("\r\n", "\n")


def sources_digest(course: Course, definitions: list[str], function: str) -> str:
    """The hash of everything that decides the public file of ``function``."""
    from autograder.public import FORMAT_VERSION

    lesson = course.lesson_of(function)
    manifest = yaml.safe_load(_text(course.path))
    parts = {
        "generator": [GENERATOR_VERSION, FORMAT_VERSION],
        "function": function,
        "course.yml": json.dumps(manifest, sort_keys=True, ensure_ascii=True),
        "checks": _text(CHECKS_DIR / f"{lesson.checks_module}.py"),
        "solutions": "\n\n".join(definitions),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()


def content_digest(document: dict) -> str:
    """The hash of a public file's content (its document without the stamp)."""
    body = {k: v for k, v in document.items() if k != STAMP}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stamped(document: dict, sources: str) -> str:
    """The file text of ``document`` with its ``generated_from`` stamp (after ``function``)."""
    body = {k: v for k, v in document.items() if k != STAMP}
    out: dict[str, Any] = {}
    for key, value in body.items():
        out[key] = value
        if key == "function":
            out[STAMP] = {"sources": sources, "content": content_digest(body)}
    if STAMP not in out:
        out = {STAMP: {"sources": sources, "content": content_digest(body)}, **out}
    return json.dumps(out, indent=1) + "\n"


def read_document(path: Path) -> dict | None:
    """A public file's document, or None when it is missing or not JSON."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return document if isinstance(document, dict) else None


def is_fresh(document: dict | None, sources: str) -> bool:
    """True when ``document`` was generated from ``sources`` and not edited since."""
    if document is None:
        return False
    stamp = document.get(STAMP)
    if not isinstance(stamp, dict) or stamp.get("sources") != sources:
        return False
    return stamp.get("content") == content_digest(document)


def same_within_tolerance(old: dict, new: dict) -> bool:
    """True when two public documents hold the same cases, with every float (inline or in an
    array) within the checks' tolerance of the new value and everything else identical."""
    from autograder import codec

    old_arrays = codec.InlineArrays(old.get("arrays", {}))
    new_arrays = codec.InlineArrays(new.get("arrays", {}))
    if set(old.get("arrays", {})) != set(new.get("arrays", {})):
        return False
    for key in new.get("arrays", {}):
        if not _arrays_agree(old_arrays.get(key), new_arrays.get(key)):
            return False
    return _trees_agree(_cases_part(old), _cases_part(new))


def _cases_part(document: dict) -> dict:
    return {k: v for k, v in document.items() if k not in (STAMP, "arrays")}


def _arrays_agree(old: np.ndarray, new: np.ndarray) -> bool:
    from autograder.checking import tolerance_for

    if old.dtype != new.dtype or old.shape != new.shape:
        return False
    if new.dtype.kind != "f":
        return bool(np.array_equal(old, new))
    return bool(np.allclose(old, new, equal_nan=True, **tolerance_for(new)))


def _trees_agree(old: Any, new: Any) -> bool:
    if isinstance(new, dict) and isinstance(old, dict):
        if "float" in new and "float" in old and set(new) == set(old):
            return new.get("dtype") == old.get("dtype") and _floats_agree(
                old["float"], new["float"], new.get("dtype")
            )
        return set(old) == set(new) and all(_trees_agree(old[k], new[k]) for k in new)
    if isinstance(new, list) and isinstance(old, list):
        return len(old) == len(new) and all(_trees_agree(a, b) for a, b in zip(old, new))
    return type(old) is type(new) and old == new


def _floats_agree(old: Any, new: Any, dtype: str | None) -> bool:
    from autograder.checking import tolerance_for

    if isinstance(old, str) or isinstance(new, str):  # "nan", "inf", "-inf"
        return old == new
    tolerance = tolerance_for(np.asarray(new, dtype=dtype or np.float64))
    return bool(np.isclose(old, new, **tolerance))
