"""The catalog's tables: categories, products, variants, images, CSV imports, price history, livestreams."""

from marketplace.models.catalog import (
    LANGUAGES,
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
