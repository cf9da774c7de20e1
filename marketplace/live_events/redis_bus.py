"""The Redis bus: ids, the replay log and the fan-out to every web process go through Redis.

Publishing is one Lua script (atomic on the server): take the stream's next id, append the event
to the stream's capped log, publish it on the stream's channel. So ids reach every subscriber in
order and the log never lacks an event a subscriber already saw.

Each process holds one pub/sub connection per event loop, pattern-subscribed to every stream's
channel, and hands events to its local subscribers' queues: a thousand viewers in a process cost
one Redis connection, not a thousand. A client subscribes locally *before* reading the replay log,
so an event published in between is either in the log or in its queue (the id filters doubles).
If the pub/sub connection drops, every local subscriber is closed; clients reconnect with
``Last-Event-ID`` and resume from the log.
"""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import redis
import redis.asyncio as aioredis

from marketplace.live_events.base import FanOut, LiveEvent, Replay, replay_from

logger = logging.getLogger(__name__)

# Keys of one stream share a hash tag so the script also runs on Redis Cluster.
PUBLISH_SCRIPT = """
local id = redis.call('INCR', KEYS[1])
local payload = id .. '\\n' .. ARGV[1] .. '\\n' .. ARGV[2]
redis.call('RPUSH', KEYS[2], payload)
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[3]), -1)
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[4])
redis.call('PUBLISH', KEYS[3], payload)
return id
"""
# A stream's ids and log are kept a week after its last event.
KEY_TTL_SECONDS = 7 * 24 * 3600


class _Listener(FanOut):
    """One pattern subscription for the whole process (per event loop), fanning out to local queues."""

    def __init__(self, bus: "RedisBus") -> None:
        super().__init__()
        self.bus = bus

    async def _run(self) -> None:
        client = aioredis.Redis.from_url(self.bus.url)
        pubsub = client.pubsub()
        prefix = f"{self.bus.prefix}:livestream:"
        try:
            await pubsub.psubscribe(f"{prefix}*")
            while True:
                message = await pubsub.get_message(timeout=None)
                if message is None:
                    continue
                if message["type"] == "psubscribe":
                    self.ready.set()
                    continue
                if message["type"] != "pmessage":
                    continue
                stream_id = int(message["channel"].decode()[len(prefix) :])
                self.deliver(stream_id, LiveEvent.decode(message["data"]))
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("Live events: lost the Redis subscription; closing local subscribers")
        finally:
            # Subscribers could miss events from now on: close them so that they resume by id.
            self.close_subscribers()
            try:
                await pubsub.aclose()
                await client.aclose()
            except Exception:  # noqa: S110 - already failing; nothing more to release
                pass


class RedisBus:
    def __init__(self, *, url: str, prefix: str, replay: int) -> None:
        self.url = url
        self.prefix = prefix
        self.replay_size = replay
        self._client: redis.Redis | None = None
        self._script: Any = None
        self._listeners: dict[asyncio.AbstractEventLoop, _Listener] = {}
        self._async_clients: dict[asyncio.AbstractEventLoop, aioredis.Redis] = {}

    def _keys(self, stream_id: int) -> tuple[str, str, str]:
        tag = f"{self.prefix}:{{livestream:{stream_id}}}"
        return f"{tag}:seq", f"{tag}:log", f"{self.prefix}:livestream:{stream_id}"

    def _sync(self) -> redis.Redis:
        if self._client is None:
            self._client = redis.Redis.from_url(self.url, socket_timeout=5, socket_connect_timeout=5)
            self._script = self._client.register_script(PUBLISH_SCRIPT)
        return self._client

    def publish(self, *, stream_id: int, type: str, data: dict[str, Any]) -> LiveEvent:
        self._sync()
        draft = LiveEvent(id=0, type=type, data=data)
        payload = draft.encode().split("\n", 2)[2]
        event_id = self._script(
            keys=list(self._keys(stream_id)), args=[type, payload, self.replay_size, KEY_TTL_SECONDS]
        )
        return LiveEvent(id=int(event_id), type=type, data=data)

    def _replay(self, stream_id: int, after: int, raw_log: list[bytes], raw_last: bytes | None) -> Replay:
        log = [LiveEvent.decode(raw) for raw in raw_log]
        return replay_from(log, after=after, last_id=int(raw_last or 0))

    def replay(self, *, stream_id: int, after: int) -> Replay:
        seq, log, _channel = self._keys(stream_id)
        pipe = self._sync().pipeline(transaction=True)
        pipe.lrange(log, 0, -1)
        pipe.get(seq)
        raw_log, raw_last = pipe.execute()
        return self._replay(stream_id, after, raw_log, raw_last)

    def last_id(self, *, stream_id: int) -> int:
        return int(self._sync().get(self._keys(stream_id)[0]) or 0)

    async def replay_async(self, *, stream_id: int, after: int) -> Replay:
        loop = asyncio.get_running_loop()
        client = self._async_clients.get(loop)
        if client is None:
            client = self._async_clients[loop] = aioredis.Redis.from_url(self.url)
        seq, log, _channel = self._keys(stream_id)
        async with client.pipeline(transaction=True) as pipe:
            pipe.lrange(log, 0, -1)
            pipe.get(seq)
            raw_log, raw_last = await pipe.execute()
        return self._replay(stream_id, after, raw_log, raw_last)

    @asynccontextmanager
    async def subscribe(self, *, stream_id: int) -> AsyncIterator["asyncio.Queue[LiveEvent | None]"]:
        loop = asyncio.get_running_loop()
        listener = self._listeners.get(loop)
        if listener is None:
            listener = self._listeners[loop] = _Listener(self)
        async with listener.subscription(stream_id) as queue:
            yield queue
