"""Money: a Decimal amount with an ISO 4217 currency, rounded to the currency's minor unit.

We use py-moneyed's ``Money`` (what django-money stores) as the one value type: it refuses
arithmetic across currencies. This module adds the pieces it lacks: the minor unit of a
currency, the one rounding rule, and conversions to Stripe's integer minor units.

Rounding rule: ROUND_HALF_UP (commercial rounding, what buyers and customs officers expect on a
receipt: 0.005 → 0.01). It is applied only at named boundaries (line total, shipping, duties,
charge), never on intermediate values.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _
from moneyed import CURRENCIES, Currency, Money
from moneyed.classes import CurrencyDoesNotExist, get_currency

__all__ = [
    "CURRENCY_CHOICES",
    "MONEY_DECIMAL_PLACES",
    "MONEY_MAX_AMOUNT",
    "MONEY_MAX_DIGITS",
    "ROUNDING",
    "SUPPORTED_CURRENCIES",
    "Currency",
    "CurrencyDoesNotExist",
    "Money",
    "MoneyError",
    "currency_exists",
    "from_minor_units",
    "minor_unit_digits",
    "money_column_error",
    "money_fits_column",
    "money_round",
    "money_sum",
    "parse_money",
    "to_minor_units",
]

ROUNDING = ROUND_HALF_UP

#: The currencies Karavan trades in: those of the SCO members and partners (core/reference.py)
#: plus USD and EUR. This is the one list: money fields offer it as their choices and every
#: validation of a currency code checks it. It is spelt out here, names included, so that an
#: upgrade of babel or py-moneyed (which derive their lists from CLDR) can never change a
#: migration or what the API accepts. A test checks it covers every served country's currency.
SUPPORTED_CURRENCIES: dict[str, str] = {
    "AED": "UAE dirham",
    "AFN": "Afghan afghani",
    "AMD": "Armenian dram",
    "AZN": "Azerbaijani manat",
    "BHD": "Bahraini dinar",
    "BYN": "Belarusian ruble",
    "CNY": "Chinese yuan",
    "EGP": "Egyptian pound",
    "EUR": "Euro",
    "INR": "Indian rupee",
    "IRR": "Iranian rial",
    "KGS": "Kyrgyz som",
    "KHR": "Cambodian riel",
    "KWD": "Kuwaiti dinar",
    "KZT": "Kazakhstani tenge",
    "LAK": "Lao kip",
    "LKR": "Sri Lankan rupee",
    "MMK": "Myanmar kyat",
    "MNT": "Mongolian tögrög",
    "MVR": "Maldivian rufiyaa",
    "NPR": "Nepalese rupee",
    "PKR": "Pakistani rupee",
    "QAR": "Qatari riyal",
    "RUB": "Russian ruble",
    "SAR": "Saudi riyal",
    "TJS": "Tajikistani somoni",
    "TRY": "Turkish lira",
    "USD": "US dollar",
    "UZS": "Uzbekistani som",
}

#: Every money column is DECIMAL(18, 3): three decimals for KWD/BHD, so at most 15 integer digits.
#: API and CSV input is refused beyond that rather than failing in the database.
MONEY_MAX_DIGITS = 18
MONEY_DECIMAL_PLACES = 3
#: The first amount a money column cannot hold (10**15); input must stay strictly below it.
MONEY_MAX_AMOUNT = Decimal(10) ** (MONEY_MAX_DIGITS - MONEY_DECIMAL_PLACES)

#: ``choices`` for every currency column (django-money's ``currency_choices``).
CURRENCY_CHOICES: list[tuple[str, str]] = list(SUPPORTED_CURRENCIES.items())


class MoneyError(ValueError):
    """A money value that cannot be accepted; ``field`` says which part is wrong."""

    def __init__(self, message: str, *, field: str = "amount") -> None:
        super().__init__(message)
        self.field = field


def currency_exists(code: str) -> bool:
    """True for a currency Karavan accepts (upper-case ISO 4217 code in ``SUPPORTED_CURRENCIES``)."""
    return isinstance(code, str) and code in SUPPORTED_CURRENCIES and code in CURRENCIES


def minor_unit_digits(currency: str | Currency) -> int:
    """Decimal places of the currency's minor unit (2 for KZT, 0 for JPY, 3 for KWD)."""
    code = currency.code if isinstance(currency, Currency) else currency
    # Any ISO 4217 code works here (Stripe's zero-decimal JPY included); which currencies Karavan
    # accepts is decided by currency_exists() at the edges.
    if not isinstance(code, str) or code not in CURRENCIES:
        raise MoneyError(_("Unknown currency %(code)s.") % {"code": repr(code)}, field="currency")
    sub_unit = get_currency(code).sub_unit or 1
    digits = 0
    while sub_unit > 1:
        sub_unit //= 10
        digits += 1
    return digits


def _exponent(currency: str | Currency) -> Decimal:
    return Decimal(1).scaleb(-minor_unit_digits(currency))


def money_round(money: Money) -> Money:
    """Round to the currency's minor unit with the house rule (half-up)."""
    return Money(money.amount.quantize(_exponent(money.currency), rounding=ROUNDING), money.currency)


def money_sum(values: list[Money], currency: str) -> Money:
    """Sum of same-currency values; an empty list is zero in ``currency``."""
    total = Money(Decimal(0), currency)
    for value in values:
        total = total + value  # moneyed raises TypeError on a currency mismatch
    return total


def money_fits_column(amount: Decimal) -> bool:
    """True when ``amount`` can be stored in a money column (DECIMAL(18, 3)) without overflow."""
    return amount.is_finite() and abs(amount) < MONEY_MAX_AMOUNT


def money_column_error(amount: Decimal) -> str | None:
    """Why ``amount`` cannot be stored in a money column, or None when it can."""
    if money_fits_column(amount):
        return None
    digits = MONEY_MAX_DIGITS - MONEY_DECIMAL_PLACES
    return _("At most %(digits)s digits before the decimal point (below %(limit)s).") % {
        "digits": digits,
        "limit": f"{MONEY_MAX_AMOUNT:,.0f}",
    }


def parse_money(amount: object, currency: object) -> Money:
    """Strictly parse API input: a decimal string (or int) and a known currency code.

    Floats are refused because they cannot carry a price exactly; more decimals than the
    currency has are refused rather than silently rounded; an amount too long for the money
    columns is refused here rather than failing in the database (or, on SQLite, being stored
    and then failing every read of the row).
    """
    if not isinstance(currency, str) or not currency_exists(currency):
        raise MoneyError(
            _("Unknown currency %(currency)s; use an ISO 4217 code such as KZT.") % {"currency": repr(currency)},
            field="currency",
        )
    if isinstance(amount, bool | float):
        raise MoneyError(_('Send the amount as a decimal string such as "12.50", not a number.'))
    if isinstance(amount, int):
        value = Decimal(amount)
    elif isinstance(amount, str):
        try:
            value = Decimal(amount.strip())
        except InvalidOperation:
            raise MoneyError(_("%(amount)s is not a decimal number.") % {"amount": repr(amount)}) from None
    else:
        raise MoneyError(_('Send the amount as a decimal string such as "12.50".'))
    if not value.is_finite():
        raise MoneyError(_("The amount must be a finite number."))
    too_long = money_column_error(value)
    if too_long:
        raise MoneyError(too_long)
    digits = minor_unit_digits(currency)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > digits:
        raise MoneyError(
            _("%(currency)s has %(digits)s decimal places; %(amount)s has more.")
            % {"currency": currency, "digits": digits, "amount": amount}
        )
    return Money(value.quantize(_exponent(currency)), currency)


def to_minor_units(money: Money) -> int:
    """Integer amount in the minor unit, as Stripe expects (12.50 KZT → 1250)."""
    rounded = money_round(money)
    return int(rounded.amount.scaleb(minor_unit_digits(money.currency)))


def from_minor_units(value: int, currency: str) -> Money:
    return Money(Decimal(value).scaleb(-minor_unit_digits(currency)), currency)
