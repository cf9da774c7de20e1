"""Livestream reads on behalf of someone: a seller sees only its own streams, anyone the public ones."""

from typing import Any

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.utils.translation import gettext as _

from core.exceptions import NotFound, ValidationFailed
from marketplace.models import LiveOffer, LiveStream, LiveStreamPin, LiveStreamStatus, ProductVariant
from sellers.models import Seller


def _with_offers(queryset: QuerySet[LiveStream]) -> QuerySet[LiveStream]:
    return queryset.select_related("seller", "pinned_variant", "pinned_variant__product").prefetch_related(
        Prefetch("offers", queryset=LiveOffer.objects.select_related("variant", "variant__product").order_by("pk"))
    )


def livestream_list_for_seller(*, seller: Seller) -> QuerySet[LiveStream]:
    return _with_offers(LiveStream.objects.filter(seller=seller)).order_by("-scheduled_start", "-pk")


def livestream_get_for_seller(*, seller: Seller, stream_id: Any) -> LiveStream:
    """One own stream; another seller's is "not found", never "forbidden"."""
    stream = (
        livestream_list_for_seller(seller=seller).filter(pk=stream_id).first() if str(stream_id).isdigit() else None
    )
    if stream is None:
        raise NotFound(_("No such live stream."), code="livestream_not_found")
    return stream


def livestream_list_public(*, status: str | None = None) -> QuerySet[LiveStream]:
    """Streams anyone may see: live ones first, then the next scheduled, then the latest ended."""
    queryset = LiveStream.objects.all()
    if status:
        if status not in LiveStreamStatus.values:
            raise ValidationFailed(
                errors={"status": [_("Use one of %(choices)s.") % {"choices": ", ".join(LiveStreamStatus.values)}]}
            )
        queryset = queryset.filter(status=status)
    rank = Case(
        When(status=LiveStreamStatus.LIVE, then=Value(0)),
        When(status=LiveStreamStatus.SCHEDULED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    if status == LiveStreamStatus.SCHEDULED:
        order = ["scheduled_start", "pk"]
    elif status == LiveStreamStatus.ENDED:
        order = ["-ended_at", "-pk"]
    else:
        order = [rank.asc(), "-started_at", "scheduled_start", "-pk"]  # type: ignore[list-item]
    return _with_offers(queryset).order_by(*order)


def livestream_get_public(*, stream_id: Any) -> LiveStream:
    stream = livestream_list_public().filter(pk=stream_id).first() if str(stream_id).isdigit() else None
    if stream is None:
        raise NotFound(_("No such live stream."), code="livestream_not_found")
    return stream


def livestream_exists_public(*, stream_id: int) -> bool:
    return LiveStream.objects.filter(pk=stream_id).exists()


def livestream_pins(*, stream: LiveStream) -> QuerySet[LiveStreamPin]:
    return LiveStreamPin.objects.filter(stream=stream).select_related("variant").order_by("pinned_at", "pk")


def variant_of_seller_by_sku(*, seller: Seller, sku: Any, field: str = "sku") -> ProductVariant:
    """The seller's own variant with this SKU; another seller's SKU is simply unknown (400 naming ``field``)."""
    variant = (
        ProductVariant.objects.select_related("product").filter(seller=seller, sku=str(sku).strip()).first()
        if isinstance(sku, str) and sku.strip()
        else None
    )
    if variant is None:
        raise ValidationFailed(
            _("No SKU %(sku)s among your products.") % {"sku": repr(sku)},
            errors={field: [_("No such SKU among your products.")]},
        )
    return variant
