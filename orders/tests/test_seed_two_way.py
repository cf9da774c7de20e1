"""The demo step for two-way trade: a Kyrgyz seller stocked in Tashkent and Bishkek, a Tashkent→Almaty order."""

from demo import seed_two_way
from demo.seed_accounts import BUYER_EMAIL
from marketplace.models import ProductVariant
from orders.models import Order
from sellers.models import Seller
from warehouses.models import Stock
from warehouses.tests.factories import WarehouseFactory


def test_seed_two_way_stocks_tashkent_and_bishkek_and_orders_once(  # type: ignore[no-untyped-def]
    make_user, rates, network, django_capture_on_commit_callbacks
) -> None:
    make_user(email=BUYER_EMAIL)
    WarehouseFactory(code="TAS", country="UZ", city="Tashkent", cold_storage=True)
    WarehouseFactory(code="FRU", country="KG", city="Bishkek")
    lines: list[str] = []
    with django_capture_on_commit_callbacks(execute=True):
        seed_two_way.run(log=lines.append)
    snapshot = list(Stock.objects.order_by("pk").values_list("pk", "on_hand", "reserved"))
    with django_capture_on_commit_callbacks(execute=True):
        seed_two_way.run(log=lines.append)  # a second run changes nothing

    seller = Seller.objects.get(display_name="Osh Valley Trade House")
    assert seller.country == "KG"
    categories = set(ProductVariant.objects.filter(seller=seller).values_list("product__category__slug", flat=True))
    assert {"fresh-produce", "food", "household", "clothing-shoes"} <= categories  # fruit and textiles
    stocked = set(Stock.objects.filter(variant__seller=seller).values_list("warehouse__code", flat=True))
    assert stocked == {"TAS", "FRU"}
    assert not Stock.objects.filter(variant__sku="OV-CHERRY-5", warehouse__code="FRU").exists()  # no cold room

    (order,) = Order.objects.filter(buyer__email=BUYER_EMAIL)
    assert order.status == "allocated" and order.destination_country == "KZ"
    tashkent = order.shipments.get(warehouse__code="TAS")
    assert tashkent.mode == "tir" and tashkent.legs[0]["to"] == "ALA"
    assert any("clear into the EAEU customs union at Almaty" in reason for reason in tashkent.reasons)
    assert list(Stock.objects.order_by("pk").values_list("pk", "on_hand", "reserved")) == snapshot
    assert sum("Tashkent→Almaty" in line for line in lines) == 1
