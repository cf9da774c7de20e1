"""Admin for warehouses and staff assignments (assignments are the platform admin's job)."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from warehouses.models import StaffAssignment, Warehouse
from warehouses.selectors import warehouses_for_staff
from warehouses.services import staff_assign


class StaffAssignmentInline(admin.TabularInline):
    model = StaffAssignment
    extra = 0
    raw_id_fields = ["user"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "country", "city", "hub", "kind", "cold_storage", "is_active"]
    list_filter = ["kind", "country", "cold_storage", "is_active"]
    search_fields = ["code", "name", "city"]
    list_select_related = ["hub"]
    inlines = [StaffAssignmentInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(pk__in=warehouses_for_staff(user=request.user))


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "warehouse", "created_at"]
    list_filter = ["warehouse"]
    search_fields = ["user__email", "warehouse__code"]
    raw_id_fields = ["user"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def save_model(self, request: HttpRequest, obj: StaffAssignment, form: Any, change: bool) -> None:
        # Through the service, so the user also gets admin access and the staff group.
        assignment = staff_assign(user=obj.user, warehouse=obj.warehouse)
        obj.pk = assignment.pk
