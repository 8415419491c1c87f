"""A cgroup v2 per grading run: everything a worker is, or starts, ends when the run ends.

The zygote makes a cgroup of its own (``course-zygote-PID``) beside itself in the cgroup v2
tree and moves into it before it forks any job, so every worker and anything a worker could
ever start is in it. When the zygote ends (its grader stops it, or goes), it writes
``cgroup.kill`` (Linux 5.14+), which kills every process in the cgroup at once, whatever
session, process group or parent-death signal they have, and the grader removes the cgroup
(doing the same first, should the zygote itself have been killed). Within a run, each job ends
through its process group, which seccomp keeps the worker in. A worker
cannot move out: that needs write access to another cgroup's ``cgroup.procs``, which Landlock
and the unprivileged user refuse. It works with namespaces off, as in Docker, wherever the
cgroup tree is writable (root, or a delegated subtree); elsewhere this layer is off, and the
process group (which seccomp keeps the worker in) and the parent-death signals do the same job.

Standard library only: the zygote imports this before any student code exists.
"""

from __future__ import annotations

import os
import time

PREFIX = "course-zygote-"


def _mount_point() -> str | None:
    """Where the cgroup v2 hierarchy is mounted (``/sys/fs/cgroup`` or its ``unified`` part)."""
    try:
        with open("/proc/self/mountinfo", encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    for line in lines:
        left, _, right = line.partition(" - ")
        fields = left.split()
        if right.split()[:1] == ["cgroup2"] and len(fields) > 4:
            return fields[4].replace("\\040", " ")
    return None


def own_cgroup() -> tuple[str | None, str]:
    """This process's cgroup v2 folder, or None and why not."""
    mount = _mount_point()
    if mount is None:
        return None, "no cgroup v2 hierarchy is mounted"
    try:
        with open("/proc/self/cgroup", encoding="utf-8") as handle:
            entries = handle.read().splitlines()
    except OSError as exc:
        return None, f"/proc/self/cgroup cannot be read ({exc.strerror})"
    for entry in entries:
        if entry.startswith("0::"):
            folder = os.path.join(mount, entry[3:].lstrip("/"))
            return (folder, "") if os.path.isdir(folder) else (None, f"{folder} is not there")
    return None, "this process has no cgroup v2 membership"


def probe() -> tuple[str | None, str]:
    """The folder a zygote may make its cgroups in, or None and why not: tried, not guessed."""
    parent, why = own_cgroup()
    if parent is None:
        return None, why
    trial = os.path.join(parent, f"{PREFIX}probe-{os.getpid()}")
    try:
        os.mkdir(trial)
    except OSError as exc:
        return None, f"the cgroup tree is not writable here ({exc.strerror})"
    try:
        if not os.path.exists(os.path.join(trial, "cgroup.kill")):
            return None, "the kernel has no cgroup.kill (Linux 5.14 or later)"
        return parent, ""
    finally:
        _remove(trial)


def _write(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def _remove(folder: str) -> bool:
    try:
        os.rmdir(folder)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return True


def _populated(folder: str) -> bool:
    try:
        with open(os.path.join(folder, "cgroup.events"), encoding="utf-8") as handle:
            return "populated 1" in handle.read()
    except OSError:
        return False


class RunCgroup:
    """The cgroup of one zygote and every job it runs: made beside the zygote, entered by it
    once (a move between cgroups is slow, so never once per job), killed whole at its end."""

    def __init__(self, parent: str):
        _clean_stale(parent)
        self.path = os.path.join(parent, f"{PREFIX}{os.getpid()}")
        os.mkdir(self.path)
        try:
            _write(os.path.join(self.path, "cgroup.procs"), "0")
        except OSError:
            _remove(self.path)
            raise


def end(path: str, wait_seconds: float = 5.0, *, leave: bool = False) -> None:
    """Kill every process in the cgroup at ``path``, wait until it is empty, remove it. With
    ``leave``, the calling process (inside it) first moves back to the cgroup above."""
    if leave:
        try:
            _write(os.path.join(os.path.dirname(path), "cgroup.procs"), "0")
        except OSError:
            pass  # then it ends with the others, and the grader removes the cgroup
    try:
        _write(os.path.join(path, "cgroup.kill"), "1")
    except OSError:
        pass
    deadline = time.monotonic() + wait_seconds
    while _populated(path) and time.monotonic() < deadline:
        time.sleep(0.01)
    _remove(path)


def _clean_stale(parent: str) -> None:
    """Remove the cgroups of zygotes that have gone (killed before theirs was removed)."""
    try:
        names = os.listdir(parent)
    except OSError:
        return
    for name in names:
        number = name[len(PREFIX) :]
        if not name.startswith(PREFIX) or not number.isdigit():
            continue
        try:
            os.kill(int(number), 0)
            continue  # that zygote is alive
        except ProcessLookupError:
            pass
        except PermissionError:
            continue
        end(os.path.join(parent, name), wait_seconds=1.0)
