"""The grader's side of the reference helpers: one server per process, one helper per job.

``ReferenceServer.shared()`` starts ``reference_server.py`` (which loads the reference once and
forks helpers). For a job whose graded function builds on course functions, the sandbox asks it
for a helper (``start``), hands the worker the other ends of the helper's pipes, and at the
job's end calls ``Helper.finish``: the helper is killed if it is still running (nothing goes on
being computed for a worker that has gone), and its end says whether the budget ran out (the
student's failure, with the reason), the worker broke the channel's rules, or the helper itself
failed (the grader's fault: needs review). If a helper ends early because its budget ran out,
the sandbox is told at once (``on_end``) and stops the worker.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

from autograder.grading import reference_server
from autograder.grading.call_bounds import CallBudget
from autograder.sandbox.runner import HelperEnd, Limits

SERVER = Path(reference_server.__file__).resolve()
#: How long the server may take to start (importing NumPy and pandas, loading the reference).
START_SECONDS = 120


class ReferenceServerError(Exception):
    """The reference server could not be started or used (the grader's fault)."""


class Helper:
    """One job's helper, as the grader sees it."""

    def __init__(self, server: ReferenceServer, number: int, budget: CallBudget, ended: Future):
        self.server = server
        self.number = number
        self.budget = budget
        self.ended = ended

    def on_end(self, callback: Callable[[HelperEnd], None]) -> None:
        """Call ``callback`` with the helper's end, as soon as it ends (at once if it has)."""
        self.ended.add_done_callback(lambda future: callback(self._judge(future.result())))

    def finish(self) -> HelperEnd:
        """Kill the helper if it is still running; how it ended."""
        if not self.ended.done():
            self.server.send({"kind": "kill", "id": self.number})
        try:
            report = self.ended.result(timeout=30)
        except FutureTimeout:
            return HelperEnd(fault="the reference helper did not end when it was killed")
        return self._judge(report)

    def _judge(self, report: dict) -> HelperEnd:
        if report.get("kind") == "lost":
            return HelperEnd(fault=f"the reference server stopped ({report.get('why')})")
        cpu = float(report.get("cpu_seconds") or 0.0)
        code, number = report.get("exit_code"), report.get("signal")
        end = HelperEnd(cpu_seconds=cpu)
        over_cpu = cpu >= self.budget.cpu_seconds - 0.05
        if number == signal.SIGXCPU or (number == signal.SIGKILL and over_cpu):
            end.exceeded = self.budget.describe_cpu()
        elif code == reference_server.EXIT_CALLS:
            end.exceeded = self.budget.describe_calls()
        elif code == reference_server.EXIT_MISUSE:
            end.misuse = "its calls of the course's functions broke the channel's rules"
        elif code not in (0, None) or number not in (None, signal.SIGKILL):
            how = f"exit code {code}" if code is not None else f"signal {number}"
            end.fault = f"the reference helper failed ({how})"
        return end


class ReferenceServer:
    """The reference server of this process. Thread-safe."""

    _shared: ReferenceServer | None = None
    _shared_lock = threading.Lock()

    def __init__(self, solutions: Path):
        self.solutions = solutions
        self._lock = threading.Lock()
        self._waiting: dict[int, Future] = {}
        self._next_id = 0
        self._dead: str | None = None
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        command = [sys.executable, "-I", str(SERVER), str(child.fileno()), str(solutions)]
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
        env["MKL_NUM_THREADS"] = "1"
        self.process = subprocess.Popen(
            command,
            pass_fds=[child.fileno()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,
        )
        child.close()
        self.control = parent
        parent.settimeout(START_SECONDS)
        try:
            ready = json.loads(parent.recv(1 << 16).decode("utf-8") or "{}")
        except (OSError, ValueError):
            ready = {}
        parent.settimeout(None)
        if ready.get("kind") != "ready":
            self.process.kill()
            self.process.wait()
            why = ready.get("why") or self._stderr_tail() or "no message"
            raise ReferenceServerError(f"the reference server did not start: {why}")
        threading.Thread(target=self._dispatch, name="reference-reader", daemon=True).start()

    @classmethod
    def shared(cls, solutions: Path) -> ReferenceServer:
        with cls._shared_lock:
            server = cls._shared
            if server is None or server.dead or server.solutions != solutions:
                if server is not None:
                    server.stop()
                cls._shared = cls(solutions)
            return cls._shared

    @classmethod
    def stop_shared(cls) -> None:
        with cls._shared_lock:
            if cls._shared is not None:
                cls._shared.stop()
                cls._shared = None

    @property
    def dead(self) -> bool:
        return self._dead is not None or self.process.poll() is not None

    def send(self, message: dict, fds: list[int] | None = None) -> None:
        data = json.dumps(message).encode("utf-8")
        with self._lock:
            try:
                socket.send_fds(self.control, [data], fds or [])
            except OSError as exc:
                raise ReferenceServerError(f"the reference server is gone ({exc})") from None

    def start(self, functions: list[str], limits: Limits, call_fd: int, reply_fd: int) -> Helper:
        """A helper that answers the calls of ``functions`` arriving on ``call_fd``."""
        budget = CallBudget.for_worker(
            functions,
            cpu_seconds=limits.cpu_seconds,
            memory_mb=limits.memory_mb,
            max_result_mb=limits.max_result_mb,
        )
        ended: Future = Future()
        with self._lock:
            if self._dead is not None:
                raise ReferenceServerError(f"the reference server stopped ({self._dead})")
            self._next_id += 1
            number = self._next_id
            self._waiting[number] = ended
        self.send({"kind": "start", "id": number, "budget": budget.as_dict()}, [call_fd, reply_fd])
        return Helper(self, number, budget, ended)

    def stop(self) -> None:
        """Kill every helper, and wait for the server to end."""
        try:
            self.send({"kind": "stop"})
        except ReferenceServerError:
            pass
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.control.close()

    def _dispatch(self) -> None:
        while True:
            try:
                data = self.control.recv(1 << 16)
            except OSError:
                data = b""
            if not data:
                break
            message = json.loads(data.decode("utf-8"))
            if message.get("kind") == "ended":
                with self._lock:
                    future = self._waiting.pop(int(message["id"]), None)
                if future is not None:
                    future.set_result(message)
        deadline = time.monotonic() + 5
        while self.process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        with self._lock:
            self._dead = self._stderr_tail() or "the reference server ended"
            waiting, self._waiting = self._waiting, {}
        for future in waiting.values():
            future.set_result({"kind": "lost", "why": self._dead})

    def _stderr_tail(self) -> str:
        if self.process.poll() is None or self.process.stderr is None:
            return ""
        try:
            return self.process.stderr.read().decode("utf-8", "replace").strip()[-500:]
        except (OSError, ValueError):
            return ""
