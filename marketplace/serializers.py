"""Catalog API payloads for sellers: products with nested variants and images, imports.

The buyers' catalog payloads are in ``marketplace.api.public_serializers``.
"""

from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import CountryCodeField, MoneyField
from marketplace import validation
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
            raise serializers.ValidationError({"sku": [_("Required for a new variant.")]})
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

    def validate_description(self, value: str) -> str:
        return validation.description_check(value, field="description")

    def validate_variants(self, value: list[Any]) -> list[Any]:
        if len(value) > settings.PRODUCT_MAX_VARIANTS:
            raise serializers.ValidationError(
                _("At most %(limit)s variants per product.") % {"limit": settings.PRODUCT_MAX_VARIANTS}
            )
        return value

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
    url = serializers.SerializerMethodField(help_text="The cleaned original; null until processed.")
    thumbnails = serializers.SerializerMethodField(help_text="WebP thumbnails; null until processed.")
    thumbnails_jpeg = serializers.SerializerMethodField(help_text="JPEG fallbacks of the same sizes.")

    class Meta:
        model = ProductImage
        fields = [
            "id",
            "url",
            "width",
            "height",
            "format",
            "thumbnails",
            "thumbnails_jpeg",
            "status",
            "failure_reason",
            "position",
        ]
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
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
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
            "file_url",
        ]
        read_only_fields = fields

    file_url = serializers.SerializerMethodField(
        help_text="Where the seller downloads the uploaded file (null once deleted after the retention period)."
    )

    def get_file_url(self, catalog_import: CatalogImport) -> str | None:
        return f"/api/v1/seller/imports/{catalog_import.pk}/file/" if catalog_import.file else None
