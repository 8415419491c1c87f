"""The worker: one student function run on the grader's inputs, inside a confined process.

The zygote forks a process per graded function; that process confines itself (see
``layers``) and only then calls :func:`main`. The job arrives as one frame on ``JOB_FD``: the
student's definitions, the inputs of every case, and the names of the course functions this one
builds on. The definitions run one statement at a time (one failing import costs only itself).
The functions it builds on are *proxies*: each call goes over its own pair of pipes (``CALL_FD``,
``REPLY_FD``) to the grader's reference helper, a separate process with its own limits that runs
the course's reference version and sends back the result, so the reference's code never enters
this process. (In a student release, without the reference, the student's own earlier functions
are used instead, and they run here.) Then the function is called once per case, and each result
goes back as a frame on ``RESULT_FD``: plain numbers and arrays only.

Imported by the zygote before any student code exists; it must not import anything later, since
the confined process cannot read the course package.
"""

from __future__ import annotations

import builtins
import hashlib
import sys
import threading
import time
import traceback
from typing import Any

from autograder import codec
from autograder.notebook_code import run_statement
from autograder.sandbox import channel, probes

JOB_FD = 3
RESULT_FD = 4
#: Calls of the course's functions out, their answers back (present when the job has proxies).
CALL_FD = 5
REPLY_FD = 6
#: The job comes from the grader (trusted); this only guards against a broken pipe.
MAX_JOB_BYTES = 1 << 31
#: Answers of the course's functions kept for repeated calls (they are pure functions).
MEMO_BYTES = 64 << 20
#: Exceptions a reference function raised are re-raised as the same built-in type.
REPLAYED_EXCEPTIONS = {
    name: getattr(builtins, name)
    for name in (
        "ValueError",
        "TypeError",
        "KeyError",
        "IndexError",
        "ZeroDivisionError",
        "OverflowError",
        "FloatingPointError",
        "ArithmeticError",
        "MemoryError",
        "AttributeError",
        "RuntimeError",
        "NotImplementedError",
    )
}


def main(
    job_fd: int = JOB_FD,
    result_fd: int = RESULT_FD,
    call_fd: int = CALL_FD,
    reply_fd: int = REPLY_FD,
) -> None:
    incoming = channel.Reader(job_fd)
    job = incoming.receive(max_bytes=MAX_JOB_BYTES)
    meta = job.meta
    max_result_bytes = int(meta["max_result_bytes"])
    cases = []
    for case in job.decode("cases"):
        name, args, kwargs = case
        cases.append((name, probes.resolve(args), probes.resolve(kwargs)))

    namespace: dict = {"__name__": "__main__", "__builtins__": builtins}
    problems = _run_statements(meta["statements"], namespace)
    if meta.get("own_deps_source"):
        # A student release: the student's own earlier functions, in their own namespace.
        own: dict = {"__name__": "__main__", "__builtins__": builtins}
        _run_statements(
            [{"source": meta["own_deps_source"], "filename": "<earlier lessons>", "line": 1}],
            own,
        )
        for name in meta.get("own_deps", []):
            if name in own:
                namespace[name] = own[name]
    link = _Link(result_fd, call_fd, reply_fd, max_result_bytes)
    for name in meta.get("proxied_deps", []):
        namespace[name] = link.proxy(name)

    function_name = meta["function"]
    target = namespace.get(function_name)
    channel.send(
        result_fd,
        {
            "kind": "load",
            "defined": callable(target),
            "type": type(target).__name__ if target is not None else None,
            "problems": problems,
        },
    )
    if not callable(target):
        return
    for index, (name, args, kwargs) in enumerate(cases):
        started = time.perf_counter()
        try:
            value: Any = target(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - SystemExit and KeyboardInterrupt too
            value = codec.Raised(type(exc).__name__, _short(exc), _where(exc))
        seconds = time.perf_counter() - started
        link.send_case(index, name, value, args, kwargs, seconds)
        if isinstance(value, codec.Raised) and value.type == "NotImplementedError":
            break  # a stub: the other cases would say the same


def _run_statements(statements: list[dict], namespace: dict) -> list[str]:
    problems = []
    for statement in statements:
        filename = statement.get("filename") or "<notebook>"
        try:
            run_statement(statement["source"], filename, int(statement.get("line", 1)), namespace)
        except BaseException as exc:  # noqa: BLE001 - SystemExit and KeyboardInterrupt too
            names = ", ".join(statement.get("names", [])) or "its definitions"
            problems.append(
                f"{filename}: {type(exc).__name__}: {_short(exc)} while defining {names}"
            )
    return problems


class _Link:
    """The worker's end of the pipes: results out, calls of the course's functions out and back."""

    def __init__(self, result_fd: int, call_fd: int, reply_fd: int, max_result_bytes: int):
        self.result_fd = result_fd
        self.call_fd = call_fd
        self.replies = channel.Reader(reply_fd)
        self.max_result_bytes = max_result_bytes
        self.lock = threading.Lock()
        self.memo: dict[bytes, channel.Received] = {}
        self.memo_bytes = 0

    def proxy(self, name: str):
        link = self

        def course_function(*args: Any, **kwargs: Any) -> Any:
            return link.call(name, args, kwargs)

        course_function.__name__ = course_function.__qualname__ = name
        course_function.__doc__ = f"The course's `{name}`, run by the grader on these inputs."
        return course_function

    def call(self, name: str, args: tuple, kwargs: dict) -> Any:
        """Ask the grader for the course's ``name`` on these inputs (the same call once only)."""
        with self.lock:
            frame = channel.Frame()
            meta = {"kind": "call", "name": name, "args": frame.encode(args)}
            meta["kwargs"] = frame.encode(kwargs)
            if sum(a.nbytes for a in frame.arrays) > self.max_result_bytes:
                raise MemoryError(f"the arguments of {name}(...) are too large to pass")
            head, parts = frame.pack(meta)
            request = b"".join([head, *parts])
            key = hashlib.blake2b(request, digest_size=20).digest()
            known = self.memo.get(key)
            if known is not None:
                reply = known.copy()
            else:
                try:
                    channel.write_all(self.call_fd, request)
                    reply = self.replies.receive(max_bytes=MAX_JOB_BYTES)
                except channel.ChannelError:
                    raise RuntimeError(
                        f"the grader stopped answering calls of {name}(...)"
                    ) from None
                if self.memo_bytes + reply.nbytes <= MEMO_BYTES:
                    self.memo[key] = reply.copy()
                    self.memo_bytes += reply.nbytes
        if reply.meta.get("kind") == "return":
            return reply.decode("value")
        kind = REPLAYED_EXCEPTIONS.get(str(reply.meta.get("type")), RuntimeError)
        raise kind(str(reply.meta.get("message", "")))

    def send_case(
        self, index: int, name: str, value: Any, args: tuple, kwargs: dict, seconds: float
    ) -> None:
        frame = channel.Frame()
        try:
            result = frame.encode(value)
        except BaseException as exc:  # noqa: BLE001 - an object that breaks while being read
            frame = channel.Frame()
            result = frame.encode(
                codec.Raised("InvalidResult", f"it could not be read: {_short(exc)}")
            )
        try:
            after = {"args": frame.encode(args), "kwargs": frame.encode(kwargs)}
        except BaseException:  # noqa: BLE001 - a broken input object must not stop the run
            after = None
        size = sum(a.nbytes for a in frame.arrays)
        if size > self.max_result_bytes:
            frame = channel.Frame()
            message = (
                f"it returned {size:,} bytes of arrays; the limit is {self.max_result_bytes:,}"
            )
            result = frame.encode(codec.Raised("InvalidResult", message))
            after = None
        meta = {"kind": "case", "index": index, "name": name, "result": result, "after": after}
        meta["seconds"] = seconds
        with self.lock:
            frame.write(self.result_fd, meta)


def _short(exc: BaseException) -> str:
    try:
        text = str(exc)
    except BaseException:  # noqa: BLE001 - an exception whose __str__ raises
        text = "(its message could not be read)"
    return text if len(text) <= 500 else text[:500] + "..."


def _where(exc: BaseException) -> str:
    """The last line of the student's own code in the traceback."""
    try:
        frames = traceback.extract_tb(exc.__traceback__)
    except BaseException:  # noqa: BLE001
        return ""
    for frame in reversed(frames):
        if frame.filename.endswith(".ipynb") or ".ipynb, " in frame.filename:
            code = (frame.line or "").strip()
            return f"{frame.filename}, line {frame.lineno}, in {frame.name}: {code}".rstrip(": ")
    return ""


if __name__ == "__main__":  # pragma: no cover - the zygote calls main() directly
    sys.exit("the worker runs inside the zygote's confined processes")
