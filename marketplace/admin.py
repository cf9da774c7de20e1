"""Admin for the catalog: categories, products (variants and images inline), variants, imports, livestreams."""

from django.contrib import admin, messages
from django.db.models import QuerySet, Sum
from django.http import HttpRequest

from marketplace.exceptions import LiveStreamStateConflict
from marketplace.models import (
    VARIANT_FIELDS,
    CatalogImport,
    Category,
    ImportStatus,
    LiveOffer,
    LiveStream,
    LiveStreamPin,
    LiveStreamStatus,
    Product,
    ProductImage,
    ProductVariant,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "parent", "position"]
    list_filter = ["parent"]
    search_fields = ["slug", "name"]
    prepopulated_fields = {"slug": ["name"]}


class VariantInline(admin.TabularInline):
    model = ProductVariant
    extra = 0
    fields = list(VARIANT_FIELDS)
    show_change_link = True


class ImageInline(admin.TabularInline):
    model = ProductImage
    extra = 0
    fields = ["position", "original", "format", "width", "height", "status", "failure_reason"]
    readonly_fields = ["original", "format", "width", "height", "status", "failure_reason"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # images go through the upload checks of the seller API


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "seller", "category", "hs_code", "origin_country", "status", "updated_at"]
    list_filter = ["status", "category", "origin_country", "perishable", "hazardous", "seller__country"]
    search_fields = ["title", "hs_code", "external_ref", "variants__sku", "seller__display_name"]
    list_select_related = ["seller", "category"]
    autocomplete_fields = ["seller"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [VariantInline, ImageInline]

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):  # type: ignore[no-untyped-def]
        queryset, _may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return queryset.distinct(), False


@admin.register(ProductVariant)
class ProductVariantAdmin(admin.ModelAdmin):
    list_display = ["sku", "name", "product", "seller", "price", "is_active"]
    list_filter = ["is_active", "seller__country"]
    search_fields = ["sku", "barcode", "product__title", "product__hs_code", "seller__display_name"]
    list_select_related = ["product", "seller"]
    autocomplete_fields = ["product", "seller"]


@admin.register(CatalogImport)
class CatalogImportAdmin(admin.ModelAdmin):
    list_display = ["id", "seller", "status", "total_rows", "processed_rows", "created_count", "error_count"]
    list_filter = ["status"]
    search_fields = ["seller__display_name", "original_filename"]
    readonly_fields = [
        "seller",
        "created_by",
        "original_filename",
        "total_rows",
        "processed_rows",
        "created_count",
        "updated_count",
        "unchanged_count",
        "error_count",
        "errors",
        "failure_reason",
        "created_at",
        "started_at",
        "claimed_by",
        "finished_at",
    ]
    actions = ["requeue"]

    @admin.action(description="Run again (for imports stuck in 'running' after a worker was lost)")
    def requeue(self, request: HttpRequest, queryset: QuerySet[CatalogImport]) -> None:
        from marketplace.tasks import catalog_import_task

        for catalog_import in queryset.filter(status=ImportStatus.RUNNING):
            CatalogImport.objects.filter(pk=catalog_import.pk, status=ImportStatus.RUNNING).update(
                status=ImportStatus.QUEUED, processed_rows=0
            )
            catalog_import_task.delay(catalog_import.pk)


class LiveOfferInline(admin.TabularInline):
    model = LiveOffer
    extra = 0
    fields = ["variant", "live_price", "quantity_cap", "per_buyer_limit", "sold", "remaining"]
    readonly_fields = ["variant", "live_price", "quantity_cap", "per_buyer_limit", "sold", "remaining"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # offers go through the seller API (the 30-day low rule lives there)

    @admin.display(description="remaining")
    def remaining(self, offer: LiveOffer) -> int:
        return offer.remaining


class LiveStreamPinInline(admin.TabularInline):
    model = LiveStreamPin
    extra = 0
    fields = ["variant", "pinned_at", "pinned_by"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class LiveStreamStatusFilter(admin.SimpleListFilter):
    """Live and scheduled streams first: what platform staff watch over."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("current", "Live or scheduled"), *LiveStreamStatus.choices, ("all", "All")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value() or "current"
        if value == "current":
            return queryset.filter(status__in=[LiveStreamStatus.LIVE, LiveStreamStatus.SCHEDULED])
        if value in LiveStreamStatus.values:
            return queryset.filter(status=value)
        return queryset

    def choices(self, changelist):  # type: ignore[no-untyped-def]
        value = self.value() or "current"
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


@admin.register(LiveStream)
class LiveStreamAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "seller", "status", "scheduled_start", "started_at", "ended_at", "offers_sold"]
    list_filter = [LiveStreamStatusFilter, "language", "seller__country"]
    search_fields = ["title", "host", "seller__display_name"]
    list_select_related = ["seller"]
    ordering = ["status", "scheduled_start"]
    readonly_fields = [
        "seller",
        "status",
        "started_at",
        "ended_at",
        "ended_by",
        "pinned_variant",
        "created_by",
        "created_at",
        "updated_at",
    ]
    fields = [
        "seller",
        "title",
        "description",
        "host",
        "language",
        "stream_url",
        "replay_url",
        "status",
        "scheduled_start",
        "scheduled_end",
        "started_at",
        "ended_at",
        "ended_by",
        "pinned_variant",
        "created_by",
        "created_at",
        "updated_at",
    ]
    inlines = [LiveOfferInline, LiveStreamPinInline]
    actions = ["stop"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # sellers schedule streams through the API

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(sold_units=Sum("offers__sold"), cap_units=Sum("offers__quantity_cap"))
        )

    @admin.display(description="offers sold / cap")
    def offers_sold(self, stream: LiveStream) -> str:
        sold, cap = getattr(stream, "sold_units", None), getattr(stream, "cap_units", None)
        return f"{sold or 0} / {cap or 0}" if cap else "—"

    @admin.action(description="Stop the selected live streams now (offers close after the grace period)")
    def stop(self, request: HttpRequest, queryset: QuerySet[LiveStream]) -> None:
        from marketplace.services.livestreams import livestream_end

        stopped = 0
        for stream in queryset.filter(status=LiveStreamStatus.LIVE):
            try:
                livestream_end(stream=stream, ended_by=f"platform staff ({request.user.email})")
                stopped += 1
            except LiveStreamStateConflict:
                continue  # ended meanwhile by its seller
        self.message_user(request, f"Stopped {stopped} stream(s).", messages.SUCCESS if stopped else messages.WARNING)
