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

from core.selectors import country_list_served

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


@extend_schema(
    responses=inline_serializer("Health", {"status": serializers.CharField(), "checks": serializers.DictField()})
)
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database, cache and (if configured) broker answer; 503 naming what failed."""
    checks: dict[str, str] = {}
    healthy = True
    for name, check in (("database", _check_database), ("cache", _check_cache), ("broker", _check_broker)):
        try:
            checks[name] = check()
        except Exception as error:  # any failure of a dependency is reported, not raised
            logger.warning("health check %s failed: %s", name, error)
            checks[name] = f"error: {type(error).__name__}"
            healthy = False
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)
