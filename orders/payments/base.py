"""The payment provider interface: what the order services need from Stripe or any stand-in."""

from abc import ABC, abstractmethod
from dataclasses import dataclass

from core.money import Money


@dataclass(frozen=True, slots=True)
class ProviderPayment:
    """A payment opened at the provider: its id there and the secret the buyer's app confirms it with."""

    reference: str
    client_secret: str | None


@dataclass(frozen=True, slots=True)
class ProviderRefund:
    reference: str
    succeeded: bool


class PaymentProvider(ABC):
    """One payment service. Calls carry deterministic idempotency keys so a retry never charges twice."""

    name: str = ""
    #: True when the buyer may mark an order paid without a card (``POST /orders/{id}/pay/``).
    allows_manual_confirmation: bool = False

    @abstractmethod
    def payment_create(self, *, order_number: str, amount: Money, idempotency_key: str) -> ProviderPayment:
        """Open a payment for ``amount``; called once per order (key ``pi:<order>``)."""

    @abstractmethod
    def refund_create(self, *, payment_reference: str, amount: Money, idempotency_key: str) -> ProviderRefund:
        """Refund ``amount`` of a captured payment (key ``rf:<order>:<refund>``)."""
