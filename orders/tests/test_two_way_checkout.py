"""Issue 12 over HTTP: a Tashkent seller's goods reach Almaty, a buyer in Urumqi gets China's CBEC rule,
and the buyer's annual China allowance is tracked across orders."""

from decimal import Decimal

import pytest
import time_machine

from orders.tests.factories import ALMATY_ADDRESS, variant_in_stock
from sellers.tests.factories import SellerFactory
from warehouses.models import Stock
from warehouses.tests.factories import WarehouseFactory

URUMQI_ADDRESS = {
    "recipient": "Li Wei",
    "phone": "+86 138 0013 8000",
    "country": "CN",
    "city": "Urumqi",
    "postal_code": "830000",
    "line1": "Xinhua North Rd 1",
}
MOSCOW_ADDRESS = {
    "recipient": "Ivan Petrov",
    "phone": "+7 916 123 4567",
    "country": "RU",
    "city": "Moscow",
    "postal_code": "101000",
    "line1": "Tverskaya 1",
}
A_MONDAY = "2026-03-02 05:00Z"


def amount(money: dict) -> Decimal:  # type: ignore[type-arg]
    return Decimal(money["amount"])


@pytest.fixture
def buyer(make_user):  # type: ignore[no-untyped-def]
    return make_user(email="buyer@example.com")


@pytest.fixture
def tashkent_seller(rates, network):  # type: ignore[no-untyped-def]
    """An Uzbek seller (prices in USD) with cotton fabric in stock at the Tashkent warehouse."""
    seller = SellerFactory(display_name="Fergana Weavers", country="UZ", currency="USD")
    tashkent = WarehouseFactory(code="TAS", country="UZ", city="Tashkent")
    fabric = variant_in_stock(
        seller=seller,
        warehouse=tashkent,
        quantity=50,
        price="600.00",  # ¥4,320 at the offline 7.20: within China's ¥5,000 per order
        weight_kg=Decimal("2.000"),
        product_fields={"hs_code": "520812", "origin_country": "UZ", "title": "Cotton fabric, 20 m"},
    )
    return seller, tashkent, fabric


def _cart(client, variant, quantity: int = 1) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/cart/items/", {"variant": variant.pk, "quantity": quantity}, format="json")
    assert response.status_code == 201, response.data


def _order(client, address: dict, key: str):  # type: ignore[no-untyped-def, type-arg]
    response = client.post(
        "/api/v1/orders/", {"shipping_address": address, "currency": "CNY"}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert response.status_code == 201, response.data
    return response.data


def test_a_tashkent_seller_reaches_a_buyer_in_almaty(client_for, buyer, tashkent_seller) -> None:  # type: ignore[no-untyped-def]
    _seller, tashkent, fabric = tashkent_seller
    client = client_for(buyer)
    _cart(client, fabric, 2)
    body = {"shipping_address": ALMATY_ADDRESS, "currency": "KZT"}

    with time_machine.travel(A_MONDAY):
        quote = client.post("/api/v1/checkout/quote/", body, format="json")
        assert quote.status_code == 200, quote.data
        (parcel,) = quote.data["shipments"]
        assert parcel["warehouse"] == "TAS" and parcel["mode"] == "tir"
        assert parcel["transit_days_max"] <= 4 + 7  # the truck to Almaty in days, plus Kazakhstan's last mile
        assert [leg["to"] for leg in parcel["legs"]][:1] == ["ALA"]
        assert any("clear into the EAEU customs union at Almaty" in reason for reason in parcel["reasons"])
        assert parcel["duty_rule"]["key"] == "eaeu-2024"  # in force until 1 July 2026
        assert parcel["duty_rule"]["source_date"]

        order = client.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="tas-ala")
    assert order.status_code == 201, order.data
    (shipment,) = order.data["shipments"]
    assert shipment["warehouse"] == "TAS" and shipment["mode"] == "tir"
    assert shipment["duty_rule"]["key"] == parcel["duty_rule"]["key"]
    assert Stock.objects.get(variant=fabric, warehouse=tashkent).reserved == 2


def test_goods_cleared_into_the_eaeu_reach_moscow_without_duty(client_for, buyer, rates, network) -> None:  # type: ignore[no-untyped-def]
    seller = SellerFactory(country="KZ", currency="USD")
    almaty = WarehouseFactory(code="ALA", country="KZ", city="Almaty")
    rug = variant_in_stock(seller=seller, warehouse=almaty, price="900.00", product_fields={"hs_code": "570110"})
    client = client_for(buyer)
    _cart(client, rug)

    with time_machine.travel(A_MONDAY):
        quote = client.post(
            "/api/v1/checkout/quote/", {"shipping_address": MOSCOW_ADDRESS, "currency": "RUB"}, format="json"
        )
    assert quote.status_code == 200, quote.data
    (parcel,) = quote.data["shipments"]
    assert amount(parcel["duties"]) == 0 and parcel["duty_rule"] is None
    assert "cleared into the EAEU at Almaty" in parcel["duty_note"]  # above €200, yet no second clearance
    assert any("stays inside the EAEU customs union" in reason for reason in parcel["reasons"])


def test_a_buyer_in_urumqi_gets_chinas_cbec_rule(client_for, buyer, tashkent_seller) -> None:  # type: ignore[no-untyped-def]
    _seller, _tashkent, fabric = tashkent_seller
    client = client_for(buyer)
    _cart(client, fabric)

    with time_machine.travel(A_MONDAY):
        quote = client.post(
            "/api/v1/checkout/quote/", {"shipping_address": URUMQI_ADDRESS, "currency": "CNY"}, format="json"
        )
    assert quote.status_code == 200, quote.data
    (parcel,) = quote.data["shipments"]
    rule = parcel["duty_rule"]
    assert rule["key"] == "cn-cbec-2019"
    assert rule["source_date"] == "2018-11-29" and rule["in_force_since"] == "2019-01-01"
    assert "¥26,000 a year" in rule["name"]
    assert any("clear into China" in reason for reason in parcel["reasons"])
    # Within the limits: 0% tariff, import VAT 13% × 70% = 9.1% of ¥4,320.
    assert parcel["duties"] == {"amount": "393.12", "currency": "CNY"}
    (allowance,) = quote.data["duties"]["allowances"]
    assert allowance["period"] == "2026"
    assert allowance["used_before"] == {"amount": "0.00", "currency": "CNY"}
    assert allowance["remaining"] == {"amount": "21680.00", "currency": "CNY"}


def test_an_order_past_the_annual_china_allowance_shows_the_higher_duty(
    client_for, buyer, tashkent_seller, settings
) -> None:  # type: ignore[no-untyped-def]
    _seller, _tashkent, fabric = tashkent_seller
    settings.ORDER_MAX_UNPAID_PER_BUYER = 10  # seven orders left unpaid (they count towards the allowance)
    client = client_for(buyer)
    quote_body = {"shipping_address": URUMQI_ADDRESS, "currency": "CNY"}

    with time_machine.travel(A_MONDAY, tick=False):
        duties = []
        for number in range(6):  # 6 × ¥4,320 = ¥25,920 of the ¥26,000 allowance
            _cart(client, fabric)
            order = _order(client, URUMQI_ADDRESS, f"cn-{number}")
            duties.append(amount(order["totals"]["duties"]))
            assert order["shipments"][0]["allowance_counted"] == {"amount": "4320.00", "currency": "CNY"}
        assert duties == [Decimal("393.12")] * 6

        _cart(client, fabric)
        past = client.post("/api/v1/checkout/quote/", quote_body, format="json").data
        (parcel,) = past["shipments"]
        # Past the allowance the whole order is general trade: ~7.5% duty, then 13% VAT on value + duty.
        duty = Decimal("4320") * Decimal("0.075")
        expected = (duty + (Decimal("4320") + duty) * Decimal("0.13")).quantize(Decimal("0.01"))
        assert amount(parcel["duties"]) == expected > Decimal("393.12")
        assert "past the buyer's annual allowance" in parcel["duty_note"]
        assert past["duties"]["allowances"][0]["remaining"] == {"amount": "80.00", "currency": "CNY"}

        # Cancelling an order gives its share of the allowance back.
        first = client.get("/api/v1/orders/").data["results"][-1]
        assert client.post(f"/api/v1/orders/{first['id']}/cancel/").status_code == 200
        again = client.post("/api/v1/checkout/quote/", quote_body, format="json").data
        assert amount(again["shipments"][0]["duties"]) == Decimal("393.12")

    with time_machine.travel("2027-01-04 05:00Z"):  # a new year, a new allowance
        fresh = client.post("/api/v1/checkout/quote/", quote_body, format="json").data
    assert fresh["duties"]["allowances"][0]["used_before"] == {"amount": "0.00", "currency": "CNY"}
