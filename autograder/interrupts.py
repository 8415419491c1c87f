"""Ctrl-C is an interrupt, wherever it lands, and an interrupted command leaves no output that
looks complete.

``install`` (called by the ``course`` command) handles SIGINT by remembering it and raising
KeyboardInterrupt, as Python does. Libraries sometimes turn that KeyboardInterrupt into
something else (pandas' C parser reports "Error tokenizing data" when a read is interrupted;
pytest reports an interrupted session as a result), so the command asks ``received()`` before it
reports any error, and exits 130 with one line when it is true. ``replacing`` writes a file
beside its target and renames it into place only when it is whole and no interrupt came, so a
file a command writes is either the old one, or the new one complete.

``COURSE_INTERRUPT_AT=NAME`` makes the process send itself a real SIGINT at the point named
``NAME`` (see ``point``), so tests interrupt a real command at a known step whatever the load.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

from autograder import environment

_received = threading.Event()


def _on_sigint(number: int, frame: object) -> None:
    _received.set()
    raise KeyboardInterrupt


def install() -> object:
    """Remember every SIGINT from now on (the main thread only may install handlers); returns
    the handler it replaced, for ``uninstall``."""
    _received.clear()
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGINT, _on_sigint)


def uninstall(previous: object) -> None:
    """The command has ended: its SIGINT is forgotten (a later write in this process, by a
    library caller, must not take it for its own), and the handler it replaced is back."""
    _received.clear()
    if previous is not None and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, previous)  # type: ignore[arg-type]


def received() -> bool:
    """True once a SIGINT has arrived, whatever became of its KeyboardInterrupt."""
    return _received.is_set()


def check() -> None:
    """Raise KeyboardInterrupt if a SIGINT arrived that something swallowed."""
    if _received.is_set():
        raise KeyboardInterrupt


def point(name: str) -> None:
    """A named point of a command: with ``COURSE_INTERRUPT_AT=name``, SIGINT arrives here."""
    if environment.current().interrupt_at == name:
        os.kill(os.getpid(), signal.SIGINT)


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Write ``path`` whole or not at all: yields a file name beside it to write to, renamed to
    ``path`` at the end unless anything (an error, an interrupt) stopped the writing."""
    partial = path.with_name(f".{path.stem}.{os.getpid()}.partial{path.suffix}")
    try:
        yield partial
        point("writing")
        check()
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise


def write_text(path: Path, text: str, *, errors: str | None = None) -> None:
    """``path.write_text(text)`` (UTF-8), whole or not at all."""
    with replacing(path) as partial:
        partial.write_text(text, encoding="utf-8", errors=errors)
