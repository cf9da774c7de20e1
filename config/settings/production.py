"""Production: secrets and hosts must come from the environment; HTTPS hardening on."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    OFFLINE_PAYMENT_METHOD,
    PAYMENT_PROVIDER,
    STRIPE_SECRET_KEY,
    STRIPE_WEBHOOK_SECRET,
    env,
    payment_settings_validate,
)

DEBUG = False


def _required(name: str) -> str:
    value = env(name, default="")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production")
    return value


SECRET_KEY = _required("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = [host.strip() for host in _required("ALLOWED_HOSTS").split(",") if host.strip()]

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- Payments fail closed (issue 9). The offline provider moves no money, so production runs it
# only when OFFLINE_PAYMENT_METHOD says what it stands for (cash on delivery, bank transfer), and
# then buyers never mark their own orders paid and payout onboarding never enables itself: staff
# confirm payments (admin action) and enable payouts. PAYMENT_PROVIDER=stripe needs its keys.
OFFLINE_PAYMENTS_SELF_SERVICE = False
payment_settings_validate(
    production=True,
    provider=PAYMENT_PROVIDER,
    secret_key=STRIPE_SECRET_KEY,
    webhook_secret=STRIPE_WEBHOOK_SECRET,
    offline_method=OFFLINE_PAYMENT_METHOD,
)
