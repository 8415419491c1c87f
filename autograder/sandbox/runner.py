"""The trusted side of the sandbox: a zygote to fork workers, a job's pipes, plain values back.

``Sandbox.shared()`` starts one zygote per grading process (``zygote.py``), which imports NumPy
and pandas once and reports which confinement layers hold on this machine. ``run_function`` asks
it for a confined worker, sends the job (the student's definitions and the cases' inputs) down
one pipe, and reads frames back from the other: the worker's load report, one result per case,
and calls of the course's functions that the graded one builds on. Those calls are answered here,
by the reference (``serve``), so the reference's code never reaches the worker: it is observable
only by its outputs. Everything read back is treated as hostile (``channel``): capped in size,
plain numbers and arrays only.

Anything that goes wrong on this side is recorded as a grader error (``WorkerRun.grader_error``)
and costs the function its points with "needs review", never a pass.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from autograder import codec, environment
from autograder.codec import CallResult
from autograder.config import Grading
from autograder.sandbox import cgroups, channel
from autograder.sandbox.control import ControlError, ControlledProcess
from autograder.sandbox.layers import (
    EXIT_CONFINEMENT_FAILED,
    EXIT_CPU_LIMIT,
    SWITCHABLE,
    Layers,
)

HERE = Path(__file__).resolve().parent
ZYGOTE = HERE / "zygote.py"
#: How long the zygote may take to start (importing NumPy and pandas, probing the kernel).
ZYGOTE_START_SECONDS = 120
#: Slack on top of a job's wall-clock limit before this side gives up on it.
GRACE_SECONDS = 15


class SandboxError(Exception):
    """The sandbox itself could not be started or used (never the student's fault)."""


#: The wall clock a worker gets: its CPU time, times this, plus WALL_SLACK seconds. Generous, so
#: that a busy machine (other jobs, other students graded beside it) never fails correct work;
#: the CPU-time limit is what stops an endless loop, the wall clock what stops a sleeper.
WALL_FACTOR = 3
WALL_SLACK = 10.0


_DEFAULTS = Grading()  # course.yml's grading settings, when it sets none


@dataclass
class Limits:
    """What one worker may use (course.yml's ``grading`` section, or an exercise's own time)."""

    cpu_seconds: float = _DEFAULTS.timeout_seconds
    memory_mb: int = _DEFAULTS.memory_mb
    output_kb: int = _DEFAULTS.output_kb
    max_result_mb: int = _DEFAULTS.max_result_mb

    @property
    def wall_seconds(self) -> float:
        return self.cpu_seconds * WALL_FACTOR + WALL_SLACK

    def for_zygote(self) -> dict:
        return {
            "wall_seconds": self.wall_seconds,
            "cpu_seconds": max(1, round(self.cpu_seconds)),
            "memory_bytes": self.memory_mb << 20,
            "file_bytes": (self.max_result_mb << 20) + (1 << 20),
            "output_bytes": self.output_kb << 10,
        }


@dataclass
class WorkerRun:
    """How a worker ended and what it handed back."""

    defined: bool = False
    defined_kind: str | None = None
    load_problems: list[str] = field(default_factory=list)
    results: dict[str, CallResult] = field(default_factory=dict)
    fate: str | None = None  # why the run stopped early, in words a student can act on
    grader_error: str | None = None  # a failure on the grader's side: needs review
    misuse: str | None = None  # the worker broke the channel's rules: a zero, and review
    output: str = ""
    seconds: float = 0.0
    reference_seconds: float = 0.0  # CPU time the reference helper used for this job


@dataclass
class HelperEnd:
    """How the helper that answered a job's calls of the course's functions ended."""

    exceeded: str | None = None  # its budget ran out: the student's failure, with this reason
    misuse: str | None = None  # the worker broke the rules on the call pipes
    fault: str | None = None  # the helper failed: the grader's fault (needs review)
    cpu_seconds: float = 0.0


class CallHelper(Protocol):
    """A process that answers one job's calls of the course's functions (the reference's)."""

    def on_end(self, callback: Callable[[HelperEnd], None]) -> None: ...

    def finish(self) -> HelperEnd: ...


class CallServer(Protocol):
    """Starts a ``CallHelper`` for a job, on the helper's ends of the job's call pipes."""

    def start(
        self, functions: list[str], limits: Limits, call_fd: int, reply_fd: int
    ) -> CallHelper: ...


@dataclass
class Job:
    """What a worker is asked to do."""

    function: str
    statements: list[dict]  # {"source", "filename", "line", "names"}
    cases: list[tuple[str, tuple, dict]]
    proxied_deps: list[str] = field(default_factory=list)
    own_deps_source: str = ""
    own_deps: list[str] = field(default_factory=list)


class Sandbox(ControlledProcess):
    """One zygote and the jobs running in it. Thread-safe; one per process (``shared``)."""

    END_KIND = "done"
    NAME = "the worker zygote"
    _shared_lock = threading.Lock()  # its own: starting one kind never waits for the other

    def __init__(
        self,
        closed: list[str] | None = None,
        *,
        disabled: list[str] | None = None,
        sabotage: str | None = None,
    ):
        """``closed``: paths no worker may read. ``disabled``: layers to leave off (see
        ``layers.SWITCHABLE``). ``sabotage``: a layer to make fail (the fail-closed tests)."""
        self.closed = [str(p) for p in (closed or [])]
        unknown = [d for d in (disabled or []) if d not in SWITCHABLE]
        if unknown:
            raise SandboxError(
                f"unknown layer {', '.join(unknown)} in COURSE_SANDBOX_DISABLE "
                f"(known: {', '.join(SWITCHABLE)})"
            )
        settings = {"closed": self.closed, "disabled": list(disabled or []), "sabotage": sabotage}
        env = {
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "HOME": "/nonexistent",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "NUMEXPR_NUM_THREADS": "1",
            "VECLIB_MAXIMUM_THREADS": "1",
            "MPLBACKEND": "Agg",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONHASHSEED": "0",
        }
        env.update(environment.kept_for_workers())
        command = [sys.executable, "-I", str(ZYGOTE), json.dumps(settings)]
        try:
            ready = self._launch(command, env, ZYGOTE_START_SECONDS)
        except ControlError as exc:
            raise SandboxError(str(exc)) from None
        self.layers = Layers.from_dict(ready["layers"])

    def stop(self, timeout: float = 10) -> None:
        """Stop the zygote (it ends its jobs and its cgroup), then make sure of the cgroup."""
        super().stop(timeout)
        if self.layers.cgroup:
            cgroups.end(self.layers.cgroup)

    @classmethod
    def shared(cls) -> Sandbox:
        with cls._shared_lock:
            box = cls._shared.get(cls)
            if box is None or box.dead:
                disabled = list(environment.current().disabled_layers)
                box = cls._shared[cls] = cls(closed=default_closed_paths(), disabled=disabled)
            return box  # type: ignore[return-value]

    # -- one job ---------------------------------------------------------------------------

    def run(
        self,
        job: Job,
        limits: Limits,
        serve: CallServer | None = None,
        *,
        deadline: float | None = None,
        deadline_reason: str = "",
    ) -> WorkerRun:
        """Run ``job`` in a fresh confined worker; ``serve`` starts the helper that answers its
        calls of the course's functions (``job.proxied_deps``). ``deadline`` (monotonic), when
        earlier than the worker's own wall clock, stops it then, with ``deadline_reason``."""
        if self.dead:
            raise SandboxError(f"the worker zygote is not running ({self._dead})")
        scratch = Path(tempfile.mkdtemp(prefix="course-worker-"))
        pipes = [*os.pipe(), *os.pipe()]
        job_r, job_w, result_r, result_w = pipes
        theirs = [job_r, result_w]  # the worker's ends
        run = WorkerRun()
        helper: CallHelper | None = None
        handed = list(theirs)  # closed here once the zygote and the reference server have them
        try:
            if self.layers.drop_to_uid is not None:
                os.chown(scratch, self.layers.drop_to_uid, self.layers.drop_to_uid)
            if job.proxied_deps and serve is not None:
                call_r, call_w = os.pipe()
                reply_r, reply_w = os.pipe()
                pipes += [call_r, call_w, reply_r, reply_w]
                theirs += [call_w, reply_r]
                handed += [call_w, reply_r, call_r, reply_w]
                helper = serve.start(list(job.proxied_deps), limits, call_r, reply_w)
            request = {"kind": "run", "scratch": str(scratch), "limits": limits.for_zygote()}
            try:
                job_id, future = self.request(request, theirs)
            except ControlError as exc:
                raise SandboxError(str(exc)) from None
            for fd in handed:
                os.close(fd)
                pipes.remove(fd)
            if helper is not None:
                # A helper whose budget ran out stops the worker at once.
                helper.on_end(lambda end: end.exceeded and self._kill_job(job_id))
            own_deadline = time.monotonic() + limits.wall_seconds + GRACE_SECONDS
            stop = min(own_deadline, deadline) if deadline is not None else own_deadline
            _converse(job, limits, job_w, result_r, stop, run)
            os.close(job_w)
            pipes.remove(job_w)
            try:
                report = future.result(timeout=max(0.5, stop - time.monotonic()))
            except TimeoutError:
                self._kill_job(job_id)
                report = future.result(timeout=30)
                if deadline is not None and deadline < own_deadline:
                    report = {**report, "stopped": deadline_reason}
            _read_report(report, run, limits)
        finally:
            if helper is not None:
                _read_helper_end(helper.finish(), run)
            for fd in pipes:
                try:
                    os.close(fd)
                except OSError:
                    pass
            shutil.rmtree(scratch, ignore_errors=True)
        return run

    def _kill_job(self, job_id: int) -> None:
        try:
            self.send({"kind": "kill", "id": job_id})
        except ControlError:
            pass


def default_closed_paths() -> list[str]:
    """What a worker must never read: the course package, its repository, the solutions."""
    from autograder import config

    closed = [str(config.PACKAGE_DIR), str(config.SOLUTIONS_DIR)]
    if (config.ROOT / "course.yml").is_file() or (config.ROOT / ".git").exists():
        closed.append(str(config.ROOT))
    if environment.current().solutions:
        closed.append(str(config.solutions_dir()))
    return closed


def _converse(
    job: Job, limits: Limits, job_fd: int, result_fd: int, deadline: float, run: WorkerRun
) -> None:
    """Send the job, then read the worker's frames until it ends."""
    max_bytes = limits.max_result_mb << 20
    try:
        channel.send(
            job_fd,
            {
                "kind": "job",
                "function": job.function,
                "statements": job.statements,
                "proxied_deps": list(job.proxied_deps),
                "own_deps_source": job.own_deps_source,
                "own_deps": list(job.own_deps),
                "max_result_bytes": max_bytes,
            },
            cases=[(name, tuple(args), dict(kwargs)) for name, args, kwargs in job.cases],
        )
    except channel.ChannelClosed:
        return  # the worker ended before reading its job; its report says why
    names = {name for name, _, _ in job.cases}
    incoming = channel.Reader(result_fd)
    while True:
        try:
            frame = incoming.receive(max_bytes=max_bytes, deadline=deadline)
        except channel.ChannelClosed:
            return
        except channel.ChannelError as exc:
            if "deadline" not in str(exc):
                run.misuse = f"the worker's messages broke the rules ({exc})"
            return
        kind = frame.meta.get("kind")
        try:
            if kind == "load":
                _read_load(frame.meta, run)
            elif kind == "case":
                _read_case(frame, names, run)
            else:
                run.misuse = f"the worker sent a message of an unknown kind ({str(kind)[:40]!r})"
                return
        except codec.CodecError as exc:  # what the worker sent: its fault, not the grader's
            run.misuse = f"the worker's {str(kind)[:20]} message could not be read ({exc})"
            return
        except Exception as exc:  # noqa: BLE001 - a failure here is the grader's, never a pass
            run.grader_error = (
                f"reading the worker's {kind} message failed: {type(exc).__name__}: {exc}"
            )
            return


def _read_load(meta: dict, run: WorkerRun) -> None:
    run.defined = bool(meta.get("defined"))
    kind = meta.get("type")
    run.defined_kind = str(kind)[:100] if kind else None
    problems = meta.get("problems")
    if isinstance(problems, list):
        run.load_problems = [codec.clean_text(str(p)[:600]) for p in problems[:20]]


def _read_case(frame: channel.Received, names: set[str], run: WorkerRun) -> None:
    meta = frame.meta
    name = meta.get("name")
    if not isinstance(name, str) or name not in names or name in run.results:
        run.misuse = (
            f"the worker sent a result for an unknown or repeated case ({str(name)[:40]!r})"
        )
        return
    try:
        value = frame.decode("result")
        after = meta.get("after")
        args_after = kwargs_after = None
        if isinstance(after, dict):
            args_after = codec.decode(after.get("args"), frame.get_array)
            kwargs_after = codec.decode(after.get("kwargs"), frame.get_array)
    except codec.CodecError as exc:
        run.results[name] = CallResult(
            raised=codec.Raised("InvalidResult", f"the result could not be read back: {exc}")
        )
        return
    seconds = meta.get("seconds")
    result = CallResult(
        args_after=args_after if isinstance(args_after, tuple) else None,
        kwargs_after=kwargs_after if isinstance(kwargs_after, dict) else None,
        seconds=float(seconds) if isinstance(seconds, (int, float)) else 0.0,
    )
    if isinstance(value, codec.Raised):
        result.raised = value
    else:
        result.value = value
    run.results[name] = result


def _read_report(report: dict, run: WorkerRun, limits: Limits) -> None:
    if report.get("kind") == "lost":
        run.grader_error = f"the worker zygote stopped ({report.get('why')})"
        return
    run.output = codec.clean_text(str(report.get("output", ""))[: limits.output_kb << 10])
    run.seconds = float(report.get("seconds") or 0.0)
    if report.get("exit_code") == EXIT_CONFINEMENT_FAILED:
        tail = run.output.strip().splitlines()[-1:] or ["no reason given"]
        run.grader_error = f"the worker's isolation could not be applied ({tail[0][:300]})"
        return
    run.fate = report.get("stopped") or _fate(report, limits)


def _read_helper_end(end: HelperEnd, run: WorkerRun) -> None:
    """What the helper's end means for the run: a budget that ran out fails the function (every
    case, with the reason); a helper's own failure is the grader's."""
    run.reference_seconds = end.cpu_seconds
    if end.fault and not run.grader_error:
        run.grader_error = end.fault
    elif end.exceeded:
        run.fate = f"it was stopped: {end.exceeded}"
        run.results.clear()
    elif end.misuse and not run.misuse:
        run.misuse = end.misuse
        run.results.clear()


def _fate(report: dict, limits: Limits) -> str | None:
    import signal

    if report.get("timed_out"):
        return (
            f"it went over the time limit: {limits.wall_seconds:g} s of wall-clock time "
            "(waiting or sleeping, or much slower than needed?)"
        )
    if report.get("flooded"):
        return (
            f"it printed more than {limits.output_kb} KB, so it was stopped "
            "(remove the prints in loops)"
        )
    number = report.get("signal")
    if report.get("exit_code") == EXIT_CPU_LIMIT:
        number = signal.SIGXCPU
    if number:
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        if number == signal.SIGXCPU:
            return (
                f"it went over the time limit: more than {limits.cpu_seconds:g} s of CPU time "
                "(an endless loop, or much slower than needed?)"
            )
        if number == signal.SIGXFSZ:
            return "it wrote more data than allowed"
        if number == signal.SIGSEGV:
            return "it crashed the Python process (segmentation fault)"
        if number == signal.SIGSYS:
            return "it made a system call that is not allowed while grading"
        if number in (signal.SIGKILL, signal.SIGABRT):
            return (
                f"the process was killed ({name}); the usual cause is running out of memory "
                f"(limit {limits.memory_mb} MB)"
            )
        return f"the process was killed by {name}"
    code = report.get("exit_code")
    if code not in (0, None):
        return (
            f"the process exited with code {code} before finishing "
            "(sys.exit, os._exit, or running out of memory?)"
        )
    return None


def run_function(
    job: Job,
    *,
    limits: Limits | None = None,
    serve: CallServer | None = None,
    sandbox: Sandbox | None = None,
    deadline: float | None = None,
    deadline_reason: str = "",
) -> WorkerRun:
    """Run ``job`` in a confined worker of the shared sandbox (see ``Sandbox.run``)."""
    box = sandbox or Sandbox.shared()
    return box.run(
        job, limits or Limits(), serve, deadline=deadline, deadline_reason=deadline_reason
    )
