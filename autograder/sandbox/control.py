"""A process this one starts and speaks to over a UNIX socket pair: the zygote, the reference
server.

Messages are JSON documents, each after its length (4 bytes, little-endian), on a stream socket;
a message that carries file descriptors (``SCM_RIGHTS``) says how many in its ``fds`` field, and
they travel with its first bytes. The process says ``{"kind": "ready"}`` (or ``{"kind":
"failed", "why"}``) once it has started; each request that carries an ``id`` is answered, when
its work is over, by one message of the class's ``END_KIND`` with that id. ``ControlledProcess``
keeps the futures of the requests still waiting, learns when the process ends (each of them then
gets ``{"kind": "lost", "why"}``), and keeps one shared instance per class in each process.

Standard library only: the zygote imports this before any student code exists.
"""

from __future__ import annotations

import collections
import json
import socket
import subprocess
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from typing import ClassVar

CHUNK = 1 << 16
MAX_FDS = 16


def send(control: socket.socket, message: dict, fds: list[int] | None = None) -> None:
    """One message, with ``fds`` beside it; raises OSError when the other side has gone."""
    if fds:
        message = {**message, "fds": len(fds)}
    data = json.dumps(message).encode("utf-8")
    payload = len(data).to_bytes(4, "little") + data
    if fds:
        sent = socket.send_fds(control, [payload], list(fds))
        payload = payload[sent:]
    if payload:
        control.sendall(payload)


class Receiver:
    """Messages from a stream socket, and the descriptors each one carries."""

    def __init__(self, control: socket.socket):
        self.control = control
        self.buffer = bytearray()
        self.fds: collections.deque[int] = collections.deque()

    def pump(self) -> bool:
        """Read what is there (blocking until something is); False at the end."""
        try:
            data, fds, _, _ = socket.recv_fds(self.control, CHUNK, MAX_FDS)
        except OSError:
            return False
        self.fds.extend(fds)
        if not data:
            return False
        self.buffer.extend(data)
        return True

    def messages(self) -> Iterator[tuple[dict, list[int]]]:
        """The whole messages read so far, each with its descriptors."""
        while len(self.buffer) >= 4:
            length = int.from_bytes(self.buffer[:4], "little")
            if len(self.buffer) < 4 + length:
                return
            message = json.loads(bytes(self.buffer[4 : 4 + length]).decode("utf-8"))
            del self.buffer[: 4 + length]
            count = int(message.get("fds", 0)) if isinstance(message, dict) else 0
            fds = [self.fds.popleft() for _ in range(min(count, len(self.fds)))]
            yield message, fds

    def next(self) -> tuple[dict | None, list[int]]:
        """The next message (blocking); (None, []) at the end."""
        while True:
            for found in self.messages():
                return found
            if not self.pump():
                return None, []


class ControlError(Exception):
    """The process could not be started, or has gone."""


class ControlledProcess:
    """A started process, its socket, and its requests waiting for their end. Thread-safe."""

    END_KIND: ClassVar[str] = "done"
    NAME: ClassVar[str] = "the helper process"
    _shared: ClassVar[dict[type, ControlledProcess]] = {}
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    def _launch(self, command: list[str], env: dict, start_seconds: float) -> dict:
        """Start ``command`` with the far end of a socket pair as its last argument; return its
        first message once it says it is ready."""
        self._lock = threading.Lock()
        self._waiting: dict[int, Future] = {}
        self._next_id = 0
        self._dead: str | None = None
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.process = subprocess.Popen(
            [*command[:-1], str(child.fileno()), command[-1]],
            pass_fds=[child.fileno()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,
        )
        child.close()
        self.control = parent
        self._receiver = Receiver(parent)
        parent.settimeout(start_seconds)
        try:
            ready, _ = self._receiver.next()
        except (TimeoutError, ValueError):
            ready = None
        parent.settimeout(None)
        if not ready or ready.get("kind") != "ready":
            self.process.kill()
            self.process.wait()
            why = (ready or {}).get("why") or self._stderr_tail() or "no message"
            raise ControlError(f"{self.NAME} did not start: {why}")
        threading.Thread(target=self._dispatch, name=f"{self.NAME} reader", daemon=True).start()
        return ready

    @classmethod
    def stop_shared(cls) -> None:
        with cls._shared_lock:
            shared = cls._shared.pop(cls, None)
        if shared is not None:
            shared.stop()

    @property
    def dead(self) -> bool:
        return self._dead is not None or self.process.poll() is not None

    def send(self, message: dict, fds: list[int] | None = None) -> None:
        with self._lock:
            try:
                send(self.control, message, fds)
            except OSError as exc:
                raise ControlError(f"{self.NAME} has gone ({exc})") from None

    def request(self, message: dict, fds: list[int] | None = None) -> tuple[int, Future]:
        """Send ``message`` with a new id; the future gets the message that ends it."""
        future: Future = Future()
        with self._lock:
            if self._dead is not None:
                raise ControlError(f"{self.NAME} has stopped ({self._dead})")
            self._next_id += 1
            number = self._next_id
            self._waiting[number] = future
        self.send({**message, "id": number}, fds)
        return number, future

    def stop(self, timeout: float = 30) -> None:
        """Ask the process to end (it ends what it runs first), and wait for it."""
        try:
            self.send({"kind": "stop"})
        except ControlError:
            pass
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.control.close()

    def _dispatch(self) -> None:
        while True:
            try:
                message, _ = self._receiver.next()
            except ValueError:  # not JSON: the process is broken
                message = None
            if message is None:
                break
            if message.get("kind") == self.END_KIND:
                with self._lock:
                    future = self._waiting.pop(int(message["id"]), None)
                if future is not None:
                    future.set_result(message)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        with self._lock:
            self._dead = self._stderr_tail() or f"{self.NAME} ended"
            waiting, self._waiting = self._waiting, {}
        for future in waiting.values():
            future.set_result({"kind": "lost", "why": self._dead})

    def _stderr_tail(self) -> str:
        if self.process.poll() is None or self.process.stderr is None:
            return ""
        try:
            return self.process.stderr.read().decode("utf-8", "replace").strip()[-500:]
        except (OSError, ValueError):
            return ""
