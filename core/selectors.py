"""Shared-kernel reads: the SCO countries served, and the exchange-rate table (cached per process)."""

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import F, Max, Min, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from core.models import ExchangeRate
from core.money import SUPPORTED_CURRENCIES
from core.reference import Country, countries_in_force
from core.request_memo import request_memo, request_memo_forget


def country_list_served(*, on: date | None = None) -> list[Country]:
    """SCO members and partners in force on the day (today by default), members first."""
    on = on or timezone.localdate()
    countries = countries_in_force(on)
    return sorted(countries, key=lambda country: (country.role_on(on) != "member", country.name))


# --- Exchange rates ---------------------------------------------------------------------------
#
# Every conversion in Karavan (checkout, orders, the fulfilment planner) reads the one stored table
# of rates through here, so one quote never mixes two rate sets. The table of the latest rate of
# every pair is read in one query and kept per process; it is rebuilt when
# - a newer publication is stored: the fingerprint is the highest ExchangeRate id (one index read);
#   ``exchange_rates_store`` and saves or deletes of a row also drop this process's copy at once;
# - the time asked for reaches the next stored ``effective_at`` (a publication dated ahead);
# - it is older than ``RATE_TABLE_MAX_SECONDS``, a bound on what the id cannot see (a publication
#   committed after one with a higher id, a row deleted in another process).
# A conversion at a time before the table's newest ``effective_at`` (history) reads the rows
# directly, with the same rule, so results never depend on whether the table was cached.

RATE_TABLE_MAX_SECONDS = 300


@dataclass(frozen=True, slots=True)
class StoredRate:
    """One stored row: 1 ``base`` = ``rate`` ``quote`` from ``effective_at`` on, published by ``source``."""

    id: int
    base: str
    quote: str
    rate: Decimal
    effective_at: datetime
    source: str


@dataclass(frozen=True, slots=True)
class ResolvedRate:
    """1 unit of one currency = ``rate`` units of another, and the stored rows it came from."""

    rate: Decimal
    rows: tuple[StoredRate, ...]
    source: str

    @property
    def ids(self) -> tuple[int, ...]:
        return tuple(row.id for row in self.rows)

    @property
    def effective_at(self) -> datetime | None:
        """When the oldest row used was published (None for the identity)."""
        return min((row.effective_at for row in self.rows), default=None)


RateLookup = Callable[[str, str], StoredRate | None]


def rate_resolve(source_currency: str, to_currency: str, lookup: RateLookup) -> ResolvedRate | None:
    """The rule every conversion follows: the direct pair, else its inverse, else both legs through USD."""
    if source_currency == to_currency:
        return ResolvedRate(Decimal(1), (), "identity")
    direct = lookup(source_currency, to_currency)
    if direct:
        return ResolvedRate(direct.rate, (direct,), direct.source)
    inverse = lookup(to_currency, source_currency)
    if inverse:
        return ResolvedRate(Decimal(1) / inverse.rate, (inverse,), inverse.source)
    from_usd = lookup("USD", source_currency)
    to_usd = lookup("USD", to_currency)
    if from_usd and to_usd:
        return ResolvedRate(to_usd.rate / from_usd.rate, (from_usd, to_usd), to_usd.source)
    return None


def _stored(row: ExchangeRate) -> StoredRate:
    return StoredRate(row.pk, row.base, row.quote, row.rate, row.effective_at, row.source)


def exchange_rate_latest(base: str, quote: str, *, at: datetime) -> StoredRate | None:
    """The row of one pair in force at ``at`` (one query; for conversions in the past)."""
    row = (
        ExchangeRate.objects.filter(base=base, quote=quote, effective_at__lte=at)
        .order_by("-effective_at", "-id")
        .first()
    )
    return _stored(row) if row else None


@dataclass(frozen=True)
class ExchangeRateTable:
    """The latest row of every pair in force from ``valid_from`` until ``valid_until`` (None: open)."""

    rows: Mapping[tuple[str, str], StoredRate]
    valid_from: datetime | None
    valid_until: datetime | None

    def covers(self, at: datetime) -> bool:
        """True when the rows in force at ``at`` are exactly this table's (no row starts in between)."""
        after_start = self.valid_from is None or self.valid_from <= at
        return after_start and (self.valid_until is None or at < self.valid_until)

    def lookup(self, base: str, quote: str) -> StoredRate | None:
        return self.rows.get((base, quote))

    def resolve(self, source_currency: str, to_currency: str) -> ResolvedRate | None:
        return rate_resolve(source_currency, to_currency, self.lookup)


def _table_build(at: datetime) -> ExchangeRateTable:
    """Read the latest row of every pair in force at ``at`` (one query) and when the next one starts."""
    latest = (
        ExchangeRate.objects.filter(effective_at__lte=at)
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("base"), F("quote")],
                order_by=[F("effective_at").desc(), F("id").desc()],
            )
        )
        .filter(position=1)
    )
    rows = {(row.base, row.quote): _stored(row) for row in latest}
    valid_from = max((row.effective_at for row in rows.values()), default=None)
    valid_until = ExchangeRate.objects.filter(effective_at__gt=at).aggregate(next=Min("effective_at"))["next"]
    return ExchangeRateTable(rows=rows, valid_from=valid_from, valid_until=valid_until)


@dataclass(frozen=True, slots=True)
class _CachedTable:
    table: ExchangeRateTable
    fingerprint: int | None
    built: float


_table_lock = threading.Lock()
_table_cache: list[_CachedTable] = []  # at most one: this process's table


RATE_FINGERPRINT_MEMO = "core.exchange_rate_fingerprint"


def _fingerprint() -> int | None:
    """The newest rate row's id: checked once per request (``core.request_memo``), per call elsewhere."""
    return request_memo(
        RATE_FINGERPRINT_MEMO,
        lambda: ExchangeRate.objects.aggregate(latest=Max("id"))["latest"],
    )


def exchange_rate_table_forget() -> None:
    """Drop this process's table (a rate was stored, changed or deleted here)."""
    request_memo_forget(RATE_FINGERPRINT_MEMO)
    with _table_lock:
        _table_cache.clear()


def exchange_rate_table(*, at: datetime | None = None) -> ExchangeRateTable | None:
    """The cached table if it holds the rates in force at ``at`` (now by default), rebuilt when stale.

    None when ``at`` lies before the cached table's newest row (a conversion in the past): the
    caller then reads the rows it needs with ``exchange_rate_latest``.
    """
    at = at or timezone.now()
    fingerprint = _fingerprint()
    with _table_lock:
        cached = _table_cache[0] if _table_cache else None
    if (
        cached is not None
        and cached.fingerprint == fingerprint
        and time.monotonic() - cached.built < RATE_TABLE_MAX_SECONDS
    ):
        if cached.table.covers(at):
            return cached.table
        if cached.table.valid_from is not None and at < cached.table.valid_from:
            return None
    table = _table_build(at)
    with _table_lock:
        _table_cache[:] = [_CachedTable(table, fingerprint, time.monotonic())]
    return table


# --- Stale rates ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StaleRate:
    """A currency whose rate to USD was published longer ago than ``EXCHANGE_RATE_MAX_AGE_HOURS``."""

    currency: str
    effective_at: datetime
    source: str
    age: timedelta

    @property
    def age_hours(self) -> int:
        return int(self.age.total_seconds() // 3600)

    def as_json(self) -> dict[str, object]:
        return {
            "currency": self.currency,
            "effective_at": self.effective_at.isoformat(),
            "age_hours": self.age_hours,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class RateFreshness:
    """Which currencies' rates are too old, and which have none at all."""

    max_age: timedelta
    stale: tuple[StaleRate, ...]
    missing: tuple[str, ...]

    @property
    def is_fresh(self) -> bool:
        return not self.stale and not self.missing


def exchange_rate_max_age() -> timedelta:
    return timedelta(hours=float(settings.EXCHANGE_RATE_MAX_AGE_HOURS))


@dataclass(frozen=True, slots=True)
class ExchangeRates:
    """The rates in force at ``at``: read through one fingerprint check, then from memory.

    What one quote should hold on to, so the planner's rates, the conversions and the staleness
    notes all come from the same rows.
    """

    at: datetime
    lookup: RateLookup

    def resolve(self, source_currency: str, to_currency: str) -> ResolvedRate | None:
        return rate_resolve(source_currency, to_currency, self.lookup)

    def usd_per_currency(self) -> dict[str, Decimal]:
        """USD for one unit of every supported currency that has a rate (the planner's table)."""
        rates: dict[str, Decimal] = {}
        for code in SUPPORTED_CURRENCIES:
            resolved = self.resolve(code, "USD")
            if resolved is not None:
                rates[code] = resolved.rate
        return rates

    def freshness(self, currencies: Iterable[str] | None = None) -> RateFreshness:
        """How old the rate to USD of each currency (every supported one by default) is at ``at``.

        A currency converted through a pair of rows is as old as the older one. USD is never stale.
        """
        max_age = exchange_rate_max_age()
        codes = sorted({code.upper() for code in (SUPPORTED_CURRENCIES if currencies is None else currencies)})
        stale: list[StaleRate] = []
        missing: list[str] = []
        for code in codes:
            if code == "USD":
                continue
            resolved = self.resolve(code, "USD")
            if resolved is None:
                missing.append(code)
                continue
            oldest = min(resolved.rows, key=lambda row: row.effective_at)
            age = self.at - oldest.effective_at
            if age > max_age:
                stale.append(StaleRate(code, oldest.effective_at, oldest.source, age))
        return RateFreshness(max_age=max_age, stale=tuple(stale), missing=tuple(missing))


def exchange_rates_at(*, at: datetime | None = None) -> ExchangeRates:
    """The rates in force at ``at`` (now by default): the cached table, or one query per pair for the past."""
    at = at or timezone.now()
    table = exchange_rate_table(at=at)
    if table is not None:
        return ExchangeRates(at, table.lookup)
    return ExchangeRates(at, lambda base, quote: exchange_rate_latest(base, quote, at=at))


def exchange_rate_resolve(source_currency: str, to_currency: str, *, at: datetime | None = None) -> ResolvedRate | None:
    """The rate from one currency to another in force at ``at``, by the one rule (``rate_resolve``)."""
    return exchange_rates_at(at=at).resolve(source_currency, to_currency)


def exchange_rates_usd(*, at: datetime | None = None) -> dict[str, Decimal]:
    """USD for one unit of every supported currency with a stored rate in force at ``at``."""
    return exchange_rates_at(at=at).usd_per_currency()


def exchange_rates_freshness(*, currencies: Iterable[str] | None = None, at: datetime | None = None) -> RateFreshness:
    """``ExchangeRates.freshness`` at ``at`` (now by default)."""
    return exchange_rates_at(at=at).freshness(currencies)


def _age_text(age: timedelta) -> str:
    hours = int(age.total_seconds() // 3600)
    if hours < 48:
        return f"{hours} hours"
    return f"{hours // 24} days"


def _and_join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def stale_rate_reasons(stale: Iterable[StaleRate]) -> list[str]:
    """Reasons a person can read: "exchange rates for EUR and KZT are 12 days old (ecb, 2026-11-19)".

    Currencies from the same publication share one sentence.
    """
    groups: dict[tuple[datetime, str], list[StaleRate]] = {}
    for item in stale:
        groups.setdefault((item.effective_at, item.source), []).append(item)
    reasons = []
    for (effective_at, source), items in sorted(groups.items(), key=lambda group: (group[0][0], group[0][1])):
        currencies = sorted(item.currency for item in items)
        reasons.append(
            f"exchange rates for {_and_join(currencies)} are {_age_text(max(item.age for item in items))} old "
            f"({source}, {effective_at:%Y-%m-%d})"
        )
    return reasons
