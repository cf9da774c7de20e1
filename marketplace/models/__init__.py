"""The catalog's tables: categories, products, variants, images and CSV imports."""

from marketplace.models.catalog import (
    LANGUAGES,
    PRODUCT_FIELDS,
    PRODUCT_FIELDS_TO_ACTIVATE,
    VARIANT_FIELDS,
    VARIANT_FIELDS_TO_ACTIVATE,
    Category,
    Product,
    ProductStatus,
    ProductVariant,
)
from marketplace.models.imports import CatalogImport, ImportStatus
from marketplace.models.media import ImageStatus, ProductImage

__all__ = [
    "LANGUAGES",
    "PRODUCT_FIELDS",
    "PRODUCT_FIELDS_TO_ACTIVATE",
    "VARIANT_FIELDS",
    "VARIANT_FIELDS_TO_ACTIVATE",
    "CatalogImport",
    "Category",
    "ImageStatus",
    "ImportStatus",
    "Product",
    "ProductImage",
    "ProductStatus",
    "ProductVariant",
]
