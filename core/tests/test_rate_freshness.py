"""Stale exchange rates: /healthz says which currencies, how old and from which source; reasons say it too."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from core.money import SUPPORTED_CURRENCIES
from core.selectors import exchange_rates_freshness, stale_rate_reasons
from core.services import exchange_rates_seed_offline, exchange_rates_store

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def store_all(*, effective_at: datetime, source: str = "provider", except_: tuple[str, ...] = ()) -> None:
    rates = {
        code: Decimal(index + 2) for index, code in enumerate(SUPPORTED_CURRENCIES) if code not in (*except_, "USD")
    }
    exchange_rates_store(base="USD", rates=rates, source=source, effective_at=effective_at)


@time_machine.travel(NOW, tick=False)
def test_healthz_is_ok_with_fresh_rates(client) -> None:  # type: ignore[no-untyped-def]
    store_all(effective_at=NOW - timedelta(hours=2))

    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["exchange_rates"] == "ok"
    assert body["exchange_rates"] == {"max_age_hours": 72, "stale": [], "missing": []}


@time_machine.travel(NOW, tick=False)
def test_healthz_names_a_stale_rate_its_age_and_source(client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.EXCHANGE_RATE_MAX_AGE_HOURS = 48
    store_all(effective_at=NOW - timedelta(hours=2), except_=("KZT",))
    exchange_rates_store(
        base="USD", rates={"KZT": Decimal("505")}, source="nbk.kz", effective_at=datetime(2026, 2, 17, 9, tzinfo=UTC)
    )

    response = client.get("/healthz")

    # Degraded, not down: prices still use the latest stored rate and say how old it is.
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["exchange_rates"] == "degraded: 1 stale (oldest KZT: 288 hours, nbk.kz, 2026-02-17)"
    assert body["exchange_rates"] == {
        "max_age_hours": 48,
        "stale": [
            {"currency": "KZT", "effective_at": "2026-02-17T09:00:00+00:00", "age_hours": 288, "source": "nbk.kz"}
        ],
        "missing": [],
    }


@time_machine.travel(NOW, tick=False)
def test_healthz_names_currencies_without_any_rate(client) -> None:  # type: ignore[no-untyped-def]
    store_all(effective_at=NOW - timedelta(hours=2), except_=("LAK", "MVR"))

    body = client.get("/healthz").json()

    assert body["status"] == "degraded"
    assert body["exchange_rates"]["missing"] == ["LAK", "MVR"]
    assert body["checks"]["exchange_rates"] == "degraded: missing: LAK, MVR"


@time_machine.travel(datetime(2026, 12, 1, 12, 0, tzinfo=UTC), tick=False)
def test_make_runs_offline_rates_are_old_but_healthz_still_answers_200(client) -> None:  # type: ignore[no-untyped-def]
    exchange_rates_seed_offline()  # dated 2026-01-01, as `make run` seeds them

    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["exchange_rates"]["missing"] == []  # every supported currency has an offline rate
    stale = {item["currency"]: item for item in body["exchange_rates"]["stale"]}
    assert set(stale) == set(SUPPORTED_CURRENCIES) - {"USD"}
    assert stale["EUR"]["source"] == "karavan-offline-seed"
    assert stale["EUR"]["age_hours"] == 334 * 24 + 12


@time_machine.travel(NOW, tick=False)
def test_a_stale_rate_becomes_a_reason_naming_the_currencies_age_source_and_date(settings) -> None:  # type: ignore[no-untyped-def]
    settings.EXCHANGE_RATE_MAX_AGE_HOURS = 72
    store_all(effective_at=NOW - timedelta(hours=2), except_=("KZT", "RUB", "UZS"))
    exchange_rates_store(
        base="USD",
        rates={"KZT": Decimal("505"), "RUB": Decimal("92")},
        source="cbr",
        effective_at=datetime(2026, 2, 17, 9, tzinfo=UTC),
    )
    exchange_rates_store(
        base="USD", rates={"UZS": Decimal("12650")}, source="cbu", effective_at=NOW - timedelta(hours=80)
    )

    freshness = exchange_rates_freshness(currencies=["KZT", "RUB", "UZS", "CNY", "USD"])

    assert [item.currency for item in freshness.stale] == ["KZT", "RUB", "UZS"]
    assert stale_rate_reasons(freshness.stale) == [
        "exchange rates for KZT and RUB are 12 days old (cbr, 2026-02-17)",
        "exchange rates for UZS are 3 days old (cbu, 2026-02-26)",
    ]
