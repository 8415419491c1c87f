"""Landlock, the kernel's access control for unprivileged processes, in a few ``ctypes`` calls.

A worker restricts itself to read-only access to a few roots (the Python installation, the
system libraries) and read-write access to its scratch folder; with ABI 4 and later, no TCP;
with ABI 6 and later, no signals and no abstract UNIX sockets outside its own domain. Written by
hand: the ``landlock`` package on PyPI (1.0.0.dev5) handles only file-system rules.
"""

from __future__ import annotations

import ctypes
import errno
import os
import stat

from autograder.sandbox.errors import ConfinementError, errno_text, libc

LIBC = libc()
PR_SET_NO_NEW_PRIVS = 38

# Landlock's system calls have the same numbers on every architecture (the unified table).
SYS_LANDLOCK_CREATE_RULESET = 444
SYS_LANDLOCK_ADD_RULE = 445
SYS_LANDLOCK_RESTRICT_SELF = 446
LANDLOCK_CREATE_RULESET_VERSION = 1
LANDLOCK_RULE_PATH_BENEATH = 1

# File-system rights, by the ABI that introduced them.
FS_EXECUTE = 1 << 0
FS_WRITE_FILE = 1 << 1
FS_READ_FILE = 1 << 2
FS_READ_DIR = 1 << 3
FS_REMOVE_DIR = 1 << 4
FS_REMOVE_FILE = 1 << 5
FS_MAKE_CHAR = 1 << 6
FS_MAKE_DIR = 1 << 7
FS_MAKE_REG = 1 << 8
FS_MAKE_SOCK = 1 << 9
FS_MAKE_FIFO = 1 << 10
FS_MAKE_BLOCK = 1 << 11
FS_MAKE_SYM = 1 << 12
FS_REFER = 1 << 13  # ABI 2
FS_TRUNCATE = 1 << 14  # ABI 3
FS_IOCTL_DEV = 1 << 15  # ABI 5
NET_BIND_TCP = 1 << 0  # ABI 4
NET_CONNECT_TCP = 1 << 1  # ABI 4
SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0  # ABI 6
SCOPE_SIGNAL = 1 << 1  # ABI 6

FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV
READ_ONLY = FS_READ_FILE | FS_READ_DIR
READ_WRITE = (
    FS_READ_FILE
    | FS_READ_DIR
    | FS_WRITE_FILE
    | FS_TRUNCATE
    | FS_REMOVE_DIR
    | FS_REMOVE_FILE
    | FS_MAKE_DIR
    | FS_MAKE_REG
    | FS_REFER
)


def abi_version() -> tuple[int, str]:
    """The Landlock ABI version this kernel offers (0 if none) and, if none, why."""
    version = LIBC.syscall(
        SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0), LANDLOCK_CREATE_RULESET_VERSION
    )
    if version >= 1:
        return int(version), ""
    number = ctypes.get_errno()
    if number == errno.ENOSYS:
        return 0, "this kernel has no Landlock (Linux 5.13 or later, built with it)"
    if number == errno.EOPNOTSUPP:
        return 0, "Landlock is built in but disabled at boot (add landlock to lsm=)"
    return 0, f"Landlock is not usable ({os.strerror(number)})"


class _RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _handled_fs(abi: int) -> int:
    rights = (1 << 13) - 1  # everything of ABI 1
    if abi >= 2:
        rights |= FS_REFER
    if abi >= 3:
        rights |= FS_TRUNCATE
    if abi >= 5:
        rights |= FS_IOCTL_DEV
    return rights


def restrict(abi: int, read_only: list[str], writable: list[str]) -> None:
    """Read-only: ``read_only``; read-write: ``writable``; nothing else, from now on."""
    handled = _handled_fs(abi)
    attr = _RulesetAttr(handled, 0, 0)
    size = ctypes.sizeof(ctypes.c_uint64)  # ABI 1-3 know only the first field
    if abi >= 4:
        attr.handled_access_net = NET_BIND_TCP | NET_CONNECT_TCP
        size = 2 * ctypes.sizeof(ctypes.c_uint64)
    if abi >= 6:
        attr.scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL
        size = ctypes.sizeof(attr)
    ruleset = LIBC.syscall(
        SYS_LANDLOCK_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), 0
    )
    if ruleset < 0:
        raise ConfinementError(errno_text("landlock_create_ruleset"))
    try:
        rules = [(p, READ_ONLY) for p in read_only]
        rules += [(p, READ_WRITE) for p in writable]
        rules.append(("/dev/null", FS_READ_FILE | FS_WRITE_FILE))
        for path, rights in rules:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue  # gone since the probe: nothing to allow
            try:
                if not stat.S_ISDIR(os.fstat(fd).st_mode):
                    rights &= FILE_RIGHTS
                rule = _PathBeneathAttr(rights & handled, fd)
                if (
                    LIBC.syscall(
                        SYS_LANDLOCK_ADD_RULE,
                        ruleset,
                        LANDLOCK_RULE_PATH_BENEATH,
                        ctypes.byref(rule),
                        0,
                    )
                    != 0
                ):
                    raise ConfinementError(errno_text(f"landlock_add_rule({path})"))
            finally:
                os.close(fd)
        if LIBC.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise ConfinementError(errno_text("PR_SET_NO_NEW_PRIVS"))
        if LIBC.syscall(SYS_LANDLOCK_RESTRICT_SELF, ruleset, 0) != 0:
            raise ConfinementError(errno_text("landlock_restrict_self"))
    finally:
        os.close(ruleset)
