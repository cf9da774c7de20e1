"""A price shown is the price charged: the catalog's conversions and delivery options against the checkout quote."""

import pytest
import time_machine
from rest_framework.test import APIClient

from core.services import exchange_rates_seed_offline
from orders.services import cart_item_add
from orders.services.cart import cart_get_or_create
from orders.tests.factories import ALMATY_ADDRESS, market_build, variant_in_stock
from warehouses.transport.models import DeliveryEstimate
from warehouses.transport.services import delivery_estimates_recompute, network_load_seed

pytestmark = pytest.mark.django_db

# The planner waits for departures on weekdays, so the day is pinned (any day would do).
QUOTED_AT = "2026-11-18 06:00:00+00:00"


@pytest.fixture
def market(db):  # type: ignore[no-untyped-def]
    """Seller A (CNY: 350.00 at URC, 120.50 at LYG), seller B (KZT: 15000.00 at URC, 4999.99 at LYG)."""
    exchange_rates_seed_offline()
    network_load_seed()
    built = market_build()
    delivery_estimates_recompute()
    return built


def _quote(client_for, make_user, lines, *, currency, address=ALMATY_ADDRESS):  # type: ignore[no-untyped-def]
    buyer = make_user()
    cart = cart_get_or_create(user=buyer)
    for variant, quantity in lines:
        cart_item_add(cart=cart, variant_id=variant.pk, quantity=quantity)
    response = client_for(buyer).post(
        "/api/v1/checkout/quote/", {"shipping_address": address, "currency": currency}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


@time_machine.travel(QUOTED_AT, tick=False)
@pytest.mark.parametrize("currency", ["KZT", "UZS", "RUB", "CNY", "USD", "KWD"])
def test_list_and_detail_prices_are_the_checkout_unit_prices(client_for, make_user, market, currency) -> None:
    variants = [market.a_urc, market.a_lyg, market.b_urc, market.b_lyg]
    quote = _quote(client_for, make_user, [(variant, 1) for variant in variants], currency=currency)
    charged = {item["variant"]: item["unit_price"] for item in quote["items"]}

    listed = {
        row["id"]: row["price"]
        for row in APIClient().get("/api/v1/products/", {"currency": currency}).json()["results"]
    }
    for variant in variants:
        detail = APIClient().get(f"/api/v1/products/{variant.product_id}/", {"currency": currency}).json()
        (shown,) = [row["price"] for row in detail["variants"] if row["id"] == variant.pk]
        assert listed[variant.product_id] == shown == charged[variant.pk], variant.sku
        assert detail["exchange_rates"].keys() <= quote["exchange_rates"].keys() | {f"{currency}→{currency}"}
    if currency == "KWD":
        assert all(len(price["amount"].split(".")[1]) == 3 for price in charged.values())  # fils, to the minor unit


@time_machine.travel(QUOTED_AT, tick=False)
def test_delivery_options_are_the_checkout_shipping_of_one_unit(client_for, make_user, market) -> None:
    variant = market.a_lyg
    detail = APIClient().get(f"/api/v1/products/{variant.product_id}/", {"ship_to": "KZ", "currency": "KZT"}).json()
    (option,) = detail["delivery_options"]
    (shipment,) = _quote(client_for, make_user, [(variant, 1)], currency="KZT")["shipments"]
    assert option["variant"] == variant.pk and option["sku"] == variant.sku
    assert option["warehouse"]["code"] == shipment["warehouse"] == "LYG"
    assert (option["mode"], option["days_min"], option["days_max"], option["price"]) == (
        shipment["mode"],
        shipment["transit_days_min"],
        shipment["transit_days_max"],
        shipment["shipping"],
    )
    assert option["reasons"] == shipment["reasons"]
    estimate = DeliveryEstimate.objects.get(origin_hub__code="LYG", destination_country="KZ")
    assert detail["delivery"] == {"days_min": estimate.days_min, "days_max": estimate.days_max, "mode": estimate.mode}


@time_machine.travel(QUOTED_AT, tick=False)
def test_one_option_per_warehouse_holding_the_variant_fastest_first(market) -> None:
    from warehouses.services import stock_receive

    variant = variant_in_stock(seller=market.seller_a, warehouse=market.lianyungang, quantity=3, price="99.00")
    stock_receive(variant_id=variant.pk, warehouse_id=market.urumqi.pk, quantity=2, reference="test")
    detail = APIClient().get(f"/api/v1/products/{variant.product_id}/", {"ship_to": "UZ"}).json()
    options = detail["delivery_options"]
    assert [option["warehouse"]["code"] for option in options] == ["URC", "LYG"]  # Urumqi is nearer Tashkent
    assert options[0]["days_max"] < options[1]["days_max"]
    assert {option["price"]["currency"] for option in options} == {"CNY"}  # no currency asked: the seller's
    assert all(option["variant"] == variant.pk and option["reasons"] for option in options)


@time_machine.travel(QUOTED_AT, tick=False)
def test_no_ship_to_no_delivery(market) -> None:
    detail = APIClient().get(f"/api/v1/products/{market.a_lyg.product_id}/").json()
    assert detail["delivery"] is None and detail["delivery_options"] == []
    assert detail["currency"] == "CNY" and detail["price"] == {"amount": "120.50", "currency": "CNY"}
