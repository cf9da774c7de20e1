"""Exchange rates: conversion records the rate used; the provider refresh stores a publication once."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import requests

from core.models import ExchangeRate
from core.money import Money
from core.services import (
    ExchangeRateMissing,
    currency_convert,
    exchange_rates_refresh,
    exchange_rates_seed_offline,
    exchange_rates_store,
)
from core.tests.fake_rates_server import fake_rates_provider

pytestmark = pytest.mark.django_db


def test_offline_seed_is_idempotent() -> None:
    first = exchange_rates_seed_offline()
    exchange_rates_seed_offline()
    assert first > 10
    assert ExchangeRate.objects.count() == first


def test_convert_through_usd_rounds_to_the_target_minor_unit() -> None:
    at = datetime(2026, 3, 1, tzinfo=UTC)
    exchange_rates_store(
        base="USD", rates={"KZT": Decimal("500.00"), "UZS": Decimal("12650.00")}, source="test", effective_at=at
    )
    conversion = currency_convert(Money(Decimal("1000.00"), "KZT"), "UZS")
    # 1000 KZT = 2 USD = 25300 UZS
    assert conversion.money == Money(Decimal("25300.00"), "UZS")
    assert conversion.rate == Decimal("25.3")
    assert len(conversion.rate_ids) == 2

    odd = currency_convert(Money(Decimal("0.01"), "UZS"), "KZT")
    assert str(odd.money.amount) == "0.00"  # 0.000395… KZT rounds to zero, not a float artefact
    assert str(currency_convert(Money(Decimal("333.33"), "KZT"), "UZS").money.amount) == "8433.25"


def test_convert_uses_the_rate_in_force_at_the_time() -> None:
    exchange_rates_store(
        base="USD", rates={"RUB": Decimal("90")}, source="t", effective_at=datetime(2026, 1, 1, tzinfo=UTC)
    )
    exchange_rates_store(
        base="USD", rates={"RUB": Decimal("100")}, source="t", effective_at=datetime(2026, 6, 1, tzinfo=UTC)
    )
    march = currency_convert(Money(Decimal("10"), "USD"), "RUB", at=datetime(2026, 3, 1, tzinfo=UTC))
    july = currency_convert(Money(Decimal("10"), "USD"), "RUB", at=datetime(2026, 7, 1, tzinfo=UTC))
    assert march.money.amount == Decimal("900.00")
    assert july.money.amount == Decimal("1000.00")
    # the inverse direction uses the same stored row
    back = currency_convert(Money(Decimal("1000.00"), "RUB"), "USD", at=datetime(2026, 7, 1, tzinfo=UTC))
    assert back.money == Money(Decimal("10.00"), "USD")


def test_unknown_pair_is_a_clear_error() -> None:
    with pytest.raises(ExchangeRateMissing):
        currency_convert(Money(Decimal("1"), "KZT"), "UZS")


def test_refresh_from_a_provider_stores_rates_once() -> None:
    payload = {"base": "USD", "timestamp": 1790000000, "rates": {"KZT": 512.5, "UZS": "12700.10", "BAD": "x"}}
    with fake_rates_provider(payload) as url:
        stored = exchange_rates_refresh(url=url)
        exchange_rates_refresh(url=url)
    assert stored == 2
    rates = {row.quote: row.rate for row in ExchangeRate.objects.filter(source=url)}
    assert rates == {"KZT": Decimal("512.5"), "UZS": Decimal("12700.10")}


def test_refresh_surfaces_provider_failures() -> None:
    with fake_rates_provider({"error": "down"}, status=503) as url, pytest.raises(requests.HTTPError):
        exchange_rates_refresh(url=url)
    assert not ExchangeRate.objects.exists()
