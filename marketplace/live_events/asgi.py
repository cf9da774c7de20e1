"""``GET /api/v1/livestreams/{id}/events/`` as server-sent events, served straight on ASGI.

``config.asgi`` routes this one path here instead of through Django's handler: an open stream then
costs a coroutine and a small queue, not a thread parked for the request's whole life (Django runs
sync middleware in a per-request thread) nor a database connection (the one lookup runs in the
shared thread pool and closes its connection). The count of open streams per process is bounded
by ``LIVE_EVENTS_MAX_STREAMS_PER_PROCESS``; past it a client gets a 503 with ``Retry-After``.

Clients resume with the ``Last-Event-ID`` header (or ``?last_event_id=``, for the first connection
after reading ``events_last_id`` from the stream's detail); an id older than the replay log gets a
``reset`` event first, telling the client to read the stream's state again.
"""

import asyncio
import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections, connections

from marketplace.live_events import live_event_bus
from marketplace.live_events.base import CLOSE

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

EVENTS_PATH = re.compile(r"^/api/v1/livestreams/(\d{1,18})/events/$")
# How long a browser's EventSource waits before reconnecting.
RETRY_MILLISECONDS = 3000
SSE_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache"),
    (b"x-accel-buffering", b"no"),  # nginx: pass events through as they come
]


class _Gauge:
    """Open event streams in this process (one event loop, so no lock is needed)."""

    open = 0


gauge = _Gauge()


def last_event_id(header: str | None, query: str | None) -> int | None:
    """The client's last seen id from ``Last-Event-ID`` or ``?last_event_id=``; junk counts as none."""
    for raw in (header, query):
        if raw and raw.strip().isascii() and raw.strip().isdigit() and len(raw.strip()) <= 18:
            return int(raw.strip())
    return None


def _stream_exists(stream_id: int) -> bool:
    from marketplace.livestream_selectors import livestream_exists_public

    try:
        close_old_connections()
        return livestream_exists_public(stream_id=stream_id)
    finally:
        # A pool thread must not keep a connection per open stream.
        connections.close_all()


async def _json(
    send: Send, status: int, body: dict[str, Any], headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    content = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(content)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": content})


async def _wait_disconnect(receive: Receive) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


async def events_app(scope: Scope, receive: Receive, send: Send, *, stream_id: int) -> None:
    if scope["method"] != "GET":
        await _json(send, 405, {"detail": "Use GET.", "code": "method_not_allowed", "errors": {}}, [(b"allow", b"GET")])
        return
    if gauge.open >= settings.LIVE_EVENTS_MAX_STREAMS_PER_PROCESS:
        body = {"detail": "Too many open event streams here; retry shortly.", "code": "too_many_streams", "errors": {}}
        await _json(send, 503, body, [(b"retry-after", b"5")])
        return
    gauge.open += 1
    try:
        if not await sync_to_async(_stream_exists, thread_sensitive=False)(stream_id):
            await _json(send, 404, {"detail": "No such live stream.", "code": "not_found", "errors": {}})
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        after = last_event_id(_header(scope, b"last-event-id"), (query.get("last_event_id") or [None])[0])
        await _serve(receive, send, stream_id=stream_id, after=after)
    finally:
        gauge.open -= 1


async def _serve(receive: Receive, send: Send, *, stream_id: int, after: int | None) -> None:
    bus = live_event_bus()
    disconnected = asyncio.ensure_future(_wait_disconnect(receive))
    try:
        async with bus.subscribe(stream_id=stream_id) as queue:
            await send({"type": "http.response.start", "status": 200, "headers": SSE_HEADERS})
            chunks = [f"retry: {RETRY_MILLISECONDS}\n\n".encode()]
            last_sent = after or 0
            if after is not None:
                replay = await bus.replay_async(stream_id=stream_id, after=after)
                if not replay.complete:
                    chunks.append(b'event: reset\ndata: {"reason": "events_missed"}\n\n')
                for event in replay.events:
                    chunks.append(event.sse)
                    last_sent = max(last_sent, event.id)
            await send({"type": "http.response.body", "body": b"".join(chunks), "more_body": True})
            heartbeat = settings.LIVE_EVENTS_HEARTBEAT_SECONDS
            while True:
                getter = asyncio.ensure_future(queue.get())
                done, _pending = await asyncio.wait(
                    {getter, disconnected}, timeout=heartbeat, return_when=asyncio.FIRST_COMPLETED
                )
                if disconnected in done:
                    getter.cancel()
                    return
                if getter not in done:
                    getter.cancel()
                    await send({"type": "http.response.body", "body": b": ping\n\n", "more_body": True})
                    continue
                event = getter.result()
                if event is CLOSE:
                    break
                if event.id <= last_sent:
                    continue  # already sent from the replay log
                last_sent = event.id
                await send({"type": "http.response.body", "body": event.sse, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
    finally:
        disconnected.cancel()
