"""Live events on the embedded default: the in-process bus, the ASGI events app, the WSGI polling fallback."""

import asyncio
import json
from typing import Any

import pytest
from django.db import connections

from marketplace.live_events import _bus_for, live_event_bus
from marketplace.live_events.asgi import events_app, gauge
from marketplace.live_events.local import LocalBus
from marketplace.services.livestreams import livestream_pin
from marketplace.tests.factories import ProductFactory, VariantFactory
from marketplace.tests.live_factories import stream_for


@pytest.fixture
def in_process(settings):  # type: ignore[no-untyped-def]
    """The embedded default: no Redis, events stay in this process."""
    settings.LIVE_EVENTS_REDIS_URL = ""
    _bus_for.cache_clear()  # a fresh bus: stream ids repeat across tests
    assert isinstance(live_event_bus(), LocalBus)
    return live_event_bus()


def test_replay_after_an_id_and_a_gap_when_too_old() -> None:
    bus = LocalBus(replay=3)
    for n in range(5):
        bus.publish(stream_id=7, type="offer", data={"remaining": 10 - n})
    recent = bus.replay(stream_id=7, after=3)
    assert ([e.id for e in recent.events], recent.complete) == ([4, 5], True)
    too_old = bus.replay(stream_id=7, after=1)  # events 2 was dropped from the log of 3
    assert ([e.id for e in too_old.events], too_old.complete) == ([3, 4, 5], False)
    assert bus.replay(stream_id=8, after=0).complete  # a stream with no events yet misses nothing
    assert not bus.replay(stream_id=7, after=99).complete  # an id from before a restart


class Connection:
    """Drives the ASGI events app as a server would: collects what it sends, disconnects on demand."""

    def __init__(self, stream_id: int, *, last_event_id: str | None = None) -> None:
        headers = [(b"last-event-id", last_event_id.encode())] if last_event_id else []
        self.scope = {"type": "http", "method": "GET", "path": "/", "query_string": b"", "headers": headers}
        self.sent: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.gone = asyncio.Event()
        self.task = asyncio.ensure_future(events_app(self.scope, self.receive, self.sent.put, stream_id=stream_id))

    async def receive(self) -> dict[str, Any]:
        await self.gone.wait()
        return {"type": "http.disconnect"}

    async def start(self) -> tuple[int, bytes]:
        start = await asyncio.wait_for(self.sent.get(), 10)
        first = await asyncio.wait_for(self.sent.get(), 10)
        return start["status"], first.get("body", b"")

    async def body(self) -> bytes:
        return (await asyncio.wait_for(self.sent.get(), 10))["body"]

    async def close(self) -> None:
        self.gone.set()
        await asyncio.wait_for(self.task, 10)


def frames(raw: bytes) -> list[dict[str, str]]:
    found = []
    for frame in raw.decode().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in frame.split("\n") if ": " in line and not line.startswith(":"))
        if "event" in fields:
            found.append(fields)
    return found


def _pin(stream_id: int, sku: str) -> None:
    from marketplace.models import LiveStream

    try:
        livestream_pin(stream=LiveStream.objects.get(pk=stream_id), sku=sku)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_in_process_events_reach_a_viewer_and_resume(in_process, settings) -> None:  # type: ignore[no-untyped-def]
    stream = stream_for(seller=(kettle := VariantFactory(sku="KETTLE-17")).seller)
    VariantFactory(product=ProductFactory(seller=kettle.seller), sku="TEAPOT-1")

    async def scenario() -> None:
        viewer = Connection(stream.pk)
        status, preamble = await viewer.start()
        assert (status, preamble) == (200, b"retry: 3000\n\n")
        await asyncio.to_thread(_pin, stream.pk, "KETTLE-17")  # a change made by a request in another thread
        (pinned,) = frames(await viewer.body())
        assert pinned["event"] == "pinned" and json.loads(pinned["data"])["sku"] == "KETTLE-17"
        await viewer.close()
        await asyncio.to_thread(_pin, stream.pk, "TEAPOT-1")
        back = Connection(stream.pk, last_event_id=pinned["id"])
        status, first = await back.start()
        assert [(f["event"], json.loads(f["data"])["sku"]) for f in frames(first)] == [("pinned", "TEAPOT-1")]
        await back.close()
        assert gauge.open == 0

        settings.LIVE_EVENTS_MAX_STREAMS_PER_PROCESS = 1
        holder = Connection(stream.pk)
        await holder.start()
        refused = Connection(stream.pk)
        status, body = await refused.start()
        assert status == 503 and json.loads(body)["code"] == "too_many_streams"
        await holder.close()
        missing = Connection(10**9)
        status, body = await missing.start()
        assert status == 404

    asyncio.run(scenario())


@pytest.mark.django_db
def test_wsgi_fallback_polls_the_events_after_the_last_id(in_process, api_client) -> None:  # type: ignore[no-untyped-def]
    stream = stream_for(seller=VariantFactory().seller)
    for remaining in (3, 2, 1):
        in_process.publish(stream_id=stream.pk, type="offer", data={"remaining": remaining})
    response = api_client.get(f"/api/v1/livestreams/{stream.pk}/events/", HTTP_LAST_EVENT_ID="1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/event-stream")
    assert [json.loads(f["data"])["remaining"] for f in frames(response.content)] == [2, 1]
    detail = api_client.get(f"/api/v1/livestreams/{stream.pk}/")
    assert detail.data["events_last_id"] == 3
    assert api_client.get("/api/v1/livestreams/123456789/events/").status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_asgi_server_without_redis_serves_its_own_events(in_process, cast) -> None:  # type: ignore[no-untyped-def]
    """The embedded default under uvicorn: one process, the in-process bus, a change made over HTTP."""
    import requests

    from accounts.services import api_token_issue
    from core.tests.workers import run_database_url
    from marketplace.tests.asgi_server import asgi_server
    from marketplace.tests.sse_client import SSEClient

    VariantFactory(product=ProductFactory(seller=cast.seller_a), sku="KETTLE-17")
    stream = stream_for(seller=cast.seller_a)
    environment = {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": run_database_url(),
        "LIVE_EVENTS_REDIS_URL": "",  # set but empty: no Redis, whatever the broker or cache
    }
    token = api_token_issue(user=cast.owner_a)
    with asgi_server(environment) as server:
        viewer = SSEClient(f"{server}/api/v1/livestreams/{stream.pk}/events/")
        assert viewer.status == 200
        response = requests.post(
            f"{server}/api/v1/seller/livestreams/{stream.pk}/pin/",
            json={"sku": "KETTLE-17"},
            headers={"Authorization": f"Token {token.key}"},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        event = viewer.next()
        assert (event.type, event.id, json.loads(event.data)["sku"]) == ("pinned", "1", "KETTLE-17")
        viewer.close()
