"""Template filters that format numbers, money, exchange rates and addresses for people, in their language."""

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal
from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, to_locale

from core.money import MoneyError, minor_unit_digits

register = template.Library()


def _locale() -> str:
    return to_locale(get_language() or "en")


def money_text(value: Any, currency: str | None = None) -> str:
    """``12 500,50 KZT`` in Russian, ``12,500.50 KZT`` in English: grouped, the currency's own decimals, its code."""
    if value is None or value == "":
        return "—"
    amount = getattr(value, "amount", value)
    code = currency or getattr(getattr(value, "currency", None), "code", None) or ""
    try:
        amount = Decimal(str(amount))
        digits = minor_unit_digits(code) if code else 2
    except (InvalidOperation, MoneyError):
        return str(value)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    number = format_decimal(amount, format=pattern, locale=_locale())
    return f"{number}\u00a0{code}".strip()


@register.filter
def money(value: Any, currency: str | None = None) -> str:
    return money_text(value, currency)


@register.filter
def quantity(value: Any) -> str:
    """A whole number or a measured amount, grouped the reader's way (trailing zeros dropped)."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return format_decimal(number.normalize() if number == number.to_integral() else number, locale=_locale())


def rate_text(rate: Any) -> str:
    """An exchange rate with six significant digits (``70.1294``, ``0.0142586``), never 28."""
    try:
        number = Decimal(str(rate))
    except InvalidOperation:
        return str(rate)
    if not number.is_finite() or number == 0:
        return str(rate)
    places = max(0, 6 - (number.adjusted() + 1))
    return format_decimal(round(number, places), format="#,##0." + "#" * max(places, 1), locale=_locale())


@register.filter
def rate(value: Any) -> str:
    return rate_text(value)


@register.filter
def country_name(code: Any) -> str:
    """The country's name in the reader's language (``KZ`` → ``Казахстан``)."""
    if not code:
        return "—"
    try:
        names: Mapping[str, str] = Locale.parse(_locale()).territories
    except (UnknownLocaleError, ValueError):
        names = {}
    return str(names.get(str(code).upper(), code))


@register.filter
def address_lines(address: Any) -> SafeString:
    """A shipping address (the order's JSON or a shipment's fields) as lines on an envelope."""
    if not isinstance(address, dict):
        address = {name: getattr(address, name, "") for name in ("recipient", "phone", "line1", "line2", "city")} | {
            "postal_code": getattr(address, "postal_code", ""),
            "country": getattr(address, "country", ""),
        }
    lines = [
        address.get("recipient", ""),
        address.get("line1", ""),
        address.get("line2", ""),
        " ".join(part for part in (address.get("postal_code", ""), address.get("city", "")) if part),
        country_name(address.get("country", "")) if address.get("country") else "",
        address.get("phone", ""),
    ]
    return format_html_join(mark_safe("<br>"), "{}", ((str(line),) for line in lines if line))
