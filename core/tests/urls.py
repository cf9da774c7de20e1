"""A test-only URLconf: the real API plus views that exercise the shared error and idempotency code."""

from datetime import UTC, datetime
from decimal import Decimal

from django.urls import include, path
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.idempotency import idempotent_response
from core.exceptions import Conflict
from core.models import ExchangeRate


class AdminOnlyView(APIView):
    permission_classes = [IsAdminUser]

    def get(self, request: Request) -> Response:
        return Response({"ok": True})


class BrokenView(APIView):
    permission_classes: list[type] = []

    def get(self, request: Request) -> Response:
        raise RuntimeError("a bug, not bad input")


class RecordRateView(APIView):
    """Stores one exchange-rate row per effect, so tests can count effects."""

    permission_classes = [IsAuthenticated]

    def post(self, request: Request) -> Response:
        def create() -> Response:
            if request.data.get("fail"):
                raise Conflict("Asked to fail.")
            row = ExchangeRate.objects.create(
                base="USD",
                quote=str(request.data.get("quote", "KZT")),
                rate=Decimal("500"),
                effective_at=datetime(2026, 1, 1, tzinfo=UTC),
                source=f"test-{ExchangeRate.objects.count()}",
            )
            return Response({"id": row.pk, "quote": row.quote}, status=201)

        return idempotent_response(request, scope="tests.record-rate", handler=create)


urlpatterns = [
    path("", include("config.urls")),
    path("api/v1/test/admin-only/", AdminOnlyView.as_view()),
    path("api/v1/test/broken/", BrokenView.as_view()),
    path("api/v1/test/record-rate/", RecordRateView.as_view()),
]
