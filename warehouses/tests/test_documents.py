"""Printable documents render with what the picker, the packer and customs need."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from marketplace.tests.factories import ProductFactory, VariantFactory
from warehouses.services import outbound_shipment_set_departure, staff_assign
from warehouses.tests.factories import HubFactory, WarehouseFactory, shipment_for, stock_with
from warehouses.transport.models import Departure, DepartureUnit, Lane

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(make_user):  # type: ignore[no-untyped-def]
    ala = WarehouseFactory(code="ALA")
    staff = make_user(email="staff.ala@example.com")
    staff_assign(user=staff, warehouse=ala)
    client = Client()
    client.force_login(staff)
    return client, ala


def departure_unit(origin_code: str = "ALA") -> DepartureUnit:
    lane = Lane.objects.create(
        origin=HubFactory(code=origin_code),
        destination=HubFactory(code="MOW", country="RU"),
        mode="tir",
        distance_km=3900,
        transit_days_min=5,
        transit_days_typical=7,
        transit_days_p90=9,
        cutoff_time=time(18, 0),
        groupage_usd_per_kg=Decimal("0.45"),
        full_unit_usd=Decimal("4200"),
        unit_capacity_kg=20000,
        unit_capacity_m3=Decimal("86"),
    )
    departs_at = timezone.now() + timedelta(days=1)
    departure = Departure.objects.create(lane=lane, departs_at=departs_at, cutoff_at=departs_at - timedelta(hours=6))
    return DepartureUnit.objects.create(departure=departure, number="TRL-0042", capacity_kg=20000, capacity_m3=86)


def test_pick_list_and_packing_slip(staff_client) -> None:
    client, ala = staff_client
    variant = VariantFactory(sku="KETTLE-1", barcode="4601234567890", product=ProductFactory(title="Steel kettle"))
    shipment = shipment_for(stock=stock_with(variant=variant, warehouse=ala, on_hand=5), quantity=3, reference="K-77")
    pick_list = client.get(reverse("admin:warehouses_outbound_pick_list", args=[shipment.pk])).content.decode()
    for text in ("Pick list · K-77", "KETTLE-1", "4601234567890", "Steel kettle", ">3<"):
        assert text in pick_list
    slip = client.get(reverse("admin:warehouses_outbound_packing_slip", args=[shipment.pk])).content.decode()
    for text in ("Packing slip · K-77", "Aigerim Demo", "Abay Ave 1", "050000", "851671", "100.00\xa0CNY"):
        assert text in slip


def test_manifest_lists_hs_code_origin_weight_and_declared_value(staff_client) -> None:
    client, ala = staff_client
    unit = departure_unit()
    uzbek = VariantFactory(
        sku="APRICOT-1",
        weight_kg=Decimal("2.500"),
        product=ProductFactory(title="Dried apricots", hs_code="0813100000", origin_country="UZ"),
    )
    kettle = VariantFactory(sku="KETTLE-1", product=ProductFactory(title="Steel kettle"))
    first = shipment_for(stock=stock_with(variant=uzbek, warehouse=ala, on_hand=10), quantity=4, reference="K-1")
    second = shipment_for(stock=stock_with(variant=kettle, warehouse=ala, on_hand=10), quantity=2, reference="K-2")
    for shipment in (first, second):
        outbound_shipment_set_departure(shipment=shipment, departure_unit=unit)
    # A shipment of another warehouse on the same departure is not on this staff's manifest.
    other = shipment_for(stock=stock_with(warehouse=WarehouseFactory(code="TAS"), on_hand=5), reference="K-TAS")
    outbound_shipment_set_departure(shipment=other, departure_unit=unit)

    response = client.get(reverse("admin:warehouses_outbound_manifest", args=[unit.departure_id]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "ALA → MOW" in html and "TRL-0042" in html
    assert "081310" in html and "0813100000" not in html  # the 6-digit HS code
    assert ">UZ<" in html and ">CN<" in html
    assert ">10<" in html  # 4 × 2.5 kg
    assert "400.00\xa0CNY" in html  # 4 × 100.00 declared
    assert "Declared value total: 600.00\xa0CNY" in html
    assert "K-TAS" not in html

    bulk = client.post(
        reverse("admin:warehouses_outboundshipment_changelist"),
        {"action": "print_manifests", "_selected_action": [first.pk]},
    )
    assert bulk.status_code == 200 and "APRICOT-1" in bulk.content.decode()


def test_manifest_of_a_departure_without_your_shipments_is_404(staff_client) -> None:
    client, _ = staff_client
    unit = departure_unit()
    assert client.get(reverse("admin:warehouses_outbound_manifest", args=[unit.departure_id])).status_code == 404
