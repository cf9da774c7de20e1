"""Production: secrets and hosts must come from the environment; HTTPS hardening on."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    OFFLINE_PAYMENT_METHOD,
    PAYMENT_PROVIDER,
    STRIPE_SECRET_KEY,
    STRIPE_WEBHOOK_SECRET,
    database_pool,
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
PAYOUT_RETURN_HOSTS = env.list("PAYOUT_RETURN_HOSTS", default=ALLOWED_HOSTS)

# psycopg's pool per web process (base.database_pool says why not CONN_MAX_AGE); the Celery
# processes of `make serve` set DATABASE_POOL_MAX_SIZE=0 (a pool does not survive their fork).
database_pool(DATABASES["default"], env.int("DATABASE_POOL_MAX_SIZE", default=8))

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"


# --- Shared services: production refuses to boot on the embedded defaults (fail closed).
# SQLite has no row locks for stock and lives on one node's disk; a per-process cache makes
# throttles count per process; without a broker Celery runs tasks in the request and nothing
# runs the periodic jobs (unpaid orders would never expire). Payment-provider rules live in
# their own block.
def _shared_services_problems() -> list[str]:
    problems = []
    engine = DATABASES["default"]["ENGINE"]
    if engine != "django.db.backends.postgresql":
        problems.append(
            f"DATABASE_URL must name a PostgreSQL database (e.g. postgres://user@host:5432/karavan), not {engine}."
        )
    cache_backend = CACHES["default"]["BACKEND"]
    if cache_backend.rsplit(".", 1)[-1] in {"LocMemCache", "DummyCache", "FileBasedCache"}:
        problems.append(
            f"CACHE_URL must name a cache shared by every node (e.g. redis://host:6379/1), not {cache_backend}."
        )
    # memory:// lives in one process; a SQLite file (kombu's sqla+sqlite://) on one node's disk.
    scheme = CELERY_BROKER_URL.split(":", 1)[0].lower()
    if not CELERY_BROKER_URL or CELERY_TASK_ALWAYS_EAGER or scheme in {"memory", "cache"} or "sqlite" in scheme:
        problems.append(
            "CELERY_BROKER_URL must name a broker shared by the workers (redis://host:6379/0 or "
            f"amqp://user:password@host:5672//), not {CELERY_BROKER_URL or 'nothing (tasks would run eagerly)'}."
        )
    # Live events through the in-process bus reach only viewers of the same process: with several
    # web processes, viewers would silently miss events. Refuse unless a single process is declared.
    if not LIVE_EVENTS_REDIS_URL and not env.bool("LIVE_EVENTS_IN_PROCESS", default=False):
        problems.append(
            "LIVE_EVENTS_REDIS_URL must be set in production (or a redis:// CELERY_BROKER_URL or CACHE_URL), "
            "unless LIVE_EVENTS_IN_PROCESS=True for a single web process."
        )
    return problems


if _problems := _shared_services_problems():
    raise ImproperlyConfigured("Production needs its shared services:\n- " + "\n- ".join(_problems))


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
