"""Stripe's integer amounts: ISO 4217 minor units, except for the few currencies Stripe treats its own way.

Stripe expects amounts in the currency's minor unit (``core.money.to_minor_units``), which is
right for every currency Karavan supports today (UZS, KZT, RUB, CNY, USD... two decimals; KWD
and BHD three). The exceptions below are the whole of what Stripe documents as special
(stripe.com/docs/currencies, "Zero-decimal", "Three-decimal" and "Special cases"); keep them in
this one map so a new currency is one line and one test.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from core.money import Money, from_minor_units, minor_unit_digits, to_minor_units


@dataclass(frozen=True, slots=True)
class StripeCurrencyRule:
    """How Stripe writes amounts of one currency: ``exponent`` decimals in the integer, and steps.

    ``charge_step`` / ``payout_step``: charged (or transferred) integers must be multiples of it.
    """

    exponent: int
    charge_step: int = 1
    payout_step: int = 1


#: Currencies whose Stripe amounts differ from plain ISO minor units.
STRIPE_CURRENCY_EXCEPTIONS: dict[str, StripeCurrencyRule] = {
    # ISO says zero decimals; Stripe keeps ISK two-decimal for backwards compatibility and accepts
    # whole krónur only (the integer must be divisible by 100).
    "ISK": StripeCurrencyRule(exponent=2, charge_step=100, payout_step=100),
    # Two-decimal for charges, but payouts (and so transfers we pay out) in whole units only.
    "HUF": StripeCurrencyRule(exponent=2, payout_step=100),
    "TWD": StripeCurrencyRule(exponent=2, payout_step=100),
    # On Stripe's zero-decimal list: whole shillings, as ISO 4217 also says.
    "UGX": StripeCurrencyRule(exponent=0),
}


def stripe_rule(currency: str) -> StripeCurrencyRule:
    """The rule for ``currency``: an exception above, or ISO minor units; three-decimal currencies
    (KWD, BHD, JOD, OMR, TND) must end in 0, so they are charged to the nearest ten."""
    if currency in STRIPE_CURRENCY_EXCEPTIONS:
        return STRIPE_CURRENCY_EXCEPTIONS[currency]
    digits = minor_unit_digits(currency)
    if digits == 3:
        return StripeCurrencyRule(exponent=3, charge_step=10, payout_step=10)
    return StripeCurrencyRule(exponent=digits)


def _round_to_step(value: int, step: int) -> int:
    if step == 1:
        return value
    return int((Decimal(value) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * step


def to_stripe_amount(money: Money, *, payout: bool = False) -> int:
    """The integer Stripe expects for ``money`` (rounded half-up to the step Stripe accepts)."""
    code = money.currency.code
    rule = stripe_rule(code)
    if code in STRIPE_CURRENCY_EXCEPTIONS:
        value = int((money.amount * (Decimal(10) ** rule.exponent)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    else:
        value = to_minor_units(money)
    return _round_to_step(value, rule.payout_step if payout else rule.charge_step)


def from_stripe_amount(value: int, currency: str) -> Money:
    """A Stripe integer back to Money (``currency`` in any case, as Stripe sends it lower-case)."""
    code = currency.upper()
    rule = stripe_rule(code)
    if code in STRIPE_CURRENCY_EXCEPTIONS:
        digits = minor_unit_digits(code)
        amount = (Decimal(value) / (Decimal(10) ** rule.exponent)).quantize(Decimal(1).scaleb(-digits))
        return Money(amount, code)
    return from_minor_units(value, code)


def stripe_chargeable(money: Money) -> Money:
    """``money`` rounded to what Stripe can charge (12.345 KWD → 12.350 KWD; 5.50 ISK → 6 ISK)."""
    return from_stripe_amount(to_stripe_amount(money), money.currency.code)
