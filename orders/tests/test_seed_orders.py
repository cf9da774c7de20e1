"""The demo step that gives the demo buyer one paid order from two sellers at two warehouses."""

from demo import seed_orders
from demo.seed_accounts import BUYER_EMAIL
from marketplace.tests.factories import SellerFactory
from orders.models import Order
from orders.tests.factories import variant_in_stock
from warehouses.tests.factories import WarehouseFactory


def test_seed_orders_places_one_paid_order_once(make_user, rates, network) -> None:  # type: ignore[no-untyped-def]
    make_user(email=BUYER_EMAIL)
    variant_in_stock(
        seller=SellerFactory(country="CN", currency="CNY"), warehouse=WarehouseFactory(code="LYG", country="CN")
    )
    variant_in_stock(
        seller=SellerFactory(country="UZ", currency="UZS"),
        warehouse=WarehouseFactory(code="URC", country="CN"),
        price="150000.00",
    )
    lines: list[str] = []
    seed_orders.run(log=lines.append)
    seed_orders.run(log=lines.append)
    (order,) = Order.objects.all()
    assert order.status == "allocated"
    assert sorted(order.shipments.values_list("warehouse__code", flat=True)) == ["LYG", "URC"]
    assert len(lines) == 1 and order.number in lines[0]
