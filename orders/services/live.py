"""Buying live: the price a cart line from a stream gets, and the offer units an order claims and gives back.

A line carries the stream it was added from (``livestream``). It gets the live price while the
offer is valid (from the stream's start until the grace period after its end), the whole line
fits in what is left of the cap, and the buyer stays within the per-buyer limit across all their
orders; otherwise it gets the list price, and ``LivePricing.message`` tells the buyer why.

Time decides quietly (before the start or after the grace period the list price simply applies),
quantity does not: when a line priced live finds the cap sold out or the limit reached as the order
is placed, the order is refused with a 409 naming the variant (nothing is written), so a buyer
who tapped "buy" at the live price is never charged the list price without being asked.

The claim happens in ``order_place``'s transaction right after the stock reservation, under the
offer rows' locks (taken in primary-key order after the stock rows, as cancellation and expiry do):
neither the cap nor the stock can be oversold, and a refused claim rolls the reservation back.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.api.fields import money_to_representation
from core.exceptions import Conflict, ValidationFailed
from core.money import Money
from marketplace.exceptions import LiveOfferLimitReached, LiveOfferSoldOut
from marketplace.models import LiveOffer, LiveStream, ProductVariant
from marketplace.services.livestreams import (
    live_offer_give_back,
    live_offer_take,
    live_offers_announce,
    live_offers_lock,
)
from orders.models import Order, OrderLine

LIVE = "live"
NOT_STARTED = "not_started"
ENDED = "ended"
NO_OFFER = "no_offer"
SOLD_OUT = "sold_out"
LIMIT_REACHED = "limit_reached"
# Statuses in which an order is refused rather than quietly priced at the list price.
REFUSED_AT_PLACEMENT = (SOLD_OUT, LIMIT_REACHED)


@dataclass(frozen=True)
class LivePricing:
    status: str
    message: str
    offer: LiveOffer | None = None

    @property
    def applies(self) -> bool:
        return self.status == LIVE

    @property
    def price(self) -> Money | None:
        return self.offer.live_price if self.offer is not None and self.applies else None

    def rendering(self) -> dict[str, Any]:
        offer = self.offer
        until = offer.stream.offers_valid_until() if offer is not None else None
        return {
            "status": self.status,
            "message": self.message,
            "offer": offer.pk if offer else None,
            "live_price": money_to_representation(offer.live_price) if offer else None,
            "remaining": offer.remaining if offer else None,
            "per_buyer_limit": offer.per_buyer_limit if offer else None,
            "valid_until": until,
        }


def live_units_bought(*, offer_id: int, user: Any) -> int:
    """Units of the offer the buyer holds in orders not cancelled or expired (the per-buyer limit counts these)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    total = OrderLine.objects.filter(
        live_offer_id=offer_id, order__buyer=user, live_released_at__isnull=True
    ).aggregate(total=Sum("quantity"))["total"]
    return int(total or 0)


def live_line_pricing(
    *, variant: ProductVariant, livestream_id: int | None, user: Any, quantity: int, at: datetime | None = None
) -> LivePricing | None:
    """How a line from stream ``livestream_id`` is priced at ``at``; None for a line not from a stream."""
    if not livestream_id:
        return None
    at = at or timezone.now()
    offer = LiveOffer.objects.select_related("stream").filter(stream_id=livestream_id, variant=variant).first()
    if offer is None:
        return LivePricing(NO_OFFER, "This stream has no live price for this item; the list price applies.")
    stream = offer.stream
    if not stream.offers_valid_at(at):
        if stream.started_at is None or at < stream.started_at:
            return LivePricing(
                NOT_STARTED,
                _("The live price starts when the stream goes live; until then the list price applies."),
                offer,
            )
        until = stream.offers_valid_until()
        return LivePricing(
            ENDED,
            _("The live offer ended at %(until)s UTC; the list price applies.") % {"until": f"{until:%Y-%m-%d %H:%M}"},
            offer,
        )
    if offer.remaining < quantity:
        left = _("only %(remaining)s left") % {"remaining": offer.remaining} if offer.remaining else _("sold out")
        return LivePricing(
            SOLD_OUT,
            _(
                "The live offer is %(left)s. Lower the quantity, or remove the line and add it again without "
                "the stream to buy at the list price."
            )
            % {"left": left},
            offer,
        )
    bought = live_units_bought(offer_id=offer.pk, user=user)
    if bought + quantity > offer.per_buyer_limit:
        return LivePricing(
            LIMIT_REACHED,
            _("At most %(limit)s per buyer at the live price (you hold %(bought)s already).")
            % {"limit": offer.per_buyer_limit, "bought": bought},
            offer,
        )
    return LivePricing(LIVE, _("Live price."), offer)


def live_cart_line_check(*, variant: ProductVariant, livestream_id: int, user: Any, quantity: int) -> None:
    """A line added from a stream must name a stream of the variant's seller, and respect the per-buyer limit."""
    stream = LiveStream.objects.filter(pk=livestream_id, seller_id=variant.seller_id).first()
    if stream is None:
        raise ValidationFailed(
            _("No such live stream for this product."),
            errors={"livestream": [_("No such live stream for this product.")]},
        )
    pricing = live_line_pricing(variant=variant, livestream_id=livestream_id, user=user, quantity=quantity)
    if pricing is not None and pricing.status == LIMIT_REACHED and pricing.offer is not None:
        bought = live_units_bought(offer_id=pricing.offer.pk, user=user)
        raise ValidationFailed(
            pricing.message,
            errors={
                "quantity": [
                    _("At most %(more)s more at the live price.")
                    % {"more": max(pricing.offer.per_buyer_limit - bought, 0)}
                ]
            },
        )


def live_lines_check(*, lines: list[Any]) -> None:
    """Refuse an order whose live lines cannot get their live price for want of units (409 naming them).

    Checked before any lock is taken, so a flash sale's late comers are turned away cheaply; the
    claim under the locks catches those who lose the race after this check.
    """
    blocked = [line for line in lines if line.live_status in REFUSED_AT_PLACEMENT]
    if blocked:
        error = LiveOfferSoldOut if blocked[0].live_status == SOLD_OUT else LiveOfferLimitReached
        raise error(blocked[0].live_message, errors={str(line.variant.pk): [line.live_message] for line in blocked})


def live_offers_claim(*, order: Order, lines: list[Any], buyer: Any) -> None:
    """Claim the live lines' units from their offers' caps, in the placement transaction (see the module)."""
    claims = [line for line in lines if line.live_offer is not None]
    if not claims:
        return
    offers = live_offers_lock(offer_ids=[line.live_offer.pk for line in claims])
    for line in sorted(claims, key=lambda claim: claim.live_offer.pk):
        offer = offers[line.live_offer.pk]
        if offer.live_price != line.unit_price_seller:
            raise Conflict(
                _("The live price changed while the order was being placed; please try again."),
                code="live_price_changed",
                errors={str(line.variant.pk): [_("Now %(price)s.") % {"price": offer.live_price}]},
            )
        bought = live_units_bought(offer_id=offer.pk, user=buyer)
        if bought + line.quantity > offer.per_buyer_limit:
            message = _("At most %(limit)s per buyer at the live price (you hold %(bought)s already).") % {
                "limit": offer.per_buyer_limit,
                "bought": bought,
            }
            raise LiveOfferLimitReached(message, errors={str(line.variant.pk): [message]})
        if not live_offer_take(offer=offer, quantity=line.quantity):
            message = _("The live offer for %(sku)s has only %(remaining)s left.") % {
                "sku": line.variant.sku,
                "remaining": offer.remaining,
            }
            raise LiveOfferSoldOut(
                message, errors={str(line.variant.pk): [message]}, extra={"remaining": offer.remaining}
            )
        OrderLine.objects.filter(order=order, variant=line.variant).update(live_offer=offer)
    live_offers_announce(offer_ids=offers)


def live_offers_release(*, order: Any) -> None:
    """Give a cancelled or expired order's live units back to their offers' caps (once, whoever calls twice)."""
    lines = list(
        OrderLine.objects.filter(order=order, live_offer__isnull=False, live_released_at__isnull=True).values_list(
            "pk", "live_offer_id", "quantity"
        )
    )
    if not lines:
        return
    live_offers_lock(offer_ids=[offer_id for _pk, offer_id, _quantity in lines])
    now = timezone.now()
    for pk, offer_id, quantity in lines:
        if OrderLine.objects.filter(pk=pk, live_released_at__isnull=True).update(live_released_at=now):
            live_offer_give_back(offer_id=offer_id, quantity=quantity)
    live_offers_announce(offer_ids=[offer_id for _pk, offer_id, _quantity in lines])
