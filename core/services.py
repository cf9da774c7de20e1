"""Shared-kernel writes: exchange rates (seed, refresh) and the idempotent-request helper."""

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import requests
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import DomainError, IdempotencyKeyInProgress, IdempotencyKeyReused
from core.models import ExchangeRate, IdempotencyKey
from core.money import Money, currency_exists, money_round
from core.selectors import ExchangeRates, exchange_rate_table_forget, exchange_rates_at
from core.signals import exchange_rates_stored
from core.transactions import guarded_write

logger = logging.getLogger(__name__)

OFFLINE_SOURCE = "karavan-offline-seed"
# Indicative mid rates, 1 USD = x (November 2026 ballpark); used until a provider refresh runs.
OFFLINE_USD_RATES: dict[str, str] = {
    "USD": "1",
    "EUR": "0.92",
    "CNY": "7.20",
    "RUB": "92.00",
    "KZT": "505.00",
    "KGS": "87.00",
    "TJS": "10.90",
    "UZS": "12650.00",
    "INR": "84.00",
    "PKR": "280.00",
    "IRR": "42000.00",
    "BYN": "3.27",
    "MNT": "3400.00",
    "AMD": "390.00",
    "AZN": "1.70",
    "TRY": "34.50",
    "AED": "3.6725",
    "KWD": "0.307",
    "BHD": "0.376",
    "QAR": "3.64",
    "SAR": "3.75",
    "EGP": "49.00",
    "AFN": "70.00",
    "KHR": "4050.00",
    "LAK": "21700.00",
    "LKR": "300.00",
    "MMK": "2100.00",
    "MVR": "15.42",
    "NPR": "134.00",
}


class ExchangeRateMissing(DomainError):
    status_code = 422
    code = "exchange_rate_missing"
    default_detail = gettext_lazy("No exchange rate is known for this currency pair.")


@dataclass(frozen=True)
class Conversion:
    """A converted amount and the rate that produced it, so callers can record which one was used."""

    money: Money
    rate: Decimal
    rate_ids: tuple[int, ...]
    source: str


def exchange_rates_store(*, base: str, rates: dict[str, Decimal], source: str, effective_at: datetime) -> int:
    """Store one publication of rates; storing the same publication twice changes nothing."""
    rows = [
        ExchangeRate(base=base, quote=quote, rate=rate, effective_at=effective_at, source=source)
        for quote, rate in rates.items()
        if currency_exists(quote) and rate > 0
    ]
    ExchangeRate.objects.bulk_create(rows, ignore_conflicts=True)
    # bulk_create sends no signals: drop this process's rate table here (other processes see a new id).
    exchange_rate_table_forget()
    # Prices shown in other currencies depend on the rates: apps listen (after commit) to refresh them.
    currencies = sorted(row.quote for row in rows)
    transaction.on_commit(
        lambda: exchange_rates_stored.send(
            sender=ExchangeRate, base=base, effective_at=effective_at, source=source, currencies=currencies
        )
    )
    return len(rows)


def exchange_rates_seed_offline() -> int:
    """Seed the offline rates (idempotent: one publication at a fixed time)."""
    effective_at = datetime(2026, 1, 1, tzinfo=UTC)
    rates = {code: Decimal(value) for code, value in OFFLINE_USD_RATES.items()}
    return exchange_rates_store(base="USD", rates=rates, source=OFFLINE_SOURCE, effective_at=effective_at)


def exchange_rates_refresh(*, url: str | None = None) -> int:
    """Fetch ``{"base": "USD", "rates": {...}, "timestamp"?: int}`` from the provider and store it."""
    url = url or settings.EXCHANGE_RATE_PROVIDER_URL
    if not url:
        logger.info("No EXCHANGE_RATE_PROVIDER_URL configured; keeping the stored rates.")
        return 0
    response = requests.get(url, timeout=settings.EXCHANGE_RATE_PROVIDER_TIMEOUT)
    response.raise_for_status()
    payload = response.json()
    base = payload.get("base", "USD")
    if not currency_exists(base):
        raise ValueError(f"Provider returned an unknown base currency {base!r}")
    rates: dict[str, Decimal] = {}
    for code, value in (payload.get("rates") or {}).items():
        try:
            # The provider may send JSON numbers; str() keeps the digits it sent.
            rates[code] = Decimal(str(value))
        except InvalidOperation:
            logger.warning("Skipping rate %s=%r from the provider", code, value)
    timestamp = payload.get("timestamp")
    effective_at = (
        datetime.fromtimestamp(int(timestamp), tz=UTC) if timestamp else timezone.now().replace(microsecond=0)
    )
    return exchange_rates_store(base=base, rates=rates, source=url[:200], effective_at=effective_at)


def currency_convert(
    money: Money, to_currency: str, *, at: datetime | None = None, rates: ExchangeRates | None = None
) -> Conversion:
    """Convert at the latest rate effective at ``at`` (direct, inverse, or through USD).

    The result is rounded to the target currency's minor unit; ``rate`` is the effective
    multiplier used, and ``rate_ids`` the stored rows it came from. Rates come from the
    per-process table of ``core.selectors`` (the one the planner uses too); a caller converting
    many amounts at one time passes ``rates=exchange_rates_at(at=...)`` once (then ``at`` is its).
    """
    source_currency = money.currency.code
    if source_currency == to_currency:
        return Conversion(money_round(money), Decimal(1), (), "identity")
    if not currency_exists(to_currency):
        raise ExchangeRateMissing(
            _("Unknown currency %(code)s.") % {"code": repr(to_currency)}, code="unknown_currency"
        )
    rates = rates or exchange_rates_at(at=at or timezone.now())
    resolved = rates.resolve(source_currency, to_currency)
    if resolved is None:
        raise ExchangeRateMissing(
            _("No exchange rate from %(source)s to %(target)s.") % {"source": source_currency, "target": to_currency}
        )
    converted = money_round(Money(money.amount * resolved.rate, to_currency))
    return Conversion(converted, resolved.rate, resolved.ids, resolved.source)


def _fingerprint(body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class IdempotentOutcome:
    status: int
    body: Any
    replayed: bool


def _idempotency_claim(
    *, user_id: int | None, scope: str, key: str, fingerprint: str
) -> IdempotencyKey | IdempotentOutcome:
    """Claim the key in its own short transaction: the new claim, or what a retry answers instead.

    The claim is a unique row whose response is still empty ("in progress"); it is committed
    before the handler starts, so it never joins (nor lengthens) the handler's transaction and its
    row locks. A claim older than ``IDEMPOTENCY_CLAIM_SECONDS`` without a response belongs to a
    request that died: the next retry takes it over (a conditional update, so only one does).
    """
    try:
        return guarded_write(
            lambda: IdempotencyKey.objects.create(
                user_id=user_id, scope=scope, key=key, request_fingerprint=fingerprint
            )
        )
    except IntegrityError:
        existing = IdempotencyKey.objects.filter(user=user_id, scope=scope, key=key).first()
    if existing is None:  # the claim was given up (its request failed) in between: claim it again
        return _idempotency_claim(user_id=user_id, scope=scope, key=key, fingerprint=fingerprint)
    if existing.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    if existing.response_status is not None:
        return IdempotentOutcome(existing.response_status, existing.response_body, replayed=True)
    now = timezone.now()
    expired_before = now - timedelta(seconds=settings.IDEMPOTENCY_CLAIM_SECONDS)
    if existing.created_at >= expired_before:
        raise IdempotencyKeyInProgress()
    taken = IdempotencyKey.objects.filter(
        pk=existing.pk, response_status__isnull=True, created_at=existing.created_at
    ).update(created_at=now)
    if taken != 1:
        raise IdempotencyKeyInProgress()
    existing.created_at = now
    return existing


def idempotent_call(
    *,
    user_id: int | None,
    scope: str,
    key: str | None,
    body: Any,
    handler: Callable[[], tuple[int, Any]],
    atomic: bool = True,
) -> IdempotentOutcome:
    """Run ``handler`` at most once per (user, scope, key); replay its first response afterwards.

    Three short steps, none holding another's locks: claim the key (committed at once), run the
    handler (in a transaction of its own when ``atomic``; pass ``atomic=False`` when the handler
    commits its own writes, as order placement does, so that reading back and rendering the
    response happen after its row locks are released), store the response. A retry while the
    first request runs answers 409 ``idempotency_key_in_progress``; once it is done, its response.
    If the handler raises, the claim is given up and a retry runs afresh. A process that dies
    mid-request leaves a claim that a retry takes over after ``IDEMPOTENCY_CLAIM_SECONDS``.
    """
    if not key:
        status, response_body = handler()
        return IdempotentOutcome(status, response_body, replayed=False)
    if len(key) > 255:
        raise DomainError(_("Idempotency-Key must be at most 255 characters."), code="invalid_idempotency_key")
    claimed = _idempotency_claim(user_id=user_id, scope=scope, key=key, fingerprint=_fingerprint(body))
    if isinstance(claimed, IdempotentOutcome):
        return claimed
    try:
        if atomic:
            with transaction.atomic():
                status, response_body = handler()
        else:
            status, response_body = handler()
    except BaseException:
        IdempotencyKey.objects.filter(pk=claimed.pk, response_status__isnull=True).delete()
        raise
    stored = json.loads(json.dumps(response_body, default=str))
    IdempotencyKey.objects.filter(pk=claimed.pk).update(response_status=status, response_body=stored)
    return IdempotentOutcome(status, response_body, replayed=False)
