"""Factories for warehouses, stock and shipments (hubs are created on demand, no seed needed)."""

from decimal import Decimal

import factory
from djmoney.money import Money

from marketplace.tests.factories import VariantFactory
from warehouses.models import OutboundLine, OutboundShipment, Stock, Warehouse, WarehouseKind
from warehouses.services import ReservationLine, stock_receive, stock_reserve
from warehouses.transport.models import Hub

HUB_COUNTRIES = {"ALA": "KZ", "TAS": "UZ", "LYG": "CN", "MOW": "RU", "FRU": "KG", "MSQ": "BY", "URC": "CN"}


class HubFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hub
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"H{n:03d}")
    name = factory.LazyAttribute(lambda o: f"Hub {o.code}")
    country = factory.LazyAttribute(lambda o: HUB_COUNTRIES.get(o.code, "KZ"))
    latitude = Decimal("43.2")
    longitude = Decimal("76.9")
    timezone = "Asia/Almaty"
    kind = "overseas_warehouse"


class WarehouseFactory(factory.django.DjangoModelFactory):
    """``WarehouseFactory(code="ALA")`` gives Almaty in Kazakhstan on an ALA hub."""

    class Meta:
        model = Warehouse
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"W{n:02d}")
    name = factory.LazyAttribute(lambda o: f"Warehouse {o.code}")
    country = factory.LazyAttribute(lambda o: HUB_COUNTRIES.get(o.code, "KZ"))
    city = factory.LazyAttribute(lambda o: f"City {o.code}")
    timezone = "Asia/Almaty"
    hub = factory.LazyAttribute(lambda o: HubFactory(code=o.code, country=o.country))
    kind = factory.LazyAttribute(lambda o: WarehouseKind.ORIGIN_HUB if o.country == "CN" else WarehouseKind.OVERSEAS)
    cold_storage = False
    is_active = True


def stock_with(*, variant=None, warehouse=None, on_hand: int = 10, reserved: int = 0) -> Stock:  # type: ignore[no-untyped-def]
    """A stock row built through the services, so its ledger adds up."""
    variant = variant or VariantFactory()
    warehouse = warehouse or WarehouseFactory()
    stock = stock_receive(variant_id=variant.pk, warehouse_id=warehouse.pk, quantity=on_hand, reference="test")
    if reserved:
        stock_reserve(
            lines=[ReservationLine(variant.pk, reserved)],
            destination_country=warehouse.country,
            reference="test-reserve",
            strategy="default",
        )
        stock.refresh_from_db()
    return stock


def shipment_for(*, stock: Stock, quantity: int = 1, reference: str | None = None, **fields) -> OutboundShipment:  # type: ignore[no-untyped-def]
    """A pending outbound shipment of ``quantity`` units from ``stock`` (reserved as the orders app would)."""
    from warehouses.services import outbound_shipment_create

    reference = reference or f"K-{OutboundShipment.objects.count() + 1:05d}"
    stock_reserve(
        lines=[ReservationLine(stock.variant_id, quantity)],
        destination_country=stock.warehouse.country,
        reference=reference,
    )
    return outbound_shipment_create(
        warehouse_id=stock.warehouse_id,
        seller_id=stock.variant.seller_id,
        reference=reference,
        destination={
            "recipient": "Aigerim Demo",
            "phone": "+7 700 000 0000",
            "country": "KZ",
            "city": "Almaty",
            "postal_code": "050000",
            "line1": "Abay Ave 1",
        },
        lines=[(stock.variant_id, quantity, Money(Decimal("100.00"), stock.variant.price.currency))],
        mode=fields.pop("mode", "tir"),
        **fields,
    )


__all__ = ["HubFactory", "OutboundLine", "WarehouseFactory", "shipment_for", "stock_with"]
