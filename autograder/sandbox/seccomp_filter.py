"""The seccomp filter of a worker: the system calls it may not make.

Built with ``pyseccomp`` over the system's libseccomp, which knows each architecture's
system-call numbers and writes the BPF program. The default is to allow (NumPy, pandas and
Python itself use many calls); what is denied fails with EPERM, so Python raises PermissionError
and the student reads why. Calls newer than this list fail with ENOSYS, as on a kernel that does
not have them. Calls of a foreign architecture (32-bit on x86-64) kill the process.
"""

from __future__ import annotations

import errno
import os

from autograder.sandbox.errors import ConfinementError

CLONE_THREAD = 0x00010000

#: System calls a worker may not make (each fails with EPERM, so Python raises PermissionError).
DENIED_SYSCALLS = (
    # processes and programs
    "execve",
    "execveat",
    "fork",
    "vfork",
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "process_madvise",
    "pidfd_open",
    "pidfd_send_signal",
    "pidfd_getfd",
    "kcmp",
    # the network and other processes' sockets
    "socket",
    "socketpair",
    # files the kernel's Landlock rules do not cover
    "mknod",
    "mknodat",
    "chmod",
    "fchmod",
    "fchmodat",
    "fchmodat2",
    "chown",
    "fchown",
    "lchown",
    "fchownat",
    "utime",
    "utimes",
    "utimensat",
    "futimesat",
    "setxattr",
    "lsetxattr",
    "fsetxattr",
    "removexattr",
    "lremovexattr",
    "fremovexattr",
    "name_to_handle_at",
    "open_by_handle_at",
    # limits, namespaces, mounts and the kernel itself
    "setrlimit",
    "prlimit64",
    "unshare",
    "setns",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "open_tree",
    "move_mount",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "mount_setattr",
    "keyctl",
    "add_key",
    "request_key",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "fanotify_init",
    "personality",
    "quotactl",
    "syslog",
    "acct",
    "swapon",
    "swapoff",
    "reboot",
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "iopl",
    "ioperm",
    "vhangup",
    # leaving the job's session or process group, through which the grader kills the job
    "setsid",
    "setpgid",
    "setpgrp",
)
#: ``prctl`` options a worker may not use: changing the parent-death signal would let it outlive
#: the process that supervises it (and a pid namespace's death, where there is one).
DENIED_PRCTL = (1,)  # PR_SET_PDEATHSIG
#: Signals may go to the worker itself only (its pid is compared in the filter).
SIGNAL_SYSCALLS = ("kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo")
#: System calls newer than this list (same numbers on x86-64 and ARM64) fail with ENOSYS, the
#: answer of a kernel that does not have them, so libraries fall back to older calls. Among them:
#: setxattrat/removexattrat (463, 466) and file_setattr (469), which the names above would miss.
FIRST_UNKNOWN_SYSCALL = 453
LAST_UNKNOWN_SYSCALL = 600


def library() -> tuple[object | None, str]:
    try:
        import pyseccomp
    except ImportError:
        return None, "the pyseccomp package is not installed (pip install -r requirements.txt)"
    except (OSError, RuntimeError) as exc:  # libseccomp itself is missing
        return None, f"the system's libseccomp could not be loaded ({exc})"
    return pyseccomp, ""


def load() -> None:
    """Load the filter into this process (and the threads it starts later)."""
    found, why = library()
    if found is None:
        raise ConfinementError(why)
    sc = found
    denied = sc.ERRNO(errno.EPERM)
    try:
        rules = sc.SyscallFilter(sc.ALLOW)
        for name in DENIED_SYSCALLS:
            try:
                number = sc.resolve_syscall(sc.Arch.NATIVE, name)
            except ValueError:
                continue
            if number >= 0:  # a name this architecture does not have resolves below zero
                rules.add_rule(denied, number)
        rules.add_rule(sc.ERRNO(errno.ENOSYS), "clone3")  # glibc falls back to clone
        rules.add_rule(denied, "clone", sc.Arg(0, sc.MASKED_EQ, CLONE_THREAD, 0))
        for option in DENIED_PRCTL:
            rules.add_rule(denied, "prctl", sc.Arg(0, sc.EQ, option))
        me = os.getpid()
        for name in SIGNAL_SYSCALLS:
            rules.add_rule(denied, name, sc.Arg(0, sc.NE, me))
        known = {sc.resolve_syscall(sc.Arch.NATIVE, n) for n in ("clone3",) + DENIED_SYSCALLS}
        for number in range(FIRST_UNKNOWN_SYSCALL, LAST_UNKNOWN_SYSCALL):
            if number not in known:
                rules.add_rule(sc.ERRNO(errno.ENOSYS), number)
        rules.load()
    except ConfinementError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure of the library is the same failure
        raise ConfinementError(f"seccomp filter could not be loaded: {exc}") from None
