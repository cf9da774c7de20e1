"""The event value and the interface both buses implement."""

import asyncio
import json
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

# A subscriber that falls this far behind is disconnected; it reconnects with Last-Event-ID and
# catches up from the replay log instead of holding an ever-growing queue in memory.
SUBSCRIBER_QUEUE_SIZE = 256
# Put in a subscriber's queue to tell it to close (it fell behind, or the bus lost Redis).
CLOSE = None


@dataclass(frozen=True)
class LiveEvent:
    id: int
    type: str
    data: dict[str, Any]

    def encode(self) -> str:
        """The wire form kept in the replay log and sent through pub/sub: ``id\\ntype\\njson``."""
        return f"{self.id}\n{self.type}\n{json.dumps(self.data, separators=(',', ':'), default=str)}"

    @classmethod
    def decode(cls, raw: str | bytes) -> "LiveEvent":
        text = raw.decode() if isinstance(raw, bytes) else raw
        event_id, event_type, payload = text.split("\n", 2)
        return cls(id=int(event_id), type=event_type, data=json.loads(payload))

    @cached_property
    def sse(self) -> bytes:
        """The event as a server-sent event frame (built once, however many viewers receive it)."""
        payload = json.dumps(self.data, separators=(",", ":"), default=str)
        return f"id: {self.id}\nevent: {self.type}\ndata: {payload}\n\n".encode()


@dataclass(frozen=True)
class Replay:
    """Events after a client's last id; ``complete`` is False when some were already dropped."""

    events: list[LiveEvent]
    complete: bool
    last_id: int = 0


def queue_offer(queue: "asyncio.Queue[LiveEvent | None]", event: LiveEvent | None) -> None:
    """Hand an event to a subscriber from the event loop's thread; a full queue closes it."""
    try:
        queue.put_nowait(event)
    except asyncio.QueueFull:
        while not queue.empty():
            queue.get_nowait()
        queue.put_nowait(CLOSE)


class FanOut:
    """One listener per process and event loop (Redis pub/sub, or polling the SQLite file), handing
    each stream's events to the local subscribers' queues. Subclasses write ``_run``: it sets
    ``ready`` once listening, calls ``deliver`` per event, and ``close_subscribers`` when it stops,
    so that viewers who could miss events from then on reconnect and resume by id."""

    def __init__(self) -> None:
        self.queues: dict[int, set[asyncio.Queue]] = defaultdict(set)
        self.ready = asyncio.Event()
        self.task: asyncio.Task | None = None

    async def _run(self) -> None:
        raise NotImplementedError

    def ensure_started(self) -> None:
        if self.task is None or self.task.done():
            self.ready.clear()
            self.task = asyncio.get_running_loop().create_task(self._run())

    def deliver(self, stream_id: int, event: LiveEvent) -> None:
        for queue in list(self.queues.get(stream_id, ())):
            queue_offer(queue, event)

    def close_subscribers(self) -> None:
        for queues in self.queues.values():
            for queue in queues:
                queue_offer(queue, CLOSE)
        self.ready.set()

    @asynccontextmanager
    async def subscription(self, stream_id: int) -> AsyncIterator["asyncio.Queue[LiveEvent | None]"]:
        """A queue of the stream's events from now on; closed at once if the listener has failed."""
        self.ensure_started()
        queue: asyncio.Queue[LiveEvent | None] = asyncio.Queue(maxsize=SUBSCRIBER_QUEUE_SIZE)
        self.queues[stream_id].add(queue)
        try:
            await self.ready.wait()
            if self.task is not None and self.task.done():
                queue_offer(queue, CLOSE)  # the bus is unreachable: let the client retry later
            yield queue
        finally:
            self.queues[stream_id].discard(queue)
            if not self.queues[stream_id]:
                del self.queues[stream_id]


class Bus(Protocol):
    def publish(self, *, stream_id: int, type: str, data: dict[str, Any]) -> LiveEvent: ...

    def replay(self, *, stream_id: int, after: int) -> Replay: ...

    def last_id(self, *, stream_id: int) -> int: ...

    async def replay_async(self, *, stream_id: int, after: int) -> Replay: ...

    def subscribe(self, *, stream_id: int) -> AbstractAsyncContextManager["asyncio.Queue[LiveEvent | None]"]:
        """Receive the stream's new events in a queue (``CLOSE`` when the subscriber must go)."""
        ...


def replay_from(log: list[LiveEvent], *, after: int, last_id: int) -> Replay:
    """What a client that saw ``after`` missed, given the retained ``log`` and the newest id."""
    events = [event for event in log if event.id > after]
    if after > last_id:  # an id from before a restart of the bus (ids started again)
        return Replay(events=list(log), complete=False, last_id=last_id)
    oldest = log[0].id if log else last_id + 1
    return Replay(events=events, complete=after >= oldest - 1, last_id=last_id)
