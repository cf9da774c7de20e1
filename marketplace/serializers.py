"""Catalog API payloads: the seller's product with nested variants and images, imports, public views."""

from typing import Any

from django.core.files.storage import default_storage
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import CountryCodeField, MoneyField, money_to_representation
from marketplace import i18n, validation
from marketplace.models import (
    PRODUCT_FIELDS,
    VARIANT_FIELDS,
    CatalogImport,
    Category,
    Product,
    ProductImage,
    ProductStatus,
    ProductVariant,
)
from marketplace.models.media import THUMBNAIL_SIZES


def media_url(name: str | None, context: dict[str, Any]) -> str | None:
    if not name:
        return None
    url = default_storage.url(name)
    request = context.get("request")
    return request.build_absolute_uri(url) if request is not None and url.startswith("/") else url


# --- seller side


class SellerPriceField(MoneyField):
    """A price in the seller's currency; ``currency`` may be left out (it is the seller's)."""

    def to_internal_value(self, data: Any) -> Any:
        seller = self.context.get("seller")
        if isinstance(data, dict) and "currency" not in data and seller is not None:
            data = {**data, "currency": seller.currency}
        return super().to_internal_value(data)


class VariantWriteSerializer(serializers.Serializer):
    """``id`` plus exactly ``marketplace.models.VARIANT_FIELDS`` (a test holds them together)."""

    id = serializers.IntegerField(required=False, help_text="Update this variant; leave out to add one.")
    sku = serializers.CharField(max_length=64, required=False)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    price = SellerPriceField(required=False, allow_null=True)
    weight_kg = serializers.DecimalField(max_digits=10, decimal_places=3, required=False, allow_null=True)
    length_cm = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, allow_null=True)
    width_cm = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, allow_null=True)
    height_cm = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, allow_null=True)
    barcode = serializers.CharField(max_length=32, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "id" not in attrs and not attrs.get("sku"):
            raise serializers.ValidationError({"sku": ["Required for a new variant."]})
        return attrs


class ProductWriteSerializer(serializers.Serializer):
    """Exactly ``marketplace.models.PRODUCT_FIELDS`` plus ``variants`` (a test holds them together).

    ``id``, ``seller``, images and timestamps are never taken from input.
    """

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    translations = serializers.JSONField(required=False)
    category = serializers.SlugRelatedField(
        slug_field="slug", queryset=Category.objects.all(), required=False, allow_null=True
    )
    hs_code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    origin_country = CountryCodeField(required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=ProductStatus.choices, required=False)
    perishable = serializers.BooleanField(required=False)
    temperature_min_c = serializers.IntegerField(required=False, allow_null=True, min_value=-100, max_value=100)
    temperature_max_c = serializers.IntegerField(required=False, allow_null=True, min_value=-100, max_value=100)
    hazardous = serializers.BooleanField(required=False)
    fragile = serializers.BooleanField(required=False)
    shelf_life_days = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100_000)
    variants = VariantWriteSerializer(many=True, required=False)

    def validate_translations(self, value: Any) -> Any:
        errors = validation.translations_errors(value)
        if errors:
            raise serializers.ValidationError(next(iter(errors.values())))
        return value

    def validate_hs_code(self, value: str) -> str:
        return validation.hs_code_normalize(value)


class VariantSerializer(serializers.ModelSerializer):
    price = MoneyField(read_only=True)
    volume_m3 = serializers.DecimalField(max_digits=12, decimal_places=6, read_only=True)

    class Meta:
        model = ProductVariant
        fields = ["id", *VARIANT_FIELDS, "volume_m3"]
        read_only_fields = fields


THUMBNAILS_SCHEMA = {
    "type": "object",
    "properties": {size: {"type": "string", "nullable": True} for size in THUMBNAIL_SIZES},
}


class ImageSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    thumbnails = serializers.SerializerMethodField(help_text="WebP thumbnails; null until processed.")
    thumbnails_jpeg = serializers.SerializerMethodField(help_text="JPEG fallbacks of the same sizes.")

    class Meta:
        model = ProductImage
        fields = ["id", "url", "width", "height", "format", "thumbnails", "thumbnails_jpeg", "status", "position"]
        read_only_fields = fields

    def get_url(self, image: ProductImage) -> str | None:
        return media_url(image.original, self.context)

    def _sizes(self, image: ProductImage, extension: str) -> dict[str, str | None]:
        made = image.thumbnails or {}
        return {size: media_url(made.get(size, {}).get(extension), self.context) for size in THUMBNAIL_SIZES}

    @extend_schema_field(THUMBNAILS_SCHEMA)
    def get_thumbnails(self, image: ProductImage) -> dict[str, str | None]:
        return self._sizes(image, "webp")

    @extend_schema_field(THUMBNAILS_SCHEMA)
    def get_thumbnails_jpeg(self, image: ProductImage) -> dict[str, str | None]:
        return self._sizes(image, "jpg")


class ProductSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    product_ref = serializers.CharField(source="external_ref", read_only=True)
    variants = VariantSerializer(many=True, read_only=True)
    images = ImageSerializer(many=True, read_only=True)
    missing_for_activation = serializers.SerializerMethodField(
        help_text="What must be filled in before the product can be active (empty when ready)."
    )

    class Meta:
        model = Product
        fields = [
            "id",
            *PRODUCT_FIELDS,
            "product_ref",
            "variants",
            "images",
            "missing_for_activation",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_missing_for_activation(self, product: Product) -> list[str]:
        return validation.activation_missing(
            hs_code=product.hs_code, origin_country=product.origin_country, variants=product.variants.all()
        )


class ImageUploadSerializer(serializers.Serializer):
    image = serializers.FileField(allow_empty_file=True)


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)


class ImportSerializer(serializers.ModelSerializer):
    created = serializers.IntegerField(source="created_count", read_only=True)
    updated = serializers.IntegerField(source="updated_count", read_only=True)
    unchanged = serializers.IntegerField(source="unchanged_count", read_only=True)

    class Meta:
        model = CatalogImport
        fields = [
            "id",
            "status",
            "original_filename",
            "total_rows",
            "processed_rows",
            "created",
            "updated",
            "unchanged",
            "error_count",
            "errors",
            "failure_reason",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


# --- public side (buyers)


class PublicSellerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
    country = serializers.CharField()


def _language(context: dict[str, Any]) -> str | None:
    return context.get("language")


def _cover_url(product: Product, context: dict[str, Any]) -> str | None:
    images = list(product.images.all())
    if not images:
        return None
    first = images[0]
    medium = (first.thumbnails or {}).get("medium", {}).get("webp")
    return media_url(medium or first.original, context)


def _lowest_price(product: Product) -> dict[str, str] | None:
    prices = [variant.price for variant in product.variants.all() if variant.is_active and variant.price is not None]
    return money_to_representation(min(prices, key=lambda price: price.amount)) if prices else None


class PublicVariantSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()
    name = serializers.CharField()
    price = MoneyField()
    in_stock = serializers.BooleanField(default=False)
    weight_kg = serializers.DecimalField(max_digits=10, decimal_places=3)
    length_cm = serializers.DecimalField(max_digits=8, decimal_places=2)
    width_cm = serializers.DecimalField(max_digits=8, decimal_places=2)
    height_cm = serializers.DecimalField(max_digits=8, decimal_places=2)
    volume_m3 = serializers.DecimalField(max_digits=12, decimal_places=6)


class PublicProductListSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.SerializerMethodField()
    seller = PublicSellerSerializer()
    category = serializers.CharField(source="category.slug", allow_null=True, default=None)
    origin_country = serializers.CharField()
    price = serializers.SerializerMethodField()
    image = serializers.SerializerMethodField()
    in_stock = serializers.BooleanField(default=False)
    delivery = serializers.SerializerMethodField(help_text="Delivery estimate; null until the buyer catalog issue.")

    def get_title(self, product: Product) -> str:
        return i18n.translated(product.translations, "title", product.title, _language(self.context))

    @extend_schema_field(MoneyField)
    def get_price(self, product: Product) -> dict[str, str] | None:
        return _lowest_price(product)

    def get_image(self, product: Product) -> str | None:
        return _cover_url(product, self.context)

    @extend_schema_field({"type": "object", "nullable": True, "description": "{days_min, days_max, mode}"})
    def get_delivery(self, product: Product) -> None:
        return None


class PublicProductDetailSerializer(PublicProductListSerializer):
    description = serializers.SerializerMethodField()
    hs_code = serializers.CharField()
    perishable = serializers.BooleanField()
    temperature_min_c = serializers.IntegerField(allow_null=True)
    temperature_max_c = serializers.IntegerField(allow_null=True)
    hazardous = serializers.BooleanField()
    fragile = serializers.BooleanField()
    shelf_life_days = serializers.IntegerField(allow_null=True)
    images = ImageSerializer(many=True)
    variants = serializers.SerializerMethodField()
    delivery_options = serializers.SerializerMethodField()

    def get_description(self, product: Product) -> str:
        return i18n.translated(product.translations, "description", product.description, _language(self.context))

    @extend_schema_field(PublicVariantSerializer(many=True))
    def get_variants(self, product: Product) -> list[dict[str, Any]]:
        variants = self.context.get("variants", product.variants.all())
        return PublicVariantSerializer(variants, many=True).data  # type: ignore[return-value]

    def get_delivery_options(self, product: Product) -> list[Any]:
        return []


class CategorySerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    parent = serializers.CharField(allow_null=True)
    children = serializers.ListField(child=serializers.DictField())
