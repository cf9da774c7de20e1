"""Staff see departures in the admin with their units and a link to the printable manifest."""

from datetime import UTC, datetime
from decimal import Decimal

from django.test import Client
from django.urls import reverse

from core.money import Money
from marketplace.tests.factories import VariantFactory
from warehouses.models import OutboundLine
from warehouses.services.consolidation import departures_consolidate
from warehouses.tests.test_consolidation import packed, warehouse_at
from warehouses.transport.models import Departure


def test_departure_admin_lists_units_and_links_the_manifest(seeded: tuple[int, int], make_user) -> None:  # type: ignore[no-untyped-def]
    shipment = packed(warehouse_at("URC"))
    variant = VariantFactory()
    OutboundLine.objects.create(
        shipment=shipment, variant=variant, quantity=2, declared_unit_value=Money(Decimal("100"), "CNY")
    )
    departures_consolidate(now=datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    departure = Departure.objects.get()
    client = Client()
    client.force_login(make_user(is_staff=True, is_superuser=True))

    changelist = client.get(reverse("admin:transport_departure_changelist"))
    manifest_url = reverse("admin:warehouses_outbound_manifest", args=[departure.pk])
    assert changelist.status_code == 200
    assert manifest_url in changelist.content.decode()

    detail = client.get(reverse("admin:transport_departure_change", args=[departure.pk]))
    assert detail.status_code == 200
    assert "TIR-URC-20261123-01" in detail.content.decode()

    manifest = client.get(manifest_url)
    assert manifest.status_code == 200
    assert variant.sku in manifest.content.decode()
    assert "TIR-URC-20261123-01" in manifest.content.decode()
