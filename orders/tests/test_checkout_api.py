"""Checkout quote: one shipment per (seller, warehouse), routes from the planner, duties, totals; nothing reserved."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from core.money import Money, money_round
from orders.services import cart_item_add
from orders.services.cart import cart_get_or_create
from orders.tests.factories import ALMATY_ADDRESS, TASHKENT_ADDRESS
from warehouses.models import Stock


@pytest.fixture
def buyer(make_user):  # type: ignore[no-untyped-def]
    return make_user(email="buyer@example.com")


def fill_cart(user, *lines) -> None:  # type: ignore[no-untyped-def]
    cart = cart_get_or_create(user=user)
    for variant, quantity in lines:
        cart_item_add(cart=cart, variant_id=variant.pk, quantity=quantity)


def amount(money: dict) -> Decimal:
    return Decimal(money["amount"])


# Duty rules change on set days and Uzbekistan's allowance counts a calendar month, so the tests that
# assert duties pin a day: a Monday in mid-November 2026 (10:00 in Tashkent), far from a month's end.
MID_NOVEMBER = datetime(2026, 11, 16, 5, 0, tzinfo=UTC)


def test_quote_splits_per_seller_and_warehouse(client_for, buyer, market) -> None:  # type: ignore[no-untyped-def]
    fill_cart(buyer, (market.a_urc, 1), (market.a_lyg, 2), (market.b_urc, 1), (market.b_lyg, 3))
    response = client_for(buyer).post(
        "/api/v1/checkout/quote/",
        {"shipping_address": ALMATY_ADDRESS, "currency": "KZT", "preference": "cheapest"},
        format="json",
    )
    assert response.status_code == 200, response.data
    body = response.data
    parcels = {(s["seller"]["id"], s["warehouse"]): s for s in body["shipments"]}
    assert set(parcels) == {
        (market.seller_a.pk, "URC"),
        (market.seller_a.pk, "LYG"),
        (market.seller_b.pk, "URC"),
        (market.seller_b.pk, "LYG"),
    }
    a_lyg = parcels[(market.seller_a.pk, "LYG")]
    assert a_lyg["items"] == [{"variant": market.a_lyg.pk, "sku": market.a_lyg.sku, "quantity": 2}]
    assert Decimal(a_lyg["weight_kg"]) == Decimal("2.400")
    for shipment in body["shipments"]:
        assert shipment["mode"]
        assert shipment["transit_days_min"] <= shipment["transit_days_max"]
        assert shipment["shipping"]["currency"] == "KZT"
        assert amount(shipment["shipping"]) > 0
        assert shipment["reasons"]
    totals = body["totals"]
    assert amount(totals["shipping"]) == sum(amount(s["shipping"]) for s in body["shipments"])
    assert amount(totals["duties"]) == sum(amount(s["duties"]) for s in body["shipments"] if s["duties"])
    assert amount(totals["total"]) == amount(totals["subtotal"]) + amount(totals["shipping"]) + amount(totals["duties"])
    assert "CNY→KZT" in body["exchange_rates"]
    # A quote reserves nothing.
    assert sum(Stock.objects.values_list("reserved", flat=True)) == 0


@pytest.mark.parametrize("currency", ["UZS", "KZT"])
def test_quote_converts_unit_prices_and_lines_add_up(client_for, buyer, market, currency) -> None:  # type: ignore[no-untyped-def]
    fill_cart(buyer, (market.a_lyg, 3), (market.b_lyg, 7))
    body = (
        client_for(buyer)
        .post("/api/v1/checkout/quote/", {"shipping_address": ALMATY_ADDRESS, "currency": currency}, format="json")
        .data
    )
    usd_rates = {"CNY": Decimal("7.20"), "KZT": Decimal("505.00"), "UZS": Decimal("12650.00")}

    def expected(price: str, source: str, quantity: int) -> Money:
        # The unit price is converted and rounded once; the line is that shown price × quantity.
        rate = Decimal(1) if source == currency else usd_rates[currency] / usd_rates[source]
        return money_round(Money(Decimal(price) * rate, currency)) * quantity

    lines = {line["variant"]: line for line in body["items"]}
    for line in lines.values():
        assert Decimal(line["line_total"]["amount"]) == Decimal(line["unit_price"]["amount"]) * line["quantity"]
    a_total = expected("120.50", "CNY", 3)
    b_total = expected("4999.99", "KZT", 7)
    assert lines[market.a_lyg.pk]["line_total"] == {"amount": str(a_total.amount), "currency": currency}
    assert lines[market.b_lyg.pk]["line_total"] == {"amount": str(b_total.amount), "currency": currency}
    assert body["totals"]["subtotal"] == {"amount": str((a_total + b_total).amount), "currency": currency}
    for money in [*body["totals"].values(), *(s["shipping"] for s in body["shipments"])]:
        assert money["currency"] == currency
        assert len(money["amount"].split(".")[1]) == 2  # UZS and KZT have two decimals in ISO 4217


def test_eaeu_duties_on_both_sides_of_the_threshold_in_the_2026_regime(client_for, buyer, market) -> None:  # type: ignore[no-untyped-def]
    client = client_for(buyer)
    # 120.50 CNY ≈ €15.40 a unit: 12 units ≈ €185 stay under €200; 14 units ≈ €216 go over.
    fill_cart(buyer, (market.a_lyg, 12))
    with time_machine.travel("2026-08-03 09:00Z"):
        under = client.post(
            "/api/v1/checkout/quote/", {"shipping_address": ALMATY_ADDRESS, "currency": "EUR"}, format="json"
        )
        fill_cart(buyer, (market.a_lyg, 2))
        over = client.post(
            "/api/v1/checkout/quote/", {"shipping_address": ALMATY_ADDRESS, "currency": "EUR"}, format="json"
        )
    (parcel,) = under.data["shipments"]
    assert parcel["duties"] == {"amount": "0.00", "currency": "EUR"}
    assert "Duty-free" in parcel["duty_note"]
    (parcel,) = over.data["shipments"]
    value = amount(parcel["declared_value"])
    assert value > 200
    duty = max(value * Decimal("0.05"), Decimal("16.8"))  # 14 × 1.2 kg at €1/kg
    vat = (value + duty) * Decimal("0.16")
    assert abs(amount(parcel["duties"]) - (duty + vat)) <= Decimal("0.02")
    assert over.data["duties"]["estimate"] == over.data["totals"]["duties"]


def test_eaeu_2024_regime_weight_threshold(client_for, buyer, rates, network) -> None:  # type: ignore[no-untyped-def]
    from orders.tests.factories import variant_in_stock
    from sellers.tests.factories import SellerFactory
    from warehouses.tests.factories import WarehouseFactory

    seller = SellerFactory(currency="CNY")
    warehouse = WarehouseFactory(code="LYG", country="CN")
    heavy = variant_in_stock(seller=seller, warehouse=warehouse, price="70.00", weight_kg=Decimal("10.000"))
    client = client_for(buyer)
    fill_cart(buyer, (heavy, 3))  # 30 kg, ≈ €27: duty-free
    with time_machine.travel("2026-05-04 09:00Z"):
        light = client.post(
            "/api/v1/checkout/quote/", {"shipping_address": ALMATY_ADDRESS, "currency": "EUR"}, format="json"
        )
        fill_cart(buyer, (heavy, 1))  # 40 kg: 9 kg over at €2/kg beats 15% of no value excess
        heavy_quote = client.post(
            "/api/v1/checkout/quote/", {"shipping_address": ALMATY_ADDRESS, "currency": "EUR"}, format="json"
        )
    assert light.status_code == 200, light.data
    assert light.data["shipments"][0]["duties"] == {"amount": "0.00", "currency": "EUR"}
    assert heavy_quote.data["shipments"][0]["duties"] == {"amount": "18.00", "currency": "EUR"}


@time_machine.travel(MID_NOVEMBER)
def test_uzbekistan_allowance_and_unknown_rules(client_for, buyer, market) -> None:  # type: ignore[no-untyped-def]
    client = client_for(buyer)
    fill_cart(buyer, (market.a_lyg, 2))  # ≈ $33: within $200
    response = client.post(
        "/api/v1/checkout/quote/", {"shipping_address": TASHKENT_ADDRESS, "currency": "UZS"}, format="json"
    )
    assert response.status_code == 200, response.data
    assert amount(response.data["totals"]["duties"]) == 0
    tajik = {**TASHKENT_ADDRESS, "country": "TJ", "city": "Dushanbe", "phone": "+992 93 555 1234"}
    response = client.post("/api/v1/checkout/quote/", {"shipping_address": tajik, "currency": "TJS"}, format="json")
    assert response.status_code == 200, response.data
    (parcel,) = response.data["shipments"]
    assert parcel["duty_rule"]["key"] == "tj-parcels" and parcel["duty_rule"]["source_date"] == "2024-01-01"
    assert amount(parcel["duties"]) == 0 and "$100" in parcel["duty_rule"]["name"]
    pakistani = {**TASHKENT_ADDRESS, "country": "PK", "city": "Islamabad", "phone": "+92 300 1234567"}
    response = client.post("/api/v1/checkout/quote/", {"shipping_address": pakistani, "currency": "PKR"}, format="json")
    assert response.status_code == 200, response.data
    assert response.data["duties"]["notes"] == ["no rule known for PK: duties are collected on delivery"]
    assert response.data["shipments"][0]["duties"] is None
    assert response.data["shipments"][0]["duty_rule"] is None


def test_quote_validation(client_for, buyer, market) -> None:  # type: ignore[no-untyped-def]
    client = client_for(buyer)
    empty = client.post("/api/v1/checkout/quote/", {"shipping_address": ALMATY_ADDRESS}, format="json")
    assert empty.status_code == 400
    assert empty.data["code"] == "cart_empty"
    fill_cart(buyer, (market.a_lyg, 1))
    response = client.post(
        "/api/v1/checkout/quote/",
        {"shipping_address": {**ALMATY_ADDRESS, "country": "US", "phone": "nope"}, "currency": "KZT"},
        format="json",
    )
    assert response.status_code == 400
    assert {"shipping_address.country", "shipping_address.phone"} <= set(response.data["errors"])
    response = client.post(
        "/api/v1/checkout/quote/",
        {"shipping_address": ALMATY_ADDRESS, "currency": "KZT", "preference": "slowest"},
        format="json",
    )
    assert response.status_code == 400
    assert "preference" in response.data["errors"]
    market.a_lyg.is_active = False
    market.a_lyg.save()
    response = client.post("/api/v1/checkout/quote/", {"shipping_address": ALMATY_ADDRESS}, format="json")
    assert response.status_code == 400
    assert response.data["code"] == "invalid_cart_item"


def test_quote_field_errors_in_russian_keep_their_fields_and_code(client_for, buyer, market) -> None:  # type: ignore[no-untyped-def]
    client = client_for(buyer)
    empty = client.post(
        "/api/v1/checkout/quote/", {"shipping_address": ALMATY_ADDRESS}, format="json", HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert (empty.data["code"], empty.data["detail"]) == ("cart_empty", "Корзина пуста.")
    fill_cart(buyer, (market.a_lyg, 1))
    response = client.post(
        "/api/v1/checkout/quote/",
        {"shipping_address": {**ALMATY_ADDRESS, "phone": "nope"}, "currency": "KZT", "preference": "slowest"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9,en;q=0.5",
    )
    assert response.status_code == 400
    assert response.data["code"] == "invalid"
    errors = response.data["errors"]
    assert errors["preference"] == ["Используйте одно из значений: cheapest, fastest."]
    assert errors["shipping_address.phone"] == ["Введите правильный номер телефона, например +7 701 234 5678."]
    assert response.data["detail"] == "preference: Используйте одно из значений: cheapest, fastest."


def test_quote_in_the_destinations_currency_by_default(client_for, buyer, market) -> None:  # type: ignore[no-untyped-def]
    fill_cart(buyer, (market.b_lyg, 1))
    body = client_for(buyer).post("/api/v1/checkout/quote/", {"shipping_address": TASHKENT_ADDRESS}, format="json").data
    assert body["currency"] == "UZS"
    assert body["totals"]["total"]["currency"] == "UZS"


@time_machine.travel(MID_NOVEMBER)
def test_uzbekistan_allowance_counts_paid_orders_this_month(client_for, buyer, market) -> None:  # type: ignore[no-untyped-def]
    client = client_for(buyer)
    body = {"shipping_address": TASHKENT_ADDRESS, "currency": "USD"}
    fill_cart(buyer, (market.a_lyg, 11))  # 11 × 120.50 CNY ≈ $184
    first = client.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="uz-1")
    assert first.status_code == 201, first.data
    assert amount(first.data["totals"]["duties"]) == 0
    # Unpaid orders do not use the allowance; paid ones do.
    fill_cart(buyer, (market.a_lyg, 2))  # ≈ $33.47 more
    assert amount(client.post("/api/v1/checkout/quote/", body, format="json").data["totals"]["duties"]) == 0
    assert client.post(f"/api/v1/orders/{first.data['id']}/pay/").status_code == 200
    quote = client.post("/api/v1/checkout/quote/", body, format="json").data
    # What the paid order used: its lines as the buyer saw them (unit price rounded, × 11).
    used = (Decimal("120.50") / Decimal("7.20")).quantize(Decimal("0.01")) * 11
    expected = (Decimal("120.50") * 2 / Decimal("7.20") - (200 - used)) * Decimal("0.30")
    assert quote["totals"]["duties"] == {"amount": str(expected.quantize(Decimal("0.01"))), "currency": "USD"}
    assert "monthly allowance" in quote["shipments"][0]["duty_note"]


def test_no_route_is_a_422_that_says_why(client_for, buyer, rates, network) -> None:  # type: ignore[no-untyped-def]
    from orders.tests.factories import variant_in_stock
    from sellers.tests.factories import SellerFactory
    from warehouses.tests.factories import WarehouseFactory

    # Heihe's only lane crosses the Amur to Blagoveshchensk: nothing leads on to Kazakhstan.
    variant = variant_in_stock(seller=SellerFactory(), warehouse=WarehouseFactory(code="HEK", country="CN"))
    fill_cart(buyer, (variant, 1))
    response = client_for(buyer).post("/api/v1/checkout/quote/", {"shipping_address": ALMATY_ADDRESS}, format="json")
    assert response.status_code == 422
    assert response.data["code"] == "no_feasible_route"
    assert "HEK" in response.data["detail"]
    response = client_for(buyer).post(
        "/api/v1/orders/", {"shipping_address": ALMATY_ADDRESS}, format="json", HTTP_IDEMPOTENCY_KEY="no-route"
    )
    assert response.status_code == 422
    assert Stock.objects.get(variant=variant).reserved == 0


def test_a_quote_says_when_the_rates_it_used_are_old(client_for, buyer, market) -> None:  # type: ignore[no-untyped-def]
    from core.services import exchange_rates_store

    fill_cart(buyer, (market.a_lyg, 1))  # a CNY price, for a buyer paying in UZS
    body = {"shipping_address": TASHKENT_ADDRESS, "currency": "UZS"}
    with time_machine.travel("2026-01-20 09:00Z", tick=False):
        old = client_for(buyer).post("/api/v1/checkout/quote/", body, format="json")
        # A fresh publication of the rates this parcel uses: the note goes away.
        fresh = {"CNY": Decimal("7.10"), "UZS": Decimal("12600"), "EUR": Decimal("0.93")}
        exchange_rates_store(base="USD", rates=fresh, source="provider", effective_at=timezone.now())
        new = client_for(buyer).post("/api/v1/checkout/quote/", body, format="json")

    assert old.status_code == new.status_code == 200, old.data
    (parcel,) = old.data["shipments"]
    # The seller's and the buyer's currency, and EUR, which the planner checks the TIR guarantee in.
    assert (
        parcel["reasons"][-1]
        == "exchange rates for CNY, EUR and UZS are 19 days old (karavan-offline-seed, 2026-01-01)"
    )
    (parcel,) = new.data["shipments"]
    assert not any("exchange rates" in reason for reason in parcel["reasons"])


def test_a_quote_reads_the_exchange_rates_once(client_for, buyer, market) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fill_cart(buyer, (market.a_urc, 1), (market.a_lyg, 2), (market.b_urc, 1), (market.b_lyg, 3))
    body = {"shipping_address": ALMATY_ADDRESS, "currency": "UZS"}
    client = client_for(buyer)
    client.post("/api/v1/checkout/quote/", body, format="json")  # the process's rate table is built once

    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/v1/checkout/quote/", body, format="json")

    assert response.status_code == 200
    assert len(response.data["shipments"]) == 4
    # Four parcels, three currencies, the planner's EUR: one check that no newer rate was stored.
    rate_queries = [query["sql"] for query in queries.captured_queries if "core_exchangerate" in query["sql"]]
    assert len(rate_queries) == 1, rate_queries
