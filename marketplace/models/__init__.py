"""The catalog's tables: categories, products, variants, images, CSV imports, price history, livestreams."""

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
from marketplace.models.livestreams import LiveOffer, LiveStream, LiveStreamPin, LiveStreamStatus
from marketplace.models.media import ImageStatus, ProductImage
from marketplace.models.prices import VariantPriceChange

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
    "LiveOffer",
    "LiveStream",
    "LiveStreamPin",
    "LiveStreamStatus",
    "Product",
    "ProductImage",
    "ProductStatus",
    "ProductVariant",
    "VariantPriceChange",
]
