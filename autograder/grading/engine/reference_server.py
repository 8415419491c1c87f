"""The reference helpers: the course's reference, run for workers, in processes a limit can stop.

``python -I reference_server.py FD SOLUTIONS`` is started once per grading process by
``reference_calls.ReferenceServer``, with one end of a UNIX socket pair as ``FD``. It
loads the reference solutions once (trusted code), then hands one *helper* per graded function
whose worker calls the course's functions (a process forked ahead of need, ``SPARES`` of them
waiting at any time, so a job's first call does not wait for a fork). The helper is given the two pipes that the worker's
calls come in on and its answers go out on, and a ``CallBudget``; before it reads a call it
limits itself with the kernel's ``setrlimit``: its CPU time (``SIGXCPU`` and then ``SIGKILL`` at
the budget) and how far its address space may grow. It checks each call before running it
(``call_bounds.check_call``), counts the calls, and answers with plain values only. The grader
kills it when the worker's job ends, so nothing is computed for a worker that has gone.

Messages on the socket are JSON (``sandbox.control``). From the grader: ``{"kind": "start", "id",
"budget"}`` with the helper's two pipe ends, ``{"kind": "kill", "id"}``, ``{"kind": "stop"}``.
To the grader: ``{"kind": "ready"}`` (or ``{"kind": "failed", "why"}``) once, then ``{"kind":
"ended", "id", "exit_code", "signal", "cpu_seconds"}`` per helper.
"""

from __future__ import annotations

import math
import os
import resource
import select
import signal
import socket
import sys

#: How a helper ended, besides 0 (its worker closed the pipe) and the signals of its limits.
EXIT_CALLS = 90  # the budget's number of calls ran out
EXIT_MISUSE = 91  # the worker broke the channel's rules
EXIT_FAULT = 92  # the helper itself failed (the grader's fault)


def _prepare_imports() -> None:
    """Put the course package's parent first on sys.path (``-I`` leaves out the script's folder)."""
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, os.path.dirname(os.path.dirname(here)))


def _send(control: socket.socket, message: dict) -> None:
    from autograder.sandbox import control as control_messages

    try:
        control_messages.send(control, message)
    except OSError:
        pass


#: Helpers forked ahead of need, waiting for a job: a job's first call is answered at once.
SPARES = 2


def main(control_fd: int, solutions: str) -> None:
    from pathlib import Path

    # Everything a helper uses is imported here, once, before any helper is forked.
    import autograder.grading.engine.call_bounds
    import autograder.sandbox.channel
    import autograder.sandbox.layers  # noqa: F401
    from autograder.reference import load_reference
    from autograder.sandbox import control as control_messages

    control = socket.socket(fileno=control_fd)
    try:
        reference = load_reference(Path(solutions))
    except Exception as exc:  # noqa: BLE001 - reported, the grader decides
        _send(control, {"kind": "failed", "why": f"{type(exc).__name__}: {exc}"})
        return
    server = _Server(control, control_messages.Receiver(control), reference)
    _send(control, {"kind": "ready", "pid": os.getpid()})
    server.loop()


class _Server:
    """The server's state: its socket, the reference, the helpers at work and the spares."""

    def __init__(self, control: socket.socket, receiver, reference):
        self.control = control
        self.receiver = receiver
        self.reference = reference
        self.helpers: dict[int, int] = {}  # pid -> id of the job it serves
        self.spares: list[tuple[int, socket.socket]] = []
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_w, False)
        signal.set_wakeup_fd(self.wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        self._refill()

    def loop(self) -> None:
        running = True
        while running:
            ready, _, _ = select.select([self.control, self.wake_r], [], [], 1.0)
            if self.wake_r in ready:
                os.read(self.wake_r, 4096)
            if self.control in ready:
                running = self.receiver.pump()
                for request, fds in self.receiver.messages():
                    running = self._serve(request, fds) and running
            self._reap(block=False)
            if running:
                self._refill()
        for pid in [*self.helpers, *(pid for pid, _ in self.spares)]:
            _kill(pid)
        self._reap(block=True)

    def _serve(self, request: dict, fds: list[int]) -> bool:
        from autograder.sandbox import control as control_messages

        kind = request.get("kind")
        if kind == "stop":
            return False
        if kind == "kill":
            for pid, number in self.helpers.items():
                if number == request.get("id"):
                    _kill(pid)
        elif kind == "start" and len(fds) == 2:
            if not self.spares:
                self._fork_spare()
            pid, channel_to_spare = self.spares.pop(0)
            try:
                control_messages.send(channel_to_spare, {"budget": request["budget"]}, fds)
            except OSError:
                _kill(pid)  # a spare that has gone: the job's helper ends at once, a fault
            channel_to_spare.close()
            self.helpers[pid] = int(request["id"])
        for fd in fds:
            os.close(fd)
        return True

    def _refill(self) -> None:
        while len(self.spares) < SPARES:
            self._fork_spare()

    def _fork_spare(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the spare never returns
            try:
                for fd in (self.wake_r, self.wake_w, self.control.fileno(), ours.fileno()):
                    os.close(fd)
                for _, other in self.spares:
                    other.close()
                _spare(theirs, self.reference)
            finally:
                os._exit(EXIT_FAULT)
        theirs.close()
        self.spares.append((pid, ours))

    def _reap(self, *, block: bool) -> None:
        while self.helpers or self.spares:
            try:
                pid, status, usage = os.wait4(-1, 0 if block else os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            for spare in [s for s in self.spares if s[0] == pid]:
                spare[1].close()
                self.spares.remove(spare)
            number = self.helpers.pop(pid, None)
            if number is None:
                continue
            _send(
                self.control,
                {
                    "kind": "ended",
                    "id": number,
                    "exit_code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
                    "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
                    "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 4),
                    "max_rss_kb": usage.ru_maxrss,
                },
            )


def _spare(channel_to_server: socket.socket, reference) -> None:
    """A helper forked ahead of need: wait for a job (its pipes and budget), then serve it."""
    from autograder.sandbox import control as control_messages

    job, fds = control_messages.Receiver(channel_to_server).next()
    channel_to_server.close()
    if job is None or len(fds) != 2:
        os._exit(0)  # the server stopped before giving it a job
    _helper(fds[0], fds[1], job["budget"], reference)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _limit_self(budget) -> None:
    """The budget's CPU time and memory, as kernel limits on this process."""
    with open("/proc/self/statm", encoding="ascii") as handle:
        size = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    memory = size + budget.memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu = math.ceil(used.ru_utime + used.ru_stime + budget.cpu_seconds)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))


def _helper(call_fd: int, reply_fd: int, raw_budget: dict, reference) -> None:
    """In the forked helper: answer one worker's calls within the budget. Never returns."""
    import inspect

    from autograder.grading.engine.call_bounds import CallBudget, CallRefused, check_call
    from autograder.sandbox import channel

    budget = CallBudget.from_dict(raw_budget)
    _limit_self(budget)
    calls = channel.Reader(call_fd)
    count = 0
    while True:
        try:
            frame = calls.receive(max_bytes=budget.result_bytes)
        except channel.ChannelClosed:
            os._exit(0)
        except channel.ChannelError:
            os._exit(EXIT_MISUSE)
        count += 1
        reply = channel.Frame()
        try:
            if count > budget.calls:
                _answer(reply_fd, "RuntimeError", budget.describe_calls())
                os._exit(EXIT_CALLS)
            name = frame.meta.get("name")
            if frame.meta.get("kind") != "call" or not isinstance(name, str):
                os._exit(EXIT_MISUSE)
            if name not in budget.functions or not hasattr(reference.namespace, name):
                raise CallRefused("RuntimeError", f"{name[:60]} is not available here")
            args, kwargs = frame.decode("args"), frame.decode("kwargs")
            if not isinstance(args, tuple) or not isinstance(kwargs, dict):
                raise CallRefused("TypeError", "malformed arguments")
            function = getattr(reference.namespace, name)
            try:
                bound = inspect.signature(function).bind(*args, **kwargs)
            except TypeError as exc:
                raise CallRefused("TypeError", f"{name}(): {exc}") from None
            bound.apply_defaults()
            check_call(name, dict(bound.arguments), budget)
            value = function(*args, **kwargs)
            document = {"kind": "return", "value": reply.encode(value)}
            if sum(a.nbytes for a in reply.arrays) > budget.result_bytes:
                raise CallRefused("MemoryError", f"{name}(...) returned more than allowed")
        except CallRefused as exc:
            _answer(reply_fd, exc.kind, exc.message)
            continue
        except Exception as exc:  # noqa: BLE001 - the reference refused the worker's input
            _answer(reply_fd, type(exc).__name__, str(exc)[:500])
            continue
        try:
            reply.write(reply_fd, document)
        except channel.ChannelClosed:
            os._exit(0)


def _answer(reply_fd: int, kind: str, message: str) -> None:
    from autograder.sandbox import channel

    try:
        channel.send(reply_fd, {"kind": "raised", "type": kind, "message": message})
    except channel.ChannelClosed:
        os._exit(0)


if __name__ == "__main__":
    _prepare_imports()
    main(int(sys.argv[1]), sys.argv[2])
