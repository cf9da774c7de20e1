"""Payment providers behind one small interface; the registry picks one by ``settings.PAYMENT_PROVIDER``.

The order code only talks to ``PaymentProvider``: create a payment for an order, refund it. The
offline provider (the embedded default) needs no network; Stripe plugs in with
``payment_provider_register("stripe", StripePaymentProvider)``.
"""

from orders.payments.base import PaymentProvider, ProviderPayment, ProviderRefund
from orders.payments.offline import OfflinePaymentProvider
from orders.payments.registry import payment_provider_get, payment_provider_register

__all__ = [
    "OfflinePaymentProvider",
    "PaymentProvider",
    "ProviderPayment",
    "ProviderRefund",
    "payment_provider_get",
    "payment_provider_register",
]
