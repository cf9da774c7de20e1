"""Shared-kernel endpoints: the SCO countries served, and the health check."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.selectors import RateFreshness, country_list_served, exchange_rates_freshness

logger = logging.getLogger(__name__)


class CountrySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    role = serializers.CharField()
    currency = serializers.CharField()
    eaeu = serializers.BooleanField()
    tir = serializers.BooleanField()


class CountryListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=CountrySerializer(many=True))
    def get(self, request: Request) -> Response:
        today = timezone.localdate()
        rows = [
            {
                "code": country.code,
                "name": country.name,
                "role": country.role_on(today),
                "currency": country.currency,
                "eaeu": country.eaeu,
                "tir": country.tir,
            }
            for country in country_list_served(on=today)
        ]
        return Response(CountrySerializer(rows, many=True).data)


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_cache() -> str:
    cache.set("healthz", "ok", 10)
    if cache.get("healthz") != "ok":
        raise RuntimeError("cache did not return what was stored")
    return "ok"


def _check_broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return "not configured (tasks run eagerly)"
    from config.celery import app

    with app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, timeout=2)
    return "ok"


def _exchange_rates_report(freshness: RateFreshness) -> tuple[str, dict[str, object]]:
    """A one-line verdict for ``checks`` and the details: which currencies, how old, from which source."""
    hours = freshness.max_age.total_seconds() / 3600
    details: dict[str, object] = {
        "max_age_hours": int(hours) if hours.is_integer() else hours,
        "stale": [item.as_json() for item in freshness.stale],
        "missing": list(freshness.missing),
    }
    if freshness.is_fresh:
        return "ok", details
    parts = []
    if freshness.stale:
        oldest = max(freshness.stale, key=lambda item: item.age)
        parts.append(
            f"{len(freshness.stale)} stale (oldest {oldest.currency}: {oldest.age_hours} hours, "
            f"{oldest.source}, {oldest.effective_at:%Y-%m-%d})"
        )
    if freshness.missing:
        parts.append(f"missing: {', '.join(freshness.missing)}")
    return "degraded: " + "; ".join(parts), details


@extend_schema(
    responses=inline_serializer(
        "Health",
        {
            "status": serializers.CharField(),
            "checks": serializers.DictField(),
            "exchange_rates": serializers.DictField(required=False),
        },
    )
)
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database, cache and (if configured) broker answer; 503 naming what failed.

    Exchange rates older than EXCHANGE_RATE_MAX_AGE_HOURS (or missing) make the status
    ``degraded`` but keep the 200: prices are still quoted from the latest stored rates and say
    how old they are, so taking a node out of a load balancer would only turn a pricing caveat
    into an outage (and ``make run``'s offline rates are always old).
    """
    checks: dict[str, str] = {}
    healthy = True
    for name, check in (("database", _check_database), ("cache", _check_cache), ("broker", _check_broker)):
        try:
            checks[name] = check()
        except Exception as error:  # any failure of a dependency is reported, not raised
            logger.warning("health check %s failed: %s", name, error)
            checks[name] = f"error: {type(error).__name__}"
            healthy = False
    body: dict[str, object] = {"status": "ok" if healthy else "error", "checks": checks}
    if checks["database"] == "ok":
        try:
            checks["exchange_rates"], body["exchange_rates"] = _exchange_rates_report(exchange_rates_freshness())
        except Exception as error:  # reported like a dependency, but the site still answers
            logger.warning("health check exchange_rates failed: %s", error)
            checks["exchange_rates"] = f"error: {type(error).__name__}"
        if healthy and checks["exchange_rates"] != "ok":
            body["status"] = "degraded"
    return JsonResponse(body, status=200 if healthy else 503)
