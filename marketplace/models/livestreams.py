"""Live selling: a seller's streams, what was pinned on screen, and live-only offers with a cap.

Karavan does not host video: ``stream_url`` is whatever link viewers open (an HLS playlist, an
RTMP/RTMPS address, a Douyin or VK page). A stream is ``scheduled``, then ``live``, then
``ended``; the offers of a stream are valid from the moment it starts until a grace period
(``LIVE_OFFER_GRACE_MINUTES``) after it ends, so buyers who tapped "buy" in the last minute can
still check out. ``LiveOffer.sold`` counts the units claimed by orders that are not cancelled or
expired; the database keeps it between 0 and the cap whatever the code does.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from core.fields import money_field
from marketplace.models.catalog import LANGUAGES, ProductVariant
from sellers.models import Seller


class LiveStreamStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    LIVE = "live", "Live"
    ENDED = "ended", "Ended"


class LiveStream(models.Model):
    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="livestreams")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    host = models.CharField(max_length=120, help_text="Who presents the stream, as viewers see it.")
    language = models.CharField(max_length=5, choices=[(code, code) for code in LANGUAGES])
    stream_url = models.CharField(max_length=500, help_text="Where viewers watch: HLS, RTMP(S) or a platform page.")
    replay_url = models.CharField(max_length=500, blank=True, help_text="The recording, once the stream ended.")
    status = models.CharField(max_length=10, choices=LiveStreamStatus.choices, default=LiveStreamStatus.SCHEDULED)
    scheduled_start = models.DateTimeField()
    scheduled_end = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.CharField(max_length=200, blank=True, help_text="Who ended it: the seller, or platform staff.")
    pinned_variant = models.ForeignKey(
        ProductVariant, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-scheduled_start", "-id"]
        indexes = [
            models.Index(fields=["status", "scheduled_start"], name="livestream_status_start_idx"),
            models.Index(fields=["seller", "-scheduled_start"], name="livestream_seller_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(scheduled_end__gt=F("scheduled_start")), name="livestream_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status="scheduled") | Q(started_at__isnull=False), name="livestream_started_has_time"
            ),
            models.CheckConstraint(
                condition=~Q(status="ended") | Q(ended_at__isnull=False), name="livestream_ended_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.status})"

    def offers_valid_until(self) -> datetime | None:
        """When its offers stop: the end plus the grace period; None while it has not ended."""
        if self.ended_at is None:
            return None
        return self.ended_at + timedelta(minutes=settings.LIVE_OFFER_GRACE_MINUTES)

    def offers_valid_at(self, at: datetime) -> bool:
        if self.started_at is None or at < self.started_at:
            return False
        until = self.offers_valid_until()
        return until is None or at <= until


class LiveStreamPin(models.Model):
    """A product put on screen; the rows of a stream are its pin history."""

    stream = models.ForeignKey(LiveStream, on_delete=models.CASCADE, related_name="pins")
    variant = models.ForeignKey(ProductVariant, on_delete=models.PROTECT, related_name="+")
    pinned_at = models.DateTimeField()
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["pinned_at", "id"]

    def __str__(self) -> str:
        return f"{self.stream_id} pinned {self.variant_id}"


class LiveOffer(models.Model):
    """A live-only price for one SKU of a stream, for at most ``quantity_cap`` units in all."""

    stream = models.ForeignKey(LiveStream, on_delete=models.CASCADE, related_name="offers")
    variant = models.ForeignKey(ProductVariant, on_delete=models.PROTECT, related_name="+")
    live_price = money_field()
    quantity_cap = models.PositiveIntegerField()
    per_buyer_limit = models.PositiveIntegerField()
    sold = models.PositiveIntegerField(default=0, help_text="Units held by orders not cancelled or expired.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["stream", "variant"], name="live_offer_one_per_variant"),
            models.CheckConstraint(condition=Q(quantity_cap__gte=1), name="live_offer_cap_positive"),
            models.CheckConstraint(condition=Q(per_buyer_limit__gte=1), name="live_offer_limit_positive"),
            # The cap can never be oversold, whatever runs concurrently.
            models.CheckConstraint(
                condition=Q(sold__gte=0) & Q(sold__lte=F("quantity_cap")), name="live_offer_sold_within_cap"
            ),
            models.CheckConstraint(condition=Q(live_price__gt=0), name="live_offer_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id} at {self.live_price} ({self.sold}/{self.quantity_cap})"

    @property
    def remaining(self) -> int:
        return max(self.quantity_cap - self.sold, 0)
