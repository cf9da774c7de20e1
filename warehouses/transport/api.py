"""Fulfilment endpoints: a public, throttled quote (the planner's options and choice) and the network for maps.

``origin`` and ``destination`` accept hub codes, warehouse codes (resolved to their hub here, in the
interface layer) and, for the destination, an ISO2 country. Bad input is a 400 naming the field; a
shipment no route can carry is a 422 ``no_feasible_route`` whose ``errors`` name each option's
failed constraints (the full options are in ``options``).
"""

from typing import Any

from django.apps import apps
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from warehouses.fulfilment import QuoteRequest
from warehouses.transport import selectors
from warehouses.transport.serializers import HubOutputSerializer, LaneOutputSerializer, QuoteInputSerializer


def _warehouse_hub_code(code: str) -> str | None:
    """The hub of a warehouse code, if the warehouses app has that warehouse."""
    try:
        warehouse_model = apps.get_model("warehouses", "Warehouse")
    except LookupError:
        return None
    return (
        warehouse_model.objects.filter(code__iexact=code).values_list("hub__code", flat=True).first()  # type: ignore[no-any-return]
    )


def resolve_place(value: str, *, allow_country: bool) -> str:
    """A hub code for a hub or warehouse code; a country code (destination only) is passed through."""
    code = value.strip().upper()
    if selectors.hub_exists(code):
        return code
    if allow_country and len(code) == 2:
        return code
    return _warehouse_hub_code(code) or code


class QuoteView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "fulfilment"

    @extend_schema(
        request=QuoteInputSerializer,
        responses={200: OpenApiResponse(description="options and the chosen one"), 400: None, 422: None},
    )
    def post(self, request: Request) -> Response:
        serializer = QuoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = serializer.validated_data
        declared = data["declared_value"]
        low, high = data.get("temperature_min_c"), data.get("temperature_max_c")
        quote_request = QuoteRequest(
            origin=resolve_place(data["origin"], allow_country=False),
            destination=resolve_place(data["destination"], allow_country=True),
            weight_kg=data["weight_kg"],
            volume_m3=data["volume_m3"],
            declared_value=declared.amount,
            currency=declared.currency.code,
            perishable=data["perishable"],
            temperature_min_c=None if low is None else float(low),
            temperature_max_c=None if high is None else float(high),
            deadline_days=data.get("deadline_days"),
            shelf_life_days=data.get("shelf_life_days"),
            ship_date=data.get("ship_date"),
            preference=data["preference"],
            pieces=data.get("pieces"),
        )
        result = selectors.quote_plan(quote_request)
        if result.chosen is None:
            error = selectors.no_feasible_route(result)
            error.extra = {**error.extra, **result.as_dict()}
            raise error
        return Response(result.as_dict())


class NetworkView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: OpenApiResponse(description="hubs and lanes")})
    def get(self, request: Request) -> Response:
        hubs, lanes = selectors.network_rows()
        return Response(
            {
                "hubs": HubOutputSerializer(hubs, many=True).data,
                "lanes": LaneOutputSerializer(lanes, many=True).data,
            }
        )
