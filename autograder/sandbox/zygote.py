"""The zygote: imports NumPy and pandas once, then forks one confined worker per graded function.

``python -I zygote.py FD CLOSED_JSON`` is started by the grader (``runner.Sandbox``) with one end
of a UNIX socket pair as ``FD``. It never holds the reference solutions or any student's work:
it knows only the scratch folders and limits of the jobs it is asked to run, and the pipes the
grader passes it (``SCM_RIGHTS``), which it hands to the worker and closes.

For each job it forks a child that confines itself, layer by layer (``layers``), before running
``worker.main``: limits and its own session; new namespaces, and a second fork so the worker is
pid 1 of its own pid namespace (the middle process only waits and passes on how the worker
ended); an unprivileged user; Landlock; seccomp. A layer that fails stops the worker before any
student code runs (exit code ``EXIT_CONFINEMENT_FAILED``). The zygote supervises each job: it
collects the worker's output up to a limit, kills the job's process group at the wall-clock
limit or when the output floods, reaps it, and reports how it ended.

Messages on the socket are JSON, each after its length (``control``). From the grader: ``{"kind": "run", "id", "scratch", "limits"}``
with the two pipe ends, ``{"kind": "kill", "id"}``, ``{"kind": "stop"}``. To the grader:
``{"kind": "ready", "layers"}`` once, then ``{"kind": "done", "id", ...}`` per job.
"""

from __future__ import annotations

import fcntl
import json
import os
import selectors
import signal
import socket
import sys
import time

#: The tests of failing closed name a layer here to make it fail in every worker.
SABOTAGE: str | None = None


def _prepare_imports() -> None:
    """Put the course package's parent first on sys.path (``-I`` leaves out the script's folder)."""
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, os.path.dirname(os.path.dirname(here)))


_prepare_imports()

# Preloaded once, for every worker: what student code may use without reading files later.
import numpy
import numpy.linalg
import numpy.random  # noqa: F401
import pandas  # noqa: F401

from autograder.sandbox import cgroups, worker
from autograder.sandbox import control as control_messages
from autograder.sandbox import layers as layer_tools


class Job:
    def __init__(
        self,
        job_id: int,
        pid: int,
        pidfd: int,
        out_fd: int,
        limits: dict,
    ):
        self.id = job_id
        self.pid = pid
        self.pidfd = pidfd
        self.out_fd: int | None = out_fd
        self.started = time.monotonic()
        self.deadline = self.started + float(limits["wall_seconds"])
        self.output_limit = int(limits["output_bytes"])
        self.output = bytearray()
        self.status: int | None = None
        self.timed_out = False
        self.flooded = False
        self.drain_until: float | None = None

    def kill(self) -> None:
        """Kill everything the job is: the worker (found as the supervisor's child, whatever
        session it is in), the job's process group, the supervisor."""
        if self.status is None:
            _kill_children(self.pid)
        for target in (lambda: os.killpg(self.pid, signal.SIGKILL), lambda: os.kill(self.pid, 9)):
            try:
                target()
            except (ProcessLookupError, PermissionError):
                pass


def _kill_children(pid: int) -> None:
    """SIGKILL the children of ``pid`` (the job's supervisor), each through a pidfd opened while
    it is still that process's child, so a reused pid is never hit."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as handle:
            children = [int(n) for n in handle.read().split()]
    except (OSError, ValueError):
        return
    for child in children:
        try:
            pidfd = os.pidfd_open(child)
        except OSError:
            continue
        try:
            with open(f"/proc/{child}/stat", encoding="utf-8", errors="replace") as handle:
                stat = handle.read()
            if int(stat[stat.rfind(")") + 2 :].split()[1]) == pid:
                signal.pidfd_send_signal(pidfd, signal.SIGKILL)
        except (OSError, ValueError, IndexError):
            pass
        finally:
            os.close(pidfd)


def main(control_fd: int, settings: dict) -> None:
    control = socket.socket(fileno=control_fd)
    receiver = control_messages.Receiver(control)
    global SABOTAGE
    SABOTAGE = settings.get("sabotage")
    try:
        found = layer_tools.probe(settings.get("closed", []), settings.get("disabled", []))
    except Exception as exc:  # noqa: BLE001 - reported, the grader decides
        _send(control, {"kind": "failed", "why": f"{type(exc).__name__}: {exc}"})
        return
    if found.cgroup:
        try:
            found.cgroup = cgroups.RunCgroup(found.cgroup).path
        except OSError as exc:
            found.cgroup, found.cgroup_why = "", f"the zygote's cgroup: {exc.strerror}"
    _send(control, {"kind": "ready", "layers": found.as_dict(), "pid": os.getpid()})
    selector = selectors.DefaultSelector()
    selector.register(control, selectors.EVENT_READ, ("control", None))
    jobs: dict[int, Job] = {}
    running = True
    while running or jobs:
        timeout = _next_timeout(jobs)
        for key, _ in selector.select(timeout):
            what, job = key.data
            if what == "control":
                running = _serve_control(receiver, selector, jobs, found) and running
                if not running:
                    for job_left in jobs.values():
                        job_left.kill()
            elif what == "output":
                _read_output(job, selector)
            elif what == "exit":
                _reap(job, selector)
        now = time.monotonic()
        for job in list(jobs.values()):
            if job.status is None and now >= job.deadline:
                job.timed_out = True
                job.kill()
            if job.status is None and now >= job.deadline + 5:
                job.kill()
            if job.status is not None and (job.out_fd is None or now >= (job.drain_until or now)):
                _finish(job, selector, control)
                del jobs[job.id]
        if not running and not jobs:
            break
    if found.cgroup:
        cgroups.end(found.cgroup, leave=True)  # the run's end: everything left in its cgroup


def _next_timeout(jobs: dict[int, Job]) -> float:
    if not jobs:
        return 1.0
    now = time.monotonic()
    moments = [j.deadline if j.status is None else (j.drain_until or now) for j in jobs.values()]
    return max(0.0, min(0.2, min(moments) - now))


def _serve_control(
    receiver: control_messages.Receiver, selector, jobs: dict[int, Job], found
) -> bool:
    """The requests that have arrived (a run's pipes come with it); False once the grader has
    gone or said stop."""
    alive = receiver.pump()
    for request, fds in receiver.messages():
        kind = request.get("kind")
        if kind == "stop":
            alive = False
        elif kind == "kill":
            job = jobs.get(int(request["id"]))
            if job is not None:
                job.kill()
        elif kind == "run" and len(fds) in (2, 4):
            job = _start(request, fds, found)
            jobs[job.id] = job
            selector.register(job.out_fd, selectors.EVENT_READ, ("output", job))
            selector.register(job.pidfd, selectors.EVENT_READ, ("exit", job))
        else:
            for fd in fds:
                os.close(fd)
    return alive


def _start(request: dict, fds: list[int], found) -> Job:
    out_r, out_w = os.pipe()
    limits = request["limits"]
    job_id = int(request["id"])
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child never returns
        try:
            _child(request["scratch"], limits, found, fds, out_w)
        finally:
            os._exit(layer_tools.EXIT_CONFINEMENT_FAILED)
    os.close(out_w)
    for fd in fds:
        os.close(fd)
    pidfd = os.pidfd_open(pid)
    return Job(job_id, pid, pidfd, out_r, limits)


def _child(scratch: str, limits: dict, found, fds: list[int], out_w: int) -> None:
    """In the forked child: confine, fork the worker, pass on how it ended. Never returns."""
    zygote = os.getppid()
    try:
        layer_tools.die_with_parent()  # the zygote's end is this job's end
        if os.getppid() != zygote:
            _refuse("the zygote ended before the job started")
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(out_w, 1)
        os.dup2(out_w, 2)
        # The pipes move to fixed numbers (job, results, then calls and replies when the job
        # has any); every other descriptor (the control socket, other jobs' pipes) is closed.
        # Copies above them first, so no pipe is overwritten before it is moved.
        copies = [fcntl.fcntl(fd, fcntl.F_DUPFD, 100) for fd in fds]
        targets = [worker.JOB_FD, worker.RESULT_FD, worker.CALL_FD, worker.REPLY_FD]
        for copy, target in zip(copies, targets):
            os.dup2(copy, target)
        os.closerange(targets[len(copies) - 1] + 1, 1 << 16)
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE, signal.SIGCHLD):
            signal.signal(number, signal.SIG_DFL)
        layer_tools.apply_limits(limits)
        layer_tools.enter_namespaces(found)
    except BaseException as exc:  # noqa: BLE001
        _refuse(f"before the worker started: {type(exc).__name__}: {exc}")
    middle = os.getpid()
    pid = os.fork()
    if pid:
        _wait_and_pass_on(pid, float(limits["cpu_seconds"]))
    try:
        layer_tools.die_with_parent()
        if os.getppid() != middle and not found.namespaces:
            _refuse("its supervisor ended before it started")
        layer_tools.private_mounts(found)
        os.chdir(scratch)
        layer_tools.drop_privileges(found)
        # A change of credentials clears the parent-death signal: set it again.
        layer_tools.die_with_parent()
        if SABOTAGE == "landlock":
            raise layer_tools.ConfinementError("landlock_restrict_self: sabotaged for a test")
        layer_tools.apply_landlock(found, [scratch])
        layer_tools.apply_seccomp(found)
    except BaseException as exc:  # noqa: BLE001
        _refuse(f"{type(exc).__name__}: {exc}")
    try:
        worker.main()
    except BaseException as exc:  # noqa: BLE001 - the channel closed, say; the grader sees it
        try:
            os.write(2, f"\nworker: {type(exc).__name__}: {exc}\n".encode("utf-8", "replace"))
        except OSError:
            pass
        os._exit(1)
    sys.stdout.flush()
    os._exit(0)


def _refuse(why: str) -> None:
    try:
        os.write(2, f"\nconfinement failed: {why}\n".encode("utf-8", "replace"))
    finally:
        os._exit(layer_tools.EXIT_CONFINEMENT_FAILED)


def _wait_and_pass_on(pid: int, cpu_seconds: float) -> None:
    """The middle process: hold no pipes, wait for the worker, end the same way it did.

    A worker that is pid 1 of its namespace ignores SIGXCPU at its CPU limit (the kernel shields
    a namespace's init), so the hard limit's SIGKILL ends it; its CPU time tells the two apart.
    The kernel enforces the limit on CPU time sampled at each tick, while ``wait4`` reports the
    exact run time, which on a busy machine can be a fifth lower at the kill (measured: 4.81 s
    at a hard limit of 6 s, beside a CPU-bound process). So a SIGKILL after at least half the
    limit counts as the CPU limit; the other SIGKILLs that reach a worker (its wall clock, a
    flood of output) are flagged by the zygote itself.
    """
    os.closerange(3, 1 << 16)
    while True:
        try:
            _, status, usage = os.wait4(pid, 0)
            break
        except InterruptedError:
            continue
        except ChildProcessError:
            os._exit(1)
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        if ended_at_cpu_limit(number, usage.ru_utime + usage.ru_stime, cpu_seconds):
            os._exit(layer_tools.EXIT_CPU_LIMIT)
        if number not in (signal.SIGKILL, signal.SIGSTOP):
            signal.signal(number, signal.SIG_DFL)
        os.kill(os.getpid(), number)
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1)


def ended_at_cpu_limit(number: int, cpu_used: float, cpu_seconds: float) -> bool:
    """Whether a worker killed by signal ``number`` after ``cpu_used`` seconds of CPU (exact
    run time) was stopped by its CPU limit of ``cpu_seconds`` (see ``_wait_and_pass_on``)."""
    return number in (signal.SIGKILL, signal.SIGXCPU) and cpu_used >= cpu_seconds * 0.5


def _read_output(job: Job, selector) -> None:
    try:
        chunk = os.read(job.out_fd, 65536)
    except OSError:
        chunk = b""
    if not chunk:
        selector.unregister(job.out_fd)
        os.close(job.out_fd)
        job.out_fd = None
        return
    room = max(0, job.output_limit - len(job.output))
    job.output.extend(chunk[:room])
    if len(chunk) > room and job.status is None:
        job.flooded = True
        job.kill()


def _reap(job: Job, selector) -> None:
    try:
        got, status = os.waitpid(job.pid, os.WNOHANG)
    except ChildProcessError:
        got, status = job.pid, 0
    if got != job.pid:
        return
    job.status = status
    job.drain_until = time.monotonic() + 0.25
    selector.unregister(job.pidfd)
    os.close(job.pidfd)
    job.kill()  # anything left in its process group


def _finish(job: Job, selector, control) -> None:
    if job.out_fd is not None:
        selector.unregister(job.out_fd)
        os.close(job.out_fd)
        job.out_fd = None
    status = job.status or 0
    report = {
        "kind": "done",
        "id": job.id,
        "exit_code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        "timed_out": job.timed_out,
        "flooded": job.flooded,
        "seconds": round(time.monotonic() - job.started, 4),
        "output": job.output.decode("utf-8", "replace"),
    }
    _send(control, report)


def _send(control, message: dict) -> None:
    try:
        control_messages.send(control, message)
    except OSError:
        pass


if __name__ == "__main__":
    main(int(sys.argv[1]), json.loads(sys.argv[2]) if len(sys.argv) > 2 else {})
