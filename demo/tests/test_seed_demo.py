"""`seed_demo` run again (every `make run`) changes nothing and never touches rows that are not the demo's."""

import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Model

from accounts.models import User
from demo.ownership import demo_products, demo_variants
from demo.tests.factories import demo_seller, demo_variant
from marketplace.models import CatalogImport, Product, ProductImage, ProductVariant
from marketplace.tests.factories import ProductFactory, VariantFactory
from orders.models import Order
from sellers.models import Seller
from sellers.tests.factories import SellerFactory
from warehouses.models import Stock, StockLedgerEntry
from warehouses.transport.models import DeliveryEstimate

pytestmark = pytest.mark.django_db

# A summer weekday: no seasonal closure stands between the demo order and Almaty.
SEEDED_ON = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)
COUNTED: list[type[Model]] = [
    User,
    Seller,
    Product,
    ProductVariant,
    ProductImage,
    CatalogImport,
    Stock,
    StockLedgerEntry,
    Order,
    DeliveryEstimate,
]


def seed() -> str:
    output = io.StringIO()
    with time_machine.travel(SEEDED_ON, tick=False):
        call_command("seed_demo", stdout=output)
    return output.getvalue()


def snapshot() -> dict[str, object]:
    state: dict[str, object] = {model.__name__: model.objects.count() for model in COUNTED}
    state["ledger"] = list(StockLedgerEntry.objects.order_by("pk").values_list("pk", "stock_id", "on_hand_delta"))
    state["variants"] = list(ProductVariant.objects.order_by("pk").values_list("pk", "updated_at", "price"))
    state["stock"] = list(Stock.objects.order_by("pk").values_list("pk", "on_hand", "reserved"))
    state["payouts"] = list(Seller.objects.order_by("pk").values_list("pk", "payout_status"))
    return state


def test_a_second_seed_changes_nothing_and_leaves_other_sellers_alone(django_capture_on_commit_callbacks) -> None:
    # Someone else's goods before the first seed: the seed must not stock them or draw them.
    early = VariantFactory(product=ProductFactory(seller=SellerFactory(country="CN", currency="CNY")))
    with django_capture_on_commit_callbacks(execute=True):
        first_output = seed()
    assert "Demo data ready." in first_output
    assert demo_products().count() == 38 and demo_variants().count() == 45
    # 38 cards for the main demo catalog and 6 for Osh Valley's (the two-way trade step); one demo
    # order from the main catalog and one Tashkent→Almaty order.
    assert ProductImage.objects.count() == 38 + 6 and Order.objects.count() == 2

    # Between two `make run`s: another seller imports its catalog, a demo seller adds its own
    # product and pauses payouts. None of it has images or stock, and it must stay that way.
    other = SellerFactory(country="CN", currency="CNY")
    imported = [VariantFactory(product=ProductFactory(seller=other)) for _ in range(3)]
    yiwu = demo_seller("yiwu-digital")
    own = VariantFactory(product=ProductFactory(seller=yiwu), sku="YD-NOT-IN-THE-DEMO")
    Seller.objects.filter(pk=yiwu.pk).update(payout_status="restricted")
    foreign = [early, *imported, own]
    before = snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        second_output = seed()

    assert snapshot() == before
    assert not ProductImage.objects.filter(product__variants__in=foreign).exists()
    assert not Stock.objects.filter(variant__in=foreign).exists()
    assert not StockLedgerEntry.objects.filter(reason="Demo opening stock", stock__variant__in=foreign).exists()
    assert "0 new images" in second_output and "0 stock rows received" in second_output


def test_only_the_demo_sellers_skus_are_the_demos() -> None:
    ours = demo_variant("GS-TEE-M")
    # The same SKU at another seller, and another SKU at the demo seller, are not the demo's.
    VariantFactory(product=ProductFactory(seller=SellerFactory()), sku="GS-TEE-M")
    VariantFactory(product=ProductFactory(seller=ours.seller), sku="GS-HOODIE-XL")
    assert list(demo_variants()) == [ours]
    assert list(demo_products()) == [ours.product]
