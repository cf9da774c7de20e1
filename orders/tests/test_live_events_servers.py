"""Live events across processes: two ASGI servers on Redis, a viewer on one, the seller and a buyer on the other.

The viewer's ``EventSource`` (here a raw SSE client) hears ``pinned`` and ``offer`` events caused by
requests served by the other process, then reconnects to that other process with
``Last-Event-ID`` and receives exactly what happened while it was away.
"""

import json

import pytest
import requests
from django.conf import settings

from accounts.services import api_token_issue
from core.tests.workers import run_database_url
from marketplace.tests.asgi_server import asgi_server
from marketplace.tests.factories import ProductFactory, VariantFactory
from marketplace.tests.live_factories import offer_for, stream_for
from marketplace.tests.sse_client import SSEClient
from sellers.tests.factories import UserFactory
from warehouses.services import stock_receive

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

ADDRESS = {
    "recipient": "Aigerim Nurlanovna",
    "phone": "+7 701 234 5678",
    "country": "KZ",
    "city": "Almaty",
    "postal_code": "050000",
    "line1": "Abay Ave 10, apt 5",
}


def server_environment() -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": run_database_url(),
        "LIVE_EVENTS_REDIS_URL": settings.LIVE_EVENTS_REDIS_URL,
        "LIVE_EVENTS_CHANNEL_PREFIX": settings.LIVE_EVENTS_CHANNEL_PREFIX,
    }


def auth(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"Authorization": f"Token {api_token_issue(user=user).key}"}


def test_sse_client_hears_pinned_and_offer_events_from_another_process_and_resumes(market) -> None:  # type: ignore[no-untyped-def]
    owner = UserFactory(email="owner@yiwu.example.com")
    from sellers.models import MemberRole, SellerMember

    SellerMember.objects.create(seller=market.seller_a, user=owner, role=MemberRole.OWNER)
    buyer = UserFactory(email="viewer@almaty.example.kz")
    teapot = VariantFactory(product=ProductFactory(seller=market.seller_a), sku="TEAPOT-1")
    stock_receive(variant_id=teapot.pk, warehouse_id=market.lianyungang.pk, quantity=10, reference="test")
    stream = stream_for(seller=market.seller_a)
    offer_for(stream=stream, variant=market.a_lyg, price="50.00", cap=5, per_buyer=2)
    seller_headers, buyer_headers = auth(owner), auth(buyer)
    events_path = f"/api/v1/livestreams/{stream.pk}/events/"

    with asgi_server(server_environment()) as server_a, asgi_server(server_environment()) as server_b:
        viewer = SSEClient(server_a + events_path)
        assert viewer.status == 200
        assert viewer.headers["content-type"].startswith("text/event-stream")
        assert viewer.preamble.startswith(b"retry:")  # subscribed: the server sends headers only after that

        pinned = requests.post(
            f"{server_b}/api/v1/seller/livestreams/{stream.pk}/pin/",
            json={"sku": market.a_lyg.sku},
            headers=seller_headers,
            timeout=30,
        )
        assert pinned.status_code == 200, pinned.text
        event = viewer.next()
        assert event.type == "pinned"
        assert json.loads(event.data)["sku"] == market.a_lyg.sku
        assert json.loads(event.data)["live_price"] == {"amount": "50.00", "currency": "CNY"}
        first_id = int(event.id)

        cart = requests.post(
            f"{server_b}/api/v1/cart/items/",
            json={"variant": market.a_lyg.pk, "quantity": 2, "livestream": stream.pk},
            headers=buyer_headers,
            timeout=30,
        )
        assert cart.status_code == 201, cart.text
        body = {"shipping_address": ADDRESS, "currency": "KZT"}
        order = requests.post(
            f"{server_b}/api/v1/orders/", json=body, headers={**buyer_headers, "Idempotency-Key": "live-1"}, timeout=60
        )
        assert order.status_code == 201, order.text
        event = viewer.next()
        assert event.type == "offer"
        assert (json.loads(event.data)["remaining"], int(event.id)) == (3, first_id + 1)
        viewer.close()

        # While the viewer is away: another pin, and the seller raises the cap.
        for request in (
            (f"/api/v1/seller/livestreams/{stream.pk}/pin/", {"sku": "TEAPOT-1"}),
            (
                f"/api/v1/seller/livestreams/{stream.pk}/offers/",
                {"sku": market.a_lyg.sku, "live_price": {"amount": "50.00", "currency": "CNY"}, "quantity_cap": 8},
            ),
        ):
            response = requests.post(server_b + request[0], json=request[1], headers=seller_headers, timeout=30)
            assert response.status_code == 200, response.text

        resumed = SSEClient(server_b + events_path, last_event_id=str(first_id + 1))
        missed = [resumed.next(), resumed.next()]
        assert [(e.type, int(e.id)) for e in missed] == [("pinned", first_id + 2), ("offer", first_id + 3)]
        assert json.loads(missed[0].data)["sku"] == "TEAPOT-1"
        assert json.loads(missed[1].data)["remaining"] == 6
        # And it goes on live from there: the stream ends (served by server A this time).
        ended = requests.post(
            f"{server_a}/api/v1/seller/livestreams/{stream.pk}/end/", json={}, headers=seller_headers, timeout=30
        )
        assert ended.status_code == 200
        event = resumed.next()
        assert (event.type, int(event.id), json.loads(event.data)["status"]) == ("status", first_id + 4, "ended")
        resumed.close()

        unknown = SSEClient(f"{server_a}/api/v1/livestreams/987654321/events/")
        assert unknown.status == 404
        assert json.loads(unknown.body)["code"] == "not_found"
        unknown.close()
