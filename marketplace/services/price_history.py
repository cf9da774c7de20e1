"""Price history: record each new list price of a variant, and find its lowest price over a window."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from core.money import Money
from marketplace.models import ProductVariant, VariantPriceChange


def variant_prices_record(*, variants: Iterable[ProductVariant], at: datetime | None = None) -> int:
    """Write a history row for each variant whose price differs from its last recorded one.

    Called for every write path (a ``post_save`` receiver for single saves, the CSV importer after
    its bulk writes); one query for the last known prices and one bulk insert, whatever the count.
    Returns how many rows were written.
    """
    at = at or timezone.now()
    priced = {variant.pk: variant for variant in variants if variant.pk and variant.price is not None}
    if not priced:
        return 0
    last: dict[int, tuple[object, str]] = {}
    rows = (
        VariantPriceChange.objects.filter(variant_id__in=list(priced))
        .order_by("variant_id", "-effective_at", "-pk")
        .values_list("variant_id", "price", "price_currency")
    )
    for variant_id, amount, currency in rows:
        last.setdefault(variant_id, (amount, currency))
    changes = [
        VariantPriceChange(variant_id=pk, price=variant.price, effective_at=at)
        for pk, variant in priced.items()
        if last.get(pk) != (variant.price.amount, variant.price.currency.code)
    ]
    VariantPriceChange.objects.bulk_create(changes)
    return len(changes)


def variant_price_lowest(
    *, variant: ProductVariant, at: datetime | None = None, days: int | None = None
) -> Money | None:
    """The lowest list price ``variant`` had at any moment of the last ``days`` days (its current one included).

    A price set before the window still counts when it was in force at the window's start.
    Prices in another currency than the current one (a seller who changed currency) are ignored.
    """
    at = at or timezone.now()
    days = settings.LIVE_OFFER_PRICE_LOOKBACK_DAYS if days is None else days
    if variant.price is None:
        return None
    currency = variant.price.currency.code
    since = at - timedelta(days=days)
    history = VariantPriceChange.objects.filter(variant=variant, price_currency=currency, effective_at__lte=at)
    amounts = [variant.price.amount]
    in_window = history.filter(effective_at__gte=since).aggregate(low=Min("price"))["low"]
    if in_window is not None:
        amounts.append(in_window)
    in_force_at_start = history.filter(effective_at__lt=since).order_by("-effective_at", "-pk").first()
    if in_force_at_start is not None:
        amounts.append(in_force_at_start.price.amount)
    return Money(min(amounts), currency)
