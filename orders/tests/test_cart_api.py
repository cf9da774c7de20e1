"""Cart API: add by variant id, raise quantity on re-add, limits, prices in the buyer's currency."""

import pytest
from django.contrib.auth import login
from django.test import RequestFactory

from marketplace.models import ProductStatus
from orders.models import Cart, CartItem
from orders.services import SESSION_CART_KEY, cart_item_add
from orders.services.cart import cart_get_or_create


@pytest.fixture
def buyer(make_user):  # type: ignore[no-untyped-def]
    return make_user(email="buyer@example.com", preferred_currency="KZT")


def test_anonymous_caller_gets_401(api_client, market) -> None:  # type: ignore[no-untyped-def]
    assert api_client.get("/api/v1/cart/").status_code == 401
    assert api_client.post("/api/v1/cart/items/", {"variant": market.a_urc.pk}, format="json").status_code == 401


def test_add_change_remove(client_for, buyer, market) -> None:  # type: ignore[no-untyped-def]
    client = client_for(buyer)
    response = client.post("/api/v1/cart/items/", {"variant": market.a_urc.pk, "quantity": 2}, format="json")
    assert response.status_code == 201, response.data
    response = client.post("/api/v1/cart/items/", {"variant": market.a_urc.pk, "quantity": 3}, format="json")
    assert response.status_code == 201
    (item,) = response.data["items"]
    assert item["quantity"] == 5  # re-adding raises the quantity, one line per variant
    assert item["sku"] == market.a_urc.sku
    assert item["seller"]["id"] == market.seller_a.pk
    # 350 CNY at 505/7.20 KZT per CNY = 24548.611… KZT, shown as 24548.61; the line is what a
    # buyer's calculator says for five of them.
    assert item["unit_price"] == {"amount": "24548.61", "currency": "KZT"}
    assert item["line_total"] == {"amount": "122743.05", "currency": "KZT"}
    assert response.data["subtotal"] == {"amount": "122743.05", "currency": "KZT"}

    response = client.patch(f"/api/v1/cart/items/{item['id']}/", {"quantity": 1}, format="json")
    assert response.status_code == 200
    assert response.data["items"][0]["quantity"] == 1

    assert client.delete(f"/api/v1/cart/items/{item['id']}/").status_code == 204
    assert client.get("/api/v1/cart/").data["items"] == []


def test_currency_from_query_overrides_preference(client_for, buyer, market) -> None:  # type: ignore[no-untyped-def]
    client = client_for(buyer)
    client.post("/api/v1/cart/items/", {"variant": market.b_lyg.pk, "quantity": 3}, format="json")
    body = client.get("/api/v1/cart/?currency=UZS").data
    # 4999.99 KZT at 12650/505 UZS per KZT = 125247.27 UZS a unit, × 3.
    assert body["subtotal"] == {"amount": "375741.81", "currency": "UZS"}
    assert client.get("/api/v1/cart/?currency=XYZ").status_code == 400


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"variant": 999999, "quantity": 1}, "variant"),
        ({"variant": "abc", "quantity": 1}, "variant"),
        ({"quantity": 1}, "variant"),
        ({"variant": None, "quantity": 0}, "variant"),
    ],
)
def test_bad_variant_is_400(client_for, buyer, market, payload, field) -> None:  # type: ignore[no-untyped-def]
    response = client_for(buyer).post("/api/v1/cart/items/", payload, format="json")
    assert response.status_code == 400
    assert field in response.data["errors"]


def test_inactive_variant_or_product_is_400(client_for, buyer, market) -> None:  # type: ignore[no-untyped-def]
    client = client_for(buyer)
    market.a_urc.is_active = False
    market.a_urc.save()
    market.b_lyg.product.status = ProductStatus.DRAFT
    market.b_lyg.product.save()
    for variant in (market.a_urc, market.b_lyg):
        response = client.post("/api/v1/cart/items/", {"variant": variant.pk, "quantity": 1}, format="json")
        assert response.status_code == 400
        assert response.data["code"] == "invalid_cart_item"
    assert CartItem.objects.count() == 0


def test_quantity_limits(client_for, buyer, market, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CART_MAX_QUANTITY_PER_LINE = 5
    settings.CART_MAX_QUANTITY_PER_PRODUCT = 7
    client = client_for(buyer)
    for quantity in (0, -1, 6):
        response = client.post("/api/v1/cart/items/", {"variant": market.a_urc.pk, "quantity": quantity}, format="json")
        assert response.status_code == 400
        assert "quantity" in response.data["errors"]
    assert (
        client.post("/api/v1/cart/items/", {"variant": market.a_urc.pk, "quantity": 5}, format="json").status_code
        == 201
    )
    assert (
        client.post("/api/v1/cart/items/", {"variant": market.a_urc.pk, "quantity": 1}, format="json").status_code
        == 400
    )
    # A second variant of the same product counts towards the per-product limit.
    from marketplace.tests.factories import VariantFactory

    sibling = VariantFactory(product=market.a_urc.product, sku="SIBLING-1")
    assert client.post("/api/v1/cart/items/", {"variant": sibling.pk, "quantity": 3}, format="json").status_code == 400
    assert client.post("/api/v1/cart/items/", {"variant": sibling.pk, "quantity": 2}, format="json").status_code == 201


def test_livestream_line_keeps_its_stream(client_for, buyer, market) -> None:  # type: ignore[no-untyped-def]
    from marketplace.models import LiveStreamStatus
    from marketplace.tests.live_factories import stream_for

    stream = stream_for(seller=market.seller_a, status=LiveStreamStatus.SCHEDULED)
    response = client_for(buyer).post(
        "/api/v1/cart/items/", {"variant": market.a_lyg.pk, "quantity": 1, "livestream": stream.pk}, format="json"
    )
    assert response.status_code == 201
    (item,) = response.data["items"]
    assert item["livestream"] == stream.pk
    assert item["live_price"] is False  # the stream has no offer on it: the catalog price applies
    assert item["live_offer"]["status"] == "no_offer"


def test_unknown_livestream_is_refused(client_for, buyer, market) -> None:  # type: ignore[no-untyped-def]
    """Any integer used to be accepted (and shortened the order's hold); now the stream must exist."""
    from marketplace.tests.live_factories import stream_for

    other_sellers = stream_for(seller=market.seller_b)
    client = client_for(buyer)
    for livestream in (42, other_sellers.pk):
        response = client.post(
            "/api/v1/cart/items/", {"variant": market.a_lyg.pk, "quantity": 1, "livestream": livestream}, format="json"
        )
        assert response.status_code == 400
        assert "livestream" in response.data["errors"]
    assert client.get("/api/v1/cart/").data["items"] == []


def test_other_buyers_cart_item_is_404(client_for, make_user, buyer, market) -> None:  # type: ignore[no-untyped-def]
    cart = cart_get_or_create(user=buyer)
    item = cart_item_add(cart=cart, variant_id=market.a_urc.pk, quantity=1)
    intruder = client_for(make_user(email="other@example.com"))
    assert intruder.patch(f"/api/v1/cart/items/{item.pk}/", {"quantity": 3}, format="json").status_code == 404
    assert intruder.delete(f"/api/v1/cart/items/{item.pk}/").status_code == 404
    item.refresh_from_db()
    assert item.quantity == 1


def test_session_cart_merges_into_the_users_cart_at_login(buyer, market) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.sessions.backends.db import SessionStore

    mine = cart_get_or_create(user=buyer)
    cart_item_add(cart=mine, variant_id=market.a_urc.pk, quantity=2)
    anonymous = Cart.objects.create(session_key="anon-session-1")
    cart_item_add(cart=anonymous, variant_id=market.a_urc.pk, quantity=1)
    cart_item_add(cart=anonymous, variant_id=market.b_lyg.pk, quantity=4)

    request = RequestFactory().get("/")
    request.session = SessionStore()
    request.session[SESSION_CART_KEY] = anonymous.pk
    login(request, buyer, backend="django.contrib.auth.backends.ModelBackend")

    quantities = dict(CartItem.objects.filter(cart=mine).values_list("variant_id", "quantity"))
    assert quantities == {market.a_urc.pk: 3, market.b_lyg.pk: 4}
    assert not Cart.objects.filter(pk=anonymous.pk).exists()
