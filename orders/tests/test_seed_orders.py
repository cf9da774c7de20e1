"""The demo step that gives the demo buyer one paid order from two sellers at two warehouses."""

from demo import seed_orders
from demo.seed_accounts import BUYER_EMAIL
from demo.tests.factories import demo_seller
from marketplace.tests.factories import SellerFactory
from orders.models import Order
from orders.tests.factories import variant_in_stock
from warehouses.tests.factories import WarehouseFactory


def test_seed_orders_places_one_paid_order_once(make_user, rates, network) -> None:  # type: ignore[no-untyped-def]
    make_user(email=BUYER_EMAIL)
    lianyungang = WarehouseFactory(code="LYG", country="CN")
    urumqi = WarehouseFactory(code="URC", country="CN")
    # Goods of other sellers, first in line and plentiful, are never put into the demo's order.
    variant_in_stock(seller=SellerFactory(country="CN", currency="CNY"), warehouse=lianyungang, price="1.00")
    variant_in_stock(seller=SellerFactory(country="UZ", currency="UZS"), warehouse=urumqi, price="1000.00")
    chinese = variant_in_stock(
        seller=demo_seller("yiwu-digital"),
        warehouse=lianyungang,
        sku="YD-EB-PRO",
        product_fields={"external_ref": "YD-EB-PRO"},
    )
    uzbek = variant_in_stock(
        seller=demo_seller("samarkand-orchards"),
        warehouse=urumqi,
        price="150000.00",
        sku="SO-RAISIN-1",
        product_fields={"external_ref": "SO-RAISIN", "origin_country": "UZ"},
    )
    lines: list[str] = []
    seed_orders.run(log=lines.append)
    seed_orders.run(log=lines.append)
    (order,) = Order.objects.all()
    assert order.status == "allocated"
    assert sorted(order.shipments.values_list("warehouse__code", flat=True)) == ["LYG", "URC"]
    assert set(order.lines.values_list("variant_id", flat=True)) == {chinese.pk, uzbek.pk}
    assert len(lines) == 1 and order.number in lines[0]
