"""Production: secrets and hosts must come from the environment; HTTPS hardening on."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False


def _required(name: str) -> str:
    value = env(name, default="")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production")
    return value


SECRET_KEY = _required("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = [host.strip() for host in _required("ALLOWED_HOSTS").split(",") if host.strip()]

# Live events through the in-process bus reach only viewers of the same process: with several web
# processes, viewers would silently miss events. Refuse unless a single process is declared.
if not LIVE_EVENTS_REDIS_URL and not env.bool("LIVE_EVENTS_IN_PROCESS", default=False):
    raise ImproperlyConfigured(
        "LIVE_EVENTS_REDIS_URL must be set in production (or a redis:// CELERY_BROKER_URL or CACHE_URL), "
        "unless LIVE_EVENTS_IN_PROCESS=True for a single web process"
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
