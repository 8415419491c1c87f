"""Text that comes from student code or file names, made safe to show. One copy of each rule.

Folder and file names and the messages of a student's exceptions are data: they may hold
bytes that are not UTF-8 (kept by Python as lone surrogates), control characters, terminal
escapes, newlines that would start a Markdown heading, HTML, or a spreadsheet formula. Every
function here accepts any ``str`` and never raises.

* ``printable``: every character a reader cannot see (controls, lone surrogates, bidi
  overrides) written as an escape (``\\n``, ``\\x1b``, ``\\xff`` for a byte that was not UTF-8).
* ``one_line``: the same on one line; runs of white space become one space.
* ``markdown``: one line of Markdown text that renders as itself: no HTML, links, images,
  table breaks or (with ``line_start``) headings, lists or quotes.
* ``csv_cell``: one line that a spreadsheet shows as text, never runs as a formula.
* ``file_name`` / ``unique_file_names``: a portable, unique file name for any name.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata

_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    if ch in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[ch]
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def printable(text: object, *, keep_newlines: bool = False) -> str:
    """``text`` with every character a reader cannot see written as an escape.

    Spaces of other widths (no-break space, ideographic space) become plain spaces. With
    ``keep_newlines``, line breaks and tabs stay as they are.
    """
    if not isinstance(text, str):
        text = str(text)
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable() or (keep_newlines and ch in "\n\t"):
            out.append(ch)
        elif unicodedata.category(ch) == "Zs":
            out.append(" ")
        else:
            out.append(_escape(ch))
    return "".join(out)


_WHITESPACE = re.compile(r"[ \t\n\r\f\v\u0085\u2028\u2029]+")


def one_line(text: object, *, limit: int | None = None) -> str:
    """``printable`` on one line: white space (newlines too) collapsed to single spaces."""
    if not isinstance(text, str):
        text = str(text)
    line = printable(_WHITESPACE.sub(" ", text).strip())
    if limit is not None and len(line) > limit:
        line = line[: max(0, limit - 1)] + "…"
    return line


_MARKDOWN_SPECIAL = re.compile(r"([\\<>\[\]|])")
_BLOCK_START = re.compile(r"^(#|>|[-+*=_~]|\d+[.)]|```)")


def markdown(text: object, *, line_start: bool = False) -> str:
    """One line of Markdown that shows ``text`` as it is.

    Backslash-escapes what could open HTML, a link or image, or break a table row. With
    ``line_start`` (the text begins a line), a leading ``#``, ``>``, list marker or rule is
    escaped too, so the text cannot become a heading, quote or list.
    """
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", one_line(text))
    if line_start:
        match = _BLOCK_START.match(escaped)
        if match:
            end = match.end()
            escaped = escaped[: end - 1] + "\\" + escaped[end - 1 :]
    return escaped


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_cell(text: object) -> str:
    """One line that a spreadsheet shows as text: a leading ``= + - @`` (or tab, CR) gets a ``'``."""
    raw = text if isinstance(text, str) else str(text)
    line = one_line(raw)
    if raw.startswith(_FORMULA_START) or line.startswith(_FORMULA_START):
        return "'" + line
    return line


#: File names Windows refuses, whatever the extension.
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{i}" for p in ("COM", "LPT") for i in range(10)}
_FILE_NAME_CHARS = re.compile(r"[^\w.-]+")  # \w: letters and digits of any script, and _


def original_bytes(name: str) -> bytes:
    """The bytes a name had on disk (lone surrogates from surrogateescape become bytes again)."""
    try:
        return os.fsencode(name)
    except UnicodeError:
        return name.encode("utf-8", "backslashreplace")


def file_name(name: str, *, max_bytes: int = 80) -> str:
    """A portable file name (without extension) for any name.

    A name that is already plain (letters, digits, ``. _ -``; at most ``max_bytes`` bytes)
    is kept. Otherwise the other characters become ``_``, the result is shortened, and a
    short hash of the original bytes is added, so different names stay different.
    """
    printable_name = "".join(ch for ch in name if ch.isprintable())
    cleaned = _FILE_NAME_CHARS.sub("_", printable_name).strip("._-")
    plain = (
        cleaned == name
        and len(cleaned.encode("utf-8")) <= max_bytes
        and cleaned.split(".")[0].upper() not in _RESERVED
    )
    if plain and cleaned:
        return cleaned
    digest = hashlib.sha256(original_bytes(name)).hexdigest()[:8]
    room = max_bytes - len(digest) - 1
    short = cleaned.encode("utf-8")[:room].decode("utf-8", "ignore").rstrip("._-")
    return f"{short}-{digest}" if short else f"student-{digest}"


def unique_file_names(names: list[str], *, max_bytes: int = 80) -> list[str]:
    """``file_name`` for each name, made unique (also where file systems ignore case)."""
    taken: set[str] = set()
    result = []
    for name in names:
        candidate = base = file_name(name, max_bytes=max_bytes)
        number = 2
        while candidate.casefold() in taken:
            candidate = f"{base}-{number}"
            number += 1
        taken.add(candidate.casefold())
        result.append(candidate)
    return result
