"""Admin for sellers, their members and invitations: suspend rather than delete (commission is editable here only)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError
from sellers.models import Seller, SellerInvitation, SellerMember
from sellers.services import seller_reinstate, seller_suspend


class SellerMemberInline(admin.TabularInline):
    model = SellerMember
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at"]


class SuspendForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("Why the seller's goods are taken off sale (kept on the seller)."),
    )


def _has_orders(seller: Seller) -> bool:
    # Seller orders point at the seller (sellers.Seller ← orders.SellerOrder.seller); a reverse
    # lookup keeps this app free of an import of orders.
    return seller.seller_orders.exists()  # type: ignore[attr-defined]


@admin.register(Seller)
class SellerAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "display_name",
        "country",
        "currency",
        "commission_percent",
        "payout_status",
        "suspended_at",
        "created_at",
    ]
    list_filter = ["country", "payout_status", "currency", ("suspended_at", admin.EmptyFieldListFilter)]
    search_fields = ["display_name", "legal_name", "stripe_account_id", "members__user__email"]
    readonly_fields = ["created_at", "suspended_at", "suspension_reason"]
    inlines = [SellerMemberInline]
    actions = ["suspend", "reinstate"]

    def has_delete_permission(self, request: HttpRequest, obj: Seller | None = None) -> bool:
        """Never delete a seller that has orders: its orders, payouts and ledger refer to it. Suspend it."""
        if obj is not None and _has_orders(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one by one, where the order check above applies
        return actions

    @admin.action(description=_("Suspend selected sellers (take their goods off sale)…"), permissions=["change"])
    def suspend(self, request: HttpRequest, queryset: QuerySet[Seller]) -> HttpResponse | None:
        form = SuspendForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            done = 0
            for seller in queryset.order_by("pk"):
                try:
                    seller_suspend(seller=seller, reason=form.cleaned_data["reason"], actor=request.user)
                    done += 1
                except DomainError as error:
                    self.message_user(request, f"{seller}: {error.detail}", messages.ERROR)
            self.message_user(request, gettext("%(count)d seller(s) suspended.") % {"count": done}, messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Suspend sellers"),
            "objects": list(queryset),
            "form": form,
            "action": "suspend",
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/sellers/seller/suspend.html", context)

    @admin.action(description=_("Reinstate selected sellers"), permissions=["change"])
    def reinstate(self, request: HttpRequest, queryset: QuerySet[Seller]) -> None:
        for seller in queryset.order_by("pk"):
            seller_reinstate(seller=seller, actor=request.user)
        self.message_user(
            request, gettext("%(count)d seller(s) reinstated.") % {"count": queryset.count()}, messages.SUCCESS
        )


@admin.register(SellerMember)
class SellerMemberAdmin(admin.ModelAdmin):
    list_display = ["id", "seller", "user", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["seller__display_name", "user__email"]
    autocomplete_fields = ["seller", "user"]


@admin.register(SellerInvitation)
class SellerInvitationAdmin(admin.ModelAdmin):
    list_display = ["id", "seller", "email", "role", "status", "created_at", "accepted_at"]
    list_filter = ["status", "role"]
    search_fields = ["email", "seller__display_name"]
    readonly_fields = ["token", "created_at", "accepted_at"]
    autocomplete_fields = ["seller"]
