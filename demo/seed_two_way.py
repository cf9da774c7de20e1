"""Demo step: a Kyrgyz seller trading both ways from Tashkent and Bishkek, and the buyer's Tashkent→Almaty order.

Osh Valley Trade House (Kyrgyzstan) sells Fergana Valley fruit and textiles from stock in the
Tashkent and Bishkek warehouses: the shop's goods flow out of Central Asia, not only into it.
Its catalog goes through the same importer as every demo seller (``demo/data/demo_two_way.csv``);
stock goes in through ``stock_receive`` (reference ``DEMO-SEED``); the demo buyer's order goes
through the checkout services. Every part is skipped when it exists, so a second run changes
nothing. Fresh cherries are kept only in Tashkent (the cold room), so the order ships from
Tashkent to Almaty by TIR reefer truck, cleared into the EAEU at Almaty.
"""

import csv
from collections.abc import Callable
from pathlib import Path

from django.db import transaction

from accounts.models import User
from core.exceptions import DomainError
from demo.seed_accounts import BUYER_EMAIL
from demo.seed_catalog import _images, _import, _seller
from demo.seed_orders import ADDRESS
from demo.seed_warehouses import SEED_REFERENCE, _quantity
from marketplace.models import ProductVariant
from marketplace.services.categories import category_seed_defaults
from orders.models import Order, OrderShipment
from orders.services import cart_clear, cart_get_or_create, cart_item_add, order_pay_offline, order_place
from sellers.models import Seller
from warehouses.models import StockLedgerEntry, Warehouse
from warehouses.services import stock_receive
from warehouses.transport.services import delivery_estimates_recompute

CATALOG_PATH = Path(__file__).resolve().parent / "data" / "demo_two_way.csv"
SELLER_REF = "osh-valley"
# Perishables only where there is a cold room (Tashkent); the rest in both warehouses.
PLACEMENT = {True: ["TAS"], False: ["TAS", "FRU"]}
# The buyer's order: cherries (Tashkent only) and dried apricots.
ORDER_LINES = [("OV-CHERRY-5", 1), ("OV-APRICOT-DRY-1", 2)]


def _rows() -> list[dict[str, str]]:
    with CATALOG_PATH.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _stock(variants: list[ProductVariant], log: Callable[[str], None]) -> None:
    warehouses = {warehouse.code: warehouse for warehouse in Warehouse.objects.filter(code__in=["TAS", "FRU"])}
    seeded = set(
        StockLedgerEntry.objects.filter(reference=SEED_REFERENCE, stock__variant__in=variants).values_list(
            "stock__variant_id", "stock__warehouse__code"
        )
    )
    received = 0
    for variant in variants:
        for code in PLACEMENT[variant.product.perishable]:
            if code not in warehouses or (variant.pk, code) in seeded:
                continue
            stock_receive(
                variant_id=variant.pk,
                warehouse_id=warehouses[code].pk,
                quantity=_quantity(variant.sku, code),
                reference=SEED_REFERENCE,
                reason="Demo opening stock",
            )
            received += 1
    log(f"  stock: {received} Osh Valley stock rows received in Tashkent and Bishkek")


def _order(seller: Seller, variants: dict[str, ProductVariant], log: Callable[[str], None]) -> None:
    buyer = User.objects.filter(email=BUYER_EMAIL).first()
    if buyer is None:
        return
    if OrderShipment.objects.filter(order__buyer=buyer, seller_order__seller=seller, warehouse__code="TAS").exists():
        return
    cart = cart_get_or_create(user=buyer)
    cart_clear(cart=cart)
    for sku, quantity in ORDER_LINES:
        cart_item_add(cart=cart, variant_id=variants[sku].pk, quantity=quantity)
    try:
        order = order_place(user=buyer, cart=cart, shipping_address=ADDRESS, currency="KZT", preference="cheapest")
    except DomainError as error:
        cart_clear(cart=cart)
        log(f"  orders: Tashkent→Almaty order skipped ({error})")
        return
    order = order_pay_offline(order=order, actor=buyer)
    parcels = ", ".join(
        f"{shipment.warehouse.code} by {shipment.mode}"
        for shipment in Order.objects.get(pk=order.pk).shipments.select_related("warehouse")
    )
    log(f"  order  {order.number} ({order.status}) for {BUYER_EMAIL}: Tashkent→Almaty, parcels {parcels}")


def run(*, log: Callable[[str], None]) -> None:
    category_seed_defaults()  # idempotent; lets this step run on its own too
    rows = _rows()
    user, seller = _seller(SELLER_REF, rows[0])
    outcome = _import(user, seller, rows)
    images = _images(SELLER_REF, seller, path=CATALOG_PATH)
    log(f"  seller {seller.display_name} ({seller.country}): {outcome}; {images} new images")
    variants = {
        variant.sku: variant for variant in ProductVariant.objects.filter(seller=seller).select_related("product")
    }
    with transaction.atomic():
        _stock(list(variants.values()), log)
    _order(seller, variants, log)
    # Warehouses exist by now: estimate every (warehouse hub, served country) pair the network reaches.
    log(f"  delivery estimates: {delivery_estimates_recompute()} (origin hub, destination country) pairs")
