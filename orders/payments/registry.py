"""Payment providers by name; ``settings.PAYMENT_PROVIDER`` chooses the one in use."""

from django.conf import settings

from core.exceptions import DomainError
from orders.payments.base import PaymentProvider
from orders.payments.offline import OfflinePaymentProvider

_PROVIDERS: dict[str, type[PaymentProvider]] = {"offline": OfflinePaymentProvider}


class PaymentProviderUnavailable(DomainError):
    status_code = 503
    code = "payment_provider_unavailable"
    default_detail = "The configured payment provider is not available."


def payment_provider_register(name: str, provider: type[PaymentProvider]) -> None:
    """Make a provider available under ``name`` (the Stripe integration registers itself here)."""
    _PROVIDERS[name] = provider


def payment_provider_get(name: str | None = None) -> PaymentProvider:
    """The provider called ``name``, or the configured one."""
    name = name or settings.PAYMENT_PROVIDER
    try:
        return _PROVIDERS[name]()
    except KeyError:
        raise PaymentProviderUnavailable(f"No payment provider called {name!r} is installed.") from None
