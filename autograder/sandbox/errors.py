"""What the confinement modules share: the C library, and the error that stops a worker."""

from __future__ import annotations

import ctypes
import os
from functools import lru_cache


class ConfinementError(Exception):
    """A layer the kernel offers could not be applied: the worker must not run."""


@lru_cache(maxsize=1)
def libc() -> ctypes.CDLL:
    library = ctypes.CDLL(None, use_errno=True)
    library.syscall.restype = ctypes.c_long
    library.prctl.argtypes = [ctypes.c_int] + [ctypes.c_ulong] * 4
    library.prctl.restype = ctypes.c_int
    library.unshare.argtypes = [ctypes.c_int]
    library.mount.argtypes = [
        ctypes.c_char_p,
        ctypes.c_char_p,
        ctypes.c_char_p,
        ctypes.c_ulong,
        ctypes.c_void_p,
    ]
    return library


def errno_text(what: str) -> str:
    number = ctypes.get_errno()
    return f"{what}: {os.strerror(number)} (errno {number})"
