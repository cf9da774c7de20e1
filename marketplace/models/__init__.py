"""The catalog's tables: categories, products, variants, images and CSV imports."""

from marketplace.models.catalog import (
    LANGUAGES,
    Category,
    Product,
    ProductStatus,
    ProductVariant,
)
from marketplace.models.imports import CatalogImport, ImportStatus
from marketplace.models.media import ImageStatus, ProductImage

__all__ = [
    "LANGUAGES",
    "CatalogImport",
    "Category",
    "ImageStatus",
    "ImportStatus",
    "Product",
    "ProductImage",
    "ProductStatus",
    "ProductVariant",
]
