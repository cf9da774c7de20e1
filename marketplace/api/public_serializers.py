"""Public catalog payloads: rows, facets, the product page, and the serializers describing them for the schema."""

from dataclasses import dataclass
from typing import Any

from rest_framework import serializers

from core.api.fields import MoneyField, money_to_representation
from core.money import Money
from marketplace import i18n
from marketplace.browse.query import delivery_of, price_in, product_get_public_detail
from marketplace.models import Product, ProductVariant
from marketplace.serializers import ImageSerializer, media_url
from orders.services.pricing import Converter
from warehouses.catalog import CatalogStock

# The catalog's responses are built as plain dicts by the functions below (a page of 100 rows is
# rendered on every cache miss, and DRF serializers cost several times more per row). The
# serializer classes describe the same shapes for the OpenAPI schema; a test checks they agree.


class PublicSellerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
    country = serializers.CharField()


class DeliverySerializer(serializers.Serializer):
    days_min = serializers.IntegerField()
    days_max = serializers.IntegerField()
    mode = serializers.CharField(help_text="tir, rail, rail_road, rail_sea_rail or road")


class PublicProductListSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField(help_text="In the caller's language (Accept-Language or ?lang=), with fallback.")
    seller = PublicSellerSerializer()
    category = serializers.CharField(allow_null=True)
    origin_country = serializers.CharField()
    price = MoneyField(
        allow_null=True, help_text="Lowest price of the product, in ?currency= (converted as the checkout does)."
    )
    image = serializers.CharField(allow_null=True)
    in_stock = serializers.BooleanField()
    delivery = DeliverySerializer(
        allow_null=True, help_text="With ?ship_to=: the fastest warehouse holding it for that country."
    )


class CategoryFacetSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField()


class CountryFacetSerializer(serializers.Serializer):
    code = serializers.CharField()
    count = serializers.IntegerField()


class SellerFacetSerializer(PublicSellerSerializer):
    count = serializers.IntegerField()


class FacetsSerializer(serializers.Serializer):
    category = CategoryFacetSerializer(many=True)
    origin_country = CountryFacetSerializer(many=True)
    seller = SellerFacetSerializer(many=True, help_text="The 50 sellers with the most matching products.")


class ExchangeRateUsedSerializer(serializers.Serializer):
    rate = serializers.CharField()
    rate_ids = serializers.ListField(child=serializers.IntegerField())


class PublicProductPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = PublicProductListSerializer(many=True)
    facets = FacetsSerializer(help_text="Counts for the whole result, not just this page.")
    currency = serializers.CharField(allow_null=True)
    exchange_rates = serializers.DictField(
        child=ExchangeRateUsedSerializer(), help_text='Rates used, keyed "CNY→KZT" (as in the checkout quote).'
    )


class PublicVariantSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()
    name = serializers.CharField()
    price = MoneyField(allow_null=True)
    in_stock = serializers.BooleanField()
    weight_kg = serializers.DecimalField(max_digits=10, decimal_places=3)
    length_cm = serializers.DecimalField(max_digits=8, decimal_places=2)
    width_cm = serializers.DecimalField(max_digits=8, decimal_places=2)
    height_cm = serializers.DecimalField(max_digits=8, decimal_places=2)
    volume_m3 = serializers.DecimalField(max_digits=12, decimal_places=6)


class WarehouseBriefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    city = serializers.CharField()
    country = serializers.CharField()


class DeliveryOptionSerializer(serializers.Serializer):
    variant = serializers.IntegerField()
    sku = serializers.CharField()
    warehouse = WarehouseBriefSerializer()
    mode = serializers.CharField()
    days_min = serializers.IntegerField()
    days_max = serializers.IntegerField()
    price = MoneyField(
        allow_null=True, help_text="Shipping of one unit from this warehouse, as the checkout prices it."
    )
    reasons = serializers.ListField(child=serializers.CharField())


class PublicProductDetailSerializer(PublicProductListSerializer):
    description = serializers.CharField()
    hs_code = serializers.CharField()
    perishable = serializers.BooleanField()
    temperature_min_c = serializers.IntegerField(allow_null=True)
    temperature_max_c = serializers.IntegerField(allow_null=True)
    hazardous = serializers.BooleanField()
    fragile = serializers.BooleanField()
    shelf_life_days = serializers.IntegerField(allow_null=True)
    images = ImageSerializer(many=True)
    variants = PublicVariantSerializer(many=True)
    delivery_options = DeliveryOptionSerializer(many=True, help_text="With ?ship_to=; empty otherwise.")
    currency = serializers.CharField()
    exchange_rates = serializers.DictField(child=ExchangeRateUsedSerializer())


class CategorySerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    parent = serializers.CharField(allow_null=True)
    children = serializers.ListField(child=serializers.DictField())


def _cover_url(product: Product, context: dict[str, Any]) -> str | None:
    """The first image's medium thumbnail: ``cover_image`` from ``browse_page`` (thumbnails, original), or images."""
    cover = getattr(product, "cover_image", _NO_COVER_READ)
    if cover is _NO_COVER_READ:
        images = list(product.images.all())
        cover = (images[0].thumbnails, images[0].original) if images else None
    if cover is None:
        return None
    thumbnails, original = cover
    medium = (thumbnails or {}).get("medium", {}).get("webp")
    return media_url(medium or original, context)


_NO_COVER_READ = object()


def _decimal(value: Any) -> str | None:
    return None if value is None else str(value)


def product_row(
    product: Product,
    *,
    language: str | None,
    price: Money | None,
    delivery: dict[str, Any] | None,
    context: dict[str, Any],
) -> dict[str, Any]:
    """One catalog row (``PublicProductListSerializer``'s shape)."""
    seller = product.seller
    return {
        "id": product.pk,
        "title": i18n.translated(product.translations, "title", product.title, language),
        "seller": {"id": seller.pk, "display_name": seller.display_name, "country": seller.country},
        "category": product.category.slug if product.category_id else None,
        "origin_country": product.origin_country,
        "price": money_to_representation(price),
        "image": _cover_url(product, context),
        "in_stock": bool(getattr(product, "in_stock", False)),
        "delivery": delivery,
    }


def facets_rendering(facets: Any, *, language: str | None) -> dict[str, Any]:
    return {
        "category": [
            {
                "slug": item["category"].slug,
                "name": i18n.translated_name(item["category"].name_translations, item["category"].name, language),
                "count": item["count"],
            }
            for item in facets.category
        ],
        "origin_country": facets.origin_country,
        "seller": facets.seller,
    }


def variant_rendering(variant: ProductVariant, *, price: Money | None) -> dict[str, Any]:
    return {
        "id": variant.pk,
        "sku": variant.sku,
        "name": variant.name,
        "price": money_to_representation(price),
        "in_stock": bool(getattr(variant, "in_stock", False)),
        "weight_kg": _decimal(variant.weight_kg),
        "length_cm": _decimal(variant.length_cm),
        "width_cm": _decimal(variant.width_cm),
        "height_cm": _decimal(variant.height_cm),
        "volume_m3": _decimal(variant.volume_m3),
    }


def delivery_option_rendering(option: Any) -> dict[str, Any]:
    warehouse = option.warehouse
    return {
        "variant": option.variant_id,
        "sku": option.sku,
        "warehouse": {
            "code": warehouse.code,
            "name": warehouse.name,
            "city": warehouse.city,
            "country": warehouse.country,
        },
        "mode": option.mode,
        "days_min": option.days_min,
        "days_max": option.days_max,
        "price": money_to_representation(option.price),
        "reasons": list(option.reasons),
    }


def product_detail_rendering(
    product: Product, *, row: dict[str, Any], language: str | None, context: dict[str, Any]
) -> dict[str, Any]:
    """The product page fields around a row (variants, delivery options and rates are added by the caller)."""
    return {
        **row,
        "description": i18n.translated(product.translations, "description", product.description, language),
        "hs_code": product.hs_code,
        "perishable": product.perishable,
        "temperature_min_c": product.temperature_min_c,
        "temperature_max_c": product.temperature_max_c,
        "hazardous": product.hazardous,
        "fragile": product.fragile,
        "shelf_life_days": product.shelf_life_days,
        "images": ImageSerializer(product.images.all(), many=True, context=context).data,
    }


@dataclass(frozen=True)
class ProductPage:
    """What the API's product page and the storefront's both show: the product with its row
    (title, price, delivery in the buyer's terms), its active variants and, for a ``ship_to``, the
    delivery options of each warehouse holding it."""

    product: Product
    row: dict[str, Any]
    variants: list[ProductVariant]
    options: list[Any]
    converter: Converter


def product_page_read(
    *, product_id: int, ship_to: str | None, currency: str | None, language: str, context: dict[str, Any]
) -> ProductPage:
    """The active product ``product_id`` priced in ``currency`` (its seller's when None); 404 otherwise."""
    stock = CatalogStock()
    routes = stock.delivery_routes(country=ship_to) if ship_to else None
    product = product_get_public_detail(product_id=product_id, stock=stock, routes=routes)
    converter = Converter(currency or product.seller.currency)
    variants = list(product.variants.all())
    delivery = delivery_of(product, routes)
    row = product_row(
        product,
        language=language,
        price=price_in(converter, product.price_from),
        delivery=delivery.as_json() if delivery else None,
        context=context,
    )
    options = (
        stock.delivery_options(product=product, variants=variants, country=ship_to, converter=converter)
        if ship_to
        else []
    )
    return ProductPage(product=product, row=row, variants=variants, options=options, converter=converter)
