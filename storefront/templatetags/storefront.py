"""Filters of the storefront's templates: money and delivery in the active locale's format."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils import formats
from django.utils.translation import gettext as _

from storefront import names

register = template.Library()


def _amount_currency(value: Any) -> tuple[Decimal, str] | None:
    if value is None or value == "":
        return None
    if isinstance(value, dict):
        amount, currency = value.get("amount"), value.get("currency", "")
    else:  # a Money (djmoney or py-moneyed)
        amount, currency = value.amount, getattr(value.currency, "code", value.currency)
    try:
        return Decimal(str(amount)), str(currency)
    except (InvalidOperation, TypeError):
        return None


@register.filter
def money(value: Any) -> str:
    """``{"amount": "1234.5", "currency": "KZT"}`` → ``1 234,50 KZT`` in Russian, ``1,234.50 KZT`` in English."""
    parsed = _amount_currency(value)
    if parsed is None:
        return "—"
    amount, currency = parsed
    exponent = amount.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    text = formats.number_format(amount, decimal_pos=max(2, min(places, 4)), use_l10n=True, force_grouping=True)
    return f"{text}\u00a0{currency}"


@register.filter
def country(code: str) -> str:
    return names.country_name(code or "")


@register.filter
def mode(code: str) -> str:
    return names.mode_name(code or "")


@register.filter
def order_status(code: str) -> str:
    return names.order_status_name(code or "")


@register.filter
def shipment_status(code: str) -> str:
    return names.shipment_status_name(code or "")


@register.filter
def stream_status(code: str) -> str:
    return names.stream_status_name(code or "")


@register.filter
def tracking_event(row: dict[str, Any]) -> str:
    if row.get("source") == "shipment":
        return names.shipment_event_name(row.get("code", ""))
    return names.order_event_name(row.get("code", ""))


@register.simple_tag
def delivery_text(days_min: int | None, days_max: int | None, mode_code: str = "") -> str:
    """``5–8 days by TIR truck``."""
    if days_min is None or days_max is None:
        return ""
    days = f"{days_min}" if days_min == days_max else f"{days_min}–{days_max}"
    if mode_code:
        return _("%(days)s days by %(mode)s") % {"days": days, "mode": names.mode_name(mode_code)}
    return _("%(days)s days") % {"days": days}


@register.simple_tag(takes_context=True)
def query_with(context: Any, **changes: Any) -> str:
    """The current query string with some parameters changed (pagination, facet links)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"
