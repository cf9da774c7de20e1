"""DRF fields shared by every app: Money as ``{"amount": "12.50", "currency": "KZT"}``."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.money import Money, MoneyError, money_round, parse_money

MONEY_SCHEMA = {
    "type": "object",
    "properties": {
        "amount": {"type": "string", "example": "12.50"},
        "currency": {"type": "string", "example": "KZT"},
    },
    "required": ["amount", "currency"],
}


def money_to_representation(value: Money | None) -> dict[str, str] | None:
    if value is None:
        return None
    rounded = money_round(value)
    return {"amount": str(rounded.amount), "currency": rounded.currency.code}


@extend_schema_field(MONEY_SCHEMA)
class MoneyField(serializers.Field):
    """Reads and writes Money strictly: no floats, no NaN, no extra decimals, no unknown currency.

    ``currency`` may be fixed by the caller (e.g. a seller's prices are always in the seller's
    currency); then another currency in the input is a 400.
    """

    # Braces doubled: DRF fills error messages in with str.format.
    default_error_messages = {"invalid": 'Send money as {{"amount": "12.50", "currency": "KZT"}}.'}

    def __init__(self, *, currency: str | None = None, min_amount: Any = None, **kwargs: Any) -> None:
        self.fixed_currency = currency
        self.min_amount = min_amount
        super().__init__(**kwargs)

    def to_representation(self, value: Money) -> dict[str, str] | None:
        return money_to_representation(value)

    def to_internal_value(self, data: Any) -> Money:
        if not isinstance(data, dict) or set(data) - {"amount", "currency"} or "amount" not in data:
            self.fail("invalid")
        currency = data.get("currency", self.fixed_currency)
        try:
            money = parse_money(data["amount"], currency)
        except MoneyError as error:
            raise serializers.ValidationError({error.field: [str(error)]}) from None
        if self.fixed_currency and money.currency.code != self.fixed_currency:
            raise serializers.ValidationError(
                {"currency": [_("Must be %(currency)s.") % {"currency": self.fixed_currency}]}
            )
        if self.min_amount is not None and money.amount < self.min_amount:
            raise serializers.ValidationError(
                {"amount": [_("Must be at least %(minimum)s.") % {"minimum": self.min_amount}]}
            )
        return money


@extend_schema_field(OpenApiTypes.STR)
class CountryCodeField(serializers.CharField):
    """An ISO 3166-1 alpha-2 code, upper-cased."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 2)
        kwargs.setdefault("min_length", 2)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        return str(super().to_internal_value(data)).upper()
