"""Test helpers for the demo: sellers and variants the seed counts as its own (``demo.ownership``)."""

from typing import Any

from demo.ownership import catalog_rows_by_seller, seller_email
from marketplace.tests.factories import ProductFactory, SellerFactory, UserFactory, VariantFactory
from sellers.models import Seller, SellerMember


def demo_seller(reference: str) -> Seller:
    """The demo seller ``reference`` (e.g. "yiwu-digital"), owned by its demo login; made once."""
    member = SellerMember.objects.filter(user__email=seller_email(reference)).select_related("seller").first()
    if member is not None:
        return member.seller
    first = catalog_rows_by_seller()[reference][0]
    return SellerFactory(
        display_name=first["seller_name"],
        country=first["seller_country"],
        currency=first["seller_currency"],
        owner=UserFactory(email=seller_email(reference)),
    )


def demo_variant(sku: str, **product_fields: Any) -> Any:
    """A variant of the demo catalog: the demo seller of ``sku`` selling it, under its demo product."""
    reference, row = next(
        (reference, row) for reference, rows in catalog_rows_by_seller().items() for row in rows if row["sku"] == sku
    )
    seller = demo_seller(reference)
    product = ProductFactory(seller=seller, external_ref=row["product_ref"], **product_fields)
    return VariantFactory(product=product, sku=sku)
