"""Who sees what: buyer A, buyer B, seller A, seller B and an anonymous caller against every order endpoint."""

import pytest

from orders.services import cart_item_add, order_place
from orders.services.cart import cart_get_or_create
from orders.tests.factories import ALMATY_ADDRESS, market_build


@pytest.fixture
def world(make_user, rates, network):  # type: ignore[no-untyped-def]
    seller_a_user = make_user(email="seller-a@example.com")
    seller_b_user = make_user(email="seller-b@example.com")
    market = market_build(owner_a=seller_a_user, owner_b=seller_b_user)
    buyer_a = make_user(email="buyer-a@example.com")
    buyer_b = make_user(email="buyer-b@example.com")
    cart = cart_get_or_create(user=buyer_a)
    cart_item_add(cart=cart, variant_id=market.a_urc.pk, quantity=1)
    cart_item_add(cart=cart, variant_id=market.b_lyg.pk, quantity=2)
    order = order_place(user=buyer_a, cart=cart, shipping_address=ALMATY_ADDRESS, currency="KZT", preference="cheapest")
    return {
        "market": market,
        "order": order,
        "buyer_a": buyer_a,
        "buyer_b": buyer_b,
        "seller_a": seller_a_user,
        "seller_b": seller_b_user,
    }


def test_buyers_see_only_their_own_orders(client_for, api_client, world) -> None:  # type: ignore[no-untyped-def]
    order = world["order"]
    owner = client_for(world["buyer_a"])
    assert owner.get("/api/v1/orders/").data["count"] == 1
    assert owner.get(f"/api/v1/orders/{order.pk}/").status_code == 200

    stranger = client_for(world["buyer_b"])
    assert stranger.get("/api/v1/orders/").data["count"] == 0
    for method, path in (
        ("get", f"/api/v1/orders/{order.pk}/"),
        ("post", f"/api/v1/orders/{order.pk}/cancel/"),
        ("post", f"/api/v1/orders/{order.pk}/pay/"),
    ):
        response = getattr(stranger, method)(path)
        assert response.status_code == 404, path
        assert order.number not in str(response.data)
        assert getattr(api_client, method)(path).status_code == 401
    order.refresh_from_db()
    assert order.status == "pending_payment"
    # A seller is also a buyer: it sees no one else's orders on the buyer endpoints.
    assert client_for(world["seller_a"]).get(f"/api/v1/orders/{order.pk}/").status_code == 404


def test_sellers_see_only_their_own_part(client_for, api_client, world) -> None:  # type: ignore[no-untyped-def]
    market = world["market"]
    order = world["order"]
    body_a = client_for(world["seller_a"]).get("/api/v1/seller/orders/").data
    body_b = client_for(world["seller_b"]).get("/api/v1/seller/orders/").data
    (part_a,) = body_a["results"]
    (part_b,) = body_b["results"]
    assert part_a["order_number"] == part_b["order_number"] == order.number
    assert [item["sku"] for item in part_a["items"]] == [market.a_urc.sku]
    assert [item["sku"] for item in part_b["items"]] == [market.b_lyg.sku]
    assert part_a["items"][0]["unit_price"] == {"amount": "350.00", "currency": "CNY"}
    assert part_b["subtotal"] == {"amount": "9999.98", "currency": "KZT"}
    text_a = str(body_a)
    assert market.b_lyg.sku not in text_a and "9999.98" not in text_a
    assert "'payment'" not in text_a
    for secret in ("client_secret", "offline", "buyer-a@example.com", ALMATY_ADDRESS["phone"], ALMATY_ADDRESS["line1"]):
        assert secret not in text_a
    assert client_for(world["buyer_b"]).get("/api/v1/seller/orders/").status_code == 403
    assert api_client.get("/api/v1/seller/orders/").status_code == 401
