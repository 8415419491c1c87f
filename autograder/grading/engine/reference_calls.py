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

import signal
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

from autograder import environment
from autograder.grading.engine import reference_server
from autograder.grading.engine.call_bounds import CallBudget
from autograder.sandbox.control import ControlError, ControlledProcess
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
            try:
                self.server.send({"kind": "kill", "id": self.number})
            except ControlError:
                pass  # the server has gone, and its helpers with it
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


class ReferenceServer(ControlledProcess):
    """The reference server of this process. Thread-safe; one per process (``shared``)."""

    END_KIND = "ended"
    NAME = "the reference server"
    _shared_lock = threading.Lock()  # its own: starting one kind never waits for the other

    def __init__(self, solutions: Path):
        self.solutions = solutions
        env = environment.for_child(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
        env["MKL_NUM_THREADS"] = "1"
        command = [sys.executable, "-I", str(SERVER), str(solutions)]
        try:
            self._launch(command, env, START_SECONDS)
        except ControlError as exc:
            raise ReferenceServerError(str(exc)) from None

    @classmethod
    def shared(cls, solutions: Path) -> ReferenceServer:
        with cls._shared_lock:
            server = cls._shared.get(cls)
            if server is not None and (server.dead or server.solutions != solutions):
                server.stop()
                server = None
            if server is None:
                server = cls._shared[cls] = cls(solutions)
            return server  # type: ignore[return-value]

    def start(self, functions: list[str], limits: Limits, call_fd: int, reply_fd: int) -> Helper:
        """A helper that answers the calls of ``functions`` arriving on ``call_fd``."""
        budget = CallBudget.for_worker(
            functions,
            cpu_seconds=limits.cpu_seconds,
            memory_mb=limits.memory_mb,
            max_result_mb=limits.max_result_mb,
        )
        try:
            number, ended = self.request(
                {"kind": "start", "budget": budget.as_dict()}, [call_fd, reply_fd]
            )
        except ControlError as exc:
            raise ReferenceServerError(str(exc)) from None
        return Helper(self, number, budget, ended)
