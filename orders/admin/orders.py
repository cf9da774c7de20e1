"""The order page for operators: address, money and rates formatted for people, and cancel and
refund as buttons that call the services (``order_cancel``, ``refund_create``), never a form save."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError
from core.money import MoneyError, parse_money
from core.templatetags.karavan import address_lines, country_name, money_text, rate_text
from orders.admin.dashboard import dashboard_csv_view, dashboard_view
from orders.admin.inlines import (
    OrderEventInline,
    OrderLineInline,
    OrderShipmentInline,
    PaymentInline,
    SellerOrderInline,
)
from orders.models import Order, SellerOrder
from orders.services import order_cancel, order_pay_confirm_by_staff, refund_create
from orders.services.refunds import refundable_amount
from warehouses.admin.scoping import error_messages


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=300, help_text=_("Recorded on the order; the buyer sees it.")
    )


class RefundForm(forms.Form):
    seller_order = forms.TypedChoiceField(label=_("Refund"), coerce=int, required=False, empty_value=None)
    amount = forms.CharField(
        label=_("Amount"), required=False, max_length=24, help_text=_("Leave empty to refund everything that is left.")
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args: Any, order: Order, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order = order
        choices: list[tuple[Any, str]] = [("", gettext("The whole order"))]
        choices += [
            (part.pk, gettext("Seller order: %(seller)s") % {"seller": part.seller.display_name})
            for part in order.seller_orders.select_related("seller")
        ]
        self.fields["seller_order"].choices = choices

    def clean_amount(self) -> Any:
        raw = (self.cleaned_data.get("amount") or "").strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
        if not raw:
            return None
        try:
            return parse_money(raw, self.order.currency)
        except MoneyError as error:
            raise forms.ValidationError(str(error)) from None


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("number", "buyer", "status", "total_display", "destination_country", "placed_at")
    list_filter = ("status", "destination_country", "currency", "is_livestream")
    search_fields = ("number", "buyer__email", "lines__sku")
    date_hierarchy = "placed_at"
    list_select_related = ("buyer",)
    inlines = (SellerOrderInline, OrderLineInline, OrderShipmentInline, PaymentInline, OrderEventInline)
    actions = ("confirm_offline_payment",)
    change_form_template = "admin/orders/order/change_form.html"
    readonly_fields = (
        "number",
        "buyer",
        "status",
        "preference",
        "address_display",
        "destination_display",
        "subtotal_display",
        "shipping_display",
        "duties_display",
        "total_display",
        "duties_notes_display",
        "rates_display",
        "is_livestream",
        "reserved_until",
        "placed_at",
        "paid_at",
        "closed_at",
    )
    fieldsets = (
        (None, {"fields": ("number", "buyer", "status", "preference", "placed_at", "paid_at", "closed_at")}),
        (_("Delivery"), {"fields": ("address_display", "destination_display")}),
        (
            _("Money"),
            {
                "fields": (
                    "subtotal_display",
                    "shipping_display",
                    "duties_display",
                    "total_display",
                    "duties_notes_display",
                    "rates_display",
                )
            },
        ),
        (_("Other"), {"fields": ("is_livestream", "reserved_until")}),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> Any:
        queryset, _ = super().get_search_results(request, queryset, search_term)
        return queryset.distinct(), False

    # --- formatted for people

    @admin.display(description=_("shipping address"))
    def address_display(self, order: Order) -> SafeString:
        return address_lines(order.shipping_address or {})

    @admin.display(description=_("destination country"))
    def destination_display(self, order: Order) -> str:
        return f"{country_name(order.destination_country)} ({order.destination_country})"

    @admin.display(description=_("subtotal"))
    def subtotal_display(self, order: Order) -> str:
        return money_text(order.subtotal)

    @admin.display(description=_("shipping"))
    def shipping_display(self, order: Order) -> str:
        return money_text(order.shipping_total)

    @admin.display(description=_("duties"))
    def duties_display(self, order: Order) -> str:
        return money_text(order.duties_total)

    @admin.display(description=_("total"), ordering="total")
    def total_display(self, order: Order) -> str:
        return money_text(order.total)

    @admin.display(description=_("duties notes"))
    def duties_notes_display(self, order: Order) -> SafeString | str:
        notes = [str(note.get("note", note) if isinstance(note, dict) else note) for note in order.duties_notes or []]
        return format_html_join(mark_safe("<br>"), "{}", ((note,) for note in notes)) if notes else "—"

    @admin.display(description=_("exchange rates"))
    def rates_display(self, order: Order) -> SafeString | str:
        rates = order.exchange_rates or {}
        if not rates:
            return "—"
        rows = []
        for pair, info in sorted(rates.items()):
            rate = info.get("rate") if isinstance(info, dict) else info
            source, _sep, target = str(pair).partition("→")
            rows.append((f"1 {source} = {rate_text(rate)} {target}",))
        return format_html_join(mark_safe("<br>"), "{}", rows)

    # --- cancel, refund, dashboard

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path("dashboard/", view(dashboard_view), name="orders_operator_dashboard"),
            path("dashboard/<slug:table>.csv", view(dashboard_csv_view), name="orders_operator_dashboard_csv"),
            path("<path:object_id>/cancel/", view(self.cancel_view), name="orders_order_cancel"),
            path("<path:object_id>/refund/", view(self.refund_view), name="orders_order_refund"),
            *super().get_urls(),
        ]

    def _order_for_action(self, request: HttpRequest, object_id: str, permission: str) -> Order:
        order = self.get_object(request, object_id)
        if order is None:
            from django.http import Http404

            raise Http404(gettext("No such order."))
        if not request.user.has_perm(permission):
            raise PermissionDenied
        return order

    def _action_page(
        self, request: HttpRequest, order: Order, form: forms.Form, title: str, **extra: Any
    ) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "order": order,
            "form": form,
            **extra,
        }
        return TemplateResponse(request, "admin/orders/order/action.html", context)

    def cancel_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        order = self._order_for_action(request, object_id, "orders.change_order")
        form = CancelForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                order_cancel(order=order, actor=request.user, reason=form.cleaned_data["reason"])
            except DomainError as error:
                for message in error_messages(error):
                    self.message_user(request, message, messages.ERROR)
            else:
                order.refresh_from_db()
                self.message_user(
                    request,
                    gettext("Order %(number)s: %(status)s.")
                    % {"number": order.number, "status": order.get_status_display()},
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(reverse("admin:orders_order_change", args=[order.pk]))
        return self._action_page(
            request, order, form, gettext("Cancel order %(number)s") % {"number": order.number}, action="cancel"
        )

    def refund_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        order = self._order_for_action(request, object_id, "orders.add_refund")
        form = RefundForm(request.POST or None, order=order)
        if request.method == "POST" and form.is_valid():
            try:
                refund = refund_create(
                    order=order,
                    amount=form.cleaned_data["amount"],
                    seller_order_id=form.cleaned_data["seller_order"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                    request_key=request.POST.get("request_key") or None,
                )
            except DomainError as error:
                for message in error_messages(error):
                    form.add_error(None, message)
            else:
                self.message_user(
                    request,
                    gettext("Refund of %(amount)s opened (%(status)s).")
                    % {"amount": money_text(refund.amount), "status": refund.get_status_display()},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:orders_order_change", args=[order.pk]))
        payment = getattr(order, "payment", None)
        parts = (
            [
                (part, money_text(refundable_amount(payment=payment, seller_order=part)))
                for part in SellerOrder.objects.filter(order=order).select_related("seller")
            ]
            if payment is not None
            else []
        )
        return self._action_page(
            request,
            order,
            form,
            gettext("Refund order %(number)s") % {"number": order.number},
            action="refund",
            refundable=money_text(refundable_amount(payment=payment)) if payment is not None else "—",
            parts=parts,
        )

    @admin.action(description=_("Confirm offline payment received (cash on delivery, bank transfer)"))
    def confirm_offline_payment(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        """With the offline provider only staff confirm payments (production); each order once."""
        confirmed = 0
        for order in queryset.order_by("pk"):
            try:
                order_pay_confirm_by_staff(order=order, actor=request.user)
                confirmed += 1
            except DomainError as error:
                self.message_user(request, f"{order.number}: {error.detail}", messages.WARNING)
        if confirmed:
            self.message_user(
                request, gettext("%(count)d payment(s) confirmed.") % {"count": confirmed}, messages.SUCCESS
            )
