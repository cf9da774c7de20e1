"""Test helpers for livestreams: a stream of a seller, started or not, with a live offer on a variant."""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone
from djmoney.money import Money

from marketplace.models import LiveOffer, LiveStream, LiveStreamStatus


def stream_for(
    *, seller: Any, status: str = LiveStreamStatus.LIVE, at: datetime | None = None, **fields: Any
) -> LiveStream:
    """A stream of ``seller``; ``live`` streams started at ``at`` (now by default), ``ended`` ones ended then."""
    at = at or timezone.now()
    defaults: dict[str, Any] = {
        "title": "Kashgar dried apricots, live from the market",
        "host": "Aziza",
        "language": "ru",
        "stream_url": "https://live.example.com/hls/kashgar.m3u8",
        "scheduled_start": at,
        "scheduled_end": at + timedelta(hours=2),
        "status": status,
    }
    if status in (LiveStreamStatus.LIVE, LiveStreamStatus.ENDED):
        defaults["started_at"] = at
    if status == LiveStreamStatus.ENDED:
        defaults["ended_at"] = at
    defaults.update(fields)
    return LiveStream.objects.create(seller=seller, **defaults)


def offer_for(
    *, stream: LiveStream, variant: Any, price: str = "50.00", cap: int = 25, per_buyer: int = 5, sold: int = 0
) -> LiveOffer:
    """An offer written directly (tests of buying; the seller API's price rule is tested on its own)."""
    return LiveOffer.objects.create(
        stream=stream,
        variant=variant,
        live_price=Money(Decimal(price), variant.price.currency),
        quantity_cap=cap,
        per_buyer_limit=per_buyer,
        sold=sold,
    )
