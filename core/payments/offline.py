"""The offline payment provider: the embedded default, and cash on delivery / bank transfer in production.

No money moves through it: a person confirms that an order was paid (the buyer in the demo, staff
in production, see ``OFFLINE_PAYMENTS_SELF_SERVICE``). Refunds and transfers are recorded as
done at once; their money moves by hand, outside Karavan.
"""

from collections.abc import Iterator
from datetime import datetime

from core.money import Money
from core.payments.base import (
    PAYMENT_PENDING,
    REFUND_SUCCEEDED,
    PaymentProvider,
    ProviderAccount,
    ProviderEvent,
    ProviderPayment,
    ProviderRefund,
    ProviderTransfer,
    WebhookSignatureInvalid,
)


class OfflinePaymentProvider(PaymentProvider):
    name = "offline"
    confirms_by_hand = True

    def payment_create(
        self, *, order_number: str, amount: Money, idempotency_key: str, transfer_group: str
    ) -> ProviderPayment:
        # Deterministic, so a retried placement yields the same reference.
        return ProviderPayment(
            reference=f"offline-{idempotency_key}", client_secret=None, amount=amount, order_number=order_number
        )

    def payment_retrieve(self, *, reference: str) -> ProviderPayment:
        return ProviderPayment(reference=reference, client_secret=None, status=PAYMENT_PENDING)

    def payments_list_recent(self, *, created_after: datetime) -> Iterator[ProviderPayment]:
        return iter(())

    def refund_create(
        self, *, payment_reference: str, amount: Money, idempotency_key: str, metadata: dict[str, str]
    ) -> ProviderRefund:
        return ProviderRefund(reference=f"offline-{idempotency_key}", status=REFUND_SUCCEEDED, amount=amount)

    def transfer_create(
        self, *, account: str, amount: Money, idempotency_key: str, transfer_group: str, metadata: dict[str, str]
    ) -> ProviderTransfer:
        return ProviderTransfer(reference=f"offline-{idempotency_key}", amount=amount)

    def account_create(self, *, idempotency_key: str, country: str, email: str, name: str, seller_id: int) -> str:
        return ""

    def account_link_create(self, *, account: str, refresh_url: str, return_url: str) -> str:
        return f"{return_url}{'&' if '?' in return_url else '?'}payouts=offline"

    def account_retrieve(self, *, account: str) -> ProviderAccount:
        return ProviderAccount(reference=account, payouts_enabled=False)

    def webhook_event_parse(self, *, payload: bytes, signature: str | None) -> ProviderEvent:
        raise WebhookSignatureInvalid("The offline payment provider receives no webhooks.")
