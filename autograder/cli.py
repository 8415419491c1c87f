"""The ``course`` command: its commands assembled, and one way of ending.

Each command is a module of :mod:`autograder.commands` with its help, ``add_arguments(parser)``
and ``run(args)``; its work lives in the package it drives (:mod:`autograder.grading`,
:mod:`autograder.authoring`, :mod:`autograder.data`, :mod:`autograder.train`). Here are only
the list of commands and how a result or an error becomes an exit code. Exit codes: 0 when the command did its job (whatever the score), 1 when a
gate it was asked to enforce failed (``--min-score``, ``build --check``), 2 when it could not do
its job (bad input, a broken course.yml, the grader failing), 130 when it was interrupted
(Ctrl-C). Every message starts with ``course: `` and goes to stderr; none is a bare traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from importlib import import_module
from types import ModuleType
from typing import Any, TextIO

from autograder import interrupts
from autograder.config import load_course
from autograder.errors import EXIT_ERROR, EXIT_INTERRUPTED, UsageError, UserError


def _error(message: str) -> int:
    print(f"course: {message}", file=sys.stderr)
    return EXIT_ERROR


class ClosedPipeGuard:
    """A stream that goes quiet when its reader has gone (``course check | head``).

    The command then finishes its work (a ``--json`` file, a ``--min-score`` gate) and ends
    with its usual exit code, instead of failing at the next print.
    """

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.reader_gone = False

    def write(self, text: str) -> int:
        if not self.reader_gone:
            try:
                return self.stream.write(text)
            except BrokenPipeError:
                self._go_quiet()
        return len(text)

    def flush(self) -> None:
        if not self.reader_gone:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self._go_quiet()

    def _go_quiet(self) -> None:
        self.reader_gone = True
        try:  # what is still buffered, and the final flush at exit, go nowhere
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self.stream.fileno())
            os.close(devnull)
        except (OSError, ValueError):
            pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


# -- the parser -------------------------------------------------------------------------------------


class CourseParser(argparse.ArgumentParser):
    """An argument parser whose mistakes end like every other error of the command."""

    def error(self, message: str):  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def _help(parser: argparse.ArgumentParser) -> Callable[[argparse.Namespace], int]:
    """A command that only prints ``parser``'s help (a command group given no sub-command)."""

    def show(args: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return EXIT_ERROR

    return show


#: The commands, in the order help lists them: a module of :mod:`autograder.commands` each, or a
#: group of them (``course data ...``).
COMMANDS = ("check", "grade", "doctor", "build", "release", "gradescope", "data", "score", "train")


def build_parser() -> argparse.ArgumentParser:
    parser = CourseParser(
        prog="course",
        description="Digits from Scratch: lessons, checks, grading and data for the MNIST-from-scratch course.",
    )
    parser.set_defaults(func=_help(parser))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        command = import_module(f"autograder.commands.{name}")
        subcommands = getattr(command, "SUBCOMMANDS", None)
        group = _add_command(sub, name, command)
        if subcommands is not None:
            group.set_defaults(func=_help(group))
            inner = group.add_subparsers(
                dest=f"{name}_command", metavar="{" + ",".join(subcommands) + "}"
            )
            for sub_name, module in subcommands.items():
                _add_command(inner, sub_name, module)
    return parser


def _add_command(sub: argparse._SubParsersAction, name: str, command: ModuleType) -> Any:
    """The parser of one command: its help from the module, its arguments and its ``run``."""
    options: dict[str, Any] = {"help": command.HELP}
    if hasattr(command, "DESCRIPTION"):
        options["description"] = command.DESCRIPTION
    if hasattr(command, "FORMATTER"):
        options["formatter_class"] = command.FORMATTER
    if hasattr(command, "epilog"):
        options["epilog"] = command.epilog()
    parser = sub.add_parser(name, **options)
    if hasattr(command, "add_arguments"):
        command.add_arguments(parser)
        parser.set_defaults(func=command.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one ``course`` command; return its exit code. This is the one place where errors
    become exit codes: a UserError (anything a user can fix) gives its message and 2, Ctrl-C 130,
    anything else an "internal error" message with the last lines of its traceback and 2. Output
    to a reader that has gone (``course check | head``) is dropped quietly (``ClosedPipeGuard``)."""
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = ClosedPipeGuard(stdout), ClosedPipeGuard(stderr)
    try:
        return _run(argv)
    finally:
        for guard in (sys.stdout, sys.stderr):
            guard.flush()
        sys.stdout, sys.stderr = stdout, stderr


def _interrupted() -> int:
    print("course: interrupted.", file=sys.stderr)
    return EXIT_INTERRUPTED


def _run(argv: list[str] | None) -> int:
    previous = interrupts.install()
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        load_course()
        code = int(args.func(args) or 0)
        # An interrupt that a library swallowed (pytest, say) still ends the command as one.
        return _interrupted() if interrupts.received() else code
    except KeyboardInterrupt:
        return _interrupted()
    except UserError as exc:
        # pandas turns an interrupted read into "cannot be read as a CSV file": not a data error.
        return _interrupted() if interrupts.received() else _error(str(exc))
    except Exception as exc:  # noqa: BLE001 - never a bare traceback for a user
        if interrupts.received():
            return _interrupted()
        import traceback

        detail = traceback.format_exc(limit=-3)
        return _error(
            f"an internal error stopped this command: {type(exc).__name__}: {exc}\n"
            f"(please report it with these lines)\n{detail}"
        )
    finally:
        interrupts.uninstall(previous)


if __name__ == "__main__":
    sys.exit(main())
