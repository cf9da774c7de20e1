"""The offline payment provider: the embedded default, with no card network behind it.

A payment is "confirmed" by the buyer calling ``POST /orders/{id}/pay/``, which goes through the
same ``payment_confirm`` service as a Stripe webhook would; refunds succeed at once.
"""

from core.money import Money
from orders.payments.base import PaymentProvider, ProviderPayment, ProviderRefund


class OfflinePaymentProvider(PaymentProvider):
    name = "offline"
    allows_manual_confirmation = True

    def payment_create(self, *, order_number: str, amount: Money, idempotency_key: str) -> ProviderPayment:
        # Deterministic, so a retried placement yields the same reference.
        return ProviderPayment(reference=f"offline-{idempotency_key}", client_secret=None)

    def refund_create(self, *, payment_reference: str, amount: Money, idempotency_key: str) -> ProviderRefund:
        return ProviderRefund(reference=f"offline-{idempotency_key}", succeeded=True)
