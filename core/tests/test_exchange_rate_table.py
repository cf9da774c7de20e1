"""The one exchange-rate table: cached per process, rebuilt on a newer publication, same answers as the rows."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from core.models import ExchangeRate
from core.money import SUPPORTED_CURRENCIES, Money
from core.selectors import exchange_rate_latest, exchange_rates_usd, rate_resolve
from core.services import currency_convert, exchange_rates_store

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def another_process_stores(*, base: str, rates: dict[str, str], effective_at: datetime, source: str) -> None:
    """Insert rows the way another process would: no signal reaches this process's cached table."""
    ExchangeRate.objects.bulk_create(
        ExchangeRate(base=base, quote=quote, rate=Decimal(rate), effective_at=effective_at, source=source)
        for quote, rate in rates.items()
    )


@time_machine.travel(NOW, tick=False)
def test_conversions_read_the_cached_table_with_one_cheap_query(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    exchange_rates_store(
        base="USD",
        rates={"KZT": Decimal("500"), "UZS": Decimal("12650"), "EUR": Decimal("0.92")},
        source="test",
        effective_at=NOW - timedelta(hours=1),
    )
    currency_convert(Money(Decimal("1000"), "KZT"), "UZS")  # builds the table

    # Through USD takes two rows; with the table it is one query (the fingerprint), not four.
    with django_assert_num_queries(1):
        conversion = currency_convert(Money(Decimal("1000"), "KZT"), "UZS")
    assert conversion.money == Money(Decimal("25300.00"), "UZS")


@time_machine.travel(NOW, tick=False)
def test_a_newer_publication_from_another_process_replaces_the_cached_rate() -> None:
    another_process_stores(base="USD", rates={"RUB": "90"}, effective_at=NOW - timedelta(days=1), source="old")
    before = currency_convert(Money(Decimal("10"), "USD"), "RUB")

    another_process_stores(base="USD", rates={"RUB": "100"}, effective_at=NOW - timedelta(hours=1), source="new")
    after = currency_convert(Money(Decimal("10"), "USD"), "RUB")

    assert before.money.amount == Decimal("900.00")
    assert after.money.amount == Decimal("1000.00")
    assert after.source == "new"
    assert after.rate_ids == (ExchangeRate.objects.get(source="new").pk,)


def test_a_publication_dated_ahead_takes_over_when_its_time_comes() -> None:
    another_process_stores(base="USD", rates={"KZT": "500"}, effective_at=NOW - timedelta(days=1), source="today")
    another_process_stores(base="USD", rates={"KZT": "520"}, effective_at=NOW + timedelta(hours=2), source="ahead")

    with time_machine.travel(NOW, tick=False):
        early = currency_convert(Money(Decimal("1"), "USD"), "KZT")
    with time_machine.travel(NOW + timedelta(hours=3), tick=False):
        later = currency_convert(Money(Decimal("1"), "USD"), "KZT")

    assert (early.money.amount, early.source) == (Decimal("500.00"), "today")
    assert (later.money.amount, later.source) == (Decimal("520.00"), "ahead")


def test_the_table_gives_the_same_answers_as_the_rows_at_every_time() -> None:
    """Direct, inverse and through-USD pairs over several publications, now and in the past."""
    days = [datetime(2026, 1, day, tzinfo=UTC) for day in (1, 5, 9)]
    for index, day in enumerate(days):
        step = Decimal(index)
        another_process_stores(
            base="USD",
            rates={"KZT": str(500 + step), "CNY": str(Decimal("7.2") + step / 10), "EUR": "0.92"},
            effective_at=day,
            source=f"usd-{index}",
        )
        if index != 1:  # a direct pair that skips a publication
            another_process_stores(base="CNY", rates={"KZT": str(70 + step)}, effective_at=day, source=f"cny-{index}")
    pairs = [("KZT", "CNY"), ("CNY", "KZT"), ("EUR", "KZT"), ("USD", "CNY"), ("KZT", "USD"), ("EUR", "CNY")]
    moments = [days[0] - timedelta(hours=1), *days, days[1] + timedelta(hours=5), days[2] + timedelta(days=30)]
    # Later moments first and then back: the cached table must not answer for the past.
    for at in [*moments[::-1], *moments]:
        for source, target in pairs:
            from_rows = rate_resolve(
                source, target, lambda base, quote, at=at: exchange_rate_latest(base, quote, at=at)
            )
            try:
                conversion = currency_convert(Money(Decimal("1234.56"), source), target, at=at)
            except Exception:
                assert from_rows is None, (source, target, at)
                continue
            assert from_rows is not None, (source, target, at)
            assert (conversion.rate, conversion.rate_ids, conversion.source) == (
                from_rows.rate,
                from_rows.ids,
                from_rows.source,
            ), (source, target, at)


@time_machine.travel(NOW, tick=False)
def test_the_usd_table_covers_every_supported_currency_with_a_rate() -> None:
    exchange_rates_store(
        base="USD",
        rates={code: Decimal(index + 1) for index, code in enumerate(SUPPORTED_CURRENCIES)},
        source="test",
        effective_at=NOW - timedelta(hours=1),
    )
    usd = exchange_rates_usd()

    assert set(usd) == set(SUPPORTED_CURRENCIES)
    assert usd["USD"] == Decimal(1)
    assert usd["EUR"] == currency_convert(Money(Decimal(1), "EUR"), "USD").rate
