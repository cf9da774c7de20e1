"""The embedded default used by `make run`: SQLite, eager Celery, local media, offline payments."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# Demo emails (order placed, paid, shipped...) land as files in var/emails/ instead of flooding
# the terminal that shows the demo logins.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(VAR_DIR / "emails"))

# The demo: the buyer marks an offline order paid, offline payout onboarding enables payouts.
OFFLINE_PAYMENTS_SELF_SERVICE = True
