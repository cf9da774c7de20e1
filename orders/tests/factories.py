"""Test helpers for orders: a small marketplace (two sellers, two warehouses) with stock, and addresses."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from djmoney.money import Money

from marketplace.tests.factories import ProductFactory, SellerFactory, VariantFactory
from warehouses.services import stock_receive
from warehouses.tests.factories import WarehouseFactory

ALMATY_ADDRESS = {
    "recipient": "Aigerim Nurlanovna",
    "phone": "+7 701 234 5678",
    "country": "KZ",
    "city": "Almaty",
    "postal_code": "050000",
    "line1": "Abay Ave 10, apt 5",
}
TASHKENT_ADDRESS = {
    "recipient": "Dilshod Karimov",
    "phone": "+998 90 123 45 67",
    "country": "UZ",
    "city": "Tashkent",
    "postal_code": "100000",
    "line1": "Amir Temur St 1",
}


def variant_in_stock(*, seller: Any, warehouse: Any, quantity: int = 40, price: str = "100.00", **fields: Any) -> Any:
    product = ProductFactory(seller=seller, **fields.pop("product_fields", {}))
    variant = VariantFactory(product=product, price=Money(Decimal(price), seller.currency), **fields)
    if quantity:
        stock_receive(variant_id=variant.pk, warehouse_id=warehouse.pk, quantity=quantity, reference="test")
    return variant


@dataclass
class Market:
    seller_a: Any
    seller_b: Any
    urumqi: Any
    lianyungang: Any
    a_urc: Any  # seller A's variant stocked in Urumqi
    a_lyg: Any  # seller A's variant stocked in Lianyungang
    b_urc: Any
    b_lyg: Any


def market_build(*, owner_a: Any = None, owner_b: Any = None) -> Market:
    """Two sellers (CNY and KZT prices), each with one variant in Urumqi and one in Lianyungang."""
    seller_a = SellerFactory(display_name="Yiwu Goods", country="CN", currency="CNY", owner=owner_a)
    seller_b = SellerFactory(display_name="Almaty Trade", country="KZ", currency="KZT", owner=owner_b)
    urumqi = WarehouseFactory(code="URC", country="CN")
    lianyungang = WarehouseFactory(code="LYG", country="CN")
    return Market(
        seller_a=seller_a,
        seller_b=seller_b,
        urumqi=urumqi,
        lianyungang=lianyungang,
        a_urc=variant_in_stock(seller=seller_a, warehouse=urumqi, price="350.00"),
        a_lyg=variant_in_stock(seller=seller_a, warehouse=lianyungang, price="120.50"),
        b_urc=variant_in_stock(seller=seller_b, warehouse=urumqi, price="15000.00"),
        b_lyg=variant_in_stock(seller=seller_b, warehouse=lianyungang, price="4999.99"),
    )
