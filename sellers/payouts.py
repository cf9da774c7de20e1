"""Stripe Connect, in one place: the client set-up and the few calls seller payouts need.

The payments code reuses ``stripe_client()`` so that every Stripe call in the project shares one
configuration: the secret key, ``STRIPE_API_BASE`` (a local fake in tests, never the internet),
retries, and deterministic idempotency keys (``acct:<seller id>``) so a retried request never
creates a second account.
"""

from typing import Any

import stripe
from django.conf import settings

from sellers.exceptions import PayoutProviderError
from sellers.models import PayoutStatus, Seller

STRIPE_TIMEOUT_SECONDS = 20


def stripe_enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def stripe_client() -> stripe.StripeClient:
    """A StripeClient on the configured key and API base, over the requests HTTP client."""
    base_addresses: Any = {}
    if settings.STRIPE_API_BASE:
        base_addresses = {"api": settings.STRIPE_API_BASE, "connect": settings.STRIPE_API_BASE}
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses=base_addresses,
        http_client=stripe.RequestsClient(timeout=STRIPE_TIMEOUT_SECONDS),
        max_network_retries=2,
    )


def connect_account_create(*, seller: Seller, email: str) -> str:
    """Create the seller's Express account (idempotent per seller) and return its id."""
    params: dict[str, Any] = {
        "type": "express",
        "country": seller.country,
        "email": email,
        "business_profile": {"name": seller.display_name},
        "capabilities": {"transfers": {"requested": True}},
        # Most SCO countries receive cross-border payouts only: the platform charges, the
        # seller's account receives transfers.
        "tos_acceptance": {"service_agreement": "recipient"},
        "metadata": {"karavan_seller_id": str(seller.pk)},
    }
    try:
        account = stripe_client().v1.accounts.create(params=params, options={"idempotency_key": f"acct:{seller.pk}"})
    except stripe.StripeError as error:
        raise PayoutProviderError(extra={"provider_message": _provider_message(error)}) from error
    return str(account.id)


def account_link_create(*, account_id: str, refresh_url: str, return_url: str) -> str:
    """A one-time onboarding URL for the account (links expire, so one is made per request)."""
    try:
        link = stripe_client().v1.account_links.create(
            params={
                "account": account_id,
                "refresh_url": refresh_url,
                "return_url": return_url,
                "type": "account_onboarding",
            }
        )
    except stripe.StripeError as error:
        raise PayoutProviderError(extra={"provider_message": _provider_message(error)}) from error
    return str(link.url)


def payout_status_from_account(account: Any) -> str:
    """Map a Stripe account object (or webhook payload) to our payout status."""
    requirements = account.get("requirements") or {}
    if requirements.get("disabled_reason"):
        return PayoutStatus.RESTRICTED
    if account.get("payouts_enabled"):
        return PayoutStatus.ENABLED
    return PayoutStatus.PENDING


def _provider_message(error: stripe.StripeError) -> str:
    return str(getattr(error, "user_message", None) or error.__class__.__name__)
