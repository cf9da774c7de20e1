"""Admin for the catalog: categories, products (variants and images inline), variants, imports."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from marketplace.models import (
    VARIANT_FIELDS,
    CatalogImport,
    Category,
    ImportStatus,
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
        "file",
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
