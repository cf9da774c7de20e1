"""Sellers' livestreams through the API: lifecycle and illegal steps, pins, offers and the 30-day low, public reads."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from djmoney.money import Money

from marketplace.models import LiveStream, LiveStreamPin, VariantPriceChange
from marketplace.tests.factories import ProductFactory, VariantFactory
from marketplace.tests.live_factories import stream_for

pytestmark = pytest.mark.django_db

T0 = datetime.fromisoformat("2026-09-14T10:00:00+00:00")  # a Monday morning in Qingdao's afternoon


def stream_body(**overrides):  # type: ignore[no-untyped-def]
    body = {
        "title": "Yiwu kettles, factory prices",
        "host": "Li Na",
        "language": "zh",
        "stream_url": "rtmps://live.example.cn/app/yiwu",
        "scheduled_start": "2026-09-14T12:00:00Z",
        "scheduled_end": "2026-09-14T14:00:00Z",
    }
    body.update(overrides)
    return body


@pytest.fixture
def kettle(cast):  # type: ignore[no-untyped-def]
    """Seller A's kettle, listed at 100 CNY since long ago."""
    with time_machine.travel(T0 - timedelta(days=60), tick=False):
        return VariantFactory(product=ProductFactory(seller=cast.seller_a), sku="KETTLE-17")


def test_stream_lifecycle_and_its_illegal_steps(client_for, cast, kettle) -> None:  # type: ignore[no-untyped-def]
    staff = client_for(cast.staff_a)  # staff of the seller, not only the owner, run streams
    with time_machine.travel(T0, tick=False):
        created = staff.post("/api/v1/seller/livestreams/", stream_body(), format="json")
        assert created.status_code == 201, created.data
        stream_id = created.data["id"]
        assert created.data["status"] == "scheduled"
        assert (created.data["host"], created.data["language"]) == ("Li Na", "zh")
        base = f"/api/v1/seller/livestreams/{stream_id}"
        assert staff.post(f"{base}/end/").status_code == 409  # not live yet
        assert staff.patch(base + "/", {"replay_url": "https://replay.example.cn/1"}, format="json").status_code == 409

        started = staff.post(f"{base}/start/")
        assert started.status_code == 200 and started.data["status"] == "live"
        second = staff.post(f"{base}/start/")
        assert second.status_code == 409
        assert (second.data["code"], second.data["current_status"]) == ("livestream_state_conflict", "live")
        reschedule = {"scheduled_start": "2026-09-15T12:00:00Z", "scheduled_end": "2026-09-15T13:00:00Z"}
        assert staff.patch(base + "/", reschedule, format="json").status_code == 409

        ended = staff.post(f"{base}/end/", {"replay_url": "https://replay.example.cn/yiwu-0914"}, format="json")
        assert ended.status_code == 200
        assert ended.data["status"] == "ended"
        assert ended.data["replay_url"] == "https://replay.example.cn/yiwu-0914"
        assert ended.data["offers_valid_until"] == T0 + timedelta(minutes=15)
        for step in ("start", "end"):
            assert staff.post(f"{base}/{step}/").status_code == 409
        assert staff.post(f"{base}/pin/", {"sku": "KETTLE-17"}, format="json").status_code == 409
    stream = LiveStream.objects.get(pk=stream_id)
    assert (stream.started_at, stream.ended_at) == (T0, T0)
    assert stream.ended_by == "seller (staff-a@example.com)"


def test_stream_input_is_checked(client_for, cast) -> None:  # type: ignore[no-untyped-def]
    owner = client_for(cast.owner_a)
    bad = owner.post(
        "/api/v1/seller/livestreams/",
        stream_body(stream_url="javascript:alert(1)", language="xx", scheduled_end="2026-09-14T11:00:00Z"),
        format="json",
    )
    assert bad.status_code == 400
    assert {"stream_url", "language", "scheduled_end"} <= set(bad.data["errors"])
    assert LiveStream.objects.count() == 0
    assert client_for(cast.buyer).post("/api/v1/seller/livestreams/", stream_body(), format="json").status_code == 403


def test_pins_only_own_products_and_keeps_the_history(client_for, cast, kettle) -> None:  # type: ignore[no-untyped-def]
    teapot = VariantFactory(product=ProductFactory(seller=cast.seller_a), sku="TEAPOT-1")
    VariantFactory(product=ProductFactory(seller=cast.seller_b), sku="APRICOT-1")
    stream = stream_for(seller=cast.seller_a)
    owner = client_for(cast.owner_a)
    base = f"/api/v1/seller/livestreams/{stream.pk}"
    foreign = owner.post(f"{base}/pin/", {"sku": "APRICOT-1"}, format="json")
    assert foreign.status_code == 400 and "sku" in foreign.data["errors"]
    for sku in ("KETTLE-17", "TEAPOT-1", "KETTLE-17"):
        response = owner.post(f"{base}/pin/", {"sku": sku}, format="json")
        assert response.status_code == 200
        assert response.data["pinned_sku"] == sku
    pins = list(LiveStreamPin.objects.filter(stream=stream).values_list("variant__sku", flat=True))
    assert pins == ["KETTLE-17", "TEAPOT-1", "KETTLE-17"]
    detail = owner.get(base + "/")
    assert [pin["sku"] for pin in detail.data["pins"]] == pins
    assert teapot.pk in [pin["variant"] for pin in detail.data["pins"]]
    # Another seller's stream is not found, never shown.
    other = client_for(cast.owner_b)
    assert other.get(base + "/").status_code == 404
    assert other.post(f"{base}/pin/", {"sku": "APRICOT-1"}, format="json").status_code == 404
    assert other.post(f"{base}/start/").status_code == 404


def test_live_price_must_beat_the_lowest_price_of_30_days(client_for, cast, kettle) -> None:  # type: ignore[no-untyped-def]
    """The kettle sold at 100 until 20 days ago, then at 80 for a week, and at 120 since: the low is 80."""
    for days_ago, amount in ((20, "80.00"), (13, "120.00")):
        with time_machine.travel(T0 - timedelta(days=days_ago), tick=False):
            kettle.price = Money(Decimal(amount), "CNY")
            kettle.save()
    stream = stream_for(seller=cast.seller_a, status="scheduled", at=T0)
    owner = client_for(cast.owner_a)
    url = f"/api/v1/seller/livestreams/{stream.pk}/offers/"
    offer = {"sku": "KETTLE-17", "quantity_cap": 25, "per_buyer_limit": 2}
    with time_machine.travel(T0, tick=False):
        refused = owner.post(url, {**offer, "live_price": {"amount": "99.00", "currency": "CNY"}}, format="json")
        assert refused.status_code == 400
        assert refused.data["code"] == "live_price_not_a_discount"
        assert "80.00 CNY" in refused.data["errors"]["live_price"][0]
        assert refused.data["lowest_price"] == {"amount": "80.00", "currency": "CNY"}
        equal = owner.post(url, {**offer, "live_price": {"amount": "80.00", "currency": "CNY"}}, format="json")
        assert equal.status_code == 400
        accepted = owner.post(url, {**offer, "live_price": {"amount": "79.00", "currency": "CNY"}}, format="json")
        assert accepted.status_code == 200, accepted.data
        assert (accepted.data["quantity_cap"], accepted.data["sold"], accepted.data["remaining"]) == (25, 0, 25)
    # Six weeks later the 80 is out of the window; the price in force then (120) is the low.
    with time_machine.travel(T0 + timedelta(days=42), tick=False):
        later = owner.post(url, {**offer, "live_price": {"amount": "110.00", "currency": "CNY"}}, format="json")
        assert later.status_code == 200, later.data
    assert VariantPriceChange.objects.filter(variant=kettle).count() == 3


def test_csv_import_price_changes_are_in_the_history(cast, kettle) -> None:  # type: ignore[no-untyped-def]
    from marketplace.services.price_history import variant_price_lowest, variant_prices_record

    kettle.price = Money(Decimal("60.00"), "CNY")
    type(kettle).objects.bulk_update([kettle], ["price"])  # as the importer writes: no signal
    variant_prices_record(variants=[kettle])
    kettle.price = Money(Decimal("100.00"), "CNY")
    type(kettle).objects.bulk_update([kettle], ["price"])
    variant_prices_record(variants=[kettle])
    assert variant_price_lowest(variant=kettle) == Money(Decimal("60.00"), "CNY")


def test_offer_input_and_cap_rules(client_for, cast, kettle) -> None:  # type: ignore[no-untyped-def]
    stream = stream_for(seller=cast.seller_a, status="scheduled")
    owner = client_for(cast.owner_a)
    url = f"/api/v1/seller/livestreams/{stream.pk}/offers/"
    price = {"amount": "50.00", "currency": "CNY"}
    over_limit = owner.post(
        url, {"sku": "KETTLE-17", "live_price": price, "quantity_cap": 5, "per_buyer_limit": 6}, format="json"
    )
    assert over_limit.status_code == 400 and "per_buyer_limit" in over_limit.data["errors"]
    wrong_currency = owner.post(
        url,
        {"sku": "KETTLE-17", "live_price": {"amount": "50.00", "currency": "RUB"}, "quantity_cap": 5},
        format="json",
    )
    assert wrong_currency.status_code == 400 and "live_price" in wrong_currency.data["errors"]
    made = owner.post(url, {"sku": "KETTLE-17", "live_price": price, "quantity_cap": 5}, format="json")
    assert made.status_code == 200
    offer_id = made.data["id"]
    from marketplace.models import LiveOffer

    LiveOffer.objects.filter(pk=offer_id).update(sold=3)
    lowered = owner.post(url, {"sku": "KETTLE-17", "live_price": price, "quantity_cap": 2}, format="json")
    assert lowered.status_code == 409 and "quantity_cap" in lowered.data["errors"]
    assert owner.delete(f"{url}{offer_id}/").status_code == 409
    LiveOffer.objects.filter(pk=offer_id).update(sold=0)
    assert client_for(cast.owner_b).delete(f"{url}{offer_id}/").status_code == 404
    assert owner.delete(f"{url}{offer_id}/").status_code == 204


def test_public_list_and_detail(api_client, cast, kettle) -> None:  # type: ignore[no-untyped-def]
    from marketplace.tests.live_factories import offer_for

    live = stream_for(seller=cast.seller_a, pinned_variant=kettle)
    offer_for(stream=live, variant=kettle, price="70.00", cap=10, sold=10)
    stream_for(seller=cast.seller_b, status="scheduled", at=T0)
    stream_for(seller=cast.seller_b, status="ended", at=T0 - timedelta(days=1))
    listed = api_client.get("/api/v1/livestreams/")
    assert listed.status_code == 200
    assert [row["status"] for row in listed.data["results"]] == ["live", "scheduled", "ended"]
    assert listed.data["results"][0]["pinned_sku"] == "KETTLE-17"
    only_live = api_client.get("/api/v1/livestreams/?status=live")
    assert [row["id"] for row in only_live.data["results"]] == [live.pk]
    assert api_client.get("/api/v1/livestreams/?status=soon").status_code == 400
    detail = api_client.get(f"/api/v1/livestreams/{live.pk}/")
    (offer,) = detail.data["offers"]
    assert offer["live_price"] == {"amount": "70.00", "currency": "CNY"}
    assert offer["remaining"] == 0
    assert "sold" not in offer  # sellers see sold counts, viewers see what is left
    assert api_client.get("/api/v1/livestreams/999999/").status_code == 404


def test_admin_lists_current_streams_with_sold_and_stops_one(client, cast, kettle) -> None:  # type: ignore[no-untyped-def]
    from marketplace.tests.live_factories import offer_for

    live = stream_for(seller=cast.seller_a, title="Kettles live")
    offer_for(stream=live, variant=kettle, cap=25, sold=7)
    stream_for(seller=cast.seller_b, status="scheduled", title="Apricots tomorrow")
    stream_for(seller=cast.seller_b, status="ended", title="Old apricot show")
    client.force_login(cast.admin)
    page = client.get("/admin/marketplace/livestream/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Kettles live" in html and "Apricots tomorrow" in html and "Old apricot show" not in html
    assert "7 / 25" in html
    detail = client.get(f"/admin/marketplace/livestream/{live.pk}/change/")
    assert detail.status_code == 200 and ">18<" in detail.content.decode().replace(" ", "")  # remaining
    response = client.post(
        "/admin/marketplace/livestream/", {"action": "stop", "_selected_action": [live.pk]}, follow=True
    )
    assert response.status_code == 200
    live.refresh_from_db()
    assert live.status == "ended"
    assert live.ended_by == "platform staff (admin@example.com)"
