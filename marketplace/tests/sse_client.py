"""A minimal server-sent events client for tests: raw HTTP/1.1 over a socket, events into a queue."""

import contextlib
import queue
import socket
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class Event:
    id: str | None
    type: str
    data: str


class SSEClient:
    """Connects at once; ``status`` and ``preamble`` are read before the constructor returns.

    Events arrive in ``events`` (a queue) from a reader thread until ``close()``.
    """

    def __init__(self, url: str, *, last_event_id: str | None = None, timeout: float = 30.0) -> None:
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=timeout)
        headers = [f"GET {parts.path}{'?' + parts.query if parts.query else ''} HTTP/1.1", f"Host: {parts.netloc}"]
        headers += ["Accept: text/event-stream", "Connection: keep-alive"]
        if last_event_id is not None:
            headers.append(f"Last-Event-ID: {last_event_id}")
        self.sock.sendall(("\r\n".join(headers) + "\r\n\r\n").encode())
        self.file = self.sock.makefile("rb")
        status_line = self.file.readline().decode()
        self.status = int(status_line.split()[1])
        self.headers: dict[str, str] = {}
        while True:
            line = self.file.readline().decode().strip()
            if not line:
                break
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()
        self.events: queue.Queue[Event] = queue.Queue()
        self.closed = threading.Event()
        self.preamble = b""
        if self.status == 200:
            self.preamble = self._chunk()
            self.thread = threading.Thread(target=self._read, daemon=True)
            self.thread.start()
        else:
            self.body = self.file.read(int(self.headers.get("content-length", "0")))

    def _chunk(self) -> bytes:
        size = int(self.file.readline().strip() or b"0", 16)
        data = self.file.read(size) if size else b""
        self.file.readline()
        if not size:
            raise EOFError
        return data

    def _read(self) -> None:
        buffer = self.preamble  # the first chunk may already hold replayed events
        try:
            while b"\n\n" in buffer:
                frame, buffer = buffer.split(b"\n\n", 1)
                self._frame(frame.decode())
            while not self.closed.is_set():
                buffer += self._chunk()
                while b"\n\n" in buffer:
                    frame, buffer = buffer.split(b"\n\n", 1)
                    self._frame(frame.decode())
        except (OSError, EOFError, ValueError):
            pass
        finally:
            self.closed.set()

    def _frame(self, frame: str) -> None:
        fields: dict[str, str] = {}
        for line in frame.split("\n"):
            if line.startswith(":") or ":" not in line:
                continue
            name, _, value = line.partition(":")
            fields[name] = value[1:] if value.startswith(" ") else value
        if "event" in fields or "data" in fields:
            self.events.put(
                Event(id=fields.get("id"), type=fields.get("event", "message"), data=fields.get("data", ""))
            )

    def next(self, timeout: float = 20.0) -> Event:
        return self.events.get(timeout=timeout)

    def close(self) -> None:
        self.closed.set()
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
