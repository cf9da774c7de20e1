"""Which rows are the demo's own: its sellers (by their owners' demo logins) and their demo SKUs.

Seeding runs again on every `make run`, next to whatever people did with the demo since: a demo
seller may have imported 20,000 products of its own, another seller may have signed up. The seed
steps only ever read and write the rows named here, never "every product without an image" or
"every variant without stock".
"""

import csv
from collections import defaultdict
from functools import cache
from pathlib import Path

from django.db.models import Q, QuerySet

from marketplace.models import Product, ProductVariant
from sellers.models import MemberRole, Seller, SellerMember

CATALOG_PATH = Path(__file__).resolve().parent / "data" / "demo_catalog.csv"
SELLER_EMAIL_DOMAIN = "sellers.karavan.local"


@cache
def catalog_rows_by_seller(path: Path = CATALOG_PATH) -> dict[str, tuple[dict[str, str], ...]]:
    """A demo catalog's rows grouped by seller reference, in file order (read once per process).

    ``path`` is the main demo catalog by default; a demo step with a catalog file of its own (the
    two-way trade step) passes its file, and its seller's rows are then the ones it owns.
    """
    grouped: dict[str, list[dict[str, str]]] = defaultdict(list)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            grouped[row["seller_ref"]].append(row)
    return {reference: tuple(rows) for reference, rows in grouped.items()}


def seller_email(reference: str) -> str:
    """The login of a demo seller's owner: ``<seller_ref>@sellers.karavan.local``."""
    return f"{reference}@{SELLER_EMAIL_DOMAIN}"


def demo_sellers() -> dict[str, Seller]:
    """The demo sellers that exist, by reference: sellers owned by a demo seller login."""
    emails = {seller_email(reference): reference for reference in catalog_rows_by_seller()}
    owners = SellerMember.objects.filter(role=MemberRole.OWNER, user__email__in=emails).select_related("seller", "user")
    return {emails[member.user.email]: member.seller for member in owners}


def _own(sellers: dict[str, Seller], column: str, lookup: str, path: Path) -> Q:
    """Rows of the demo sellers whose ``lookup`` is one of that seller's values of ``column`` in the file."""
    condition = Q(pk__in=[])
    for reference, seller in sellers.items():
        values = sorted({row[column] for row in catalog_rows_by_seller(path)[reference]})
        condition |= Q(seller_id=seller.pk, **{f"{lookup}__in": values})
    return condition


def demo_variants(sellers: dict[str, Seller] | None = None, *, path: Path = CATALOG_PATH) -> QuerySet[ProductVariant]:
    """Variants of the demo catalog: a demo seller's variant whose SKU is in the demo file."""
    return ProductVariant.objects.filter(_own(demo_sellers() if sellers is None else sellers, "sku", "sku", path))


def demo_products(sellers: dict[str, Seller] | None = None, *, path: Path = CATALOG_PATH) -> QuerySet[Product]:
    """Products of the demo catalog: a demo seller's product whose reference is in the demo file."""
    sellers = demo_sellers() if sellers is None else sellers
    return Product.objects.filter(_own(sellers, "product_ref", "external_ref", path))
