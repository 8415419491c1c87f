"""A process this one starts and speaks to over a UNIX socket pair: the zygote, the reference
server.

Messages are JSON documents, one per ``SOCK_SEQPACKET`` packet (a message is never split or
merged with another), with file descriptors passed beside them (``SCM_RIGHTS``). The process
says ``{"kind": "ready"}`` (or ``{"kind": "failed", "why"}``) once it has started; each request
that carries an ``id`` is answered, when its work is over, by one message of the class's
``END_KIND`` with that id. ``ControlledProcess`` keeps the futures of the requests still waiting,
learns when the process ends (each of them then gets ``{"kind": "lost", "why"}``), and keeps one
shared instance per class in each process.

Standard library only: the zygote imports this before any student code exists.
"""

from __future__ import annotations

import json
import socket
import subprocess
import threading
from concurrent.futures import Future
from typing import ClassVar

MAX_MESSAGE = 1 << 16
MAX_FDS = 8


def send(control: socket.socket, message: dict, fds: list[int] | None = None) -> None:
    """One message, with ``fds`` beside it; raises OSError when the other side has gone."""
    socket.send_fds(control, [json.dumps(message).encode("utf-8")], list(fds or []))


def receive(control: socket.socket) -> tuple[dict | None, list[int]]:
    """One message and the descriptors that came with it; (None, []) at the end."""
    try:
        data, fds, _, _ = socket.recv_fds(control, MAX_MESSAGE, MAX_FDS)
    except OSError:
        return None, []
    if not data:
        return None, fds
    return json.loads(data.decode("utf-8")), fds


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
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
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
        parent.settimeout(start_seconds)
        try:
            ready, _ = receive(parent)
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
            message, _ = receive(self.control)
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
