"""The supervisor: starts one worker under limits and makes sure nothing outlives it.

``python -I supervisor.py SCRATCH LIMITS_JSON`` prints one JSON line describing how the worker
ended. It makes itself a child subreaper, so processes that the worker forks and abandons (even
after ``setsid``) become its children and are killed when the worker is done. The worker gets
its own session and process group, resource limits (address space, CPU time, file size, open
files, processes, no core dumps), a private network namespace where the kernel allows one, a
minimal environment, and a pipe for its output that is cut off past a size limit.

Standard library only: this runs before any student code and must stay small.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import select
import signal
import sys
import time

PR_SET_CHILD_SUBREAPER = 36
CLONE_NEWNET = 0x40000000


def main(scratch: str, limits_json: str) -> None:
    limits = json.loads(limits_json)
    libc = _libc()
    if libc is not None:
        libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    worker = os.path.join(os.path.dirname(os.path.abspath(__file__)), "worker.py")
    out_r, out_w = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the worker
        try:
            os.close(out_r)
            os.setsid()
            _apply_limits(limits)
            if libc is not None and limits.get("private_network", True):
                libc.unshare(CLONE_NEWNET)  # fails quietly without the privilege
            devnull = os.open(os.devnull, os.O_RDONLY)
            os.dup2(devnull, 0)
            os.dup2(out_w, 1)
            os.dup2(out_w, 2)
            os.chdir(scratch)
            env = {
                "PATH": "/usr/bin:/bin",
                "HOME": scratch,
                "TMPDIR": scratch,
                "LANG": "C.UTF-8",
                "OPENBLAS_NUM_THREADS": "1",
                "OMP_NUM_THREADS": "1",
                "MKL_NUM_THREADS": "1",
                "NUMEXPR_NUM_THREADS": "1",
                "VECLIB_MAXIMUM_THREADS": "1",
                "MPLBACKEND": "Agg",
                "PYTHONDONTWRITEBYTECODE": "1",
                "PYTHONHASHSEED": "0",
            }
            for keep in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
                if keep in os.environ:
                    env[keep] = os.environ[keep]
            os.execve(sys.executable, [sys.executable, "-I", worker, scratch], env)
        finally:
            os._exit(127)

    os.close(out_w)
    deadline = started + float(limits["wall_seconds"])
    output_limit = int(limits["output_bytes"])
    output = bytearray()
    flooded = timed_out = False
    status = None
    open_pipe = True
    drain_until = None
    while True:
        if status is None:
            done, status_now = _reap(pid)
            if done:
                status = status_now
                drain_until = time.monotonic() + 0.25
        now = time.monotonic()
        if now >= deadline and status is None:
            timed_out = True
            _kill_group(pid)
        if open_pipe:
            ready, _, _ = select.select([out_r], [], [], 0.02)
            if ready:
                chunk = os.read(out_r, 65536)
                if not chunk:
                    open_pipe = False
                else:
                    output.extend(chunk[: max(0, output_limit - len(output))])
                    if len(output) >= output_limit and status is None:
                        flooded = True
                        _kill_group(pid)
        else:
            time.sleep(0.01)
        if status is not None and (not open_pipe or time.monotonic() > drain_until):
            break
        if status is None and time.monotonic() > deadline + 5:
            _kill_group(pid)
    seconds = time.monotonic() - started
    _kill_group(pid)
    orphans = _kill_descendants()
    os.close(out_r)
    report = {
        "exit_code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        "timed_out": timed_out,
        "flooded": flooded,
        "seconds": round(seconds, 4),
        "orphans_killed": orphans,
        "output": output[:output_limit].decode("utf-8", "replace"),
    }
    sys.stdout.write(json.dumps(report) + "\n")


def _apply_limits(limits: dict) -> None:
    memory = int(limits["memory_bytes"])
    cpu = int(limits["cpu_seconds"])
    settings = [
        (resource.RLIMIT_AS, memory, memory),
        (resource.RLIMIT_CPU, cpu, cpu + 2),
        (resource.RLIMIT_FSIZE, int(limits["file_bytes"]), int(limits["file_bytes"])),
        (resource.RLIMIT_NOFILE, 256, 256),
        (resource.RLIMIT_CORE, 0, 0),
        (resource.RLIMIT_NPROC, int(limits.get("processes", 64)), int(limits.get("processes", 64))),
    ]
    for which, soft, hard in settings:
        try:
            resource.setrlimit(which, (soft, hard))
        except (ValueError, OSError):
            pass


def _reap(pid: int) -> tuple[bool, int | None]:
    try:
        got, status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True, 0
    return (got == pid), (status if got == pid else None)


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _children() -> list[int]:
    me = os.getpid()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read().decode("ascii", "replace")
        except OSError:
            continue
        # The command name may hold spaces and parentheses: split after the last ')'.
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 1 and fields[1] == str(me):
            found.append(int(entry))
    return found


def _kill_descendants() -> int:
    """Kill every process left below us (orphans reparented to this subreaper)."""
    killed = 0
    quiet_rounds = 0
    give_up = time.monotonic() + 5
    while quiet_rounds < 3 and time.monotonic() < give_up:
        children = _children()
        if not children:
            quiet_rounds += 1
            time.sleep(0.01)
            continue
        quiet_rounds = 0
        for child in children:
            try:
                os.killpg(child, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                os.kill(child, signal.SIGKILL)
                killed += 1
            except (ProcessLookupError, PermissionError):
                pass
        while True:
            try:
                got, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if got == 0:
                break
    return killed


def _libc():
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl.argtypes = [
            ctypes.c_int,
            ctypes.c_ulong,
            ctypes.c_ulong,
            ctypes.c_ulong,
            ctypes.c_ulong,
        ]
        return libc
    except (OSError, AttributeError):
        return None


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
