"""Payment providers by name; ``settings.PAYMENT_PROVIDER`` chooses the one in use."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from core.payments.base import PaymentProvider

PROVIDER_NAMES = ("offline", "stripe")
#: What the offline provider stands for in production (it never runs there without one of these).
OFFLINE_METHODS = ("cash_on_delivery", "bank_transfer")


def payment_settings_check(
    *, provider: str, secret_key: str, webhook_secret: str, production: bool, offline_method: str
) -> list[str]:
    """What is wrong with the payment settings (empty when they are usable); the settings modules
    raise ImproperlyConfigured with these messages, so a bad configuration never boots."""
    problems = []
    if provider not in PROVIDER_NAMES:
        problems.append(f"PAYMENT_PROVIDER must be one of {', '.join(PROVIDER_NAMES)}; got {provider!r}.")
    if provider == "stripe":
        if not secret_key:
            problems.append("PAYMENT_PROVIDER=stripe needs STRIPE_SECRET_KEY (sk_live_... or sk_test_...).")
        if not webhook_secret:
            problems.append("PAYMENT_PROVIDER=stripe needs STRIPE_WEBHOOK_SECRET (whsec_...) to verify webhooks.")
    if production and provider == "offline" and offline_method not in OFFLINE_METHODS:
        problems.append(
            "Production refuses the offline payment provider (orders would be paid with no money) unless "
            f"OFFLINE_PAYMENT_METHOD says how buyers pay ({' or '.join(OFFLINE_METHODS)}); "
            "then only staff confirm payments. Or set PAYMENT_PROVIDER=stripe."
        )
    return problems


def payment_provider_get(name: str | None = None) -> PaymentProvider:
    """The provider called ``name``, or the configured one (Stripe is imported only when used)."""
    name = name or settings.PAYMENT_PROVIDER
    if name == "offline":
        from core.payments.offline import OfflinePaymentProvider

        return OfflinePaymentProvider()
    if name == "stripe":
        from core.payments.stripe_provider import StripePaymentProvider

        return StripePaymentProvider()
    raise ImproperlyConfigured(f"No payment provider called {name!r}; use one of {', '.join(PROVIDER_NAMES)}.")
