"""Receivers of the catalog: file clean-up on delete, lowest prices and the read cache kept current.

Connected in ``MarketplaceConfig.ready``.

- Deleting an image or an import (directly, or with its product or seller) removes its files, once
  the transaction commits, so a rolled-back delete never leaves a row pointing at a missing file.
- Saving or deleting a variant recomputes its product's lowest price (``product_prices_refresh``),
  whoever saved it (the API, the admin, a factory); bulk writes call the service themselves.
- Writes that change what a buyer sees make the cached catalog responses stale after commit: a
  product, variant, image, category or seller saved or deleted, stock crossing zero, a warehouse
  opened or closed, delivery estimates recomputed, new exchange rates (which also start the
  refresh of every reference price on a worker).
- Saving a variant records its price in the price history when it changed, whoever saved it
  (the API, the admin, seeding); the CSV importer records its bulk writes itself.
"""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.models import ExchangeRate
from core.signals import exchange_rates_stored
from core.storage import private_storage
from core.transactions import on_commit_once
from marketplace.browse.cache import catalog_cache_bump
from marketplace.models import CatalogImport, Category, Product, ProductImage, ProductVariant
from marketplace.services.images import storage_files_delete
from marketplace.services.price_history import variant_prices_record
from marketplace.services.prices import product_prices_refresh
from sellers.models import Seller
from sellers.signals import seller_sale_status_changed
from warehouses.models import Stock, Warehouse
from warehouses.signals import stock_availability_changed
from warehouses.transport.models import DeliveryEstimate


@receiver(post_delete, sender=ProductImage, dispatch_uid="marketplace.image_files_delete")
def image_files_delete(sender: Any, instance: ProductImage, **kwargs: Any) -> None:
    names, private = instance.storage_names(), instance.private_names()
    transaction.on_commit(lambda: storage_files_delete(names=names))
    if private:
        transaction.on_commit(lambda: storage_files_delete(names=private, storage=private_storage()))


@receiver(post_delete, sender=CatalogImport, dispatch_uid="marketplace.import_file_delete")
def import_file_delete(sender: Any, instance: CatalogImport, **kwargs: Any) -> None:
    if instance.file:
        name, storage = instance.file.name, instance.file.storage
        transaction.on_commit(lambda: storage_files_delete(names=[name], storage=storage))


@receiver(post_save, sender=ProductVariant, dispatch_uid="marketplace.variant_price_history")
def variant_price_history(sender: Any, instance: ProductVariant, raw: bool = False, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if raw or (update_fields is not None and "price" not in update_fields):
        return
    variant_prices_record(variants=[instance])


@receiver(post_save, sender=ProductVariant, dispatch_uid="marketplace.variant_saved")
@receiver(post_delete, sender=ProductVariant, dispatch_uid="marketplace.variant_deleted")
def variant_changed(sender: Any, instance: ProductVariant, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return  # loaddata: fixtures carry their own columns
    product_prices_refresh(product_ids=[instance.product_id])
    on_commit_once(catalog_cache_bump)


@receiver(post_save, sender=Product, dispatch_uid="marketplace.catalog_product_saved")
@receiver(post_delete, sender=Product, dispatch_uid="marketplace.catalog_product_deleted")
@receiver(post_save, sender=ProductImage, dispatch_uid="marketplace.catalog_image_saved")
@receiver(post_delete, sender=ProductImage, dispatch_uid="marketplace.catalog_image_deleted")
@receiver(post_save, sender=Category, dispatch_uid="marketplace.catalog_category_saved")
@receiver(post_delete, sender=Category, dispatch_uid="marketplace.catalog_category_deleted")
@receiver(post_save, sender=Seller, dispatch_uid="marketplace.catalog_seller_saved")
@receiver(post_save, sender=Warehouse, dispatch_uid="marketplace.catalog_warehouse_saved")
@receiver(post_save, sender=DeliveryEstimate, dispatch_uid="marketplace.catalog_estimate_saved")
@receiver(post_delete, sender=DeliveryEstimate, dispatch_uid="marketplace.catalog_estimate_deleted")
def catalog_row_changed(sender: Any, **kwargs: Any) -> None:
    on_commit_once(catalog_cache_bump)


@receiver(stock_availability_changed, sender=Stock, dispatch_uid="marketplace.catalog_stock_crossed_zero")
def stock_crossed_zero(sender: Any, **kwargs: Any) -> None:
    catalog_cache_bump()  # sent after commit already


@receiver(exchange_rates_stored, sender=ExchangeRate, dispatch_uid="marketplace.catalog_rates_stored")
def rates_stored(sender: Any, **kwargs: Any) -> None:
    """Sent after commit: shown prices change at once; reference prices are recomputed on a worker."""
    from marketplace.tasks import reference_prices_refresh_task

    catalog_cache_bump()
    reference_prices_refresh_task.delay()


@receiver(seller_sale_status_changed, sender=Seller, dispatch_uid="marketplace.catalog_seller_sale_status")
def seller_sale_status(sender: Any, **kwargs: Any) -> None:
    catalog_cache_bump()  # sent after commit already: a suspended seller's goods leave the pages at once
