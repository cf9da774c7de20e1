"""The file bus of the embedded default: ids, the replay log and the fan-out in a SQLite file under var/.

`make run` serves with several worker processes (gunicorn, uvicorn workers) and no Redis, so the
in-process bus would let a viewer connected to one process miss what a seller pinned through
another. Every process opens the same file (``LIVE_EVENTS_FILE``, by default
``var/live_events.sqlite3``, apart from the main database so its write lock never waits on ours):

- publishing is one ``BEGIN IMMEDIATE`` transaction: take the stream's next id, append the event,
  drop the stream's events older than the replay window. The write lock orders the ids, as the Lua
  script does on Redis;
- each process polls the file from one task per event loop (``POLL_SECONDS``): the rows after the
  last sequence number it saw, handed to its local subscribers' queues. A poll is one indexed
  read in WAL mode, which never waits on a writer. An event reaches viewers within a poll.

A client subscribes locally *before* reading the replay log, so an event published in between is
either in the log or in its queue (the id filters doubles). If the file cannot be read, every local
subscriber is closed; clients reconnect with ``Last-Event-ID`` and resume from the log.
"""

import asyncio
import json
import logging
import sqlite3
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from pathlib import Path
from typing import Any

from marketplace.live_events.base import FanOut, LiveEvent, Replay, replay_from

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.2
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS live_event (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
    "stream_id INTEGER NOT NULL, id INTEGER NOT NULL, type TEXT NOT NULL, payload TEXT NOT NULL)",
    "CREATE UNIQUE INDEX IF NOT EXISTS live_event_stream_id ON live_event (stream_id, id)",
)


class _Poller(FanOut):
    """One poll loop for the whole process (per event loop), fanning out to local queues."""

    def __init__(self, bus: "SQLiteBus") -> None:
        super().__init__()
        self.bus = bus

    async def _run(self) -> None:
        try:
            seen = await asyncio.to_thread(self.bus.last_seq)
            self.ready.set()
            while True:
                await asyncio.sleep(POLL_SECONDS)
                if not self.queues:
                    seen = await asyncio.to_thread(self.bus.last_seq)
                    continue
                rows = await asyncio.to_thread(self.bus.rows_after, seen, tuple(self.queues))
                for seq, stream_id, event in rows:
                    seen = max(seen, seq)
                    self.deliver(stream_id, event)
                if rows:
                    seen = max(seen, rows[-1][0])
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("Live events: could not read %s; closing local subscribers", self.bus.path)
        finally:
            self.close_subscribers()


class SQLiteBus:
    def __init__(self, *, path: str, replay: int) -> None:
        self.path = path
        self.replay_size = replay
        self._schema_lock = threading.Lock()
        self._schema_ready = False
        self._pollers: dict[asyncio.AbstractEventLoop, _Poller] = {}

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=20, isolation_level=None, check_same_thread=False)
        if not self._schema_ready:
            with self._schema_lock:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
                connection.execute("PRAGMA journal_mode=WAL")
                for statement in SCHEMA:
                    connection.execute(statement)
                self._schema_ready = True
        return connection

    def publish(self, *, stream_id: int, type: str, data: dict[str, Any]) -> LiveEvent:
        payload = json.dumps(data, separators=(",", ":"), default=str)
        with closing(self._connect()) as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                (last,) = connection.execute(
                    "SELECT COALESCE(MAX(id), 0) FROM live_event WHERE stream_id = ?", (stream_id,)
                ).fetchone()
                event_id = last + 1
                connection.execute(
                    "INSERT INTO live_event (stream_id, id, type, payload) VALUES (?, ?, ?, ?)",
                    (stream_id, event_id, type, payload),
                )
                # The newest event stays even past the window: it carries the stream's last id.
                connection.execute(
                    "DELETE FROM live_event WHERE stream_id = ? AND id <= ?", (stream_id, event_id - self.replay_size)
                )
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
        return LiveEvent(id=event_id, type=type, data=json.loads(payload))

    def last_seq(self) -> int:
        with closing(self._connect()) as connection:
            return int(connection.execute("SELECT COALESCE(MAX(seq), 0) FROM live_event").fetchone()[0])

    def rows_after(self, seq: int, stream_ids: tuple[int, ...]) -> list[tuple[int, int, LiveEvent]]:
        """The events published after ``seq`` to any of ``stream_ids``, in order."""
        if not stream_ids:
            return []
        marks = ",".join("?" * len(stream_ids))
        with closing(self._connect()) as connection:
            rows = connection.execute(
                f"SELECT seq, stream_id, id, type, payload FROM live_event "  # noqa: S608 - placeholders only
                f"WHERE seq > ? AND stream_id IN ({marks}) ORDER BY seq",
                (seq, *stream_ids),
            ).fetchall()
        return [(row[0], row[1], LiveEvent(id=row[2], type=row[3], data=json.loads(row[4]))) for row in rows]

    def replay(self, *, stream_id: int, after: int) -> Replay:
        with closing(self._connect()) as connection:
            rows = connection.execute(
                "SELECT id, type, payload FROM live_event WHERE stream_id = ? ORDER BY id", (stream_id,)
            ).fetchall()
        log = [LiveEvent(id=row[0], type=row[1], data=json.loads(row[2])) for row in rows]
        last_id = log[-1].id if log else 0
        # Only the newest ``replay`` events are promised (the oldest kept one may be older).
        return replay_from(log[-self.replay_size :], after=after, last_id=last_id)

    def last_id(self, *, stream_id: int) -> int:
        with closing(self._connect()) as connection:
            row = connection.execute(
                "SELECT COALESCE(MAX(id), 0) FROM live_event WHERE stream_id = ?", (stream_id,)
            ).fetchone()
        return int(row[0])

    async def replay_async(self, *, stream_id: int, after: int) -> Replay:
        return await asyncio.to_thread(self.replay, stream_id=stream_id, after=after)

    @asynccontextmanager
    async def subscribe(self, *, stream_id: int) -> AsyncIterator["asyncio.Queue[LiveEvent | None]"]:
        loop = asyncio.get_running_loop()
        poller = self._pollers.get(loop)
        if poller is None:
            poller = self._pollers[loop] = _Poller(self)
        async with poller.subscription(stream_id) as queue:
            yield queue
