"""Livestream writes: schedule, start, end, pin a product, set live offers; claim and give back offer units.

Every step is a conditional update on the stream's status, so two staff clicking "start" and
"end" at once cannot leave it half-moved: the loser gets a 409 naming the current status. Steps
that viewers see are announced as live events, and followers are notified when a stream is
scheduled or starts, both once the transaction commits.

Offer units are claimed by the orders app (``live_offers_lock`` + ``live_offer_take``) inside the
transaction that reserves the order's stock, after the stock rows: cancellation and expiry release
stock and then offers in the same order, so the two never wait on each other in a cycle.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.api.fields import money_to_representation
from core.exceptions import ValidationFailed
from core.money import Money, minor_unit_digits
from marketplace.exceptions import LiveOfferInUse, LivePriceNotADiscount, LiveStreamStateConflict
from marketplace.live_events import live_event_publish
from marketplace.livestream_selectors import variant_of_seller_by_sku
from marketplace.models import (
    LANGUAGES,
    LiveOffer,
    LiveStream,
    LiveStreamPin,
    LiveStreamStatus,
    ProductStatus,
    ProductVariant,
)
from marketplace.services.price_history import variant_price_lowest
from sellers.models import Seller

STREAM_URL_SCHEMES = ("https", "http", "rtmps", "rtmp")
REPLAY_URL_SCHEMES = ("https", "http")
MAX_STREAM_HOURS = 24
MAX_OFFERS_PER_STREAM = 200
MAX_QUANTITY_CAP = 1_000_000
EDITABLE_FIELDS = ("title", "description", "host", "language", "stream_url", "scheduled_start", "scheduled_end")


def _url_errors(value: Any, *, field: str, schemes: tuple[str, ...]) -> dict[str, list[str]]:
    if not isinstance(value, str) or not value.strip():
        return {field: [_("Required.")]}
    if len(value) > 500 or any(character.isspace() for character in value.strip()):
        return {field: [_("At most 500 characters, without spaces.")]}
    parts = urlsplit(value.strip())
    if parts.scheme.lower() not in schemes or not parts.hostname:
        return {field: [_("A %(schemes)s link with a host.") % {"schemes": _(" or ").join(schemes)}]}
    return {}


def _stream_errors(fields: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name in ("title", "host"):
        if name in fields and (not isinstance(fields[name], str) or not fields[name].strip()):
            errors[name] = [_("Required.")]
    if "language" in fields and fields["language"] not in LANGUAGES:
        errors["language"] = [_("Use one of %(choices)s.") % {"choices": ", ".join(LANGUAGES)}]
    if "stream_url" in fields:
        errors.update(_url_errors(fields["stream_url"], field="stream_url", schemes=STREAM_URL_SCHEMES))
    start, end = fields.get("scheduled_start"), fields.get("scheduled_end")
    if isinstance(start, datetime) and isinstance(end, datetime):
        if end <= start:
            errors["scheduled_end"] = [_("Must be after scheduled_start.")]
        elif end - start > timedelta(hours=MAX_STREAM_HOURS):
            errors["scheduled_end"] = [_("A stream lasts at most %(hours)s hours.") % {"hours": MAX_STREAM_HOURS}]
    return errors


def _state_conflict(stream: LiveStream, action: str) -> LiveStreamStateConflict:
    stream.refresh_from_db(fields=["status"])
    # One sentence per action, so that a translation does not have to fit an English verb in.
    message = {
        "start": _("Cannot start a stream that is %(status)s."),
        "end": _("Cannot end a stream that is %(status)s."),
    }[action]
    return LiveStreamStateConflict(message % {"status": stream.status}, extra={"current_status": stream.status})


def stream_event_payload(stream: LiveStream) -> dict[str, Any]:
    until = stream.offers_valid_until()
    return {
        "status": stream.status,
        "started_at": stream.started_at.isoformat() if stream.started_at else None,
        "ended_at": stream.ended_at.isoformat() if stream.ended_at else None,
        "offers_valid_until": until.isoformat() if until else None,
        "replay_url": stream.replay_url,
    }


def offer_event_payload(offer: LiveOffer) -> dict[str, Any]:
    return {
        "offer": offer.pk,
        "sku": offer.variant.sku,
        "variant": offer.variant_id,
        "live_price": money_to_representation(offer.live_price),
        "quantity_cap": offer.quantity_cap,
        "sold": offer.sold,
        "remaining": offer.remaining,
    }


def _notify_followers(stream: LiveStream, kind: str) -> None:
    from marketplace.tasks import livestream_followers_notify_task

    stream_id = stream.pk
    transaction.on_commit(lambda: livestream_followers_notify_task.delay(stream_id, kind))


@transaction.atomic
def livestream_create(
    *, seller: Seller, user: Any, offers: list[dict[str, Any]] | None = None, at: datetime | None = None, **fields: Any
) -> LiveStream:
    """Schedule a stream (with its offers, if given); its followers hear about it."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(errors={name: [_("Not a stream field.")] for name in sorted(unknown)})
    errors = _stream_errors(fields)
    for name in ("title", "host", "language", "stream_url", "scheduled_start", "scheduled_end"):
        if fields.get(name) in (None, "") and name not in errors:
            errors[name] = [_("Required.")]
    if errors:
        raise ValidationFailed(errors=errors)
    stream = LiveStream.objects.create(
        seller=seller,
        created_by=user,
        title=fields["title"].strip(),
        description=fields.get("description") or "",
        host=fields["host"].strip(),
        language=fields["language"],
        stream_url=fields["stream_url"].strip(),
        scheduled_start=fields["scheduled_start"],
        scheduled_end=fields["scheduled_end"],
    )
    for index, offer in enumerate(offers or []):
        live_offer_set(stream=stream, field_prefix=f"offers.{index}.", at=at, **offer)
    _notify_followers(stream, "scheduled")
    return stream


def _locked(stream: LiveStream) -> LiveStream:
    return LiveStream.objects.select_for_update().get(pk=stream.pk)


@transaction.atomic
def livestream_update(*, stream: LiveStream, **fields: Any) -> LiveStream:
    """Change what viewers read; times only while scheduled, the replay link only once ended."""
    unknown = set(fields) - {*EDITABLE_FIELDS, "replay_url"}
    if unknown:
        raise ValidationFailed(errors={name: [_("Not a stream field.")] for name in sorted(unknown)})
    stream = _locked(stream)
    if stream.status != LiveStreamStatus.SCHEDULED and {"scheduled_start", "scheduled_end"} & set(fields):
        raise LiveStreamStateConflict(
            _("A stream that is %(status)s cannot be rescheduled.") % {"status": stream.status},
            extra={"current_status": stream.status},
        )
    if "replay_url" in fields and stream.status != LiveStreamStatus.ENDED:
        raise LiveStreamStateConflict(
            _("A replay link is added once the stream has ended."), extra={"current_status": stream.status}
        )
    merged = {"scheduled_start": stream.scheduled_start, "scheduled_end": stream.scheduled_end, **fields}
    errors = _stream_errors(merged)
    if fields.get("replay_url"):
        errors.update(_url_errors(fields["replay_url"], field="replay_url", schemes=REPLAY_URL_SCHEMES))
    if errors:
        raise ValidationFailed(errors=errors)
    for name, value in fields.items():
        setattr(stream, name, value.strip() if isinstance(value, str) else value)
    stream.save()
    if "replay_url" in fields:
        live_event_publish(stream_id=stream.pk, type="status", data=stream_event_payload(stream))
    return stream


@transaction.atomic
def livestream_start(*, stream: LiveStream, at: datetime | None = None) -> LiveStream:
    """Go live: offers become valid now; followers are told."""
    at = at or timezone.now()
    moved = LiveStream.objects.filter(pk=stream.pk, status=LiveStreamStatus.SCHEDULED).update(
        status=LiveStreamStatus.LIVE, started_at=at, updated_at=at
    )
    if not moved:
        raise _state_conflict(stream, "start")
    stream.refresh_from_db()
    live_event_publish(stream_id=stream.pk, type="status", data=stream_event_payload(stream))
    _notify_followers(stream, "started")
    return stream


@transaction.atomic
def livestream_end(
    *, stream: LiveStream, ended_by: str, replay_url: str = "", at: datetime | None = None
) -> LiveStream:
    """End a live stream; its offers stay valid for the grace period (``LIVE_OFFER_GRACE_MINUTES``)."""
    at = at or timezone.now()
    if replay_url:
        errors = _url_errors(replay_url, field="replay_url", schemes=REPLAY_URL_SCHEMES)
        if errors:
            raise ValidationFailed(errors=errors)
    moved = LiveStream.objects.filter(pk=stream.pk, status=LiveStreamStatus.LIVE).update(
        status=LiveStreamStatus.ENDED,
        ended_at=at,
        ended_by=ended_by[:200],
        replay_url=replay_url.strip(),
        updated_at=at,
    )
    if not moved:
        raise _state_conflict(stream, "end")
    stream.refresh_from_db()
    live_event_publish(stream_id=stream.pk, type="status", data=stream_event_payload(stream))
    return stream


def _sellable(variant: ProductVariant, field: str) -> None:
    if not variant.is_active or variant.product.status != ProductStatus.ACTIVE or variant.price is None:
        raise ValidationFailed(
            _("%(sku)s is not for sale (inactive, or its product is not active).") % {"sku": variant.sku},
            errors={field: [_("Not for sale: activate the product and the variant first.")]},
        )


@transaction.atomic
def livestream_pin(*, stream: LiveStream, sku: Any, user: Any = None, at: datetime | None = None) -> LiveStream:
    """Put one of the seller's own products on screen; the pin history keeps every pin."""
    at = at or timezone.now()
    stream = _locked(stream)
    if stream.status == LiveStreamStatus.ENDED:
        raise LiveStreamStateConflict(
            _("An ended stream cannot pin products."), extra={"current_status": stream.status}
        )
    variant = variant_of_seller_by_sku(seller=stream.seller, sku=sku)
    _sellable(variant, "sku")
    stream.pinned_variant = variant
    stream.save(update_fields=["pinned_variant", "updated_at"])
    LiveStreamPin.objects.create(stream=stream, variant=variant, pinned_at=at, pinned_by=user)
    offer = LiveOffer.objects.filter(stream=stream, variant=variant).first()
    live_event_publish(
        stream_id=stream.pk,
        type="pinned",
        data={
            "sku": variant.sku,
            "variant": variant.pk,
            "product": variant.product_id,
            "title": variant.product.title,
            "price": money_to_representation(variant.price),
            "live_price": money_to_representation(offer.live_price) if offer else None,
            "remaining": offer.remaining if offer else None,
            "pinned_at": at.isoformat(),
        },
    )
    return stream


def _price_errors(price: Any, seller: Seller, field: str) -> dict[str, list[str]]:
    if not isinstance(price, Money):
        return {field: [_("Required, as {amount, currency}.")]}
    if price.currency.code != seller.currency:
        return {field: [_("Live prices are in your currency, %(currency)s.") % {"currency": seller.currency}]}
    if price.amount <= 0:
        return {field: [_("Must be greater than 0.")]}
    exponent = price.amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > minor_unit_digits(seller.currency):
        return {
            field: [
                _("%(currency)s has %(digits)s decimal places.")
                % {"currency": seller.currency, "digits": minor_unit_digits(seller.currency)}
            ]
        }
    return {}


def _count_errors(value: Any, field: str, *, maximum: int) -> dict[str, list[str]]:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return {field: [_("A whole number of at least 1.")]}
    if value > maximum:
        return {field: [_("At most %(limit)s.") % {"limit": maximum}]}
    return {}


@transaction.atomic
def live_offer_set(
    *,
    stream: LiveStream,
    sku: Any,
    live_price: Any,
    quantity_cap: Any,
    per_buyer_limit: Any = 1,
    field_prefix: str = "",
    at: datetime | None = None,
) -> LiveOffer:
    """Create or change the stream's offer for ``sku`` (one per SKU).

    The live price must be below the lowest list price of the last 30 days (400 naming that
    price), so a "live discount" is a discount. A cap below what is already sold is a 409.
    """
    at = at or timezone.now()
    stream = _locked(stream)
    if stream.status == LiveStreamStatus.ENDED:
        raise LiveStreamStateConflict(
            _("An ended stream's offers are closed."), extra={"current_status": stream.status}
        )
    variant = variant_of_seller_by_sku(seller=stream.seller, sku=sku, field=f"{field_prefix}sku")
    _sellable(variant, f"{field_prefix}sku")
    errors = {
        **_price_errors(live_price, stream.seller, f"{field_prefix}live_price"),
        **_count_errors(quantity_cap, f"{field_prefix}quantity_cap", maximum=MAX_QUANTITY_CAP),
        **_count_errors(per_buyer_limit, f"{field_prefix}per_buyer_limit", maximum=MAX_QUANTITY_CAP),
    }
    if not errors and per_buyer_limit > quantity_cap:
        errors[f"{field_prefix}per_buyer_limit"] = [_("Cannot be above quantity_cap.")]
    if errors:
        raise ValidationFailed(errors=errors)
    lowest = variant_price_lowest(variant=variant, at=at)
    if lowest is not None and live_price.amount >= lowest.amount:
        shown = money_to_representation(lowest)
        shown_price = {**shown, "days": settings.LIVE_OFFER_PRICE_LOOKBACK_DAYS}
        raise LivePriceNotADiscount(
            _(
                "The live price must be below %(amount)s %(currency)s, the lowest price of "
                "%(sku)s in the last %(days)s days."
            )
            % {**shown_price, "sku": variant.sku},
            errors={
                f"{field_prefix}live_price": [
                    _("Must be below %(amount)s %(currency)s (lowest price of the last %(days)s days).") % shown_price
                ]
            },
            extra={"lowest_price": shown},
        )
    offer = LiveOffer.objects.select_for_update().filter(stream=stream, variant=variant).first()
    if offer is None:
        if LiveOffer.objects.filter(stream=stream).count() >= MAX_OFFERS_PER_STREAM:
            raise ValidationFailed(
                errors={
                    f"{field_prefix}sku": [_("At most %(limit)s offers per stream.") % {"limit": MAX_OFFERS_PER_STREAM}]
                }
            )
        offer = LiveOffer(stream=stream, variant=variant)
    elif quantity_cap < offer.sold:
        raise LiveOfferInUse(
            _("%(sold)s units are already sold; the cap cannot go below that.") % {"sold": offer.sold},
            errors={f"{field_prefix}quantity_cap": [_("At least %(sold)s (already sold).") % {"sold": offer.sold}]},
        )
    offer.live_price = live_price
    offer.quantity_cap = quantity_cap
    offer.per_buyer_limit = per_buyer_limit
    offer.save()
    live_event_publish(stream_id=stream.pk, type="offer", data=offer_event_payload(offer))
    return offer


@transaction.atomic
def live_offer_remove(*, offer: LiveOffer) -> None:
    offer = LiveOffer.objects.select_for_update().select_related("variant").get(pk=offer.pk)
    if offer.sold:
        raise LiveOfferInUse()
    stream_id = offer.stream_id
    payload = {**offer_event_payload(offer), "remaining": 0, "removed": True}
    offer.delete()
    live_event_publish(stream_id=stream_id, type="offer", data=payload)


# --- Claims (called by the orders app inside its placement, cancellation and expiry transactions).


def live_offers_lock(*, offer_ids: Iterable[int]) -> dict[int, LiveOffer]:
    """Lock the offers' rows in primary-key order (one order for every caller: no deadlock)."""
    ids = sorted(set(offer_ids))
    if not ids:
        return {}
    rows = LiveOffer.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return {offer.pk: offer for offer in rows.select_related("stream", "variant")}


def live_offer_take(*, offer: LiveOffer, quantity: int) -> bool:
    """Count ``quantity`` more units as sold if the cap allows; the conditional update is the guard."""
    taken = LiveOffer.objects.filter(pk=offer.pk, sold__lte=F("quantity_cap") - quantity).update(
        sold=F("sold") + quantity, updated_at=timezone.now()
    )
    return bool(taken)


def live_offer_give_back(*, offer_id: int, quantity: int) -> None:
    """Return units of a cancelled or expired order to the offer's cap (never below 0)."""
    LiveOffer.objects.filter(pk=offer_id, sold__gte=quantity).update(
        sold=F("sold") - quantity, updated_at=timezone.now()
    )


def live_offers_announce(*, offer_ids: Iterable[int]) -> None:
    """Publish the offers' remaining units once the transaction commits (read fresh then)."""
    ids = sorted(set(offer_ids))
    if not ids:
        return

    def announce() -> None:
        for offer in LiveOffer.objects.filter(pk__in=ids).select_related("variant"):
            live_event_publish(stream_id=offer.stream_id, type="offer", data=offer_event_payload(offer))

    transaction.on_commit(announce)
