"""Prices in the buyer's currency: one conversion per currency pair, unit prices rounded once.

Every price shown or frozen goes through here so that the cart, the quote and the order agree to
the minor unit, and so that the rate (and the stored rate rows it came from) can be recorded.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from core.money import Money, money_round
from core.selectors import ExchangeRates, exchange_rates_at
from core.services import currency_convert


@dataclass(frozen=True, slots=True)
class Rate:
    source: str
    target: str
    rate: Decimal
    rate_ids: tuple[int, ...]

    def as_json(self) -> dict[str, object]:
        return {"rate": str(self.rate), "rate_ids": list(self.rate_ids)}


@dataclass
class Converter:
    """Converts into ``currency`` at the rates in force at ``at``, remembering each rate it used."""

    currency: str
    at: datetime | None = None
    rates: dict[str, Rate] = field(default_factory=dict)
    _table: ExchangeRates | None = field(default=None, repr=False)

    @property
    def table(self) -> ExchangeRates:
        """The stored rates in force at ``at``, read once for every conversion of this quote."""
        if self._table is None:
            self._table = exchange_rates_at(at=self.at)
        return self._table

    def rate_for(self, source: str, target: str | None = None) -> Rate:
        target = target or self.currency
        key = f"{source}→{target}"
        if key not in self.rates:
            conversion = currency_convert(Money(1, source), target, rates=self.table)
            self.rates[key] = Rate(source, target, conversion.rate, conversion.rate_ids)
        return self.rates[key]

    def exact(self, money: Money, target: str | None = None) -> Money:
        """Converted but not rounded (for sums that are rounded later, once)."""
        target = target or self.currency
        rate = self.rate_for(money.currency.code, target)
        return Money(money.amount * rate.rate, target)

    def rounded(self, money: Money, target: str | None = None) -> Money:
        return money_round(self.exact(money, target))

    def line_total(self, unit_price: Money, quantity: int) -> Money:
        """The unit price the buyer sees (converted, rounded) × quantity.

        A receipt must add up when the buyer checks it with a calculator: 2 × 4839.58 is 9679.16,
        even if the unrounded product would round to 9679.17.
        """
        unit = self.rounded(unit_price)
        return Money(unit.amount * quantity, unit.currency)

    def rates_json(self) -> dict[str, dict[str, object]]:
        return {key: rate.as_json() for key, rate in sorted(self.rates.items())}
