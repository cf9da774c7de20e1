"""The Stripe provider: the one module that imports stripe-python.

Separate charges and transfers (Connect): the platform charges the buyer with a PaymentIntent
(``transfer_group`` = order number) and later transfers each seller's share to their Express
account. ``STRIPE_API_BASE`` points every call at another base (the local fake in tests and
``make stripe-fake``), so nothing here needs the internet to be tested.
"""

import functools
import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

import requests
import stripe
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from core.money import Money
from core.payments.base import (
    PAYMENT_CANCELED,
    PAYMENT_FAILED,
    PAYMENT_PENDING,
    PAYMENT_SUCCEEDED,
    REFUND_FAILED,
    REFUND_PENDING,
    REFUND_SUCCEEDED,
    PaymentProvider,
    PaymentProviderError,
    PaymentProviderUnreachable,
    ProviderAccount,
    ProviderEvent,
    ProviderPayment,
    ProviderRefund,
    ProviderTransfer,
    WebhookSignatureInvalid,
)
from core.payments.currencies import from_stripe_amount, stripe_chargeable, to_stripe_amount

STRIPE_TIMEOUT_SECONDS = 20
#: Stripe's own default: a signed webhook older than this is refused (replays of captured bodies).
WEBHOOK_TOLERANCE_SECONDS = 300

_REFUND_STATUSES = {
    "succeeded": REFUND_SUCCEEDED,
    "failed": REFUND_FAILED,
    "canceled": REFUND_FAILED,
    "pending": REFUND_PENDING,
    "requires_action": REFUND_PENDING,
}


def _client() -> stripe.StripeClient:
    if not settings.STRIPE_SECRET_KEY:
        raise ImproperlyConfigured("PAYMENT_PROVIDER=stripe needs STRIPE_SECRET_KEY.")
    return _client_for(
        settings.STRIPE_SECRET_KEY,
        settings.STRIPE_API_BASE or "",
        float(getattr(settings, "STRIPE_TIMEOUT_SECONDS", STRIPE_TIMEOUT_SECONDS)),
    )


@functools.lru_cache(maxsize=4)
def _client_for(secret_key: str, api_base: str, timeout: float) -> stripe.StripeClient:
    """One client per process and configuration, with one HTTP session shared by every thread.

    stripe-python's ``RequestsClient`` otherwise keeps a session per thread, and under ASGI each
    request runs in a thread of its own: every payment would open a new connection (TCP and TLS
    to Stripe) and build a new session. A shared ``requests.Session`` keeps the connections in
    urllib3's pool, which is safe across threads; Stripe sets no cookies on the session.
    """
    base_addresses: Any = {"api": api_base, "connect": api_base} if api_base else {}
    return stripe.StripeClient(
        secret_key,
        base_addresses=base_addresses,
        http_client=stripe.RequestsClient(timeout=timeout, session=requests.Session()),
        max_network_retries=2,
    )


def _error(error: stripe.StripeError) -> PaymentProviderError:
    message = str(getattr(error, "user_message", None) or error.__class__.__name__)
    code = str(getattr(error, "code", None) or "")
    status = getattr(error, "http_status", None) or 0
    if isinstance(error, stripe.APIConnectionError | stripe.RateLimitError) or status >= 500:
        return PaymentProviderUnreachable(message, code=code)
    return PaymentProviderError(message, code=code)


def _plain(obj: Any) -> Mapping[str, Any]:
    """stripe-python objects are not dicts (``.get`` is refused): read them as plain ones."""
    return obj.to_dict() if hasattr(obj, "to_dict") else obj


def _payment(obj: Any) -> ProviderPayment:
    obj = _plain(obj)
    status = str(obj.get("status") or "")
    if status == "succeeded":
        normalised = PAYMENT_SUCCEEDED
    elif status == "canceled":
        normalised = PAYMENT_CANCELED
    elif status == "requires_payment_method" and obj.get("last_payment_error"):
        normalised = PAYMENT_FAILED
    else:
        normalised = PAYMENT_PENDING
    error = obj.get("last_payment_error") or {}
    metadata = obj.get("metadata") or {}
    amount = obj.get("amount")
    currency = obj.get("currency")
    return ProviderPayment(
        reference=str(obj.get("id") or ""),
        client_secret=obj.get("client_secret"),
        status=normalised,
        amount=from_stripe_amount(int(amount), str(currency)) if amount is not None and currency else None,
        order_number=str(metadata.get("order_number") or ""),
        error_message=str(error.get("message") or "") if isinstance(error, Mapping) else "",
    )


def _refund(obj: Any) -> ProviderRefund:
    obj = _plain(obj)
    amount = obj.get("amount")
    currency = obj.get("currency")
    metadata = obj.get("metadata") or {}
    return ProviderRefund(
        reference=str(obj.get("id") or ""),
        status=_REFUND_STATUSES.get(str(obj.get("status") or ""), REFUND_PENDING),
        amount=from_stripe_amount(int(amount), str(currency)) if amount is not None and currency else None,
        payment_reference=str(obj.get("payment_intent") or ""),
        idempotency_key=str(metadata.get("karavan_refund") or ""),
    )


class StripePaymentProvider(PaymentProvider):
    name = "stripe"

    def __init__(self) -> None:
        self.client = _client()

    def chargeable_amount(self, amount: Money) -> Money:
        return stripe_chargeable(amount)

    def payment_create(
        self, *, order_number: str, amount: Money, idempotency_key: str, transfer_group: str
    ) -> ProviderPayment:
        params: Any = {
            "amount": to_stripe_amount(amount),
            "currency": amount.currency.code.lower(),
            "automatic_payment_methods": {"enabled": True},
            "metadata": {"order_number": order_number},
            "transfer_group": transfer_group,
            "description": f"Karavan order {order_number}",
        }
        try:
            intent = self.client.v1.payment_intents.create(params=params, options={"idempotency_key": idempotency_key})
        except stripe.StripeError as error:
            raise _error(error) from error
        return _payment(intent)

    def payment_retrieve(self, *, reference: str) -> ProviderPayment:
        try:
            return _payment(self.client.v1.payment_intents.retrieve(reference))
        except stripe.StripeError as error:
            raise _error(error) from error

    def payments_list_recent(self, *, created_after: datetime) -> Iterator[ProviderPayment]:
        params: Any = {"created": {"gte": int(created_after.timestamp())}, "limit": 100}
        try:
            for intent in self.client.v1.payment_intents.list(params=params).auto_paging_iter():
                yield _payment(intent)
        except stripe.StripeError as error:
            raise _error(error) from error

    def refund_create(
        self, *, payment_reference: str, amount: Money, idempotency_key: str, metadata: dict[str, str]
    ) -> ProviderRefund:
        params: Any = {
            "payment_intent": payment_reference,
            "amount": to_stripe_amount(amount),
            "metadata": {**metadata, "karavan_refund": idempotency_key},
        }
        try:
            refund = self.client.v1.refunds.create(params=params, options={"idempotency_key": idempotency_key})
        except stripe.StripeError as error:
            raise _error(error) from error
        return _refund(refund)

    def transfer_create(
        self, *, account: str, amount: Money, idempotency_key: str, transfer_group: str, metadata: dict[str, str]
    ) -> ProviderTransfer:
        params: Any = {
            "amount": to_stripe_amount(amount, payout=True),
            "currency": amount.currency.code.lower(),
            "destination": account,
            "transfer_group": transfer_group,
            "metadata": metadata,
        }
        try:
            transfer = self.client.v1.transfers.create(params=params, options={"idempotency_key": idempotency_key})
        except stripe.StripeError as error:
            raise _error(error) from error
        return ProviderTransfer(
            reference=str(transfer.id), amount=from_stripe_amount(int(transfer.amount), str(transfer.currency))
        )

    def account_create(self, *, idempotency_key: str, country: str, email: str, name: str, seller_id: int) -> str:
        params: Any = {
            "type": "express",
            "country": country,
            "email": email,
            "business_profile": {"name": name},
            "capabilities": {"transfers": {"requested": True}},
            # Most SCO countries receive cross-border payouts only: the platform charges, the
            # seller's account receives transfers.
            "tos_acceptance": {"service_agreement": "recipient"},
            "metadata": {"karavan_seller_id": str(seller_id)},
        }
        try:
            account = self.client.v1.accounts.create(params=params, options={"idempotency_key": idempotency_key})
        except stripe.StripeError as error:
            raise _error(error) from error
        return str(account.id)

    def account_link_create(self, *, account: str, refresh_url: str, return_url: str) -> str:
        params: Any = {
            "account": account,
            "refresh_url": refresh_url,
            "return_url": return_url,
            "type": "account_onboarding",
        }
        try:
            link = self.client.v1.account_links.create(params=params)
        except stripe.StripeError as error:
            raise _error(error) from error
        return str(link.url)

    def account_retrieve(self, *, account: str) -> ProviderAccount:
        try:
            found = self.client.v1.accounts.retrieve(account)
        except stripe.StripeError as error:
            raise _error(error) from error
        account_data = _plain(found)
        requirements = account_data.get("requirements") or {}
        return ProviderAccount(
            reference=str(account_data.get("id")),
            payouts_enabled=bool(account_data.get("payouts_enabled")),
            restricted=bool(requirements.get("disabled_reason")),
        )

    def webhook_event_parse(self, *, payload: bytes, signature: str | None) -> ProviderEvent:
        # The signature covers the raw bytes: verify them before anything reads the JSON.
        try:
            stripe.WebhookSignature.verify_header(
                payload, signature, settings.STRIPE_WEBHOOK_SECRET, WEBHOOK_TOLERANCE_SECONDS
            )
        except stripe.SignatureVerificationError as error:
            raise WebhookSignatureInvalid(str(error)) from error
        try:
            body = json.loads(payload)
            obj = body["data"]["object"]
            event_id, event_type = str(body["id"]), str(body["type"])
        except (ValueError, KeyError, TypeError) as error:
            raise WebhookSignatureInvalid("A signed body that is not a Stripe event.") from error
        payment: ProviderPayment | None = None
        refunds: tuple[ProviderRefund, ...] = ()
        account = ""
        kind = obj.get("object")
        if kind == "payment_intent":
            payment = _payment(obj)
        elif kind == "refund":
            refunds = (_refund(obj),)
        elif kind == "charge":
            listed = (obj.get("refunds") or {}).get("data") or []
            refunds = tuple(_refund(item) for item in listed)
        elif kind == "account":
            account = str(obj.get("id") or "")
        return ProviderEvent(
            id=event_id,
            type=event_type,
            created=int(body.get("created") or 0),
            payment=payment,
            refunds=refunds,
            account=account,
            data=obj,
        )
