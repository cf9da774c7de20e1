"""Deleting an image or an import (directly, or with its product or seller) removes its files.

Connected in ``MarketplaceConfig.ready``. Files go only once the transaction commits, so a
rolled-back delete never leaves a row pointing at a missing file.
"""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from marketplace.models import CatalogImport, ProductImage
from marketplace.services.images import storage_files_delete


@receiver(post_delete, sender=ProductImage, dispatch_uid="marketplace.image_files_delete")
def image_files_delete(sender: Any, instance: ProductImage, **kwargs: Any) -> None:
    names = instance.storage_names()
    transaction.on_commit(lambda: storage_files_delete(names=names))


@receiver(post_delete, sender=CatalogImport, dispatch_uid="marketplace.import_file_delete")
def import_file_delete(sender: Any, instance: CatalogImport, **kwargs: Any) -> None:
    if instance.file:
        names = [instance.file.name]
        transaction.on_commit(lambda: storage_files_delete(names=names))
