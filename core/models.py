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


class OutboxMessage(models.Model):
    """A task to hand to the broker, written in the same transaction as the change that calls for it.

    The transactional outbox: if the transaction commits, the message exists even when the broker is
    down; a relay (on commit, and every minute from beat) sends what is unsent. A message may be
    sent more than once (a relay dies between sending and marking), so its task must be idempotent
    (they are: id in, re-read, unique rows such as ``OrderEmail``).
    """

    task = models.CharField(max_length=200, help_text="The Celery task's registered name.")
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["id"], condition=models.Q(sent_at__isnull=True), name="outbox_unsent"),
        ]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)} ({'sent' if self.sent_at else 'unsent'})"
