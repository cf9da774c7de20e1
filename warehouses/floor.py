"""What staff on the floor see of a variant: SKU and variant name first, its picture, where it sits.

A product's title can name another variant (a flask family titled "Vacuum flask 500 ml" also sells
the 1 l one), so every staff page and document shows the SKU and the variant's own name, and the
product title only as a hint. Scanning matches the SKU (our Code 128 labels) or the EAN/GTIN.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage

from marketplace.models import ProductImage, ProductVariant
from warehouses.models import Stock


def variant_label(variant: ProductVariant) -> str:
    """``YH-THERMOS-1000 · 1 l``: the SKU and the variant's own name (never only the product title)."""
    name = variant.name or variant.product.title
    return f"{variant.sku} · {name}" if name else variant.sku


def variant_image_url(variant: ProductVariant) -> str | None:
    """The product's first picture as a small thumbnail (JPEG, which every scanner's browser shows)."""
    images: Sequence[ProductImage] = list(variant.product.images.all())
    if not images:
        return None
    first = images[0]
    small = (first.thumbnails or {}).get("small", {})
    name = small.get("jpeg") or small.get("webp") or first.original
    return default_storage.url(name) if name else None


def bins_for(*, warehouse_id: int, variant_ids: Iterable[int]) -> dict[int, str]:
    return dict(
        Stock.objects.filter(warehouse_id=warehouse_id, variant_id__in=set(variant_ids)).values_list(
            "variant_id", "bin_location"
        )
    )


@dataclass(frozen=True, slots=True)
class FloorLine:
    """One line of a shipment, delivery or count as staff handle it."""

    line: Any
    variant: ProductVariant
    quantity: int
    bin_location: str
    image_url: str | None

    @property
    def sku(self) -> str:
        return self.variant.sku

    @property
    def variant_name(self) -> str:
        return self.variant.name or self.variant.product.title

    @property
    def product_title(self) -> str:
        return self.variant.product.title

    @property
    def barcode(self) -> str:
        return self.variant.barcode

    @property
    def codes(self) -> str:
        """What a scan of this line may read: the SKU (our labels) and the EAN/GTIN if it has one."""
        return " ".join(code for code in (self.variant.sku, self.variant.barcode) if code)


def floor_lines(*, warehouse_id: int, lines: Iterable[Any], quantity_field: str = "quantity") -> list[FloorLine]:
    """Lines (anything with ``variant``) with their bins at the warehouse, sorted by bin for a walk
    through the aisles (lines without a bin last, then by SKU)."""
    lines = list(lines)
    bins = bins_for(warehouse_id=warehouse_id, variant_ids=[line.variant_id for line in lines])
    rows = [
        FloorLine(
            line=line,
            variant=line.variant,
            quantity=int(getattr(line, quantity_field) or 0),
            bin_location=bins.get(line.variant_id, ""),
            image_url=variant_image_url(line.variant),
        )
        for line in lines
    ]
    return sorted(rows, key=lambda row: (row.bin_location == "", row.bin_location, row.sku))
