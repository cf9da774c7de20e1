"""Shared-kernel tables: exchange rates with their source and time, and idempotency keys."""

from django.conf import settings
from django.db import models


class ExchangeRate(models.Model):
    """1 ``base`` = ``rate`` ``quote`` from ``effective_at`` on, as published by ``source``."""

    base = models.CharField(max_length=3)
    quote = models.CharField(max_length=3)
    rate = models.DecimalField(max_digits=24, decimal_places=10)
    effective_at = models.DateTimeField()
    source = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["base", "quote", "-effective_at"]
        constraints = [
            models.UniqueConstraint(fields=["base", "quote", "effective_at", "source"], name="exchange_rate_unique"),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="exchange_rate_positive"),
        ]
        indexes = [models.Index(fields=["base", "quote", "-effective_at"], name="exchange_rate_lookup")]

    def __str__(self) -> str:
        return f"1 {self.base} = {self.rate} {self.quote} ({self.source}, {self.effective_at:%Y-%m-%d %H:%M})"


class IdempotencyKey(models.Model):
    """The first response to a request sent with an ``Idempotency-Key``, replayed on retries."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE)
    scope = models.CharField(max_length=200, help_text="What the key applies to, e.g. 'orders.create'.")
    key = models.CharField(max_length=255)
    request_fingerprint = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "scope", "key"], name="idempotency_key_unique")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"
