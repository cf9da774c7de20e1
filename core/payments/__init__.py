"""Payment providers behind one interface; ``settings.PAYMENT_PROVIDER`` chooses one (``offline`` or ``stripe``).

Charges (PaymentIntents), refunds, Connect accounts and transfers, webhook verification and the
Stripe currency rules all sit behind ``PaymentProvider``. Only ``core.payments.stripe_provider``
imports stripe-python; every other module talks to the interface, so a test or the embedded
default can run the whole money flow offline.
"""

from core.payments.base import (
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
from core.payments.registry import PROVIDER_NAMES, payment_provider_get, payment_settings_check

__all__ = [
    "PROVIDER_NAMES",
    "PaymentProvider",
    "PaymentProviderError",
    "PaymentProviderUnreachable",
    "ProviderAccount",
    "ProviderEvent",
    "ProviderPayment",
    "ProviderRefund",
    "ProviderTransfer",
    "WebhookSignatureInvalid",
    "payment_provider_get",
    "payment_settings_check",
]
