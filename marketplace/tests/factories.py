"""Factories for the catalog (teammates import ``ProductFactory`` and ``VariantFactory``; keep them stable).

``VariantFactory()`` makes an active product of a new seller with one priced, measured variant,
ready to be bought; pass ``product=`` or ``seller=`` to attach it elsewhere.
"""

from decimal import Decimal

import factory
from djmoney.money import Money

from marketplace.models import Category, Product, ProductStatus, ProductVariant
from sellers.tests.factories import SellerFactory, SellerMemberFactory, UserFactory

__all__ = [
    "CategoryFactory",
    "ProductFactory",
    "SellerFactory",
    "SellerMemberFactory",
    "UserFactory",
    "VariantFactory",
]


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"category-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    seller = factory.SubFactory(SellerFactory)
    title = factory.Sequence(lambda n: f"Product {n}")
    description = "Sturdy and well made."
    category = factory.SubFactory(CategoryFactory)
    hs_code = "851671"
    origin_country = factory.LazyAttribute(lambda o: o.seller.country)
    status = ProductStatus.ACTIVE


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductVariant

    product = factory.SubFactory(ProductFactory)
    seller = factory.LazyAttribute(lambda o: o.product.seller)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = "Standard"
    price = factory.LazyAttribute(lambda o: Money(Decimal("100.00"), o.product.seller.currency))
    weight_kg = Decimal("1.200")
    length_cm = Decimal("30.00")
    width_cm = Decimal("20.00")
    height_cm = Decimal("10.00")
    is_active = True
