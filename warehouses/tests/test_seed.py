"""The demo seed: ten warehouses on their hubs, staff logins, stock through the ledger, idempotent."""

import pytest

from demo import seed_warehouses
from demo.tests.factories import demo_seller, demo_variant
from marketplace.tests.factories import ProductFactory, VariantFactory
from sellers.tests.factories import SellerFactory
from warehouses.models import StaffAssignment, Stock, StockLedgerEntry, Warehouse
from warehouses.services import ReservationLine, stock_reserve

pytestmark = pytest.mark.django_db


def test_seed_is_complete_and_idempotent() -> None:
    chinese = demo_variant("YD-EB-PRO")
    uzbek = demo_variant("SO-RAISIN-1", origin_country="UZ")
    fruit = demo_variant("SO-CHERRY-5", origin_country="UZ", perishable=True)
    # Not the demo's: another seller's goods, and a demo seller's own product outside the demo file.
    other = VariantFactory(product=ProductFactory(seller=SellerFactory(country="CN", currency="CNY")))
    own = VariantFactory(product=ProductFactory(seller=demo_seller("yiwu-digital")), sku="YD-MY-OWN-1")
    lines: list[str] = []
    seed_warehouses.run(log=lines.append)

    assert set(Warehouse.objects.values_list("code", flat=True)) == {
        "LYG", "TAO", "HRG", "URC", "ALA", "TAS", "FRU", "MOW", "OVB", "MSQ",
    }  # fmt: skip
    assert all(warehouse.hub.code == warehouse.code for warehouse in Warehouse.objects.select_related("hub"))
    assert Warehouse.objects.get(code="TAO").hub.name.startswith("Qingdao")
    assert any("staff.ala@karavan.local" in line for line in lines)
    almaty_staff = StaffAssignment.objects.get(warehouse__code="ALA").user
    assert almaty_staff.is_staff and almaty_staff.groups.filter(name="Warehouse staff").exists()
    assert set(Stock.objects.filter(variant=chinese).values_list("warehouse__code", flat=True)) == {"LYG", "ALA", "MOW"}
    assert set(Stock.objects.filter(variant=uzbek).values_list("warehouse__code", flat=True)) == {"TAS", "URC"}
    assert all(stock.warehouse.cold_storage for stock in Stock.objects.filter(variant=fruit))
    assert not Stock.objects.filter(variant__in=[other, own]).exists()

    counts = (Warehouse.objects.count(), Stock.objects.count(), StockLedgerEntry.objects.count())
    on_hand = sorted(Stock.objects.values_list("pk", "on_hand"))
    seed_warehouses.run(log=lambda _: None)
    assert (Warehouse.objects.count(), Stock.objects.count(), StockLedgerEntry.objects.count()) == counts
    assert sorted(Stock.objects.values_list("pk", "on_hand")) == on_hand

    # A buyer in Kazakhstan ordering from both sellers is served from two warehouses.
    allocations = stock_reserve(
        lines=[ReservationLine(chinese.pk, 1), ReservationLine(uzbek.pk, 1)],
        destination_country="KZ",
        reference="demo",
        dry_run=True,
    )
    codes = {allocation.variant_id: allocation.warehouse_code for allocation in allocations}
    assert codes[chinese.pk] == "ALA" and codes[uzbek.pk] in {"TAS", "URC"}
