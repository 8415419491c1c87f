"""The last guarantee of a grading command: when it ends, nothing it started is left running.

The command makes itself a *child subreaper* (``PR_SET_CHILD_SUBREAPER``): a process that its
grading processes leave behind (a zygote on its way out after its grader was killed, a worker in
a setting without seccomp or cgroups) is re-parented to the command instead of to init. At its
end the command waits for such processes to end, and kills whatever is still there after a
grace period. Each worker is also bound to its job in ways it cannot undo (seccomp keeps it in
its process group and its parent-death signal, a cgroup or a pid namespace ends it whole); this
covers the grading processes themselves.

Standard library only.
"""

from __future__ import annotations

import os
import signal
import time

PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> bool:
    """Adopt this process's orphaned descendants; False where the kernel refuses."""
    from autograder.sandbox.errors import libc

    return libc().prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0


def _children() -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/self/task/{task}/children", encoding="ascii") as handle:
                found.extend(int(n) for n in handle.read().split())
        except (OSError, ValueError):
            continue
    return found


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def end_descendants(grace_seconds: float = 5.0) -> list[int]:
    """Wait up to ``grace_seconds`` for this process's children (by now only what was left
    behind) to end, then SIGKILL the rest and reap them. The pids that had to be killed."""
    deadline = time.monotonic() + grace_seconds
    while True:
        _reap()
        left = _children()
        if not left or time.monotonic() >= deadline:
            break
        time.sleep(0.02)
    killed = list(left)
    end = time.monotonic() + 5
    while left and time.monotonic() < end:
        for pid in left:  # their own orphans come here in turn, and go the same way
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.01)
        _reap()
        left = _children()
        killed.extend(pid for pid in left if pid not in killed)
    return killed
