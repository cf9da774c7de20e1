"""The in-process bus of the embedded default: ids, replay log and subscribers in this process's memory.

Publishers are ordinary (sync) Django code in any thread; subscribers are SSE connections on an
event loop, so events cross over with ``call_soon_threadsafe``. Correct for a single server
process only: a second process would have its own ids and never see the first one's events.
"""

import asyncio
import threading
from collections import defaultdict, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from marketplace.live_events.base import SUBSCRIBER_QUEUE_SIZE, LiveEvent, Replay, queue_offer, replay_from


class LocalBus:
    def __init__(self, *, replay: int) -> None:
        self._lock = threading.Lock()
        self._last_id: dict[int, int] = defaultdict(int)
        self._log: dict[int, deque[LiveEvent]] = defaultdict(lambda: deque(maxlen=replay))
        self._subscribers: dict[int, set[tuple[asyncio.AbstractEventLoop, asyncio.Queue]]] = defaultdict(set)

    def publish(self, *, stream_id: int, type: str, data: dict[str, Any]) -> LiveEvent:
        with self._lock:
            self._last_id[stream_id] += 1
            event = LiveEvent(id=self._last_id[stream_id], type=type, data=data)
            self._log[stream_id].append(event)
            subscribers = list(self._subscribers.get(stream_id, ()))
        for loop, queue in subscribers:
            if not loop.is_closed():
                loop.call_soon_threadsafe(queue_offer, queue, event)
        return event

    def replay(self, *, stream_id: int, after: int) -> Replay:
        with self._lock:
            return replay_from(list(self._log.get(stream_id, ())), after=after, last_id=self._last_id.get(stream_id, 0))

    def last_id(self, *, stream_id: int) -> int:
        with self._lock:
            return self._last_id.get(stream_id, 0)

    async def replay_async(self, *, stream_id: int, after: int) -> Replay:
        return self.replay(stream_id=stream_id, after=after)

    @asynccontextmanager
    async def subscribe(self, *, stream_id: int) -> AsyncIterator["asyncio.Queue[LiveEvent | None]"]:
        entry = (asyncio.get_running_loop(), asyncio.Queue(maxsize=SUBSCRIBER_QUEUE_SIZE))
        with self._lock:
            self._subscribers[stream_id].add(entry)
        try:
            yield entry[1]
        finally:
            with self._lock:
                self._subscribers[stream_id].discard(entry)
                if not self._subscribers[stream_id]:
                    del self._subscribers[stream_id]
