"""Warehouse endpoints: the public warehouse list, sellers' stock and inbound goods, and the staff scanner API.

Scanner calls act only on the caller's warehouses: another warehouse's shipment is a 404 (it is
simply not in their selector's queryset), a caller who is not warehouse staff gets 403.
"""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import ValidationFailed
from sellers.permissions import IsSellerMember
from sellers.selectors import seller_for_user
from warehouses import selectors, services
from warehouses.models import InboundStatus, OutboundStatus, Warehouse
from warehouses.serializers import (
    DispatchSerializer,
    EventInputSerializer,
    InboundCreateSerializer,
    InboundShipmentSerializer,
    OutboundShipmentSerializer,
    PackSerializer,
    ReceiveSerializer,
    SellerStockSerializer,
    ShipmentEventSerializer,
    StaffStockSerializer,
    WarehouseSerializer,
)


class IsWarehouseStaff(BasePermission):
    """Assigned to at least one warehouse (or a superuser)."""

    message = "Only warehouse staff may use this endpoint."

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        return selectors.user_is_warehouse_staff(user=request.user)


class WarehouseListView(GenericAPIView):
    permission_classes = [AllowAny]
    serializer_class = WarehouseSerializer

    @extend_schema(responses=WarehouseSerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.warehouse_list_public())
        return self.get_paginated_response(WarehouseSerializer(page, many=True).data)


class SellerStockView(GenericAPIView):
    permission_classes = [IsSellerMember]
    serializer_class = SellerStockSerializer

    @extend_schema(
        parameters=[OpenApiParameter("warehouse", str), OpenApiParameter("sku", str)],
        responses=SellerStockSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        rows = selectors.stock_list_for_seller(
            seller=seller_for_user(user=request.user),
            warehouse_code=request.query_params.get("warehouse"),
            sku=request.query_params.get("sku"),
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(SellerStockSerializer(page, many=True).data)


class SellerInboundListView(GenericAPIView):
    permission_classes = [IsSellerMember]
    serializer_class = InboundShipmentSerializer

    @extend_schema(responses=InboundShipmentSerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.inbound_list_for_seller(seller=seller_for_user(user=request.user)))
        return self.get_paginated_response(InboundShipmentSerializer(page, many=True).data)

    @extend_schema(request=InboundCreateSerializer, responses={201: InboundShipmentSerializer})
    def post(self, request: Request) -> Response:
        payload = InboundCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        seller = seller_for_user(user=request.user)
        shipment = services.inbound_shipment_create(
            seller=seller,
            warehouse_code=data["warehouse"],
            lines=[(line["sku"], line["quantity"]) for line in data["lines"]],
            actor=request.user,
            seller_reference=data["seller_reference"],
            note=data["note"],
        )
        shipment = selectors.inbound_get_for_seller(seller=seller, shipment_id=shipment.pk)
        return Response(InboundShipmentSerializer(shipment).data, status=status.HTTP_201_CREATED)


class SellerInboundDetailView(APIView):
    permission_classes = [IsSellerMember]

    @extend_schema(responses=InboundShipmentSerializer)
    def get(self, request: Request, shipment_id: int) -> Response:
        shipment = selectors.inbound_get_for_seller(seller=seller_for_user(user=request.user), shipment_id=shipment_id)
        return Response(InboundShipmentSerializer(shipment).data)


class SellerInboundInTransitView(APIView):
    """The seller reports the goods handed to the carrier: announced → in_transit."""

    permission_classes = [IsSellerMember]

    @extend_schema(request=None, responses=InboundShipmentSerializer)
    def post(self, request: Request, shipment_id: int) -> Response:
        seller = seller_for_user(user=request.user)
        shipment = selectors.inbound_get_for_seller(seller=seller, shipment_id=shipment_id)
        services.inbound_shipment_mark_in_transit(shipment=shipment, actor=request.user)
        shipment = selectors.inbound_get_for_seller(seller=seller, shipment_id=shipment_id)
        return Response(InboundShipmentSerializer(shipment).data)


def _staff_warehouse(request: Request) -> Warehouse | None:
    """The ``?warehouse=CODE`` filter: 400 for an unknown code, 403 for a warehouse the caller does not work at."""
    code = request.query_params.get("warehouse")
    if not code:
        return None
    warehouse = Warehouse.objects.filter(code=code.upper()).first()
    if warehouse is None:
        raise ValidationFailed(
            _("No warehouse %(code)s.") % {"code": repr(code)}, errors={"warehouse": [_("Unknown warehouse code.")]}
        )
    if not selectors.warehouses_for_staff(user=request.user).filter(pk=warehouse.pk).exists():
        from rest_framework.exceptions import PermissionDenied

        raise PermissionDenied(_("You do not work at %(code)s.") % {"code": warehouse.code})
    return warehouse


def _status_filter(request: Request, choices: list[str]) -> str | None:
    value = request.query_params.get("status") or None
    if value is not None and value not in choices:
        raise ValidationFailed(
            _("Unknown status %(value)s.") % {"value": repr(value)},
            errors={"status": [_("Use one of: %(choices)s.") % {"choices": ", ".join(choices)}]},
        )
    return value


class StaffStockView(GenericAPIView):
    permission_classes = [IsWarehouseStaff]
    serializer_class = StaffStockSerializer

    @extend_schema(
        parameters=[OpenApiParameter("warehouse", str), OpenApiParameter("sku", str)],
        responses=StaffStockSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        stock = selectors.stock_list_for_staff(user=request.user).order_by("warehouse__code", "variant__sku")
        warehouse = _staff_warehouse(request)
        if warehouse is not None:
            stock = stock.filter(warehouse=warehouse)
        if sku := request.query_params.get("sku"):
            stock = stock.filter(variant__sku=sku)
        page = self.paginate_queryset(stock)
        return self.get_paginated_response(StaffStockSerializer(page, many=True).data)


class StaffInboundListView(GenericAPIView):
    permission_classes = [IsWarehouseStaff]
    serializer_class = InboundShipmentSerializer

    @extend_schema(
        parameters=[OpenApiParameter("warehouse", str), OpenApiParameter("status", str)],
        responses=InboundShipmentSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        shipments = selectors.inbound_list_for_staff(
            user=request.user,
            warehouse=_staff_warehouse(request),
            status=_status_filter(request, InboundStatus.values),
        )
        page = self.paginate_queryset(shipments)
        return self.get_paginated_response(InboundShipmentSerializer(page, many=True).data)


class StaffInboundDetailView(APIView):
    permission_classes = [IsWarehouseStaff]

    @extend_schema(responses=InboundShipmentSerializer)
    def get(self, request: Request, shipment_id: int) -> Response:
        shipment = selectors.inbound_get_for_staff(user=request.user, shipment_id=shipment_id)
        return Response(InboundShipmentSerializer(shipment).data)


class StaffInboundReceiveView(APIView):
    permission_classes = [IsWarehouseStaff]

    @extend_schema(request=ReceiveSerializer, responses=InboundShipmentSerializer)
    def post(self, request: Request, shipment_id: int) -> Response:
        shipment = selectors.inbound_get_for_staff(user=request.user, shipment_id=shipment_id)
        payload = ReceiveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.inbound_shipment_receive(
            shipment=shipment,
            lines=[(line["sku"], line["quantity_received"]) for line in payload.validated_data["lines"]],
            actor=request.user,
            complete=payload.validated_data["complete"],
        )
        shipment = selectors.inbound_get_for_staff(user=request.user, shipment_id=shipment_id)
        return Response(InboundShipmentSerializer(shipment).data)


class StaffShipmentListView(GenericAPIView):
    permission_classes = [IsWarehouseStaff]
    serializer_class = OutboundShipmentSerializer

    @extend_schema(
        parameters=[OpenApiParameter("warehouse", str), OpenApiParameter("status", str)],
        responses=OutboundShipmentSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        shipments = selectors.outbound_list_for_staff(
            user=request.user,
            warehouse=_staff_warehouse(request),
            status=_status_filter(request, OutboundStatus.values),
        )
        page = self.paginate_queryset(shipments)
        return self.get_paginated_response(OutboundShipmentSerializer(page, many=True).data)


class StaffShipmentDetailView(APIView):
    permission_classes = [IsWarehouseStaff]

    @extend_schema(responses=OutboundShipmentSerializer)
    def get(self, request: Request, shipment_id: int) -> Response:
        shipment = selectors.outbound_get_for_staff(user=request.user, shipment_id=shipment_id)
        return Response(OutboundShipmentSerializer(shipment).data)


class _ShipmentStepView(APIView):
    """POST moves the caller's shipment on one step; the body is parsed by ``input_serializer``."""

    permission_classes = [IsWarehouseStaff]
    input_serializer: type | None = None

    def step(self, *, shipment: Any, data: dict[str, Any], user: Any) -> Any:
        raise NotImplementedError

    def post(self, request: Request, shipment_id: int) -> Response:
        shipment = selectors.outbound_get_for_staff(user=request.user, shipment_id=shipment_id)
        data: dict[str, Any] = {}
        if self.input_serializer is not None:
            payload = self.input_serializer(data=request.data)
            payload.is_valid(raise_exception=True)
            data = dict(payload.validated_data)
        result = self.step(shipment=shipment, data=data, user=request.user)
        shipment = selectors.outbound_get_for_staff(user=request.user, shipment_id=shipment_id)
        return self.respond(result, shipment)

    def respond(self, result: Any, shipment: Any) -> Response:
        return Response(OutboundShipmentSerializer(shipment).data)


class StaffShipmentPickView(_ShipmentStepView):
    @extend_schema(request=None, responses=OutboundShipmentSerializer)
    def post(self, request: Request, shipment_id: int) -> Response:
        return super().post(request, shipment_id)

    def step(self, *, shipment: Any, data: dict[str, Any], user: Any) -> Any:
        return services.outbound_shipment_pick(shipment=shipment, actor=user)


class StaffShipmentPackView(_ShipmentStepView):
    input_serializer = PackSerializer

    @extend_schema(request=PackSerializer, responses=OutboundShipmentSerializer)
    def post(self, request: Request, shipment_id: int) -> Response:
        return super().post(request, shipment_id)

    def step(self, *, shipment: Any, data: dict[str, Any], user: Any) -> Any:
        return services.outbound_shipment_pack(shipment=shipment, actor=user, **data)


class StaffShipmentDispatchView(_ShipmentStepView):
    input_serializer = DispatchSerializer

    @extend_schema(request=DispatchSerializer, responses=OutboundShipmentSerializer)
    def post(self, request: Request, shipment_id: int) -> Response:
        return super().post(request, shipment_id)

    def step(self, *, shipment: Any, data: dict[str, Any], user: Any) -> Any:
        return services.outbound_shipment_dispatch(
            shipment=shipment, carrier_ref=data["carrier_ref"], seal_numbers=data["seal_numbers"], actor=user
        )


class StaffShipmentEventView(_ShipmentStepView):
    input_serializer = EventInputSerializer

    @extend_schema(request=EventInputSerializer, responses={201: ShipmentEventSerializer})
    def post(self, request: Request, shipment_id: int) -> Response:
        return super().post(request, shipment_id)

    def step(self, *, shipment: Any, data: dict[str, Any], user: Any) -> Any:
        return services.outbound_shipment_event_add(shipment=shipment, actor=user, **data)

    def respond(self, result: Any, shipment: Any) -> Response:
        body = {**ShipmentEventSerializer(result).data, "shipment_status": shipment.status}
        return Response(body, status=status.HTTP_201_CREATED)
