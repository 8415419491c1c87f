"""Frames over a pair of pipes between the grader and a worker: plain values and numeric arrays.

A frame is a small header, a JSON document, and the raw bytes of the arrays it refers to::

    b"DFS1" | meta length (u32) | payload length (u64) | meta (JSON) | payload (array bytes)

The JSON holds codec trees (see ``autograder.codec``) whose arrays are ``{"ndarray": "3"}``:
the fourth array described in the frame's ``arrays`` list (dtype and shape), whose bytes follow
in the payload. The reader treats every frame as hostile: it checks the lengths against a cap
before it allocates, accepts numeric dtypes only, reads each array's bytes exactly once, and
lets each array be referred to once only (so one array cannot be multiplied in memory). No
pickle, no objects, no code.

Standard library plus NumPy and the codec: the worker imports this before it is confined.
"""

from __future__ import annotations

import json
import math
import os
import select
import struct
import time
from typing import Any

import numpy as np

from autograder import codec

MAGIC = b"DFS1"
HEADER = struct.Struct("<4sIQ")
MAX_META_BYTES = 16 << 20
MAX_ARRAYS = 10_000
MAX_DIMS = 32
#: Frames up to this size go out in one write.
SMALL_FRAME = 1 << 20
CHUNK = 1 << 16


class ChannelError(Exception):
    """A frame that breaks the rules, a closed pipe mid-frame, or a deadline passed."""


class ChannelClosed(ChannelError):
    """The other side closed the pipe between frames."""


class Frame:
    """An outgoing frame: encode values into it, then ``write`` it."""

    def __init__(self) -> None:
        self.arrays: list[np.ndarray] = []

    def put(self, array: np.ndarray) -> str:
        # np.require, not np.ascontiguousarray: that one turns a 0-d array into shape (1,).
        self.arrays.append(np.require(array, requirements="C"))
        return str(len(self.arrays) - 1)

    def encode(self, value: Any) -> Any:
        return codec.encode(value, self.put)

    def pack(self, meta: dict) -> tuple[bytes, list[memoryview]]:
        """The frame's header and document, and its arrays' bytes."""
        meta = dict(meta)
        meta["arrays"] = [[a.dtype.str, list(a.shape)] for a in self.arrays]
        text = json.dumps(meta, allow_nan=False).encode("utf-8")
        payload_length = sum(a.nbytes for a in self.arrays)
        head = HEADER.pack(MAGIC, len(text), payload_length) + text
        return head, [memoryview(a.reshape(-1).view(np.uint8)) for a in self.arrays if a.nbytes]

    def write(self, fd: int, meta: dict) -> None:
        head, parts = self.pack(meta)
        if sum(len(p) for p in parts) <= SMALL_FRAME:  # one write: the reader wakes once
            write_all(fd, b"".join([head, *parts]))
            return
        write_all(fd, head)
        for part in parts:
            write_all(fd, part)


def send(fd: int, meta: dict, **values: Any) -> None:
    """Write one frame: ``meta`` as it is, and each of ``values`` as a codec tree."""
    frame = Frame()
    document = dict(meta)
    for key, value in values.items():
        document[key] = frame.encode(value)
    frame.write(fd, document)


class Received:
    """An incoming frame: its JSON document, and its arrays for ``decode``."""

    def __init__(self, meta: dict, arrays: list[np.ndarray]):
        self.meta = meta
        self._arrays = arrays
        self._used: set[int] = set()

    def copy(self) -> Received:
        """A fresh, unread copy (its arrays copied too)."""
        return Received(self.meta, [a.copy() for a in self._arrays])

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in self._arrays)

    def get_array(self, key: str) -> np.ndarray:
        if not isinstance(key, str) or not key.isdigit() or int(key) >= len(self._arrays):
            raise codec.CodecError("a reference to an array that is not in the frame")
        index = int(key)
        if index in self._used:
            raise codec.CodecError("one array referred to twice")
        self._used.add(index)
        return self._arrays[index]

    def decode(self, key: str) -> Any:
        """The value stored under ``key`` in the document (a codec tree), rebuilt."""
        return codec.decode(self.meta.get(key), self.get_array)


class Reader:
    """Frames from one pipe, read in chunks (few system calls for many small frames)."""

    def __init__(self, fd: int):
        self.fd = fd
        self.buffer = bytearray()

    def receive(self, *, max_bytes: int, deadline: float | None = None) -> Received:
        """Read one frame. Raises ChannelClosed at a clean end, ChannelError for anything wrong."""
        if not self.buffer:
            self._fill(HEADER.size, deadline, allow_eof=True)
        self._fill(HEADER.size, deadline)
        magic, meta_length, payload_length = HEADER.unpack(self._take(HEADER.size))
        if magic != MAGIC:
            raise ChannelError("a frame without the expected header")
        if meta_length > min(MAX_META_BYTES, max_bytes) or payload_length > max_bytes:
            raise ChannelError(
                f"a frame of {meta_length + payload_length:,} bytes, over the limit of {max_bytes:,}"
            )
        self._fill(meta_length, deadline)
        try:
            meta = json.loads(self._take(meta_length).decode("utf-8"))
        except (ValueError, RecursionError) as exc:
            raise ChannelError(f"a frame whose document is not valid JSON ({exc})") from None
        if not isinstance(meta, dict):
            raise ChannelError("a frame whose document is not a JSON object")
        described = meta.get("arrays", [])
        if not isinstance(described, list) or len(described) > MAX_ARRAYS:
            raise ChannelError("a frame with a malformed list of arrays")
        layouts = [_layout(entry) for entry in described]
        if sum(nbytes for _, _, nbytes in layouts) != payload_length:
            raise ChannelError("a frame whose arrays do not add up to its payload")
        payload = bytearray(payload_length)
        view = memoryview(payload)
        ready = min(len(self.buffer), payload_length)
        view[:ready] = self.buffer[:ready]
        del self.buffer[:ready]
        if ready < payload_length:
            _read_into(self.fd, view[ready:], deadline)
        arrays = []
        offset = 0
        for dtype, shape, nbytes in layouts:
            chunk = view[offset : offset + nbytes]
            array = np.frombuffer(chunk, dtype=dtype) if nbytes else np.empty(0, dtype=dtype)
            arrays.append(array.reshape(shape))
            offset += nbytes
        return Received(meta, arrays)

    def _take(self, size: int) -> bytes:
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data

    def _fill(self, size: int, deadline: float | None, *, allow_eof: bool = False) -> None:
        while len(self.buffer) < size:
            _wait(self.fd, deadline)
            try:
                chunk = os.read(self.fd, max(CHUNK, size - len(self.buffer)))
            except InterruptedError:
                continue
            except OSError as exc:
                raise ChannelError(f"reading the pipe failed ({exc.strerror})") from None
            if not chunk:
                if not self.buffer and allow_eof:
                    raise ChannelClosed("the other side closed the pipe")
                raise ChannelError("the pipe closed in the middle of a frame")
            self.buffer.extend(chunk)


def _layout(entry: Any) -> tuple[np.dtype, tuple[int, ...], int]:
    if not isinstance(entry, list) or len(entry) != 2 or not isinstance(entry[0], str):
        raise ChannelError("a malformed array description")
    try:
        dtype = np.dtype(entry[0])
    except (TypeError, ValueError):
        raise ChannelError(f"an unknown dtype {entry[0][:40]!r}") from None
    if dtype.hasobject or dtype.kind not in codec.ALLOWED_KINDS or dtype.fields is not None:
        raise ChannelError(f"arrays of dtype {dtype} are not accepted (numbers and booleans only)")
    shape = entry[1]
    if (
        not isinstance(shape, list)
        or len(shape) > MAX_DIMS
        or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape)
    ):
        raise ChannelError("a malformed array shape")
    return dtype, tuple(shape), math.prod(shape) * dtype.itemsize


def _wait(fd: int, deadline: float | None, *, writing: bool = False) -> None:
    if deadline is None:
        return
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise ChannelError("the deadline passed")
    if writing:
        _, ready, _ = select.select([], [fd], [], remaining)
    else:
        ready, _, _ = select.select([fd], [], [], remaining)
    if not ready:
        raise ChannelError("the deadline passed")


def _read_into(
    fd: int, view: memoryview, deadline: float | None, *, allow_eof: bool = False
) -> int:
    got = 0
    while got < len(view):
        _wait(fd, deadline)
        try:
            count = os.readv(fd, [view[got:]])
        except InterruptedError:
            continue
        except OSError as exc:
            raise ChannelError(f"reading the pipe failed ({exc.strerror})") from None
        if count == 0:
            if got == 0 and allow_eof:
                raise ChannelClosed("the other side closed the pipe")
            raise ChannelError("the pipe closed in the middle of a frame")
        got += count
    return got


def write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data).cast("B")
    while view:
        try:
            written = os.write(fd, view)
        except InterruptedError:
            continue
        except OSError as exc:
            raise ChannelClosed(f"writing the pipe failed ({exc.strerror})") from None
        view = view[written:]
