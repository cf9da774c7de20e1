"""The project's fake Stripe (``core.payments.stripe_fake``) wired into Django settings for a test."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from core.payments.stripe_fake import StripeFake, stripe_fake_server


@contextmanager
def stripe_fake(settings: Any) -> Iterator[StripeFake]:
    """Serve the fake on a free loopback port and select the Stripe provider pointed at it."""
    with stripe_fake_server() as fake:
        settings.PAYMENT_PROVIDER = "stripe"
        settings.STRIPE_SECRET_KEY = "sk_test_karavan_fake"
        settings.STRIPE_WEBHOOK_SECRET = fake.webhook_secret
        settings.STRIPE_API_BASE = fake.base_url
        yield fake
