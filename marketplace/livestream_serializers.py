"""API shapes of livestreams: seller input, and the seller's and the public renderings (API.md)."""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from core.api.fields import MoneyField
from core.api.fields import money_to_representation as money
from marketplace.models import LiveOffer, LiveStream


class LiveOfferWriteSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    live_price = MoneyField()
    quantity_cap = serializers.IntegerField(min_value=1, max_value=1_000_000)
    per_buyer_limit = serializers.IntegerField(min_value=1, max_value=1_000_000, default=1)


class LiveStreamWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    host = serializers.CharField(max_length=120)
    language = serializers.CharField(max_length=5)
    stream_url = serializers.CharField(max_length=500)
    scheduled_start = serializers.DateTimeField()
    scheduled_end = serializers.DateTimeField()
    offers = LiveOfferWriteSerializer(many=True, required=False)

    def validate_offers(self, value: list[Any]) -> list[Any]:
        if len(value) > 200:
            raise serializers.ValidationError(_("At most 200 offers per stream."))
        return value


class LiveStreamUpdateSerializer(LiveStreamWriteSerializer):
    replay_url = serializers.CharField(max_length=500, allow_blank=True)
    offers = None  # type: ignore[assignment]  # offers have their own endpoint


class LiveStreamEndSerializer(serializers.Serializer):
    replay_url = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class PinSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64)


def _variant_brief(variant: Any) -> dict[str, Any] | None:
    if variant is None:
        return None
    return {
        "sku": variant.sku,
        "variant": variant.pk,
        "product": variant.product_id,
        "title": variant.product.title,
        "name": variant.name,
        "price": money(variant.price),
    }


def offer_rendering(offer: LiveOffer, *, for_seller: bool) -> dict[str, Any]:
    body = {
        "id": offer.pk,
        "sku": offer.variant.sku,
        "variant": offer.variant_id,
        "product": offer.variant.product_id,
        "title": offer.variant.product.title,
        "list_price": money(offer.variant.price),
        "live_price": money(offer.live_price),
        "quantity_cap": offer.quantity_cap,
        "per_buyer_limit": offer.per_buyer_limit,
        "remaining": offer.remaining,
    }
    if for_seller:
        body["sold"] = offer.sold
    return body


def stream_rendering(stream: LiveStream, *, for_seller: bool, with_offers: bool = True) -> dict[str, Any]:
    seller = stream.seller
    body: dict[str, Any] = {
        "id": stream.pk,
        "title": stream.title,
        "description": stream.description,
        "seller": {"id": seller.pk, "display_name": seller.display_name, "country": seller.country},
        "host": stream.host,
        "language": stream.language,
        "stream_url": stream.stream_url,
        "replay_url": stream.replay_url or None,
        "status": stream.status,
        "scheduled_start": stream.scheduled_start,
        "scheduled_end": stream.scheduled_end,
        "started_at": stream.started_at,
        "ended_at": stream.ended_at,
        "offers_valid_until": stream.offers_valid_until(),
        "pinned_sku": stream.pinned_variant.sku if stream.pinned_variant else None,
        "pinned": _variant_brief(stream.pinned_variant),
    }
    if with_offers:
        body["offers"] = [offer_rendering(offer, for_seller=for_seller) for offer in stream.offers.all()]
    return body
