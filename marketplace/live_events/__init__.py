"""Live events of streams (``pinned``, ``offer``, ``status``): published by services, served as SSE.

Every event gets an id, increasing per stream, and the last ``LIVE_EVENTS_REPLAY`` events of a
stream are kept so that a client reconnecting with ``Last-Event-ID`` receives what it missed.
Two buses implement the same calls:

- ``RedisBus`` when ``LIVE_EVENTS_REDIS_URL`` is set: ids, the replay log and the fan-out to every
  web process on every machine go through Redis (one Lua script per event, so ids reach
  subscribers in order), and each process holds one pub/sub connection whatever its viewer count.
- ``SQLiteBus`` when ``LIVE_EVENTS_FILE`` is set (the embedded default of `make run`, which serves
  with several worker processes and no Redis): the same through a SQLite file every process polls.
- ``LocalBus`` otherwise (tests, a single process): the same in memory, correct for one process only.

Services call ``live_event_publish``; it publishes once the transaction commits, so a rolled-back
change is never announced, and a bus that is down loses the event rather than the request.
"""

import logging
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import transaction

from marketplace.live_events.base import Bus, LiveEvent
from marketplace.live_events.local import LocalBus

logger = logging.getLogger(__name__)

EVENT_TYPES = ("pinned", "offer", "status")

__all__ = ["EVENT_TYPES", "Bus", "LiveEvent", "live_event_bus", "live_event_publish"]


@lru_cache(maxsize=4)
def _bus_for(redis_url: str, prefix: str, replay: int, file: str = "") -> Bus:
    if redis_url:
        from marketplace.live_events.redis_bus import RedisBus

        return RedisBus(url=redis_url, prefix=prefix, replay=replay)
    if file:
        from marketplace.live_events.sqlite_bus import SQLiteBus

        return SQLiteBus(path=file, replay=replay)
    return LocalBus(replay=replay)


def live_event_bus() -> Bus:
    """The process's bus for the current settings (tests may switch settings; each gets its own)."""
    return _bus_for(
        settings.LIVE_EVENTS_REDIS_URL,
        settings.LIVE_EVENTS_CHANNEL_PREFIX,
        settings.LIVE_EVENTS_REPLAY,
        str(getattr(settings, "LIVE_EVENTS_FILE", "") or ""),
    )


def live_event_publish(*, stream_id: int, type: str, data: dict[str, Any]) -> None:
    """Announce an event of stream ``stream_id`` once the current transaction commits."""
    if type not in EVENT_TYPES:
        raise ValueError(f"Unknown live event {type!r}")

    def publish() -> None:
        try:
            live_event_bus().publish(stream_id=stream_id, type=type, data=data)
        except Exception:  # the change is committed; viewers see it on their next refresh
            logger.exception("Could not publish the %s event of stream %s", type, stream_id)

    transaction.on_commit(publish)
