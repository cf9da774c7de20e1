"""Categories, products and their variants (SKUs), with translations of the words buyers read.

Translations are a JSON map per row (``{"ru": {"title": ..., "description": ...}, "zh": {...}}``)
rather than a column per language: adding Uzbek Cyrillic or Turkish later is data, not a
migration, and the fallback rule lives in one function (``marketplace.i18n``). ``title`` and
``description`` hold the seller's own wording, the last fallback.
"""

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper

from core.fields import money_field
from sellers.models import Seller

# Languages a product can be translated into (ISO 639-1; "zh" is Simplified Chinese).
LANGUAGES = ("en", "ru", "zh", "kk", "uz")

# Cold-chain bounds a reefer unit on the network can hold (°C).
TEMPERATURE_MIN_C = -30
TEMPERATURE_MAX_C = 30


class Category(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    name_translations = models.JSONField(default=dict, blank=True, help_text='{"ru": "Электроника", "zh": "电子产品"}')
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


def product_search_text(title: str, translations: dict[str, Any] | None) -> str:
    """The words a buyer may search a product by, in every language it has."""
    titles = [title] + [
        str(fields.get("title", "")) for fields in (translations or {}).values() if isinstance(fields, dict)
    ]
    return " | ".join(text for text in titles if text).lower()


# --- The one list of what a seller writes about a product and its variants. The API (services,
# serializers), the CSV import, the admin and the activation rule derive from these tuples.

#: Product fields a seller sets (API, CSV import); ``category`` is the category's slug in input.
PRODUCT_FIELDS = (
    "title",
    "description",
    "translations",
    "category",
    "hs_code",
    "origin_country",
    "status",
    "perishable",
    "temperature_min_c",
    "temperature_max_c",
    "hazardous",
    "fragile",
    "shelf_life_days",
)
#: Variant fields a seller sets; ``sku`` identifies the variant among the seller's.
VARIANT_FIELDS = ("sku", "name", "price", "weight_kg", "length_cm", "width_cm", "height_cm", "barcode", "is_active")
#: What must be filled in before a product may be ``active``: on the product, and on each active
#: variant (customs needs the code and origin; a warehouse cannot store or quote what it cannot measure).
PRODUCT_FIELDS_TO_ACTIVATE = ("hs_code", "origin_country")
VARIANT_FIELDS_TO_ACTIVATE = ("price", "weight_kg", "length_cm", "width_cm", "height_cm")


class ProductStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    ARCHIVED = "archived", "Archived"


class Product(models.Model):
    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="products")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    translations = models.JSONField(
        default=dict, blank=True, help_text='{"ru": {"title": "...", "description": "..."}, "zh": {...}}'
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, null=True, blank=True, related_name="products")
    hs_code = models.CharField(max_length=10, blank=True, help_text="6–10 digits; the first 6 are the HS code.")
    origin_country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2.")
    status = models.CharField(max_length=10, choices=ProductStatus.choices, default=ProductStatus.DRAFT)
    perishable = models.BooleanField(default=False)
    temperature_min_c = models.SmallIntegerField(null=True, blank=True)
    temperature_max_c = models.SmallIntegerField(null=True, blank=True)
    hazardous = models.BooleanField(default=False)
    fragile = models.BooleanField(default=False)
    shelf_life_days = models.PositiveIntegerField(null=True, blank=True)
    # The seller's own grouping key from CSV imports (``product_ref``); unique per seller when set.
    external_ref = models.CharField(max_length=100, blank=True)
    # Lower-cased title in every language, kept by ``save`` and the importer: one plain column
    # that finds "чайник" on SQLite and PostgreSQL alike. The public catalog also matches it by
    # substring (Chinese has no spaces) and by trigram similarity (typos) on PostgreSQL; its
    # full-text column lives next to it (``marketplace.browse.search``).
    search_text = models.TextField(blank=True, editable=False)
    # The lowest price of the active variants, in the seller's currency (what a catalog row shows
    # before conversion), and the same price in the reference currency
    # (``marketplace.services.prices.REFERENCE_CURRENCY``), so that goods priced in yuan, tenge and
    # sum filter and sort together in the database. Kept by ``product_prices_refresh`` when a
    # variant changes and when new exchange rates are stored.
    price_from = money_field(null=True, blank=True, editable=False)
    price_reference = models.DecimalField(max_digits=28, decimal_places=10, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["seller", "status"], name="product_seller_status_idx"),
            # The public catalog's orderings, each walked in index order for the first page:
            # newest, cheapest and dearest first (ties broken by id, as the queries do).
            models.Index(F("status"), F("created_at").desc(), F("id").desc(), name="product_status_newest_idx"),
            # (Dearest first, NULLS LAST, is a PostgreSQL-only index: marketplace.browse.search.SCHEMA_SQL.)
            models.Index(fields=["status", "price_reference", "id"], name="product_status_price_idx"),
            # Counts per category, origin and seller (the catalog's facets) from the index alone.
            models.Index(fields=["status", "category", "origin_country", "seller"], name="product_status_facets_idx"),
            # The same facets for a list filtered by stock (``ship_to``, ``in_stock``): the active
            # products in id order, so the count merges them with the stock's
            # ``stock_available_product_idx`` (also in product order) from the two indexes alone.
            models.Index(
                fields=["status", "id", "category", "origin_country", "seller"], name="product_status_reach_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["seller", "external_ref"], condition=~Q(external_ref=""), name="product_external_ref_unique"
            ),
            models.CheckConstraint(
                condition=Q(temperature_min_c__isnull=True)
                | (Q(temperature_min_c__gte=TEMPERATURE_MIN_C) & Q(temperature_min_c__lte=TEMPERATURE_MAX_C)),
                name="product_temperature_min_range",
            ),
            models.CheckConstraint(
                condition=Q(temperature_max_c__isnull=True)
                | (Q(temperature_max_c__gte=TEMPERATURE_MIN_C) & Q(temperature_max_c__lte=TEMPERATURE_MAX_C)),
                name="product_temperature_max_range",
            ),
            models.CheckConstraint(
                condition=Q(temperature_min_c__isnull=True)
                | Q(temperature_max_c__isnull=True)
                | Q(temperature_min_c__lte=models.F("temperature_max_c")),
                name="product_temperature_min_le_max",
            ),
            models.CheckConstraint(
                condition=Q(perishable=True) | (Q(temperature_min_c__isnull=True) & Q(temperature_max_c__isnull=True)),
                name="product_cold_chain_only_perishable",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = product_search_text(self.title, self.translations)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "search_text" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "search_text"]
        super().save(*args, **kwargs)

    @property
    def needs_cold_chain(self) -> bool:
        return self.perishable and (self.temperature_min_c is not None or self.temperature_max_c is not None)


class ProductVariant(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    # Denormalised from the product so that ``sku`` can be unique per seller in one constraint.
    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(max_length=64)
    name = models.CharField(max_length=200, blank=True)
    price = money_field(null=True, blank=True)
    weight_kg = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    length_cm = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    width_cm = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    height_cm = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    barcode = models.CharField(max_length=32, blank=True, help_text="EAN/UPC/GTIN, optional.")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            # Buyers find a product by its exact SKU whatever the seller (``q=K-2``).
            models.Index(Upper("sku"), name="variant_sku_upper_idx"),
            # The retired variants, few: the catalog's stock filters leave out their stock with
            # this small index instead of joining every variant (``warehouses.catalog``).
            models.Index(fields=["id"], condition=Q(is_active=False), name="variant_retired_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["seller", "sku"], name="variant_sku_unique_per_seller"),
            models.CheckConstraint(condition=Q(price__isnull=True) | Q(price__gt=0), name="variant_price_positive"),
            models.CheckConstraint(
                condition=Q(weight_kg__isnull=True) | Q(weight_kg__gt=0), name="variant_weight_positive"
            ),
            models.CheckConstraint(
                condition=(Q(length_cm__isnull=True) | Q(length_cm__gt=0))
                & (Q(width_cm__isnull=True) | Q(width_cm__gt=0))
                & (Q(height_cm__isnull=True) | Q(height_cm__gt=0)),
                name="variant_dimensions_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.sku

    @property
    def volume_m3(self) -> Decimal | None:
        """Volume of one unit in cubic metres, or None while a dimension is missing."""
        if self.length_cm is None or self.width_cm is None or self.height_cm is None:
            return None
        return (self.length_cm * self.width_cm * self.height_cm / Decimal(1_000_000)).quantize(Decimal("0.000001"))
