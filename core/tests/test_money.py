"""Money: minor units, the half-up rule, mixed-currency refusal, strict API parsing."""

from decimal import Decimal

import pytest

from core.money import (
    Money,
    MoneyError,
    from_minor_units,
    minor_unit_digits,
    money_round,
    money_sum,
    parse_money,
    to_minor_units,
)


@pytest.mark.parametrize(
    ("currency", "digits"),
    [("UZS", 2), ("KZT", 2), ("CNY", 2), ("RUB", 2), ("KGS", 2), ("USD", 2), ("JPY", 0), ("KWD", 3), ("BHD", 3)],
)
def test_minor_unit_digits(currency: str, digits: int) -> None:
    assert minor_unit_digits(currency) == digits


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("1234.565", "UZS", "1234.57"),  # half-up, not banker's
        ("1234.575", "UZS", "1234.58"),
        ("99.994", "KZT", "99.99"),
        ("0.005", "KZT", "0.01"),
        ("150.5", "JPY", "151"),
        ("149.5", "JPY", "150"),
        ("1.2345", "KWD", "1.235"),
        ("1.2344", "KWD", "1.234"),
        ("-2.345", "KZT", "-2.35"),
    ],
)
def test_money_round_half_up_to_minor_unit(amount: str, currency: str, expected: str) -> None:
    rounded = money_round(Money(Decimal(amount), currency))
    assert str(rounded.amount) == expected
    assert rounded.currency.code == currency


def test_arithmetic_refuses_mixed_currencies() -> None:
    with pytest.raises(TypeError):
        Money(Decimal("1.00"), "KZT") + Money(Decimal("1.00"), "UZS")
    with pytest.raises(TypeError):
        money_sum([Money(Decimal("1"), "KZT"), Money(Decimal("1"), "RUB")], "KZT")


def test_sum_of_nothing_is_zero_in_the_currency() -> None:
    assert money_sum([], "UZS") == Money(Decimal(0), "UZS")


@pytest.mark.parametrize(
    ("money", "minor"),
    [
        (Money(Decimal("12.50"), "KZT"), 1250),
        (Money(Decimal("1500"), "JPY"), 1500),
        (Money(Decimal("1.234"), "KWD"), 1234),
        (Money(Decimal("125000.00"), "UZS"), 12500000),
    ],
)
def test_minor_units_round_trip(money: Money, minor: int) -> None:
    assert to_minor_units(money) == minor
    assert from_minor_units(minor, money.currency.code) == money


@pytest.mark.parametrize(
    ("amount", "currency", "field"),
    [
        (12.5, "KZT", "amount"),  # float
        ("NaN", "KZT", "amount"),
        ("Infinity", "KZT", "amount"),
        ("12.505", "KZT", "amount"),  # more decimals than the currency has
        ("1.5", "JPY", "currency"),  # not a currency Karavan trades in
        ("1.2345", "KWD", "amount"),
        ("12,50", "KZT", "amount"),
        ("", "KZT", "amount"),
        (True, "KZT", "amount"),
        ("12.50", "XYZ", "currency"),
        ("12.50", "kzt", "currency"),
        ("12.50", None, "currency"),
    ],
)
def test_parse_money_rejects_bad_input(amount: object, currency: object, field: str) -> None:
    with pytest.raises(MoneyError) as error:
        parse_money(amount, currency)
    assert error.value.field == field


def test_parse_money_accepts_strings_and_integers() -> None:
    assert parse_money("12.5", "KZT") == Money(Decimal("12.50"), "KZT")
    assert str(parse_money("12.5", "KZT").amount) == "12.50"
    assert parse_money(100, "UZS") == Money(Decimal("100"), "UZS")
    assert str(parse_money("1.234", "KWD").amount) == "1.234"


@pytest.mark.parametrize(
    "amount",
    ["1000000000000000", "1234567890123456.00", "-1000000000000000", "1e30", "1E+15", 10**15, 10**22],
)
def test_parse_money_refuses_amounts_longer_than_the_money_columns(amount: object) -> None:
    """DECIMAL(18, 3) holds 15 integer digits: a 16-digit price is a 400, not a database error."""
    with pytest.raises(MoneyError) as error:
        parse_money(amount, "CNY")
    assert error.value.field == "amount"
    assert "15 digits" in str(error.value)


def test_parse_money_accepts_the_largest_amount_a_column_holds() -> None:
    assert str(parse_money("999999999999999.99", "UZS").amount) == "999999999999999.99"
    assert str(parse_money("999999999999999.999", "KWD").amount) == "999999999999999.999"


@pytest.mark.parametrize("data", [{}, '{"amount": "1.00", "currency": "KZT"}', [], None, {"amount": "1", "extra": 1}])
def test_money_field_refuses_malformed_input_with_a_message(data: object) -> None:
    from rest_framework import serializers

    from core.api.fields import MoneyField

    class PriceSerializer(serializers.Serializer):
        price = MoneyField()

    serializer = PriceSerializer(data={"price": data})
    assert not serializer.is_valid()
    assert serializer.errors["price"]


def test_money_field_fixed_currency() -> None:
    from rest_framework import serializers

    from core.api.fields import MoneyField

    class PriceSerializer(serializers.Serializer):
        price = MoneyField(currency="CNY")

    assert PriceSerializer(data={"price": {"amount": "69.00"}}).is_valid()
    other = PriceSerializer(data={"price": {"amount": "69.00", "currency": "KZT"}})
    assert not other.is_valid()
    assert "currency" in str(other.errors)


def test_supported_currencies_are_the_sco_currencies_plus_usd_and_eur() -> None:
    from core.money import CURRENCY_CHOICES, SUPPORTED_CURRENCIES
    from core.reference import COUNTRIES

    assert set(SUPPORTED_CURRENCIES) == {country.currency for country in COUNTRIES} | {"USD", "EUR"}
    assert dict(CURRENCY_CHOICES) == SUPPORTED_CURRENCIES


def test_every_money_column_offers_exactly_the_supported_currencies() -> None:
    """The choices come from our list, not from babel, so a library upgrade cannot change a migration."""
    from django.apps import apps
    from djmoney.models.fields import CurrencyField

    from core.money import CURRENCY_CHOICES

    columns = [field for model in apps.get_models() for field in model._meta.fields if isinstance(field, CurrencyField)]
    assert len(columns) >= 15
    for column in columns:
        assert list(column.choices) == CURRENCY_CHOICES, f"{column.model.__name__}.{column.name}"
