"""Catalog reads on behalf of someone: a seller sees only their own things, buyers only active goods."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from core.exceptions import NotFound
from marketplace.models import CatalogImport, Category, Product, ProductImage, ProductVariant
from sellers.models import Seller

SELLER_ORDERINGS = {
    "newest": "-created_at",
    "created_at": "created_at",
    "-created_at": "-created_at",
    "updated_at": "updated_at",
    "-updated_at": "-updated_at",
    "title": "title",
    "-title": "-title",
}


def _with_children() -> tuple[Prefetch, Prefetch]:
    return (
        Prefetch("variants", queryset=ProductVariant.objects.order_by("id")),
        Prefetch("images", queryset=ProductImage.objects.order_by("position", "id")),
    )


def product_list_for_seller(
    *,
    seller: Seller,
    q: str | None = None,
    status: str | None = None,
    category: str | None = None,
    ordering: str | None = None,
) -> QuerySet[Product]:
    """The seller's own products; ``q`` matches a SKU (exact or prefix) or the title."""
    queryset = Product.objects.filter(seller=seller).select_related("category")
    if q:
        q = q.strip()
        sku_match = ProductVariant.objects.filter(product=OuterRef("pk"), sku__istartswith=q)
        queryset = queryset.filter(Q(search_text__contains=q.lower()) | Q(external_ref__iexact=q) | Exists(sku_match))
    if status:
        queryset = queryset.filter(status=status)
    if category:
        queryset = queryset.filter(category__slug=category)
    order = SELLER_ORDERINGS.get(ordering or "", "-created_at")
    return queryset.order_by(order, "-id").prefetch_related(*_with_children())


def product_get_for_seller(*, seller: Seller, product_id: int) -> Product:
    """One own product; another seller's product is "not found", never "forbidden"."""
    product = (
        Product.objects.filter(seller=seller, pk=product_id)
        .select_related("category", "seller")
        .prefetch_related(*_with_children())
        .first()
    )
    if product is None:
        raise NotFound(_("No such product."))
    return product


def category_descendant_ids(*, slug: str) -> list[int]:
    """The category and everything under it (the tree is small: read it whole)."""
    pairs = list(Category.objects.values_list("id", "parent_id", "slug"))
    root = next((pk for pk, _parent, own in pairs if own == slug), None)
    if root is None:
        return []
    children: dict[int | None, list[int]] = {}
    for pk, parent, _slug in pairs:
        children.setdefault(parent, []).append(pk)
    found, stack = [], [root]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return found


def category_list() -> list[Category]:
    return list(Category.objects.order_by("position", "slug"))


def catalog_import_list_for_seller(*, seller: Seller) -> QuerySet[CatalogImport]:
    return CatalogImport.objects.filter(seller=seller).order_by("-created_at", "-id")


def catalog_import_get_for_seller(*, seller: Seller, import_id: int) -> CatalogImport:
    catalog_import = CatalogImport.objects.filter(seller=seller, pk=import_id).first()
    if catalog_import is None:
        raise NotFound(_("No such import."))
    return catalog_import
