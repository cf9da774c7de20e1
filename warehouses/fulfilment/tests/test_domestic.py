"""Domestic road delivery as a pure policy; exchange rates only from the caller."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from warehouses.fulfilment import PlannerSettings, QuoteRequest, UnknownCurrency, plan, profile_load, quote_domestic

from .builders import RATES, hub, lane, network, settings_with_rates

SETTINGS = settings_with_rates()


def load(weight_kg: str = "10", volume_m3: str = "0.05", **fields: object):  # type: ignore[no-untyped-def]
    request = QuoteRequest("ALA", "KZ", Decimal(weight_kg), Decimal(volume_m3), pieces=1, **fields)  # type: ignore[arg-type]
    return profile_load(request, SETTINGS)


def test_price_is_base_plus_rate_per_chargeable_kilo_and_days_follow_the_country() -> None:
    almaty, minsk = hub("ALA", "KZ"), hub("MSQ", "BY")

    in_kazakhstan = quote_domestic(almaty, load(), SETTINGS)
    in_belarus = quote_domestic(minsk, load(), SETTINGS)

    # 0.05 m³ is 16.65 kg volumetric, billed as 17 whole kg: $3 + 17 × $0.25.
    assert in_kazakhstan.cost_usd == Decimal("7.25")
    assert (in_kazakhstan.transit_days_min, in_kazakhstan.transit_days_max) == (2, 7)  # a large country
    assert (in_belarus.transit_days_min, in_belarus.transit_days_max) == (1, 3)
    assert in_kazakhstan.reasons == (
        "the goods are already in KZ: domestic road delivery from Hub ALA, 2–7 days, no border to cross",
    )
    assert in_kazakhstan.is_feasible


def test_cold_chain_pays_the_reefer_premium_and_says_so() -> None:
    chilled = quote_domestic(hub("ALA", "KZ"), load(perishable=True, temperature_max_c=8.0), SETTINGS)

    assert chilled.cost_usd == Decimal("7.25") * Decimal("1.2")
    assert chilled.reasons[-1] == "refrigerated van (reefer premium ×1.2)"


def test_longer_than_the_shelf_life_is_a_failure() -> None:
    quote = quote_domestic(hub("ALA", "KZ"), load(perishable=True), SETTINGS, shelf_life_days=3)

    assert not quote.is_feasible
    assert [failure.code for failure in quote.failures] == ["shelf_life"]
    assert quote.failures[0].reason == "domestic road delivery takes up to 7 days, longer than the 3-day shelf life"


def test_the_parameters_come_from_the_settings() -> None:
    settings = settings_with_rates(
        domestic_base_usd=Decimal("5"),
        domestic_usd_per_kg=Decimal("1"),
        domestic_days=(2, 4),
        domestic_large_countries=frozenset(),
    )

    quote = quote_domestic(hub("ALA", "KZ"), load(), settings)

    assert quote.cost_usd == Decimal("22")
    assert (quote.transit_days_min, quote.transit_days_max) == (2, 4)


def test_the_planner_has_no_exchange_rates_of_its_own() -> None:
    with pytest.raises(TypeError):
        PlannerSettings()  # type: ignore[call-arg]

    small = network([hub("A", "CN"), hub("B", "KZ")], [lane("A", "B", "rail")])
    # A fixed Monday: the days in transit, and so the carrying cost, depend on the departure weekday.
    request = QuoteRequest(
        "A", "B", 1000, declared_value=Decimal("36500000"), currency="KZT", ship_date=date(2026, 3, 2)
    )
    with pytest.raises(UnknownCurrency) as error:
        plan(small, request, SETTINGS)  # the test rates have no KZT
    assert error.value.field == "currency"

    with_tenge = PlannerSettings(usd_per_currency={**RATES, "KZT": Decimal("0.002")})
    option = plan(small, request, with_tenge).options[0]
    # 36,500,000 KZT at the given $0.002 is $73,000: 7 typical days at 25% a year cost $350.
    assert option.breakdown.carrying == Decimal("350.00")
