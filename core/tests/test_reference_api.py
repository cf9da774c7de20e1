"""The SCO countries served, and the health check."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from core.money import SUPPORTED_CURRENCIES
from core.reference import countries_in_force, country_get, same_customs_union
from core.services import exchange_rates_store

pytestmark = pytest.mark.django_db


def test_countries_lists_members_and_partners_with_flags(api_client) -> None:
    response = api_client.get("/api/v1/countries/")
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()}
    assert len(rows) == 27
    assert rows["KZ"] == {
        "code": "KZ",
        "name": "Kazakhstan",
        "role": "member",
        "currency": "KZT",
        "eaeu": True,
        "tir": True,
    }
    assert rows["UZ"]["eaeu"] is False
    assert rows["BY"]["role"] == "member"
    assert rows["TR"]["role"] == "partner"
    assert "US" not in rows


def test_roles_follow_their_effective_dates() -> None:
    assert country_get("BY").role_on(date(2024, 1, 1)) == "partner"
    assert country_get("BY").role_on(date(2024, 7, 4)) == "member"
    assert country_get("LA").role_on(date(2025, 8, 31)) is None
    assert country_get("LA").role_on(date(2025, 9, 1)) == "partner"
    assert len([c for c in countries_in_force(date(2026, 11, 22)) if c.role_on(date(2026, 11, 22)) == "member"]) == 10


def test_customs_union() -> None:
    assert same_customs_union("KZ", "RU")
    assert same_customs_union("UZ", "UZ")
    assert not same_customs_union("KZ", "UZ")


def test_healthz_reports_each_dependency(client) -> None:
    # Fresh rates for every currency: stale or missing ones would make the status "degraded".
    exchange_rates_store(
        base="USD",
        rates=dict.fromkeys(set(SUPPORTED_CURRENCIES) - {"USD"}, Decimal(2)),
        source="test",
        effective_at=timezone.now(),
    )
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "ok"


def test_healthz_is_503_when_a_dependency_fails(client, settings) -> None:
    # A cache that forgets everything: Django rebuilds its cache handlers when CACHES changes.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"].startswith("error")


def test_schema_generates_without_errors() -> None:
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert "/api/v1/auth/register/" in schema["paths"]
    assert not GENERATOR_STATS._error_cache, GENERATOR_STATS._error_cache


def test_schema_and_docs_are_served(client) -> None:
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/countries/" in schema.content
    assert client.get("/api/docs/").status_code == 200
