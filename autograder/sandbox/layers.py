"""The kernel's confinement of a worker, layer by layer, and a report of which layers hold here.

Student code is confined by the kernel, not by Python: a worker process applies every layer
below to itself, in this order, before it reads a byte of student code.

1. **Limits** (``setrlimit``): address space, CPU time, file size, open files, processes, no core
   dumps. Its own session, so the whole process group can be killed at once.
2. **Namespaces** (``unshare``): new pid, network, mount, IPC and UTS namespaces. Other processes
   and the network are simply not there. As root this needs nothing more; as an ordinary user it
   needs unprivileged user namespaces (a new user namespace that maps the user to itself).
3. **Unprivileged user**: when the grader runs as root, the worker drops to ``nobody``
   (uid/gid 65534) with no supplementary groups. If the Python installation is not readable by
   others (pyenv under a 0700 home, say), it keeps the one capability ``CAP_DAC_READ_SEARCH``,
   to read it; Landlock still limits what it may read.
4. **Landlock** (``landlock``, hand-written ctypes: see ``README``): read-only access to the Python
   installation and the system libraries (never the course package, the solutions or the
   submissions), read-write access to the worker's scratch folder only, no TCP, and (ABI 6 or
   later) no signals or abstract UNIX sockets outside its own domain.
5. **seccomp** (``seccomp_filter``: ``pyseccomp`` over the system's libseccomp): no ``execve``, no new processes
   (threads allowed), no ``ptrace`` or ``process_vm_*``, no ``pidfd_*``, no signals to other
   processes, no sockets, no ``mknod``, no changes to ownership, modes, times or extended
   attributes (Landlock does not cover those), no mounts, namespaces, keyrings, BPF, io_uring,
   and none of the system calls newer than this filter knows.

A layer the kernel offers must apply; if it fails, the worker stops before running anything
(``ConfinementError``), and the grader counts that as its own error, never as a pass. A layer
the kernel does not offer is reported as off by ``course doctor``, and ``course grade
--require-isolation`` refuses to grade without Landlock and seccomp.

Standard library plus ``pyseccomp``: this module is imported by the zygote before any student
code exists, and must not import the rest of the course.
"""

from __future__ import annotations

import ctypes
import os
import resource
import site
import stat
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

from autograder.sandbox import cgroups, landlock, seccomp_filter
from autograder.sandbox.errors import ConfinementError, errno_text, libc

__all__ = [
    "EXIT_CONFINEMENT_FAILED",
    "EXIT_CPU_LIMIT",
    "SWITCHABLE",
    "ConfinementError",
    "Layers",
    "probe",
]

# -- system call numbers and constants ------------------------------------------------------------

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
NAMESPACES = CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS

PR_SET_PDEATHSIG = 1
PR_SET_KEEPCAPS = 8
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
CAP_DAC_READ_SEARCH = 2
LINUX_CAPABILITY_VERSION_3 = 0x20080522
MS_REC = 0x4000
MS_PRIVATE = 1 << 18

NOBODY = 65534

#: Exit code of a worker whose confinement failed; it ran no student code.
EXIT_CONFINEMENT_FAILED = 97
#: Exit code of a worker stopped at its CPU-time limit.
EXIT_CPU_LIMIT = 98

# -- what this machine offers -----------------------------------------------------------------


@dataclass
class Layers:
    """Which layers a worker gets on this machine, and why a layer is off."""

    landlock_abi: int = 0
    landlock_why: str = ""
    seccomp: bool = False
    seccomp_why: str = ""
    namespaces: bool = False
    namespaces_why: str = ""
    user_namespace: bool = False  # needed (and used) when not root
    drop_to_uid: int | None = None  # root: the uid the worker runs as
    keep_read_capability: bool = False
    unprivileged_why: str = ""
    read_only: list[str] = field(default_factory=list)
    limits: bool = True
    cgroup: str = ""  # where the zygote makes its run's cgroup; then the cgroup ("" when off)
    cgroup_why: str = ""

    def lines(self) -> list[str]:
        """One line per layer, as ``course doctor`` prints them."""
        landlock = (
            f"landlock: on (ABI {self.landlock_abi}"
            + ("; signals and abstract sockets scoped" if self.landlock_abi >= 6 else "")
            + ")"
            if self.landlock_abi
            else f"landlock: off ({self.landlock_why})"
        )
        seccomp = "seccomp: on" if self.seccomp else f"seccomp: off ({self.seccomp_why})"
        if self.namespaces:
            kind = "in a user namespace" if self.user_namespace else "as root"
            namespaces = f"namespaces: on (pid, net, mount, ipc, uts; {kind})"
        else:
            namespaces = f"namespaces: off ({self.namespaces_why})"
        if self.drop_to_uid is not None:
            extra = (
                "; keeps CAP_DAC_READ_SEARCH only, because the Python installation is not "
                "readable by other users (Landlock limits what it may read)"
                if self.keep_read_capability
                else ""
            )
            user = f"unprivileged user: on (uid {self.drop_to_uid}{extra})"
        elif os.geteuid() != 0:
            user = f"unprivileged user: on (runs as uid {os.geteuid()}, not root)"
        else:
            user = f"unprivileged user: off ({self.unprivileged_why})"
        limits = "limits: on (memory, CPU time, file size, open files, processes, wall clock)"
        cgroup = (
            "cgroup: on (the grading run in a cgroup of its own, killed whole at its end)"
            if self.cgroup
            else f"cgroup: off ({self.cgroup_why}; the job's process group and parent-death "
            "signals end it instead)"
        )
        return [landlock, seccomp, namespaces, user, limits, cgroup]

    @property
    def required_missing(self) -> list[str]:
        """The layers ``--require-isolation`` insists on that are off here."""
        missing = []
        if not self.landlock_abi:
            missing.append(f"Landlock ({self.landlock_why})")
        if not self.seccomp:
            missing.append(f"seccomp ({self.seccomp_why})")
        return missing

    def as_dict(self) -> dict:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, raw: dict) -> Layers:
        known = {k: v for k, v in raw.items() if k in cls.__dataclass_fields__}
        return cls(**known)


LIBC = libc()


# -- roots a worker may read ------------------------------------------------------------------------


def _beneath(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def readable_roots(closed: list[str]) -> list[str]:
    """Folders (and files) a worker may read: the Python installation and the system libraries.

    A root that contains a ``closed`` path (the course package, the solutions) is opened one
    level down at a time, leaving the closed paths out, because Landlock can only allow.
    """
    candidates = [sys.prefix, sys.base_prefix, sys.exec_prefix, *site.getsitepackages()]
    candidates += ["/usr/lib", "/usr/lib64", "/lib", "/lib64", "/usr/local/lib"]
    candidates += ["/etc/ld.so.cache", "/etc/localtime", "/dev/urandom"]
    closed = [os.path.realpath(c) for c in closed if c]
    allowed: list[str] = []
    for candidate in candidates:
        real = os.path.realpath(candidate)
        if not os.path.exists(real) or any(_beneath(real, a) for a in allowed):
            continue
        allowed.extend(_open_around(real, closed))
    # A later, wider root makes an earlier, narrower one redundant.
    allowed = sorted(set(allowed), key=len)
    kept: list[str] = []
    for path in allowed:
        if not any(_beneath(path, k) for k in kept):
            kept.append(path)
    return kept


def _open_around(root: str, closed: list[str]) -> list[str]:
    if any(_beneath(root, c) for c in closed):
        return []
    if not any(_beneath(c, root) for c in closed) or not os.path.isdir(root):
        return [root]
    opened = []
    try:
        entries = sorted(os.listdir(root))
    except OSError:
        return []
    for name in entries:
        opened.extend(_open_around(os.path.join(root, name), closed))
    return opened


def readable_by_others(paths: list[str]) -> bool:
    """True when every path (and each folder above it) is open to users other than its owner."""
    for path in paths:
        current = path
        while True:
            try:
                mode = os.stat(current).st_mode
            except OSError:
                return False
            if stat.S_ISDIR(mode):
                if not mode & stat.S_IXOTH or (current == path and not mode & stat.S_IROTH):
                    return False
            elif not mode & stat.S_IROTH:
                return False
            parent = os.path.dirname(current)
            if parent == current:
                break
            current = parent
    return True


def _probe_namespaces(as_root: bool) -> tuple[bool, str]:
    """Try the namespaces in a throwaway child, so this process stays as it is."""
    flags = NAMESPACES if as_root else NAMESPACES | CLONE_NEWUSER
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through its exit code
        code = 0
        try:
            if LIBC.unshare(flags) != 0:
                code = 10 + ctypes.get_errno() % 100
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code == 0:
        return True, ""
    number = code - 10 if code >= 10 else 0
    reason = os.strerror(number) if number else f"exit {code}"
    if not as_root:
        return False, (
            f"unprivileged user namespaces are not allowed here ({reason}); "
            "run as root, or enable kernel.unprivileged_userns_clone"
        )
    return False, f"unshare refused ({reason}), e.g. inside a container without CAP_SYS_ADMIN"


def _probe_user_drop() -> str:
    """Why root cannot hand a worker to ``nobody`` here ("" when it can), found by trying.

    Root without ``CAP_CHOWN``, ``CAP_SETUID`` or ``CAP_SETGID`` (a container started with
    ``--cap-drop ALL``) can neither give the worker its scratch folder nor change its user. The
    worker then stays uid 0 without any capability, and Landlock and seccomp decide what it may
    do. The throwaway folder and child leave this process as it was.
    """
    import tempfile

    folder = tempfile.mkdtemp(prefix="course-probe-")
    try:
        os.chown(folder, NOBODY, NOBODY)
    except OSError as exc:
        return (
            f"root may not give files away here ({exc.strerror}: no CAP_CHOWN, e.g. a container "
            "started with --cap-drop ALL); the worker stays uid 0 with no capabilities"
        )
    finally:
        os.rmdir(folder)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through its exit code
        code = 0
        try:
            os.setgroups([])
            os.setresgid(NOBODY, NOBODY, NOBODY)
            os.setresuid(NOBODY, NOBODY, NOBODY)
        except OSError as exc:
            code = 10 + (exc.errno or 0) % 100
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code == 0:
        return ""
    reason = os.strerror(code - 10) if code >= 10 else f"exit {code}"
    return (
        f"root may not change its user here ({reason}: no CAP_SETUID/CAP_SETGID, e.g. a "
        "container started with --cap-drop ALL); the worker stays uid 0 with no capabilities"
    )


#: Layers that ``COURSE_SANDBOX_DISABLE`` (comma-separated) may turn off, to diagnose a kernel.
SWITCHABLE = ("landlock", "seccomp", "namespaces", "user", "cgroup")


def probe(closed: list[str], disabled: Sequence[str] = ()) -> Layers:
    """What this machine offers; runs no student code and changes nothing in this process."""
    off = "disabled by COURSE_SANDBOX_DISABLE"
    layers = Layers()
    layers.landlock_abi, layers.landlock_why = landlock.abi_version()
    if "landlock" in disabled:
        layers.landlock_abi, layers.landlock_why = 0, off
    library, layers.seccomp_why = seccomp_filter.library()
    layers.seccomp = library is not None
    if "seccomp" in disabled:
        layers.seccomp, layers.seccomp_why = False, off
    as_root = os.geteuid() == 0
    if "namespaces" in disabled:
        layers.namespaces, layers.namespaces_why = False, off
    else:
        layers.namespaces, layers.namespaces_why = _probe_namespaces(as_root)
    layers.user_namespace = layers.namespaces and not as_root
    layers.read_only = readable_roots(closed)
    if "cgroup" in disabled:
        layers.cgroup_why = off
    else:
        parent, layers.cgroup_why = cgroups.probe()
        layers.cgroup = parent or ""
    if as_root and "user" in disabled:
        layers.unprivileged_why = off
    elif as_root and (cannot := _probe_user_drop()):
        layers.unprivileged_why = cannot
    elif as_root:
        layers.drop_to_uid = NOBODY
        # Reading past file modes is safe only while Landlock says what may be read.
        layers.keep_read_capability = bool(layers.landlock_abi) and not readable_by_others(
            layers.read_only
        )
    return layers


# -- applying the layers (in the worker, before any student code) -----------------------------


def apply_limits(limits: dict) -> None:
    memory = int(limits["memory_bytes"])
    cpu = int(limits["cpu_seconds"])
    file_bytes = int(limits["file_bytes"])
    settings = [
        (resource.RLIMIT_AS, memory),
        (resource.RLIMIT_CPU, cpu),  # SIGXCPU; the hard limit, a second later, is SIGKILL
        (resource.RLIMIT_FSIZE, file_bytes),
        (resource.RLIMIT_NOFILE, 64),
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_NPROC, 256),
    ]
    for which, value in settings:
        hard = value + 1 if which == resource.RLIMIT_CPU else value
        try:
            resource.setrlimit(which, (value, hard))
        except (ValueError, OSError) as exc:
            raise ConfinementError(f"setrlimit({which}) failed: {exc}") from None


def enter_namespaces(layers: Layers) -> None:
    """Unshare the namespaces (the caller forks next: its child is pid 1 of the new pid ns)."""
    if not layers.namespaces:
        return
    uid, gid = os.getuid(), os.getgid()
    flags = NAMESPACES | (CLONE_NEWUSER if layers.user_namespace else 0)
    if LIBC.unshare(flags) != 0:
        raise ConfinementError(errno_text("unshare"))
    if layers.user_namespace:
        # Map the user to itself: no new rights outside, and the files keep their owners.
        try:
            with open("/proc/self/setgroups", "w") as handle:
                handle.write("deny")
            with open("/proc/self/uid_map", "w") as handle:
                handle.write(f"{uid} {uid} 1")
            with open("/proc/self/gid_map", "w") as handle:
                handle.write(f"{gid} {gid} 1")
        except OSError as exc:
            raise ConfinementError(f"user namespace mapping failed: {exc}") from None


def private_mounts(layers: Layers) -> None:
    """In the new mount namespace, nothing propagates back to the host's mounts."""
    if not layers.namespaces:
        return
    if LIBC.mount(None, b"/", None, MS_REC | MS_PRIVATE, None) != 0:
        raise ConfinementError(errno_text("making mounts private"))


def die_with_parent() -> None:
    if LIBC.prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0) != 0:  # SIGKILL
        raise ConfinementError(errno_text("PR_SET_PDEATHSIG"))


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def _set_capabilities(keep: list[int]) -> None:
    header = _CapHeader(LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    for cap in keep:
        data[cap // 32].effective |= 1 << (cap % 32)
        data[cap // 32].permitted |= 1 << (cap % 32)
    if LIBC.capset(ctypes.byref(header), data) != 0:
        raise ConfinementError(errno_text("capset"))


def drop_privileges(layers: Layers) -> None:
    """Root: become ``nobody``. Anyone: keep no capability (bar the one read capability)."""
    if layers.drop_to_uid is not None:
        uid = layers.drop_to_uid
        if LIBC.prctl(PR_SET_KEEPCAPS, 1 if layers.keep_read_capability else 0, 0, 0, 0) != 0:
            raise ConfinementError(errno_text("PR_SET_KEEPCAPS"))
        try:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
        except OSError as exc:
            raise ConfinementError(f"dropping to uid {uid} failed: {exc}") from None
        if os.geteuid() == 0 or os.getuid() == 0:
            raise ConfinementError("still root after setresuid")
    keep = [CAP_DAC_READ_SEARCH] if layers.keep_read_capability else []
    _set_capabilities(keep)
    LIBC.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)


def apply_landlock(layers: Layers, writable: list[str]) -> None:
    """Read-only: the roots in ``layers.read_only``; read-write: ``writable``; nothing else."""
    if layers.landlock_abi:
        landlock.restrict(layers.landlock_abi, layers.read_only, writable)


def apply_seccomp(layers: Layers) -> None:
    """The last layer: the system calls a worker may not make (``seccomp_filter``)."""
    if layers.seccomp:
        seccomp_filter.load()
