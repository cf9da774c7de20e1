"""``in_stock`` for buyers, computed from the warehouses app's stock without importing it.

Stock lives in a later app (``warehouses.Stock``, related to variants as ``stock_levels``).
This interface module reaches it through that reverse relation, so the catalog works, with
everything out of stock, even in a project without the warehouses app.
"""

from typing import Any

from django.db.models import BooleanField, Exists, F, OuterRef, QuerySet, Value

from marketplace.models import ProductVariant


def stock_model() -> Any:
    descriptor = getattr(ProductVariant, "stock_levels", None)
    return descriptor.rel.related_model if descriptor is not None else None


def products_annotate_in_stock(queryset: QuerySet) -> QuerySet:
    """``in_stock``: some active variant has a unit on hand not reserved, in some warehouse."""
    stock = stock_model()
    if stock is None:
        return queryset.annotate(in_stock=Value(False, output_field=BooleanField()))
    available = stock.objects.filter(
        variant__product=OuterRef("pk"), variant__is_active=True, on_hand__gt=F("reserved")
    )
    return queryset.annotate(in_stock=Exists(available))


def variants_annotate_in_stock(queryset: QuerySet) -> QuerySet:
    stock = stock_model()
    if stock is None:
        return queryset.annotate(in_stock=Value(False, output_field=BooleanField()))
    return queryset.annotate(in_stock=Exists(stock.objects.filter(variant=OuterRef("pk"), on_hand__gt=F("reserved"))))
