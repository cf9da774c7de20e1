"""The lowest price and its reference (USD) price follow variant writes, imports and new exchange rates."""

import threading
import uuid
from decimal import Decimal

import pytest
from celery.result import AsyncResult
from celery.signals import after_task_publish
from django.db import connection
from django.utils import timezone
from djmoney.money import Money

from config.celery import app as celery_app
from core.services import exchange_rates_store
from core.tests.test_celery_worker import worker_queue  # noqa: F401  (the real-worker fixture)
from marketplace.models import Product
from marketplace.services.prices import product_reference_prices_refresh
from marketplace.services.products import product_update
from marketplace.tests.conftest import product_payload
from marketplace.tests.factories import ProductFactory, VariantFactory
from sellers.tests.factories import SellerFactory


def _prices(product: Product) -> tuple[Money | None, Decimal | None]:
    product.refresh_from_db()
    return product.price_from, product.price_reference


@pytest.mark.django_db
def test_the_lowest_active_variant_sets_both_prices(cast, rates, client_for) -> None:
    variants = [
        {**product_payload()["variants"][0], "sku": "K-17", "price": {"amount": "89.00", "currency": "CNY"}},
        {**product_payload()["variants"][0], "sku": "K-15", "price": {"amount": "72.00", "currency": "CNY"}},
    ]
    response = client_for(cast.owner_a).post(
        "/api/v1/seller/products/", product_payload(variants=variants), format="json"
    )
    assert response.status_code == 201, response.content
    product = Product.objects.get(pk=response.json()["id"])
    assert _prices(product) == (Money("72.00", "CNY"), Decimal("10.0000000000"))  # 72 / 7.20
    cheapest = product.variants.get(sku="K-15")
    product_update(product=product, variants=[{"id": cheapest.pk, "is_active": False}])
    assert _prices(product) == (Money("89.00", "CNY"), Decimal("12.3611111111"))


@pytest.mark.django_db
def test_a_csv_import_keeps_the_prices(cast, rates, client_for, django_capture_on_commit_callbacks) -> None:
    from marketplace.tests.test_imports import _csv, _import, _row

    client = client_for(cast.owner_a)
    _import(
        client, _csv([_row(price="36.00"), _row(sku="GS-TEE-L", price="34.00")]), django_capture_on_commit_callbacks
    )
    product = Product.objects.get(seller=cast.seller_a, external_ref="GS-TEE")
    assert _prices(product) == (Money("34.00", "CNY"), Decimal("4.7222222222"))
    _import(
        client, _csv([_row(sku="GS-TEE-L", price="40.00")], header=["sku", "price"]), django_capture_on_commit_callbacks
    )
    assert _prices(product) == (Money("36.00", "CNY"), Decimal("5.0000000000"))


@pytest.mark.django_db(transaction=True)
def test_new_rates_recompute_every_reference_price(rates) -> None:
    seller = SellerFactory(country="KZ", currency="KZT")
    flour = VariantFactory(product=ProductFactory(seller=seller), price=Money("4500.00", "KZT")).product
    yuan = VariantFactory(price=Money("72.00", "CNY"), product=ProductFactory(seller=SellerFactory(currency="CNY")))
    assert _prices(flour)[1] == Decimal("8.9108910891")
    exchange_rates_store(base="USD", rates={"KZT": Decimal("450")}, source="provider", effective_at=timezone.now())
    assert _prices(flour) == (Money("4500.00", "KZT"), Decimal("10.0000000000"))
    assert _prices(yuan.product)[1] == Decimal("10.0000000000")  # unchanged rate, unchanged row
    assert product_reference_prices_refresh() == 0  # idempotent


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sellers_staff_changing_two_variants_at_once_leave_the_right_lowest_price(rates) -> None:
    """Each write locks the product before reading its variants, so neither misses the other's change."""
    product = ProductFactory(seller=SellerFactory(currency="CNY"))
    first = VariantFactory(product=product, sku="A", price=Money("50.00", "CNY"))
    second = VariantFactory(product=product, sku="B", price=Money("60.00", "CNY"))
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def change(variant_id: int, amount: str) -> None:
        try:
            barrier.wait(timeout=30)
            product_update(product=product, variants=[{"id": variant_id, "price": Money(amount, "CNY")}])
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=change, args=(first.pk, "80.00")),
        threading.Thread(target=change, args=(second.pk, "70.00")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert _prices(product)[0] == Money("70.00", "CNY")


@pytest.mark.postgres
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_rate_publication_starts_the_refresh_on_a_real_worker(rates, worker_queue) -> None:  # noqa: F811
    flour = VariantFactory(
        product=ProductFactory(seller=SellerFactory(currency="KZT")), price=Money("4500.00", "KZT")
    ).product
    published: list[str] = []

    def remember(sender=None, headers=None, **kwargs):  # type: ignore[no-untyped-def]
        if sender == "marketplace.reference_prices_refresh":
            published.append(headers["id"])

    default_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = worker_queue
    uid = f"test-{uuid.uuid4()}"
    after_task_publish.connect(remember, weak=False, dispatch_uid=uid)
    try:
        exchange_rates_store(base="USD", rates={"KZT": Decimal("500")}, source="provider", effective_at=timezone.now())
        assert len(published) == 1
        assert AsyncResult(published[0], app=celery_app).get(timeout=120, disable_sync_subtasks=False) == 1
    finally:
        after_task_publish.disconnect(dispatch_uid=uid)
        celery_app.conf.task_default_queue = default_queue
    assert _prices(flour)[1] == Decimal("9.0000000000")
