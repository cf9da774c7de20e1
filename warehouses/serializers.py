"""Request and response shapes of the warehouse API (public list, seller stock and inbound, scanners)."""

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from core.api.fields import MoneyField
from warehouses.models import InboundStatus, OutboundStatus, ShipmentEventCode


class WarehouseSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    country = serializers.CharField()
    city = serializers.CharField()
    hub = serializers.CharField(source="hub.code")
    cold_storage = serializers.BooleanField()
    kind = serializers.CharField()
    timezone = serializers.CharField()


class SellerStockSerializer(serializers.Serializer):
    variant = serializers.IntegerField(source="variant_id")
    sku = serializers.CharField()
    warehouse = serializers.CharField()
    on_hand = serializers.IntegerField()
    reserved = serializers.IntegerField()
    available = serializers.IntegerField()
    incoming = serializers.IntegerField()


class StaffStockSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    variant = serializers.IntegerField(source="variant_id")
    sku = serializers.CharField(source="variant.sku")
    barcode = serializers.CharField(source="variant.barcode")
    product = serializers.CharField(source="variant.product.title")
    warehouse = serializers.CharField(source="warehouse.code")
    on_hand = serializers.IntegerField()
    reserved = serializers.IntegerField()
    available = serializers.IntegerField()


class InboundLineSerializer(serializers.Serializer):
    sku = serializers.CharField(source="variant.sku")
    variant = serializers.IntegerField(source="variant_id")
    quantity = serializers.IntegerField(source="quantity_expected")
    quantity_expected = serializers.IntegerField()
    quantity_received = serializers.IntegerField(allow_null=True)
    difference = serializers.IntegerField(allow_null=True)


class InboundShipmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    warehouse = serializers.CharField(source="warehouse.code")
    seller = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=InboundStatus.choices)
    seller_reference = serializers.CharField()
    note = serializers.CharField()
    lines = InboundLineSerializer(many=True, source="lines.all")
    discrepancies = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField(allow_null=True)

    def get_seller(self, shipment: Any) -> dict[str, Any]:
        return {"id": shipment.seller_id, "display_name": shipment.seller.display_name}

    def get_discrepancies(self, shipment: Any) -> list[dict[str, Any]]:
        """Lines counted differently from the announcement: negative difference = shortfall."""
        return [
            {
                "sku": line.variant.sku,
                "expected": line.quantity_expected,
                "received": line.quantity_received,
                "difference": line.difference,
                "kind": "shortfall" if line.difference < 0 else "surplus",
            }
            for line in shipment.lines.all()
            if line.difference
        ]


class InboundLineInputSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000)


class InboundCreateSerializer(serializers.Serializer):
    warehouse = serializers.CharField(max_length=8)
    lines = InboundLineInputSerializer(many=True, allow_empty=False, max_length=1000)
    seller_reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReceiveLineInputSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    quantity_received = serializers.IntegerField(min_value=0, max_value=1_000_000)


class ReceiveSerializer(serializers.Serializer):
    lines = ReceiveLineInputSerializer(many=True, max_length=1000)
    complete = serializers.BooleanField(
        default=False, help_text="Close the shipment now; lines not counted yet are recorded as 0 received."
    )


class OutboundLineSerializer(serializers.Serializer):
    variant = serializers.IntegerField(source="variant_id")
    sku = serializers.CharField(source="variant.sku")
    barcode = serializers.CharField(source="variant.barcode")
    product = serializers.CharField(source="variant.product.title")
    hs_code = serializers.CharField(source="variant.product.hs_code")
    quantity = serializers.IntegerField()
    declared_unit_value = MoneyField()


class ShipmentEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    location = serializers.CharField()
    note = serializers.CharField()
    occurred_at = serializers.DateTimeField()


class OutboundShipmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    warehouse = serializers.CharField(source="warehouse.code")
    seller = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=OutboundStatus.choices)
    destination = serializers.DictField(child=serializers.CharField(allow_blank=True))
    mode = serializers.CharField()
    transit_days_min = serializers.IntegerField(allow_null=True)
    transit_days_max = serializers.IntegerField(allow_null=True)
    shipping_cost = MoneyField(allow_null=True)
    weight_kg = serializers.DecimalField(max_digits=10, decimal_places=3, allow_null=True)
    length_cm = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    width_cm = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    height_cm = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    carrier_ref = serializers.CharField()
    seal_numbers = serializers.ListField(child=serializers.CharField())
    departure_unit = serializers.CharField(source="departure_unit.number", allow_null=True, default=None)
    eta = serializers.DateTimeField(allow_null=True)
    lines = OutboundLineSerializer(many=True, source="lines.all")
    events = ShipmentEventSerializer(many=True, source="events.all")
    created_at = serializers.DateTimeField()
    dispatched_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)

    def get_seller(self, shipment: Any) -> dict[str, Any]:
        return {"id": shipment.seller_id, "display_name": shipment.seller.display_name}


class PackSerializer(serializers.Serializer):
    weight_kg = serializers.DecimalField(max_digits=10, decimal_places=3, min_value=Decimal("0.001"), required=False)
    length_cm = serializers.DecimalField(max_digits=8, decimal_places=1, min_value=Decimal("0.1"), required=False)
    width_cm = serializers.DecimalField(max_digits=8, decimal_places=1, min_value=Decimal("0.1"), required=False)
    height_cm = serializers.DecimalField(max_digits=8, decimal_places=1, min_value=Decimal("0.1"), required=False)


class DispatchSerializer(serializers.Serializer):
    carrier_ref = serializers.CharField(max_length=64, help_text="TIR carnet number or SMGS consignment note number.")
    seal_numbers = serializers.ListField(
        child=serializers.CharField(max_length=32), required=False, default=list, max_length=20
    )


class EventInputSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=ShipmentEventCode.choices)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    occurred_at = serializers.DateTimeField(required=False)
