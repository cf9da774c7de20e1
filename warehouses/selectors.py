"""Warehouse reads on behalf of someone: staff see their warehouses, sellers their own goods."""

from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet, Sum
from django.utils.translation import gettext as _

from core.exceptions import NotFound
from warehouses.models import (
    InboundLine,
    InboundShipment,
    OutboundShipment,
    OutboundStatus,
    Stock,
    Warehouse,
)
from warehouses.models.inbound import OPEN_INBOUND_STATUSES


def warehouse_list_public() -> QuerySet[Warehouse]:
    return Warehouse.objects.filter(is_active=True).select_related("hub").order_by("code")


def warehouses_for_staff(*, user: Any) -> QuerySet[Warehouse]:
    """Warehouses the user works at; superusers see every warehouse, anyone else none."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Warehouse.objects.none()
    if user.is_superuser:
        return Warehouse.objects.all()
    return Warehouse.objects.filter(staff_assignments__user=user)


def user_is_warehouse_staff(*, user: Any) -> bool:
    return warehouses_for_staff(user=user).exists()


def stock_list_for_staff(*, user: Any) -> QuerySet[Stock]:
    return Stock.objects.filter(warehouse__in=warehouses_for_staff(user=user)).select_related(
        "warehouse", "variant__product"
    )


def stock_list_low_for_staff(*, user: Any) -> QuerySet[Stock]:
    """Rows whose available units fell to their low-stock threshold, emptiest first."""
    return (
        stock_list_for_staff(user=user)
        .annotate(available_units=F("on_hand") - F("reserved"))
        .filter(available_units__lte=F("low_stock_threshold"))
        .order_by("available_units", "warehouse__code")
    )


def inbound_list_for_staff(
    *, user: Any, warehouse: Warehouse | None = None, status: str | None = None
) -> QuerySet[InboundShipment]:
    shipments = InboundShipment.objects.filter(warehouse__in=warehouses_for_staff(user=user))
    if warehouse is not None:
        shipments = shipments.filter(warehouse=warehouse)
    shipments = shipments.filter(status=status) if status else shipments.filter(status__in=OPEN_INBOUND_STATUSES)
    return shipments.select_related("warehouse", "seller").prefetch_related("lines__variant")


def inbound_get_for_staff(*, user: Any, shipment_id: int) -> InboundShipment:
    shipment = (
        InboundShipment.objects.filter(pk=shipment_id, warehouse__in=warehouses_for_staff(user=user))
        .select_related("warehouse", "seller")
        .first()
    )
    if shipment is None:
        raise NotFound(_("No such inbound shipment at your warehouses."))
    return shipment


def inbound_list_for_seller(*, seller: Any) -> QuerySet[InboundShipment]:
    return (
        InboundShipment.objects.filter(seller=seller)
        .select_related("warehouse")
        .prefetch_related("lines__variant")
        .order_by("-created_at", "-id")
    )


def inbound_get_for_seller(*, seller: Any, shipment_id: int) -> InboundShipment:
    shipment = inbound_list_for_seller(seller=seller).filter(pk=shipment_id).first()
    if shipment is None:
        raise NotFound(_("No such inbound shipment."))
    return shipment


def outbound_list_for_staff(
    *, user: Any, warehouse: Warehouse | None = None, status: str | None = None
) -> QuerySet[OutboundShipment]:
    """Work for the staff's warehouses; unpaid (pending) and cancelled shipments only when asked for."""
    shipments = OutboundShipment.objects.filter(warehouse__in=warehouses_for_staff(user=user))
    if warehouse is not None:
        shipments = shipments.filter(warehouse=warehouse)
    if status:
        shipments = shipments.filter(status=status)
    else:
        shipments = shipments.exclude(status__in=[OutboundStatus.PENDING, OutboundStatus.CANCELLED])
    return (
        shipments.select_related("warehouse", "seller")
        .prefetch_related("lines__variant__product", "events")
        .order_by("created_at", "id")
    )


def outbound_get_for_staff(*, user: Any, shipment_id: int) -> OutboundShipment:
    shipment = (
        OutboundShipment.objects.filter(pk=shipment_id, warehouse__in=warehouses_for_staff(user=user))
        .select_related("warehouse__hub", "seller")
        .first()
    )
    if shipment is None:
        raise NotFound(_("No such shipment at your warehouses."))
    return shipment


@dataclass(frozen=True, slots=True)
class SellerStockRow:
    variant_id: int
    sku: str
    warehouse: str
    on_hand: int
    reserved: int
    incoming: int

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


def stock_list_for_seller(
    *, seller: Any, warehouse_code: str | None = None, sku: str | None = None
) -> list[SellerStockRow]:
    """The seller's stock per SKU per warehouse, with units announced in open inbound shipments as ``incoming``."""
    stocks = Stock.objects.filter(variant__seller=seller).values_list(
        "variant_id", "variant__sku", "warehouse__code", "on_hand", "reserved"
    )
    incoming = (
        InboundLine.objects.filter(
            shipment__seller=seller, shipment__status__in=OPEN_INBOUND_STATUSES, quantity_received__isnull=True
        )
        .values("variant_id", "variant__sku", "shipment__warehouse__code")
        .annotate(quantity=Sum("quantity_expected"))
    )
    if warehouse_code:
        stocks = stocks.filter(warehouse__code=warehouse_code.upper())
        incoming = incoming.filter(shipment__warehouse__code=warehouse_code.upper())
    if sku:
        stocks = stocks.filter(variant__sku=sku)
        incoming = incoming.filter(variant__sku=sku)
    rows: dict[tuple[int, str], dict[str, Any]] = {}
    for variant_id, variant_sku, code, on_hand, reserved in stocks:
        rows[(variant_id, code)] = {"sku": variant_sku, "on_hand": on_hand, "reserved": reserved, "incoming": 0}
    for item in incoming:
        key = (item["variant_id"], item["shipment__warehouse__code"])
        row = rows.setdefault(key, {"sku": item["variant__sku"], "on_hand": 0, "reserved": 0, "incoming": 0})
        row["incoming"] += item["quantity"]
    return [
        SellerStockRow(variant_id=variant_id, warehouse=code, **values)
        for (variant_id, code), values in sorted(rows.items(), key=lambda item: (item[1]["sku"], item[0][1]))
    ]


def departure_manifest_shipments(*, user: Any, departure_id: int) -> QuerySet[OutboundShipment]:
    """Shipments booked on a departure's units, limited to the staff's warehouses."""
    return (
        OutboundShipment.objects.filter(
            departure_unit__departure_id=departure_id, warehouse__in=warehouses_for_staff(user=user)
        )
        .exclude(status=OutboundStatus.CANCELLED)
        .select_related("warehouse", "seller", "departure_unit")
        .prefetch_related("lines__variant__product")
        .order_by("departure_unit__number", "reference")
    )
