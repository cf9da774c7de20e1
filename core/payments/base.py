"""The payment provider interface: what orders and seller payouts need from Stripe or a stand-in."""

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.money import Money

#: Normalised states of a payment at the provider (Stripe's PaymentIntent statuses map onto these).
PAYMENT_PENDING = "pending"  # waiting for the buyer (card entry, 3-D Secure, processing)
PAYMENT_FAILED = "failed"  # the last attempt was declined; the buyer may try again
PAYMENT_SUCCEEDED = "succeeded"
PAYMENT_CANCELED = "canceled"

REFUND_PENDING = "pending"
REFUND_SUCCEEDED = "succeeded"
REFUND_FAILED = "failed"


class PaymentProviderError(Exception):
    """The provider refused the request (declined, invalid); retrying the same call will not help."""

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class PaymentProviderUnreachable(PaymentProviderError):
    """The provider could not be reached or answered 5xx/429: the same call may be retried later."""


class WebhookSignatureInvalid(Exception):
    """A webhook whose signature, secret or timestamp does not check out; its body is never parsed."""


@dataclass(frozen=True, slots=True)
class ProviderPayment:
    """A payment opened at the provider: its id there, the buyer's secret, and what the provider says of it."""

    reference: str
    client_secret: str | None
    status: str = PAYMENT_PENDING
    amount: Money | None = None
    order_number: str = ""
    error_message: str = ""


@dataclass(frozen=True, slots=True)
class ProviderRefund:
    reference: str
    status: str
    amount: Money | None = None
    payment_reference: str = ""
    idempotency_key: str = ""


@dataclass(frozen=True, slots=True)
class ProviderTransfer:
    reference: str
    amount: Money


@dataclass(frozen=True, slots=True)
class ProviderAccount:
    reference: str
    payouts_enabled: bool
    restricted: bool = False


@dataclass(frozen=True, slots=True)
class ProviderEvent:
    """A verified webhook event, normalised: what it says about a payment, refunds or an account.

    ``data`` keeps the raw object for the record; the order code reads only the typed fields.
    """

    id: str
    type: str
    created: int
    payment: ProviderPayment | None = None
    refunds: tuple[ProviderRefund, ...] = ()
    account: str = ""
    data: dict[str, Any] = field(default_factory=dict)


class PaymentProvider(ABC):
    """One payment service. Every write carries a deterministic idempotency key so a retry never
    charges, refunds or transfers twice (``pi:<order>``, ``rf:<order>:<n>``, ``tr:<order>:<seller>``)."""

    name: str = ""
    #: True when the provider itself never moves money (cash on delivery, bank transfer, the demo):
    #: a person confirms payment (``POST /orders/{id}/pay/`` in the demo, staff in production).
    confirms_by_hand: bool = False

    def chargeable_amount(self, amount: Money) -> Money:
        """``amount`` as the provider can charge it (Stripe rounds three-decimal currencies to tens)."""
        return amount

    @abstractmethod
    def payment_create(
        self, *, order_number: str, amount: Money, idempotency_key: str, transfer_group: str
    ) -> ProviderPayment:
        """Open a payment for ``amount`` (one per order, key ``pi:<order>``)."""

    @abstractmethod
    def payment_retrieve(self, *, reference: str) -> ProviderPayment:
        """The payment as the provider knows it now."""

    @abstractmethod
    def payments_list_recent(self, *, created_after: datetime) -> Iterator[ProviderPayment]:
        """Payments opened since ``created_after`` (reconciliation of lost webhooks)."""

    @abstractmethod
    def refund_create(
        self, *, payment_reference: str, amount: Money, idempotency_key: str, metadata: dict[str, str]
    ) -> ProviderRefund:
        """Refund ``amount`` of a captured payment."""

    @abstractmethod
    def transfer_create(
        self, *, account: str, amount: Money, idempotency_key: str, transfer_group: str, metadata: dict[str, str]
    ) -> ProviderTransfer:
        """Move ``amount`` from the platform balance to a seller's connected account."""

    @abstractmethod
    def account_create(self, *, idempotency_key: str, country: str, email: str, name: str, seller_id: int) -> str:
        """Create a seller's payout account; returns its id at the provider."""

    @abstractmethod
    def account_link_create(self, *, account: str, refresh_url: str, return_url: str) -> str:
        """A one-time onboarding URL for the account."""

    @abstractmethod
    def account_retrieve(self, *, account: str) -> ProviderAccount:
        """The account's payout state now (webhooks about accounts are re-read, never trusted in order)."""

    @abstractmethod
    def webhook_event_parse(self, *, payload: bytes, signature: str | None) -> ProviderEvent:
        """Verify ``signature`` over the raw ``payload``, then parse it; ``WebhookSignatureInvalid`` otherwise."""
