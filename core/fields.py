"""Model fields shared by every app: one definition of a money column."""

from typing import Any

from djmoney.models.fields import MoneyField

from core.money import CURRENCY_CHOICES, MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS


def money_field(**kwargs: Any) -> MoneyField:
    """A django-money column sized for every supported currency, offering only those currencies.

    The choices come from ``core.money.SUPPORTED_CURRENCIES`` rather than from py-moneyed/babel,
    so a library upgrade never produces a migration.
    """
    return MoneyField(
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        default_currency=None,
        currency_choices=CURRENCY_CHOICES,
        **kwargs,
    )
