"""The embedded default of `make run`: SQLite, a worker and beat on a SQLite broker, local media, offline payments."""

from .base import *  # noqa: F403
from .base import LIVE_EVENTS_REDIS_URL, VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# Demo emails (order placed, paid, shipped...) land as files in var/emails/ instead of flooding
# the terminal that shows the demo logins.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(VAR_DIR / "emails"))

# The demo: the buyer marks an offline order paid, offline payout onboarding enables payouts.
OFFLINE_PAYMENTS_SELF_SERVICE = True

# --- Celery: a real worker and beat run beside the web server (the Procfile), so unpaid orders
# expire, departures are consolidated and estimates refreshed as in production. The broker is
# kombu's SQLAlchemy transport on a SQLite file, results go to the same file: nothing to install
# or start but Python. CELERY_BROKER_URL still points it at Redis or RabbitMQ.
EMBEDDED_CELERY_DATABASE = VAR_DIR / "celery.sqlite3"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=f"sqla+sqlite:///{EMBEDDED_CELERY_DATABASE}")
CELERY_TASK_ALWAYS_EAGER = False
if CELERY_BROKER_URL.startswith("sqla+sqlite"):
    CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=f"db+sqlite:///{EMBEDDED_CELERY_DATABASE}")
    # Three processes write the file (web enqueues, beat enqueues, the worker takes and stores
    # results): wait for its lock rather than failing, as the Django database does.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"connect_args": {"timeout": 20}}
    CELERY_DATABASE_ENGINE_OPTIONS = {"connect_args": {"timeout": 20}}
else:
    CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)

# --- Live events: `make run` serves with several worker processes (Procfile, config/gunicorn.py);
# without Redis, events cross them through a SQLite file beside the database (sqlite_bus.py).
LIVE_EVENTS_FILE = env(
    "LIVE_EVENTS_FILE", default="" if LIVE_EVENTS_REDIS_URL else str(VAR_DIR / "live_events.sqlite3")
)
