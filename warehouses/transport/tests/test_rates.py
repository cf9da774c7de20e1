"""The planner converts with core's exchange rates only, and its quotes say when a rate is old."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from rest_framework.test import APIClient

from core.models import ExchangeRate
from core.money import SUPPORTED_CURRENCIES, Money
from core.services import currency_convert, exchange_rates_store
from warehouses.transport.selectors import planner_settings, route_quote
from warehouses.transport.services import network_load_seed

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
QUOTE_URL = "/api/v1/fulfilment/quote/"
WORKED = {
    "origin": "XIY",
    "destination": "TAS",
    "weight_kg": "18000",
    "volume_m3": "60",
    "declared_value": {"amount": "90000.00", "currency": "USD"},
    "deadline_days": 14,
    "ship_date": "2026-03-02",
}


@pytest.fixture
def network(db):  # type: ignore[no-untyped-def]
    return network_load_seed()


def store_fresh(*, except_: tuple[str, ...] = (), effective_at: datetime = NOW - timedelta(hours=1)) -> None:
    """A publication for every supported currency (1 USD = 0.92 EUR, 505 KZT, …), an hour old."""
    rates = {"EUR": Decimal("0.92"), "KZT": Decimal("505"), "RUB": Decimal("92"), "CNY": Decimal("7.20")}
    rates.update({code: Decimal(3) for code in SUPPORTED_CURRENCIES if code not in rates})
    rates = {code: rate for code, rate in rates.items() if code not in (*except_, "USD")}
    exchange_rates_store(base="USD", rates=rates, source="provider", effective_at=effective_at)


@time_machine.travel(NOW, tick=False)
def test_the_planner_converts_with_cores_rates(network) -> None:  # type: ignore[no-untyped-def]
    store_fresh()

    planner = planner_settings()

    for code in ("EUR", "RUB", "KZT", "CNY"):
        assert planner.usd_per_currency[code] == currency_convert(Money(Decimal(1), code), "USD").rate, code


@time_machine.travel(NOW, tick=False)
def test_goods_declared_in_euros_are_valued_at_cores_rate(network) -> None:  # type: ignore[no-untyped-def]
    store_fresh()  # 1 USD = 0.92 EUR, so €92,000 is $100,000
    client = APIClient()

    in_euros = client.post(
        QUOTE_URL, {**WORKED, "declared_value": {"amount": "92000.00", "currency": "EUR"}}, format="json"
    )
    in_dollars = client.post(
        QUOTE_URL, {**WORKED, "declared_value": {"amount": "100000.00", "currency": "USD"}}, format="json"
    )

    assert in_euros.status_code == in_dollars.status_code == 200, in_euros.json()
    euro_option, dollar_option = in_euros.json()["options"][0], in_dollars.json()["options"][0]
    assert euro_option["cost_breakdown"] == dollar_option["cost_breakdown"]
    assert euro_option["cost"] == dollar_option["cost"]


@time_machine.travel(NOW, tick=False)
def test_a_newer_publication_reaches_the_planner(network) -> None:  # type: ignore[no-untyped-def]
    store_fresh()
    assert planner_settings().usd_per_currency["KZT"] == Decimal(1) / Decimal("505")

    # Stored by another process (the hourly refresh in a worker): no signal reaches this one.
    ExchangeRate.objects.bulk_create(
        [ExchangeRate(base="USD", quote="KZT", rate=Decimal("500"), effective_at=NOW, source="refresh")]
    )

    assert planner_settings().usd_per_currency["KZT"] == Decimal(1) / Decimal("500")


@time_machine.travel(NOW, tick=False)
def test_a_route_quote_names_the_stale_rates_it_used(network, settings) -> None:  # type: ignore[no-untyped-def]
    settings.EXCHANGE_RATE_MAX_AGE_HOURS = 72
    store_fresh(except_=("KZT",))
    exchange_rates_store(
        base="USD", rates={"KZT": Decimal("505")}, source="nbk.kz", effective_at=datetime(2026, 2, 17, 9, tzinfo=UTC)
    )

    in_tenge = route_quote(
        origin_hub="XIY",
        destination_country="UZ",
        weight_kg=Decimal("10"),
        volume_m3=Decimal("0.05"),
        declared_value=Money(Decimal("100000"), "KZT"),
        ship_date=date(2026, 3, 2),
    )
    in_dollars = route_quote(
        origin_hub="XIY",
        destination_country="UZ",
        weight_kg=Decimal("10"),
        volume_m3=Decimal("0.05"),
        declared_value=Money(Decimal("200"), "USD"),
        ship_date=date(2026, 3, 2),
    )

    assert in_tenge.reasons[-1] == "exchange rates for KZT are 12 days old (nbk.kz, 2026-02-17)"
    assert not any("exchange rates" in reason for reason in in_dollars.reasons)


@time_machine.travel(NOW, tick=False)
def test_a_fulfilment_quote_names_a_stale_rate_in_its_reasons(network) -> None:  # type: ignore[no-untyped-def]
    store_fresh(except_=("EUR",))
    exchange_rates_store(
        base="USD", rates={"EUR": Decimal("0.92")}, source="ecb", effective_at=datetime(2026, 2, 19, 16, tzinfo=UTC)
    )

    body = APIClient().post(QUOTE_URL, WORKED, format="json").json()

    # EUR: every quote checks the TIR guarantee in euros.
    reason = "exchange rates for EUR are 9 days old (ecb, 2026-02-19)"
    assert body["chosen"]["reasons"][-1] == reason
    assert body["reasons"][-1] == reason


@time_machine.travel(NOW, tick=False)
def test_without_a_euro_rate_no_quote_is_made(network) -> None:  # type: ignore[no-untyped-def]
    store_fresh(except_=("EUR",))

    response = APIClient().post(QUOTE_URL, WORKED, format="json")

    assert response.status_code == 422
    assert response.json()["code"] == "exchange_rate_missing"
    assert "EUR" in response.json()["detail"]
