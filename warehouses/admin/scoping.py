"""Admin scoping: querysets, list filters and object lookups narrowed to the staff's warehouses."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError
from warehouses.selectors import warehouses_for_staff


def error_messages(error: DomainError) -> list[str]:
    """What a refused service call says, for a message on the page: the detail, then each field's reason."""
    found = [str(error.detail)]
    for field_errors in (getattr(error, "errors", None) or {}).values():
        found.extend(str(message) for message in field_errors if str(message) not in found)
    return found


class StaffWarehouseFilter(admin.SimpleListFilter):
    """A warehouse filter listing only the warehouses the user works at."""

    title = _("warehouse")
    parameter_name = "warehouse"
    warehouse_field = "warehouse"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(w.pk), f"{w.code} {w.name}") for w in warehouses_for_staff(user=request.user).order_by("code")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value():
            return queryset.filter(**{f"{self.warehouse_field}_id": self.value()})
        return queryset


class LedgerWarehouseFilter(StaffWarehouseFilter):
    warehouse_field = "stock__warehouse"


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    max_num = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class WarehouseScopedAdmin(admin.ModelAdmin):
    """Rows outside the user's warehouses do not exist for them: not listed, 404 by URL, skipped by actions."""

    warehouse_field = "warehouse"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.warehouse_field}__in": warehouses_for_staff(user=request.user)})

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(gettext("No such object at your warehouses."))
        return obj

    def run_service(self, request: HttpRequest, queryset: Any, verb: str, call: Any) -> None:
        """Apply a service to each selected row; report what worked and why the rest did not."""
        done, failed = 0, []
        for obj in queryset:
            try:
                call(obj)
                done += 1
            except DomainError as error:
                failed.append(f"{obj}: {error.detail}")
        if done:
            self.message_user(
                request,
                gettext("%(verb)s: %(count)d done.") % {"verb": verb.capitalize(), "count": done},
                messages.SUCCESS,
            )
        for message in failed:
            self.message_user(
                request, gettext("Could not %(verb)s %(what)s") % {"verb": verb, "what": message}, messages.ERROR
            )
