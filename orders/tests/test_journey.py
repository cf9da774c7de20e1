"""The demo journey end to end over HTTP: register, fill the cart from two sellers, quote, order, pay, admin."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from orders.models import Order
from orders.tests.factories import TASHKENT_ADDRESS


# The order must cost what the quote said; both read the clock, so a departure's cut-off passing
# between them would change the price. A Monday at 10:00 in Tashkent, 13:00 in Urumqi and Lianyungang.
@time_machine.travel(datetime(2026, 11, 16, 5, 0, tzinfo=UTC))
@pytest.mark.django_db(transaction=True)
def test_buyer_journey_from_registration_to_the_admin(api_client, make_user, market) -> None:  # type: ignore[no-untyped-def]
    registered = api_client.post(
        "/api/v1/auth/register/", {"email": "new.buyer@example.com", "password": "Caravan-Route-2026"}, format="json"
    )
    assert registered.status_code == 201, registered.data
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {registered.data['token']}")

    for variant, quantity in ((market.a_urc, 1), (market.b_lyg, 2)):
        response = api_client.post("/api/v1/cart/items/", {"variant": variant.pk, "quantity": quantity}, format="json")
        assert response.status_code == 201, response.data
    cart = api_client.get("/api/v1/cart/?currency=UZS").data
    assert {item["seller"]["id"] for item in cart["items"]} == {market.seller_a.pk, market.seller_b.pk}

    body = {"shipping_address": TASHKENT_ADDRESS, "currency": "UZS", "preference": "cheapest"}
    quote = api_client.post("/api/v1/checkout/quote/", body, format="json")
    assert quote.status_code == 200, quote.data
    assert sorted(s["warehouse"] for s in quote.data["shipments"]) == ["LYG", "URC"]

    placed = api_client.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="journey-1")
    assert placed.status_code == 201, placed.data
    assert placed.data["totals"] == quote.data["totals"]  # the order costs what the quote said
    paid = api_client.post(f"/api/v1/orders/{placed.data['id']}/pay/")
    assert paid.status_code == 200
    assert paid.data["status"] == "allocated"
    listed = api_client.get("/api/v1/orders/").data
    assert [row["number"] for row in listed["results"]] == [placed.data["number"]]

    admin = Client()
    admin.force_login(make_user(email="admin@example.com", is_staff=True, is_superuser=True))
    order = Order.objects.get(pk=placed.data["id"])
    for term in (order.number, "new.buyer@example.com", market.b_lyg.sku):
        page = admin.get("/admin/orders/order/", {"q": term})
        assert page.status_code == 200
        assert order.number in page.content.decode()
    page = admin.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    assert "URC" in page and "LYG" in page
    assert "allocated" in page.lower()
