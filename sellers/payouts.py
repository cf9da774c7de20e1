"""Seller payout accounts through the configured payment provider (Stripe Connect Express, or offline).

Every provider call goes through ``core.payments``; this module only maps the provider's answers
to the seller's payout status. The account is created with the idempotency key
``acct:<seller id>`` so a retried request never creates a second one.
"""

from core.payments import PaymentProviderError, ProviderAccount, payment_provider_get
from sellers.exceptions import PayoutProviderError
from sellers.models import PayoutStatus, Seller


def connect_account_create(*, seller: Seller, email: str) -> str:
    """Create the seller's payout account (idempotent per seller) and return its id."""
    try:
        return payment_provider_get().account_create(
            idempotency_key=f"acct:{seller.pk}",
            country=seller.country,
            email=email,
            name=seller.display_name,
            seller_id=seller.pk,
        )
    except PaymentProviderError as error:
        raise PayoutProviderError(extra={"provider_message": str(error)}) from error


def account_link_create(*, account_id: str, refresh_url: str, return_url: str) -> str:
    """A one-time onboarding URL for the account (links expire, so one is made per request)."""
    try:
        return payment_provider_get().account_link_create(
            account=account_id, refresh_url=refresh_url, return_url=return_url
        )
    except PaymentProviderError as error:
        raise PayoutProviderError(extra={"provider_message": str(error)}) from error


def payout_status_from_account(account: ProviderAccount) -> str:
    """Map the provider's account state to our payout status."""
    if account.restricted:
        return PayoutStatus.RESTRICTED
    if account.payouts_enabled:
        return PayoutStatus.ENABLED
    return PayoutStatus.PENDING
