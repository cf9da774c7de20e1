"""Receivers of the catalog, connected in ``MarketplaceConfig.ready``.

Deleting an image or an import (directly, or with its product or seller) removes its files; files
go only once the transaction commits, so a rolled-back delete never leaves a row pointing at a
missing file. Saving a variant records its price in the price history when it changed, whoever
saved it (the API, the admin, seeding); the CSV importer records its bulk writes itself.
"""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from marketplace.models import CatalogImport, ProductImage, ProductVariant
from marketplace.services.images import storage_files_delete
from marketplace.services.prices import variant_prices_record


@receiver(post_delete, sender=ProductImage, dispatch_uid="marketplace.image_files_delete")
def image_files_delete(sender: Any, instance: ProductImage, **kwargs: Any) -> None:
    names = instance.storage_names()
    transaction.on_commit(lambda: storage_files_delete(names=names))


@receiver(post_delete, sender=CatalogImport, dispatch_uid="marketplace.import_file_delete")
def import_file_delete(sender: Any, instance: CatalogImport, **kwargs: Any) -> None:
    if instance.file:
        names = [instance.file.name]
        transaction.on_commit(lambda: storage_files_delete(names=names))


@receiver(post_save, sender=ProductVariant, dispatch_uid="marketplace.variant_price_history")
def variant_price_history(sender: Any, instance: ProductVariant, raw: bool = False, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if raw or (update_fields is not None and "price" not in update_fields):
        return
    variant_prices_record(variants=[instance])
